/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Physical memory protection layout (same on every hart):
 *
 *   slot 0  firmware region, NAPOT, no access for S/U (not locked, so
 *           M-mode keeps full access)
 *   slot 1  PVMMU page-table pool (sbi_mem_pt_pool()), NAPOT, read-only
 *           for S/U; OFF when there is no pool
 *   slot 2  whole address space, NAPOT, RWX for S/U
 *
 * Lower-numbered entries win, so the catch-all entry must stay last.
 */
#ifndef __SBI_PMP_H__
#define __SBI_PMP_H__

#include <sbi/sbi_types.h>

#define PMP_SLOT_FIRMWARE	0
#define PMP_SLOT_PT_POOL	1
#define PMP_SLOT_ALL		2
#define PMP_SLOTS_USED		3

/* log2 of the region size meaning "the whole address space" */
#define PMP_LOG2_ALL		__riscv_xlen

/*
 * Cold boot: detect the PMP entries and compute the layout. Call after
 * the page-table pool (if any) was set with sbi_mem_set_pt_pool().
 */
void sbi_pmp_setup(void);
/* Program the layout on the calling hart */
void sbi_pmp_init_hart(void);
unsigned int sbi_pmp_count(void);
void sbi_pmp_print(void);

/*
 * Program one NAPOT entry on the calling hart: @prot is PMP_R/W/X/L,
 * @base must be aligned to 2^@log2len (log2len >= 3). log2len ==
 * PMP_LOG2_ALL covers the whole address space.
 */
int sbi_pmp_set(unsigned int n, unsigned long prot, unsigned long base,
		unsigned long log2len);
int sbi_pmp_disable(unsigned int n);

#endif
