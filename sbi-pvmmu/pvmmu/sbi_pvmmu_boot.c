// SPDX-License-Identifier: BSD-2-Clause
/*
 * PVMMU firmware wiring at cold boot: choose the pool's size and place,
 * hand the memory map to the portable core (which zeroes the pool),
 * describe the pool in the FDT and print it in the banner.
 *
 * Size: RAM / 16 rounded down to a power of two, clamped to
 * [4 MiB, 256 MiB], or "pvmmu.pool_mb=N" from /chosen/bootargs.
 * Place: the highest naturally aligned slot in RAM that overlaps neither
 * the firmware, the next stage's image, the initrd nor the FDT.
 */
#include <libfdt.h>
#include <sbi/sbi_config.h>
#include <sbi/sbi_console.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_fdt.h>
#include <sbi/sbi_hart.h>
#include <sbi/sbi_mem.h>
#include <sbi/sbi_pmp.h>
#include <sbi/sbi_pvmmu.h>
#include <sbi/sbi_string.h>
#include "pvmmu_core.h"

/* Assumed size of a next stage without a Linux Image header */
#define IMAGE_DEFAULT_SIZE	(64UL << 20)
#define IMAGE_HEADER_SIZE	64

#define BOOTARG_POOL_MB		"pvmmu.pool_mb="

enum { AVOID_FW, AVOID_IMAGE, AVOID_INITRD, AVOID_FDT, AVOID_COUNT };

static struct pvmmu_state pvmmu_st;
/* Sized for the largest pool: 4 bytes per page, 256 KiB of .bss */
static u32 pvmmu_meta[PVMMU_POOL_MAX_PAGES];

static struct {
	bool placed;		/* core initialised, pool zeroed */
	bool live;		/* in the FDT and in the memory map */
	bool from_bootargs;
	struct pvmmu_range avoid[AVOID_COUNT];
	bool image_header;
	char note[112];		/* problem to report in the banner */
} boot;

struct pvmmu_state *sbi_pvmmu_state(void)
{
	return &pvmmu_st;
}

bool sbi_pvmmu_available(void)
{
	/* Without PMP the pool would be writable by S-mode */
	return boot.live && sbi_pmp_count() >= PMP_SLOTS_USED;
}

/*
 * "pvmmu.pool_mb=N" in /chosen/bootargs. Returns 0 if absent, the size
 * in bytes if valid, -1UL if present but invalid (*@arg: its value).
 */
static unsigned long bootargs_pool_size(const void *fdt, const char **arg)
{
	const char *args, *p, *v;
	unsigned long mb = 0;
	int node, len;

	node = fdt_path_offset(fdt, "/chosen");
	if (node < 0)
		return 0;
	args = fdt_getprop(fdt, node, "bootargs", &len);
	if (!args || len <= 0 || args[len - 1])
		return 0;

	for (p = args; *p; p++) {
		if ((p != args && p[-1] != ' ') ||
		    strncmp(p, BOOTARG_POOL_MB, strlen(BOOTARG_POOL_MB)))
			continue;
		v = p + strlen(BOOTARG_POOL_MB);
		*arg = v;
		if (*v < '0' || *v > '9')
			return -1UL;
		for (; *v >= '0' && *v <= '9'; v++) {
			mb = mb * 10 + (unsigned long)(*v - '0');
			if (mb > (PVMMU_POOL_MAX >> 20))
				return -1UL;
		}
		if (*v && *v != ' ')
			return -1UL;
		if (mb < (PVMMU_POOL_MIN >> 20) || (mb & (mb - 1)))
			return -1UL;
		return mb << 20;
	}
	return 0;
}

static u64 chosen_addr(const void *fdt, int node, const char *name,
		       bool *found)
{
	const fdt32_t *v;
	int len;

	*found = false;
	v = fdt_getprop(fdt, node, name, &len);
	if (!v)
		return 0;
	if (len == 4) {
		*found = true;
		return fdt32_to_cpu(v[0]);
	}
	if (len == 8) {
		*found = true;
		return ((u64)fdt32_to_cpu(v[0]) << 32) | fdt32_to_cpu(v[1]);
	}
	return 0;
}

