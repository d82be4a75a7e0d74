/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PVMMU core: the firmware-side owner of page-table memory.
 *
 * Everything the core knows lives in one struct pvmmu_state: the memory
 * map it validates against, the pool and its per-page metadata, the
 * stripe locks, the kernel root and the per-hart state. There are no
 * other globals, so a host test can build, inspect and reset it at will.
 * The core never touches CSRs or devices; physical addresses become
 * pointers through st->phys_offset (0 in the firmware, which runs with
 * physical = virtual; the fake RAM's offset on the host).
 */
#ifndef __PVMMU_CORE_H__
#define __PVMMU_CORE_H__

#include <sbi/sbi_pvmmu_abi.h>
#include "pvmmu_port.h"

#define PVMMU_PAGE_SHIFT	12
#define PVMMU_PAGE_SIZE		(1UL << PVMMU_PAGE_SHIFT)
#define PVMMU_PTES_PER_PAGE	512
/* First entry of the kernel half of a root table */
#define PVMMU_KERNEL_HALF	256

/*
 * Harts are named by index, 0 .. PVMMU_MAX_HARTS - 1, as the glue numbers
 * them (the firmware's hart index), never by hart id: ids may be sparse.
 */
#define PVMMU_MAX_HARTS		16
#define PVMMU_MAX_RAM		8
/* MMIO regions S-mode may map (from the FDT) */
#define PVMMU_MAX_MMIO		16
#define PVMMU_LOCK_STRIPES	64
/* Jump-label sites TEXT_SITES may give (GET_INFO MAX_TEXT_SITES) */
#define PVMMU_MAX_TEXT_SITES	16384
#define PVMMU_MAX_BATCH		512
#define PVMMU_SHMEM_SIZE	\
	(PVMMU_MAX_BATCH * sizeof(struct sbi_pvmmu_entry))
#define PVMMU_SHMEM_ALIGN	64

/* Pool size limits (the firmware sizes its metadata array for the max) */
#define PVMMU_POOL_MIN		(4UL << 20)
#define PVMMU_POOL_MAX		(256UL << 20)
#define PVMMU_POOL_MAX_PAGES	(PVMMU_POOL_MAX >> PVMMU_PAGE_SHIFT)

/* ---- PTE bits (RISC-V privileged spec, Sv39/48/57) */
#define PTE_V		(1UL << 0)
#define PTE_R		(1UL << 1)
#define PTE_W		(1UL << 2)
#define PTE_X		(1UL << 3)
#define PTE_U		(1UL << 4)
#define PTE_G		(1UL << 5)
#define PTE_A		(1UL << 6)
#define PTE_D		(1UL << 7)
#define PTE_RWX		(PTE_R | PTE_W | PTE_X)
#define PTE_SOFT	(3UL << 8)	/* RSW: the kernel's own */
#define PTE_PPN_SHIFT	10
#define PTE_PPN_MASK	((1UL << 44) - 1)
/* Bits 54-60: reserved for future standard use */
#define PTE_RSVD_MASK	(0x7fUL << 54)
#define PTE_PBMT_SHIFT	61
#define PTE_PBMT_MASK	(3UL << PTE_PBMT_SHIFT)
#define PTE_N		(1UL << 63)
/* Bits that must be zero in a valid non-leaf entry */
#define PTE_NONLEAF_RSVD (PTE_A | PTE_D | PTE_U | (0x3ffUL << 54))

static inline unsigned long pvmmu_pte_pa(u64 pte)
{
	return ((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << PVMMU_PAGE_SHIFT;
}

static inline bool pvmmu_pte_is_table(u64 pte)
{
	return (pte & PTE_V) && !(pte & PTE_RWX);
}

/*
 * ---- per-page metadata: one 32-bit word per pool page, changed only
 * with CAS so that linking, releasing and registering cannot interleave
 * badly without a lock.
 *
 *   bits  0-25  reference count: valid non-leaf entries of registered
 *               tables that point at this page
 *   bits 26-28  state: FREE, BUSY (being registered), RELEASING, or
 *               TYPED + level
 *   bit  29     root (registered with SBI_PVMMU_PT_ROOT)
 *   bit  30     kernel root under construction (SBI_PVMMU_PT_KERNEL):
 *               its kernel half is written by UPDATE, not copied
 *
 * A root is never linked, so its reference count counts instead the harts
 * that have it loaded in satp.
 */
#define PVMMU_META_REF_BITS	26
#define PVMMU_META_REF_MASK	((1U << PVMMU_META_REF_BITS) - 1)
#define PVMMU_META_STATE_SHIFT	26
#define PVMMU_META_STATE_MASK	(7U << PVMMU_META_STATE_SHIFT)
#define PVMMU_META_ROOT		(1U << 29)
#define PVMMU_META_KERNEL	(1U << 30)

#define PVMMU_STATE_FREE	0
#define PVMMU_STATE_BUSY	1
#define PVMMU_STATE_RELEASING	2
#define PVMMU_STATE_TYPED	3	/* + level (0..4): 3..7 */

static inline u32 pvmmu_meta_state(u32 m)
{
	return (m & PVMMU_META_STATE_MASK) >> PVMMU_META_STATE_SHIFT;
}

static inline u32 pvmmu_meta_refs(u32 m)
{
	return m & PVMMU_META_REF_MASK;
}

static inline bool pvmmu_meta_typed(u32 m)
{
	return pvmmu_meta_state(m) >= PVMMU_STATE_TYPED;
}

/* Level of a typed page */
static inline unsigned int pvmmu_meta_level(u32 m)
{
	return pvmmu_meta_state(m) - PVMMU_STATE_TYPED;
}

static inline u32 pvmmu_meta_make(u32 state, u32 flags, u32 refs)
{
	return (state << PVMMU_META_STATE_SHIFT) | flags | refs;
}

struct pvmmu_range {
	unsigned long base;
	unsigned long size;
};

/*
 * satp MODE field and the paging levels of each mode (RISC-V privileged
 * spec): Sv39 = 8 (3 levels), Sv48 = 9 (4), Sv57 = 10 (5).
 */
#define PVMMU_SATP_MODE_SHIFT	60
#define PVMMU_SATP_MODE_SV39	8UL
#define PVMMU_SATP_PPN_MASK	((1UL << 44) - 1)

/* Per-hart state: written only by its own hart (or read by STATS) */
struct pvmmu_hart {
	bool shmem_set;
	unsigned long shmem;
	/* Pool root in this hart's satp (holds a load count), or 0 */
	unsigned long root;
	/* An UPDATE stored a valid entry: the glue fences this hart */
	bool need_fence;
	/* Instruction counts where the current UPDATE's phases begin */
	unsigned long trap_insn, exit_insn;
	/* Written by this hart only: plain stores, no atomics */
	unsigned long stats[SBI_PVMMU_STAT_COUNT];
};

struct pvmmu_state {
	/* Memory map: pointer = (void *)(pa + phys_offset) */
	unsigned long phys_offset;
	struct pvmmu_range ram[PVMMU_MAX_RAM];
	unsigned int ram_count;
	/* The RAM ranges less the firmware and the pool: S-mode's own RAM */
	struct pvmmu_range s_ram[3 * PVMMU_MAX_RAM];
	unsigned int s_ram_count;
	struct pvmmu_range fw;
	/* MMIO that S-mode may map: leaves may target these too */
	struct pvmmu_range mmio[PVMMU_MAX_MMIO];
	unsigned int mmio_count;
	unsigned long pool_base;
	unsigned long pool_size;
	unsigned long pool_pages;
	/* SBI_PVMMU_FEAT_*: PTE extensions accepted in leaves */
	unsigned long features;
	/* Harts that may call in (bit n = hart index n) */
	unsigned long hart_mask;

	/*
	 * Kernel root: pa | levels (3, 4 or 5); 0 until SET_KERNEL_ROOT. A
	 * pool page from KERNEL_ADOPT on (then frozen), S-RAM before.
	 */
	u64 kroot;
	/* Set at the first PT_KERNEL registration: the kernel leaf rules */
	u32 kernel_rules;
	/* KERNEL_LOCK ranges (size 0 = not locked): no writable leaf */
	struct pvmmu_range locked[SBI_PVMMU_LOCK_KINDS];
	/* [lo, hi) spans them all (hi = 0: none): most leaves miss it */
	unsigned long locked_lo, locked_hi;
	/*
	 * Serialises KERNEL_LOCK calls (check, publish, span), SET_SHMEM (no
	 * lock covers a registered batch buffer) and TEXT_SITES
	 */
	struct pvmmu_lock locking;
	/*
	 * TEXT_SITES' copy of the jump-label sites, ascending: text_sites_given
	 * of them until KERNEL_LOCK TEXT, which checks them against its range
	 * and, if it holds, publishes text_sites_count (then nothing changes)
	 */
	u32 text_sites_given;
	u32 text_sites_count;
	struct sbi_pvmmu_text_site text_sites[PVMMU_MAX_TEXT_SITES];

	/* One word per pool page, see PVMMU_META_* */
	u32 *meta;
	struct pvmmu_lock locks[PVMMU_LOCK_STRIPES];

	/* Global counters (STATS PAGES_TYPED and LINKS) */
	unsigned long pages_typed;
	unsigned long links;

	struct pvmmu_hart harts[PVMMU_MAX_HARTS];
};

/* Everything pvmmu_init() needs to know */
struct pvmmu_config {
	unsigned long phys_offset;
	const struct pvmmu_range *ram;
	unsigned int ram_count;
	struct pvmmu_range fw;
	const struct pvmmu_range *mmio;
	unsigned int mmio_count;
	unsigned long pool_base;
	unsigned long pool_size;
	unsigned long features;
	unsigned long hart_mask;
	/* Metadata array with room for @meta_entries pages */
	u32 *meta;
	unsigned long meta_entries;
};

static inline void *pvmmu_phys(const struct pvmmu_state *st, unsigned long pa)
{
	return (void *)(uintptr_t)(pa + st->phys_offset);
}

/* ---- pvmmu_pool.c: pool geometry, metadata, placement */

bool pvmmu_range_overlaps(unsigned long a, unsigned long asz,
			  unsigned long b, unsigned long bsz);

/* Inline: the UPDATE path asks these for every entry */
static inline bool pvmmu_in_pool(const struct pvmmu_state *st,
				 unsigned long pa, unsigned long size)
{
	return pa >= st->pool_base && size <= st->pool_size &&
	       pa - st->pool_base <= st->pool_size - size;
}

/* The caller has checked that @pa lies in the pool */
static inline u32 *pvmmu_meta_of(const struct pvmmu_state *st,
				 unsigned long pa)
{
	return &st->meta[(pa - st->pool_base) >> PVMMU_PAGE_SHIFT];
}

static inline struct pvmmu_lock *pvmmu_lock_of(struct pvmmu_state *st,
					       unsigned long pa)
{
	return &st->locks[(pa >> PVMMU_PAGE_SHIFT) % PVMMU_LOCK_STRIPES];
}

/* Take a reference on a page typed at @level, not root: 0 or DENIED */
int pvmmu_ref_get(struct pvmmu_state *st, unsigned long pa,
		  unsigned int level);
void pvmmu_ref_put(struct pvmmu_state *st, unsigned long pa);

/*
 * Default pool size for @ram_total bytes of RAM: RAM / 16 rounded down
 * to a power of two, clamped to [PVMMU_POOL_MIN, PVMMU_POOL_MAX].
 */
unsigned long pvmmu_pool_default_size(unsigned long ram_total);
/*
 * Highest @size-aligned base such that [base, base + size) lies in one
 * RAM range and overlaps none of @avoid. Returns 0 if there is none.
 */
unsigned long pvmmu_pool_place(const struct pvmmu_range *ram,
			       unsigned int ram_count,
			       const struct pvmmu_range *avoid,
			       unsigned int avoid_count, unsigned long size);

/* ---- pvmmu_core.c: the extension's functions */

/* Reset @st from @cfg and zero the pool. Returns an SBI error code. */
int pvmmu_init(struct pvmmu_state *st, const struct pvmmu_config *cfg);

/*
 * One PVMMU call from @hart: counts it, dispatches on @fid with the
 * arguments a0..a2, returns the SBI error (a0) and sets *@value (a1).
 */
int pvmmu_call(struct pvmmu_state *st, unsigned long hart,
	       unsigned long fid, unsigned long a0, unsigned long a1,
	       unsigned long a2, unsigned long *value);

int pvmmu_get_info(struct pvmmu_state *st, unsigned long selector,
		   unsigned long *value);
int pvmmu_set_shmem(struct pvmmu_state *st, unsigned long hart,
		    unsigned long lo, unsigned long hi, unsigned long flags);
int pvmmu_set_kernel_root(struct pvmmu_state *st, unsigned long pa,
			  unsigned long levels);
int pvmmu_pt_register(struct pvmmu_state *st, unsigned long hart,
		      unsigned long pa, unsigned long level,
		      unsigned long flags);
int pvmmu_pt_release(struct pvmmu_state *st, unsigned long hart,
		     unsigned long pa);
/*
 * pvmmu_call() with @fid UPDATE, for a glue that takes UPDATE apart from
 * the other calls on its hot path: the same counters and rules.
 */
int pvmmu_call_update(struct pvmmu_state *st, unsigned long hart,
		      unsigned long count, unsigned long first,
		      unsigned long *applied);
int pvmmu_stats(struct pvmmu_state *st, unsigned long counter,
		unsigned long hart, unsigned long *value);
/*
 * KERNEL_ADOPT: on success the glue must load the new kernel root into
 * the calling hart's satp (pvmmu_kernel_satp() gives the value).
 */
int pvmmu_kernel_adopt(struct pvmmu_state *st, unsigned long hart,
		       unsigned long pa);
int pvmmu_kernel_lock(struct pvmmu_state *st, unsigned long kind,
		      unsigned long pa, unsigned long size);
/* TEXT_SITES and TEXT_POKE: jump labels in the locked text */
int pvmmu_text_sites(struct pvmmu_state *st, unsigned long pa,
		     unsigned long count);
int pvmmu_text_poke(struct pvmmu_state *st, unsigned long hart,
		    unsigned long pa, unsigned long insn);
/*
 * Does [base, base + size) overlap a KERNEL_LOCK range? Then no writable
 * leaf may map it, and the firmware writes nothing there for S-mode.
 */
bool pvmmu_range_locked(const struct pvmmu_state *st, unsigned long base,
			unsigned long size);
/* The satp value of the kernel root (0 before SET_KERNEL_ROOT) */
unsigned long pvmmu_kernel_satp(struct pvmmu_state *st);

/*
 * satp control (the glue emulates S-mode satp writes with these).
 * pvmmu_satp_load() says whether @satp may be loaded on @hart: it must
 * have the kernel root's MODE and point at the kernel root or at a
 * registered root. On success the hart's load of the root is counted
 * (and its previous root's dropped) and the glue must write @satp.
 */
int pvmmu_satp_load(struct pvmmu_state *st, unsigned long hart,
		    unsigned long satp);
/* The hart stopped: it no longer holds its root */
void pvmmu_hart_stopped(struct pvmmu_state *st, unsigned long hart);
/* Count one event of a STATS counter kept by the glue (traps, fences) */
void pvmmu_count(struct pvmmu_state *st, unsigned long hart,
		 unsigned int counter);
/*
 * Instruction counts of UPDATE's phases (STATS INSN_*): the glue gives the
 * count at the trap entry before the call, and says when it returns.
 */
static inline void pvmmu_mark_trap(struct pvmmu_state *st,
				   unsigned long hart, unsigned long insn)
{
	if (hart < PVMMU_MAX_HARTS) {
		st->harts[hart].trap_insn = insn;
		st->harts[hart].exit_insn = 0;
	}
}

static inline void pvmmu_mark_return(struct pvmmu_state *st,
				     unsigned long hart)
{
	struct pvmmu_hart *h;

	if (hart >= PVMMU_MAX_HARTS)
		return;
	h = &st->harts[hart];
	if (h->exit_insn) {
		h->stats[SBI_PVMMU_STAT_INSN_EXIT] +=
			pvmmu_insn_count() - h->exit_insn;
		h->exit_insn = 0;
	}
}

/* Did the last UPDATE of @hart store a valid entry? Clears the flag. */
static inline bool pvmmu_take_fence(struct pvmmu_state *st,
				    unsigned long hart)
{
	bool fence;

	if (hart >= PVMMU_MAX_HARTS)
		return false;
	fence = st->harts[hart].need_fence;
	st->harts[hart].need_fence = false;
	return fence;
}

#endif
