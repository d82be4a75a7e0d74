// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvmmu SBI backend: every page-table write becomes an UPDATE call to the
 * firmware's PVMMU extension, with the entries in this hart's registered
 * batch buffer. The ABI is asm/sbi_pvmmu_abi.h, shared with the firmware.
 */

#define pr_fmt(fmt) "pvmmu: " fmt

#include <linux/atomic.h>
#include <linux/cpuhotplug.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <asm/csr.h>
#include <asm/sbi.h>
#include <asm/pvmmu.h>

#include "pvmmu.h"

/*
 * Non-zero once the firmware holds satp (SBI_PVMMU_FEAT_SATP_LOCKED after
 * SET_KERNEL_ROOT): secondary harts then enable the MMU on the kernel
 * root directly, without the trampoline table (head.S reads this before
 * its MMU is on).
 */
unsigned long pvmmu_satp_locked;

/*
 * Rejection injection (debugfs inject_reject, for tests): the next
 * @inject_count UPDATE or PT_REGISTER calls made by task @inject_pid go
 * to the firmware with their first entry made invalid (an undefined op,
 * or level 7), so that the firmware really rejects them.
 */
static pid_t inject_pid;
static atomic_t inject_count = ATOMIC_INIT(0);

static bool inject_this_task(void)
{
	return task_pid_nr(current) == READ_ONCE(inject_pid) &&
	       atomic_dec_if_positive(&inject_count) >= 0;
}

/* Inline: every submission asks */
static __always_inline bool inject_now(void)
{
	return unlikely(atomic_read(&inject_count) > 0) && inject_this_task();
}

static int inject_set(void *data, u64 val)
{
	if (val > INT_MAX)
		return -EINVAL;
	WRITE_ONCE(inject_pid, task_pid_nr(current));
	atomic_set(&inject_count, val);
	return 0;
}

