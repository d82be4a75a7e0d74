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

/*
 * State (sbi_pvmmu.c). True once the pool is reserved in the FDT, PMP
 * protects it (read back) and no hart lets S-mode invalidate cache lines
 * (menvcfg.CBIE). The answer is kept, not worked out on every call: cold
 * boot gives it once PMP is set up (sbi_pvmmu_pmp_ready()), and a hart
 * that opens cbo.inval takes it back.
 */
bool sbi_pvmmu_available(void);
/* PMP is set up (cold boot): the answer above can be given */
void sbi_pvmmu_pmp_ready(void);
/* The pool is in the FDT and the memory map (sbi_pvmmu_fdt_fixup()) */
void sbi_pvmmu_set_live(void);
bool sbi_pvmmu_live(void);
struct pvmmu_state *sbi_pvmmu_state(void);
/* Why the extension is off ("" if it is on), for messages */
const char *sbi_pvmmu_unavailable_reason(void);
/* A hart could not close cbo.inval to S-mode: the extension goes off */
void sbi_pvmmu_disable_cbo_inval_open(unsigned long hartid);

/* The extension (sbi_ecall_pvmmu.c) */
struct sbi_trap_regs;
/* UPDATE from trap_entry.S: a partial frame (a0-a7, temporaries, mepc) */
void sbi_pvmmu_update_trap(struct sbi_trap_regs *regs);

/* Run-time calls from the library (sbi_pvmmu.c) */
/* May the calling hart load @satp? 0 (counted as loaded) or an SBI error */
int sbi_pvmmu_satp_write(unsigned long satp);
/* The calling hart stops: it no longer holds a root */
void sbi_pvmmu_hart_stopped(void);
/* Does the range overlap a KERNEL_LOCK range (firmware writes refused)? */
bool sbi_pvmmu_range_locked(unsigned long base, unsigned long size);
/* Count one event on a STATS counter of the calling hart */
void sbi_pvmmu_count(unsigned int counter);

#endif
