// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host unit tests of the PVMMU core (pvmmu/pvmmu_core.c, pvmmu_pool.c),
 * compiled with the host compiler against a fake physical RAM.
 *
 * Fake machine (physical addresses):
 *   RAM A     0x80000000-0x83efffff   RAM B 0x83f00000-0x83ffffff
 *   firmware  0x80000000 + 512 KiB
 *   kroot     0x81000000              kernel root page
 *   shmem     0x82000000 + hart * 4 KiB
 *   pool      0x83000000 + 4 MiB      (1024 pages)
 *
 * Every test starts from a fresh pvmmu_init() and ends with an invariant
 * check that recomputes reference counts, links and typed pages from the
 * pool contents. Output ends with "N passed, M failed" (checks).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sbi/sbi_ecall_interface.h>
#include "pvmmu_core.h"

#define RAM_BASE	0x80000000UL
#define RAM_SIZE	(64UL << 20)
#define RAM_B_BASE	0x83f00000UL
#define FW_BASE		RAM_BASE
#define FW_SIZE		0x80000UL
#define KROOT		0x81000000UL
#define DATA		0x81200000UL	/* 2 MiB aligned RAM for leaves */
#define SHMEM(h)	(0x82000000UL + (unsigned long)(h) * 0x1000)
#define POOL_BASE	0x83000000UL
#define POOL_SIZE	(4UL << 20)
#define POOL_PAGES	(POOL_SIZE >> 12)
#define P(k)		(POOL_BASE + (unsigned long)(k) * 4096)
#define HARTS		0x0fUL		/* harts 0-3 valid */

#define FEAT_ALL	(SBI_PVMMU_FEAT_SVNAPOT | SBI_PVMMU_FEAT_SVPBMT)

static u8 *ram;
static u32 meta[POOL_PAGES];
static struct pvmmu_state st;
static const struct pvmmu_range ram_ranges[] = {
	{ RAM_BASE, RAM_B_BASE - RAM_BASE },
	{ RAM_B_BASE, RAM_BASE + RAM_SIZE - RAM_B_BASE },
};

static unsigned long checks_passed, checks_failed;
static const char *cur_test;

#define CHECK(cond)	check_true(!!(cond), #cond, __FILE__, __LINE__)
#define EXPECT(got, want) \
	check_eq((long)(got), (long)(want), #got, __FILE__, __LINE__)

static void check_true(int ok, const char *what, const char *file, int line)
{
	if (ok) {
		checks_passed++;
		return;
	}
	checks_failed++;
	printf("FAIL %s: %s:%d: %s\n", cur_test, file, line, what);
}

static void check_eq(long got, long want, const char *what,
		     const char *file, int line)
{
	if (got == want) {
		checks_passed++;
		return;
	}
	checks_failed++;
	printf("FAIL %s: %s:%d: %s = %ld (0x%lx), want %ld (0x%lx)\n",
	       cur_test, file, line, what, got, (unsigned long)got, want,
	       (unsigned long)want);
}

/* ---- fake machine */

static void *ptr(unsigned long pa)
{
	return ram + (pa - RAM_BASE);
}

static u64 *pte(unsigned long pa)
{
	return ptr(pa);
}

static u64 leaf(unsigned long pa, u64 flags)
{
	return ((u64)(pa >> 12) << 10) | flags | PTE_V;
}

static u64 table(unsigned long pa)
{
	return ((u64)(pa >> 12) << 10) | PTE_V;
}

#define RW	(PTE_R | PTE_W)
#define RWAD	(PTE_R | PTE_W | PTE_A | PTE_D)

static struct pvmmu_config base_cfg(unsigned long features)
{
	struct pvmmu_config cfg = {
		.phys_offset = (unsigned long)(uintptr_t)ram - RAM_BASE,
		.ram = ram_ranges,
		.ram_count = 2,
		.fw = { FW_BASE, FW_SIZE },
		.pool_base = POOL_BASE,
		.pool_size = POOL_SIZE,
		.features = features,
		.hart_mask = HARTS,
		.meta = meta,
		.meta_entries = POOL_PAGES,
	};
	return cfg;
}

/* Fresh state; junk everywhere first, so zeroing is visible */
static void reset(unsigned long features)
{
	struct pvmmu_config cfg = base_cfg(features);
	int rc;

	memset(ram, 0xa5, RAM_SIZE);
	memset(meta, 0x5a, sizeof(meta));
	rc = pvmmu_init(&st, &cfg);
	EXPECT(rc, SBI_SUCCESS);
}

static long call(unsigned long hart, unsigned long fid, unsigned long a0,
		 unsigned long a1, unsigned long a2, unsigned long *val)
{
	unsigned long v;
	long rc = pvmmu_call(&st, hart, fid, a0, a1, a2, &v);

	if (val)
		*val = v;
	return rc;
}

static struct sbi_pvmmu_entry *buf(unsigned long hart)
{
	return ptr(SHMEM(hart));
}

static void ent(unsigned long hart, unsigned int i, unsigned long pa,
		unsigned int op, u64 value)
{
	buf(hart)[i].target = pa | op;
	buf(hart)[i].value = value;
	buf(hart)[i].old = 0xdeadbeefUL;
}

static long update(unsigned long hart, unsigned long n, unsigned long *done)
{
	return call(hart, SBI_PVMMU_UPDATE, n, 0, 0, done);
}

/* One-entry UPDATE from hart 0; *old gets the entry's old value */
static long upd1(unsigned long pa, unsigned int op, u64 value, u64 *old)
{
	unsigned long done;
	long rc;

	ent(0, 0, pa, op, value);
	rc = update(0, 1, &done);
	EXPECT(done, rc ? 0 : 1);
	if (old)
		*old = buf(0)[0].old;
	return rc;
}

static long reg(unsigned long pa, unsigned long level, unsigned long flags)
{
	return call(0, SBI_PVMMU_PT_REGISTER, pa, level, flags, NULL);
}

static long rel(unsigned long pa)
{
	return call(0, SBI_PVMMU_PT_RELEASE, pa, 0, 0, NULL);
}

static unsigned long stat(unsigned long counter, unsigned long hart)
{
	unsigned long v = 0;
	long rc = call(0, SBI_PVMMU_STATS, counter, hart, 0, &v);

	EXPECT(rc, SBI_SUCCESS);
	return v;
}

static u32 refs(unsigned long pa)
{
	return pvmmu_meta_refs(meta[(pa - POOL_BASE) >> 12]);
}

static u32 mstate(unsigned long pa)
{
	return pvmmu_meta_state(meta[(pa - POOL_BASE) >> 12]);
}

static void shmem_on(unsigned long hart)
{
	EXPECT(call(hart, SBI_PVMMU_SET_SHMEM, SHMEM(hart), 0, 0, NULL),
	       SBI_SUCCESS);
}

/* ---- snapshots: a rejected call must change nothing */

struct snap {
	u8 pool[POOL_SIZE];
	u32 meta[POOL_PAGES];
	unsigned long typed, links;
};

static struct snap snap_a;

static void snap_take(struct snap *s)
{
	memcpy(s->pool, ptr(POOL_BASE), POOL_SIZE);
	memcpy(s->meta, meta, sizeof(meta));
	s->typed = st.pages_typed;
	s->links = st.links;
}

static int snap_same(const struct snap *s)
{
	return !memcmp(s->pool, ptr(POOL_BASE), POOL_SIZE) &&
	       !memcmp(s->meta, meta, sizeof(meta)) &&
	       s->typed == st.pages_typed && s->links == st.links;
}

/* Rejected one-entry update: error code, a1 = 0, nothing changed */
static void expect_reject1(unsigned long pa, unsigned int op, u64 value,
			   long err, int line)
{
	unsigned long done = 99;
	long rc;

	snap_take(&snap_a);
	ent(0, 0, pa, op, value);
	rc = update(0, 1, &done);
	check_eq(rc, err, "rejected entry error", __FILE__, line);
	check_eq((long)done, 0, "rejected entry index", __FILE__, line);
	check_true(snap_same(&snap_a), "rejected entry changed nothing",
		   __FILE__, line);
	check_eq((long)buf(0)[0].old, 0xdeadbeefL, "rejected entry old",
		 __FILE__, line);
}

#define REJECT(pa, op, v, err)	expect_reject1(pa, op, v, err, __LINE__)

/* ---- invariants, recomputed from the pool contents */

static void check_invariants(void)
{
	static u32 want[POOL_PAGES];
	unsigned long k, i, n, typed = 0, links = 0, ok = 1;

	memset(want, 0, sizeof(want));
	for (k = 0; k < POOL_PAGES; k++) {
		u32 m = meta[k];
		u64 *p = pte(P(k));

		if (!pvmmu_meta_typed(m)) {
			/* free pages are zero and unreferenced */
			if (m != 0)
				ok = 0;
			for (i = 0; i < 512; i++)
				if (p[i])
					ok = 0;
			continue;
		}
		typed++;
		n = (m & PVMMU_META_ROOT) ? 256 : 512;
		for (i = 0; i < n; i++) {
			unsigned long c = pvmmu_pte_pa(p[i]);

			if (!pvmmu_pte_is_table(p[i]))
				continue;
			/* table entries point one level down, at typed pages */
			if (c < POOL_BASE || c >= POOL_BASE + POOL_SIZE) {
				ok = 0;
				continue;
			}
			if (!pvmmu_meta_typed(meta[(c - POOL_BASE) >> 12]) ||
			    pvmmu_meta_level(meta[(c - POOL_BASE) >> 12]) + 1 !=
			    pvmmu_meta_level(m))
				ok = 0;
			want[(c - POOL_BASE) >> 12]++;
			links++;
		}
	}
	for (k = 0; k < POOL_PAGES; k++)
		if (pvmmu_meta_refs(meta[k]) != want[k])
			ok = 0;
	check_true(ok, "pool invariants (zero free pages, refcounts, levels)",
		   __FILE__, __LINE__);
	EXPECT(st.pages_typed, typed);
	EXPECT(st.links, links);
}

/* ---- tests */

static void test_init(void)
{
	struct pvmmu_config cfg;
	unsigned long k, i, zero = 1;

	reset(0);
	for (k = 0; k < POOL_PAGES; k++) {
		if (meta[k])
			zero = 0;
		for (i = 0; i < 512; i++)
			if (pte(P(k))[i])
				zero = 0;
	}
	CHECK(zero);
	/* memory next to the pool is not touched */
	EXPECT(*(u64 *)ptr(POOL_BASE - 8), 0xa5a5a5a5a5a5a5a5UL);
	EXPECT(*(u64 *)ptr(POOL_BASE + POOL_SIZE), 0xa5a5a5a5a5a5a5a5UL);
	EXPECT(st.pool_pages, POOL_PAGES);

	cfg = base_cfg(0);
	cfg.pool_base += 8;
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	cfg = base_cfg(0);
	cfg.pool_base = FW_BASE;
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	cfg = base_cfg(0);
	cfg.pool_base = 0x90000000UL;
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	cfg = base_cfg(0);
	cfg.pool_base = RAM_B_BASE - 4096;	/* straddles two RAM ranges */
	cfg.pool_size = 8192;
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	cfg = base_cfg(0);
	cfg.meta_entries = POOL_PAGES - 1;
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	cfg = base_cfg(0);
	cfg.hart_mask = 0;
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	cfg = base_cfg(0);
	cfg.ram_count = 0;
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	reset(0);
	check_invariants();
}

static void test_get_info(void)
{
	unsigned long v;

	reset(0);
	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_VERSION, 0, 0, &v),
	       0);
	EXPECT(v, 0x10000);
	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_FEATURES, 0, 0, &v),
	       0);
	EXPECT(v, 0);
	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_POOL_BASE, 0, 0,
		    &v), 0);
	EXPECT(v, POOL_BASE);
	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_POOL_SIZE, 0, 0,
		    &v), 0);
	EXPECT(v, POOL_SIZE);
	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_MAX_BATCH, 0, 0,
		    &v), 0);
	EXPECT(v, 128);
	EXPECT(call(0, SBI_PVMMU_GET_INFO, 5, 0, 0, &v),
	       SBI_ERR_INVALID_PARAM);
	EXPECT(call(0, SBI_PVMMU_GET_INFO, -1UL, 0, 0, &v),
	       SBI_ERR_INVALID_PARAM);

	reset(FEAT_ALL | (1UL << 7));	/* unknown bits are dropped */
	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_FEATURES, 0, 0, &v),
	       0);
	EXPECT(v, FEAT_ALL);
	reset(SBI_PVMMU_FEAT_SVPBMT);
	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_FEATURES, 0, 0, &v),
	       0);
	EXPECT(v, SBI_PVMMU_FEAT_SVPBMT);
	check_invariants();
}

