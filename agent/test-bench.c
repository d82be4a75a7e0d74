// SPDX-License-Identifier: GPL-2.0
/*
 * bench: page-table heavy workloads, timed with CLOCK_MONOTONIC (guest
 * time, deterministic under QEMU -icount), with the page table update
 * traffic each one causes.
 *
 * Every case times a fixed number of iterations of one workload on one
 * pinned CPU and reports, per operation, the time, the UPDATE calls the
 * kernel made to the firmware and the entries they carried (deltas of
 * /proc/pvmmu; zero when pvmmu is inactive), the PT_REGISTER/PT_RELEASE
 * calls (/proc/pvmmu registered, released and their failures; recycled
 * tables make none), the UPDATE calls each hook made at once
 * instead of queueing (debugfs "direct.<hook>", as "direct.<hook>" fields
 * when not zero) and the minor faults (getrusage, self and reaped
 * children).  When /proc/pvmmu has them, the firmware's own trap, satp
 * and sfence.vma counters are reported too (see fw_keys[]).  The ctxsw_*
 * cases ping-pong a byte between two processes or two threads; the sbi_*
 * cases run the firmware microbenchmarks of
 * /sys/kernel/debug/pvmmu/sbi_bench.  scripts/bench.py boots the guest in
 * each mode and turns the lines into tables.
 *
 * Parameters:
 *   agent.bench=a,b        run only these cases of the group (others skip)
 *   agent.bench_scale=F    multiply every iteration count by F (default 1)
 *   agent.bench_cpu=N      CPU to pin to (default: the highest online)
 *   agent.bench_thp=1      leave transparent huge pages on (default off,
 *                          so every workload works on 4 KiB PTEs)
 *
 * Measuring: counters are read before a window opens and after it closes,
 * the clock inside.  Before each window the case waits until the pvmmu
 * counters stop moving (an RCU grace period via membarrier, then two equal
 * reads), so no earlier work is billed to it; after the last window it
 * waits again and adds the deferred part of its own work (page tables are
 * released after an RCU grace period) to the counts, not to the time.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/membarrier.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "pvmmu_stat.h"

#define PVMMU_DEBUGFS		"/sys/kernel/debug/pvmmu"
#define SBI_BENCH_PATH		PVMMU_DEBUGFS "/sbi_bench"
#define HOOK_STATS_PATH		PVMMU_DEBUGFS "/stats"

#define SETTLE_POLL_MS		20
#define SETTLE_MAX_MS		2000
#define PMD_BYTES		(2 * MIB)

/*
 * Counters of /proc/pvmmu reported besides sbi_calls and entries, as
 * totals over the windows: every flush_<reason> key and these.  Which
 * are there is learnt from the line itself.
 */
static const char *const extra_keys[] = {
	"queued",
	"irq_bypass",
	"nested",
	"mispredicted",
	"reused",
};

/*
 * The firmware's own counters, when the kernel prints them: every trap
 * from S/U-mode into the firmware on any hart (ecalls, emulated
 * instructions, interrupts), the satp writes it accepted and the
 * SFENCE.VMAs it emulated.  Reported per operation over the timed windows
 * only, less what reading the counters costs (FW_PROBE_ROUNDS).  A kernel
 * without them has no key; one that does not ask the firmware (pvmmu
 * inactive) prints numbers that never move: both are "not available".
 */
static const char *const fw_keys[] = {
	"fw_traps",
	"fw_satp",
	"fw_sfence",
	/* instructions of UPDATE round trips, and the firmware's phases */
	"update_insn",
	"fw_insn_entry",
	"fw_insn_checks",
	"fw_insn_validate",
	"fw_insn_apply",
	"fw_insn_exit",
};

#define NR_FW_KEYS		ARRAY_SIZE(fw_keys)
#define FW_PROBE_ROUNDS		3

#define MAX_EXTRA		16
#define EXTRA_KEY_MAX		32
#define MAX_HOOKS		24
#define DIRECT_PREFIX		"direct."

struct bench_counts {
	long long sbi_calls;	/* UPDATE calls */
	long long entries;	/* entries they applied */
	long long tables;	/* PT_REGISTER + PT_RELEASE calls */
	long long faults;	/* minor faults, self + waited-for children */
	long long switches;	/* of the calling thread; not summed */
	long long fw[NR_FW_KEYS];	/* windows only: see bench_end() */
	long long extra[MAX_EXTRA];
	long long direct[MAX_HOOKS];	/* per hook, submitted at once */
};

struct bench {
	struct test_ctx *t;
	int cpu;
	bool active;		/* pvmmu active (/proc/pvmmu active=1) */
	long long batch;	/* /proc/pvmmu batch=, -1 if absent */
	unsigned int nextra;
	char extra[MAX_EXTRA][EXTRA_KEY_MAX];
	bool have_tables;	/* /proc/pvmmu counts table calls */
	bool have_fw[NR_FW_KEYS];	/* /proc/pvmmu has fw_keys[i] */
	bool fw_moved;		/* a firmware counter ever changed */
	long long fw_probe[NR_FW_KEYS];	/* what one read_counts() adds */
	unsigned int nhooks;
	char hook[MAX_HOOKS][EXTRA_KEY_MAX];	/* names of direct.<hook> */
	unsigned int windows;
	uint64_t start_ns;
	uint64_t ns;		/* sum of the windows */
	struct bench_counts start;
	struct bench_counts last;	/* at the end of the last window */
	struct bench_counts sum;
	struct pvmmu_stat stat;	/* scratch for reads */
};

/* ---- parameters ---- */

static double bench_scale(void)
{
	const char *s = agent_param("bench_scale");
	char *end;
	double f;

	if (!s || !*s)
		return 1.0;
	f = strtod(s, &end);
	if (*end || !isfinite(f) || f <= 0)
		return 1.0;
	return f;
}

/* An iteration count scaled by agent.bench_scale, at least 1. */
static long scaled(long base)
{
	double n = (double)base * bench_scale() + 0.5;	/* no libm */

	return n < 2 ? 1 : (long)n;
}

/* Is this case selected by agent.bench (unset or empty: all are)? */
static bool bench_selected(const char *name)
{
	const char *list = agent_param("bench");

	return !list || !*list || list_has(list, ",+ ", name);
}

static int bench_cpu(void)
{
	long cpu = agent_param_long("bench_cpu", -1);
	cpu_set_t set;
	int i;

	if (online_cpus(&set) <= 0)
		return cpu >= 0 ? cpu : 0;
	if (cpu >= 0 && cpu < CPU_SETSIZE && CPU_ISSET(cpu, &set))
		return cpu;
	for (i = CPU_SETSIZE - 1; i > 0; i--)
		if (CPU_ISSET(i, &set))
			return i;
	return 0;
}

