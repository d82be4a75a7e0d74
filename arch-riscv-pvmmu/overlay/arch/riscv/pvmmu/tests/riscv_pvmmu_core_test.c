// SPDX-License-Identifier: GPL-2.0-only
/*
 * riscv_pvmmu_core: KUnit checks of pvmmu's ops layer against the real
 * firmware.
 *
 * - Every primitive and every kernel hook gives the same entry contents
 *   and return value as the native code on the same input.
 * - Every firmware invariant has a case that submits a violating update
 *   through the real SBI call, and checks the error code and that nothing
 *   changed.
 * - S-mode cannot store to a pool page (PMP), and pool exhaustion is
 *   survived.
 * - Freed empty tables (roots: empty user half) are recycled typed, others
 *   are released.
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/pgalloc.h>
#include <asm/pvmmu.h>
#include <asm/sbi.h>
#include <asm/sections.h>

#include "../pvmmu.h"

/* A page table of @level from the pool, released at the end of the test. */
static unsigned long *pool_table(struct kunit *test, unsigned int level)
{
	struct ptdesc *ptdesc;

	ptdesc = pvmmu_alloc_table(current->mm, level);
	KUNIT_ASSERT_NOT_NULL(test, ptdesc);
	return ptdesc_address(ptdesc);
}

static void release_table(struct kunit *test, void *table)
{
	KUNIT_EXPECT_TRUE(test, pvmmu_free_table(virt_to_ptdesc(table)));
}

/* A valid user leaf for a fresh page of ordinary RAM. */
static unsigned long user_leaf(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	return pte_val(pfn_pte(page_to_pfn(page), PAGE_SHARED_EXEC)) |
	       _PAGE_ACCESSED;
}

static unsigned long table_link(void *table)
{
	return (virt_to_pfn(table) << _PAGE_PFN_SHIFT) | _PAGE_TABLE;
}

static unsigned int saved_recycle;

static void pvmmu_core_exit(struct kunit *test)
{
	pvmmu_recycle = saved_recycle;
}

static int pvmmu_core_init(struct kunit *test)
{
	saved_recycle = pvmmu_recycle;
	if (!pvmmu_active())
		kunit_skip(test, "pvmmu is not active");
	return 0;
}

/* One entry through the native backend, on plain memory. */
static unsigned long native_op(unsigned long *word, unsigned int op,
			       unsigned long val)
{
	struct sbi_pvmmu_entry e = { .target = __pa(word) | op, .value = val };
	unsigned int applied;

	pvmmu_native_ops.submit(&e, 1, 0, &applied);
	return e.old;
}

/* The firmware's ops vs the native ones on the same input. */
static void core_primitives_match_native(struct kunit *test)
{
	static const struct {
		unsigned int op;
		unsigned long operand;
	} cases[] = {
		{ SBI_PVMMU_OP_STORE, 0 },
		{ SBI_PVMMU_OP_XCHG, 0 },
		{ SBI_PVMMU_OP_AND, ~(unsigned long)_PAGE_WRITE },
		{ SBI_PVMMU_OP_AND, ~(unsigned long)_PAGE_ACCESSED },
		{ SBI_PVMMU_OP_OR, _PAGE_DIRTY },
		{ SBI_PVMMU_OP_STORE_KEEP_AD, 0 },
	};
	unsigned long *table = pool_table(test, 0);
	unsigned long *native = kunit_kzalloc(test, sizeof(*native), GFP_KERNEL);
	unsigned long start, val, old_fw, old_native;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, native);
	start = user_leaf(test) | _PAGE_DIRTY;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		val = cases[i].operand;
		if (cases[i].op <= SBI_PVMMU_OP_XCHG ||
		    cases[i].op == SBI_PVMMU_OP_STORE_KEEP_AD)
			val = (start & ~(_PAGE_ACCESSED | _PAGE_DIRTY)) ^ _PAGE_EXEC;

		pvmmu_update_now(PVMMU_HOOK_BENCH, &table[i], SBI_PVMMU_OP_STORE, start);
		*native = start;
		old_fw = pvmmu_update_now(PVMMU_HOOK_BENCH, &table[i], cases[i].op, val);
		old_native = native_op(native, cases[i].op, val);
		KUNIT_EXPECT_EQ_MSG(test, old_fw, old_native, "op %u", cases[i].op);
		KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(table[i]), *native, "op %u",
				    cases[i].op);
		pvmmu_update_now(PVMMU_HOOK_BENCH, &table[i], SBI_PVMMU_OP_STORE, 0);
	}
	release_table(test, table);
}

