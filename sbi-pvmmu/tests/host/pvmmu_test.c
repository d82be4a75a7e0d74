// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host unit tests of the PVMMU core (pvmmu/pvmmu_core.c, pvmmu_pool.c),
 * compiled with the host compiler against a fake physical RAM.
 *
 * Fake machine (physical addresses), see pvmmu_fake.h:
 *   RAM A     0x80000000-0x83efffff   RAM B 0x83f00000-0x83ffffff
 *   firmware  0x80000000 + 512 KiB    (PROT_NONE in the core's view)
 *   kroot     0x81000000              kernel root page
 *   shmem     0x82000000 + hart * 16 KiB  (12 KiB buffers)
 *   pool      0x83000000 + 4 MiB      (1024 pages)
 *   guard     0x84000000              (PROT_NONE)
 *   metadata  0x84001000              (outside RAM; the core gets a pointer)
 *   MMIO      0x10000000 + 32 KiB and 0x10008000 + 32 KiB (two adjacent
 *             ranges), 0x40000000 + 1 GiB (a PCIe window); leaves may map
 *             them, the core never touches them
 *
 * Every call goes through the reference model (pvmmu_model.h), which
 * predicts its result and compares pool, metadata, watched S-mode RAM and
 * counters, and then walks all invariants (both count as one check per
 * call). White-box steps (pokes, threads, injected races) switch the model
 * off and resynchronise it after. Output ends with "N passed, M failed".
 * A watchdog ends the run (exit 3) if one test takes longer than
 * TEST_TIMEOUT seconds, so that a test that loops cannot hang a build.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <sbi/sbi_ecall_interface.h>
#include "pvmmu_core.h"
#include "pvmmu_fake.h"
#include "pvmmu_model.h"

#define RAM_BASE	0x80000000UL
#define RAM_SIZE	(64UL << 20)
#define RAM_B_BASE	0x83f00000UL
#define FW_BASE		RAM_BASE
#define FW_SIZE		0x80000UL
#define KROOT		0x81000000UL
#define DATA		0x81200000UL	/* 2 MiB aligned RAM for leaves */
/* Room for one PVMMU_SHMEM_SIZE buffer per hart, no two overlapping */
#define SHMEM_STRIDE	0x4000UL
#define SHMEM(h)	(0x82000000UL + (unsigned long)(h) * SHMEM_STRIDE)
#define POOL_BASE	0x83000000UL
#define POOL_SIZE	(4UL << 20)
#define POOL_PAGES	(POOL_SIZE >> 12)
#define P(k)		(POOL_BASE + (unsigned long)(k) * 4096)
#define HARTS		0x0fUL		/* harts 0-3 valid */
#define META_PA		(RAM_BASE + RAM_SIZE + 4096)
#define WINDOW		(RAM_SIZE + 2 * 4096)
/* MMIO given to S-mode: two adjacent 32 KiB ranges and a 1 GiB window */
#define MMIO_A		0x10000000UL
#define MMIO_B		0x10008000UL
#define MMIO_AB_SIZE	0x8000UL
#define MMIO_BASE	0x40000000UL
#define MMIO_SIZE	0x40000000UL

#define FEAT_ALL	(SBI_PVMMU_FEAT_SVNAPOT | SBI_PVMMU_FEAT_SVPBMT)
/* S-mode RAM for KERNEL_LOCK: 64 KiB of "text" and of "rodata" */
#define TEXT		(DATA + 0x400000)
#define TEXT_SIZE	0x10000UL
#define RODATA		(DATA + 0x600000)
/* What the core always offers */
#define FEAT_CORE	(SBI_PVMMU_FEAT_KERNEL_TABLES | SBI_PVMMU_FEAT_TEXT_POKE)
/* seconds one test may take (the slowest takes a few under sanitizers) */
#define TEST_TIMEOUT	300
#define STRINGIFY_(x)	#x
#define STRINGIFY(x)	STRINGIFY_(x)

static struct fake_mem fm;
static u8 *ram;			/* harness view of RAM_BASE */
static u32 *meta;		/* harness view of the metadata */
static struct pvmmu_state st;
static struct model model;
static bool model_on;
static const struct pvmmu_range ram_ranges[] = {
	{ RAM_BASE, RAM_B_BASE - RAM_BASE },
	{ RAM_B_BASE, RAM_BASE + RAM_SIZE - RAM_B_BASE },
};
static const struct pvmmu_range mmio_ranges[] = {
	{ MMIO_A, MMIO_AB_SIZE }, { MMIO_B, MMIO_AB_SIZE },
	{ MMIO_BASE, MMIO_SIZE },
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
		.phys_offset = fake_core_offset(&fm),
		.ram = ram_ranges,
		.ram_count = 2,
		.fw = { FW_BASE, FW_SIZE },
		.mmio = mmio_ranges,
		.mmio_count = array_size(mmio_ranges),
		.pool_base = POOL_BASE,
		.pool_size = POOL_SIZE,
		.features = features,
		.hart_mask = HARTS,
		.meta = fake_core_ptr(&fm, META_PA),
		.meta_entries = POOL_PAGES,
	};
	return cfg;
}

/* The model's view of the machine base_cfg() describes */
static struct model_machine base_machine(unsigned long features)
{
	struct model_machine mc = {
		.view = fake_alias_offset(&fm),
		.ram = { { RAM_BASE, RAM_B_BASE - RAM_BASE },
			 { RAM_B_BASE, RAM_BASE + RAM_SIZE - RAM_B_BASE } },
		.ram_count = 2,
		.fw = { FW_BASE, FW_SIZE },
		.mmio = { { MMIO_A, MMIO_AB_SIZE }, { MMIO_B, MMIO_AB_SIZE },
			  { MMIO_BASE, MMIO_SIZE } },
		.mmio_count = 3,
		.pool_base = POOL_BASE,
		.pool_pages = POOL_PAGES,
		.features = features,
		.hart_mask = HARTS,
		.meta = meta,
		/* where S-mode data lives that the core must not scribble on */
		.watch = { { KROOT, 4096 }, { SHMEM(0), 16 * SHMEM_STRIDE },
			   { POOL_BASE - 4096, 4096 },
			   { POOL_BASE + POOL_SIZE, 4096 },
			   { RAM_B_BASE, 4096 }, { DATA, 4096 },
			   { TEXT, TEXT_SIZE } },
		.watch_count = 7,
	};
	return mc;
}

/* Fresh state; junk everywhere first, so zeroing is visible */
static void reset_with(const struct pvmmu_config *cfg,
		       const struct model_machine *mc)
{
	int rc;

	memset(ram, 0xa5, RAM_SIZE);
	memset(meta, 0x5a, POOL_PAGES * sizeof(u32));
	rc = pvmmu_init(&st, cfg);
	EXPECT(rc, SBI_SUCCESS);
	model_free(&model);
	if (model_init(&model, mc)) {
		printf("cannot allocate the model\n");
		exit(2);
	}
	model.quiet = 20;
	model_on = true;
	/* after init: all pool pages free and zero, no counts */
	CHECK(!model_check(&model, &st));
}

static void reset(unsigned long features)
{
	struct pvmmu_config cfg = base_cfg(features);
	struct model_machine mc = base_machine(features);

	reset_with(&cfg, &mc);
}

static long call(unsigned long hart, unsigned long fid, unsigned long a0,
		 unsigned long a1, unsigned long a2, unsigned long *val)
{
	unsigned long v, errors = model.errors;
	long rc;

	if (!model_on) {
		rc = pvmmu_call(&st, hart, fid, a0, a1, a2, &v);
	} else {
		/* prediction and comparison, then the full invariant walk */
		rc = model_call(&model, &st, hart, fid, a0, a1, a2, &v);
		model_check(&model, &st);
		CHECK(model.errors == errors);
	}
	if (val)
		*val = v;
	return rc;
}

/* A write by the hardware walker (or a white-box poke) into the pool */
static void hw_write(unsigned long pa, u64 v)
{
	model_hw_write(&model, pa, v);
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

/* UPDATE(count = @n, first = @first) */
static long update_first(unsigned long hart, unsigned long n,
			 unsigned long first, unsigned long *done)
{
	return call(hart, SBI_PVMMU_UPDATE, n, first, 0, done);
}

static long update(unsigned long hart, unsigned long n, unsigned long *done)
{
	return update_first(hart, n, 0, done);
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

/* SET_KERNEL_ROOT(KROOT, @levels) from hart 0: root level @levels - 1 */
static void kroot(unsigned long levels)
{
	EXPECT(call(0, SBI_PVMMU_SET_KERNEL_ROOT, KROOT, levels, 0, NULL),
	       SBI_SUCCESS);
}

/* The glue's direct calls (satp, hart stop, counters, fence) */
static long glue(unsigned long hart, unsigned long fn, unsigned long arg)
{
	unsigned long errors = model.errors;
	long rc = 0;

	if (model_on) {
		rc = model_glue(&model, &st, hart, fn, arg);
		model_check(&model, &st);
		CHECK(model.errors == errors);
		return rc;
	}
	switch (fn) {
	case MODEL_GLUE_SATP_LOAD:
		rc = pvmmu_satp_load(&st, hart, arg);
		break;
	case MODEL_GLUE_HART_STOPPED:
		pvmmu_hart_stopped(&st, hart);
		break;
	case MODEL_GLUE_COUNT:
		pvmmu_count(&st, hart, (unsigned int)arg);
		break;
	case MODEL_GLUE_TAKE_FENCE:
		rc = pvmmu_take_fence(&st, hart);
		break;
	}
	return rc;
}

/* satp for @levels-level paging (Sv39 = 8, Sv48 = 9, Sv57 = 10) */
static unsigned long satp_of(unsigned long levels, unsigned long asid,
			     unsigned long pa)
{
	return (5 + levels) << 60 | (asid & 0xffff) << 44 | pa >> 12;
}

static long satp(unsigned long hart, unsigned long v)
{
	return glue(hart, MODEL_GLUE_SATP_LOAD, v);
}

static void hart_stopped(unsigned long hart)
{
	glue(hart, MODEL_GLUE_HART_STOPPED, 0);
}

static bool take_fence(unsigned long hart)
{
	return glue(hart, MODEL_GLUE_TAKE_FENCE, 0);
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
	memcpy(s->meta, meta, sizeof(s->meta));
	s->typed = st.pages_typed;
	s->links = st.links;
}

static int snap_same(const struct snap *s)
{
	return !memcmp(s->pool, ptr(POOL_BASE), POOL_SIZE) &&
	       !memcmp(s->meta, meta, sizeof(s->meta)) &&
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

/* ---- invariants: the model's walk over the whole pool */

static void check_invariants(void)
{
	unsigned long bad = model_check(&model, &st);

	check_true(!bad, "pool invariants (model_check)", __FILE__, __LINE__);
}

/* ---- tests */

static void test_init(void)
{
	struct pvmmu_config cfg;
	unsigned long k, i, v, zero = 1;

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
	cfg = base_cfg(0);
	cfg.ram_count = PVMMU_MAX_RAM + 1;
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	cfg = base_cfg(0);
	cfg.meta = NULL;
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	cfg = base_cfg(0);
	cfg.pool_base = 0;
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	cfg = base_cfg(0);
	cfg.pool_size = 0;
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	cfg = base_cfg(0);
	cfg.pool_size = 4096 + 8;
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	cfg = base_cfg(0);
	cfg.pool_size = 2048;		/* less than a page */
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	cfg = base_cfg(0);
	cfg.pool_base = RAM_BASE + RAM_SIZE - 4096;	/* runs past RAM */
	cfg.pool_size = 8192;
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	cfg = base_cfg(0);
	cfg.pool_base = FW_BASE + FW_SIZE - 4096;	/* overlaps firmware */
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	/* a one-page pool right after the firmware; no firmware at all */
	cfg = base_cfg(0);
	cfg.pool_base = FW_BASE + FW_SIZE;
	cfg.pool_size = 4096;
	EXPECT(pvmmu_init(&st, &cfg), SBI_SUCCESS);
	EXPECT(st.pool_pages, 1);
	cfg.fw.base = 0;
	cfg.fw.size = 0;
	cfg.pool_base = DATA;
	EXPECT(pvmmu_init(&st, &cfg), SBI_SUCCESS);
	/* S-mode's RAM is cut out once: a firmware range that wraps leaves none */
	cfg = base_cfg(0);
	cfg.fw = (struct pvmmu_range){ -4096UL, 8192 };
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	EXPECT(st.s_ram_count, 0);
	/*
	 * A RAM range to the end of the address space (that wraps: any MMIO
	 * would overlap it): its segment ends there.
	 */
	{
		struct pvmmu_range ram3[3] = { ram_ranges[0], ram_ranges[1],
					       { -0x100000UL, 0x200000 } };

		cfg = base_cfg(0);
		cfg.ram = ram3;
		cfg.ram_count = 3;
		cfg.mmio_count = 0;
		EXPECT(pvmmu_init(&st, &cfg), SBI_SUCCESS);
		EXPECT(st.s_ram[st.s_ram_count - 1].base, -0x100000UL);
		EXPECT(st.s_ram[st.s_ram_count - 1].size, 0xfffffUL);
	}
	/* harts above PVMMU_MAX_HARTS are dropped */
	cfg = base_cfg(0);
	cfg.hart_mask = ~0UL;
	EXPECT(pvmmu_init(&st, &cfg), SBI_SUCCESS);
	EXPECT(st.hart_mask, 0xffff);

	/*
	 * The firmware disables the extension when init fails; even so, a
	 * state left by a failed init has no pool, and nothing reaches one.
	 */
	cfg = base_cfg(0);
	cfg.pool_base = 0x90000000UL;
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	EXPECT(st.pool_size, 0);
	CHECK(!st.meta);
	EXPECT(pvmmu_call(&st, 0, SBI_PVMMU_PT_REGISTER, POOL_BASE, 0, 0, &v),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(pvmmu_call(&st, 0, SBI_PVMMU_PT_RELEASE, POOL_BASE, 0, 0, &v),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(pvmmu_call(&st, 0, SBI_PVMMU_SET_SHMEM, SHMEM(0), 0, 0, &v), 0);
	ent(0, 0, 0x90000000UL, SBI_PVMMU_OP_STORE, 0);
	EXPECT(pvmmu_call(&st, 0, SBI_PVMMU_UPDATE, 1, 0, 0, &v),
	       SBI_ERR_INVALID_ADDRESS);
	reset(0);
	check_invariants();
}

static void test_get_info(void)
{
	unsigned long v;

	reset(0);
	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_VERSION, 0, 0, &v),
	       0);
	EXPECT(v, 0x20002);		/* 2.2 */
	EXPECT(SBI_PVMMU_VERSION, 0x20002);
	/* KERNEL_ADOPT, KERNEL_LOCK and TEXT_POKE are always there */
	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_FEATURES, 0, 0, &v),
	       0);
	EXPECT(v, FEAT_CORE);
	EXPECT(SBI_PVMMU_FEAT_KERNEL_TABLES, 0x8);
	EXPECT(SBI_PVMMU_FEAT_TEXT_POKE, 0x10);
	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_POOL_BASE, 0, 0,
		    &v), 0);
	EXPECT(v, POOL_BASE);
	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_POOL_SIZE, 0, 0,
		    &v), 0);
	EXPECT(v, POOL_SIZE);
	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_MAX_BATCH, 0, 0,
		    &v), 0);
	EXPECT(v, 512);
	/* no kernel root adopted: 0, before and after SET_KERNEL_ROOT */
	v = 99;
	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_KERNEL_ROOT, 0, 0,
		    &v), 0);
	EXPECT(v, 0);
	EXPECT(SBI_PVMMU_INFO_KERNEL_ROOT, 5);
	EXPECT(call(0, SBI_PVMMU_GET_INFO, 7, 0, 0, &v),
	       SBI_ERR_INVALID_PARAM);
	EXPECT(call(0, SBI_PVMMU_GET_INFO, -1UL, 0, 0, &v),
	       SBI_ERR_INVALID_PARAM);
	kroot(3);
	v = 99;
	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_KERNEL_ROOT, 0, 0,
		    &v), 0);
	EXPECT(v, 0);

	reset(FEAT_ALL | (1UL << 7));	/* unknown bits are dropped */
	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_FEATURES, 0, 0, &v),
	       0);
	EXPECT(v, FEAT_ALL | FEAT_CORE);
	/* satp under firmware control, when the firmware says so */
	reset(FEAT_ALL | SBI_PVMMU_FEAT_SATP_LOCKED);
	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_FEATURES, 0, 0, &v),
	       0);
	EXPECT(v, FEAT_ALL | SBI_PVMMU_FEAT_SATP_LOCKED | FEAT_CORE);
	/* KERNEL_TABLES is the firmware's to say, set or not in the config */
	reset(SBI_PVMMU_FEAT_SATP_LOCKED | SBI_PVMMU_FEAT_KERNEL_TABLES);
	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_FEATURES, 0, 0, &v),
	       0);
	EXPECT(v, SBI_PVMMU_FEAT_SATP_LOCKED | FEAT_CORE);
	reset(SBI_PVMMU_FEAT_SVPBMT);
	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_FEATURES, 0, 0, &v),
	       0);
	EXPECT(v, SBI_PVMMU_FEAT_SVPBMT | FEAT_CORE);
	check_invariants();
}

static void test_set_shmem(void)
{
	const unsigned long sz = PVMMU_SHMEM_SIZE;

	reset(0);
	EXPECT(sz, 12288);
	CHECK(sz <= SHMEM_STRIDE);	/* harts' buffers do not overlap */
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
	/* exactly up to the end of a RAM range, and 64 bytes more */
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, RAM_BASE + RAM_SIZE - sz + 64, 0, 0,
		    NULL), SBI_ERR_INVALID_ADDRESS);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, RAM_B_BASE - sz + 64, 0, 0, NULL),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, RAM_B_BASE - sz, 0, 0, NULL), 0);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, -1UL, -1UL, 0, NULL), 0);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, RAM_BASE + RAM_SIZE - sz, 0, 0,
		    NULL), 0);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, -1UL, -1UL, 0, NULL), 0);
	EXPECT(call(0, SBI_PVMMU_SET_SHMEM, FW_BASE + FW_SIZE, 0, 0, NULL), 0);
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
	EXPECT(reg(P(0), 0, 0), SBI_ERR_DENIED);	/* no root level yet */
	EXPECT(call(0, SBI_PVMMU_SET_KERNEL_ROOT, KROOT, 4, 0, NULL), 0);
	EXPECT(call(1, SBI_PVMMU_SET_KERNEL_ROOT, KROOT, 4, 0, NULL),
	       SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(call(0, SBI_PVMMU_SET_KERNEL_ROOT, KROOT + 4096, 5, 0, NULL),
	       SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(st.kroot, KROOT | 4);
	/* root level is now 3 */
	EXPECT(reg(P(0), 4, 0), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(0), 3, 0), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(0), 3, SBI_PVMMU_PT_ROOT), 0);
	EXPECT(reg(P(1), 2, 0), 0);
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
	EXPECT(st.pages_typed, 0);

	/* Sv57: the root level is 4 */
	kroot(5);
	EXPECT(reg(P(0), 5, 0), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(0), -1UL, 0), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(0), 5, SBI_PVMMU_PT_ROOT), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(0), 0, 2), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(1), 4, SBI_PVMMU_PT_ROOT), 0);
	EXPECT(mstate(P(1)), PVMMU_STATE_TYPED + 4);

	/* junk in a free page (e.g. from the walker) is cleared */
	for (i = 0; i < 512; i++)
		hw_write(P(2) + i * 8, 0x7777777777777777UL);
	EXPECT(reg(P(2), 0, 0), 0);
	for (i = 0; i < 512; i++)
		if (pte(P(2))[i])
			zero = 0;
	CHECK(zero);
	EXPECT(mstate(P(2)), PVMMU_STATE_TYPED + 0);
	EXPECT(reg(P(2), 0, 0), SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(reg(P(2), 1, 0), SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(reg(P(POOL_PAGES - 1), 3, 0), 0);	/* last pool page */

	EXPECT(call(0, SBI_PVMMU_SET_KERNEL_ROOT, KROOT, 3, 0, NULL),
	       SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(reg(P(3), 4, 0), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(3), 1, SBI_PVMMU_PT_ROOT), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(3), 4, SBI_PVMMU_PT_ROOT), 0);
	CHECK(meta[3] & PVMMU_META_ROOT);
	EXPECT(reg(P(3), 4, SBI_PVMMU_PT_ROOT), SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(reg(P(4), 3, 0), 0);		/* right below the root level */
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
			      (i % 2 ? leaf(MMIO_BASE, RW | PTE_G) : 0);
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
		    leaf(MMIO_BASE, RW), &old), 0);	/* 1 GiB of MMIO */
	EXPECT(old, 0);
	EXPECT(r[255], leaf(MMIO_BASE, RW));

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

	/*
	 * A root is never a child: nothing can be typed above the root
	 * level, or at it but as a root, so no table could link one (the
	 * metadata's root bit is checked white box in pool_helpers).
	 */
	reset(0);
	shmem_on(0);
	memset(ptr(KROOT), 0, 4096);
	EXPECT(reg(P(8), 3, 0), SBI_ERR_DENIED);
	kroot(3);
	EXPECT(reg(P(8), 3, 0), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(8), 2, 0), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(9), 2, SBI_PVMMU_PT_ROOT), 0);
	EXPECT(reg(P(8), 2, SBI_PVMMU_PT_ROOT), 0);
	EXPECT(reg(P(10), 1, 0), 0);
	REJECT(P(8), SBI_PVMMU_OP_STORE, table(P(9)), SBI_ERR_DENIED);
	REJECT(P(10), SBI_PVMMU_OP_STORE, table(P(9)), SBI_ERR_DENIED);
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
	EXPECT(update(0, PVMMU_MAX_BATCH + 1, &done), SBI_ERR_INVALID_PARAM);
	EXPECT(update(0, -1UL, &done), SBI_ERR_INVALID_PARAM);
	EXPECT(update(1, 1, &done), SBI_ERR_NO_SHMEM);
	/* first must be below count */
	EXPECT(update_first(0, 1, 1, &done), SBI_ERR_INVALID_PARAM);
	EXPECT(update_first(0, 0, 0, &done), SBI_ERR_INVALID_PARAM);
	EXPECT(update_first(0, PVMMU_MAX_BATCH + 1, 1, &done),
	       SBI_ERR_INVALID_PARAM);
	EXPECT(update_first(1, 1, 5, &done), SBI_ERR_NO_SHMEM);

	/*
	 * The buffer is checked once, when registered: the memory map is
	 * fixed and KERNEL_LOCK refuses a range holding one (kernel_lock).
	 */
	/* physical page 0 is no table (nor the "no page yet" of a run) */
	ent(0, 0, 0, SBI_PVMMU_OP_STORE, 0);
	EXPECT(update(0, 1, &done), SBI_ERR_INVALID_ADDRESS);
	EXPECT(done, 0);

	kroot(5);			/* Sv57: tables up to level 3 */
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
	REJECT(P(3), SBI_PVMMU_OP_STORE, leaf(MMIO_BASE, RW),
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(1), SBI_PVMMU_OP_STORE, leaf(DATA + 4096, RW),
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(2), SBI_PVMMU_OP_STORE, leaf(0x40200000UL, RW),
	       SBI_ERR_INVALID_PARAM);
	/* off by half the alignment, and aligned leaves above level 2 */
	REJECT(P(1), SBI_PVMMU_OP_STORE, leaf(DATA + 0x100000, RW),
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(2), SBI_PVMMU_OP_STORE, leaf(0x50000000UL, RW),
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(3), SBI_PVMMU_OP_STORE, leaf(1UL << 39, RW),
	       SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(8), 4, SBI_PVMMU_PT_ROOT), 0);
	REJECT(P(8), SBI_PVMMU_OP_STORE, leaf(1UL << 48, RW),
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
	kroot(3);
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
	/* N on an aligned 2 MiB leaf: Svnapot defines level 0 only */
	REJECT(P(1), SBI_PVMMU_OP_STORE, leaf(DATA, RW) | PTE_N,
	       SBI_ERR_INVALID_PARAM);
	REJECT(P(1), SBI_PVMMU_OP_STORE, leaf(DATA + 0x8000, RW) | PTE_N,
	       SBI_ERR_INVALID_PARAM);
	check_invariants();
}

