/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PVMMU extension: firmware wiring of the portable core (pvmmu/).
 *
 * Cold boot order (boot hart only):
 *   sbi_pvmmu_cold_init()   size and place the pool, zero it
 *   sbi_pvmmu_fdt_fixup()   from sbi_fdt_fixup(): /reserved-memory node;
 *                           on success the pool becomes live memory map
 *                           (sbi_mem_set_pt_pool), so PMP protects it
 *   sbi_pmp_setup()         programs PMP_SLOT_PT_POOL from sbi_mem
 *   sbi_pvmmu_print()       banner lines
 */
#ifndef __SBI_PVMMU_H__
#define __SBI_PVMMU_H__

#include <sbi/sbi_types.h>

struct pvmmu_state;

void sbi_pvmmu_cold_init(void *fdt, unsigned long next_addr);
int sbi_pvmmu_fdt_fixup(void *fdt);
void sbi_pvmmu_print(void);

/* True once the pool is reserved in the FDT and protected by PMP */
bool sbi_pvmmu_available(void);
struct pvmmu_state *sbi_pvmmu_state(void);

#endif