/* The kernel hooks on pool entries vs the same hooks on plain memory. */
static void core_hooks_match_native(struct kunit *test)
{
	unsigned long *pool = pool_table(test, 0);
	unsigned long *plain = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	pte_t pte = __pte(user_leaf(test) | _PAGE_DIRTY);
	struct pvmmu_cpu_stats before, after;
	pte_t *pp = (pte_t *)pool, *np = (pte_t *)plain;
	unsigned long flags;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, plain);
	KUNIT_ASSERT_TRUE(test, pvmmu_owns(pool));
	KUNIT_ASSERT_FALSE(test, pvmmu_owns(plain));

	set_pte(&pp[0], pte);
	set_pte(&np[0], pte);
	KUNIT_EXPECT_EQ(test, pool[0], plain[0]);

	ptep_set_wrprotect(&init_mm, 0, &pp[0]);
	ptep_set_wrprotect(&init_mm, 0, &np[0]);
	KUNIT_EXPECT_EQ(test, pool[0], plain[0]);

	KUNIT_EXPECT_EQ(test, ptep_test_and_clear_young(NULL, 0, &pp[0]),
			ptep_test_and_clear_young(NULL, 0, &np[0]));
	KUNIT_EXPECT_EQ(test, pool[0], plain[0]);
	/* Already old: both report 0. */
	KUNIT_EXPECT_EQ(test, ptep_test_and_clear_young(NULL, 0, &pp[0]), 0);

	KUNIT_EXPECT_EQ(test, pte_val(ptep_get_and_clear(&init_mm, 0, &pp[0])),
			pte_val(ptep_get_and_clear(&init_mm, 0, &np[0])));
	KUNIT_EXPECT_EQ(test, pool[0], 0UL);

	/*
	 * set_ptes: nr entries in one firmware call. Counted on this CPU
	 * with interrupts off: the other CPUs and interrupt handlers make
	 * calls of their own meanwhile.
	 */
	local_irq_save(flags);
	before = *this_cpu_ptr(&pvmmu_cpu_stats);
	set_ptes(&init_mm, 0, &pp[8], pte, 16);
	after = *this_cpu_ptr(&pvmmu_cpu_stats);
	local_irq_restore(flags);
	set_ptes(&init_mm, 0, &np[8], pte, 16);
	for (i = 8; i < 24; i++)
		KUNIT_EXPECT_EQ_MSG(test, pool[i], plain[i], "entry %d", i);
	KUNIT_EXPECT_EQ(test, after.sbi_calls - before.sbi_calls, 1UL);
	KUNIT_EXPECT_EQ(test, after.entries - before.entries, 16UL);

	for (i = 0; i < 32; i++)
		pte_clear(&init_mm, 0, &pp[i]);
	for (i = 0; i < PTRS_PER_PTE; i++)
		KUNIT_EXPECT_EQ(test, pool[i], 0UL);
	release_table(test, pool);
}