/* ---- counters ---- */

/* PT_REGISTER + PT_RELEASE calls in the last /proc/pvmmu read, or -1 */
static long long table_calls(const struct pvmmu_stat *s)
{
	long long registered, released;

	if (pvmmu_stat_value(s, "registered", &registered) ||
	    pvmmu_stat_value(s, "released", &released))
		return -1;
	return registered + released + s->register_failures +
	       s->release_failures;
}

/* Learn the hook names of the "direct.<hook> N" lines. */
static void find_hooks(struct bench *b, const char *text)
{
	const char *p = text;
	size_t len;

	while ((p = strstr(p, "\n" DIRECT_PREFIX)) && b->nhooks < MAX_HOOKS) {
		p += 1 + strlen(DIRECT_PREFIX);
		len = strcspn(p, " \n");
		if (len < EXTRA_KEY_MAX) {
			memcpy(b->hook[b->nhooks], p, len);
			b->hook[b->nhooks++][len] = '\0';
		}
	}
}

static long long direct_count(const char *text, const char *hook)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "\n" DIRECT_PREFIX "%s ", hook);
	p = strstr(text, key);
	return p ? strtoll(p + strlen(key), NULL, 10) : 0;
}

static void read_counts(struct bench *b, struct bench_counts *c)
{
	struct rusage self, children, thread;
	char text[8192];
	long long v;
	size_t i;

	memset(c, 0, sizeof(*c));
	if (pvmmu_stat_read(&b->stat) != -ENOENT) {
		c->sbi_calls = b->stat.sbi_calls;
		c->entries = b->stat.entries;
		for (i = 0; i < b->nextra; i++)
			if (!pvmmu_stat_value(&b->stat, b->extra[i], &v))
				c->extra[i] = v;
		v = b->have_tables ? table_calls(&b->stat) : -1;
		c->tables = v < 0 ? 0 : v;
		for (i = 0; i < NR_FW_KEYS; i++)
			if (b->have_fw[i] &&
			    !pvmmu_stat_value(&b->stat, fw_keys[i], &v))
				c->fw[i] = v;
	}
	if (b->nhooks && read_text(HOOK_STATS_PATH, text, sizeof(text)) >= 0) {
		for (i = 0; i < b->nhooks; i++)
			c->direct[i] = direct_count(text, b->hook[i]);
	}

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &children);
	c->faults = self.ru_minflt + children.ru_minflt;
	getrusage(RUSAGE_THREAD, &thread);
	c->switches = thread.ru_nvcsw + thread.ru_nivcsw;
}

/* fw[] is not summed here: bench_end() does, for the windows alone */

static void counts_add_delta(struct bench_counts *sum,
			     const struct bench_counts *to,
			     const struct bench_counts *from)
{
	size_t i;

	sum->sbi_calls += to->sbi_calls - from->sbi_calls;
	sum->entries += to->entries - from->entries;
	sum->tables += to->tables - from->tables;
	sum->faults += to->faults - from->faults;
	for (i = 0; i < MAX_EXTRA; i++)
		sum->extra[i] += to->extra[i] - from->extra[i];
	for (i = 0; i < MAX_HOOKS; i++)
		sum->direct[i] += to->direct[i] - from->direct[i];
}

/*
 * Wait until no earlier work is still changing the counters: page tables
 * of exited processes are released from RCU callbacks.  membarrier's
 * global command waits for a grace period; then poll until two reads
 * agree.  Takes guest time, never inside a window.
 */
static void bench_settle(struct bench *b)
{
	struct pvmmu_stat s;

	syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
	if (b->active)
		pvmmu_stat_read_quiet(&s, SETTLE_POLL_MS, SETTLE_MAX_MS);
}

static void bench_begin(struct bench *b)
{
	bench_settle(b);
	read_counts(b, &b->start);
	b->start_ns = now_ns();
}

static void bench_end(struct bench *b)
{
	uint64_t ns = now_ns();
	long long d;
	size_t i;

	read_counts(b, &b->last);
	b->ns += ns - b->start_ns;
	counts_add_delta(&b->sum, &b->last, &b->start);
	/* less the firmware calls of reading the counters at both ends */
	for (i = 0; i < NR_FW_KEYS; i++) {
		d = b->last.fw[i] - b->start.fw[i];
		if (d)
			b->fw_moved = true;
		d -= b->fw_probe[i];
		b->sum.fw[i] += d > 0 ? d : 0;
	}
	b->windows++;
}

/*
 * After the last window: count what the measured work left for later
 * (deferred table releases), before any untimed cleanup runs.
 */
static void bench_collect_deferred(struct bench *b)
{
	struct bench_counts now;

	bench_settle(b);
	read_counts(b, &now);
	counts_add_delta(&b->sum, &now, &b->last);
	b->last = now;
}

static bool is_extra_key(const char *key, size_t len)
{
	size_t i;

	if (len > strlen("flush_") && !strncmp(key, "flush_", strlen("flush_")))
		return true;
	for (i = 0; i < ARRAY_SIZE(extra_keys); i++)
		if (strlen(extra_keys[i]) == len && !strncmp(key, extra_keys[i], len))
			return true;
	return false;
}

/* Remember which extra counters the /proc/pvmmu line has. */
static void find_extra_keys(struct bench *b)
{
	const char *p = b->stat.line;
	long long v;

	while (*p && b->nextra < MAX_EXTRA) {
		size_t tlen = strcspn(p, " \t");
		size_t klen = strcspn(p, "= \t");
		char *key = b->extra[b->nextra];

		if (klen < tlen && klen < EXTRA_KEY_MAX && is_extra_key(p, klen)) {
			memcpy(key, p, klen);
			key[klen] = '\0';
			if (!pvmmu_stat_value(&b->stat, key, &v))
				b->nextra++;
		}
		p += tlen;
		p += strspn(p, " \t");
	}
}

/*
 * Reading the counters is not free for the firmware counters: the kernel
 * asks the firmware for each fw_* value with an SBI call, and those
 * calls trap.  Between the reads that open and close a window they add
 * what one read_counts() costs; take it from two reads back to back (the
 * fewest of a few tries, in case an interrupt came in between).
 */
static void fw_calibrate(struct bench *b)
{
	struct bench_counts c0, c1;
	long long d;
	size_t i;
	int round;

	for (round = 0; round < FW_PROBE_ROUNDS; round++) {
		read_counts(b, &c0);
		read_counts(b, &c1);
		for (i = 0; i < NR_FW_KEYS; i++) {
			d = c1.fw[i] - c0.fw[i];
			if (d)
				b->fw_moved = true;
			if (!round || d < b->fw_probe[i])
				b->fw_probe[i] = d;
		}
	}
}