static void test_update_ops(void)
{
	unsigned long done, i;
	u64 old, v = leaf(DATA, RW | PTE_U);

	reset(0);
	shmem_on(0);
	kroot(4);
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
	hw_write(P(0), leaf(DATA, RW | PTE_A));	/* the walker set A only */
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE_KEEP_AD, leaf(DATA, PTE_R),
		    NULL), 0);
	EXPECT(*pte(P(0)), leaf(DATA, PTE_R | PTE_A));
	/* STORE replaces wholesale; the caller sees D in old */
	hw_write(P(0), leaf(DATA, RWAD));
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE, 0, &old), 0);
	EXPECT(old, leaf(DATA, RWAD));
	EXPECT(*pte(P(0)), 0);
	/* Only STORE and XCHG of 0 are clears: OR 0 keeps, KEEP_AD 0 keeps A/D */
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE, leaf(DATA, RWAD), NULL), 0);
	EXPECT(upd1(P(0), SBI_PVMMU_OP_OR, 0, &old), 0);
	EXPECT(old, leaf(DATA, RWAD));
	EXPECT(*pte(P(0)), leaf(DATA, RWAD));
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE_KEEP_AD, 0, &old), 0);
	EXPECT(old, leaf(DATA, RWAD));
	EXPECT(*pte(P(0)), PTE_A | PTE_D);
	EXPECT(upd1(P(0), SBI_PVMMU_OP_XCHG, 0, &old), 0);
	EXPECT(old, PTE_A | PTE_D);
	EXPECT(*pte(P(0)), 0);

	/* huge leaves at levels 1 and 2 */
	EXPECT(upd1(P(1) + 8, SBI_PVMMU_OP_STORE, leaf(DATA, RW), NULL), 0);
	EXPECT(upd1(P(2) + 8, SBI_PVMMU_OP_STORE,
		    leaf(MMIO_BASE, RW | PTE_X), NULL), 0);	/* MMIO */
	EXPECT(upd1(P(1) + 16, SBI_PVMMU_OP_STORE, leaf(0x80200000UL, RW),
		    NULL), 0);	/* right after the 512 KiB firmware */
	EXPECT(upd1(P(1) + 24, SBI_PVMMU_OP_STORE, leaf(0x82e00000UL, RW),
		    NULL), 0);	/* ends where the pool starts */

	/* a full batch, into a table of its own: 512 entries fill it */
	EXPECT(reg(P(3), 0, 0), 0);
	for (i = 0; i < PVMMU_MAX_BATCH; i++)
		ent(0, i, P(3) + i * 8, SBI_PVMMU_OP_STORE,
		    leaf(DATA + i * 4096, RW));
	EXPECT(update(0, PVMMU_MAX_BATCH, &done), 0);
	EXPECT(done, PVMMU_MAX_BATCH);
	for (i = 0; i < PVMMU_MAX_BATCH; i++) {
		if (*pte(P(3) + i * 8) != leaf(DATA + i * 4096, RW) ||
		    buf(0)[i].old != 0)
			break;
	}
	EXPECT(i, PVMMU_MAX_BATCH);

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
	EXPECT(reg(P(6), 2, 0), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(6), 2, SBI_PVMMU_PT_ROOT), 0);
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
	kroot(3);
	EXPECT(reg(P(0), 0, 0), 0);
	for (i = 0; i < 512; i += 7)
		EXPECT(upd1(P(0) + i * 8, SBI_PVMMU_OP_STORE,
			    leaf(DATA + i * 4096, RWAD), NULL), 0);
	hw_write(P(0) + 8, 0x1234000);	/* whatever V=0 content */
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
	EXPECT(call(2, SBI_PVMMU_SET_KERNEL_ROOT, KROOT, 3, 0, NULL), 0);
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
	/* 7, 8: KERNEL_ADOPT, KERNEL_LOCK (2.1); 9, 10: TEXT_POKE, _SITES */
	EXPECT(call(2, 11, 0, 0, 0, NULL), SBI_ERR_NOT_SUPPORTED);
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
	EXPECT(stat(SBI_PVMMU_STAT_CALLS, 2), 3);
	EXPECT(stat(SBI_PVMMU_STAT_CALLS, -1UL), 25);
	EXPECT(stat(SBI_PVMMU_STAT_REGISTERED, -1UL), 2);
	/* global counters: same for any hart */
	EXPECT(stat(SBI_PVMMU_STAT_PAGES_TYPED, 0), 2);
	EXPECT(stat(SBI_PVMMU_STAT_PAGES_TYPED, 3), 2);
	EXPECT(stat(SBI_PVMMU_STAT_PAGES_TYPED, -1UL), 2);
	EXPECT(stat(SBI_PVMMU_STAT_LINKS, 2), 1);
	EXPECT(stat(SBI_PVMMU_STAT_LINKS, -1UL), 1);
	/* invalid counter or hart */
	/* instruction counts: a host has no minstret, they stay 0 */
	EXPECT(stat(SBI_PVMMU_STAT_INSN_VALIDATE, -1UL), 0);
	EXPECT(stat(SBI_PVMMU_STAT_INSN_EXIT, 1), 0);
	EXPECT(SBI_PVMMU_STAT_COUNT, 18);
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
	EXPECT(stat(SBI_PVMMU_STAT_CALLS, -1UL), 40);

	/* the glue's counters: satp, SFENCE.VMA, traps */
	EXPECT(stat(SBI_PVMMU_STAT_SATP, -1UL), 0);
	EXPECT(satp(3, satp_of(3, 0, KROOT)), 0);
	EXPECT(satp(3, satp_of(4, 0, KROOT)), SBI_ERR_INVALID_PARAM);
	EXPECT(satp(1, satp_of(3, 0, DATA)), SBI_ERR_DENIED);
	glue(1, MODEL_GLUE_COUNT, SBI_PVMMU_STAT_SFENCE);
	glue(1, MODEL_GLUE_COUNT, SBI_PVMMU_STAT_SFENCE);
	glue(2, MODEL_GLUE_COUNT, SBI_PVMMU_STAT_TRAPS);
	glue(2, MODEL_GLUE_COUNT, SBI_PVMMU_STAT_COUNT);	/* ignored */
	glue(2, MODEL_GLUE_COUNT, 1000);			/* ignored */
	glue(4, MODEL_GLUE_COUNT, SBI_PVMMU_STAT_TRAPS);	/* ignored */
	glue(PVMMU_MAX_HARTS, MODEL_GLUE_COUNT, SBI_PVMMU_STAT_TRAPS);
	glue(-1UL, MODEL_GLUE_COUNT, SBI_PVMMU_STAT_TRAPS);
	EXPECT(stat(SBI_PVMMU_STAT_SATP, 3), 1);
	EXPECT(stat(SBI_PVMMU_STAT_SATP_REFUSED, 3), 1);
	EXPECT(stat(SBI_PVMMU_STAT_SATP_REFUSED, 1), 1);
	EXPECT(stat(SBI_PVMMU_STAT_SATP_REFUSED, -1UL), 2);
	EXPECT(stat(SBI_PVMMU_STAT_SFENCE, 1), 2);
	EXPECT(stat(SBI_PVMMU_STAT_SFENCE, -1UL), 2);
	EXPECT(stat(SBI_PVMMU_STAT_TRAPS, 2), 1);
	EXPECT(stat(SBI_PVMMU_STAT_TRAPS, -1UL), 1);
	/* none of them is a PVMMU call */
	EXPECT(stat(SBI_PVMMU_STAT_CALLS, -1UL), 40 + 10);
	EXPECT(stat(SBI_PVMMU_STAT_REJECTED, -1UL), 6 + 6);
	check_invariants();
}

/* ---- a machine whose firmware and pool edges are not 64 KiB aligned */

static void test_odd_edges(void)
{
	struct pvmmu_config cfg = base_cfg(FEAT_ALL);
	struct model_machine mc = base_machine(FEAT_ALL);
	unsigned long v, h;

	cfg.fw.size = mc.fw.size = FW_SIZE + 0x4000;
	cfg.pool_base = mc.pool_base = POOL_BASE + 0x4000;
	cfg.pool_size = POOL_SIZE - 0x4000;
	mc.pool_pages = cfg.pool_size >> 12;
	cfg.hart_mask = mc.hart_mask = 0xffff;
	reset_with(&cfg, &mc);
	shmem_on(15);
	EXPECT(call(15, SBI_PVMMU_SET_KERNEL_ROOT, KROOT, 3, 0, NULL), 0);
	EXPECT(call(15, SBI_PVMMU_PT_REGISTER, P(4), 0, 0, NULL), 0);
	EXPECT(call(15, SBI_PVMMU_PT_REGISTER, P(5), 1, 0, NULL), 0);
	/* a 64 KiB NAPOT leaf whose first pages are fine, the rest not */
	ent(15, 0, P(4), SBI_PVMMU_OP_STORE, leaf(POOL_BASE + 0x8000, RW) |
	    PTE_N);
	EXPECT(call(15, SBI_PVMMU_UPDATE, 1, 0, 0, NULL), SBI_ERR_DENIED);
	ent(15, 0, P(4), SBI_PVMMU_OP_STORE, leaf(FW_BASE + FW_SIZE + 0x8000,
						  RW) | PTE_N);
	EXPECT(call(15, SBI_PVMMU_UPDATE, 1, 0, 0, NULL), SBI_ERR_DENIED);
	ent(15, 0, P(4), SBI_PVMMU_OP_STORE, leaf(POOL_BASE - 0x8000, RW) |
	    PTE_N);
	EXPECT(call(15, SBI_PVMMU_UPDATE, 1, 0, 0, &v), 0);
	/* a 2 MiB leaf whose first 16 KiB are outside the pool */
	ent(15, 0, P(5), SBI_PVMMU_OP_STORE, leaf(POOL_BASE, RW));
	EXPECT(call(15, SBI_PVMMU_UPDATE, 1, 0, 0, NULL), SBI_ERR_DENIED);
	/* the pool's first page now is at 0x83004000 */
	EXPECT(call(15, SBI_PVMMU_PT_REGISTER, POOL_BASE, 0, 0, NULL),
	       SBI_ERR_INVALID_ADDRESS);
	/* STATS sums every hart, hart 15 included */
	for (h = 0; h < 16; h++)
		call(h, SBI_PVMMU_GET_INFO, h, 0, 0, NULL);
	/* hart 15: 10 calls; harts 0-14: one each; the STATS call itself */
	EXPECT(stat(SBI_PVMMU_STAT_CALLS, -1UL), 10 + 15 + 1);
	EXPECT(stat(SBI_PVMMU_STAT_CALLS, 15), 10);
	/* 3 updates and a register refused, GET_INFO(7..15) refused */
	EXPECT(stat(SBI_PVMMU_STAT_REJECTED, -1UL), 4 + 9);
	check_invariants();
}

/* ---- pool helpers, called directly */

static void test_pool_helpers(void)
{
	u32 *m0 = &meta[0], saved;

	reset(0);
	/* ranges: empty ones overlap nothing, wrapping ones everything */
	CHECK(pvmmu_range_overlaps(0x1000, 0x1000, 0x1fff, 1));
	CHECK(!pvmmu_range_overlaps(0x1000, 0x1000, 0x2000, 1));
	CHECK(!pvmmu_range_overlaps(0x2000, 1, 0x1000, 0x1000));
	CHECK(pvmmu_range_overlaps(0x1000, 0x3000, 0x2000, 0x10));
	CHECK(!pvmmu_range_overlaps(0x1000, 0, 0x1000, 0x1000));
	CHECK(!pvmmu_range_overlaps(0x1000, 0x1000, 0x1000, 0));
	CHECK(pvmmu_range_overlaps(-0x1000UL, 0x2000, 0x5000, 1));
	CHECK(pvmmu_range_overlaps(0x5000, 1, -0x1000UL, 0x2000));
	/* ending exactly at 2^64 counts as wrapping: refused, which is safe */
	CHECK(pvmmu_range_overlaps(-0x1000UL, 0x1000, 0x5000, 1));

	/* the pool */
	CHECK(pvmmu_in_pool(&st, POOL_BASE, 8));
	CHECK(pvmmu_in_pool(&st, POOL_BASE + POOL_SIZE - 8, 8));
	CHECK(!pvmmu_in_pool(&st, POOL_BASE + POOL_SIZE - 4, 8));
	CHECK(!pvmmu_in_pool(&st, POOL_BASE - 8, 8));
	CHECK(!pvmmu_in_pool(&st, POOL_BASE, POOL_SIZE + 1));
	CHECK(pvmmu_in_pool(&st, POOL_BASE, POOL_SIZE));
	CHECK(!pvmmu_in_pool(&st, -8UL, 8));
	CHECK(pvmmu_meta_of(&st, P(7) + 8) == fake_core_ptr(&fm, META_PA) +
					      7 * sizeof(u32));
	CHECK(pvmmu_lock_of(&st, P(1)) == pvmmu_lock_of(&st, P(65)));
	CHECK(pvmmu_lock_of(&st, P(1)) != pvmmu_lock_of(&st, P(2)));
	CHECK(pvmmu_lock_of(&st, P(1)) == pvmmu_lock_of(&st, P(1) + 4088));

	/* references: white box on the metadata words */
	kroot(3);
	EXPECT(reg(P(2), 2, SBI_PVMMU_PT_ROOT), 0);
	model_on = false;
	EXPECT(reg(P(0), 1, 0), 0);
	/* a root is never a child, not even at its own level */
	EXPECT(pvmmu_ref_get(&st, P(2), 2), SBI_ERR_DENIED);
	EXPECT(refs(P(2)), 0);
	EXPECT(pvmmu_ref_get(&st, P(0), 0), SBI_ERR_DENIED);	/* level */
	EXPECT(pvmmu_ref_get(&st, P(1), 0), SBI_ERR_DENIED);	/* free */
	EXPECT(pvmmu_ref_get(&st, POOL_BASE - 4096, 0), SBI_ERR_DENIED);
	EXPECT(pvmmu_ref_get(&st, P(0), 1), 0);
	EXPECT(refs(P(0)), 1);
	pvmmu_ref_put(&st, P(0));
	EXPECT(refs(P(0)), 0);
	pvmmu_ref_put(&st, P(0));		/* never below zero */
	EXPECT(*m0, pvmmu_meta_make(PVMMU_STATE_TYPED + 1, false, 0));
	/* a saturated count refuses one more reference */
	saved = *m0;
	*m0 = saved | PVMMU_META_REF_MASK;
	EXPECT(pvmmu_ref_get(&st, P(0), 1), SBI_ERR_DENIED);
	EXPECT(*m0, saved | PVMMU_META_REF_MASK);
	*m0 = saved;
	/* ... and a root loaded by too many harts one more load */
	saved = meta[2];
	meta[2] = saved | PVMMU_META_REF_MASK;
	EXPECT(satp(0, satp_of(3, 0, P(2))), SBI_ERR_DENIED);
	EXPECT(meta[2], saved | PVMMU_META_REF_MASK);
	EXPECT(st.harts[0].root, 0);
	meta[2] = saved | (PVMMU_META_REF_MASK - 1);
	EXPECT(satp(0, satp_of(3, 0, P(2))), 0);
	EXPECT(meta[2], saved | PVMMU_META_REF_MASK);
	EXPECT(satp(0, satp_of(3, 0, KROOT)), 0);
	meta[2] = saved;
	model_reload_stats(&model, &st);
	model_set_page(&model, P(0), true, 1, false);
	model_on = true;
	check_invariants();
}

/* ---- defensive paths: entries the core itself never writes */

static void test_corrupt_tables(void)
{
	u64 old;

	reset(0);
	shmem_on(0);
	kroot(3);
	EXPECT(reg(P(0), 1, 0), 0);
	EXPECT(reg(P(1), 0, 0), 0);
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE, table(P(1)), NULL), 0);
	/*
	 * A pointer out of the pool, planted behind the core's back (say by
	 * a memory error): replacing it or releasing its table must not drop
	 * a reference that was never taken.
	 */
	hw_write(P(0) + 8, table(DATA));
	EXPECT(upd1(P(0) + 8, SBI_PVMMU_OP_STORE, 0, &old), 0);
	EXPECT(old, table(DATA));
	EXPECT(st.links, 1);
	EXPECT(refs(P(1)), 1);
	hw_write(P(0) + 8, table(DATA));
	EXPECT(rel(P(0)), 0);
	EXPECT(refs(P(1)), 0);
	EXPECT(st.links, 0);
	EXPECT(mstate(P(0)), PVMMU_STATE_FREE);
	check_invariants();
}

/* ---- deterministic races (fault injection, see pvmmu_fake.h) */

struct race {
	unsigned long pa;	/* walker: the PTE; hart 1: the target */
	unsigned long fid, a0, a1, a2;	/* hart 1's call */
	u64 value;
	long rc;
};

/* race.fid for hart 1's satp write: pvmmu_satp_load(a0) */
#define RACE_SATP	(~0UL)

/* The walker sets A and D in a leaf right before the core's CAS */
static void race_walker(void *arg)
{
	struct race *r = arg;

	__atomic_fetch_or(pte(r->pa), PTE_A | PTE_D, __ATOMIC_SEQ_CST);
}

/* Hart 1 completes a whole call right before the core's write */
static void race_hart1(void *arg)
{
	struct race *r = arg;
	unsigned long v;

	if (r->fid == RACE_SATP) {
		r->rc = pvmmu_satp_load(&st, 1, r->a0);
		return;
	}
	if (r->fid == SBI_PVMMU_UPDATE) {
		buf(1)[0].target = r->pa;
		buf(1)[0].value = r->value;
	}
	r->rc = pvmmu_call(&st, 1, r->fid, r->a0, r->a1, r->a2, &v);
}

static void arm(unsigned long pa, void (*fn)(void *), struct race *r)
{
	model_on = false;
	fake_arm(&fm, pa, fn, r);
}

/* After a raced call: take the pool and counters as they are now */
static void race_done(int line)
{
	check_true(fake_disarm(), "the injected race happened", __FILE__,
		   line);
	model_reload_pool(&model);
	model_reload_stats(&model, &st);
	model_reload_harts(&model, &st);
	model_on = true;
	check_invariants();
}