static void test_set_shmem(void)
{
	const unsigned long sz = 128 * sizeof(struct sbi_pvmmu_entry);

	reset(0);
	EXPECT(sz, 3072);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, SHMEM(0), 0, 1, NULL),
	       SBI_ERR_INVALID_PARAM);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, SHMEM(0) + 8, 0, 0, NULL),
	       SBI_ERR_INVALID_PARAM);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, SHMEM(0) + 32, 0, 0, NULL),
	       SBI_ERR_INVALID_PARAM);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, SHMEM(0), 1, 0, NULL),
	       SBI_ERR_INVALID_PARAM);
	/* unregistering when nothing is registered is fine */
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, -1UL, -1UL, 0, NULL), 0);
	/* -1 / 0 is not the disable pair */
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, -1UL, 0, 0, NULL),
	       SBI_ERR_INVALID_PARAM);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, -1UL, -1UL, 1, NULL),
	       SBI_ERR_INVALID_PARAM);
	/* address checks */
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, POOL_BASE, 0, 0, NULL),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, POOL_BASE - 64, 0, 0, NULL),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, POOL_BASE + POOL_SIZE - 64, 0, 0,
		    NULL), SBI_ERR_INVALID_ADDRESS);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, POOL_BASE - sz, 0, 0, NULL), 0);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, -1UL, -1UL, 0, NULL), 0);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, FW_BASE, 0, 0, NULL),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, FW_BASE + FW_SIZE - 64, 0, 0,
		    NULL), SBI_ERR_INVALID_ADDRESS);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, 0x10000000UL, 0, 0, NULL),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, RAM_BASE + RAM_SIZE - 64, 0, 0,
		    NULL), SBI_ERR_INVALID_ADDRESS);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, RAM_B_BASE - 1024, 0, 0, NULL),
	       SBI_ERR_INVALID_ADDRESS);	/* across two RAM ranges */
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, -64UL, 0, 0, NULL),
	       SBI_ERR_INVALID_ADDRESS);	/* wraps */
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, RAM_B_BASE, 0, 0, NULL), 0);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, -1UL, -1UL, 0, NULL), 0);

	/* register, again (busy), unregister, register */
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, SHMEM(0), 0, 0, NULL), 0);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, SHMEM(0), 0, 0, NULL),
	       SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, SHMEM(1), 0, 0, NULL),
	       SBI_ERR_ALREADY_AVAILABLE);
	/* per hart */
	EXPECT(call(1, SBI_PVMMU_SET_SHMEM, SHMEM(1), 0, 0, NULL), 0);
	EXPECT(st.harts[1].shmem, SHMEM(1));
	EXPECT(st.harts[0].shmem, SHMEM(0));
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, -1UL, -1UL, 0, NULL), 0);
	EXPECT(update(0, 1, NULL), SBI_ERR_NO_SHMEM);
	EXPECT(st.harts[1].shmem_set, 1);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, SHMEM(2), 0, 0, NULL), 0);
	check_invariants();
}

