/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Portability layer of the PVMMU core: atomics, a spinlock and physical
 * memory access. Only GCC __atomic builtins are used, on 32- and 64-bit
 * objects, so the same code compiles to AMO/LR-SC on riscv64 (without
 * libatomic) and to locked instructions on the host.
 */
#ifndef __PVMMU_PORT_H__
#define __PVMMU_PORT_H__

#include <sbi/sbi_types.h>

/* ---- atomics (all RMW operations are fully ordered) */

static inline u32 pvmmu_load32(u32 *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void pvmmu_store32(u32 *p, u32 v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/*
 * On failure *@old is refreshed with the current value. The explicit
 * fence orders earlier accesses before the CAS: GCC 12 maps a seq_cst
 * CAS to lr.aq/sc.aq on RISC-V, which has no release half.
 */
static inline bool pvmmu_cas32(u32 *p, u32 *old, u32 new)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_compare_exchange_n(p, old, new, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE);
}

static inline u64 pvmmu_load64(u64 *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void pvmmu_store64(u64 *p, u64 v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline bool pvmmu_cas64(u64 *p, u64 *old, u64 new)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_compare_exchange_n(p, old, new, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE);
}

/* amoswap.d.aqrl on RISC-V: fully ordered without a separate fence */
static inline u64 pvmmu_xchg64(u64 *p, u64 new)
{
	return __atomic_exchange_n(p, new, __ATOMIC_SEQ_CST);
}

static inline void pvmmu_add_long(unsigned long *p, long v)
{
	__atomic_fetch_add(p, (unsigned long)v, __ATOMIC_RELAXED);
}

static inline unsigned long pvmmu_read_long(unsigned long *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/*
 * Instructions retired on this hart (minstret; exact under QEMU -icount),
 * for the STATS phase counters; 0 on a host, which has no such counter.
 */
static inline unsigned long pvmmu_insn_count(void)
{
#ifdef __riscv
	unsigned long v;

	__asm__ __volatile__("csrr %0, minstret" : "=r"(v));
	return v;
#else
	return 0;
#endif
}

/* Make this hart's instruction fetch see its own stores (text patching) */
static inline void pvmmu_sync_icache(void)
{
#ifdef __riscv
	__asm__ __volatile__("fence.i" ::: "memory");
#endif
}

/*
 * A claim the core's shortcuts rest on: checked on a host (the host tests
 * and the fuzzer stop on a false one), compiled out in the firmware.
 */
#ifdef __riscv
#define pvmmu_host_assert(cond)	do { } while (0)
#else
#define pvmmu_host_assert(cond)	do { if (!(cond)) __builtin_trap(); } while (0)
#endif

/* ---- spinlock: test-and-test-and-set on a 32-bit word */

struct pvmmu_lock {
	u32 v;
};

static inline void pvmmu_lock(struct pvmmu_lock *l)
{
	while (__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&l->v, __ATOMIC_RELAXED))
			;
	}
}

static inline void pvmmu_unlock(struct pvmmu_lock *l)
{
	__atomic_store_n(&l->v, 0, __ATOMIC_RELEASE);
}

#endif
