// SPDX-License-Identifier: GPL-2.0
/*
 * hotplug: CPUs 1..N-1 go offline and come back, round after round, while
 * the stress mix (test-stress.c, stress_run()) runs one worker on every
 * CPU that was online at the start.  A worker whose CPU goes is moved by
 * the kernel (its affinity is broken) and goes on where it lands.
 *
 * cpu0 is never taken down (the brief of the case is CPUs 1..N-1; the
 * field cpu0 says whether the kernel would let it go at all).
 *
 * Pass: every write to /sys/devices/system/cpu/cpuN/online succeeded and
 * reads back, the online set is the starting one after each round, the
 * workers found no corruption, and with pvmmu active /proc/pvmmu counted
 * no rejected or failed call over the run (failures, fw_rejected,
 * register_failures, release_failures, rejected_*, killed, pinned), the
 * pool use came back to its baseline, and the kernel logged nothing
 * alarming (WARNING, BUG, Oops, ...) meanwhile.
 *
 * Parameters: agent.hotplug_rounds=N (default 20), agent.hotplug_s=N
 * (guest seconds of stress, default 10; the rounds are spread over it,
 * and when they take longer the stress goes on in 1 s runs until they
 * are done), agent.stress_seed, agent.stress_max_mib (default 4 here), agent.tmpdir.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "pvmmu_stat.h"

#define HP_DEFAULT_ROUNDS	20
#define HP_DEFAULT_S		10
#define HP_DEFAULT_MAX_MIB	4
#define HP_SETTLE_MS		5000
#define HP_START_MS		200	/* let the workers get going first */
#define HP_RESTORE_TRIES	5
#define HP_WAIT_GRACE_S		90	/* stress_run's own grace is 60 s */
#define HP_ERR_MAX		320
#define HP_MORE_S		1	/* each run more while rounds remain */
#define HP_CPU_DIR		"/sys/devices/system/cpu"

/* what the stress process hands back (MAP_SHARED) */
struct hp_stress {
	int hotplug_done;	/* set by the test process: stop after this run */
	int done;
	int ret;
	unsigned int runs;
	struct stress_summary sum;
	char err[TEST_DETAIL_MAX];
};

struct hp_run {
	int cpus[CPU_SETSIZE];		/* the ones taken down, ascending */
	int ncpus;
	cpu_set_t online;		/* at the start */
	unsigned int rounds;
	unsigned int rounds_under_load;
	unsigned long offlines, onlines, failed_writes;
	double off_ms, on_ms, max_off_ms, max_on_ms;
	char err[HP_ERR_MAX];		/* the first problem */
	unsigned int nerr;
};

static void __printf(2, 3) hp_problem(struct hp_run *h, const char *fmt, ...)
{
	va_list ap;

	if (h->nerr++)
		return;
	va_start(ap, fmt);
	vsnprintf(h->err, sizeof(h->err), fmt, ap);
	va_end(ap);
}

static void online_path(int cpu, char *path, size_t size)
{
	snprintf(path, size, HP_CPU_DIR "/cpu%d/online", cpu);
}

/* 1 online, 0 offline, or -errno */
static int cpu_state(int cpu)
{
	char path[64], text[8];
	ssize_t n;

	online_path(cpu, path, sizeof(path));
	n = read_text(path, text, sizeof(text));
	if (n < 0)
		return n;
	if (text[0] == '0' || text[0] == '1')
		return text[0] - '0';
	return -EPROTO;
}

/* Write 0 or 1 and read it back.  0 or -errno (-EPROTO: reads back wrong). */
static int cpu_write(int cpu, int on)
{
	char path[64];
	int fd, ret = 0;

	online_path(cpu, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, on ? "1" : "0", 1) != 1)
		ret = -errno;
	close(fd);
	if (ret)
		return ret;
	ret = cpu_state(cpu);
	if (ret < 0)
		return ret;
	return ret == on ? 0 : -EPROTO;
}

