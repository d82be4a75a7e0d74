// SPDX-License-Identifier: GPL-2.0
/*
 * pvmmu: the page table accounting in /proc/pvmmu is what the command line
 * asked for, agrees between the kernel and the firmware, and page tables
 * come back to the pool when the processes using them are gone.
 *
 * reject.kill (its own group, run in a boot of its own) checks what a
 * rejection by the firmware costs: the task whose call was rejected dies
 * of SIGKILL, the kernel counts it and goes on.  The rejections it causes
 * stay in failures and fw_rejected, which the accounting checks want at
 * zero.
 *
 * Parameters: agent.pvmmu=1|0 (pvmmu must be on / off; unset: report
 * only), agent.pvmmu_burst_ms=N (the leak check's own stress burst,
 * default 1500), agent.stress_seed, agent.tmpdir (where stress.mix left
 * its pool figures), agent.reject_dontneed=1 (reject.kill also rejects
 * a clear made by MADV_DONTNEED).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "pvmmu_stat.h"

#define PVMMU_POLL_MS		50
#define PVMMU_LEAK_MS		15000
#define PVMMU_CHECK_MS		3000
#define PVMMU_BURST_MS		1500
#define PVMMU_BURST_ITERS	200
#define PVMMU_BURST_MAX		(2 * MIB)

/*
 * Read until the identities hold, for at most timeout_ms: a read may fall
 * between the kernel's and the firmware's half of an update, or between
 * unlinking a table and freeing it after the grace period.  Returns 0, or
 * -1 with the last read in *s and what is wrong in why.
 */
static int poll_identities(struct pvmmu_stat *s, unsigned int timeout_ms,
			   char *why, size_t size, unsigned int *reads)
{
	struct pvmmu_stat prev;
	unsigned int waited = 0;
	bool steady = false;
	size_t len;
	int ret;

	for (*reads = 1;; (*reads)++) {
		ret = pvmmu_stat_read(s);
		if (ret) {
			snprintf(why, size, "%s: %s", PVMMU_STAT_PATH,
				 strerror(-ret));
			return -1;
		}
		if (!pvmmu_stat_check(s, why, size))
			return 0;
		steady = *reads > 1 && pvmmu_stat_same(&prev, s);
		if (waited >= timeout_ms)
			break;
		prev = *s;
		sleep_ms(PVMMU_POLL_MS);
		waited += PVMMU_POLL_MS;
	}
	len = strlen(why);
	snprintf(why + len, size - len, " for %u ms (%u reads%s)", waited,
		 *reads, steady ? ", counters not moving" : "");
	return -1;
}

static void stat_fields(struct test_ctx *t, const struct pvmmu_stat *s)
{
	t_int(t, "active", s->active);
	t_str(t, "backend", s->backend);
	t_int(t, "pool_pages", s->pool_pages);
	t_int(t, "used", s->used);
	t_int(t, "high_water", s->high_water);
	t_int(t, "roots", s->roots);
	t_int(t, "recycled", s->recycled);
	t_int(t, "recycled_roots", s->recycled_roots);
	t_int(t, "kernel", s->kernel);
	t_int(t, "kernel_links", s->kernel_links);
	t_int(t, "exhausted", s->exhausted);
	t_int(t, "register_failures", s->register_failures);
	t_int(t, "release_failures", s->release_failures);
	t_int(t, "sbi_calls", s->sbi_calls);
	t_int(t, "entries", s->entries);
	t_int(t, "failures", s->failures);
	t_int(t, "fw_updates", s->fw_updates);
	t_int(t, "fw_entries", s->fw_entries);
	t_int(t, "fw_rejected", s->fw_rejected);
	t_int(t, "fw_typed", s->fw_typed);
	t_int(t, "fw_links", s->fw_links);
	t_int(t, "fw_kernel_root", s->fw_kernel_root);
}

/* ---- pvmmu.state ---- */

