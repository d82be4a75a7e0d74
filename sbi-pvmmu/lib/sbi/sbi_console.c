// SPDX-License-Identifier: BSD-2-Clause
/*
 * Firmware console: formatted output and raw byte I/O on the platform
 * console, serialized by one spinlock so that harts do not interleave
 * within a call.
 */
#include <sbi/riscv_locks.h>
#include <sbi/sbi_console.h>
#include <sbi/sbi_platform.h>

static spinlock_t console_lock = SPIN_LOCK_INITIALIZER;
static bool console_ready;

void sbi_console_init(void)
{
	console_ready = sbi_platform->console_putc != NULL;
}

static void console_putc_locked(char ch)
{
	if (console_ready)
		sbi_platform->console_putc(ch);
}

void sbi_console_putc_raw(char ch)
{
	spin_lock(&console_lock);
	console_putc_locked(ch);
	spin_unlock(&console_lock);
}

int sbi_console_getc(void)
{
	int ch = -1;

	if (!sbi_platform->console_getc)
		return -1;
	spin_lock(&console_lock);
	ch = sbi_platform->console_getc();
	spin_unlock(&console_lock);
	return ch;
}

unsigned long sbi_console_write_raw(const char *buf, unsigned long len)
{
	unsigned long i;

	spin_lock(&console_lock);
	for (i = 0; i < len; i++)
		console_putc_locked(buf[i]);
	spin_unlock(&console_lock);
	return len;
}

unsigned long sbi_console_read_raw(char *buf, unsigned long len)
{
	unsigned long n = 0;
	int ch;

	if (!sbi_platform->console_getc)
		return 0;
	spin_lock(&console_lock);
	while (n < len) {
		ch = sbi_platform->console_getc();
		if (ch < 0)
			break;
		buf[n++] = (char)ch;
	}
	spin_unlock(&console_lock);
	return n;
}

/* ---- formatting ---- */

struct fmt_out {
	void (*emit)(struct fmt_out *out, char ch);
	char *buf;
	size_t size;
	size_t pos;
};

static void emit_console(struct fmt_out *out, char ch)
{
	if (ch == '\n')
		console_putc_locked('\r');
	console_putc_locked(ch);
	out->pos++;
}

static void emit_buffer(struct fmt_out *out, char ch)
{
	if (out->pos + 1 < out->size)
		out->buf[out->pos] = ch;
	out->pos++;
}

static void emit_pad(struct fmt_out *out, char ch, int n)
{
	while (n-- > 0)
		out->emit(out, ch);
}

static void format_string(struct fmt_out *out, const char *s, int width,
			  bool left)
{
	int len = 0;
	const char *p;

	if (!s)
		s = "(null)";
	for (p = s; *p; p++)
		len++;
	if (!left)
		emit_pad(out, ' ', width - len);
	while (*s)
		out->emit(out, *s++);
	if (left)
		emit_pad(out, ' ', width - len);
}

static void format_number(struct fmt_out *out, unsigned long long val,
			  unsigned int base, bool upper, bool negative,
			  int width, bool zero_pad, bool left)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int len = 0, total;

	do {
		tmp[len++] = digits[val % base];
		val /= base;
	} while (val);

	total = len + (negative ? 1 : 0);
	if (left)
		zero_pad = false;

	if (!zero_pad && !left)
		emit_pad(out, ' ', width - total);
	if (negative)
		out->emit(out, '-');
	if (zero_pad)
		emit_pad(out, '0', width - total);
	while (len)
		out->emit(out, tmp[--len]);
	if (left)
		emit_pad(out, ' ', width - total);
}

static void do_format(struct fmt_out *out, const char *fmt, va_list args)
{
	for (; *fmt; fmt++) {
		bool left = false, zero_pad = false;
		int width = 0, longs = 0;
		unsigned long long uval;
		long long sval;

		if (*fmt != '%') {
			out->emit(out, *fmt);
			continue;
		}
		fmt++;

		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				zero_pad = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		for (;; fmt++) {
			if (*fmt == 'l')
				longs++;
			else if (*fmt == 'z')
				longs = 1;
			else
				break;
		}

		switch (*fmt) {
		case 'd':
		case 'i':
			if (longs >= 2)
				sval = va_arg(args, long long);
			else if (longs == 1)
				sval = va_arg(args, long);
			else
				sval = va_arg(args, int);
			uval = sval < 0 ? 0ULL - (unsigned long long)sval :
					(unsigned long long)sval;
			format_number(out, uval, 10, false, sval < 0, width,
				      zero_pad, left);
			break;
		case 'u':
		case 'x':
		case 'X':
			if (longs >= 2)
				uval = va_arg(args, unsigned long long);
			else if (longs == 1)
				uval = va_arg(args, unsigned long);
			else
				uval = va_arg(args, unsigned int);
			format_number(out, uval, *fmt == 'u' ? 10 : 16,
				      *fmt == 'X', false, width, zero_pad,
				      left);
			break;
		case 'p':
			uval = (unsigned long)va_arg(args, void *);
			out->emit(out, '0');
			out->emit(out, 'x');
			format_number(out, uval, 16, false, false,
				      width > 2 ? width - 2 : 0, zero_pad,
				      left);
			break;
		case 's':
			format_string(out, va_arg(args, const char *), width,
				      left);
			break;
		case 'c':
			out->emit(out, (char)va_arg(args, int));
			break;
		case '%':
			out->emit(out, '%');
			break;
		case '\0':
			return;
		default:
			out->emit(out, '%');
			out->emit(out, *fmt);
			break;
		}
	}
}

int sbi_vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	struct fmt_out out = {
		.emit = emit_buffer, .buf = buf, .size = size, .pos = 0,
	};

	do_format(&out, fmt, args);
	if (size)
		buf[out.pos < size ? out.pos : size - 1] = '\0';
	return (int)out.pos;
}

int sbi_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int rc;

	va_start(args, fmt);
	rc = sbi_vsnprintf(buf, size, fmt, args);
	va_end(args);
	return rc;
}

int sbi_vprintf(const char *fmt, va_list args)
{
	struct fmt_out out = { .emit = emit_console };

	spin_lock(&console_lock);
	do_format(&out, fmt, args);
	spin_unlock(&console_lock);
	return (int)out.pos;
}

int sbi_printf(const char *fmt, ...)
{
	va_list args;
	int rc;

	va_start(args, fmt);
	rc = sbi_vprintf(fmt, args);
	va_end(args);
	return rc;
}

int sbi_puts(const char *str)
{
	return sbi_printf("%s", str);
}

int sbi_panic_printf(const char *fmt, ...)
{
	struct fmt_out out = { .emit = emit_console };
	unsigned long tries = 1000000;
	bool locked = false;
	va_list args;

	/* The lock may be held by this very hart (fault inside printf) */
	while (tries--) {
		if (spin_trylock(&console_lock)) {
			locked = true;
			break;
		}
		cpu_relax();
	}

	va_start(args, fmt);
	do_format(&out, fmt, args);
	va_end(args);

	if (locked)
		spin_unlock(&console_lock);
	return (int)out.pos;
}
