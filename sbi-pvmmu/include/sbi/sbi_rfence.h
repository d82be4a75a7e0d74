/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Remote fences (SBI RFENCE) through a per-(target, source) mailbox.
 */
#ifndef __SBI_RFENCE_H__
#define __SBI_RFENCE_H__

#include <sbi/sbi_hart.h>

#define SBI_RFENCE_NONE			0	/* empty mailbox slot */
#define SBI_RFENCE_FENCE_I		1
#define SBI_RFENCE_SFENCE_VMA		2
#define SBI_RFENCE_SFENCE_VMA_ASID	3
/* Not a fence: reprogram PMP from the layout (a KERNEL_LOCK) */
#define SBI_RFENCE_PMP_RELOAD		4

struct sbi_rfence_req {
	unsigned long type;
	unsigned long start;
	unsigned long size;
	unsigned long asid;
};

/* Execute a fence request on the calling hart */
void sbi_rfence_local(const struct sbi_rfence_req *req);

/* Execute a fence on all harts of @targets; returns when all are done */
int sbi_rfence_request(sbi_hartmask_t targets,
		       const struct sbi_rfence_req *req);

/* Serve the requests other harts posted in this hart's mailbox */
void sbi_rfence_process(u32 hartindex);

#endif
