/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * PVMMU SBI extension: the ABI between Linux and the firmware that owns
 * the memory of page-table pages.
 *
 * This one header is built by both sides: the firmware includes it from
 * sbi-pvmmu/include/sbi/, and the kernel build copies it unchanged to
 * arch/riscv/include/asm/sbi_pvmmu_abi.h.
 *
 * Model
 *   The firmware carves a naturally aligned page-table pool out of RAM and
 *   makes it read-only to S/U mode with one PMP entry. Linux allocates
 *   page-table pages from the pool, asks the firmware to type them
 *   (PT_REGISTER: "this page is a page table of level L"), and writes
 *   entries only through UPDATE, which validates every new value. Levels
 *   count from the leaf table: 0 = PTE table, 1 = PMD, 2 = PUD, 3 = P4D,
 *   4 = PGD (Sv57 root). A root is registered with SBI_PVMMU_PT_ROOT and
 *   receives the kernel half of the kernel root registered by
 *   SET_KERNEL_ROOT.
 *
 * satp under firmware control
 *   From SET_KERNEL_ROOT on, every hart runs with mstatus.TVM = 1: S-mode
 *   reads and writes of satp and SFENCE.VMA trap to the firmware, which
 *   emulates them. A satp write is accepted only for the kernel root or a
 *   registered root (level = root level, not being released) and only
 *   with the MODE of the kernel root; anything else is delivered back to
 *   S-mode as an illegal-instruction exception and changes nothing. The
 *   firmware counts, per root, the harts that have it loaded: PT_RELEASE
 *   of a loaded root is DENIED. A hart starts (HSM) in Bare mode with TVM
 *   set and drops its root when it stops.
 *
 * Leaf targets
 *   A valid leaf must map, as a whole, ordinary RAM outside the firmware
 *   and the pool, or one MMIO region the FDT gives to S-mode; never a
 *   device the firmware owns (CLINT/ACLINT, test finisher).
 *
 * Calling convention: standard SBI (a7 = EID, a6 = FID, a0.. = args;
 * a0 = error, a1 = value). Errors are the SBI spec's codes.
 */
#ifndef __SBI_PVMMU_ABI_H__
#define __SBI_PVMMU_ABI_H__

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <sbi/sbi_types.h>
#endif

/* In the SBI experimental range (0x08000000 - 0x08FFFFFF): "PVM". */
#define SBI_EXT_PVMMU			0x0850564D

#define SBI_PVMMU_VERSION_MAJOR		2
#define SBI_PVMMU_VERSION_MINOR		2
#define SBI_PVMMU_VERSION		((SBI_PVMMU_VERSION_MAJOR << 16) | \
					 SBI_PVMMU_VERSION_MINOR)

/* Function IDs. */
#define SBI_PVMMU_GET_INFO		0	/* (selector) -> value */
#define SBI_PVMMU_SET_SHMEM		1	/* (lo, hi, flags) */
#define SBI_PVMMU_SET_KERNEL_ROOT	2	/* (root pa, levels) */
#define SBI_PVMMU_PT_REGISTER		3	/* (pa, level, flags) */
#define SBI_PVMMU_PT_RELEASE		4	/* (pa) */
#define SBI_PVMMU_UPDATE		5	/* (count, first) -> entries applied */
#define SBI_PVMMU_STATS			6	/* (counter, hart or -1) -> value */
#define SBI_PVMMU_KERNEL_ADOPT		7	/* (kernel root pa) */
#define SBI_PVMMU_KERNEL_LOCK		8	/* (kind, pa, size) */
#define SBI_PVMMU_TEXT_POKE		9	/* (pa, insn) */
#define SBI_PVMMU_TEXT_SITES		10	/* (sites pa, count) */

/* GET_INFO selectors. */
#define SBI_PVMMU_INFO_VERSION		0
#define SBI_PVMMU_INFO_FEATURES		1
#define SBI_PVMMU_INFO_POOL_BASE	2
#define SBI_PVMMU_INFO_POOL_SIZE	3
#define SBI_PVMMU_INFO_MAX_BATCH	4	/* entries in one UPDATE */
#define SBI_PVMMU_INFO_KERNEL_ROOT	5	/* adopted kernel root pa, or 0 */
#define SBI_PVMMU_INFO_MAX_TEXT_SITES	6	/* entries TEXT_SITES may give */

