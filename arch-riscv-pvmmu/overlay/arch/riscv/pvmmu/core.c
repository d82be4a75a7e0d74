// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvmmu core: the native backend, the choice of backend at boot (with the
 * adoption of the kernel's tables) and the boot parameters.
 */

#define pr_fmt(fmt) "pvmmu: " fmt

#include <linux/atomic.h>
#include <linux/init.h>
#include <linux/jump_label.h>
#include <linux/kstrtox.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <asm/pvmmu.h>
#include <asm/sbi.h>

#include "pvmmu.h"

struct static_key_false pvmmu_enabled = STATIC_KEY_FALSE_INIT;
EXPORT_SYMBOL_GPL(pvmmu_enabled);

DEFINE_PER_CPU(struct pvmmu_cpu_stats, pvmmu_cpu_stats);

const struct pvmmu_mmu_ops *pvmmu_backend __read_mostly;
static bool pvmmu_disabled __initdata;

/* A D bit set by hardware must never be lost, hence the atomics. */
static unsigned long native_apply(unsigned long *entry, unsigned int op,
				  unsigned long val)
{
	atomic_long_t *word = (atomic_long_t *)entry;
	unsigned long old, new;

	switch (op) {
	case SBI_PVMMU_OP_STORE:
	case SBI_PVMMU_OP_XCHG:
		return atomic_long_xchg(word, val);
	case SBI_PVMMU_OP_AND:
		return atomic_long_fetch_and(val, word);
	case SBI_PVMMU_OP_OR:
		return atomic_long_fetch_or(val, word);
	}
	/* SBI_PVMMU_OP_STORE_KEEP_AD */
	old = atomic_long_read(word);
	do {
		new = val | (old & (_PAGE_ACCESSED | _PAGE_DIRTY));
	} while (!atomic_long_try_cmpxchg(word, &old, new));
	return old;
}

static long native_submit(struct sbi_pvmmu_entry *batch, unsigned int nr,
			  unsigned int first, unsigned int *applied)
{
	unsigned int i, op;

	for (i = first; i < nr; i++) {
		op = batch[i].target & SBI_PVMMU_OP_MASK;
		if (op > SBI_PVMMU_OP_STORE_KEEP_AD) {
			*applied = i - first;
			return SBI_ERR_INVALID_PARAM;
		}
		batch[i].old = native_apply(__va(batch[i].target & ~SBI_PVMMU_OP_MASK),
					    op, batch[i].value);
	}
	*applied = nr - first;
	return 0;
}

static int native_register_table(phys_addr_t pa, unsigned int level,
				 unsigned long flags)
{
	return 0;
}

static int native_release_table(phys_addr_t pa)
{
	return 0;
}

const struct pvmmu_mmu_ops pvmmu_native_ops = {
	.name		= "native",
	.submit		= native_submit,
	.register_table	= native_register_table,
	.release_table	= native_release_table,
};
EXPORT_SYMBOL_GPL(pvmmu_native_ops);

const struct pvmmu_mmu_ops *pvmmu_get_backend(void)
{
	return pvmmu_backend;
}
EXPORT_SYMBOL_GPL(pvmmu_get_backend);

/* KUnit swaps in its recorder; returns the previous backend. */
const struct pvmmu_mmu_ops *pvmmu_set_backend(const struct pvmmu_mmu_ops *ops)
{
	return xchg(&pvmmu_backend, ops);
}
EXPORT_SYMBOL_GPL(pvmmu_set_backend);

unsigned int pvmmu_root_level(void)
{
	return pgtable_l5_enabled ? 4 : pgtable_l4_enabled ? 3 : 2;
}

int pvmmu_param_set_range(const char *val, unsigned int *var,
			  unsigned int min, unsigned int max)
{
	unsigned int n;
	int err = kstrtouint(val, 0, &n);

	if (err)
		return err;
	if (n < min || n > max)
		return -EINVAL;
	WRITE_ONCE(*var, n);
	return 0;
}

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

/*
 * Runs before the first user mm exists (early initcall) and before the
 * secondary harts come up; the SBI backend registers each hart's batch
 * buffer from a CPU hotplug callback as the hart comes online.
 */
static int __init pvmmu_init(void)
{
	const struct pvmmu_mmu_ops *ops;
	phys_addr_t base, size;
	int err;

	pvmmu_backend = &pvmmu_native_ops;
	if (pvmmu_disabled) {
		pr_info("disabled by pvmmu=off: page tables stay native\n");
		return 0;
	}

	ops = pvmmu_sbi_probe(&base, &size);
	if (IS_ERR(ops)) {
		pr_info("%s: page tables stay native\n",
			PTR_ERR(ops) == -EOPNOTSUPP ?
			"firmware has no PVMMU extension" :
			"firmware PVMMU extension unusable");
		return 0;
	}

	err = pvmmu_pool_init(base, size);
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
		ops->name, &base, (unsigned long long)size >> 20,
		pvmmu_root_level());
	return 0;
}
early_initcall(pvmmu_init);