static int pvmmu_state(struct test_ctx *t)
{
	const char *want = agent_param("pvmmu");
	struct pvmmu_stat s;
	int ret;

	if (want && strcmp(want, "0") && strcmp(want, "1"))
		return t_fail(t, "agent.pvmmu=%s: expected 0 or 1", want);

	ret = pvmmu_stat_read(&s);
	if (ret == -ENOENT) {
		t_int(t, "present", 0);
		if (want && !strcmp(want, "1"))
			return t_fail(t, "no %s: kernel without CONFIG_RISCV_PVMMU",
				      PVMMU_STAT_PATH);
		return t_pass(t, "no %s (kernel without CONFIG_RISCV_PVMMU)",
			      PVMMU_STAT_PATH);
	}
	if (ret)
		return t_fail(t, "%s: %s: '%s'", PVMMU_STAT_PATH,
			      strerror(-ret), s.line);

	t_int(t, "present", 1);
	t_uint(t, "keys", s.nkeys);
	stat_fields(t, &s);

	if (s.active && (s.used < 0 || s.used > s.pool_pages ||
			 s.used + s.recycled + s.free != s.pool_pages ||
			 s.high_water < s.used))
		return t_fail(t, "pool figures disagree: pool_pages=%lld used=%lld recycled=%lld free=%lld high_water=%lld",
			      s.pool_pages, s.used, s.recycled, s.free,
			      s.high_water);
	if (want && !strcmp(want, "1") &&
	    (s.active != 1 || strcmp(s.backend, "sbi")))
		return t_fail(t, "agent.pvmmu=1, but active=%lld backend=%s",
			      s.active, s.backend);
	if (want && !strcmp(want, "0") && s.active)
		return t_fail(t, "agent.pvmmu=0, but active=%lld backend=%s",
			      s.active, s.backend);
	return t_pass(t, "active=%lld backend=%s%s", s.active, s.backend,
		      want ? "" : " (agent.pvmmu not given)");
}

/* ---- pvmmu.leak ---- */

/* What stress.mix left: its pool use before and after.  0 or -errno. */
static int read_marker(const char *dir, long long *before, long long *after,
		       long long *high_water, long long *roots_before,
		       long long *roots_after, long long *own_growth)
{
	char path[256], text[256];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, PVMMU_STRESS_MARKER);
	n = read_text(path, text, sizeof(text));
	if (n < 0)
		return n;
	if (sscanf(text, "used_before=%lld used_after=%lld high_water=%lld roots_before=%lld roots_after=%lld own_growth=%lld",
		   before, after, high_water, roots_before, roots_after,
		   own_growth) != 6)
		return -EPROTO;
	return 0;
}

/*
 * Read /proc/pvmmu for a case that needs pvmmu active: -1 to go on, or
 * the case's verdict (skip without the file or with pvmmu off).
 */
static int need_active(struct test_ctx *t, struct pvmmu_stat *s)
{
	int ret = pvmmu_stat_read(s);

	if (ret == -ENOENT)
		return t_skip(t, "no %s", PVMMU_STAT_PATH);
	if (ret)
		return t_fail(t, "%s: %s", PVMMU_STAT_PATH, strerror(-ret));
	if (!s->active)
		return t_skip(t, "pvmmu inactive");
	return -1;
}