/* Linking levels: pmd_populate, pmd_clear, huge PMD leaves. */
static void core_pmd_hooks(struct kunit *test)
{
	unsigned long *pmd_table = pool_table(test, 1);
	unsigned long *pte_table = pool_table(test, 0);
	struct vm_area_struct pmd_vma = { .vm_mm = &init_mm };
	pmd_t *pmdp = (pmd_t *)pmd_table;
	unsigned long huge, old;

	pmd_populate(&init_mm, &pmdp[3], virt_to_page(pte_table));
	KUNIT_EXPECT_EQ(test, pmd_table[3], table_link(pte_table));
	/* Linked: the firmware refuses to release it. */
	KUNIT_EXPECT_EQ(test, pvmmu_get_backend()->release_table(__pa(pte_table)),
			-EPERM);
	pmd_clear(&pmdp[3]);
	KUNIT_EXPECT_EQ(test, pmd_table[3], 0UL);

	/* A huge leaf over 2 MiB of RAM past the kernel image (not locked). */
	huge = pte_val(pfn_pte(PHYS_PFN(ALIGN(__pa_symbol(_end), SZ_2M)),
			       PAGE_SHARED)) | _PAGE_DIRTY;
	set_pmd_at(&init_mm, 0, &pmdp[5], __pmd(huge));
	KUNIT_EXPECT_EQ(test, pmd_table[5], huge);
	pmdp_set_wrprotect(&init_mm, 0, &pmdp[5]);
	KUNIT_EXPECT_EQ(test, pmd_table[5], huge & ~(unsigned long)_PAGE_WRITE);
	old = pmd_val(pmdp_establish(&pmd_vma, 0, &pmdp[5], __pmd(huge)));
	KUNIT_EXPECT_EQ(test, old, huge & ~(unsigned long)_PAGE_WRITE);
	old = pmd_val(pmdp_huge_get_and_clear(&init_mm, 0, &pmdp[5]));
	KUNIT_EXPECT_EQ(test, old, huge);
	KUNIT_EXPECT_EQ(test, pmd_table[5], 0UL);

	release_table(test, pte_table);
	release_table(test, pmd_table);
}

/* Submit one raw entry through this CPU's buffer; returns the sbiret. */
static struct sbiret raw_update(unsigned long target_pa, unsigned int op,
				unsigned long value)
{
	struct sbi_pvmmu_entry *batch;
	struct sbiret ret;
	unsigned long flags;

	local_irq_save(flags);
	batch = pvmmu_cpu_buffer(smp_processor_id());
	batch[0].target = target_pa | op;
	batch[0].value = value;
	ret = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_UPDATE, 1, 0, 0, 0, 0, 0);
	local_irq_restore(flags);
	return ret;
}

/* Rejected updates: the error, and not a single byte changed. */
static void core_invariants(struct kunit *test)
{
	unsigned long *pmd_table = pool_table(test, 1);
	unsigned long *other_pmd = pool_table(test, 1);
	unsigned long *pte_table = pool_table(test, 0);
	unsigned long *plain = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	unsigned long *snapshot = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	unsigned long leaf = user_leaf(test);
	unsigned long pool_pa = __pa(pvmmu_pool_va);
	const struct {
		const char *what;
		unsigned long *target;
		unsigned int op;
		unsigned long value;
		long error;
	} bad[] = {
		{ "write outside the pool", plain, SBI_PVMMU_OP_STORE, leaf,
		  SBI_ERR_INVALID_ADDRESS },
		{ "non-leaf to a page outside the pool", pmd_table,
		  SBI_PVMMU_OP_STORE, table_link(plain), SBI_ERR_DENIED },
		{ "level mismatch (pmd -> pmd)", pmd_table, SBI_PVMMU_OP_STORE,
		  table_link(other_pmd), SBI_ERR_DENIED },
		{ "non-leaf in a pte table", pte_table, SBI_PVMMU_OP_STORE,
		  table_link(pte_table), SBI_ERR_DENIED },
		{ "leaf mapping the pool", pte_table, SBI_PVMMU_OP_STORE,
		  pte_val(pfn_pte(PHYS_PFN(pool_pa), PAGE_SHARED)),
		  SBI_ERR_DENIED },
		{ "leaf mapping the firmware", pte_table, SBI_PVMMU_OP_STORE,
		  pte_val(pfn_pte(PHYS_PFN(0x80000000UL), PAGE_SHARED)),
		  SBI_ERR_DENIED },
		{ "misaligned huge leaf", pmd_table, SBI_PVMMU_OP_STORE,
		  leaf | BIT(_PAGE_PFN_SHIFT), SBI_ERR_INVALID_PARAM },
		{ "write-only leaf (reserved encoding)", pte_table,
		  SBI_PVMMU_OP_STORE, (leaf & ~(unsigned long)_PAGE_READ) |
		  _PAGE_WRITE, SBI_ERR_INVALID_PARAM },
		{ "reserved PTE bits", pte_table, SBI_PVMMU_OP_STORE,
		  leaf | BIT(55), SBI_ERR_INVALID_PARAM },
		{ "undefined op in the target's low bits", pte_table, 7, leaf,
		  SBI_ERR_INVALID_PARAM },
		{ "AND turning a leaf into a link to RAM", pte_table,
		  SBI_PVMMU_OP_AND, ~(unsigned long)(_PAGE_READ | _PAGE_WRITE |
		  _PAGE_EXEC), SBI_ERR_DENIED },
	};
	struct sbiret ret;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, plain);
	KUNIT_ASSERT_NOT_NULL(test, snapshot);
	/* The AND case needs a live leaf to start from. */
	set_pte((pte_t *)&pte_table[0], __pte(leaf));

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memcpy(snapshot, bad[i].target, PAGE_SIZE);
		ret = raw_update(__pa(bad[i].target), bad[i].op, bad[i].value);
		KUNIT_EXPECT_EQ_MSG(test, ret.error, bad[i].error, "%s", bad[i].what);
		KUNIT_EXPECT_EQ_MSG(test, ret.value, 0L, "%s", bad[i].what);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(snapshot, bad[i].target, PAGE_SIZE),
				    0, "%s changed the table", bad[i].what);
	}

	pte_clear(&init_mm, 0, (pte_t *)&pte_table[0]);
	release_table(test, pte_table);
	release_table(test, other_pmd);
	release_table(test, pmd_table);
}

