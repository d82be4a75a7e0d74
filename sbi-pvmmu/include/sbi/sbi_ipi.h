/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Inter-processor interrupts between harts in M-mode.
 *
 * A sender ORs event bits into the target's pending word and raises the
 * target's M-mode software interrupt; the target clears the interrupt,
 * takes all pending bits at once (amoswap 0) and handles them.
 */
#ifndef __SBI_IPI_H__
#define __SBI_IPI_H__

#include <sbi/sbi_hart.h>

#define SBI_IPI_EVENT_SOFT	BIT(0)	/* raise S-mode software interrupt */
#define SBI_IPI_EVENT_RFENCE	BIT(1)	/* remote fence mailbox not empty */
#define SBI_IPI_EVENT_WAKE	BIT(2)	/* HSM: just wake the hart up */

/*
 * What handles SBI_IPI_EVENT_RFENCE: set at cold boot, before another hart
 * runs, to sbi_rfence_process(), so that this layer calls nothing above it.
 */
typedef void (*sbi_ipi_handler_t)(u32 hartindex);
void sbi_ipi_set_rfence_handler(sbi_ipi_handler_t handler);

void sbi_ipi_send_event(u32 hartindex, unsigned long event);

/* SBI send_ipi(): S-mode software interrupt on a set of harts */
int sbi_ipi_send_smode(unsigned long hmask, unsigned long hbase);

/*
 * Handle this hart's M-mode software interrupt. @running is false in
 * the STOPPED wait loop, where S-mode interrupts are dropped.
 */
void sbi_ipi_process(struct sbi_scratch *scratch, bool running);

#endif