#if defined(__SANITIZE_THREAD__)
#define RACES_INJECTED	0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RACES_INJECTED	0
#endif
#endif
#ifndef RACES_INJECTED
#define RACES_INJECTED	1
#endif

static void test_races(void)
{
	struct race r = { 0 };
	unsigned long done = 99;
	u64 old, lf;

	/*
	 * TSan runs atomics under its own lock: a fault inside one whose
	 * handler runs another atomic deadlocks. Its build skips this test.
	 */
	if (!RACES_INJECTED) {
		printf("  races: skipped under ThreadSanitizer\n");
		return;
	}
	reset(0);
	shmem_on(0);
	shmem_on(1);
	kroot(4);
	EXPECT(reg(P(0), 0, 0), 0);	/* PTE table, the contended child */
	EXPECT(reg(P(1), 1, 0), 0);	/* PMD (stripe 1) */
	EXPECT(reg(P(3), 1, 0), 0);	/* hart 1's PMD (stripe 3) */
	EXPECT(reg(P(4), 0, 0), 0);
	EXPECT(reg(P(5), 0, 0), 0);
	lf = leaf(DATA, RW);
	EXPECT(upd1(P(1), SBI_PVMMU_OP_STORE, lf, NULL), 0);
	EXPECT(upd1(P(1) + 8, SBI_PVMMU_OP_STORE, lf, NULL), 0);
	EXPECT(upd1(P(0) + 40, SBI_PVMMU_OP_STORE, lf, NULL), 0);

	/* a 2 MiB leaf becomes a table while the walker dirties it */
	r.pa = P(1);
	arm(P(1), race_walker, &r);
	EXPECT(upd1(P(1), SBI_PVMMU_OP_XCHG, table(P(0)), &old), 0);
	EXPECT(old, lf | PTE_A | PTE_D);	/* the caller sees D */
	EXPECT(*pte(P(1)), table(P(0)));
	EXPECT(refs(P(0)), 1);			/* taken once, not twice */
	race_done(__LINE__);

	/* AND ~W recomputed from the dirtied value */
	r.pa = P(0) + 40;
	arm(P(0), race_walker, &r);
	EXPECT(upd1(P(0) + 40, SBI_PVMMU_OP_AND, ~PTE_W, &old), 0);
	EXPECT(old, lf | PTE_A | PTE_D);
	EXPECT(*pte(P(0) + 40), (lf | PTE_A | PTE_D) & ~PTE_W);
	race_done(__LINE__);

	/* KEEP_AD of a table value: valid first, invalid after the walker */
	r.pa = P(1) + 8;
	arm(P(1), race_walker, &r);
	ent(0, 0, P(1) + 8, SBI_PVMMU_OP_STORE_KEEP_AD, table(P(0)));
	EXPECT(update(0, 1, &done), SBI_ERR_INVALID_PARAM);
	EXPECT(done, 0);
	EXPECT(buf(0)[0].old, 0xdeadbeefUL);
	EXPECT(*pte(P(1) + 8), lf | PTE_A | PTE_D);	/* the walker's only */
	EXPECT(refs(P(0)), 1);				/* reference dropped */
	race_done(__LINE__);

	/* hart 1 links the same child between our check and our CAS */
	r = (struct race){ .pa = P(3), .fid = SBI_PVMMU_UPDATE, .a0 = 1,
			   .value = table(P(0)) };
	arm(META_PA, race_hart1, &r);
	EXPECT(upd1(P(1) + 16, SBI_PVMMU_OP_STORE, table(P(0)), NULL), 0);
	EXPECT(r.rc, 0);
	EXPECT(refs(P(0)), 3);
	race_done(__LINE__);

	/* hart 1 releases the child between our check and our CAS */
	r = (struct race){ .fid = SBI_PVMMU_PT_RELEASE, .a0 = P(4) };
	arm(META_PA, race_hart1, &r);
	ent(0, 0, P(1) + 24, SBI_PVMMU_OP_STORE, table(P(4)));
	EXPECT(update(0, 1, &done), SBI_ERR_DENIED);
	EXPECT(done, 0);
	EXPECT(r.rc, 0);
	EXPECT(*pte(P(1) + 24), 0);
	EXPECT(mstate(P(4)), PVMMU_STATE_FREE);
	model_set_page(&model, P(4), false, 0, false);
	race_done(__LINE__);

	/* hart 1 links a page we are releasing: the release is refused */
	r = (struct race){ .pa = P(3) + 8, .fid = SBI_PVMMU_UPDATE, .a0 = 1,
			   .value = table(P(5)) };
	arm(META_PA, race_hart1, &r);
	EXPECT(rel(P(5)), SBI_ERR_DENIED);
	EXPECT(r.rc, 0);
	EXPECT(refs(P(5)), 1);
	EXPECT(mstate(P(5)), PVMMU_STATE_TYPED);
	race_done(__LINE__);

	/* hart 1 links the child we are unlinking: our drop is retried */
	r = (struct race){ .pa = P(3) + 16, .fid = SBI_PVMMU_UPDATE, .a0 = 1,
			   .value = table(P(0)) };
	arm(META_PA, race_hart1, &r);
	EXPECT(upd1(P(1) + 16, SBI_PVMMU_OP_STORE, 0, &old), 0);
	EXPECT(old, table(P(0)));
	EXPECT(r.rc, 0);
	EXPECT(refs(P(0)), 3);
	race_done(__LINE__);

	/* hart 1 registers the page we are registering */
	r = (struct race){ .fid = SBI_PVMMU_PT_REGISTER, .a0 = P(6) };
	arm(META_PA, race_hart1, &r);
	EXPECT(reg(P(6), 0, 0), SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(r.rc, 0);
	EXPECT(mstate(P(6)), PVMMU_STATE_TYPED);
	model_set_page(&model, P(6), true, 0, false);
	race_done(__LINE__);

	/* hart 1 loads the root we are releasing: the release is refused */
	EXPECT(reg(P(7), 3, SBI_PVMMU_PT_ROOT), 0);
	r = (struct race){ .fid = RACE_SATP, .a0 = satp_of(4, 1, P(7)) };
	arm(META_PA, race_hart1, &r);
	EXPECT(rel(P(7)), SBI_ERR_DENIED);
	EXPECT(r.rc, 0);
	EXPECT(refs(P(7)), 1);
	EXPECT(st.harts[1].root, P(7));
	EXPECT(mstate(P(7)), PVMMU_STATE_TYPED + 3);
	race_done(__LINE__);
	EXPECT(satp(1, satp_of(4, 0, KROOT)), 0);
	EXPECT(refs(P(7)), 0);

	/* hart 1 releases the root we are loading: our load is refused */
	r = (struct race){ .fid = SBI_PVMMU_PT_RELEASE, .a0 = P(7) };
	arm(META_PA, race_hart1, &r);
	EXPECT(satp(0, satp_of(4, 0, P(7))), SBI_ERR_DENIED);
	EXPECT(r.rc, 0);
	EXPECT(st.harts[0].root, 0);
	EXPECT(meta[7], 0);
	model_set_page(&model, P(7), false, 0, false);
	race_done(__LINE__);

	/* hart 1 loads a root while we scrub it (RELEASING): refused */
	EXPECT(reg(P(7), 3, SBI_PVMMU_PT_ROOT), 0);
	r = (struct race){ .fid = RACE_SATP, .a0 = satp_of(4, 0, P(7)) };
	arm(P(7), race_hart1, &r);
	EXPECT(rel(P(7)), 0);
	EXPECT(r.rc, SBI_ERR_DENIED);
	EXPECT(st.harts[1].root, 0);
	EXPECT(meta[7], 0);
	model_set_page(&model, P(7), false, 0, false);
	race_done(__LINE__);

	/* ... or while we register it (BUSY): refused */
	r = (struct race){ .fid = RACE_SATP, .a0 = satp_of(4, 0, P(7)) };
	arm(P(7), race_hart1, &r);
	EXPECT(reg(P(7), 3, SBI_PVMMU_PT_ROOT), 0);
	EXPECT(r.rc, SBI_ERR_DENIED);
	EXPECT(st.harts[1].root, 0);
	EXPECT(refs(P(7)), 0);
	model_set_page(&model, P(7), true, 3, true);
	race_done(__LINE__);
	EXPECT(stat(SBI_PVMMU_STAT_SATP_REFUSED, 1), 2);
	EXPECT(stat(SBI_PVMMU_STAT_SATP, 1), 2);
}

static struct pvmmu_range place_ram, place_avoid;

static const struct pvmmu_range *low_ram(unsigned long base,
					 unsigned long size)
{
	place_ram = (struct pvmmu_range){ base, size };
	return &place_ram;
}

static const struct pvmmu_range *low_avoid(unsigned long base,
					   unsigned long size)
{
	place_avoid = (struct pvmmu_range){ base, size };
	return &place_avoid;
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

	/* sizes that cannot be one NAPOT region */
	EXPECT(pvmmu_pool_place(ram1, 1, NULL, 0, 0), 0);
	EXPECT(pvmmu_pool_place(ram1, 1, NULL, 0, 3 * M), 0);
	/* a RAM range that wraps, or ends at 2^64, or is too small */
	EXPECT(pvmmu_pool_place(low_ram(-2 * M, 4 * M), 1, NULL, 0, M), 0);
	EXPECT(pvmmu_pool_place(low_ram(-4 * M, 4 * M), 1, NULL, 0, M), 0);
	EXPECT(pvmmu_pool_place(low_ram(0x80000000UL, 2 * M), 1, NULL, 0,
				4 * M), 0);
	/* physical 0 is never a pool: 0 means "none" */
	EXPECT(pvmmu_pool_place(low_ram(0, 8 * M), 1, low_avoid(4 * M, 4 * M),
				1, 4 * M), 0);
	EXPECT(pvmmu_pool_place(low_ram(0, 8 * M), 1, low_avoid(4 * M, 4 * M),
				1, 2 * M), 0x200000UL);
	/* an avoided range starting below one pool size: nothing below */
	EXPECT(pvmmu_pool_place(low_ram(0, 16 * M), 1, low_avoid(M, 8 * M), 1,
				8 * M), 0);
}

/* ---- concurrency: the walker's A/D updates are never lost */

struct walker {
	u64 *pte;
	int go, stop;
	unsigned long sets, skips;
};

static int flag_get(int *f)
{
	return __atomic_load_n(f, __ATOMIC_ACQUIRE);
}

static void flag_set(int *f, int v)
{
	__atomic_store_n(f, v, __ATOMIC_RELEASE);
}

/*
 * Wait until another thread clears *@f, for at most @secs seconds: a
 * thread that never answers fails the test instead of hanging it
 */
static bool wait_clear(int *f, long secs)
{
	struct timespec t0, t;
	unsigned long n = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (flag_get(f)) {
		if (++n % 4096)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > secs)
			return false;
	}
	return true;
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
		if (!(old & PTE_V) || !(old & PTE_W) || (old & PTE_D)) {
			/* no clean writable leaf (an UPDATE failed): answer */
			w->skips++;
			flag_set(&w->go, 0);
			continue;
		}
		/* a failed CAS (the core's meanwhile) is tried again */
		if (__atomic_compare_exchange_n(w->pte, &old,
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
	unsigned long round, lost = 0, errors = 0, stuck = 0, i;
	u64 v = leaf(DATA, RW | PTE_U);

	reset(0);
	shmem_on(0);
	kroot(3);
	EXPECT(reg(P(0), 0, 0), 0);
	w.pte = pte(P(0));
	/* the walker's timing is not predictable: the model only checks */
	model_on = false;
	if (pthread_create(&th, NULL, walker_fn, &w)) {
		CHECK(!"pthread_create");
		return;
	}
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
		if (!wait_clear(&w.go, 10)) {
			stuck++;
			break;
		}
		if (!(__atomic_load_n(pte(P(0)), __ATOMIC_RELAXED) & PTE_D))
			lost++;
	}
	flag_set(&w.stop, 1);
	pthread_join(th, NULL);
	EXPECT(stuck, 0);
	EXPECT(lost, 0);
	EXPECT(errors, 0);
	EXPECT(w.skips, 0);
	EXPECT(w.sets, 20000);
	model_reload_pool(&model);
	model_reload_stats(&model, &st);
	model_on = true;
	check_invariants();
}

/* ---- concurrency: updates and releases on several "harts" */

enum { RACE_LINK, RACE_RETYPE, RACE_WRITE };

struct racer {
	unsigned long hart;
	int mode;
	unsigned long page;	/* child (LINK) or target (RETYPE, WRITE) */
	unsigned long parent;	/* parent (LINK) or child (WRITE) */
	unsigned long ok1, ok2, ok3, dirty;
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
			if (!pvmmu_call(&st, r->hart, SBI_PVMMU_PT_REGISTER,
					r->page, 0, 0, &v))
				r->ok3++;
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
	unsigned long h, typed;

	reset(0);
	race_ready = 0;
	race_retype_done = 0;
	kroot(4);
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
	model_on = false;
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
	/*
	 * The shadow record from what the racers saw: registrations and
	 * releases of one page alternate, so the counts give its last state.
	 */
	typed = 1 + r[0].ok3 + r[1].ok3 - r[0].ok2 - r[1].ok2;
	CHECK(typed <= 1);
	model_set_page(&model, P(11), typed == 1, 0, false);
	typed = r[2].ok1 - r[2].ok2;
	CHECK(typed <= 1);
	model_set_page(&model, P(20), typed == 1, 1, false);
	model_reload_pool(&model);
	model_reload_stats(&model, &st);
	model_on = true;
	check_invariants();
}

/* ---- MMIO ranges at init */

static void test_init_mmio(void)
{
	struct pvmmu_range mm[PVMMU_MAX_MMIO + 1];
	struct pvmmu_config cfg;
	unsigned long i;

	for (i = 0; i <= PVMMU_MAX_MMIO; i++)
		mm[i] = (struct pvmmu_range){ 0x10000000UL + i * 0x10000,
					      0x1000 };
	/* up to 16 ranges, or none */
	cfg = base_cfg(0);
	cfg.mmio = mm;
	cfg.mmio_count = PVMMU_MAX_MMIO;
	EXPECT(pvmmu_init(&st, &cfg), SBI_SUCCESS);
	EXPECT(st.mmio_count, PVMMU_MAX_MMIO);
	EXPECT(st.mmio[PVMMU_MAX_MMIO - 1].base, mm[PVMMU_MAX_MMIO - 1].base);
	cfg.mmio_count = PVMMU_MAX_MMIO + 1;
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	cfg.mmio_count = 0;
	EXPECT(pvmmu_init(&st, &cfg), SBI_SUCCESS);
	EXPECT(st.mmio_count, 0);
	cfg.mmio = NULL;
	EXPECT(pvmmu_init(&st, &cfg), SBI_SUCCESS);
	cfg.mmio_count = 1;
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	EXPECT(st.pool_size, 0);	/* no pool after a failed init */

	/* each range: not empty, not wrapping, not RAM, not firmware */
	cfg = base_cfg(0);
	cfg.mmio = mm;
	cfg.mmio_count = 4;
	mm[3] = (struct pvmmu_range){ 0x20000000UL, 0 };
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	mm[3] = (struct pvmmu_range){ -0x1000UL, 0x2000 };	/* wraps */
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	/* its end, 2^64, does not fit in 64 bits either */
	mm[3] = (struct pvmmu_range){ -0x1000UL, 0x1000 };
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	mm[3] = (struct pvmmu_range){ -0x2000UL, 0x1000 };	/* last page */
	EXPECT(pvmmu_init(&st, &cfg), SBI_SUCCESS);
	mm[3] = (struct pvmmu_range){ RAM_BASE - 0x1000, 0x2000 };
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	mm[3] = (struct pvmmu_range){ RAM_BASE + RAM_SIZE - 0x1000, 0x2000 };
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	mm[3] = (struct pvmmu_range){ RAM_B_BASE, 0x1000 };	/* 2nd range */
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	mm[3] = (struct pvmmu_range){ POOL_BASE, 0x1000 };	/* the pool */
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	mm[3] = (struct pvmmu_range){ 0, ~0UL };		/* everything */
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	/* right below and right after RAM are fine */
	mm[3] = (struct pvmmu_range){ RAM_BASE - 0x1000, 0x1000 };
	EXPECT(pvmmu_init(&st, &cfg), SBI_SUCCESS);
	mm[3] = (struct pvmmu_range){ RAM_BASE + RAM_SIZE, 0x1000 };
	EXPECT(pvmmu_init(&st, &cfg), SBI_SUCCESS);
	/* firmware outside RAM: MMIO may not overlap it either */
	cfg.fw = (struct pvmmu_range){ 0x30000000UL, 0x10000 };
	mm[3] = (struct pvmmu_range){ 0x3000f000UL, 0x2000 };
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	mm[3] = (struct pvmmu_range){ 0x20000000UL, 0x10000001UL };
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	mm[3] = (struct pvmmu_range){ 0x30010000UL, 0x1000 };
	EXPECT(pvmmu_init(&st, &cfg), SBI_SUCCESS);
	/* the first bad range of several is found */
	mm[0].size = 0;
	EXPECT(pvmmu_init(&st, &cfg), SBI_ERR_INVALID_PARAM);
	reset(0);
	check_invariants();
}

/* ---- PT_REGISTER needs the kernel root; roots exactly at its level */

static void test_register_before_kroot(void)
{
	unsigned long level;

	reset(0);
	/* DENIED at every level, root or not, until SET_KERNEL_ROOT */
	for (level = 0; level <= 5; level++) {
		EXPECT(reg(P(0), level, 0), SBI_ERR_DENIED);
		EXPECT(reg(P(0), level, SBI_PVMMU_PT_ROOT), SBI_ERR_DENIED);
		EXPECT(call(1, SBI_PVMMU_PT_REGISTER, P(1), level, 0, NULL),
		       SBI_ERR_DENIED);
	}
	EXPECT(reg(P(0), -1UL, 0), SBI_ERR_DENIED);
	/* the address and the flags are checked first */
	EXPECT(reg(P(0) + 8, 0, 0), SBI_ERR_INVALID_ADDRESS);
	EXPECT(reg(KROOT, 9, 4), SBI_ERR_INVALID_ADDRESS);
	EXPECT(reg(P(0), 0, 2), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(0), 9, 2), SBI_ERR_INVALID_PARAM);
	EXPECT(st.pages_typed, 0);
	EXPECT(meta[0], 0);
	EXPECT(stat(SBI_PVMMU_STAT_REGISTERED, -1UL), 0);
	EXPECT(stat(SBI_PVMMU_STAT_REJECTED, 0), 17);
	/* a failed SET_KERNEL_ROOT changes nothing */
	EXPECT(call(0, SBI_PVMMU_SET_KERNEL_ROOT, KROOT, 6, 0, NULL),
	       SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(0), 0, 0), SBI_ERR_DENIED);
	/* from SET_KERNEL_ROOT on: any level up to the root level */
	kroot(3);
	EXPECT(reg(P(0), 0, 0), 0);
	EXPECT(reg(P(1), 1, 0), 0);
	EXPECT(reg(P(2), 2, SBI_PVMMU_PT_ROOT), 0);
	EXPECT(stat(SBI_PVMMU_STAT_REGISTERED, 0), 3);
	check_invariants();
}

static void test_register_root_level(void)
{
	unsigned long levels, top;

	for (levels = 3; levels <= 5; levels++) {
		reset(0);
		kroot(levels);
		top = levels - 1;
		/* above the root level */
		EXPECT(reg(P(0), top + 1, 0), SBI_ERR_INVALID_PARAM);
		EXPECT(reg(P(0), top + 1, SBI_PVMMU_PT_ROOT),
		       SBI_ERR_INVALID_PARAM);
		EXPECT(reg(P(0), 5, 0), SBI_ERR_INVALID_PARAM);
		/* a non-root at the root level */
		EXPECT(reg(P(0), top, 0), SBI_ERR_INVALID_PARAM);
		/* a root below the root level */
		EXPECT(reg(P(0), top - 1, SBI_PVMMU_PT_ROOT),
		       SBI_ERR_INVALID_PARAM);
		EXPECT(reg(P(0), 0, SBI_PVMMU_PT_ROOT),
		       SBI_ERR_INVALID_PARAM);
		EXPECT(mstate(P(0)), PVMMU_STATE_FREE);
		EXPECT(st.pages_typed, 0);
		/* the page is still free: both right forms work */
		EXPECT(reg(P(0), top, SBI_PVMMU_PT_ROOT), 0);
		EXPECT(reg(P(1), top - 1, 0), 0);
		EXPECT(reg(P(2), 0, 0), 0);
		CHECK(meta[0] & PVMMU_META_ROOT);
		CHECK(!(meta[1] & PVMMU_META_ROOT));
		EXPECT(mstate(P(0)), PVMMU_STATE_TYPED + top);
		/* ALREADY_AVAILABLE only once the level is right */
		EXPECT(reg(P(0), top, 0), SBI_ERR_INVALID_PARAM);
		EXPECT(reg(P(1), top - 1, 0), SBI_ERR_ALREADY_AVAILABLE);
		check_invariants();
	}
}

/* ---- satp: MODE */

