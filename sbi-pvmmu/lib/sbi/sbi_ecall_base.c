// SPDX-License-Identifier: BSD-2-Clause
/*
 * SBI Base extension (EID 0x10).
 */
#include <sbi/riscv_asm.h>
#include <sbi/sbi_ecall.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_version.h>

static int ecall_base_handle(unsigned long extid, unsigned long funcid,
			     struct sbi_trap_regs *regs,
			     struct sbi_ecall_return *out)
{
	(void)extid;

	switch (funcid) {
	case SBI_EXT_BASE_GET_SPEC_VERSION:
		out->value = SBI_SPEC_VERSION;
		break;
	case SBI_EXT_BASE_GET_IMP_ID:
		out->value = SBI_IMPL_ID_PVMMU;
		break;
	case SBI_EXT_BASE_GET_IMP_VERSION:
		out->value = SBI_PVMMU_VERSION;
		break;
	case SBI_EXT_BASE_PROBE_EXT:
		out->value = sbi_ecall_probe_extension(regs->a0);
		break;
	case SBI_EXT_BASE_GET_MVENDORID:
		out->value = csr_read(CSR_MVENDORID);
		break;
	case SBI_EXT_BASE_GET_MARCHID:
		out->value = csr_read(CSR_MARCHID);
		break;
	case SBI_EXT_BASE_GET_MIMPID:
		out->value = csr_read(CSR_MIMPID);
		break;
	default:
		return SBI_ERR_NOT_SUPPORTED;
	}
	return SBI_SUCCESS;
}

SBI_ECALL_EXTENSION(ecall_base, 4) = {
	.name = "base",
	.extid_start = SBI_EXT_BASE,
	.extid_end = SBI_EXT_BASE,
	.handle = ecall_base_handle,
};
