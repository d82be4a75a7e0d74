// SPDX-License-Identifier: BSD-2-Clause
/*
 * Coverage-guided fuzzer of the PVMMU core (libFuzzer entry point; the
 * same file builds with tests/fuzz/fuzz_replay.c into a plain replayer).
 *
 * Each input is one boot of a small fake machine followed by a program of
 * calls from many harts. After every call the reference model
 * (tests/host/pvmmu_model.h) compares the core's result, pool, metadata,
 * watched RAM and counters with its prediction, and walks all invariants.
 * Any disagreement prints the last calls and aborts.
 *
 * Fake machine (physical), the window is backed by pvmmu_fake.h:
 *
 *   RAM0   0x80000000-0x8004ffff   kernel root page KR at 0x80008000,
 *                                  16 buffer slots of 16 KiB at
 *                                  0x80010000 (a buffer is 12 KiB)
 *   RAM1   0x80050000-0x8008ffff   adjacent to RAM0 (a second range)
 *   hole   0x80090000-0x800affff   PROT_NONE
 *   RAM2   0x800b0000-0x800b3fff   small, ends at a hole
 *   hole   0x800b4000-0x800bffff   PROT_NONE
 *   meta   0x800c0000              metadata words, outside RAM
 *
 *   MMIO given to S-mode (leaves may map it, the core never touches it):
 *          0x10000000 + 4 KiB, 0x40000000 + 1 GiB, 0x80090000 + 32 KiB and
 *          0x80098000 + 32 KiB (adjacent, in the first hole),
 *          0x800b4000-0x800bffff (right after RAM2)
 *
 *   layout 0: firmware 0x80000000 + 32 KiB, pool at the end of RAM1
 *   layout 1: firmware 0x80000000 + 32 KiB, pool at the start of RAM1
 *   layout 2: firmware 0x80004000 + 16 KiB (RAM on both sides), pool at
 *             the end of RAM1
 *   layout 3: pool 0x8006c000, firmware right above it at the end of RAM1
 *
 *   The pool has 32 pages. In the core's view the firmware is PROT_NONE
 *   and S-mode RAM read-only, but for the caller's buffer during UPDATE.
 *
 * Input format. Everything after the two header bytes comes in records
 * of 24 bytes (REC), so that a mutated byte changes one operation or one
 * entry and leaves the rest of the program in place. A short last record
 * reads as if padded with zeros.
 *
 *   byte 0    bits 0-1 features (SVNAPOT, SVPBMT), bits 2-3 layout,
 *             bits 4-6 hart mask (see hart_masks[]), bit 7 feature
 *             SATP_LOCKED
 *   byte 1    prologue, run through the same checked calls:
 *             bit 0     SET_SHMEM on every valid hart, at its slot
 *             bits 1-2  SET_KERNEL_ROOT(KR): none, Sv39, Sv48, Sv57
 *             bit 3     register pages 0-7 (page 0 the root) and link
 *                       0 -> 1 -> ... down to a PTE table, from the first
 *                       valid hart; this needs a kernel root: without
 *                       one in bits 1-2, Sv57 is set first
 *             bit 4     with bit 3: the first valid hart loads root
 *                       page 0 into satp
 *             bit 5     with bit 3: page 8 is a second root, loaded by
 *                       every other valid hart
 *             bit 6     with bit 3: page 0 is a kernel root under
 *                       construction (PT_KERNEL), and the chain hangs off
 *                       its entry 256 (its kernel half)
 *             bit 7     with bits 3 and 6: then KERNEL_ADOPT of page 0 from
 *                       the first valid hart (DENIED with bit 5)
 *   then operation records: op (% 15), hart, operands:
 *     0 GET_INFO      sel (0-6, 6 the first bad one)
 *     1 SET_SHMEM     addr hi flags
 *     2 SET_KERNEL_ROOT addr levels
 *     3 PT_REGISTER   page level flags (0-3: ROOT, KERNEL, both)
 *     4 PT_RELEASE    page
 *     5 UPDATE        count first fence; then min(count, 512) entry
 *                     records, written to the hart's buffer: target (8
 *                     bytes), op (1), value (15); fence < 0x80: the glue
 *                     takes the hart's fence flag after the call
 *     6 STATS         counter (0-12) hart
 *     7 raw call      fid a0(8) a1(8) a2(5)
 *     8 S-mode write to the kernel root page   index(2) value
 *     9 walker sets A (and D) on a leaf        target(8) dirty
 *    10 satp write (pvmmu_satp_load)           what mode asid(2)
 *    11 glue event    kind (% 4): 0 hart stopped, 1 pvmmu_count(counter),
 *                     2 take the fence flag, 3 every hart stops
 *    12 KERNEL_ADOPT  what (see dec_adopt): a kernel root under
 *                     construction, any pool page, or an odd address;
 *                     then stop: < 0x80 every other hart stops first
 *                     (as the glue wants them)
 *    13 KERNEL_LOCK   kind (0-2) where size (see dec_lock_range): over a
 *                     writable leaf a table holds, or where leaves map;
 *                     then prime (< 0xc0, TEXT: the sites given written
 *                     there first, their jals if odd, see prime_sites)
 *    14 TEXT_SITES / TEXT_POKE  which (< 0x40: TEXT_SITES, see
 *                     text_sites), else TEXT_POKE (see text_poke: at a
 *                     site of the locked text, beside one, or anywhere)
 *   The operand decoders (dec_*) map most byte values onto interesting
 *   choices and the rest onto hostile ones; see each one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <sbi/sbi_ecall_interface.h>
#include "pvmmu_core.h"
#include "pvmmu_fake.h"
#include "pvmmu_model.h"

#define WIN_BASE	0x80000000UL
#define WIN_SIZE	0xc1000UL
#define RAM0		0x80000000UL
#define RAM0_END	0x80050000UL
#define RAM1		0x80050000UL
#define RAM1_END	0x80090000UL
#define RAM2		0x800b0000UL
#define RAM2_END	0x800b4000UL
#define META_PA		0x800c0000UL
/* TEXT_SITES' array, in S-mode RAM */
#define SITES_PA	RAM2
#define KR		0x80008000UL
#define SHMEM_BYTES	PVMMU_SHMEM_SIZE
/* Hart h's buffer; SLOT(h) + 0x400 (dec_addr) also ends before SLOT(h + 1) */
#define SLOT(h)		(0x80010000UL + (unsigned long)(h) * 0x4000)
#define POOL_PAGES	32UL
#define POOL_BYTES	(POOL_PAGES << 12)
#define MAX_CALLS	400
/* MMIO ranges (see the map above) */
#define UART		0x10000000UL
#define PCIE		0x40000000UL
#define MMIO_C		RAM1_END
#define MMIO_D		(RAM1_END + 0x8000)
#define MMIO_E		RAM2_END

