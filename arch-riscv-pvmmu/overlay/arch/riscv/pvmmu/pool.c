// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvmmu page-table pool: the firmware carves it out of RAM, makes it
 * read-only to S-mode and describes it as /reserved-memory without
 * no-map, so every pool page keeps a struct page (split page-table locks,
 * ptdesc and page_table_check work unchanged; the pages keep PG_reserved
 * as they never reach the buddy allocator). This allocator hands pool
 * pages out as page tables of every address space, the kernel's included
 * (adopt.c); the firmware types (and zeroes) each page on the way out and
 * scrubs it on the way back.
 *
 * Recycling: a freed table that is empty stays typed in the firmware, on a
 * stack for its level, and the next allocation of that level takes it
 * back: no PT_RELEASE + PT_REGISTER pair, two SBI calls saved per table of
 * every fork, exit and munmap. A root only needs an empty user half: its
 * kernel half is the one PT_REGISTER would copy again (Linux never changes
 * the kernel's top-level entries after boot). pvmmu.recycle=N caps each
 * stack, 0 turns it off. Tables come back to the pool after an RCU grace
 * period, in bursts, so the stacks must be deep enough to carry a burst to
 * the next allocations. When the pool runs dry, a recycled table of another
 * level is released and typed again.
 */

#define pr_fmt(fmt) "pvmmu: " fmt

#include <linux/bitmap.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <asm/pvmmu.h>

#include "pvmmu.h"

static unsigned long *pool_map;		/* one bit per page, set = in use */
static unsigned long *root_map;		/* set = in use as a root (pgd) */
static unsigned long *kernel_map_bits;	/* set = a table of init_mm */
static u8 *pool_level;			/* level each page in use is typed at */
static unsigned long pool_next;		/* where the next search starts */
/*
 * Tables are freed from process context and from RCU callbacks (softirq,
 * __tlb_remove_table), so the lock is always taken with interrupts off.
 */
static DEFINE_SPINLOCK(pool_lock);
static struct pvmmu_pool_stats pool_stats;	/* under pool_lock */

/* Recycled tables of each level, under pool_lock. */
static struct {
	unsigned int count;
	unsigned long idx[PVMMU_RECYCLE_MAX];
} recycled[SBI_PVMMU_MAX_LEVEL + 1];

/* Tables kept per level. */
unsigned int pvmmu_recycle __read_mostly = PVMMU_DEFAULT_RECYCLE;

static int recycle_param_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, PVMMU_RECYCLE_MAX);
}

static const struct kernel_param_ops recycle_param_ops = {
	.set = recycle_param_set,
	.get = param_get_uint,
};

/* pvmmu.recycle=N on the command line, /sys/module/pvmmu/parameters/recycle */
#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "pvmmu."
module_param_cb(recycle, &recycle_param_ops, &pvmmu_recycle, 0644);
MODULE_PARM_DESC(recycle, "empty page tables kept typed per level for reuse (0 = off)");

/*
 * Tables below the root one address space may hold, counted as VmPTE
 * counts them (PTE, PMD and PUD tables); 0 = no bound. The pool is shared
 * by every process: this keeps one from taking all of it.
 */
static unsigned int mm_max_tables __read_mostly;
module_param(mm_max_tables, uint, 0644);
MODULE_PARM_DESC(mm_max_tables, "page tables below the root per address space (0 = no bound)");

int __init pvmmu_pool_init(phys_addr_t base, phys_addr_t size)
{
	unsigned long nr = size >> PAGE_SHIFT;

	if (!nr || !PAGE_ALIGNED(base) || !PAGE_ALIGNED(size))
		return -EINVAL;
	pool_map = bitmap_zalloc(nr, GFP_KERNEL);
	root_map = bitmap_zalloc(nr, GFP_KERNEL);
	kernel_map_bits = bitmap_zalloc(nr, GFP_KERNEL);
	pool_level = kzalloc(nr, GFP_KERNEL);
	if (!pool_map || !root_map || !kernel_map_bits || !pool_level) {
		bitmap_free(pool_map);
		bitmap_free(root_map);
		bitmap_free(kernel_map_bits);
		kfree(pool_level);
		return -ENOMEM;
	}

	pvmmu_pool_pa = base;
	pool_stats.total = nr;
	pvmmu_pool_va = (unsigned long)__va(base);
	pvmmu_pool_bytes = size;
	return 0;
}

static phys_addr_t pool_pa(unsigned long idx)
{
	return pvmmu_pool_pa + ((phys_addr_t)idx << PAGE_SHIFT);
}

/* Account a page handed out as a table; pool_lock held. */
static void pool_hand_out(unsigned long idx, unsigned int level, bool kernel)
{
	bool root = level == pvmmu_root_level();

	if (root)
		__set_bit(idx, root_map);
	if (kernel)
		__set_bit(idx, kernel_map_bits);
	pool_level[idx] = level;
	pool_stats.used++;
	pool_stats.roots += root;
	pool_stats.kernel += kernel;
	pool_stats.high_water = max(pool_stats.high_water, pool_stats.used);
}