static void test_satp_mode(void)
{
	unsigned long mode, refused = 0;

	reset(0);
	/* no kernel root: nothing can be loaded, not even Bare */
	EXPECT(satp(0, satp_of(3, 0, KROOT)), SBI_ERR_INVALID_PARAM);
	EXPECT(satp(0, 0), SBI_ERR_INVALID_PARAM);
	EXPECT(satp(0, satp_of(5, 0, KROOT)), SBI_ERR_INVALID_PARAM);
	refused += 3;
	kroot(4);			/* Sv48: MODE 9 */
	EXPECT(reg(P(0), 3, SBI_PVMMU_PT_ROOT), 0);
	/* every MODE but Sv48's is refused, for the kernel root and ours */
	for (mode = 0; mode < 16; mode++) {
		if (mode == 9)
			continue;
		EXPECT(satp(0, mode << 60 | KROOT >> 12),
		       SBI_ERR_INVALID_PARAM);
		EXPECT(satp(0, mode << 60 | P(0) >> 12),
		       SBI_ERR_INVALID_PARAM);
		refused += 2;
	}
	EXPECT(satp(0, satp_of(3, 0, P(0))), SBI_ERR_INVALID_PARAM);
	EXPECT(satp(0, satp_of(5, 0, P(0))), SBI_ERR_INVALID_PARAM);
	refused += 2;
	EXPECT(refs(P(0)), 0);
	EXPECT(st.harts[0].root, 0);
	EXPECT(stat(SBI_PVMMU_STAT_SATP, 0), 0);
	EXPECT(stat(SBI_PVMMU_STAT_SATP_REFUSED, 0), refused);
	/* the right MODE */
	EXPECT(satp(0, satp_of(4, 0, P(0))), 0);
	EXPECT(refs(P(0)), 1);
	/* a refused write keeps what was loaded */
	EXPECT(satp(0, satp_of(3, 0, KROOT)), SBI_ERR_INVALID_PARAM);
	EXPECT(satp(0, 0), SBI_ERR_INVALID_PARAM);	/* Bare */
	EXPECT(st.harts[0].root, P(0));
	EXPECT(refs(P(0)), 1);
	EXPECT(satp(0, satp_of(4, 0, KROOT)), 0);
	EXPECT(refs(P(0)), 0);
	EXPECT(stat(SBI_PVMMU_STAT_SATP, 0), 2);
	EXPECT(stat(SBI_PVMMU_STAT_SATP_REFUSED, -1UL), refused + 2);

	/* Sv39 and Sv57 kernel roots: MODE 8 and 10 */
	reset(0);
	kroot(3);
	EXPECT(satp(1, satp_of(4, 0, KROOT)), SBI_ERR_INVALID_PARAM);
	EXPECT(satp(1, 8UL << 60 | KROOT >> 12), 0);
	reset(0);
	kroot(5);
	EXPECT(satp(1, satp_of(4, 0, KROOT)), SBI_ERR_INVALID_PARAM);
	EXPECT(satp(1, 10UL << 60 | KROOT >> 12), 0);
	check_invariants();
}

/* ---- satp: what it may point at */

static void test_satp_targets(void)
{
	static const unsigned long bad[] = {
		P(3),			/* a free pool page */
		P(1), P(2),		/* tables, not roots */
		DATA, KROOT + 4096,	/* ordinary RAM */
		FW_BASE, MMIO_BASE, 0,
		POOL_BASE - 4096, POOL_BASE + POOL_SIZE,
		(1UL << 56) - 4096,	/* the highest PPN */
	};
	unsigned long i, v;

	reset(0);
	shmem_on(0);
	kroot(3);			/* Sv39: MODE 8 */
	EXPECT(reg(P(0), 2, SBI_PVMMU_PT_ROOT), 0);
	EXPECT(reg(P(1), 1, 0), 0);
	EXPECT(reg(P(2), 0, 0), 0);
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE, table(P(1)), NULL), 0);
	for (i = 0; i < array_size(bad); i++)
		EXPECT(satp(0, satp_of(3, i, bad[i])), SBI_ERR_DENIED);
	EXPECT(st.harts[0].root, 0);
	EXPECT(refs(P(1)), 1);		/* its link only */
	EXPECT(refs(P(2)), 0);
	EXPECT(stat(SBI_PVMMU_STAT_SATP, 0), 0);
	EXPECT(stat(SBI_PVMMU_STAT_SATP_REFUSED, 0), array_size(bad));

	/* a registered root: accepted and counted, whatever the ASID */
	EXPECT(satp(0, satp_of(3, 0xffff, P(0))), 0);
	EXPECT(st.harts[0].root, P(0));
	EXPECT(refs(P(0)), 1);
	EXPECT(stat(SBI_PVMMU_STAT_SATP, 0), 1);
	EXPECT(stat(SBI_PVMMU_STAT_SATP, -1UL), 1);
	/* loading it again (another ASID) is still one load */
	EXPECT(satp(0, satp_of(3, 7, P(0))), 0);
	EXPECT(refs(P(0)), 1);
	/* a load is not a link */
	EXPECT(stat(SBI_PVMMU_STAT_LINKS, -1UL), 1);
	/* a second hart: two loads */
	EXPECT(satp(1, satp_of(3, 1, P(0))), 0);
	EXPECT(refs(P(0)), 2);
	/* a refused write keeps the hart's root */
	EXPECT(satp(0, satp_of(3, 0, P(1))), SBI_ERR_DENIED);
	EXPECT(st.harts[0].root, P(0));
	EXPECT(refs(P(0)), 2);
	/* another root: the load moves */
	EXPECT(reg(P(4), 2, SBI_PVMMU_PT_ROOT), 0);
	EXPECT(satp(0, satp_of(3, 0, P(4))), 0);
	EXPECT(refs(P(0)), 1);
	EXPECT(refs(P(4)), 1);
	EXPECT(st.harts[0].root, P(4));
	/* the kernel root: accepted, and the pool root is dropped */
	EXPECT(satp(0, satp_of(3, 3, KROOT)), 0);
	EXPECT(refs(P(4)), 0);
	EXPECT(st.harts[0].root, 0);
	EXPECT(satp(0, satp_of(3, 0, KROOT)), 0);
	EXPECT(st.harts[0].root, 0);
	/* bits 44 and up are ASID and MODE, not address */
	EXPECT(satp(2, satp_of(3, 0, KROOT) | 0xfUL << 44), 0);
	EXPECT(satp(2, satp_of(3, 0, P(4)) | 1UL << 44), 0);
	EXPECT(st.harts[2].root, P(4));
	/* the hart stops: its load goes */
	hart_stopped(2);
	EXPECT(st.harts[2].root, 0);
	EXPECT(refs(P(4)), 0);
	hart_stopped(2);		/* nothing loaded: nothing happens */
	hart_stopped(0);
	EXPECT(refs(P(0)), 1);		/* hart 1's */
	/* invalid harts: FAILED, nothing counted, stopping them is a no-op */
	EXPECT(satp(4, satp_of(3, 0, P(0))), SBI_ERR_FAILED);
	EXPECT(satp(PVMMU_MAX_HARTS, satp_of(3, 0, P(0))), SBI_ERR_FAILED);
	EXPECT(satp(-1UL, satp_of(3, 0, KROOT)), SBI_ERR_FAILED);
	hart_stopped(4);
	hart_stopped(PVMMU_MAX_HARTS);
	hart_stopped(-1UL);
	EXPECT(refs(P(0)), 1);
	EXPECT(stat(SBI_PVMMU_STAT_SATP, -1UL), 8);
	EXPECT(stat(SBI_PVMMU_STAT_SATP_REFUSED, -1UL),
	       array_size(bad) + 1);
	/* STATS of the new counters through the ecall */
	EXPECT(call(1, SBI_PVMMU_STATS, SBI_PVMMU_STAT_SATP, 1, 0, &v), 0);
	EXPECT(v, 1);
	EXPECT(call(1, SBI_PVMMU_STATS, SBI_PVMMU_STAT_TRAPS, -1UL, 0, &v), 0);
	EXPECT(v, 0);
	check_invariants();
}

/* ---- satp: a loaded root stays */

static void test_satp_release(void)
{
	const unsigned long s0 = satp_of(3, 0, P(0)), sk = satp_of(3, 0, KROOT);

	reset(0);
	shmem_on(0);
	kroot(3);
	EXPECT(reg(P(0), 2, SBI_PVMMU_PT_ROOT), 0);
	EXPECT(reg(P(1), 1, 0), 0);
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE, table(P(1)), NULL), 0);
	/* loaded on hart 2: no hart can release it */
	EXPECT(satp(2, s0), 0);
	EXPECT(rel(P(0)), SBI_ERR_DENIED);
	EXPECT(call(2, SBI_PVMMU_PT_RELEASE, P(0), 0, 0, NULL),
	       SBI_ERR_DENIED);
	EXPECT(mstate(P(0)), PVMMU_STATE_TYPED + 2);
	EXPECT(refs(P(1)), 1);		/* nothing dropped */
	EXPECT(*pte(P(0)), table(P(1)));
	/* nor retype it */
	EXPECT(reg(P(0), 2, SBI_PVMMU_PT_ROOT), SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(reg(P(0), 1, 0), SBI_ERR_ALREADY_AVAILABLE);
	/* hart 2 switches to the kernel root: now it can go */
	EXPECT(satp(2, sk), 0);
	EXPECT(rel(P(0)), 0);
	EXPECT(refs(P(1)), 0);
	EXPECT(mstate(P(0)), PVMMU_STATE_FREE);

	/* two harts; one stops, the other switches */
	EXPECT(reg(P(0), 2, SBI_PVMMU_PT_ROOT), 0);
	EXPECT(satp(3, s0), 0);
	EXPECT(satp(1, s0), 0);
	EXPECT(refs(P(0)), 2);
	EXPECT(rel(P(0)), SBI_ERR_DENIED);
	hart_stopped(3);
	EXPECT(refs(P(0)), 1);
	EXPECT(rel(P(0)), SBI_ERR_DENIED);
	hart_stopped(1);
	EXPECT(refs(P(0)), 0);
	EXPECT(rel(P(0)), 0);
	EXPECT(stat(SBI_PVMMU_STAT_RELEASED, -1UL), 2);

	/*
	 * Released, it cannot be loaded; registered again, it is a new root
	 * that nobody has loaded (no load survives a release)
	 */
	EXPECT(satp(1, s0), SBI_ERR_DENIED);
	EXPECT(st.harts[1].root, 0);
	EXPECT(reg(P(0), 2, SBI_PVMMU_PT_ROOT), 0);
	EXPECT(refs(P(0)), 0);
	EXPECT(rel(P(0)), 0);

	/* release-then-register of a loaded root: neither step happens */
	EXPECT(reg(P(0), 2, SBI_PVMMU_PT_ROOT), 0);
	EXPECT(satp(1, s0), 0);
	EXPECT(rel(P(0)), SBI_ERR_DENIED);
	EXPECT(reg(P(0), 2, SBI_PVMMU_PT_ROOT), SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(reg(P(0), 1, 0), SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(reg(P(0), 0, 0), SBI_ERR_ALREADY_AVAILABLE);
	CHECK(meta[0] & PVMMU_META_ROOT);
	EXPECT(mstate(P(0)), PVMMU_STATE_TYPED + 2);
	EXPECT(refs(P(0)), 1);
	/* and a loaded root cannot be linked into a table either */
	EXPECT(reg(P(5), 1, 0), 0);
	REJECT(P(5), SBI_PVMMU_OP_STORE, table(P(0)), SBI_ERR_DENIED);
	EXPECT(stat(SBI_PVMMU_STAT_LINKS, -1UL), 0);
	/* it may still be updated */
	EXPECT(reg(P(6), 1, 0), 0);
	EXPECT(upd1(P(0) + 8, SBI_PVMMU_OP_STORE, table(P(6)), NULL), 0);
	check_invariants();
}

/* ---- leaves map S-mode RAM or one MMIO range, nothing else */

static void test_leaf_targets(void)
{
	struct pvmmu_config cfg = base_cfg(FEAT_ALL);
	struct model_machine mc = base_machine(FEAT_ALL);

	reset(FEAT_ALL);
	shmem_on(0);
	kroot(3);
	EXPECT(reg(P(0), 0, 0), 0);
	EXPECT(reg(P(1), 1, 0), 0);
	EXPECT(reg(P(2), 2, SBI_PVMMU_PT_ROOT), 0);
	/* outside RAM and outside MMIO */
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(0x90000000UL, RW),
	       SBI_ERR_DENIED);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(RAM_BASE + RAM_SIZE, RW),
	       SBI_ERR_DENIED);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(META_PA, PTE_R),
	       SBI_ERR_DENIED);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(0x20000000UL, RW),
	       SBI_ERR_DENIED);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(0, PTE_R), SBI_ERR_DENIED);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf((1UL << 56) - 4096, PTE_R),
	       SBI_ERR_DENIED);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(MMIO_A - 4096, RW),
	       SBI_ERR_DENIED);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(MMIO_B + MMIO_AB_SIZE, RW),
	       SBI_ERR_DENIED);
	REJECT(P(1), SBI_PVMMU_OP_STORE, leaf(RAM_BASE + RAM_SIZE, RW),
	       SBI_ERR_DENIED);
	REJECT(P(2), SBI_PVMMU_OP_STORE, leaf(0xc0000000UL, RW),
	       SBI_ERR_DENIED);
	/* the last RAM page is RAM, a 2 MiB leaf over both RAM ranges not */
	EXPECT(upd1(P(0) + 8, SBI_PVMMU_OP_STORE,
		    leaf(RAM_BASE + RAM_SIZE - 4096, RW), NULL), 0);
	REJECT(P(1), SBI_PVMMU_OP_STORE, leaf(RAM_B_BASE - 0x100000, RW),
	       SBI_ERR_DENIED);

	/* inside one MMIO range: accepted, at every size */
	EXPECT(upd1(P(0) + 16, SBI_PVMMU_OP_STORE, leaf(MMIO_A, RW), NULL),
	       0);
	EXPECT(upd1(P(0) + 24, SBI_PVMMU_OP_STORE,
		    leaf(MMIO_A + MMIO_AB_SIZE - 4096, RW), NULL), 0);
	EXPECT(upd1(P(0) + 32, SBI_PVMMU_OP_STORE,
		    leaf(MMIO_B, RW) | (2UL << 61), NULL), 0);	/* PBMT IO */
	EXPECT(upd1(P(0) + 40, SBI_PVMMU_OP_STORE,
		    leaf(MMIO_BASE + 0x18000, RW) | PTE_N, NULL), 0);
	EXPECT(upd1(P(1) + 8, SBI_PVMMU_OP_STORE,
		    leaf(MMIO_BASE + 0x200000, RW), NULL), 0);
	EXPECT(upd1(P(1) + 16, SBI_PVMMU_OP_STORE,
		    leaf(MMIO_BASE + MMIO_SIZE - 0x200000, RW), NULL), 0);
	EXPECT(upd1(P(2) + 8, SBI_PVMMU_OP_STORE, leaf(MMIO_BASE, RW),
		    NULL), 0);
	/* straddling the end of an MMIO range */
	REJECT(P(1), SBI_PVMMU_OP_STORE, leaf(MMIO_A, RW), SBI_ERR_DENIED);
	REJECT(P(0), SBI_PVMMU_OP_STORE,
	       leaf(MMIO_B + MMIO_AB_SIZE + 0x8000, RW) | PTE_N,
	       SBI_ERR_DENIED);	/* the 64 KiB right after B */
	/* over two adjacent ranges: each page is MMIO, the leaf is not */
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(MMIO_A + 0x8000, RW) | PTE_N,
	       SBI_ERR_DENIED);
	/* 1 GiB from 0: MMIO A and B, and the hole around them */
	REJECT(P(2), SBI_PVMMU_OP_STORE, leaf(0, RW), SBI_ERR_DENIED);
	/* a result of OR that moves an MMIO leaf out of its range */
	REJECT(P(0) + 16, SBI_PVMMU_OP_OR, 1UL << 30, SBI_ERR_DENIED);
	REJECT(P(0) + 24, SBI_PVMMU_OP_OR, 0x10UL << 10, SBI_ERR_DENIED);
	/* ... or from one range into the next */
	REJECT(P(0) + 24, SBI_PVMMU_OP_OR, 0x18UL << 10, SBI_ERR_DENIED);
	EXPECT(upd1(P(0) + 16, SBI_PVMMU_OP_OR, 7UL << 10, NULL), 0);
	EXPECT(*pte(P(0) + 16), leaf(MMIO_A + 0x7000, RW));

	/* without MMIO ranges the same leaves are refused */
	cfg.mmio_count = 0;
	mc.mmio_count = 0;
	reset_with(&cfg, &mc);
	shmem_on(0);
	kroot(3);
	EXPECT(reg(P(0), 0, 0), 0);
	EXPECT(reg(P(1), 1, 0), 0);
	REJECT(P(0), SBI_PVMMU_OP_STORE, leaf(MMIO_A, RW), SBI_ERR_DENIED);
	REJECT(P(1), SBI_PVMMU_OP_STORE, leaf(MMIO_BASE, RW),
	       SBI_ERR_DENIED);
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE, leaf(DATA, RW), NULL), 0);
	check_invariants();
}

/* ---- UPDATE(count, first) */

/*
 * Runs of clears: each clear after a clear in the same page is applied in
 * quick_run(); it must still drop the links it replaces, stop at another
 * page (typed or not) and at a root's kernel half, and leave the rest of
 * the batch to the checked path.
 */
static void test_clear_runs(void)
{
	unsigned long done;
	unsigned int i;

	reset(0);
	shmem_on(0);
	kroot(3);
	EXPECT(reg(P(0), 1, 0), 0);			/* PMD */
	EXPECT(reg(P(1), 0, 0), 0);			/* PTE a */
	EXPECT(reg(P(2), 0, 0), 0);			/* PTE b */
	EXPECT(reg(P(3), 2, SBI_PVMMU_PT_ROOT), 0);	/* user root */
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE, table(P(1)), NULL), 0);
	EXPECT(upd1(P(0) + 8, SBI_PVMMU_OP_STORE, table(P(2)), NULL), 0);
	for (i = 0; i < 4; i++)
		EXPECT(upd1(P(1) + 8 * i, SBI_PVMMU_OP_STORE,
			    leaf(DATA + i * PVMMU_PAGE_SIZE, RW | PTE_U), NULL), 0);
	EXPECT(stat(SBI_PVMMU_STAT_LINKS, -1UL), 2);

	/* clears of links, in one run: both references dropped */
	ent(0, 0, P(0), SBI_PVMMU_OP_XCHG, 0);
	ent(0, 1, P(0) + 8, SBI_PVMMU_OP_STORE, 0);
	EXPECT(update(0, 2, &done), 0);
	EXPECT(done, 2);
	EXPECT(buf(0)[1].old, table(P(2)));
	EXPECT(refs(P(1)), 0);
	EXPECT(refs(P(2)), 0);
	EXPECT(stat(SBI_PVMMU_STAT_LINKS, -1UL), 0);
	check_invariants();

	/* a run stops at another page: an untyped one is refused */
	ent(0, 0, P(1), SBI_PVMMU_OP_XCHG, 0);
	ent(0, 1, P(1) + 8, SBI_PVMMU_OP_XCHG, 0);
	ent(0, 2, P(7), SBI_PVMMU_OP_XCHG, 0);
	ent(0, 3, P(1) + 16, SBI_PVMMU_OP_XCHG, 0);
	EXPECT(update(0, 4, &done), SBI_ERR_INVALID_ADDRESS);
	EXPECT(done, 2);
	EXPECT(buf(0)[1].old, leaf(DATA + PVMMU_PAGE_SIZE, RW | PTE_U));
	EXPECT(*pte(P(1) + 16), leaf(DATA + 2 * PVMMU_PAGE_SIZE, RW | PTE_U));
	/* ... and at an entry that is no clear: OR 0 keeps its entry */
	ent(0, 0, P(1) + 16, SBI_PVMMU_OP_STORE, 0);
	ent(0, 1, P(1) + 24, SBI_PVMMU_OP_OR, 0);
	EXPECT(update(0, 2, &done), 0);
	EXPECT(*pte(P(1) + 16), 0);
	EXPECT(*pte(P(1) + 24), leaf(DATA + 3 * PVMMU_PAGE_SIZE, RW | PTE_U));

	/* a root's run of clears ends at its kernel half */
	ent(0, 0, P(3) + 8 * (PVMMU_KERNEL_HALF - 2), SBI_PVMMU_OP_XCHG, 0);
	ent(0, 1, P(3) + 8 * (PVMMU_KERNEL_HALF - 1), SBI_PVMMU_OP_XCHG, 0);
	ent(0, 2, P(3) + 8 * PVMMU_KERNEL_HALF, SBI_PVMMU_OP_XCHG, 0);
	EXPECT(update(0, 3, &done), SBI_ERR_DENIED);
	EXPECT(done, 2);
	check_invariants();
}

/*
 * Runs of permission changes: a user leaf that keeps its page after an
 * entry that needed no checks is applied in quick_run(); anything else
 * (a new leaf, a kernel leaf, another page, an op that does not exist)
 * must go back to the checks, and the call must still fence for the
 * valid entries it left.
 */
