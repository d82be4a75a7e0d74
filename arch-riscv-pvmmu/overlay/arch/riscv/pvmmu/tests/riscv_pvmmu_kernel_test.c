// SPDX-License-Identifier: GPL-2.0-only
/*
 * riscv_pvmmu_kernel: KUnit checks that the kernel's own page tables live
 * in the firmware's pool, and of the firmware's kernel rules.
 *
 * - Every table reachable from init_mm's root and from a new user root is
 *   a pool table; the user root's kernel half is the kernel root's.
 * - A plain store to a kernel table faults; the adopted root is frozen.
 * - vmalloc, vmap, ioremap, set_memory_*() and an executable allocation
 *   work end to end through the firmware.
 * - A writable and executable kernel leaf, a writable leaf over the
 *   kernel text, a writable leaf over the pool and any leaf over the
 *   firmware are refused with SBI_ERR_DENIED and change nothing.
 * - The locked text changes only through the firmware: a static key of
 *   this file switches both ways, its site switched by hand runs its new
 *   path, and any other write there is refused.
 */

#include <kunit/test.h>
#include <linux/cacheflush.h>
#include <linux/io.h>
#include <linux/jump_label.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/set_memory.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/patch.h>
#include <asm/pvmmu.h>
#include <asm/sbi.h>
#include <asm/sections.h>

#include "../pvmmu.h"

/* QEMU virt: the firmware's first page and the ns16550 UART. */
#define FIRMWARE_PA	0x80000000UL
#define UART_PA		0x10000000UL

static int pvmmu_kernel_init(struct kunit *test)
{
	if (!pvmmu_active())
		kunit_skip(test, "pvmmu is not active");
	return 0;
}

/* An entry as the hardware sees it now (and short KUnit messages). */
static unsigned long entry_now(const unsigned long *entry)
{
	return READ_ONCE(*entry);
}

/* Entries the firmware rejected so far, all CPUs. */
static unsigned long rejected_entries(void)
{
	struct pvmmu_cpu_stats sum;

	pvmmu_sum_cpu_stats(&sum);
	return sum.failures;
}

/* The leaf entry that maps kernel address @addr (any level). */
static unsigned long *kernel_leaf(struct kunit *test, unsigned long addr)
{
	pgd_t *pgd = pgd_offset_k(addr);
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;

	KUNIT_ASSERT_FALSE(test, pgd_none(pgdp_get(pgd)));
	p4d = p4d_offset(pgd, addr);
	if (p4d_leaf(p4dp_get(p4d)))
		return (unsigned long *)p4d;
	pud = pud_offset(p4d, addr);
	if (pud_leaf(pudp_get(pud)))
		return (unsigned long *)pud;
	pmd = pmd_offset(pud, addr);
	if (pmd_leaf(pmdp_get(pmd)))
		return (unsigned long *)pmd;
	KUNIT_ASSERT_FALSE(test, pmd_none(pmdp_get(pmd)));
	return (unsigned long *)pte_offset_kernel(pmd, addr);
}

/* One raw UPDATE entry through this CPU's buffer. */
static struct sbiret raw_store(unsigned long *entry, unsigned long value)
{
	struct sbi_pvmmu_entry *batch;
	struct sbiret ret;
	unsigned long flags;

	local_irq_save(flags);
	batch = pvmmu_cpu_buffer(smp_processor_id());
	batch[0].target = __pa(entry) | SBI_PVMMU_OP_STORE;
	batch[0].value = value;
	ret = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_UPDATE, 1, 0, 0, 0, 0, 0);
	local_irq_restore(flags);
	return ret;
}

/* @table (at @level) and the tables below it that are not pool pages. */
static unsigned int tables_outside_pool(unsigned long *table,
					unsigned int level, unsigned int first,
					unsigned int *count)
{
	unsigned int i, outside = 0;
	unsigned long e;

	if (!pvmmu_owns(table))
		outside++;
	(*count)++;
	for (i = first; level && i < PTRS_PER_PTE; i++) {
		e = READ_ONCE(table[i]);
		if ((e & _PAGE_PRESENT) && !(e & _PAGE_LEAF))
			outside += tables_outside_pool(__va(PFN_PHYS(e >> _PAGE_PFN_SHIFT)),
						       level - 1, 0, count);
	}
	return outside;
}

