// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvmmu update queue: lazy-MMU batching.
 *
 * Each CPU queues entries in its batch buffer (the page the SBI backend
 * registers with the firmware) and submits them as one call:
 *   - when the lazy section ends (arch_leave_lazy_mmu_mode),
 *   - when the batch is full (pvmmu.batch entries, 1 = unbatched),
 *   - before an operation whose result or ordering the queue cannot give
 *     (an exchange whose old value is not known exactly, a table release),
 *   - before any TLB flush, local or remote (the flush primitives in
 *     asm/tlbflush.h and tlbflush.c call pvmmu_land_before_tlb_flush()),
 *     and before a page-table lock is released (pte_unmap_unlock() calls
 *     arch_flush_lazy_mmu_mode()): the rule lives in the primitives, not
 *     in the call sites of lazy sections,
 *   - before a context switch (a lazy section must not sleep, but if it
 *     does the queue must not follow another task),
 *   - on arch_flush_lazy_mmu_mode().
 * Outside lazy mode every operation is submitted at once.
 *
 * A lazy section pins the queue to its CPU with preempt_disable(). The
 * queue itself is only touched with interrupts off, so an interrupt that
 * (against the contract) writes a page table finds it consistent: it
 * flushes what is queued and submits its own entry directly.
 *
 * Deferred exchanges: ptep_get_and_clear() must return the old PTE. The
 * value read before queueing is exact when the hardware cannot change it
 * before the firmware applies the exchange: an invalid PTE is never
 * touched, A and D are only ever set, and D can only be set on a writable
 * PTE. So a PTE that is invalid, or young and (dirty or read-only), is
 * queued with its read value as the result; anything else is exchanged at
 * once. The firmware's old value is checked against that prediction after
 * the flush. When a whole address space with no users left is torn down
 * (exit), no hart can change its entries at all, and every clear is queued.
 *
 * Rejected updates: the firmware changed nothing for the rejected entry, so
 * the kernel's picture of that entry (and of the address space) is wrong
 * from then on. The kernel never goes on as if it applied:
 *   - the entry's @old is its current value, read back;
 *   - a clear that did not happen leaves a page mapped that the caller is
 *     about to free: that page takes a reference that is never dropped
 *     (counted as pinned), so it never returns to the allocator;
 *   - the task that made the call gets SIGKILL (for a fork, the parent: the
 *     child is then never completed); a kernel thread is only counted;
 *   - it is counted per kind (set, clear, link, register) and logged,
 *     rate-limited, with the task, op, target, value and error.
 * The entries after a rejected one are still submitted, from where they
 * are in the buffer (UPDATE's first index), so their old values stay in
 * place for the caller.
 *
 * Fences: an UPDATE that stored a valid entry ends with a local
 * SFENCE.VMA in the firmware. A submission that applied an entry which
 * may be valid sets this CPU's @fenced flag, and update_mmu_cache() then
 * skips its own fence (an SFENCE.VMA traps to the firmware once satp is
 * under its control): a page fault costs one trap, not two. Inside a lazy
 * section with entries queued (fault-around maps up to 16 pages) it skips
 * it too: the flush that applies them will fence.
 */

#define pr_fmt(fmt) "pvmmu: " fmt

#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/hardirq.h>
#include <linux/hash.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/page_table_check.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched/signal.h>
#include <asm/pvmmu.h>

#include "pvmmu.h"

/*
 * A filter of the lazily queued targets: one bit per hash of the entry's
 * address. A clear bit proves no queued entry has that target, so a
 * deferred exchange looks at the queue only on a hit. A hash rather than
 * the entry index: mremap alternates two tables whose indices line up.
 * Direct submissions never share the queue with lazy entries (they flush
 * it first) and leave the filter alone.
 */
#define PENDING_BITS_ORDER	14

struct pvmmu_queue {
	struct sbi_pvmmu_entry *buf;	/* registered with the firmware */
	unsigned int count;		/* entries queued */
	unsigned int lazy;		/* lazy sections entered, not left */
	/* Queue up to this many entries: 0 outside a batched lazy section */
	unsigned int lazy_limit;
	bool filtered;			/* bits set in @pending */
	bool maybe_valid;		/* an entry may store a valid value */
	bool any_predicted;		/* bits set in @predicted */
	DECLARE_BITMAP(predicted, PVMMU_QUEUE_MAX);
	DECLARE_BITMAP(pending, 1 << PENDING_BITS_ORDER);
	unsigned long expect[PVMMU_QUEUE_MAX];	/* predicted old values */
};

static unsigned int pending_bit(u64 target)
{
	return hash_64(target / sizeof(unsigned long), PENDING_BITS_ORDER);
}

static DEFINE_PER_CPU(struct pvmmu_queue, cpu_queue);

/* Physical address of an entry: a pool table's by its offset (no __pa()) */
static __always_inline u64 entry_pa(void *entry)
{
	unsigned long off = (unsigned long)entry - pvmmu_pool_va;

	if (likely(off < pvmmu_pool_bytes))
		return pvmmu_pool_pa + off;
	return __pa(entry);
}

/* The firmware fenced this CPU after a valid store (see "Fences"). */
static DEFINE_PER_CPU(bool, fenced);

bool pvmmu_update_fenced(void)
{
	struct pvmmu_queue *q = this_cpu_ptr(&cpu_queue);

	/* Queued in a lazy section: the flush that applies it will fence */
	if (q->lazy && q->count)
		return true;
	/*
	 * The caller holds the page-table lock (no preemption). An interrupt
	 * that sets the flag between the read and the clear only costs a
	 * fence later.
	 */
	if (!__this_cpu_read(fenced))
		return false;
	__this_cpu_write(fenced, false);
	return true;
}
EXPORT_SYMBOL_GPL(pvmmu_update_fenced);

/* Entries per submission; 1 = every update its own call (unbatched). */
unsigned int pvmmu_batch __read_mostly = PVMMU_DEFAULT_BATCH;
/* What the firmware and the buffer allow; set at boot. */
unsigned int pvmmu_max_batch __read_mostly = PVMMU_QUEUE_MAX;

static int batch_param_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, PVMMU_QUEUE_MAX);
}

