// SPDX-License-Identifier: BSD-2-Clause
/*
 * PVMMU core: typing, validation and application of page-table updates
 * requested by S-mode (see include/sbi/sbi_pvmmu_abi.h for the ABI and
 * docs/FIRMWARE-NOTES.md for the rules). Portable: no CSR, no device, no
 * global state; memory is reached through pvmmu_phys().
 *
 * Concurrency: every PTE read-modify-write is a CAS loop, because the
 * hardware page walker may set A/D bits in pool pages at any time. The
 * page metadata words change only by CAS. A striped spinlock (by target
 * page) is held around the validate+CAS of an update and around the
 * release of a page, so a page cannot be scrubbed under an update.
 */
#include <sbi/sbi_ecall_interface.h>
#include "pvmmu_core.h"

/* ---- memory map checks */

/* [base, base + size) lies inside one of the @count ranges of @r */
static bool range_inside_one(const struct pvmmu_range *r, unsigned int count,
			     unsigned long base, unsigned long size)
{
	unsigned int i;

	for (i = 0; i < count; i++, r++) {
		if (base >= r->base && base - r->base <= r->size &&
		    size <= r->size - (base - r->base))
			return true;
	}
	return false;
}

/*
 * Callers pass a nonzero size; one that wraps is longer than the rest of
 * any RAM range, which range_inside_one() refuses.
 */
static bool range_in_ram(const struct pvmmu_state *st, unsigned long base,
			 unsigned long size)
{
	return range_inside_one(st->ram, st->ram_count, base, size);
}

/*
 * Plain RAM that S-mode owns: inside one RAM range, outside firmware and
 * pool; that is, inside one segment of s_ram (see set_s_ram()).
 */
static __always_inline bool range_is_s_ram(const struct pvmmu_state *st,
					   unsigned long base,
					   unsigned long size)
{
	if (!size || base + size < base)
		return false;
	return range_inside_one(st->s_ram, st->s_ram_count, base, size);
}

/* MMIO that the FDT gives to S-mode: the whole range in one region */
static bool range_is_s_mmio(const struct pvmmu_state *st, unsigned long base,
			    unsigned long size)
{
	return range_inside_one(st->mmio, st->mmio_count, base, size);
}

/* ---- counters */

/* Per-hart counters: only their own hart writes them, no atomic needed */
static void stat_inc(struct pvmmu_state *st, unsigned long hart,
		     unsigned int counter, unsigned long n)
{
	/* An aligned word store: a reader on another hart sees it whole */
	st->harts[hart].stats[counter] += n;
}

static bool hart_ok(const struct pvmmu_state *st, unsigned long hart)
{
	return hart < PVMMU_MAX_HARTS && (st->hart_mask & (1UL << hart));
}

/* ---- page helpers */

static u64 *pte_ptr(const struct pvmmu_state *st, unsigned long pa)
{
	return pvmmu_phys(st, pa);
}

static void page_zero(const struct pvmmu_state *st, unsigned long pa)
{
	u64 *p = pte_ptr(st, pa);
	unsigned int i;

	/* Atomic stores: the walker may CAS A/D bits in this page */
	for (i = 0; i < PVMMU_PTES_PER_PAGE; i++)
		__atomic_store_n(&p[i], 0, __ATOMIC_RELAXED);
}

/* Only meaningful once the kernel root is set */
static unsigned int root_level(const struct pvmmu_state *st)
{
	return (unsigned int)(pvmmu_load64((u64 *)&st->kroot) & 7) - 1;
}

static unsigned long kroot_pa(const struct pvmmu_state *st)
{
	return (unsigned long)(pvmmu_load64((u64 *)&st->kroot) &
			       ~(PVMMU_PAGE_SIZE - 1));
}

/* The kernel root is a (frozen) pool table: KERNEL_ADOPT succeeded */
static bool kernel_adopted(const struct pvmmu_state *st)
{
	unsigned long pa = kroot_pa(st);

	return pa && pvmmu_in_pool(st, pa, PVMMU_PAGE_SIZE);
}

/* ---- init */

/* Append [lo, hi) to s_ram if it is not empty */
static void add_s_ram(struct pvmmu_state *st, unsigned long lo,
		      unsigned long hi)
{
	if (hi > lo) {
		st->s_ram[st->s_ram_count].base = lo;
		st->s_ram[st->s_ram_count++].size = hi - lo;
	}
}

/*
 * Cut the firmware and the pool out of every RAM range, once: the leaf
 * checks then ask one question per segment. Every range [a, b) here
 * ends at most at -1UL (the memory map was checked not to wrap).
 */
static void set_s_ram(struct pvmmu_state *st)
{
	struct pvmmu_range holes[2] = { st->fw,
					{ st->pool_base, st->pool_size } };
	unsigned long lo, hi, cur, h_lo, h_hi;
	unsigned int i, j;

	/* Low hole first */
	if (holes[1].base < holes[0].base) {
		holes[0] = holes[1];
		holes[1] = st->fw;
	}
	st->s_ram_count = 0;
	/* A hole that wraps overlaps everything (pvmmu_range_overlaps()) */
	for (j = 0; j < 2; j++)
		if (holes[j].base + holes[j].size < holes[j].base)
			return;
	for (i = 0; i < st->ram_count; i++) {
		lo = st->ram[i].base;
		hi = lo + st->ram[i].size;
		if (hi < lo)
			hi = -1UL;
		cur = lo;
		for (j = 0; j < 2; j++) {
			h_lo = holes[j].base;
			h_hi = h_lo + holes[j].size;
			if (!holes[j].size || h_hi <= cur || h_lo >= hi)
				continue;
			add_s_ram(st, cur, h_lo);
			cur = h_hi > cur ? h_hi : cur;
		}
		if (cur < hi)
			add_s_ram(st, cur, hi);
	}
}

static bool range_overlaps_ram(const struct pvmmu_state *st,
			       const struct pvmmu_range *r)
{
	unsigned int i;

	for (i = 0; i < st->ram_count; i++)
		if (pvmmu_range_overlaps(r->base, r->size, st->ram[i].base,
					 st->ram[i].size))
			return true;
	return false;
}

