/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Freestanding string and memory functions (also used by libfdt).
 */
#ifndef __SBI_STRING_H__
#define __SBI_STRING_H__

#include <sbi/sbi_types.h>

void *memcpy(void *dest, const void *src, size_t n);
void *memmove(void *dest, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *s1, const void *s2, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *s1, const char *s2);
int strncmp(const char *s1, const char *s2, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);

/* Case-insensitive comparison of at most n characters (ASCII). */
int sbi_strncasecmp(const char *s1, const char *s2, size_t n);

#endif