static int pvmmu_leak(struct test_ctx *t)
{
	const char *dir = agent_tmpdir();
	long burst_ms = agent_param_long("pvmmu_burst_ms", PVMMU_BURST_MS);
	struct stress_opts o = {
		.max_iters = PVMMU_BURST_ITERS,
		.seed = agent_param_long("stress_seed", 1) + 1,
		.max_size = PVMMU_BURST_MAX,
		.tmpdir = dir,
	};
	long long sbefore, safter, shigh, rbefore, rafter, sown;
	struct pvmmu_stat base, after;
	struct stress_summary sum;
	char err[TEST_DETAIL_MAX];
	unsigned int reads;
	uint64_t start;
	bool marker;
	int ret;

	ret = need_active(t, &base);
	if (ret >= 0)
		return ret;

	/* the heavy work: stress.mix, if it ran earlier in this boot */
	ret = read_marker(dir, &sbefore, &safter, &shigh, &rbefore, &rafter,
			  &sown);
	marker = !ret;
	if (marker) {
		t_int(t, "stress_used_before", sbefore);
		t_int(t, "stress_used_after", safter);
		t_int(t, "stress_high_water", shigh);
		t_int(t, "stress_own_growth", sown);
		/* stress.mix's own heap or stack may have gained a table */
		if (safter - sown > sbefore)
			return t_fail(t, "stress.mix left used at %lld, %lld page tables above its baseline %lld after its 5 s wait, %lld of its own discounted (roots %lld -> %lld)",
				      safter, safter - sown - sbefore, sbefore,
				      sown, rbefore, rafter);
	} else if (ret != -ENOENT) {
		return t_fail(t, "%s/%s: %s", dir, PVMMU_STRESS_MARKER,
			      strerror(-ret));
	}

	/* and a burst of our own, bracketed in this one process */
	ret = pvmmu_leak_begin(&base);
	if (ret)
		return t_fail(t, "baseline: %s", strerror(-ret));
	if (burst_ms <= 0)
		burst_ms = PVMMU_BURST_MS;
	o.duration_ns = burst_ms * 1000000ULL;
	ret = stress_run(&o, &sum, err, sizeof(err));
	t_int(t, "baseline", base.used);
	t_int(t, "own_tables", base.own_tables);
	t_uint(t, "burst_ops", sum.iters);
	if (ret)
		return t_fail(t, "burst: %s", err);

	start = now_ns();
	ret = pvmmu_leak_end(&base, &after, PVMMU_LEAK_MS);
	t_int(t, "after", after.used);
	t_int(t, "high_water", after.high_water);
	t_int(t, "own_growth", pvmmu_leak_own_growth(&base, &after));
	t_double(t, "settle_ms", ns_to_ms(now_ns() - start));
	if (ret == -ETIMEDOUT)
		return t_fail(t, "used %lld, %lld page tables above the baseline %lld after %u ms (roots %lld -> %lld)",
			      after.used, after.used - base.used, base.used,
			      PVMMU_LEAK_MS, base.roots, after.roots);
	if (ret)
		return t_fail(t, "%s: %s", PVMMU_STAT_PATH, strerror(-ret));

	if (poll_identities(&after, PVMMU_CHECK_MS, err, sizeof(err), &reads))
		return t_fail(t, "after the burst: %s", err);
	return t_pass(t, "used back to %lld after %lu burst operations (high water %lld)%s",
		      after.used, sum.iters, after.high_water,
		      marker ? ", and after stress.mix" : "");
}

/* ---- pvmmu.accounting ---- */

static int pvmmu_accounting(struct test_ctx *t)
{
	struct pvmmu_stat s;
	char why[256];
	unsigned int reads;
	int ret;

	ret = need_active(t, &s);
	if (ret >= 0)
		return ret;

	/* the runner has no other test process alive now */
	ret = poll_identities(&s, PVMMU_CHECK_MS, why, sizeof(why), &reads);
	stat_fields(t, &s);
	t_uint(t, "reads", reads);
	if (ret)
		return t_fail(t, "%s", why);
	return t_pass(t, "%lld UPDATE calls, %lld entries, %lld tables (%lld roots, %lld of the kernel, %lld links): kernel and firmware agree",
		      s.sbi_calls, s.entries, s.used, s.roots, s.kernel,
		      s.fw_links);
}

/* ---- reject.kill ---- */

#define INJECT_PATH		"/sys/kernel/debug/pvmmu/inject_reject"
#define RECYCLE_PATH		"/sys/module/pvmmu/parameters/recycle"
#define KMSG_PATH		"/dev/kmsg"
#define REJECT_MSG_MAX		256
#define REJECT_CHILD_SKIP	77
#define REJECT_FREE_MS		3000
#define REJECT_QUIET_MS		3000
#define REJECT_QUIET_POLL_MS	100
#define REJECT_SETTLE_MS	3000
#define REJECT_LOG_MS		200
/* the level-0 recycle stack holds at most 1024 tables (pvmmu.recycle) */
#define REJECT_DRAIN_MAX	(1024 + 64)
#define REJECT_CHECK_SIZE	(1 * MIB)
#define PMD_BYTES		(2 * MIB)
#define PUD_BYTES		(1024 * MIB)