static const struct kernel_param_ops batch_param_ops = {
	.set = batch_param_set,
	.get = param_get_uint,
};

/* pvmmu.batch=N on the command line, /sys/module/pvmmu/parameters/batch. */
#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "pvmmu."
module_param_cb(batch, &batch_param_ops, &pvmmu_batch, 0644);
MODULE_PARM_DESC(batch, "entries per firmware call in lazy MMU mode (1 = unbatched)");

struct sbi_pvmmu_entry *pvmmu_cpu_buffer(unsigned int cpu)
{
	return per_cpu(cpu_queue, cpu).buf;
}

/*
 * Each CPU's batch buffer holds the firmware's MAX_BATCH entries, as the
 * ABI requires, even where the queue uses fewer. The backend registers a
 * CPU's buffer from a STARTING hotplug callback, which runs with
 * interrupts off and cannot allocate, so every possible CPU's buffer is
 * allocated here, at boot.
 */
int __init pvmmu_queue_init(unsigned int fw_max_batch)
{
	unsigned int order, cpu;
	void *buf;

	order = get_order(fw_max_batch * sizeof(struct sbi_pvmmu_entry));
	for_each_possible_cpu(cpu) {
		buf = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, order);
		if (!buf)
			return -ENOMEM;
		per_cpu(cpu_queue, cpu).buf = buf;
	}
	pvmmu_max_batch = min_t(unsigned int, fw_max_batch, PVMMU_QUEUE_MAX);
	return 0;
}

static unsigned int batch_limit(void)
{
	return clamp(READ_ONCE(pvmmu_batch), 1U, pvmmu_max_batch);
}

/* Interrupts are off: this CPU's counters are ours alone */
static struct pvmmu_cpu_stats *cpu_stats(void)
{
	return this_cpu_ptr(&pvmmu_cpu_stats);
}

