// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvmmu adoption: the kernel's own page tables move into the pool.
 *
 * At boot (pvmmu_boot_init(), before the secondary harts come up) the tree
 * under swapper_pg_dir is rebuilt bottom-up from pool tables: each table
 * is typed at its level, its entries are written through the firmware,
 * which validates each against the kernel rules (W^X, no writable view of
 * the pool, nothing over the firmware), and the root is registered as a
 * kernel root under construction. KERNEL_ADOPT then makes it the kernel
 * root and switches this hart to it; init_mm.pgd follows, harts brought
 * up later start on it (head.S reads pvmmu_kernel_root_pa), the kernel
 * text is locked against writable mappings and the old tables that the
 * boot allocated go back to the page allocator.
 *
 * Two changes are made on the way, because the firmware refuses the
 * boot mappings as they are: a leaf that maps pool pages becomes
 * read-only (the linear map only ever reads page tables), and a huge leaf
 * that covers the pool and other RAM is split so that only the pool part
 * loses its write permission.
 *
 * From then on every kernel page-table write goes through the ops like a
 * user one, and every kernel table comes from the pool (asm/pgalloc.h,
 * pageattr.c, sparse-vmemmap.c, fixmap).
 */

#define pr_fmt(fmt) "pvmmu: " fmt

#include <linux/init.h>
#include <linux/irqflags.h>
#include <linux/jump_label.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/sched/clock.h>
#include <asm/pvmmu.h>
#include <asm/sections.h>

#include "pvmmu.h"

/* Physical address of the adopted kernel root, for head.S; 0 before. */
unsigned long pvmmu_kernel_root_pa __ro_after_init;
unsigned int pvmmu_kernel_links __ro_after_init;

static phys_addr_t pool_lo __initdata, pool_hi __initdata;

struct adopt_count {
	unsigned int tables;	/* pool tables built */
	unsigned int entries;	/* entries written through the firmware */
	unsigned int split;	/* huge leaves split around the pool */
	unsigned int freed;	/* boot tables given back */
};

static struct adopt_count adopted __initdata;

static phys_addr_t __init entry_pa(unsigned long e)
{
	return (phys_addr_t)((e & _PAGE_PFN_MASK) >> _PAGE_PFN_SHIFT) << PAGE_SHIFT;
}

static unsigned long __init table_entry(phys_addr_t pa)
{
	return ((pa >> PAGE_SHIFT) << _PAGE_PFN_SHIFT) | _PAGE_TABLE;
}

static bool __init is_table(unsigned long e)
{
	return (e & _PAGE_PRESENT) && !(e & _PAGE_LEAF);
}

static long __init adopt_table(phys_addr_t old, unsigned int level);
static long __init split_leaf(unsigned long leaf, unsigned int level);

/* Write @e, adopted, into slot @slot of a pool table at @level. */
static int __init adopt_entry(unsigned long *slot, unsigned long e,
			      unsigned int level)
{
	phys_addr_t pa = entry_pa(e), size = PAGE_SIZE << (9 * level);
	long child = 0;

	if (is_table(e)) {
		child = adopt_table(pa, level - 1);
	} else if ((e & _PAGE_PRESENT) && pa < pool_hi && pa + size > pool_lo) {
		if (pa >= pool_lo && pa + size <= pool_hi)
			e &= ~(_PAGE_WRITE | _PAGE_EXEC | _PAGE_DIRTY);
		else if (level)
			child = split_leaf(e, level - 1);
		else
			return -EINVAL;	/* a page cannot straddle the pool */
	}
	if (child < 0)
		return child;
	if (child)
		e = table_entry(child);
	pvmmu_queue(PVMMU_HOOK_ADOPT, slot, SBI_PVMMU_OP_STORE, e);
	adopted.entries++;
	return 0;
}

static unsigned long *__init new_table(unsigned int level)
{
	struct ptdesc *ptdesc = pvmmu_alloc_table(&init_mm, level);

	if (!ptdesc)
		return NULL;
	adopted.tables++;
	return ptdesc_address(ptdesc);
}

/* A pool table at @level holding the 512 pieces of a huge @leaf. */
static long __init split_leaf(unsigned long leaf, unsigned int level)
{
	unsigned long step = 1UL << (9 * level + _PAGE_PFN_SHIFT);
	unsigned long *table = new_table(level);
	unsigned int i;
	int err;

	if (!table)
		return -ENOMEM;
	adopted.split++;
	for (i = 0; i < PTRS_PER_PTE; i++) {
		err = adopt_entry(&table[i], leaf + i * step, level);
		if (err)
			return err;
	}
	return __pa(table);
}

/* A pool copy at @level of the boot table at @old (not the root). */
static long __init adopt_table(phys_addr_t old, unsigned int level)
{
	unsigned long *src = __va(old), *table = new_table(level), e;
	unsigned int i;
	int err;

	if (!table)
		return -ENOMEM;
	for (i = 0; i < PTRS_PER_PTE; i++) {
		e = READ_ONCE(src[i]);
		if (!e)
			continue;
		err = adopt_entry(&table[i], e, level);
		if (err)
			return err;
	}
	return __pa(table);
}

