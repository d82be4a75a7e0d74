// SPDX-License-Identifier: BSD-2-Clause
/*
 * SBI IPI extension (EID 0x735049 "sPI").
 */
#include <sbi/sbi_ecall.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_ipi.h>

static int ecall_ipi_handle(unsigned long extid, unsigned long funcid,
			    struct sbi_trap_regs *regs,
			    struct sbi_ecall_return *out)
{
	(void)extid;
	(void)out;

	if (funcid != SBI_EXT_IPI_SEND_IPI)
		return SBI_ERR_NOT_SUPPORTED;

	return sbi_ipi_send_smode(regs->a0, regs->a1);
}

SBI_ECALL_EXTENSION(ecall_ipi, 2) = {
	.name = "ipi",
	.extid_start = SBI_EXT_IPI,
	.extid_end = SBI_EXT_IPI,
	.handle = ecall_ipi_handle,
};