static const struct pvmmu_range mmio[] = {
	{ UART, 0x1000 }, { PCIE, 0x40000000UL }, { MMIO_C, 0x8000 },
	{ MMIO_D, 0x8000 }, { MMIO_E, META_PA - RAM2_END },
};

_Static_assert(SHMEM_BYTES + 0x400 <= SLOT(1) - SLOT(0) &&
	       SLOT(16) <= RAM0_END && RAM2_END - RAM2 >= SHMEM_BYTES,
	       "buffers no longer fit the fake memory map");

struct layout {
	unsigned long fw, fw_size, pool;
};

static const struct layout layouts[4] = {
	{ 0x80000000UL, 0x8000, RAM1_END - POOL_BYTES },
	{ 0x80000000UL, 0x8000, RAM1 },
	{ 0x80004000UL, 0x4000, RAM1_END - POOL_BYTES },
	{ RAM1_END - 0x4000, 0x4000, RAM1_END - 0x4000 - POOL_BYTES },
};

static const unsigned long hart_masks[8] = {
	0xffffUL, 0x1UL, 0xfUL, 0x8001UL, 0xaaaaUL, 0x7fffUL,
	0xffffffffUL, 0x10003UL,
};

static struct fake_mem fm;
static struct pvmmu_state st;
static struct model model;
static u32 *meta;
static int cur_layout = -1;
static unsigned long pool_base, fw_base, fw_size;
static bool trace;

/* ---- input reader */

struct rd {
	const u8 *p;
	size_t n;
};

static u8 get8(struct rd *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static u64 get64(struct rd *r)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < 8; i++)
		v |= (u64)get8(r) << (8 * i);
	return v;
}

#define REC		24

/* The next @n bytes of @r as a reader of their own */
static struct rd take(struct rd *r, size_t n)
{
	struct rd s = { r->p, n < r->n ? n : r->n };

	r->p += s.n;
	r->n -= s.n;
	return s;
}

/* ---- operand decoders */

static unsigned long pool_page(long idx)
{
	return pool_base + (unsigned long)idx * 4096;
}

static unsigned long dec_hart(struct rd *r)
{
	static const unsigned long odd[16] = {
		16, 17, 31, 32, 63, 64, 65, 127, 1000, 1UL << 32, ~0UL,
		~0UL - 1, 1UL << 63, 15, 0, 7,
	};
	u8 b = get8(r);

	/* mostly hart 0 (state builds up), then 0-3, then any */
	if (b < 0x80)
		return 0;
	if (b < 0xc0)
		return b & 3;
	return b < 0xf0 ? b & 15 : odd[b & 15];
}

/*
 * Pool page index: mostly pages 0-7 (so that they collide), else any page
 * of the pool or up to @below pages around it
 */
static long dec_pidx(u8 b, unsigned int span, long below)
{
	if (b < 0x80)
		return b & 7;
	return (long)(b % span) - below;
}

/* Addresses around every edge of the memory map */
static unsigned long dec_addr(struct rd *r)
{
	const unsigned long pe = pool_base + POOL_BYTES, fe = fw_base + fw_size;
	const unsigned long edges[] = {
		KR, KR + 8, KR + 64, KR + 0x800, RAM0, RAM0 + 64,
		RAM0_END - SHMEM_BYTES, RAM0_END - SHMEM_BYTES + 64,
		RAM0_END - 64, RAM0_END - 4096, RAM0_END, RAM1,
		RAM1_END - SHMEM_BYTES, RAM1_END - 64, RAM1_END, RAM2,
		RAM2_END - SHMEM_BYTES, RAM2_END - SHMEM_BYTES + 64,
		RAM2_END - 64, RAM2_END - 4096, RAM2_END,
		fw_base, fw_base - SHMEM_BYTES, fw_base - 64, fw_base - 4096,
		fe - 64, fe, fe - 4096, pool_base, pool_base - SHMEM_BYTES,
		pool_base - SHMEM_BYTES + 64, pool_base - 4096,
		pool_base - 64, pe - 64,
		pe, pe - 8, pe - 4096, 0, ~0UL - 63, ~0UL - 4095, 1UL << 63,
		0x1000, RAM0 - 4096, RAM1_END + 0x1000, RAM1_END + 0x10000,
		RAM2 + 0x1000, SLOT(0) + 32, SLOT(3) + 64, SLOT(15) + 0x400,
	};
	u8 b = get8(r);

	if (b < 0x80)
		return edges[b % array_size(edges)];
	if (b < 0xc0)
		return SLOT(b & 15) + ((b & 0x10) ? 0x400 : 0);
	if (b < 0xe0)
		return pool_page(b & 31);
	return get64(r);
}