/* A batch stops at the first bad entry: the prefix applies, the rest not. */
static void core_batch_stops_at_bad_entry(struct kunit *test)
{
	unsigned long *table = pool_table(test, 0);
	unsigned long leaf = user_leaf(test);
	struct sbi_pvmmu_entry *batch;
	unsigned long flags;
	struct sbiret ret;
	int i;

	local_irq_save(flags);
	batch = pvmmu_cpu_buffer(smp_processor_id());
	for (i = 0; i < 4; i++) {
		batch[i].target = __pa(&table[i]) | SBI_PVMMU_OP_STORE;
		batch[i].value = leaf;
	}
	batch[2].value = leaf | BIT(56);	/* reserved bit */
	ret = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_UPDATE, 4, 0, 0, 0, 0, 0);
	local_irq_restore(flags);

	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_INVALID_PARAM);
	KUNIT_EXPECT_EQ(test, ret.value, 2L);
	KUNIT_EXPECT_EQ(test, table[0], leaf);
	KUNIT_EXPECT_EQ(test, table[1], leaf);
	KUNIT_EXPECT_EQ(test, table[2], 0UL);
	KUNIT_EXPECT_EQ(test, table[3], 0UL);

	for (i = 0; i < 2; i++)
		pte_clear(&init_mm, 0, (pte_t *)&table[i]);
	release_table(test, table);
}

/* Typing rules: double register, release of untyped or linked pages. */
static void core_register_release(struct kunit *test)
{
	const struct pvmmu_mmu_ops *fw = pvmmu_get_backend();
	unsigned long *pmd_table = pool_table(test, 1);
	unsigned long *pte_table = pool_table(test, 0);
	struct sbiret ret;

	pvmmu_recycle = 0;	/* freed tables go back to the firmware */
	ret = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_PT_REGISTER, __pa(pte_table),
			0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_ALREADY_AVAILABLE);
	ret = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_PT_REGISTER,
			__pa(pte_table) + 8, 0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_INVALID_ADDRESS);
	ret = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_PT_REGISTER,
			__pa(pte_table), SBI_PVMMU_MAX_LEVEL + 1, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_INVALID_PARAM);

	set_pmd((pmd_t *)&pmd_table[0], __pmd(table_link(pte_table)));
	ret = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_PT_RELEASE, __pa(pte_table),
			0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_DENIED);
	KUNIT_EXPECT_EQ(test, pmd_table[0], table_link(pte_table));
	pmd_clear((pmd_t *)&pmd_table[0]);

	release_table(test, pte_table);
	/* Released: releasing again is refused, the page is untyped. */
	KUNIT_EXPECT_EQ(test, fw->release_table(__pa(pte_table)), -EINVAL);
	/* Pages outside the pool are never typed. */
	KUNIT_EXPECT_EQ(test, fw->release_table(__pa_symbol(_text)), -EFAULT);
	release_table(test, pmd_table);
}

