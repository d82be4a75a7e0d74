// SPDX-License-Identifier: BSD-2-Clause
/*
 * Physical memory protection: detection, the firmware's fixed layout
 * (see sbi_pmp.h) and NAPOT entry programming.
 */
#include <sbi/riscv_asm.h>
#include <sbi/sbi_console.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_mem.h>
#include <sbi/sbi_platform.h>
#include <sbi/sbi_pmp.h>

#define PMP_CSR_CASE(n)							\
	case n:								\
		if (write)						\
			csr_write(CSR_PMPADDR##n, val);		\
		else							\
			val = csr_read(CSR_PMPADDR##n);		\
		break

static unsigned long pmpaddr_access(unsigned int n, bool write,
				    unsigned long val)
{
	switch (n) {
	PMP_CSR_CASE(0);
	PMP_CSR_CASE(1);
	PMP_CSR_CASE(2);
	PMP_CSR_CASE(3);
	PMP_CSR_CASE(4);
	PMP_CSR_CASE(5);
	PMP_CSR_CASE(6);
	PMP_CSR_CASE(7);
	PMP_CSR_CASE(8);
	PMP_CSR_CASE(9);
	PMP_CSR_CASE(10);
	PMP_CSR_CASE(11);
	PMP_CSR_CASE(12);
	PMP_CSR_CASE(13);
	PMP_CSR_CASE(14);
	PMP_CSR_CASE(15);
	default:
		val = 0;
		break;
	}
	return val;
}

unsigned long csr_read_pmpaddr(unsigned int n)
{
	return pmpaddr_access(n, false, 0);
}

void csr_write_pmpaddr(unsigned int n, unsigned long val)
{
	pmpaddr_access(n, true, val);
}

/* RV64: entries 0-7 live in pmpcfg0, entries 8-15 in pmpcfg2 */
unsigned long csr_read_pmpcfg(unsigned int reg)
{
	return reg == 0 ? csr_read(CSR_PMPCFG0) : csr_read(CSR_PMPCFG2);
}

void csr_write_pmpcfg(unsigned int reg, unsigned long val)
{
	if (reg == 0)
		csr_write(CSR_PMPCFG0, val);
	else
		csr_write(CSR_PMPCFG2, val);
}

static unsigned int pmp_entries;
/* Slots of the layout (catch-all included) and whether they read back */
static unsigned int pmp_used;
static bool pmp_verified;
/* Firmware devices beyond PMP_MAX_DEVICES: not closed, so no pool either */
static unsigned int pmp_devices_dropped;

/*
 * A slot is NAPOT over [base, base + 2^log2len), or one half of a TOR pair:
 * the bottom (entry OFF, its address the range's base) and the top (TOR up
 * to @base, which is then the range's end).
 */
enum pmp_mode { PMP_MODE_NAPOT, PMP_MODE_TOR_BOTTOM, PMP_MODE_TOR_TOP };

struct pmp_slot {
	bool used;
	enum pmp_mode mode;
	unsigned long prot;
	unsigned long base;
	unsigned long log2len;
	const char *what;
};

/* First slot of the KERNEL_LOCK pairs, or 0 if the hart has too few */
static unsigned int pmp_lock_slot;

static struct pmp_slot pmp_layout[PMP_SLOTS_MAX];

static unsigned long pmp_get_cfg(unsigned int n)
{
	unsigned int reg = (n / 8) * 2, shift = (n % 8) * 8;

	return (csr_read_pmpcfg(reg) >> shift) & 0xff;
}

static void pmp_set_cfg(unsigned int n, unsigned long cfg)
{
	unsigned int reg = (n / 8) * 2, shift = (n % 8) * 8;
	unsigned long v = csr_read_pmpcfg(reg);

	v &= ~(0xffUL << shift);
	v |= (cfg & 0xff) << shift;
	csr_write_pmpcfg(reg, v);
}

int sbi_pmp_disable(unsigned int n)
{
	if (n >= pmp_entries)
		return SBI_ERR_INVALID_PARAM;
	pmp_set_cfg(n, 0);
	return pmp_get_cfg(n) ? SBI_ERR_FAILED : SBI_SUCCESS;
}

/* A TOR pair: entry @n - 1 holds @base (OFF), entry @n matches up to @end */
static int pmp_set_tor(unsigned int n, unsigned long prot, unsigned long base,
		       unsigned long end)
{
	unsigned long cfg = (prot & (PMP_R | PMP_W | PMP_X)) | PMP_A_TOR;

	if (!n || n >= pmp_entries || base >= end ||
	    ((base | end) & ((1UL << PMP_SHIFT) - 1)))
		return SBI_ERR_INVALID_PARAM;
	pmp_set_cfg(n, 0);
	pmp_set_cfg(n - 1, 0);
	csr_write_pmpaddr(n - 1, base >> PMP_SHIFT);
	csr_write_pmpaddr(n, end >> PMP_SHIFT);
	pmp_set_cfg(n, cfg);
	if (csr_read_pmpaddr(n - 1) != base >> PMP_SHIFT ||
	    csr_read_pmpaddr(n) != end >> PMP_SHIFT || pmp_get_cfg(n) != cfg)
		return SBI_ERR_FAILED;
	return SBI_SUCCESS;
}

int sbi_pmp_set(unsigned int n, unsigned long prot, unsigned long base,
		unsigned long log2len)
{
	unsigned long addr, cfg;

	if (n >= pmp_entries || log2len < 3 || log2len > PMP_LOG2_ALL)
		return SBI_ERR_INVALID_PARAM;

	if (log2len == PMP_LOG2_ALL) {
		addr = -1UL;
	} else {
		if (base & ((1UL << log2len) - 1))
			return SBI_ERR_INVALID_PARAM;
		/* NAPOT: base | (2^(log2len - 3) - 1), in units of 4 bytes */
		addr = (base >> PMP_SHIFT) | ((1UL << (log2len - 3)) - 1);
	}

	/* Disable the entry while its address changes */
	cfg = (prot & (PMP_R | PMP_W | PMP_X | PMP_L)) | PMP_A_NAPOT;
	pmp_set_cfg(n, 0);
	csr_write_pmpaddr(n, addr);
	pmp_set_cfg(n, cfg);
	/* WARL fields and locked entries may keep something else */
	if (csr_read_pmpaddr(n) != addr || pmp_get_cfg(n) != cfg)
		return SBI_ERR_FAILED;
	return SBI_SUCCESS;
}

unsigned int sbi_pmp_count(void)
{
	return pmp_entries;
}

static unsigned long log2_of(unsigned long v)
{
	unsigned long n = 0;

	/* No libgcc (__clzdi2): the toolchain's copy is built for lp64d */
	while (v >>= 1)
		n++;
	return n;
}

/* The smallest NAPOT region covering [base, base + size) */
static void napot_cover(unsigned long base, unsigned long size,
			unsigned long *napot_base, unsigned long *log2len)
{
	unsigned long order = 12, end = base + size - 1;

	while (order < PMP_LOG2_ALL - 1 && (base >> order) != (end >> order))
		order++;
	*napot_base = base & ~((1UL << order) - 1);
	*log2len = order;
}

void sbi_pmp_setup(void)
{
	struct sbi_mem_region devs[PMP_MAX_DEVICES];
	const struct sbi_mem_region *pool;
	unsigned int n, i, ndevs = 0;

	/*
	 * pmpaddr0..15 always exist as CSRs; unimplemented entries are
	 * read-only zero. Entries are implemented lowest-numbered first.
	 * All entries are still OFF here, so probing is harmless.
	 */
	for (n = 0; n < PMP_COUNT_MAX; n++) {
		csr_write_pmpaddr(n, -1UL);
		if (!csr_read_pmpaddr(n))
			break;
		csr_write_pmpaddr(n, 0);
	}
	pmp_entries = n;

	if (sbi_platform->fw_devices)
		ndevs = sbi_platform->fw_devices(devs, PMP_MAX_DEVICES);
	/* A firmware device left open would void the pool's protection too */
	if (ndevs > PMP_MAX_DEVICES) {
		pmp_devices_dropped = ndevs - PMP_MAX_DEVICES;
		ndevs = PMP_MAX_DEVICES;
	}
	pmp_used = PMP_SLOT_DEVICES + ndevs + 1;
	if (pmp_entries < pmp_used)
		return;
	/* Room for the lock pairs? (They stay off until KERNEL_LOCK.) */
	if (pmp_entries >= pmp_used + 2 * PMP_LOCK_RANGES) {
		pmp_lock_slot = PMP_SLOT_DEVICES + ndevs;
		for (i = 0; i < 2 * PMP_LOCK_RANGES; i++)
			pmp_layout[pmp_lock_slot + i] = (struct pmp_slot){
				.used = false, .what = "kernel lock (none yet)",
			};
		pmp_used += 2 * PMP_LOCK_RANGES;
	}

	pmp_layout[PMP_SLOT_FIRMWARE] = (struct pmp_slot){
		.used = true, .prot = 0, .base = sbi_mem_fw_base(),
		.log2len = log2_of(sbi_mem_fw_size()),
		.what = "firmware (no S/U access)",
	};
	pool = sbi_mem_pt_pool();
	if (pool)
		pmp_layout[PMP_SLOT_PT_POOL] = (struct pmp_slot){
			.used = true, .prot = PMP_R, .base = pool->base,
			.log2len = log2_of(pool->size),
			.what = "PVMMU page-table pool (S/U read-only)",
		};
	else
		pmp_layout[PMP_SLOT_PT_POOL] = (struct pmp_slot){
			.used = false,
			.what = "PVMMU page-table pool (none)",
		};
	for (i = 0; i < ndevs; i++) {
		struct pmp_slot *s = &pmp_layout[PMP_SLOT_DEVICES + i];

		*s = (struct pmp_slot){
			.used = true, .prot = 0,
			.what = "firmware device (no S/U access)",
		};
		napot_cover(devs[i].base, devs[i].size, &s->base, &s->log2len);
	}
	pmp_layout[pmp_used - 1] = (struct pmp_slot){
		.used = true, .prot = PMP_R | PMP_W | PMP_X, .base = 0,
		.log2len = PMP_LOG2_ALL,
		.what = "everything else (S/U RWX)",
	};

	/* The boot hart first: the banner says whether it held */
	pmp_verified = !sbi_pmp_init_hart();
}

int sbi_pmp_init_hart(void)
{
	unsigned int n;
	int rc = SBI_SUCCESS, err;

	if (pmp_entries < pmp_used)
		return SBI_ERR_NOT_SUPPORTED;

	for (n = 0; n < pmp_entries; n++) {
		const struct pmp_slot *s = &pmp_layout[n];

		if (n >= pmp_used || !s->used)
			err = sbi_pmp_disable(n);
		else if (s->mode == PMP_MODE_TOR_TOP)
			err = pmp_set_tor(n, s->prot, pmp_layout[n - 1].base,
					  s->base);
		else if (s->mode == PMP_MODE_TOR_BOTTOM)
			err = SBI_SUCCESS;	/* set with its top */
		else
			err = sbi_pmp_set(n, s->prot, s->base, s->log2len);
		if (err)
			rc = err;
	}
	/* Order the new permissions before later translations */
	sfence_vma_all();
	return rc;
}

bool sbi_pmp_can_lock(void)
{
	return pmp_lock_slot && pmp_verified;
}

int sbi_pmp_lock_range(unsigned int idx, unsigned long prot,
		       unsigned long base, unsigned long size)
{
	struct pmp_slot *bottom, *top;

	if (!sbi_pmp_can_lock() || idx >= PMP_LOCK_RANGES ||
	    base + size <= base)
		return SBI_ERR_NOT_SUPPORTED;
	bottom = &pmp_layout[pmp_lock_slot + 2 * idx];
	top = bottom + 1;
	*bottom = (struct pmp_slot){
		.used = true, .mode = PMP_MODE_TOR_BOTTOM, .base = base,
		.what = "kernel lock: start of the range",
	};
	*top = (struct pmp_slot){
		.used = true, .mode = PMP_MODE_TOR_TOP,
		.prot = prot & (PMP_R | PMP_X), .base = base + size,
		.what = "kernel lock (S/U read-only)",
	};
	/* Published before we look at who runs (sbi_hsm.c starts harts) */
	smp_mb();
	return sbi_pmp_init_hart();
}

bool sbi_pmp_protects_pool(void)
{
	return pmp_verified && pmp_layout[PMP_SLOT_PT_POOL].used &&
	       !pmp_devices_dropped;
}

void sbi_pmp_print(void)
{
	unsigned int n;

	sbi_printf("PMP            : %u entries", pmp_entries);
	if (pmp_entries < pmp_used) {
		sbi_printf(" (too few for %u, PMP not used)\n", pmp_used);
		return;
	}
	sbi_printf(", %u used%s\n", pmp_used,
		   pmp_verified ? "" : ", NOT as programmed (read back differs)");
	if (pmp_devices_dropped)
		sbi_printf("  %u firmware device(s) beyond %u left open: "
			   "pool not protected\n", pmp_devices_dropped,
			   PMP_MAX_DEVICES);

	for (n = 0; n < pmp_used; n++) {
		const struct pmp_slot *s = &pmp_layout[n];
		unsigned long end;

		if (!s->used) {
			sbi_printf("  pmp%u  %-39s ---  %s\n", n, "off", s->what);
			continue;
		}
		if (s->mode == PMP_MODE_TOR_BOTTOM) {
			sbi_printf("  pmp%u  OFF   0x%016lx %18s ---  %s\n", n,
				   s->base, "", s->what);
			continue;
		}
		if (s->mode == PMP_MODE_TOR_TOP) {
			sbi_printf("  pmp%u  TOR   0x%016lx-0x%016lx %c%c%c  %s\n",
				   n, pmp_layout[n - 1].base, s->base - 1,
				   (s->prot & PMP_R) ? 'r' : '-',
				   (s->prot & PMP_W) ? 'w' : '-',
				   (s->prot & PMP_X) ? 'x' : '-', s->what);
			continue;
		}
		end = s->log2len == PMP_LOG2_ALL ? -1UL :
		      s->base + (1UL << s->log2len) - 1;
		sbi_printf("  pmp%u  NAPOT 0x%016lx-0x%016lx %c%c%c  %s\n", n,
			   s->base, end,
			   (s->prot & PMP_R) ? 'r' : '-',
			   (s->prot & PMP_W) ? 'w' : '-',
			   (s->prot & PMP_X) ? 'x' : '-', s->what);
	}
}
