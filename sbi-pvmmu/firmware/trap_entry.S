/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * M-mode trap entry (mtvec, direct mode).
 *
 * On entry mscratch holds this hart's struct sbi_scratch. A trap from
 * S/U-mode gets a fresh frame at the top of the hart's M stack; a trap
 * taken in M-mode (always fatal) builds its frame below the interrupted
 * M-mode sp. All GPRs, mepc and mstatus are saved, then
 * sbi_trap_handler(regs) runs and everything is restored before mret.
 *
 * The hot call, PVMMU UPDATE from S-mode, takes a shorter way: the frame
 * holds only what its C handler may clobber (ra, the temporaries, a0-a7),
 * sp and mepc, and sbi_pvmmu_update_trap(regs) runs without the generic
 * trap and ecall dispatch. The callee-saved registers are kept by the C
 * calling convention, gp and tp are never written by C, and the handler
 * changes no CSR that the frame would restore.
 */
#include <sbi/riscv_encoding.h>
#include <sbi/sbi_scratch.h>
#include <sbi/sbi_trap.h>

#define SAVE(reg, base)		sd reg, SBI_TRAP_REGS_OFFSET(reg)(base)
#define LOAD(reg, base)		ld reg, SBI_TRAP_REGS_OFFSET(reg)(base)

	.section .text, "ax", %progbits
	.align	2
	.globl	_trap_entry
_trap_entry:
	/* sp <- scratch, mscratch <- interrupted sp */
	csrrw	sp, CSR_MSCRATCH, sp
	sd	t0, SBI_SCRATCH_TMP0_OFFSET(sp)
	sd	t1, SBI_SCRATCH_TMP1_OFFSET(sp)
	csrr	t0, CSR_MINSTRET
	sd	t0, SBI_SCRATCH_TRAP_INSN_OFFSET(sp)

	/* An ecall from S-mode only (cause 9): MPP is S, the stack is fresh */
	csrr	t0, CSR_MCAUSE
	li	t1, CAUSE_SUPERVISOR_ECALL
	bne	t0, t1, .Lfull_frame
	li	t1, SBI_TRAP_PVMMU_EID
	bne	a7, t1, .Lfull_frame
	li	t1, SBI_TRAP_PVMMU_UPDATE
	beq	a6, t1, .Lpvmmu_update

.Lfull_frame:
	/* t1 <- top of the stack to use */
	csrr	t0, CSR_MSTATUS
	srli	t0, t0, MSTATUS_MPP_SHIFT
	andi	t0, t0, 3
	li	t1, PRV_M
	beq	t0, t1, 1f
	ld	t1, SBI_SCRATCH_STACK_TOP_OFFSET(sp)
	j	2f
1:	csrr	t1, CSR_MSCRATCH
	andi	t1, t1, -16