/* GET_INFO(FEATURES) bits: PTE extensions the firmware accepts. */
#define SBI_PVMMU_FEAT_SVNAPOT		0x1UL
#define SBI_PVMMU_FEAT_SVPBMT		0x2UL
/* satp and SFENCE.VMA are trapped (mstatus.TVM) once the kernel root is set */
#define SBI_PVMMU_FEAT_SATP_LOCKED	0x4UL
/* KERNEL_ADOPT and KERNEL_LOCK: the kernel's own tables live in the pool */
#define SBI_PVMMU_FEAT_KERNEL_TABLES	0x8UL
/* TEXT_SITES and TEXT_POKE: jump labels switched in the locked text */
#define SBI_PVMMU_FEAT_TEXT_POKE	0x10UL

/*
 * SET_SHMEM: register the calling hart's batch buffer (physical address
 * lo/hi, flags must be 0). It must be 64-byte aligned, hold MAX_BATCH
 * entries, and lie in ordinary RAM outside the pool and the firmware.
 * lo = hi = -1 unregisters. Registering over a registered buffer is
 * SBI_ERR_ALREADY_AVAILABLE: unregister first.
 */
#define SBI_PVMMU_SHMEM_DISABLE		(~0UL)

/*
 * PT_REGISTER flags. Registration needs the kernel root (DENIED before
 * SET_KERNEL_ROOT); a table at the root level must be a ROOT and a ROOT
 * must be at the root level (INVALID_PARAM).
 */
#define SBI_PVMMU_PT_ROOT		0x1UL
/*
 * With ROOT: a kernel root under construction. Its kernel half is written
 * with UPDATE like any table instead of being copied; it becomes the
 * kernel root with KERNEL_ADOPT. Only before adoption (DENIED after).
 */
#define SBI_PVMMU_PT_KERNEL		0x2UL

#define SBI_PVMMU_MAX_LEVEL		4

/*
 * UPDATE(count, first): apply entries first .. count - 1 of the calling
 * hart's buffer (first < count <= MAX_BATCH), so that a caller can go on
 * after a rejected entry without moving the buffer. The target is the
 * physical address of a PTE inside a registered page table (8-byte
 * aligned); its low three bits carry the op. The firmware writes the
 * entry's previous value to @old for every applied entry. Entries are
 * applied in order; the first rejected one stops the call and changes
 * nothing; a1 is then the number of entries applied before it (so its
 * index is first + a1). When an applied entry stored a valid value the
 * call ends with a local SFENCE.VMA: the caller needs no fence of its own
 * to make a new mapping visible on this hart.
 */
struct sbi_pvmmu_entry {
	u64 target;	/* PTE physical address | op */
	u64 value;	/* new value, or the AND/OR mask */
	u64 old;	/* out: the PTE before this entry */
};

#define SBI_PVMMU_OP_MASK		7UL
#define SBI_PVMMU_OP_STORE		0	/* *pte = value */
#define SBI_PVMMU_OP_XCHG		1	/* same, caller uses old */
#define SBI_PVMMU_OP_AND		2	/* *pte &= value, atomically */
#define SBI_PVMMU_OP_OR			3	/* *pte |= value, atomically */
#define SBI_PVMMU_OP_STORE_KEEP_AD	4	/* *pte = value | (*pte & (A|D)) */

/*
 * Kernel tables in the pool.
 *
 * From the first PT_KERNEL registration on, every valid leaf stored by
 * UPDATE obeys the kernel rules as well:
 *   - a leaf without U is never both writable and executable (W^X);
 *   - a leaf may map pool pages only read-only, without U or X (the
 *     kernel's linear map reads page tables; nothing writes them);
 *   - no leaf is writable over a range locked with KERNEL_LOCK.
 *
 * KERNEL_ADOPT(pa): @pa is a PT_KERNEL root with an empty user half and
 * no other root is registered (DENIED otherwise; INVALID_PARAM if @pa is
 * not a PT_KERNEL root). It becomes the kernel root in place of the one
 * SET_KERNEL_ROOT named, is frozen (UPDATE of any of its entries and its
 * PT_RELEASE are DENIED) and the calling hart, which must be the only
 * started one, runs on it when the call returns. From then on a new root
 * gets the kernel root's kernel half as links that hold references, so no
 * registered root reaches memory S-mode can write, and satp accepts only
 * pool roots. Once per boot (ALREADY_AVAILABLE).
 *
 * KERNEL_LOCK(kind, pa, size): after adoption, lock a page-aligned range
 * of ordinary RAM (the kernel image's text, or its read-only data once it
 * is read-only) against writable leaves: DENIED, and nothing locked, if a
 * typed table holds one now, or if a hart's registered batch buffer lies
 * in the range (UPDATE writes old values there and does not check the
 * buffer again). Once per kind (ALREADY_AVAILABLE).
 */
