// SPDX-License-Identifier: BSD-2-Clause
/*
 * Cold and warm boot sequencing.
 *
 * Cold boot (lottery winner, hart index 0): harts, their indexes and
 * scratch areas, platform devices from the FDT, RAM regions, next stage,
 * HSM states, PVMMU pool, FDT fixups, PMP layout, banner; then the other
 * harts are released, the boot hart does its per-hart init and drops to
 * S-mode at the next stage.
 * Warm boot (every other hart): per-hart init, then HSM STOPPED.
 */
#include <libfdt.h>
#include <sbi/riscv_asm.h>
#include <sbi/sbi_config.h>
#include <sbi/sbi_console.h>
#include <sbi/sbi_ecall.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_fdt.h>
#include <sbi/sbi_hart.h>
#include <sbi/sbi_hsm.h>
#include <sbi/sbi_init.h>
#include <sbi/sbi_ipi.h>
#include <sbi/sbi_mem.h>
#include <sbi/sbi_platform.h>
#include <sbi/sbi_pmp.h>
#include <sbi/sbi_pvmmu.h>
#include <sbi/sbi_rfence.h>
#include <sbi/sbi_system.h>
#include <sbi/sbi_version.h>

/* firmware/fw_entry.S */
extern u32 _boot_released;
/* firmware/trap_entry.S */
extern char _trap_entry[];

struct boot_info {
	/* The lottery winner (hart index 0) and the hart the OS starts on */
	unsigned long cold_hart;
	u32 os_hart;
	/* Hart indexes with a usable cpu node; usable cpus left without one */
	sbi_hartmask_t described;
	int left_out;
	void *fdt;
	unsigned long fdt_size_orig;
	unsigned long next_addr;
	unsigned long next_mode;
	const char *next_source;
};

static void __noreturn cold_boot_fail(const char *msg)
{
	sbi_printf("sbi-pvmmu: cold boot failed: %s\n", msg);
	sbi_system_exit(SBI_EXIT_FIRMWARE_FAULT);
}

/*
 * Nothing is printed here: the banner must be the first output. Problems
 * are reported on the banner's "Next" line.
 */
static void select_next_stage(struct boot_info *bi,
			      const struct fw_dynamic_info *info)
{
	static char why[96];

	bi->next_addr = SBI_DEFAULT_NEXT_ADDR;
	bi->next_mode = PRV_S;
	bi->next_source = why;

	if (!info || info->magic != FW_DYNAMIC_INFO_MAGIC) {
		sbi_snprintf(why, sizeof(why), "default, no fw_dynamic_info");
		return;
	}
	if (!sbi_mem_range_s_accessible(info->next_addr, 4)) {
		sbi_snprintf(why, sizeof(why),
			     "default, fw_dynamic next_addr 0x%lx unusable",
			     info->next_addr);
		return;
	}
	bi->next_addr = info->next_addr;
	if (info->next_mode != FW_DYNAMIC_INFO_NEXT_MODE_S)
		sbi_snprintf(why, sizeof(why),
			     "fw_dynamic v%lu, next_mode %lu ignored",
			     info->version, info->next_mode);
	else
		sbi_snprintf(why, sizeof(why), "fw_dynamic v%lu",
			     info->version);
}

static void print_banner(const struct boot_info *bi)
{
	unsigned long h, i;

	sbi_printf("sbi-pvmmu v%s (SBI v%d.%d, impl id 0x%x, impl version "
		   "0x%x)\n", SBI_PVMMU_VERSION_STRING, SBI_SPEC_VERSION_MAJOR,
		   SBI_SPEC_VERSION_MINOR, SBI_IMPL_ID_PVMMU,
		   SBI_PVMMU_VERSION);
	sbi_printf("Platform       : %s\n", sbi_platform->name);
	if (sbi_platform->print_info)
		sbi_platform->print_info();

	sbi_printf("Boot hart      : %lu", sbi_hartindex_to_hartid(bi->os_hart));
	if (bi->os_hart)
		sbi_printf(" (cold boot on hart %lu, not a usable cpu of the "
			   "FDT)", bi->cold_hart);
	else if (!(bi->described & BIT(0)))
		sbi_printf(" (not a usable cpu of the FDT)");
	sbi_printf("\nHarts          :");
	for_each_hart_in_mask(h, sbi_hart_valid_mask) {
		struct sbi_scratch *s = sbi_hartindex_to_scratch((u32)h);

		sbi_printf(" %lu%s", s->hartid,
			   sbi_hart_has_ext(s, SBI_HART_EXT_SSTC) ? "" :
			   "(no-sstc)");
	}
	sbi_printf("  (%u of max %u", sbi_hart_count(), SBI_MAX_HARTS);
	if (bi->left_out > 0)
		sbi_printf("; %d more cpus parked", bi->left_out);
	if (!bi->described)
		sbi_printf("; no usable cpu node in the FDT");
	sbi_printf(")\n");

	for (i = 0; i < sbi_mem_ram_count(); i++) {
		const struct sbi_mem_region *r = sbi_mem_ram_region(i);

		sbi_printf("RAM            : 0x%016lx-0x%016lx (%lu MiB)\n",
			   r->base, r->base + r->size - 1, r->size >> 20);
	}
	sbi_printf("Firmware       : 0x%016lx-0x%016lx (%lu KiB, %lu KiB "
		   "used)\n", sbi_mem_fw_base(),
		   sbi_mem_fw_base() + sbi_mem_fw_size() - 1,
		   sbi_mem_fw_size() >> 10, (sbi_mem_fw_used() + 1023) >> 10);
	sbi_printf("FDT            : 0x%016lx (%lu -> %u bytes)\n",
		   (unsigned long)bi->fdt, bi->fdt_size_orig,
		   fdt_totalsize(bi->fdt));
	sbi_printf("Next           : 0x%016lx (%s-mode, %s)\n", bi->next_addr,
		   bi->next_mode == PRV_S ? "S" : "?", bi->next_source);
	sbi_pvmmu_print();
	sbi_pmp_print();
	sbi_ecall_print_extensions();
	sbi_printf("\n");
}

