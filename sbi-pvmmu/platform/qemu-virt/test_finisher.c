// SPDX-License-Identifier: BSD-2-Clause
/*
 * SiFive test finisher ("sifive,test0/1"): one 32-bit register; QEMU
 * exits when it is written.
 */
#include <sbi/riscv_asm.h>
#include "test_finisher.h"

static volatile u32 *finisher;

void test_finisher_init(unsigned long base)
{
	finisher = (volatile u32 *)base;
}

unsigned long test_finisher_base(void)
{
	return (unsigned long)finisher;
}

void test_finisher_exit(u32 code)
{
	if (!finisher)
		return;
	mb();
	if (code == 0)
		writel(FINISHER_PASS, finisher);
	else
		writel(((code & 0xffff) << 16) | FINISHER_FAIL, finisher);
	mb();
}