int pvmmu_init(struct pvmmu_state *st, const struct pvmmu_config *cfg)
{
	unsigned long pa, pages;
	unsigned int i;

	__builtin_memset(st, 0, sizeof(*st));

	if (!cfg->ram_count || cfg->ram_count > PVMMU_MAX_RAM ||
	    !cfg->hart_mask || !cfg->meta)
		return SBI_ERR_INVALID_PARAM;
	st->phys_offset = cfg->phys_offset;
	for (i = 0; i < cfg->ram_count; i++)
		st->ram[i] = cfg->ram[i];
	st->ram_count = cfg->ram_count;
	st->fw = cfg->fw;
	/* Again once the pool is known: a failed init keeps these */
	set_s_ram(st);
	if (cfg->mmio_count > PVMMU_MAX_MMIO ||
	    (cfg->mmio_count && !cfg->mmio))
		return SBI_ERR_INVALID_PARAM;
	for (i = 0; i < cfg->mmio_count; i++) {
		/* MMIO is never RAM, firmware or pool */
		if (!cfg->mmio[i].size ||
		    cfg->mmio[i].base + cfg->mmio[i].size < cfg->mmio[i].base ||
		    range_overlaps_ram(st, &cfg->mmio[i]) ||
		    pvmmu_range_overlaps(cfg->mmio[i].base, cfg->mmio[i].size,
					 st->fw.base, st->fw.size))
			return SBI_ERR_INVALID_PARAM;
		st->mmio[i] = cfg->mmio[i];
	}
	st->mmio_count = cfg->mmio_count;
	st->features = (cfg->features &
			(SBI_PVMMU_FEAT_SVNAPOT | SBI_PVMMU_FEAT_SVPBMT |
			 SBI_PVMMU_FEAT_SATP_LOCKED)) |
		       SBI_PVMMU_FEAT_KERNEL_TABLES | SBI_PVMMU_FEAT_TEXT_POKE;
	st->hart_mask = cfg->hart_mask;
	if (PVMMU_MAX_HARTS < 8 * sizeof(long))
		st->hart_mask &= (1UL << PVMMU_MAX_HARTS) - 1;

	pages = cfg->pool_size >> PVMMU_PAGE_SHIFT;
	if (!cfg->pool_base || !pages ||
	    ((cfg->pool_base | cfg->pool_size) & (PVMMU_PAGE_SIZE - 1)) ||
	    pages > cfg->meta_entries ||
	    !range_in_ram(st, cfg->pool_base, cfg->pool_size) ||
	    pvmmu_range_overlaps(cfg->pool_base, cfg->pool_size,
				 st->fw.base, st->fw.size))
		return SBI_ERR_INVALID_PARAM;
	st->pool_base = cfg->pool_base;
	st->pool_size = cfg->pool_size;
	st->pool_pages = pages;
	st->meta = cfg->meta;
	set_s_ram(st);

	/* Free pages are always zero: typing and release rely on it */
	for (i = 0; i < pages; i++) {
		st->meta[i] = 0;
		pa = st->pool_base + ((unsigned long)i << PVMMU_PAGE_SHIFT);
		page_zero(st, pa);
	}
	return SBI_SUCCESS;
}

/* ---- GET_INFO, SET_SHMEM, SET_KERNEL_ROOT */

int pvmmu_get_info(struct pvmmu_state *st, unsigned long selector,
		   unsigned long *value)
{
	switch (selector) {
	case SBI_PVMMU_INFO_VERSION:
		*value = SBI_PVMMU_VERSION;
		break;
	case SBI_PVMMU_INFO_FEATURES:
		*value = st->features;
		break;
	case SBI_PVMMU_INFO_POOL_BASE:
		*value = st->pool_base;
		break;
	case SBI_PVMMU_INFO_POOL_SIZE:
		*value = st->pool_size;
		break;
	case SBI_PVMMU_INFO_MAX_BATCH:
		*value = PVMMU_MAX_BATCH;
		break;
	case SBI_PVMMU_INFO_KERNEL_ROOT:
		*value = kernel_adopted(st) ? kroot_pa(st) : 0;
		break;
	case SBI_PVMMU_INFO_MAX_TEXT_SITES:
		*value = PVMMU_MAX_TEXT_SITES;
		break;
	default:
		return SBI_ERR_INVALID_PARAM;
	}
	return SBI_SUCCESS;
}

/* The firmware writes old values there: never into a locked range */
static bool shmem_ok(const struct pvmmu_state *st, unsigned long pa)
{
	return range_is_s_ram(st, pa, PVMMU_SHMEM_SIZE) &&
	       !pvmmu_range_locked(st, pa, PVMMU_SHMEM_SIZE);
}

int pvmmu_set_shmem(struct pvmmu_state *st, unsigned long hart,
		    unsigned long lo, unsigned long hi, unsigned long flags)
{
	struct pvmmu_hart *h = &st->harts[hart];
	int rc = SBI_SUCCESS;

	if (flags)
		return SBI_ERR_INVALID_PARAM;
	if (lo == SBI_PVMMU_SHMEM_DISABLE && hi == SBI_PVMMU_SHMEM_DISABLE) {
		h->shmem_set = false;
		h->shmem = 0;
		return SBI_SUCCESS;
	}
	if (hi || (lo & (PVMMU_SHMEM_ALIGN - 1)))
		return SBI_ERR_INVALID_PARAM;
	/*
	 * Checked here once for all UPDATE calls: with the KERNEL_LOCK
	 * serialisation, so that no lock can come to cover it later.
	 */
	pvmmu_lock(&st->locking);
	if (!shmem_ok(st, lo))
		rc = SBI_ERR_INVALID_ADDRESS;
	else if (h->shmem_set)
		rc = SBI_ERR_ALREADY_AVAILABLE;
	else {
		h->shmem = lo;
		__atomic_store_n(&h->shmem_set, true, __ATOMIC_RELEASE);
	}
	pvmmu_unlock(&st->locking);
	return rc;
}

/* Does a hart's registered batch buffer overlap [base, base + size)? */
static bool shmem_overlaps(const struct pvmmu_state *st, unsigned long base,
			   unsigned long size)
{
	unsigned int i;

	for (i = 0; i < PVMMU_MAX_HARTS; i++)
		if (__atomic_load_n(&st->harts[i].shmem_set, __ATOMIC_ACQUIRE) &&
		    pvmmu_range_overlaps(base, size, st->harts[i].shmem,
					 PVMMU_SHMEM_SIZE))
			return true;
	return false;
}

int pvmmu_set_kernel_root(struct pvmmu_state *st, unsigned long pa,
			  unsigned long levels)
{
	u64 none = 0;

	if (levels < 3 || levels > 5)
		return SBI_ERR_INVALID_PARAM;
	if ((pa & (PVMMU_PAGE_SIZE - 1)) ||
	    !range_is_s_ram(st, pa, PVMMU_PAGE_SIZE))
		return SBI_ERR_INVALID_ADDRESS;
	/* Once per boot, even if two harts race */
	if (!pvmmu_cas64(&st->kroot, &none, (u64)pa | levels))
		return SBI_ERR_ALREADY_AVAILABLE;
	return SBI_SUCCESS;
}

/* ---- PT_REGISTER, PT_RELEASE */

/*
 * Copy the kernel half of the kernel root into a new root.
 *
 * Adopted (the kernel root is a frozen pool table): each table entry is
 * a link like any other and takes a reference on the kernel table it
 * points to, so no kernel table can be released while a root reaches it.
 *
 * Before adoption the kernel root is S-writable, so each entry is read
 * once and checked as copied: a table entry into the pool would be a
 * link without a reference.
 */
