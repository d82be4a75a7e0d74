// SPDX-License-Identifier: BSD-2-Clause
/*
 * SiFive CLINT: M-mode software interrupts (MSWI, msip at +4 * hart)
 * and M-mode timer (MTIMER, mtimecmp at +0x4000 + 8 * hart, mtime at
 * +0xbff8). Several CLINTs (one per socket) are supported through a
 * per-hart register map.
 */
#include <sbi/riscv_asm.h>
#include <sbi/sbi_config.h>
#include "clint.h"

static volatile u32 *clint_msip[SBI_MAX_HARTS];
static volatile u64 *clint_mtimecmp[SBI_MAX_HARTS];
static volatile u64 *clint_mtime;

bool clint_add_hart(unsigned long base, u32 hart_index, u32 hartid)
{
	if (hartid >= SBI_MAX_HARTS)
		return false;
	clint_msip[hartid] = (volatile u32 *)(base + CLINT_MSIP_OFFSET +
					      4UL * hart_index);
	clint_mtimecmp[hartid] = (volatile u64 *)(base +
						  CLINT_MTIMECMP_OFFSET +
						  8UL * hart_index);
	return true;
}

void clint_set_mtime(unsigned long base)
{
	if (!clint_mtime)
		clint_mtime = (volatile u64 *)(base + CLINT_MTIME_OFFSET);
}

bool clint_hart_present(u32 hartid)
{
	return hartid < SBI_MAX_HARTS && clint_msip[hartid];
}

void clint_ipi_send(u32 hartid)
{
	if (clint_hart_present(hartid))
		writel(1, clint_msip[hartid]);
}

void clint_ipi_clear(u32 hartid)
{
	if (clint_hart_present(hartid))
		writel(0, clint_msip[hartid]);
}

u64 clint_timer_value(void)
{
	return clint_mtime ? readq(clint_mtime) : 0;
}

void clint_timer_event_start(u32 hartid, u64 next_event)
{
	if (clint_hart_present(hartid))
		writeq(next_event, clint_mtimecmp[hartid]);
}

void clint_timer_event_stop(u32 hartid)
{
	if (clint_hart_present(hartid))
		writeq(-1ULL, clint_mtimecmp[hartid]);
}
