// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvmmu statistics: /sys/kernel/debug/pvmmu/stats (everything, per hook)
 * and /proc/pvmmu (one line of key=value pairs that guest programs parse
 * without debugfs).
 */

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <asm/pvmmu.h>

#include "pvmmu.h"

static const char * const hook_names[PVMMU_NR_HOOKS] = {
	[PVMMU_HOOK_SET_PTE]			= "set_pte",
	[PVMMU_HOOK_SET_PTES]			= "set_ptes",
	[PVMMU_HOOK_PTEP_GET_AND_CLEAR]		= "ptep_get_and_clear",
	[PVMMU_HOOK_PTEP_SET_WRPROTECT]		= "ptep_set_wrprotect",
	[PVMMU_HOOK_PTEP_TEST_AND_CLEAR_YOUNG]	= "ptep_test_and_clear_young",
	[PVMMU_HOOK_SET_PMD]			= "set_pmd",
	[PVMMU_HOOK_PMDP_XCHG]			= "pmdp_xchg",
	[PVMMU_HOOK_SET_PUD]			= "set_pud",
	[PVMMU_HOOK_SET_P4D]			= "set_p4d",
	[PVMMU_HOOK_SET_PGD]			= "set_pgd",
	[PVMMU_HOOK_ALLOC_TABLE]		= "alloc_table",
	[PVMMU_HOOK_FREE_TABLE]			= "free_table",
};

void pvmmu_sum_cpu_stats(struct pvmmu_cpu_stats *sum)
{
	const struct pvmmu_cpu_stats *s;
	unsigned int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		s = per_cpu_ptr(&pvmmu_cpu_stats, cpu);
		for (i = 0; i < PVMMU_NR_HOOKS; i++)
			sum->hook_calls[i] += READ_ONCE(s->hook_calls[i]);
		sum->sbi_calls += READ_ONCE(s->sbi_calls);
		sum->entries += READ_ONCE(s->entries);
		sum->failures += READ_ONCE(s->failures);
	}
}

static long fw_stat(unsigned long counter)
{
	return pvmmu_active() ? pvmmu_sbi_fw_stat(counter) : 0;
}

static int pvmmu_summary_show(struct seq_file *m, void *v)
{
	struct pvmmu_pool_stats pool;
	struct pvmmu_cpu_stats cpu;

	pvmmu_pool_get_stats(&pool);
	pvmmu_sum_cpu_stats(&cpu);
	seq_printf(m, "active=%d backend=%s pool_pages=%lu used=%lu free=%lu high_water=%lu roots=%lu exhausted=%lu register_failures=%lu release_failures=%lu sbi_calls=%lu entries=%lu failures=%lu fw_updates=%ld fw_entries=%ld fw_rejected=%ld fw_typed=%ld fw_links=%ld\n",
		   pvmmu_active(), pvmmu_get_backend()->name, pool.total,
		   pool.used, pool.total - pool.used, pool.high_water,
		   pool.roots, pool.exhausted, pool.register_failures,
		   pool.release_failures, cpu.sbi_calls, cpu.entries,
		   cpu.failures, fw_stat(SBI_PVMMU_STAT_UPDATE_CALLS),
		   fw_stat(SBI_PVMMU_STAT_ENTRIES),
		   fw_stat(SBI_PVMMU_STAT_REJECTED),
		   fw_stat(SBI_PVMMU_STAT_PAGES_TYPED),
		   fw_stat(SBI_PVMMU_STAT_LINKS));
	return 0;
}

static int pvmmu_stats_show(struct seq_file *m, void *v)
{
	struct pvmmu_cpu_stats cpu;
	unsigned int i;

	pvmmu_summary_show(m, v);
	pvmmu_sum_cpu_stats(&cpu);
	for (i = 0; i < PVMMU_NR_HOOKS; i++)
		seq_printf(m, "hook.%s %lu\n", hook_names[i], cpu.hook_calls[i]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pvmmu_stats);

static int __init pvmmu_stats_init(void)
{
	struct dentry *dir = debugfs_create_dir("pvmmu", NULL);

	debugfs_create_file("stats", 0444, dir, NULL, &pvmmu_stats_fops);
	proc_create_single("pvmmu", 0444, NULL, pvmmu_summary_show);
	return 0;
}
late_initcall(pvmmu_stats_init);
