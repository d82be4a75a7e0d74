// SPDX-License-Identifier: BSD-2-Clause
/*
 * PVMMU firmware wiring at cold boot: choose the pool's size and place,
 * hand the memory map to the portable core (which zeroes the pool),
 * describe the pool in the FDT and print it in the banner. The state it
 * sets up lives in sbi_pvmmu.c.
 *
 * Size: RAM / 16 rounded down to a power of two, clamped to
 * [4 MiB, 256 MiB], or "pvmmu.pool_mb=N" from /chosen/bootargs.
 * Place: the highest naturally aligned slot in RAM that overlaps neither
 * the firmware, the next stage's image, the initrd nor the FDT.
 */
#include <libfdt.h>
#include <sbi/riscv_asm.h>
#include <sbi/riscv_atomic.h>
#include <sbi/sbi_config.h>
#include <sbi/sbi_console.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_fdt.h>
#include <sbi/sbi_hart.h>
#include <sbi/sbi_mem.h>
#include <sbi/sbi_platform.h>
#include <sbi/sbi_pmp.h>
#include <sbi/sbi_pvmmu.h>
#include <sbi/sbi_string.h>
#include "pvmmu_core.h"

/* Assumed size of a next stage without a Linux Image header */
#define IMAGE_DEFAULT_SIZE	(64UL << 20)
#define IMAGE_HEADER_SIZE	64

#define BOOTARG_POOL_MB		"pvmmu.pool_mb="

enum { AVOID_FW, AVOID_IMAGE, AVOID_INITRD, AVOID_FDT, AVOID_COUNT };

/* Sized for the largest pool: 4 bytes per page, 256 KiB of .bss */
static u32 pvmmu_meta[PVMMU_POOL_MAX_PAGES];

static struct {
	bool placed;		/* core initialised, pool zeroed */
	unsigned int mmio_dropped;	/* S-mode MMIO beyond PVMMU_MAX_MMIO */
	bool from_bootargs;
	struct pvmmu_range avoid[AVOID_COUNT];
	bool image_header;
	char note[112];		/* problem to report in the banner */
} boot;

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

/* ---- MMIO that S-mode may map (PVMMU leaf targets) */

#define MMIO_SCAN_MAX	64

static struct pvmmu_range mmio_scan[MMIO_SCAN_MAX];
static unsigned int mmio_scan_count;

static bool overlaps_ram(u64 base, u64 size)
{
	unsigned int i;

	for (i = 0; i < sbi_mem_ram_count(); i++)
		if (pvmmu_range_overlaps(base, size, sbi_mem_ram_region(i)->base,
					 sbi_mem_ram_region(i)->size))
			return true;
	return false;
}

/*
 * Keep the scan sorted by base; the firmware's devices and RAM never
 * enter. A region is widened to whole pages first (the smallest leaf is
 * one page: a 0x100-byte UART must still be mappable), and dropped if
 * the widened region touches a firmware device or RAM.
 */
static void mmio_add(u64 base, u64 size)
{
	u64 end = base + size;
	unsigned int i;

	if (!size || end < base || end > -PVMMU_PAGE_SIZE)
		return;
	base &= ~(u64)(PVMMU_PAGE_SIZE - 1);
	end = (end + PVMMU_PAGE_SIZE - 1) & ~(u64)(PVMMU_PAGE_SIZE - 1);
	size = end - base;
	if (sbi_mem_range_overlaps_fw_device(base, size) || overlaps_ram(base, size) ||
	    mmio_scan_count == MMIO_SCAN_MAX)
		return;
	for (i = mmio_scan_count; i && mmio_scan[i - 1].base > base; i--)
		mmio_scan[i] = mmio_scan[i - 1];
	mmio_scan[i].base = base;
	mmio_scan[i].size = size;
	mmio_scan_count++;
}

static u64 read_cells(const fdt32_t *p, int n)
{
	u64 v = 0;

	while (n--)
		v = (v << 32) | fdt32_to_cpu(*p++);
	return v;
}

/* Bus addresses of @node's children are CPU addresses: root or "ranges;" */
static bool identity_bus(const void *fdt, int node)
{
	int len;

	if (!node)
		return true;
	if (fdt_getprop(fdt, node, "ranges", &len) && !len)
		return identity_bus(fdt, fdt_parent_offset(fdt, node));
	return false;
}

