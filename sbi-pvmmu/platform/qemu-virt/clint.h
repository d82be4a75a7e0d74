/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef __CLINT_H__
#define __CLINT_H__

#include <sbi/sbi_types.h>

/* CLINT register layout (SiFive/ACLINT compatible) */
#define CLINT_MSIP_OFFSET	0x0000	/* + 4 * slot */
#define CLINT_MTIMECMP_OFFSET	0x4000	/* + 8 * slot */
#define CLINT_MTIME_OFFSET	0xbff8
#define CLINT_SIZE		0x10000
/* Slots a CLINT has: slot 4095's mtimecmp would be mtime */
#define CLINT_MAX_SLOTS		4095

/*
 * Give hart index @hartindex the registers of @slot of the CLINT at @base.
 * The rest of this driver names harts by hart index (sbi_hart.h).
 */
bool clint_add_hart(unsigned long base, u32 slot, u32 hartindex);
/* mtime of the CLINT at @base (the first one registered is used) */
void clint_set_mtime(unsigned long base);
bool clint_hart_present(u32 hartindex);

void clint_ipi_send(u32 hartindex);
void clint_ipi_clear(u32 hartindex);

u64 clint_timer_value(void);
void clint_timer_event_start(u32 hartindex, u64 next_event);
void clint_timer_event_stop(u32 hartindex);

#endif
