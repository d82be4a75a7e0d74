// SPDX-License-Identifier: BSD-2-Clause
/*
 * S-mode timer service.
 *
 * With Sstc the S-mode timer is stimecmp (menvcfg.STCE is set, S-mode
 * may also write it directly). Without Sstc the platform M-mode timer is
 * programmed and its interrupt is forwarded as mip.STIP.
 */
#include <sbi/riscv_asm.h>
#include <sbi/sbi_hart.h>
#include <sbi/sbi_platform.h>
#include <sbi/sbi_timer.h>

static bool hart_has_sstc(struct sbi_scratch *scratch)
{
	return sbi_hart_has_ext(scratch, SBI_HART_EXT_SSTC);
}

u64 sbi_timer_value(void)
{
	if (sbi_platform->timer_value)
		return sbi_platform->timer_value();
	return csr_read(CSR_TIME);
}

void sbi_timer_init_hart(struct sbi_scratch *scratch)
{
	if (sbi_platform->timer_event_stop)
		sbi_platform->timer_event_stop((u32)scratch->hartindex);
	if (hart_has_sstc(scratch))
		csr_write(CSR_STIMECMP, -1UL);
	csr_clear(CSR_MIE, MIP_MTIP);
}

void sbi_timer_event_start(u64 next_event)
{
	struct sbi_scratch *scratch = sbi_scratch_thishart_ptr();

	if (hart_has_sstc(scratch)) {
		csr_write(CSR_STIMECMP, next_event);
		return;
	}

	if (!sbi_platform->timer_event_start)
		return;
	sbi_platform->timer_event_start((u32)scratch->hartindex, next_event);
	csr_clear(CSR_MIP, MIP_STIP);
	csr_set(CSR_MIE, MIP_MTIP);
}

void sbi_timer_event_stop(void)
{
	struct sbi_scratch *scratch = sbi_scratch_thishart_ptr();

	if (hart_has_sstc(scratch)) {
		csr_write(CSR_STIMECMP, -1UL);
		return;
	}
	csr_clear(CSR_MIE, MIP_MTIP);
	if (sbi_platform->timer_event_stop)
		sbi_platform->timer_event_stop((u32)scratch->hartindex);
	csr_clear(CSR_MIP, MIP_STIP);
}

void sbi_timer_process(void)
{
	csr_clear(CSR_MIE, MIP_MTIP);
	csr_set(CSR_MIP, MIP_STIP);
}