static void count_call(struct pvmmu_cpu_stats *s, unsigned int nr,
		       enum pvmmu_flush_reason reason)
{
	s->sbi_calls++;
	s->flushes[reason]++;
	s->batch_hist[nr == 1 ? 0 :
		      min_t(unsigned int, ilog2(nr), PVMMU_HIST_BUCKETS - 1)]++;
}

static enum pvmmu_reject_site reject_site(const struct sbi_pvmmu_entry *e)
{
	unsigned int op = e->target & SBI_PVMMU_OP_MASK;

	if (op == SBI_PVMMU_OP_AND || op == SBI_PVMMU_OP_OR)
		return PVMMU_REJECT_SET;
	if (!(e->value & _PAGE_PRESENT))
		return PVMMU_REJECT_CLEAR;
	return (e->value & _PAGE_LEAF) ? PVMMU_REJECT_SET : PVMMU_REJECT_LINK;
}

/* A leaf the caller believes gone: its page must never be freed. */
static void pin_still_mapped(unsigned long pteval)
{
	unsigned long pfn = pte_pfn(__pte(pteval));

	if (!(pteval & _PAGE_PRESENT) || !(pteval & _PAGE_LEAF) ||
	    !pfn_valid(pfn))
		return;
	get_page(pfn_to_page(pfn));
	this_cpu_inc(pvmmu_cpu_stats.pinned);
}

const char * const pvmmu_reject_names[PVMMU_NR_REJECT_SITES] = {
	[PVMMU_REJECT_SET]	= "set",
	[PVMMU_REJECT_CLEAR]	= "clear",
	[PVMMU_REJECT_LINK]	= "link",
	[PVMMU_REJECT_REGISTER]	= "register",
};

void pvmmu_reject_task(enum pvmmu_reject_site site, unsigned long target,
		       unsigned long value, long error)
{
	bool kill = !(current->flags & PF_KTHREAD);

	this_cpu_inc(pvmmu_cpu_stats.rejected[site]);
	pr_err_ratelimited("firmware rejected %s of %#lx to %#lx (error %ld): %s %s[%d]\n",
			   pvmmu_reject_names[site], target, value, error,
			   kill ? "killing" : "kernel thread", current->comm,
			   task_pid_nr(current));
	if (kill) {
		this_cpu_inc(pvmmu_cpu_stats.killed);
		force_sig(SIGKILL);
	}
}

/* See "Rejected updates" above. */
static void handle_rejected(struct sbi_pvmmu_entry *e, long error)
{
	enum pvmmu_reject_site site = reject_site(e);
	u64 pa = e->target & ~SBI_PVMMU_OP_MASK;

	this_cpu_inc(pvmmu_cpu_stats.failures);
	/* A target outside the pool (a kernel bug) is not read back */
	e->old = 0;
	if (pvmmu_owns(__va(pa)))
		e->old = READ_ONCE(*(unsigned long *)__va(pa));
	if (site == PVMMU_REJECT_CLEAR)
		pin_still_mapped(e->old);
	pvmmu_reject_task(site, pa, e->value, error);
}

/* A prediction that missed a D bit would have lost data: say so loudly. */
static void check_predictions(struct pvmmu_queue *q, unsigned int nr)
{
	unsigned int i;

	/* Most entries of a zap are predicted: a plain walk beats a search */
	for (i = 0; i < nr; i++) {
		if (!test_bit(i, q->predicted) || q->buf[i].old == q->expect[i])
			continue;
		this_cpu_inc(pvmmu_cpu_stats.mispredicted);
		WARN_ONCE((q->buf[i].old & ~q->expect[i]) & _PAGE_DIRTY,
			  "pvmmu: deferred exchange of %#llx lost a D bit (%#lx -> %#llx)\n",
			  q->buf[i].target, q->expect[i], q->buf[i].old);
	}
}