static int copy_kernel_half(struct pvmmu_state *st, unsigned long pa)
{
	u64 *src = pte_ptr(st, kroot_pa(st)), *dst = pte_ptr(st, pa), e;
	bool linked = kernel_adopted(st);
	unsigned int i, links = 0;

	for (i = PVMMU_KERNEL_HALF; i < PVMMU_PTES_PER_PAGE; i++) {
		e = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
		if (pvmmu_pte_is_table(e) && linked) {
			if (pvmmu_ref_get(st, pvmmu_pte_pa(e),
					  root_level(st) - 1))
				goto unlink;
			links++;
		} else if (pvmmu_pte_is_table(e) &&
			   pvmmu_range_overlaps(pvmmu_pte_pa(e), PVMMU_PAGE_SIZE,
						st->pool_base, st->pool_size)) {
			return SBI_ERR_DENIED;
		}
		__atomic_store_n(&dst[i], e, __ATOMIC_RELAXED);
	}
	pvmmu_add_long(&st->links, links);
	return SBI_SUCCESS;

unlink:
	/* Cannot happen while the kernel root is frozen; undo all the same */
	while (i-- > PVMMU_KERNEL_HALF) {
		e = __atomic_load_n(&dst[i], __ATOMIC_RELAXED);
		if (pvmmu_pte_is_table(e))
			pvmmu_ref_put(st, pvmmu_pte_pa(e));
	}
	return SBI_ERR_DENIED;
}

int pvmmu_pt_register(struct pvmmu_state *st, unsigned long hart,
		      unsigned long pa, unsigned long level,
		      unsigned long flags)
{
	bool root = flags & SBI_PVMMU_PT_ROOT;
	bool kernel = flags & SBI_PVMMU_PT_KERNEL;
	u32 *meta, m = 0;
	int rc;

	if ((pa & (PVMMU_PAGE_SIZE - 1)) ||
	    !pvmmu_in_pool(st, pa, PVMMU_PAGE_SIZE))
		return SBI_ERR_INVALID_ADDRESS;
	if ((flags & ~(SBI_PVMMU_PT_ROOT | SBI_PVMMU_PT_KERNEL)) ||
	    (kernel && !root))
		return SBI_ERR_INVALID_PARAM;
	/* The root level is only known, and fixed, from SET_KERNEL_ROOT on */
	if (!pvmmu_load64(&st->kroot))
		return SBI_ERR_DENIED;
	/* Exactly the roots sit at the root level */
	if (level > root_level(st) || root != (level == root_level(st)))
		return SBI_ERR_INVALID_PARAM;
	/* One kernel root per boot: none is built once one is adopted */
	if (kernel && kernel_adopted(st))
		return SBI_ERR_DENIED;

	/* FREE -> BUSY: nobody can link, update or release it meanwhile */
	meta = pvmmu_meta_of(st, pa);
	if (!pvmmu_cas32(meta, &m, pvmmu_meta_make(PVMMU_STATE_BUSY, false, 0)))
		return SBI_ERR_ALREADY_AVAILABLE;

	page_zero(st, pa);
	if (kernel) {
		/* Its leaves, and every leaf from now on, obey the kernel rules */
		pvmmu_store32(&st->kernel_rules, 1);
	} else if (root) {
		rc = copy_kernel_half(st, pa);
		if (rc) {
			/* Back to a free (zero) page: nothing changed */
			page_zero(st, pa);
			pvmmu_store32(meta, 0);
			return rc;
		}
	}

	pvmmu_store32(meta, pvmmu_meta_make(PVMMU_STATE_TYPED + level,
					    (root ? PVMMU_META_ROOT : 0) |
					    (kernel ? PVMMU_META_KERNEL : 0),
					    0));
	pvmmu_add_long(&st->pages_typed, 1);
	stat_inc(st, hart, SBI_PVMMU_STAT_REGISTERED, 1);
	return SBI_SUCCESS;
}

int pvmmu_pt_release(struct pvmmu_state *st, unsigned long hart,
		     unsigned long pa)
{
	struct pvmmu_lock *lock;
	unsigned int i, n;
	u32 *meta, m;
	u64 *ptes, e;
	int rc = SBI_SUCCESS;

	if ((pa & (PVMMU_PAGE_SIZE - 1)) ||
	    !pvmmu_in_pool(st, pa, PVMMU_PAGE_SIZE))
		return SBI_ERR_INVALID_ADDRESS;

	/* The adopted kernel root is never released */
	if (pa == kroot_pa(st))
		return SBI_ERR_DENIED;

	lock = pvmmu_lock_of(st, pa);
	pvmmu_lock(lock);

	/*
	 * typed and unreferenced -> RELEASING: no new link can be made. A
	 * root's count is the harts that have it in satp: a loaded root
	 * stays.
	 */
	meta = pvmmu_meta_of(st, pa);
	m = pvmmu_load32(meta);
	do {
		if (!pvmmu_meta_typed(m)) {
			rc = SBI_ERR_INVALID_PARAM;
			goto out;
		}
		if (pvmmu_meta_refs(m)) {
			rc = SBI_ERR_DENIED;
			goto out;
		}
	} while (!pvmmu_cas32(meta, &m,
			      pvmmu_meta_make(PVMMU_STATE_RELEASING,
					      m & PVMMU_META_ROOT, 0)));

	/*
	 * Drop the references held by our entries. A root's kernel half holds
	 * them only when it was linked (adopted) or written (a kernel root
	 * under construction); before adoption it was a plain copy.
	 */
	n = PVMMU_PTES_PER_PAGE;
	if ((m & PVMMU_META_ROOT) && !(m & PVMMU_META_KERNEL) &&
	    !kernel_adopted(st))
		n = PVMMU_KERNEL_HALF;
	ptes = pte_ptr(st, pa);
	for (i = 0; i < n; i++) {
		e = pvmmu_load64(&ptes[i]);
		if (pvmmu_pte_is_table(e) &&
		    pvmmu_in_pool(st, pvmmu_pte_pa(e), PVMMU_PAGE_SIZE)) {
			pvmmu_ref_put(st, pvmmu_pte_pa(e));
			pvmmu_add_long(&st->links, -1);
		}
	}
	page_zero(st, pa);
	pvmmu_store32(meta, 0);

	pvmmu_add_long(&st->pages_typed, -1);
	stat_inc(st, hart, SBI_PVMMU_STAT_RELEASED, 1);
out:
	pvmmu_unlock(lock);
	return rc;
}

/* ---- UPDATE */

/*
 * The memory a valid leaf at @level maps. Returns INVALID_PARAM for a
 * malformed leaf (misaligned PPN, an undefined NAPOT size).
 */
static __always_inline int leaf_range(const struct pvmmu_state *st,
				      unsigned int level, u64 v,
				      unsigned long *base, unsigned long *size)
{
	unsigned long ppn = (v >> PTE_PPN_SHIFT) & PTE_PPN_MASK;

	if (ppn & ((1UL << (9 * level)) - 1))
		return SBI_ERR_INVALID_PARAM;
	*base = ppn << PVMMU_PAGE_SHIFT;
	*size = PVMMU_PAGE_SIZE << (9 * level);
	if (v & PTE_N) {
		/* Svnapot defines only 64 KiB (ppn[3:0] = 1000) at level 0 */
		if (!(st->features & SBI_PVMMU_FEAT_SVNAPOT) || level ||
		    (ppn & 0xf) != 0x8)
			return SBI_ERR_INVALID_PARAM;
		*base = (ppn & ~0xfUL) << PVMMU_PAGE_SHIFT;
		*size = 16 * PVMMU_PAGE_SIZE;
	}
	return SBI_SUCCESS;
}

