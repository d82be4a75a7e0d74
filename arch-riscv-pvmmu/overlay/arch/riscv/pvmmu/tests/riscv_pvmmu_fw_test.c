// SPDX-License-Identifier: GPL-2.0-only
/*
 * riscv_pvmmu_fw: KUnit checks of the SBI firmware, made from S-mode.
 *
 * The suite calls the firmware directly through sbi_ecall() and through
 * the kernel paths that depend on it (IPIs, remote fences, CPU hotplug via
 * HSM), and checks both the answers to well-formed calls and the error
 * codes the SBI v2.0 specification requires for malformed ones.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/memblock.h>
#include <linux/pfn.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/vmalloc.h>
#include <asm/sbi.h>
#include <asm/sections.h>
#include <asm/timex.h>
#include <asm/tlbflush.h>

/* pvmmu's firmware identifies itself with this SBI implementation ID. */
#define PVMMU_FW_SBI_IMPL_ID	0x50564dUL

/* No extension is, or will be, defined at these IDs. */
#define UNKNOWN_STANDARD_EXT	0x0a5a5a5aUL
#define UNKNOWN_EXPERIMENTAL_EXT	0x08fffff0UL
/* A hart ID far beyond any QEMU virt machine. */
#define NO_SUCH_HARTID		4000UL

static struct sbiret fw_call(unsigned long ext, unsigned long fid,
			     unsigned long a0, unsigned long a1,
			     unsigned long a2, unsigned long a3,
			     unsigned long a4)
{
	return sbi_ecall(ext, fid, a0, a1, a2, a3, a4, 0);
}

static struct sbiret hsm_status(unsigned long hartid)
{
	return fw_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_STATUS, hartid,
		       0, 0, 0, 0);
}

static void fw_spec_version(struct kunit *test)
{
	struct sbiret ret;

	ret = fw_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_SPEC_VERSION, 0, 0, 0, 0, 0);
	KUNIT_ASSERT_EQ(test, ret.error, 0);
	KUNIT_EXPECT_EQ(test, (unsigned long)ret.value, sbi_mk_version(2, 0));
	KUNIT_EXPECT_EQ(test, sbi_spec_version, sbi_mk_version(2, 0));

	ret = fw_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_ID, 0, 0, 0, 0, 0);
	KUNIT_ASSERT_EQ(test, ret.error, 0);
	KUNIT_EXPECT_EQ(test, (unsigned long)ret.value, PVMMU_FW_SBI_IMPL_ID);

	ret = fw_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_VERSION, 0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, 0);
	KUNIT_EXPECT_NE(test, ret.value, 0);
}

static void fw_probe_extensions(struct kunit *test)
{
	static const unsigned long implemented[] = {
		SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFENCE,
		SBI_EXT_HSM, SBI_EXT_SRST, SBI_EXT_DBCN,
	};
	static const unsigned long absent[] = {
		SBI_EXT_PMU, SBI_EXT_SUSP, SBI_EXT_STA,
		UNKNOWN_STANDARD_EXT, UNKNOWN_EXPERIMENTAL_EXT,
	};
	struct sbiret ret;
	int i;

	for (i = 0; i < ARRAY_SIZE(implemented); i++) {
		ret = fw_call(SBI_EXT_BASE, SBI_EXT_BASE_PROBE_EXT,
			      implemented[i], 0, 0, 0, 0);
		KUNIT_EXPECT_EQ_MSG(test, ret.error, 0, "ext %#lx", implemented[i]);
		KUNIT_EXPECT_GT_MSG(test, ret.value, 0, "ext %#lx", implemented[i]);
	}
	for (i = 0; i < ARRAY_SIZE(absent); i++) {
		ret = fw_call(SBI_EXT_BASE, SBI_EXT_BASE_PROBE_EXT,
			      absent[i], 0, 0, 0, 0);
		KUNIT_EXPECT_EQ_MSG(test, ret.error, 0, "ext %#lx", absent[i]);
		KUNIT_EXPECT_EQ_MSG(test, ret.value, 0, "ext %#lx", absent[i]);
	}
}

