// SPDX-License-Identifier: BSD-2-Clause
/*
 * PVMMU SBI extension (EID SBI_EXT_PVMMU, experimental range): the
 * run-time glue around the portable core. The core names harts by hart
 * index: the caller's comes from its scratch area, and STATS's hart id is
 * turned into one. The rules are pvmmu_call()'s. What needs the
 * hardware is here:
 *   - SET_KERNEL_ROOT is taken only from the only started hart, whose
 *     satp must hold that root; it then turns on satp control (TVM) for
 *     every hart (sbi_tvm.c);
 *   - KERNEL_ADOPT too, and it switches the caller to the adopted root;
 *   - a KERNEL_LOCK range is also closed to S-mode writes by PMP on every
 *     hart (sbi_pmp.c): the page-table rule alone would leave the memory
 *     writable through satp = Bare on a starting hart or through the
 *     H extension's VS-stage;
 *   - an UPDATE that stored a valid entry ends with a local SFENCE.VMA;
 *     UPDATE comes straight from the trap entry (sbi_pvmmu_update_trap),
 *     the other calls through the ecall table;
 *   - satp writes that sbi_tvm.c emulates are checked against the roots
 *     the core knows, and a stopping hart drops its root.
 */
#include <sbi/riscv_asm.h>
#include <sbi/sbi_ecall.h>
#include <sbi/sbi_ecall_interface.h>
#include <sbi/sbi_hart.h>
#include <sbi/sbi_hsm.h>
#include <sbi/sbi_pmp.h>
#include <sbi/sbi_pvmmu.h>
#include <sbi/sbi_rfence.h>
#include <sbi/sbi_scratch.h>
#include <sbi/sbi_trap.h>
#include <sbi/sbi_tvm.h>
#include "pvmmu_core.h"

static long ecall_pvmmu_probe(unsigned long extid)
{
	(void)extid;
	return sbi_pvmmu_available() ? 1 : 0;
}

static bool other_harts_stopped(void)
{
	unsigned long h, self = sbi_current_hartindex();

	for_each_hart_in_mask(h, sbi_hart_valid_mask) {
		if (h != self &&
		    sbi_hsm_hart_get_state((u32)h) != SBI_HSM_STATE_STOPPED)
			return false;
	}
	return true;
}

/*
 * No other hart may run S-mode code yet (it could hold any satp), and
 * the caller must be running on the root it names.
 */
static int kernel_root_preconditions(unsigned long pa, unsigned long levels)
{
	unsigned long satp = csr_read(CSR_SATP);

	/* Bad levels and a second call: the core says so */
	if (levels < 3 || levels > 5 || pvmmu_load64(&sbi_pvmmu_state()->kroot))
		return SBI_SUCCESS;
	if (!other_harts_stopped())
		return SBI_ERR_DENIED;
	if ((satp >> PVMMU_SATP_MODE_SHIFT) !=
	    PVMMU_SATP_MODE_SV39 + levels - 3 ||
	    ((satp & PVMMU_SATP_PPN_MASK) << PVMMU_PAGE_SHIFT) != pa)
		return SBI_ERR_DENIED;
	return SBI_SUCCESS;
}

/* A locked range: read-only (text: and executable) to S/U on every hart */
static int lock_with_pmp(unsigned long kind, unsigned long pa,
			 unsigned long size)
{
	struct sbi_rfence_req reload = { .type = SBI_RFENCE_PMP_RELOAD };
	int rc;

	rc = sbi_pmp_lock_range((unsigned int)kind,
				kind == SBI_PVMMU_LOCK_TEXT ? PMP_R | PMP_X :
							      PMP_R, pa, size);
	sbi_rfence_request(sbi_hart_valid_mask, &reload);
	return rc ? SBI_ERR_FAILED : SBI_SUCCESS;
}

/*
 * After a call into the core (which pvmmu_mark_trap() preceded): the fence
 * after an UPDATE that stored a valid entry (applied entries count even
 * when a later one was rejected), and the exit phase counted. Inlined: the
 * hot call's frame is set up once.
 */
static __always_inline void core_leave(struct pvmmu_state *st,
				       unsigned long hart)
{
	if (pvmmu_take_fence(st, hart))
		sfence_vma_all();
	pvmmu_mark_return(st, hart);
}

