/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two libcap calls the mm selftests make (memfd_secret,
 * mlock-random-test: drop every capability), written for the pvmmu agent:
 * Debian has no riscv64 libcap to link statically.
 */
#ifndef PVMMU_MM_COMPAT_CAPABILITY_H
#define PVMMU_MM_COMPAT_CAPABILITY_H

#include <linux/capability.h>

typedef struct mm_compat_caps *cap_t;

/* an empty set: no capability in any of the three sets */
cap_t cap_init(void);
/* make the set the calling thread's capabilities */
int cap_set_proc(cap_t caps);
int cap_free(void *obj);

#endif
