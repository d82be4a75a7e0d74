// SPDX-License-Identifier: BSD-2-Clause
/*
 * Legacy SBI v0.1 extensions (EIDs 0x00-0x0F). Implemented: set_timer,
 * console_putchar, console_getchar and shutdown. The legacy IPI and
 * fence calls are not (SBI_ERR_NOT_SUPPORTED, and probe returns 0).
 * Legacy calls return their only value in a0.
 */
#include <sbi/sbi_console.h>
#include <sbi/sbi_ecall.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_system.h>
#include <sbi/sbi_timer.h>

static long ecall_legacy_probe(unsigned long extid)
{
	switch (extid) {
	case SBI_EXT_0_1_SET_TIMER:
	case SBI_EXT_0_1_CONSOLE_PUTCHAR:
	case SBI_EXT_0_1_CONSOLE_GETCHAR:
		return 1;
	case SBI_EXT_0_1_SHUTDOWN:
		return sbi_system_reset_supported() ? 1 : 0;
	default:
		return 0;
	}
}

static int ecall_legacy_handle(unsigned long extid, unsigned long funcid,
			       struct sbi_trap_regs *regs,
			       struct sbi_ecall_return *out)
{
	(void)funcid;
	(void)out;

	switch (extid) {
	case SBI_EXT_0_1_SET_TIMER:
		sbi_timer_event_start(regs->a0);
		return SBI_SUCCESS;
	case SBI_EXT_0_1_CONSOLE_PUTCHAR:
		sbi_console_putc_raw((char)regs->a0);
		return SBI_SUCCESS;
	case SBI_EXT_0_1_CONSOLE_GETCHAR:
		return sbi_console_getc();
	case SBI_EXT_0_1_SHUTDOWN:
		return sbi_system_reset(SBI_SRST_RESET_TYPE_SHUTDOWN,
					SBI_SRST_RESET_REASON_NONE);
	default:
		return SBI_ERR_NOT_SUPPORTED;
	}
}

SBI_ECALL_EXTENSION(ecall_legacy, 8) = {
	.name = "legacy(0x0-0x2,0x8)",
	.extid_start = SBI_EXT_0_1_SET_TIMER,
	.extid_end = SBI_EXT_0_1_END,
	.probe = ecall_legacy_probe,
	.handle = ecall_legacy_handle,
};
