// SPDX-License-Identifier: BSD-2-Clause
/*
 * SBI Hart State Management extension (EID 0x48534D "HSM").
 */
#include <sbi/sbi_ecall.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_hart.h>
#include <sbi/sbi_hsm.h>

static int ecall_hsm_handle(unsigned long extid, unsigned long funcid,
			    struct sbi_trap_regs *regs,
			    struct sbi_ecall_return *out)
{
	int index, rc;

	(void)extid;

	switch (funcid) {
	case SBI_EXT_HSM_HART_START:
		/* The calls name a hart by id; the library, by index */
		index = sbi_hartid_to_hartindex(regs->a0);
		if (index < 0)
			return SBI_ERR_INVALID_PARAM;
		return sbi_hsm_hart_start((u32)index, regs->a1, regs->a2);
	case SBI_EXT_HSM_HART_STOP:
		/* Only returns on failure */
		return sbi_hsm_hart_stop();
	case SBI_EXT_HSM_HART_GET_STATUS:
		index = sbi_hartid_to_hartindex(regs->a0);
		rc = index < 0 ? -1 : sbi_hsm_hart_get_state((u32)index);
		if (rc < 0)
			return SBI_ERR_INVALID_PARAM;
		out->value = (unsigned long)rc;
		return SBI_SUCCESS;
	case SBI_EXT_HSM_HART_SUSPEND:
		return sbi_hsm_hart_suspend(regs->a0, regs->a1, regs->a2);
	default:
		return SBI_ERR_NOT_SUPPORTED;
	}
}

SBI_ECALL_EXTENSION(ecall_hsm, 5) = {
	.name = "hsm",
	.extid_start = SBI_EXT_HSM,
	.extid_end = SBI_EXT_HSM,
	.handle = ecall_hsm_handle,
};
