/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few libnuma calls the mm selftests make (ksm_tests, migration),
 * written for the pvmmu agent: Debian has no riscv64 libnuma to link
 * statically.  Same names and meanings as libnuma's, backed by sysfs,
 * /proc/self/status and the mempolicy system calls.
 */
#ifndef PVMMU_MM_COMPAT_NUMA_H
#define PVMMU_MM_COMPAT_NUMA_H

#include <stddef.h>

struct bitmask {
	unsigned long size;	/* bits */
	unsigned long *maskp;
};

/* nodes this task may allocate on (Mems_allowed) */
extern struct bitmask *numa_all_nodes_ptr;

int numa_available(void);
int numa_max_node(void);
int numa_max_possible_node(void);
int numa_num_task_cpus(void);
long numa_node_size(int node, long *freep);
int numa_bitmask_isbitset(const struct bitmask *bmp, unsigned int n);
void *numa_alloc_onnode(size_t size, int node);
void numa_free(void *mem, size_t size);

#endif
