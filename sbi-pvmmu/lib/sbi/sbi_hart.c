// SPDX-License-Identifier: BSD-2-Clause
/*
 * Per-hart M-mode state: trap vector, delegation, counters, envcfg,
 * PMP, interrupt enables; hart validity and SBI hart masks.
 */
#include <sbi/riscv_asm.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_hart.h>
#include <sbi/sbi_hsm.h>
#include <sbi/sbi_console.h>
#include <sbi/sbi_mem.h>
#include <sbi/sbi_pmp.h>
#include <sbi/sbi_pvmmu.h>
#include <sbi/sbi_string.h>
#include <sbi/sbi_timer.h>
#include <sbi/sbi_tvm.h>

/* firmware/trap_entry.S */
extern char _trap_entry[];
/* firmware/fw_entry.S: SBI_MAX_HARTS stacks, by hart index */
extern char sbi_hart_stacks[];

struct sbi_scratch sbi_scratch_table[SBI_MAX_HARTS];
sbi_hartmask_t sbi_hart_valid_mask;
unsigned long sbi_hart_index2id[SBI_MAX_HARTS];
unsigned long sbi_hart_index_count;

unsigned int sbi_hart_count(void)
{
	unsigned long h;
	unsigned int n = 0;

	/* No libgcc: the toolchain's copy is built for lp64d */
	for_each_hart_in_mask(h, sbi_hart_valid_mask)
		n++;
	return n;
}

static int hart_slot(unsigned long hartid)
{
	unsigned long i;

	for (i = 0; i < sbi_hart_index_count; i++) {
		if (sbi_hart_index2id[i] == hartid)
			return (int)i;
	}
	return -1;
}

int sbi_hartid_to_hartindex(unsigned long hartid)
{
	int i = hart_slot(hartid);

	return i >= 0 && sbi_hartindex_valid((unsigned long)i) ? i : -1;
}

int sbi_hart_add(unsigned long hartid)
{
	unsigned long i = sbi_hart_index_count;
	struct sbi_scratch *s;
	int known = hart_slot(hartid);

	if (known >= 0)
		return known;
	if (i >= SBI_MAX_HARTS)
		return -1;

	s = sbi_hartindex_to_scratch((u32)i);
	s->hartid = hartid;
	s->hartindex = i;
	s->stack_top = (unsigned long)sbi_hart_stacks +
		       (i + 1) * SBI_HART_STACK_SIZE;
	sbi_hart_index2id[i] = hartid;
	sbi_hart_index_count = i + 1;
	sbi_hart_valid_mask |= BIT(i);
	return (int)i;
}

unsigned long sbi_hart_ext_from_name(const char *name, size_t len)
{
	static const struct {
		const char *name;
		unsigned long ext;
	} exts[] = {
		{ "sstc", SBI_HART_EXT_SSTC },
		{ "zicbom", SBI_HART_EXT_ZICBOM },
		{ "zicboz", SBI_HART_EXT_ZICBOZ },
		{ "svnapot", SBI_HART_EXT_SVNAPOT },
		{ "svpbmt", SBI_HART_EXT_SVPBMT },
	};
	unsigned int i;

	for (i = 0; i < array_size(exts); i++) {
		if (strlen(exts[i].name) == len &&
		    !sbi_strncasecmp(exts[i].name, name, len))
			return exts[i].ext;
	}
	return 0;
}

unsigned long sbi_hart_parse_isa_string(const char *isa)
{
	unsigned long features = 0;
	const char *p, *end;

	/* Multi-letter extensions follow the base ISA, separated by '_' */
	p = strchr(isa, '_');
	while (p) {
		p++;
		end = strchr(p, '_');
		features |= sbi_hart_ext_from_name(p,
					end ? (size_t)(end - p) : strlen(p));
		p = end;
	}
	return features;
}

