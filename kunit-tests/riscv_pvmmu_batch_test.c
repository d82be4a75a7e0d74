// SPDX-License-Identifier: GPL-2.0-only
/*
 * riscv_pvmmu_batch: KUnit checks of pvmmu's lazy-MMU queue.
 *
 * Most cases swap the backend for a recorder that logs every submission
 * (and applies it natively to plain memory), so the queue's decisions are
 * visible call by call: order, flush on full / leave / sync op, the
 * interrupt bypass, nesting, error propagation, batch size 1. The last
 * case runs the same sequence batched and unbatched on the real firmware
 * and compares the page tables.
 */

#include <kunit/test.h>
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/pvmmu.h>
#include <asm/sbi.h>

#include "../pvmmu.h"

#define REC_MAX_CALLS	32
/* Entries kept per recorded call; the checks look at the first few. */
#define REC_MAX_ENTRIES	16

struct rec_call {
	unsigned int nr;
	bool in_irq;
	struct sbi_pvmmu_entry entries[REC_MAX_ENTRIES];
};

static struct {
	struct rec_call calls[REC_MAX_CALLS];
	unsigned int ncalls;
	int fail_call;		/* submission that fails, or -1 */
	unsigned int fail_index;
} rec;

static long rec_submit(struct sbi_pvmmu_entry *batch, unsigned int nr,
		       unsigned int first, unsigned int *applied)
{
	struct rec_call *call;
	unsigned int n = nr - first;
	long error = 0;

	if (rec.ncalls < REC_MAX_CALLS) {
		call = &rec.calls[rec.ncalls];
		call->nr = n;
		call->in_irq = in_interrupt();
		memcpy(call->entries, batch + first,
		       min(n, REC_MAX_ENTRIES) * sizeof(*batch));
	}
	if (rec.fail_call == rec.ncalls && rec.fail_index < n) {
		n = rec.fail_index;
		error = SBI_ERR_INVALID_PARAM;
	}
	rec.ncalls++;
	if (n)
		pvmmu_native_ops.submit(batch, first + n, first, applied);
	*applied = n;
	return error;
}

static int rec_register(phys_addr_t pa, unsigned int level, bool root)
{
	return 0;
}

static int rec_release(phys_addr_t pa)
{
	return 0;
}

static const struct pvmmu_mmu_ops recorder_ops = {
	.name		= "recorder",
	.submit		= rec_submit,
	.register_table	= rec_register,
	.release_table	= rec_release,
};

struct batch_ctx {
	const struct pvmmu_mmu_ops *saved_ops;
	unsigned int saved_batch;
	unsigned long *table;		/* plain memory for the recorder */
};

static int batch_init(struct kunit *test)
{
	struct batch_ctx *ctx;

	if (!pvmmu_active())
		kunit_skip(test, "pvmmu is not active");
	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->table = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->table);
	memset(&rec, 0, sizeof(rec));
	rec.fail_call = -1;
	ctx->saved_batch = pvmmu_batch;
	pvmmu_batch = PVMMU_QUEUE_MAX;
	ctx->saved_ops = pvmmu_set_backend(&recorder_ops);
	test->priv = ctx;
	return 0;
}

static void batch_exit(struct kunit *test)
{
	struct batch_ctx *ctx = test->priv;

	if (!ctx)
		return;
	pvmmu_set_backend(ctx->saved_ops);
	pvmmu_batch = ctx->saved_batch;
}

static u64 target(unsigned long *entry, unsigned int op)
{
	return __pa(entry) | op;
}

static void queue_stores(unsigned long *table, unsigned int first,
			 unsigned int n)
{
	unsigned int i;

	for (i = first; i < first + n; i++)
		pvmmu_queue(PVMMU_HOOK_BENCH, &table[i], SBI_PVMMU_OP_STORE,
			    0x1000 + i);
}