/* A pool page (with neighbours outside), or something odd */
static unsigned long dec_page(struct rd *r)
{
	u8 b = get8(r);

	if (b < 0xe0)
		return pool_page(dec_pidx(b, 36, 2));
	switch (b & 7) {
	case 0:
		return pool_page(b & 31) + 8;
	case 1:
		return pool_page(b & 15) + 2048;
	case 2:
		return KR;
	case 3:
		return fw_base;
	case 4:
		return 0;
	case 5:
		return ~0UL & ~4095UL;
	default:
		return get64(r);
	}
}

static unsigned long dec_small(struct rd *r, unsigned int mod)
{
	static const unsigned long odd[8] = {
		~0UL, ~0UL - 1, 1UL << 32, 64, 255, 1UL << 63, 8, 9,
	};
	u8 b = get8(r);

	return b < 0xf8 ? b % mod : odd[b & 7];
}

static unsigned long dec_count(struct rd *r)
{
	static const unsigned long odd[16] = {
		0, PVMMU_MAX_BATCH, PVMMU_MAX_BATCH + 1, PVMMU_MAX_BATCH - 1,
		PVMMU_MAX_BATCH + 2, 2 * PVMMU_MAX_BATCH, ~0UL, 1UL << 32,
		1UL << 63, 64, 100, 1000, 2, 3, 4, 5,
	};
	u8 b = get8(r);

	if (b < 0xc0)
		return 1 + b % 8;
	if (b < 0xe0)
		return 1 + (b - 0xc0) * 4;
	if (b < 0xf0)	/* around MAX_BATCH */
		return PVMMU_MAX_BATCH - 4 + (b - 0xe0);
	return odd[b & 15];
}

static u64 mk_pte(unsigned long pa, u64 flags)
{
	return ((u64)(pa >> 12) << 10) | flags;
}

/*
 * Extra bits a hostile S-mode might add to an entry: 0 below 0x80, else
 * bit 0 A, 1 D, 2 U, 3 G, 4 N, 5 one reserved bit (54-60, next byte),
 * 6 a PBMT value (next byte)
 */
static u64 dec_extra(struct rd *r)
{
	static const u64 bits[5] = { PTE_A, PTE_D, PTE_U, PTE_G, PTE_N };
	u8 b = get8(r);
	u64 v = 0;
	unsigned int i;

	if (b < 0x80)
		return 0;
	for (i = 0; i < 5; i++)
		if (b & (1U << i))
			v |= bits[i];
	if (b & 0x20)
		v |= 1UL << (54 + get8(r) % 7);
	if (b & 0x40)
		v |= (u64)(get8(r) & 3) << 61;
	return v;
}

static u64 dec_perm(struct rd *r)
{
	static const u64 perms[16] = {
		PTE_R, PTE_R | PTE_W, PTE_R | PTE_X, PTE_R | PTE_W | PTE_X,
		PTE_X, PTE_W, PTE_W | PTE_X, PTE_R | PTE_W | PTE_A | PTE_D,
		PTE_R | PTE_U, PTE_R | PTE_W | PTE_U, PTE_R | PTE_A,
		PTE_R | PTE_W | PTE_A, PTE_R | PTE_G, PTE_X | PTE_U,
		PTE_R | PTE_W | PTE_D, PTE_R | PTE_W | PTE_X | PTE_U,
	};

	return perms[get8(r) & 15] | PTE_V;
}

/* Physical addresses a leaf might map */
static unsigned long dec_map(struct rd *r)
{
	const unsigned long pe = pool_base + POOL_BYTES, fe = fw_base + fw_size;
	const unsigned long where[] = {
		0x40000000UL, RAM0_END, KR, fw_base, fe - 4096, fe,
		fw_base - 4096, pool_base, pe - 4096, pe, pool_base - 4096,
		pool_base - 0x10000, pe + 0x8000, 0x80000000UL, 0x80200000UL,
		0xc0000000UL, 0, 0x7fffffffff000UL, RAM2, RAM1,
		0x8000000000UL, 0x1000000000000UL, 0x80100000UL,
		0x90000000UL, UART, MMIO_C, MMIO_D, MMIO_E, 0x7fe00000UL,
		MMIO_D + 0x8000,
	};
	u8 b = get8(r);

	if (b < 0x80)
		return where[b % array_size(where)];
	if (b < 0xf0)	/* plus 0..255 pages */
		return where[(b - 0x80) % array_size(where)] +
		       (unsigned long)get8(r) * 4096;
	return get64(r) & 0xfffffffffff000UL;
}

/*
 * Operands are read one statement at a time: C leaves the order of reads
 * inside one expression open, and gcc and clang must decode alike.
 */