int sbi_hartmask_from_sbi(unsigned long hmask, unsigned long hbase,
			  sbi_hartmask_t *out)
{
	sbi_hartmask_t harts = 0;
	unsigned long i, hartid;
	int index;

	if (hbase == -1UL) {
		*out = sbi_hart_valid_mask;
		return SBI_SUCCESS;
	}

	for (i = 0; hmask; i++, hmask >>= 1) {
		if (!(hmask & 1))
			continue;
		hartid = hbase + i;
		index = sbi_hartid_to_hartindex(hartid);
		if (hartid < hbase || index < 0)
			return SBI_ERR_INVALID_PARAM;
		harts |= BIT(index);
	}

	*out = harts;
	return SBI_SUCCESS;
}

/*
 * Exceptions handled by S-mode: like OpenSBI, plus access faults,
 * illegal instructions and misaligned accesses (Linux 6.12 handles all
 * of these itself; rdtime never needs emulation as mcounteren.TM = 1).
 */
#define DELEG_EXCEPTIONS						\
	(BIT(CAUSE_MISALIGNED_FETCH) | BIT(CAUSE_FETCH_ACCESS) |	\
	 BIT(CAUSE_ILLEGAL_INSTRUCTION) | BIT(CAUSE_BREAKPOINT) |	\
	 BIT(CAUSE_MISALIGNED_LOAD) | BIT(CAUSE_LOAD_ACCESS) |		\
	 BIT(CAUSE_MISALIGNED_STORE) | BIT(CAUSE_STORE_ACCESS) |	\
	 BIT(CAUSE_USER_ECALL) | BIT(CAUSE_FETCH_PAGE_FAULT) |		\
	 BIT(CAUSE_LOAD_PAGE_FAULT) | BIT(CAUSE_STORE_PAGE_FAULT))

/* With the H extension, guest traps belong to the hypervisor (HS-mode) */
#define DELEG_EXCEPTIONS_H						\
	(BIT(CAUSE_VIRTUAL_SUPERVISOR_ECALL) |				\
	 BIT(CAUSE_FETCH_GUEST_PAGE_FAULT) |				\
	 BIT(CAUSE_LOAD_GUEST_PAGE_FAULT) |				\
	 BIT(CAUSE_VIRTUAL_INST_FAULT) |				\
	 BIT(CAUSE_STORE_GUEST_PAGE_FAULT))

#define DELEG_INTERRUPTS	(MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_LCOFIP)

/*
 * S-mode could discard the firmware's pool writes with cbo.inval on this
 * hart. The boot hart (nothing runs in S-mode yet) turns the extension
 * off; any other hart is parked, as the extension may already be in use
 * (its HSM state cannot tell: S-mode may start it while it gets here).
 */
static void cbo_inval_open(struct sbi_scratch *scratch, bool cold_boot)
{
	if (cold_boot) {
		sbi_pvmmu_disable_cbo_inval_open(scratch->hartid);
		return;
	}
	sbi_printf("sbi-pvmmu: hart %lu: menvcfg.CBIE stays at invalidate, "
		   "hart parked\n", scratch->hartid);
	sbi_hart_hang();
}