static void batch_queue_order(struct kunit *test)
{
	struct batch_ctx *ctx = test->priv;
	unsigned int i;

	pvmmu_lazy_enter();
	queue_stores(ctx->table, 0, 10);
	KUNIT_EXPECT_EQ(test, rec.ncalls, 0U);
	KUNIT_EXPECT_EQ(test, ctx->table[0], 0UL);	/* not applied yet */
	pvmmu_lazy_leave();

	KUNIT_ASSERT_EQ(test, rec.ncalls, 1U);
	KUNIT_ASSERT_EQ(test, rec.calls[0].nr, 10U);
	for (i = 0; i < 10; i++) {
		KUNIT_EXPECT_EQ(test, rec.calls[0].entries[i].target,
				target(&ctx->table[i], SBI_PVMMU_OP_STORE));
		KUNIT_EXPECT_EQ(test, rec.calls[0].entries[i].value, 0x1000ULL + i);
		KUNIT_EXPECT_EQ(test, ctx->table[i], 0x1000UL + i);
	}
}

static void batch_flush_on_full(struct kunit *test)
{
	struct batch_ctx *ctx = test->priv;
	struct pvmmu_cpu_stats before, after;

	pvmmu_batch = 4;
	pvmmu_sum_cpu_stats(&before);
	pvmmu_lazy_enter();
	queue_stores(ctx->table, 0, 10);
	KUNIT_EXPECT_EQ(test, rec.ncalls, 2U);
	pvmmu_lazy_leave();
	pvmmu_sum_cpu_stats(&after);

	KUNIT_ASSERT_EQ(test, rec.ncalls, 3U);
	KUNIT_EXPECT_EQ(test, rec.calls[0].nr, 4U);
	KUNIT_EXPECT_EQ(test, rec.calls[1].nr, 4U);
	KUNIT_EXPECT_EQ(test, rec.calls[2].nr, 2U);
	KUNIT_EXPECT_EQ(test, after.flushes[PVMMU_FLUSH_FULL] -
			before.flushes[PVMMU_FLUSH_FULL], 2UL);
	KUNIT_EXPECT_EQ(test, after.flushes[PVMMU_FLUSH_LEAVE] -
			before.flushes[PVMMU_FLUSH_LEAVE], 1UL);
	KUNIT_EXPECT_EQ(test, ctx->table[9], 0x1009UL);
}

static void batch_flush_explicit(struct kunit *test)
{
	struct batch_ctx *ctx = test->priv;

	pvmmu_lazy_enter();
	queue_stores(ctx->table, 0, 3);
	pvmmu_lazy_flush();
	KUNIT_EXPECT_EQ(test, rec.ncalls, 1U);
	KUNIT_EXPECT_EQ(test, ctx->table[2], 0x1002UL);
	queue_stores(ctx->table, 3, 1);
	pvmmu_lazy_leave();
	KUNIT_ASSERT_EQ(test, rec.ncalls, 2U);
	KUNIT_EXPECT_EQ(test, rec.calls[1].nr, 1U);
}

/* An op that needs its result flushes the queue, then goes alone. */
static void batch_flush_before_sync_op(struct kunit *test)
{
	struct batch_ctx *ctx = test->priv;
	unsigned long old;

	ctx->table[20] = 0x77;
	pvmmu_lazy_enter();
	queue_stores(ctx->table, 0, 3);
	old = pvmmu_update(PVMMU_HOOK_BENCH, &ctx->table[20], SBI_PVMMU_OP_XCHG, 5);
	KUNIT_EXPECT_EQ(test, old, 0x77UL);
	KUNIT_ASSERT_EQ(test, rec.ncalls, 2U);
	KUNIT_EXPECT_EQ(test, rec.calls[0].nr, 3U);
	KUNIT_EXPECT_EQ(test, rec.calls[1].nr, 1U);
	KUNIT_EXPECT_EQ(test, rec.calls[1].entries[0].target,
			target(&ctx->table[20], SBI_PVMMU_OP_XCHG));
	pvmmu_lazy_leave();
	KUNIT_EXPECT_EQ(test, rec.ncalls, 2U);
}