static u64 dec_value(struct rd *r)
{
	static const u64 masks[16] = {
		~PTE_V, ~PTE_W, ~(PTE_A | PTE_D), PTE_V, PTE_A, PTE_D,
		PTE_A | PTE_D, PTE_W, PTE_G, ~0UL, PTE_R, 1UL << 10,
		1UL << 56, PTE_N, 1UL << 61, ~(PTE_R | PTE_W | PTE_X),
	};
	static const unsigned long huge_base[4] = {
		0x80000000UL, 0xc0000000UL, 0x40000000UL, 0x100000000UL,
	};
	static const unsigned long huge_off[16] = {
		0, 0x200000, 0x400000, 0xe00000, 0x100000, 0x1000, 0x10000,
		0x10000000, 0x20000000, 0x40000000, 0x3fe00000, 0x800000,
		0x8000, 0x80000, 0x2000000, 0x60000000,
	};
	u8 k = get8(r);
	unsigned long pa;
	u64 v;

	switch (k % 8) {
	case 0:
		return 0;
	case 1:		/* pointer to a pool page (or just outside) */
		v = mk_pte(pool_page(dec_pidx(get8(r), 36, 2)), PTE_V);
		return v | dec_extra(r);
	case 2:		/* 4 KiB leaf */
		pa = dec_map(r);
		v = mk_pte(pa, dec_perm(r));
		return v | dec_extra(r);
	case 3:		/* AND/OR masks */
		return masks[get8(r) & 15];
	case 4:
		return get64(r);
	case 5:		/* not valid: swap and migration entries */
		return get64(r) & ~PTE_V;
	case 6:		/* huge leaf, aligned or off by a power of two */
		pa = huge_base[get8(r) & 3];
		pa += huge_off[get8(r) & 15];
		v = mk_pte(pa, dec_perm(r));
		return v | dec_extra(r);
	default:	/* NAPOT 64 KiB leaf: ppn[3:0] = 1000 */
		pa = (dec_map(r) & ~0xffffUL) + 0x8000;
		v = mk_pte(pa, dec_perm(r)) | PTE_N;
		return v | (get8(r) & 1 ? 0 : 1UL << 61);
	}
}

/* A PTE address: mostly entries of pool pages, colliding often */
static unsigned long dec_target(struct rd *r)
{
	u8 b = get8(r), e;
	unsigned long idx;

	if (b >= 0xc0) {
		if (b >= 0xf0)
			return get64(r) & ~7UL;
		return dec_addr(r) & ~7UL;
	}
	e = get8(r);
	if (e < 0x80) {
		idx = e % 8;
	} else if (e < 0xc0) {
		idx = 248 + e % 16;		/* around the kernel half */
	} else if (e < 0xf0) {
		idx = 504 + e % 8;
	} else {
		idx = get8(r);
		idx = (idx | (unsigned long)get8(r) << 8) % 512;
	}
	return pool_page(dec_pidx(b, 34, 1)) + idx * 8;
}

static unsigned int dec_op(struct rd *r)
{
	u8 b = get8(r);

	return b < 0xe0 ? b % 5 : 5 + b % 3;
}

/* The pool pages typed as kernel roots under construction */
static unsigned long kernel_roots(unsigned long *pages)
{
	unsigned long k, n = 0;

	for (k = 0; k < POOL_PAGES; k++)
		if (model.page[k].typed && model.page[k].kernel)
			pages[n++] = pool_page((long)k);
	return n;
}

/*
 * KERNEL_ADOPT's address: mostly a kernel root under construction (the
 * (w % 16)-th, page 0 if none), else a pool page, else an odd one
 */
static unsigned long dec_adopt(struct rd *r)
{
	unsigned long pages[POOL_PAGES], n;
	u8 w = get8(r);

	if (w < 0x80) {
		n = kernel_roots(pages);
		return n ? pages[(w & 15) % n] : pool_page(0);
	}
	if (w < 0xe0)
		return pool_page(dec_pidx(w, 36, 2));
	return dec_page(r);
}

/* The n-th valid writable entry in the model's typed tables, or -1 */
static long writable_entry(unsigned long n)
{
	unsigned long k, i, found = 0;
	long last = -1;
	u64 e;

	for (k = 0; k < POOL_PAGES; k++) {
		if (!model.page[k].typed)
			continue;
		for (i = 0; i < 512; i++) {
			e = model.pool[k * 512 + i];
			if ((e & (PTE_V | PTE_W)) != (PTE_V | PTE_W))
				continue;
			last = (long)(k * 512 + i);
			if (found++ == n)
				return last;
		}
	}
	return last;
}

/*
 * KERNEL_LOCK's range: where (< 0x40: the page a writable leaf maps, at
 * its start, else a dec_map() address), then a size (mostly 1-16 pages,
 * else an odd one)
 */
static void dec_lock_range(struct rd *r, unsigned long *pa,
			   unsigned long *size)
{
	static const unsigned long odd[8] = {
		0, 8, 0x200000, 0x10000, ~0UL & ~4095UL, 1UL << 32,
		256 * 4096, 0x1800,
	};
	u8 w = get8(r), sb;
	long e = w < 0x40 ? writable_entry(w) : -1;

	if (e >= 0) {
		*pa = (unsigned long)((model.pool[e] >> 10) &
				      ((1UL << 44) - 1)) << 12;
		if (model.pool[e] & PTE_N)	/* a NAPOT leaf's first page */
			*pa &= ~0xffffUL;
	} else {
		*pa = dec_map(r);
	}
	if (w & 1)	/* at its start, or a page into it */
		*pa += 4096 * (get8(r) & 15);
	sb = get8(r);
	*size = sb < 0xc0 ? (1 + sb % 16) * 4096UL : odd[sb & 7];
}