static void test_set_kernel_root(void)
{
	reset(0);
	EXPECT(call(0, SBI_PVMMU_SET_KERNEL_ROOT, KROOT, 2, 0, NULL),
	       SBI_ERR_INVALID_PARAM);
	EXPECT(call(0, SBI_PVMMU_SET_KERNEL_ROOT, KROOT, 6, 0, NULL),
	       SBI_ERR_INVALID_PARAM);
	EXPECT(call(0, SBI_PVMMU_SET_KERNEL_ROOT, KROOT, 0, 0, NULL),
	       SBI_ERR_INVALID_PARAM);
	EXPECT(call(0, SBI_PVMMU_SET_KERNEL_ROOT, KROOT + 8, 3, 0, NULL),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(call(0, SBI_PVMMU_SET_KERNEL_ROOT, P(0), 3, 0, NULL),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(call(0, SBI_PVMMU_SET_KERNEL_ROOT, FW_BASE, 3, 0, NULL),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(call(0, SBI_PVMMU_SET_KERNEL_ROOT, 0x10000000UL, 3, 0, NULL),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(call(0, SBI_PVMMU_SET_KERNEL_ROOT, RAM_BASE + RAM_SIZE, 3, 0,
		    NULL), SBI_ERR_INVALID_ADDRESS);
	EXPECT(st.kroot, 0);
	EXPECT(call(0, SBI_PVMMU_SET_KERNEL_ROOT, KROOT, 4, 0, NULL), 0);
	EXPECT(call(1, SBI_PVMMU_SET_KERNEL_ROOT, KROOT, 4, 0, NULL),
	       SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(call(0, SBI_PVMMU_SET_KERNEL_ROOT, KROOT + 4096, 5, 0, NULL),
	       SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(st.kroot, KROOT | 4);
	/* root level is now 3 */
	EXPECT(reg(P(0), 4, 0), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(0), 3, SBI_PVMMU_PT_ROOT), 0);
	check_invariants();
}

static void test_register(void)
{
	unsigned long i, zero = 1;

	reset(0);
	EXPECT(reg(P(0) + 8, 0, 0), SBI_ERR_INVALID_ADDRESS);
	EXPECT(reg(P(0) + 2048, 0, 0), SBI_ERR_INVALID_ADDRESS);
	EXPECT(reg(POOL_BASE - 4096, 0, 0), SBI_ERR_INVALID_ADDRESS);
	EXPECT(reg(POOL_BASE + POOL_SIZE, 0, 0), SBI_ERR_INVALID_ADDRESS);
	EXPECT(reg(KROOT, 0, 0), SBI_ERR_INVALID_ADDRESS);
	EXPECT(reg(-4096UL, 0, 0), SBI_ERR_INVALID_ADDRESS);
	EXPECT(reg(P(0), 0, 2), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(0), 0, 1UL << 63), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(0), 5, 0), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(0), -1UL, 0), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(0), 2, SBI_PVMMU_PT_ROOT), SBI_ERR_DENIED);
	EXPECT(reg(P(0), 4, SBI_PVMMU_PT_ROOT), SBI_ERR_DENIED);
	EXPECT(st.pages_typed, 0);

	/* Before SET_KERNEL_ROOT any level up to 4 */
	EXPECT(reg(P(1), 4, 0), 0);
	EXPECT(mstate(P(1)), PVMMU_STATE_TYPED + 4);

	/* junk in a free page (e.g. from the walker) is cleared */
	memset(ptr(P(2)), 0x77, 4096);
	EXPECT(reg(P(2), 0, 0), 0);
	for (i = 0; i < 512; i++)
		if (pte(P(2))[i])
			zero = 0;
	CHECK(zero);
	EXPECT(mstate(P(2)), PVMMU_STATE_TYPED + 0);
	EXPECT(reg(P(2), 0, 0), SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(reg(P(2), 1, 0), SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(reg(P(POOL_PAGES - 1), 3, 0), 0);	/* last pool page */

	EXPECT(call(0, SBI_PVMMU_SET_KERNEL_ROOT, KROOT, 3, 0, NULL), 0);
	EXPECT(reg(P(3), 3, 0), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(3), 1, SBI_PVMMU_PT_ROOT), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(3), 2, SBI_PVMMU_PT_ROOT), 0);
	CHECK(meta[3] & PVMMU_META_ROOT);
	EXPECT(reg(P(3), 2, SBI_PVMMU_PT_ROOT), SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(reg(P(4), 2, 0), 0);		/* non-root at root level */
	EXPECT(st.pages_typed, 5);
	EXPECT(stat(SBI_PVMMU_STAT_PAGES_TYPED, 0), 5);
	EXPECT(stat(SBI_PVMMU_STAT_REGISTERED, -1UL), 5);
	check_invariants();
}

static void test_root_copy(void)
{
	u64 *k = pte(KROOT), *r = pte(P(0));
	unsigned long i, ok = 1;
	u64 old;

	reset(0);
	shmem_on(0);
	/* kernel root: tables and leaves outside the pool, some empty */
	for (i = 0; i < 512; i++)
		k[i] = (i % 3) ? table(DATA + i * 4096) :
			      (i % 2 ? leaf(0x40000000UL, RW | PTE_G) : 0);
	/* a linear-map style leaf over the pool is just copied */
	k[300] = leaf(0x80000000UL, RWAD | PTE_X | PTE_G);
	EXPECT(call(0, SBI_PVMMU_SET_KERNEL_ROOT, KROOT, 3, 0, NULL), 0);
	EXPECT(reg(P(0), 2, SBI_PVMMU_PT_ROOT), 0);
	for (i = 0; i < 512; i++)
		if (r[i] != (i < 256 ? 0 : k[i]))
			ok = 0;
	CHECK(ok);
	EXPECT(refs(P(0)), 0);
	EXPECT(st.links, 0);

	/* the kernel half is out of reach, user half is not */
	REJECT(P(0) + 256 * 8, SBI_PVMMU_OP_STORE, 0, SBI_ERR_DENIED);
	REJECT(P(0) + 511 * 8, SBI_PVMMU_OP_AND, ~0UL, SBI_ERR_DENIED);
	REJECT(P(0) + 400 * 8, SBI_PVMMU_OP_XCHG, leaf(DATA, RW),
	       SBI_ERR_DENIED);
	EXPECT(upd1(P(0) + 255 * 8, SBI_PVMMU_OP_STORE,
		    leaf(0x40000000UL, RW), &old), 0);
	EXPECT(old, 0);
	EXPECT(r[255], leaf(0x40000000UL, RW));

	/* a table entry into the pool in the kernel half: refused, no trace */
	k[257] = table(P(9));
	EXPECT(reg(P(9), 1, 0), 0);
	snap_take(&snap_a);
	EXPECT(reg(P(5), 2, SBI_PVMMU_PT_ROOT), SBI_ERR_DENIED);
	CHECK(snap_same(&snap_a));
	EXPECT(mstate(P(5)), PVMMU_STATE_FREE);
	k[257] = table(DATA);
	EXPECT(reg(P(5), 2, SBI_PVMMU_PT_ROOT), 0);
	EXPECT(pte(P(5))[257], table(DATA));
	/* the copy is a snapshot: later kernel root changes are not seen */
	k[259] = 0x1234;
	EXPECT(pte(P(5))[259], table(DATA + 259 * 4096));

	/* nothing above the root level can be registered any more */
	EXPECT(reg(P(6), 3, 0), SBI_ERR_INVALID_PARAM);
	/* release of a root leaves the kernel half's targets alone */
	EXPECT(rel(P(0)), 0);
	EXPECT(mstate(P(0)), PVMMU_STATE_FREE);
	check_invariants();

	/* a root is never a child, even under a level typed before */
	reset(0);
	shmem_on(0);
	memset(ptr(KROOT), 0, 4096);
	EXPECT(reg(P(8), 3, 0), 0);
	EXPECT(call(0, SBI_PVMMU_SET_KERNEL_ROOT, KROOT, 3, 0, NULL), 0);
	EXPECT(reg(P(9), 2, SBI_PVMMU_PT_ROOT), 0);
	EXPECT(reg(P(10), 2, 0), 0);
	REJECT(P(8), SBI_PVMMU_OP_STORE, table(P(9)), SBI_ERR_DENIED);
	EXPECT(upd1(P(8), SBI_PVMMU_OP_STORE, table(P(10)), NULL), 0);
	check_invariants();
}

static void test_update_errors(void)
{
	unsigned long done;
	unsigned int op;

	reset(0);
	EXPECT(update(0, 1, &done), SBI_ERR_NO_SHMEM);
	EXPECT(done, 0);
	shmem_on(0);
	EXPECT(update(0, 0, &done), SBI_ERR_INVALID_PARAM);
	EXPECT(update(0, 129, &done), SBI_ERR_INVALID_PARAM);
	EXPECT(update(0, -1UL, &done), SBI_ERR_INVALID_PARAM);
	EXPECT(update(1, 1, &done), SBI_ERR_NO_SHMEM);

	/* the buffer is checked again on every call (white box: corrupt it) */
	st.harts[0].shmem = POOL_BASE;
	EXPECT(update(0, 1, &done), SBI_ERR_INVALID_ADDRESS);
	st.harts[0].shmem = FW_BASE;
	EXPECT(update(0, 1, &done), SBI_ERR_INVALID_ADDRESS);
	st.harts[0].shmem = SHMEM(0);

	EXPECT(reg(P(0), 0, 0), 0);	/* PTE table */
	EXPECT(reg(P(1), 1, 0), 0);	/* PMD table */
	EXPECT(reg(P(2), 2, 0), 0);	/* PUD table */
	EXPECT(reg(P(3), 3, 0), 0);	/* P4D table */
	EXPECT(reg(P(7), 0, 0), 0);

	/* targets */
	REJECT(KROOT, SBI_PVMMU_OP_STORE, 0, SBI_ERR_INVALID_ADDRESS);
	REJECT(POOL_BASE - 8, SBI_PVMMU_OP_STORE, 0, SBI_ERR_INVALID_ADDRESS);
	REJECT(POOL_BASE + POOL_SIZE, SBI_PVMMU_OP_STORE, 0,
	       SBI_ERR_INVALID_ADDRESS);
	REJECT(P(4), SBI_PVMMU_OP_STORE, 0, SBI_ERR_INVALID_ADDRESS);
	REJECT(P(4) + 4088, SBI_PVMMU_OP_OR, PTE_V, SBI_ERR_INVALID_ADDRESS);
	REJECT(FW_BASE, SBI_PVMMU_OP_STORE, 0, SBI_ERR_INVALID_ADDRESS);
	REJECT(-8UL, SBI_PVMMU_OP_STORE, 0, SBI_ERR_INVALID_ADDRESS);
	for (op = 5; op < 8; op++)
		REJECT(P(0), op, 0, SBI_ERR_INVALID_PARAM);

	/* the op bits are not part of the address */
	EXPECT(upd1(P(0) + 8 * 3, SBI_PVMMU_OP_OR, leaf(DATA, PTE_R), NULL),
	       0);
	EXPECT(pte(P(0))[3], leaf(DATA, PTE_R));

	/* leaves: permissions */
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(DATA, PTE_W),
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(DATA, PTE_W | PTE_X),
	       SBI_ERR_INVALID_PARAM);
	/* leaves: levels and alignment */
	REJECT(P(3), SBI_PVMMU_OP_STORE, leaf(0x40000000UL, RW),
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(1), SBI_PVMMU_OP_STORE, leaf(DATA + 4096, RW),
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(2), SBI_PVMMU_OP_STORE, leaf(0x40200000UL, RW),
	       SBI_ERR_INVALID_PARAM);
	/* leaves: reserved bits, PBMT and N without the extensions */
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(DATA, RW) | (1UL << 54),
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(DATA, RW) | (1UL << 60),
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(DATA, RW) | (1UL << 61),
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(DATA, RW) | (2UL << 61),
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(DATA + 0x8000, RW) | PTE_N,
	       SBI_ERR_INVALID_PARAM);
	/* leaves: what they map */
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(FW_BASE, PTE_R),
	       SBI_ERR_DENIED);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(FW_BASE + FW_SIZE - 4096, RW),
	       SBI_ERR_DENIED);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(POOL_BASE, PTE_R),
	       SBI_ERR_DENIED);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(P(0), RW), SBI_ERR_DENIED);
	REJECT(P(0), SBI_PVMMU_OP_STORE,
	       leaf(POOL_BASE + POOL_SIZE - 4096, PTE_R | PTE_X),
	       SBI_ERR_DENIED);
	REJECT(P(1), SBI_PVMMU_OP_STORE, leaf(FW_BASE, RW), SBI_ERR_DENIED);
	REJECT(P(1), SBI_PVMMU_OP_STORE, leaf(0x83200000UL, RW),
	       SBI_ERR_DENIED);	/* 2 MiB leaf inside the pool */
	REJECT(P(2), SBI_PVMMU_OP_STORE, leaf(0x80000000UL, RW),
	       SBI_ERR_DENIED);	/* 1 GiB leaf over firmware and pool */

	/* non-leaf entries */
	REJECT(P(0), SBI_PVMMU_OP_STORE, table(P(7)), SBI_ERR_DENIED);
	REJECT(P(1), SBI_PVMMU_OP_STORE, table(P(0)) | PTE_A,
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(1), SBI_PVMMU_OP_STORE, table(P(0)) | PTE_D,
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(1), SBI_PVMMU_OP_STORE, table(P(0)) | PTE_U,
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(1), SBI_PVMMU_OP_STORE, table(P(0)) | (1UL << 54),
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(1), SBI_PVMMU_OP_STORE, table(P(0)) | (1UL << 61),
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(1), SBI_PVMMU_OP_STORE, table(P(0)) | PTE_N,
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(1), SBI_PVMMU_OP_STORE, table(DATA), SBI_ERR_DENIED);
	REJECT(P(1), SBI_PVMMU_OP_STORE, table(FW_BASE), SBI_ERR_DENIED);
	REJECT(P(1), SBI_PVMMU_OP_STORE, table(P(5)), SBI_ERR_DENIED);
	REJECT(P(1), SBI_PVMMU_OP_STORE, table(P(2)), SBI_ERR_DENIED);
	REJECT(P(1), SBI_PVMMU_OP_STORE, table(P(1)), SBI_ERR_DENIED);
	REJECT(P(2), SBI_PVMMU_OP_STORE, table(P(0)), SBI_ERR_DENIED);
	REJECT(P(3), SBI_PVMMU_OP_STORE, table(P(1)), SBI_ERR_DENIED);

	/* results of AND/OR/KEEP_AD are validated too */
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE, leaf(DATA, RW), NULL), 0);
	REJECT(P(0), SBI_PVMMU_OP_AND, ~PTE_R, SBI_ERR_INVALID_PARAM);
	REJECT(P(0), SBI_PVMMU_OP_OR, 1UL << 56, SBI_ERR_INVALID_PARAM);
	REJECT(P(0), SBI_PVMMU_OP_OR, (u64)(POOL_BASE >> 12) << 10,
	       SBI_ERR_DENIED);	/* OR-ing the PPN up into the pool */
	REJECT(P(0), SBI_PVMMU_OP_STORE_KEEP_AD, leaf(P(0), RW),
	       SBI_ERR_DENIED);
	REJECT(P(0), SBI_PVMMU_OP_AND, ~PTE_RWX, SBI_ERR_DENIED);
	EXPECT(upd1(P(1), SBI_PVMMU_OP_STORE, table(P(0)), NULL), 0);
	REJECT(P(1), SBI_PVMMU_OP_OR, PTE_A, SBI_ERR_INVALID_PARAM);
	REJECT(P(1), SBI_PVMMU_OP_OR, PTE_W, SBI_ERR_INVALID_PARAM);

	/* V=0: any payload (swap, migration entries) is stored as is */
	EXPECT(upd1(P(0) + 16, SBI_PVMMU_OP_STORE, ~PTE_V, NULL), 0);
	EXPECT(pte(P(0))[2], ~PTE_V);
	EXPECT(upd1(P(1) + 16, SBI_PVMMU_OP_STORE, (u64)(P(0) >> 12) << 10,
		    NULL), 0);
	EXPECT(refs(P(0)), 1);		/* not counted: not valid */

	/* with both extensions */
	reset(FEAT_ALL);
	shmem_on(0);
	EXPECT(reg(P(0), 0, 0), 0);
	EXPECT(reg(P(1), 1, 0), 0);
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE, leaf(DATA, RW) | (1UL << 61),
		    NULL), 0);
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE, leaf(DATA, RW) | (2UL << 61),
		    NULL), 0);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(DATA, RW) | (3UL << 61),
	       SBI_ERR_INVALID_PARAM);
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE,
		    leaf(DATA + 0x8000, RW) | PTE_N, NULL), 0);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(DATA + 0x4000, RW) | PTE_N,
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(DATA, RW) | PTE_N,
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(1), SBI_PVMMU_OP_STORE, leaf(DATA + 0x8000, RW) | PTE_N,
	       SBI_ERR_INVALID_PARAM);
	/* a 64 KiB NAPOT leaf is checked over its whole range */
	REJECT(P(0), SBI_PVMMU_OP_STORE,
	       leaf(POOL_BASE + 0x8000, RW) | PTE_N, SBI_ERR_DENIED);
	REJECT(P(0), SBI_PVMMU_OP_STORE,
	       leaf(FW_BASE + FW_SIZE - 0x8000, RW) | PTE_N, SBI_ERR_DENIED);
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE,
		    leaf(POOL_BASE - 0x8000, RW) | PTE_N, NULL), 0);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(DATA, RW) | (1UL << 57),
	       SBI_ERR_INVALID_PARAM);
	check_invariants();
}

