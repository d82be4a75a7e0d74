// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/pvmmu/sbi_bench: firmware microbenchmarks for the
 * benchmark programs. Write "<kind> <iterations>", read back one line:
 *   kind=<kind> iterations=<n> calls=<SBI calls> entries=<entries> ns=<total>
 * Kinds: null (SBI BASE get_spec_version round trips), update1 (one-entry
 * UPDATE calls), update_batch (full-batch UPDATE calls, through the lazy
 * queue), vmalloc (vmalloc of 64 KiB, a store to each page, vfree: the
 * kernel's own tables, also with pvmmu off). Times are guest nanoseconds
 * (deterministic under -icount).
 */

#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/csr.h>
#include <asm/pvmmu.h>
#include <asm/sbi.h>

#include "pvmmu.h"

#define BENCH_MAX_ITERATIONS	1000000

static DEFINE_MUTEX(bench_lock);
static char bench_result[224] = "kind=none\n";

/* Instructions retired in the two halves of the queue kind */
struct queue_insn {
	unsigned long queue;
	unsigned long flush;
};

static void run_null(unsigned long n)
{
	while (n--)
		sbi_ecall(SBI_EXT_BASE, SBI_EXT_BASE_GET_SPEC_VERSION,
			  0, 0, 0, 0, 0, 0);
}

static void run_update1(unsigned long *table, unsigned long n)
{
	while (n--)
		pvmmu_update_now(PVMMU_HOOK_BENCH, &table[n % PTRS_PER_PTE],
				 SBI_PVMMU_OP_STORE, 0);
}

static void run_update_batch(unsigned long *table, unsigned long n)
{
	unsigned int batch = min(READ_ONCE(pvmmu_batch), pvmmu_max_batch);

	while (n--) {
		pvmmu_lazy_enter();
		pvmmu_queue_entries(PVMMU_HOOK_BENCH, table, batch,
				    SBI_PVMMU_OP_STORE, 0, 0);
		pvmmu_lazy_leave();
	}
}

static void run_queue(pte_t *table, unsigned long n, struct queue_insn *insn)
{
	unsigned int batch = min(READ_ONCE(pvmmu_batch), pvmmu_max_batch), i;
	unsigned long start, queued;

	while (n--) {
		arch_enter_lazy_mmu_mode();
		start = csr_read(CSR_INSTRET);
		for (i = 0; i < batch; i++)
			set_pte(&table[i], __pte(0));
		queued = csr_read(CSR_INSTRET);
		arch_leave_lazy_mmu_mode();
		insn->flush += csr_read(CSR_INSTRET) - queued;
		insn->queue += queued - start;
	}
}

#define VMALLOC_PAGES	16

static int run_vmalloc(unsigned long n)
{
	unsigned int i;
	char *p;

	while (n--) {
		p = vmalloc(VMALLOC_PAGES * PAGE_SIZE);
		if (!p)
			return -ENOMEM;
		for (i = 0; i < VMALLOC_PAGES; i++)
			WRITE_ONCE(p[i * PAGE_SIZE], i);
		vfree(p);
	}
	return 0;
}

static int bench_run(const char *kind, unsigned long n)
{
	struct pvmmu_cpu_stats before, after;
	struct queue_insn insn = { 0 };
	struct ptdesc *ptdesc = NULL;
	unsigned long *table = NULL;
	u64 start, ns;
	int err = 0;

	if (strcmp(kind, "null") && strcmp(kind, "vmalloc")) {
		if (!pvmmu_active())
			return -ENODEV;
		ptdesc = pvmmu_alloc_table(current->mm, PVMMU_LEVEL_PTE);
		if (!ptdesc)
			return -ENOMEM;
		table = ptdesc_address(ptdesc);
	}

	migrate_disable();
	pvmmu_sum_cpu_stats(&before);
	start = ktime_get_ns();
	if (!strcmp(kind, "null"))
		run_null(n);
	else if (!strcmp(kind, "vmalloc"))
		err = run_vmalloc(n);
	else if (!strcmp(kind, "update1"))
		run_update1(table, n);
	else if (!strcmp(kind, "queue"))
		run_queue((pte_t *)table, n, &insn);
	else
		run_update_batch(table, n);
	ns = ktime_get_ns() - start;
	pvmmu_sum_cpu_stats(&after);
	migrate_enable();

	if (ptdesc)
		pvmmu_free_table(ptdesc);
	if (err)
		return err;
	/* Null calls bypass the queue, so its counters do not see them. */
	snprintf(bench_result, sizeof(bench_result),
		 "kind=%s iterations=%lu calls=%lu entries=%lu ns=%llu call_insn=%lu queue_insn=%lu flush_insn=%lu\n",
		 kind, n,
		 strcmp(kind, "null") ? after.sbi_calls - before.sbi_calls : n,
		 after.entries - before.entries, ns,
		 after.update_insn - before.update_insn, insn.queue, insn.flush);
	return 0;
}

static ssize_t bench_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	char buf[48], kind[16];
	unsigned long n;
	int err;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%15s %lu", kind, &n) != 2 || !n ||
	    n > BENCH_MAX_ITERATIONS)
		return -EINVAL;
	if (strcmp(kind, "null") && strcmp(kind, "update1") &&
	    strcmp(kind, "update_batch") && strcmp(kind, "vmalloc") &&
	    strcmp(kind, "queue"))
		return -EINVAL;

	mutex_lock(&bench_lock);
	err = bench_run(kind, n);
	mutex_unlock(&bench_lock);
	return err ? err : len;
}

static ssize_t bench_read(struct file *file, char __user *ubuf, size_t len,
			  loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&bench_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, bench_result,
				      strlen(bench_result));
	mutex_unlock(&bench_lock);
	return ret;
}

static const struct file_operations bench_fops = {
	.read	= bench_read,
	.write	= bench_write,
	.llseek	= default_llseek,
};

void pvmmu_bench_init(struct dentry *dir)
{
	debugfs_create_file("sbi_bench", 0600, dir, NULL, &bench_fops);
}