static void fw_unknown_calls(struct kunit *test)
{
	struct sbiret ret;

	ret = fw_call(UNKNOWN_STANDARD_EXT, 0, 0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_NOT_SUPPORTED);
	ret = fw_call(UNKNOWN_EXPERIMENTAL_EXT, 3, 1, 2, 3, 4, 5);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_NOT_SUPPORTED);
	/* A known extension with an unknown function. */
	ret = fw_call(SBI_EXT_BASE, 0x1234, 0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_NOT_SUPPORTED);
	ret = fw_call(SBI_EXT_HSM, 0x1234, 0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_NOT_SUPPORTED);
}

static void fw_hsm_status_every_hart(struct kunit *test)
{
	struct sbiret ret;
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		ret = hsm_status(cpuid_to_hartid_map(cpu));
		KUNIT_EXPECT_EQ_MSG(test, ret.error, 0, "cpu %u", cpu);
		KUNIT_EXPECT_EQ_MSG(test, ret.value, SBI_HSM_STATE_STARTED,
				    "cpu %u", cpu);
	}
	ret = hsm_status(NO_SUCH_HARTID);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_INVALID_PARAM);
}

static void fw_hsm_start_started_hart(struct kunit *test)
{
	unsigned long entry = __pa_symbol(_text);
	struct sbiret ret;
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		ret = fw_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_START,
			      cpuid_to_hartid_map(cpu), entry, 0, 0, 0);
		KUNIT_EXPECT_EQ_MSG(test, ret.error, SBI_ERR_ALREADY_AVAILABLE,
				    "cpu %u", cpu);
	}
	ret = fw_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, NO_SUCH_HARTID,
		      entry, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_INVALID_PARAM);
}

/* Wait up to two seconds for a hart to reach an HSM state. */
static long hsm_wait_state(unsigned long hartid, long state)
{
	struct sbiret ret;
	int i;

	for (i = 0; i < 100; i++) {
		ret = hsm_status(hartid);
		if (ret.error || ret.value == state)
			break;
		msleep(20);
	}
	return ret.error ? ret.error : ret.value;
}

static void note_cpu(void *info)
{
	atomic_t *hits = info;

	atomic_inc(&hits[smp_processor_id()]);
}

/* Every online CPU runs a cross-call: the IPI went through the firmware. */
static void fw_ipi_every_hart(struct kunit *test)
{
	atomic_t *hits;
	unsigned int cpu;
	int round;

	hits = kunit_kcalloc(test, nr_cpu_ids, sizeof(*hits), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, hits);

	for (round = 0; round < 10; round++)
		for_each_online_cpu(cpu)
			KUNIT_ASSERT_EQ(test, smp_call_function_single(cpu, note_cpu,
								       hits, 1), 0);
	on_each_cpu(note_cpu, hits, 1);

	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&hits[cpu]), 11, "cpu %u", cpu);
}

static void fw_bad_hart_masks(struct kunit *test)
{
	static const unsigned long rfence_fids[] = {
		SBI_EXT_RFENCE_REMOTE_FENCE_I,
		SBI_EXT_RFENCE_REMOTE_SFENCE_VMA,
		SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID,
	};
	/* Hart masks naming at least one hart that does not exist. */
	static const unsigned long masks[][2] = {
		{ BIT(63), 0 },
		{ 1, NO_SUCH_HARTID },
		{ BIT(0) | BIT(60), 0 },
	};
	struct sbiret ret;
	int i, f;

	for (i = 0; i < ARRAY_SIZE(masks); i++) {
		ret = fw_call(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI,
			      masks[i][0], masks[i][1], 0, 0, 0);
		KUNIT_EXPECT_EQ_MSG(test, ret.error, SBI_ERR_INVALID_PARAM,
				    "ipi mask %#lx base %lu", masks[i][0], masks[i][1]);
		for (f = 0; f < ARRAY_SIZE(rfence_fids); f++) {
			ret = fw_call(SBI_EXT_RFENCE, rfence_fids[f], masks[i][0],
				      masks[i][1], 0, PAGE_SIZE, 0);
			KUNIT_EXPECT_EQ_MSG(test, ret.error, SBI_ERR_INVALID_PARAM,
					    "rfence %lu mask %#lx base %lu",
					    rfence_fids[f], masks[i][0], masks[i][1]);
		}
	}
}

struct tlb_probe {
	unsigned long *va;
	unsigned long seen;
};

