// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/pvmmu reader (see pvmmu_stat.h).  libc only.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* sched_setaffinity(), also outside the agent */
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pvmmu_stat.h"

#define STAT_KEY(field)	{ #field, offsetof(struct pvmmu_stat, field) }

static const struct {
	const char *name;
	size_t off;
} stat_keys[] = {
	STAT_KEY(active),
	STAT_KEY(pool_pages),
	STAT_KEY(used),
	STAT_KEY(free),
	STAT_KEY(high_water),
	STAT_KEY(roots),
	STAT_KEY(recycled),
	STAT_KEY(recycled_roots),
	STAT_KEY(kernel),
	STAT_KEY(kernel_links),
	STAT_KEY(exhausted),
	STAT_KEY(register_failures),
	STAT_KEY(release_failures),
	STAT_KEY(sbi_calls),
	STAT_KEY(entries),
	STAT_KEY(failures),
	STAT_KEY(fw_updates),
	STAT_KEY(fw_entries),
	STAT_KEY(fw_rejected),
	STAT_KEY(fw_typed),
	STAT_KEY(fw_links),
	STAT_KEY(fw_kernel_root),
};

#define NR_STAT_KEYS	(sizeof(stat_keys) / sizeof(stat_keys[0]))

static int parse_number(const char *text, long long *val)
{
	char *end;

	if (!*text)
		return -EPROTO;
	errno = 0;
	*val = strtoll(text, &end, 10);
	if (errno || *end)
		return -EPROTO;
	return 0;
}

/* Store one known key; unknown keys are fine and ignored. */
static int parse_pair(struct pvmmu_stat *s, const char *key, const char *val,
		      uint32_t *seen)
{
	size_t i;

	if (!strcmp(key, "backend")) {
		snprintf(s->backend, sizeof(s->backend), "%s", val);
		*seen |= 1U << NR_STAT_KEYS;
		return 0;
	}
	for (i = 0; i < NR_STAT_KEYS; i++) {
		if (strcmp(key, stat_keys[i].name))
			continue;
		if (parse_number(val, (long long *)((char *)s +
						    stat_keys[i].off)))
			return -EPROTO;
		*seen |= 1U << i;
		return 0;
	}
	return 0;
}

