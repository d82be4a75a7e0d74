// SPDX-License-Identifier: BSD-2-Clause
/*
 * PVMMU SBI extension (EID SBI_EXT_PVMMU, experimental range): the SBI
 * glue around the portable core. The calling hart's id comes from its
 * scratch area; everything else is pvmmu_call().
 */
#include <sbi/sbi_ecall.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_pvmmu.h>
#include <sbi/sbi_scratch.h>
#include "pvmmu_core.h"

static long ecall_pvmmu_probe(unsigned long extid)
{
	(void)extid;
	return sbi_pvmmu_available() ? 1 : 0;
}

static int ecall_pvmmu_handle(unsigned long extid, unsigned long funcid,
			      struct sbi_trap_regs *regs,
			      struct sbi_ecall_return *out)
{
	(void)extid;

	if (!sbi_pvmmu_available())
		return SBI_ERR_NOT_SUPPORTED;
	return pvmmu_call(sbi_pvmmu_state(), sbi_current_hartid(), funcid,
			  regs->a0, regs->a1, regs->a2, &out->value);
}

const struct sbi_ecall_extension ecall_pvmmu = {
	.name = "pvmmu",
	.extid_start = SBI_EXT_PVMMU,
	.extid_end = SBI_EXT_PVMMU,
	.probe = ecall_pvmmu_probe,
	.handle = ecall_pvmmu_handle,
};