static int inject_get(void *data, u64 *val)
{
	*val = atomic_read(&inject_count);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(inject_fops, inject_get, inject_set, "%llu\n");

void pvmmu_sbi_debugfs_init(struct dentry *dir)
{
	debugfs_create_file_unsafe("inject_reject", 0600, dir, NULL,
				   &inject_fops);
}

static struct sbiret pvmmu_ecall(unsigned long fid, unsigned long a0,
				 unsigned long a1, unsigned long a2)
{
	return sbi_ecall(SBI_EXT_PVMMU, fid, a0, a1, a2, 0, 0, 0);
}

/* A call that returns no value: 0 or the error as an errno */
static int pvmmu_ecall_errno(unsigned long fid, unsigned long a0,
			     unsigned long a1, unsigned long a2)
{
	struct sbiret ret = pvmmu_ecall(fid, a0, a1, a2);

	return ret.error ? sbi_err_map_linux_errno(ret.error) : 0;
}

/*
 * The firmware reads the entries from this CPU's registered buffer. The
 * instructions of the round trip are counted (update_insn in /proc/pvmmu):
 * the firmware's STATS INSN_* counters say where they went.
 */
static long sbi_submit(struct sbi_pvmmu_entry *batch, unsigned int nr,
		       unsigned int first, unsigned int *applied)
{
	unsigned long start = csr_read(CSR_INSTRET);
	struct sbiret ret;

	/* The firmware reads the registered buffer whatever is passed */
	if (IS_ENABLED(CONFIG_DEBUG_VM) &&
	    WARN_ON_ONCE(batch != pvmmu_cpu_buffer(smp_processor_id()))) {
		*applied = 0;
		return SBI_ERR_INVALID_ADDRESS;
	}
	if (inject_now()) {
		u64 target = batch[first].target;

		batch[first].target |= SBI_PVMMU_OP_MASK;
		ret = pvmmu_ecall(SBI_PVMMU_UPDATE, nr, first, 0);
		batch[first].target = target;
	} else {
		ret = pvmmu_ecall(SBI_PVMMU_UPDATE, nr, first, 0);
	}
	this_cpu_add(pvmmu_cpu_stats.update_insn, csr_read(CSR_INSTRET) - start);
	*applied = ret.value;
	return ret.error;
}

static int sbi_register_table(phys_addr_t pa, unsigned int level,
			      unsigned long flags)
{
	return pvmmu_ecall_errno(SBI_PVMMU_PT_REGISTER, pa,
				 inject_now() ? SBI_PVMMU_MAX_LEVEL + 3 : level,
				 flags);
}

static int sbi_release_table(phys_addr_t pa)
{
	return pvmmu_ecall_errno(SBI_PVMMU_PT_RELEASE, pa, 0, 0);
}

static const struct pvmmu_mmu_ops pvmmu_sbi_ops = {
	.name		= "sbi",
	.submit		= sbi_submit,
	.register_table	= sbi_register_table,
	.release_table	= sbi_release_table,
};

int pvmmu_sbi_adopt(phys_addr_t root)
{
	return pvmmu_ecall_errno(SBI_PVMMU_KERNEL_ADOPT, root, 0, 0);
}

int pvmmu_sbi_lock(unsigned long kind, phys_addr_t pa, size_t size)
{
	return pvmmu_ecall_errno(SBI_PVMMU_KERNEL_LOCK, kind, pa, size);
}

int pvmmu_sbi_text_poke(phys_addr_t pa, u32 insn)
{
	return pvmmu_ecall_errno(SBI_PVMMU_TEXT_POKE, pa, insn, 0);
}

int pvmmu_sbi_text_sites(phys_addr_t pa, unsigned int count)
{
	return pvmmu_ecall_errno(SBI_PVMMU_TEXT_SITES, pa, count, 0);
}

long pvmmu_sbi_info(unsigned long selector)
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

const struct pvmmu_mmu_ops * __init pvmmu_sbi_probe(struct pvmmu_sbi_limits *fw)
{
	long version, max_batch, features;

	if (sbi_probe_extension(SBI_EXT_PVMMU) <= 0)
		return ERR_PTR(-EOPNOTSUPP);

	version = pvmmu_sbi_info(SBI_PVMMU_INFO_VERSION);
	fw->pool_base = pvmmu_sbi_info(SBI_PVMMU_INFO_POOL_BASE);
	fw->pool_size = pvmmu_sbi_info(SBI_PVMMU_INFO_POOL_SIZE);
	max_batch = pvmmu_sbi_info(SBI_PVMMU_INFO_MAX_BATCH);
	features = pvmmu_sbi_info(SBI_PVMMU_INFO_FEATURES);
	if (version < 0 || (version >> 16) != SBI_PVMMU_VERSION_MAJOR) {
		pr_err("unsupported PVMMU version %#lx\n", version);
		return ERR_PTR(-EINVAL);
	}
	/* Kernel tables outside the pool would void every firmware rule */
	if (features < 0 || !(features & SBI_PVMMU_FEAT_KERNEL_TABLES)) {
		pr_err("firmware cannot hold the kernel's page tables\n");
		return ERR_PTR(-EINVAL);
	}
	if (max_batch <= 0 || !fw->pool_size || (long)fw->pool_size < 0 ||
	    (long)fw->pool_base < 0) {
		pr_err("bad pool or batch size from the firmware\n");
		return ERR_PTR(-EINVAL);
	}
	if (max_batch > (PAGE_SIZE << PAGE_ALLOC_COSTLY_ORDER) /
			sizeof(struct sbi_pvmmu_entry)) {
		pr_err("firmware batch of %ld entries is too large\n", max_batch);
		return ERR_PTR(-EINVAL);
	}
	if (!pvmmu_fdt_agrees(fw->pool_base, fw->pool_size))
		return ERR_PTR(-EINVAL);

	fw->max_batch = max_batch;
	fw->features = features;
	return &pvmmu_sbi_ops;
}

/*
 * Each hart registers its own buffer (the queue's, see
 * pvmmu_queue_init()) from the STARTING hotplug section: on the way up
 * before the CPU is online (before any task, interrupt, RCU callback or
 * workqueue item can write a page table on it), on the way down in
 * stop_machine after all of those have left it.
 *
 * A STARTING callback cannot fail the bring-up: a refusal here (the
 * firmware rejecting a page of the linear map) is logged, and every update
 * the CPU makes is then rejected and fails its task.
 */
static int pvmmu_cpu_starting(unsigned int cpu)
{
	struct sbiret ret;

	ret = pvmmu_ecall(SBI_PVMMU_SET_SHMEM, __pa(pvmmu_cpu_buffer(cpu)), 0, 0);
	if (ret.error) {
		pr_err("cpu%u: batch buffer registration failed: %ld\n", cpu,
		       ret.error);
		return sbi_err_map_linux_errno(ret.error);
	}
	return 0;
}

/* A stopped hart must not keep a buffer registered for its next start. */
static int pvmmu_cpu_dying(unsigned int cpu)
{
	pvmmu_ecall(SBI_PVMMU_SET_SHMEM, SBI_PVMMU_SHMEM_DISABLE,
		    SBI_PVMMU_SHMEM_DISABLE, 0);
	return 0;
}

int __init pvmmu_sbi_start(void)
{
	struct sbiret ret;
	long features;

	ret = pvmmu_ecall(SBI_PVMMU_SET_KERNEL_ROOT, __pa_symbol(swapper_pg_dir),
			  pvmmu_root_level() + 1, 0);
	if (ret.error) {
		pr_err("kernel root registration failed: %ld\n", ret.error);
		return sbi_err_map_linux_errno(ret.error);
	}
	features = pvmmu_sbi_info(SBI_PVMMU_INFO_FEATURES);
	if (features > 0 && (features & SBI_PVMMU_FEAT_SATP_LOCKED))
		WRITE_ONCE(pvmmu_satp_locked, 1);
	return cpuhp_setup_state(CPUHP_AP_RISCV_PVMMU_STARTING,
				 "riscv/pvmmu:starting", pvmmu_cpu_starting,
				 pvmmu_cpu_dying);
}
