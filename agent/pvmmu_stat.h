/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading /proc/pvmmu from user space.
 *
 * The kernel prints one line of space-separated key=value pairs:
 *
 *   active=1 backend=sbi pool_pages=16384 used=12 ... fw_links=9
 *
 * The keys below are parsed into struct pvmmu_stat; keys added later are
 * kept in the raw line and can be looked up with pvmmu_stat_value().
 * Only libc is needed, so benchmark programs can link this file alone.
 */
#ifndef PVMMU_STAT_H
#define PVMMU_STAT_H

#include <stdbool.h>
#include <stddef.h>

#ifndef PVMMU_STAT_PATH
#define PVMMU_STAT_PATH		"/proc/pvmmu"	/* override to test the parser */
#endif
#define PVMMU_STAT_LINE_MAX	1024

struct pvmmu_stat {
	long long active;
	char backend[16];
	/* kernel pool allocator */
	long long pool_pages;
	long long used;
	long long free;
	long long high_water;
	long long roots;
	long long recycled;	/* freed tables kept typed for reuse */
	long long recycled_roots;
	long long kernel;	/* of used: init_mm's tables */
	long long kernel_links;	/* table entries of the kernel root's half */
	long long exhausted;
	long long register_failures;
	long long release_failures;
	/* kernel side of the UPDATE calls */
	long long sbi_calls;
	long long entries;
	long long failures;
	/* the firmware's own counters */
	long long fw_updates;
	long long fw_entries;
	long long fw_rejected;
	long long fw_typed;
	long long fw_links;
	long long fw_kernel_root;	/* 1: the firmware's kernel root is init_mm's */
	/* the reading process's own tables (VmPTE): pvmmu_leak_*() only */
	long long own_tables;
	/* key=value pairs on the line, known or not */
	unsigned int nkeys;
	char line[PVMMU_STAT_LINE_MAX];
};

/*
 * Read and parse the file.  Returns 0, -ENOENT when the kernel has no
 * pvmmu support, -EPROTO when a known key is missing or malformed (the
 * parsed part is still filled in), or another -errno.
 */
int pvmmu_stat_read(struct pvmmu_stat *s);

/* Any numeric key of the last read, including ones unknown here. */
int pvmmu_stat_value(const struct pvmmu_stat *s, const char *key,
		     long long *val);

/*
 * Same counters in both snapshots (nothing happened in between), but for
 * those an idle system moves by itself (traps, satp writes, fences).
 */
bool pvmmu_stat_same(const struct pvmmu_stat *a, const struct pvmmu_stat *b);

/*
 * The accounting identities of a quiet system: no rejected calls, every
 * kernel UPDATE reached the firmware, the firmware types exactly the pool
 * pages in use, the firmware's kernel root is init_mm's, and every
 * non-root table is linked once plus the kernel root's kernel_links kernel
 * tables once more by every other root.  Returns 0, or -1 with the first
 * broken identity described in why.
 */
/*
 * Tables in use by address spaces other than the kernel's: what leak
 * checks compare (kernel tables stay after vmalloc areas come and go).
 */
long long pvmmu_stat_user_tables(const struct pvmmu_stat *s);
int pvmmu_stat_check(const struct pvmmu_stat *s, char *why, size_t size);

/*
 * Run on every online CPU once.  A CPU that ran a process which has since
 * exited keeps its mm (and so its page table root) as a lazy TLB
 * reference until it next runs user code; passing through drops those, so
 * "used" counts only live processes.  The caller's affinity is restored.
 * Returns 0 or -errno.
 */
int pvmmu_stat_visit_cpus(void);

/*
 * khugepaged keeps a reference to the mm it is scanning, and with it the
 * page table root, even after the process has exited, until its next pass
 * (transparent_hugepage/khugepaged/scan_sleep_millisecs, 10 s by
 * default).  Writing that setting back unchanged starts the pass now.
 * Returns 0, -ENOENT without THP, or -errno.
 */
int pvmmu_stat_wake_khugepaged(void);

/*
 * Read until two reads interval_ms apart agree (pvmmu_stat_same()),
 * for at most timeout_ms.  Returns 0 with the agreed snapshot in *s,
 * -ETIMEDOUT with the last read, or an error of pvmmu_stat_read().
 */
int pvmmu_stat_read_quiet(struct pvmmu_stat *s, unsigned int interval_ms,
			  unsigned int timeout_ms);

#endif /* PVMMU_STAT_H */