static void test_permission_runs(void)
{
	u64 user = leaf(DATA, RW | PTE_U | PTE_A | PTE_D);
	unsigned long done;
	unsigned int i;

	reset(0);
	shmem_on(0);
	kroot(3);
	EXPECT(reg(P(0), 0, 0), 0);
	for (i = 0; i < 4; i++)
		EXPECT(upd1(P(0) + 8 * i, SBI_PVMMU_OP_STORE, user, NULL), 0);
	CHECK(take_fence(0));

	/* fork's write protection: AND ~W, all after the first quick */
	for (i = 0; i < 4; i++)
		ent(0, i, P(0) + 8 * i, SBI_PVMMU_OP_AND, ~PTE_W);
	EXPECT(update(0, 4, &done), 0);
	EXPECT(done, 4);
	for (i = 0; i < 4; i++) {
		EXPECT(buf(0)[i].old, user);
		EXPECT(*pte(P(0) + 8 * i), user & ~PTE_W);
	}
	CHECK(take_fence(0));

	/* a clear, then narrowings only: the call still fences */
	ent(0, 0, P(0) + 8 * 8, SBI_PVMMU_OP_XCHG, 0);
	ent(0, 1, P(0), SBI_PVMMU_OP_STORE_KEEP_AD, leaf(DATA, PTE_R | PTE_U));
	EXPECT(update(0, 2, &done), 0);
	EXPECT(*pte(P(0)), leaf(DATA, PTE_R | PTE_U | PTE_A | PTE_D));
	CHECK(take_fence(0));

	/* a widening outside the locked ranges runs on; a kernel leaf stops it */
	ent(0, 0, P(0) + 8, SBI_PVMMU_OP_AND, ~PTE_A);
	ent(0, 1, P(0) + 16, SBI_PVMMU_OP_OR, PTE_W | PTE_X);
	ent(0, 2, P(0) + 24, SBI_PVMMU_OP_AND, ~(u64)PTE_U);
	ent(0, 3, P(0) + 32, SBI_PVMMU_OP_STORE, leaf(FW_BASE, PTE_R | PTE_U));
	EXPECT(update(0, 4, &done), SBI_ERR_DENIED);
	EXPECT(done, 3);
	EXPECT(*pte(P(0) + 16), leaf(DATA, PTE_RWX | PTE_U | PTE_A | PTE_D));
	EXPECT(*pte(P(0) + 24), leaf(DATA, PTE_R | PTE_A | PTE_D));
	EXPECT(*pte(P(0) + 32), 0);
	/* ... and at an op that does not exist, whatever its value */
	ent(0, 0, P(0) + 8, SBI_PVMMU_OP_AND, ~PTE_D);
	ent(0, 1, P(0) + 8, SBI_PVMMU_OP_MASK, leaf(DATA, PTE_R | PTE_U));
	EXPECT(update(0, 2, &done), SBI_ERR_INVALID_PARAM);
	EXPECT(done, 1);
	EXPECT(*pte(P(0) + 8), leaf(DATA, PTE_R | PTE_U));
	/* ... and at a page that is no table, whatever it holds */
	*pte(DATA) = user;
	ent(0, 0, P(0) + 8, SBI_PVMMU_OP_AND, ~PTE_D);
	ent(0, 1, DATA, SBI_PVMMU_OP_AND, ~PTE_W);
	EXPECT(update(0, 2, &done), SBI_ERR_INVALID_ADDRESS);
	EXPECT(done, 1);
	EXPECT(*pte(DATA), user);
	check_invariants();
}

static void test_update_first(void)
{
	unsigned long done, i;

	reset(0);
	shmem_on(0);
	kroot(3);
	EXPECT(reg(P(0), 0, 0), 0);
	for (i = 0; i < 6; i++)
		ent(0, i, P(0) + i * 8, SBI_PVMMU_OP_STORE,
		    leaf(DATA + i * 4096, RW));
	/* only the tail, and "old" only for the tail */
	EXPECT(update_first(0, 6, 4, &done), 0);
	EXPECT(done, 2);
	for (i = 0; i < 6; i++) {
		EXPECT(*pte(P(0) + i * 8), i >= 4 ? leaf(DATA + i * 4096, RW)
						  : 0);
		EXPECT(buf(0)[i].old, i >= 4 ? 0 : 0xdeadbeefUL);
	}
	EXPECT(stat(SBI_PVMMU_STAT_ENTRIES, 0), 2);
	/* first = count - 1: one entry */
	EXPECT(update_first(0, 6, 5, &done), 0);
	EXPECT(done, 1);
	EXPECT(buf(0)[5].old, leaf(DATA + 5 * 4096, RW));
	EXPECT(buf(0)[4].old, 0);
	/* first >= count: INVALID_PARAM, nothing applied */
	snap_take(&snap_a);
	EXPECT(update_first(0, 6, 6, &done), SBI_ERR_INVALID_PARAM);
	EXPECT(done, 0);
	EXPECT(update_first(0, 6, 7, &done), SBI_ERR_INVALID_PARAM);
	EXPECT(update_first(0, 1, 1, &done), SBI_ERR_INVALID_PARAM);
	EXPECT(update_first(0, 6, -1UL, &done), SBI_ERR_INVALID_PARAM);
	EXPECT(update_first(0, PVMMU_MAX_BATCH, PVMMU_MAX_BATCH, &done),
	       SBI_ERR_INVALID_PARAM);
	EXPECT(update_first(0, PVMMU_MAX_BATCH + 1, 0, &done),
	       SBI_ERR_INVALID_PARAM);
	CHECK(snap_same(&snap_a));
	EXPECT(buf(0)[0].old, 0xdeadbeefUL);
	EXPECT(stat(SBI_PVMMU_STAT_ENTRIES, 0), 3);

	/* a rejected entry in the tail: a1 counts from first */
	for (i = 0; i < 10; i++)
		ent(0, i, P(0) + (100 + i) * 8, SBI_PVMMU_OP_STORE,
		    leaf(DATA, PTE_R));
	buf(0)[7].value = leaf(FW_BASE, PTE_R);
	EXPECT(update_first(0, 10, 3, &done), SBI_ERR_DENIED);
	EXPECT(done, 4);		/* entries 3, 4, 5, 6 */
	for (i = 0; i < 10; i++) {
		EXPECT(*pte(P(0) + (100 + i) * 8),
		       i >= 3 && i < 7 ? leaf(DATA, PTE_R) : 0);
		EXPECT(buf(0)[i].old,
		       i >= 3 && i < 7 ? 0 : 0xdeadbeefUL);
	}
	/* the caller fixes the entry and goes on from it, buffer in place */
	buf(0)[7].value = leaf(DATA + 4096, PTE_R);
	EXPECT(update_first(0, 10, 3 + done, &done), 0);
	EXPECT(done, 3);
	EXPECT(*pte(P(0) + 107 * 8), leaf(DATA + 4096, PTE_R));
	EXPECT(buf(0)[7].old, 0);
	EXPECT(*pte(P(0) + 102 * 8), 0);
	EXPECT(stat(SBI_PVMMU_STAT_ENTRIES, 0), 10);
	/* the rejected entry at first itself: a1 = 0 */
	buf(0)[9].value = leaf(POOL_BASE, PTE_R);
	EXPECT(update_first(0, 10, 9, &done), SBI_ERR_DENIED);
	EXPECT(done, 0);

	/* the last entry of a full buffer alone */
	ent(0, PVMMU_MAX_BATCH - 1, P(0) + 511 * 8, SBI_PVMMU_OP_STORE,
	    leaf(DATA, RW));
	EXPECT(update_first(0, PVMMU_MAX_BATCH, PVMMU_MAX_BATCH - 1, &done),
	       0);
	EXPECT(done, 1);
	EXPECT(*pte(P(0) + 511 * 8), leaf(DATA, RW));
	EXPECT(stat(SBI_PVMMU_STAT_UPDATE_CALLS, 0), 12);
	check_invariants();
}

/* ---- the fence after an UPDATE that stored a valid value */

static void test_need_fence(void)
{
	unsigned long done;

	reset(0);
	shmem_on(0);
	shmem_on(1);
	kroot(3);
	EXPECT(reg(P(0), 0, 0), 0);
	EXPECT(reg(P(1), 1, 0), 0);
	CHECK(!take_fence(0));
	/* clearing an entry stores nothing valid: no fence */
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE, 0, NULL), 0);
	CHECK(!st.harts[0].need_fence);
	CHECK(!take_fence(0));
	/* nor does a swap entry (V = 0) */
	EXPECT(upd1(P(0) + 8, SBI_PVMMU_OP_STORE, 0x12345600UL, NULL), 0);
	CHECK(!take_fence(0));
	/* a valid store: the flag is set until it is taken */
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE, leaf(DATA, RW), NULL), 0);
	CHECK(st.harts[0].need_fence);
	CHECK(!st.harts[1].need_fence);
	CHECK(take_fence(0));
	CHECK(!st.harts[0].need_fence);
	CHECK(!take_fence(0));
	/* unmapping: AND ~V and STORE 0 do not need one */
	EXPECT(upd1(P(0), SBI_PVMMU_OP_AND, ~PTE_V, NULL), 0);
	CHECK(!take_fence(0));
	/* OR V maps again; AND ~W keeps it valid: both need one */
	EXPECT(upd1(P(0), SBI_PVMMU_OP_OR, PTE_V, NULL), 0);
	CHECK(take_fence(0));
	EXPECT(upd1(P(0), SBI_PVMMU_OP_AND, ~PTE_W, NULL), 0);
	CHECK(take_fence(0));
	EXPECT(upd1(P(0), SBI_PVMMU_OP_XCHG, 0, NULL), 0);
	CHECK(!take_fence(0));
	/* what counts is the value stored, not the operand */
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE, leaf(DATA, RW), NULL), 0);
	CHECK(take_fence(0));
	EXPECT(upd1(P(0), SBI_PVMMU_OP_OR, PTE_G, NULL), 0);
	CHECK(take_fence(0));
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE_KEEP_AD, 0x12345600UL, NULL), 0);
	CHECK(!take_fence(0));
	EXPECT(upd1(P(0), SBI_PVMMU_OP_AND, ~PTE_W, NULL), 0);
	CHECK(!take_fence(0));
	EXPECT(*pte(P(0)), 0x12345600UL & ~PTE_W);
	/* a link is a valid value too */
	EXPECT(upd1(P(1), SBI_PVMMU_OP_STORE_KEEP_AD, table(P(0)), NULL), 0);
	/* the flag stays over later UPDATEs that store nothing valid */
	EXPECT(upd1(P(0) + 16, SBI_PVMMU_OP_STORE, 0, NULL), 0);
	EXPECT(update(0, 0, NULL), SBI_ERR_INVALID_PARAM);
	CHECK(st.harts[0].need_fence);
	CHECK(take_fence(0));
	/* a rejected entry sets nothing... */
	ent(0, 0, P(0) + 24, SBI_PVMMU_OP_STORE, 0);
	ent(0, 1, P(0) + 32, SBI_PVMMU_OP_STORE, leaf(FW_BASE, RW));
	EXPECT(update(0, 2, &done), SBI_ERR_DENIED);
	EXPECT(done, 1);
	CHECK(!take_fence(0));
	/* ... but a valid entry applied before it does */
	ent(0, 0, P(0) + 24, SBI_PVMMU_OP_STORE, leaf(DATA, RW));
	ent(0, 1, P(0) + 32, SBI_PVMMU_OP_STORE, leaf(FW_BASE, RW));
	EXPECT(update(0, 2, &done), SBI_ERR_DENIED);
	EXPECT(done, 1);
	CHECK(take_fence(0));
	/* entries before first are not applied: no fence from them */
	ent(0, 0, P(0) + 40, SBI_PVMMU_OP_STORE, leaf(DATA, RW));
	ent(0, 1, P(0) + 48, SBI_PVMMU_OP_STORE, 0);
	EXPECT(update_first(0, 2, 1, &done), 0);
	CHECK(!take_fence(0));
	/* per hart */
	ent(1, 0, P(0) + 56, SBI_PVMMU_OP_STORE, leaf(DATA, RW));
	EXPECT(update(1, 1, &done), 0);
	CHECK(!st.harts[0].need_fence);
	CHECK(st.harts[1].need_fence);
	CHECK(!take_fence(0));
	CHECK(take_fence(1));
	/* harts without one */
	CHECK(!take_fence(5));
	check_invariants();
}

/* ---- concurrency: satp writes against releases of the same root */

#define SATP_ROUNDS	100000
/*
 * The releaser goes on past SATP_ROUNDS until one release succeeded (both
 * loaders unloaded at once, which a loaded host can make rare), at most
 * this many times as long
 */
#define SATP_ROUNDS_MAX	(50 * SATP_ROUNDS)

struct satp_racer {
	unsigned long hart;
	bool loader;
	unsigned long root;
	int loaded;		/* loader: between its load and its unload */
	unsigned long ok, refused, bad;
	struct satp_racer *peers;	/* releaser: the loaders */
	unsigned int npeers;
};

static int satp_ready, satp_done;

static void *satp_racer_fn(void *arg)
{
	struct satp_racer *r = arg;
	unsigned long i, spin, v, s = satp_of(3, r->hart, r->root);
	unsigned int p;
	u32 m;

	__atomic_fetch_add(&satp_ready, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&satp_ready, __ATOMIC_SEQ_CST) < 3)
		;
	/* the loaders go on until the releaser is done */
	for (i = 0; r->loader ? !__atomic_load_n(&satp_done, __ATOMIC_SEQ_CST)
			      : i < SATP_ROUNDS ||
				(!r->ok && i < SATP_ROUNDS_MAX); i++) {
		if (!r->loader) {
			/* release, then type the page as a root again */
			if (pvmmu_call(&st, r->hart, SBI_PVMMU_PT_RELEASE,
				       r->root, 0, 0, &v)) {
				r->refused++;
				continue;
			}
			r->ok++;
			/* a loader that is between load and unload: a bug */
			for (p = 0; p < r->npeers; p++)
				if (__atomic_load_n(&r->peers[p].loaded,
						    __ATOMIC_SEQ_CST))
					r->bad++;
			if (pvmmu_call(&st, r->hart, SBI_PVMMU_PT_REGISTER,
				       r->root, 2, SBI_PVMMU_PT_ROOT, &v))
				r->bad++;
			/* stay typed a while so that the loaders get in */
			for (spin = 0; spin < 1000; spin++)
				__atomic_load_n(&satp_ready, __ATOMIC_RELAXED);
			continue;
		}
		if (pvmmu_satp_load(&st, r->hart, s)) {
			r->refused++;
			continue;
		}
		r->ok++;
		__atomic_store_n(&r->loaded, 1, __ATOMIC_SEQ_CST);
		/* loaded: it must stay a typed root, counted */
		m = __atomic_load_n(&meta[(r->root - POOL_BASE) >> 12],
				    __ATOMIC_SEQ_CST);
		if (pvmmu_meta_state(m) != PVMMU_STATE_TYPED + 2 ||
		    !(m & PVMMU_META_ROOT) || !pvmmu_meta_refs(m))
			r->bad++;
		for (spin = 0; spin < 200; spin++)
			__atomic_load_n(&satp_ready, __ATOMIC_RELAXED);
		__atomic_store_n(&r->loaded, 0, __ATOMIC_SEQ_CST);
		/* unload one way or the other */
		if (i & 1)
			pvmmu_hart_stopped(&st, r->hart);
		else if (pvmmu_satp_load(&st, r->hart,
					 satp_of(3, 0, KROOT)))
			r->bad++;
		/* unloaded a while too, so that the releaser gets in */
		for (spin = 0; spin < ((i & 1023) == 1023 ? 40000 : 400);
		     spin++)
			__atomic_load_n(&satp_ready, __ATOMIC_RELAXED);
	}
	if (!r->loader)
		__atomic_store_n(&satp_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void test_concurrent_satp(void)
{
	struct satp_racer r[3];
	pthread_t th[3];
	unsigned long h;
	u32 m;

	reset(0);
	satp_ready = 0;
	satp_done = 0;
	kroot(3);
	EXPECT(reg(P(12), 2, SBI_PVMMU_PT_ROOT), 0);
	r[0] = (struct satp_racer){ .hart = 1, .loader = true,
				    .root = P(12) };
	r[1] = r[0];
	r[1].hart = 3;
	r[2] = (struct satp_racer){ .hart = 2, .root = P(12), .peers = r,
				    .npeers = 2 };
	model_on = false;
	for (h = 0; h < 3; h++)
		if (pthread_create(&th[h], NULL, satp_racer_fn, &r[h]))
			CHECK(!"pthread_create");
	for (h = 0; h < 3; h++)
		pthread_join(th[h], NULL);
	EXPECT(r[0].bad + r[1].bad + r[2].bad, 0);
	CHECK(r[0].ok + r[1].ok > 0 && r[2].ok > 0);
	printf("  concurrent satp: %lu loads, %lu refused; %lu releases, "
	       "%lu refused\n", r[0].ok + r[1].ok,
	       r[0].refused + r[1].refused, r[2].ok, r[2].refused);
	/* the end state: the page typed again, loads only from live harts */
	m = meta[12];
	EXPECT(pvmmu_meta_state(m), PVMMU_STATE_TYPED + 2);
	EXPECT(pvmmu_meta_refs(m), (st.harts[1].root == P(12)) +
				   (st.harts[3].root == P(12)));
	EXPECT(st.harts[2].root, 0);
	model_set_page(&model, P(12), true, 2, true);
	model_reload_pool(&model);
	model_reload_stats(&model, &st);
	model_reload_harts(&model, &st);
	model_on = true;
	EXPECT(stat(SBI_PVMMU_STAT_SATP_REFUSED, 1) +
	       stat(SBI_PVMMU_STAT_SATP_REFUSED, 3),
	       r[0].refused + r[1].refused);
	EXPECT(stat(SBI_PVMMU_STAT_RELEASED, 2), r[2].ok);
	check_invariants();
	/* and they can all be unloaded and the root released */
	hart_stopped(1);
	hart_stopped(3);
	EXPECT(rel(P(12)), 0);
	check_invariants();
}

/* ---- kernel tables in the pool: PT_KERNEL, the kernel rules, ADOPT, LOCK */

#define KERNEL_ROOT_FLAGS	(SBI_PVMMU_PT_ROOT | SBI_PVMMU_PT_KERNEL)
/* The kernel tree of kernel_tree(): its root and tables */
#define K_ROOT		P(10)
#define K_PMD		P(11)	/* linked from entry 256 */
#define K_PTE		P(12)	/* linked from K_PMD's entry 0 */
#define K_PMD2		P(13)	/* linked from entry 301 */

static long adopt(unsigned long hart, unsigned long pa)
{
	return call(hart, SBI_PVMMU_KERNEL_ADOPT, pa, 0, 0, NULL);
}

static long klock(unsigned long kind, unsigned long pa, unsigned long size)
{
	return call(0, SBI_PVMMU_KERNEL_LOCK, kind, pa, size, NULL);
}

static unsigned long info_kroot(void)
{
	unsigned long v = 99;

	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_KERNEL_ROOT, 0, 0,
		    &v), 0);
	return v;
}

/*
 * An Sv39 kernel root under construction, as a kernel builds its own:
 * K_ROOT (PT_KERNEL) -> entry 256: K_PMD -> K_PTE, entry 301: K_PMD2, and
 * leaves: a 1 GiB MMIO leaf (entry 300), a 2 MiB R+X "text" leaf and a
 * 2 MiB read-only view of the pool in K_PMD, a 4 KiB RW leaf in K_PTE.
 * Three links; the user half stays empty.
 */
static void kernel_tree(void)
{
	EXPECT(reg(K_ROOT, 2, KERNEL_ROOT_FLAGS), 0);
	EXPECT(reg(K_PMD, 1, 0), 0);
	EXPECT(reg(K_PTE, 0, 0), 0);
	EXPECT(reg(K_PMD2, 1, 0), 0);
	EXPECT(upd1(K_ROOT + 256 * 8, SBI_PVMMU_OP_STORE, table(K_PMD), NULL),
	       0);
	EXPECT(upd1(K_ROOT + 301 * 8, SBI_PVMMU_OP_STORE, table(K_PMD2),
		    NULL), 0);
	EXPECT(upd1(K_ROOT + 300 * 8, SBI_PVMMU_OP_STORE,
		    leaf(MMIO_BASE, RW | PTE_G), NULL), 0);
	EXPECT(upd1(K_PMD, SBI_PVMMU_OP_STORE, table(K_PTE), NULL), 0);
	EXPECT(upd1(K_PMD + 8, SBI_PVMMU_OP_STORE,
		    leaf(DATA, PTE_R | PTE_X | PTE_G), NULL), 0);
	EXPECT(upd1(K_PMD + 16, SBI_PVMMU_OP_STORE,
		    leaf(POOL_BASE, PTE_R | PTE_G), NULL), 0);
	EXPECT(upd1(K_PTE, SBI_PVMMU_OP_STORE, leaf(DATA + 0x200000, RWAD),
		    NULL), 0);
	EXPECT(st.links, 3);
}

/* kernel_tree(), adopted from hart 0 */
static void kernel_adopted(void)
{
	kernel_tree();
	EXPECT(adopt(0, K_ROOT), 0);
	EXPECT(st.kroot, K_ROOT | 3);
}