/* ---- machine */

static void setup(void)
{
	if (fake_mem_create(&fm, WIN_BASE, WIN_SIZE)) {
		fprintf(stderr, "cannot create the fake RAM\n");
		abort();
	}
	meta = fake_ptr(&fm, META_PA);
	fake_mem_protect(&fm, RAM1_END, RAM2 - RAM1_END, PROT_NONE);
	fake_mem_protect(&fm, RAM2_END, META_PA - RAM2_END, PROT_NONE);
	trace = getenv("PVMMU_FUZZ_TRACE") != NULL;
}

static void boot(u8 cfgb)
{
	const struct layout *l = &layouts[(cfgb >> 2) & 3];
	struct pvmmu_range ram[3] = {
		{ RAM0, RAM0_END - RAM0 }, { RAM1, RAM1_END - RAM1 },
		{ RAM2, RAM2_END - RAM2 },
	};
	unsigned long features = (cfgb & 3) |
				 (cfgb & 0x80 ? SBI_PVMMU_FEAT_SATP_LOCKED : 0);
	struct pvmmu_config cfg;
	struct model_machine mc;
	unsigned int i;
	int rc;

	pool_base = l->pool;
	fw_base = l->fw;
	fw_size = l->fw_size;
	/*
	 * The core's view: S-mode RAM read-only (it may write only into the
	 * caller's buffer, opened around each UPDATE), the firmware not
	 * there at all, the pool read-write.
	 */
	if (cur_layout != ((cfgb >> 2) & 3)) {
		cur_layout = (cfgb >> 2) & 3;
		fake_mem_protect(&fm, RAM0, RAM1_END - RAM0, PROT_READ);
		fake_mem_protect(&fm, RAM2, RAM2_END - RAM2, PROT_READ);
		fake_mem_protect(&fm, fw_base, fw_size, PROT_NONE);
		fake_mem_protect(&fm, pool_base, POOL_BYTES,
				 PROT_READ | PROT_WRITE);
	}

	/* S-mode RAM starts zero, the pool with junk init must clear */
	memset(fake_ptr(&fm, RAM0), 0, RAM1_END - RAM0);
	memset(fake_ptr(&fm, RAM2), 0, RAM2_END - RAM2);
	memset(fake_ptr(&fm, pool_base), 0xa5, POOL_BYTES);
	memset(meta, 0x5a, POOL_PAGES * sizeof(u32));

	cfg = (struct pvmmu_config){
		.phys_offset = fake_core_offset(&fm),
		.ram = ram,
		.ram_count = 3,
		.fw = { fw_base, fw_size },
		.mmio = mmio,
		.mmio_count = array_size(mmio),
		.pool_base = pool_base,
		.pool_size = POOL_BYTES,
		.features = features,
		.hart_mask = hart_masks[(cfgb >> 4) & 7],
		.meta = fake_core_ptr(&fm, META_PA),
		.meta_entries = POOL_PAGES,
	};
	rc = pvmmu_init(&st, &cfg);
	if (rc) {
		fprintf(stderr, "pvmmu_init: %d\n", rc);
		abort();
	}

	memset(&mc, 0, sizeof(mc));
	mc.view = fake_alias_offset(&fm);
	mc.ram[0] = (struct model_range){ RAM0, RAM0_END - RAM0 };
	mc.ram[1] = (struct model_range){ RAM1, RAM1_END - RAM1 };
	mc.ram[2] = (struct model_range){ RAM2, RAM2_END - RAM2 };
	mc.ram_count = 3;
	mc.fw = (struct model_range){ fw_base, fw_size };
	for (i = 0; i < array_size(mmio); i++)
		mc.mmio[i] = (struct model_range){ mmio[i].base, mmio[i].size };
	mc.mmio_count = array_size(mmio);
	mc.pool_base = pool_base;
	mc.pool_pages = POOL_PAGES;
	mc.features = features;
	mc.hart_mask = hart_masks[(cfgb >> 4) & 7];
	mc.meta = meta;
	/* no watch windows: stray writes into S-mode RAM fault instead */
	if (model_init(&model, &mc)) {
		fprintf(stderr, "cannot allocate the model\n");
		abort();
	}
	model.quiet = 30;
	/* init: every pool page free and zero, every counter zero */
	if (model_check(&model, &st)) {
		fprintf(stderr, "state after pvmmu_init is wrong\n");
		abort();
	}
}

static void do_call(unsigned long hart, unsigned long fid, unsigned long a0,
		    unsigned long a1, unsigned long a2)
{
	const struct model_range *text = &model.locked[SBI_PVMMU_LOCK_TEXT];
	unsigned long v, buf = 0, len = SHMEM_BYTES;
	long rc;

	/*
	 * Only the caller's registered buffer is writable for the core, or
	 * for TEXT_POKE the locked text
	 */
	if (fid == SBI_PVMMU_UPDATE && hart < MODEL_HARTS &&
	    model.shmem_set[hart]) {
		buf = model.shmem[hart];
	} else if (fid == SBI_PVMMU_TEXT_POKE && text->size) {
		buf = text->base;
		len = text->size;
	}
	if (buf)
		fake_mem_protect(&fm, buf, len, PROT_READ | PROT_WRITE);
	rc = model_call(&model, &st, hart, fid, a0, a1, a2, &v);
	if (buf)
		fake_mem_protect(&fm, buf, len, PROT_READ);
	if (trace)
		printf("h%lu f%lu %#lx %#lx %#lx -> %ld %#lx\n", hart, fid, a0,
		       a1, a2, rc, v);
	model_check(&model, &st);
	if (model.errors) {
		model_dump_log(&model);
		fflush(stdout);		/* abort() would lose it in a pipe */
		fprintf(stderr, "pvmmu fuzz: the reference model disagrees\n");
		abort();
	}
}