static void find_initrd(const void *fdt, struct pvmmu_range *r)
{
	bool has_start, has_end;
	u64 start, end;
	int node;

	node = fdt_path_offset(fdt, "/chosen");
	if (node < 0)
		return;
	start = chosen_addr(fdt, node, "linux,initrd-start", &has_start);
	end = chosen_addr(fdt, node, "linux,initrd-end", &has_end);
	if (has_start && has_end && end > start) {
		r->base = start;
		r->size = end - start;
	}
}

/* Linux Image header: image_size at +16, magics at +48 and +56 */
static unsigned long image_size(unsigned long addr, bool *header)
{
	const u8 *p = (const u8 *)addr;
	unsigned long size = 0;
	int i;

	*header = false;
	if (!sbi_mem_range_in_ram(addr, IMAGE_HEADER_SIZE))
		return IMAGE_DEFAULT_SIZE;
	if (memcmp(p + 48, "RISCV\0\0\0", 8) && memcmp(p + 56, "RSC\x05", 4))
		return IMAGE_DEFAULT_SIZE;
	for (i = 7; i >= 0; i--)
		size = (size << 8) | p[16 + i];
	if (!size)
		return IMAGE_DEFAULT_SIZE;
	*header = true;
	return size;
}

static unsigned long common_features(void)
{
	unsigned long h, both = SBI_HART_EXT_SVNAPOT | SBI_HART_EXT_SVPBMT;
	unsigned long feat = 0;

	/* An extension counts only if every hart has it */
	for_each_hart_in_mask(h, sbi_hart_valid_mask)
		both &= sbi_hartid_to_scratch(h)->features;
	if (both & SBI_HART_EXT_SVNAPOT)
		feat |= SBI_PVMMU_FEAT_SVNAPOT;
	if (both & SBI_HART_EXT_SVPBMT)
		feat |= SBI_PVMMU_FEAT_SVPBMT;
	return feat;
}

void sbi_pvmmu_cold_init(void *fdt, unsigned long next_addr)
{
	struct pvmmu_range ram[PVMMU_MAX_RAM];
	struct pvmmu_config cfg = { 0 };
	unsigned long total = 0, size, def, want, base;
	const char *arg = "";
	char bad[17];
	unsigned int i, n = 0, len;
	int rc;

	for (i = 0; i < sbi_mem_ram_count() && n < PVMMU_MAX_RAM; i++) {
		const struct sbi_mem_region *r = sbi_mem_ram_region(i);

		ram[n].base = r->base;
		ram[n].size = r->size;
		total += r->size;
		n++;
	}

	boot.avoid[AVOID_FW].base = sbi_mem_fw_base();
	boot.avoid[AVOID_FW].size = sbi_mem_fw_size();
	boot.avoid[AVOID_IMAGE].base = next_addr;
	boot.avoid[AVOID_IMAGE].size = image_size(next_addr,
						  &boot.image_header);
	find_initrd(fdt, &boot.avoid[AVOID_INITRD]);
	/* The FDT grows in place by the fixups */
	boot.avoid[AVOID_FDT].base = (unsigned long)fdt;
	boot.avoid[AVOID_FDT].size = fdt_totalsize(fdt) + SBI_FDT_FIXUP_SLACK;

	def = pvmmu_pool_default_size(total);
	want = bootargs_pool_size(fdt, &arg);
	if (want == -1UL) {
		/* the console has no %.*s */
		for (len = 0; len < sizeof(bad) - 1 && arg[len] &&
		     arg[len] != ' '; len++)
			bad[len] = arg[len];
		bad[len] = 0;
		sbi_snprintf(boot.note, sizeof(boot.note),
			     "bad %s%s (want a power of two, 4..%lu), "
			     "default used", BOOTARG_POOL_MB, bad,
			     PVMMU_POOL_MAX >> 20);
		want = 0;
	}
	boot.from_bootargs = want != 0;
	size = want ? want : def;

	base = pvmmu_pool_place(ram, n, boot.avoid, AVOID_COUNT, size);
	if (!base && want) {
		sbi_snprintf(boot.note, sizeof(boot.note),
			     "%s%lu does not fit, default used",
			     BOOTARG_POOL_MB, want >> 20);
		boot.from_bootargs = false;
		size = def;
		base = pvmmu_pool_place(ram, n, boot.avoid, AVOID_COUNT, size);
	}
	/* Crowded RAM: smaller is better than nothing */
	while (!base && size > PVMMU_POOL_MIN) {
		size >>= 1;
		base = pvmmu_pool_place(ram, n, boot.avoid, AVOID_COUNT, size);
	}
	if (!base) {
		sbi_snprintf(boot.note, sizeof(boot.note),
			     "no room for a pool, extension disabled");
		return;
	}

	cfg.phys_offset = 0;	/* M-mode runs with physical addresses */
	cfg.ram = ram;
	cfg.ram_count = n;
	cfg.fw = boot.avoid[AVOID_FW];
	cfg.pool_base = base;
	cfg.pool_size = size;
	cfg.features = common_features();
	cfg.hart_mask = sbi_hart_valid_mask;
	cfg.meta = pvmmu_meta;
	cfg.meta_entries = array_size(pvmmu_meta);
	rc = pvmmu_init(&pvmmu_st, &cfg);
	if (rc) {
		sbi_snprintf(boot.note, sizeof(boot.note),
			     "core init failed (%d), extension disabled", rc);
		return;
	}
	boot.placed = true;
}