/* init_mm's whole tree and a new mm's kernel half are pool tables. */
static void kernel_tables_in_pool(struct kunit *test)
{
	unsigned long *kroot = (unsigned long *)init_mm.pgd, *uroot;
	unsigned int level = pvmmu_root_level(), count = 0;
	struct pvmmu_pool_stats stats;
	struct mm_struct *mm;
	struct sbiret ret;

	KUNIT_EXPECT_PTR_NE(test, (void *)kroot, (void *)swapper_pg_dir);
	ret = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_GET_INFO,
			SBI_PVMMU_INFO_KERNEL_ROOT, 0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, 0L);
	KUNIT_EXPECT_EQ(test, ret.value, (long)__pa(kroot));
	KUNIT_EXPECT_EQ(test, pvmmu_kernel_root_pa, __pa(kroot));

	KUNIT_EXPECT_EQ(test, tables_outside_pool(kroot, level, 0, &count), 0U);
	kunit_info(test, "kernel tree: %u tables, all in the pool\n", count);
	pvmmu_pool_get_stats(&stats);
	KUNIT_EXPECT_GE(test, stats.kernel, (unsigned long)count);

	/* A user root links the very same kernel tables. */
	mm = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, mm);
	uroot = (unsigned long *)mm->pgd;
	KUNIT_EXPECT_TRUE(test, pvmmu_owns(uroot));
	KUNIT_EXPECT_EQ(test, memcmp(uroot + PTRS_PER_PGD / 2,
				     kroot + PTRS_PER_PGD / 2, PAGE_SIZE / 2), 0);
	count = 0;
	KUNIT_EXPECT_EQ(test, tables_outside_pool(uroot, level, PTRS_PER_PGD / 2,
						  &count), 0U);
	mmput(mm);
}

/* S-mode cannot store to a kernel table, nor change the frozen root. */
static void kernel_tables_read_only(struct kunit *test)
{
	void *buf = vmalloc(PAGE_SIZE);
	unsigned long *pte, *top, junk = 0, before;
	struct sbiret ret;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	pte = kernel_leaf(test, (unsigned long)buf);
	KUNIT_EXPECT_TRUE(test, pvmmu_owns(pte));
	before = entry_now(pte);
	KUNIT_EXPECT_EQ(test, copy_to_kernel_nofault(pte, &junk, sizeof(junk)),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, entry_now(pte), before);

	top = (unsigned long *)pgd_offset_k((unsigned long)buf);
	before = entry_now(top);
	KUNIT_EXPECT_EQ(test, copy_to_kernel_nofault(top, &junk, sizeof(junk)),
			-EFAULT);
	ret = raw_store(top, 0);
	KUNIT_EXPECT_EQ(test, ret.error, (long)SBI_ERR_DENIED);
	KUNIT_EXPECT_EQ(test, entry_now(top), before);
	vfree(buf);
}

/* vmalloc, vmap and ioremap map and unmap through the firmware. */
static void kernel_vmalloc_vmap_ioremap(struct kunit *test)
{
	unsigned long rejected = rejected_entries();
	struct page *pages[4];
	void __iomem *io;
	u8 *buf, *map;
	int i;

	buf = vmalloc(16 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_TRUE(test, pvmmu_owns(kernel_leaf(test, (unsigned long)buf)));
	for (i = 0; i < 16; i++)
		buf[i * PAGE_SIZE + 7] = i;
	for (i = 0; i < 16; i++)
		KUNIT_EXPECT_EQ(test, buf[i * PAGE_SIZE + 7], i);
	vfree(buf);

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	}
	map = vmap(pages, ARRAY_SIZE(pages), VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, map);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		map[i * PAGE_SIZE] = 0x5a + i;
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		KUNIT_EXPECT_EQ(test, *(u8 *)page_address(pages[i]), 0x5a + i);
	vunmap(map);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		__free_page(pages[i]);

	io = ioremap(UART_PA, PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, io);
	KUNIT_EXPECT_TRUE(test, pvmmu_owns(kernel_leaf(test, (unsigned long)io)));
	/* The line status register of a live UART is never all ones */
	KUNIT_EXPECT_NE(test, readb(io + 5), 0xff);
	iounmap(io);

	KUNIT_EXPECT_EQ(test, rejected_entries(), rejected);
}

