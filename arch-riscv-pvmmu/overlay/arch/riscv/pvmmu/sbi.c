// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvmmu SBI backend: every page-table write becomes an UPDATE call to the
 * firmware's PVMMU extension, with the entries in this hart's registered
 * batch buffer. The ABI is asm/sbi_pvmmu_abi.h, shared with the firmware.
 */

#define pr_fmt(fmt) "pvmmu: " fmt

#include <linux/cpuhotplug.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/percpu.h>
#include <asm/sbi.h>
#include <asm/pvmmu.h>

#include "pvmmu.h"

static DEFINE_PER_CPU(struct sbi_pvmmu_entry *, pvmmu_batch);
static unsigned int pvmmu_max_batch __ro_after_init;

/* This CPU's registered batch buffer (KUnit submits raw entries). */
struct sbi_pvmmu_entry *pvmmu_sbi_batch(void)
{
	return this_cpu_read(pvmmu_batch);
}
EXPORT_SYMBOL_GPL(pvmmu_sbi_batch);

static struct sbiret pvmmu_ecall(unsigned long fid, unsigned long a0,
				 unsigned long a1, unsigned long a2)
{
	return sbi_ecall(SBI_EXT_PVMMU, fid, a0, a1, a2, 0, 0, 0);
}

static void pvmmu_report(const struct sbi_pvmmu_entry *entry, long error)
{
	this_cpu_inc(pvmmu_cpu_stats.failures);
	WARN_ONCE(1, "pvmmu: firmware rejected op %llu on %#llx value %#llx: %ld\n",
		  entry->target & SBI_PVMMU_OP_MASK,
		  entry->target & ~SBI_PVMMU_OP_MASK, entry->value, error);
	pr_err_ratelimited("rejected op %llu on %#llx value %#llx: %ld\n",
			   entry->target & SBI_PVMMU_OP_MASK,
			   entry->target & ~SBI_PVMMU_OP_MASK, entry->value,
			   error);
}

/*
 * Submit the first @nr entries of this CPU's buffer. Interrupts are off
 * around the buffer's use: it is per CPU and an interrupt could otherwise
 * reuse it.
 */
static bool pvmmu_flush(struct sbi_pvmmu_entry *batch, unsigned int nr)
{
	struct sbiret ret;

	ret = pvmmu_ecall(SBI_PVMMU_UPDATE, nr, 0, 0);
	this_cpu_inc(pvmmu_cpu_stats.sbi_calls);
	if (ret.error) {
		this_cpu_add(pvmmu_cpu_stats.entries, ret.value);
		pvmmu_report(&batch[min_t(unsigned long, ret.value, nr - 1)],
			     ret.error);
		return false;
	}
	this_cpu_add(pvmmu_cpu_stats.entries, nr);
	return true;
}

static unsigned long sbi_update(unsigned long *entry, unsigned int op,
				unsigned long val)
{
	struct sbi_pvmmu_entry *batch;
	unsigned long flags, old;

	local_irq_save(flags);
	batch = this_cpu_read(pvmmu_batch);
	batch[0].target = __pa(entry) | op;
	batch[0].value = val;
	/* A rejected entry changed nothing: its old value is the current one. */
	old = pvmmu_flush(batch, 1) ? batch[0].old : READ_ONCE(*entry);
	local_irq_restore(flags);
	return old;
}

static void sbi_set_entries(unsigned long *entry, unsigned long val,
			    unsigned int nr, unsigned long step)
{
	struct sbi_pvmmu_entry *batch;
	unsigned long flags;
	unsigned int i, n;

	local_irq_save(flags);
	batch = this_cpu_read(pvmmu_batch);
	while (nr) {
		n = min(nr, pvmmu_max_batch);
		for (i = 0; i < n; i++, val += step) {
			batch[i].target = __pa(entry + i) | SBI_PVMMU_OP_STORE;
			batch[i].value = val;
		}
		pvmmu_flush(batch, n);
		entry += n;
		nr -= n;
	}
	local_irq_restore(flags);
}

static int sbi_register_table(phys_addr_t pa, unsigned int level, bool root)
{
	struct sbiret ret;

	ret = pvmmu_ecall(SBI_PVMMU_PT_REGISTER, pa, level,
			  root ? SBI_PVMMU_PT_ROOT : 0);
	return ret.error ? sbi_err_map_linux_errno(ret.error) : 0;
}

static int sbi_release_table(phys_addr_t pa)
{
	struct sbiret ret;

	ret = pvmmu_ecall(SBI_PVMMU_PT_RELEASE, pa, 0, 0);
	return ret.error ? sbi_err_map_linux_errno(ret.error) : 0;
}

