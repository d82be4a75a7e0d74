/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvmmu: the ops table behind the page-table write hooks.
 *
 * A backend implements the few primitive writes every hook reduces to:
 * an update of one entry (store, exchange, atomic AND/OR, A/D-preserving
 * store; all return the previous value), a run of consecutive entries
 * (set_ptes), and the typing of page-table pages. The native backend does
 * them with plain atomics; the SBI backend asks the firmware; KUnit plugs
 * in a recorder.
 */
#ifndef _ASM_RISCV_PVMMU_TYPES_H
#define _ASM_RISCV_PVMMU_TYPES_H

#include <linux/types.h>

/* The kernel hooks, for per-hook statistics. */
enum pvmmu_hook {
	PVMMU_HOOK_SET_PTE,
	PVMMU_HOOK_SET_PTES,
	PVMMU_HOOK_PTEP_GET_AND_CLEAR,
	PVMMU_HOOK_PTEP_SET_WRPROTECT,
	PVMMU_HOOK_PTEP_TEST_AND_CLEAR_YOUNG,
	PVMMU_HOOK_SET_PMD,
	PVMMU_HOOK_PMDP_XCHG,
	PVMMU_HOOK_SET_PUD,
	PVMMU_HOOK_SET_P4D,
	PVMMU_HOOK_SET_PGD,
	PVMMU_HOOK_ALLOC_TABLE,
	PVMMU_HOOK_FREE_TABLE,
	PVMMU_NR_HOOKS
};

struct pvmmu_mmu_ops {
	const char *name;
	/* Apply @op (SBI_PVMMU_OP_*) to one entry; returns its old value. */
	unsigned long (*update)(unsigned long *entry, unsigned int op,
				unsigned long val);
	/* Store @nr entries: @val, @val + @step, ... (set_ptes). */
	void (*set_entries)(unsigned long *entry, unsigned long val,
			    unsigned int nr, unsigned long step);
	/* Make a zeroed pool page a page table of @level (a root if @root). */
	int (*register_table)(phys_addr_t pa, unsigned int level, bool root);
	/* Return a page table page to the pool (it must be unlinked). */
	int (*release_table)(phys_addr_t pa);
};

#endif /* _ASM_RISCV_PVMMU_TYPES_H */
