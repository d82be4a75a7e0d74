// SPDX-License-Identifier: BSD-2-Clause
/*
 * Reference model of the PVMMU extension (see pvmmu_model.h).
 *
 * Deliberately simple: the pool is an array of 64-bit words, the shadow
 * record says per page "free" or "typed at level L (root or not, kernel
 * root under construction or not, kernel half linked or copied)", each
 * hart has the pool root it loaded in satp (or none), and reference
 * counts are never stored: they are recounted from the tables' contents
 * and the harts' loaded roots whenever they are needed. Whether a kernel
 * root is adopted is read off the kernel root's address (a pool page).
 * Range checks use
 * 128-bit arithmetic so that no wrap-around case needs thought. Nothing
 * here calls into the core except the functions under test (pvmmu_call()
 * and the glue's pvmmu_satp_load(), pvmmu_hart_stopped(), pvmmu_count(),
 * pvmmu_take_fence(), pvmmu_kernel_satp()) and reads of struct
 * pvmmu_state.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sbi/sbi_ecall_interface.h>
#include "pvmmu_model.h"

typedef unsigned __int128 u128;

#define PG		4096UL
#define NPTE		512UL
#define KHALF		256UL
#define MAX_BATCH	512UL
#define SHMEM_BYTES	(MAX_BATCH * 24)
#define NSTATS		18UL	/* STATS counters 0..17 */
#define STAT_SATP	8
#define STAT_SATP_REFUSED 9

/* PTE fields (RISC-V privileged spec, Sv39/48/57) */
#define B_V		0x001UL
#define B_R		0x002UL
#define B_W		0x004UL
#define B_X		0x008UL
#define B_U		0x010UL
#define B_A		0x040UL
#define B_D		0x080UL

static unsigned long f_ppn(u64 e)
{
	return (unsigned long)((e >> 10) & 0xfffffffffffUL);	/* 44 bits */
}

static unsigned int f_rsvd(u64 e)		/* bits 54..60 */
{
	return (unsigned int)((e >> 54) & 0x7f);
}

static unsigned int f_pbmt(u64 e)		/* bits 61..62 */
{
	return (unsigned int)((e >> 61) & 3);
}

static bool f_n(u64 e)				/* bit 63 */
{
	return e >> 63;
}

static bool is_pointer(u64 e)			/* valid, R = W = X = 0 */
{
	return (e & B_V) && !(e & (B_R | B_W | B_X));
}

/* Metadata word layout, from FIRMWARE-NOTES.md ("Metadata") */
static u32 meta_word(const struct model_page *p, u32 refs)
{
	if (!p->typed)
		return 0;
	return ((3U + p->level) << 26) | (p->root ? 1U << 29 : 0) |
	       (p->kernel ? 1U << 30 : 0) | refs;
}

/* ---- reporting */