/* Empty the filter of queued targets (see queue_target_pending()). */
static void reset_filter(struct pvmmu_queue *q, unsigned int nr)
{
	unsigned int i;

	if (!q->filtered)
		return;
	/* Emptying the filter a word at a time is cheaper for big batches. */
	if (nr > BITS_TO_LONGS(1 << PENDING_BITS_ORDER))
		bitmap_zero(q->pending, 1 << PENDING_BITS_ORDER);
	else
		for (i = 0; i < nr; i++)
			__clear_bit(pending_bit(q->buf[i].target), q->pending);
	q->filtered = false;
}

/*
 * Submit the queue's @nr entries in order. A rejected entry is handled
 * (see "Rejected updates" above) and the entries after it are submitted
 * in place, so one bad entry never takes good ones with it. Returns
 * whether any entry was applied.
 */
static bool submit_in_order(struct pvmmu_queue *q, unsigned int nr,
			    enum pvmmu_flush_reason reason)
{
	const struct pvmmu_mmu_ops *ops = READ_ONCE(pvmmu_backend);
	struct pvmmu_cpu_stats *s = cpu_stats();
	unsigned int done = 0, applied;
	bool any_applied = false;
	long error;

	while (done < nr) {
		applied = 0;
		error = ops->submit(q->buf, nr, done, &applied);
		count_call(s, nr - done, reason);
		s->entries += applied;
		any_applied |= applied != 0;
		if (!error)
			break;
		handle_rejected(&q->buf[done + applied], error);
		done += applied + 1;
	}
	return any_applied;
}

/* Flush the queue. Interrupts are off. */
static void flush_queue(struct pvmmu_queue *q, enum pvmmu_flush_reason reason)
{
	unsigned int nr = q->count;

	if (!nr)
		return;
	reset_filter(q, nr);
	if (submit_in_order(q, nr, reason) && q->maybe_valid)
		__this_cpu_write(fenced, true);
	if (q->any_predicted) {
		check_predictions(q, nr);
		bitmap_zero(q->predicted, PVMMU_QUEUE_MAX);
		q->any_predicted = false;
	}
	q->count = 0;
	q->maybe_valid = false;
}

/* Is @target (filter bit @bit) queued? */
static bool queue_target_pending(struct pvmmu_queue *q, u64 target,
				 unsigned int bit)
{
	unsigned int i;

	if (!test_bit(bit, q->pending))
		return false;
	for (i = 0; i < q->count; i++)
		if ((q->buf[i].target & ~SBI_PVMMU_OP_MASK) == target)
			return true;
	return false;
}

/* Queue for later: in a lazy section, not in interrupt context, batching on. */
static bool lazy_queue(const struct pvmmu_queue *q)
{
	return q->lazy_limit && !in_interrupt();
}

/* Does @val stored with @op leave a valid entry that the TLB may cache? */
static bool may_be_valid(unsigned int op, unsigned long val)
{
	return (val & _PAGE_PRESENT) || op == SBI_PVMMU_OP_AND ||
	       op == SBI_PVMMU_OP_OR;
}

/*
 * Append @nr entries to be submitted at once, @op with @val, @val + @step,
 * ... to consecutive slots from @entry, submitting a full batch first.
 * Interrupts are off.
 */
static void append_direct(struct pvmmu_queue *q, unsigned long *entry,
			  unsigned int nr, unsigned int op, unsigned long val,
			  unsigned long step)
{
	unsigned int limit = batch_limit();
	u64 target = entry_pa(entry) | op;
	bool valid = may_be_valid(op, val);
	struct sbi_pvmmu_entry *e;

	for (; nr; nr--, val += step, target += sizeof(*entry)) {
		if (unlikely(q->count >= limit))
			flush_queue(q, PVMMU_FLUSH_DIRECT);
		/* Set again after a flush, which clears it */
		q->maybe_valid |= valid;
		e = &q->buf[q->count++];
		e->target = target;
		e->value = val;
	}
}

