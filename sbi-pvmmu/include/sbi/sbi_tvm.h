/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * satp under firmware control (mstatus.TVM).
 *
 * Once enabled (PVMMU's SET_KERNEL_ROOT), every hart runs S-mode with
 * mstatus.TVM = 1 and illegal-instruction exceptions taken to M-mode:
 * S-mode satp accesses and SFENCE.VMA trap here and are emulated; a satp
 * write goes through PVMMU's root rules (sbi_pvmmu_satp_write()) and a
 * refused one comes back to S-mode as an illegal instruction. Other
 * illegal instructions are handed to S-mode as if delegated.
 */
#ifndef __SBI_TVM_H__
#define __SBI_TVM_H__

#include <sbi/sbi_trap.h>
#include <sbi/sbi_types.h>

/* Turn satp control on for good: the calling hart now, the others at start */
void sbi_tvm_enable(struct sbi_trap_regs *regs);
bool sbi_tvm_enabled(void);
/* mstatus (and medeleg) for a hart about to drop to S-mode */
unsigned long sbi_tvm_hart_mstatus(unsigned long mstatus);
/*
 * An illegal-instruction exception from S- or U-mode: true if emulated,
 * false if the caller must hand it to S-mode (with *@mtval, which a
 * refused satp write sets to the instruction).
 */
bool sbi_tvm_illegal_insn(struct sbi_trap_regs *regs, unsigned long *mtval);

#endif