static void test_update_ops(void)
{
	unsigned long done, i;
	u64 old, v = leaf(DATA, RW | PTE_U);

	reset(0);
	shmem_on(0);
	EXPECT(reg(P(0), 0, 0), 0);
	EXPECT(reg(P(1), 1, 0), 0);
	EXPECT(reg(P(2), 2, 0), 0);

	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE, v, &old), 0);
	EXPECT(old, 0);
	EXPECT(*pte(P(0)), v);
	EXPECT(upd1(P(0), SBI_PVMMU_OP_XCHG, v | PTE_A | PTE_D, &old), 0);
	EXPECT(old, v);
	EXPECT(upd1(P(0), SBI_PVMMU_OP_AND, ~(u64)PTE_W, &old), 0);
	EXPECT(old, v | PTE_A | PTE_D);
	EXPECT(*pte(P(0)), (v | PTE_A | PTE_D) & ~PTE_W);
	EXPECT(upd1(P(0), SBI_PVMMU_OP_OR, PTE_W, &old), 0);
	EXPECT(*pte(P(0)), v | PTE_A | PTE_D);
	/* KEEP_AD: new value, old A and D */
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE_KEEP_AD, leaf(DATA, PTE_R),
		    &old), 0);
	EXPECT(old, v | PTE_A | PTE_D);
	EXPECT(*pte(P(0)), leaf(DATA, PTE_R | PTE_A | PTE_D));
	*pte(P(0)) = leaf(DATA, RW | PTE_A);	/* the walker set A only */
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE_KEEP_AD, leaf(DATA, PTE_R),
		    NULL), 0);
	EXPECT(*pte(P(0)), leaf(DATA, PTE_R | PTE_A));
	/* STORE replaces wholesale; the caller sees D in old */
	*pte(P(0)) = leaf(DATA, RWAD);
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE, 0, &old), 0);
	EXPECT(old, leaf(DATA, RWAD));
	EXPECT(*pte(P(0)), 0);

	/* huge leaves at levels 1 and 2 */
	EXPECT(upd1(P(1) + 8, SBI_PVMMU_OP_STORE, leaf(DATA, RW), NULL), 0);
	EXPECT(upd1(P(2) + 8, SBI_PVMMU_OP_STORE,
		    leaf(0x40000000UL, RW | PTE_X), NULL), 0);
	EXPECT(upd1(P(1) + 16, SBI_PVMMU_OP_STORE, leaf(0x80200000UL, RW),
		    NULL), 0);	/* right after the 512 KiB firmware */
	EXPECT(upd1(P(1) + 24, SBI_PVMMU_OP_STORE, leaf(0x82e00000UL, RW),
		    NULL), 0);	/* ends where the pool starts */

	/* a full batch */
	for (i = 0; i < 128; i++)
		ent(0, i, P(0) + i * 8, SBI_PVMMU_OP_STORE,
		    leaf(DATA + i * 4096, RW));
	EXPECT(update(0, 128, &done), 0);
	EXPECT(done, 128);
	for (i = 0; i < 128; i++) {
		if (*pte(P(0) + i * 8) != leaf(DATA + i * 4096, RW) ||
		    buf(0)[i].old != 0)
			break;
	}
	EXPECT(i, 128);

	/* a batch stops at the first bad entry: 0..4 applied, 5.. not */
	for (i = 0; i < 10; i++)
		ent(0, i, P(0) + (200 + i) * 8, SBI_PVMMU_OP_STORE,
		    leaf(DATA, PTE_R));
	buf(0)[5].value = leaf(FW_BASE, PTE_R);
	EXPECT(update(0, 10, &done), SBI_ERR_DENIED);
	EXPECT(done, 5);
	for (i = 0; i < 10; i++) {
		EXPECT(*pte(P(0) + (200 + i) * 8),
		       i < 5 ? leaf(DATA, PTE_R) : 0);
		EXPECT(buf(0)[i].old, i < 5 ? 0 : 0xdeadbeefUL);
	}
	/* the same from another hart, with its own buffer */
	shmem_on(1);
	for (i = 0; i < 3; i++)
		ent(1, i, P(0) + (300 + i) * 8, SBI_PVMMU_OP_STORE,
		    leaf(DATA, PTE_R));
	ent(1, 2, P(5), SBI_PVMMU_OP_STORE, 0);
	EXPECT(update(1, 3, &done), SBI_ERR_INVALID_ADDRESS);
	EXPECT(done, 2);
	EXPECT(stat(SBI_PVMMU_STAT_ENTRIES, 1), 2);
	check_invariants();
}