int pvmmu_stat_read(struct pvmmu_stat *s)
{
	char copy[PVMMU_STAT_LINE_MAX], *tok, *save;
	uint32_t seen = 0, all = (2U << NR_STAT_KEYS) - 1;
	ssize_t n, len = 0;
	int fd, ret = 0;

	memset(s, 0, sizeof(*s));
	fd = open(PVMMU_STAT_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* a seq_file line can come in more than one read() */
	while (len + 1 < (ssize_t)sizeof(s->line)) {
		n = read(fd, s->line + len, sizeof(s->line) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			close(fd);
			return ret;
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);
	s->line[len] = '\0';
	s->line[strcspn(s->line, "\n")] = '\0';

	memcpy(copy, s->line, sizeof(copy));
	for (tok = strtok_r(copy, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq || eq == tok) {
			ret = -EPROTO;
			continue;
		}
		*eq = '\0';
		s->nkeys++;
		if (parse_pair(s, tok, eq + 1, &seen))
			ret = -EPROTO;
	}
	if (seen != all)
		ret = -EPROTO;
	return ret;
}

int pvmmu_stat_value(const struct pvmmu_stat *s, const char *key,
		     long long *val)
{
	size_t klen = strlen(key);
	const char *p = s->line;

	while (*p) {
		size_t tlen = strcspn(p, " \t");

		if (tlen > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			char num[32];
			size_t vlen = tlen - klen - 1;

			if (vlen >= sizeof(num))
				return -EPROTO;
			memcpy(num, p + klen + 1, vlen);
			num[vlen] = '\0';
			return parse_number(num, val);
		}
		p += tlen;
		p += strspn(p, " \t");
	}
	return -ENOENT;
}

/*
 * Counters that move on an idle system: reading this file is a firmware
 * call (a trap), and sleeping between reads switches satp and fences.
 */
static const char *const idle_keys[] = { "fw_traps", "fw_satp", "fw_sfence" };

static bool idle_key(const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(idle_keys) / sizeof(idle_keys[0]); i++)
		if (strlen(idle_keys[i]) == len && !strncmp(key, idle_keys[i], len))
			return true;
	return false;
}

/* Length of the next "key=value" or other token at @p, blanks excluded. */
static size_t token_len(const char *p)
{
	return strcspn(p, " \t\n");
}

bool pvmmu_stat_same(const struct pvmmu_stat *a, const struct pvmmu_stat *b)
{
	const char *p = a->line, *q = b->line;
	size_t lp, lq;

	/* every token, counters unknown here included, but the idle ones */
	for (;;) {
		p += strspn(p, " \t\n");
		q += strspn(q, " \t\n");
		lp = token_len(p);
		lq = token_len(q);
		if (!lp || !lq)
			return !lp && !lq;
		if (lp != lq || strncmp(p, q, lp)) {
			size_t kp = strcspn(p, "="), kq = strcspn(q, "=");

			if (kp >= lp || kp != kq || strncmp(p, q, kp) ||
			    !idle_key(p, kp))
				return false;
		}
		p += lp;
		q += lq;
	}
}

long long pvmmu_stat_user_tables(const struct pvmmu_stat *s)
{
	return s->used - s->kernel;
}

int pvmmu_stat_check(const struct pvmmu_stat *s, char *why, size_t size)
{
	if (s->failures)
		snprintf(why, size, "failures=%lld (kernel saw rejected UPDATE calls)",
			 s->failures);
	else if (s->fw_rejected)
		snprintf(why, size, "fw_rejected=%lld", s->fw_rejected);
	else if (s->sbi_calls != s->fw_updates)
		snprintf(why, size, "sbi_calls=%lld != fw_updates=%lld",
			 s->sbi_calls, s->fw_updates);
	else if (s->entries != s->fw_entries)
		snprintf(why, size, "entries=%lld != fw_entries=%lld",
			 s->entries, s->fw_entries);
	else if (s->fw_typed != s->used + s->recycled)
		snprintf(why, size, "fw_typed=%lld != used+recycled=%lld",
			 s->fw_typed, s->used + s->recycled);
	else if (s->active && (s->fw_kernel_root != 1 || s->kernel < 1))
		snprintf(why, size, "fw_kernel_root=%lld kernel=%lld: the kernel's tables are not the firmware's kernel root",
			 s->fw_kernel_root, s->kernel);
	/*
	 * Every table in use but a root is linked once, by its parent; every
	 * root but the kernel's, recycled ones too, also links the kernel
	 * root's kernel_links kernel tables.
	 */
	else if (s->fw_links != s->used - s->roots +
		 s->kernel_links * (s->roots - 1 + s->recycled_roots) &&
		 s->active)
		snprintf(why, size, "fw_links=%lld != used-roots+kernel_links*(roots-1+recycled_roots)=%lld (used=%lld roots=%lld kernel_links=%lld recycled_roots=%lld)",
			 s->fw_links, s->used - s->roots +
			 s->kernel_links * (s->roots - 1 + s->recycled_roots),
			 s->used, s->roots, s->kernel_links, s->recycled_roots);
	else
		return 0;
	return -1;
}

int pvmmu_stat_visit_cpus(void)
{
	long cpu, ncpus = sysconf(_SC_NPROCESSORS_CONF);
	cpu_set_t old, one;
	int ret = 0;

	if (sched_getaffinity(0, sizeof(old), &old))
		return -errno;
	if (ncpus < 1 || ncpus > CPU_SETSIZE)
		ncpus = CPU_SETSIZE;
	for (cpu = 0; cpu < ncpus; cpu++) {
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		/* returns once we run there; offline CPUs fail with EINVAL */
		if (sched_setaffinity(0, sizeof(one), &one) && errno != EINVAL)
			ret = -errno;
	}
	if (sched_setaffinity(0, sizeof(old), &old))
		ret = -errno;
	return ret;
}

#define KHUGEPAGED_SLEEP \
	"/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs"

int pvmmu_stat_wake_khugepaged(void)
{
	char val[32];
	ssize_t n;
	int fd, ret = 0;

	fd = open(KHUGEPAGED_SLEEP, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, val, sizeof(val) - 1);
	if (n <= 0)
		ret = n < 0 ? -errno : -EIO;
	else if (pwrite(fd, val, n, 0) != n)
		ret = -errno;
	close(fd);
	return ret;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int pvmmu_stat_read_quiet(struct pvmmu_stat *s, unsigned int interval_ms,
			  unsigned int timeout_ms)
{
	struct pvmmu_stat next;
	unsigned int waited = 0;
	int ret;

	ret = pvmmu_stat_read(s);
	if (ret)
		return ret;
	while (waited < timeout_ms) {
		sleep_ms(interval_ms);
		waited += interval_ms;
		ret = pvmmu_stat_read(&next);
		if (ret)
			return ret;
		if (pvmmu_stat_same(s, &next))
			return 0;
		*s = next;
	}
	return -ETIMEDOUT;
}