enum reject_kind {
	REJECT_SET,
	REJECT_CLEAR,
	REJECT_LINK,
	REJECT_REGISTER,
	NR_REJECT_KINDS,
};

/* the /proc/pvmmu rejected_<name> counters, and the log's words */
static const char *const reject_names[NR_REJECT_KINDS] = {
	[REJECT_SET]		= "set",
	[REJECT_CLEAR]		= "clear",
	[REJECT_LINK]		= "link",
	[REJECT_REGISTER]	= "register",
};

struct reject_args {
	enum reject_kind kind;
	bool dontneed;		/* clear: MADV_DONTNEED instead of munmap */
	char *msg;		/* MAP_SHARED: why the child gave up */
};

/* The counters one rejection moves. */
struct reject_counts {
	long long rejected[NR_REJECT_KINDS];
	long long killed, pinned, failures, register_failures, fw_rejected;
};

/* From one read of /proc/pvmmu; 0 or -errno (a key missing). */
static int reject_counts(const struct pvmmu_stat *s, struct reject_counts *c)
{
	char key[32];
	int i, ret;

	for (i = 0; i < NR_REJECT_KINDS; i++) {
		snprintf(key, sizeof(key), "rejected_%s", reject_names[i]);
		ret = pvmmu_stat_value(s, key, &c->rejected[i]);
		if (ret)
			return ret;
	}
	ret = pvmmu_stat_value(s, "killed", &c->killed);
	if (!ret)
		ret = pvmmu_stat_value(s, "pinned", &c->pinned);
	c->failures = s->failures;
	c->register_failures = s->register_failures;
	c->fw_rejected = s->fw_rejected;
	return ret;
}

/* Two keys of one read of /proc/pvmmu; 0 or -errno. */
static int stat_keys(const char *k1, long long *v1, const char *k2,
		     long long *v2)
{
	struct pvmmu_stat s;
	int ret = pvmmu_stat_read(&s);

	if (!ret)
		ret = pvmmu_stat_value(&s, k1, v1);
	if (!ret && k2)
		ret = pvmmu_stat_value(&s, k2, v2);
	return ret;
}

static int __printf(3, 4) child_fail(struct reject_args *a, int code,
				     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->msg, REJECT_MSG_MAX, fmt, ap);
	va_end(ap);
	return code;
}

static void touch(char *p)
{
	*(volatile char *)p = 1;
}