/* A bus's windows: "ranges" = (child address, parent address, size)... */
static void mmio_add_ranges(const void *fdt, int node, int parent)
{
	int cac = fdt_address_cells(fdt, node), csc = fdt_size_cells(fdt, node);
	int pac = fdt_address_cells(fdt, parent), len, i, step;
	const fdt32_t *r = fdt_getprop(fdt, node, "ranges", &len);

	step = cac + pac + csc;
	if (!r || len <= 0 || cac < 1 || pac < 1 || pac > 2 || csc < 1 ||
	    csc > 2)
		return;
	for (i = 0; (i + step) * (int)sizeof(*r) <= len; i += step)
		mmio_add(read_cells(r + i + cac, pac),
			 read_cells(r + i + cac + pac, csc));
}

/*
 * Every enabled device node the OS sees (its "reg" on an identity bus,
 * and the windows of buses that translate), minus RAM and the firmware's
 * own devices; adjacent regions merge.
 */
static unsigned int collect_s_mmio(const void *fdt, struct pvmmu_range *out)
{
	const char *type, *name;
	int node, parent, depth = 0, i, len;
	unsigned int n = 0;
	u64 base, size;

	for (node = fdt_next_node(fdt, -1, &depth); node >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		parent = fdt_parent_offset(fdt, node);
		if (!node || parent < 0 || !sbi_fdt_node_is_enabled(fdt, node) ||
		    !identity_bus(fdt, parent))
			continue;
		type = fdt_getprop(fdt, node, "device_type", &len);
		name = fdt_get_name(fdt, node, NULL);
		if ((type && (!strcmp(type, "memory") || !strcmp(type, "cpu"))) ||
		    (name && !strncmp(name, "reserved-memory", 15)))
			continue;
		for (i = 0; !sbi_fdt_get_reg(fdt, node, i, &base, &size); i++)
			mmio_add(base, size);
		if (fdt_getprop(fdt, node, "ranges", &len) && len > 0)
			mmio_add_ranges(fdt, node, parent);
	}

	for (i = 0; i < (int)mmio_scan_count; i++) {
		const struct pvmmu_range *r = &mmio_scan[i];

		if (n && r->base <= out[n - 1].base + out[n - 1].size) {
			if (r->base + r->size > out[n - 1].base + out[n - 1].size)
				out[n - 1].size = r->base + r->size -
						  out[n - 1].base;
		} else if (n < PVMMU_MAX_MMIO) {
			out[n++] = *r;
		} else {
			boot.mmio_dropped++;
		}
	}
	return n;
}

static unsigned long common_features(void)
{
	unsigned long h, both = SBI_HART_EXT_SVNAPOT | SBI_HART_EXT_SVPBMT;
	unsigned long feat = 0;

	/* An extension counts only if every hart has it */
	for_each_hart_in_mask(h, sbi_hart_valid_mask)
		both &= sbi_hartindex_to_scratch((u32)h)->features;
	if (both & SBI_HART_EXT_SVNAPOT)
		feat |= SBI_PVMMU_FEAT_SVNAPOT;
	if (both & SBI_HART_EXT_SVPBMT)
		feat |= SBI_PVMMU_FEAT_SVPBMT;
	return feat;
}

/* The RAM regions the core may see, at most PVMMU_MAX_RAM; their total */
static unsigned int collect_ram(struct pvmmu_range *ram, unsigned long *total)
{
	unsigned int i, n = 0;

	*total = 0;
	for (i = 0; i < sbi_mem_ram_count() && n < PVMMU_MAX_RAM; i++) {
		const struct sbi_mem_region *r = sbi_mem_ram_region(i);

		ram[n].base = r->base;
		ram[n].size = r->size;
		*total += r->size;
		n++;
	}
	return n;
}

