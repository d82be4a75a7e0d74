// SPDX-License-Identifier: BSD-2-Clause
/*
 * PVMMU state in this firmware: the portable core's state and whether the
 * extension may run, and the few calls the rest of the library makes into
 * it (satp emulation, HSM stop, DBCN, the per-hart CBIE check). It sits
 * between the core and the library: it calls only the core, the console
 * and the PMP's read-back. Boot (sbi_pvmmu_boot.c) and the extension
 * (sbi_ecall_pvmmu.c) are built on top of it.
 */
#include <sbi/riscv_atomic.h>
#include <sbi/sbi_console.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_pmp.h>
#include <sbi/sbi_pvmmu.h>
#include <sbi/sbi_scratch.h>
#include "pvmmu_core.h"

static struct pvmmu_state pvmmu_st;
static bool live;		/* the pool is in the FDT and the memory map */
static bool cbo_inval_open;	/* a hart lets S-mode discard cache lines */

struct pvmmu_state *sbi_pvmmu_state(void)
{
	return &pvmmu_st;
}

const char *sbi_pvmmu_unavailable_reason(void)
{
	if (!live)
		return "no pool";
	/* Without PMP the pool would be writable by S-mode */
	if (!sbi_pmp_protects_pool())
		return "PMP does not protect the pool";
	/* cbo.inval could discard the firmware's writes to the pool */
	if (READ_ONCE(cbo_inval_open))
		return "menvcfg.CBIE lets S-mode invalidate";
	return "";
}

/* sbi_pvmmu_available(): false until cold boot has set up PMP */
static bool available;

bool sbi_pvmmu_available(void)
{
	return READ_ONCE(available);
}

void sbi_pvmmu_pmp_ready(void)
{
	WRITE_ONCE(available, !*sbi_pvmmu_unavailable_reason());
}

void sbi_pvmmu_disable_cbo_inval_open(unsigned long hartid)
{
	if (!live || READ_ONCE(cbo_inval_open))
		return;
	WRITE_ONCE(cbo_inval_open, true);
	/* Off for good: nothing turns it back on */
	WRITE_ONCE(available, false);
	sbi_printf("sbi-pvmmu: hart %lu: menvcfg.CBIE stays at invalidate, "
		   "PVMMU extension disabled\n", hartid);
}

void sbi_pvmmu_set_live(void)
{
	live = true;
}

bool sbi_pvmmu_live(void)
{
	return live;
}

int sbi_pvmmu_satp_write(unsigned long satp)
{
	if (!sbi_pvmmu_available())
		return SBI_ERR_NOT_SUPPORTED;
	return pvmmu_satp_load(sbi_pvmmu_state(), sbi_current_hartindex(), satp);
}

void sbi_pvmmu_hart_stopped(void)
{
	if (sbi_pvmmu_available())
		pvmmu_hart_stopped(sbi_pvmmu_state(), sbi_current_hartindex());
}

bool sbi_pvmmu_range_locked(unsigned long base, unsigned long size)
{
	return sbi_pvmmu_available() &&
	       pvmmu_range_locked(sbi_pvmmu_state(), base, size);
}

void sbi_pvmmu_count(unsigned int counter)
{
	/* A no-op until the core is set up (no hart is valid before) */
	pvmmu_count(sbi_pvmmu_state(), sbi_current_hartindex(), counter);
}