static void test_refcounts(void)
{
	u64 old;

	reset(0);
	shmem_on(0);
	EXPECT(call(0, SBI_PVMMU_SET_KERNEL_ROOT, KROOT, 3, 0, NULL), 0);
	EXPECT(reg(P(0), 2, SBI_PVMMU_PT_ROOT), 0);	/* root */
	EXPECT(reg(P(1), 1, 0), 0);			/* PMD a */
	EXPECT(reg(P(2), 1, 0), 0);			/* PMD b */
	EXPECT(reg(P(3), 0, 0), 0);			/* PTE a */
	EXPECT(reg(P(4), 0, 0), 0);			/* PTE b */
	EXPECT(reg(P(5), 2, SBI_PVMMU_PT_ROOT), 0);	/* root 2 */

	/* link */
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE, table(P(1)), &old), 0);
	EXPECT(refs(P(1)), 1);
	EXPECT(stat(SBI_PVMMU_STAT_LINKS, 0), 1);
	EXPECT(rel(P(1)), SBI_ERR_DENIED);
	/* the same child twice */
	EXPECT(upd1(P(0) + 8, SBI_PVMMU_OP_XCHG, table(P(1)), &old), 0);
	EXPECT(refs(P(1)), 2);
	/* relink entry 1 to another child */
	EXPECT(upd1(P(0) + 8, SBI_PVMMU_OP_STORE, table(P(2)), &old), 0);
	EXPECT(old, table(P(1)));
	EXPECT(refs(P(1)), 1);
	EXPECT(refs(P(2)), 1);
	/* rewriting the same link keeps the count */
	EXPECT(upd1(P(0) + 8, SBI_PVMMU_OP_STORE, table(P(2)), &old), 0);
	EXPECT(refs(P(2)), 1);
	EXPECT(upd1(P(0) + 8, SBI_PVMMU_OP_OR, PTE_G, &old), 0);
	EXPECT(refs(P(2)), 1);
	/* two roots share a PMD */
	EXPECT(upd1(P(5), SBI_PVMMU_OP_STORE, table(P(2)), &old), 0);
	EXPECT(refs(P(2)), 2);
	EXPECT(stat(SBI_PVMMU_STAT_LINKS, -1UL), 3);
	/* PTE tables under the PMDs */
	EXPECT(upd1(P(2), SBI_PVMMU_OP_STORE, table(P(3)), &old), 0);
	EXPECT(upd1(P(2) + 8, SBI_PVMMU_OP_STORE, table(P(4)), &old), 0);
	EXPECT(upd1(P(3), SBI_PVMMU_OP_STORE, leaf(DATA, RW), &old), 0);
	check_invariants();

	/* unlink by STORE 0 and by AND clearing V */
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE, 0, &old), 0);
	EXPECT(old, table(P(1)));
	EXPECT(refs(P(1)), 0);
	EXPECT(rel(P(1)), 0);
	EXPECT(mstate(P(1)), PVMMU_STATE_FREE);
	EXPECT(upd1(P(5), SBI_PVMMU_OP_AND, ~PTE_V, &old), 0);
	EXPECT(refs(P(2)), 1);
	EXPECT(*pte(P(5)), table(P(2)) & ~PTE_V);
	/* ... and link back by OR */
	EXPECT(upd1(P(5), SBI_PVMMU_OP_OR, PTE_V, &old), 0);
	EXPECT(refs(P(2)), 2);
	EXPECT(upd1(P(5), SBI_PVMMU_OP_STORE, 0, &old), 0);
	check_invariants();

	/* release with children: the parent drops its references */
	EXPECT(rel(P(2)), SBI_ERR_DENIED);
	EXPECT(rel(P(3)), SBI_ERR_DENIED);
	EXPECT(rel(P(0)), 0);		/* root: drops P(2) */
	EXPECT(refs(P(2)), 0);
	EXPECT(refs(P(3)), 1);
	check_invariants();
	EXPECT(rel(P(2)), 0);		/* drops P(3) and P(4) */
	EXPECT(refs(P(3)), 0);
	EXPECT(refs(P(4)), 0);
	EXPECT(rel(P(3)), 0);
	EXPECT(rel(P(4)), 0);
	EXPECT(rel(P(5)), 0);
	EXPECT(stat(SBI_PVMMU_STAT_LINKS, 0), 0);
	EXPECT(stat(SBI_PVMMU_STAT_PAGES_TYPED, 0), 0);
	EXPECT(stat(SBI_PVMMU_STAT_RELEASED, 0), 6);
	check_invariants();

	/* a released page can be typed again, at another level */
	EXPECT(reg(P(3), 1, 0), 0);
	EXPECT(reg(P(1), 0, 0), 0);
	EXPECT(reg(P(6), 2, 0), 0);
	EXPECT(upd1(P(6), SBI_PVMMU_OP_STORE, table(P(3)), &old), 0);
	EXPECT(upd1(P(3), SBI_PVMMU_OP_STORE, table(P(1)), &old), 0);
	EXPECT(rel(P(1)), SBI_ERR_DENIED);
	check_invariants();
}

