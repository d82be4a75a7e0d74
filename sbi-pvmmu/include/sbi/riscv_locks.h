/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Simple test-and-test-and-set spinlock.
 */
#ifndef __RISCV_LOCKS_H__
#define __RISCV_LOCKS_H__

#include <sbi/riscv_asm.h>

typedef struct {
	volatile u32 lock;
} spinlock_t;

#define SPIN_LOCK_INITIALIZER	{ 0 }

static inline bool spin_trylock(spinlock_t *l)
{
	u32 busy;

	__asm__ __volatile__("amoswap.w.aq %0, %2, %1"
			     : "=r"(busy), "+A"(l->lock)
			     : "r"(1U) : "memory");
	return busy == 0;
}

static inline void spin_lock(spinlock_t *l)
{
	while (!spin_trylock(l)) {
		while (READ_ONCE(l->lock))
			cpu_relax();
	}
}

static inline void spin_unlock(spinlock_t *l)
{
	__asm__ __volatile__("amoswap.w.rl zero, zero, %0"
			     : "+A"(l->lock) : : "memory");
}

#endif
