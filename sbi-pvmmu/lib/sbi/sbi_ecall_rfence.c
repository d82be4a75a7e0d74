// SPDX-License-Identifier: BSD-2-Clause
/*
 * SBI RFENCE extension (EID 0x52464E43 "RFNC").
 * HFENCE functions are not supported (no virtualization support here).
 */
#include <sbi/sbi_ecall.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_rfence.h>

static int ecall_rfence_handle(unsigned long extid, unsigned long funcid,
			       struct sbi_trap_regs *regs,
			       struct sbi_ecall_return *out)
{
	struct sbi_rfence_req req = { 0 };
	sbi_hartmask_t targets;
	int rc;

	(void)extid;
	(void)out;

	switch (funcid) {
	case SBI_EXT_RFENCE_REMOTE_FENCE_I:
		req.type = SBI_RFENCE_FENCE_I;
		break;
	case SBI_EXT_RFENCE_REMOTE_SFENCE_VMA:
		req.type = SBI_RFENCE_SFENCE_VMA;
		req.start = regs->a2;
		req.size = regs->a3;
		break;
	case SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID:
		req.type = SBI_RFENCE_SFENCE_VMA_ASID;
		req.start = regs->a2;
		req.size = regs->a3;
		req.asid = regs->a4;
		break;
	default:
		/* HFENCE.* and unknown functions */
		return SBI_ERR_NOT_SUPPORTED;
	}

	rc = sbi_hartmask_from_sbi(regs->a0, regs->a1, &targets);
	if (rc)
		return rc;

	return sbi_rfence_request(targets, &req);
}

SBI_ECALL_EXTENSION(ecall_rfence, 3) = {
	.name = "rfence",
	.extid_start = SBI_EXT_RFENCE,
	.extid_end = SBI_EXT_RFENCE,
	.handle = ecall_rfence_handle,
};
