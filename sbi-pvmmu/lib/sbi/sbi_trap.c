// SPDX-License-Identifier: BSD-2-Clause
/*
 * M-mode trap dispatch (called from firmware/trap_entry.S).
 *
 *   ecall from S-mode         -> SBI call
 *   M software interrupt      -> IPI events (S-mode IPI, remote fences)
 *   M timer interrupt         -> forwarded as S timer (non-Sstc path)
 *   illegal instruction       -> satp/SFENCE.VMA emulation under TVM,
 *                                else handed to S-mode (sbi_tvm.c)
 *   anything else             -> fatal: report and stop the machine
 */
#include <sbi/riscv_asm.h>
#include <sbi/sbi_console.h>
#include <sbi/sbi_ecall.h>
#include <sbi/sbi_ipi.h>
#include <sbi/sbi_scratch.h>
#include <sbi/sbi_system.h>
#include <sbi/sbi_timer.h>
#include <sbi/sbi_trap.h>
#include <sbi/sbi_tvm.h>

void __noreturn sbi_trap_fatal(const char *what, struct sbi_trap_regs *regs)
{
	sbi_panic_printf("\nsbi-pvmmu: %s on hart %lu\n"
			 "  mcause=0x%016lx mepc=0x%016lx mtval=0x%016lx\n"
			 "  mstatus=0x%016lx ra=0x%016lx sp=0x%016lx\n",
			 what, csr_read(CSR_MHARTID), csr_read(CSR_MCAUSE),
			 regs->mepc, csr_read(CSR_MTVAL), regs->mstatus,
			 regs->ra, regs->sp);
	sbi_system_exit(SBI_EXIT_FIRMWARE_FAULT);
}

void sbi_trap_redirect(struct sbi_trap_regs *regs, unsigned long cause,
		       unsigned long tval)
{
	unsigned long prev = (regs->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
	unsigned long mstatus = regs->mstatus;

	csr_write(CSR_SEPC, regs->mepc);
	csr_write(CSR_SCAUSE, cause);
	csr_write(CSR_STVAL, tval);

	mstatus &= ~(MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_MPP);
	if (prev == PRV_S)
		mstatus |= MSTATUS_SPP;
	if (mstatus & MSTATUS_SIE)
		mstatus |= MSTATUS_SPIE;
	mstatus &= ~MSTATUS_SIE;
	mstatus |= PRV_S << MSTATUS_MPP_SHIFT;
	regs->mstatus = mstatus;
	/* Exceptions go to the base address in both stvec modes */
	regs->mepc = csr_read(CSR_STVEC) & ~3UL;
}

void sbi_trap_handler(struct sbi_trap_regs *regs)
{
	unsigned long mcause = csr_read(CSR_MCAUSE), mtval;
	struct sbi_scratch *scratch;

	if (((regs->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == PRV_M)
		sbi_trap_fatal("unexpected trap in M-mode", regs);
	scratch = sbi_scratch_thishart_ptr();
	sbi_scratch_count_trap(scratch);

	if (mcause & MCAUSE_IRQ_BIT) {
		switch (mcause & ~MCAUSE_IRQ_BIT) {
		case IRQ_M_SOFT:
			sbi_ipi_process(scratch, true);
			return;
		case IRQ_M_TIMER:
			sbi_timer_process();
			return;
		default:
			sbi_trap_fatal("unexpected interrupt", regs);
		}
	}

	switch (mcause) {
	case CAUSE_SUPERVISOR_ECALL:
		sbi_ecall_handler(regs);
		return;
	case CAUSE_ILLEGAL_INSTRUCTION:
		mtval = csr_read(CSR_MTVAL);
		if (!sbi_tvm_illegal_insn(regs, &mtval))
			sbi_trap_redirect(regs, CAUSE_ILLEGAL_INSTRUCTION, mtval);
		return;
	default:
		sbi_trap_fatal("unexpected exception", regs);
	}
}