/* Account a page that stopped being a table; pool_lock held. */
static void pool_take_back(unsigned long idx)
{
	pool_stats.used--;
	pool_stats.roots -= __test_and_clear_bit(idx, root_map);
	pool_stats.kernel -= __test_and_clear_bit(idx, kernel_map_bits);
}

/* A free page for a table of @level, or -ENOMEM when there is none. */
static long pool_take(unsigned int level, bool kernel)
{
	unsigned long idx, flags;

	spin_lock_irqsave(&pool_lock, flags);
	idx = find_next_zero_bit(pool_map, pool_stats.total, pool_next);
	if (idx >= pool_stats.total)
		idx = find_first_zero_bit(pool_map, pool_stats.total);
	if (idx >= pool_stats.total) {
		spin_unlock_irqrestore(&pool_lock, flags);
		return -ENOMEM;
	}
	__set_bit(idx, pool_map);
	pool_next = idx + 1;
	pool_hand_out(idx, level, kernel);
	spin_unlock_irqrestore(&pool_lock, flags);
	return idx;
}

static void pool_put(unsigned long idx)
{
	unsigned long flags;

	spin_lock_irqsave(&pool_lock, flags);
	__clear_bit(idx, pool_map);
	pool_take_back(idx);
	spin_unlock_irqrestore(&pool_lock, flags);
}

static void pool_count(unsigned long *counter)
{
	unsigned long flags;

	spin_lock_irqsave(&pool_lock, flags);
	(*counter)++;
	spin_unlock_irqrestore(&pool_lock, flags);
}

/*
 * A recycled table of @from, handed out as a table of @level (still typed
 * at @from; counted as reused when it serves as it is), or -ENOENT.
 */
static long recycle_take(unsigned int from, unsigned int level, bool reuse,
			 bool kernel)
{
	unsigned long flags;
	long idx = -ENOENT;

	spin_lock_irqsave(&pool_lock, flags);
	if (recycled[from].count) {
		idx = recycled[from].idx[--recycled[from].count];
		pool_stats.recycled--;
		pool_stats.reused += reuse;
		pool_hand_out(idx, level, kernel);
	}
	spin_unlock_irqrestore(&pool_lock, flags);
	return idx;
}

/*
 * Keep a freed table typed for reuse if it is empty (a root: its user
 * half, the lower one) and there is room.
 */
static bool recycle_put(unsigned long idx, const void *table)
{
	unsigned int level = pool_level[idx];
	bool root = test_bit(idx, root_map);
	unsigned long flags;
	bool kept = false;

	if (memchr_inv(table, 0, root ? PAGE_SIZE / 2 : PAGE_SIZE))
		return false;
	spin_lock_irqsave(&pool_lock, flags);
	if (recycled[level].count < READ_ONCE(pvmmu_recycle)) {
		recycled[level].idx[recycled[level].count++] = idx;
		pool_take_back(idx);
		pool_stats.recycled++;
		kept = true;
	}
	spin_unlock_irqrestore(&pool_lock, flags);
	return kept;
}

/*
 * The pool is dry: release a recycled table of another level so that it
 * can be typed at @level. Returns its index, handed out, or -ENOMEM.
 */
static long recycle_steal(unsigned int level, bool kernel)
{
	unsigned int from;
	long idx;

	for (from = 0; from <= SBI_PVMMU_MAX_LEVEL; from++) {
		idx = recycle_take(from, level, false, kernel);
		if (idx < 0)
			continue;
		if (!pvmmu_get_backend()->release_table(pool_pa(idx))) {
			pool_count(&pool_stats.released);
			return idx;
		}
		/* Still typed: keep it out of circulation. */
		pool_count(&pool_stats.release_failures);
	}
	return -ENOMEM;
}

static long pool_take_or_steal(unsigned int level, bool kernel)
{
	long idx = pool_take(level, kernel);

	return idx < 0 ? recycle_steal(level, kernel) : idx;
}

static bool mm_over_bound(struct mm_struct *mm)
{
	unsigned int max = READ_ONCE(mm_max_tables);

	return max && mm && mm != &init_mm &&
	       mm_pgtables_bytes(mm) >= ((unsigned long)max << PAGE_SHIFT);
}

/*
 * A table refused to @mm: a user fault that needed it returns VM_FAULT_OOM,
 * and riscv's fault handler raises SIGBUS instead of retrying the fault
 * forever (the OOM killer cannot free pool pages).
 */
static void refuse_table(struct mm_struct *mm)
{
	if (mm && mm != &init_mm)
		WRITE_ONCE(mm->context.pvmmu_refused, 1);
}