/* Learn what pvmmu looks like; the process is already set up. */
static void bench_init(struct bench *b, struct test_ctx *t, int cpu)
{
	char text[8192];
	bool any_fw = false;
	long long v;
	size_t i;

	memset(b, 0, sizeof(*b));
	b->t = t;
	b->cpu = cpu;
	b->batch = -1;
	if (!pvmmu_stat_read(&b->stat) || b->stat.line[0]) {
		b->active = b->stat.active == 1;
		if (!pvmmu_stat_value(&b->stat, "batch", &v))
			b->batch = v;
		find_extra_keys(b);
		b->have_tables = table_calls(&b->stat) >= 0;
		for (i = 0; i < NR_FW_KEYS; i++) {
			b->have_fw[i] = !pvmmu_stat_value(&b->stat, fw_keys[i],
							  &v);
			any_fw |= b->have_fw[i];
		}
	}
	if (read_text(HOOK_STATS_PATH, text, sizeof(text)) >= 0)
		find_hooks(b, text);
	if (any_fw)
		fw_calibrate(b);
}

static double per(long long n, long long ops)
{
	return ops ? (double)n / (double)ops : 0.0;
}

/*
 * The firmware counters over the windows: "fw_<key>" and
 * "fw_<key>_per_op" while they are live, and "fw_counters" saying which
 * case it is: "live", "zero" (printed but never moving: the kernel does
 * not read them) or "missing" (not printed).  "fw_missing" lists absent
 * keys when only some are there.
 */
static void report_fw(struct bench *b, long long ops)
{
	char key[EXTRA_KEY_MAX], missing[64] = "";
	struct test_ctx *t = b->t;
	bool any = false;
	size_t i;

	for (i = 0; i < NR_FW_KEYS; i++) {
		if (b->have_fw[i]) {
			any = true;
			continue;
		}
		snprintf(missing + strlen(missing),
			 sizeof(missing) - strlen(missing), "%s%s",
			 missing[0] ? "," : "", fw_keys[i]);
	}
	if (!any || !b->fw_moved) {
		t_str(t, "fw_counters", any ? "zero" : "missing");
		return;
	}
	t_str(t, "fw_counters", "live");
	if (missing[0])
		t_str(t, "fw_missing", missing);
	for (i = 0; i < NR_FW_KEYS; i++) {
		if (!b->have_fw[i])
			continue;
		t_int(t, fw_keys[i], b->sum.fw[i]);
		snprintf(key, sizeof(key), "%s_per_op", fw_keys[i]);
		t_double(t, key, per(b->sum.fw[i], ops));
	}
	if (b->have_fw[0])
		t_int(t, "fw_probe_traps", b->fw_probe[0]);
}

/* Report the summed windows as ops operations; always passes. */
static int bench_report(struct bench *b, const char *what, long iters,
			long long ops)
{
	const struct bench_counts *c = &b->sum;
	struct test_ctx *t = b->t;
	size_t i;

	t_str(t, "what", what);
	t_int(t, "cpu", b->cpu);
	t_int(t, "iters", iters);
	t_int(t, "ops", ops);
	t_uint(t, "ns", b->ns);
	t_double(t, "ns_per_op", per(b->ns, ops));
	t_int(t, "sbi_calls", c->sbi_calls);
	t_double(t, "sbi_calls_per_op", per(c->sbi_calls, ops));
	t_int(t, "entries", c->entries);
	t_double(t, "entries_per_op", per(c->entries, ops));
	t_double(t, "entries_per_call", per(c->entries, c->sbi_calls));
	if (b->have_tables) {
		t_int(t, "table_calls", c->tables);
		t_double(t, "table_calls_per_op", per(c->tables, ops));
	}
	t_double(t, "traps_per_op", per(c->sbi_calls + c->tables, ops));
	report_fw(b, ops);
	t_int(t, "faults", c->faults);
	t_double(t, "faults_per_op", per(c->faults, ops));
	t_int(t, "pvmmu_active", b->active);
	if (b->batch >= 0)
		t_int(t, "batch", b->batch);
	for (i = 0; i < b->nextra; i++)
		t_int(t, b->extra[i], c->extra[i]);
	for (i = 0; i < b->nhooks; i++) {
		char key[EXTRA_KEY_MAX + sizeof(DIRECT_PREFIX)];

		if (!c->direct[i])
			continue;
		snprintf(key, sizeof(key), DIRECT_PREFIX "%s", b->hook[i]);
		t_int(t, key, c->direct[i]);
	}

	return t_pass(t, "%s: %.2f us/op, %.2f calls/op, %.2f entries/call, %.2f faults/op",
		      what, per(b->ns, ops) / 1000.0,
		      per(c->sbi_calls, ops), per(c->entries, c->sbi_calls),
		      per(c->faults, ops));
}

/* ---- memory helpers ---- */