bool pvmmu_range_locked(const struct pvmmu_state *st, unsigned long base,
			unsigned long size)
{
	unsigned long hi = pvmmu_read_long((unsigned long *)&st->locked_hi);
	unsigned long lbase, lsize;
	unsigned int k;

	/* A range that wraps overlaps everything (pvmmu_range_overlaps()) */
	if (base + size < base)
		return hi != 0;
	/* Cheap first: entirely outside the span of every locked range */
	if (!hi || base >= hi ||
	    base + size <= pvmmu_read_long((unsigned long *)&st->locked_lo))
		return false;
	for (k = 0; k < SBI_PVMMU_LOCK_KINDS; k++) {
		lbase = pvmmu_read_long((unsigned long *)&st->locked[k].base);
		lsize = pvmmu_read_long((unsigned long *)&st->locked[k].size);
		if (lsize && base < lbase + lsize && lbase < base + size)
			return true;
	}
	return false;
}

/*
 * The kernel rules (see the ABI header): W^X for leaves without U, no
 * writable leaf over a locked range, and read-only kernel views of the
 * pool. Returns SUCCESS for a leaf they accept over the pool too.
 */
static int check_kernel_leaf(const struct pvmmu_state *st, u64 v,
			     unsigned long base, unsigned long size)
{
	if ((v & (PTE_W | PTE_X | PTE_U)) == (PTE_W | PTE_X))
		return SBI_ERR_DENIED;
	if ((v & PTE_W) && pvmmu_range_locked(st, base, size))
		return SBI_ERR_DENIED;
	if (range_is_s_ram(st, base, size) || range_is_s_mmio(st, base, size))
		return SBI_SUCCESS;
	/* RAM that includes pool pages, never the firmware: read it only */
	if (range_in_ram(st, base, size) &&
	    !pvmmu_range_overlaps(base, size, st->fw.base, st->fw.size) &&
	    !(v & (PTE_W | PTE_X | PTE_U)))
		return SBI_SUCCESS;
	return SBI_ERR_DENIED;
}

/* Checks a value about to be stored at @level (table entry targets excluded) */
static int check_pte(const struct pvmmu_state *st, unsigned int level, u64 v)
{
	unsigned long base, size, pbmt;
	int rc;

	if (!(v & PTE_V))
		return SBI_SUCCESS;	/* swap/migration entries stay opaque */

	if (!(v & PTE_RWX)) {
		if (!level)
			return SBI_ERR_DENIED;
		if (v & PTE_NONLEAF_RSVD)
			return SBI_ERR_INVALID_PARAM;
		return SBI_SUCCESS;
	}

	if ((v & PTE_W) && !(v & PTE_R))
		return SBI_ERR_INVALID_PARAM;
	if (level > 2)
		return SBI_ERR_INVALID_PARAM;
	if (v & PTE_RSVD_MASK)
		return SBI_ERR_INVALID_PARAM;
	pbmt = (v & PTE_PBMT_MASK) >> PTE_PBMT_SHIFT;
	if (pbmt && (!(st->features & SBI_PVMMU_FEAT_SVPBMT) || pbmt == 3))
		return SBI_ERR_INVALID_PARAM;
	rc = leaf_range(st, level, v, &base, &size);
	if (rc)
		return rc;

	if (pvmmu_load32((u32 *)&st->kernel_rules))
		return check_kernel_leaf(st, v, base, size);
	/* S-mode's own RAM, or MMIO given to S-mode: nothing of ours */
	if (!range_is_s_ram(st, base, size) && !range_is_s_mmio(st, base, size))
		return SBI_ERR_DENIED;
	return SBI_SUCCESS;
}

/*
 * Does @new keep @old's user leaf on the same page: the PPN, N, PBMT, the
 * reserved bits, V and U as they were, R, W and X a valid leaf's (W keeps
 * R), only they and the bits no rule reads on a user leaf (G, A, D, the
 * software bits) changed?
 * Then the rules give @new what they gave @old, but for the one rule that
 * reads a permission of a user leaf: no writable leaf over a locked range.
 * Every valid user leaf in a typed table was checked at this level by the
 * rules in force now (a user leaf meets the kernel rules whenever it met
 * the others: only S-mode RAM or MMIO takes one; and KERNEL_LOCK refuses
 * a range under a writable leaf).
 */
static __always_inline bool user_leaf_same_page(u64 old, u64 new)
{
	const u64 free_bits = PTE_RWX | PTE_G | PTE_A | PTE_D | PTE_SOFT;

	/*
	 * A clear (the most common entry) fails the first test. @old is a
	 * leaf: check_pte() never lets a pointer (no R, W, X) carry U.
	 */
	return (new & PTE_RWX) &&
	       (old & (PTE_V | PTE_U)) == (PTE_V | PTE_U) &&
	       !((old ^ new) & ~free_bits) &&
	       (!(new & PTE_W) || (new & PTE_R));
}

/*
 * Does @new at @level pass check_pte() because @old did (see
 * user_leaf_same_page())? The fast path of mprotect() and of fork()'s
 * write protection; a W added still meets the locked ranges.
 */