/*
 * Exchanges whose old value cannot change (invalid, or young and dirty or
 * read-only) are deferred with the value read; others go at once. A
 * queued write to the same entry is flushed first, so the value is fresh.
 */
static void batch_deferred_exchange(struct kunit *test)
{
	struct batch_ctx *ctx = test->priv;
	unsigned long final = _PAGE_PRESENT | _PAGE_READ | _PAGE_WRITE |
			      _PAGE_ACCESSED | _PAGE_DIRTY | (0x123UL << 10);
	unsigned long clean = final & ~(unsigned long)_PAGE_DIRTY;
	struct pvmmu_cpu_stats before, after;

	ctx->table[0] = final;
	ctx->table[1] = clean;
	pvmmu_sum_cpu_stats(&before);
	pvmmu_lazy_enter();
	KUNIT_EXPECT_EQ(test, pvmmu_clear(PVMMU_HOOK_BENCH, &ctx->table[0], false), final);
	KUNIT_EXPECT_EQ(test, rec.ncalls, 0U);		/* deferred */
	KUNIT_EXPECT_EQ(test, pvmmu_clear(PVMMU_HOOK_BENCH, &ctx->table[1], false), clean);
	KUNIT_EXPECT_EQ(test, rec.ncalls, 2U);		/* queue, then sync */

	pvmmu_queue(PVMMU_HOOK_BENCH, &ctx->table[2], SBI_PVMMU_OP_STORE, final);
	KUNIT_EXPECT_EQ(test, pvmmu_clear(PVMMU_HOOK_BENCH, &ctx->table[2], false), final);
	pvmmu_lazy_leave();
	pvmmu_sum_cpu_stats(&after);

	KUNIT_EXPECT_EQ(test, ctx->table[0], 0UL);
	KUNIT_EXPECT_EQ(test, ctx->table[1], 0UL);
	KUNIT_EXPECT_EQ(test, ctx->table[2], 0UL);
	KUNIT_EXPECT_EQ(test, after.mispredicted, before.mispredicted);
}

struct irq_probe {
	struct hrtimer timer;
	unsigned long *entry;
	bool fired;
};

static enum hrtimer_restart irq_write(struct hrtimer *timer)
{
	struct irq_probe *p = container_of(timer, struct irq_probe, timer);

	pvmmu_queue(PVMMU_HOOK_BENCH, p->entry, SBI_PVMMU_OP_STORE, 0xabc);
	WRITE_ONCE(p->fired, true);
	return HRTIMER_NORESTART;
}