static void fail(struct model *m, const char *fmt, ...)
{
	va_list ap;

	m->errors++;
	if (m->quiet && m->errors > m->quiet)
		return;
	printf("MODEL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void model_dump_log(const struct model *m)
{
	unsigned long i, n = m->calls < MODEL_LOG ? m->calls : MODEL_LOG;
	const struct model_log *l;

	printf("MODEL: last %lu of %lu calls (hart fid a0 a1 a2 -> rc a1):\n",
	       n, m->calls);
	for (i = m->calls - n; i < m->calls; i++) {
		l = &m->log[i % MODEL_LOG];
		printf("  #%lu h%lu f%lu %#lx %#lx %#lx -> %ld %#lx\n", i,
		       l->hart, l->fid, l->a0, l->a1, l->a2, l->rc, l->value);
	}
}

/* ---- memory map */

static void *host(const struct model *m, unsigned long pa)
{
	return (void *)(uintptr_t)(pa + m->mc.view);
}

static u64 rd64(const struct model *m, unsigned long pa)
{
	return *(volatile u64 *)host(m, pa);
}

static bool touches(u128 a, u128 alen, u128 b, u128 blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

static u128 pool_bytes(const struct model *m)
{
	return (u128)m->mc.pool_pages * PG;
}

/* [base, base + len) inside one MMIO range given to S-mode */
static bool s_mmio(const struct model *m, u128 base, u128 len)
{
	const struct model_range *r;
	unsigned int i;

	for (i = 0; i < m->mc.mmio_count; i++) {
		r = &m->mc.mmio[i];
		if (len && base >= r->base &&
		    base + len <= (u128)r->base + r->size)
			return true;
	}
	return false;
}

/* [base, base + len) inside one RAM range */
static bool in_one_ram(const struct model *m, u128 base, u128 len)
{
	const struct model_range *r;
	unsigned int i;

	for (i = 0; i < m->mc.ram_count; i++) {
		r = &m->mc.ram[i];
		if (len && base >= r->base &&
		    base + len <= (u128)r->base + r->size)
			return true;
	}
	return false;
}

/* [base, base + len) inside one RAM range, away from firmware and pool */
static bool s_ram(const struct model *m, unsigned long base, unsigned long len)
{
	return in_one_ram(m, base, len) &&
	       !touches(base, len, m->mc.fw.base, m->mc.fw.size) &&
	       !touches(base, len, m->mc.pool_base, pool_bytes(m));
}

/* Index of the pool page holding [pa, pa + len), or -1 */
static long pool_index(const struct model *m, unsigned long pa,
		       unsigned long len)
{
	if (pa < m->mc.pool_base ||
	    (u128)pa + len > (u128)m->mc.pool_base + pool_bytes(m))
		return -1;
	return (long)((pa - m->mc.pool_base) / PG);
}

static bool hart_valid(const struct model *m, unsigned long hart)
{
	return hart < MODEL_HARTS && ((m->mc.hart_mask >> hart) & 1);
}

/* The root level: levels - 1 of SET_KERNEL_ROOT (callers check kroot) */
static unsigned int top_level(const struct model *m)
{
	return (unsigned int)(m->kroot & 7) - 1;
}

static unsigned long kroot_page(const struct model *m)
{
	return (unsigned long)(m->kroot & ~(u64)(PG - 1));
}

/* KERNEL_ADOPT succeeded: the kernel root is a pool page */
static bool adopted(const struct model *m)
{
	return m->kroot && pool_index(m, kroot_page(m), PG) >= 0;
}

/* A writable leaf over [base, base + len) would write a locked range */
static bool over_locked(const struct model *m, u128 base, u128 len)
{
	unsigned int i;

	for (i = 0; i < SBI_PVMMU_LOCK_KINDS; i++)
		if (touches(base, len, m->locked[i].base, m->locked[i].size))
			return true;
	return false;
}

bool model_page_typed(const struct model *m, unsigned long pa)
{
	long k = pool_index(m, pa, 1);

	return k >= 0 && m->page[k].typed;
}

/* ---- the rules for one entry value at @level */

/*
 * What a leaf with the permissions of @e may map over [first, first +
 * len). 0 if fine. Without the kernel rules: S-mode RAM (one range) or
 * one MMIO range. With them (from the first PT_KERNEL registration on):
 * never W and X without U, never W over a locked range; S-mode RAM or
 * MMIO, or else RAM of one range that may hold pool pages but no
 * firmware, mapped with none of W, X and U. @stored: a leaf found in a
 * table, maybe stored before the kernel rules; W^X is not checked.
 */
static long target_error(const struct model *m, u64 e, u128 first, u128 len,
			 bool stored)
{
	bool w = e & B_W, x = e & B_X, u = e & B_U;
	bool s_mem = s_ram(m, (unsigned long)first, (unsigned long)len) ||
		     s_mmio(m, first, len);

	if (!m->kernel_rules)
		return s_mem ? 0 : SBI_ERR_DENIED;
	if (w && x && !u && !stored)
		return SBI_ERR_DENIED;
	if (w && over_locked(m, first, len))
		return SBI_ERR_DENIED;
	if (s_mem)
		return 0;
	if (in_one_ram(m, first, len) &&
	    !touches(first, len, m->mc.fw.base, m->mc.fw.size) &&
	    !w && !x && !u)
		return 0;
	return SBI_ERR_DENIED;
}

/* A leaf: what it may not be or map. 0 if fine. */
static long leaf_error_as(const struct model *m, unsigned int level, u64 e,
			  bool stored)
{
	unsigned long ppn = f_ppn(e), npages;
	u128 first, len;

	if ((e & B_W) && !(e & B_R))
		return SBI_ERR_INVALID_PARAM;
	if (level >= 3)
		return SBI_ERR_INVALID_PARAM;
	npages = 1UL << (9 * level);
	if (ppn % npages)
		return SBI_ERR_INVALID_PARAM;
	if (f_rsvd(e))
		return SBI_ERR_INVALID_PARAM;
	if (f_pbmt(e) == 3 ||
	    (f_pbmt(e) && !(m->mc.features & SBI_PVMMU_FEAT_SVPBMT)))
		return SBI_ERR_INVALID_PARAM;
	first = (u128)ppn * PG;
	len = (u128)npages * PG;
	if (f_n(e)) {
		if (!(m->mc.features & SBI_PVMMU_FEAT_SVNAPOT) || level != 0 ||
		    (ppn & 15) != 8)
			return SBI_ERR_INVALID_PARAM;
		first = (u128)(ppn - 8) * PG;
		len = 16 * PG;
	}
	return target_error(m, e, first, len, stored);
}

static long leaf_error(const struct model *m, unsigned int level, u64 e)
{
	return leaf_error_as(m, level, e, false);
}

/*
 * The memory a valid leaf at @level maps, for KERNEL_LOCK's search for
 * writable leaves; false for an entry that is no well-formed leaf there
 */
static bool leaf_extent(const struct model *m, unsigned int level, u64 e,
			u128 *first, u128 *len)
{
	unsigned long ppn = f_ppn(e);
	u128 npages = (u128)1 << (9 * level);

	if (ppn % npages)
		return false;
	*first = (u128)ppn * PG;
	*len = npages * PG;
	if (f_n(e)) {
		if (!(m->mc.features & SBI_PVMMU_FEAT_SVNAPOT) || level ||
		    (ppn & 15) != 8)
			return false;
		*first = (u128)(ppn - 8) * PG;
		*len = 16 * PG;
	}
	return true;
}

/* A pointer to a next-level table: its shape. 0 if fine. */
static long pointer_shape_error(unsigned int level, u64 e)
{
	if (level == 0)
		return SBI_ERR_DENIED;
	if (e & (B_A | B_D | B_U))
		return SBI_ERR_INVALID_PARAM;
	if (e >> 54)
		return SBI_ERR_INVALID_PARAM;
	return 0;
}

/* A pointer's target: a non-root pool page typed one level down */
static bool pointer_target_ok(const struct model *m, unsigned int level,
			      u64 e)
{
	long k = pool_index(m, f_ppn(e) * PG, PG);

	return k >= 0 && m->page[k].typed && !m->page[k].root &&
	       m->page[k].level + 1 == level;
}

static long value_error(const struct model *m, unsigned int level, u64 e)
{
	long rc;

	if (!(e & B_V))
		return 0;
	if (is_pointer(e)) {
		rc = pointer_shape_error(level, e);
		if (rc)
			return rc;
		return pointer_target_ok(m, level, e) ? 0 : SBI_ERR_DENIED;
	}
	return leaf_error(m, level, e);
}

/* ---- recounting */

/* Harts that have pool page k loaded in satp */
static u32 loads_of(const struct model *m, unsigned long k)
{
	unsigned long h, pa = m->mc.pool_base + k * PG;
	u32 n = 0;

	for (h = 0; h < MODEL_HARTS; h++)
		n += m->loaded[h] == pa;
	return n;
}

/*
 * Entries of page k that are links like any table's: all but a root's
 * kernel half copied from an S-mode kernel root (before adoption)
 */
static unsigned long user_entries(const struct model *m, unsigned long k)
{
	return m->page[k].root && !m->page[k].linked_khalf ? KHALF : NPTE;
}

/* refs[k] = pointers at page k from the tables in @pool; returns links */
static unsigned long recount(const struct model *m, const u64 *pool,
			     u32 *refs)
{
	unsigned long k, i, links = 0;
	long c;
	u64 e;

	memset(refs, 0, m->mc.pool_pages * sizeof(*refs));
	for (k = 0; k < m->mc.pool_pages; k++) {
		if (!m->page[k].typed)
			continue;
		for (i = 0; i < user_entries(m, k); i++) {
			e = pool[k * NPTE + i];
			if (!is_pointer(e))
				continue;
			c = pool_index(m, f_ppn(e) * PG, PG);
			if (c < 0)
				continue;
			refs[c]++;
			links++;
		}
	}
	return links;
}

/* The metadata count: links to a table, loads of a root */
static void expected_refs(const struct model *m, u32 *refs)
{
	unsigned long k;

	recount(m, m->pool, refs);
	for (k = 0; k < m->mc.pool_pages; k++)
		refs[k] += loads_of(m, k);
}

static unsigned long typed_pages(const struct model *m)
{
	unsigned long k, n = 0;

	for (k = 0; k < m->mc.pool_pages; k++)
		n += m->page[k].typed;
	return n;
}

/* ---- predictions, one per function */

struct expect {
	long rc;
	unsigned long value;
	unsigned long olds;		/* "old" fields written */
	unsigned long old_pa[MAX_BATCH];
	u64 old_val[MAX_BATCH];
	/* TEXT_POKE: the instruction written (poke_pa 0: none) */
	unsigned long poke_pa;
	u32 poke_insn;
};

static long p_info(const struct model *m, unsigned long sel,
		   unsigned long *v)
{
	switch (sel) {
	case 0:
		*v = 0x20002;		/* 2.2 */
		return 0;
	case 1:
		/* KERNEL_TABLES and TEXT_POKE always */
		*v = (m->mc.features &
		      (SBI_PVMMU_FEAT_SVNAPOT | SBI_PVMMU_FEAT_SVPBMT |
		       SBI_PVMMU_FEAT_SATP_LOCKED)) | 0x8 | 0x10;
		return 0;
	case 2:
		*v = m->mc.pool_base;
		return 0;
	case 3:
		*v = m->mc.pool_pages * PG;
		return 0;
	case 4:
		*v = MAX_BATCH;
		return 0;
	case 5:			/* the adopted kernel root */
		*v = adopted(m) ? kroot_page(m) : 0;
		return 0;
	case 6:			/* jump-label sites of the text */
		*v = 16384;
		return 0;
	}
	return SBI_ERR_INVALID_PARAM;
}

/*
 * A buffer: S-mode RAM the firmware writes "old" values into, so never
 * over a locked range either
 */
static bool buffer_ok(const struct model *m, unsigned long pa)
{
	return s_ram(m, pa, SHMEM_BYTES) && !over_locked(m, pa, SHMEM_BYTES);
}

static long p_shmem(struct model *m, unsigned long hart, unsigned long lo,
		    unsigned long hi, unsigned long flags)
{
	if (flags)
		return SBI_ERR_INVALID_PARAM;
	if (lo == ~0UL && hi == ~0UL) {
		m->shmem_set[hart] = false;
		m->shmem[hart] = 0;
		return 0;
	}
	if (hi || lo % 64)
		return SBI_ERR_INVALID_PARAM;
	if (!buffer_ok(m, lo))
		return SBI_ERR_INVALID_ADDRESS;
	if (m->shmem_set[hart])
		return SBI_ERR_ALREADY_AVAILABLE;
	m->shmem_set[hart] = true;
	m->shmem[hart] = lo;
	return 0;
}

static long p_kroot(struct model *m, unsigned long pa, unsigned long levels)
{
	if (levels < 3 || levels > 5)
		return SBI_ERR_INVALID_PARAM;
	if (pa % PG || !s_ram(m, pa, PG))
		return SBI_ERR_INVALID_ADDRESS;
	if (m->kroot)
		return SBI_ERR_ALREADY_AVAILABLE;
	m->kroot = (u64)pa | levels;
	return 0;
}

static long p_register(struct model *m, unsigned long hart, unsigned long pa,
		       unsigned long level, unsigned long flags)
{
	long k = pa % PG ? -1 : pool_index(m, pa, PG), kk;
	bool root = flags & 1, kernel = flags & 2;
	unsigned long kpa, i;
	u64 copy[KHALF];

	if (k < 0)
		return SBI_ERR_INVALID_ADDRESS;
	/* KERNEL only with ROOT */
	if ((flags & ~3UL) || (kernel && !root))
		return SBI_ERR_INVALID_PARAM;
	/* nothing is typed before the root level is known */
	if (!m->kroot)
		return SBI_ERR_DENIED;
	if (level > top_level(m))
		return SBI_ERR_INVALID_PARAM;
	/* roots exactly at the root level */
	if (root != (level == top_level(m)))
		return SBI_ERR_INVALID_PARAM;
	/* no kernel root is built once one is adopted */
	if (kernel && adopted(m))
		return SBI_ERR_DENIED;
	if (m->page[k].typed)
		return SBI_ERR_ALREADY_AVAILABLE;
	if (root && !kernel && adopted(m)) {
		/* the adopted (frozen) kernel root's half, as links */
		kk = pool_index(m, kroot_page(m), PG);
		memcpy(copy, &m->pool[kk * NPTE + KHALF], sizeof(copy));
	} else if (root && !kernel) {
		/* an S-mode kernel root: no pointer into the pool */
		kpa = kroot_page(m);
		for (i = 0; i < KHALF; i++) {
			copy[i] = rd64(m, kpa + (KHALF + i) * 8);
			if (is_pointer(copy[i]) &&
			    touches((u128)f_ppn(copy[i]) * PG, PG,
				    m->mc.pool_base, pool_bytes(m)))
				return SBI_ERR_DENIED;
		}
	}
	memset(&m->pool[k * NPTE], 0, PG);
	if (root && !kernel) {
		memcpy(&m->pool[k * NPTE + KHALF], copy, sizeof(copy));
		memcpy(m->khalf[k], copy, sizeof(copy));
	}
	m->page[k].typed = true;
	m->page[k].root = root;
	m->page[k].level = (unsigned int)level;
	m->page[k].kernel = kernel;
	m->page[k].linked_khalf = kernel || (root && adopted(m));
	if (kernel)
		m->kernel_rules = true;
	m->stats[hart][SBI_PVMMU_STAT_REGISTERED]++;
	return 0;
}

static long p_release(struct model *m, unsigned long hart, unsigned long pa)
{
	long k = pa % PG ? -1 : pool_index(m, pa, PG);
	u32 *refs;
	long rc = 0;

	if (k < 0)
		return SBI_ERR_INVALID_ADDRESS;
	/* the adopted kernel root stays */
	if (adopted(m) && pa == kroot_page(m))
		return SBI_ERR_DENIED;
	if (!m->page[k].typed)
		return SBI_ERR_INVALID_PARAM;
	refs = calloc(m->mc.pool_pages, sizeof(*refs));
	expected_refs(m, refs);
	/* linked, or (a root) loaded in some hart's satp */
	if (refs[k]) {
		rc = SBI_ERR_DENIED;
	} else {
		memset(&m->pool[k * NPTE], 0, PG);
		memset(&m->page[k], 0, sizeof(m->page[k]));
		m->stats[hart][SBI_PVMMU_STAT_RELEASED]++;
	}
	free(refs);
	return rc;
}

/* One UPDATE entry against the model's pool */
static long p_entry(struct model *m, u64 target, u64 value, u64 *old,
		    u64 *stored)
{
	unsigned long pa = (unsigned long)(target & ~7ULL), idx;
	unsigned int op = (unsigned int)(target & 7);
	long k = pool_index(m, pa, 8), rc;
	u64 cur, next;

	if (k < 0 || !m->page[k].typed)
		return SBI_ERR_INVALID_ADDRESS;
	if (op > 4)
		return SBI_ERR_INVALID_PARAM;
	idx = (pa % PG) / 8;
	/*
	 * a root's kernel half is the firmware's, but while a kernel root is
	 * built; the adopted one is frozen whole
	 */
	if (m->page[k].root && !m->page[k].kernel && idx >= KHALF)
		return SBI_ERR_DENIED;
	if (adopted(m) && pa - pa % PG == kroot_page(m))
		return SBI_ERR_DENIED;
	cur = m->pool[k * NPTE + idx];
	switch (op) {
	case 2:
		next = cur & value;
		break;
	case 3:
		next = cur | value;
		break;
	case 4:
		next = value | (cur & (B_A | B_D));
		break;
	default:
		next = value;
		break;
	}
	rc = value_error(m, m->page[k].level, next);
	if (rc)
		return rc;
	m->pool[k * NPTE + idx] = next;
	*old = cur;
	*stored = next;
	return 0;
}

/* UPDATE(count, first): entries first .. count - 1 */
static long p_update(struct model *m, unsigned long hart, unsigned long count,
		     unsigned long first, struct expect *ex)
{
	unsigned long i, n = 0, buf = m->shmem[hart];
	u64 target, value, old = 0, stored = 0;
	long rc = 0;

	m->stats[hart][SBI_PVMMU_STAT_UPDATE_CALLS]++;
	if (!m->shmem_set[hart])
		return SBI_ERR_NO_SHMEM;
	if (!count || count > MAX_BATCH || first >= count)
		return SBI_ERR_INVALID_PARAM;
	/* SET_SHMEM checked it, and no lock may cover it since (p_lock) */
	if (!buffer_ok(m, buf))
		fail(m, "hart %lu: a registered buffer went bad", hart);
	for (i = first; i < count; i++, n++) {
		target = rd64(m, buf + i * 24);
		value = rd64(m, buf + i * 24 + 8);
		rc = p_entry(m, target, value, &old, &stored);
		if (rc)
			break;
		ex->old_pa[n] = buf + i * 24 + 16;
		ex->old_val[n] = old;
		/* a valid value stored: the hart needs a fence */
		if (stored & B_V)
			m->fence[hart] = true;
	}
	/* a1: entries applied, counted from @first */
	ex->olds = n;
	ex->value = n;
	m->stats[hart][SBI_PVMMU_STAT_ENTRIES] += n;
	return rc;
}

static long p_stats(const struct model *m, unsigned long counter,
		    unsigned long hart, unsigned long *v)
{
	unsigned long h, sum = 0;
	u32 *refs;

	if (counter >= NSTATS)
		return SBI_ERR_INVALID_PARAM;
	if (hart != ~0UL && !hart_valid(m, hart))
		return SBI_ERR_INVALID_PARAM;
	if (counter == SBI_PVMMU_STAT_PAGES_TYPED) {
		*v = typed_pages(m);
	} else if (counter == SBI_PVMMU_STAT_LINKS) {
		refs = calloc(m->mc.pool_pages, sizeof(*refs));
		*v = recount(m, m->pool, refs);
		free(refs);
	} else if (hart != ~0UL) {
		*v = m->stats[hart][counter];
	} else {
		for (h = 0; h < MODEL_HARTS; h++)
			sum += m->stats[h][counter];
		*v = sum;
	}
	return 0;
}

/* KERNEL_ADOPT(pa) */
static long p_adopt(struct model *m, unsigned long hart, unsigned long pa)
{
	long k = pa % PG ? -1 : pool_index(m, pa, PG);
	unsigned long i, j;

	if (!m->kroot)
		return SBI_ERR_DENIED;
	if (adopted(m))
		return SBI_ERR_ALREADY_AVAILABLE;
	if (k < 0)
		return SBI_ERR_INVALID_ADDRESS;
	if (!m->page[k].typed || !m->page[k].kernel)
		return SBI_ERR_INVALID_PARAM;
	/* no user mapping in it, and no other root anywhere */
	for (i = 0; i < KHALF; i++)
		if (m->pool[k * NPTE + i])
			return SBI_ERR_DENIED;
	for (j = 0; j < m->mc.pool_pages; j++)
		if (j != (unsigned long)k && m->page[j].typed &&
		    m->page[j].root)
			return SBI_ERR_DENIED;
	m->page[k].kernel = false;
	m->kroot = (u64)pa | (m->kroot & 7);
	/* the caller runs on the kernel root: no pool root loaded */
	m->loaded[hart] = 0;
	/* frozen from now on */
	memcpy(m->khalf[k], &m->pool[k * NPTE + KHALF], KHALF * 8);
	return 0;
}

/*
 * Does a typed table of @pool (the model's copy, or the real pool) hold a
 * valid writable leaf over [base, base + len)?
 */
static bool writable_leaf_over(const struct model *m, const u64 *pool,
			       u128 base, u128 len)
{
	unsigned long k, i;
	u128 first, n;
	u64 e;

	for (k = 0; k < m->mc.pool_pages; k++) {
		if (!m->page[k].typed)
			continue;
		for (i = 0; i < NPTE; i++) {
			e = pool[k * NPTE + i];
			if ((e & (B_V | B_W)) == (B_V | B_W) &&
			    leaf_extent(m, m->page[k].level, e, &first, &n) &&
			    touches(first, n, base, len))
				return true;
		}
	}
	return false;
}

/* One of the two words jump-label site @t may hold */
static bool site_word(const struct sbi_pvmmu_text_site *t, u64 insn)
{
	return insn == 0x13 ||
	       insn == sbi_pvmmu_insn_jal_x0((long)t->target - (long)t->site);
}

/* TEXT_SITES(pa, count) */
static long p_sites(struct model *m, unsigned long pa, unsigned long count)
{
	const struct sbi_pvmmu_text_site *given = host(m, pa);
	unsigned long i;

	if (m->locked[SBI_PVMMU_LOCK_TEXT].size)
		return SBI_ERR_DENIED;
	if (m->ngiven)
		return SBI_ERR_ALREADY_AVAILABLE;
	if (count < 1 || count > 16384)
		return SBI_ERR_INVALID_PARAM;
	if (pa % 4 || !s_ram(m, pa, count * 8))
		return SBI_ERR_INVALID_ADDRESS;
	for (i = 0; i < count; i++)
		if (given[i].site % 4 || given[i].target % 2 ||
		    (i && given[i].site <= given[i - 1].site))
			return SBI_ERR_INVALID_PARAM;
	memcpy(m->sites, given, count * sizeof(*given));
	m->ngiven = count;
	return 0;
}

/* KERNEL_LOCK TEXT over [base, base + size): each site given must fit */
static bool sites_fit(const struct model *m, unsigned long base,
		      unsigned long size)
{
	const struct sbi_pvmmu_text_site *t;
	unsigned long i;
	long reach;

	for (i = 0; i < m->ngiven; i++) {
		t = &m->sites[i];
		reach = (long)t->target - (long)t->site;
		if ((u128)t->site + 4 > size || (u128)t->target + 2 > size ||
		    reach < -(1L << 20) || reach >= 1L << 20 ||
		    !site_word(t, *(volatile u32 *)host(m, base + t->site)))
			return false;
	}
	return true;
}

/* KERNEL_LOCK(kind, pa, size) */
static long p_lock(struct model *m, unsigned long kind, unsigned long pa,
		   unsigned long size)
{
	unsigned long h;

	if (!adopted(m))
		return SBI_ERR_DENIED;
	if (kind >= SBI_PVMMU_LOCK_KINDS)
		return SBI_ERR_INVALID_PARAM;
	if ((pa | size) % PG || !s_ram(m, pa, size))
		return SBI_ERR_INVALID_ADDRESS;
	if (m->locked[kind].size)
		return SBI_ERR_ALREADY_AVAILABLE;
	/* no lock over a registered buffer: the firmware writes old values */
	for (h = 0; h < MODEL_HARTS; h++)
		if (m->shmem_set[h] && pa < m->shmem[h] + SHMEM_BYTES &&
		    m->shmem[h] < pa + size)
			return SBI_ERR_DENIED;
	if (writable_leaf_over(m, m->pool, pa, size))
		return SBI_ERR_DENIED;
	if (kind == SBI_PVMMU_LOCK_TEXT) {
		if (!sites_fit(m, pa, size)) {
			m->ngiven = 0;
			return SBI_ERR_INVALID_PARAM;
		}
		m->nsites = m->ngiven;
	}
	m->locked[kind] = (struct model_range){ pa, size };
	return 0;
}

/* TEXT_POKE(pa, insn) */
static long p_poke(struct model *m, unsigned long hart, unsigned long pa,
		   unsigned long insn, struct expect *ex)
{
	const struct model_range *t = &m->locked[SBI_PVMMU_LOCK_TEXT];
	const struct sbi_pvmmu_text_site *site = NULL;
	unsigned long i;

	if (!m->nsites)
		return SBI_ERR_DENIED;
	if (pa % 4 || pa < t->base || (u128)pa + 4 > (u128)t->base + t->size)
		return SBI_ERR_INVALID_ADDRESS;
	for (i = 0; i < m->nsites; i++)
		if (t->base + m->sites[i].site == pa)
			site = &m->sites[i];
	if (!site)
		return SBI_ERR_DENIED;
	if (!site_word(site, insn))
		return SBI_ERR_INVALID_PARAM;
	if (!site_word(site, *(volatile u32 *)host(m, pa)))
		return SBI_ERR_DENIED;
	ex->poke_pa = pa;
	ex->poke_insn = (u32)insn;
	m->stats[hart][SBI_PVMMU_STAT_TEXT_POKES]++;
	return 0;
}

static void predict(struct model *m, unsigned long hart, unsigned long fid,
		    unsigned long a0, unsigned long a1, unsigned long a2,
		    struct expect *ex)
{
	long rc;

	ex->value = 0;
	ex->olds = 0;
	ex->poke_pa = 0;
	if (!hart_valid(m, hart)) {
		ex->rc = SBI_ERR_FAILED;
		return;
	}
	m->stats[hart][SBI_PVMMU_STAT_CALLS]++;
	switch (fid) {
	case SBI_PVMMU_GET_INFO:
		rc = p_info(m, a0, &ex->value);
		if (rc)
			ex->value = 0;
		break;
	case SBI_PVMMU_SET_SHMEM:
		rc = p_shmem(m, hart, a0, a1, a2);
		break;
	case SBI_PVMMU_SET_KERNEL_ROOT:
		rc = p_kroot(m, a0, a1);
		break;
	case SBI_PVMMU_PT_REGISTER:
		rc = p_register(m, hart, a0, a1, a2);
		break;
	case SBI_PVMMU_PT_RELEASE:
		rc = p_release(m, hart, a0);
		break;
	case SBI_PVMMU_UPDATE:
		rc = p_update(m, hart, a0, a1, ex);
		break;
	case SBI_PVMMU_STATS:
		rc = p_stats(m, a0, a1, &ex->value);
		if (rc)
			ex->value = 0;
		break;
	case SBI_PVMMU_KERNEL_ADOPT:
		rc = p_adopt(m, hart, a0);
		break;
	case SBI_PVMMU_KERNEL_LOCK:
		rc = p_lock(m, a0, a1, a2);
		break;
	case SBI_PVMMU_TEXT_POKE:
		rc = p_poke(m, hart, a0, a1, ex);
		break;
	case SBI_PVMMU_TEXT_SITES:
		rc = p_sites(m, a0, a1);
		break;
	default:
		rc = SBI_ERR_NOT_SUPPORTED;
		break;
	}
	if (rc)
		m->stats[hart][SBI_PVMMU_STAT_REJECTED]++;
	ex->rc = rc;
}

/*
 * satp written by S-mode (trapped): MODE must be the kernel root's
 * (Sv39 = 8 for 3 levels, Sv48 = 9, Sv57 = 10), the PPN the kernel root
 * or a registered root at the root level. ASID is ignored.
 */
static long p_satp(struct model *m, unsigned long hart, unsigned long satp)
{
	unsigned long mode = satp >> 60;
	unsigned long pa = (satp & 0xfffffffffffUL) * PG;	/* PPN 43:0 */
	long k;

	if (!m->kroot || mode != 8 + (m->kroot & 7) - 3)
		return SBI_ERR_INVALID_PARAM;
	if (pa == kroot_page(m)) {
		m->loaded[hart] = 0;	/* no pool root loaded any more */
		return 0;
	}
	k = pool_index(m, pa, PG);
	if (k < 0 || !m->page[k].typed || !m->page[k].root ||
	    m->page[k].level != top_level(m))
		return SBI_ERR_DENIED;
	m->loaded[hart] = pa;
	return 0;
}

static void predict_glue(struct model *m, unsigned long hart,
			 unsigned long fn, unsigned long arg,
			 struct expect *ex)
{
	bool valid = hart_valid(m, hart);

	ex->value = 0;
	ex->olds = 0;
	ex->rc = 0;
	switch (fn) {
	case MODEL_GLUE_SATP_LOAD:
		if (!valid) {
			ex->rc = SBI_ERR_FAILED;
			break;
		}
		ex->rc = p_satp(m, hart, arg);
		m->stats[hart][ex->rc ? STAT_SATP_REFUSED : STAT_SATP]++;
		break;
	case MODEL_GLUE_HART_STOPPED:
		if (valid)
			m->loaded[hart] = 0;
		break;
	case MODEL_GLUE_COUNT:
		if (valid && arg < NSTATS) {
			m->stats[hart][arg]++;
			m->glue_counts[hart][arg]++;
		}
		break;
	case MODEL_GLUE_TAKE_FENCE:
		if (hart < MODEL_HARTS) {
			ex->value = m->fence[hart];
			m->fence[hart] = false;
		}
		break;
	}
}

/* ---- comparisons after a call */

/*
 * What the core may write outside the pool: only the "old" fields of the
 * calling hart's buffer. Watched: the machine's watch windows, plus the
 * pages of that buffer during an UPDATE (the harness keeps RAM ranges,
 * firmware and pool page aligned, so those pages are plain RAM).
 */
static void snapshot(struct model *m, unsigned long hart, unsigned long fid)
{
	unsigned long w, off = 0, lo, hi;
	struct model_range *r;

	memcpy(m->meta_before, m->mc.meta, m->mc.pool_pages * sizeof(u32));
	m->watch_now = m->mc.watch_count;
	if (fid == SBI_PVMMU_UPDATE && hart_valid(m, hart) &&
	    m->shmem_set[hart] && s_ram(m, m->shmem[hart], SHMEM_BYTES)) {
		lo = m->shmem[hart] & ~(PG - 1);
		hi = (m->shmem[hart] + SHMEM_BYTES + PG - 1) & ~(PG - 1);
		m->mc.watch[m->watch_now++] =
			(struct model_range){ lo, hi - lo };
	}
	for (w = 0; w < m->watch_now; w++) {
		r = &m->mc.watch[w];
		memcpy(m->watch_before + off, host(m, r->base), r->size);
		off += r->size;
	}
}

/* The watched RAM must equal the snapshot plus the predicted old fields */
static void compare_watch(struct model *m, const struct expect *ex)
{
	unsigned long w, i, off = 0, pa;
	const struct model_range *r;
	unsigned char *now;

	if (ex->poke_pa && *(volatile u32 *)host(m, ex->poke_pa) !=
			   ex->poke_insn)
		fail(m, "text at %#lx = %#x, want %#x", ex->poke_pa,
		     *(volatile u32 *)host(m, ex->poke_pa), ex->poke_insn);
	for (i = 0; i < ex->olds; i++) {
		if (rd64(m, ex->old_pa[i]) != ex->old_val[i])
			fail(m, "entry %lu: old = %#llx, want %#llx", i,
			     (unsigned long long)rd64(m, ex->old_pa[i]),
			     (unsigned long long)ex->old_val[i]);
	}
	for (w = 0; w < m->watch_now; w++) {
		r = &m->mc.watch[w];
		for (i = 0; i < ex->olds; i++) {
			pa = ex->old_pa[i];
			if (pa >= r->base && pa + 8 <= r->base + r->size)
				memcpy(m->watch_before + off + (pa - r->base),
				       &ex->old_val[i], 8);
		}
		pa = ex->poke_pa;
		if (pa && pa >= r->base && pa + 4 <= r->base + r->size)
			memcpy(m->watch_before + off + (pa - r->base),
			       &ex->poke_insn, 4);
		now = host(m, r->base);
		if (memcmp(m->watch_before + off, now, r->size)) {
			for (i = 0; i < r->size; i++)
				if (m->watch_before[off + i] != now[i])
					break;
			fail(m, "S-mode RAM changed at %#lx", r->base + i);
		}
		off += r->size;
	}
}

static void compare_pool(struct model *m)
{
	const u64 *real = host(m, m->mc.pool_base);
	unsigned long i, n = m->mc.pool_pages * NPTE;

	if (!memcmp(real, m->pool, n * 8))
		return;
	for (i = 0; i < n; i++) {
		if (real[i] != m->pool[i]) {
			fail(m, "pool entry %#lx = %#llx, want %#llx",
			     m->mc.pool_base + i * 8,
			     (unsigned long long)real[i],
			     (unsigned long long)m->pool[i]);
			return;
		}
	}
}

/* The kernel rules and the locked ranges (a range's base only if locked) */
static void compare_kernel(struct model *m, const struct pvmmu_state *st)
{
	unsigned int i;

	if (!!st->kernel_rules != m->kernel_rules)
		fail(m, "kernel_rules = %u, want %d", st->kernel_rules,
		     m->kernel_rules);
	for (i = 0; i < SBI_PVMMU_LOCK_KINDS; i++) {
		if (st->locked[i].size != m->locked[i].size ||
		    (m->locked[i].size &&
		     st->locked[i].base != m->locked[i].base))
			fail(m, "locked[%u] = %#lx + %#lx, want %#lx + %#lx",
			     i, st->locked[i].base, st->locked[i].size,
			     m->locked[i].base, m->locked[i].size);
	}
	/* the jump-label sites, as given, and as sealed by the text lock */
	if (st->text_sites_given != m->ngiven ||
	    st->text_sites_count != m->nsites ||
	    memcmp(st->text_sites, m->sites, m->ngiven * sizeof(*m->sites)))
		fail(m, "text sites: %u given, %u sealed, want %lu, %lu",
		     st->text_sites_given, st->text_sites_count, m->ngiven,
		     m->nsites);
}

static void compare_state(struct model *m, const struct pvmmu_state *st)
{
	unsigned long k, h, c, links, want;
	const struct model_page *p;
	u32 *refs;

	refs = calloc(m->mc.pool_pages, sizeof(*refs));
	links = recount(m, m->pool, refs);
	for (k = 0; k < m->mc.pool_pages; k++)
		refs[k] += loads_of(m, k);
	for (k = 0; k < m->mc.pool_pages; k++) {
		p = &m->page[k];
		want = meta_word(p, refs[k]);
		if (m->mc.meta[k] != want) {
			fail(m, "meta of %#lx = %#x, want %#lx",
			     m->mc.pool_base + k * PG, m->mc.meta[k], want);
			break;
		}
	}
	free(refs);
	if (st->links != links)
		fail(m, "links = %lu, want %lu", st->links, links);
	if (st->pages_typed != typed_pages(m))
		fail(m, "pages_typed = %lu, want %lu", st->pages_typed,
		     typed_pages(m));
	if (st->kroot != m->kroot)
		fail(m, "kroot = %#llx, want %#llx",
		     (unsigned long long)st->kroot,
		     (unsigned long long)m->kroot);
	compare_kernel(m, st);
	for (h = 0; h < MODEL_HARTS; h++) {
		if (st->harts[h].shmem_set != m->shmem_set[h] ||
		    (m->shmem_set[h] && st->harts[h].shmem != m->shmem[h]))
			fail(m, "hart %lu shmem = %d/%#lx, want %d/%#lx", h,
			     st->harts[h].shmem_set, st->harts[h].shmem,
			     m->shmem_set[h], m->shmem[h]);
		for (c = 0; c < MODEL_NSTATS; c++)
			if (st->harts[h].stats[c] != m->stats[h][c])
				fail(m, "hart %lu counter %lu = %lu, want %lu",
				     h, c, st->harts[h].stats[c],
				     m->stats[h][c]);
		if (st->harts[h].root != m->loaded[h])
			fail(m, "hart %lu loaded root = %#lx, want %#lx", h,
			     st->harts[h].root, m->loaded[h]);
		if (st->harts[h].need_fence != m->fence[h])
			fail(m, "hart %lu need_fence = %d, want %d", h,
			     st->harts[h].need_fence, m->fence[h]);
	}
}

static void compare_all(struct model *m, struct pvmmu_state *st,
			const struct expect *ex, unsigned long before)
{
	unsigned long ksatp = 0;

	/* what the glue loads after KERNEL_ADOPT: the kernel root's satp */
	if (m->kroot)
		ksatp = (8 + (m->kroot & 7) - 3) << 60 | kroot_page(m) / PG;
	if (pvmmu_kernel_satp(st) != ksatp)
		fail(m, "kernel satp = %#lx, want %#lx", pvmmu_kernel_satp(st),
		     ksatp);
	/*
	 * Rejected before anything was applied: nothing may change. The
	 * model's pool is the pool as it was before the call (the model
	 * changes it only for accepted entries), so compare with it.
	 */
	if (ex->rc && !ex->olds) {
		if (memcmp(m->pool, host(m, m->mc.pool_base),
			   m->mc.pool_pages * PG))
			fail(m, "rejected call changed the pool");
		if (memcmp(m->meta_before, m->mc.meta,
			   m->mc.pool_pages * sizeof(u32)))
			fail(m, "rejected call changed the metadata");
	}
	compare_pool(m);
	compare_watch(m, ex);
	compare_state(m, st);
	if (m->errors != before && !(m->quiet && before > m->quiet))
		model_dump_log(m);
}

long model_call(struct model *m, struct pvmmu_state *st, unsigned long hart,
		unsigned long fid, unsigned long a0, unsigned long a1,
		unsigned long a2, unsigned long *value)
{
	static struct expect ex;
	struct model_log *l = &m->log[m->calls % MODEL_LOG];
	unsigned long before = m->errors, v = 0xbad;
	long rc;

	snapshot(m, hart, fid);
	predict(m, hart, fid, a0, a1, a2, &ex);
	rc = pvmmu_call(st, hart, fid, a0, a1, a2, &v);

	*l = (struct model_log){ hart, fid, a0, a1, a2, rc, v };
	m->calls++;
	if (rc != ex.rc || v != ex.value)
		fail(m, "call h%lu f%lu (%#lx, %#lx, %#lx) = %ld/%#lx, "
		     "want %ld/%#lx", hart, fid, a0, a1, a2, rc, v, ex.rc,
		     ex.value);
	compare_all(m, st, &ex, before);
	if (value)
		*value = v;
	return rc;
}

long model_glue(struct model *m, struct pvmmu_state *st, unsigned long hart,
		unsigned long fn, unsigned long arg)
{
	static struct expect ex;
	struct model_log *l = &m->log[m->calls % MODEL_LOG];
	unsigned long before = m->errors;
	long rc = 0;

	snapshot(m, hart, fn);
	predict_glue(m, hart, fn, arg, &ex);
	switch (fn) {
	case MODEL_GLUE_SATP_LOAD:
		rc = pvmmu_satp_load(st, hart, arg);
		break;
	case MODEL_GLUE_HART_STOPPED:
		pvmmu_hart_stopped(st, hart);
		break;
	case MODEL_GLUE_COUNT:
		pvmmu_count(st, hart, (unsigned int)arg);
		/* the core takes an unsigned int: the model must see it so */
		if (arg != (unsigned int)arg)
			fail(m, "pvmmu_count counter %#lx is not an unsigned "
			     "int (harness error)", arg);
		break;
	case MODEL_GLUE_TAKE_FENCE:
		if (hart < MODEL_HARTS)
			rc = pvmmu_take_fence(st, hart);
		break;
	default:
		fail(m, "model_glue: unknown function %#lx", fn);
		break;
	}

	*l = (struct model_log){ hart, fn, arg, 0, 0, rc, 0 };
	m->calls++;
	if (fn == MODEL_GLUE_TAKE_FENCE ? (unsigned long)rc != ex.value :
					  rc != ex.rc)
		fail(m, "glue h%lu fn %#lx (%#lx) = %ld, want %ld", hart, fn,
		     arg, rc, fn == MODEL_GLUE_TAKE_FENCE ? (long)ex.value :
							    ex.rc);
	compare_all(m, st, &ex, before);
	return rc;
}


/* ---- the invariant walk over real memory */

unsigned long model_check(struct model *m, const struct pvmmu_state *st)
{
	unsigned long k, i, h, c, links = 0, typed = 0, before = m->errors;
	unsigned long own[MODEL_NSTATS];
	const struct model_page *p;
	const u64 *t;
	u32 *refs, mw;
	long ck, rc;
	u64 e;

	refs = calloc(m->mc.pool_pages, sizeof(*refs));
	for (k = 0; k < m->mc.pool_pages; k++) {
		p = &m->page[k];
		t = host(m, m->mc.pool_base + k * PG);
		mw = m->mc.meta[k];
		if (!p->typed) {
			if (mw)
				fail(m, "free page %lu: meta %#x", k, mw);
			for (i = 0; i < NPTE; i++) {
				if (t[i]) {
					fail(m, "free page %lu: entry %lu = "
					     "%#llx", k, i,
					     (unsigned long long)t[i]);
					break;
				}
			}
			continue;
		}
		typed++;
		if ((mw >> 26 & 7) != 3 + p->level ||
		    !!(mw & (1U << 29)) != p->root ||
		    !!(mw & (1U << 30)) != p->kernel || (mw >> 31))
			fail(m, "page %lu: meta %#x, want level %u root %d "
			     "kernel %d", k, mw, p->level, p->root, p->kernel);
		for (i = 0; i < user_entries(m, k); i++) {
			e = t[i];
			if (!(e & B_V))
				continue;
			if (!is_pointer(e)) {
				rc = leaf_error_as(m, p->level, e, true);
				if (rc)
					fail(m, "page %lu entry %lu: illegal "
					     "leaf %#llx (%ld)", k, i,
					     (unsigned long long)e, rc);
				continue;
			}
			if (pointer_shape_error(p->level, e))
				fail(m, "page %lu entry %lu: bad pointer %#llx",
				     k, i, (unsigned long long)e);
			ck = pool_index(m, f_ppn(e) * PG, PG);
			if (ck < 0) {
				fail(m, "page %lu entry %lu: pointer out of "
				     "the pool %#llx", k, i,
				     (unsigned long long)e);
				continue;
			}
			if (!pointer_target_ok(m, p->level, e))
				fail(m, "page %lu entry %lu: pointer to page "
				     "%ld (typed %d level %u root %d)", k, i,
				     ck, m->page[ck].typed, m->page[ck].level,
				     m->page[ck].root);
			refs[ck]++;
			links++;
		}
		/* only a kernel root under construction changes its own */
		if (p->root && !p->kernel &&
		    memcmp(&t[KHALF], m->khalf[k], KHALF * 8))
			fail(m, "root %lu: kernel half differs from its "
			     "snapshot", k);
		if (p->root && adopted(m) &&
		    memcmp(&t[KHALF], (const u64 *)host(m, kroot_page(m)) +
		    KHALF, KHALF * 8))
			fail(m, "root %lu: kernel half differs from the "
			     "kernel root's", k);
	}
	for (k = 0; k < m->mc.pool_pages; k++)
		if ((m->mc.meta[k] & ((1U << 26) - 1)) !=
		    refs[k] + loads_of(m, k))
			fail(m, "page %lu: %u references, %u links, %u loads",
			     k, m->mc.meta[k] & ((1U << 26) - 1), refs[k],
			     loads_of(m, k));
	free(refs);
	/* a loaded root stays a typed root at the root level */
	for (h = 0; h < MODEL_HARTS; h++) {
		if (st->harts[h].root != m->loaded[h])
			fail(m, "hart %lu has %#lx loaded, want %#lx", h,
			     st->harts[h].root, m->loaded[h]);
		if (!m->loaded[h])
			continue;
		ck = pool_index(m, m->loaded[h], PG);
		if (ck < 0 || m->loaded[h] % PG || !m->kroot ||
		    !m->page[ck].typed || !m->page[ck].root ||
		    m->page[ck].level != top_level(m) ||
		    (m->mc.meta[ck] >> 26 & 7) != 3 + top_level(m) ||
		    !(m->mc.meta[ck] & (1U << 29)))
			fail(m, "hart %lu: loaded root %#lx is not a root", h,
			     m->loaded[h]);
	}

	if (st->pages_typed != typed)
		fail(m, "PAGES_TYPED %lu, typed pages %lu", st->pages_typed,
		     typed);
	if (st->links != links)
		fail(m, "LINKS %lu, links %lu", st->links, links);
	for (i = 0; i < array_size(st->locks); i++)
		if (st->locks[i].v)
			fail(m, "stripe lock %lu left held", i);
	/* S-mode RAM, or (adopted) a typed root at the root level */
	ck = pool_index(m, (unsigned long)(st->kroot & ~(PG - 1)), PG);
	if (st->kroot && ck < 0 &&
	    !s_ram(m, (unsigned long)(st->kroot & ~(PG - 1)), PG))
		fail(m, "kernel root %#llx neither in S-mode RAM nor in the "
		     "pool", (unsigned long long)st->kroot);
	if (st->kroot && ck >= 0 &&
	    (st->kroot % PG != (m->kroot & 7) || !m->page[ck].typed ||
	     !m->page[ck].root || m->page[ck].kernel ||
	     m->page[ck].level != top_level(m) ||
	     (m->mc.meta[ck] & 0xfc000000U) !=
	     ((3U + top_level(m)) << 26 | 1U << 29)))
		fail(m, "adopted kernel root %#llx is not a plain root",
		     (unsigned long long)st->kroot);
	if (st->kroot != m->kroot)
		fail(m, "kernel root %#llx, want %#llx",
		     (unsigned long long)st->kroot,
		     (unsigned long long)m->kroot);
	compare_kernel(m, st);
	/*
	 * no writable leaf over a locked range, whenever it was stored; the
	 * core's quick test, [locked_lo, locked_hi), spans every locked range
	 */
	for (i = 0; i < SBI_PVMMU_LOCK_KINDS; i++) {
		if (!m->locked[i].size)
			continue;
		if (writable_leaf_over(m, host(m, m->mc.pool_base),
				       m->locked[i].base, m->locked[i].size))
			fail(m, "a writable leaf over locked range %lu", i);
		if (m->locked[i].base < st->locked_lo ||
		    (u128)m->locked[i].base + m->locked[i].size >
		    st->locked_hi)
			fail(m, "locked range %lu outside the span %#lx-%#lx",
			     i, st->locked_lo, st->locked_hi);
	}
	for (h = 0; h < MODEL_HARTS; h++) {
		if (st->harts[h].shmem_set &&
		    !s_ram(m, st->harts[h].shmem, SHMEM_BYTES))
			fail(m, "hart %lu buffer %#lx not in S-mode RAM", h,
			     st->harts[h].shmem);
		if (!hart_valid(m, h)) {
			for (c = 0; c < MODEL_NSTATS; c++)
				if (st->harts[h].stats[c])
					fail(m, "invalid hart %lu counted", h);
			if (st->harts[h].root || st->harts[h].need_fence)
				fail(m, "invalid hart %lu has a root or a "
				     "fence", h);
		}
		/* what the calls counted, without the glue's pvmmu_count()s */
		for (c = 0; c < MODEL_NSTATS; c++)
			own[c] = st->harts[h].stats[c] - m->glue_counts[h][c];
		if (own[SBI_PVMMU_STAT_UPDATE_CALLS] >
		    own[SBI_PVMMU_STAT_CALLS] ||
		    own[SBI_PVMMU_STAT_REJECTED] > own[SBI_PVMMU_STAT_CALLS] ||
		    own[SBI_PVMMU_STAT_ENTRIES] >
		    MAX_BATCH * own[SBI_PVMMU_STAT_UPDATE_CALLS])
			fail(m, "hart %lu counters inconsistent", h);
	}
	return m->errors - before;
}

/* ---- harness hooks */

void model_hw_write(struct model *m, unsigned long pa, u64 v)
{
	long k = pool_index(m, pa, 8);

	*(volatile u64 *)host(m, pa) = v;
	if (k >= 0)
		m->pool[(pa - m->mc.pool_base) / 8] = v;
}

bool model_walker_ad(struct model *m, unsigned long pa, bool dirty)
{
	long k = pool_index(m, pa, 8);
	u64 e, set;

	if (k < 0 || pa % 8)
		return false;
	e = m->pool[(pa - m->mc.pool_base) / 8];
	if (!(e & B_V) || is_pointer(e))
		return false;
	set = B_A | (dirty && (e & B_W) ? B_D : 0);
	if ((e & set) == set)
		return false;
	model_hw_write(m, pa, e | set);
	return true;
}

void model_set_page(struct model *m, unsigned long pa, bool typed,
		    unsigned int level, bool root)
{
	long k = pool_index(m, pa, PG);

	if (k < 0)
		return;
	m->page[k].typed = typed;
	m->page[k].level = typed ? level : 0;
	m->page[k].root = typed && root;
	m->page[k].kernel = false;
	m->page[k].linked_khalf = typed && root && adopted(m);
	if (typed && root)
		memcpy(m->khalf[k], (u64 *)host(m, pa) + KHALF, KHALF * 8);
}

void model_reload_pool(struct model *m)
{
	memcpy(m->pool, host(m, m->mc.pool_base), m->mc.pool_pages * PG);
}

void model_set_shmem(struct model *m, unsigned long hart, bool set,
		     unsigned long pa)
{
	if (hart >= MODEL_HARTS)
		return;
	m->shmem_set[hart] = set;
	m->shmem[hart] = set ? pa : 0;
}

void model_reload_stats(struct model *m, const struct pvmmu_state *st)
{
	unsigned long h, c;

	for (h = 0; h < MODEL_HARTS; h++)
		for (c = 0; c < MODEL_NSTATS; c++) {
			/* the glue's counts stay as the model knows them */
			m->stats[h][c] = st->harts[h].stats[c];
			if (m->glue_counts[h][c] > m->stats[h][c])
				m->glue_counts[h][c] = m->stats[h][c];
		}
}

void model_reload_harts(struct model *m, const struct pvmmu_state *st)
{
	unsigned long h;

	for (h = 0; h < MODEL_HARTS; h++) {
		m->loaded[h] = st->harts[h].root;
		m->fence[h] = st->harts[h].need_fence;
	}
}

/* ---- setup */

int model_init(struct model *m, const struct model_machine *mc)
{
	unsigned long w, pages = mc->pool_pages;

	memset(m, 0, sizeof(*m));
	if (mc->watch_count >= MODEL_MAX_WATCH ||
	    mc->mmio_count > MODEL_MAX_MMIO)
		return -1;
	m->mc = *mc;
	for (w = 0; w < mc->watch_count; w++)
		m->watch_bytes += mc->watch[w].size;
	/* the pages of the caller's buffer, which need not start on one */
	m->watch_bytes += SHMEM_BYTES + 2 * PG;
	m->pool = calloc(pages, PG);
	m->meta_before = calloc(pages, sizeof(u32));
	m->page = calloc(pages, sizeof(*m->page));
	m->khalf = calloc(pages, sizeof(*m->khalf));
	m->watch_before = calloc(1, m->watch_bytes + 1);
	m->sites = calloc(16384, sizeof(*m->sites));
	if (!m->pool || !m->meta_before || !m->page ||
	    !m->khalf || !m->watch_before || !m->sites) {
		model_free(m);
		return -1;
	}
	return 0;
}

void model_free(struct model *m)
{
	free(m->pool);
	free(m->meta_before);
	free(m->page);
	free(m->khalf);
	free(m->watch_before);
	free(m->sites);
	memset(m, 0, sizeof(*m));
}
