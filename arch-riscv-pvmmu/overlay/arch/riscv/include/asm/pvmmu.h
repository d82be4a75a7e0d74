/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvmmu: the API the page-table hooks in asm/pgtable.h, asm/pgalloc.h and
 * asm/tlb.h call.
 *
 * Only entries inside the firmware-owned page-table pool take the
 * paravirtual path; kernel page tables (init_mm, linear map, vmalloc) stay
 * native. When pvmmu is not active every check below is a patched static
 * branch and the native code runs.
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

/* Page tables of this mm come from the pool (init_mm's stay native). */
static __always_inline bool pvmmu_user_mm(const struct mm_struct *mm)
{
	return pvmmu_active() && mm != &init_mm;
}

unsigned long pvmmu_update(enum pvmmu_hook hook, void *entry,
			   unsigned int op, unsigned long val);
void pvmmu_set_entries(void *entry, unsigned long val, unsigned int nr,
		       unsigned long step);

/* Page-table pages: allocation from the pool, typed at @level. */
struct ptdesc *pvmmu_alloc_table(struct mm_struct *mm, unsigned int level);
/* Returns true when @ptdesc was a pool page and went back to the pool. */
bool pvmmu_free_table(struct ptdesc *ptdesc);

/* The level of a root table: 2, 3 or 4 for Sv39, Sv48, Sv57. */
unsigned int pvmmu_root_level(void);

#else /* !CONFIG_RISCV_PVMMU */

static inline bool pvmmu_active(void) { return false; }

static inline bool pvmmu_owns(const void *entry) { return false; }

static inline bool pvmmu_user_mm(const struct mm_struct *mm) { return false; }

static inline unsigned long pvmmu_update(enum pvmmu_hook hook, void *entry,
					 unsigned int op, unsigned long val)
{
	return 0;
}

static inline void pvmmu_set_entries(void *entry, unsigned long val,
				     unsigned int nr, unsigned long step) { }

static inline struct ptdesc *pvmmu_alloc_table(struct mm_struct *mm,
					       unsigned int level)
{
	return NULL;
}

static inline bool pvmmu_free_table(struct ptdesc *ptdesc) { return false; }

static inline unsigned int pvmmu_root_level(void) { return 0; }

#endif /* CONFIG_RISCV_PVMMU */

#endif /* _ASM_RISCV_PVMMU_H */
