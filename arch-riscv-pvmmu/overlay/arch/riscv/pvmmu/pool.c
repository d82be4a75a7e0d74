// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvmmu page-table pool: the firmware carves it out of RAM, makes it
 * read-only to S-mode and describes it as /reserved-memory without
 * no-map, so every pool page keeps a struct page (split page-table locks,
 * ptdesc and page_table_check work unchanged; the pages keep PG_reserved
 * as they never reach the buddy allocator). This allocator hands pool
 * pages out as page tables of user address spaces; the firmware types
 * (and zeroes) each page on the way out and scrubs it on the way back.
 */

#define pr_fmt(fmt) "pvmmu: " fmt

#include <linux/bitmap.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <asm/pvmmu.h>

#include "pvmmu.h"

unsigned long pvmmu_pool_va __ro_after_init;
EXPORT_SYMBOL_GPL(pvmmu_pool_va);
unsigned long pvmmu_pool_bytes __ro_after_init;
EXPORT_SYMBOL_GPL(pvmmu_pool_bytes);

static phys_addr_t pool_base __ro_after_init;
static unsigned long *pool_map;		/* one bit per page, set = in use */
static unsigned long *root_map;		/* set = in use as a root (pgd) */
static unsigned long pool_next;		/* where the next search starts */
/*
 * Tables are freed from process context and from RCU callbacks (softirq,
 * __tlb_remove_table), so the lock is always taken with interrupts off.
 */
static DEFINE_SPINLOCK(pool_lock);
static struct pvmmu_pool_stats pool_stats;	/* under pool_lock */

int __init pvmmu_pool_init(phys_addr_t base, phys_addr_t size)
{
	unsigned long nr = size >> PAGE_SHIFT;

	if (!nr || !PAGE_ALIGNED(base) || !PAGE_ALIGNED(size))
		return -EINVAL;
	pool_map = bitmap_zalloc(nr, GFP_KERNEL);
	root_map = bitmap_zalloc(nr, GFP_KERNEL);
	if (!pool_map || !root_map) {
		bitmap_free(pool_map);
		bitmap_free(root_map);
		return -ENOMEM;
	}

	pool_base = base;
	pool_stats.total = nr;
	pvmmu_pool_va = (unsigned long)__va(base);
	pvmmu_pool_bytes = size;
	return 0;
}

static long pool_take(bool root)
{
	unsigned long idx, flags;

	spin_lock_irqsave(&pool_lock, flags);
	idx = find_next_zero_bit(pool_map, pool_stats.total, pool_next);
	if (idx >= pool_stats.total)
		idx = find_first_zero_bit(pool_map, pool_stats.total);
	if (idx >= pool_stats.total) {
		pool_stats.exhausted++;
		spin_unlock_irqrestore(&pool_lock, flags);
		return -ENOMEM;
	}
	__set_bit(idx, pool_map);
	if (root)
		__set_bit(idx, root_map);
	pool_next = idx + 1;
	pool_stats.used++;
	pool_stats.roots += root;
	pool_stats.high_water = max(pool_stats.high_water, pool_stats.used);
	spin_unlock_irqrestore(&pool_lock, flags);
	return idx;
}

static void pool_put(unsigned long idx)
{
	unsigned long flags;

	spin_lock_irqsave(&pool_lock, flags);
	__clear_bit(idx, pool_map);
	pool_stats.used--;
	pool_stats.roots -= __test_and_clear_bit(idx, root_map);
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
 * A page table of @level for @mm, typed by the backend, or NULL when the
 * pool is exhausted (the fault or fork then fails with -ENOMEM) or the
 * firmware refuses. The caller runs the usual ptdesc constructor.
 */
struct ptdesc *pvmmu_alloc_table(struct mm_struct *mm, unsigned int level)
{
	bool root = level == pvmmu_root_level();
	phys_addr_t pa;
	long idx;
	int err;

	this_cpu_inc(pvmmu_cpu_stats.hook_calls[PVMMU_HOOK_ALLOC_TABLE]);
	idx = pool_take(root);
	if (idx < 0) {
		pr_warn_ratelimited("page-table pool exhausted (%s[%d])\n",
				    current->comm, task_pid_nr(current));
		return NULL;
	}

	pa = pool_base + ((phys_addr_t)idx << PAGE_SHIFT);
	err = pvmmu_get_backend()->register_table(pa, level, root);
	if (err) {
		pr_warn_ratelimited("firmware refused table %pa level %u: %d\n",
				    &pa, level, err);
		pool_put(idx);
		pool_count(&pool_stats.register_failures);
		return NULL;
	}
	pool_count(&pool_stats.registered);
	return page_ptdesc(phys_to_page(pa));
}

bool pvmmu_free_table(struct ptdesc *ptdesc)
{
	phys_addr_t pa = page_to_phys(ptdesc_page(ptdesc));
	int err;

	if (!pvmmu_owns(ptdesc_address(ptdesc)))
		return false;

	this_cpu_inc(pvmmu_cpu_stats.hook_calls[PVMMU_HOOK_FREE_TABLE]);
	/* An unlink of this table may still be queued on this CPU. */
	pvmmu_flush_pending();
	err = pvmmu_get_backend()->release_table(pa);
	if (err) {
		/* Still typed (e.g. still linked): keep it out of circulation. */
		pr_warn_ratelimited("firmware refused to release table %pa: %d\n",
				    &pa, err);
		pool_count(&pool_stats.release_failures);
		return true;
	}
	pool_put((pa - pool_base) >> PAGE_SHIFT);
	pool_count(&pool_stats.released);
	return true;
}

void pvmmu_pool_get_stats(struct pvmmu_pool_stats *stats)
{
	unsigned long flags;

	spin_lock_irqsave(&pool_lock, flags);
	*stats = pool_stats;
	spin_unlock_irqrestore(&pool_lock, flags);
}
