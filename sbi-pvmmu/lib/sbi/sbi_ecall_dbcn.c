// SPDX-License-Identifier: BSD-2-Clause
/*
 * SBI Debug Console extension (EID 0x4442434E "DBCN").
 *
 * Buffers are physical addresses; on RV64 base_addr_hi must be 0. The
 * whole buffer [base, base + num_bytes) must lie inside one RAM region
 * and outside the firmware region, otherwise SBI_ERR_INVALID_PARAM
 * (SBI v2.0, "shared memory physical address range" rules).
 *
 * One call moves at most SBI_DBCN_MAX_BYTES (the spec allows partial
 * writes and reads; a1 returns the count), so a long buffer cannot keep
 * the hart in M-mode with interrupts off. The whole buffer is still
 * checked first.
 */
#include <sbi/sbi_config.h>
#include <sbi/sbi_console.h>
#include <sbi/sbi_ecall.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_mem.h>
#include <sbi/sbi_pvmmu.h>

static int dbcn_check_buffer(unsigned long num, unsigned long lo,
			     unsigned long hi, bool written)
{
	if (hi)
		return SBI_ERR_INVALID_PARAM;
	if (!sbi_mem_range_s_accessible(lo, num))
		return SBI_ERR_INVALID_PARAM;
	/* The kernel's locked text and rodata: S-mode may not write them */
	if (written && sbi_pvmmu_range_locked(lo, num))
		return SBI_ERR_INVALID_PARAM;
	return SBI_SUCCESS;
}

static int ecall_dbcn_handle(unsigned long extid, unsigned long funcid,
			     struct sbi_trap_regs *regs,
			     struct sbi_ecall_return *out)
{
	unsigned long num = regs->a0, lo = regs->a1, hi = regs->a2;
	int rc;

	(void)extid;

	switch (funcid) {
	case SBI_EXT_DBCN_CONSOLE_WRITE:
	case SBI_EXT_DBCN_CONSOLE_READ:
		if (!num) {
			out->value = 0;
			return SBI_SUCCESS;
		}
		/* The whole buffer must be valid, even if less of it moves */
		rc = dbcn_check_buffer(num, lo, hi,
				       funcid == SBI_EXT_DBCN_CONSOLE_READ);
		if (rc)
			return rc;
		if (num > SBI_DBCN_MAX_BYTES)
			num = SBI_DBCN_MAX_BYTES;
		if (funcid == SBI_EXT_DBCN_CONSOLE_WRITE)
			out->value = sbi_console_write_raw((const char *)lo,
							   num);
		else
			out->value = sbi_console_read_raw((char *)lo, num);
		return SBI_SUCCESS;
	case SBI_EXT_DBCN_CONSOLE_WRITE_BYTE:
		sbi_console_putc_raw((char)(regs->a0 & 0xff));
		out->value = 0;
		return SBI_SUCCESS;
	default:
		return SBI_ERR_NOT_SUPPORTED;
	}
}

SBI_ECALL_EXTENSION(ecall_dbcn, 7) = {
	.name = "dbcn",
	.extid_start = SBI_EXT_DBCN,
	.extid_end = SBI_EXT_DBCN,
	.handle = ecall_dbcn_handle,
};