/* Anonymous private mapping; at 'addr' exactly when fixed. */
static char *bench_map(void *addr, size_t len, bool fixed)
{
	void *p = mmap(addr, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | (fixed ? MAP_FIXED : 0),
		       -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Write one word in every page: a first touch faults each page in. */
static void touch_pages(char *p, size_t len)
{
	size_t off, ps = page_size();

	for (off = 0; off < len; off += ps)
		*(volatile uint64_t *)(p + off) = off;
}

/* ---- the workloads ---- */

struct bench_spec {
	const char *name;
	int (*run)(struct bench *b, const struct bench_spec *s);
	size_t size;		/* pages (map) or bytes */
	long iters;		/* at agent.bench_scale=1 */
	bool flag;		/* fork: exec; mremap: aligned; ctxsw: threads */
};

/* mmap + touch + munmap of s->size pages */
static int map_touch_unmap(size_t len)
{
	char *p = bench_map(NULL, len, false);

	if (!p)
		return -errno;
	touch_pages(p, len);
	if (munmap(p, len))
		return -errno;
	return 0;
}

static int run_map(struct bench *b, const struct bench_spec *s)
{
	size_t len = s->size * page_size();
	long i, iters = scaled(s->iters);
	struct test_ctx *t = b->t;
	char what[64];
	int ret;

	snprintf(what, sizeof(what), "mmap+touch+munmap of %zu page%s",
		 s->size, s->size == 1 ? "" : "s");
	ret = map_touch_unmap(len);		/* warm-up */
	if (ret)
		return t_fail(t, "mmap %zu bytes: %s", len, strerror(-ret));
	bench_begin(b);
	for (i = 0; i < iters && !ret; i++)
		ret = map_touch_unmap(len);
	bench_end(b);
	if (ret)
		return t_fail(t, "iteration %ld: %s", i, strerror(-ret));
	bench_collect_deferred(b);
	t_int(t, "pages", s->size);
	return bench_report(b, what, iters, iters);
}

/*
 * fork, and exec the helper (or just exit) in the child; wait for it.
 * The helper runs @cmd: "exit" (exit 0) or "spawn" (a fork + exec + wait
 * of its own, as a shell running one command).
 */
static int fork_exec_once(bool exec, const char *cmd)
{
	char *argv[] = { (char *)agent_self(), "--helper", (char *)cmd,
			 strcmp(cmd, "exit") ? NULL : "0", NULL };
	char *envp[] = { NULL };
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		if (exec)
			execve(agent_self(), argv, envp);
		_exit(exec ? 127 : 0);
	}
	if (wait_pid(pid, &status))
		return -ECHILD;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return -EPROTO;
	return 0;
}

static int fork_once(bool exec)
{
	return fork_exec_once(exec, "exit");
}

/*
 * fork + exit (children exit at once) with s->size bytes populated, or
 * fork + exec + exit.  The parent does not write between forks: the
 * warm-up fork write-protects its pages for copy-on-write, each measured
 * fork then copies the entries into the child and the exit zaps them.
 */
static int run_fork(struct bench *b, const struct bench_spec *s)
{
	long i, iters = scaled(s->iters);
	struct test_ctx *t = b->t;
	char *p = NULL, what[96];
	int ret;

	if (s->size) {
		p = bench_map(NULL, s->size, false);
		if (!p)
			return t_fail(t, "mmap %zu bytes: %s", s->size,
				      strerror(errno));
		pattern_fill(p, s->size, 0xf0f0);
	}
	if (s->flag)
		snprintf(what, sizeof(what), "fork+exec+exit of %s --helper exit 0",
			 agent_self());
	else
		snprintf(what, sizeof(what), "fork+exit, parent with %zu MiB populated",
			 s->size / MIB);

	ret = fork_once(s->flag);		/* warm-up */
	if (ret)
		return t_fail(t, "warm-up: %s",
			      ret == -EPROTO ? "child failed" : strerror(-ret));
	bench_begin(b);
	for (i = 0; i < iters && !ret; i++)
		ret = fork_once(s->flag);
	bench_end(b);
	if (ret)
		return t_fail(t, "iteration %ld: %s", i,
			      ret == -EPROTO ? "child failed" : strerror(-ret));
	bench_collect_deferred(b);
	if (p && pattern_check(p, s->size, 0xf0f0) >= 0)
		return t_fail(t, "parent memory changed");
	t_int(t, "populated_kib", s->size / KIB);
	return bench_report(b, what, iters, iters);
}

/* mprotect of a populated region, read-only then read-write: 2 ops */
static int run_mprotect(struct bench *b, const struct bench_spec *s)
{
	long i, iters = scaled(s->iters);
	struct test_ctx *t = b->t;
	size_t len = s->size;
	char what[64];
	int ret = 0;
	char *p;

	p = bench_map(NULL, len, false);
	if (!p)
		return t_fail(t, "mmap %zu bytes: %s", len, strerror(errno));
	touch_pages(p, len);
	snprintf(what, sizeof(what), "mprotect of %zu MiB populated, RO or RW",
		 len / MIB);

	/* warm-up: one round trip */
	if (mprotect(p, len, PROT_READ) ||
	    mprotect(p, len, PROT_READ | PROT_WRITE))
		return t_fail(t, "mprotect: %s", strerror(errno));
	bench_begin(b);
	for (i = 0; i < iters && !ret; i++) {
		if (mprotect(p, len, PROT_READ) ||
		    mprotect(p, len, PROT_READ | PROT_WRITE))
			ret = -errno;
	}
	bench_end(b);
	if (ret)
		return t_fail(t, "iteration %ld: mprotect: %s", i,
			      strerror(-ret));
	bench_collect_deferred(b);
	t_int(t, "populated_kib", len / KIB);
	return bench_report(b, what, iters, 2 * iters);
}

/*
 * A shell running one command: fork, exec the helper "spawn", which forks,
 * execs "exit 0" and waits (lmbench's "sh" process creation).
 */
static int run_fork_sh(struct bench *b, const struct bench_spec *s)
{
	long i, iters = scaled(s->iters);
	struct test_ctx *t = b->t;
	int ret;

	ret = fork_exec_once(true, "spawn");	/* warm-up */
	if (ret)
		return t_fail(t, "warm-up: %s",
			      ret == -EPROTO ? "child failed" : strerror(-ret));
	bench_begin(b);
	for (i = 0; i < iters && !ret; i++)
		ret = fork_exec_once(true, "spawn");
	bench_end(b);
	if (ret)
		return t_fail(t, "iteration %ld: %s", i,
			      ret == -EPROTO ? "child failed" : strerror(-ret));
	bench_collect_deferred(b);
	return bench_report(b, "fork+exec of a helper that fork+execs another and waits",
			    iters, iters);
}

static char *prot_page;

/* The write hit the read-only page: open it and let the write retry */
static void prot_fault_handler(int sig, siginfo_t *info, void *uc)
{
	(void)sig;
	(void)uc;
	if ((char *)info->si_addr != prot_page ||
	    mprotect(prot_page, page_size(), PROT_READ | PROT_WRITE))
		_exit(120);
}

/*
 * One protection fault: a write to a read-only page, SIGSEGV, a handler
 * that makes it writable; then mprotect back to read-only (lmbench's
 * "prot" signal latency, with the page-table writes of both mprotects).
 */
static int run_prot_fault(struct bench *b, const struct bench_spec *s)
{
	long i, iters = scaled(s->iters);
	struct sigaction sa = { 0 };
	struct test_ctx *t = b->t;
	int ret = 0;

	prot_page = bench_map(NULL, page_size(), false);
	if (!prot_page)
		return t_fail(t, "mmap: %s", strerror(errno));
	prot_page[0] = 1;
	sa.sa_sigaction = prot_fault_handler;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSEGV, &sa, NULL))
		return t_fail(t, "sigaction: %s", strerror(errno));
	bench_begin(b);
	for (i = 0; i < iters && !ret; i++) {
		if (mprotect(prot_page, page_size(), PROT_READ))
			ret = -errno;
		*(volatile char *)prot_page = (char)i;
	}
	bench_end(b);
	if (ret)
		return t_fail(t, "iteration %ld: mprotect: %s", i,
			      strerror(-ret));
	bench_collect_deferred(b);
	return bench_report(b, "write to a read-only page: SIGSEGV, mprotect RW in the handler, mprotect RO",
			    iters, iters);
}

#define PARALLEL_BYTES		(16 * MIB)
#define PARALLEL_FORK_EVERY	4

