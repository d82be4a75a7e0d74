/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Atomic operations on unsigned long (RV64 "A" extension).
 * All read-modify-write operations are fully ordered (.aqrl).
 */
#ifndef __RISCV_ATOMIC_H__
#define __RISCV_ATOMIC_H__

#include <sbi/riscv_asm.h>

typedef struct {
	volatile unsigned long counter;
} atomic_t;

#define ATOMIC_INIT(v)		{ (v) }

static inline unsigned long atomic_read(atomic_t *a)
{
	unsigned long v = READ_ONCE(a->counter);

	smp_acquire();
	return v;
}

static inline void atomic_write(atomic_t *a, unsigned long v)
{
	smp_release();
	WRITE_ONCE(a->counter, v);
	smp_mb();
}

static inline unsigned long atomic_xchg(atomic_t *a, unsigned long v)
{
	unsigned long old;

	__asm__ __volatile__("amoswap.d.aqrl %0, %2, %1"
			     : "=r"(old), "+A"(a->counter)
			     : "r"(v) : "memory");
	return old;
}

static inline unsigned long atomic_or(atomic_t *a, unsigned long v)
{
	unsigned long old;

	__asm__ __volatile__("amoor.d.aqrl %0, %2, %1"
			     : "=r"(old), "+A"(a->counter)
			     : "r"(v) : "memory");
	return old;
}

static inline unsigned long atomic_add_return(atomic_t *a, unsigned long v)
{
	unsigned long old;

	__asm__ __volatile__("amoadd.d.aqrl %0, %2, %1"
			     : "=r"(old), "+A"(a->counter)
			     : "r"(v) : "memory");
	return old + v;
}

/* Returns the previous value; the store happened iff it equals @oldv. */
static inline unsigned long atomic_cmpxchg(atomic_t *a, unsigned long oldv,
					   unsigned long newv)
{
	unsigned long prev, rc;

	__asm__ __volatile__(
		"0:	lr.d.aqrl %0, %2\n"
		"	bne	%0, %3, 1f\n"
		"	sc.d.aqrl %1, %4, %2\n"
		"	bnez	%1, 0b\n"
		"1:\n"
		: "=&r"(prev), "=&r"(rc), "+A"(a->counter)
		: "r"(oldv), "r"(newv)
		: "memory");
	return prev;
}

#endif
