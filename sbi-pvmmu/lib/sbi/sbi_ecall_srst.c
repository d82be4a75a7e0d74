// SPDX-License-Identifier: BSD-2-Clause
/*
 * SBI System Reset extension (EID 0x53525354 "SRST").
 * Exit codes: see sbi_system.h.
 */
#include <sbi/sbi_ecall.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_system.h>

static long ecall_srst_probe(unsigned long extid)
{
	(void)extid;
	return sbi_system_reset_supported() ? 1 : 0;
}

static int ecall_srst_handle(unsigned long extid, unsigned long funcid,
			     struct sbi_trap_regs *regs,
			     struct sbi_ecall_return *out)
{
	(void)extid;
	(void)out;

	if (funcid != SBI_EXT_SRST_RESET)
		return SBI_ERR_NOT_SUPPORTED;

	/* reset_type and reset_reason are uint32_t */
	if (regs->a0 > 0xFFFFFFFFUL || regs->a1 > 0xFFFFFFFFUL)
		return SBI_ERR_INVALID_PARAM;

	return sbi_system_reset(regs->a0, regs->a1);
}

SBI_ECALL_EXTENSION(ecall_srst, 6) = {
	.name = "srst",
	.extid_start = SBI_EXT_SRST,
	.extid_end = SBI_EXT_SRST,
	.probe = ecall_srst_probe,
	.handle = ecall_srst_handle,
};