/* One of the glue's direct calls (satp, hart stop, counters, fence) */
static void do_glue(unsigned long hart, unsigned long fn, unsigned long arg)
{
	long rc = model_glue(&model, &st, hart, fn, arg);

	if (trace)
		printf("h%lu glue %#lx %#lx -> %ld\n", hart, fn, arg, rc);
	model_check(&model, &st);
	if (model.errors) {
		model_dump_log(&model);
		fflush(stdout);		/* abort() would lose it in a pipe */
		fprintf(stderr, "pvmmu fuzz: the reference model disagrees\n");
		abort();
	}
}

/* S-mode fills its buffer; only where the model says it is registered */
static void fill_entries(struct rd *r, unsigned long hart, unsigned long count)
{
	struct sbi_pvmmu_entry *e = NULL;
	unsigned long i, n = count;
	unsigned long target;
	struct rd rec, t;
	unsigned int op;

	if (n > PVMMU_MAX_BATCH)
		n = PVMMU_MAX_BATCH;
	if (hart < MODEL_HARTS && model.shmem_set[hart])
		e = fake_ptr(&fm, model.shmem[hart]);
	for (i = 0; i < n; i++) {
		rec = take(r, REC);
		t = take(&rec, 8);
		target = dec_target(&t);
		op = dec_op(&rec);
		if (e) {
			e[i].target = target | op;
			e[i].value = dec_value(&rec);
			e[i].old = 0x0dd0dd0dd0dd0ddUL;
		}
	}
}

/*
 * S-mode writes its kernel root: the one SET_KERNEL_ROOT named, or KR; an
 * adopted one is in the pool, which S-mode cannot write (PMP): KR then
 */
static void kernel_write(struct rd *r)
{
	unsigned long kr = model.kroot ? (unsigned long)(model.kroot & ~4095UL)
				       : KR;

	if (kr >= pool_base && kr < pool_base + POOL_BYTES)
		kr = KR;
	unsigned long idx = get8(r);
	u64 v;

	idx = (idx | (unsigned long)get8(r) << 8) % 512;
	v = dec_value(r);
	if (idx < 256 && (idx & 1))
		idx += 256;	/* mostly the kernel half */
	*(u64 *)fake_ptr(&fm, kr + idx * 8) = v;
}

static void walker(struct rd *r)
{
	struct rd t = take(r, 8);
	unsigned long pa = dec_target(&t);
	bool dirty = get8(r) & 1;

	/* The walker only touches live tables' S-mode entries */
	if (!model_page_typed(&model, pa) || (pa & 7))
		return;
	if (model.page[(pa - pool_base) >> 12].root && (pa & 4095) >= 2048)
		return;
	model_walker_ad(&model, pa, dirty);
}

/* satp of the kernel root's paging mode (Sv39 if none) for @pa */
static unsigned long satp_for(unsigned long pa, unsigned long asid)
{
	unsigned long levels = model.kroot ? (unsigned long)(model.kroot & 7)
					   : 3;

	return (5 + levels) << 60 | (asid & 0xffff) << 44 |
	       ((pa >> 12) & ((1UL << 44) - 1));
}

/* A head start: buffers, a kernel root, a chain of tables (byte 1) */
static void prologue(u8 p)
{
	unsigned long h, h0 = MODEL_HARTS, top, k, level;
	struct sbi_pvmmu_entry *e;

	for (h = 0; h < MODEL_HARTS; h++) {
		if (!((model.mc.hart_mask >> h) & 1))
			continue;
		if (h0 == MODEL_HARTS)
			h0 = h;
		if (p & 1)
			do_call(h, SBI_PVMMU_SET_SHMEM, SLOT(h), 0, 0);
	}
	if (h0 == MODEL_HARTS)
		return;
	/* tables need the root level, known from SET_KERNEL_ROOT on */
	top = (p & 6) ? ((p >> 1) & 3) + 1 : 4;
	if (p & 0xe)
		do_call(h0, SBI_PVMMU_SET_KERNEL_ROOT, KR, top + 1, 0);
	if (!(p & 8))
		return;
	/* page k at level top - k (page 0 the root), the last ones at 0 */
	for (k = 0; k < 8; k++) {
		level = k < top ? top - k : 0;
		do_call(h0, SBI_PVMMU_PT_REGISTER, pool_page((long)k), level,
			k ? 0 : (p & 0x40) ? SBI_PVMMU_PT_ROOT |
					     SBI_PVMMU_PT_KERNEL :
					     SBI_PVMMU_PT_ROOT);
	}
	if (p & 0x10)
		do_glue(h0, MODEL_GLUE_SATP_LOAD, satp_for(pool_page(0), h0));
	if (p & 0x20) {
		do_call(h0, SBI_PVMMU_PT_REGISTER, pool_page(8), top,
			SBI_PVMMU_PT_ROOT);
		for (h = h0 + 1; h < MODEL_HARTS; h++)
			if ((model.mc.hart_mask >> h) & 1)
				do_glue(h, MODEL_GLUE_SATP_LOAD,
					satp_for(pool_page(8), h));
	}
	if (!model.shmem_set[h0])
		return;
	e = fake_ptr(&fm, model.shmem[h0]);
	for (k = 0; k < top; k++) {
		/* a kernel root's chain in its kernel half */
		e[k].target = pool_page((long)k) + (!k && (p & 0x40) ? 2048 : 0);
		e[k].value = mk_pte(pool_page((long)k + 1), PTE_V);
	}
	do_call(h0, SBI_PVMMU_UPDATE, top, 0, 0);
	do_glue(h0, MODEL_GLUE_TAKE_FENCE, 0);
	if ((p & 0xc0) == 0xc0)
		do_call(h0, SBI_PVMMU_KERNEL_ADOPT, pool_page(0), 0, 0);
}