/* set_memory_*(): RO, RW, RX allowed; W+X refused, entry unchanged. */
static void kernel_set_memory_transitions(struct kunit *test)
{
	unsigned long addr, *pte, rejected, before;
	u8 *buf = vmalloc(PAGE_SIZE), junk = 1;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	addr = (unsigned long)buf;
	pte = kernel_leaf(test, addr);

	KUNIT_EXPECT_EQ(test, set_memory_ro(addr, 1), 0);
	KUNIT_EXPECT_FALSE(test, entry_now(pte) & _PAGE_WRITE);
	KUNIT_EXPECT_EQ(test, copy_to_kernel_nofault(buf, &junk, 1), -EFAULT);
	KUNIT_EXPECT_EQ(test, set_memory_rw(addr, 1), 0);
	KUNIT_EXPECT_TRUE(test, entry_now(pte) & _PAGE_WRITE);
	KUNIT_EXPECT_EQ(test, copy_to_kernel_nofault(buf, &junk, 1), 0);

	/* RW -> RWX: the firmware refuses, the page stays RW. */
	rejected = rejected_entries();
	before = entry_now(pte);
	set_memory_x(addr, 1);
	KUNIT_EXPECT_GT(test, rejected_entries(), rejected);
	KUNIT_EXPECT_EQ(test, entry_now(pte), before);

	/* RO -> RX is fine; RX -> RWX is refused again. */
	KUNIT_EXPECT_EQ(test, set_memory_ro(addr, 1), 0);
	KUNIT_EXPECT_EQ(test, set_memory_x(addr, 1), 0);
	KUNIT_EXPECT_TRUE(test, entry_now(pte) & _PAGE_EXEC);
	rejected = rejected_entries();
	before = entry_now(pte);
	set_memory_rw(addr, 1);
	KUNIT_EXPECT_GT(test, rejected_entries(), rejected);
	KUNIT_EXPECT_EQ(test, entry_now(pte), before);

	KUNIT_EXPECT_EQ(test, set_memory_nx(addr, 1), 0);
	KUNIT_EXPECT_EQ(test, set_memory_rw(addr, 1), 0);
	KUNIT_EXPECT_EQ(test, entry_now(pte) & (_PAGE_WRITE | _PAGE_EXEC),
			(unsigned long)_PAGE_WRITE);
	vfree(buf);
}

/* Code written to a fresh allocation, made RX, runs; then torn down. */
static void kernel_exec_round_trip(struct kunit *test)
{
	static const u32 ret_insn = 0x00008067;	/* jalr x0, 0(ra) */
	unsigned long rejected = rejected_entries();
	void (*fn)(void);
	u32 *code;

	code = vmalloc(PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, code);
	code[0] = ret_insn;
	KUNIT_ASSERT_EQ(test, set_memory_rox((unsigned long)code, 1), 0);
	flush_icache_range((unsigned long)code, (unsigned long)code + 4);
	fn = (void (*)(void))code;
	fn();
	KUNIT_EXPECT_EQ(test, set_memory_nx((unsigned long)code, 1), 0);
	KUNIT_EXPECT_EQ(test, set_memory_rw((unsigned long)code, 1), 0);
	code[0] = 0;
	vfree(code);
	KUNIT_EXPECT_EQ(test, rejected_entries(), rejected);
}

