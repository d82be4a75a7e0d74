// SPDX-License-Identifier: BSD-2-Clause
/*
 * Hart State Management.
 *
 * A stopped hart sits in sbi_hsm_hart_wait() on its M-mode stack,
 * sleeping in wfi with only the M-mode software interrupt enabled. It
 * still serves remote fence requests there. hart_start() moves it
 * STOPPED -> START_CLAIMED (internal) -> START_PENDING and raises its
 * msip; the hart then becomes STARTED, flushes its TLB and I-cache and
 * drops to S-mode at the requested address.
 */
#include <sbi/riscv_asm.h>
#include <sbi/riscv_atomic.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_hart.h>
#include <sbi/sbi_hsm.h>
#include <sbi/sbi_ipi.h>
#include <sbi/sbi_mem.h>
#include <sbi/sbi_pmp.h>
#include <sbi/sbi_pvmmu.h>
#include <sbi/sbi_timer.h>

void sbi_hsm_init(u32 os_hartindex, unsigned long addr, unsigned long arg1)
{
	struct sbi_scratch *os = sbi_hartindex_to_scratch(os_hartindex);
	unsigned long h;

	for_each_hart_in_mask(h, sbi_hart_valid_mask)
		atomic_write(&sbi_hartindex_to_scratch((u32)h)->hsm_state,
			     SBI_HSM_STATE_STOPPED);
	os->hsm_start_addr = addr;
	os->hsm_start_arg1 = arg1;
	atomic_write(&os->hsm_state, SBI_HSM_STATE_START_PENDING);
}

static unsigned long hsm_state(u32 hartindex)
{
	return atomic_read(&sbi_hartindex_to_scratch(hartindex)->hsm_state);
}

int sbi_hsm_hart_get_state(u32 hartindex)
{
	unsigned long state;

	if (!sbi_hartindex_valid(hartindex))
		return -1;
	state = hsm_state(hartindex);
	if (state == SBI_HSM_STATE_START_CLAIMED)
		state = SBI_HSM_STATE_START_PENDING;
	return (int)state;
}

bool sbi_hsm_hart_is_running(u32 hartindex)
{
	switch (hsm_state(hartindex)) {
	case SBI_HSM_STATE_STARTED:
	case SBI_HSM_STATE_STOP_PENDING:
	case SBI_HSM_STATE_SUSPENDED:
	case SBI_HSM_STATE_SUSPEND_PENDING:
	case SBI_HSM_STATE_RESUME_PENDING:
		return true;
	default:
		return false;
	}
}

int sbi_hsm_hart_start(u32 hartindex, unsigned long saddr,
		       unsigned long opaque)
{
	struct sbi_scratch *target;
	unsigned long prev;

	if (!sbi_hartindex_valid(hartindex))
		return SBI_ERR_INVALID_PARAM;
	if (!sbi_mem_range_s_accessible(saddr, 4))
		return SBI_ERR_INVALID_ADDRESS;

	target = sbi_hartindex_to_scratch(hartindex);
	prev = atomic_cmpxchg(&target->hsm_state, SBI_HSM_STATE_STOPPED,
			      SBI_HSM_STATE_START_CLAIMED);
	switch (prev) {
	case SBI_HSM_STATE_STOPPED:
		break;
	case SBI_HSM_STATE_START_PENDING:
	case SBI_HSM_STATE_START_CLAIMED:
		return SBI_ERR_ALREADY_STARTED;
	default:
		return SBI_ERR_ALREADY_AVAILABLE;
	}

	/* We own the hart: publish the start parameters, then release it */
	target->hsm_start_addr = saddr;
	target->hsm_start_arg1 = opaque;
	atomic_write(&target->hsm_state, SBI_HSM_STATE_START_PENDING);
	sbi_ipi_send_event(hartindex, SBI_IPI_EVENT_WAKE);

	return SBI_SUCCESS;
}

void __noreturn sbi_hsm_hart_wait(struct sbi_scratch *scratch)
{
	unsigned long addr, arg1;

	csr_write(CSR_MIE, MIP_MSIP);

	for (;;) {
		/* Clears msip, then serves fences; S-mode IPIs are dropped */
		sbi_ipi_process(scratch, false);
		if (atomic_read(&scratch->hsm_state) ==
		    SBI_HSM_STATE_START_PENDING)
			break;
		wfi();
	}

	addr = scratch->hsm_start_addr;
	arg1 = scratch->hsm_start_arg1;

	/*
	 * STARTED first, then flush: a hart that saw us not running and
	 * skipped us for a remote fence did so before this point.
	 */
	atomic_write(&scratch->hsm_state, SBI_HSM_STATE_STARTED);
	/*
	 * A KERNEL_LOCK that saw us not running yet changed the PMP layout
	 * before it looked: take it now.
	 */
	smp_mb();
	sbi_pmp_init_hart();
	sfence_vma_all();
	fence_i();

	sbi_hart_switch_mode(scratch->hartid, arg1, addr, PRV_S);
}

int sbi_hsm_hart_stop(void)
{
	struct sbi_scratch *scratch = sbi_scratch_thishart_ptr();

	if (atomic_cmpxchg(&scratch->hsm_state, SBI_HSM_STATE_STARTED,
			   SBI_HSM_STATE_STOP_PENDING) !=
	    SBI_HSM_STATE_STARTED)
		return SBI_ERR_FAILED;

	/* Its satp is gone: the root it held may be released */
	sbi_pvmmu_hart_stopped();

	/* Quiesce S-mode interrupt sources of this hart */
	csr_write(CSR_MIE, MIP_MSIP);
	sbi_timer_event_stop();
	csr_clear(CSR_MIP, MIP_SSIP);

	atomic_write(&scratch->hsm_state, SBI_HSM_STATE_STOPPED);

	/* Drop the trap frame and everything else on the M stack */
	sbi_hart_stack_jump(scratch->stack_top, sbi_hsm_hart_wait, scratch);
}

int sbi_hsm_hart_suspend(unsigned long type, unsigned long raddr,
			 unsigned long opaque)
{
	struct sbi_scratch *scratch = sbi_scratch_thishart_ptr();

	(void)raddr;
	(void)opaque;

	if (type > 0xFFFFFFFFUL)
		return SBI_ERR_INVALID_PARAM;
	if (type == SBI_HSM_SUSPEND_NON_RET_DEFAULT)
		return SBI_ERR_NOT_SUPPORTED;
	if (type != SBI_HSM_SUSPEND_RET_DEFAULT)
		/* Reserved, or platform specific and not implemented */
		return SBI_ERR_INVALID_PARAM;

	if (atomic_cmpxchg(&scratch->hsm_state, SBI_HSM_STATE_STARTED,
			   SBI_HSM_STATE_SUSPENDED) != SBI_HSM_STATE_STARTED)
		return SBI_ERR_FAILED;

	/*
	 * Retentive suspend: wfi resumes on any interrupt enabled in mie,
	 * whatever the global enables. A pending IPI is handled right after
	 * the return to S-mode.
	 */
	wfi();

	atomic_write(&scratch->hsm_state, SBI_HSM_STATE_STARTED);
	return SBI_SUCCESS;
}
