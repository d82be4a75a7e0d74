// SPDX-License-Identifier: BSD-2-Clause
/*
 * SBI Timer extension (EID 0x54494D45 "TIME").
 */
#include <sbi/sbi_ecall.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_timer.h>

static int ecall_time_handle(unsigned long extid, unsigned long funcid,
			     struct sbi_trap_regs *regs,
			     struct sbi_ecall_return *out)
{
	(void)extid;
	(void)out;

	if (funcid != SBI_EXT_TIME_SET_TIMER)
		return SBI_ERR_NOT_SUPPORTED;

	sbi_timer_event_start(regs->a0);
	return SBI_SUCCESS;
}

SBI_ECALL_EXTENSION(ecall_time, 1) = {
	.name = "time",
	.extid_start = SBI_EXT_TIME,
	.extid_end = SBI_EXT_TIME,
	.handle = ecall_time_handle,
};
