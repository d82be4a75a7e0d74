// SPDX-License-Identifier: BSD-2-Clause
/*
 * Remote fences.
 *
 * Mailbox protocol: rfence_mbox[target][source], by hart index, is
 * written only by the
 * source hart and cleared only by the target hart.
 *  - The source fills start/size/asid, then (release) sets type != 0,
 *    posts SBI_IPI_EVENT_RFENCE to the target and raises its msip.
 *  - The target (M-mode software interrupt, or its HSM wait loop) reads
 *    type (acquire), performs the fence locally, then (release) writes
 *    type = 0.
 *  - The source spins until every slot it filled is empty again. While
 *    spinning it serves its own mailbox, so two harts fencing each other
 *    (both in M-mode with interrupts off) cannot deadlock, and it raises
 *    the msip of harts still pending every SBI_RFENCE_RESEND_SPINS
 *    rounds, so an interrupt that was lost cannot stall it for good.
 * Only harts that may run S-mode code are targeted; a hart that is
 * STOPPED or START_PENDING is skipped because it flushes its TLB and
 * instruction cache when it starts.
 */
#include <sbi/riscv_asm.h>
#include <sbi/sbi_pmp.h>
#include <sbi/sbi_config.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_hsm.h>
#include <sbi/sbi_ipi.h>
#include <sbi/sbi_platform.h>
#include <sbi/sbi_rfence.h>

#define PAGE_SIZE	4096UL

static struct sbi_rfence_req rfence_mbox[SBI_MAX_HARTS][SBI_MAX_HARTS];

static bool rfence_is_full(unsigned long start, unsigned long size)
{
	/* A range touching the last page would wrap the page loop */
	return size == 0 || size == -1UL || size > SBI_TLB_FLUSH_MAX_SIZE ||
	       start + size < start || start + size > -PAGE_SIZE;
}

void sbi_rfence_local(const struct sbi_rfence_req *req)
{
	unsigned long addr, end;

	switch (req->type) {
	case SBI_RFENCE_FENCE_I:
		fence_i();
		break;
	case SBI_RFENCE_SFENCE_VMA:
		if (rfence_is_full(req->start, req->size)) {
			sfence_vma_all();
			break;
		}
		end = req->start + req->size;
		for (addr = req->start & ~(PAGE_SIZE - 1); addr < end;
		     addr += PAGE_SIZE)
			sfence_vma_addr(addr);
		break;
	case SBI_RFENCE_PMP_RELOAD:
		sbi_pmp_init_hart();
		break;
	case SBI_RFENCE_SFENCE_VMA_ASID:
		if (rfence_is_full(req->start, req->size)) {
			sfence_vma_asid(req->asid);
			break;
		}
		end = req->start + req->size;
		for (addr = req->start & ~(PAGE_SIZE - 1); addr < end;
		     addr += PAGE_SIZE)
			sfence_vma_addr_asid(addr, req->asid);
		break;
	default:
		break;
	}
}

void sbi_rfence_process(u32 hartindex)
{
	struct sbi_rfence_req req;
	unsigned int src;

	for (src = 0; src < SBI_MAX_HARTS; src++) {
		struct sbi_rfence_req *slot = &rfence_mbox[hartindex][src];

		req.type = READ_ONCE(slot->type);
		if (req.type == SBI_RFENCE_NONE)
			continue;
		smp_acquire();
		req.start = slot->start;
		req.size = slot->size;
		req.asid = slot->asid;

		sbi_rfence_local(&req);

		smp_release();
		WRITE_ONCE(slot->type, SBI_RFENCE_NONE);
	}
}

int sbi_rfence_request(sbi_hartmask_t targets,
		       const struct sbi_rfence_req *req)
{
	u32 self = sbi_current_hartindex();
	sbi_hartmask_t waiting = 0;
	unsigned long h, spins = 0;

	for_each_hart_in_mask(h, targets) {
		struct sbi_rfence_req *slot = &rfence_mbox[h][self];

		if (h == self || !sbi_hsm_hart_is_running((u32)h))
			continue;

		/* Our previous request to this hart has completed: slot free */
		slot->start = req->start;
		slot->size = req->size;
		slot->asid = req->asid;
		smp_release();
		WRITE_ONCE(slot->type, req->type);

		sbi_ipi_send_event((u32)h, SBI_IPI_EVENT_RFENCE);
		waiting |= BIT(h);
	}

	if (targets & BIT(self))
		sbi_rfence_local(req);

	while (waiting) {
		for_each_hart_in_mask(h, waiting) {
			if (READ_ONCE(rfence_mbox[h][self].type) ==
			    SBI_RFENCE_NONE)
				waiting &= ~BIT(h);
		}
		if (!waiting)
			break;
		/* Serve requests aimed at us while we wait */
		sbi_rfence_process(self);
		cpu_relax();
		if (++spins % SBI_RFENCE_RESEND_SPINS == 0 && sbi_platform->ipi_send)
			for_each_hart_in_mask(h, waiting)
				sbi_platform->ipi_send((u32)h);
	}
	smp_acquire();

	return SBI_SUCCESS;
}