#define SBI_PVMMU_LOCK_TEXT		0
#define SBI_PVMMU_LOCK_RODATA		1
#define SBI_PVMMU_LOCK_KINDS		2

/*
 * Jump labels in the locked text (ABI 2.2).
 *
 * TEXT_SITES(pa, count): before KERNEL_LOCK TEXT, once, the kernel gives
 * the jump-label sites of the text it will lock: @count entries of struct
 * sbi_pvmmu_text_site at @pa (S-mode RAM, 4-byte aligned), offsets from
 * the start of that range, sites 4-byte aligned and strictly ascending,
 * targets 2-byte aligned. INVALID_PARAM for count 0 or above GET_INFO
 * (MAX_TEXT_SITES) or an entry that is not so (nothing is kept),
 * INVALID_ADDRESS for the array, ALREADY_AVAILABLE the second time,
 * DENIED once the text is locked: the lock seals the list, and a kernel
 * that gave none can never patch its text. The firmware keeps a copy.
 * KERNEL_LOCK TEXT then checks each site against the range (inside it,
 * the target too and within a jal's reach, the site holding "nop" or
 * that jal): INVALID_PARAM, nothing locked and the list dropped, if one
 * is not.
 *
 * TEXT_POKE(pa, insn): write "nop", or "jal x0" to the site's own target,
 * at a site of the locked text: INVALID_ADDRESS outside the text or
 * misaligned, DENIED at a word that is no site (or before the lock),
 * INVALID_PARAM for any other @insn. So the text only ever changes at
 * its jump-label sites, between their two instructions. The calling
 * hart's instruction fetch sees the new instruction on return; other
 * harts need the caller's remote FENCE.I, as after any text patch (a
 * hart that fetches the word meanwhile sees the old or the new one).
 */
struct sbi_pvmmu_text_site {
	u32 site;
	u32 target;
};

#define SBI_PVMMU_INSN_NOP		0x00000013U
#define SBI_PVMMU_INSN_JAL_X0		0x0000006fU	/* rd = x0, imm = 0 */
/* A jal reaches [site - REACH, site + REACH) */
#define SBI_PVMMU_JAL_REACH		0x100000L	/* 1 MiB */
/* "jal x0, offset": imm[20|10:1|11|19:12] in bits 31..12 */
static inline u32 sbi_pvmmu_insn_jal_x0(long offset)
{
	u32 imm = (u32)offset;

	return SBI_PVMMU_INSN_JAL_X0 | ((imm >> 12) & 0xff) << 12 |
	       ((imm >> 11) & 1) << 20 | ((imm >> 1) & 0x3ff) << 21 |
	       ((imm >> 20) & 1) << 31;
}

/* STATS counters: summed over harts when hart == -1. */
#define SBI_PVMMU_STAT_CALLS		0	/* every PVMMU ecall */
#define SBI_PVMMU_STAT_UPDATE_CALLS	1
#define SBI_PVMMU_STAT_ENTRIES		2	/* entries applied */
#define SBI_PVMMU_STAT_REJECTED		3	/* calls that returned an error */
#define SBI_PVMMU_STAT_REGISTERED	4	/* PT_REGISTER successes */
#define SBI_PVMMU_STAT_RELEASED		5	/* PT_RELEASE successes */
#define SBI_PVMMU_STAT_PAGES_TYPED	6	/* pool pages typed now */
#define SBI_PVMMU_STAT_LINKS		7	/* live non-leaf references */
#define SBI_PVMMU_STAT_SATP		8	/* satp writes accepted */
#define SBI_PVMMU_STAT_SATP_REFUSED	9	/* satp writes refused */
#define SBI_PVMMU_STAT_SFENCE		10	/* SFENCE.VMA emulated */
#define SBI_PVMMU_STAT_TRAPS		11	/* traps from S/U-mode, all kinds */
/*
 * Instructions retired (minstret) in UPDATE calls, by phase: from the trap
 * entry to the core, the per-call checks, the entries' validation, their
 * stores, and from the core back to the trap return. Zero where the
 * firmware cannot count instructions.
 */
#define SBI_PVMMU_STAT_INSN_ENTRY	12
#define SBI_PVMMU_STAT_INSN_CHECKS	13
#define SBI_PVMMU_STAT_INSN_VALIDATE	14
#define SBI_PVMMU_STAT_INSN_APPLY	15
#define SBI_PVMMU_STAT_INSN_EXIT	16
#define SBI_PVMMU_STAT_TEXT_POKES	17	/* TEXT_POKE successes */
#define SBI_PVMMU_STAT_COUNT		18

#endif /* __SBI_PVMMU_ABI_H__ */
