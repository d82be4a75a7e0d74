/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RAM regions (from /memory) and the firmware region, with the address
 * checks used to validate addresses passed by S-mode.
 */
#ifndef __SBI_MEM_H__
#define __SBI_MEM_H__

#include <sbi/sbi_types.h>

struct sbi_mem_region {
	unsigned long base;
	unsigned long size;
};

int sbi_mem_add_ram(unsigned long base, unsigned long size);
unsigned int sbi_mem_ram_count(void);
const struct sbi_mem_region *sbi_mem_ram_region(unsigned int i);

unsigned long sbi_mem_fw_base(void);
unsigned long sbi_mem_fw_size(void);
/* Bytes actually used by the image, .bss and stacks */
unsigned long sbi_mem_fw_used(void);

/* [base, base + size) lies inside a single RAM region (size > 0) */
bool sbi_mem_range_in_ram(unsigned long base, unsigned long size);
/* [base, base + size) intersects the firmware region */
bool sbi_mem_range_overlaps_fw(unsigned long base, unsigned long size);
/*
 * The PVMMU page-table pool (set once at cold boot, when the pool is
 * described in the FDT): PMP makes it read-only for S/U.
 */
void sbi_mem_set_pt_pool(unsigned long base, unsigned long size);
/* NULL if there is no pool */
const struct sbi_mem_region *sbi_mem_pt_pool(void);
bool sbi_mem_range_overlaps_pt_pool(unsigned long base, unsigned long size);

/*
 * In one RAM region, outside the firmware and outside the page-table
 * pool: memory that S-mode owns and M-mode may access on its behalf.
 */
bool sbi_mem_range_s_accessible(unsigned long base, unsigned long size);
/* Does [base, base + size) touch a device the firmware owns (sbi_platform)? */
bool sbi_mem_range_overlaps_fw_device(unsigned long base, unsigned long size);

#endif
