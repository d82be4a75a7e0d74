/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fake physical memory for the host tests and the fuzzer of the PVMMU core.
 *
 * A window of "physical" addresses [base, base + size) is backed by one
 * memfd that is mapped twice:
 *
 *   mem     the core's view: phys_offset = mem - base. Firmware memory and
 *           holes between RAM ranges can be made PROT_NONE here, so any
 *           access by the core outside what it may touch is a crash.
 *   alias   the harness's view of the same pages, always read-write. The
 *           harness, the reference model and simulated "other agents"
 *           (a page walker, another hart) use it.
 *
 * Fault injection: fake_arm() makes one host page of the core's view
 * read-only. The core's next write there (a CAS, a store) faults; the
 * handler restores the page, runs a callback that plays the other agent
 * (for example: the walker sets A/D, another hart links a page), and
 * returns, so the write is retried and now races deterministically.
 */
#ifndef __PVMMU_FAKE_H__
#define __PVMMU_FAKE_H__

#include <stdbool.h>
#include <stdint.h>

struct fake_mem {
	unsigned long base;	/* physical address of the window */
	unsigned long size;	/* bytes, a multiple of the host page size */
	unsigned char *mem;	/* the core's view */
	unsigned char *alias;	/* the harness's view */
	int fd;
};

/* 0 on success; the window starts zero-filled and read-write */
int fake_mem_create(struct fake_mem *fm, unsigned long base,
		    unsigned long size);
void fake_mem_destroy(struct fake_mem *fm);

/* mprotect() [pa, pa + size) of the core's view (page granular) */
void fake_mem_protect(struct fake_mem *fm, unsigned long pa,
		      unsigned long size, int prot);

static inline unsigned long fake_core_offset(const struct fake_mem *fm)
{
	return (unsigned long)(uintptr_t)fm->mem - fm->base;
}

static inline unsigned long fake_alias_offset(const struct fake_mem *fm)
{
	return (unsigned long)(uintptr_t)fm->alias - fm->base;
}

static inline void *fake_core_ptr(const struct fake_mem *fm, unsigned long pa)
{
	return fm->mem + (pa - fm->base);
}

static inline void *fake_ptr(const struct fake_mem *fm, unsigned long pa)
{
	return fm->alias + (pa - fm->base);
}

/*
 * Run @fn(@arg) once, just before the core's next write to the host page
 * that holds physical address @pa. One arming at a time.
 */
void fake_arm(struct fake_mem *fm, unsigned long pa,
	      void (*fn)(void *arg), void *arg);
/* Cancel an arming that did not fire; returns whether it fired */
bool fake_disarm(void);

#endif