/* What the pool must not overlap: firmware, next stage, initrd, FDT */
static void collect_avoid(void *fdt, unsigned long next_addr)
{
	boot.avoid[AVOID_FW].base = sbi_mem_fw_base();
	boot.avoid[AVOID_FW].size = sbi_mem_fw_size();
	boot.avoid[AVOID_IMAGE].base = next_addr;
	boot.avoid[AVOID_IMAGE].size = image_size(next_addr,
						  &boot.image_header);
	find_initrd(fdt, &boot.avoid[AVOID_INITRD]);
	/* The FDT grows in place by the fixups */
	boot.avoid[AVOID_FDT].base = (unsigned long)fdt;
	boot.avoid[AVOID_FDT].size = fdt_totalsize(fdt) + SBI_FDT_FIXUP_SLACK;
}

/* The size "pvmmu.pool_mb=" asks for, or 0 (a bad value is noted) */
static unsigned long requested_size(const void *fdt)
{
	const char *arg = "";
	unsigned long want;
	unsigned int len;
	char bad[17];

	want = bootargs_pool_size(fdt, &arg);
	if (want != -1UL)
		return want;
	/* the console has no %.*s */
	for (len = 0; len < sizeof(bad) - 1 && arg[len] && arg[len] != ' ';
	     len++)
		bad[len] = arg[len];
	bad[len] = 0;
	sbi_snprintf(boot.note, sizeof(boot.note),
		     "bad %s%s (want a power of two, 4..%lu), default used",
		     BOOTARG_POOL_MB, bad, PVMMU_POOL_MAX >> 20);
	return 0;
}

/*
 * Place a pool of the requested size, else of the default size, else of
 * the largest power of two down to PVMMU_POOL_MIN that fits. Returns its
 * base (0: none fits) and sets *@size.
 */
static unsigned long place_pool(const struct pvmmu_range *ram, unsigned int n,
				unsigned long want, unsigned long def,
				unsigned long *size)
{
	unsigned long base;

	boot.from_bootargs = want != 0;
	*size = want ? want : def;
	base = pvmmu_pool_place(ram, n, boot.avoid, AVOID_COUNT, *size);
	if (!base && want) {
		sbi_snprintf(boot.note, sizeof(boot.note),
			     "%s%lu does not fit, default used",
			     BOOTARG_POOL_MB, want >> 20);
		boot.from_bootargs = false;
		*size = def;
		base = pvmmu_pool_place(ram, n, boot.avoid, AVOID_COUNT, *size);
	}
	/* Crowded RAM: smaller is better than nothing */
	while (!base && *size > PVMMU_POOL_MIN) {
		*size >>= 1;
		base = pvmmu_pool_place(ram, n, boot.avoid, AVOID_COUNT, *size);
	}
	return base;
}

/* Hand the machine and the pool to the core, which zeroes the pool */
static int init_core(void *fdt, struct pvmmu_range *ram, unsigned int n,
		     unsigned long base, unsigned long size)
{
	struct pvmmu_state *st = sbi_pvmmu_state();
	struct pvmmu_range mmio[PVMMU_MAX_MMIO];
	struct pvmmu_config cfg = { 0 };
	unsigned long h;
	int rc;

	cfg.phys_offset = 0;	/* M-mode runs with physical addresses */
	cfg.ram = ram;
	cfg.ram_count = n;
	cfg.fw = boot.avoid[AVOID_FW];
	cfg.mmio = mmio;
	cfg.mmio_count = collect_s_mmio(fdt, mmio);
	cfg.pool_base = base;
	cfg.pool_size = size;
	cfg.features = common_features() | SBI_PVMMU_FEAT_SATP_LOCKED;
	cfg.hart_mask = sbi_hart_valid_mask;
	cfg.meta = pvmmu_meta;
	cfg.meta_entries = array_size(pvmmu_meta);
	rc = pvmmu_init(st, &cfg);
	if (rc)
		return rc;
	/* The trap path counts into the core's per-hart TRAPS counter */
	for_each_hart_in_mask(h, sbi_hart_valid_mask)
		if (h < PVMMU_MAX_HARTS)
			sbi_hartindex_to_scratch((u32)h)->trap_counter =
				&st->harts[h].stats[SBI_PVMMU_STAT_TRAPS];
	return 0;
}

