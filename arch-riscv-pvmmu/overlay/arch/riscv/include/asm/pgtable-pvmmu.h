/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvmmu's versions of the page-table operations that asm/pgtable.h lets
 * an architecture override: lazy MMU mode, exit teardown, the
 * multi-entry operations and the mprotect transaction. Included by
 * asm/pgtable.h once the single-entry operations they build on exist.
 */
#ifndef _ASM_RISCV_PGTABLE_PVMMU_H
#define _ASM_RISCV_PGTABLE_PVMMU_H

#ifdef CONFIG_RISCV_PVMMU

/*
 * A lazy MMU section queues the updates of pool page tables per CPU
 * and hands them to the firmware as one call (arch/riscv/pvmmu/queue.c).
 */
#define __HAVE_ARCH_ENTER_LAZY_MMU_MODE
static inline void arch_enter_lazy_mmu_mode(void)
{
	if (pvmmu_active())
		pvmmu_lazy_enter();
}

static inline void arch_leave_lazy_mmu_mode(void)
{
	if (pvmmu_active())
		pvmmu_lazy_leave();
}

static inline void arch_flush_lazy_mmu_mode(void)
{
	if (pvmmu_active())
		pvmmu_flush_pending(PVMMU_FLUSH_EXPLICIT);
}

struct task_struct;
#define __HAVE_ARCH_START_CONTEXT_SWITCH
static inline void arch_start_context_switch(struct task_struct *prev)
{
	if (pvmmu_active())
		pvmmu_context_switch();
}

/*
 * Tearing down an address space nobody uses any more (exit_mmap, full mm,
 * no mm_users): no hart can set A/D bits in it, so the value read is the
 * old value and every clear can be queued.
 */
#define __HAVE_ARCH_PTEP_GET_AND_CLEAR_FULL
static inline pte_t ptep_get_and_clear_full(struct mm_struct *mm,
					    unsigned long addr, pte_t *ptep,
					    int full)
{
	pte_t pte;

	if (!full || !pvmmu_owns(ptep) || atomic_read(&mm->mm_users))
		return ptep_get_and_clear(mm, addr, ptep);
	pte = __pte(pvmmu_clear(PVMMU_HOOK_PTEP_GET_AND_CLEAR, ptep, true));
	page_table_check_pte_clear(mm, pte);
	return pte;
}

/* Multi-entry operations: one firmware call for the run. */
#define get_and_clear_full_ptes get_and_clear_full_ptes
static inline pte_t get_and_clear_full_ptes(struct mm_struct *mm,
					    unsigned long addr, pte_t *ptep,
					    unsigned int nr, int full)
{
	pte_t pte, tmp;
	unsigned int i;

	if (!full && pvmmu_owns(ptep)) {
		for (i = 0; i < nr; i++)
			page_table_check_pte_clear(mm, READ_ONCE(ptep[i]));
		return __pte(pvmmu_clear_entries(PVMMU_HOOK_CLEAR_PTES, ptep, nr));
	}
	pte = ptep_get_and_clear_full(mm, addr, ptep, full);
	for (i = 1; i < nr; i++) {
		tmp = ptep_get_and_clear_full(mm, addr + i * PAGE_SIZE, ptep + i,
					      full);
		if (pte_dirty(tmp))
			pte = pte_mkdirty(pte);
		if (pte_young(tmp))
			pte = pte_mkyoung(pte);
	}
	return pte;
}

#define clear_full_ptes clear_full_ptes
static inline void clear_full_ptes(struct mm_struct *mm, unsigned long addr,
				   pte_t *ptep, unsigned int nr, int full)
{
	unsigned int i;

	if (pvmmu_owns(ptep)) {
		for (i = 0; i < nr; i++)
			page_table_check_pte_clear(mm, READ_ONCE(ptep[i]));
		/* The caller wants no old values: the stores can be queued. */
		pvmmu_queue_entries(PVMMU_HOOK_CLEAR_PTES, ptep, nr,
				    SBI_PVMMU_OP_STORE, 0, 0);
		return;
	}
	for (i = 0; i < nr; i++)
		ptep_get_and_clear_full(mm, addr + i * PAGE_SIZE, ptep + i, full);
}

#define wrprotect_ptes wrprotect_ptes
static inline void wrprotect_ptes(struct mm_struct *mm, unsigned long addr,
				  pte_t *ptep, unsigned int nr)
{
	if (pvmmu_owns(ptep)) {
		pvmmu_queue_entries(PVMMU_HOOK_WRPROTECT_PTES, ptep, nr,
				    SBI_PVMMU_OP_AND, ~(unsigned long)_PAGE_WRITE,
				    0);
		return;
	}
	for (; nr; nr--, ptep++, addr += PAGE_SIZE)
		ptep_set_wrprotect(mm, addr, ptep);
}

/*
 * mprotect and NUMA hinting: a pool PTE is not cleared between start and
 * commit; the commit is one queued store that keeps the A and D bits the
 * hardware may set meanwhile (Xen's MMU_PT_UPDATE_PRESERVE_AD). Other PTEs
 * take the generic clear-then-set transaction.
 */
#define __HAVE_ARCH_PTEP_MODIFY_PROT_TRANSACTION
static inline pte_t ptep_modify_prot_start(struct vm_area_struct *vma,
					   unsigned long addr, pte_t *ptep)
{
	/* The commit's page_table_check sees this entry still in place. */
	if (pvmmu_owns(ptep))
		return READ_ONCE(*ptep);
	return ptep_get_and_clear(vma->vm_mm, addr, ptep);
}

void pvmmu_modify_prot_commit(struct mm_struct *mm, pte_t *ptep, pte_t pte);

static inline void ptep_modify_prot_commit(struct vm_area_struct *vma,
					   unsigned long addr, pte_t *ptep,
					   pte_t old_pte, pte_t pte)
{
	if (pvmmu_owns(ptep))
		pvmmu_modify_prot_commit(vma->vm_mm, ptep, pte);
	else
		set_ptes(vma->vm_mm, addr, ptep, pte, 1);
}

#endif /* CONFIG_RISCV_PVMMU */

#endif /* _ASM_RISCV_PGTABLE_PVMMU_H */
