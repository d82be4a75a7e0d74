/* SPDX-License-Identifier: GPL-2.0-only */
/* pvmmu internals shared by the core, the pool, the SBI backend and KUnit. */
#ifndef _RISCV_PVMMU_INTERNAL_H
#define _RISCV_PVMMU_INTERNAL_H

#include <linux/percpu.h>
#include <asm/pvmmu.h>

struct pvmmu_cpu_stats {
	unsigned long hook_calls[PVMMU_NR_HOOKS];
	unsigned long sbi_calls;	/* UPDATE ecalls */
	unsigned long entries;		/* entries those calls applied */
	unsigned long failures;		/* calls the firmware rejected */
};
DECLARE_PER_CPU(struct pvmmu_cpu_stats, pvmmu_cpu_stats);

struct pvmmu_pool_stats {
	unsigned long total;		/* pages in the pool */
	unsigned long used;		/* pages handed out as page tables */
	unsigned long high_water;
	unsigned long roots;		/* of which roots (pgds) */
	unsigned long exhausted;	/* allocations refused: pool empty */
	unsigned long register_failures;
	unsigned long release_failures;	/* pages leaked: firmware refused */
};

extern const struct pvmmu_mmu_ops pvmmu_native_ops;
const struct pvmmu_mmu_ops *pvmmu_get_backend(void);
const struct pvmmu_mmu_ops *pvmmu_set_backend(const struct pvmmu_mmu_ops *ops);

int pvmmu_pool_init(phys_addr_t base, phys_addr_t size);
void pvmmu_pool_get_stats(struct pvmmu_pool_stats *stats);

const struct pvmmu_mmu_ops *pvmmu_sbi_probe(phys_addr_t *base,
					    phys_addr_t *size);
int pvmmu_sbi_start(void);
struct sbi_pvmmu_entry *pvmmu_sbi_batch(void);
long pvmmu_sbi_fw_stat(unsigned long counter);

void pvmmu_sum_cpu_stats(struct pvmmu_cpu_stats *sum);

#endif /* _RISCV_PVMMU_INTERNAL_H */
