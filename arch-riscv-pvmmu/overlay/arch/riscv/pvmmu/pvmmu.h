/* SPDX-License-Identifier: GPL-2.0-only */
/* pvmmu internals shared by the layers of arch/riscv/pvmmu and KUnit. */
#ifndef _RISCV_PVMMU_INTERNAL_H
#define _RISCV_PVMMU_INTERNAL_H

#include <linux/percpu.h>
#include <asm/pvmmu.h>

struct dentry;

/*
 * Entries a queue can hold (the firmware may allow fewer: pvmmu_max_batch):
 * one PTE table's worth, so that a lazy section over a whole table (zap,
 * fork's copy, mprotect) is one call.
 */
#define PVMMU_QUEUE_MAX		512
/* The default batch size, measured best (docs/BENCHMARK.md, batch sweep). */
#define PVMMU_DEFAULT_BATCH	512
/* Empty page tables kept typed per level for reuse (pvmmu.recycle). */
#define PVMMU_RECYCLE_MAX	1024
#define PVMMU_DEFAULT_RECYCLE	256
/* Histogram of entries per call: 1, 2-3, 4-7, ..., 256-511, 512+. */
#define PVMMU_HIST_BUCKETS	10

struct pvmmu_cpu_stats {
	unsigned long hook_calls[PVMMU_NR_HOOKS];
	unsigned long hook_direct[PVMMU_NR_HOOKS];	/* of those, not queued */
	unsigned long sbi_calls;	/* submissions (UPDATE ecalls) */
	unsigned long entries;		/* entries those calls applied */
	unsigned long failures;		/* entries the firmware rejected */
	unsigned long rejected[PVMMU_NR_REJECT_SITES];	/* by kind, tables too */
	unsigned long pinned;		/* pages kept: their clear was rejected */
	unsigned long killed;		/* tasks killed for a rejection */
	unsigned long queued;		/* entries deferred in lazy mode */
	unsigned long flushes[PVMMU_NR_FLUSH_REASONS];
	unsigned long batch_hist[PVMMU_HIST_BUCKETS];
	unsigned long irq_bypass;	/* updates from interrupt context */
	unsigned long nested;		/* nested lazy sections */
	unsigned long mispredicted;	/* deferred exchanges off their prediction */
	unsigned long update_insn;	/* instructions in UPDATE round trips */
};
DECLARE_PER_CPU(struct pvmmu_cpu_stats, pvmmu_cpu_stats);

struct pvmmu_pool_stats {
	unsigned long total;		/* pages in the pool */
	unsigned long used;		/* pages handed out as page tables */
	unsigned long high_water;
	unsigned long roots;		/* of which roots (pgds) */
	unsigned long kernel;		/* of which init_mm's tables */
	unsigned long recycled;		/* freed, kept typed for reuse */
	unsigned long recycled_roots;	/* of which roots */
	unsigned long reused;		/* allocations served from those */
	unsigned long exhausted;	/* allocations refused: pool empty */
	unsigned long mm_limited;	/* refused: pvmmu.mm_max_tables */
	unsigned long registered;	/* PT_REGISTER calls that succeeded */
	unsigned long released;		/* PT_RELEASE calls that succeeded */
	unsigned long register_failures;
	unsigned long release_failures;	/* pages leaked: firmware refused */
};

extern unsigned int pvmmu_batch;
extern unsigned int pvmmu_recycle;
extern unsigned int pvmmu_max_batch;

extern const struct pvmmu_mmu_ops pvmmu_native_ops;
/* The backend in use: pvmmu_get_backend() for modules, this one inside */
extern const struct pvmmu_mmu_ops *pvmmu_backend;
const struct pvmmu_mmu_ops *pvmmu_get_backend(void);
const struct pvmmu_mmu_ops *pvmmu_set_backend(const struct pvmmu_mmu_ops *ops);

/* queue.c: allocates every CPU's batch buffer for @fw_max_batch entries. */
int pvmmu_queue_init(unsigned int fw_max_batch);
struct sbi_pvmmu_entry *pvmmu_cpu_buffer(unsigned int cpu);

int pvmmu_pool_init(phys_addr_t base, phys_addr_t size);
/* Physical address of the pool (its linear map is pvmmu_pool_va); backend.c */
extern phys_addr_t pvmmu_pool_pa;
struct ptdesc *pvmmu_alloc_kernel_root(void);
/* adopt.c: move init_mm's tables into the pool (boot CPU only). */
int pvmmu_adopt_kernel_tables(void);
int pvmmu_sbi_adopt(phys_addr_t root);
/* Table entries in the adopted root's kernel half: links every root holds. */
extern unsigned int pvmmu_kernel_links;
long pvmmu_sbi_info(unsigned long selector);
int pvmmu_sbi_lock(unsigned long kind, phys_addr_t pa, size_t size);
int pvmmu_sbi_text_poke(phys_addr_t pa, u32 insn);
int pvmmu_sbi_text_sites(phys_addr_t pa, unsigned int count);
/*
 * text.c: give the firmware the kernel text's jump-label sites
 * (pvmmu_text_site_count() of them) and lock the text (after adoption); it is
 * patched through TEXT_POKE from then on.
 */
int pvmmu_lock_text(void);
unsigned int pvmmu_text_site_count(void);
void pvmmu_pool_get_stats(struct pvmmu_pool_stats *stats);

/* What the firmware's PVMMU extension offers, read by pvmmu_sbi_probe(). */
struct pvmmu_sbi_limits {
	phys_addr_t pool_base;
	phys_addr_t pool_size;
	unsigned int max_batch;		/* entries per UPDATE call */
	long features;			/* SBI_PVMMU_FEAT_* */
};

const struct pvmmu_mmu_ops *pvmmu_sbi_probe(struct pvmmu_sbi_limits *fw);
int pvmmu_sbi_start(void);
long pvmmu_sbi_fw_stat(unsigned long counter);
void pvmmu_sbi_debugfs_init(struct dentry *dir);

void pvmmu_sum_cpu_stats(struct pvmmu_cpu_stats *sum);
extern const char * const pvmmu_reject_names[PVMMU_NR_REJECT_SITES];
/* Count and log a rejection of @site and fail the task that caused it. */
void pvmmu_reject_task(enum pvmmu_reject_site site, unsigned long target,
		       unsigned long value, long error);
void pvmmu_bench_init(struct dentry *dir);

#endif /* _RISCV_PVMMU_INTERNAL_H */