bool pvmmu_take_refusal(struct mm_struct *mm)
{
	return pvmmu_active() && mm && xchg(&mm->context.pvmmu_refused, 0);
}

/*
 * The page as the page allocator would hand it out: ->private clear
 * (post_alloc_hook()), which ptlock_init() checks. A pool page keeps the
 * split lock word of the table it was before (a ticket lock is not zero
 * once it has been taken).
 */
static struct ptdesc *table_ptdesc(unsigned long idx)
{
	struct page *page = phys_to_page(pool_pa(idx));

	set_page_private(page, 0);
	return page_ptdesc(page);
}

/* A table typed with PT_REGISTER @flags, for @mm. */
static struct ptdesc *alloc_table(struct mm_struct *mm, unsigned int level,
				  unsigned long flags)
{
	bool root = flags & SBI_PVMMU_PT_ROOT;
	bool kernel = mm == &init_mm || (flags & SBI_PVMMU_PT_KERNEL);
	phys_addr_t pa;
	long idx;
	int err;

	this_cpu_inc(pvmmu_cpu_stats.hook_calls[PVMMU_HOOK_ALLOC_TABLE]);
	if (!root && mm_over_bound(mm)) {
		pool_count(&pool_stats.mm_limited);
		refuse_table(mm);
		return NULL;
	}
	/* A recycled root carries a user root's kernel half: not for us */
	idx = -ENOENT;
	if (!(flags & SBI_PVMMU_PT_KERNEL))
		idx = recycle_take(level, level, true, kernel);
	if (idx >= 0)
		return table_ptdesc(idx);
	idx = pool_take_or_steal(level, kernel);
	if (idx < 0 && !kernel) {
		/*
		 * Tables that exits and munmaps freed wait for an RCU grace
		 * period before they return: let those land once before
		 * refusing (user tables are allocated where GFP_PGTABLE_USER
		 * may sleep; a kernel table may be wanted where nothing can).
		 */
		rcu_barrier();
		idx = pool_take_or_steal(level, kernel);
	}
	if (idx < 0) {
		pool_count(&pool_stats.exhausted);
		pr_warn_ratelimited("page-table pool exhausted (%s[%d])\n",
				    current->comm, task_pid_nr(current));
		refuse_table(mm);
		return NULL;
	}

	pa = pool_pa(idx);
	err = pvmmu_get_backend()->register_table(pa, level, flags);
	if (err) {
		pool_put(idx);
		pool_count(&pool_stats.register_failures);
		pvmmu_reject_task(PVMMU_REJECT_REGISTER, pa, level, err);
		return NULL;
	}
	pool_count(&pool_stats.registered);
	return table_ptdesc(idx);
}

/*
 * A page table of @level for @mm (init_mm included), typed by the backend,
 * or NULL when the pool is exhausted or @mm holds its bound of tables (a
 * user fault then gets SIGBUS, fork and mremap -ENOMEM) or the firmware
 * refuses. The caller runs the usual ptdesc constructor.
 */
struct ptdesc *pvmmu_alloc_table(struct mm_struct *mm, unsigned int level)
{
	return alloc_table(mm, level, level == pvmmu_root_level() ?
				      SBI_PVMMU_PT_ROOT : 0);
}

/* The root adoption builds: its kernel half is written, not copied. */
struct ptdesc *pvmmu_alloc_kernel_root(void)
{
	return alloc_table(&init_mm, pvmmu_root_level(),
			   SBI_PVMMU_PT_ROOT | SBI_PVMMU_PT_KERNEL);
}

bool pvmmu_free_table(struct ptdesc *ptdesc)
{
	phys_addr_t pa = page_to_phys(ptdesc_page(ptdesc));
	unsigned long idx = (pa - pvmmu_pool_pa) >> PAGE_SHIFT;
	int err;

	if (!pvmmu_owns(ptdesc_address(ptdesc)))
		return false;

	this_cpu_inc(pvmmu_cpu_stats.hook_calls[PVMMU_HOOK_FREE_TABLE]);
	/* An unlink of this table may still be queued on this CPU. */
	pvmmu_flush_pending(PVMMU_FLUSH_SYNC);
	if (recycle_put(idx, ptdesc_address(ptdesc)))
		return true;
	err = pvmmu_get_backend()->release_table(pa);
	if (err) {
		/* Still typed (e.g. still linked): keep it out of circulation. */
		pr_warn_ratelimited("firmware refused to release table %pa: %d\n",
				    &pa, err);
		pool_count(&pool_stats.release_failures);
		return true;
	}
	pool_put(idx);
	pool_count(&pool_stats.released);
	return true;
}

void pvmmu_pool_get_stats(struct pvmmu_pool_stats *stats)
{
	unsigned long flags;

	spin_lock_irqsave(&pool_lock, flags);
	*stats = pool_stats;
	stats->recycled_roots = recycled[pvmmu_root_level()].count;
	spin_unlock_irqrestore(&pool_lock, flags);
}
