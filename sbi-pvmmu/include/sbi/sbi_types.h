/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Basic types and helper macros for sbi-pvmmu.
 *
 * Only the compiler's freestanding headers are used; the firmware never
 * includes a C library header.
 */
#ifndef __SBI_TYPES_H__
#define __SBI_TYPES_H__

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int8_t			s8;
typedef uint8_t			u8;
typedef int16_t			s16;
typedef uint16_t		u16;
typedef int32_t			s32;
typedef uint32_t		u32;
typedef int64_t			s64;
typedef uint64_t		u64;
typedef unsigned long		ulong;

typedef unsigned long		physical_addr_t;
typedef unsigned long		physical_size_t;

#define __packed		__attribute__((packed))
#define __noreturn		__attribute__((noreturn))
#define __aligned(x)		__attribute__((aligned(x)))
#define __unused		__attribute__((unused))
/* The host build of the PVMMU core sees glibc's definition first */
#ifndef __always_inline
#define __always_inline		inline __attribute__((always_inline))
#endif
#define __printf(a, b)		__attribute__((format(printf, a, b)))

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

#define array_size(x)		(sizeof(x) / sizeof((x)[0]))

#define BIT(n)			(1UL << (n))
#define BITS_PER_LONG		(8 * __SIZEOF_LONG__)

#define ROUNDUP(a, b)		((((a) - 1) / (b) + 1) * (b))
#define ROUNDDOWN(a, b)		((a) / (b) * (b))

#define MAX(a, b)		((a) > (b) ? (a) : (b))
#define MIN(a, b)		((a) < (b) ? (a) : (b))

#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))

#endif /* !__ASSEMBLER__ */

#endif
