// SPDX-License-Identifier: BSD-2-Clause
/*
 * SiFive CLINT: M-mode software interrupts (MSWI, msip at +4 * hart)
 * and M-mode timer (MTIMER, mtimecmp at +0x4000 + 8 * hart, mtime at
 * +0xbff8). Several CLINTs (one per socket) are supported through a
 * register map by hart index.
 */
#include <sbi/riscv_asm.h>
#include <sbi/sbi_config.h>
#include "clint.h"

static volatile u32 *clint_msip[SBI_MAX_HARTS];
static volatile u64 *clint_mtimecmp[SBI_MAX_HARTS];
static volatile u64 *clint_mtime;

bool clint_add_hart(unsigned long base, u32 slot, u32 hartindex)
{
	if (hartindex >= SBI_MAX_HARTS || slot >= CLINT_MAX_SLOTS)
		return false;
	clint_msip[hartindex] = (volatile u32 *)(base + CLINT_MSIP_OFFSET +
						 4UL * slot);
	clint_mtimecmp[hartindex] = (volatile u64 *)(base +
						     CLINT_MTIMECMP_OFFSET +
						     8UL * slot);
	return true;
}

void clint_set_mtime(unsigned long base)
{
	if (!clint_mtime)
		clint_mtime = (volatile u64 *)(base + CLINT_MTIME_OFFSET);
}

bool clint_hart_present(u32 hartindex)
{
	return hartindex < SBI_MAX_HARTS && clint_msip[hartindex];
}

void clint_ipi_send(u32 hartindex)
{
	if (clint_hart_present(hartindex))
		writel(1, clint_msip[hartindex]);
}

void clint_ipi_clear(u32 hartindex)
{
	if (clint_hart_present(hartindex))
		writel(0, clint_msip[hartindex]);
}

u64 clint_timer_value(void)
{
	return clint_mtime ? readq(clint_mtime) : 0;
}

void clint_timer_event_start(u32 hartindex, u64 next_event)
{
	if (clint_hart_present(hartindex))
		writeq(next_event, clint_mtimecmp[hartindex]);
}

void clint_timer_event_stop(u32 hartindex)
{
	if (clint_hart_present(hartindex))
		writeq(-1ULL, clint_mtimecmp[hartindex]);
}