static const char *write_error(int err)
{
	return err == -EPROTO ? "reads back the old state" : strerror(-err);
}

/* One transition, timed and counted.  0 or -errno. */
static int hp_transition(struct hp_run *h, int cpu, int on, unsigned int round)
{
	uint64_t t0 = now_ns();
	double ms;
	int ret;

	ret = cpu_write(cpu, on);
	ms = ns_to_ms(now_ns() - t0);
	if (ret) {
		h->failed_writes++;
		hp_problem(h, "round %u: cpu%d %s: %s", round + 1, cpu,
			   on ? "online" : "offline", write_error(ret));
		return ret;
	}
	if (on) {
		h->onlines++;
		h->on_ms += ms;
		if (ms > h->max_on_ms)
			h->max_on_ms = ms;
	} else {
		h->offlines++;
		h->off_ms += ms;
		if (ms > h->max_off_ms)
			h->max_off_ms = ms;
	}
	return 0;
}

/*
 * Which CPUs go down in a round: every 4th round all of them (only cpu0
 * stays), otherwise the next non-empty subset in counting order, or, with
 * many CPUs, a rotating pair.
 */
static void hp_pick(const struct hp_run *h, unsigned int round, bool *sel)
{
	unsigned int k = round - round / 4;
	int i, m = h->ncpus;

	for (i = 0; i < m; i++)
		sel[i] = round % 4 == 3;
	if (round % 4 == 3)
		return;
	if (m <= 16) {
		unsigned long mask = k % ((1UL << m) - 1) + 1;

		for (i = 0; i < m; i++)
			sel[i] = mask >> i & 1;
		return;
	}
	sel[k % m] = true;
	sel[(3 * k + 1) % m] = true;
}

static void hp_until(uint64_t deadline)
{
	uint64_t now = now_ns();

	if (now < deadline)
		sleep_ms((deadline - now) / 1000000ULL);
}

/*
 * One round: the picked CPUs go down in turn, then come back.  The round
 * is due at start: the CPUs come back from start + period / 2, the next
 * round is due at start + period (a slow round eats into the holds, the
 * schedule does not slip).  0 or -1.
 */
static int hp_round(struct hp_run *h, unsigned int round, uint64_t start,
		    uint64_t period_ns)
{
	bool sel[CPU_SETSIZE] = { false }, down[CPU_SETSIZE] = { false };
	cpu_set_t now;
	int i, ret = 0;

	hp_pick(h, round, sel);
	for (i = 0; i < h->ncpus; i++) {
		if (!sel[i])
			continue;
		if (hp_transition(h, h->cpus[i], 0, round)) {
			ret = -1;
			break;
		}
		down[i] = true;
	}
	hp_until(start + period_ns / 2);
	for (i = h->ncpus - 1; i >= 0; i--)
		if (down[i] && hp_transition(h, h->cpus[i], 1, round))
			ret = -1;
	if (!ret) {
		if (online_cpus(&now) < 0 || !CPU_EQUAL(&now, &h->online)) {
			hp_problem(h, "round %u: the online set is not the starting one after bringing the CPUs back",
				   round + 1);
			ret = -1;
		}
	}
	hp_until(start + period_ns);
	return ret;
}

/* Whatever happened, every CPU we took down comes back.  0 or -1. */
static int hp_restore(struct hp_run *h)
{
	int i, try, st, ret = 0;

	for (i = 0; i < h->ncpus; i++) {
		for (try = 0; try < HP_RESTORE_TRIES; try++) {
			st = cpu_state(h->cpus[i]);
			if (st == 1)
				break;
			cpu_write(h->cpus[i], 1);
			sleep_ms(100);
		}
		if (try == HP_RESTORE_TRIES) {
			hp_problem(h, "cpu%d stays offline after %d tries to bring it back",
				   h->cpus[i], HP_RESTORE_TRIES);
			ret = -1;
		}
	}
	return ret;
}