/*
 * A hook that goes to the backend at once: count it, and submit first
 * whatever this CPU queued (an interrupt may have cut into a lazy
 * section: its entries go before ours). Interrupts are off.
 */
static struct pvmmu_queue *begin_direct(enum pvmmu_hook hook)
{
	struct pvmmu_queue *q = this_cpu_ptr(&cpu_queue);
	struct pvmmu_cpu_stats *s = cpu_stats();

	s->hook_calls[hook]++;
	s->hook_direct[hook]++;
	if (unlikely(in_interrupt()))
		s->irq_bypass++;
	if (unlikely(q->count))
		flush_queue(q, PVMMU_FLUSH_SYNC);
	return q;
}

/*
 * Append one entry in a lazy section, room being there, @bit being the
 * target's filter bit; returns its slot.
 */
static __always_inline unsigned int append_lazy(struct pvmmu_queue *q,
						u64 target, unsigned int bit,
						unsigned int op,
						unsigned long val)
{
	unsigned int slot = q->count;
	struct sbi_pvmmu_entry *e = &q->buf[slot];

	e->target = target | op;
	e->value = val;
	q->maybe_valid |= may_be_valid(op, val);
	__set_bit(bit, q->pending);
	q->filtered = true;
	q->count = slot + 1;
	return slot;
}

/*
 * One entry submitted at once, the queue being empty (the page-fault
 * path): flush_queue() for one entry, without what only a batch needs.
 */
static unsigned long submit_one(struct pvmmu_queue *q, void *entry,
				unsigned int op, unsigned long val)
{
	struct sbi_pvmmu_entry *e = &q->buf[0];
	struct pvmmu_cpu_stats *s;
	unsigned int applied = 0;
	long error;

	e->target = entry_pa(entry) | op;
	e->value = val;
	error = READ_ONCE(pvmmu_backend)->submit(q->buf, 1, 0, &applied);
	s = cpu_stats();
	count_call(s, 1, PVMMU_FLUSH_DIRECT);
	s->entries += applied;
	if (unlikely(error))
		handle_rejected(e, error);
	else if (may_be_valid(op, val))
		__this_cpu_write(fenced, true);
	return e->old;
}

unsigned long pvmmu_update_now(enum pvmmu_hook hook, void *entry,
			       unsigned int op, unsigned long val)
{
	struct pvmmu_queue *q;
	unsigned long flags, old;

	local_irq_save(flags);
	q = begin_direct(hook);
	old = submit_one(q, entry, op, val);
	local_irq_restore(flags);
	return old;
}
EXPORT_SYMBOL_GPL(pvmmu_update_now);

/* The general path of pvmmu_queue_entries() and pvmmu_queue() */
static void queue_entries(enum pvmmu_hook hook, void *entry, unsigned int nr,
			  unsigned int op, unsigned long val, unsigned long step)
{
	struct pvmmu_cpu_stats *s;
	struct pvmmu_queue *q;
	unsigned long flags;
	u64 target;

	local_irq_save(flags);
	q = this_cpu_ptr(&cpu_queue);
	if (likely(lazy_queue(q))) {
		s = cpu_stats();
		s->hook_calls[hook]++;
		s->queued += nr;
		for (target = entry_pa(entry); nr; nr--, val += step,
		     target += sizeof(unsigned long)) {
			if (unlikely(q->count >= q->lazy_limit))
				flush_queue(q, PVMMU_FLUSH_FULL);
			append_lazy(q, target, pending_bit(target), op, val);
		}
	} else if (nr == 1) {
		submit_one(begin_direct(hook), entry, op, val);
	} else {
		q = begin_direct(hook);
		append_direct(q, entry, nr, op, val, step);
		flush_queue(q, PVMMU_FLUSH_DIRECT);
	}
	local_irq_restore(flags);
}

/*
 * pvmmu_queue() off its lazy path. Outside a batched lazy section (the
 * page fault's set_pte()) or in interrupt context, the entry goes to the
 * backend at once, without the general path; a full queue takes that.
 * Out of line, so that the lazy path needs no stack frame.
 */