/*
 * UPDATE's first: mostly 0, else small, around count, or hostile
 */
static unsigned long dec_first(struct rd *r, unsigned long count)
{
	static const unsigned long odd[4] = {
		~0UL, 1UL << 32, PVMMU_MAX_BATCH - 1, PVMMU_MAX_BATCH,
	};
	u8 b = get8(r);

	if (b < 0x80)
		return 0;
	if (b < 0xc0)
		return b % 8;
	if (b < 0xe0)		/* the last entries (wraps when count < 4) */
		return count - 1 - b % 4;
	if (b < 0xf0)
		return count + b % 4;
	return odd[b & 3];
}

/*
 * A satp value: what (pool page, a registered root, the kernel root, an
 * address, or all 64 bits raw), then MODE (mostly the kernel root's) and
 * ASID
 */
static unsigned long dec_satp(struct rd *r)
{
	u8 w = get8(r), mb;
	unsigned long pa, k, n = 0, roots[POOL_PAGES], asid;

	if (w < 0x80) {
		pa = pool_page(dec_pidx(w, 36, 2));
	} else if (w < 0xc0) {
		/* the (w % 16)-th root the model knows of */
		for (k = 0; k < POOL_PAGES; k++)
			if (model.page[k].typed && model.page[k].root)
				roots[n++] = pool_page((long)k);
		pa = n ? roots[(w & 15) % n] : KR;
	} else if (w < 0xe0) {
		pa = model.kroot ? (unsigned long)(model.kroot & ~4095UL) : KR;
	} else if (w < 0xf0) {
		pa = dec_addr(r);
	} else {
		return get64(r);
	}
	mb = get8(r);
	asid = get8(r);
	asid |= (unsigned long)get8(r) << 8;
	if (mb < 0xc0)
		return satp_for(pa, asid);
	/* any other MODE, Bare included */
	return (satp_for(pa, asid) & ~(15UL << 60)) |
	       (unsigned long)(mb & 15) << 60;
}

/* Things the glue does besides emulating satp */
static void glue_event(struct rd *r, unsigned long hart)
{
	unsigned long h, counter;
	u8 kind = get8(r);

	switch (kind % 4) {
	case 0:
		do_glue(hart, MODEL_GLUE_HART_STOPPED, 0);
		break;
	case 1:
		/* pvmmu_count() takes an unsigned int */
		counter = (unsigned int)dec_small(r, 14);
		do_glue(hart, MODEL_GLUE_COUNT, counter);
		break;
	case 2:
		do_glue(hart, MODEL_GLUE_TAKE_FENCE, 0);
		break;
	default:
		for (h = 0; h < MODEL_HARTS; h++)
			do_glue(h, MODEL_GLUE_HART_STOPPED, 0);
		break;
	}
}

/*
 * TEXT_SITES: count (1-8), then per site a step (site += 4 * (step %
 * 16), so repeats too) and a target delta (an int8, so odd and
 * out-of-text targets too); then the array at SITES_PA (or, < 0x10, a
 * dec_map() address)
 */
static void text_sites(struct rd *r, unsigned long hart)
{
	struct sbi_pvmmu_text_site *a = fake_ptr(&fm, SITES_PA);
	u8 n = get8(r) % 8 + 1, i, step;
	u32 site = 0;
	int8_t delta;

	for (i = 0; i < n; i++) {
		step = get8(r);
		delta = (int8_t)get8(r);
		site += 4 * (step % 16);
		a[i].site = site;
		a[i].target = site + delta;
	}
	do_call(hart, SBI_PVMMU_TEXT_SITES,
		get8(r) < 0x10 ? dec_map(r) : SITES_PA, n, 0);
}

/*
 * Before KERNEL_LOCK TEXT of [base, base + size): S-mode writes each
 * given site's nop (or its jal) there, as a kernel writes its image;
 * only into plain S-mode RAM of RAM0/RAM1
 */
static void prime_sites(unsigned long base, unsigned long size, bool jal)
{
	const struct sbi_pvmmu_text_site *t;
	unsigned long i;

	if (base < RAM0 || base >= RAM1_END || size > RAM1_END - base ||
	    size < 4 || (base < pool_base + POOL_BYTES &&
			 pool_base < base + size) ||
	    (base < fw_base + fw_size && fw_base < base + size))
		return;
	for (i = 0; i < model.ngiven; i++) {
		t = &model.sites[i];
		if (t->site <= size - 4)
			*(u32 *)fake_ptr(&fm, base + t->site) = jal ?
				sbi_pvmmu_insn_jal_x0((long)t->target -
						      (long)t->site) :
				SBI_PVMMU_INSN_NOP;
	}
}