static void read_through_tlb(void *info)
{
	struct tlb_probe *probe = info;

	probe->seen = READ_ONCE(*probe->va);
}

/* The highest-numbered online CPU other than this one (never the boot CPU). */
static unsigned int other_online_cpu(void)
{
	unsigned int cpu, self = get_cpu(), found = nr_cpu_ids;

	put_cpu();
	for_each_online_cpu(cpu)
		if (cpu != self && cpu != 0)
			found = cpu;
	return found;
}

/*
 * Remote SFENCE.VMA must make another hart drop a translation it has
 * cached: map a page, let the other hart read through it, repoint the PTE
 * without any local flush, fence that hart through the firmware, and check
 * the hart now reads the new page.
 */
static void fw_remote_sfence_vma(struct kunit *test)
{
	struct page *old_page, *new_page;
	struct tlb_probe probe;
	unsigned long va, hmask;
	unsigned int cpu;
	struct sbiret ret;
	pte_t *ptep, saved;

	cpu = other_online_cpu();
	if (cpu >= nr_cpu_ids)
		kunit_skip(test, "needs a second online CPU");
	hmask = BIT(cpuid_to_hartid_map(cpu));

	old_page = alloc_page(GFP_KERNEL);
	new_page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, old_page);
	KUNIT_ASSERT_NOT_NULL(test, new_page);
	*(unsigned long *)page_address(old_page) = 0x01d01d01d01d01dUL;
	*(unsigned long *)page_address(new_page) = 0x4e14e14e14e14e1UL;

	probe.va = vmap(&old_page, 1, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, probe.va);
	va = (unsigned long)probe.va;
	ptep = virt_to_kpte(va);
	KUNIT_ASSERT_NOT_NULL(test, ptep);
	saved = ptep_get(ptep);

	smp_call_function_single(cpu, read_through_tlb, &probe, 1);
	KUNIT_EXPECT_EQ(test, probe.seen, 0x01d01d01d01d01dUL);

	set_pte(ptep, pfn_pte(page_to_pfn(new_page), PAGE_KERNEL));
	smp_call_function_single(cpu, read_through_tlb, &probe, 1);
	kunit_info(test, "cpu %u before the fence: %s translation\n", cpu,
		   probe.seen == 0x01d01d01d01d01dUL ? "stale" : "fresh");

	ret = fw_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA,
		      hmask, 0, va, PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, ret.error, 0);
	smp_call_function_single(cpu, read_through_tlb, &probe, 1);
	KUNIT_EXPECT_EQ(test, probe.seen, 0x4e14e14e14e14e1UL);

	set_pte(ptep, saved);
	flush_tlb_kernel_range(va, va + PAGE_SIZE);
	vunmap(probe.va);
	__free_page(old_page);
	__free_page(new_page);
}

/* The other fence kinds, to every hart and with base -1 (all harts). */
static void fw_remote_fences_all_harts(struct kunit *test)
{
	unsigned long all = 0;
	struct sbiret ret;
	unsigned int cpu;

	for_each_online_cpu(cpu)
		all |= BIT(cpuid_to_hartid_map(cpu));

	ret = fw_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_FENCE_I, all, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, 0);
	ret = fw_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_FENCE_I, 0, -1UL, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, 0);
	ret = fw_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA,
		      all, 0, 0, -1UL, 0);
	KUNIT_EXPECT_EQ(test, ret.error, 0);
	ret = fw_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID,
		      0, -1UL, PAGE_OFFSET, 16 * PAGE_SIZE, 1);
	KUNIT_EXPECT_EQ(test, ret.error, 0);
	ret = fw_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_HFENCE_GVMA,
		      all, 0, 0, -1UL, 0);
	KUNIT_EXPECT_EQ(test, ret.error, SBI_ERR_NOT_SUPPORTED);
}

