/* SPDX-License-Identifier: GPL-2.0 */
/* mempolicy system call wrappers in place of libnuma's numaif.h */
#ifndef PVMMU_MM_COMPAT_NUMAIF_H
#define PVMMU_MM_COMPAT_NUMAIF_H

#include <linux/mempolicy.h>

long get_mempolicy(int *mode, unsigned long *nmask, unsigned long maxnode,
		   void *addr, unsigned long flags);
long set_mempolicy(int mode, const unsigned long *nmask,
		   unsigned long maxnode);
long mbind(void *addr, unsigned long len, int mode,
	   const unsigned long *nmask, unsigned long maxnode,
	   unsigned int flags);
long move_pages(int pid, unsigned long count, void **pages, const int *nodes,
		int *status, int flags);

#endif