static void test_release(void)
{
	unsigned long i, zero = 1;

	reset(0);
	shmem_on(0);
	EXPECT(rel(P(0) + 8), SBI_ERR_INVALID_ADDRESS);
	EXPECT(rel(POOL_BASE - 4096), SBI_ERR_INVALID_ADDRESS);
	EXPECT(rel(POOL_BASE + POOL_SIZE), SBI_ERR_INVALID_ADDRESS);
	EXPECT(rel(KROOT), SBI_ERR_INVALID_ADDRESS);
	EXPECT(rel(P(0)), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(0), 0, 0), 0);
	for (i = 0; i < 512; i += 7)
		EXPECT(upd1(P(0) + i * 8, SBI_PVMMU_OP_STORE,
			    leaf(DATA + i * 4096, RWAD), NULL), 0);
	*pte(P(0) + 8) = 0x1234000;	/* whatever V=0 content */
	EXPECT(rel(P(0)), 0);
	for (i = 0; i < 512; i++)
		if (pte(P(0))[i])
			zero = 0;
	CHECK(zero);
	EXPECT(rel(P(0)), SBI_ERR_INVALID_PARAM);
	REJECT(P(0), SBI_PVMMU_OP_STORE, 0, SBI_ERR_INVALID_ADDRESS);
	EXPECT(stat(SBI_PVMMU_STAT_RELEASED, 0), 1);
	check_invariants();
}