/* An interrupt writing a page table bypasses (after flushing) the queue. */
static void batch_interrupt_bypass(struct kunit *test)
{
	struct batch_ctx *ctx = test->priv;
	struct pvmmu_cpu_stats before, after;
	struct irq_probe p = { .entry = &ctx->table[30] };
	ktime_t deadline;

	hrtimer_init(&p.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	p.timer.function = irq_write;
	pvmmu_sum_cpu_stats(&before);
	pvmmu_lazy_enter();
	queue_stores(ctx->table, 0, 2);
	hrtimer_start(&p.timer, ns_to_ktime(50 * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_PINNED_HARD);
	/* Preemption is off in the section: wait for the timer by spinning. */
	deadline = ktime_add_ms(ktime_get(), 1000);
	while (!READ_ONCE(p.fired) && ktime_before(ktime_get(), deadline))
		cpu_relax();
	pvmmu_lazy_leave();
	hrtimer_cancel(&p.timer);
	pvmmu_sum_cpu_stats(&after);

	KUNIT_ASSERT_TRUE(test, READ_ONCE(p.fired));
	KUNIT_ASSERT_EQ(test, rec.ncalls, 2U);
	KUNIT_EXPECT_EQ(test, rec.calls[0].nr, 2U);	/* the interrupted queue */
	KUNIT_EXPECT_TRUE(test, rec.calls[0].in_irq);
	KUNIT_EXPECT_EQ(test, rec.calls[1].nr, 1U);	/* the interrupt's write */
	KUNIT_EXPECT_TRUE(test, rec.calls[1].in_irq);
	KUNIT_EXPECT_EQ(test, ctx->table[30], 0xabcUL);
	KUNIT_EXPECT_EQ(test, after.irq_bypass - before.irq_bypass, 1UL);
}

/* Nesting is detected, counted, and the outer leave still flushes. */
static void batch_nesting_detected(struct kunit *test)
{
	struct batch_ctx *ctx = test->priv;
	struct pvmmu_cpu_stats before, after;

	pvmmu_sum_cpu_stats(&before);
	pvmmu_lazy_enter();
	pvmmu_lazy_enter();
	queue_stores(ctx->table, 0, 2);
	pvmmu_lazy_leave();
	KUNIT_EXPECT_EQ(test, rec.ncalls, 0U);
	queue_stores(ctx->table, 2, 1);
	pvmmu_lazy_leave();
	pvmmu_sum_cpu_stats(&after);

	KUNIT_EXPECT_EQ(test, after.nested - before.nested, 1UL);
	KUNIT_ASSERT_EQ(test, rec.ncalls, 1U);
	KUNIT_EXPECT_EQ(test, rec.calls[0].nr, 3U);
}

/* A rejected deferred entry is reported; the entries after it still land. */
static void batch_error_propagation(struct kunit *test)
{
	struct batch_ctx *ctx = test->priv;
	struct pvmmu_cpu_stats before, after;

	rec.fail_call = 0;
	rec.fail_index = 2;
	pvmmu_sum_cpu_stats(&before);
	pvmmu_lazy_enter();
	queue_stores(ctx->table, 0, 5);
	pvmmu_lazy_leave();
	pvmmu_sum_cpu_stats(&after);

	KUNIT_EXPECT_EQ(test, after.failures - before.failures, 1UL);
	KUNIT_ASSERT_EQ(test, rec.ncalls, 2U);
	KUNIT_EXPECT_EQ(test, rec.calls[0].nr, 5U);
	KUNIT_EXPECT_EQ(test, rec.calls[1].nr, 2U);
	KUNIT_EXPECT_EQ(test, rec.calls[1].entries[0].target,
			target(&ctx->table[3], SBI_PVMMU_OP_STORE));
	KUNIT_EXPECT_EQ(test, ctx->table[1], 0x1001UL);
	KUNIT_EXPECT_EQ(test, ctx->table[2], 0UL);	/* rejected */
	KUNIT_EXPECT_EQ(test, ctx->table[3], 0x1003UL);
	KUNIT_EXPECT_EQ(test, ctx->table[4], 0x1004UL);
}

/* Batch size 1: call for call what happens outside lazy mode. */
static void batch_size_one_is_unbatched(struct kunit *test)
{
	struct batch_ctx *ctx = test->priv;
	unsigned int lazy_calls, i;

	pvmmu_batch = 1;
	pvmmu_lazy_enter();
	queue_stores(ctx->table, 0, 5);
	pvmmu_queue_entries(PVMMU_HOOK_BENCH, &ctx->table[8], 3,
			    SBI_PVMMU_OP_STORE, 0x2000, 1);
	pvmmu_lazy_leave();
	lazy_calls = rec.ncalls;

	rec.ncalls = 0;
	queue_stores(ctx->table, 0, 5);
	pvmmu_queue_entries(PVMMU_HOOK_BENCH, &ctx->table[8], 3,
			    SBI_PVMMU_OP_STORE, 0x2000, 1);

	KUNIT_EXPECT_EQ(test, lazy_calls, 8U);
	KUNIT_EXPECT_EQ(test, rec.ncalls, 8U);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, rec.calls[i].nr, 1U);
}

/* One sequence of hook operations on a pool table. */
static void run_sequence(unsigned long *t, unsigned long leaf)
{
	pte_t *p = (pte_t *)t;
	int i;

	pvmmu_lazy_enter();
	set_ptes(&init_mm, 0, p, __pte(leaf), 64);
	wrprotect_ptes(&init_mm, 0, p + 8, 16);
	for (i = 0; i < 8; i++)
		ptep_get_and_clear(&init_mm, 0, p + i);
	clear_full_ptes(&init_mm, 0, p + 40, 8, 0);
	for (i = 48; i < 56; i++)
		pvmmu_queue(PVMMU_HOOK_BENCH, p + i, SBI_PVMMU_OP_STORE_KEEP_AD,
			    leaf & ~(unsigned long)_PAGE_WRITE);
	set_ptes(&init_mm, 0, p + 100, __pte(leaf), 20);
	pvmmu_lazy_leave();
}

/* On the firmware: batched and unbatched give the same page tables. */
static void batch_matches_unbatched_on_firmware(struct kunit *test)
{
	struct batch_ctx *ctx = test->priv;
	struct pvmmu_cpu_stats s0, s1, s2;
	struct ptdesc *a, *b;
	struct page *page;
	unsigned long leaf;
	int i;

	pvmmu_set_backend(ctx->saved_ops);
	page = alloc_pages(GFP_KERNEL, 7);
	KUNIT_ASSERT_NOT_NULL(test, page);
	leaf = pte_val(pfn_pte(page_to_pfn(page), PAGE_SHARED)) |
	       _PAGE_ACCESSED | _PAGE_DIRTY;
	a = pvmmu_alloc_table(current->mm, 0);
	b = pvmmu_alloc_table(current->mm, 0);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);

	pvmmu_sum_cpu_stats(&s0);
	pvmmu_batch = PVMMU_QUEUE_MAX;
	run_sequence(ptdesc_address(a), leaf);
	pvmmu_sum_cpu_stats(&s1);
	pvmmu_batch = 1;
	run_sequence(ptdesc_address(b), leaf);
	pvmmu_sum_cpu_stats(&s2);

	KUNIT_EXPECT_EQ(test, memcmp(ptdesc_address(a), ptdesc_address(b),
				     PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, s1.failures, s0.failures);
	KUNIT_EXPECT_EQ(test, s2.failures, s1.failures);
	KUNIT_EXPECT_EQ(test, s1.mispredicted, s0.mispredicted);
	kunit_info(test, "batched: %lu calls, unbatched: %lu calls\n",
		   s1.sbi_calls - s0.sbi_calls, s2.sbi_calls - s1.sbi_calls);
	KUNIT_EXPECT_LT(test, (s1.sbi_calls - s0.sbi_calls) * 10,
			s2.sbi_calls - s1.sbi_calls);

	for (i = 0; i < PTRS_PER_PTE; i++) {
		pte_clear(&init_mm, 0, (pte_t *)ptdesc_address(a) + i);
		pte_clear(&init_mm, 0, (pte_t *)ptdesc_address(b) + i);
	}
	KUNIT_EXPECT_TRUE(test, pvmmu_free_table(a));
	KUNIT_EXPECT_TRUE(test, pvmmu_free_table(b));
	__free_pages(page, 7);
}

static struct kunit_case riscv_pvmmu_batch_cases[] = {
	KUNIT_CASE(batch_queue_order),
	KUNIT_CASE(batch_flush_on_full),
	KUNIT_CASE(batch_flush_explicit),
	KUNIT_CASE(batch_flush_before_sync_op),
	KUNIT_CASE(batch_deferred_exchange),
	KUNIT_CASE(batch_interrupt_bypass),
	KUNIT_CASE(batch_nesting_detected),
	KUNIT_CASE(batch_error_propagation),
	KUNIT_CASE(batch_size_one_is_unbatched),
	KUNIT_CASE(batch_matches_unbatched_on_firmware),
	{}
};

static struct kunit_suite riscv_pvmmu_batch_suite = {
	.name = "riscv_pvmmu_batch",
	.init = batch_init,
	.exit = batch_exit,
	.test_cases = riscv_pvmmu_batch_cases,
};

kunit_test_suite(riscv_pvmmu_batch_suite);

MODULE_DESCRIPTION("KUnit tests of pvmmu's lazy-MMU batching");
MODULE_LICENSE("GPL");