/* The batch buffer must be ordinary RAM; counts must fit it. */
static void core_shmem_and_counts(struct kunit *test)
{
	unsigned long mine, fw_pa = 0x80000000UL;
	unsigned long pool_pa = __pa(pvmmu_pool_va);
	long max_batch;
	struct sbiret ret, restore;

	max_batch = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_GET_INFO,
			      SBI_PVMMU_INFO_MAX_BATCH, 0, 0, 0, 0, 0).value;
	KUNIT_EXPECT_GT(test, max_batch, 0L);

	ret = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_UPDATE, max_batch + 1,
			0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_INVALID_PARAM);
	ret = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_UPDATE, 0, 0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_INVALID_PARAM);

	/* Swap this CPU's buffer out and try hostile ones, then restore. */
	preempt_disable();
	mine = __pa(pvmmu_cpu_buffer(smp_processor_id()));
	/* Registered already: a second registration is refused. */
	ret = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, mine, 0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_ALREADY_AVAILABLE);
	ret = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM,
			SBI_PVMMU_SHMEM_DISABLE, SBI_PVMMU_SHMEM_DISABLE,
			0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, 0L);
	ret = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_UPDATE, 1, 0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_NO_SHMEM);
	ret = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, pool_pa, 0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_INVALID_ADDRESS);
	ret = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, fw_pa, 0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_INVALID_ADDRESS);
	ret = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, pool_pa - 64, 0,
			0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_INVALID_ADDRESS);
	ret = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, mine + 8, 0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_INVALID_PARAM);
	ret = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, mine, 1, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_INVALID_PARAM);
	restore = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_SET_SHMEM, mine, 0, 0, 0, 0, 0);
	preempt_enable();
	KUNIT_ASSERT_EQ(test, restore.error, 0L);
}

/* PMP: S-mode may read a pool page but a store faults and changes nothing. */
static void core_pool_is_read_only(struct kunit *test)
{
	unsigned long *table = pool_table(test, 0);
	unsigned long junk = 0xbad0bad0bad0bad0UL;

	KUNIT_EXPECT_EQ(test, READ_ONCE(table[7]), 0UL);
	KUNIT_EXPECT_EQ(test, copy_to_kernel_nofault(&table[7], &junk, sizeof(junk)),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, READ_ONCE(table[7]), 0UL);
	release_table(test, table);
}

/* Draining the pool fails allocations cleanly, and counts them. */
static void core_pool_exhaustion(struct kunit *test)
{
	struct pvmmu_pool_stats before, after;
	struct ptdesc **tables;
	unsigned long n = 0, i;

	/* A recycled PMD table: a dry pool retypes it as a PTE table. */
	pvmmu_recycle = PVMMU_DEFAULT_RECYCLE;
	release_table(test, pool_table(test, 1));
	pvmmu_pool_get_stats(&before);
	KUNIT_EXPECT_GT(test, before.recycled, 0UL);
	tables = kvcalloc(before.total + 1, sizeof(*tables), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tables);
	while (n <= before.total) {
		tables[n] = pvmmu_alloc_table(current->mm, PVMMU_LEVEL_PTE);
		if (!tables[n])
			break;
		n++;
	}
	pvmmu_pool_get_stats(&after);
	KUNIT_EXPECT_EQ(test, n, before.total - before.used);
	KUNIT_EXPECT_EQ(test, after.used, after.total);
	KUNIT_EXPECT_EQ(test, after.exhausted, before.exhausted + 1);
	KUNIT_EXPECT_EQ(test, after.recycled, 0UL);
	KUNIT_EXPECT_GT(test, after.released, before.released);
	KUNIT_EXPECT_NULL(test, pvmmu_alloc_table(current->mm, PVMMU_LEVEL_PTE));

	for (i = 0; i < n; i++)
		KUNIT_EXPECT_TRUE(test, pvmmu_free_table(tables[i]));
	kvfree(tables);
	pvmmu_pool_get_stats(&after);
	KUNIT_EXPECT_EQ(test, after.used, before.used);
}

