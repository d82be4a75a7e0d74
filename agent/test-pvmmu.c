// SPDX-License-Identifier: GPL-2.0
/*
 * pvmmu: the page table accounting in /proc/pvmmu is what the command line
 * asked for, agrees between the kernel and the firmware, and page tables
 * come back to the pool when the processes using them are gone.
 *
 * Parameters: agent.pvmmu=1|0 (pvmmu must be on / off; unset: report
 * only), agent.pvmmu_burst_ms=N (the leak check's own stress burst,
 * default 1500), agent.stress_seed, agent.tmpdir (where stress.mix left
 * its pool figures).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "pvmmu_stat.h"

#define PVMMU_POLL_MS		50
#define PVMMU_QUIET_MS		2000
#define PVMMU_LEAK_MS		5000
#define PVMMU_CHECK_MS		3000
#define PVMMU_BURST_MS		1500
#define PVMMU_BURST_ITERS	200
#define PVMMU_BURST_MAX		(2 * MIB)
#define PVMMU_STACK_TOUCH	(64 * KIB)
#define PVMMU_KICK_MS		1000

static void sleep_ms(unsigned int ms)
{
	usleep(ms * 1000);
}

/*
 * Touch the stack deeper than the work below will go, so a new stack page
 * table cannot show up between the baseline and the final count.
 */
static void __attribute__((noinline)) prefault_stack(void)
{
	volatile char buf[PVMMU_STACK_TOUCH];
	size_t i;

	for (i = 0; i < sizeof(buf); i += 512)
		buf[i] = 0;
}

int pvmmu_leak_begin(struct pvmmu_stat *base)
{
	int ret;

	ret = pvmmu_stat_read(base);
	if (ret)
		return ret;
	if (!base->active)
		return -ENODEV;
	prefault_stack();
	/* no dead mm may hold a root: not khugepaged, not a CPU */
	pvmmu_stat_wake_khugepaged();
	ret = pvmmu_stat_visit_cpus();
	if (ret)
		return ret;
	ret = pvmmu_stat_read_quiet(base, PVMMU_POLL_MS, PVMMU_QUIET_MS);
	/* never quiet: the last read is still the best baseline there is */
	return ret == -ETIMEDOUT ? 0 : ret;
}

int pvmmu_leak_end(const struct pvmmu_stat *base, struct pvmmu_stat *after,
		   unsigned int timeout_ms)
{
	unsigned int waited = 0;
	int ret;

	/* tables are freed after an RCU grace period: poll */
	for (;;) {
		if (!(waited % PVMMU_KICK_MS))
			pvmmu_stat_wake_khugepaged();
		ret = pvmmu_stat_visit_cpus();
		if (ret)
			return ret;
		ret = pvmmu_stat_read(after);
		if (ret)
			return ret;
		if (after->used <= base->used)
			return 0;
		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		sleep_ms(PVMMU_POLL_MS);
		waited += PVMMU_POLL_MS;
	}
}

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
		       long long *roots_after)
{
	char path[256], text[256];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, PVMMU_STRESS_MARKER);
	n = read_text(path, text, sizeof(text));
	if (n < 0)
		return n;
	if (sscanf(text, "used_before=%lld used_after=%lld high_water=%lld roots_before=%lld roots_after=%lld",
		   before, after, high_water, roots_before, roots_after) != 5)
		return -EPROTO;
	return 0;
}

static int pvmmu_leak(struct test_ctx *t)
{
	const char *dir = agent_param("tmpdir") ? agent_param("tmpdir") : "/tmp";
	long burst_ms = agent_param_long("pvmmu_burst_ms", PVMMU_BURST_MS);
	struct stress_opts o = {
		.max_iters = PVMMU_BURST_ITERS,
		.seed = agent_param_long("stress_seed", 1) + 1,
		.max_size = PVMMU_BURST_MAX,
		.tmpdir = dir,
	};
	long long sbefore, safter, shigh, rbefore, rafter;
	struct pvmmu_stat base, after;
	struct stress_summary sum;
	char err[TEST_DETAIL_MAX];
	unsigned int reads;
	uint64_t start;
	bool marker;
	int ret;

	ret = pvmmu_stat_read(&base);
	if (ret == -ENOENT)
		return t_skip(t, "no %s", PVMMU_STAT_PATH);
	if (ret)
		return t_fail(t, "%s: %s", PVMMU_STAT_PATH, strerror(-ret));
	if (!base.active)
		return t_skip(t, "pvmmu inactive");

	/* the heavy work: stress.mix, if it ran earlier in this boot */
	ret = read_marker(dir, &sbefore, &safter, &shigh, &rbefore, &rafter);
	marker = !ret;
	if (marker) {
		t_int(t, "stress_used_before", sbefore);
		t_int(t, "stress_used_after", safter);
		t_int(t, "stress_high_water", shigh);
		if (safter > sbefore)
			return t_fail(t, "stress.mix left used at %lld, %lld page tables above its baseline %lld after its 5 s wait (roots %lld -> %lld)",
				      safter, safter - sbefore, sbefore, rbefore,
				      rafter);
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
	t_uint(t, "burst_ops", sum.iters);
	if (ret)
		return t_fail(t, "burst: %s", err);

	start = now_ns();
	ret = pvmmu_leak_end(&base, &after, PVMMU_LEAK_MS);
	t_int(t, "after", after.used);
	t_int(t, "high_water", after.high_water);
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

	ret = pvmmu_stat_read(&s);
	if (ret == -ENOENT)
		return t_skip(t, "no %s", PVMMU_STAT_PATH);
	if (ret)
		return t_fail(t, "%s: %s", PVMMU_STAT_PATH, strerror(-ret));
	if (!s.active)
		return t_skip(t, "pvmmu inactive");

	/* the runner has no other test process alive now */
	ret = poll_identities(&s, PVMMU_CHECK_MS, why, sizeof(why), &reads);
	stat_fields(t, &s);
	t_uint(t, "reads", reads);
	if (ret)
		return t_fail(t, "%s", why);
	return t_pass(t, "%lld UPDATE calls, %lld entries, %lld tables (%lld roots, %lld links): kernel and firmware agree",
		      s.sbi_calls, s.entries, s.used, s.roots, s.fw_links);
}

static const struct agent_case pvmmu_cases[] = {
	{ "state", pvmmu_state },
	{ "leak", pvmmu_leak },
	{ "accounting", pvmmu_accounting },
};

AGENT_GROUP(pvmmu_group, "pvmmu", "page table accounting of the pvmmu backend",
	    pvmmu_cases);
