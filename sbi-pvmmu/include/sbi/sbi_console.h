/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Firmware console: locked formatted output on the platform console.
 * Supported conversions: %s %c %d %i %u %x %X %p %% with the flags '-'
 * and '0', a field width, and the length modifiers l, ll and z.
 */
#ifndef __SBI_CONSOLE_H__
#define __SBI_CONSOLE_H__

#include <sbi/sbi_types.h>
#include <stdarg.h>

void sbi_console_init(void);

/* Raw byte I/O (no newline translation), used by the SBI console calls */
void sbi_console_putc_raw(char ch);
int sbi_console_getc(void);
unsigned long sbi_console_write_raw(const char *buf, unsigned long len);
unsigned long sbi_console_read_raw(char *buf, unsigned long len);

/* Formatted output; '\n' is sent as "\r\n". Each call is atomic. */
int sbi_printf(const char *fmt, ...) __printf(1, 2);
int sbi_vprintf(const char *fmt, va_list args);
int sbi_puts(const char *str);

/* Last-resort output: takes the lock only if it becomes free soon. */
int sbi_panic_printf(const char *fmt, ...) __printf(1, 2);

int sbi_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int sbi_vsnprintf(char *buf, size_t size, const char *fmt, va_list args);

#endif