static void test_stats(void)
{
	unsigned long v;

	reset(0);
	shmem_on(1);
	call(0, SBI_PVMMU_GET_INFO, 0, 0, 0, NULL);
	call(0, SBI_PVMMU_GET_INFO, 99, 0, 0, NULL);		/* rejected */
	call(1, SBI_PVMMU_PT_REGISTER, P(0), 0, 0, NULL);
	call(1, SBI_PVMMU_PT_REGISTER, P(1), 1, 0, NULL);
	call(1, SBI_PVMMU_PT_REGISTER, P(1), 1, 0, NULL);	/* rejected */
	ent(1, 0, P(1), SBI_PVMMU_OP_STORE, table(P(0)));
	ent(1, 1, P(0), SBI_PVMMU_OP_STORE, leaf(DATA, RW));
	ent(1, 2, P(0) + 8, SBI_PVMMU_OP_STORE, leaf(FW_BASE, RW));
	EXPECT(call(1, SBI_PVMMU_UPDATE, 3, 0, 0, &v), SBI_ERR_DENIED);
	EXPECT(v, 2);
	EXPECT(call(1, SBI_PVMMU_UPDATE, 2, 0, 0, &v), 0);
	EXPECT(v, 2);
	call(3, SBI_PVMMU_PT_RELEASE, P(0), 0, 0, NULL);	/* rejected */
	EXPECT(call(2, 7, 0, 0, 0, NULL), SBI_ERR_NOT_SUPPORTED);
	EXPECT(call(2, -1UL, 0, 0, 0, NULL), SBI_ERR_NOT_SUPPORTED);

	/* hart 0: 2 calls so far (+1 per stat() below) */
	EXPECT(stat(SBI_PVMMU_STAT_CALLS, 0), 3);
	EXPECT(stat(SBI_PVMMU_STAT_REJECTED, 0), 1);
	EXPECT(stat(SBI_PVMMU_STAT_CALLS, 1), 6);
	EXPECT(stat(SBI_PVMMU_STAT_UPDATE_CALLS, 1), 2);
	EXPECT(stat(SBI_PVMMU_STAT_ENTRIES, 1), 4);
	EXPECT(stat(SBI_PVMMU_STAT_REJECTED, 1), 2);
	EXPECT(stat(SBI_PVMMU_STAT_REGISTERED, 1), 2);
	EXPECT(stat(SBI_PVMMU_STAT_REJECTED, 2), 2);
	EXPECT(stat(SBI_PVMMU_STAT_REJECTED, 3), 1);
	EXPECT(stat(SBI_PVMMU_STAT_RELEASED, 3), 0);
	EXPECT(stat(SBI_PVMMU_STAT_REJECTED, -1UL), 6);
	EXPECT(stat(SBI_PVMMU_STAT_CALLS, -1UL), 23);
	EXPECT(stat(SBI_PVMMU_STAT_REGISTERED, -1UL), 2);
	/* global counters: same for any hart */
	EXPECT(stat(SBI_PVMMU_STAT_PAGES_TYPED, 0), 2);
	EXPECT(stat(SBI_PVMMU_STAT_PAGES_TYPED, 3), 2);
	EXPECT(stat(SBI_PVMMU_STAT_PAGES_TYPED, -1UL), 2);
	EXPECT(stat(SBI_PVMMU_STAT_LINKS, 2), 1);
	EXPECT(stat(SBI_PVMMU_STAT_LINKS, -1UL), 1);
	/* invalid counter or hart */
	EXPECT(call(0, SBI_PVMMU_STATS, SBI_PVMMU_STAT_COUNT, 0, 0, &v),
	       SBI_ERR_INVALID_PARAM);
	EXPECT(call(0, SBI_PVMMU_STATS, -1UL, 0, 0, &v),
	       SBI_ERR_INVALID_PARAM);
	EXPECT(call(0, SBI_PVMMU_STATS, 0, 4, 0, &v), SBI_ERR_INVALID_PARAM);
	EXPECT(call(0, SBI_PVMMU_STATS, 0, 16, 0, &v), SBI_ERR_INVALID_PARAM);
	EXPECT(call(0, SBI_PVMMU_STATS, SBI_PVMMU_STAT_LINKS, 99, 0, &v),
	       SBI_ERR_INVALID_PARAM);
	EXPECT(call(0, SBI_PVMMU_STATS, 0, -2UL, 0, &v),
	       SBI_ERR_INVALID_PARAM);
	/* calls from a hart the core does not know are refused uncounted */
	EXPECT(call(4, SBI_PVMMU_GET_INFO, 0, 0, 0, &v), SBI_ERR_FAILED);
	EXPECT(call(99, SBI_PVMMU_GET_INFO, 0, 0, 0, &v), SBI_ERR_FAILED);
	EXPECT(stat(SBI_PVMMU_STAT_CALLS, -1UL), 36);
	check_invariants();
}

static void test_place(void)
{
	const unsigned long M = 1UL << 20, G = 1UL << 30;
	struct pvmmu_range ram1[] = { { 0x80000000UL, G } };
	struct pvmmu_range avoid[] = {
		{ 0x80000000UL, 512 * 1024 },		/* firmware */
		{ 0x80200000UL, 20 * M },		/* kernel */
		{ 0x88200000UL, 8 * M },		/* initrd */
		{ 0xbfe00000UL, 8 * 1024 },		/* FDT */
	};
	struct pvmmu_range ram2[] = {
		{ 0x80000000UL, 64 * M }, { 0x100000000UL, 32 * M },
	};
	struct pvmmu_range big[] = { { 0x80000000UL, 512 * M } };

	EXPECT(pvmmu_pool_default_size(G), 64 * M);
	EXPECT(pvmmu_pool_default_size(128 * M), 8 * M);
	EXPECT(pvmmu_pool_default_size(32 * M), 4 * M);
	EXPECT(pvmmu_pool_default_size(0), 4 * M);
	EXPECT(pvmmu_pool_default_size(3 * G), 128 * M);
	EXPECT(pvmmu_pool_default_size(8 * G), 256 * M);
	EXPECT(pvmmu_pool_default_size(64 * G), 256 * M);

	/* QEMU virt 1 GiB: below the FDT's 64 MiB slot */
	EXPECT(pvmmu_pool_place(ram1, 1, avoid, 4, 64 * M), 0xb8000000UL);
	EXPECT(pvmmu_pool_place(ram1, 1, avoid, 4, 4 * M), 0xbf800000UL);
	EXPECT(pvmmu_pool_place(ram1, 1, avoid, 3, 64 * M), 0xbc000000UL);
	EXPECT(pvmmu_pool_place(ram1, 1, avoid, 4, 256 * M), 0xa0000000UL);
	/* 512 MiB would need a naturally aligned half of RAM: taken */
	EXPECT(pvmmu_pool_place(ram1, 1, avoid, 4, 512 * M), 0);
	EXPECT(pvmmu_pool_place(ram1, 1, avoid, 4, 48 * M), 0);
	EXPECT(pvmmu_pool_place(ram1, 1, NULL, 0, G), 0x80000000UL);
	/* an avoided range straddling a slot boundary */
	avoid[3].base = 0xbbf00000UL;
	avoid[3].size = 2 * M;
	EXPECT(pvmmu_pool_place(ram1, 1, avoid, 4, 64 * M), 0xb4000000UL);
	/* the highest slot over several RAM ranges */
	EXPECT(pvmmu_pool_place(ram2, 2, avoid, 4, 16 * M), 0x101000000UL);
	EXPECT(pvmmu_pool_place(ram2, 2, avoid, 4, 64 * M), 0);
	/* nothing fits */
	avoid[1].size = 500 * M;
	EXPECT(pvmmu_pool_place(big, 1, avoid, 2, 4 * M), 0x9fc00000UL);
	avoid[1].size = 510 * M;
	EXPECT(pvmmu_pool_place(big, 1, avoid, 2, 4 * M), 0);
}

/* ---- concurrency: the walker's A/D updates are never lost */

struct walker {
	u64 *pte;
	int go, stop;
	unsigned long sets;
};

static int flag_get(int *f)
{
	return __atomic_load_n(f, __ATOMIC_ACQUIRE);
}

static void flag_set(int *f, int v)
{
	__atomic_store_n(f, v, __ATOMIC_RELEASE);
}

static void *walker_fn(void *arg)
{
	struct walker *w = arg;

	while (!flag_get(&w->stop)) {
		u64 old;

		if (!flag_get(&w->go))
			continue;
		/* like QEMU's walker: CAS in A and D on a writable leaf */
		old = __atomic_load_n(w->pte, __ATOMIC_RELAXED);
		if ((old & PTE_V) && (old & PTE_W) && !(old & PTE_D) &&
		    __atomic_compare_exchange_n(w->pte, &old,
						old | PTE_A | PTE_D, false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_RELAXED)) {
			w->sets++;
			flag_set(&w->go, 0);
		}
	}
	return NULL;
}

