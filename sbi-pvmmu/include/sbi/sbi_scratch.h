/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-hart scratch area. mscratch always points at the hart's scratch
 * while the hart runs outside M-mode; the trap entry uses the first
 * fields, so their offsets are fixed and shared with assembly.
 */
#ifndef __SBI_SCRATCH_H__
#define __SBI_SCRATCH_H__

#include <sbi/sbi_config.h>

#define SBI_SCRATCH_TMP0_OFFSET		0
#define SBI_SCRATCH_TMP1_OFFSET		8
#define SBI_SCRATCH_STACK_TOP_OFFSET	16
#define SBI_SCRATCH_TRAP_INSN_OFFSET	24

#ifndef __ASSEMBLER__

#include <sbi/riscv_asm.h>
#include <sbi/riscv_atomic.h>

struct sbi_scratch {
	/* Used by the trap entry code: keep first, see offsets above */
	unsigned long tmp0;
	unsigned long tmp1;
	unsigned long stack_top;
	/* minstret at the trap entry: PVMMU's instruction counts start there */
	unsigned long trap_insn;

	unsigned long hartid;
	/* Slot of this hart in the firmware's per-hart tables and hart masks */
	unsigned long hartindex;
	/* Hart features (SBI_HART_EXT_*) found in the FDT */
	unsigned long features;

	/* HSM: state (SBI_HSM_STATE_* or internal) and start parameters */
	atomic_t hsm_state;
	/* Bumped on every trap from S/U-mode when set (PVMMU's STATS TRAPS) */
	unsigned long *trap_counter;
	unsigned long hsm_start_addr;
	unsigned long hsm_start_arg1;

	/* Pending IPI events (SBI_IPI_EVENT_*) */
	atomic_t ipi_pending;
};

_Static_assert(__builtin_offsetof(struct sbi_scratch, tmp0) ==
	       SBI_SCRATCH_TMP0_OFFSET, "scratch layout");
_Static_assert(__builtin_offsetof(struct sbi_scratch, tmp1) ==
	       SBI_SCRATCH_TMP1_OFFSET, "scratch layout");
_Static_assert(__builtin_offsetof(struct sbi_scratch, stack_top) ==
	       SBI_SCRATCH_STACK_TOP_OFFSET, "scratch layout");
_Static_assert(__builtin_offsetof(struct sbi_scratch, trap_insn) ==
	       SBI_SCRATCH_TRAP_INSN_OFFSET, "scratch layout");

/* Indexed by hart index (sbi_hart.h) */
extern struct sbi_scratch sbi_scratch_table[SBI_MAX_HARTS];

static inline struct sbi_scratch *sbi_scratch_thishart_ptr(void)
{
	return (struct sbi_scratch *)csr_read(CSR_MSCRATCH);
}

static inline struct sbi_scratch *sbi_hartindex_to_scratch(u32 hartindex)
{
	return &sbi_scratch_table[hartindex];
}

/* One more trap from S/U-mode on this hart (STATS TRAPS, once it is set) */
static inline void sbi_scratch_count_trap(struct sbi_scratch *scratch)
{
	if (scratch->trap_counter)
		(*scratch->trap_counter)++;
}

static inline u32 sbi_current_hartindex(void)
{
	return (u32)sbi_scratch_thishart_ptr()->hartindex;
}

#endif /* !__ASSEMBLER__ */

#endif