static __always_inline bool user_leaf_unchecked(const struct pvmmu_state *st,
						unsigned int level, u64 old,
						u64 new)
{
	unsigned long base, size;

	if (!user_leaf_same_page(old, new))
		return false;
	if (!(new & ~old & PTE_W))
		return true;
	/* leaf_range() of @old's PPN and N, which passed it at this level */
	size = (new & PTE_N) ? 16 * PVMMU_PAGE_SIZE :
			       PVMMU_PAGE_SIZE << (9 * level);
	base = (((new >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << PVMMU_PAGE_SHIFT) &
	       ~(size - 1);
	return !pvmmu_range_locked(st, base, size);
}

static u64 compute_new(unsigned int op, u64 old, u64 value)
{
	switch (op) {
	case SBI_PVMMU_OP_AND:
		return old & value;
	case SBI_PVMMU_OP_OR:
		return old | value;
	case SBI_PVMMU_OP_STORE_KEEP_AD:
		return value | (old & (PTE_A | PTE_D));
	default:	/* STORE, XCHG */
		return value;
	}
}

/*
 * The table page an UPDATE's entries write, locked, with its metadata.
 * Consecutive entries in one page (the usual case: a run of PTEs) share
 * one lock and one metadata lookup. The lock keeps the page typed (a
 * release takes it), so the metadata's type, level and flags hold for
 * the whole run; only the reference count moves, and it is not used.
 */
struct update_run {
	struct pvmmu_lock *lock;	/* NULL: nothing locked */
	unsigned long page;
	unsigned int level;
	/* Entries from this index on are refused (DENIED) */
	unsigned int denied_from;
	/* The last entry applied needed no checks (see quick_run()) */
	bool quick;
};

static void run_end(struct update_run *run)
{
	if (run->lock)
		pvmmu_unlock(run->lock);
	run->lock = NULL;
}

/* Make @page the locked page of @run: SUCCESS if it is a typed table */
static int run_enter(struct pvmmu_state *st, struct update_run *run,
		     unsigned long page)
{
	u32 m;

	if (run->lock && page == run->page)
		return SBI_SUCCESS;
	run_end(run);
	if (!pvmmu_in_pool(st, page, PVMMU_PAGE_SIZE))
		return SBI_ERR_INVALID_ADDRESS;
	run->lock = pvmmu_lock_of(st, page);
	pvmmu_lock(run->lock);
	run->page = page;
	m = pvmmu_load32(pvmmu_meta_of(st, page));
	run->level = pvmmu_meta_level(m);
	/*
	 * A root's kernel half is the firmware's copy of the kernel root's,
	 * except while a kernel root is built; the adopted one is frozen
	 * (and adoption needs every other hart stopped: no run is open).
	 */
	run->denied_from = PVMMU_PTES_PER_PAGE;
	if (page == kroot_pa(st))
		run->denied_from = 0;
	else if ((m & PVMMU_META_ROOT) && !(m & PVMMU_META_KERNEL))
		run->denied_from = PVMMU_KERNEL_HALF;
	return pvmmu_meta_typed(m) ? SBI_SUCCESS : SBI_ERR_INVALID_ADDRESS;
}

/*
 * STORE or XCHG of 0 (most entries of munmap, exit and MADV_DONTNEED):
 * 0 passes every rule at every level and links nothing, so one exchange
 * applies it whatever the walker does to A/D meanwhile.
 */
static __always_inline bool entry_is_clear(u64 target, u64 value)
{
	unsigned int op = (unsigned int)(target & SBI_PVMMU_OP_MASK);

	return !value && (op == SBI_PVMMU_OP_STORE || op == SBI_PVMMU_OP_XCHG);
}

/* @old was replaced: a link to a pool table drops its reference */
static __always_inline void drop_link(struct pvmmu_state *st, u64 old)
{
	if (pvmmu_pte_is_table(old) &&
	    pvmmu_in_pool(st, pvmmu_pte_pa(old), PVMMU_PAGE_SIZE)) {
		pvmmu_ref_put(st, pvmmu_pte_pa(old));
		pvmmu_add_long(&st->links, -1);
	}
}

/*
 * Store @op with @value at @pte of @run's table, checked: *@oldp gets
 * the previous value, *@newp the stored one, *@checked the instruction
 * count once it was validated.
 */
static int store_checked(struct pvmmu_state *st, struct update_run *run,
			 u64 *pte, unsigned int op, u64 value, u64 *oldp,
			 u64 *newp, unsigned long *checked)
{
	unsigned int level = run->level;
	unsigned long child = 0;
	bool linked = false;
	u64 old, new;
	int rc;

	/* The run's lock orders it; the CAS below catches a walker's A/D */
	old = __atomic_load_n(pte, __ATOMIC_RELAXED);
	for (;;) {
		new = compute_new(op, old, value);
		run->quick = user_leaf_unchecked(st, level, old, new);
		if (run->quick) {
			pvmmu_host_assert(!check_pte(st, level, new));
			rc = SBI_SUCCESS;
		} else {
			rc = check_pte(st, level, new);
		}
		if (rc)
			return rc;
		linked = pvmmu_pte_is_table(new);
		if (linked) {
			/* Reference first, so the child cannot be released */
			child = pvmmu_pte_pa(new);
			rc = pvmmu_ref_get(st, child, level - 1);
			if (rc)
				return rc;
		}
		*checked = pvmmu_insn_count();
		/* Fails if the walker changed A/D meanwhile: recompute */
		if (pvmmu_cas64(pte, &old, new))
			break;
		if (linked)
			pvmmu_ref_put(st, child);
	}
	if (linked)
		pvmmu_add_long(&st->links, 1);
	*oldp = old;
	*newp = new;
	return SBI_SUCCESS;
}

/*
 * Apply one entry inside @run: *@oldp gets the previous value, *@valid
 * whether V is set now, *@checked the instruction count once it was
 * validated.
 */
static int apply_one(struct pvmmu_state *st, struct update_run *run,
		     u64 target, u64 value, u64 *oldp, bool *valid,
		     unsigned long *checked)
{
	unsigned long pa = (unsigned long)(target & ~SBI_PVMMU_OP_MASK);
	unsigned long page = pa & ~(PVMMU_PAGE_SIZE - 1);
	unsigned int op = (unsigned int)(target & SBI_PVMMU_OP_MASK);
	u64 *pte, old, new = 0;
	int rc;

	rc = run_enter(st, run, page);
	if (rc)
		return rc;
	if (op > SBI_PVMMU_OP_STORE_KEEP_AD)
		return SBI_ERR_INVALID_PARAM;
	if (((pa & (PVMMU_PAGE_SIZE - 1)) >> 3) >= run->denied_from)
		return SBI_ERR_DENIED;

	pte = pte_ptr(st, pa);
	run->quick = entry_is_clear(target, value);
	if (run->quick) {
		pvmmu_host_assert(!check_pte(st, run->level, 0));
		*checked = pvmmu_insn_count();
		old = pvmmu_xchg64(pte, 0);
	} else {
		rc = store_checked(st, run, pte, op, value, &old, &new,
				   checked);
		if (rc)
			return rc;
	}

	drop_link(st, old);
	*oldp = old;
	*valid = new & PTE_V;
	return SBI_SUCCESS;
}

/*
 * After an entry of @run that needed no checks: apply the entries after
 * it, from @i on, that need none either, the way apply_one() would,
 * without its per-entry lookups: clears (one exchange, the replaced link
 * dropped) and user leaves that keep their page (see
 * user_leaf_unchecked(); a CAS against the walker's A/D). Stops at another
 * page, a root's kernel half, an op that does not exist or an entry that
 * needs checking, which the checked path then takes. Returns how many it
 * applied; *@valid is set when one of them left a valid entry.
 */
static unsigned long quick_run(struct pvmmu_state *st,
			       const struct update_run *run,
			       struct sbi_pvmmu_entry *ents, unsigned long i,
			       unsigned long count, bool *valid)
{
	unsigned long n, pa;
	u64 target, value, old, new, *pte;
	unsigned int op;

	for (n = i; n < count; n++) {
		target = __atomic_load_n(&ents[n].target, __ATOMIC_RELAXED);
		value = __atomic_load_n(&ents[n].value, __ATOMIC_RELAXED);
		pa = (unsigned long)(target & ~SBI_PVMMU_OP_MASK);
		op = (unsigned int)(target & SBI_PVMMU_OP_MASK);
		if ((pa & ~(PVMMU_PAGE_SIZE - 1)) != run->page ||
		    ((pa & (PVMMU_PAGE_SIZE - 1)) >> 3) >= run->denied_from ||
		    op > SBI_PVMMU_OP_STORE_KEEP_AD)
			break;
		pte = pte_ptr(st, pa);
		if (entry_is_clear(target, value)) {
			old = pvmmu_xchg64(pte, 0);
			drop_link(st, old);
		} else {
			old = __atomic_load_n(pte, __ATOMIC_RELAXED);
			do {
				new = compute_new(op, old, value);
				if (!user_leaf_unchecked(st, run->level, old,
							 new))
					return n - i;
				pvmmu_host_assert(!check_pte(st, run->level,
							     new));
			} while (!pvmmu_cas64(pte, &old, new));
			*valid = true;
		}
		__atomic_store_n(&ents[n].old, old, __ATOMIC_RELAXED);
	}
	return n - i;
}

/* UPDATE, inlined into its one caller (the hot call's frame is set up once) */
static __always_inline int pvmmu_update(struct pvmmu_state *st,
					unsigned long hart,
					unsigned long count,
					unsigned long first,
					unsigned long *applied)
{
	struct pvmmu_hart *h = &st->harts[hart];
	unsigned long i = first, start = pvmmu_insn_count(), checks;
	unsigned long checked, apply_insn = 0, end;
	struct update_run run = { 0 };
	struct sbi_pvmmu_entry *ents;
	u64 target, value, old = 0;
	bool valid = false;
	int rc = SBI_SUCCESS;

	/*
	 * The buffer was checked when it was registered, and KERNEL_LOCK
	 * refuses a range that holds a registered buffer.
	 */
	if (!h->shmem_set)
		rc = SBI_ERR_NO_SHMEM;
	else if (!count || count > PVMMU_MAX_BATCH || first >= count)
		rc = SBI_ERR_INVALID_PARAM;
	checks = pvmmu_insn_count();

	ents = pvmmu_phys(st, h->shmem);
	for (; !rc && i < count; i++) {
		/* Copy in once: S-mode may rewrite the buffer meanwhile */
		target = __atomic_load_n(&ents[i].target, __ATOMIC_RELAXED);
		value = __atomic_load_n(&ents[i].value, __ATOMIC_RELAXED);
		rc = apply_one(st, &run, target, value, &old, &valid,
			       &checked);
		if (rc)
			break;
		__atomic_store_n(&ents[i].old, old, __ATOMIC_RELAXED);
		/* A valid entry may be a new mapping: fence on return */
		h->need_fence |= valid;
		/* From the validated entry to here: its store */
		apply_insn += pvmmu_insn_count() - checked;
		/* The entries after it that need no checks: counted as stores */
		if (run.quick && i + 1 < count) {
			checked = pvmmu_insn_count();
			valid = false;
			i += quick_run(st, &run, ents, i + 1, count, &valid);
			h->need_fence |= valid;
			apply_insn += pvmmu_insn_count() - checked;
		}
	}
	run_end(&run);
	*applied = i - first;

	/* The counters, once per call (only this hart writes them) */
	end = pvmmu_insn_count();
	h->stats[SBI_PVMMU_STAT_UPDATE_CALLS]++;
	h->stats[SBI_PVMMU_STAT_ENTRIES] += *applied;
	h->stats[SBI_PVMMU_STAT_INSN_ENTRY] += start - h->trap_insn;
	h->stats[SBI_PVMMU_STAT_INSN_CHECKS] += checks - start;
	/* The rest of the loop: validation (a rejected entry's included) */
	h->stats[SBI_PVMMU_STAT_INSN_VALIDATE] += end - checks - apply_insn;
	h->stats[SBI_PVMMU_STAT_INSN_APPLY] += apply_insn;
	h->exit_insn = end;
	return rc;
}

/* ---- satp control */

/* Drop @hart's load of its pool root, if it has one */
static void root_unload(struct pvmmu_state *st, unsigned long hart)
{
	struct pvmmu_hart *h = &st->harts[hart];

	if (h->root) {
		pvmmu_ref_put(st, h->root);
		h->root = 0;
	}
}

/* Count a load of the root at @pa: it must stay typed as a root meanwhile */
static int root_load(struct pvmmu_state *st, unsigned long pa)
{
	u32 *meta, m;

	if ((pa & (PVMMU_PAGE_SIZE - 1)) ||
	    !pvmmu_in_pool(st, pa, PVMMU_PAGE_SIZE))
		return SBI_ERR_DENIED;
	meta = pvmmu_meta_of(st, pa);
	m = pvmmu_load32(meta);
	do {
		/* RELEASING and BUSY pages are not typed: refused too */
		if (!pvmmu_meta_typed(m) || !(m & PVMMU_META_ROOT) ||
		    pvmmu_meta_level(m) != root_level(st) ||
		    pvmmu_meta_refs(m) == PVMMU_META_REF_MASK)
			return SBI_ERR_DENIED;
	} while (!pvmmu_cas32(meta, &m, m + 1));
	return SBI_SUCCESS;
}

int pvmmu_satp_load(struct pvmmu_state *st, unsigned long hart,
		    unsigned long satp)
{
	u64 kroot = pvmmu_load64(&st->kroot);
	unsigned long mode = satp >> PVMMU_SATP_MODE_SHIFT;
	unsigned long pa = (satp & PVMMU_SATP_PPN_MASK) << PVMMU_PAGE_SHIFT;
	int rc = SBI_SUCCESS;

	if (!hart_ok(st, hart))
		return SBI_ERR_FAILED;
	/* Bare, or a walk of another depth than the tables were typed for */
	if (!kroot || mode != PVMMU_SATP_MODE_SV39 + (kroot & 7) - 3) {
		rc = SBI_ERR_INVALID_PARAM;
		goto out;
	}
	if (pa == (kroot & ~(PVMMU_PAGE_SIZE - 1))) {
		root_unload(st, hart);
		goto out;
	}
	rc = root_load(st, pa);
	if (rc)
		goto out;
	root_unload(st, hart);
	st->harts[hart].root = pa;
out:
	stat_inc(st, hart, rc ? SBI_PVMMU_STAT_SATP_REFUSED :
				  SBI_PVMMU_STAT_SATP, 1);
	return rc;
}

void pvmmu_hart_stopped(struct pvmmu_state *st, unsigned long hart)
{
	if (hart_ok(st, hart))
		root_unload(st, hart);
}

void pvmmu_count(struct pvmmu_state *st, unsigned long hart,
		 unsigned int counter)
{
	if (hart_ok(st, hart) && counter < SBI_PVMMU_STAT_COUNT)
		stat_inc(st, hart, counter, 1);
}

/* ---- KERNEL_ADOPT, KERNEL_LOCK */

static bool user_half_empty(const struct pvmmu_state *st, unsigned long pa)
{
	u64 *ptes = pte_ptr(st, pa);
	unsigned int i;

	for (i = 0; i < PVMMU_KERNEL_HALF; i++)
		if (pvmmu_load64(&ptes[i]))
			return false;
	return true;
}

/* Is a root other than @pa typed, or a page being registered? */
static bool other_root_or_busy(const struct pvmmu_state *st, unsigned long pa)
{
	unsigned long i, self = (pa - st->pool_base) >> PVMMU_PAGE_SHIFT;
	u32 m;

	for (i = 0; i < st->pool_pages; i++) {
		m = pvmmu_load32(&st->meta[i]);
		if (i != self && ((m & PVMMU_META_ROOT) ||
				  pvmmu_meta_state(m) == PVMMU_STATE_BUSY))
			return true;
	}
	return false;
}

int pvmmu_kernel_adopt(struct pvmmu_state *st, unsigned long hart,
		       unsigned long pa)
{
	u64 kroot = pvmmu_load64(&st->kroot);
	u32 *meta, m;

	if (!kroot)
		return SBI_ERR_DENIED;
	if (kernel_adopted(st))
		return SBI_ERR_ALREADY_AVAILABLE;
	if ((pa & (PVMMU_PAGE_SIZE - 1)) ||
	    !pvmmu_in_pool(st, pa, PVMMU_PAGE_SIZE))
		return SBI_ERR_INVALID_ADDRESS;
	meta = pvmmu_meta_of(st, pa);
	m = pvmmu_load32(meta);
	if (!pvmmu_meta_typed(m) || !(m & PVMMU_META_KERNEL))
		return SBI_ERR_INVALID_PARAM;
	/*
	 * A user root registered before would keep its copy of the old
	 * kernel half, which S-mode can write; the new one maps no user
	 * memory. The glue makes sure no other hart runs meanwhile.
	 */
	if (!user_half_empty(st, pa) || other_root_or_busy(st, pa))
		return SBI_ERR_DENIED;

	/* Frozen from here on: UPDATE and PT_RELEASE test for the kroot */
	pvmmu_store32(meta, m & ~PVMMU_META_KERNEL);
	pvmmu_store64(&st->kroot, (u64)pa | (kroot & 7));
	/* The caller runs on the kernel root next, which holds no count */
	root_unload(st, hart);
	return SBI_SUCCESS;
}

/* Does a typed table hold a writable leaf over [base, base + size)? */
static bool writable_leaf_over(struct pvmmu_state *st, unsigned long base,
			       unsigned long size)
{
	unsigned long i, pa, lbase, lsize;
	struct pvmmu_lock *lock;
	unsigned int j, level;
	bool found = false;
	u64 *ptes, e;
	u32 m;

	for (i = 0; i < st->pool_pages && !found; i++) {
		pa = st->pool_base + (i << PVMMU_PAGE_SHIFT);
		/* Under the page's lock: no store is between check and CAS */
		lock = pvmmu_lock_of(st, pa);
		pvmmu_lock(lock);
		m = pvmmu_load32(&st->meta[i]);
		level = pvmmu_meta_level(m);
		ptes = pte_ptr(st, pa);
		for (j = 0; pvmmu_meta_typed(m) && j < PVMMU_PTES_PER_PAGE;
		     j++) {
			e = pvmmu_load64(&ptes[j]);
			if ((e & (PTE_V | PTE_W)) == (PTE_V | PTE_W) &&
			    !leaf_range(st, level, e, &lbase, &lsize) &&
			    pvmmu_range_overlaps(lbase, lsize, base, size)) {
				found = true;
				break;
			}
		}
		pvmmu_unlock(lock);
	}
	return found;
}

/* ---- jump labels in the locked text */

/* The two instructions a site may hold: "nop" and its jump */
static bool site_insn(const struct sbi_pvmmu_text_site *s, u32 insn)
{
	return insn == SBI_PVMMU_INSN_NOP ||
	       insn == sbi_pvmmu_insn_jal_x0((long)s->target - (long)s->site);
}

/* A site given, checked against the TEXT range [base, base + size) */
static bool site_in_text(struct pvmmu_state *st, unsigned long base,
			 unsigned long size,
			 const struct sbi_pvmmu_text_site *s)
{
	long reach = (long)s->target - (long)s->site;

	return s->site <= size - 4 && s->target <= size - 2 &&
	       reach >= -SBI_PVMMU_JAL_REACH && reach < SBI_PVMMU_JAL_REACH &&
	       site_insn(s, pvmmu_load32(pvmmu_phys(st, base + s->site)));
}

/* KERNEL_LOCK TEXT (under the lock): do the sites given fit the range? */
static bool text_sites_fit(struct pvmmu_state *st, unsigned long base,
			   unsigned long size)
{
	u32 i;

	for (i = 0; i < st->text_sites_given; i++)
		if (!site_in_text(st, base, size, &st->text_sites[i]))
			return false;
	return true;
}

int pvmmu_text_sites(struct pvmmu_state *st, unsigned long pa,
		     unsigned long count)
{
	const volatile struct sbi_pvmmu_text_site *given;
	struct sbi_pvmmu_text_site s;
	unsigned long i;
	int rc = SBI_SUCCESS;

	pvmmu_lock(&st->locking);
	/* The text lock seals the list */
	if (st->locked[SBI_PVMMU_LOCK_TEXT].size) {
		rc = SBI_ERR_DENIED;
		goto out;
	}
	if (st->text_sites_given) {
		rc = SBI_ERR_ALREADY_AVAILABLE;
		goto out;
	}
	if (!count || count > PVMMU_MAX_TEXT_SITES) {
		rc = SBI_ERR_INVALID_PARAM;
		goto out;
	}
	if ((pa & 3) || !range_is_s_ram(st, pa, count * sizeof(s))) {
		rc = SBI_ERR_INVALID_ADDRESS;
		goto out;
	}

	/* Each entry read once: S-mode may change the array meanwhile */
	given = pvmmu_phys(st, pa);
	for (i = 0; i < count; i++) {
		s.site = given[i].site;
		s.target = given[i].target;
		if ((s.site & 3) || (s.target & 1) ||
		    (i && s.site <= st->text_sites[i - 1].site)) {
			rc = SBI_ERR_INVALID_PARAM;
			goto out;
		}
		st->text_sites[i] = s;
	}
	st->text_sites_given = (u32)count;
out:
	pvmmu_unlock(&st->locking);
	return rc;
}

/* The recorded site at @off into the text, or NULL */
static const struct sbi_pvmmu_text_site *
find_site(const struct pvmmu_state *st, u32 count, unsigned long off)
{
	u32 lo = 0, hi = count, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (st->text_sites[mid].site == off)
			return &st->text_sites[mid];
		if (st->text_sites[mid].site < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int pvmmu_text_poke(struct pvmmu_state *st, unsigned long hart,
		    unsigned long pa, unsigned long insn)
{
	u32 count = __atomic_load_n(&st->text_sites_count, __ATOMIC_ACQUIRE);
	const struct pvmmu_range *text = &st->locked[SBI_PVMMU_LOCK_TEXT];
	const struct sbi_pvmmu_text_site *s;
	u32 *word, old;

	/* A count is published with a TEXT lock that held: its range stays */
	if (!count)
		return SBI_ERR_DENIED;
	if ((pa & 3) || pa - text->base > text->size - 4)
		return SBI_ERR_INVALID_ADDRESS;
	s = find_site(st, count, pa - text->base);
	if (!s)
		return SBI_ERR_DENIED;
	if (insn > 0xffffffffUL || !site_insn(s, (u32)insn))
		return SBI_ERR_INVALID_PARAM;

	/* Another hart may switch the same site: check what is replaced */
	word = pvmmu_phys(st, pa);
	old = pvmmu_load32(word);
	do {
		if (!site_insn(s, old))
			return SBI_ERR_DENIED;
	} while (!pvmmu_cas32(word, &old, (u32)insn));
	pvmmu_sync_icache();
	stat_inc(st, hart, SBI_PVMMU_STAT_TEXT_POKES, 1);
	return SBI_SUCCESS;
}

/* Recompute [locked_lo, locked_hi) from the locked ranges (a superset first) */
static void update_locked_span(struct pvmmu_state *st)
{
	unsigned long lo = -1UL, hi = 0, base, size;
	unsigned int k;

	for (k = 0; k < SBI_PVMMU_LOCK_KINDS; k++) {
		base = st->locked[k].base;
		size = __atomic_load_n(&st->locked[k].size, __ATOMIC_SEQ_CST);
		if (!size)
			continue;
		lo = base < lo ? base : lo;
		hi = base + size > hi ? base + size : hi;
	}
	__atomic_store_n(&st->locked_lo, hi ? lo : 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&st->locked_hi, hi, __ATOMIC_SEQ_CST);
}

int pvmmu_kernel_lock(struct pvmmu_state *st, unsigned long kind,
		      unsigned long pa, unsigned long size)
{
	struct pvmmu_range *r;
	int rc = SBI_SUCCESS;

	if (!kernel_adopted(st))
		return SBI_ERR_DENIED;
	if (kind >= SBI_PVMMU_LOCK_KINDS)
		return SBI_ERR_INVALID_PARAM;
	if (((pa | size) & (PVMMU_PAGE_SIZE - 1)) ||
	    !range_is_s_ram(st, pa, size))
		return SBI_ERR_INVALID_ADDRESS;
	r = &st->locked[kind];
	pvmmu_lock(&st->locking);
	if (pvmmu_read_long(&r->size)) {
		rc = SBI_ERR_ALREADY_AVAILABLE;
		goto out;
	}
	/* The firmware writes old values there: UPDATE no longer checks */
	if (shmem_overlaps(st, pa, size)) {
		rc = SBI_ERR_DENIED;
		goto out;
	}

	/*
	 * Lock first, then look: a store checked before the lock took its
	 * page's lock before the scan does, so the scan sees it.
	 */
	r->base = pa;
	__atomic_store_n(&r->size, size, __ATOMIC_SEQ_CST);
	update_locked_span(st);
	if (writable_leaf_over(st, pa, size)) {
		rc = SBI_ERR_DENIED;
	} else if (kind == SBI_PVMMU_LOCK_TEXT &&
		   !text_sites_fit(st, pa, size)) {
		st->text_sites_given = 0;	/* to be given again */
		rc = SBI_ERR_INVALID_PARAM;
	}
	if (rc) {
		__atomic_store_n(&r->size, 0, __ATOMIC_SEQ_CST);
		update_locked_span(st);
	} else if (kind == SBI_PVMMU_LOCK_TEXT) {
		__atomic_store_n(&st->text_sites_count, st->text_sites_given,
				 __ATOMIC_RELEASE);
	}
out:
	pvmmu_unlock(&st->locking);
	return rc;
}

unsigned long pvmmu_kernel_satp(struct pvmmu_state *st)
{
	u64 kroot = pvmmu_load64(&st->kroot);

	if (!kroot)
		return 0;
	return ((PVMMU_SATP_MODE_SV39 + (kroot & 7) - 3) <<
		PVMMU_SATP_MODE_SHIFT) | (kroot_pa(st) >> PVMMU_PAGE_SHIFT);
}

/* ---- STATS and dispatch */

int pvmmu_stats(struct pvmmu_state *st, unsigned long counter,
		unsigned long hart, unsigned long *value)
{
	unsigned long h, sum = 0;

	if (counter >= SBI_PVMMU_STAT_COUNT)
		return SBI_ERR_INVALID_PARAM;
	if (hart != -1UL && !hart_ok(st, hart))
		return SBI_ERR_INVALID_PARAM;

	if (counter == SBI_PVMMU_STAT_PAGES_TYPED) {
		*value = pvmmu_read_long(&st->pages_typed);
	} else if (counter == SBI_PVMMU_STAT_LINKS) {
		*value = pvmmu_read_long(&st->links);
	} else if (hart != -1UL) {
		*value = pvmmu_read_long(&st->harts[hart].stats[counter]);
	} else {
		for (h = 0; h < PVMMU_MAX_HARTS; h++)
			sum += pvmmu_read_long(&st->harts[h].stats[counter]);
		*value = sum;
	}
	return SBI_SUCCESS;
}

/* Every call: *@value cleared, the hart checked, the call counted */
static __always_inline int call_begin(struct pvmmu_state *st,
				      unsigned long hart,
				      unsigned long *value)
{
	*value = 0;
	/* The firmware only calls in for valid harts; the host may not */
	if (!hart_ok(st, hart))
		return SBI_ERR_FAILED;
	stat_inc(st, hart, SBI_PVMMU_STAT_CALLS, 1);
	return SBI_SUCCESS;
}

/* ... and a rejection counted */
static __always_inline int call_end(struct pvmmu_state *st,
				    unsigned long hart, int rc)
{
	if (rc)
		stat_inc(st, hart, SBI_PVMMU_STAT_REJECTED, 1);
	return rc;
}

int pvmmu_call_update(struct pvmmu_state *st, unsigned long hart,
		      unsigned long count, unsigned long first,
		      unsigned long *applied)
{
	int rc = call_begin(st, hart, applied);

	if (rc)
		return rc;
	return call_end(st, hart,
			pvmmu_update(st, hart, count, first, applied));
}

int pvmmu_call(struct pvmmu_state *st, unsigned long hart,
	       unsigned long fid, unsigned long a0, unsigned long a1,
	       unsigned long a2, unsigned long *value)
{
	int rc;

	if (fid == SBI_PVMMU_UPDATE)
		return pvmmu_call_update(st, hart, a0, a1, value);
	rc = call_begin(st, hart, value);
	if (rc)
		return rc;
	switch (fid) {
	case SBI_PVMMU_GET_INFO:
		rc = pvmmu_get_info(st, a0, value);
		break;
	case SBI_PVMMU_SET_SHMEM:
		rc = pvmmu_set_shmem(st, hart, a0, a1, a2);
		break;
	case SBI_PVMMU_SET_KERNEL_ROOT:
		rc = pvmmu_set_kernel_root(st, a0, a1);
		break;
	case SBI_PVMMU_PT_REGISTER:
		rc = pvmmu_pt_register(st, hart, a0, a1, a2);
		break;
	case SBI_PVMMU_PT_RELEASE:
		rc = pvmmu_pt_release(st, hart, a0);
		break;
	case SBI_PVMMU_STATS:
		rc = pvmmu_stats(st, a0, a1, value);
		break;
	case SBI_PVMMU_KERNEL_ADOPT:
		rc = pvmmu_kernel_adopt(st, hart, a0);
		break;
	case SBI_PVMMU_KERNEL_LOCK:
		rc = pvmmu_kernel_lock(st, a0, a1, a2);
		break;
	case SBI_PVMMU_TEXT_POKE:
		rc = pvmmu_text_poke(st, hart, a0, a1);
		break;
	case SBI_PVMMU_TEXT_SITES:
		rc = pvmmu_text_sites(st, a0, a1);
		break;
	default:
		rc = SBI_ERR_NOT_SUPPORTED;
		break;
	}
	return call_end(st, hart, rc);
}