/* An empty freed table stays typed and comes back without SBI calls. */
static void core_recycle(struct kunit *test)
{
	struct pvmmu_pool_stats s0, s1, s2;
	unsigned long *table, *again;
	struct sbiret ret;

	pvmmu_recycle = PVMMU_DEFAULT_RECYCLE;
	table = pool_table(test, 0);
	pvmmu_pool_get_stats(&s0);
	release_table(test, table);
	pvmmu_pool_get_stats(&s1);
	KUNIT_EXPECT_EQ(test, s1.recycled, s0.recycled + 1);
	KUNIT_EXPECT_EQ(test, s1.used, s0.used - 1);
	KUNIT_EXPECT_EQ(test, s1.released, s0.released);
	/* Still a typed table in the firmware: registering it is refused. */
	ret = sbi_ecall(SBI_EXT_PVMMU, SBI_PVMMU_PT_REGISTER, __pa(table),
			0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_ALREADY_AVAILABLE);

	again = pool_table(test, 0);
	pvmmu_pool_get_stats(&s2);
	KUNIT_EXPECT_PTR_EQ(test, again, table);
	KUNIT_EXPECT_EQ(test, s2.registered, s1.registered);
	KUNIT_EXPECT_EQ(test, s2.reused, s1.reused + 1);
	KUNIT_EXPECT_EQ(test, s2.recycled, s0.recycled);

	/* Not empty (its last entry is set): back to the firmware. */
	set_pte((pte_t *)&again[PTRS_PER_PTE - 1], __pte(user_leaf(test)));
	KUNIT_EXPECT_TRUE(test, pvmmu_free_table(virt_to_ptdesc(again)));
	pvmmu_pool_get_stats(&s1);
	KUNIT_EXPECT_EQ(test, s1.released, s2.released + 1);
	KUNIT_EXPECT_EQ(test, s1.recycled, s2.recycled);

	/* A recycled root still carries the kernel half of a fresh one. */
	table = pool_table(test, pvmmu_root_level());
	release_table(test, table);
	again = pool_table(test, pvmmu_root_level());
	KUNIT_EXPECT_PTR_EQ(test, again, table);
	KUNIT_EXPECT_EQ(test, memcmp(again + PTRS_PER_PGD / 2,
				     (unsigned long *)init_mm.pgd + PTRS_PER_PGD / 2,
				     PAGE_SIZE / 2), 0);
	release_table(test, again);

	/* pvmmu.recycle=0: every freed table is released. */
	pvmmu_recycle = 0;
	table = pool_table(test, 1);
	pvmmu_pool_get_stats(&s0);
	release_table(test, table);
	pvmmu_pool_get_stats(&s1);
	KUNIT_EXPECT_EQ(test, s1.released, s0.released + 1);
	KUNIT_EXPECT_EQ(test, s1.recycled, s0.recycled);
}

static struct kunit_case riscv_pvmmu_core_cases[] = {
	KUNIT_CASE(core_primitives_match_native),
	KUNIT_CASE(core_hooks_match_native),
	KUNIT_CASE(core_pmd_hooks),
	KUNIT_CASE(core_invariants),
	KUNIT_CASE(core_batch_stops_at_bad_entry),
	KUNIT_CASE(core_register_release),
	KUNIT_CASE(core_shmem_and_counts),
	KUNIT_CASE(core_pool_is_read_only),
	KUNIT_CASE(core_pool_exhaustion),
	KUNIT_CASE(core_recycle),
	{}
};

static struct kunit_suite riscv_pvmmu_core_suite = {
	.name = "riscv_pvmmu_core",
	.init = pvmmu_core_init,
	.exit = pvmmu_core_exit,
	.test_cases = riscv_pvmmu_core_cases,
};

kunit_test_suite(riscv_pvmmu_core_suite);

MODULE_DESCRIPTION("KUnit tests of pvmmu's ops layer against the firmware");
MODULE_LICENSE("GPL");