/* The firmware's kernel rules: the error, and the entry unchanged. */
static void kernel_rules_refused(struct kunit *test)
{
	void *buf = vmalloc(PAGE_SIZE);
	unsigned long pool_pa = __pa(pvmmu_pool_va), *pte, orig, val, pfn;
	const struct {
		const char *what;
		unsigned long pa;	/* 0: the page's own */
		pgprot_t prot;
		long error;
	} cases[] = {
		{ "W+X kernel leaf", 0, PAGE_KERNEL_EXEC, SBI_ERR_DENIED },
		{ "R+X kernel leaf", 0, PAGE_KERNEL_READ_EXEC, 0 },
		{ "writable kernel text", __pa_symbol(_stext), PAGE_KERNEL,
		  SBI_ERR_DENIED },
		{ "read-only kernel text", __pa_symbol(_stext), PAGE_KERNEL_READ, 0 },
		{ "writable pool page", pool_pa, PAGE_KERNEL, SBI_ERR_DENIED },
		{ "read-only pool page", pool_pa, PAGE_KERNEL_READ, 0 },
		{ "executable pool page", pool_pa, PAGE_KERNEL_READ_EXEC,
		  SBI_ERR_DENIED },
		{ "read-only firmware", FIRMWARE_PA, PAGE_KERNEL_READ,
		  SBI_ERR_DENIED },
	};
	struct sbiret ret;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	pte = kernel_leaf(test, (unsigned long)buf);
	orig = entry_now(pte);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		pfn = pte_pfn(__pte(orig));
		if (cases[i].pa)
			pfn = PHYS_PFN(cases[i].pa);
		val = pte_val(pfn_pte(pfn, cases[i].prot));
		ret = raw_store(pte, val);
		KUNIT_EXPECT_EQ_MSG(test, ret.error, cases[i].error, "%s",
				    cases[i].what);
		if (ret.error)
			KUNIT_EXPECT_EQ_MSG(test, entry_now(pte), orig, "%s changed it",
					    cases[i].what);
		else
			KUNIT_EXPECT_EQ_MSG(test, entry_now(pte), val, "%s",
					    cases[i].what);
		KUNIT_EXPECT_EQ(test, raw_store(pte, orig).error, 0L);
		flush_tlb_kernel_range((unsigned long)buf,
				       (unsigned long)buf + PAGE_SIZE);
	}
	vfree(buf);
}

static DEFINE_STATIC_KEY_FALSE(text_test_key);

static noinline int text_test_branch(void)
{
	if (static_branch_unlikely(&text_test_key))
		return 2;
	return 1;
}

/* A static key of the locked text switches through the firmware. */
static void kernel_text_jump_label(struct kunit *test)
{
	long pokes = pvmmu_sbi_fw_stat(SBI_PVMMU_STAT_TEXT_POKES);

	if (!IS_ENABLED(CONFIG_JUMP_LABEL))
		kunit_skip(test, "static keys patch no text without JUMP_LABEL");
	if (!pvmmu_text_locked((void *)text_test_branch, 4))
		kunit_skip(test, "this suite does not lie in the locked text");
	KUNIT_EXPECT_EQ(test, text_test_branch(), 1);
	static_branch_enable(&text_test_key);
	KUNIT_EXPECT_EQ(test, text_test_branch(), 2);
	KUNIT_EXPECT_GT(test, pvmmu_sbi_fw_stat(SBI_PVMMU_STAT_TEXT_POKES),
			pokes);
	static_branch_disable(&text_test_key);
	KUNIT_EXPECT_EQ(test, text_test_branch(), 1);
	KUNIT_EXPECT_GE(test, pvmmu_sbi_fw_stat(SBI_PVMMU_STAT_TEXT_POKES),
			pokes + 2);
}

/* text_test_branch()'s site of text_test_key and its target, if any */
static bool text_test_site(u32 **site, unsigned long *target)
{
#ifdef CONFIG_JUMP_LABEL
	struct jump_entry *e;

	for (e = __start___jump_table; e < __stop___jump_table; e++) {
		if (jump_entry_key(e) == &text_test_key.key) {
			*site = (u32 *)jump_entry_code(e);
			*target = jump_entry_target(e);
			return true;
		}
	}
#endif
	return false;
}