static noinline void queue_one_slow(enum pvmmu_hook hook, void *entry,
				    unsigned int op, unsigned long val)
{
	unsigned long flags;

	local_irq_save(flags);
	if (lazy_queue(this_cpu_ptr(&cpu_queue))) {
		local_irq_restore(flags);
		queue_entries(hook, entry, 1, op, val, 0);
		return;
	}
	submit_one(begin_direct(hook), entry, op, val);
	local_irq_restore(flags);
}

/*
 * The hot path of lazy mode, one entry: a few stores into the buffer and
 * the filter. Anything else goes to queue_one_slow().
 */
void pvmmu_queue(enum pvmmu_hook hook, void *entry, unsigned int op,
		 unsigned long val)
{
	struct pvmmu_cpu_stats *s;
	struct pvmmu_queue *q;
	unsigned long flags;
	u64 target;

	local_irq_save(flags);
	q = this_cpu_ptr(&cpu_queue);
	/* Both per-CPU pointers before any store: one offset lookup */
	s = cpu_stats();
	if (likely(q->count < q->lazy_limit && !in_interrupt())) {
		s->hook_calls[hook]++;
		s->queued++;
		target = entry_pa(entry);
		append_lazy(q, target, pending_bit(target), op, val);
		local_irq_restore(flags);
		return;
	}
	local_irq_restore(flags);
	queue_one_slow(hook, entry, op, val);
}
EXPORT_SYMBOL_GPL(pvmmu_queue);

void pvmmu_queue_entries(enum pvmmu_hook hook, void *entry, unsigned int nr,
			 unsigned int op, unsigned long val, unsigned long step)
{
	/* One entry (most calls): the fast path */
	if (nr == 1)
		pvmmu_queue(hook, entry, op, val);
	else
		queue_entries(hook, entry, nr, op, val, step);
}
EXPORT_SYMBOL_GPL(pvmmu_queue_entries);

/* See "Deferred exchanges" above. */
static bool old_value_is_final(unsigned long pte)
{
	if (!(pte & _PAGE_PRESENT))
		return true;
	return (pte & _PAGE_ACCESSED) &&
	       ((pte & _PAGE_DIRTY) || !(pte & _PAGE_WRITE));
}

unsigned long pvmmu_clear(enum pvmmu_hook hook, void *entry, bool final)
{
	struct pvmmu_cpu_stats *s;
	struct pvmmu_queue *q;
	unsigned long flags, old;
	unsigned int i, bit;
	u64 pa;

	local_irq_save(flags);
	q = this_cpu_ptr(&cpu_queue);
	s = cpu_stats();
	if (!q->lazy_limit || in_interrupt()) {
		local_irq_restore(flags);
		return pvmmu_update_now(hook, entry, SBI_PVMMU_OP_XCHG, 0);
	}
	/* A queued write to this entry would make the read below stale. */
	pa = entry_pa(entry);
	bit = pending_bit(pa);
	if (queue_target_pending(q, pa, bit))
		flush_queue(q, PVMMU_FLUSH_SYNC);
	old = READ_ONCE(*(unsigned long *)entry);
	if (!final && !old_value_is_final(old)) {
		local_irq_restore(flags);
		return pvmmu_update_now(hook, entry, SBI_PVMMU_OP_XCHG, 0);
	}
	if (unlikely(q->count >= q->lazy_limit))
		flush_queue(q, PVMMU_FLUSH_FULL);
	i = append_lazy(q, pa, bit, SBI_PVMMU_OP_XCHG, 0);
	__set_bit(i, q->predicted);
	q->any_predicted = true;
	q->expect[i] = old;
	s->hook_calls[hook]++;
	s->queued++;
	local_irq_restore(flags);
	return old;
}
EXPORT_SYMBOL_GPL(pvmmu_clear);