/* The kernel root: swapper_pg_dir's kernel half, rebuilt in the pool. */
static long __init adopt_root(void)
{
	unsigned long *src = (unsigned long *)swapper_pg_dir, *root, e;
	unsigned int i, level = pvmmu_root_level();
	struct ptdesc *ptdesc;
	int err;

	for (i = 0; i < PTRS_PER_PGD / 2; i++)
		if (READ_ONCE(src[i]))
			return -EINVAL;	/* the kernel root maps no user memory */
	ptdesc = pvmmu_alloc_kernel_root();
	if (!ptdesc)
		return -ENOMEM;
	adopted.tables++;
	root = ptdesc_address(ptdesc);
	for (i = PTRS_PER_PGD / 2; i < PTRS_PER_PGD; i++) {
		e = READ_ONCE(src[i]);
		if (!e)
			continue;
		err = adopt_entry(&root[i], e, level);
		if (err)
			return err;
	}
	return __pa(root);
}

/*
 * Give the boot tables below @pa (at @level) back: memblock's (reserved)
 * and the page allocator's (setup_vm_final() after memblock, with their
 * ptdesc constructor run); those in the image stay.
 */
static void __init free_boot_tables(phys_addr_t pa, unsigned int level)
{
	unsigned long *table = __va(pa), e;
	struct page *page = phys_to_page(pa);
	unsigned int i;

	for (i = 0; level && i < PTRS_PER_PTE; i++) {
		e = READ_ONCE(table[i]);
		if (is_table(e))
			free_boot_tables(entry_pa(e), level - 1);
	}
	if (pa >= __pa_symbol(_start) && pa < __pa_symbol(_end))
		return;	/* swapper_pg_dir, fixmap_pte...: part of the image */
	if (PageReserved(page)) {
		free_reserved_page(page);
	} else {
		/* The constructor of its level ran if the page is typed */
		if (PageTable(page) && level == PVMMU_LEVEL_PTE)
			pagetable_pte_dtor(page_ptdesc(page));
		else if (PageTable(page) && level == PVMMU_LEVEL_PMD)
			pagetable_pmd_dtor(page_ptdesc(page));
		else if (PageTable(page))
			pagetable_pud_dtor(page_ptdesc(page));
		pagetable_free(page_ptdesc(page));
	}
	adopted.freed++;
}

int __init pvmmu_adopt_kernel_tables(void)
{
	unsigned long failures, flags;
	u64 start = local_clock();	/* the clocksource is still jiffies */
	unsigned int i;
	long root;
	int err;

	pool_lo = __pa(pvmmu_pool_va);
	pool_hi = pool_lo + pvmmu_pool_bytes;

	/*
	 * The hooks go on before the tables move: until KERNEL_ADOPT no
	 * kernel entry lies in the pool, so they write natively (and new
	 * kernel tables come from the pool only once pvmmu_kernel_root_pa
	 * is set), and from then on a native write to a kernel table would
	 * be a store to the read-only pool. Switching the key patches the
	 * text (not locked yet) and may sleep, so it is done here, with
	 * interrupts on.
	 */
	static_branch_enable(&pvmmu_enabled);

	/*
	 * Only this CPU is up; with interrupts off nothing else writes a
	 * kernel table while the copy is made.
	 */
	local_irq_save(flags);
	failures = this_cpu_read(pvmmu_cpu_stats.failures);
	pvmmu_lazy_enter();
	root = adopt_root();
	pvmmu_lazy_leave();
	if (root >= 0 && this_cpu_read(pvmmu_cpu_stats.failures) != failures)
		root = -EPERM;	/* the firmware refused an entry: see the log */
	err = root < 0 ? root : pvmmu_sbi_adopt(root);
	if (!err) {
		init_mm.pgd = (pgd_t *)__va(root);
		WRITE_ONCE(pvmmu_kernel_root_pa, root);
	}
	local_irq_restore(flags);
	if (err)
		return err;

	/* Each is a link that every user root holds too (the agent checks) */
	for (i = PTRS_PER_PGD / 2; i < PTRS_PER_PGD; i++)
		pvmmu_kernel_links += is_table(READ_ONCE(((unsigned long *)init_mm.pgd)[i]));

	/* [_start, __init_begin): head and text, never writable again */
	err = pvmmu_lock_text();
	if (err)
		return err;

	free_boot_tables(__pa_symbol(swapper_pg_dir), pvmmu_root_level());
	pr_info("kernel tables adopted: %u tables, %u entries, %u huge leaves split, %u boot tables freed, text locked with %u jump-label sites, %llu us\n",
		adopted.tables, adopted.entries, adopted.split, adopted.freed,
		pvmmu_text_site_count(), (local_clock() - start) / NSEC_PER_USEC);
	return 0;
}

/* mark_rodata_ro(): the kernel's read-only data is read-only from now on. */
void pvmmu_lock_rodata(void)
{
	int err;

	if (!pvmmu_active())
		return;
	err = pvmmu_sbi_lock(SBI_PVMMU_LOCK_RODATA, __pa_symbol(__start_rodata),
			     _data - __start_rodata);
	/* A writable mapping of rodata is left somewhere: a kernel bug */
	if (WARN(err, "pvmmu: firmware refused to lock the read-only data: %d\n",
		 err))
		return;
	pr_info("read-only data locked\n");
}
