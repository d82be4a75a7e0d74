// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvmmu statistics: /sys/kernel/debug/pvmmu/stats (everything, per hook)
 * and /proc/pvmmu (one line of key=value pairs that guest programs parse
 * without debugfs).
 */

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/mm.h>
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
	[PVMMU_HOOK_PTEP_MODIFY_PROT]		= "ptep_modify_prot_commit",
	[PVMMU_HOOK_CLEAR_PTES]			= "clear_ptes",
	[PVMMU_HOOK_WRPROTECT_PTES]		= "wrprotect_ptes",
	[PVMMU_HOOK_SET_PMD]			= "set_pmd",
	[PVMMU_HOOK_PMDP_XCHG]			= "pmdp_xchg",
	[PVMMU_HOOK_SET_PUD]			= "set_pud",
	[PVMMU_HOOK_SET_P4D]			= "set_p4d",
	[PVMMU_HOOK_SET_PGD]			= "set_pgd",
	[PVMMU_HOOK_ALLOC_TABLE]		= "alloc_table",
	[PVMMU_HOOK_FREE_TABLE]			= "free_table",
	[PVMMU_HOOK_BENCH]			= "sbi_bench",
	[PVMMU_HOOK_ADOPT]			= "adopt",
};

static const char * const flush_names[PVMMU_NR_FLUSH_REASONS] = {
	[PVMMU_FLUSH_LEAVE]	= "leave",
	[PVMMU_FLUSH_FULL]	= "full",
	[PVMMU_FLUSH_SYNC]	= "sync",
	[PVMMU_FLUSH_SWITCH]	= "switch",
	[PVMMU_FLUSH_EXPLICIT]	= "explicit",
	[PVMMU_FLUSH_DIRECT]	= "direct",
	[PVMMU_FLUSH_TLB]	= "tlb",
};

static long fw_stat(unsigned long counter)
{
	return pvmmu_active() ? pvmmu_sbi_fw_stat(counter) : 0;
}

static long fw_stat_info(unsigned long selector)
{
	return pvmmu_active() ? pvmmu_sbi_info(selector) : 0;
}

/*
 * /proc/PID/arch_status: the pool tables of the task's address space, the
 * root and what VmPTE counts (Sv57's few P4D tables are left out).
 */
int proc_pid_arch_status(struct seq_file *m, struct pid_namespace *ns,
			 struct pid *pid, struct task_struct *task)
{
	struct mm_struct *mm;

	if (!pvmmu_active())
		return 0;
	mm = get_task_mm(task);
	if (!mm)
		return 0;
	seq_printf(m, "PvmmuTables:\t%lu\n",
		   1 + (mm_pgtables_bytes(mm) >> PAGE_SHIFT));
	mmput(mm);
	return 0;
}

