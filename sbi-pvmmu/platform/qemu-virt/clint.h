/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef __CLINT_H__
#define __CLINT_H__

#include <sbi/sbi_types.h>

/* CLINT register layout (SiFive/ACLINT compatible) */
#define CLINT_MSIP_OFFSET	0x0000	/* + 4 * hart index */
#define CLINT_MTIMECMP_OFFSET	0x4000	/* + 8 * hart index */
#define CLINT_MTIME_OFFSET	0xbff8
#define CLINT_SIZE		0x10000

/* Map @hart_index of the CLINT at @base to @hartid */
bool clint_add_hart(unsigned long base, u32 hart_index, u32 hartid);
/* mtime of the CLINT at @base (the first one registered is used) */
void clint_set_mtime(unsigned long base);
bool clint_hart_present(u32 hartid);

void clint_ipi_send(u32 hartid);
void clint_ipi_clear(u32 hartid);

u64 clint_timer_value(void);
void clint_timer_event_start(u32 hartid, u64 next_event);
void clint_timer_event_stop(u32 hartid);

#endif
