// SPDX-License-Identifier: BSD-2-Clause
/*
 * RAM regions and firmware region bookkeeping, plus the address checks
 * applied to physical addresses coming from S-mode.
 */
#include <sbi/sbi_config.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_mem.h>
#include <sbi/sbi_platform.h>
#include <sbi/sbi_pmp.h>

/* Linker symbols (firmware/fw.ld) */
extern char _fw_start[], _fw_end[];

static struct sbi_mem_region ram_regions[SBI_MAX_MEM_REGIONS];
static unsigned int ram_count;
/* PVMMU page-table pool: S/U may read it, only M-mode writes it */
static struct sbi_mem_region pt_pool;

int sbi_mem_add_ram(unsigned long base, unsigned long size)
{
	if (!size || base + size < base)
		return SBI_ERR_INVALID_PARAM;
	if (ram_count >= SBI_MAX_MEM_REGIONS)
		return SBI_ERR_FAILED;
	ram_regions[ram_count].base = base;
	ram_regions[ram_count].size = size;
	ram_count++;
	return 0;
}

unsigned int sbi_mem_ram_count(void)
{
	return ram_count;
}

const struct sbi_mem_region *sbi_mem_ram_region(unsigned int i)
{
	return i < ram_count ? &ram_regions[i] : NULL;
}

unsigned long sbi_mem_fw_base(void)
{
	return (unsigned long)_fw_start;
}

unsigned long sbi_mem_fw_size(void)
{
	return SBI_FW_REGION_SIZE;
}

unsigned long sbi_mem_fw_used(void)
{
	return (unsigned long)(_fw_end - _fw_start);
}

bool sbi_mem_range_in_ram(unsigned long base, unsigned long size)
{
	unsigned long end = base + size;
	unsigned int i;

	if (!size || end < base)
		return false;
	for (i = 0; i < ram_count; i++) {
		const struct sbi_mem_region *r = &ram_regions[i];

		if (base >= r->base && end <= r->base + r->size)
			return true;
	}
	return false;
}

bool sbi_mem_range_overlaps_fw(unsigned long base, unsigned long size)
{
	unsigned long fw_base = sbi_mem_fw_base();
	unsigned long fw_end = fw_base + sbi_mem_fw_size();
	unsigned long end = base + size;

	if (end < base)
		return true;
	return base < fw_end && end > fw_base;
}

void sbi_mem_set_pt_pool(unsigned long base, unsigned long size)
{
	pt_pool.base = base;
	pt_pool.size = size;
}

const struct sbi_mem_region *sbi_mem_pt_pool(void)
{
	return pt_pool.size ? &pt_pool : NULL;
}

bool sbi_mem_range_overlaps_pt_pool(unsigned long base, unsigned long size)
{
	unsigned long end = base + size;

	if (!pt_pool.size)
		return false;
	if (end < base)
		return true;
	return base < pt_pool.base + pt_pool.size && end > pt_pool.base;
}

bool sbi_mem_range_s_accessible(unsigned long base, unsigned long size)
{
	/* The pool is excluded too: M-mode must never write it for S */
	return sbi_mem_range_in_ram(base, size) &&
	       !sbi_mem_range_overlaps_fw(base, size) &&
	       !sbi_mem_range_overlaps_pt_pool(base, size);
}

bool sbi_mem_range_overlaps_fw_device(unsigned long base, unsigned long size)
{
	struct sbi_mem_region devs[PMP_MAX_DEVICES];
	unsigned int i, n = 0;

	if (sbi_platform->fw_devices)
		n = sbi_platform->fw_devices(devs, PMP_MAX_DEVICES);
	/* Devices beyond the list: sbi_pmp_protects_pool() fails closed */
	if (n > PMP_MAX_DEVICES)
		n = PMP_MAX_DEVICES;
	for (i = 0; i < n; i++)
		if (base < devs[i].base + devs[i].size &&
		    devs[i].base < base + size)
			return true;
	return false;
}
