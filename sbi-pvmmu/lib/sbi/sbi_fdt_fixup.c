// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fixups applied to the FDT before it is handed to the OS:
 *  - /reserved-memory/mmode_resv0@<fw base>: the firmware region, no-map;
 *  - /reserved-memory/pvmmu-pool@<base>: the PVMMU page-table pool,
 *    without no-map (see pvmmu/sbi_pvmmu_boot.c);
 *  - cpu nodes of harts this firmware does not run (no hart index: more
 *    than SBI_MAX_HARTS cpus) are marked disabled so the OS does not try
 *    to start them;
 *  - the devices the firmware owns (sbi_platform->fw_devices: PMP closes
 *    them to S-mode) are marked disabled, and so are the syscon
 *    poweroff/reboot nodes that point at them: the OS uses SRST.
 */
#include <libfdt.h>
#include <sbi/sbi_config.h>
#include <sbi/sbi_console.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_fdt.h>
#include <sbi/sbi_hart.h>
#include <sbi/sbi_mem.h>
#include <sbi/sbi_pvmmu.h>

static int disable_unsupported_cpus(void *fdt)
{
	int cpus, cpu, rc;
	unsigned long hartid;

restart:
	cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0)
		return 0;

	fdt_for_each_subnode(cpu, fdt, cpus) {
		if (sbi_fdt_node_to_hartid(fdt, cpu, &hartid))
			continue;
		if (sbi_hartid_to_hartindex(hartid) >= 0 ||
		    !sbi_fdt_node_is_enabled(fdt, cpu))
			continue;
		rc = fdt_setprop_string(fdt, cpu, "status", "disabled");
		if (rc)
			return rc;
		/* The property grew: node offsets moved, walk again */
		goto restart;
	}
	return 0;
}

static bool node_is_fw_device(const void *fdt, int node)
{
	u64 base, size;

	if (node < 0 || sbi_fdt_get_reg(fdt, node, 0, &base, &size))
		return false;
	return sbi_mem_range_overlaps_fw_device(base, size ? size : 1);
}

/* A syscon-poweroff/-reboot node whose regmap is one of those devices */
static bool node_uses_fw_device(const void *fdt, int node)
{
	const fdt32_t *regmap;
	int len;

	if (fdt_node_check_compatible(fdt, node, "syscon-poweroff") &&
	    fdt_node_check_compatible(fdt, node, "syscon-reboot"))
		return false;
	regmap = fdt_getprop(fdt, node, "regmap", &len);
	if (!regmap || len != sizeof(*regmap))
		return false;
	return node_is_fw_device(fdt,
				 fdt_node_offset_by_phandle(fdt,
						fdt32_to_cpu(*regmap)));
}

static int disable_fw_devices(void *fdt)
{
	int node, depth, rc;

restart:
	depth = 0;
	for (node = fdt_next_node(fdt, -1, &depth); node >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		if (!sbi_fdt_node_is_enabled(fdt, node) ||
		    (!node_is_fw_device(fdt, node) &&
		     !node_uses_fw_device(fdt, node)))
			continue;
		rc = fdt_setprop_string(fdt, node, "status", "disabled");
		if (rc)
			return rc;
		/* The blob changed: node offsets moved, walk again */
		goto restart;
	}
	return 0;
}

int sbi_fdt_fixup(void *fdt)
{
	unsigned long addr = (unsigned long)fdt;
	unsigned long new_size;
	int rc;

	rc = fdt_check_header(fdt);
	if (rc)
		return rc;

	/*
	 * Grow the blob in place. The space behind it must be RAM that
	 * nobody else uses: QEMU puts the FDT near the end of RAM, aligned
	 * down to 2 MiB, so there is room after it.
	 */
	new_size = fdt_totalsize(fdt) + SBI_FDT_FIXUP_SLACK;
	if (!sbi_mem_range_s_accessible(addr, new_size)) {
		sbi_printf("sbi-pvmmu: no room to grow the FDT at 0x%lx\n",
			   addr);
		return -FDT_ERR_NOSPACE;
	}
	rc = fdt_open_into(fdt, fdt, (int)new_size);
	if (rc)
		return rc;

	rc = sbi_fdt_reserve_region(fdt, "mmode_resv0", sbi_mem_fw_base(),
				    sbi_mem_fw_size(), true);
	if (rc)
		return rc;

	/* Failure only disables PVMMU; the rest of the fixups still apply */
	sbi_pvmmu_fdt_fixup(fdt);

	rc = disable_unsupported_cpus(fdt);
	if (rc)
		return rc;

	rc = disable_fw_devices(fdt);
	if (rc)
		return rc;

	return fdt_pack(fdt);
}