/* A word of the text as it is now (and short KUnit messages). */
static u32 text_now(const u32 *word)
{
	return READ_ONCE(*word);
}

/* A site switched by hand runs its new path; anything else is refused. */
static void kernel_text_poke(struct kunit *test)
{
	u32 nop = SBI_PVMMU_INSN_NOP, ebreak = 0x00100073, jump, next_insn;
	unsigned long target;
	u32 *site, *next;
	int err;

	if (!text_test_site(&site, &target)) {
		/* No sites given: the locked text can never be patched */
		site = (u32 *)ALIGN_DOWN((unsigned long)text_test_branch, 4);
		if (!pvmmu_text_locked(site, sizeof(*site)))
			kunit_skip(test, "this suite does not lie in the locked text");
		next_insn = text_now(site);
		KUNIT_EXPECT_EQ(test, pvmmu_patch_text(site, &nop, 4), -EPERM);
		KUNIT_EXPECT_EQ(test, text_now(site), next_insn);
		return;
	}
	next = site + 1;
	jump = sbi_pvmmu_insn_jal_x0(target - (unsigned long)site);
	if (!pvmmu_text_locked(site, sizeof(*site)))
		kunit_skip(test, "this suite does not lie in the locked text");
	KUNIT_ASSERT_EQ(test, text_now(site), nop);
	KUNIT_EXPECT_EQ(test, text_test_branch(), 1);
	KUNIT_EXPECT_EQ(test, pvmmu_patch_text(site, &jump, 4), 0);
	flush_icache_all();
	KUNIT_EXPECT_EQ(test, text_now(site), jump);
	KUNIT_EXPECT_EQ(test, text_test_branch(), 2);
	KUNIT_EXPECT_EQ(test, pvmmu_patch_text(site, &nop, 4), 0);
	flush_icache_all();
	KUNIT_EXPECT_EQ(test, text_test_branch(), 1);

	/* patch_text_nosync(), as kernel text patching calls it */
	mutex_lock(&text_mutex);
	err = patch_text_nosync(site, &jump, 4);
	mutex_unlock(&text_mutex);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, text_test_branch(), 2);

	/* refused, with nothing written */
	next_insn = text_now(next);
	KUNIT_EXPECT_EQ(test, pvmmu_patch_text(next, &nop, 4), -EPERM);
	KUNIT_EXPECT_EQ(test, text_now(next), next_insn);
	jump = sbi_pvmmu_insn_jal_x0(4);	/* a jump elsewhere */
	KUNIT_EXPECT_EQ(test, pvmmu_patch_text(site, &jump, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, pvmmu_patch_text(site, &ebreak, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, pvmmu_patch_text(site, &nop, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, pvmmu_patch_text((void *)site + 2, &nop, 4),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, pvmmu_patch_text(__start_rodata, &nop, 4),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, text_test_branch(), 2);

	KUNIT_EXPECT_EQ(test, pvmmu_patch_text(site, &nop, 4), 0);
	flush_icache_all();
	KUNIT_EXPECT_EQ(test, text_test_branch(), 1);
}

static struct kunit_case riscv_pvmmu_kernel_cases[] = {
	KUNIT_CASE(kernel_tables_in_pool),
	KUNIT_CASE(kernel_tables_read_only),
	KUNIT_CASE(kernel_vmalloc_vmap_ioremap),
	KUNIT_CASE(kernel_set_memory_transitions),
	KUNIT_CASE(kernel_exec_round_trip),
	KUNIT_CASE(kernel_rules_refused),
	KUNIT_CASE(kernel_text_jump_label),
	KUNIT_CASE(kernel_text_poke),
	{}
};

static struct kunit_suite riscv_pvmmu_kernel_suite = {
	.name = "riscv_pvmmu_kernel",
	.init = pvmmu_kernel_init,
	.test_cases = riscv_pvmmu_kernel_cases,
};

kunit_test_suite(riscv_pvmmu_kernel_suite);

MODULE_DESCRIPTION("KUnit tests of pvmmu's kernel tables and kernel rules");
MODULE_LICENSE("GPL");