unsigned long pvmmu_clear_entries(enum pvmmu_hook hook, void *entry,
				  unsigned int nr)
{
	unsigned long first = 0, merged = 0, *slot = entry;
	struct pvmmu_queue *q;
	unsigned long flags;
	unsigned int i, j, n;

	local_irq_save(flags);
	q = begin_direct(hook);
	for (i = 0; i < nr; i += n) {
		n = min(nr - i, batch_limit());
		append_direct(q, slot + i, n, SBI_PVMMU_OP_XCHG, 0, 0);
		/* The old values stay in the buffer after the flush. */
		flush_queue(q, PVMMU_FLUSH_DIRECT);
		if (!i)
			first = q->buf[0].old;
		for (j = 0; j < n; j++)
			merged |= q->buf[j].old;
	}
	local_irq_restore(flags);
	return first | (merged & (_PAGE_ACCESSED | _PAGE_DIRTY));
}
EXPORT_SYMBOL_GPL(pvmmu_clear_entries);

static bool page_table_check_on(void)
{
#ifdef CONFIG_PAGE_TABLE_CHECK
	return !static_branch_likely(&page_table_check_disabled);
#else
	return false;
#endif
}

/*
 * page_table_check reads the entries a set_ptes() overwrites, and the lazy
 * contract lets those reads be stale; with the checker on, a queued write
 * to one of them (a deferred clear before a set, as MADV_FREE does) must
 * land first.
 */
void pvmmu_sync_entries(void *entry, unsigned int nr)
{
	u64 first = __pa(entry), end = first + nr * sizeof(unsigned long), t;
	struct pvmmu_queue *q;
	unsigned long flags;
	unsigned int i;

	if (!page_table_check_on())
		return;
	local_irq_save(flags);
	q = this_cpu_ptr(&cpu_queue);
	for (i = 0; i < q->count; i++) {
		t = q->buf[i].target & ~SBI_PVMMU_OP_MASK;
		if (t >= first && t < end) {
			flush_queue(q, PVMMU_FLUSH_SYNC);
			break;
		}
	}
	local_irq_restore(flags);
}
EXPORT_SYMBOL_GPL(pvmmu_sync_entries);

void pvmmu_lazy_enter(void)
{
	struct pvmmu_queue *q;

	preempt_disable();
	if (WARN_ONCE(in_interrupt(), "pvmmu: lazy MMU mode in interrupt context\n"))
		return;
	q = this_cpu_ptr(&cpu_queue);
	if (q->lazy++) {
		this_cpu_inc(pvmmu_cpu_stats.nested);
		WARN_ONCE(1, "pvmmu: nested lazy MMU mode\n");
		return;
	}
	/* pvmmu_queue()'s fast path: batching on (the limit holds to leave) */
	q->lazy_limit = batch_limit() > 1 ? batch_limit() : 0;
}

void pvmmu_lazy_leave(void)
{
	struct pvmmu_queue *q = this_cpu_ptr(&cpu_queue);
	unsigned long flags;

	if (!in_interrupt() && !WARN_ON_ONCE(!q->lazy) && !--q->lazy) {
		q->lazy_limit = 0;
		local_irq_save(flags);
		flush_queue(q, PVMMU_FLUSH_LEAVE);
		local_irq_restore(flags);
	}
	preempt_enable();
}

void pvmmu_context_switch(void)
{
	struct pvmmu_queue *q = this_cpu_ptr(&cpu_queue);
	unsigned long flags;

	if (!q->count)
		return;
	local_irq_save(flags);
	flush_queue(q, PVMMU_FLUSH_SWITCH);
	local_irq_restore(flags);
}

/*
 * Tables are typed and released in order with this CPU's queued writes,
 * and a TLB flush comes after them.
 */
void pvmmu_flush_pending(enum pvmmu_flush_reason reason)
{
	unsigned long flags;

	if (!this_cpu_read(cpu_queue.count))
		return;
	local_irq_save(flags);
	flush_queue(this_cpu_ptr(&cpu_queue), reason);
	local_irq_restore(flags);
}
EXPORT_SYMBOL_GPL(pvmmu_flush_pending);