static const struct pvmmu_mmu_ops pvmmu_sbi_ops = {
	.name		= "sbi",
	.update		= sbi_update,
	.set_entries	= sbi_set_entries,
	.register_table	= sbi_register_table,
	.release_table	= sbi_release_table,
};

static long pvmmu_info(unsigned long selector)
{
	struct sbiret ret = pvmmu_ecall(SBI_PVMMU_GET_INFO, selector, 0, 0);

	return ret.error ? ret.error : ret.value;
}

long pvmmu_sbi_fw_stat(unsigned long counter)
{
	struct sbiret ret = pvmmu_ecall(SBI_PVMMU_STATS, counter, -1UL, 0);

	return ret.error ? ret.error : ret.value;
}

/* The firmware is authoritative; the FDT must agree with it. */
static bool pvmmu_fdt_agrees(phys_addr_t base, phys_addr_t size)
{
	struct device_node *np;
	struct resource res;
	int err;

	np = of_find_compatible_node(NULL, NULL, "pvmmu,pt-pool");
	if (!np) {
		pr_err("no pvmmu,pt-pool node in /reserved-memory\n");
		return false;
	}
	err = of_address_to_resource(np, 0, &res);
	of_node_put(np);
	if (err || res.start != base || resource_size(&res) != size) {
		pr_err("FDT pool %pR disagrees with the firmware's %pa + %pa\n",
		       &res, &base, &size);
		return false;
	}
	return true;
}

const struct pvmmu_mmu_ops * __init pvmmu_sbi_probe(phys_addr_t *base,
						    phys_addr_t *size)
{
	long version, max_batch, entries_per_page;

	if (sbi_probe_extension(SBI_EXT_PVMMU) <= 0)
		return ERR_PTR(-EOPNOTSUPP);

	version = pvmmu_info(SBI_PVMMU_INFO_VERSION);
	*base = pvmmu_info(SBI_PVMMU_INFO_POOL_BASE);
	*size = pvmmu_info(SBI_PVMMU_INFO_POOL_SIZE);
	max_batch = pvmmu_info(SBI_PVMMU_INFO_MAX_BATCH);
	entries_per_page = PAGE_SIZE / sizeof(struct sbi_pvmmu_entry);
	if (version < 0 || (version >> 16) != SBI_PVMMU_VERSION_MAJOR) {
		pr_err("unsupported PVMMU version %#lx\n", version);
		return ERR_PTR(-EINVAL);
	}
	if (max_batch <= 0 || !*size || (long)*size < 0 || (long)*base < 0) {
		pr_err("bad pool or batch size from the firmware\n");
		return ERR_PTR(-EINVAL);
	}
	if (!pvmmu_fdt_agrees(*base, *size))
		return ERR_PTR(-EINVAL);

	pvmmu_max_batch = min(max_batch, entries_per_page);
	return &pvmmu_sbi_ops;
}

static int pvmmu_cpu_online(unsigned int cpu)
{
	struct sbi_pvmmu_entry *batch = per_cpu(pvmmu_batch, cpu);
	struct sbiret ret;

	if (!batch) {
		batch = (void *)get_zeroed_page(GFP_KERNEL);
		if (!batch)
			return -ENOMEM;
		per_cpu(pvmmu_batch, cpu) = batch;
	}
	ret = pvmmu_ecall(SBI_PVMMU_SET_SHMEM, __pa(batch), 0, 0);
	if (ret.error) {
		pr_err("cpu%u: batch buffer registration failed: %ld\n", cpu,
		       ret.error);
		return sbi_err_map_linux_errno(ret.error);
	}
	return 0;
}

/* A stopped hart must not keep a buffer registered for its next start. */
static int pvmmu_cpu_offline(unsigned int cpu)
{
	pvmmu_ecall(SBI_PVMMU_SET_SHMEM, SBI_PVMMU_SHMEM_DISABLE,
		    SBI_PVMMU_SHMEM_DISABLE, 0);
	return 0;
}

int __init pvmmu_sbi_start(void)
{
	struct sbiret ret;
	int state;

	ret = pvmmu_ecall(SBI_PVMMU_SET_KERNEL_ROOT, __pa_symbol(swapper_pg_dir),
			  pvmmu_root_level() + 1, 0);
	if (ret.error) {
		pr_err("kernel root registration failed: %ld\n", ret.error);
		return sbi_err_map_linux_errno(ret.error);
	}
	state = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "riscv/pvmmu:online",
				  pvmmu_cpu_online, pvmmu_cpu_offline);
	return state < 0 ? state : 0;
}
