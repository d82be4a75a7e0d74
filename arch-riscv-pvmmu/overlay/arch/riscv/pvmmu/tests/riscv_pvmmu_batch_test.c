// SPDX-License-Identifier: GPL-2.0-only
/*
 * riscv_pvmmu_batch: KUnit checks of pvmmu's lazy-MMU queue.
 *
 * Most cases swap the backend for a recorder that logs every submission
 * (and applies it natively to plain memory), so the queue's decisions are
 * visible call by call: order, flush on full / leave / sync op, the
 * interrupt bypass, nesting, error propagation, batch size 1. The
 * rejection cases give the recorder pool tables (so the hooks take the
 * pvmmu path: pvmmu_owns()) and let it apply what it does not reject
 * through the firmware: one case per kind of rejection (set, clear, a
 * clear in the middle of a run, link, register) checks what the kernel
 * does about it. The last case runs the same sequence batched and
 * unbatched on the real firmware and compares the page tables.
 */

#include <kunit/test.h>
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/pgalloc.h>
#include <linux/slab.h>
#include <asm/pvmmu.h>
#include <asm/sbi.h>
#include <asm/tlbflush.h>

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
	/*
	 * What applies the entries the recorder lets through: the native
	 * backend on plain memory, the firmware on pool tables (S-mode
	 * cannot store to those).
	 */
	const struct pvmmu_mmu_ops *apply;
	/*
	 * The firmware. Kernel tables are pool tables too: what other tasks
	 * write meanwhile (vmalloc, the vmap purge) goes to it unrecorded, and
	 * so does what the test writes to them.
	 */
	const struct pvmmu_mmu_ops *real;
	struct task_struct *task;	/* the test's (interrupts included) */
	bool fail_register;	/* register_table refuses */
	unsigned int registers;	/* register_table calls */
} rec;

static long rec_submit(struct sbi_pvmmu_entry *batch, unsigned int nr,
		       unsigned int first, unsigned int *applied)
{
	unsigned int n = nr - first, i, one;
	struct rec_call *call;
	long error = 0;

	if (current != rec.task)
		return rec.real->submit(batch, nr, first, applied);
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
	for (i = first; i < first + n; i++) {
		const struct pvmmu_mmu_ops *ops = rec.apply;
		long err;

		if (pvmmu_owns(__va(batch[i].target & ~SBI_PVMMU_OP_MASK)))
			ops = rec.real;
		err = ops->submit(batch, i + 1, i, &one);
		if (err) {
			*applied = i - first;
			return err;
		}
	}
	*applied = n;
	return error;
}

static int rec_register(phys_addr_t pa, unsigned int level,
			unsigned long flags)
{
	if (current != rec.task)
		return rec.real->register_table(pa, level, flags);
	rec.registers++;
	if (rec.fail_register)
		return -EINVAL;
	return rec.apply->register_table(pa, level, flags);
}

static int rec_release(phys_addr_t pa)
{
	if (current != rec.task)
		return rec.real->release_table(pa);
	return rec.apply->release_table(pa);
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
	rec.apply = &pvmmu_native_ops;
	ctx->saved_batch = pvmmu_batch;
	pvmmu_batch = PVMMU_QUEUE_MAX;
	rec.real = pvmmu_get_backend();
	rec.task = current;
	ctx->saved_ops = pvmmu_set_backend(&recorder_ops);
	test->priv = ctx;
	/* One CPU's counters are the test's: see this_cpu_stats() */
	migrate_disable();
	return 0;
}

static void batch_exit(struct kunit *test)
{
	struct batch_ctx *ctx = test->priv;

	if (!ctx)
		return;
	pvmmu_set_backend(ctx->saved_ops);
	pvmmu_batch = ctx->saved_batch;
	migrate_enable();
}

/*
 * The counters of the CPU the test runs on. Their sum over every CPU
 * would also count other tasks' lazy sections, which flush FULL at the
 * test's small pvmmu_batch too.
 */
static void this_cpu_stats(struct pvmmu_cpu_stats *s)
{
	*s = *this_cpu_ptr(&pvmmu_cpu_stats);
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
	this_cpu_stats(&before);
	pvmmu_lazy_enter();
	queue_stores(ctx->table, 0, 10);
	KUNIT_EXPECT_EQ(test, rec.ncalls, 2U);
	pvmmu_lazy_leave();
	this_cpu_stats(&after);

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
	arch_flush_lazy_mmu_mode();
	KUNIT_EXPECT_EQ(test, rec.ncalls, 1U);
	KUNIT_EXPECT_EQ(test, ctx->table[2], 0x1002UL);
	queue_stores(ctx->table, 3, 1);
	pvmmu_lazy_leave();
	KUNIT_ASSERT_EQ(test, rec.ncalls, 2U);
	KUNIT_EXPECT_EQ(test, rec.calls[1].nr, 1U);
}