/* The hart index table is complete: the others may look themselves up */
static void release_other_harts(void)
{
	unsigned long h;

	smp_mb();
	WRITE_ONCE(_boot_released, 1);
	mb();

	for_each_hart_in_mask(h, sbi_hart_valid_mask) {
		if (h != 0 && sbi_platform->ipi_send)
			sbi_platform->ipi_send((u32)h);
	}
}

/* Set before the release: the hart that starts the OS (sbi_init_warm) */
static u32 os_boot_index;

/*
 * Whoever wins the lottery does the cold boot, but the OS starts on a hart
 * the FDT describes: one it leaves out may be disabled for a reason (a
 * monitor core without S-mode), and the OS would not know it. Such a
 * winner hands the start to the first hart the FDT describes and runs
 * nothing else; without any usable cpu node the winner starts the OS.
 */
static u32 choose_os_hart(sbi_hartmask_t described)
{
	u32 h;

	if (!described || (described & BIT(0)))
		return 0;
	for (h = 1; !(described & BIT(h)); h++)
		;
	return h;
}

void __noreturn sbi_init_cold(unsigned long hartid, void *fdt,
			      const struct fw_dynamic_info *info,
			      const struct sbi_platform *platform)
{
	struct sbi_scratch *scratch = sbi_hartindex_to_scratch(0);
	struct boot_info bi = { .cold_hart = hartid, .fdt = fdt };
	int rc;

	sbi_platform = platform;
	sbi_hart_add(hartid);
	/* Report faults during cold boot through the normal trap path */
	csr_write(CSR_MSCRATCH, scratch);
	csr_write(CSR_MTVEC, _trap_entry);

	if (fdt && fdt_check_header(fdt))
		fdt = NULL;
	/* Before the devices: their drivers name harts by index */
	if (fdt)
		bi.left_out = sbi_fdt_parse_cpus(fdt, &bi.described);
	bi.os_hart = choose_os_hart(bi.described);
	os_boot_index = bi.os_hart;
	/* After a hand-off, the winner is no hart of the OS's */
	if (bi.os_hart)
		sbi_hart_valid_mask &= ~BIT(0);

	/* Devices first, so that the console works */
	if (sbi_platform->early_init)
		sbi_platform->early_init(fdt);
	sbi_console_init();

	if (!fdt)
		cold_boot_fail("no valid FDT in a1");
	bi.fdt_size_orig = fdt_totalsize(fdt);

	if (sbi_fdt_parse_memory(fdt))
		cold_boot_fail("no RAM region in the FDT");

	select_next_stage(&bi, info);
	sbi_hsm_init(bi.os_hart, bi.next_addr, (unsigned long)fdt);
	sbi_ipi_set_rfence_handler(sbi_rfence_process);

	/* Before the fixups (they describe the pool) and PMP (it guards it) */
	sbi_pvmmu_cold_init(fdt, bi.next_addr);

	rc = sbi_fdt_fixup(fdt);
	if (rc)
		sbi_printf("sbi-pvmmu: FDT fixup failed: %s\n",
			   fdt_strerror(rc));

	sbi_pmp_setup();
	sbi_pvmmu_pmp_ready();

	print_banner(&bi);

	release_other_harts();
	if (bi.os_hart)
		sbi_hart_hang();

	sbi_hart_init(scratch, true);
	atomic_write(&scratch->hsm_state, SBI_HSM_STATE_STARTED);
	sbi_hart_switch_mode(hartid, (unsigned long)fdt, bi.next_addr,
			     bi.next_mode);
}

void __noreturn sbi_init_warm(unsigned long hartindex)
{
	struct sbi_scratch *scratch;

	if (!sbi_hartindex_valid(hartindex))
		sbi_hart_hang();

	scratch = sbi_hartindex_to_scratch((u32)hartindex);
	/* The OS hart after a hand-off: nothing runs in S-mode yet */
	sbi_hart_init(scratch, hartindex == os_boot_index);
	sbi_hsm_hart_wait(scratch);
}
