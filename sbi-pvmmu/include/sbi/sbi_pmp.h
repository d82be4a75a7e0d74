/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Physical memory protection layout (same on every hart):
 *
 *   entry 0       firmware region, NAPOT, no access for S/U (not locked,
 *                 so M-mode keeps full access)
 *   entry 1       PVMMU page-table pool (sbi_mem_pt_pool()), NAPOT,
 *                 read-only for S/U; OFF when there is no pool
 *   entries 2..   devices the firmware owns (sbi_platform.fw_devices:
 *                 CLINT/ACLINT, test finisher), NAPOT, no access for S/U
 *   last entry    whole address space, NAPOT, RWX for S/U
 *
 * Lower-numbered entries win, so the catch-all entry must stay last.
 * Every entry is read back after it is written: a layout that does not
 * read back as programmed is not used (see sbi_pmp_protects_pool()).
 */
#ifndef __SBI_PMP_H__
#define __SBI_PMP_H__

#include <sbi/sbi_types.h>

#define PMP_SLOT_FIRMWARE	0
#define PMP_SLOT_PT_POOL	1
#define PMP_SLOT_DEVICES	2
/* Firmware-owned device regions PMP closes to S/U-mode */
#define PMP_MAX_DEVICES		4
/* Then, where the hart has the entries, two (TOR) per KERNEL_LOCK range */
#define PMP_LOCK_RANGES		2
#define PMP_SLOTS_MAX		(PMP_SLOT_DEVICES + PMP_MAX_DEVICES + \
				 2 * PMP_LOCK_RANGES + 1)

/* log2 of the region size meaning "the whole address space" */
#define PMP_LOG2_ALL		__riscv_xlen

/*
 * Cold boot: detect the PMP entries, compute the layout and program it
 * on the boot hart. Call after the page-table pool (if any) was set with
 * sbi_mem_set_pt_pool().
 */
void sbi_pmp_setup(void);
/*
 * Program the layout on the calling hart. Returns 0, or an SBI error if
 * an entry did not read back as written (the hart must not run S-mode).
 */
int sbi_pmp_init_hart(void);
unsigned int sbi_pmp_count(void);
/* The layout, pool entry included, was programmed and read back */
bool sbi_pmp_protects_pool(void);
void sbi_pmp_print(void);

/*
 * Program one NAPOT entry on the calling hart: @prot is PMP_R/W/X/L,
 * @base must be aligned to 2^@log2len (log2len >= 3). log2len ==
 * PMP_LOG2_ALL covers the whole address space. Returns 0 once the entry
 * reads back as written, SBI_ERR_INVALID_PARAM for bad arguments and
 * SBI_ERR_FAILED if the hardware kept something else.
 */
int sbi_pmp_set(unsigned int n, unsigned long prot, unsigned long base,
		unsigned long log2len);
int sbi_pmp_disable(unsigned int n);

/*
 * KERNEL_LOCK ranges: S/U may only read (@prot: PMP_R, PMP_X) range @idx,
 * [base, base + size), from now on. This hart is reprogrammed; the caller
 * has every other running hart reload its PMP (SBI_RFENCE_PMP_RELOAD),
 * and a hart that starts later programs the lock itself.
 */
bool sbi_pmp_can_lock(void);
int sbi_pmp_lock_range(unsigned int idx, unsigned long prot,
		       unsigned long base, unsigned long size);

#endif