/*
 * Lazy-mode ordering: each TLB flush primitive, local or remote, lands
 * what the CPU queued before it flushes, inside the lazy section.
 */
static void batch_tlb_flush_lands_queue(struct kunit *test)
{
	struct batch_ctx *ctx = test->priv;
	struct vm_area_struct vma = { .vm_mm = &init_mm };
	unsigned long addr = (unsigned long)ctx->table;
	struct pvmmu_cpu_stats before, after;
	unsigned int i, nr_flushes = 7;

	this_cpu_stats(&before);
	pvmmu_lazy_enter();
	for (i = 0; i < nr_flushes; i++) {
		queue_stores(ctx->table, i, 1);
		KUNIT_ASSERT_EQ(test, rec.ncalls, i);
		switch (i) {
		case 0:
			local_flush_tlb_page(addr);
			break;
		case 1:
			local_flush_tlb_all();
			break;
		case 2:
			flush_tlb_page(&vma, addr);
			break;
		case 3:
			flush_tlb_range(&vma, addr, addr + 2 * PAGE_SIZE);
			break;
		case 4:
			flush_tlb_kernel_range(addr, addr + PAGE_SIZE);
			break;
		case 5:
			flush_tlb_mm(&init_mm);
			break;
		case 6:
			flush_tlb_all();
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, rec.ncalls, i + 1,
				    "TLB flush %u did not land the queue", i);
		KUNIT_EXPECT_EQ(test, ctx->table[i], 0x1000UL + i);
	}
	pvmmu_lazy_leave();
	this_cpu_stats(&after);

	KUNIT_EXPECT_EQ(test, rec.ncalls, nr_flushes);
	KUNIT_EXPECT_EQ(test, after.flushes[PVMMU_FLUSH_TLB] -
			before.flushes[PVMMU_FLUSH_TLB], (unsigned long)nr_flushes);
}

/*
 * Lazy-mode ordering: releasing a PTE lock inside a lazy section (as
 * pagemap_scan_pmd_entry() does) lands the queue first, so the next
 * holder of the lock sees the entries as they are.
 */
static void batch_pte_unlock_lands_queue(struct kunit *test)
{
	struct batch_ctx *ctx = test->priv;
	spinlock_t ptl;		/* stands in for a PTE table's lock */

	spin_lock_init(&ptl);
	rcu_read_lock();		/* ended by pte_unmap() */
	spin_lock(&ptl);
	pvmmu_lazy_enter();
	queue_stores(ctx->table, 0, 2);
	KUNIT_EXPECT_EQ(test, rec.ncalls, 0U);
	pte_unmap_unlock((pte_t *)ctx->table, &ptl);
	KUNIT_EXPECT_EQ(test, rec.ncalls, 1U);
	KUNIT_EXPECT_EQ(test, ctx->table[1], 0x1001UL);
	pvmmu_lazy_leave();
	KUNIT_EXPECT_EQ(test, rec.ncalls, 1U);
}