void sbi_pvmmu_cold_init(void *fdt, unsigned long next_addr)
{
	struct pvmmu_range ram[PVMMU_MAX_RAM];
	unsigned long total, size, base;
	unsigned int n;
	int rc;

	n = collect_ram(ram, &total);
	collect_avoid(fdt, next_addr);

	/*
	 * T-Head's MAE gives PTE bits 59-63 vendor meanings (cacheability,
	 * ordering) that the core's leaf rules do not know: refuse rather
	 * than validate something else than what the walker uses.
	 */
	if (csr_read(CSR_MVENDORID) == MVENDORID_THEAD) {
		sbi_snprintf(boot.note, sizeof(boot.note),
			     "T-Head vendor PTE bits (MAE) not supported, "
			     "extension disabled");
		return;
	}

	base = place_pool(ram, n, requested_size(fdt),
			  pvmmu_pool_default_size(total), &size);
	if (!base) {
		sbi_snprintf(boot.note, sizeof(boot.note),
			     "no room for a pool, extension disabled");
		return;
	}
	rc = init_core(fdt, ram, n, base, size);
	if (rc) {
		sbi_snprintf(boot.note, sizeof(boot.note),
			     "core init failed (%d), extension disabled", rc);
		return;
	}
	boot.placed = true;
}

int sbi_pvmmu_fdt_fixup(void *fdt)
{
	struct pvmmu_state *st = sbi_pvmmu_state();
	char path[64];
	int node, rc;

	if (!boot.placed)
		return 0;

	/* Not no-map: Linux keeps struct pages and the linear map for it */
	rc = sbi_fdt_reserve_region(fdt, "pvmmu-pool", st->pool_base,
				    st->pool_size, false);
	if (!rc) {
		sbi_snprintf(path, sizeof(path),
			     "/reserved-memory/pvmmu-pool@%lx",
			     st->pool_base);
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

	sbi_mem_set_pt_pool(st->pool_base, st->pool_size);
	sbi_pvmmu_set_live();
	return 0;
}

void sbi_pvmmu_print(void)
{
	const struct pvmmu_state *st = sbi_pvmmu_state();
	const struct pvmmu_range *a = boot.avoid;

	if (sbi_pvmmu_live()) {
		sbi_printf("PVMMU pool     : 0x%016lx-0x%016lx (%lu MiB, %lu "
			   "pages, %s)\n", st->pool_base,
			   st->pool_base + st->pool_size - 1,
			   st->pool_size >> 20, st->pool_pages,
			   boot.from_bootargs ? BOOTARG_POOL_MB "N" :
						"default RAM/16");
		sbi_printf("PVMMU avoided  : image 0x%lx+0x%lx%s, initrd "
			   "0x%lx+0x%lx, FDT 0x%lx+0x%lx\n",
			   a[AVOID_IMAGE].base, a[AVOID_IMAGE].size,
			   boot.image_header ? "" : " (no Image header)",
			   a[AVOID_INITRD].base, a[AVOID_INITRD].size,
			   a[AVOID_FDT].base, a[AVOID_FDT].size);
		sbi_printf("PVMMU features : max batch %lu,%s%s%s%s\n",
			   (unsigned long)PVMMU_MAX_BATCH,
			   (st->features & (SBI_PVMMU_FEAT_SVNAPOT |
						 SBI_PVMMU_FEAT_SVPBMT)) ?
			   "" : " no svnapot/svpbmt",
			   (st->features & SBI_PVMMU_FEAT_SVNAPOT) ?
			   " svnapot" : "",
			   (st->features & SBI_PVMMU_FEAT_SVPBMT) ?
			   " svpbmt" : "",
			   (st->features & SBI_PVMMU_FEAT_SATP_LOCKED) ?
			   ", satp trapped from SET_KERNEL_ROOT on" : "");
		if (!sbi_pvmmu_available())
			sbi_printf("PVMMU          : %s, extension disabled\n",
				   sbi_pvmmu_unavailable_reason());
		sbi_printf("PVMMU leaves   : S-mode RAM and %u MMIO region%s "
			   "from the FDT%s\n", st->mmio_count,
			   st->mmio_count == 1 ? "" : "s",
			   boot.mmio_dropped ? " (more dropped: too many)" : "");
	} else if (boot.placed && !boot.note[0]) {
		sbi_printf("PVMMU pool     : none (FDT not fixed up), "
			   "extension disabled\n");
	} else {
		sbi_printf("PVMMU pool     : none\n");
	}
	if (boot.note[0])
		sbi_printf("PVMMU warning  : %s\n", boot.note);
}