/*
 * One worker of the parallel workload, pinned to @cpu: @rounds of mmap
 * 16 MiB + a write to every page + munmap, with a fork + exit of a child
 * (the region mapped) every PARALLEL_FORK_EVERY rounds. Waits on @go
 * first. Returns 0 or an exit status.
 */
static int parallel_worker(int cpu, long rounds, int go)
{
	char c;
	long r;
	char *p;

	if (pin_to_cpu(cpu) || read(go, &c, 1) != 0)
		return 10;
	for (r = 0; r < rounds; r++) {
		p = bench_map(NULL, PARALLEL_BYTES, false);
		if (!p)
			return 11;
		touch_pages(p, PARALLEL_BYTES);
		if (r % PARALLEL_FORK_EVERY == 0 && fork_once(false))
			return 12;
		if (munmap(p, PARALLEL_BYTES))
			return 13;
	}
	return 0;
}

/*
 * s->size harts at once, each its own process pinned to its CPU, each
 * looping parallel_worker()'s rounds; the harts are the highest N online,
 * highest first (CPU 0 carries the most housekeeping: a worker alone there
 * takes about twice the guest time of one on the bench CPU, natively too).
 * One operation is one round of one worker: under -icount the harts share
 * one instruction clock, so the time per operation grows with N even when
 * nothing contends, and the figure to read is the PV/native ratio at
 * each N.
 */
