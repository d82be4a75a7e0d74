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

#define LOAD(reg, base)		ld reg, SBI_TRAP_REGS_OFFSET(reg)(base)

/*
 * What C code may clobber, t0 and t1 aside (parked in the scratch area);
 * @op: sd or ld, @base: the frame
 */
.macro CLOBBERED op, base
	\op	ra, SBI_TRAP_REGS_OFFSET(ra)(\base)
	\op	t2, SBI_TRAP_REGS_OFFSET(t2)(\base)
	\op	a0, SBI_TRAP_REGS_OFFSET(a0)(\base)
	\op	a1, SBI_TRAP_REGS_OFFSET(a1)(\base)
	\op	a2, SBI_TRAP_REGS_OFFSET(a2)(\base)
	\op	a3, SBI_TRAP_REGS_OFFSET(a3)(\base)
	\op	a4, SBI_TRAP_REGS_OFFSET(a4)(\base)
	\op	a5, SBI_TRAP_REGS_OFFSET(a5)(\base)
	\op	a6, SBI_TRAP_REGS_OFFSET(a6)(\base)
	\op	a7, SBI_TRAP_REGS_OFFSET(a7)(\base)
	\op	t3, SBI_TRAP_REGS_OFFSET(t3)(\base)
	\op	t4, SBI_TRAP_REGS_OFFSET(t4)(\base)
	\op	t5, SBI_TRAP_REGS_OFFSET(t5)(\base)
	\op	t6, SBI_TRAP_REGS_OFFSET(t6)(\base)
.endm

/* What C code keeps: the rest of a full frame */
.macro KEPT op, base
	\op	gp, SBI_TRAP_REGS_OFFSET(gp)(\base)
	\op	tp, SBI_TRAP_REGS_OFFSET(tp)(\base)
	\op	s0, SBI_TRAP_REGS_OFFSET(s0)(\base)
	\op	s1, SBI_TRAP_REGS_OFFSET(s1)(\base)
	\op	s2, SBI_TRAP_REGS_OFFSET(s2)(\base)
	\op	s3, SBI_TRAP_REGS_OFFSET(s3)(\base)
	\op	s4, SBI_TRAP_REGS_OFFSET(s4)(\base)
	\op	s5, SBI_TRAP_REGS_OFFSET(s5)(\base)
	\op	s6, SBI_TRAP_REGS_OFFSET(s6)(\base)
	\op	s7, SBI_TRAP_REGS_OFFSET(s7)(\base)
	\op	s8, SBI_TRAP_REGS_OFFSET(s8)(\base)
	\op	s9, SBI_TRAP_REGS_OFFSET(s9)(\base)
	\op	s10, SBI_TRAP_REGS_OFFSET(s10)(\base)
	\op	s11, SBI_TRAP_REGS_OFFSET(s11)(\base)
.endm

/*
 * Into the frame at t1: t0 and t1 from the scratch area (sp), the
 * interrupted sp from mscratch (which gets the scratch area back), mepc.
 */
.macro SAVE_TRAP_STATE
	ld	t0, SBI_SCRATCH_TMP0_OFFSET(sp)
	sd	t0, SBI_TRAP_REGS_OFFSET(t0)(t1)
	ld	t0, SBI_SCRATCH_TMP1_OFFSET(sp)
	sd	t0, SBI_TRAP_REGS_OFFSET(t1)(t1)
	csrrw	t0, CSR_MSCRATCH, sp
	sd	t0, SBI_TRAP_REGS_OFFSET(sp)(t1)
	csrr	t0, CSR_MEPC
	sd	t0, SBI_TRAP_REGS_OFFSET(mepc)(t1)
.endm

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

	CLOBBERED sd, t1
	KEPT sd, t1
	sd	zero, SBI_TRAP_REGS_OFFSET(zero)(t1)
	SAVE_TRAP_STATE
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
	CLOBBERED ld, sp
	KEPT ld, sp
	LOAD(t0, sp)
	LOAD(t1, sp)
	LOAD(sp, sp)
	mret

	/* PVMMU UPDATE (see the top): sp is the scratch area here */
.Lpvmmu_update:
	ld	t1, SBI_SCRATCH_STACK_TOP_OFFSET(sp)
	addi	t1, t1, -SBI_TRAP_REGS_SIZE
	CLOBBERED sd, t1
	SAVE_TRAP_STATE

	mv	sp, t1
	mv	a0, sp
	call	sbi_pvmmu_update_trap

	ld	t0, SBI_TRAP_REGS_OFFSET(mepc)(sp)
	csrw	CSR_MEPC, t0
	CLOBBERED ld, sp
	LOAD(t0, sp)
	LOAD(t1, sp)
	LOAD(sp, sp)
	mret
