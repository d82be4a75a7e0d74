/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef __UART8250_H__
#define __UART8250_H__

#include <sbi/sbi_types.h>

/* @baud == 0 or @in_freq == 0 keeps the current divisor */
void uart8250_init(unsigned long base, u32 in_freq, u32 baud, u32 reg_shift,
		   u32 reg_width);
unsigned long uart8250_base(void);
void uart8250_putc(char ch);
int uart8250_getc(void);

#endif