static int run_parallel(struct bench *b, const struct bench_spec *s)
{
	long rounds = scaled(s->iters), n = (long)s->size, i, top;
	int go[2], status, failed = 0;
	struct test_ctx *t = b->t;
	pid_t pids[16];
	char what[80];
	cpu_set_t set;

	if (online_cpus(&set) < n || n > (long)ARRAY_SIZE(pids))
		return t_skip(t, "needs %ld online CPUs (boot with -smp %ld)", n,
			      n);
	for (top = CPU_SETSIZE - 1; top > 0 && !CPU_ISSET(top, &set); top--)
		;
	for (i = 0; i < n; i++)
		if (top - i < 0 || !CPU_ISSET(top - i, &set))
			return t_skip(t, "CPU %ld is offline", top - i);
	if (pipe(go))
		return t_fail(t, "pipe: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			return t_fail(t, "fork: %s", strerror(errno));
		if (!pids[i]) {
			close(go[1]);
			_exit(parallel_worker((int)(top - i), rounds, go[0]));
		}
	}
	close(go[0]);
	bench_begin(b);
	close(go[1]);		/* every worker's read returns: go */
	for (i = 0; i < n; i++)
		if (wait_pid(pids[i], &status) || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			failed++;
	bench_end(b);
	if (failed)
		return t_fail(t, "%d of %ld workers failed", failed, n);
	bench_collect_deferred(b);
	snprintf(what, sizeof(what),
		 "%ld harts, each: mmap 16 MiB + touch + munmap, fork every %d",
		 n, PARALLEL_FORK_EVERY);
	t_int(t, "harts", n);
	return bench_report(b, what, rounds, rounds * n);
}

/*
 * Move a populated region back and forth between two places.  Aligned
 * (s->flag), both start on a 2 MiB boundary and the kernel moves whole PTE
 * tables, one PMD entry per 2 MiB; otherwise they sit at different
 * offsets in their 2 MiB blocks and every PTE moves on its own.
 */
static int run_mremap(struct bench *b, const struct bench_spec *s)
{
	size_t len = s->size, span = 2 * len + 3 * PMD_BYTES;
	long i, iters = scaled(s->iters);
	struct test_ctx *t = b->t;
	char *res, *at[2], what[64];
	uintptr_t base;

	/* reserve room for both places, then map the first */
	res = mmap(NULL, span, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED)
		return t_fail(t, "reserve %zu bytes: %s", span, strerror(errno));
	base = ((uintptr_t)res + PMD_BYTES - 1) & ~(PMD_BYTES - 1);
	at[0] = (char *)base;
	at[1] = (char *)(base + len + PMD_BYTES + (s->flag ? 0 : page_size()));
	if (!bench_map(at[0], len, true))
		return t_fail(t, "map at %p: %s", at[0], strerror(errno));
	pattern_fill(at[0], len, 0x5eed);
	snprintf(what, sizeof(what), "mremap move of %zu MiB populated%s",
		 len / MIB, s->flag ? ", 2 MiB aligned" : "");

	/* warm-up: there and back */
	for (i = 0; i < 2; i++) {
		if (mremap(at[i], len, len, MREMAP_MAYMOVE | MREMAP_FIXED,
			   at[!i]) == MAP_FAILED)
			return t_fail(t, "mremap %p -> %p: %s", at[i], at[!i],
				      strerror(errno));
	}
	bench_begin(b);
	for (i = 0; i < iters; i++) {
		if (mremap(at[i & 1], len, len, MREMAP_MAYMOVE | MREMAP_FIXED,
			   at[!(i & 1)]) == MAP_FAILED)
			break;
	}
	bench_end(b);
	if (i < iters)
		return t_fail(t, "iteration %ld: mremap: %s", i, strerror(errno));
	bench_collect_deferred(b);
	if (pattern_check(at[iters & 1], len, 0x5eed) >= 0)
		return t_fail(t, "contents changed after %ld moves", iters);
	t_int(t, "populated_kib", len / KIB);
	return bench_report(b, what, iters, iters);
}

/* madvise(MADV_DONTNEED) of a populated region; repopulating is untimed */
static int run_dontneed(struct bench *b, const struct bench_spec *s)
{
	long i, iters = scaled(s->iters);
	struct test_ctx *t = b->t;
	size_t len = s->size;
	char what[64];
	int ret;
	char *p;

	p = bench_map(NULL, len, false);
	if (!p)
		return t_fail(t, "mmap %zu bytes: %s", len, strerror(errno));
	snprintf(what, sizeof(what), "madvise(MADV_DONTNEED) of %zu MiB populated",
		 len / MIB);

	touch_pages(p, len);			/* warm-up */
	if (madvise(p, len, MADV_DONTNEED))
		return t_fail(t, "madvise: %s", strerror(errno));
	for (i = 0; i < iters; i++) {
		touch_pages(p, len);
		bench_begin(b);
		ret = madvise(p, len, MADV_DONTNEED) ? -errno : 0;
		bench_end(b);
		if (ret)
			return t_fail(t, "iteration %ld: madvise: %s", i,
				      strerror(-ret));
	}
	bench_collect_deferred(b);
	if (first_nonzero(p, len) >= 0)
		return t_fail(t, "memory not zero after MADV_DONTNEED");
	t_int(t, "populated_kib", len / KIB);
	return bench_report(b, what, iters, iters);
}

/*
 * munmap of a populated region alone: mapping and touching are untimed.
 * Each window is followed by the deferred part of its own work (the page
 * tables it freed are released after an RCU grace period).
 */
static int run_munmap(struct bench *b, const struct bench_spec *s)
{
	long i, iters = scaled(s->iters);
	struct test_ctx *t = b->t;
	size_t len = s->size;
	char what[64];
	int ret;
	char *p;

	snprintf(what, sizeof(what), "munmap of %zu MiB populated", len / MIB);
	for (i = -1; i < iters; i++) {		/* a warm-up round first */
		p = bench_map(NULL, len, false);
		if (!p)
			return t_fail(t, "mmap %zu bytes: %s", len,
				      strerror(errno));
		touch_pages(p, len);
		if (i >= 0)
			bench_begin(b);
		ret = munmap(p, len) ? -errno : 0;
		if (i >= 0) {
			bench_end(b);
			bench_collect_deferred(b);
		}
		if (ret)
			return t_fail(t, "munmap: %s", strerror(-ret));
	}
	t_int(t, "populated_kib", len / KIB);
	return bench_report(b, what, iters, iters);
}

/* first touch of every page of a fresh mapping; one op per page */
static int run_fault_storm(struct bench *b, const struct bench_spec *s)
{
	size_t len = s->size, pages = len / page_size();
	long i, iters = scaled(s->iters);
	struct test_ctx *t = b->t;
	char what[64];
	char *p;

	snprintf(what, sizeof(what), "first touch of %zu MiB, per page fault",
		 len / MIB);
	/* a warm-up round, then: map, touch every page (timed), unmap */
	for (i = -1; i < iters; i++) {
		p = bench_map(NULL, len, false);
		if (!p)
			return t_fail(t, "mmap %zu bytes: %s", len,
				      strerror(errno));
		if (i >= 0)
			bench_begin(b);
		touch_pages(p, len);
		if (i >= 0)
			bench_end(b);
		if (i == iters - 1)
			bench_collect_deferred(b);
		if (munmap(p, len))
			return t_fail(t, "munmap: %s", strerror(errno));
	}
	t_int(t, "populated_kib", len / KIB);
	return bench_report(b, what, iters, (long long)iters * pages);
}

/* ---- context switches ---- */

/*
 * Two sides pass one byte back and forth over a pair of pipes; each round
 * trip is two context switches.  Both sides run on the bench CPU: the
 * workload process is pinned, its children and threads inherit that, and
 * the peer pins itself once more and checks.  So a read that finds its
 * pipe empty always switches to the other side rather than waiting for
 * it on another CPU, and every round trip really switches twice.
 *
 * Both sides are SCHED_FIFO (same priority, so a wakeup does not preempt:
 * each side blocks in read()), when the kernel lets us.  As SCHED_OTHER
 * tasks they keep the bench CPU's runqueue busy, so the idle CPUs' load
 * balancer keeps taking its lock to look for a task to pull.  Under
 * QEMU's round-robin the bench hart is often stopped while it holds that
 * lock (the ping-pong is mostly scheduler), and the balancing hart then
 * spins until QEMU switches harts: guest time that is no switch at all,
 * more than twice the switch itself in some runs at -smp 4.  Pinned FIFO
 * tasks are nothing the balancer can pull.  FIFO tasks are throttled
 * after 950 ms of every second (sched_rt_runtime_us), so the round trips
 * are timed in windows of CTXSW_WINDOW, and the settling before each
 * window sleeps.
 */
#define CTXSW_WINDOW		2000	/* round trips */

struct pingpong {
	int to_peer[2];		/* main -> peer */
	int to_main[2];		/* peer -> main */
	int cpu;
};

static ssize_t read_byte(int fd, char *c)
{
	ssize_t n;

	do {
		n = read(fd, c, 1);
	} while (n < 0 && errno == EINTR);
	return n;
}

static int write_byte(int fd, char c)
{
	ssize_t n;

	do {
		n = write(fd, &c, 1);
	} while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : n < 0 ? -errno : -EIO;
}

/* The peer: echo every byte until the main side closes its end. */
static int pingpong_echo(struct pingpong *pp)
{
	ssize_t n;
	char c;
	int ret;

	ret = pin_to_cpu(pp->cpu);
	if (ret)
		return ret;
	if (sched_getcpu() != pp->cpu)
		return -EXDEV;
	for (;;) {
		n = read_byte(pp->to_peer[0], &c);
		if (!n)
			return 0;
		if (n < 0)
			return -errno;
		ret = write_byte(pp->to_main[1], c);
		if (ret)
			return ret;
	}
}

static void *pingpong_thread(void *arg)
{
	struct pingpong *pp = arg;
	int ret = pingpong_echo(pp);

	/* the main side's read then ends instead of waiting forever */
	if (ret) {
		close(pp->to_main[1]);
		pp->to_main[1] = -1;
	}
	return (void *)(intptr_t)ret;
}

/* One round trip from the main side: 0, -EPROTO (no or a wrong echo) */
static int pingpong_round(struct pingpong *pp, char c)
{
	char back;
	ssize_t n;
	int ret;

	ret = write_byte(pp->to_peer[1], c);
	if (ret)
		return ret;
	n = read_byte(pp->to_main[0], &back);
	if (n < 0)
		return -errno;
	return n && back == c ? 0 : -EPROTO;
}

static void pingpong_close(struct pingpong *pp)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (pp->to_peer[i] >= 0)
			close(pp->to_peer[i]);
		if (pp->to_main[i] >= 0)
			close(pp->to_main[i]);
		pp->to_peer[i] = pp->to_main[i] = -1;
	}
}

/*
 * Ping-pong between two processes (each switch also switches the address
 * space: a satp write) or, with s->flag, two threads of this process (the
 * same mm: no satp write).  One op is one context switch, two per round
 * trip.  Starting and stopping the peer are not timed.
 */