static char *align_up(char *p, size_t align)
{
	return (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
}

/*
 * A 2 MiB-aligned block whose first page is populated (so its PTE table
 * is there); *target = that page plus @offset.
 */
static int prepare_populated(struct reject_args *a, char **target,
			     size_t offset)
{
	char *base = map_anon(2 * PMD_BYTES), *p;

	if (!base)
		return child_fail(a, 10, "mmap: %s", strerror(errno));
	p = align_up(base, PMD_BYTES);
	touch(p);
	*target = p + offset;
	return 0;
}

/* set: a fresh page under a PTE table that is already there */
static int prepare_set(struct reject_args *a, char **target)
{
	return prepare_populated(a, target, page_size());
}

/* clear: a populated page, unmapped */
static int prepare_clear(struct reject_args *a, char **target)
{
	return prepare_populated(a, target, 0);
}

/*
 * link: a fresh 2 MiB region under a PMD table that is already there.
 * Its PTE table must come from the recycled ones (a new one would be
 * typed first, and PT_REGISTER would take the rejection), so one is freed
 * here first: then the level-0 stack holds it, or was full already.
 */
static int prepare_link(struct reject_args *a, char **target)
{
	char *base = map_anon(16 * MIB), *blk;
	long long used, now;
	unsigned int waited = 0;
	char text[32];

	if (read_text(RECYCLE_PATH, text, sizeof(text)) > 0 && atoll(text) == 0)
		return child_fail(a, REJECT_CHILD_SKIP,
				  "pvmmu.recycle=0: no recycled PTE table to link without PT_REGISTER");
	if (!base)
		return child_fail(a, 10, "mmap: %s", strerror(errno));
	/* 8 MiB aligned: four 2 MiB regions under one PMD table */
	blk = align_up(base, 8 * MIB);
	touch(blk);
	touch(blk + PMD_BYTES);
	if (stat_keys("used", &used, NULL, NULL))
		return child_fail(a, 11, "%s: no used", PVMMU_STAT_PATH);
	if (munmap(blk + PMD_BYTES, PMD_BYTES))
		return child_fail(a, 12, "munmap: %s", strerror(errno));
	/* the table comes back after an RCU grace period */
	for (;;) {
		if (stat_keys("used", &now, NULL, NULL))
			now = -1;
		if (now >= 0 && now < used)
			break;
		if (waited >= REJECT_FREE_MS)
			return child_fail(a, 13, "the freed PTE table did not come back in %u ms (used %lld -> %lld)",
					  waited, used, now);
		sleep_ms(PVMMU_POLL_MS);
		waited += PVMMU_POLL_MS;
	}
	*target = blk + 2 * PMD_BYTES;
	return 0;
}

/*
 * register: a fresh 2 MiB region whose PTE table must be typed.  Recycled
 * tables are handed out without PT_REGISTER, so take them: touch fresh
 * regions until one needed exactly one new table (registered +1, reused
 * +0): the level-0 stack is empty then, and the next region, under the
 * same PMD table, needs PT_REGISTER first.
 */
static int prepare_register(struct reject_args *a, char **target)
{
	size_t len = (REJECT_DRAIN_MAX + 2) * PMD_BYTES;
	long long reg, reuse, reg2, reuse2;
	char *base, *p;
	unsigned int i;

	base = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return child_fail(a, 10, "mmap %zu MiB: %s", len / MIB,
				  strerror(errno));
	p = align_up(base, PMD_BYTES);
	if (stat_keys("registered", &reg, "reused", &reuse))
		return child_fail(a, 11, "%s: no registered/reused",
				  PVMMU_STAT_PATH);
	for (i = 0; i < REJECT_DRAIN_MAX; i++, p += PMD_BYTES) {
		touch(p);
		if (stat_keys("registered", &reg2, "reused", &reuse2))
			return child_fail(a, 11, "%s: no registered/reused",
					  PVMMU_STAT_PATH);
		if (reg2 == reg + 1 && reuse2 == reuse &&
		    (uintptr_t)p / PUD_BYTES ==
		    (uintptr_t)(p + PMD_BYTES) / PUD_BYTES) {
			*target = p + PMD_BYTES;
			return 0;
		}
		reg = reg2;
		reuse = reuse2;
	}
	return child_fail(a, 14, "no new PTE table after %u recycled ones",
			  REJECT_DRAIN_MAX);
}

/*
 * The child: everything it will touch is mapped first (mlockall), so the
 * call that takes the armed rejection is the one the operation makes.
 * Returns only when it was not killed.
 */
static int reject_child(void *arg)
{
	struct reject_args *a = arg;
	size_t page = page_size();
	char *target = NULL;
	int fd, ret;

	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		return child_fail(a, 2, "PR_SET_THP_DISABLE: %s",
				  strerror(errno));
	pvmmu_leak_prefault_stack();
	if (mlockall(MCL_CURRENT))
		return child_fail(a, 3, "mlockall: %s", strerror(errno));
	fd = open(INJECT_PATH, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return child_fail(a, 4, "%s: %s", INJECT_PATH, strerror(errno));

	switch (a->kind) {
	case REJECT_SET:
		ret = prepare_set(a, &target);
		break;
	case REJECT_CLEAR:
		ret = prepare_clear(a, &target);
		break;
	case REJECT_LINK:
		ret = prepare_link(a, &target);
		break;
	default:
		ret = prepare_register(a, &target);
		break;
	}
	if (ret)
		return ret;

	/* arm: this task's next UPDATE or PT_REGISTER call is rejected */
	if (write(fd, "1", 1) != 1)
		return child_fail(a, 5, "arming %s: %s", INJECT_PATH,
				  strerror(errno));
	if (a->kind == REJECT_CLEAR && a->dontneed)
		madvise(target, page, MADV_DONTNEED);
	else if (a->kind == REJECT_CLEAR)
		munmap(target, page);
	else
		touch(target);

	/* still here: not killed; do not leave a rejection armed */
	ret = write(fd, "0", 1);
	return child_fail(a, 1, "not killed by the armed %s%s",
			  reject_names[a->kind],
			  ret == 1 ? "" : " (and disarming failed)");
}

/*
 * What the kernel's own consistency checks say after a rejected set or
 * link, and nothing else may: the caller had already accounted the
 * mapping (rss) or the table (pgtables_bytes) that the firmware refused,
 * and the generic mm code does not look at the result (docs/ARCHITECTURE.md,
 * "Rejected updates"). NULL: no line is expected.
 */
static const char *const reject_expected[NR_REJECT_KINDS] = {
	[REJECT_SET]	= "Bad rss-counter state",
	[REJECT_LINK]	= "non-zero pgtables_bytes",
};

/*
 * Kernel log lines since *fd was opened that mean trouble, other than
 * @expected (may be NULL); *seen when one contains @want.  0 or -errno.
 * Its list is wider than kmsg_scan_trouble()'s: "BUG" and "WARNING"
 * without the colon.
 */
static int kmsg_scan(int fd, const char *want, const char *expected,
		     bool *seen, char *bad, size_t size, unsigned int *nbad)
{
	static const char *const trouble[] = {
		"BUG", "WARNING", "Oops", "Bad page", "Bad rss", "Kernel panic",
		"Unable to handle",
	};
	char msg[1024];
	size_t i, len;
	int ret;

	while ((ret = kmsg_next(fd, msg, sizeof(msg))) > 0) {
		if (strstr(msg, want))
			*seen = true;
		if (expected && strstr(msg, expected))
			continue;
		for (i = 0; i < ARRAY_SIZE(trouble); i++) {
			if (!strstr(msg, trouble[i]))
				continue;
			if (!(*nbad)++) {
				len = strnlen(msg, size - 1);
				memcpy(bad, msg, len);
				bad[len] = '\0';
			}
			break;
		}
	}
	return ret;
}

/*
 * No page table of an earlier process still on its way back to the pool:
 * two reads REJECT_QUIET_POLL_MS apart with the same pool figures (the
 * whole line never settles: the firmware's trap counters keep moving).
 * The last read is in *s; 0 or -errno.
 */
static int pool_settle(struct pvmmu_stat *s)
{
	unsigned int waited = 0;
	struct pvmmu_stat next;
	int ret;

	ret = pvmmu_stat_visit_cpus();
	if (!ret)
		ret = pvmmu_stat_read(s);
	while (!ret && waited < REJECT_QUIET_MS) {
		sleep_ms(REJECT_QUIET_POLL_MS);
		waited += REJECT_QUIET_POLL_MS;
		ret = pvmmu_stat_read(&next);
		if (ret)
			break;
		if (next.used == s->used && next.recycled == s->recycled &&
		    next.roots == s->roots) {
			*s = next;
			break;
		}
		*s = next;
	}
	return ret;
}

static void __printf(3, 4) add_problem(char *why, size_t size,
				       const char *fmt, ...)
{
	size_t len = strlen(why);
	va_list ap;

	if (len && len + 2 < size) {
		memcpy(why + len, "; ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(why + len, size - len, fmt, ap);
	va_end(ap);
}

/* One counter's change against what one rejection of @kind should do. */
static void check_delta(char *why, size_t size, const char *key,
			long long before, long long after, long long want)
{
	if (after - before != want)
		add_problem(why, size, "%s went up by %lld, expected %lld", key,
			    after - before, want);
}

/*
 * One kind: fork the child, check how it died, the counters, that its
 * page tables came back and what the kernel logged.  Returns 0, or 1
 * with what went wrong in why, or -1 (the case cannot go on, in why).
 */
static int reject_one(enum reject_kind kind, bool dontneed, char *msg,
		      bool *skipped, char *why, size_t size)
{
	const char *name = reject_names[kind];
	struct reject_args a = { .kind = kind, .dontneed = dontneed, .msg = msg };
	struct pvmmu_stat sb, sa, sl;
	struct reject_counts b, c;
	char how[96], want[64], bad[256] = "", key[32];
	unsigned int nbad = 0;
	bool seen = false;
	int i, kfd, status, ret, orphans;
	pid_t pid;

	*skipped = false;
	why[0] = '\0';
	msg[0] = '\0';
	ret = pool_settle(&sb);
	if (!ret)
		ret = reject_counts(&sb, &b);
	if (ret) {
		add_problem(why, size, "%s: %s", PVMMU_STAT_PATH,
			    strerror(-ret));
		return -1;
	}
	kfd = open(KMSG_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kfd >= 0)
		lseek(kfd, 0, SEEK_END);

	pid = fork_call(reject_child, &a);
	if (pid < 0) {
		add_problem(why, size, "fork: %s", strerror(errno));
		if (kfd >= 0)
			close(kfd);
		return -1;
	}
	ret = wait_pid(pid, &status);
	if (!ret)
		ret = pvmmu_stat_read(&sa);
	if (!ret)
		ret = reject_counts(&sa, &c);
	if (ret) {
		add_problem(why, size, "after the child: %s", strerror(-ret));
		if (kfd >= 0)
			close(kfd);
		return -1;
	}

	if (WIFEXITED(status) && WEXITSTATUS(status) == REJECT_CHILD_SKIP) {
		*skipped = true;
		add_problem(why, size, "%s", msg);
		if (kfd >= 0)
			close(kfd);
		return 0;
	}
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
		add_problem(why, size, "child %s%s%s",
			    describe_status(status, how, sizeof(how)),
			    msg[0] ? ": " : "", msg);
	} else {
		for (i = 0; i < NR_REJECT_KINDS; i++) {
			snprintf(key, sizeof(key), "rejected_%s",
				 reject_names[i]);
			check_delta(why, size, key, b.rejected[i],
				    c.rejected[i], i == (int)kind);
		}
		check_delta(why, size, "killed", b.killed, c.killed, 1);
		check_delta(why, size, "pinned", b.pinned, c.pinned,
			    kind == REJECT_CLEAR);
		check_delta(why, size, "fw_rejected", b.fw_rejected,
			    c.fw_rejected, 1);
		check_delta(why, size, "failures", b.failures, c.failures,
			    kind != REJECT_REGISTER);
		check_delta(why, size, "register_failures",
			    b.register_failures, c.register_failures,
			    kind == REJECT_REGISTER);
	}

	/*
	 * The child's mm is dropped (check_mm() logs then) and its tables
	 * are back, but for a rejected link's: never reachable, it may stay
	 * out of circulation.
	 */
	orphans = kind == REJECT_LINK;
	sb.used += orphans;
	ret = pvmmu_leak_end(&sb, &sl, REJECT_SETTLE_MS);
	if (ret == -ETIMEDOUT)
		add_problem(why, size, "pool use %lld, %lld page table(s) above the %lld before the child%s, %u ms after it died",
			    sl.used, sl.used - sb.used, sb.used - orphans,
			    orphans ? " and its unlinked table" : "",
			    REJECT_SETTLE_MS);
	else if (ret)
		add_problem(why, size, "%s: %s", PVMMU_STAT_PATH,
			    strerror(-ret));
	sleep_ms(REJECT_LOG_MS);

	snprintf(want, sizeof(want), "firmware rejected %s of", name);
	if (kfd >= 0) {
		ret = kmsg_scan(kfd, want, reject_expected[kind], &seen, bad,
				sizeof(bad), &nbad);
		close(kfd);
		if (ret)
			add_problem(why, size, "%s: %s", KMSG_PATH,
				    strerror(-ret));
		else if (!seen)
			add_problem(why, size, "no \"%s\" line in the kernel log",
				    want);
		if (nbad)
			add_problem(why, size, "kernel log: \"%s\"%s", bad,
				    nbad > 1 ? " and more" : "");
	}
	return why[0] ? 1 : 0;
}

/* After the rejections: a fork, a mapping and an unmapping still work. */
static int reject_check_vm(void *arg)
{
	void *p = map_anon(REJECT_CHECK_SIZE);

	(void)arg;
	if (!p)
		return 10;
	pattern_fill(p, REJECT_CHECK_SIZE, 0x7e1ec7);
	if (pattern_check(p, REJECT_CHECK_SIZE, 0x7e1ec7) >= 0)
		return 11;
	return munmap(p, REJECT_CHECK_SIZE) ? 12 : 0;
}

static int pvmmu_reject(struct test_ctx *t)
{
	char how[96], why[TEST_DETAIL_MAX], all[TEST_DETAIL_MAX] = "";
	int dontneed = agent_param_long("reject_dontneed", 0) != 0;
	unsigned int nfailed = 0;
	struct reject_counts counts;
	enum reject_kind kind;
	char passed[80] = "";
	struct pvmmu_stat s;
	int i, ret, status;
	const char *name;
	bool skip;
	char *msg;

	ret = need_active(t, &s);
	if (ret >= 0)
		return ret;
	if (access(INJECT_PATH, W_OK))
		return t_skip(t, "no %s (%s): rejections cannot be injected",
			      INJECT_PATH, strerror(errno));
	ret = reject_counts(&s, &counts);
	if (ret)
		return t_fail(t, "%s has no rejected_*/killed/pinned counters: %s",
			      PVMMU_STAT_PATH, strerror(-ret));

	msg = mmap(NULL, REJECT_MSG_MAX, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (msg == MAP_FAILED)
		return t_fail(t, "mmap: %s", strerror(errno));
	for (i = 0; i < NR_REJECT_KINDS + dontneed; i++) {
		/* the opt-in extra: a clear by MADV_DONTNEED */
		kind = i < NR_REJECT_KINDS ? i : REJECT_CLEAR;
		name = i < NR_REJECT_KINDS ? reject_names[i] : "clear_dontneed";
		ret = reject_one(kind, i >= NR_REJECT_KINDS, msg, &skip, why,
				 sizeof(why));
		if (ret < 0)
			return t_fail(t, "%s: %s", name, why);
		t_str(t, name, skip ? "skip" : ret ? "fail" : "pass");
		if (skip) {
			add_problem(all, sizeof(all), "%s skipped: %s", name,
				    why);
		} else if (ret) {
			nfailed++;
			add_problem(all, sizeof(all), "%s: %s", name, why);
		} else {
			snprintf(passed + strlen(passed),
				 sizeof(passed) - strlen(passed), " %s", name);
		}
	}

	/* the kernel goes on: for others, and for this process */
	ret = run_child(reject_check_vm, NULL, &status);
	if (ret)
		return t_fail(t, "fork after the rejections: %s",
			      strerror(-ret));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return t_fail(t, "mmap/touch/munmap child after the rejections: %s",
			      describe_status(status, how, sizeof(how)));
	ret = reject_check_vm(NULL);
	if (ret)
		return t_fail(t, "mmap/touch/munmap after the rejections: step %d",
			      ret);
	ret = pvmmu_stat_read(&s);
	if (!ret)
		ret = reject_counts(&s, &counts);
	if (ret)
		return t_fail(t, "%s: %s", PVMMU_STAT_PATH, strerror(-ret));
	t_int(t, "killed", counts.killed);
	t_int(t, "pinned", counts.pinned);
	t_int(t, "fw_rejected", counts.fw_rejected);
	if (nfailed)
		return t_fail(t, "%s", all);
	if (!passed[0])
		return t_skip(t, "%s", all);
	return t_pass(t, "%s: each child killed by SIGKILL, its counters up by one, its tables back, nothing in the kernel log; fork/mmap/munmap fine after%s%s",
		      passed + 1, all[0] ? "; " : "", all);
}

static const struct agent_case pvmmu_cases[] = {
	{ "state", pvmmu_state },
	{ "leak", pvmmu_leak },
	{ "accounting", pvmmu_accounting },
};

AGENT_GROUP(pvmmu_group, "pvmmu", "page table accounting of the pvmmu backend",
	    pvmmu_cases);

/*
 * A group of its own, in a boot of its own: its rejections stay in the
 * counters the accounting checks want at zero, and a rejected set or link
 * leaves the kernel's accounting of that mm off (see reject_expected).
 */
static const struct agent_case reject_cases[] = {
	{ "kill", pvmmu_reject },
};

AGENT_GROUP(reject_group, "reject",
	    "firmware rejections: the task is killed, the kernel goes on",
	    reject_cases);
