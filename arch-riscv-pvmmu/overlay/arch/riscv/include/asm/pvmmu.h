/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvmmu: the API the page-table hooks in asm/pgtable.h, asm/pgalloc.h and
 * asm/tlb.h call.
 *
 * Only entries inside the firmware-owned page-table pool take the
 * paravirtual path: with pvmmu active that is every page table, the
 * kernel's own included (adopted at boot, see pvmmu/adopt.c). When pvmmu
 * is not active every check below is a patched static branch and the
 * native code runs.
 */
#ifndef _ASM_RISCV_PVMMU_H
#define _ASM_RISCV_PVMMU_H

#include <asm/pvmmu_types.h>
#include <asm/sbi_pvmmu_abi.h>

struct mm_struct;
struct ptdesc;

#ifdef CONFIG_RISCV_PVMMU

#include <linux/jump_label.h>

DECLARE_STATIC_KEY_FALSE(pvmmu_enabled);

/* Linear-map address and size of the pool; set once at boot. */
extern unsigned long pvmmu_pool_va;
extern unsigned long pvmmu_pool_bytes;

static __always_inline bool pvmmu_active(void)
{
	return static_branch_unlikely(&pvmmu_enabled);
}

/* Does @entry lie in a firmware-owned page table? */
static __always_inline bool pvmmu_owns(const void *entry)
{
	return pvmmu_active() &&
	       (unsigned long)entry - pvmmu_pool_va < pvmmu_pool_bytes;
}

/* Physical address of the kernel root in the pool, for head.S; or 0. */
extern unsigned long pvmmu_kernel_root_pa;

/*
 * Page tables come from the pool: every mm's, init_mm's included, once
 * the kernel root is adopted (the key goes on shortly before).
 */
static __always_inline bool pvmmu_pool_tables(void)
{
	return pvmmu_active() && READ_ONCE(pvmmu_kernel_root_pa);
}

/* Apply @op now, after everything queued on this CPU; returns the old value. */
unsigned long pvmmu_update_now(enum pvmmu_hook hook, void *entry,
			       unsigned int op, unsigned long val);
/* Queue @op: its result is not needed (applied at the latest on leave). */
void pvmmu_queue(enum pvmmu_hook hook, void *entry, unsigned int op,
		 unsigned long val);
/* Queue @nr entries: @op with @val, @val + @step, ... */
void pvmmu_queue_entries(enum pvmmu_hook hook, void *entry, unsigned int nr,
			 unsigned int op, unsigned long val, unsigned long step);
/*
 * Exchange with 0 and return the old value; deferred when the value read
 * is exact (@final: the caller knows no hart can change the entry).
 */
unsigned long pvmmu_clear(enum pvmmu_hook hook, void *entry, bool final);
/* Clear @nr entries in one submission; the first old value, with A/D of all. */
unsigned long pvmmu_clear_entries(enum pvmmu_hook hook, void *entry,
				  unsigned int nr);

/* Make queued writes to these entries land before they are read. */
void pvmmu_sync_entries(void *entry, unsigned int nr);

void pvmmu_lazy_enter(void);
void pvmmu_lazy_leave(void);
void pvmmu_context_switch(void);
/* Submit what this CPU queued, if anything, counted under @reason. */
void pvmmu_flush_pending(enum pvmmu_flush_reason reason);

/*
 * Lazy-mode ordering, one rule: what this CPU queued lands before any TLB
 * flush (the TLB must not forget an entry the tables still hold) and
 * before a page-table lock is released (the next holder must see the
 * entries as they are). The TLB flush primitives call this one;
 * pte_unmap_unlock() calls arch_flush_lazy_mmu_mode().
 */
static __always_inline void pvmmu_land_before_tlb_flush(void)
{
	if (pvmmu_active())
		pvmmu_flush_pending(PVMMU_FLUSH_TLB);
}

/*
 * update_mmu_cache() of a pool entry needs no SFENCE.VMA of its own: the
 * firmware fenced this CPU after a valid store since the last call, or
 * will when this CPU's lazy section flushes what it queued.
 */
bool pvmmu_update_fenced(void);

/* Page-table pages: allocation from the pool, typed at @level. */
struct ptdesc *pvmmu_alloc_table(struct mm_struct *mm, unsigned int level);
/* Returns true when @ptdesc was a pool page and went back to the pool. */
bool pvmmu_free_table(struct ptdesc *ptdesc);
/* Was a table refused to @mm since the last call? (the fault path) */
bool pvmmu_take_refusal(struct mm_struct *mm);

/* The level of a root table: 2, 3 or 4 for Sv39, Sv48, Sv57. */
unsigned int pvmmu_root_level(void);

/* mark_rodata_ro(): have the firmware lock the kernel's read-only data. */
void pvmmu_lock_rodata(void);

/* Does [addr, addr + len) overlap the kernel text the firmware locked? */
bool pvmmu_text_locked(const void *addr, size_t len);
/*
 * Write one aligned 32-bit instruction there through the firmware: at a
 * jump-label site, its nop or its jump. 0, or -EINVAL (another length,
 * alignment or instruction), -EPERM (no site there), -EFAULT (outside
 * the locked text).
 */
int pvmmu_patch_text(void *addr, const void *insn, size_t len);

/* Set once the firmware holds satp: read by head.S before its MMU is on. */
extern unsigned long pvmmu_satp_locked;

/*
 * Does sfence.vma trap to the firmware (satp under its control)? A
 * patched static branch while pvmmu is off, like pvmmu_owns().
 */
static __always_inline bool pvmmu_sfence_traps(void)
{
	return pvmmu_active() && READ_ONCE(pvmmu_satp_locked);
}

#else /* !CONFIG_RISCV_PVMMU */

static inline bool pvmmu_active(void) { return false; }

static inline bool pvmmu_owns(const void *entry) { return false; }

static inline bool pvmmu_pool_tables(void) { return false; }

static inline unsigned long pvmmu_update_now(enum pvmmu_hook hook, void *entry,
					     unsigned int op, unsigned long val)
{
	return 0;
}

static inline void pvmmu_queue(enum pvmmu_hook hook, void *entry,
			       unsigned int op, unsigned long val) { }

static inline void pvmmu_queue_entries(enum pvmmu_hook hook, void *entry,
				       unsigned int nr, unsigned int op,
				       unsigned long val, unsigned long step) { }

static inline void pvmmu_sync_entries(void *entry, unsigned int nr) { }

static inline void pvmmu_land_before_tlb_flush(void) { }

static inline bool pvmmu_update_fenced(void) { return false; }

static inline bool pvmmu_sfence_traps(void) { return false; }

static inline unsigned long pvmmu_clear(enum pvmmu_hook hook, void *entry,
					bool final)
{
	return 0;
}

static inline unsigned long pvmmu_clear_entries(enum pvmmu_hook hook,
						void *entry, unsigned int nr)
{
	return 0;
}

static inline struct ptdesc *pvmmu_alloc_table(struct mm_struct *mm,
					       unsigned int level)
{
	return NULL;
}

static inline bool pvmmu_free_table(struct ptdesc *ptdesc) { return false; }

static inline bool pvmmu_take_refusal(struct mm_struct *mm) { return false; }

static inline unsigned int pvmmu_root_level(void) { return 0; }

static inline void pvmmu_lock_rodata(void) { }

static inline bool pvmmu_text_locked(const void *addr, size_t len)
{
	return false;
}

static inline int pvmmu_patch_text(void *addr, const void *insn, size_t len)
{
	return -EINVAL;
}

#endif /* CONFIG_RISCV_PVMMU */

#endif /* _ASM_RISCV_PVMMU_H */
