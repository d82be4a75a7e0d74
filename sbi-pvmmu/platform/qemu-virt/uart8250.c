// SPDX-License-Identifier: BSD-2-Clause
/*
 * 8250/16550 UART driver (polled).
 */
#include <sbi/riscv_asm.h>
#include "uart8250.h"

#define UART_RBR	0	/* In:  receive buffer (DLAB = 0) */
#define UART_THR	0	/* Out: transmit holding (DLAB = 0) */
#define UART_DLL	0	/* Out: divisor latch low (DLAB = 1) */
#define UART_IER	1	/* Out: interrupt enable (DLAB = 0) */
#define UART_DLM	1	/* Out: divisor latch high (DLAB = 1) */
#define UART_FCR	2	/* Out: FIFO control */
#define UART_LCR	3	/* Out: line control */
#define UART_MCR	4	/* Out: modem control */
#define UART_LSR	5	/* In:  line status */

#define UART_LCR_DLAB	0x80
#define UART_LCR_8N1	0x03
#define UART_FCR_ENABLE	0x07	/* enable, clear RX and TX FIFOs */
#define UART_MCR_DTR_RTS 0x03
#define UART_LSR_DR	0x01	/* receive data ready */
#define UART_LSR_THRE	0x20	/* transmit holding register empty */

static volatile u8 *uart_base;
static u32 uart_reg_shift;
static u32 uart_reg_width;

static u32 uart_read(u32 reg)
{
	volatile u8 *addr = uart_base + (reg << uart_reg_shift);

	if (uart_reg_width == 4)
		return readl(addr);
	return readb(addr);
}

static void uart_write(u32 reg, u32 val)
{
	volatile u8 *addr = uart_base + (reg << uart_reg_shift);

	if (uart_reg_width == 4)
		writel(val, addr);
	else
		writeb((u8)val, addr);
}

void uart8250_init(unsigned long base, u32 in_freq, u32 baud, u32 reg_shift,
		   u32 reg_width)
{
	u32 div;

	uart_base = (volatile u8 *)base;
	uart_reg_shift = reg_shift;
	uart_reg_width = reg_width;

	uart_write(UART_IER, 0);
	if (in_freq && baud) {
		div = (in_freq + 8 * baud) / (16 * baud);
		uart_write(UART_LCR, UART_LCR_DLAB);
		uart_write(UART_DLL, div & 0xff);
		uart_write(UART_DLM, (div >> 8) & 0xff);
	}
	uart_write(UART_LCR, UART_LCR_8N1);
	uart_write(UART_FCR, UART_FCR_ENABLE);
	uart_write(UART_MCR, UART_MCR_DTR_RTS);
}

unsigned long uart8250_base(void)
{
	return (unsigned long)uart_base;
}

void uart8250_putc(char ch)
{
	if (!uart_base)
		return;
	while (!(uart_read(UART_LSR) & UART_LSR_THRE))
		;
	uart_write(UART_THR, (u8)ch);
}

int uart8250_getc(void)
{
	if (!uart_base)
		return -1;
	if (uart_read(UART_LSR) & UART_LSR_DR)
		return (int)(uart_read(UART_RBR) & 0xff);
	return -1;
}
