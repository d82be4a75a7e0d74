// SPDX-License-Identifier: BSD-2-Clause
/*
 * System reset (SBI SRST) mapped onto machine exit codes.
 */
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_hart.h>
#include <sbi/sbi_platform.h>
#include <sbi/sbi_system.h>

bool sbi_system_reset_supported(void)
{
	return sbi_platform->system_exit != NULL;
}

void __noreturn sbi_system_exit(u32 code)
{
	if (sbi_platform->system_exit)
		sbi_platform->system_exit(code);
	sbi_hart_hang();
}

int sbi_system_reset(unsigned long type, unsigned long reason)
{
	u32 code;

	/* Reserved and (unimplemented) vendor types/reasons */
	if (type > SBI_SRST_RESET_TYPE_LAST)
		return SBI_ERR_INVALID_PARAM;
	if (reason != SBI_SRST_RESET_REASON_NONE &&
	    reason != SBI_SRST_RESET_REASON_SYSFAIL)
		return SBI_ERR_INVALID_PARAM;

	if (!sbi_system_reset_supported())
		return SBI_ERR_NOT_SUPPORTED;

	switch (type) {
	case SBI_SRST_RESET_TYPE_SHUTDOWN:
		code = (reason == SBI_SRST_RESET_REASON_NONE) ?
		       SBI_EXIT_SUCCESS : SBI_EXIT_SYSTEM_FAILURE;
		break;
	default:	/* cold or warm reboot */
		code = SBI_EXIT_REBOOT;
		break;
	}

	sbi_system_exit(code);
}