/* An op that needs its result flushes the queue, then goes alone. */
static void batch_flush_before_sync_op(struct kunit *test)
{
	struct batch_ctx *ctx = test->priv;
	unsigned long old;

	ctx->table[20] = 0x77;
	pvmmu_lazy_enter();
	queue_stores(ctx->table, 0, 3);
	old = pvmmu_update_now(PVMMU_HOOK_BENCH, &ctx->table[20], SBI_PVMMU_OP_XCHG, 5);
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
	this_cpu_stats(&before);
	pvmmu_lazy_enter();
	KUNIT_EXPECT_EQ(test, pvmmu_clear(PVMMU_HOOK_BENCH, &ctx->table[0], false), final);
	KUNIT_EXPECT_EQ(test, rec.ncalls, 0U);		/* deferred */
	KUNIT_EXPECT_EQ(test, pvmmu_clear(PVMMU_HOOK_BENCH, &ctx->table[1], false), clean);
	KUNIT_EXPECT_EQ(test, rec.ncalls, 2U);		/* queue, then sync */

	pvmmu_queue(PVMMU_HOOK_BENCH, &ctx->table[2], SBI_PVMMU_OP_STORE, final);
	KUNIT_EXPECT_EQ(test, pvmmu_clear(PVMMU_HOOK_BENCH, &ctx->table[2], false), final);
	pvmmu_lazy_leave();
	this_cpu_stats(&after);

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
	this_cpu_stats(&before);
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
	this_cpu_stats(&after);

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

	this_cpu_stats(&before);
	pvmmu_lazy_enter();
	pvmmu_lazy_enter();
	queue_stores(ctx->table, 0, 2);
	pvmmu_lazy_leave();
	KUNIT_EXPECT_EQ(test, rec.ncalls, 0U);
	queue_stores(ctx->table, 2, 1);
	pvmmu_lazy_leave();
	this_cpu_stats(&after);

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
	this_cpu_stats(&before);
	pvmmu_lazy_enter();
	queue_stores(ctx->table, 0, 5);
	pvmmu_lazy_leave();
	this_cpu_stats(&after);

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

/*
 * A pool table of @level, so that the hooks take the pvmmu path; the
 * recorder applies what it lets through with the firmware from now on.
 */
static unsigned long *rec_pool_table(struct kunit *test, unsigned int level)
{
	struct batch_ctx *ctx = test->priv;
	struct ptdesc *ptdesc;

	rec.apply = ctx->saved_ops;
	ptdesc = pvmmu_alloc_table(current->mm, level);
	KUNIT_ASSERT_NOT_NULL(test, ptdesc);
	KUNIT_ASSERT_TRUE(test, pvmmu_owns(ptdesc_address(ptdesc)));
	return ptdesc_address(ptdesc);
}

/* A user leaf for @page with the A/D bits @ad. */
static unsigned long page_leaf(struct page *page, unsigned long ad)
{
	return pte_val(pfn_pte(page_to_pfn(page), PAGE_SHARED)) | ad;
}

/* The next submission rejects its entry @index. */
static void reject_next(unsigned int index)
{
	rec.fail_call = rec.ncalls;
	rec.fail_index = index;
}

/*
 * Between the two snapshots: one rejection, of @site, with @failures
 * rejected UPDATE entries and @pinned pages pinned, and no task killed
 * (KUnit runs in a kernel thread).
 */
static void expect_rejection(struct kunit *test,
			     const struct pvmmu_cpu_stats *before,
			     const struct pvmmu_cpu_stats *after,
			     enum pvmmu_reject_site site,
			     unsigned long failures, unsigned long pinned)
{
	unsigned long want;
	unsigned int i;

	for (i = 0; i < PVMMU_NR_REJECT_SITES; i++) {
		want = i == site;
		KUNIT_EXPECT_EQ_MSG(test, after->rejected[i] - before->rejected[i],
				    want, "rejected_%s", pvmmu_reject_names[i]);
	}
	KUNIT_EXPECT_EQ(test, after->failures - before->failures, failures);
	KUNIT_EXPECT_EQ(test, after->pinned - before->pinned, pinned);
	KUNIT_EXPECT_EQ(test, after->killed, before->killed);
}

/* A rejected set (a store of a leaf, an AND) changes nothing: a set. */
static void batch_reject_set(struct kunit *test)
{
	unsigned long *table = rec_pool_table(test, 0);
	struct pvmmu_cpu_stats before, after;
	struct page *page = alloc_page(GFP_KERNEL);
	pte_t *p = (pte_t *)table;
	unsigned long leaf;

	KUNIT_ASSERT_NOT_NULL(test, page);
	leaf = page_leaf(page, _PAGE_ACCESSED);

	reject_next(0);
	this_cpu_stats(&before);
	set_pte(&p[6], __pte(leaf));
	this_cpu_stats(&after);
	KUNIT_EXPECT_EQ(test, table[6], 0UL);
	expect_rejection(test, &before, &after, PVMMU_REJECT_SET, 1, 0);

	set_pte(&p[5], __pte(leaf));
	KUNIT_ASSERT_EQ(test, table[5], leaf);
	reject_next(0);
	this_cpu_stats(&before);
	ptep_set_wrprotect(&init_mm, 0, &p[5]);
	this_cpu_stats(&after);
	KUNIT_EXPECT_EQ(test, table[5], leaf);
	expect_rejection(test, &before, &after, PVMMU_REJECT_SET, 1, 0);

	pte_clear(&init_mm, 0, &p[5]);
	KUNIT_EXPECT_EQ(test, table[5], 0UL);
	KUNIT_EXPECT_TRUE(test, pvmmu_free_table(virt_to_ptdesc(table)));
	__free_page(page);
}

/*
 * A rejected ptep_get_and_clear() returns the entry as it still is, and
 * the page it still maps takes a reference that is never dropped.
 */
static void batch_reject_clear_pins(struct kunit *test)
{
	unsigned long *table = rec_pool_table(test, 0);
	struct pvmmu_cpu_stats before, after;
	struct page *page = alloc_page(GFP_KERNEL);
	pte_t *p = (pte_t *)table;
	unsigned long leaf, old;
	int refs;

	KUNIT_ASSERT_NOT_NULL(test, page);
	leaf = page_leaf(page, _PAGE_ACCESSED | _PAGE_DIRTY);
	set_pte(&p[7], __pte(leaf));
	KUNIT_ASSERT_EQ(test, table[7], leaf);
	refs = page_ref_count(page);

	reject_next(0);
	this_cpu_stats(&before);
	old = pte_val(ptep_get_and_clear(&init_mm, 0, &p[7]));
	this_cpu_stats(&after);
	KUNIT_EXPECT_EQ(test, old, leaf);
	KUNIT_EXPECT_EQ(test, table[7], leaf);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), refs + 1);
	expect_rejection(test, &before, &after, PVMMU_REJECT_CLEAR, 1, 1);

	pte_clear(&init_mm, 0, &p[7]);
	KUNIT_EXPECT_EQ(test, table[7], 0UL);
	KUNIT_EXPECT_TRUE(test, pvmmu_free_table(virt_to_ptdesc(table)));
	if (page_ref_count(page) > refs)
		put_page(page);		/* the pin */
	__free_page(page);
}