/*
 * The CPUs to take down: 1..N-1 of the online ones, each with an online
 * file.  Returns how many, or -errno.
 */
static int hp_candidates(struct hp_run *h, char *why, size_t size)
{
	int n, cpu;

	n = online_cpus(&h->online);
	if (n < 0) {
		snprintf(why, size, "cannot read online CPUs: %s",
			 strerror(-n));
		return n;
	}
	for (cpu = 1; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &h->online))
			continue;
		if (cpu_state(cpu) != 1)
			continue;	/* no online file: not removable */
		h->cpus[h->ncpus++] = cpu;
	}
	return h->ncpus;
}

/* ---- /proc/pvmmu over the run ---- */

/* counters that must not move: every rejected or failed call */
static const char *const hp_pv_keys[] = {
	"failures", "fw_rejected", "register_failures", "release_failures",
	"rejected_set", "rejected_clear", "rejected_link",
	"rejected_register", "killed", "pinned",
};

struct hp_pv {
	bool active;
	struct pvmmu_stat base;		/* pvmmu_leak_begin() */
	long long before[ARRAY_SIZE(hp_pv_keys)];
	bool have[ARRAY_SIZE(hp_pv_keys)];
};

static void hp_pv_begin(struct hp_pv *pv)
{
	size_t i;

	memset(pv, 0, sizeof(*pv));
	if (pvmmu_leak_begin(&pv->base))
		return;
	pv->active = true;
	for (i = 0; i < ARRAY_SIZE(hp_pv_keys); i++)
		pv->have[i] = !pvmmu_stat_value(&pv->base, hp_pv_keys[i],
						&pv->before[i]);
}

/* The counters and the pool after the run.  0, or -1 with the problem. */
static int hp_pv_end(struct test_ctx *t, struct hp_pv *pv, struct hp_run *h)
{
	char moved[200] = "";
	struct pvmmu_stat after;
	long long val;
	size_t i, len;
	int ret;

	ret = pvmmu_leak_end(&pv->base, &after, HP_SETTLE_MS);
	t_int(t, "pvmmu_used_before", pv->base.used);
	t_int(t, "pvmmu_used_after", after.used);
	t_int(t, "pvmmu_own_growth", pvmmu_leak_own_growth(&pv->base, &after));
	t_int(t, "pvmmu_high_water", after.high_water);
	if (ret && ret != -ETIMEDOUT) {
		hp_problem(h, "%s: %s", PVMMU_STAT_PATH, strerror(-ret));
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(hp_pv_keys); i++) {
		if (!pv->have[i] ||
		    pvmmu_stat_value(&after, hp_pv_keys[i], &val))
			continue;
		if (val == pv->before[i])
			continue;
		len = strlen(moved);
		snprintf(moved + len, sizeof(moved) - len, "%s%s %lld -> %lld",
			 len ? ", " : "", hp_pv_keys[i], pv->before[i], val);
	}
	if (moved[0]) {
		t_str(t, "pvmmu_moved", moved);
		hp_problem(h, "/proc/pvmmu counted rejected or failed calls: %s",
			   moved);
		return -1;
	}
	if (ret == -ETIMEDOUT) {
		hp_problem(h, "%lld user page tables, %lld above the baseline %lld %u ms after the run (roots %lld -> %lld)",
			   pvmmu_stat_user_tables(&after),
			   pvmmu_stat_user_tables(&after) -
			   pvmmu_stat_user_tables(&pv->base),
			   pvmmu_stat_user_tables(&pv->base), HP_SETTLE_MS,
			   pv->base.roots, after.roots);
		return -1;
	}
	return 0;
}

/* ---- hotplug.stress ---- */

