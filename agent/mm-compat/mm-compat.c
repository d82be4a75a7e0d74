// SPDX-License-Identifier: GPL-2.0
/*
 * Stand-ins for the libnuma and libcap calls of the mm selftests, so that
 * ksm_tests, migration, memfd_secret and mlock-random-test link statically
 * for riscv64 (see numa.h, numaif.h, sys/capability.h).  Only what those
 * tests call, with the libraries' documented behaviour.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "numa.h"
#include "numaif.h"
#include "sys/capability.h"

#define BITS_PER_LONG	(8 * sizeof(unsigned long))

/* ---- mempolicy system calls (numaif.h) ---- */

long get_mempolicy(int *mode, unsigned long *nmask, unsigned long maxnode,
		   void *addr, unsigned long flags)
{
	return syscall(SYS_get_mempolicy, mode, nmask, maxnode, addr, flags);
}

long set_mempolicy(int mode, const unsigned long *nmask,
		   unsigned long maxnode)
{
	return syscall(SYS_set_mempolicy, mode, nmask, maxnode);
}

long mbind(void *addr, unsigned long len, int mode,
	   const unsigned long *nmask, unsigned long maxnode,
	   unsigned int flags)
{
	return syscall(SYS_mbind, addr, len, mode, nmask, maxnode, flags);
}

long move_pages(int pid, unsigned long count, void **pages, const int *nodes,
		int *status, int flags)
{
	return syscall(SYS_move_pages, pid, count, pages, nodes, status, flags);
}

/* ---- libnuma (numa.h) ---- */

static unsigned long all_nodes_bits[1024 / (8 * sizeof(unsigned long))];
static struct bitmask all_nodes = {
	.size = sizeof(all_nodes_bits) * 8,
	.maskp = all_nodes_bits,
};
struct bitmask *numa_all_nodes_ptr = &all_nodes;

/* nodes in the kernel's node masks */
static unsigned int possible_nodes = 1;

static void set_node(unsigned int node)
{
	if (node < all_nodes.size)
		all_nodes_bits[node / BITS_PER_LONG] |= 1UL << (node % BITS_PER_LONG);
}

/* a sysfs node list, "0-1,3": calls fn for each; the highest, or -1 */
static int read_node_list(const char *path, void (*fn)(unsigned int node))
{
	char buf[256], *p = buf;
	int max = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	while (*p >= '0' && *p <= '9') {
		unsigned long lo = strtoul(p, &p, 10), hi = lo;

		if (*p == '-')
			hi = strtoul(p + 1, &p, 10);
		for (unsigned long n = lo; n <= hi && n < 1024; n++) {
			if (fn)
				fn(n);
			max = n;
		}
		if (*p == ',')
			p++;
	}
	return max;
}

/*
 * numa_all_nodes_ptr: Mems_allowed of /proc/self/status (with cpusets),
 * "00000000,00000003", lowest word last; else the nodes with memory.
 * The possible nodes: the width of that mask, else sysfs "possible" but
 * at least 64.
 */
static void __attribute__((constructor)) read_mems_allowed(void)
{
	char line[1024];
	FILE *f = fopen("/proc/self/status", "r");
	unsigned int digits = 0;
	int max;

	while (f && fgets(line, sizeof(line), f)) {
		unsigned int bit = 0;
		char *p;

		if (strncmp(line, "Mems_allowed:", 13))
			continue;
		p = line + strcspn(line, "\n");
		while (p > line + 13) {
			char c = *--p;
			unsigned int v;

			if (c == ',' || c == ' ' || c == '\t')
				continue;
			if (c >= '0' && c <= '9')
				v = c - '0';
			else if (c >= 'a' && c <= 'f')
				v = c - 'a' + 10;
			else
				break;
			digits++;
			for (unsigned int i = 0; i < 4; i++, bit++)
				if ((v >> i) & 1)
					set_node(bit);
		}
		break;
	}
	if (f)
		fclose(f);
	if (digits) {
		possible_nodes = digits * 4;
		return;
	}
	if (read_node_list("/sys/devices/system/node/has_memory", set_node) < 0)
		set_node(0);
	/* at least one word of bits, as libnuma's mask without cpusets */
	max = read_node_list("/sys/devices/system/node/possible", NULL);
	possible_nodes = max >= (int)BITS_PER_LONG ? (unsigned int)max + 1 :
			 BITS_PER_LONG;
}

int numa_available(void)
{
	if (get_mempolicy(NULL, NULL, 0, NULL, 0) < 0 && errno == ENOSYS)
		return -1;
	return 0;
}

static int node_exists(int node)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", node);
	return access(path, F_OK) == 0;
}

int numa_max_node(void)
{
	int node, max = 0;

	for (node = 0; node < (int)possible_nodes; node++)
		if (node_exists(node))
			max = node;
	return max;
}

int numa_max_possible_node(void)
{
	return possible_nodes - 1;
}

int numa_num_task_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set);
}

/* "Node 0 MemTotal:  1048576 kB" of the node's meminfo, in bytes */
long numa_node_size(int node, long *freep)
{
	long total = -1, free_kb = -1, v;
	char path[80], line[256], key[64];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo",
		 node);
	f = fopen(path, "r");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "Node %d %63s %ld", &n, key, &v) != 3)
				continue;
			if (!strcmp(key, "MemTotal:"))
				total = v * 1024;
			else if (!strcmp(key, "MemFree:"))
				free_kb = v;
		}
		fclose(f);
	}
	if (freep)
		*freep = free_kb < 0 ? -1 : free_kb * 1024;
	return total;
}

int numa_bitmask_isbitset(const struct bitmask *bmp, unsigned int n)
{
	if (n >= bmp->size)
		return 0;
	return (bmp->maskp[n / BITS_PER_LONG] >> (n % BITS_PER_LONG)) & 1;
}

void *numa_alloc_onnode(size_t size, int node)
{
	unsigned long mask[4] = { 0 };
	void *mem;

	if (node < 0 || (size_t)node >= sizeof(mask) * 8) {
		errno = EINVAL;
		return NULL;
	}
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return NULL;
	mask[node / BITS_PER_LONG] = 1UL << (node % BITS_PER_LONG);
	if (mbind(mem, size, MPOL_BIND, mask, sizeof(mask) * 8 + 1, 0)) {
		munmap(mem, size);
		return NULL;
	}
	return mem;
}

void numa_free(void *mem, size_t size)
{
	munmap(mem, size);
}

/* ---- libcap (sys/capability.h) ---- */

struct mm_compat_caps {
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
};

cap_t cap_init(void)
{
	return calloc(1, sizeof(struct mm_compat_caps));
}

int cap_set_proc(cap_t caps)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};

	if (!caps) {
		errno = EINVAL;
		return -1;
	}
	return syscall(SYS_capset, &hdr, caps->data);
}

int cap_free(void *obj)
{
	free(obj);
	return 0;
}