static void test_concurrent_ad(void)
{
	struct walker w = { 0 };
	pthread_t th;
	unsigned long round, lost = 0, errors = 0, i;
	u64 v = leaf(DATA, RW | PTE_U);

	reset(0);
	shmem_on(0);
	EXPECT(reg(P(0), 0, 0), 0);
	w.pte = pte(P(0));
	pthread_create(&th, NULL, walker_fn, &w);
	for (round = 0; round < 20000; round++) {
		ent(0, 0, P(0), SBI_PVMMU_OP_STORE, v);
		errors += !!update(0, 1, NULL);
		flag_set(&w.go, 1);
		/* A/D preserving ops race with the walker's CAS */
		for (i = 0; i < 4; i++) {
			ent(0, 3 * i, P(0), SBI_PVMMU_OP_OR, PTE_G);
			ent(0, 3 * i + 1, P(0), SBI_PVMMU_OP_AND, ~(u64)PTE_G);
			ent(0, 3 * i + 2, P(0), SBI_PVMMU_OP_STORE_KEEP_AD,
			    v | PTE_X);
		}
		errors += !!update(0, 12, NULL);
		while (flag_get(&w.go))
			;
		if (!(__atomic_load_n(pte(P(0)), __ATOMIC_RELAXED) & PTE_D))
			lost++;
	}
	flag_set(&w.stop, 1);
	pthread_join(th, NULL);
	EXPECT(lost, 0);
	EXPECT(errors, 0);
	EXPECT(w.sets, 20000);
	check_invariants();
}

/* ---- concurrency: updates and releases on several "harts" */

enum { RACE_LINK, RACE_RETYPE, RACE_WRITE };

struct racer {
	unsigned long hart;
	int mode;
	unsigned long page;	/* child (LINK) or target (RETYPE, WRITE) */
	unsigned long parent;	/* parent (LINK) or child (WRITE) */
	unsigned long ok1, ok2, dirty;
};

#define RACE_ROUNDS	200000
static int race_ready, race_retype_done;

static void *racer_fn(void *arg)
{
	struct racer *r = arg;
	struct sbi_pvmmu_entry *b = buf(r->hart);
	unsigned long i, v;

	/* start together, or the threads hardly overlap */
	__atomic_fetch_add(&race_ready, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&race_ready, __ATOMIC_SEQ_CST) < 4)
		;
	/* the writer keeps going until the retyper is done */
	for (i = 0; i < RACE_ROUNDS ||
	     (r->mode == RACE_WRITE &&
	      !__atomic_load_n(&race_retype_done, __ATOMIC_SEQ_CST)); i++) {
		switch (r->mode) {
		case RACE_LINK:
			/* link the shared child, unlink, release, retype */
			b[0].target = r->parent + r->hart * 8;
			b[0].value = table(r->page);
			if (!pvmmu_call(&st, r->hart, SBI_PVMMU_UPDATE, 1, 0,
					0, &v))
				r->ok1++;
			b[0].value = 0;
			pvmmu_call(&st, r->hart, SBI_PVMMU_UPDATE, 1, 0, 0, &v);
			if (!pvmmu_call(&st, r->hart, SBI_PVMMU_PT_RELEASE,
					r->page, 0, 0, &v))
				r->ok2++;
			pvmmu_call(&st, r->hart, SBI_PVMMU_PT_REGISTER,
				   r->page, 0, 0, &v);
			break;
		case RACE_RETYPE:
			if (!pvmmu_call(&st, r->hart, SBI_PVMMU_PT_REGISTER,
					r->page, 1, 0, &v))
				r->ok1++;
			/* stay typed a while so that the writer gets in */
			for (v = 0; v < 2000; v++)
				__atomic_load_n(&race_ready, __ATOMIC_RELAXED);
			if (!pvmmu_call(&st, r->hart, SBI_PVMMU_PT_RELEASE,
					r->page, 0, 0, &v))
				r->ok2++;
			/* a write must never land in a released page */
			for (v = 0; v < 512; v++)
				if (__atomic_load_n(&pte(r->page)[v],
						    __ATOMIC_RELAXED) &&
				    !pvmmu_meta_typed(__atomic_load_n(
					&meta[(r->page - POOL_BASE) >> 12],
					__ATOMIC_SEQ_CST)))
					r->dirty++;
			break;
		case RACE_WRITE:
			/* links into a page being released would leak refs */
			b[0].target = r->page + (i % 512) * 8;
			b[0].value = table(r->parent);
			if (!pvmmu_call(&st, r->hart, SBI_PVMMU_UPDATE, 1, 0,
					0, &v))
				r->ok1++;
			break;
		}
	}
	if (r->mode == RACE_RETYPE)
		__atomic_store_n(&race_retype_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void test_concurrent_release(void)
{
	struct racer r[4];
	pthread_t th[4];
	unsigned long h;

	reset(0);
	race_ready = 0;
	race_retype_done = 0;
	EXPECT(reg(P(10), 1, 0), 0);
	EXPECT(reg(P(11), 0, 0), 0);
	for (h = 0; h < 4; h++)
		shmem_on(h);
	/* harts 0 and 1 share a child; 2 retypes a page 3 writes into */
	r[0] = (struct racer){ .hart = 0, .mode = RACE_LINK,
			       .parent = P(10), .page = P(11) };
	r[1] = r[0];
	r[1].hart = 1;
	r[2] = (struct racer){ .hart = 2, .mode = RACE_RETYPE,
			       .page = P(20) };
	r[3] = (struct racer){ .hart = 3, .mode = RACE_WRITE,
			       .page = P(20), .parent = P(21) };
	EXPECT(reg(P(21), 0, 0), 0);
	for (h = 0; h < 4; h++)
		pthread_create(&th[h], NULL, racer_fn, &r[h]);
	for (h = 0; h < 4; h++)
		pthread_join(th[h], NULL);
	CHECK(r[0].ok1 + r[1].ok1 > 0 && r[0].ok2 + r[1].ok2 > 0);
	CHECK(r[2].ok1 > 0 && r[2].ok2 > 0 && r[3].ok1 > 0);
	EXPECT(r[2].dirty, 0);
	printf("  concurrent: %lu links, %lu releases of a linked child; "
	       "%lu retypes, %lu writes into a retyped page\n",
	       r[0].ok1 + r[1].ok1, r[0].ok2 + r[1].ok2, r[2].ok1, r[3].ok1);
	check_invariants();
}

struct test {
	const char *name;
	void (*fn)(void);
};

static const struct test tests[] = {
	{ "init", test_init },
	{ "get_info", test_get_info },
	{ "set_shmem", test_set_shmem },
	{ "set_kernel_root", test_set_kernel_root },
	{ "pt_register", test_register },
	{ "root_copy", test_root_copy },
	{ "update_errors", test_update_errors },
	{ "update_ops", test_update_ops },
	{ "refcounts", test_refcounts },
	{ "pt_release", test_release },
	{ "stats", test_stats },
	{ "place", test_place },
	{ "concurrent_ad", test_concurrent_ad },
	{ "concurrent_release", test_concurrent_release },
};

int main(void)
{
	unsigned long i, before;

	ram = aligned_alloc(2UL << 20, RAM_SIZE);
	if (!ram) {
		printf("cannot allocate the fake RAM\n");
		return 2;
	}
	for (i = 0; i < array_size(tests); i++) {
		cur_test = tests[i].name;
		before = checks_failed;
		tests[i].fn();
		printf("%s %s\n", checks_failed == before ? "ok  " : "FAIL",
		       tests[i].name);
	}
	printf("%lu passed, %lu failed\n", checks_passed, checks_failed);
	free(ram);
	return checks_failed ? 1 : 0;
}
