// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal JSON writer for agent result lines.
 *
 * Output is plain ASCII: control characters and bytes >= 0x7f in strings
 * are written as \u00XX escapes.  Non-finite doubles become null.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

/* Keep room for the closing brace and the terminating NUL. */
#define JSON_RESERVE	2

static void json_putc(struct json *j, char c)
{
	if (j->overflow || j->len + JSON_RESERVE >= j->size) {
		j->overflow = true;
		return;
	}
	j->buf[j->len++] = c;
	j->buf[j->len] = '\0';
}

static void json_puts(struct json *j, const char *s)
{
	while (*s)
		json_putc(j, *s++);
}

static void __printf(2, 3) json_printf(struct json *j, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	json_puts(j, tmp);
}

static void json_quote(struct json *j, const char *s)
{
	json_putc(j, '"');
	for (; *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '"':
			json_puts(j, "\\\"");
			break;
		case '\\':
			json_puts(j, "\\\\");
			break;
		case '\n':
			json_puts(j, "\\n");
			break;
		case '\r':
			json_puts(j, "\\r");
			break;
		case '\t':
			json_puts(j, "\\t");
			break;
		default:
			if (c < 0x20 || c >= 0x7f)
				json_printf(j, "\\u%04x", c);
			else
				json_putc(j, c);
		}
	}
	json_putc(j, '"');
}

static void json_reset(struct json *j, char *buf, size_t size, bool object)
{
	j->buf = buf;
	j->size = size;
	j->len = 0;
	j->members = 0;
	j->object = object;
	j->overflow = false;
	j->truncated = false;
	buf[0] = '\0';
	if (object)
		json_putc(j, '{');
}

void json_init(struct json *j, char *buf, size_t size)
{
	json_reset(j, buf, size, true);
}

void json_init_fragment(struct json *j, char *buf, size_t size)
{
	json_reset(j, buf, size, false);
}

static size_t json_member_begin(struct json *j, const char *key)
{
	size_t mark = j->len;

	if (j->members)
		json_putc(j, ',');
	json_quote(j, key);
	json_putc(j, ':');
	return mark;
}

static void json_member_end(struct json *j, size_t mark, unsigned int count)
{
	if (j->overflow) {
		/* drop the partial member, keep what was there before */
		j->len = mark;
		j->buf[mark] = '\0';
		j->overflow = false;
		j->truncated = true;
		return;
	}
	j->members += count;
}

void json_str(struct json *j, const char *key, const char *val)
{
	size_t mark = json_member_begin(j, key);

	if (val)
		json_quote(j, val);
	else
		json_puts(j, "null");
	json_member_end(j, mark, 1);
}

void json_int(struct json *j, const char *key, long long val)
{
	size_t mark = json_member_begin(j, key);

	json_printf(j, "%lld", val);
	json_member_end(j, mark, 1);
}

void json_uint(struct json *j, const char *key, unsigned long long val)
{
	size_t mark = json_member_begin(j, key);

	json_printf(j, "%llu", val);
	json_member_end(j, mark, 1);
}

void json_double(struct json *j, const char *key, double val)
{
	size_t mark = json_member_begin(j, key);

	if (isfinite(val))
		json_printf(j, "%.3f", val);
	else
		json_puts(j, "null");
	json_member_end(j, mark, 1);
}

void json_bool(struct json *j, const char *key, bool val)
{
	size_t mark = json_member_begin(j, key);

	json_puts(j, val ? "true" : "false");
	json_member_end(j, mark, 1);
}

/* 64-bit values such as checksums: a string, JSON numbers lose precision */
void json_hex(struct json *j, const char *key, uint64_t val)
{
	size_t mark = json_member_begin(j, key);

	json_printf(j, "\"0x%016llx\"", (unsigned long long)val);
	json_member_end(j, mark, 1);
}

/* Append the members of a fragment built with json_init_fragment(). */
void json_merge(struct json *j, const char *fragment, unsigned int members)
{
	size_t mark = j->len;

	if (!members || !fragment[0])
		return;
	if (j->members)
		json_putc(j, ',');
	json_puts(j, fragment);
	json_member_end(j, mark, members);
}

const char *json_finish(struct json *j)
{
	if (j->object) {
		/* JSON_RESERVE guarantees room for the brace */
		j->buf[j->len++] = '}';
		j->buf[j->len] = '\0';
		j->object = false;
	}
	return j->buf;
}

void agent_emit(struct json *j)
{
	char line[sizeof(AGENT_PREFIX) + 4096 + 1];
	const char *obj = json_finish(j);
	size_t plen = strlen(AGENT_PREFIX);
	size_t olen = strlen(obj);

	if (olen > sizeof(line) - plen - 2)
		olen = sizeof(line) - plen - 2;
	memcpy(line, AGENT_PREFIX, plen);
	memcpy(line + plen, obj, olen);
	line[plen + olen] = '\n';

	/* one write() per line keeps lines from different processes whole */
	write_full(STDOUT_FILENO, line, plen + olen + 1);
}