/* Add a later run's figures (per_cpu stays the first run's). */
static void hp_sum_add(struct stress_summary *a, const struct stress_summary *b)
{
	int k;

	if (b->workers > a->workers)
		a->workers = b->workers;
	a->iters += b->iters;
	for (k = 0; k < STRESS_NR_OPS; k++) {
		a->ops[k] += b->ops[k];
		a->op_ms[k] += b->op_ms[k];
	}
	if (b->max_op_ms > a->max_op_ms) {
		a->max_op_ms = b->max_op_ms;
		a->max_op = b->max_op;
	}
	a->bytes_verified += b->bytes_verified;
	a->ms += b->ms;
	a->unpinned += b->unpinned;
	a->displaced += b->displaced;
}

/*
 * The stress mix for the stress time, then, while the rounds are still
 * going (more CPUs, slower transitions), short runs more until they are
 * done: no round goes without load.
 */
static int hp_stress_child(const struct stress_opts *o, struct hp_stress *out)
{
	struct stress_opts more = *o;
	struct stress_summary sum;

	out->ret = stress_run(o, &out->sum, out->err, sizeof(out->err));
	out->runs = 1;
	more.duration_ns = HP_MORE_S * 1000000000ULL;
	while (!out->ret &&
	       !__atomic_load_n(&out->hotplug_done, __ATOMIC_SEQ_CST)) {
		more.seed++;
		out->ret = stress_run(&more, &sum, out->err,
				      sizeof(out->err));
		hp_sum_add(&out->sum, &sum);
		out->runs++;
	}
	__atomic_store_n(&out->done, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static void hp_fields(struct test_ctx *t, const struct hp_run *h,
		      const struct hp_stress *st)
{
	char list[256] = "";
	size_t len;
	int i;

	for (i = 0; i < h->ncpus; i++) {
		len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%d", i ? "," : "",
			 h->cpus[i]);
	}
	t_str(t, "hotplug_cpus", list);
	t_uint(t, "rounds", h->rounds);
	t_uint(t, "rounds_under_load", h->rounds_under_load);
	t_uint(t, "offlines", h->offlines);
	t_uint(t, "onlines", h->onlines);
	t_uint(t, "failed_writes", h->failed_writes);
	t_double(t, "offline_ms", h->offlines ? h->off_ms / h->offlines : 0);
	t_double(t, "offline_max_ms", h->max_off_ms);
	t_double(t, "online_ms", h->onlines ? h->on_ms / h->onlines : 0);
	t_double(t, "online_max_ms", h->max_on_ms);
	t_int(t, "workers", st->sum.workers);
	t_uint(t, "worker_ops", st->sum.iters);
	t_int(t, "workers_unpinned", st->sum.unpinned);
	t_uint(t, "ops_displaced", st->sum.displaced);
	t_double(t, "verified_mib", (double)st->sum.bytes_verified / MIB);
	t_str(t, "per_cpu", st->sum.per_cpu);
	t_uint(t, "stress_runs", st->runs);
	t_double(t, "stress_ms", st->sum.ms);
}

static int hotplug_stress(struct test_ctx *t)
{
	const char *dir = agent_tmpdir();
	long rounds = agent_param_long("hotplug_rounds", HP_DEFAULT_ROUNDS);
	long secs = agent_param_long("hotplug_s", HP_DEFAULT_S);
	long max_mib = agent_param_long("stress_max_mib", HP_DEFAULT_MAX_MIB);
	struct stress_opts o = {
		.max_iters = ~0UL,
		.seed = agent_param_long("stress_seed", 1) + 7,
		.tmpdir = dir,
		.cpus_may_go = true,
	};
	char why[TEST_DETAIL_MAX], bad[200], how[96];
	static struct hp_run h;
	struct hp_stress *st;
	unsigned int nbad = 0, r;
	uint64_t period, t0;
	int n, kfd, status, ret;
	struct hp_pv pv;
	pid_t pid;

	if (rounds <= 0)
		rounds = HP_DEFAULT_ROUNDS;
	if (secs <= 0)
		secs = HP_DEFAULT_S;
	if (max_mib <= 0)
		max_mib = HP_DEFAULT_MAX_MIB;
	o.duration_ns = secs * 1000000000ULL;
	o.max_size = max_mib * MIB;

	memset(&h, 0, sizeof(h));
	n = hp_candidates(&h, why, sizeof(why));
	if (n < 0)
		return t_fail(t, "%s", why);
	/* cpu0: the kernel says whether it could go, we never take it */
	ret = cpu_state(0);
	t_str(t, "cpu0", ret >= 0 ? "removable (left online)" :
	      "not removable (no online file)");
	t_int(t, "cpus", CPU_COUNT(&h.online));
	if (!n) {
		if (access(HP_CPU_DIR "/cpu1", F_OK))
			return t_skip(t, "one CPU: nothing to take offline");
		return t_skip(t, "no CPU but cpu0 has an online file (CONFIG_HOTPLUG_CPU off?)");
	}

	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED)
		return t_fail(t, "mmap: %s", strerror(errno));

	hp_pv_begin(&pv);
	t_str(t, "pvmmu", pv.active ? "active" : "inactive or absent");
	kfd = kmsg_open_end();

	pid = fork();
	if (pid < 0)
		return t_fail(t, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(hp_stress_child(&o, st));

	t0 = now_ns();
	sleep_ms(HP_START_MS);
	/* spread over the stress time, ending a little before it does */
	period = (o.duration_ns - HP_START_MS * 2000000ULL) / rounds;
	for (r = 0; r < rounds; r++) {
		if (hp_round(&h, r, t0 + HP_START_MS * 1000000ULL + r * period,
			     period))
			break;
		h.rounds++;
		if (!__atomic_load_n(&st->done, __ATOMIC_SEQ_CST))
			h.rounds_under_load++;
	}
	t_double(t, "hotplug_ms", ns_to_ms(now_ns() - t0));
	hp_restore(&h);
	__atomic_store_n(&st->hotplug_done, 1, __ATOMIC_SEQ_CST);

	ret = wait_pid_timeout(pid, (secs + HP_WAIT_GRACE_S) * 1000, &status);
	if (ret) {
		kill_wait(pid, 5000, &status);
		hp_problem(&h, "stress process: %s", ret == -ETIMEDOUT ?
			   "no end in sight, killed" : strerror(-ret));
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) || !st->done) {
		hp_problem(&h, "stress process %s",
			   describe_status(status, how, sizeof(how)));
	} else if (st->ret) {
		hp_problem(&h, "stress: %s", st->err);
	}
	hp_fields(t, &h, st);

	if (pv.active)
		hp_pv_end(t, &pv, &h);
	if (kfd >= 0) {
		ret = kmsg_scan_trouble(kfd, NULL, bad, sizeof(bad), &nbad);
		close(kfd);
		if (!ret && nbad) {
			t_uint(t, "kernel_trouble_lines", nbad);
			hp_problem(&h, "kernel log: \"%s\"%s", bad,
				   nbad > 1 ? " and more" : "");
		}
	}

	if (h.nerr)
		return t_fail(t, "%s%s", h.err,
			      h.nerr > 1 ? " (and more)" : "");
	return t_pass(t, "%u rounds (%u under load), %lu offline and %lu online transitions of %d CPU(s), %lu worker operations, %.0f MiB verified%s",
		      h.rounds, h.rounds_under_load, h.offlines, h.onlines,
		      h.ncpus, st->sum.iters,
		      (double)st->sum.bytes_verified / MIB,
		      pv.active ? ", no rejected call, pool use back" : "");
}

static const struct agent_case hotplug_cases[] = {
	{ "stress", hotplug_stress },
};

AGENT_GROUP(hotplug_group, "hotplug", "CPUs go offline and come back under the stress mix",
	    hotplug_cases);
