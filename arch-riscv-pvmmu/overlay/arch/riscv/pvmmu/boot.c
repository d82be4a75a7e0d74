// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvmmu boot, the top of arch/riscv/pvmmu: the pvmmu= parameter, then, if
 * the firmware offers a usable PVMMU extension, the pool, the per-CPU
 * queues, the firmware's hold on satp and the adoption of the kernel's
 * tables, in that order. Nothing below calls back into this file.
 */

#define pr_fmt(fmt) "pvmmu: " fmt

#include <linux/err.h>
#include <linux/init.h>
#include <linux/string.h>
#include <asm/pvmmu.h>

#include "pvmmu.h"

static bool pvmmu_disabled __initdata;

static int __init pvmmu_param(char *arg)
{
	if (!arg)
		return -EINVAL;
	if (!strcmp(arg, "off"))
		pvmmu_disabled = true;
	else if (strcmp(arg, "on"))
		return -EINVAL;
	return 0;
}
early_param("pvmmu", pvmmu_param);

/* Jump labels must be switched in the locked text, by the firmware. */
static bool __init pvmmu_text_fits(long features)
{
	unsigned int sites = pvmmu_text_site_count();

	if (!sites)
		return true;
	if ((features & SBI_PVMMU_FEAT_TEXT_POKE) &&
	    pvmmu_sbi_info(SBI_PVMMU_INFO_MAX_TEXT_SITES) >= sites)
		return true;
	pr_err("firmware cannot switch the %u jump labels of the locked text\n",
	       sites);
	return false;
}

/*
 * Runs before the first user mm exists (early initcall) and before the
 * secondary harts come up; the SBI backend registers each hart's batch
 * buffer from a CPU hotplug callback as the hart comes online.
 */
static int __init pvmmu_boot_init(void)
{
	const struct pvmmu_mmu_ops *ops;
	struct pvmmu_sbi_limits fw;
	int err;

	pvmmu_backend = &pvmmu_native_ops;
	if (pvmmu_disabled) {
		pr_info("disabled by pvmmu=off: page tables stay native\n");
		return 0;
	}

	ops = pvmmu_sbi_probe(&fw);
	if (!IS_ERR(ops) && !pvmmu_text_fits(fw.features))
		ops = ERR_PTR(-EINVAL);
	if (IS_ERR(ops)) {
		pr_info("%s: page tables stay native\n",
			PTR_ERR(ops) == -EOPNOTSUPP ?
			"firmware has no PVMMU extension" :
			"firmware PVMMU extension unusable");
		return 0;
	}

	/* Before the firmware takes satp: nothing to undo if these fail. */
	err = pvmmu_pool_init(fw.pool_base, fw.pool_size);
	if (!err)
		err = pvmmu_queue_init(fw.max_batch);
	if (!err)
		err = pvmmu_sbi_start();
	if (err) {
		pr_err("initialisation failed (%d): page tables stay native\n",
		       err);
		return 0;
	}

	/*
	 * The firmware holds satp from here on: only its roots can be
	 * loaded, so there is no going back to native tables.
	 */
	pvmmu_backend = ops;
	/* Enables the static key, then hands the kernel's tables to the firmware */
	err = pvmmu_adopt_kernel_tables();
	if (err)
		panic("pvmmu: kernel page tables not adopted by the firmware (%d)\n",
		      err);
	pr_info("active: %s backend, pool %pa + %llu MiB, root level %u\n",
		ops->name, &fw.pool_base,
		(unsigned long long)fw.pool_size >> 20, pvmmu_root_level());
	return 0;
}
early_initcall(pvmmu_boot_init);