static void test_kernel_register(void)
{
	u64 *k = pte(KROOT);
	unsigned long i, zero = 1;

	reset(0);
	shmem_on(0);
	/* KERNEL alone, or with unknown flags: INVALID_PARAM, even early */
	EXPECT(reg(K_ROOT, 2, SBI_PVMMU_PT_KERNEL), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(K_ROOT, 2, KERNEL_ROOT_FLAGS), SBI_ERR_DENIED);
	for (i = 0; i < 512; i++)
		k[i] = i >= 256 ? leaf(MMIO_BASE, RW) : 0;
	kroot(3);
	EXPECT(st.kernel_rules, 0);
	EXPECT(reg(K_ROOT + 8, 2, KERNEL_ROOT_FLAGS), SBI_ERR_INVALID_ADDRESS);
	EXPECT(reg(KROOT, 2, KERNEL_ROOT_FLAGS), SBI_ERR_INVALID_ADDRESS);
	EXPECT(reg(K_ROOT, 2, SBI_PVMMU_PT_KERNEL), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(K_ROOT, 1, SBI_PVMMU_PT_KERNEL), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(K_ROOT, 0, SBI_PVMMU_PT_KERNEL), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(K_ROOT, 1, KERNEL_ROOT_FLAGS), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(K_ROOT, 3, KERNEL_ROOT_FLAGS), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(K_ROOT, 2, KERNEL_ROOT_FLAGS | 4), SBI_ERR_INVALID_PARAM);
	EXPECT(mstate(K_ROOT), PVMMU_STATE_FREE);
	EXPECT(st.kernel_rules, 0);
	EXPECT(st.pages_typed, 0);

	/* zeroed, no copy of the kernel half, typed KERNEL + ROOT */
	for (i = 0; i < 512; i++)
		hw_write(K_ROOT + i * 8, 0x1111UL);
	EXPECT(reg(K_ROOT, 2, KERNEL_ROOT_FLAGS), 0);
	for (i = 0; i < 512; i++)
		if (pte(K_ROOT)[i])
			zero = 0;
	CHECK(zero);
	EXPECT(meta[10], pvmmu_meta_make(PVMMU_STATE_TYPED + 2,
					 PVMMU_META_ROOT | PVMMU_META_KERNEL,
					 0));
	EXPECT(st.kernel_rules, 1);
	EXPECT(reg(K_ROOT, 2, KERNEL_ROOT_FLAGS), SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(reg(K_ROOT, 2, SBI_PVMMU_PT_ROOT), SBI_ERR_ALREADY_AVAILABLE);
	/* a plain root still gets the S-mode kernel root's half */
	EXPECT(reg(P(2), 2, SBI_PVMMU_PT_ROOT), 0);
	EXPECT(pte(P(2))[300], leaf(MMIO_BASE, RW));
	CHECK(!(meta[2] & PVMMU_META_KERNEL));
	REJECT(P(2) + 300 * 8, SBI_PVMMU_OP_STORE, 0, SBI_ERR_DENIED);
	/* a second kernel root may be built too */
	EXPECT(reg(P(3), 2, KERNEL_ROOT_FLAGS), 0);
	EXPECT(st.pages_typed, 3);

	/* both halves of a kernel root under construction take UPDATE */
	EXPECT(reg(K_PMD, 1, 0), 0);
	EXPECT(upd1(K_ROOT + 256 * 8, SBI_PVMMU_OP_STORE, table(K_PMD), NULL),
	       0);
	EXPECT(upd1(K_ROOT + 511 * 8, SBI_PVMMU_OP_XCHG, table(K_PMD), NULL),
	       0);
	EXPECT(upd1(K_ROOT + 255 * 8, SBI_PVMMU_OP_STORE, table(K_PMD), NULL),
	       0);
	EXPECT(upd1(K_ROOT + 300 * 8, SBI_PVMMU_OP_STORE,
		    leaf(MMIO_BASE, RW | PTE_G), NULL), 0);
	EXPECT(refs(K_PMD), 3);
	EXPECT(stat(SBI_PVMMU_STAT_LINKS, -1UL), 3);
	/* ... and checks their values as any table's */
	REJECT(K_ROOT + 301 * 8, SBI_PVMMU_OP_STORE, leaf(0x80000000UL, PTE_R),
	       SBI_ERR_DENIED);	/* 1 GiB over the firmware */
	REJECT(K_ROOT + 301 * 8, SBI_PVMMU_OP_STORE, table(P(2)),
	       SBI_ERR_DENIED);	/* a root is never a child */
	/* its release drops the links of both halves */
	EXPECT(rel(K_PMD), SBI_ERR_DENIED);
	EXPECT(rel(K_ROOT), 0);
	EXPECT(refs(K_PMD), 0);
	EXPECT(stat(SBI_PVMMU_STAT_LINKS, -1UL), 0);
	EXPECT(mstate(K_ROOT), PVMMU_STATE_FREE);
	EXPECT(meta[10], 0);
	/* the kernel rules stay on for good */
	EXPECT(rel(P(3)), 0);
	EXPECT(st.kernel_rules, 1);
	REJECT(P(2), SBI_PVMMU_OP_STORE, leaf(MMIO_BASE, RW | PTE_X),
	       SBI_ERR_DENIED);
	/* a kernel root can be loaded before it is adopted */
	EXPECT(reg(K_ROOT, 2, KERNEL_ROOT_FLAGS), 0);
	EXPECT(satp(1, satp_of(3, 0, K_ROOT)), 0);
	EXPECT(refs(K_ROOT), 1);
	EXPECT(rel(K_ROOT), SBI_ERR_DENIED);
	EXPECT(info_kroot(), 0);
	check_invariants();
}

static void test_kernel_rules(void)
{
	u64 old;

	reset(FEAT_ALL);
	shmem_on(0);
	kroot(3);
	EXPECT(reg(P(0), 0, 0), 0);
	EXPECT(reg(P(1), 1, 0), 0);
	EXPECT(reg(P(2), 2, SBI_PVMMU_PT_ROOT), 0);
	/* without the kernel rules: W+X without U, no view of the pool */
	EXPECT(upd1(P(0), SBI_PVMMU_OP_STORE, leaf(DATA, RW | PTE_X), NULL),
	       0);
	EXPECT(upd1(P(1), SBI_PVMMU_OP_STORE, leaf(DATA, RW | PTE_X), NULL),
	       0);
	REJECT(P(0) + 8, SBI_PVMMU_OP_STORE, leaf(P(5), PTE_R),
	       SBI_ERR_DENIED);
	REJECT(P(1) + 8, SBI_PVMMU_OP_STORE, leaf(POOL_BASE, PTE_R),
	       SBI_ERR_DENIED);

	/* the first PT_KERNEL registration turns them on */
	EXPECT(reg(K_ROOT, 2, KERNEL_ROOT_FLAGS), 0);
	EXPECT(st.kernel_rules, 1);

	/* W^X for leaves without U, at every level and over MMIO too */
	REJECT(P(0) + 8, SBI_PVMMU_OP_STORE, leaf(DATA, RW | PTE_X),
	       SBI_ERR_DENIED);
	REJECT(P(0) + 8, SBI_PVMMU_OP_STORE,
	       leaf(DATA, RWAD | PTE_X | PTE_G), SBI_ERR_DENIED);
	REJECT(P(1) + 8, SBI_PVMMU_OP_STORE, leaf(DATA, RW | PTE_X),
	       SBI_ERR_DENIED);
	REJECT(P(2) + 8, SBI_PVMMU_OP_STORE, leaf(MMIO_BASE, RW | PTE_X),
	       SBI_ERR_DENIED);
	REJECT(K_ROOT + 300 * 8, SBI_PVMMU_OP_STORE,
	       leaf(MMIO_BASE, RW | PTE_X), SBI_ERR_DENIED);
	REJECT(P(0) + 8, SBI_PVMMU_OP_STORE, leaf(MMIO_A, RW | PTE_X),
	       SBI_ERR_DENIED);
	REJECT(P(0) + 8, SBI_PVMMU_OP_STORE,
	       leaf(DATA + 0x8000, RW | PTE_X) | PTE_N, SBI_ERR_DENIED);
	/* W without R stays a malformed leaf */
	REJECT(P(0) + 8, SBI_PVMMU_OP_STORE, leaf(DATA, PTE_W | PTE_X),
	       SBI_ERR_INVALID_PARAM);
	/* the result of an op counts: X into RW, W into RX */
	EXPECT(upd1(P(0) + 16, SBI_PVMMU_OP_STORE, leaf(DATA, RW), NULL), 0);
	EXPECT(upd1(P(0) + 24, SBI_PVMMU_OP_STORE, leaf(DATA, PTE_R | PTE_X),
		    NULL), 0);
	REJECT(P(0) + 16, SBI_PVMMU_OP_OR, PTE_X, SBI_ERR_DENIED);
	REJECT(P(0) + 24, SBI_PVMMU_OP_OR, PTE_W, SBI_ERR_DENIED);
	REJECT(P(0) + 16, SBI_PVMMU_OP_STORE_KEEP_AD,
	       leaf(DATA, RW | PTE_X), SBI_ERR_DENIED);
	/* an RWX leaf stored before stays, but no new value like it */
	EXPECT(*pte(P(0)), leaf(DATA, RW | PTE_X));
	REJECT(P(0), SBI_PVMMU_OP_OR, PTE_A, SBI_ERR_DENIED);
	EXPECT(upd1(P(0), SBI_PVMMU_OP_AND, ~PTE_X, &old), 0);
	EXPECT(old, leaf(DATA, RW | PTE_X));
	/* with U it is a user leaf: W+X is the user's business */
	EXPECT(upd1(P(0) + 32, SBI_PVMMU_OP_STORE,
		    leaf(DATA, RW | PTE_X | PTE_U), NULL), 0);
	EXPECT(upd1(P(1) + 16, SBI_PVMMU_OP_STORE,
		    leaf(DATA, RWAD | PTE_X | PTE_U), NULL), 0);
	EXPECT(upd1(P(0) + 16, SBI_PVMMU_OP_OR, PTE_X | PTE_U, NULL), 0);
	EXPECT(upd1(P(0) + 40, SBI_PVMMU_OP_STORE,
		    leaf(MMIO_A, RW | PTE_X | PTE_U), NULL), 0);

	/* read-only kernel views may cover the pool */
	EXPECT(upd1(P(0) + 48, SBI_PVMMU_OP_STORE, leaf(P(5), PTE_R), NULL),
	       0);
	EXPECT(upd1(P(0) + 56, SBI_PVMMU_OP_STORE,
		    leaf(POOL_BASE + POOL_SIZE - 4096, PTE_R | PTE_G | PTE_A),
		    NULL), 0);
	EXPECT(upd1(P(0) + 64, SBI_PVMMU_OP_STORE, leaf(K_ROOT, PTE_R),
		    NULL), 0);
	EXPECT(upd1(P(1) + 24, SBI_PVMMU_OP_STORE, leaf(POOL_BASE, PTE_R),
		    NULL), 0);	/* 2 MiB */
	EXPECT(upd1(P(0) + 72, SBI_PVMMU_OP_STORE,
		    leaf(POOL_BASE + 0x8000, PTE_R) | PTE_N, NULL), 0);
	/* a 2 MiB view of RAM around the pool's end */
	EXPECT(upd1(P(1) + 32, SBI_PVMMU_OP_STORE,
		    leaf(POOL_BASE + POOL_SIZE - 0x200000, PTE_R), NULL), 0);
	/* ... but never writable, executable or for U-mode */
	REJECT(P(0) + 8, SBI_PVMMU_OP_STORE, leaf(P(5), RW), SBI_ERR_DENIED);
	REJECT(P(0) + 8, SBI_PVMMU_OP_STORE, leaf(P(5), PTE_R | PTE_X),
	       SBI_ERR_DENIED);
	REJECT(P(0) + 8, SBI_PVMMU_OP_STORE, leaf(P(5), PTE_R | PTE_U),
	       SBI_ERR_DENIED);
	REJECT(P(0) + 8, SBI_PVMMU_OP_STORE, leaf(P(5), PTE_X),
	       SBI_ERR_DENIED);
	REJECT(P(0) + 8, SBI_PVMMU_OP_STORE,
	       leaf(P(5), RW | PTE_X | PTE_U), SBI_ERR_DENIED);
	REJECT(P(1) + 8, SBI_PVMMU_OP_STORE, leaf(POOL_BASE, RW),
	       SBI_ERR_DENIED);
	REJECT(P(0) + 48, SBI_PVMMU_OP_OR, PTE_W, SBI_ERR_DENIED);
	REJECT(P(0) + 48, SBI_PVMMU_OP_OR, PTE_U, SBI_ERR_DENIED);
	REJECT(P(0) + 48, SBI_PVMMU_OP_OR, PTE_X, SBI_ERR_DENIED);
	/* ... nor over the firmware, outside RAM or across two ranges */
	REJECT(P(0) + 8, SBI_PVMMU_OP_STORE, leaf(FW_BASE, PTE_R),
	       SBI_ERR_DENIED);
	REJECT(P(0) + 8, SBI_PVMMU_OP_STORE,
	       leaf(FW_BASE + FW_SIZE - 4096, PTE_R), SBI_ERR_DENIED);
	REJECT(P(0) + 8, SBI_PVMMU_OP_STORE,
	       leaf(FW_BASE + FW_SIZE - 0x8000, PTE_R) | PTE_N,
	       SBI_ERR_DENIED);
	REJECT(P(1) + 8, SBI_PVMMU_OP_STORE, leaf(FW_BASE, PTE_R),
	       SBI_ERR_DENIED);
	REJECT(P(2) + 16, SBI_PVMMU_OP_STORE, leaf(0x80000000UL, PTE_R),
	       SBI_ERR_DENIED);	/* 1 GiB: firmware and pool */
	REJECT(P(0) + 8, SBI_PVMMU_OP_STORE, leaf(META_PA, PTE_R),
	       SBI_ERR_DENIED);
	REJECT(P(0) + 8, SBI_PVMMU_OP_STORE, leaf(RAM_BASE + RAM_SIZE, PTE_R),
	       SBI_ERR_DENIED);
	REJECT(P(1) + 8, SBI_PVMMU_OP_STORE, leaf(0x83e00000UL, PTE_R),
	       SBI_ERR_DENIED);	/* RAM A's end and RAM B */
	/* S-mode RAM and MMIO as before: any permissions but W+X */
	EXPECT(upd1(P(0) + 80, SBI_PVMMU_OP_STORE, leaf(DATA, RWAD), NULL),
	       0);
	EXPECT(upd1(P(0) + 88, SBI_PVMMU_OP_STORE, leaf(MMIO_B, RW), NULL),
	       0);
	EXPECT(upd1(P(0) + 96, SBI_PVMMU_OP_STORE,
		    leaf(POOL_BASE - 4096, RW | PTE_U), NULL), 0);
	check_invariants();
}

static void test_kernel_adopt(void)
{
	u32 saved;
	unsigned int op;

	reset(0);
	shmem_on(0);
	shmem_on(1);
	/* no kernel root yet: DENIED before anything else */
	EXPECT(pvmmu_kernel_satp(&st), 0);
	EXPECT(adopt(0, K_ROOT), SBI_ERR_DENIED);
	EXPECT(adopt(0, K_ROOT + 8), SBI_ERR_DENIED);
	EXPECT(adopt(0, KROOT), SBI_ERR_DENIED);
	memset(ptr(KROOT), 0, 4096);
	kroot(3);
	EXPECT(pvmmu_kernel_satp(&st), satp_of(3, 0, KROOT));
	/* the page: aligned, in the pool, a kernel root under construction */
	EXPECT(adopt(0, K_ROOT + 8), SBI_ERR_INVALID_ADDRESS);
	EXPECT(adopt(0, KROOT), SBI_ERR_INVALID_ADDRESS);
	EXPECT(adopt(0, POOL_BASE - 4096), SBI_ERR_INVALID_ADDRESS);
	EXPECT(adopt(0, POOL_BASE + POOL_SIZE), SBI_ERR_INVALID_ADDRESS);
	EXPECT(adopt(0, -4096UL), SBI_ERR_INVALID_ADDRESS);
	EXPECT(adopt(0, K_ROOT), SBI_ERR_INVALID_PARAM);	/* free */
	EXPECT(reg(P(0), 2, SBI_PVMMU_PT_ROOT), 0);
	EXPECT(adopt(0, P(0)), SBI_ERR_INVALID_PARAM);		/* plain root */
	EXPECT(reg(P(4), 1, 0), 0);
	EXPECT(adopt(0, P(4)), SBI_ERR_INVALID_PARAM);		/* a table */
	kernel_tree();
	/* another root, plain or kernel, first or last page: DENIED */
	EXPECT(adopt(0, K_ROOT), SBI_ERR_DENIED);
	EXPECT(rel(P(0)), 0);
	EXPECT(reg(P(POOL_PAGES - 1), 2, KERNEL_ROOT_FLAGS), 0);
	EXPECT(adopt(0, K_ROOT), SBI_ERR_DENIED);
	EXPECT(adopt(0, P(POOL_PAGES - 1)), SBI_ERR_DENIED);
	EXPECT(rel(P(POOL_PAGES - 1)), 0);
	/* anything in the user half, valid or not: DENIED */
	EXPECT(upd1(K_ROOT + 5 * 8, SBI_PVMMU_OP_STORE,
		    leaf(MMIO_BASE, PTE_R), NULL), 0);
	EXPECT(adopt(0, K_ROOT), SBI_ERR_DENIED);
	EXPECT(upd1(K_ROOT + 5 * 8, SBI_PVMMU_OP_STORE, 0x1200, NULL), 0);
	EXPECT(adopt(0, K_ROOT), SBI_ERR_DENIED);
	EXPECT(upd1(K_ROOT + 255 * 8, SBI_PVMMU_OP_STORE, table(P(4)), NULL),
	       0);
	EXPECT(upd1(K_ROOT + 5 * 8, SBI_PVMMU_OP_STORE, 0, NULL), 0);
	EXPECT(adopt(0, K_ROOT), SBI_ERR_DENIED);
	EXPECT(upd1(K_ROOT + 255 * 8, SBI_PVMMU_OP_STORE, 0, NULL), 0);
	/* a page being registered, a root being released (white box) */
	model_on = false;
	saved = meta[20];
	meta[20] = pvmmu_meta_make(PVMMU_STATE_BUSY, 0, 0);
	EXPECT(adopt(0, K_ROOT), SBI_ERR_DENIED);
	meta[20] = pvmmu_meta_make(PVMMU_STATE_RELEASING, PVMMU_META_ROOT, 0);
	EXPECT(adopt(0, K_ROOT), SBI_ERR_DENIED);
	meta[20] = saved;
	EXPECT(meta[10] & PVMMU_META_KERNEL, PVMMU_META_KERNEL);
	EXPECT(st.kroot, KROOT | 3);
	model_reload_stats(&model, &st);
	model_on = true;
	EXPECT(info_kroot(), 0);

	/* hart 0 (the caller) and hart 1 run on the kernel root */
	EXPECT(satp(0, satp_of(3, 0, K_ROOT)), 0);
	EXPECT(satp(1, satp_of(3, 0, K_ROOT)), 0);
	EXPECT(refs(K_ROOT), 2);
	EXPECT(adopt(0, K_ROOT), 0);
	EXPECT(st.kroot, K_ROOT | 3);
	EXPECT(info_kroot(), K_ROOT);
	EXPECT(pvmmu_kernel_satp(&st), satp_of(3, 0, K_ROOT));
	/* a plain root now; the caller's load is gone, hart 1's not yet */
	EXPECT(meta[10], pvmmu_meta_make(PVMMU_STATE_TYPED + 2,
					 PVMMU_META_ROOT, 1));
	EXPECT(st.harts[0].root, 0);
	EXPECT(st.harts[1].root, K_ROOT);
	EXPECT(satp(1, satp_of(3, 0, K_ROOT)), 0);
	EXPECT(refs(K_ROOT), 0);
	EXPECT(st.harts[1].root, 0);
	EXPECT(st.kernel_rules, 1);

	/* once per boot: ALREADY_AVAILABLE, whatever the address */
	EXPECT(adopt(0, K_ROOT), SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(adopt(1, K_ROOT + 8), SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(adopt(0, P(4)), SBI_ERR_ALREADY_AVAILABLE);
	/* no kernel root is built any more */
	EXPECT(reg(P(3), 2, KERNEL_ROOT_FLAGS), SBI_ERR_DENIED);
	EXPECT(reg(P(3), 2, SBI_PVMMU_PT_KERNEL), SBI_ERR_INVALID_PARAM);
	EXPECT(reg(P(3), 1, KERNEL_ROOT_FLAGS), SBI_ERR_INVALID_PARAM);
	EXPECT(mstate(P(3)), PVMMU_STATE_FREE);

	/* frozen: no entry of it changes, it is never released */
	for (op = 0; op <= SBI_PVMMU_OP_STORE_KEEP_AD; op++) {
		REJECT(K_ROOT, op, 0, SBI_ERR_DENIED);
		REJECT(K_ROOT + 256 * 8, op, 0, SBI_ERR_DENIED);
	}
	REJECT(K_ROOT + 255 * 8, SBI_PVMMU_OP_STORE, table(P(4)),
	       SBI_ERR_DENIED);
	REJECT(K_ROOT + 258 * 8, SBI_PVMMU_OP_STORE, table(P(4)),
	       SBI_ERR_DENIED);
	REJECT(K_ROOT + 511 * 8, SBI_PVMMU_OP_STORE, leaf(DATA, PTE_R),
	       SBI_ERR_DENIED);
	ent(1, 0, K_ROOT + 300 * 8, SBI_PVMMU_OP_AND, 0);
	EXPECT(update(1, 1, NULL), SBI_ERR_DENIED);
	EXPECT(rel(K_ROOT), SBI_ERR_DENIED);
	EXPECT(call(1, SBI_PVMMU_PT_RELEASE, K_ROOT, 0, 0, NULL),
	       SBI_ERR_DENIED);
	EXPECT(pte(K_ROOT)[256], table(K_PMD));
	EXPECT(pte(K_ROOT)[300], leaf(MMIO_BASE, RW | PTE_G));
	/* the tables it links are never released */
	EXPECT(rel(K_PMD), SBI_ERR_DENIED);
	EXPECT(rel(K_PMD2), SBI_ERR_DENIED);
	EXPECT(refs(K_PMD2), 1);
	/* they are tables like any other below it, under the kernel rules */
	EXPECT(upd1(K_PMD, SBI_PVMMU_OP_STORE, 0, NULL), 0);
	EXPECT(rel(K_PTE), 0);
	EXPECT(reg(K_PTE, 0, 0), 0);
	EXPECT(upd1(K_PMD2 + 8, SBI_PVMMU_OP_STORE, table(K_PTE), NULL), 0);
	REJECT(K_PMD2 + 16, SBI_PVMMU_OP_STORE, leaf(DATA, RW | PTE_X),
	       SBI_ERR_DENIED);

	/* satp: the old S-mode root is refused, the adopted one accepted */
	EXPECT(satp(0, satp_of(3, 0, KROOT)), SBI_ERR_DENIED);
	EXPECT(satp(2, satp_of(3, 5, KROOT)), SBI_ERR_DENIED);
	EXPECT(satp(2, satp_of(3, 5, K_ROOT)), 0);
	EXPECT(st.harts[2].root, 0);		/* the kernel root: no count */
	EXPECT(refs(K_ROOT), 0);
	EXPECT(satp(2, satp_of(4, 0, K_ROOT)), SBI_ERR_INVALID_PARAM);
	EXPECT(satp(2, 0), SBI_ERR_INVALID_PARAM);
	check_invariants();
}

static void test_kernel_roots_linked(void)
{
	unsigned long links, levels, i;
	u32 *m0;

	reset(0);
	shmem_on(0);
	kroot(3);
	kernel_adopted();
	links = stat(SBI_PVMMU_STAT_LINKS, -1UL);
	EXPECT(links, 3);
	/* a new root: the kernel root's half, as two more links */
	EXPECT(reg(P(20), 2, SBI_PVMMU_PT_ROOT), 0);
	CHECK(!memcmp(pte(P(20)) + 256, pte(K_ROOT) + 256, 256 * 8));
	EXPECT(pte(P(20))[300], leaf(MMIO_BASE, RW | PTE_G));
	EXPECT(pte(P(20))[255], 0);
	EXPECT(stat(SBI_PVMMU_STAT_LINKS, -1UL), links + 2);
	EXPECT(refs(K_PMD), 2);
	EXPECT(refs(K_PMD2), 2);
	EXPECT(refs(K_PTE), 1);
	EXPECT(reg(P(21), 2, SBI_PVMMU_PT_ROOT), 0);
	EXPECT(stat(SBI_PVMMU_STAT_LINKS, -1UL), links + 4);
	EXPECT(refs(K_PMD), 3);
	/* its kernel half is still the firmware's */
	REJECT(P(20) + 256 * 8, SBI_PVMMU_OP_STORE, 0, SBI_ERR_DENIED);
	REJECT(P(20) + 300 * 8, SBI_PVMMU_OP_AND, ~PTE_W, SBI_ERR_DENIED);
	/* the user half is the user's */
	EXPECT(reg(P(22), 1, 0), 0);
	EXPECT(upd1(P(20), SBI_PVMMU_OP_STORE, table(P(22)), NULL), 0);
	EXPECT(upd1(P(20) + 8, SBI_PVMMU_OP_STORE, table(K_PMD2), NULL), 0);
	EXPECT(refs(K_PMD2), 4);
	/* loaded, it cannot go; unloaded, it drops both halves' links */
	EXPECT(satp(1, satp_of(3, 0, P(20))), 0);
	EXPECT(rel(P(20)), SBI_ERR_DENIED);
	hart_stopped(1);
	EXPECT(rel(P(20)), 0);
	EXPECT(refs(K_PMD), 2);
	EXPECT(refs(K_PMD2), 2);
	EXPECT(refs(P(22)), 0);
	EXPECT(stat(SBI_PVMMU_STAT_LINKS, -1UL), links + 2);
	EXPECT(rel(P(21)), 0);
	EXPECT(stat(SBI_PVMMU_STAT_LINKS, -1UL), links);
	EXPECT(refs(K_PMD), 1);
	/* the kernel root's own links stay: its tables stay */
	EXPECT(rel(K_PMD), SBI_ERR_DENIED);
	EXPECT(rel(K_PMD2), SBI_ERR_DENIED);
	EXPECT(rel(P(22)), 0);
	check_invariants();

	/*
	 * A link that cannot be taken (white box: a saturated count, which
	 * the frozen kernel root never lets happen): the registration is
	 * DENIED and the links already taken (entry 256, before the empty
	 * entries and the leaf of 300) are dropped again.
	 */
	model_on = false;
	m0 = &meta[13];
	*m0 |= PVMMU_META_REF_MASK;
	EXPECT(reg(P(23), 2, SBI_PVMMU_PT_ROOT), SBI_ERR_DENIED);
	EXPECT(refs(K_PMD), 1);
	EXPECT(st.links, links);
	EXPECT(meta[23], 0);
	for (i = 0; i < 512; i++)
		if (pte(P(23))[i])
			break;
	EXPECT(i, 512);
	*m0 = (*m0 & ~PVMMU_META_REF_MASK) | 1;
	model_reload_stats(&model, &st);
	model_on = true;
	EXPECT(reg(P(23), 2, SBI_PVMMU_PT_ROOT), 0);
	EXPECT(refs(K_PMD2), 2);
	check_invariants();

	/* Sv48: the kernel half links level-2 tables */
	for (levels = 4; levels <= 5; levels++) {
		reset(0);
		shmem_on(0);
		kroot(levels);
		EXPECT(reg(K_ROOT, levels - 1, KERNEL_ROOT_FLAGS), 0);
		EXPECT(reg(P(11), levels - 2, 0), 0);
		EXPECT(reg(P(12), 2, 0), 0);
		EXPECT(upd1(K_ROOT + 400 * 8, SBI_PVMMU_OP_STORE,
			    table(P(11)), NULL), 0);
		if (levels == 5)
			EXPECT(upd1(P(11), SBI_PVMMU_OP_STORE, table(P(12)),
				    NULL), 0);
		/* leaves above level 2 stay malformed in a kernel root */
		REJECT(K_ROOT + 401 * 8, SBI_PVMMU_OP_STORE,
		       leaf(MMIO_BASE, PTE_R), SBI_ERR_INVALID_PARAM);
		EXPECT(adopt(0, K_ROOT), 0);
		EXPECT(reg(P(20), levels - 1, SBI_PVMMU_PT_ROOT), 0);
		EXPECT(pte(P(20))[400], table(P(11)));
		EXPECT(refs(P(11)), 2);
		EXPECT(satp(0, satp_of(levels, 0, P(20))), 0);
		EXPECT(satp(0, satp_of(levels, 0, K_ROOT)), 0);
		EXPECT(rel(P(20)), 0);
		EXPECT(refs(P(11)), 1);
		check_invariants();
	}
}

/*
 * A user leaf that keeps its page skips the leaf checks but for the
 * locked ranges when it gains W; each change that could fail one goes
 * through them: U taken away (W^X), W added over a locked range, W left
 * without R, a new PPN, no longer a leaf.
 */
static void test_user_leaf_same_page(void)
{
	const u64 URWX = RW | PTE_X | PTE_U;
	unsigned long done;
	u64 old;

	reset(FEAT_ALL);
	shmem_on(0);
	kroot(3);
	kernel_adopted();
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, TEXT, 0x10000), 0);
	EXPECT(reg(P(20), 0, 0), 0);
	EXPECT(upd1(P(20), SBI_PVMMU_OP_STORE, leaf(DATA, URWX | PTE_A),
		    NULL), 0);
	EXPECT(upd1(P(20) + 8, SBI_PVMMU_OP_STORE,
		    leaf(TEXT, PTE_R | PTE_U), NULL), 0);

	/* narrowed: W and X away, A and D and the software bits any way */
	EXPECT(upd1(P(20), SBI_PVMMU_OP_AND, ~PTE_W, &old), 0);
	EXPECT(old, leaf(DATA, URWX | PTE_A));
	EXPECT(upd1(P(20), SBI_PVMMU_OP_STORE_KEEP_AD,
		    leaf(DATA, PTE_R | PTE_U) | PTE_D | (1UL << 8), NULL), 0);
	EXPECT(*pte(P(20)), leaf(DATA, PTE_R | PTE_U | PTE_A | PTE_D) |
			    (1UL << 8));
	EXPECT(upd1(P(20), SBI_PVMMU_OP_STORE, leaf(DATA, URWX), NULL), 0);

	/* widened: W and X back, outside the locked ranges */
	EXPECT(upd1(P(20), SBI_PVMMU_OP_AND, ~(PTE_W | PTE_X), NULL), 0);
	EXPECT(upd1(P(20), SBI_PVMMU_OP_OR, PTE_W | PTE_X, NULL), 0);
	EXPECT(*pte(P(20)), leaf(DATA, URWX));
	/* X over the locked text is only read: a user may run it */
	EXPECT(upd1(P(20) + 8, SBI_PVMMU_OP_OR, PTE_X, NULL), 0);
	EXPECT(upd1(P(20) + 8, SBI_PVMMU_OP_AND, ~PTE_X, NULL), 0);

	/* U away: a kernel leaf, W^X applies */
	REJECT(P(20), SBI_PVMMU_OP_AND, ~PTE_U, SBI_ERR_DENIED);
	/* W added over the locked text, from R */
	REJECT(P(20) + 8, SBI_PVMMU_OP_OR, PTE_W, SBI_ERR_DENIED);
	/* ... also after an entry that needed no checks (a quick run) */
	ent(0, 0, P(20) + 8, SBI_PVMMU_OP_AND, ~PTE_A);
	ent(0, 1, P(20) + 8, SBI_PVMMU_OP_STORE_KEEP_AD,
	    leaf(TEXT, RW | PTE_U));
	EXPECT(update(0, 2, &done), SBI_ERR_DENIED);
	EXPECT(done, 1);
	EXPECT(*pte(P(20) + 8), leaf(TEXT, PTE_R | PTE_U));
	/* ... and a huge leaf gaining W meets them over its whole size */
	EXPECT(reg(P(21), 1, 0), 0);
	EXPECT(upd1(P(21), SBI_PVMMU_OP_STORE,
		    leaf(TEXT & ~0x1fffffUL, PTE_R | PTE_U), NULL), 0);
	REJECT(P(21), SBI_PVMMU_OP_OR, PTE_W, SBI_ERR_DENIED);
	/* ... and a 64 KiB NAPOT leaf from its base, not its PPN's page */
	EXPECT(klock(SBI_PVMMU_LOCK_RODATA, RODATA, 0x1000), 0);
	EXPECT(upd1(P(20) + 16, SBI_PVMMU_OP_STORE,
		    leaf(RODATA + 0x8000, PTE_R | PTE_U) | PTE_N, NULL), 0);
	REJECT(P(20) + 16, SBI_PVMMU_OP_OR, PTE_W, SBI_ERR_DENIED);
	EXPECT(upd1(P(20) + 16, SBI_PVMMU_OP_OR, PTE_X, NULL), 0);
	/* W without R */
	REJECT(P(20), SBI_PVMMU_OP_AND, ~PTE_R, SBI_ERR_INVALID_PARAM);
	/* another page (bit 31 of the address away: not RAM), the pool */
	REJECT(P(20), SBI_PVMMU_OP_AND, ~(1UL << 29), SBI_ERR_DENIED);
	REJECT(P(20), SBI_PVMMU_OP_STORE, leaf(POOL_BASE, PTE_R | PTE_U),
	       SBI_ERR_DENIED);
	/* no longer a leaf: a pointer with U, at level 0 */
	REJECT(P(20), SBI_PVMMU_OP_AND, ~PTE_RWX, SBI_ERR_DENIED);
	/* reserved bits and PBMT are checked again */
	REJECT(P(20), SBI_PVMMU_OP_OR, 1UL << 54, SBI_ERR_INVALID_PARAM);
	REJECT(P(20), SBI_PVMMU_OP_OR, 3UL << 61, SBI_ERR_INVALID_PARAM);
	EXPECT(*pte(P(20)), leaf(DATA, URWX));
	check_invariants();
}

static void test_kernel_lock(void)
{
	const unsigned long TEXT_SZ = 0x10000;

	reset(FEAT_ALL);
	shmem_on(0);
	/* nothing can be locked before a kernel root is adopted */
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, TEXT, TEXT_SZ), SBI_ERR_DENIED);
	EXPECT(klock(7, 1, 1), SBI_ERR_DENIED);
	kroot(3);
	kernel_tree();
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, TEXT, TEXT_SZ), SBI_ERR_DENIED);
	EXPECT(adopt(0, K_ROOT), 0);
	EXPECT(reg(P(20), 2, SBI_PVMMU_PT_ROOT), 0);
	EXPECT(reg(P(21), 1, 0), 0);
	EXPECT(reg(P(22), 0, 0), 0);
	EXPECT(upd1(P(20), SBI_PVMMU_OP_STORE, table(P(21)), NULL), 0);
	EXPECT(upd1(P(21), SBI_PVMMU_OP_STORE, table(P(22)), NULL), 0);

	/* kind, then the range: page aligned S-mode RAM of one range */
	EXPECT(SBI_PVMMU_LOCK_KINDS, 2);
	EXPECT(klock(2, TEXT, TEXT_SZ), SBI_ERR_INVALID_PARAM);
	EXPECT(klock(-1UL, TEXT, TEXT_SZ), SBI_ERR_INVALID_PARAM);
	EXPECT(klock(2, 1, 1), SBI_ERR_INVALID_PARAM);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, TEXT + 8, TEXT_SZ),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, TEXT, TEXT_SZ + 8),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, TEXT, 0), SBI_ERR_INVALID_ADDRESS);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, POOL_BASE, 4096),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, POOL_BASE - 4096, 8192),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, FW_BASE, 4096),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, FW_BASE + FW_SIZE - 4096, 8192),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, RAM_B_BASE - 4096, 8192),
	       SBI_ERR_INVALID_ADDRESS);	/* two RAM ranges */
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, RAM_BASE + RAM_SIZE, 4096),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, MMIO_BASE, 4096),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, -4096UL, 8192),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, TEXT, -TEXT),
	       SBI_ERR_INVALID_ADDRESS);
	/* a registered batch buffer: UPDATE writes old values there */
	EXPECT(klock(SBI_PVMMU_LOCK_RODATA, SHMEM(0) & ~4095UL, 4096),
	       SBI_ERR_DENIED);
	EXPECT(st.locked[0].size, 0);
	EXPECT(st.locked[1].size, 0);

	/* a writable leaf over the range now: DENIED, nothing locked */
	EXPECT(upd1(P(22) + 8, SBI_PVMMU_OP_STORE,
		    leaf(TEXT + 0xf000, RW | PTE_U), NULL), 0);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, TEXT, TEXT_SZ), SBI_ERR_DENIED);
	EXPECT(st.locked[0].size, 0);
	EXPECT(st.locked[1].size, 0);
	/* ... so W leaves over it are still accepted */
	EXPECT(upd1(P(22) + 16, SBI_PVMMU_OP_STORE, leaf(TEXT, RW), NULL),
	       0);
	EXPECT(upd1(P(22) + 8, SBI_PVMMU_OP_STORE, 0, NULL), 0);
	EXPECT(upd1(P(22) + 16, SBI_PVMMU_OP_STORE, leaf(TEXT, PTE_R), NULL),
	       0);
	/* a 2 MiB one (level 1), a 64 KiB NAPOT one, one in the kernel tree */
	EXPECT(upd1(P(21) + 8, SBI_PVMMU_OP_STORE, leaf(TEXT, RW), NULL), 0);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, TEXT + 0x8000, 4096),
	       SBI_ERR_DENIED);
	EXPECT(upd1(P(21) + 8, SBI_PVMMU_OP_STORE, 0, NULL), 0);
	EXPECT(upd1(P(22) + 24, SBI_PVMMU_OP_STORE,
		    leaf(TEXT + 0x18000, RW) | PTE_N, NULL), 0);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, TEXT + 0x10000, 4096),
	       SBI_ERR_DENIED);
	EXPECT(upd1(P(22) + 24, SBI_PVMMU_OP_STORE, 0, NULL), 0);
	EXPECT(upd1(K_PTE + 8, SBI_PVMMU_OP_STORE, leaf(TEXT + 0x3000, RW),
		    NULL), 0);
	EXPECT(klock(SBI_PVMMU_LOCK_RODATA, TEXT, TEXT_SZ), SBI_ERR_DENIED);
	EXPECT(upd1(K_PTE + 8, SBI_PVMMU_OP_STORE, 0, NULL), 0);
	/* in the last entry of a table */
	EXPECT(upd1(P(22) + 511 * 8, SBI_PVMMU_OP_STORE,
		    leaf(TEXT + 0x2000, RW), NULL), 0);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, TEXT, TEXT_SZ), SBI_ERR_DENIED);
	EXPECT(upd1(P(22) + 511 * 8, SBI_PVMMU_OP_STORE, 0, NULL), 0);
	/* not valid, not writable, or next to the range: no obstacle */
	EXPECT(upd1(P(22) + 32, SBI_PVMMU_OP_STORE,
		    leaf(TEXT, RW) & ~PTE_V, NULL), 0);
	EXPECT(upd1(P(22) + 40, SBI_PVMMU_OP_STORE,
		    leaf(TEXT, PTE_R | PTE_X), NULL), 0);
	EXPECT(upd1(P(22) + 48, SBI_PVMMU_OP_STORE,
		    leaf(TEXT - 4096, RW), NULL), 0);
	EXPECT(upd1(P(22) + 56, SBI_PVMMU_OP_STORE,
		    leaf(TEXT + TEXT_SZ, RW), NULL), 0);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, TEXT, TEXT_SZ), 0);
	/* a range that wraps overlaps everything once anything is locked */
	CHECK(pvmmu_range_locked(&st, -4096UL, 8192));
	CHECK(!pvmmu_range_locked(&st, TEXT + TEXT_SZ, 4096));
	EXPECT(st.locked[0].base, TEXT);
	EXPECT(st.locked[0].size, TEXT_SZ);
	/* once per kind */
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, TEXT, TEXT_SZ),
	       SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, RODATA, 4096),
	       SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(klock(SBI_PVMMU_LOCK_RODATA, RODATA, 0x20000), 0);
	EXPECT(klock(SBI_PVMMU_LOCK_RODATA, RODATA, 0x20000),
	       SBI_ERR_ALREADY_AVAILABLE);
	EXPECT(st.locked[0].base, TEXT);
	EXPECT(st.locked[1].base, RODATA);

	/* from now on: no writable leaf over either range */
	REJECT(P(22), SBI_PVMMU_OP_STORE, leaf(TEXT, RW), SBI_ERR_DENIED);
	REJECT(P(22), SBI_PVMMU_OP_STORE, leaf(TEXT + TEXT_SZ - 4096, RWAD),
	       SBI_ERR_DENIED);
	REJECT(P(22), SBI_PVMMU_OP_STORE, leaf(TEXT, RW | PTE_U),
	       SBI_ERR_DENIED);
	REJECT(P(22), SBI_PVMMU_OP_STORE, leaf(RODATA + 0x1f000, RW),
	       SBI_ERR_DENIED);
	REJECT(P(22), SBI_PVMMU_OP_STORE, leaf(TEXT + 0x8000, RW) | PTE_N,
	       SBI_ERR_DENIED);
	REJECT(P(21), SBI_PVMMU_OP_STORE, leaf(TEXT, RW), SBI_ERR_DENIED);
	REJECT(P(21), SBI_PVMMU_OP_STORE, leaf(RODATA, RW | PTE_U),
	       SBI_ERR_DENIED);
	REJECT(K_PTE + 8, SBI_PVMMU_OP_STORE, leaf(TEXT, RW), SBI_ERR_DENIED);
	REJECT(P(22) + 16, SBI_PVMMU_OP_OR, PTE_W, SBI_ERR_DENIED);
	REJECT(P(22) + 32, SBI_PVMMU_OP_OR, PTE_V, SBI_ERR_DENIED);
	REJECT(P(22) + 40, SBI_PVMMU_OP_XCHG, leaf(TEXT, RW), SBI_ERR_DENIED);
	/* read-only and executable views are fine, so is the RAM around */
	EXPECT(upd1(P(22), SBI_PVMMU_OP_STORE, leaf(TEXT, PTE_R | PTE_X),
		    NULL), 0);
	EXPECT(upd1(P(22) + 64, SBI_PVMMU_OP_STORE,
		    leaf(RODATA + 0x1f000, PTE_R | PTE_G), NULL), 0);
	EXPECT(upd1(P(21) + 16, SBI_PVMMU_OP_STORE, leaf(TEXT, PTE_R),
		    NULL), 0);
	EXPECT(upd1(P(22) + 72, SBI_PVMMU_OP_STORE,
		    leaf(TEXT + TEXT_SZ, RW), NULL), 0);
	EXPECT(upd1(P(22) + 80, SBI_PVMMU_OP_STORE,
		    leaf(RODATA - 4096, RW), NULL), 0);
	/* clearing W from a leaf over it is fine: the new value is R */
	EXPECT(upd1(P(22) + 16, SBI_PVMMU_OP_AND, ~PTE_X, NULL), 0);
	/*
	 * The edges of what is locked, [TEXT, RODATA + 128 KiB) as a whole:
	 * leaves that end where it starts or start where it ends are
	 * fine, leaves across an end are not
	 */
	EXPECT(upd1(P(21) + 24, SBI_PVMMU_OP_STORE, leaf(TEXT - 0x200000, RW),
		    NULL), 0);
	EXPECT(upd1(P(22) + 88, SBI_PVMMU_OP_STORE,
		    leaf(TEXT - 0x8000, RW) | PTE_N, NULL), 0);
	EXPECT(upd1(P(22) + 96, SBI_PVMMU_OP_STORE,
		    leaf(RODATA + 0x20000, RW), NULL), 0);
	EXPECT(upd1(P(22) + 104, SBI_PVMMU_OP_STORE,
		    leaf(RODATA + 0x28000, RW) | PTE_N, NULL), 0);
	EXPECT(upd1(P(22) + 112, SBI_PVMMU_OP_STORE, leaf(DATA, RW), NULL),
	       0);
	REJECT(P(21) + 32, SBI_PVMMU_OP_STORE, leaf(RODATA, RW),
	       SBI_ERR_DENIED);	/* 2 MiB from RODATA: past the end */
	REJECT(P(22) + 120, SBI_PVMMU_OP_STORE,
	       leaf(RODATA + 0x18000, RW) | PTE_N, SBI_ERR_DENIED);
	REJECT(P(22) + 120, SBI_PVMMU_OP_STORE,
	       leaf(TEXT + 0x8000, RW) | PTE_N, SBI_ERR_DENIED);
	/* a range that ends where RAM ends can be locked too */
	reset(FEAT_ALL);
	shmem_on(0);
	kroot(3);
	kernel_adopted();
	EXPECT(klock(SBI_PVMMU_LOCK_RODATA, RAM_BASE + RAM_SIZE - 0x2000,
		     0x2000), 0);
	REJECT(K_PTE + 8, SBI_PVMMU_OP_STORE,
	       leaf(RAM_BASE + RAM_SIZE - 4096, RW), SBI_ERR_DENIED);
	/* a lock of a lone page: leaves that start before it still hit it */
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, TEXT + 0x3000, 4096), 0);
	REJECT(K_PTE + 8, SBI_PVMMU_OP_STORE, leaf(TEXT + 0x8000, RW) | PTE_N,
	       SBI_ERR_DENIED);
	REJECT(K_PMD + 24, SBI_PVMMU_OP_STORE, leaf(TEXT, RW),
	       SBI_ERR_DENIED);
	EXPECT(upd1(K_PTE + 8, SBI_PVMMU_OP_STORE, leaf(TEXT + 0x2000, RW),
		    NULL), 0);
	check_invariants();

	/*
	 * The firmware writes "old" values into the buffers: none may be in
	 * a locked range. A lock over a registered one is refused (UPDATE
	 * does not check its buffer again); one in a locked range cannot be
	 * registered.
	 */
	reset(0);
	shmem_on(0);
	shmem_on(1);
	kroot(3);
	kernel_adopted();
	EXPECT(klock(SBI_PVMMU_LOCK_RODATA, SHMEM(1) + 0x1000, 4096),
	       SBI_ERR_DENIED);
	EXPECT(st.locked[1].size, 0);
	ent(1, 0, K_PTE + 16, SBI_PVMMU_OP_STORE, leaf(DATA, PTE_R));
	EXPECT(update(1, 1, NULL), 0);
	EXPECT(upd1(K_PTE + 16, SBI_PVMMU_OP_STORE, 0, NULL), 0);
	EXPECT(call(1, SBI_PVMMU_SET_SHMEM, -1UL, -1UL, 0, NULL), 0);
	EXPECT(klock(SBI_PVMMU_LOCK_RODATA, SHMEM(1) + 0x1000, 4096), 0);
	ent(0, 0, K_PTE + 16, SBI_PVMMU_OP_STORE, leaf(DATA, PTE_R));
	EXPECT(update(0, 1, NULL), 0);		/* the buffer next to it */
	EXPECT(upd1(K_PTE + 16, SBI_PVMMU_OP_STORE, 0, NULL), 0);
	EXPECT(call(1, SBI_PVMMU_SET_SHMEM, SHMEM(1), 0, 0, NULL),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(call(2, SBI_PVMMU_SET_SHMEM, SHMEM(1) + 0x1000 - 64, 0, 0,
		    NULL), SBI_ERR_INVALID_ADDRESS);
	EXPECT(call(2, SBI_PVMMU_SET_SHMEM, SHMEM(1) + 0x1fc0, 0, 0, NULL),
	       SBI_ERR_INVALID_ADDRESS);
	/* right after the locked page: fine */
	EXPECT(call(1, SBI_PVMMU_SET_SHMEM, SHMEM(1) + 0x2000, 0, 0, NULL),
	       0);
	((struct sbi_pvmmu_entry *)ptr(SHMEM(1) + 0x2000))[0] =
		(struct sbi_pvmmu_entry){ K_PTE + 16, leaf(DATA, PTE_R), 0 };
	EXPECT(update(1, 1, NULL), 0);
	EXPECT(*pte(K_PTE + 16), leaf(DATA, PTE_R));
	check_invariants();

	/*
	 * White box: a W entry that is no well-formed leaf where it is (a
	 * misaligned 2 MiB one, which UPDATE never stores) maps nothing,
	 * so it does not stand in the way of a lock
	 */
	reset(0);
	shmem_on(0);
	kroot(3);
	kernel_adopted();
	model_on = false;
	*pte(K_PMD + 24) = leaf(TEXT + 0x1000, RW);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, TEXT, TEXT_SZ), 0);
	EXPECT(st.locked[0].size, TEXT_SZ);
	*pte(K_PMD + 24) = 0;
}