void sbi_hart_init(struct sbi_scratch *scratch, bool cold_boot)
{
	unsigned long medeleg = DELEG_EXCEPTIONS;
	unsigned long menvcfg = 0;
	bool has_envcfg = false;

	csr_write(CSR_MSCRATCH, scratch);
	csr_write(CSR_MTVEC, _trap_entry);
	csr_clear(CSR_MSTATUS, MSTATUS_MIE | MSTATUS_MPRV);
	csr_write(CSR_MIE, 0);

	if (csr_read(CSR_MISA) & MISA_EXT('H'))
		medeleg |= DELEG_EXCEPTIONS_H;
	csr_write(CSR_MEDELEG, medeleg);
	csr_write(CSR_MIDELEG, DELEG_INTERRUPTS);	/* WARL: LCOFIP may stick */

	/* All counters readable from S-mode (no rdtime emulation needed) */
	csr_write(CSR_MCOUNTEREN, -1UL);
	/*
	 * Initial scounteren for the OS: time only, so that the vDSO can
	 * read it from U-mode. Linux only programs scounteren from its SBI
	 * PMU driver, which is not used here. cycle/instret stay hidden
	 * from U-mode. The OS owns the register afterwards.
	 */
	csr_write(CSR_SCOUNTEREN, COUNTEREN_TM);

	/* menvcfg only exists if one of its users is implemented */
	if (sbi_hart_has_ext(scratch, SBI_HART_EXT_SSTC)) {
		menvcfg |= ENVCFG_STCE;
		has_envcfg = true;
	}
	/*
	 * cbo.inval on a pool line could discard a write of the firmware:
	 * while there is a pool, S-mode may only clean and flush (CBIE = 01
	 * executes cbo.inval as cbo.flush).
	 */
	if (sbi_hart_has_ext(scratch, SBI_HART_EXT_ZICBOM)) {
		menvcfg |= ((sbi_mem_pt_pool() ? ENVCFG_CBIE_FLUSH :
			     ENVCFG_CBIE_INV) << ENVCFG_CBIE_SHIFT) |
			   ENVCFG_CBCFE;
		has_envcfg = true;
	}
	if (sbi_hart_has_ext(scratch, SBI_HART_EXT_ZICBOZ)) {
		menvcfg |= ENVCFG_CBZE;
		has_envcfg = true;
	}
	/* PVMMU advertises Svpbmt only where S-mode may use it */
	if (sbi_hart_has_ext(scratch, SBI_HART_EXT_SVPBMT)) {
		menvcfg |= ENVCFG_PBMTE;
		has_envcfg = true;
	}
	if (has_envcfg) {
		csr_clear(CSR_MENVCFG, ENVCFG_CBIE);
		csr_set(CSR_MENVCFG, menvcfg);
		if (((csr_read(CSR_MENVCFG) & ENVCFG_CBIE) >> ENVCFG_CBIE_SHIFT) ==
		    ENVCFG_CBIE_INV && sbi_mem_pt_pool())
			cbo_inval_open(scratch, cold_boot);
	}

	/* A hart on which the pool's PMP entry did not hold never runs S-mode */
	if (sbi_pmp_init_hart() && sbi_pmp_protects_pool()) {
		sbi_printf("sbi-pvmmu: hart %lu: PMP does not read back as "
			   "programmed, hart parked\n", scratch->hartid);
		sbi_hart_hang();
	}
	sbi_timer_init_hart(scratch);

	/* Only the M-mode software interrupt (IPIs, HSM wake-up) for now */
	csr_write(CSR_MIE, MIP_MSIP);
}

void __noreturn sbi_hart_switch_mode(unsigned long arg0, unsigned long arg1,
				     unsigned long next_addr,
				     unsigned long next_mode)
{
	unsigned long mstatus = csr_read(CSR_MSTATUS);

	mstatus &= ~(MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_SIE | MSTATUS_SPIE |
		     MSTATUS_MPRV | MSTATUS_MPV | MSTATUS_GVA);
	mstatus |= (next_mode & 3) << MSTATUS_MPP_SHIFT;
	/* Once the kernel root is set, every hart starts with satp trapped */
	mstatus = sbi_tvm_hart_mstatus(mstatus);
	csr_write(CSR_MSTATUS, mstatus);
	csr_write(CSR_MEPC, next_addr);
	csr_write(CSR_SATP, 0);
	csr_write(CSR_STVEC, next_addr);
	csr_write(CSR_SSCRATCH, 0);
	csr_write(CSR_SIE, 0);

	/* No call may come between these and the mret: a0/a1 are live */
	{
		register unsigned long a0 __asm__("a0") = arg0;
		register unsigned long a1 __asm__("a1") = arg1;

		__asm__ __volatile__("mret" : : "r"(a0), "r"(a1) : "memory");
	}
	__builtin_unreachable();
}

void __noreturn sbi_hart_hang(void)
{
	csr_write(CSR_MIE, 0);
	for (;;)
		wfi();
}