/*
 * TEXT_POKE: where (< 0xc0 with sites given: site where % count, plus 2
 * if bit 0; else a dec_map() address), then what (0-2 nop, 3-5 the site's
 * jal, 6 a jal elsewhere, 7 any 32 or 64 bits)
 */
static void text_poke(struct rd *r, unsigned long hart)
{
	u8 w = get8(r), what = get8(r), idx = get8(r);
	const struct sbi_pvmmu_text_site *s = NULL;
	unsigned long pa, insn;

	if (model.nsites && w < 0xc0) {
		s = &model.sites[idx % model.nsites];
		pa = model.locked[SBI_PVMMU_LOCK_TEXT].base + s->site +
		     (w & 1) * 2;
	} else {
		pa = dec_map(r);
	}
	switch (what % 8) {
	case 0:
	case 1:
	case 2:
		insn = SBI_PVMMU_INSN_NOP;
		break;
	case 3:
	case 4:
	case 5:
		insn = s ? sbi_pvmmu_insn_jal_x0((long)s->target - (long)s->site)
			 : SBI_PVMMU_INSN_JAL_X0;
		break;
	case 6:
		insn = sbi_pvmmu_insn_jal_x0(2 * (long)(int8_t)get8(r));
		break;
	default:
		insn = what & 0x80 ? get64(r) : (u32)get64(r);
		break;
	}
	do_call(hart, SBI_PVMMU_TEXT_POKE, pa, insn, 0);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct rd r = { data, size }, q;
	unsigned long hart, fid, a0, a1, a2, h, calls = 0;
	u8 op;

	if (!fm.mem)
		setup();
	boot(get8(&r));
	prologue(get8(&r));
	while (r.n && calls++ < MAX_CALLS) {
		q = take(&r, REC);
		op = get8(&q) % 15;
		hart = dec_hart(&q);
		switch (op) {
		case 0:
			a0 = dec_small(&q, 7);
			do_call(hart, SBI_PVMMU_GET_INFO, a0, 0, 0);
			break;
		case 1:
			a0 = dec_addr(&q);
			a1 = dec_small(&q, 1);
			a2 = dec_small(&q, 1);
			/* the disable pair -1/-1 */
			if (a0 == ~0UL - 63 && a1 == 0)
				a0 = a1 = ~0UL;
			do_call(hart, SBI_PVMMU_SET_SHMEM, a0, a1, a2);
			break;
		case 2:
			a0 = dec_addr(&q);
			do_call(hart, SBI_PVMMU_SET_KERNEL_ROOT, a0,
				dec_small(&q, 7), 0);
			break;
		case 3:
			a0 = dec_page(&q);
			a1 = dec_small(&q, 6);
			do_call(hart, SBI_PVMMU_PT_REGISTER, a0, a1,
				dec_small(&q, 4));
			break;
		case 4:
			do_call(hart, SBI_PVMMU_PT_RELEASE, dec_page(&q), 0, 0);
			break;
		case 5:
			a0 = dec_count(&q);
			a1 = dec_first(&q, a0);
			fid = get8(&q) < 0x80;
			fill_entries(&r, hart, a0);
			do_call(hart, SBI_PVMMU_UPDATE, a0, a1, 0);
			if (fid)
				do_glue(hart, MODEL_GLUE_TAKE_FENCE, 0);
			break;
		case 6:
			a0 = dec_small(&q, 13);	/* 12: the first bad one */
			a1 = (get8(&q) & 1) ? ~0UL : dec_hart(&q);
			do_call(hart, SBI_PVMMU_STATS, a0, a1, 0);
			break;
		case 7:
			fid = dec_small(&q, 9);
			a0 = get64(&q);
			a1 = get64(&q);
			a2 = get64(&q);
			do_call(hart, fid, a0, a1, a2);
			break;
		case 8:
			kernel_write(&q);
			break;
		case 9:
			walker(&q);
			break;
		case 10:
			do_glue(hart, MODEL_GLUE_SATP_LOAD, dec_satp(&q));
			break;
		case 11:
			glue_event(&q, hart);
			break;
		case 12:
			a0 = dec_adopt(&q);
			/* the glue wants every other hart stopped */
			if (get8(&q) < 0x80)
				for (h = 0; h < MODEL_HARTS; h++)
					if (h != hart)
						do_glue(h,
							MODEL_GLUE_HART_STOPPED,
							0);
			do_call(hart, SBI_PVMMU_KERNEL_ADOPT, a0, 0, 0);
			break;
		case 13:
			a0 = dec_small(&q, 3);
			dec_lock_range(&q, &a1, &a2);
			fid = get8(&q);		/* prime */
			if (a0 == SBI_PVMMU_LOCK_TEXT && fid < 0xc0)
				prime_sites(a1, a2, fid & 1);
			do_call(hart, SBI_PVMMU_KERNEL_LOCK, a0, a1, a2);
			break;
		default:
			if (get8(&q) < 0x40)
				text_sites(&q, hart);
			else
				text_poke(&q, hart);
			break;
		}
	}
	model_free(&model);
	return 0;
}