#define jal_x0(off)	sbi_pvmmu_insn_jal_x0(off)
#define INSN_ADD	0x00b50533U	/* add a0, a0, a1 */
/* TEXT_SITES' array, and a 4 MiB text for jumps of the whole reach */
#define SITES		(DATA + 0xd00000)
#define BIGTEXT		(DATA + 0x800000)
#define BIGTEXT_SIZE	0x400000UL

static u32 *text_word(unsigned long pa)
{
	return ptr(pa);
}

static long poke(unsigned long hart, unsigned long pa, unsigned long insn)
{
	return call(hart, SBI_PVMMU_TEXT_POKE, pa, insn, 0, NULL);
}

/* Give the @n sites @v (offsets: site, target, ...) from SITES */
static long text_sites(const u32 *v, unsigned long n)
{
	memcpy(ptr(SITES), v, n * sizeof(struct sbi_pvmmu_text_site));
	return call(0, SBI_PVMMU_TEXT_SITES, SITES, n, 0, NULL);
}

/* The sites of test_text_sites() and test_text_poke(), in TEXT */
static const u32 text_test_sites[] = {
	0x0, 0xfffe, 0x8000, 0x8010, 0xfffc, 0x0,
};

static void text_test_words(void)
{
	*text_word(TEXT) = jal_x0(0xfffe);
	*text_word(TEXT + 0x8000) = SBI_PVMMU_INSN_NOP;
	*text_word(TEXT + 0x8004) = INSN_ADD;
	*text_word(TEXT + 0xfffc) = SBI_PVMMU_INSN_NOP;
}

