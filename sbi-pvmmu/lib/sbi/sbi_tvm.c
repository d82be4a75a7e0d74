// SPDX-License-Identifier: BSD-2-Clause
/*
 * satp under firmware control: emulation of the S-mode instructions that
 * mstatus.TVM traps (csrr/csrw/csrs/csrc on satp, SFENCE.VMA). See
 * sbi_tvm.h. SINVAL.VMA (Svinval) is not emulated: the firmware does not
 * advertise it, so it stays an illegal instruction for S-mode.
 */
#include <sbi/riscv_asm.h>
#include <sbi/riscv_atomic.h>
#include <sbi/sbi_pvmmu.h>
#include <sbi/sbi_pvmmu_abi.h>
#include <sbi/sbi_trap.h>
#include <sbi/sbi_tvm.h>

#define INSN_OPCODE_MASK	0x7f
#define INSN_OPCODE_SYSTEM	0x73
#define INSN_RD(i)		(((i) >> 7) & 0x1f)
#define INSN_FUNCT3(i)		(((i) >> 12) & 0x7)
#define INSN_RS1(i)		(((i) >> 15) & 0x1f)
#define INSN_RS2(i)		(((i) >> 20) & 0x1f)
#define INSN_CSR(i)		((i) >> 20)
#define INSN_FUNCT7(i)		((i) >> 25)

#define FUNCT3_PRIV		0	/* SFENCE.VMA lives here */
#define FUNCT7_SFENCE_VMA	0x09
#define FUNCT3_CSRRW		1
#define FUNCT3_CSRRS		2
#define FUNCT3_CSRRC		3
#define FUNCT3_IMM		4	/* csrr?i = csrr? + 4 */

static bool tvm_on;

bool sbi_tvm_enabled(void)
{
	return READ_ONCE(tvm_on);
}

unsigned long sbi_tvm_hart_mstatus(unsigned long mstatus)
{
	if (!sbi_tvm_enabled())
		return mstatus & ~MSTATUS_TVM;
	/* Delegated, the trap TVM raises would go straight to S-mode */
	csr_clear(CSR_MEDELEG, BIT(CAUSE_ILLEGAL_INSTRUCTION));
	/*
	 * TVM covers hgatp too (its writes are refused from now on): no
	 * G-stage table S-mode set up before may stay, nor a VS-stage one.
	 */
	if (csr_read(CSR_MISA) & MISA_EXT('H')) {
		csr_write(CSR_HGATP, 0);
		csr_write(CSR_VSATP, 0);
	}
	return mstatus | MSTATUS_TVM;
}

void sbi_tvm_enable(struct sbi_trap_regs *regs)
{
	WRITE_ONCE(tvm_on, true);
	smp_mb();
	/* The trap exit restores mstatus from the frame */
	regs->mstatus = sbi_tvm_hart_mstatus(regs->mstatus);
}

/* x0..x31 are the first 32 words of the frame */
static unsigned long get_reg(const struct sbi_trap_regs *regs, unsigned int n)
{
	return n ? ((const unsigned long *)regs)[n] : 0;
}

static void set_reg(struct sbi_trap_regs *regs, unsigned int n,
		    unsigned long v)
{
	if (n)
		((unsigned long *)regs)[n] = v;
}

/*
 * The instruction comes from mtval, which QEMU (and most cores) fill on an
 * illegal-instruction exception. It is never read from memory: a load
 * through S-mode's translation can fault, and a fault in M-mode is fatal.
 * A zero or compressed mtval is none of ours. (On a core that leaves
 * mtval at zero every satp access would come back to S-mode as illegal:
 * such a platform cannot offer satp control as it is.)
 */
static u32 trapped_insn(unsigned long mtval)
{
	return (mtval & 3) == 3 ? (u32)mtval : 0;
}

static void emulate_sfence_vma(struct sbi_trap_regs *regs, u32 insn)
{
	unsigned long addr = get_reg(regs, INSN_RS1(insn));
	unsigned long asid = get_reg(regs, INSN_RS2(insn));

	if (!INSN_RS1(insn) && !INSN_RS2(insn))
		sfence_vma_all();
	else if (!INSN_RS2(insn))
		sfence_vma_addr(addr);
	else if (!INSN_RS1(insn))
		sfence_vma_asid(asid);
	else
		sfence_vma_addr_asid(addr, asid);
	sbi_pvmmu_count(SBI_PVMMU_STAT_SFENCE);
}

/* csrrw/csrrs/csrrc(i) on satp. Returns false if the write is refused. */
static bool emulate_satp(struct sbi_trap_regs *regs, u32 insn)
{
	unsigned int funct3 = INSN_FUNCT3(insn), src = INSN_RS1(insn);
	unsigned long old = csr_read(CSR_SATP), arg, new;
	bool write;

	arg = funct3 & FUNCT3_IMM ? src : get_reg(regs, src);
	switch (funct3 & ~FUNCT3_IMM) {
	case FUNCT3_CSRRW:
		new = arg;
		write = true;
		break;
	case FUNCT3_CSRRS:
		new = old | arg;
		write = src != 0;
		break;
	default:	/* FUNCT3_CSRRC */
		new = old & ~arg;
		write = src != 0;
		break;
	}

	if (write) {
		if (sbi_pvmmu_satp_write(new))
			return false;
		csr_write(CSR_SATP, new);
		/*
		 * WARL: a MODE or PPN the hart does not take would leave the
		 * counts on a root it does not walk. Put the old one back.
		 */
		if ((csr_read(CSR_SATP) ^ new) & ~SATP_ASID_MASK) {
			csr_write(CSR_SATP, old);
			sbi_pvmmu_satp_write(old);
			return false;
		}
	}
	set_reg(regs, INSN_RD(insn), old);
	return true;
}

bool sbi_tvm_illegal_insn(struct sbi_trap_regs *regs, unsigned long *mtval)
{
	unsigned long prev = (regs->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
	unsigned int funct3;
	u32 insn;

	/* TVM traps only HS-mode; U- and V-mode's are plain illegal ones */
	if (prev != PRV_S || (regs->mstatus & MSTATUS_MPV) ||
	    !(regs->mstatus & MSTATUS_TVM))
		return false;
	insn = trapped_insn(*mtval);
	if ((insn & INSN_OPCODE_MASK) != INSN_OPCODE_SYSTEM)
		return false;

	funct3 = INSN_FUNCT3(insn);
	if (funct3 == FUNCT3_PRIV && INSN_FUNCT7(insn) == FUNCT7_SFENCE_VMA &&
	    !INSN_RD(insn)) {
		emulate_sfence_vma(regs, insn);
	} else if (funct3 != FUNCT3_PRIV && funct3 != FUNCT3_IMM &&
		   INSN_CSR(insn) == CSR_SATP) {
		if (!emulate_satp(regs, insn)) {
			*mtval = insn;
			return false;
		}
	} else {
		return false;
	}
	regs->mepc += 4;
	return true;
}
