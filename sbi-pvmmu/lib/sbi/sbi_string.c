// SPDX-License-Identifier: BSD-2-Clause
/*
 * Freestanding string and memory functions. The compiler may also emit
 * calls to memcpy/memset/memmove/memcmp, so these keep the standard
 * names. Built with -fno-tree-loop-distribute-patterns so that the loops
 * below are not turned back into calls to themselves.
 */
#include <sbi/sbi_string.h>

void *memcpy(void *dest, const void *src, size_t n)
{
	u8 *d = dest;
	const u8 *s = src;

	if (!(((unsigned long)d | (unsigned long)s | n) & 7)) {
		u64 *dq = dest;
		const u64 *sq = src;

		for (; n; n -= 8)
			*dq++ = *sq++;
		return dest;
	}

	while (n--)
		*d++ = *s++;
	return dest;
}

void *memmove(void *dest, const void *src, size_t n)
{
	u8 *d = dest;
	const u8 *s = src;

	if (d == s || !n)
		return dest;
	if (d < s || d >= s + n)
		return memcpy(dest, src, n);

	/* Overlapping with dest above src: copy backwards */
	d += n;
	s += n;
	while (n--)
		*--d = *--s;
	return dest;
}

void *memset(void *s, int c, size_t n)
{
	u8 *p = s;

	if (!(((unsigned long)p | n) & 7)) {
		u64 v = (u8)c;
		u64 *q = s;

		v |= v << 8;
		v |= v << 16;
		v |= v << 32;
		for (; n; n -= 8)
			*q++ = v;
		return s;
	}

	while (n--)
		*p++ = (u8)c;
	return s;
}

int memcmp(const void *s1, const void *s2, size_t n)
{
	const u8 *a = s1, *b = s2;

	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (int)*a - (int)*b;
	}
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const u8 *p = s;

	for (; n; n--, p++) {
		if (*p == (u8)c)
			return (void *)p;
	}
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

size_t strnlen(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n])
		n++;
	return n;
}

int strcmp(const char *s1, const char *s2)
{
	while (*s1 && *s1 == *s2) {
		s1++;
		s2++;
	}
	return (int)(u8)*s1 - (int)(u8)*s2;
}

int strncmp(const char *s1, const char *s2, size_t n)
{
	for (; n; n--, s1++, s2++) {
		if (*s1 != *s2)
			return (int)(u8)*s1 - (int)(u8)*s2;
		if (!*s1)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

static int to_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

int sbi_strncasecmp(const char *s1, const char *s2, size_t n)
{
	for (; n; n--, s1++, s2++) {
		int a = to_lower((u8)*s1), b = to_lower((u8)*s2);

		if (a != b)
			return a - b;
		if (!a)
			break;
	}
	return 0;
}