/* Offline a CPU (HSM hart_stop) and bring it back (HSM hart_start). */
static void fw_hsm_stop_start(struct kunit *test)
{
	atomic_t *hits;
	unsigned long hartid;
	unsigned int cpu;

	cpu = other_online_cpu();
	if (cpu >= nr_cpu_ids)
		kunit_skip(test, "needs a second online CPU");
	hartid = cpuid_to_hartid_map(cpu);
	hits = kunit_kcalloc(test, nr_cpu_ids, sizeof(*hits), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, hits);

	KUNIT_ASSERT_EQ(test, remove_cpu(cpu), 0);
	KUNIT_EXPECT_EQ(test, hsm_wait_state(hartid, SBI_HSM_STATE_STOPPED),
			SBI_HSM_STATE_STOPPED);

	KUNIT_ASSERT_EQ(test, add_cpu(cpu), 0);
	KUNIT_EXPECT_EQ(test, hsm_wait_state(hartid, SBI_HSM_STATE_STARTED),
			SBI_HSM_STATE_STARTED);
	KUNIT_EXPECT_EQ(test, smp_call_function_single(cpu, note_cpu, hits, 1), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&hits[cpu]), 1);
}

static void fw_console_write(struct kunit *test)
{
	static const char msg[] = "riscv_pvmmu_fw: DBCN write\n";
	char *buf;
	struct sbiret ret;

	buf = kunit_kmalloc(test, sizeof(msg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, msg, sizeof(msg));

	ret = fw_call(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE,
		      sizeof(msg) - 1, __pa(buf), 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, 0);
	KUNIT_EXPECT_EQ(test, ret.value, sizeof(msg) - 1);

	ret = fw_call(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE_BYTE,
		      '\n', 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, 0);
}

/* Buffers the firmware must refuse: outside RAM, in M-mode memory, ... */
static void fw_console_bad_buffers(struct kunit *test)
{
	phys_addr_t ram_end = PFN_PHYS(max_pfn);
	const struct {
		const char *what;
		unsigned long len, lo, hi;
	} bad[] = {
		{ "boot ROM, not RAM", 16, 0x1000, 0 },
		{ "MMIO (UART), not RAM", 1, 0x10000000, 0 },
		{ "firmware memory", 16, 0x80000000UL, 0 },
		{ "straddles the end of RAM", 64, ram_end - 8, 0 },
		{ "beyond the end of RAM", 8, ram_end + PAGE_SIZE, 0 },
		{ "upper address bits set", 8, 0x80200000UL, 1 },
		{ "length wraps the address space", -2UL, 0x80200000UL, 0 },
	};
	struct sbiret ret;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = fw_call(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE,
			      bad[i].len, bad[i].lo, bad[i].hi, 0, 0);
		KUNIT_EXPECT_EQ_MSG(test, ret.error, SBI_ERR_INVALID_PARAM,
				    "%s", bad[i].what);
		ret = fw_call(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_READ,
			      bad[i].len, bad[i].lo, bad[i].hi, 0, 0);
		KUNIT_EXPECT_EQ_MSG(test, ret.error, SBI_ERR_INVALID_PARAM,
				    "read: %s", bad[i].what);
	}
}

/* A firmware timer event programmed through SBI TIME fires and time runs on. */
static void fw_set_timer(struct kunit *test)
{
	unsigned long start = jiffies;
	struct sbiret ret;

	ret = fw_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER,
		      get_cycles64() + 1000, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ret.error, 0);
	msleep(50);
	KUNIT_EXPECT_GT(test, jiffies - start, 0UL);
}

static struct kunit_case riscv_pvmmu_fw_cases[] = {
	KUNIT_CASE(fw_spec_version),
	KUNIT_CASE(fw_probe_extensions),
	KUNIT_CASE(fw_unknown_calls),
	KUNIT_CASE(fw_hsm_status_every_hart),
	KUNIT_CASE(fw_hsm_start_started_hart),
	KUNIT_CASE(fw_ipi_every_hart),
	KUNIT_CASE(fw_bad_hart_masks),
	KUNIT_CASE(fw_remote_sfence_vma),
	KUNIT_CASE(fw_remote_fences_all_harts),
	KUNIT_CASE(fw_hsm_stop_start),
	KUNIT_CASE(fw_console_write),
	KUNIT_CASE(fw_console_bad_buffers),
	KUNIT_CASE(fw_set_timer),
	{}
};

static struct kunit_suite riscv_pvmmu_fw_suite = {
	.name = "riscv_pvmmu_fw",
	.test_cases = riscv_pvmmu_fw_cases,
};

kunit_test_suite(riscv_pvmmu_fw_suite);

MODULE_DESCRIPTION("KUnit tests of pvmmu's SBI firmware");
MODULE_LICENSE("GPL");