#define REJ_RUN		8U
#define REJ_AT		3U

/*
 * A run of clears rejected in the middle: the entries before and after
 * it are cleared, every old value stays at its own index (the rejected
 * one is the entry as it still is), and the result is the first old
 * value with the A/D bits of all.
 */
static void batch_reject_clear_in_run(struct kunit *test)
{
	unsigned long *table = rec_pool_table(test, 0);
	unsigned long vals[REJ_RUN], olds[REJ_RUN], old, want;
	struct pvmmu_cpu_stats before, after;
	struct page *pages[REJ_RUN];
	pte_t *p = (pte_t *)table + 16;
	unsigned int call, cpu, i;
	int refs[REJ_RUN];

	for (i = 0; i < REJ_RUN; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
		vals[i] = page_leaf(pages[i], _PAGE_ACCESSED);
	}
	vals[REJ_RUN - 2] |= _PAGE_DIRTY;
	want = vals[0] | _PAGE_DIRTY;
	for (i = 0; i < REJ_RUN; i++) {
		set_pte(&p[i], __pte(vals[i]));
		KUNIT_ASSERT_EQ(test, pte_val(p[i]), vals[i]);
		refs[i] = page_ref_count(pages[i]);
	}

	call = rec.ncalls;
	reject_next(REJ_AT);
	this_cpu_stats(&before);
	cpu = get_cpu();
	old = pte_val(get_and_clear_full_ptes(&init_mm, 0, p, REJ_RUN, 0));
	for (i = 0; i < REJ_RUN; i++)
		olds[i] = pvmmu_cpu_buffer(cpu)[i].old;
	put_cpu();
	this_cpu_stats(&after);

	KUNIT_EXPECT_EQ(test, old, want);
	for (i = 0; i < REJ_RUN; i++) {
		KUNIT_EXPECT_EQ_MSG(test, olds[i], vals[i], "old value %u", i);
		KUNIT_EXPECT_EQ_MSG(test, pte_val(p[i]),
				    i == REJ_AT ? vals[i] : 0UL,
				    "entry %u", i);
		KUNIT_EXPECT_EQ_MSG(test, page_ref_count(pages[i]),
				    refs[i] + (i == REJ_AT), "page %u", i);
	}
	expect_rejection(test, &before, &after, PVMMU_REJECT_CLEAR, 1, 1);
	/* one call, then the rest of the run from the entry after */
	KUNIT_ASSERT_EQ(test, rec.ncalls, call + 2);
	KUNIT_EXPECT_EQ(test, rec.calls[call].nr, REJ_RUN);
	KUNIT_EXPECT_EQ(test, rec.calls[call + 1].nr, REJ_RUN - REJ_AT - 1);
	KUNIT_EXPECT_EQ(test, rec.calls[call + 1].entries[0].target,
			target(&table[16 + REJ_AT + 1], SBI_PVMMU_OP_XCHG));

	pte_clear(&init_mm, 0, &p[REJ_AT]);
	KUNIT_EXPECT_TRUE(test, pvmmu_free_table(virt_to_ptdesc(table)));
	for (i = 0; i < REJ_RUN; i++) {
		if (page_ref_count(pages[i]) > refs[i])
			put_page(pages[i]);	/* the pin */
		__free_page(pages[i]);
	}
}