static int pvmmu_summary_show(struct seq_file *m, void *v)
{
	struct pvmmu_pool_stats pool;
	struct pvmmu_cpu_stats cpu;
	unsigned int i;

	pvmmu_pool_get_stats(&pool);
	pvmmu_sum_cpu_stats(&cpu);
	seq_printf(m, "active=%d backend=%s batch=%u pool_pages=%lu used=%lu free=%lu high_water=%lu roots=%lu recycled=%lu reused=%lu exhausted=%lu pool_mm_limited=%lu registered=%lu released=%lu register_failures=%lu release_failures=%lu sbi_calls=%lu entries=%lu failures=%lu queued=%lu",
		   pvmmu_active(), pvmmu_get_backend()->name,
		   min(READ_ONCE(pvmmu_batch), pvmmu_max_batch), pool.total,
		   pool.used, pool.total - pool.used - pool.recycled,
		   pool.high_water, pool.roots, pool.recycled, pool.reused,
		   pool.exhausted, pool.mm_limited, pool.registered,
		   pool.released,
		   pool.register_failures,
		   pool.release_failures, cpu.sbi_calls, cpu.entries,
		   cpu.failures, cpu.queued);
	for (i = 0; i < PVMMU_NR_FLUSH_REASONS; i++)
		seq_printf(m, " flush_%s=%lu", flush_names[i], cpu.flushes[i]);
	seq_printf(m, " irq_bypass=%lu nested=%lu mispredicted=%lu",
		   cpu.irq_bypass, cpu.nested, cpu.mispredicted);
	for (i = 0; i < PVMMU_NR_REJECT_SITES; i++)
		seq_printf(m, " rejected_%s=%lu", pvmmu_reject_names[i],
			   cpu.rejected[i]);
	seq_printf(m, " kernel=%lu kernel_links=%u recycled_roots=%lu fw_kernel_root=%d",
		   pool.kernel, pvmmu_kernel_links, pool.recycled_roots,
		   pvmmu_active() &&
		   fw_stat_info(SBI_PVMMU_INFO_KERNEL_ROOT) == __pa(init_mm.pgd));
	seq_printf(m, " update_insn=%lu fw_insn_entry=%ld fw_insn_checks=%ld fw_insn_validate=%ld fw_insn_apply=%ld fw_insn_exit=%ld",
		   cpu.update_insn, fw_stat(SBI_PVMMU_STAT_INSN_ENTRY),
		   fw_stat(SBI_PVMMU_STAT_INSN_CHECKS),
		   fw_stat(SBI_PVMMU_STAT_INSN_VALIDATE),
		   fw_stat(SBI_PVMMU_STAT_INSN_APPLY),
		   fw_stat(SBI_PVMMU_STAT_INSN_EXIT));
	seq_printf(m, " pinned=%lu killed=%lu fw_updates=%ld fw_entries=%ld fw_rejected=%ld fw_typed=%ld fw_links=%ld fw_satp=%ld fw_satp_refused=%ld fw_sfence=%ld fw_traps=%ld\n",
		   cpu.pinned, cpu.killed,
		   fw_stat(SBI_PVMMU_STAT_UPDATE_CALLS),
		   fw_stat(SBI_PVMMU_STAT_ENTRIES),
		   fw_stat(SBI_PVMMU_STAT_REJECTED),
		   fw_stat(SBI_PVMMU_STAT_PAGES_TYPED),
		   fw_stat(SBI_PVMMU_STAT_LINKS),
		   fw_stat(SBI_PVMMU_STAT_SATP),
		   fw_stat(SBI_PVMMU_STAT_SATP_REFUSED),
		   fw_stat(SBI_PVMMU_STAT_SFENCE),
		   fw_stat(SBI_PVMMU_STAT_TRAPS));
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
	/* hook calls submitted at once rather than queued */
	for (i = 0; i < PVMMU_NR_HOOKS; i++)
		seq_printf(m, "direct.%s %lu\n", hook_names[i], cpu.hook_direct[i]);
	for (i = 0; i < PVMMU_HIST_BUCKETS; i++)
		seq_printf(m, "entries_per_call.%u%s %lu\n", 1U << i,
			   i == PVMMU_HIST_BUCKETS - 1 ? "+" : "",
			   cpu.batch_hist[i]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pvmmu_stats);

static int batch_get(void *data, u64 *val)
{
	*val = READ_ONCE(pvmmu_batch);
	return 0;
}

static int batch_set(void *data, u64 val)
{
	if (val < 1 || val > PVMMU_QUEUE_MAX)
		return -EINVAL;
	WRITE_ONCE(pvmmu_batch, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(batch_fops, batch_get, batch_set, "%llu\n");

static int __init pvmmu_stats_init(void)
{
	struct dentry *dir = debugfs_create_dir("pvmmu", NULL);

	debugfs_create_file("stats", 0444, dir, NULL, &pvmmu_stats_fops);
	debugfs_create_file_unsafe("batch", 0644, dir, NULL, &batch_fops);
	pvmmu_bench_init(dir);
	pvmmu_sbi_debugfs_init(dir);
	proc_create_single("pvmmu", 0444, NULL, pvmmu_summary_show);
	return 0;
}
late_initcall(pvmmu_stats_init);
