// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvmmu backend layer, the bottom of arch/riscv/pvmmu: the static key, the
 * mmu-ops table in use and its native implementation, where the pool is,
 * and the per-CPU counters every layer above adds to. It calls nothing
 * else in pvmmu; boot.c installs the SBI backend.
 */

#include <linux/atomic.h>
#include <linux/init.h>
#include <linux/jump_label.h>
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

/* The firmware's pool: linear-map address, size and physical address. */
unsigned long pvmmu_pool_va __ro_after_init;
EXPORT_SYMBOL_GPL(pvmmu_pool_va);
unsigned long pvmmu_pool_bytes __ro_after_init;
EXPORT_SYMBOL_GPL(pvmmu_pool_bytes);
phys_addr_t pvmmu_pool_pa __ro_after_init;

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
	if (pgtable_l5_enabled)
		return PVMMU_LEVEL_PGD;
	return pgtable_l4_enabled ? PVMMU_LEVEL_P4D : PVMMU_LEVEL_PUD;
}

void pvmmu_sum_cpu_stats(struct pvmmu_cpu_stats *sum)
{
	const unsigned long *s;
	unsigned long *d = (unsigned long *)sum;
	unsigned int cpu, i;

	/* The struct is nothing but unsigned long counters. */
	BUILD_BUG_ON(sizeof(*sum) % sizeof(unsigned long));
	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		s = (const unsigned long *)per_cpu_ptr(&pvmmu_cpu_stats, cpu);
		for (i = 0; i < sizeof(*sum) / sizeof(unsigned long); i++)
			d[i] += READ_ONCE(s[i]);
	}
}
