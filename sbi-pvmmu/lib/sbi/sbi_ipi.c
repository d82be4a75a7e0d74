// SPDX-License-Identifier: BSD-2-Clause
/*
 * IPIs between harts: a pending-event word per target hart plus the
 * platform's M-mode software interrupt (CLINT msip on QEMU virt).
 */
#include <sbi/riscv_asm.h>
#include <sbi/riscv_atomic.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_ipi.h>
#include <sbi/sbi_platform.h>

static sbi_ipi_handler_t rfence_handler;

void sbi_ipi_set_rfence_handler(sbi_ipi_handler_t handler)
{
	rfence_handler = handler;
}

void sbi_ipi_send_event(u32 hartindex, unsigned long event)
{
	struct sbi_scratch *target = sbi_hartindex_to_scratch(hartindex);

	if (event)
		atomic_or(&target->ipi_pending, event);
	/* Publish the event (and any mailbox data) before the interrupt */
	mb();
	if (sbi_platform->ipi_send)
		sbi_platform->ipi_send(hartindex);
}

int sbi_ipi_send_smode(unsigned long hmask, unsigned long hbase)
{
	sbi_hartmask_t targets;
	unsigned long h;
	int rc;

	rc = sbi_hartmask_from_sbi(hmask, hbase, &targets);
	if (rc)
		return rc;

	for_each_hart_in_mask(h, targets)
		sbi_ipi_send_event((u32)h, SBI_IPI_EVENT_SOFT);
	return SBI_SUCCESS;
}

void sbi_ipi_process(struct sbi_scratch *scratch, bool running)
{
	unsigned long events;

	/*
	 * Clear the interrupt first, then take the events: an event posted
	 * after the swap comes with a new interrupt.
	 */
	if (sbi_platform->ipi_clear)
		sbi_platform->ipi_clear((u32)scratch->hartindex);
	mb();
	events = atomic_xchg(&scratch->ipi_pending, 0);

	if ((events & SBI_IPI_EVENT_SOFT) && running)
		csr_set(CSR_MIP, MIP_SSIP);
	if ((events & SBI_IPI_EVENT_RFENCE) && rfence_handler)
		rfence_handler((u32)scratch->hartindex);
}