static int run_ctxsw(struct bench *b, const struct bench_spec *s)
{
	struct pingpong pp = { .to_peer = { -1, -1 }, .to_main = { -1, -1 },
			       .cpu = b->cpu };
	struct sched_param fifo = { .sched_priority = 1 };
	long i, n, iters = scaled(s->iters);
	int ret, peer_ret, status = 0;
	long long switches = 0;
	const char *fail = NULL;
	struct test_ctx *t = b->t;
	pthread_t thread = 0;
	pid_t pid = -1;
	char how[96];
	void *res;

	if (pipe2(pp.to_peer, O_CLOEXEC) || pipe2(pp.to_main, O_CLOEXEC))
		return t_fail(t, "pipe: %s", strerror(errno));
	/* inherited by the peer, process or thread; no FIFO: still measure */
	if (sched_setscheduler(0, SCHED_FIFO, &fifo))
		t_str(t, "policy", "other");
	else
		t_str(t, "policy", "fifo");
	if (s->flag) {
		ret = pthread_create(&thread, NULL, pingpong_thread, &pp);
		if (ret)
			return t_fail(t, "pthread_create: %s", strerror(ret));
	} else {
		pid = fork();
		if (pid < 0)
			return t_fail(t, "fork: %s", strerror(errno));
		if (!pid) {
			close(pp.to_peer[1]);
			close(pp.to_main[0]);
			ret = pingpong_echo(&pp);
			_exit(ret == -EXDEV ? 2 : ret ? 1 : 0);
		}
		/* an early exit of the peer reads as end of file */
		close(pp.to_peer[0]);
		close(pp.to_main[1]);
		pp.to_peer[0] = pp.to_main[1] = -1;
	}

	ret = pingpong_round(&pp, 0);		/* warm-up */
	if (ret)
		fail = "warm-up";
	for (i = 0; i < iters && !ret; ) {
		bench_begin(b);
		for (n = 0; n < CTXSW_WINDOW && i < iters; n++, i++) {
			ret = pingpong_round(&pp, (char)i);
			if (ret)
				break;
		}
		bench_end(b);
		switches += b->last.switches - b->start.switches;
		if (ret)
			fail = "round trip";
	}
	if (!fail)
		bench_collect_deferred(b);

	/* end of file stops the peer */
	close(pp.to_peer[1]);
	pp.to_peer[1] = -1;
	if (s->flag) {
		pthread_join(thread, &res);
		peer_ret = (int)(intptr_t)res;
	} else {
		if (wait_pid(pid, &status))
			return t_fail(t, "wait: %s", strerror(errno));
		peer_ret = !WIFEXITED(status) ? -ECHILD :
			   WEXITSTATUS(status) == 2 ? -EXDEV :
			   WEXITSTATUS(status) ? -ECHILD : 0;
	}
	pingpong_close(&pp);
	if (peer_ret == -EXDEV)
		return t_fail(t, "the peer does not run on CPU %d", b->cpu);
	if (peer_ret && !s->flag)
		return t_fail(t, "peer process: %s",
			      describe_status(status, how, sizeof(how)));
	if (peer_ret)
		return t_fail(t, "peer thread: %s", strerror(-peer_ret));
	if (fail)
		return t_fail(t, "%s %ld: %s", fail, i, ret == -EPROTO ?
			      "no or a wrong echo" : strerror(-ret));

	/* 1 when the timing side switches away and back once per trip */
	t_double(t, "own_switches_per_round_trip", per(switches, iters));
	return bench_report(b, s->flag ?
			    "context switch between two threads (pipe ping-pong)" :
			    "context switch between two processes (pipe ping-pong)",
			    iters, 2 * iters);
}

/* ---- firmware microbenchmarks (debugfs sbi_bench) ---- */

/* The number after "key=" in a line of key=value pairs, or -1. */
static long long line_value(const char *line, const char *key)
{
	size_t len = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key))) {
		if ((p == line || p[-1] == ' ') && p[len] == '=')
			return strtoll(p + len + 1, NULL, 10);
		p += len;
	}
	return -1;
}

/* Does the line hold this whole space-separated word? */
static bool line_has(const char *line, const char *word)
{
	size_t len = strlen(word);
	const char *p = line;

	while ((p = strstr(p, word))) {
		if ((p == line || p[-1] == ' ') &&
		    (p[len] == ' ' || p[len] == '\0'))
			return true;
		p += len;
	}
	return false;
}

/*
 * Write "<kind> N" to sbi_bench, read back "kind=<kind> iterations=N
 * calls=C entries=E ns=T" (T: guest ns measured in the kernel).  The case
 * name is "sbi_<kind>" or "kernel_<kind>" (kernel microbenchmarks).
 */
static int run_sbi(struct bench *b, const struct bench_spec *s)
{
	long long iters = scaled(s->iters), n, calls, entries, ns;
	char cmd[64], line[256], what[64], want[48];
	const char *kind = strchr(s->name, '_') + 1;
	struct test_ctx *t = b->t;
	uint64_t t0, t1;
	int fd, ret, len;
	ssize_t w;

	snprintf(what, sizeof(what), "%s microbenchmark '%s'",
		 s->name[0] == 'k' ? "kernel" : "firmware", kind);
	fd = open(SBI_BENCH_PATH, O_WRONLY | O_CLOEXEC);
	if (fd < 0 && (errno == ENOENT || !b->active))
		return t_skip(t, "%s: %s (%s)", SBI_BENCH_PATH, strerror(errno),
			      b->active ? "kernel without the firmware microbenchmark" :
			      "pvmmu inactive");
	if (fd < 0)
		return t_fail(t, "open %s: %s", SBI_BENCH_PATH, strerror(errno));

	len = snprintf(cmd, sizeof(cmd), "%s %lld\n", kind, iters);
	bench_begin(b);				/* for the firmware counters */
	t0 = now_ns();
	w = write(fd, cmd, len);
	t1 = now_ns();
	ret = w == len ? 0 : w < 0 ? -errno : -EIO;
	bench_end(b);
	close(fd);
	if (ret && !b->active)
		return t_skip(t, "write '%s %lld': %s (pvmmu inactive)", kind,
			      iters, strerror(-ret));
	if (ret)
		return t_fail(t, "write '%s %lld': %s", kind, iters,
			      strerror(-ret));

	ret = read_text(SBI_BENCH_PATH, line, sizeof(line));
	if (ret < 0)
		return t_fail(t, "read %s: %s", SBI_BENCH_PATH, strerror(-ret));
	line[strcspn(line, "\n")] = '\0';
	n = line_value(line, "iterations");
	calls = line_value(line, "calls");
	entries = line_value(line, "entries");
	ns = line_value(line, "ns");
	snprintf(want, sizeof(want), "kind=%s", kind);
	if (n <= 0 || calls < 0 || entries < 0 || ns < 0 ||
	    !line_has(line, want))
		return t_fail(t, "unexpected result '%s' for '%s %lld'", line,
			      kind, iters);

	t_str(t, "what", what);
	t_str(t, "line", line);
	t_int(t, "cpu", b->cpu);
	t_int(t, "iters", n);
	t_int(t, "ops", n);
	t_uint(t, "ns", ns);
	t_double(t, "ns_per_op", per(ns, n));
	t_double(t, "user_ns_per_op", per(t1 - t0, n));
	t_int(t, "sbi_calls", calls);
	t_double(t, "sbi_calls_per_op", per(calls, n));
	t_int(t, "entries", entries);
	t_double(t, "entries_per_op", per(entries, n));
	t_double(t, "entries_per_call", per(entries, calls));
	t_double(t, "traps_per_op", per(calls, n));
	report_fw(b, n);
	t_int(t, "faults", 0);
	t_double(t, "faults_per_op", 0);
	t_int(t, "pvmmu_active", b->active);
	if (b->batch >= 0)
		t_int(t, "batch", b->batch);
	return t_pass(t, "%s: %.1f ns/call, %.1f entries/call", what,
		      per(ns, calls), per(entries, calls));
}