/* A rejected link (pmd_populate) leaves the entry empty: a link. */
static void batch_reject_link(struct kunit *test)
{
	unsigned long *pmd_table = rec_pool_table(test, 1);
	unsigned long *pte_table = rec_pool_table(test, 0);
	struct pvmmu_cpu_stats before, after;
	pmd_t *pmdp = (pmd_t *)pmd_table;

	reject_next(0);
	this_cpu_stats(&before);
	pmd_populate(&init_mm, &pmdp[3], virt_to_page(pte_table));
	this_cpu_stats(&after);
	KUNIT_EXPECT_EQ(test, pmd_table[3], 0UL);
	expect_rejection(test, &before, &after, PVMMU_REJECT_LINK, 1, 0);

	/* not linked: the firmware lets it go */
	KUNIT_EXPECT_TRUE(test, pvmmu_free_table(virt_to_ptdesc(pte_table)));
	KUNIT_EXPECT_TRUE(test, pvmmu_free_table(virt_to_ptdesc(pmd_table)));
}

/*
 * A refused PT_REGISTER: no table, the pool page goes back, counted as a
 * register rejection (and not as an UPDATE failure).
 */
static void batch_reject_register(struct kunit *test)
{
	struct batch_ctx *ctx = test->priv;
	struct pvmmu_pool_stats pool_before, pool_after;
	struct pvmmu_cpu_stats before, after;
	struct ptdesc **kept, *ptdesc;
	unsigned int n = 0, i;

	kept = kunit_kcalloc(test, PVMMU_RECYCLE_MAX + 1, sizeof(*kept),
			     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kept);
	rec.apply = ctx->saved_ops;
	rec.fail_register = true;
	/* Recycled tables come back without PT_REGISTER: take them all. */
	do {
		pvmmu_pool_get_stats(&pool_before);
		this_cpu_stats(&before);
		ptdesc = pvmmu_alloc_table(current->mm, PVMMU_LEVEL_PTE);
		if (ptdesc)
			kept[n++] = ptdesc;
	} while (ptdesc && n <= PVMMU_RECYCLE_MAX);
	pvmmu_pool_get_stats(&pool_after);
	this_cpu_stats(&after);
	rec.fail_register = false;

	KUNIT_EXPECT_NULL(test, ptdesc);
	KUNIT_EXPECT_EQ(test, rec.registers, 1U);
	KUNIT_EXPECT_EQ(test, pool_after.used, pool_before.used);
	KUNIT_EXPECT_EQ(test, pool_after.recycled, pool_before.recycled);
	KUNIT_EXPECT_EQ(test, pool_after.exhausted, pool_before.exhausted);
	KUNIT_EXPECT_EQ(test, pool_after.register_failures -
			pool_before.register_failures, 1UL);
	expect_rejection(test, &before, &after, PVMMU_REJECT_REGISTER, 0, 0);
	kunit_info(test, "%u recycled tables taken first\n", n);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_TRUE(test, pvmmu_free_table(kept[i]));
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
	a = pvmmu_alloc_table(current->mm, PVMMU_LEVEL_PTE);
	b = pvmmu_alloc_table(current->mm, PVMMU_LEVEL_PTE);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);

	this_cpu_stats(&s0);
	pvmmu_batch = PVMMU_QUEUE_MAX;
	run_sequence(ptdesc_address(a), leaf);
	this_cpu_stats(&s1);
	pvmmu_batch = 1;
	run_sequence(ptdesc_address(b), leaf);
	this_cpu_stats(&s2);

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
	KUNIT_CASE(batch_tlb_flush_lands_queue),
	KUNIT_CASE(batch_pte_unlock_lands_queue),
	KUNIT_CASE(batch_deferred_exchange),
	KUNIT_CASE(batch_interrupt_bypass),
	KUNIT_CASE(batch_nesting_detected),
	KUNIT_CASE(batch_error_propagation),
	KUNIT_CASE(batch_size_one_is_unbatched),
	KUNIT_CASE(batch_reject_set),
	KUNIT_CASE(batch_reject_clear_pins),
	KUNIT_CASE(batch_reject_clear_in_run),
	KUNIT_CASE(batch_reject_link),
	KUNIT_CASE(batch_reject_register),
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