int sbi_pvmmu_fdt_fixup(void *fdt)
{
	char path[64];
	int node, rc;

	if (!boot.placed)
		return 0;

	/* Not no-map: Linux keeps struct pages and the linear map for it */
	rc = sbi_fdt_reserve_region(fdt, "pvmmu-pool", pvmmu_st.pool_base,
				    pvmmu_st.pool_size, false);
	if (!rc) {
		sbi_snprintf(path, sizeof(path),
			     "/reserved-memory/pvmmu-pool@%lx",
			     pvmmu_st.pool_base);
		node = fdt_path_offset(fdt, path);
		rc = node < 0 ? node :
		     fdt_setprop_string(fdt, node, "compatible",
					"pvmmu,pt-pool");
	}
	if (rc) {
		/* Undescribed, the OS would use the pool as normal RAM */
		sbi_snprintf(boot.note, sizeof(boot.note),
			     "FDT node failed (%s), extension disabled",
			     fdt_strerror(rc));
		return rc;
	}

	sbi_mem_set_pt_pool(pvmmu_st.pool_base, pvmmu_st.pool_size);
	boot.live = true;
	return 0;
}

void sbi_pvmmu_print(void)
{
	const struct pvmmu_range *a = boot.avoid;

	if (boot.live) {
		sbi_printf("PVMMU pool     : 0x%016lx-0x%016lx (%lu MiB, %lu "
			   "pages, %s)\n", pvmmu_st.pool_base,
			   pvmmu_st.pool_base + pvmmu_st.pool_size - 1,
			   pvmmu_st.pool_size >> 20, pvmmu_st.pool_pages,
			   boot.from_bootargs ? BOOTARG_POOL_MB "N" :
						"default RAM/16");
		sbi_printf("PVMMU avoided  : image 0x%lx+0x%lx%s, initrd "
			   "0x%lx+0x%lx, FDT 0x%lx+0x%lx\n",
			   a[AVOID_IMAGE].base, a[AVOID_IMAGE].size,
			   boot.image_header ? "" : " (no Image header)",
			   a[AVOID_INITRD].base, a[AVOID_INITRD].size,
			   a[AVOID_FDT].base, a[AVOID_FDT].size);
		sbi_printf("PVMMU features : max batch %lu,%s%s%s\n",
			   (unsigned long)PVMMU_MAX_BATCH,
			   pvmmu_st.features ? "" : " no svnapot/svpbmt",
			   (pvmmu_st.features & SBI_PVMMU_FEAT_SVNAPOT) ?
			   " svnapot" : "",
			   (pvmmu_st.features & SBI_PVMMU_FEAT_SVPBMT) ?
			   " svpbmt" : "");
		if (!sbi_pvmmu_available())
			sbi_printf("PVMMU          : too few PMP entries, "
				   "extension disabled\n");
	} else if (boot.placed && !boot.note[0]) {
		sbi_printf("PVMMU pool     : none (FDT not fixed up), "
			   "extension disabled\n");
	} else {
		sbi_printf("PVMMU pool     : none\n");
	}
	if (boot.note[0])
		sbi_printf("PVMMU warning  : %s\n", boot.note);
}