2:	addi	t1, t1, -SBI_TRAP_REGS_SIZE

	SAVE(ra, t1)
	SAVE(gp, t1)
	SAVE(tp, t1)
	SAVE(t2, t1)
	SAVE(s0, t1)
	SAVE(s1, t1)
	SAVE(a0, t1)
	SAVE(a1, t1)
	SAVE(a2, t1)
	SAVE(a3, t1)
	SAVE(a4, t1)
	SAVE(a5, t1)
	SAVE(a6, t1)
	SAVE(a7, t1)
	SAVE(s2, t1)
	SAVE(s3, t1)
	SAVE(s4, t1)
	SAVE(s5, t1)
	SAVE(s6, t1)
	SAVE(s7, t1)
	SAVE(s8, t1)
	SAVE(s9, t1)
	SAVE(s10, t1)
	SAVE(s11, t1)
	SAVE(t3, t1)
	SAVE(t4, t1)
	SAVE(t5, t1)
	SAVE(t6, t1)
	sd	zero, SBI_TRAP_REGS_OFFSET(zero)(t1)

	/* t0 and t1 were parked in the scratch area */
	ld	t0, SBI_SCRATCH_TMP0_OFFSET(sp)
	sd	t0, SBI_TRAP_REGS_OFFSET(t0)(t1)
	ld	t0, SBI_SCRATCH_TMP1_OFFSET(sp)
	sd	t0, SBI_TRAP_REGS_OFFSET(t1)(t1)

	/* Interrupted sp; mscratch points at the scratch area again */
	csrrw	t0, CSR_MSCRATCH, sp
	sd	t0, SBI_TRAP_REGS_OFFSET(sp)(t1)

	csrr	t0, CSR_MEPC
	sd	t0, SBI_TRAP_REGS_OFFSET(mepc)(t1)
	csrr	t0, CSR_MSTATUS
	sd	t0, SBI_TRAP_REGS_OFFSET(mstatus)(t1)

	mv	sp, t1
	mv	a0, sp
	call	sbi_trap_handler

	/* Restore and return */
	ld	t0, SBI_TRAP_REGS_OFFSET(mepc)(sp)
	csrw	CSR_MEPC, t0
	ld	t0, SBI_TRAP_REGS_OFFSET(mstatus)(sp)
	csrw	CSR_MSTATUS, t0

	LOAD(ra, sp)
	LOAD(gp, sp)
	LOAD(tp, sp)
	LOAD(t0, sp)
	LOAD(t1, sp)
	LOAD(t2, sp)
	LOAD(s0, sp)
	LOAD(s1, sp)
	LOAD(a0, sp)
	LOAD(a1, sp)
	LOAD(a2, sp)
	LOAD(a3, sp)
	LOAD(a4, sp)
	LOAD(a5, sp)
	LOAD(a6, sp)
	LOAD(a7, sp)
	LOAD(s2, sp)
	LOAD(s3, sp)
	LOAD(s4, sp)
	LOAD(s5, sp)
	LOAD(s6, sp)
	LOAD(s7, sp)
	LOAD(s8, sp)
	LOAD(s9, sp)
	LOAD(s10, sp)
	LOAD(s11, sp)
	LOAD(t3, sp)
	LOAD(t4, sp)
	LOAD(t5, sp)
	LOAD(t6, sp)
	LOAD(sp, sp)
	mret

	/* PVMMU UPDATE (see the top): sp is the scratch area here */
.Lpvmmu_update:
	ld	t1, SBI_SCRATCH_STACK_TOP_OFFSET(sp)
	addi	t1, t1, -SBI_TRAP_REGS_SIZE

	SAVE(ra, t1)
	SAVE(t2, t1)
	SAVE(a0, t1)
	SAVE(a1, t1)
	SAVE(a2, t1)
	SAVE(a3, t1)
	SAVE(a4, t1)
	SAVE(a5, t1)
	SAVE(a6, t1)
	SAVE(a7, t1)
	SAVE(t3, t1)
	SAVE(t4, t1)
	SAVE(t5, t1)
	SAVE(t6, t1)
	ld	t0, SBI_SCRATCH_TMP0_OFFSET(sp)
	sd	t0, SBI_TRAP_REGS_OFFSET(t0)(t1)
	ld	t0, SBI_SCRATCH_TMP1_OFFSET(sp)
	sd	t0, SBI_TRAP_REGS_OFFSET(t1)(t1)
	csrrw	t0, CSR_MSCRATCH, sp
	sd	t0, SBI_TRAP_REGS_OFFSET(sp)(t1)
	csrr	t0, CSR_MEPC
	sd	t0, SBI_TRAP_REGS_OFFSET(mepc)(t1)

	mv	sp, t1
	mv	a0, sp
	call	sbi_pvmmu_update_trap

	ld	t0, SBI_TRAP_REGS_OFFSET(mepc)(sp)
	csrw	CSR_MEPC, t0
	LOAD(ra, sp)
	LOAD(t0, sp)
	LOAD(t1, sp)
	LOAD(t2, sp)
	LOAD(a0, sp)
	LOAD(a1, sp)
	LOAD(a2, sp)
	LOAD(a3, sp)
	LOAD(a4, sp)
	LOAD(a5, sp)
	LOAD(a6, sp)
	LOAD(a7, sp)
	LOAD(t3, sp)
	LOAD(t4, sp)
	LOAD(t5, sp)
	LOAD(t6, sp)
	LOAD(sp, sp)
	mret
