/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hart State Management.
 */
#ifndef __SBI_HSM_H__
#define __SBI_HSM_H__

#include <sbi/sbi_scratch.h>

/*
 * Internal state: a hart_start() call owns the hart but has not yet
 * published the start address. Reported as START_PENDING.
 */
#define SBI_HSM_STATE_START_CLAIMED	0x100

/*
 * Harts are named by hart index (sbi_hart.h); the ecall turns ids into it.
 * Cold boot: every hart STOPPED but @os_hartindex, which starts the OS at
 * @addr with a1 = @arg1 (from its wait loop, unless it is the boot hart).
 */
void sbi_hsm_init(u32 os_hartindex, unsigned long addr, unsigned long arg1);

/* Hart state as defined by the SBI specification, or -1 if invalid */
int sbi_hsm_hart_get_state(u32 hartindex);

/* True if the hart may be executing S-mode code (fence targets) */
bool sbi_hsm_hart_is_running(u32 hartindex);

int sbi_hsm_hart_start(u32 hartindex, unsigned long saddr,
		       unsigned long opaque);
int sbi_hsm_hart_stop(void);
int sbi_hsm_hart_suspend(unsigned long type, unsigned long raddr,
			 unsigned long opaque);

/* Enter the STOPPED wait loop (called on a fresh stack; never returns) */
void __noreturn sbi_hsm_hart_wait(struct sbi_scratch *scratch);

#endif