/*
 * STATS names a hart by id (or -1UL: all of them); the core, by index. An
 * id that is no hart becomes an index the core refuses.
 */
static unsigned long stats_hart(unsigned long hartid)
{
	int index;

	if (hartid == -1UL)
		return hartid;
	index = sbi_hartid_to_hartindex(hartid);
	return index < 0 ? PVMMU_MAX_HARTS : (unsigned long)index;
}

static int ecall_pvmmu_handle(unsigned long extid, unsigned long funcid,
			      struct sbi_trap_regs *regs,
			      struct sbi_ecall_return *out)
{
	struct pvmmu_state *st = sbi_pvmmu_state();
	unsigned long hart = sbi_current_hartindex();
	unsigned long a1 = regs->a1;
	int rc;

	(void)extid;

	if (!sbi_pvmmu_available())
		return SBI_ERR_NOT_SUPPORTED;
	rc = SBI_SUCCESS;
	if (funcid == SBI_PVMMU_SET_KERNEL_ROOT)
		rc = kernel_root_preconditions(regs->a0, regs->a1);
	/* Another hart could run on a root that keeps the old kernel half */
	else if (funcid == SBI_PVMMU_KERNEL_ADOPT && !other_harts_stopped())
		rc = SBI_ERR_DENIED;
	/* Without the PMP entries a lock would hold for page tables only */
	else if (funcid == SBI_PVMMU_KERNEL_LOCK && !sbi_pmp_can_lock())
		rc = SBI_ERR_NOT_SUPPORTED;
	if (rc) {
		pvmmu_count(st, hart, SBI_PVMMU_STAT_REJECTED);
		return rc;
	}
	if (funcid == SBI_PVMMU_STATS)
		a1 = stats_hart(a1);

	pvmmu_mark_trap(st, hart, sbi_scratch_thishart_ptr()->trap_insn);
	rc = pvmmu_call(st, hart, funcid, regs->a0, a1, regs->a2,
			&out->value);
	core_leave(st, hart);

	if (funcid == SBI_PVMMU_SET_KERNEL_ROOT && !rc)
		sbi_tvm_enable(regs);
	/* The caller returns on the adopted root: nothing runs on the old */
	if (funcid == SBI_PVMMU_KERNEL_ADOPT && !rc) {
		csr_write(CSR_SATP, pvmmu_kernel_satp(st));
		sfence_vma_all();
	}
	if (funcid == SBI_PVMMU_KERNEL_LOCK && !rc)
		rc = lock_with_pmp(regs->a0, regs->a1, regs->a2);
	return rc;
}

_Static_assert(SBI_TRAP_PVMMU_EID == SBI_EXT_PVMMU &&
	       SBI_TRAP_PVMMU_UPDATE == SBI_PVMMU_UPDATE,
	       "trap_entry.S takes another call than UPDATE");

/*
 * UPDATE, the hot call, straight from the trap entry (trap_entry.S): the
 * frame holds a0-a7, the temporaries, ra, sp and mepc only, so nothing
 * here may hand it to code that reads the rest (sbi_trap_redirect(), the
 * TVM emulation). What the generic path does for UPDATE, without its
 * dispatch: the trap is counted, and the rules are pvmmu_call()'s.
 */
void sbi_pvmmu_update_trap(struct sbi_trap_regs *regs)
{
	struct sbi_scratch *scratch = sbi_scratch_thishart_ptr();
	struct pvmmu_state *st = sbi_pvmmu_state();
	unsigned long applied = 0;
	int rc = SBI_ERR_NOT_SUPPORTED;

	sbi_scratch_count_trap(scratch);
	if (sbi_pvmmu_available()) {
		pvmmu_mark_trap(st, scratch->hartindex, scratch->trap_insn);
		rc = pvmmu_call_update(st, scratch->hartindex, regs->a0,
				       regs->a1, &applied);
		core_leave(st, scratch->hartindex);
	}
	regs->mepc += 4;
	regs->a0 = (unsigned long)(long)rc;
	regs->a1 = applied;
}

SBI_ECALL_EXTENSION(ecall_pvmmu, 0) = {
	.name = "pvmmu",
	.extid_start = SBI_EXT_PVMMU,
	.extid_end = SBI_EXT_PVMMU,
	.probe = ecall_pvmmu_probe,
	.handle = ecall_pvmmu_handle,
};
