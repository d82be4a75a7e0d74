// SPDX-License-Identifier: GPL-2.0
/*
 * Memory helpers: patterns, checksums, residency and fault probes.
 *
 * A pattern is a sequence of 64-bit words, word i being a hash of (seed, i),
 * so any misplaced, stale or zeroed page shows up and the expected value of
 * any part of a buffer can be recomputed from its word index alone.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"

#define GOLDEN64	0x9e3779b97f4a7c15ULL

size_t page_size(void)
{
	static size_t size;

	if (!size)
		size = sysconf(_SC_PAGESIZE);
	return size;
}

/* Private anonymous read/write mapping, or NULL (errno set). */
void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

uint64_t pattern_word(uint64_t seed, size_t index)
{
	return mix64(seed + (index + 1) * GOLDEN64);
}

/*
 * Fill buf with pattern words first, first + 1, ...  buf must be 8-byte
 * aligned; a trailing partial word gets the low bytes of its word.
 */
void pattern_fill_from(void *buf, size_t len, uint64_t seed, size_t first)
{
	uint64_t *w = buf;
	size_t i, n = len / 8;

	for (i = 0; i < n; i++)
		w[i] = pattern_word(seed, first + i);
	if (len % 8) {
		uint64_t last = pattern_word(seed, first + n);

		memcpy(&w[n], &last, len % 8);
	}
}

void pattern_fill(void *buf, size_t len, uint64_t seed)
{
	pattern_fill_from(buf, len, seed, 0);
}

/* Offset of the first byte that differs from the pattern, or -1. */
long long pattern_check_from(const void *buf, size_t len, uint64_t seed,
			     size_t first)
{
	const uint64_t *w = buf;
	size_t i, n = len / 8;

	for (i = 0; i < n; i++)
		if (w[i] != pattern_word(seed, first + i))
			return (long long)i * 8;
	if (len % 8) {
		uint64_t last = pattern_word(seed, first + n);

		if (memcmp(&w[n], &last, len % 8))
			return (long long)n * 8;
	}
	return -1;
}

long long pattern_check(const void *buf, size_t len, uint64_t seed)
{
	return pattern_check_from(buf, len, seed, 0);
}

/* Order-sensitive 64-bit checksum of a buffer (8-byte aligned). */
uint64_t csum64(const void *buf, size_t len)
{
	const uint64_t *w = buf;
	uint64_t h = 0x6a09e667f3bcc908ULL ^ len;
	size_t i, n = len / 8;

	for (i = 0; i < n; i++) {
		h ^= w[i];
		h = (h << 29 | h >> 35) * GOLDEN64;
	}
	if (len % 8) {
		uint64_t last = 0;

		memcpy(&last, &w[n], len % 8);
		h ^= last;
		h = (h << 29 | h >> 35) * GOLDEN64;
	}
	return mix64(h);
}

/* Offset of the first non-zero byte, or -1. */
long long first_nonzero(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return i;
	return -1;
}

/*
 * Number of resident pages in [addr, addr + len) according to mincore(),
 * which for anonymous memory reflects present page table entries.
 * Returns -errno on failure; -ENOMEM means part of the range is unmapped.
 */
long resident_pages(void *addr, size_t len)
{
	size_t i, npages = (len + page_size() - 1) / page_size();
	unsigned char *vec;
	long count = 0;

	vec = malloc(npages ? npages : 1);
	if (!vec)
		return -ENOMEM;
	if (mincore(addr, len, vec)) {
		int err = errno;

		free(vec);
		return -err;
	}
	for (i = 0; i < npages; i++)
		count += vec[i] & 1;
	free(vec);
	return count;
}

/* ---- fault probes ---- */

static int probe_fd = -1;

static void probe_handler(int sig, siginfo_t *si, void *uctx)
{
	struct fault_info fi = {
		.signo = sig,
		.code = si->si_code,
		.addr = (uintptr_t)si->si_addr,
	};

	(void)uctx;
	write_full(probe_fd, &fi, sizeof(fi));
	_exit(0);
}

static int probe_child(void *addr, enum probe_mode mode)
{
	struct fault_info fi = { 0 };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = probe_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	if (mode == PROBE_WRITE)
		*(volatile unsigned char *)addr = 0xa5;
	else
		(void)*(volatile unsigned char *)addr;

	write_full(probe_fd, &fi, sizeof(fi));
	return 0;
}

/*
 * Touch one byte at addr in a forked child and report whether (and how) it
 * faulted.  The child has a copy of our address space, so a write that
 * succeeds changes nothing here.  Returns 0 with *fi filled, or -errno.
 */
int probe_access(void *addr, enum probe_mode mode, struct fault_info *fi)
{
	int fds[2], status, ret = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return -errno;

	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(fds[0]);
		close(fds[1]);
		return ret;
	}
	if (pid == 0) {
		close(fds[0]);
		probe_fd = fds[1];
		_exit(probe_child(addr, mode));
	}

	close(fds[1]);
	n = read_full(fds[0], fi, sizeof(*fi));
	close(fds[0]);
	if (wait_pid(pid, &status))
		return -ECHILD;
	if (n != sizeof(*fi) || !WIFEXITED(status) || WEXITSTATUS(status))
		return -EPROTO;
	return ret;
}

const char *fault_name(const struct fault_info *fi, char *buf, size_t size)
{
	const char *code = NULL;

	if (!fi->signo) {
		snprintf(buf, size, "no fault");
		return buf;
	}
	if (fi->signo == SIGSEGV && fi->code == SEGV_MAPERR)
		code = "SEGV_MAPERR";
	else if (fi->signo == SIGSEGV && fi->code == SEGV_ACCERR)
		code = "SEGV_ACCERR";

	if (code)
		snprintf(buf, size, "%s at 0x%llx", code,
			 (unsigned long long)fi->addr);
	else
		snprintf(buf, size, "signal %d code %d at 0x%llx", fi->signo,
			 fi->code, (unsigned long long)fi->addr);
	return buf;
}