/*
 * TEXT_SITES: before the text lock, once, each entry's form checked;
 * KERNEL_LOCK TEXT checks them against the text, or refuses the lock
 */
static void test_text_sites(void)
{
	const u32 *good = text_test_sites;
	u32 v[6];
	unsigned long i;
	const struct {
		unsigned int idx;
		u32 val;
	} bad_form[] = {
		{ 2, 0x8002 },		/* a site not 4-byte aligned */
		{ 3, 0x8011 },		/* an odd target */
		{ 2, 0x0 },		/* sites not ascending */
	}, bad_fit[] = {
		{ 4, 0x10000 },		/* a site past the text */
		{ 3, 0x10000 },		/* a target past the text */
		{ 2, 0x8004 },		/* a site that holds neither */
		{ 1, 0x10 },		/* a jump there to another target */
	};

	reset(FEAT_ALL);
	shmem_on(0);
	text_test_words();
	EXPECT(text_sites(good, 0), SBI_ERR_INVALID_PARAM);
	EXPECT(call(0, SBI_PVMMU_TEXT_SITES, SITES, PVMMU_MAX_TEXT_SITES + 1,
		    0, NULL), SBI_ERR_INVALID_PARAM);
	EXPECT(call(0, SBI_PVMMU_TEXT_SITES, SITES + 2, 3, 0, NULL),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(call(0, SBI_PVMMU_TEXT_SITES, POOL_BASE, 3, 0, NULL),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(call(0, SBI_PVMMU_TEXT_SITES, FW_BASE + 64, 3, 0, NULL),
	       SBI_ERR_INVALID_ADDRESS);
	EXPECT(call(0, SBI_PVMMU_TEXT_SITES, RAM_BASE + RAM_SIZE - 8, 2, 0,
		    NULL), SBI_ERR_INVALID_ADDRESS);
	for (i = 0; i < array_size(bad_form); i++) {
		memcpy(v, good, sizeof(v));
		v[bad_form[i].idx] = bad_form[i].val;
		EXPECT(text_sites(v, 3), SBI_ERR_INVALID_PARAM);
		EXPECT(st.text_sites_given, 0);
	}
	memcpy(v, good, sizeof(v));
	v[2] = v[0];			/* the same site twice */
	v[3] = v[1];
	EXPECT(text_sites(v, 3), SBI_ERR_INVALID_PARAM);

	/* sites that do not fit the text: the lock refused, the list dropped */
	kroot(3);
	kernel_adopted();
	for (i = 0; i < array_size(bad_fit); i++) {
		memcpy(v, good, sizeof(v));
		v[bad_fit[i].idx] = bad_fit[i].val;
		EXPECT(text_sites(v, 3), 0);
		EXPECT(text_sites(v, 3), SBI_ERR_ALREADY_AVAILABLE);
		EXPECT(klock(SBI_PVMMU_LOCK_TEXT, TEXT, TEXT_SIZE),
		       SBI_ERR_INVALID_PARAM);
		EXPECT(st.locked[SBI_PVMMU_LOCK_TEXT].size, 0);
		EXPECT(st.text_sites_given, 0);
	}
	EXPECT(text_sites(good, 3), 0);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, TEXT, TEXT_SIZE), 0);
	EXPECT(st.text_sites_count, 3);
	/* the lock seals the list */
	EXPECT(text_sites(good, 3), SBI_ERR_DENIED);
	EXPECT(call(0, SBI_PVMMU_GET_INFO, SBI_PVMMU_INFO_MAX_TEXT_SITES, 0, 0,
		    &i), 0);
	EXPECT(i, PVMMU_MAX_TEXT_SITES);

	/* a text locked without sites can never be patched */
	reset(FEAT_ALL);
	shmem_on(0);
	text_test_words();
	kroot(3);
	kernel_adopted();
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, TEXT, TEXT_SIZE), 0);
	EXPECT(text_sites(good, 3), SBI_ERR_DENIED);
	EXPECT(poke(0, TEXT + 0x8000, jal_x0(0x10)), SBI_ERR_DENIED);

	/* the whole reach of a jal, in a 4 MiB text */
	reset(FEAT_ALL);
	shmem_on(0);
	kroot(3);
	kernel_adopted();
	*text_word(BIGTEXT) = SBI_PVMMU_INSN_NOP;
	*text_word(BIGTEXT + 0x200000) = SBI_PVMMU_INSN_NOP;
	v[0] = 0x0;
	v[1] = 0x100000;	/* one past the reach */
	EXPECT(text_sites(v, 1), 0);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, BIGTEXT, BIGTEXT_SIZE),
	       SBI_ERR_INVALID_PARAM);
	v[0] = 0x200000;
	v[1] = 0x0ffffe;	/* one before it */
	EXPECT(text_sites(v, 1), 0);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, BIGTEXT, BIGTEXT_SIZE),
	       SBI_ERR_INVALID_PARAM);
	v[0] = 0x0;
	v[1] = 0x0ffffe;
	v[2] = 0x200000;
	v[3] = 0x100000;
	EXPECT(text_sites(v, 2), 0);
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, BIGTEXT, BIGTEXT_SIZE), 0);
	EXPECT(poke(0, BIGTEXT, jal_x0(0xffffe)), 0);
	EXPECT(poke(0, BIGTEXT + 0x200000, jal_x0(-0x100000)), 0);
	EXPECT(*text_word(BIGTEXT + 0x200000), 0x8000006f);
}

/* TEXT_POKE: a recorded site's two instructions, nothing else */
static void test_text_poke(void)
{
	const unsigned long a = TEXT + 0x8000, b = TEXT, c = TEXT + 0xfffc;
	const u32 nop = SBI_PVMMU_INSN_NOP;

	reset(FEAT_ALL);
	shmem_on(0);
	text_test_words();
	/* a word across two instructions that reads as a jal in the text */
	*text_word(TEXT + 0x9000) = 0x8593006f;
	EXPECT(text_sites(text_test_sites, 3), 0);
	kroot(3);
	kernel_adopted();
	EXPECT(poke(0, a, jal_x0(0x10)), SBI_ERR_DENIED);	/* not locked */
	EXPECT(klock(SBI_PVMMU_LOCK_TEXT, TEXT, TEXT_SIZE), 0);

	/* each site both ways, and the encoding as the assembler has it */
	EXPECT(poke(1, a, jal_x0(0x10)), 0);
	EXPECT(*text_word(a), 0x0100006f);
	EXPECT(poke(1, a, nop), 0);
	EXPECT(*text_word(a), nop);
	EXPECT(poke(1, b, nop), 0);
	EXPECT(poke(1, b, jal_x0(0xfffe)), 0);
	EXPECT(*text_word(b), 0x7ff0f06f);	/* as the assembler has them */
	EXPECT(poke(1, c, jal_x0(-0xfffc)), 0);
	EXPECT(*text_word(c), 0x804f006f);
	EXPECT(poke(1, c, jal_x0(-0xfffc)), 0);
	EXPECT(stat(SBI_PVMMU_STAT_TEXT_POKES, 1), 6);

	/* another instruction, or a jump elsewhere */
	EXPECT(poke(1, a, jal_x0(0x14)), SBI_ERR_INVALID_PARAM);
	EXPECT(poke(1, a, jal_x0(0x10) | 1 << 7), SBI_ERR_INVALID_PARAM);
	EXPECT(poke(1, a, 0x00100073), SBI_ERR_INVALID_PARAM);	/* ebreak */
	EXPECT(poke(1, a, INSN_ADD), SBI_ERR_INVALID_PARAM);
	EXPECT(poke(1, a, nop | 1UL << 32), SBI_ERR_INVALID_PARAM);
	/* the firmware's copy counts, not what S-mode keeps */
	((struct sbi_pvmmu_text_site *)ptr(SITES))[1].target = 0x8014;
	EXPECT(poke(1, a, jal_x0(0x14)), SBI_ERR_INVALID_PARAM);
	EXPECT(*text_word(a), nop);

	/* words that are no site, wherever they are */
	EXPECT(poke(1, a + 4, nop), SBI_ERR_DENIED);
	EXPECT(*text_word(a + 4), INSN_ADD);
	EXPECT(poke(1, a + 8, nop), SBI_ERR_DENIED);
	EXPECT(poke(1, TEXT + 0x9000, 0x9502006f), SBI_ERR_DENIED);
	EXPECT(*text_word(TEXT + 0x9000), 0x8593006f);
	EXPECT(poke(1, a + 2, nop), SBI_ERR_INVALID_ADDRESS);
	EXPECT(poke(1, a + 1, nop), SBI_ERR_INVALID_ADDRESS);
	EXPECT(poke(1, TEXT + TEXT_SIZE, nop), SBI_ERR_INVALID_ADDRESS);
	EXPECT(poke(1, TEXT - 4, nop), SBI_ERR_INVALID_ADDRESS);
	EXPECT(poke(1, RODATA, nop), SBI_ERR_INVALID_ADDRESS);
	EXPECT(poke(1, POOL_BASE, nop), SBI_ERR_INVALID_ADDRESS);
	EXPECT(poke(1, FW_BASE, nop), SBI_ERR_INVALID_ADDRESS);
	EXPECT(poke(1, -4UL, nop), SBI_ERR_INVALID_ADDRESS);
	EXPECT(poke(PVMMU_MAX_HARTS, a, nop), SBI_ERR_FAILED);

	/* white box: a site changed behind the firmware's back stays */
	*text_word(a) = INSN_ADD;
	EXPECT(poke(1, a, nop), SBI_ERR_DENIED);
	EXPECT(*text_word(a), INSN_ADD);
	EXPECT(stat(SBI_PVMMU_STAT_TEXT_POKES, -1UL), 6);
}

struct test {
	const char *name;
	void (*fn)(void);
};

static const struct test tests[] = {
	{ "init", test_init },
	{ "init_mmio", test_init_mmio },
	{ "get_info", test_get_info },
	{ "set_shmem", test_set_shmem },
	{ "set_kernel_root", test_set_kernel_root },
	{ "pt_register", test_register },
	{ "register_before_kroot", test_register_before_kroot },
	{ "register_root_level", test_register_root_level },
	{ "root_copy", test_root_copy },
	{ "update_errors", test_update_errors },
	{ "update_ops", test_update_ops },
	{ "clear_runs", test_clear_runs },
	{ "permission_runs", test_permission_runs },
	{ "update_first", test_update_first },
	{ "need_fence", test_need_fence },
	{ "leaf_targets", test_leaf_targets },
	{ "refcounts", test_refcounts },
	{ "pt_release", test_release },
	{ "satp_mode", test_satp_mode },
	{ "satp_targets", test_satp_targets },
	{ "satp_release", test_satp_release },
	{ "kernel_register", test_kernel_register },
	{ "kernel_rules", test_kernel_rules },
	{ "kernel_adopt", test_kernel_adopt },
	{ "kernel_roots_linked", test_kernel_roots_linked },
	{ "kernel_lock", test_kernel_lock },
	{ "text_sites", test_text_sites },
	{ "text_poke", test_text_poke },
	{ "user_leaf_same_page", test_user_leaf_same_page },
	{ "stats", test_stats },
	{ "odd_edges", test_odd_edges },
	{ "pool_helpers", test_pool_helpers },
	{ "corrupt_tables", test_corrupt_tables },
	{ "races", test_races },
	{ "place", test_place },
	{ "concurrent_ad", test_concurrent_ad },
	{ "concurrent_release", test_concurrent_release },
	{ "concurrent_satp", test_concurrent_satp },
};

/* A test that runs too long (one that loops) ends the run */
static void watchdog(int sig)
{
	static const char msg[] = "FAIL: watchdog: no end after "
				  STRINGIFY(TEST_TIMEOUT) " s in test ";
	ssize_t n;

	(void)sig;
	n = write(1, msg, sizeof(msg) - 1);
	n += write(1, cur_test, strlen(cur_test));
	n += write(1, "\n", 1);
	_exit(n > 0 ? 3 : 4);
}

int main(void)
{
	unsigned long i, before;

	if (fake_mem_create(&fm, RAM_BASE, WINDOW)) {
		printf("cannot create the fake RAM\n");
		return 2;
	}
	/* line by line: the watchdog's _exit() must not lose any output */
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, watchdog);
	ram = fake_ptr(&fm, RAM_BASE);
	meta = fake_ptr(&fm, META_PA);
	/* the core may touch neither the firmware nor anything past RAM */
	fake_mem_protect(&fm, FW_BASE, FW_SIZE, PROT_NONE);
	fake_mem_protect(&fm, RAM_BASE + RAM_SIZE, 4096, PROT_NONE);
	for (i = 0; i < array_size(tests); i++) {
		cur_test = tests[i].name;
		before = checks_failed;
		alarm(TEST_TIMEOUT);
		tests[i].fn();
		alarm(0);
		printf("%s %s\n", checks_failed == before ? "ok  " : "FAIL",
		       tests[i].name);
	}
	printf("%lu passed, %lu failed\n", checks_passed, checks_failed);
	model_free(&model);
	fake_mem_destroy(&fm);
	return checks_failed ? 1 : 0;
}