/*
 * The workloads, in the order they run: name, function, size (pages for
 * map, else bytes), iterations at agent.bench_scale=1 and flag (see
 * struct bench_spec). Iteration counts: the whole group takes about 60-90 s
 * of wall time per boot under -icount shift=0 on a 2-core host.
 * scripts/bench.py reads the names and their order from this list.
 */
#define BENCH_WORKLOADS(X)						\
	X(map_1, run_map, 1, 24000, false) \
	X(map_16, run_map, 16, 9000, false) \
	X(map_256, run_map, 256, 900, false) \
	X(map_4096, run_map, 4096, 60, false) \
	X(fork_1m, run_fork, 1 * MIB, 1800, false) \
	X(fork_16m, run_fork, 16 * MIB, 300, false) \
	X(fork_exec, run_fork, 0, 600, true) \
	X(fork_sh, run_fork_sh, 0, 300, false) \
	X(mprotect_1m, run_mprotect, 1 * MIB, 3000, false) \
	X(mprotect_64m, run_mprotect, 64 * MIB, 24, false) \
	X(prot_fault, run_prot_fault, 0, 6000, false) \
	X(mremap_16m, run_mremap, 16 * MIB, 180, false) \
	X(mremap_aligned_16m, run_mremap, 16 * MIB, 1500, true) \
	X(dontneed_16m, run_dontneed, 16 * MIB, 45, false) \
	X(munmap_16m, run_munmap, 16 * MIB, 45, false) \
	X(fault_storm_64m, run_fault_storm, 64 * MIB, 9, false) \
	X(ctxsw_proc, run_ctxsw, 0, 20000, false) \
	X(ctxsw_thread, run_ctxsw, 0, 20000, true) \
	X(sbi_null, run_sbi, 0, 150000, false) \
	X(sbi_update1, run_sbi, 0, 150000, false) \
	X(sbi_update_batch, run_sbi, 0, 15000, false) \
	X(kernel_vmalloc, run_sbi, 0, 2000, false) \
	X(kernel_queue, run_sbi, 0, 3000, false) \
	X(parallel_1, run_parallel, 1, 8, false) \
	X(parallel_4, run_parallel, 4, 8, false) \
	X(parallel_8, run_parallel, 8, 8, false)

#define BENCH_SPEC(name, run, size, iters, flag) { #name, run, size, iters, flag },
static const struct bench_spec bench_specs[] = {
	BENCH_WORKLOADS(BENCH_SPEC)
};

/* ---- running a case ---- */

/* What the workload process sends back: its copy of the test context. */
struct bench_reply {
	struct test_record rec;
	struct json fields;
};

_Static_assert(sizeof(struct bench_reply) <= 4096,
	       "bench_reply must fit in PIPE_BUF for an atomic write");

/*
 * Runs in a process forked after pinning, so it is born on the bench CPU:
 * its mm_cpumask holds that CPU alone and its TLB flushes stay local.
 * (riscv keeps a CPU in mm_cpumask once the mm ran there; a process that
 * started elsewhere sends a remote fence for every flush, and under
 * -icount a remote fence waits for the round-robin scheduler to run the
 * other hart: milliseconds of guest time per flush.)
 */
static int bench_workload(struct test_ctx *t, const struct bench_spec *s,
			  int cpu, int fd)
{
	struct bench_reply reply;
	struct bench b;

	bench_init(&b, t, cpu);
	t->rec.result = s->run(&b, s);
	memcpy(&reply.rec, &t->rec, sizeof(reply.rec));
	reply.fields = t->fields;
	return write_full(fd, &reply, sizeof(reply)) ? 1 : 0;
}

static int bench_case(struct test_ctx *t)
{
	const char *name = strchr(t->name, '.') + 1;
	const struct bench_spec *s = NULL;
	struct bench_reply reply;
	int cpu, err, fds[2], status;
	char how[96];
	ssize_t n;
	size_t i;
	pid_t pid;

	for (i = 0; i < ARRAY_SIZE(bench_specs) && !s; i++)
		if (!strcmp(bench_specs[i].name, name))
			s = &bench_specs[i];
	if (!s)
		return t_fail(t, "no workload '%s'", name);
	if (!bench_selected(name))
		return t_skip(t, "not selected by agent.bench=%s",
			      agent_param("bench"));

	cpu = bench_cpu();
	err = pin_to_cpu(cpu);
	if (err)
		return t_fail(t, "pin to CPU %d: %s", cpu, strerror(-err));
	/* inherited by the workload; not fatal (qemu-riscv64 lacks it) */
	if (agent_param_long("bench_thp", 0) == 1)
		t_str(t, "thp", "on");
	else if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		t_str(t, "thp", strerror(errno));
	else
		t_str(t, "thp", "off");

	if (pipe2(fds, O_CLOEXEC))
		return t_fail(t, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return t_fail(t, "fork: %s", strerror(errno));
	if (!pid) {
		close(fds[0]);
		_exit(bench_workload(t, s, cpu, fds[1]));
	}
	close(fds[1]);
	n = read_full(fds[0], &reply, sizeof(reply));
	close(fds[0]);
	if (wait_pid(pid, &status))
		return t_fail(t, "wait: %s", strerror(errno));
	if (n != (ssize_t)sizeof(reply) || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return t_fail(t, "workload process died: %s",
			      describe_status(status, how, sizeof(how)));

	/* same addresses in both processes: fields.buf is t->rec.fields */
	memcpy(&t->rec, &reply.rec, sizeof(t->rec));
	t->fields = reply.fields;
	return t->rec.result;
}

#define BENCH_CASE(name, run, size, iters, flag) { #name, bench_case },
static const struct agent_case bench_cases[] = {
	BENCH_WORKLOADS(BENCH_CASE)
};

/* Manual: "all" is for tests; the benchmark is asked for by name. */
const struct agent_group bench_group = {
	.name = "bench",
	.desc = "page table workloads: guest time and pvmmu calls per operation",
	.cases = bench_cases,
	.ncases = ARRAY_SIZE(bench_cases),
	.manual = true,
};
