/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvmmu: the ops table behind the page-table write hooks.
 *
 * Every hook reduces to entries of the PVMMU ABI (struct sbi_pvmmu_entry:
 * store, exchange, atomic AND/OR, A/D-preserving store; each returns the
 * previous value) that the core queues per CPU and hands to the backend in
 * order. The native backend applies them with plain atomics, the SBI
 * backend asks the firmware (one UPDATE call per submission), and KUnit
 * plugs in a recorder.
 */
#ifndef _ASM_RISCV_PVMMU_TYPES_H
#define _ASM_RISCV_PVMMU_TYPES_H

#include <linux/types.h>

struct sbi_pvmmu_entry;

/*
 * Page-table levels as the firmware counts them (PT_REGISTER, the rules):
 * a PTE table holds 4 KiB leaves. The root sits at PUD (Sv39), P4D (Sv48)
 * or PGD (Sv57): pvmmu_root_level().
 */
enum pvmmu_level {
	PVMMU_LEVEL_PTE,
	PVMMU_LEVEL_PMD,
	PVMMU_LEVEL_PUD,
	PVMMU_LEVEL_P4D,
	PVMMU_LEVEL_PGD,
};

/* The kernel hooks, for per-hook statistics. */
enum pvmmu_hook {
	PVMMU_HOOK_SET_PTE,
	PVMMU_HOOK_SET_PTES,
	PVMMU_HOOK_PTEP_GET_AND_CLEAR,
	PVMMU_HOOK_PTEP_SET_WRPROTECT,
	PVMMU_HOOK_PTEP_TEST_AND_CLEAR_YOUNG,
	PVMMU_HOOK_PTEP_MODIFY_PROT,
	PVMMU_HOOK_CLEAR_PTES,
	PVMMU_HOOK_WRPROTECT_PTES,
	PVMMU_HOOK_SET_PMD,
	PVMMU_HOOK_PMDP_XCHG,
	PVMMU_HOOK_SET_PUD,
	PVMMU_HOOK_SET_P4D,
	PVMMU_HOOK_SET_PGD,
	PVMMU_HOOK_ALLOC_TABLE,
	PVMMU_HOOK_FREE_TABLE,
	PVMMU_HOOK_BENCH,		/* debugfs sbi_bench */
	PVMMU_HOOK_ADOPT,		/* boot: kernel tables into the pool */
	PVMMU_NR_HOOKS
};

/* Why the queue went to the backend. */
enum pvmmu_flush_reason {
	PVMMU_FLUSH_LEAVE,	/* arch_leave_lazy_mmu_mode() */
	PVMMU_FLUSH_FULL,	/* the batch was full */
	PVMMU_FLUSH_SYNC,	/* an operation needs a result or ordering */
	PVMMU_FLUSH_SWITCH,	/* a context switch inside a lazy section */
	PVMMU_FLUSH_EXPLICIT,	/* arch_flush_lazy_mmu_mode() */
	PVMMU_FLUSH_TLB,	/* a TLB flush, local or remote */
	PVMMU_FLUSH_DIRECT,	/* outside lazy mode: submitted at once */
	PVMMU_NR_FLUSH_REASONS
};

/*
 * What a rejected entry was doing, by its op and value: each kind has its
 * own counter and consequence (see "Rejected updates" in queue.c).
 */
enum pvmmu_reject_site {
	PVMMU_REJECT_SET,	/* a leaf written or changed (AND/OR too) */
	PVMMU_REJECT_CLEAR,	/* an entry made invalid */
	PVMMU_REJECT_LINK,	/* a table linked (*_populate, set_pmd...) */
	PVMMU_REJECT_REGISTER,	/* a pool page typed as a table */
	PVMMU_NR_REJECT_SITES
};

struct pvmmu_mmu_ops {
	const char *name;
	/*
	 * Apply entries [@first, @nr) of @batch (this CPU's registered
	 * buffer) in order, writing each one's previous value to its @old.
	 * Sets *@applied to the number applied and returns 0, or the error of
	 * the first rejected entry (@first + *@applied), which changed
	 * nothing.
	 */
	long (*submit)(struct sbi_pvmmu_entry *batch, unsigned int nr,
		       unsigned int first, unsigned int *applied);
	/*
	 * Make a zeroed pool page a page table of @level; @flags are
	 * PT_REGISTER's (SBI_PVMMU_PT_ROOT, SBI_PVMMU_PT_KERNEL).
	 */
	int (*register_table)(phys_addr_t pa, unsigned int level,
			      unsigned long flags);
	/* Return a page table page to the pool (it must be unlinked). */
	int (*release_table)(phys_addr_t pa);
};

#endif /* _ASM_RISCV_PVMMU_TYPES_H */
