/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CSR accessors, fences and small instruction wrappers.
 */
#ifndef __RISCV_ASM_H__
#define __RISCV_ASM_H__

#include <sbi/riscv_encoding.h>

#ifndef __ASSEMBLER__

#include <sbi/sbi_types.h>

#define __ASM_STR(x)		#x
#define __CSR_STR(x)		__ASM_STR(x)

#define csr_read(csr)							\
	({								\
		unsigned long __v;					\
		__asm__ __volatile__("csrr %0, " __CSR_STR(csr)	\
				     : "=r"(__v) : : "memory");		\
		__v;							\
	})

#define csr_write(csr, val)						\
	({								\
		unsigned long __v = (unsigned long)(val);		\
		__asm__ __volatile__("csrw " __CSR_STR(csr) ", %0"	\
				     : : "rK"(__v) : "memory");		\
	})

#define csr_swap(csr, val)						\
	({								\
		unsigned long __v = (unsigned long)(val);		\
		__asm__ __volatile__("csrrw %0, " __CSR_STR(csr) ", %1"\
				     : "=r"(__v) : "rK"(__v) : "memory");	\
		__v;							\
	})

#define csr_set(csr, val)						\
	({								\
		unsigned long __v = (unsigned long)(val);		\
		__asm__ __volatile__("csrs " __CSR_STR(csr) ", %0"	\
				     : : "rK"(__v) : "memory");		\
	})

#define csr_clear(csr, val)						\
	({								\
		unsigned long __v = (unsigned long)(val);		\
		__asm__ __volatile__("csrc " __CSR_STR(csr) ", %0"	\
				     : : "rK"(__v) : "memory");		\
	})

#define RISCV_FENCE(p, s) \
	__asm__ __volatile__("fence " #p ", " #s : : : "memory")

/* Full barrier including device (I/O) accesses. */
#define mb()			RISCV_FENCE(iorw, iorw)
#define smp_mb()		RISCV_FENCE(rw, rw)
#define smp_rmb()		RISCV_FENCE(r, r)
#define smp_wmb()		RISCV_FENCE(w, w)
/* Order earlier accesses before later ones (release/acquire helpers). */
#define smp_release()		RISCV_FENCE(rw, w)
#define smp_acquire()		RISCV_FENCE(r, rw)

static inline void wfi(void)
{
	__asm__ __volatile__("wfi" : : : "memory");
}

static inline void cpu_relax(void)
{
	/* Zihintpause "pause" is a hint encoded as a fence: safe everywhere. */
	__asm__ __volatile__(".4byte 0x0100000f" : : : "memory");
}

static inline void fence_i(void)
{
	__asm__ __volatile__("fence.i" : : : "memory");
}

static inline void sfence_vma_all(void)
{
	__asm__ __volatile__("sfence.vma" : : : "memory");
}

static inline void sfence_vma_addr(unsigned long addr)
{
	__asm__ __volatile__("sfence.vma %0" : : "r"(addr) : "memory");
}

static inline void sfence_vma_asid(unsigned long asid)
{
	__asm__ __volatile__("sfence.vma zero, %0" : : "r"(asid) : "memory");
}

static inline void sfence_vma_addr_asid(unsigned long addr, unsigned long asid)
{
	__asm__ __volatile__("sfence.vma %0, %1"
			     : : "r"(addr), "r"(asid) : "memory");
}

/* MMIO accessors (no ordering beyond program order to the same device). */
static inline void writel(u32 val, volatile void *addr)
{
	*(volatile u32 *)addr = val;
}

static inline u32 readl(const volatile void *addr)
{
	return *(const volatile u32 *)addr;
}

static inline void writeb(u8 val, volatile void *addr)
{
	*(volatile u8 *)addr = val;
}

static inline u8 readb(const volatile void *addr)
{
	return *(const volatile u8 *)addr;
}

static inline void writeq(u64 val, volatile void *addr)
{
	*(volatile u64 *)addr = val;
}

static inline u64 readq(const volatile void *addr)
{
	return *(const volatile u64 *)addr;
}

/* PMP CSRs selected at run time (CSR numbers must be immediates). */
unsigned long csr_read_pmpaddr(unsigned int n);
void csr_write_pmpaddr(unsigned int n, unsigned long val);
unsigned long csr_read_pmpcfg(unsigned int reg);
void csr_write_pmpcfg(unsigned int reg, unsigned long val);

#endif /* !__ASSEMBLER__ */

#endif
