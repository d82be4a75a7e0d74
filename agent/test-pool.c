// SPDX-License-Identifier: GPL-2.0
/*
 * pool: the firmware's page table pool (pvmmu.pool_mb, 64 MiB = 16384
 * tables by default) when an address space cannot get more tables.
 *
 * A child maps a big sparse anonymous region (MAP_NORESERVE, no THP) and
 * writes one word every 2 MiB, so that every touch needs a PTE table of
 * its own (and every 1 GiB a PMD table), until the fault that cannot get
 * one raises SIGBUS (BUS_ADRERR, at the touched address), caught with
 * sigsetjmp/siglongjmp.  Everything the child uses after that was mapped
 * and populated before (mlockall(MCL_CURRENT) before the big region, an
 * alternate signal stack): with no table to be had, any new one would be
 * a SIGBUS of its own.
 *
 * - mm_limit: /sys/module/pvmmu/parameters/mm_max_tables (the most tables
 *   below the root one mm may hold; 0 = no bound) is set to
 *   agent.pool_mm_max (default 64) while the child touches, and put back
 *   as it was afterwards, whatever happened.  Expected: SIGBUS after at
 *   most that many touches, PvmmuTables in the child's
 *   /proc/self/arch_status then the bound plus the root (agent.pool_slack
 *   fewer at most, default 2), the same address faults again, a page
 *   under a table it has still works, every touched word reads back, and
 *   /proc/pvmmu pool_mm_limited went up.
 * - exhaust: no bound; the child touches up to pool_pages (from
 *   /proc/pvmmu) plus a margin, i.e. until the whole pool is in use.
 *   While it holds the pool, the test process checks the rest of the
 *   system: its own memory (written before, shared copy-on-write with the
 *   child) can be read and written, a fork from a process that was there
 *   before either works or fails with ENOMEM (within agent.pool_fork_ms,
 *   default 10000: no hang), /proc/pvmmu exhausted went up.  Then the
 *   child exits, and a fork + exec of the helper, a 64 MiB
 *   map/fill/check/munmap and the pool use (back to its baseline within
 *   agent.pool_margin tables, default 16, within 5 s) must all be fine.
 *
 * Both cases: /proc/pvmmu failures, fw_rejected, register_failures and
 * release_failures must not move, the kernel log must have no WARNING,
 * BUG, Oops, ... line, every wait has a deadline, and the child is killed
 * (and waited for) on every way out, so a failure does not leave the pool
 * exhausted or the bound set.  Skipped when pvmmu is inactive (failed if
 * agent.pvmmu=1), and on a kernel without the interface (no
 * mm_max_tables, no pool_mm_limited in /proc/pvmmu).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "pvmmu_stat.h"

#define POOL_MAX_PATH		"/sys/module/pvmmu/parameters/mm_max_tables"
#define POOL_ARCH_KEY		"PvmmuTables:"
#define POOL_STEP		(2 * MIB)	/* one PTE table per touch */
#define POOL_DEFAULT_BOUND	64
#define POOL_DEFAULT_SLACK	2
#define POOL_DEFAULT_MARGIN	16
#define POOL_DEFAULT_FORK_MS	10000
#define POOL_ALTSTACK		(64 * KIB)
#define POOL_STACK_TOUCH	(128 * KIB)
#define POOL_KEEP_SIZE		(4 * MIB)	/* the test process's own memory */
#define POOL_CHECK_SIZE		(64 * MIB)
#define POOL_READY_MS		10000
#define POOL_FILL_MS		40000
#define POOL_EXIT_MS		20000
#define POOL_EXEC_MS		10000
#define POOL_SETTLE_MS		5000
#define POOL_DRAIN_MS		10000
#define POOL_MARKER		0x9001000000000000ULL

enum pool_stage {
	STAGE_START,
	STAGE_READY,		/* set up, waiting for go */
	STAGE_FILLING,
	STAGE_FILLED,		/* faulted, or touched everything */
	STAGE_CHECKED,		/* reported */
};

/* What the child found (MAP_SHARED, populated before the fork). */
struct pool_report {
	int stage;
	int faulted;
	int signo, code;
	uintptr_t addr, expect;
	long limit;		/* touches it would make at most */
	long touches;		/* touches that worked */
	long long tables_start;	/* PvmmuTables before (-1: no line) */
	long long tables_fault;	/* ... at the fault */
	int refault_signo;	/* the same address again */
	int near;		/* a new page under a table it has: 1 ok, 0 no */
	long bad_index;		/* a touched word that changed, or -1 */
	double fill_ms;
	char err[200];
};

struct pool_child_args {
	struct pool_report *r;
	long limit;
	int ready_fd;		/* child -> parent: one byte per stage */
	int go_fd;		/* parent -> child: go, then EOF: exit */
};

/* What the fork tester saw (MAP_SHARED). */
struct fork_report {
	int done;
	int err;		/* fork()'s errno, 0: it worked */
	int status;		/* the forked child's wait status */
	int waited;		/* 1: the forked child was reaped */
	double ms;
};

/* Everything a way out has to undo. */
struct pool_state {
	pid_t child;
	pid_t forker;
	int go_fd;		/* our end; closing it lets the child exit */
	bool param_set;
	char param_orig[32];
};

/* ---- small helpers ---- */

static void __attribute__((noinline)) prefault_stack(void)
{
	volatile char buf[POOL_STACK_TOUCH];
	size_t i;

	for (i = 0; i < sizeof(buf); i += 512)
		buf[i] = 0;
}

/* Close every descriptor from 3 up but the ones given (-1: none). */
static void keep_fds(int a, int b)
{
	int fd;

	for (fd = 3; fd < 1024; fd++)
		if (fd != a && fd != b)
			close(fd);
}

/*
 * One byte from fd within timeout_ms: 1, 0 at end of file (the writer is
 * gone), -ETIMEDOUT, or -errno.
 */
static int read_byte(int fd, unsigned int timeout_ms)
{
	uint64_t deadline = now_ns_raw() + timeout_ms * 1000000ULL;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t now;
	ssize_t n;
	char c;
	int ret;

	for (;;) {
		now = now_ns_raw();
		if (now >= deadline)
			return -ETIMEDOUT;
		ret = poll(&p, 1, (deadline - now) / 1000000ULL + 1);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		if (!ret)
			continue;
		n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		return n;
	}
}

/* PvmmuTables of /proc/<pid>/arch_status: n, -1 without the line, -2 unreadable */
static long long arch_tables(const char *path)
{
	char text[512], *p;
	ssize_t n;

	n = read_text(path, text, sizeof(text));
	if (n < 0)
		return -2;
	p = strstr(text, POOL_ARCH_KEY);
	if (!p)
		return -1;
	return strtoll(p + strlen(POOL_ARCH_KEY), NULL, 10);
}

static int param_read(char *buf, size_t size)
{
	ssize_t n = read_text(POOL_MAX_PATH, buf, size);

	if (n < 0)
		return n;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Write the parameter and read it back.  0 or -errno. */
static int param_write(const char *val)
{
	char back[32];
	int fd, ret = 0;

	fd = open(POOL_MAX_PATH, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		ret = -errno;
	close(fd);
	if (!ret)
		ret = param_read(back, sizeof(back));
	if (!ret && strtoll(back, NULL, 10) != strtoll(val, NULL, 10))
		ret = -EPROTO;
	return ret;
}

/* Undo whatever is still to undo: the child holding tables, the bound. */
static void pool_cleanup(struct pool_state *ps)
{
	if (ps->go_fd >= 0) {
		close(ps->go_fd);
		ps->go_fd = -1;
	}
	if (ps->child > 0 && kill_wait(ps->child, 5000, NULL) == 0)
		ps->child = 0;
	if (ps->forker > 0 && kill_wait(ps->forker, 5000, NULL) == 0)
		ps->forker = 0;
	if (ps->param_set && !param_write(ps->param_orig))
		ps->param_set = false;
}

/*
 * pvmmu must be active (skipped otherwise, failed with agent.pvmmu=1) and
 * the kernel must have the pool interface.  -1 to go on, or the verdict.
 */
static int pool_need(struct test_ctx *t, struct pvmmu_stat *s, long long *lim)
{
	const char *want = agent_param("pvmmu");
	bool must = want && !strcmp(want, "1");
	int ret = pvmmu_stat_read(s);

	if (ret == -ENOENT)
		return must ? t_fail(t, "agent.pvmmu=1 but no %s", PVMMU_STAT_PATH) :
			      t_skip(t, "no %s", PVMMU_STAT_PATH);
	if (ret)
		return t_fail(t, "%s: %s", PVMMU_STAT_PATH, strerror(-ret));
	if (!s->active)
		return must ? t_fail(t, "agent.pvmmu=1 but pvmmu inactive") :
			      t_skip(t, "pvmmu inactive");
	if (pvmmu_stat_value(s, "pool_mm_limited", lim))
		return t_skip(t, "kernel without the pool limits (no pool_mm_limited in %s)",
			      PVMMU_STAT_PATH);
	return -1;
}

/* the counters no pool shortage may move */
static const char *const pool_quiet_keys[] = {
	"failures", "fw_rejected", "register_failures", "release_failures",
};

/* Appends "key a -> b" for each quiet counter that moved.  true: none. */
static bool pool_quiet(const struct pvmmu_stat *a, const struct pvmmu_stat *b,
		       char *moved, size_t size)
{
	long long va, vb;
	size_t i, len;

	moved[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(pool_quiet_keys); i++) {
		if (pvmmu_stat_value(a, pool_quiet_keys[i], &va) ||
		    pvmmu_stat_value(b, pool_quiet_keys[i], &vb) || va == vb)
			continue;
		len = strlen(moved);
		snprintf(moved + len, size - len, "%s%s %lld -> %lld",
			 len ? ", " : "", pool_quiet_keys[i], va, vb);
	}
	return !moved[0];
}

/* ---- the child ---- */

static sigjmp_buf touch_jmp;
static volatile sig_atomic_t touch_signo;
static volatile int touch_code;
static void *volatile touch_addr;

static void touch_handler(int sig, siginfo_t *si, void *uctx)
{
	(void)uctx;
	touch_signo = sig;
	touch_code = si->si_code;
	touch_addr = si->si_addr;
	siglongjmp(touch_jmp, 1);
}

static int catch_faults(bool altstack)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = touch_handler;
	sa.sa_flags = SA_SIGINFO | (altstack ? SA_ONSTACK : 0);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL) || sigaction(SIGSEGV, &sa, NULL))
		return -errno;
	return 0;
}

static void uncatch_faults(void)
{
	signal(SIGBUS, SIG_DFL);
	signal(SIGSEGV, SIG_DFL);
}

/* Store val at p: 0, or the signal the store raised. */
static int __attribute__((noinline)) touch_word(volatile uint64_t *p, uint64_t val)
{
	touch_signo = 0;
	if (sigsetjmp(touch_jmp, 1))
		return touch_signo;
	*p = val;
	return 0;
}

static int __printf(2, 3) child_fail(struct pool_report *r, const char *fmt,
				     ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return 1;
}

static void tell(int fd, int stage, struct pool_report *r)
{
	char c = 'a' + stage;

	r->stage = stage;
	if (write(fd, &c, 1) != 1)
		_exit(9);
}

static int pool_child(struct pool_child_args *a)
{
	struct pool_report *r = a->r;
	size_t pg = page_size(), len;
	char *base, *map, *p = NULL;
	stack_t ss;
	uint64_t t0;
	long i;
	int sig;

	/* the test process gone: so is this, and with it its tables */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	keep_fds(a->ready_fd, a->go_fd);
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		return child_fail(r, "PR_SET_THP_DISABLE: %s", strerror(errno));
	ss.ss_sp = map_anon(POOL_ALTSTACK);
	ss.ss_size = POOL_ALTSTACK;
	ss.ss_flags = 0;
	if (!ss.ss_sp || sigaltstack(&ss, NULL))
		return child_fail(r, "alternate stack: %s", strerror(errno));
	if (catch_faults(true))
		return child_fail(r, "sigaction: %s", strerror(errno));
	prefault_stack();
	/* every page (and table) it will need after the big region fills */
	if (mlockall(MCL_CURRENT))
		return child_fail(r, "mlockall: %s", strerror(errno));

	len = (a->limit + 1) * POOL_STEP;
	map = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		return child_fail(r, "mmap %zu MiB: %s", len / MIB,
				  strerror(errno));
	base = (char *)(((uintptr_t)map + POOL_STEP - 1) &
			~(uintptr_t)(POOL_STEP - 1));
	madvise(map, len, MADV_NOHUGEPAGE);
	r->limit = a->limit;
	r->tables_start = arch_tables("/proc/self/arch_status");
	r->bad_index = -1;
	r->near = -1;

	tell(a->ready_fd, STAGE_READY, r);
	if (read_byte(a->go_fd, POOL_READY_MS) != 1)
		return child_fail(r, "no go from the test process");

	r->stage = STAGE_FILLING;
	t0 = now_ns();
	for (i = 0; i < a->limit; i++) {
		p = base + i * POOL_STEP;
		sig = touch_word((volatile uint64_t *)p, POOL_MARKER | i);
		if (sig) {
			r->faulted = 1;
			r->signo = sig;
			r->code = touch_code;
			r->addr = (uintptr_t)touch_addr;
			r->expect = (uintptr_t)p;
			break;
		}
		r->touches = i + 1;
	}
	r->fill_ms = ns_to_ms(now_ns() - t0);
	r->stage = STAGE_FILLED;

	if (r->faulted) {
		r->tables_fault = arch_tables("/proc/self/arch_status");
		/* no table yet: it must fault again, not loop or hand one out */
		r->refault_signo = touch_word((volatile uint64_t *)p,
					      POOL_MARKER | i);
		/* a new page under a table it has needs no new table */
		if (i > 0)
			r->near = !touch_word((volatile uint64_t *)
					      (p - POOL_STEP + pg), 1);
	}
	for (i = 0; i < r->touches; i++) {
		if (*(volatile uint64_t *)(base + i * POOL_STEP) !=
		    (POOL_MARKER | i)) {
			r->bad_index = i;
			break;
		}
	}

	tell(a->ready_fd, STAGE_CHECKED, r);
	/* hold the tables until the test process lets go (EOF) */
	while (read_byte(a->go_fd, 600000) == 1)
		;
	return 0;
}

/*
 * Fork the child and wait until it is ready.  0, or -1 with the reason in
 * why (the child is left to pool_cleanup()).
 */
static int start_child(struct pool_state *ps, struct pool_report *r,
		       long limit, int *ready_fd, char *why, size_t size)
{
	struct pool_child_args a = { .r = r, .limit = limit };
	int ready[2], go[2], ret;

	memset(r, 0, sizeof(*r));
	if (pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC)) {
		snprintf(why, size, "pipe: %s", strerror(errno));
		return -1;
	}
	a.ready_fd = ready[1];
	a.go_fd = go[0];
	ps->child = fork();
	if (ps->child < 0) {
		snprintf(why, size, "fork: %s", strerror(errno));
		return -1;
	}
	if (ps->child == 0)
		_exit(pool_child(&a));
	close(ready[1]);
	close(go[0]);
	ps->go_fd = go[1];
	*ready_fd = ready[0];

	ret = read_byte(ready[0], POOL_READY_MS);
	if (ret == 1 && r->stage == STAGE_READY)
		return 0;
	snprintf(why, size, "child not ready: %s%s%s",
		 ret == -ETIMEDOUT ? "timeout" : ret ? strerror(-ret) :
		 "it exited", r->err[0] ? ": " : "", r->err);
	return -1;
}

static int go(struct pool_state *ps)
{
	return write(ps->go_fd, "g", 1) == 1 ? 0 : -errno;
}

/* Wait for the child's report after go.  0, or -1 with why. */
static int wait_report(struct pool_state *ps, struct pool_report *r,
		       int ready_fd, unsigned int timeout_ms, char *why,
		       size_t size)
{
	int ret = read_byte(ready_fd, timeout_ms);

	if (ret == 1 && r->stage == STAGE_CHECKED)
		return 0;
	(void)ps;
	if (ret == -ETIMEDOUT)
		snprintf(why, size, "no report from the child in %u ms (stage %d, %ld touches): a fault that loops?",
			 timeout_ms, r->stage, r->touches);
	else
		snprintf(why, size, "child gone before its report (stage %d, %ld touches)%s%s",
			 r->stage, r->touches, r->err[0] ? ": " : "", r->err);
	return -1;
}

/* Let the child exit and reap it.  0, or -1 with why. */
static int end_child(struct pool_state *ps, double *ms, char *why,
		     size_t size)
{
	uint64_t t0 = now_ns();
	char how[96];
	int status, ret;

	close(ps->go_fd);
	ps->go_fd = -1;
	ret = wait_pid_timeout(ps->child, POOL_EXIT_MS, &status);
	*ms = ns_to_ms(now_ns() - t0);
	if (ret) {
		snprintf(why, size, "child did not exit in %u ms: %s",
			 POOL_EXIT_MS, strerror(-ret));
		return -1;
	}
	ps->child = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(why, size, "child %s",
			 describe_status(status, how, sizeof(how)));
		return -1;
	}
	return 0;
}

/* The fault the child took: SIGBUS, BUS_ADRERR, at the touched address. */
static int judge_fault(const struct pool_report *r, char *why, size_t size)
{
	if (!r->faulted) {
		snprintf(why, size, "no fault in %ld touches (%ld MiB): nothing refused a table",
			 r->touches, r->touches * (long)(POOL_STEP / MIB));
		return -1;
	}
	if (r->signo != SIGBUS || r->code != BUS_ADRERR) {
		snprintf(why, size, "touch %ld: signal %d (%s) code %d, expected SIGBUS/BUS_ADRERR",
			 r->touches, r->signo, strsignal(r->signo), r->code);
		return -1;
	}
	if (r->addr != r->expect) {
		snprintf(why, size, "SIGBUS at %#lx, the touch was at %#lx",
			 (unsigned long)r->addr, (unsigned long)r->expect);
		return -1;
	}
	if (r->refault_signo != SIGBUS) {
		snprintf(why, size, "the same address again: %s",
			 r->refault_signo ? strsignal(r->refault_signo) :
			 "no fault (a table appeared)");
		return -1;
	}
	if (r->near == 0) {
		snprintf(why, size, "a new page under a table the child has faulted");
		return -1;
	}
	if (r->bad_index >= 0) {
		snprintf(why, size, "touched word %ld (of %ld) changed",
			 r->bad_index, r->touches);
		return -1;
	}
	return 0;
}

static void report_fields(struct test_ctx *t, const struct pool_report *r)
{
	t_int(t, "touch_limit", r->limit);
	t_int(t, "touches", r->touches);
	t_int(t, "child_tables_start", r->tables_start);
	t_int(t, "child_tables_at_fault", r->tables_fault);
	t_double(t, "fill_ms", r->fill_ms);
	if (r->faulted)
		t_str(t, "fault", r->signo == SIGBUS ?
		      (r->code == BUS_ADRERR ? "SIGBUS/BUS_ADRERR" : "SIGBUS") :
		      strsignal(r->signo));
}

/* Pool use back to the baseline plus margin.  0, or -1 with why. */
static int settle(struct test_ctx *t, const struct pvmmu_stat *base,
		  long margin, struct pvmmu_stat *after, char *why,
		  size_t size)
{
	struct pvmmu_stat b = *base;
	uint64_t t0 = now_ns();
	int ret;

	b.used += margin;
	ret = pvmmu_leak_end(&b, after, POOL_SETTLE_MS);
	t_int(t, "user_tables_baseline", pvmmu_stat_user_tables(base));
	t_int(t, "user_tables_after", pvmmu_stat_user_tables(after));
	t_double(t, "settle_ms", ns_to_ms(now_ns() - t0));
	if (ret == -ETIMEDOUT) {
		snprintf(why, size, "%lld user page tables, %lld above the baseline %lld (margin %ld) after %u ms",
			 pvmmu_stat_user_tables(after),
			 pvmmu_stat_user_tables(after) -
			 pvmmu_stat_user_tables(base),
			 pvmmu_stat_user_tables(base), margin, POOL_SETTLE_MS);
		return -1;
	}
	if (ret) {
		snprintf(why, size, "%s: %s", PVMMU_STAT_PATH, strerror(-ret));
		return -1;
	}
	return 0;
}

/* The kernel log since kfd was opened has no trouble.  0, or -1 with why. */
static int log_clean(struct test_ctx *t, int kfd, char *why, size_t size)
{
	char bad[200];
	unsigned int nbad = 0;
	int ret;

	if (kfd < 0)
		return 0;
	ret = kmsg_scan_trouble(kfd, NULL, bad, sizeof(bad), &nbad);
	close(kfd);
	if (ret || !nbad)
		return 0;
	t_uint(t, "kernel_trouble_lines", nbad);
	snprintf(why, size, "kernel log: \"%s\"%s", bad,
		 nbad > 1 ? " and more" : "");
	return -1;
}

/* ---- pool.mm_limit ---- */

static int pool_mm_limit(struct test_ctx *t)
{
	long bound = agent_param_long("pool_mm_max", POOL_DEFAULT_BOUND);
	long slack = agent_param_long("pool_slack", POOL_DEFAULT_SLACK);
	long margin = agent_param_long("pool_margin", POOL_DEFAULT_MARGIN);
	struct pool_state ps = { .go_fd = -1 };
	struct pvmmu_stat s0, base, s1, after;
	char why[TEST_DETAIL_MAX] = "", val[32], moved[200];
	long long lim0, lim1, ex0, ex1, want;
	struct pool_report *r;
	int ret, ready_fd = -1, kfd;
	double exit_ms;

	ret = pool_need(t, &s0, &lim0);
	if (ret >= 0)
		return ret;
	if (param_read(ps.param_orig, sizeof(ps.param_orig)))
		return t_skip(t, "kernel without the per-mm bound (no %s)",
			      POOL_MAX_PATH);
	if (bound <= 0)
		bound = POOL_DEFAULT_BOUND;
	if (slack < 0)
		slack = POOL_DEFAULT_SLACK;
	t_int(t, "bound", bound);
	t_str(t, "bound_before", ps.param_orig);

	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		return t_fail(t, "mmap: %s", strerror(errno));
	memset(r, 0, sizeof(*r));
	prefault_stack();
	if (pvmmu_leak_begin(&base))
		return t_fail(t, "%s: no baseline", PVMMU_STAT_PATH);
	kfd = kmsg_open_end();

	if (start_child(&ps, r, 2 * bound + 64, &ready_fd, why, sizeof(why)))
		goto out;
	if (r->tables_start < 0) {
		snprintf(why, sizeof(why), "no %s line in /proc/<pid>/arch_status%s",
			 POOL_ARCH_KEY, r->tables_start == -2 ? " (no file)" : "");
		goto out;
	}
	/* the bound holds for every mm: set it only while the child fills */
	snprintf(val, sizeof(val), "%ld", bound);
	ps.param_set = true;
	ret = param_write(val);
	if (ret) {
		snprintf(why, sizeof(why), "writing %s to %s: %s", val,
			 POOL_MAX_PATH, strerror(-ret));
		goto out;
	}
	ret = go(&ps);
	if (!ret)
		ret = wait_report(&ps, r, ready_fd, POOL_FILL_MS, why,
				  sizeof(why));
	/* as soon as the child has what it came for */
	if (!param_write(ps.param_orig))
		ps.param_set = false;
	if (ret)
		goto out;
	if (end_child(&ps, &exit_ms, why, sizeof(why)))
		goto out;
	if (ps.param_set) {
		snprintf(why, sizeof(why), "cannot put %s back to %s",
			 POOL_MAX_PATH, ps.param_orig);
		goto out;
	}

	report_fields(t, r);
	ret = pvmmu_stat_read(&s1);
	if (!ret)
		ret = pvmmu_stat_value(&s1, "pool_mm_limited", &lim1);
	if (ret) {
		snprintf(why, sizeof(why), "%s: %s", PVMMU_STAT_PATH,
			 strerror(-ret));
		goto out;
	}
	t_int(t, "pool_mm_limited", lim1 - lim0);
	if (!pvmmu_stat_value(&s0, "exhausted", &ex0) &&
	    !pvmmu_stat_value(&s1, "exhausted", &ex1))
		t_int(t, "exhausted", ex1 - ex0);

	if (judge_fault(r, why, sizeof(why)))
		goto out;
	/* every touch took a table, and the bound counts below the root */
	want = bound + 1;
	if (r->touches > bound || r->touches < 1) {
		snprintf(why, sizeof(why), "%ld touches before SIGBUS, expected 1 to %ld",
			 r->touches, bound);
		goto out;
	}
	if (r->tables_fault < 0 || r->tables_fault > want ||
	    r->tables_fault < want - slack) {
		snprintf(why, sizeof(why), "PvmmuTables %lld at the SIGBUS, expected %lld (bound %ld + root, %ld fewer allowed)",
			 r->tables_fault, want, bound, slack);
		goto out;
	}
	if (r->tables_fault < r->tables_start + r->touches) {
		snprintf(why, sizeof(why), "PvmmuTables %lld at the SIGBUS, but %lld before and %ld touches that each needed one",
			 r->tables_fault, r->tables_start, r->touches);
		goto out;
	}
	if (lim1 <= lim0) {
		snprintf(why, sizeof(why), "pool_mm_limited did not go up (%lld)",
			 lim1);
		goto out;
	}
	if (!pool_quiet(&s0, &s1, moved, sizeof(moved))) {
		snprintf(why, sizeof(why), "%s moved: %s", PVMMU_STAT_PATH,
			 moved);
		goto out;
	}
	if (settle(t, &base, margin, &after, why, sizeof(why)))
		goto out;
	log_clean(t, kfd, why, sizeof(why));
	kfd = -1;

out:
	pool_cleanup(&ps);
	if (kfd >= 0)
		close(kfd);
	if (ready_fd >= 0)
		close(ready_fd);
	if (!why[0] && ps.param_set)
		snprintf(why, sizeof(why), "cannot put %s back to %s",
			 POOL_MAX_PATH, ps.param_orig);
	if (why[0])
		return t_fail(t, "%s%s", why, ps.param_set ?
			      " (and mm_max_tables stays set)" : "");
	return t_pass(t, "SIGBUS (BUS_ADRERR) after %ld touches at %lld tables (bound %ld + root), pool_mm_limited +%lld; bound back to %s",
		      r->touches, r->tables_fault, bound, lim1 - lim0,
		      ps.param_orig);
}

/* ---- pool.exhaust ---- */

/*
 * The fork tester: there before the pool runs dry, so its own tables are
 * all in place (mlockall); on go it forks once and says how that went.
 */
static int fork_tester(struct fork_report *fr, int go_fd)
{
	uint64_t t0;
	pid_t pid;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	keep_fds(go_fd, -1);
	prefault_stack();
	if (mlockall(MCL_CURRENT))
		return 2;
	if (read_byte(go_fd, POOL_FILL_MS + POOL_READY_MS) != 1)
		return 3;
	t0 = now_ns();
	pid = fork();
	if (pid == 0)
		_exit(0);
	fr->ms = ns_to_ms(now_ns() - t0);
	fr->err = pid < 0 ? errno : 0;
	if (pid > 0 && !wait_pid_timeout(pid, POOL_EXIT_MS, &fr->status))
		fr->waited = 1;
	fr->done = 1;
	return 0;
}

/* a guarded run of some memory work in this process: 0 or the signal */
static int __attribute__((noinline)) guarded(int (*fn)(void *arg), void *arg,
					     int *result)
{
	touch_signo = 0;
	if (catch_faults(false))
		return -1;
	if (sigsetjmp(touch_jmp, 1)) {
		uncatch_faults();
		return touch_signo;
	}
	*result = fn(arg);
	uncatch_faults();
	return 0;
}

/* the memory this process had before: intact, and writable */
static int check_keep(void *arg)
{
	unsigned char *keep = arg;

	if (pattern_check(keep, POOL_KEEP_SIZE, 0x4b33) >= 0)
		return 1;
	pattern_fill(keep, POOL_KEEP_SIZE, 0x4b34);
	return pattern_check(keep, POOL_KEEP_SIZE, 0x4b34) >= 0 ? 2 : 0;
}

/*
 * mremap of the kept memory to a place with no page table (and not 2 MiB
 * aligned the same way, so its PTEs must move one by one into new tables):
 * with the pool dry it fails with ENOMEM and the memory stays where it
 * was, or it works.  *keep follows the memory; *err gets mremap's errno.
 */
struct pool_move {
	unsigned char *keep;
	unsigned char *dest;
	int err;
};

static int move_keep(void *arg)
{
	struct pool_move *m = arg;
	void *q;

	q = mremap(m->keep, POOL_KEEP_SIZE, POOL_KEEP_SIZE,
		   MREMAP_MAYMOVE | MREMAP_FIXED, m->dest);
	m->err = q == MAP_FAILED ? errno : 0;
	if (q != MAP_FAILED)
		m->keep = q;
	return pattern_check(m->keep, POOL_KEEP_SIZE, 0x4b34) >= 0 ? 1 : 0;
}

static int check_64m(void *arg)
{
	unsigned char *p = map_anon(POOL_CHECK_SIZE);

	(void)arg;
	if (!p)
		return 1;
	pattern_fill(p, POOL_CHECK_SIZE, 0x64);
	if (pattern_check(p, POOL_CHECK_SIZE, 0x64) >= 0)
		return 2;
	return munmap(p, POOL_CHECK_SIZE) ? 3 : 0;
}

/* One fork whose child exits at once: "worked", "ENOMEM", ... */
static const char *fork_probe(void)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return errno == ENOMEM ? "ENOMEM" : strerror(errno);
	if (wait_pid_timeout(pid, POOL_EXIT_MS, &status)) {
		kill_wait(pid, 5000, NULL);
		return "worked, child did not exit";
	}
	return WIFEXITED(status) && !WEXITSTATUS(status) ? "worked" :
	       "worked, child failed";
}

/* Wait for the pool use to come back to base + margin.  0 or -ETIMEDOUT. */
static int drain(const struct pvmmu_stat *base, long margin,
		 struct pvmmu_stat *now, double *ms)
{
	struct pvmmu_stat b = *base;
	uint64_t t0 = now_ns();
	int ret;

	b.used += margin;
	ret = pvmmu_leak_end(&b, now, POOL_DRAIN_MS);
	*ms = ns_to_ms(now_ns() - t0);
	return ret;
}

/* fork + exec of "--helper exit 0", with a deadline.  0 or -1 with why. */
static int fork_exec(char *why, size_t size)
{
	char *argv[] = { (char *)agent_self(), "--helper", "exit", "0", NULL };
	char *envp[] = { NULL };
	char how[96];
	int status, ret;
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		snprintf(why, size, "fork after the child exited: %s",
			 strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execve(agent_self(), argv, envp);
		_exit(127);
	}
	ret = wait_pid_timeout(pid, POOL_EXEC_MS, &status);
	if (ret) {
		kill_wait(pid, 5000, NULL);
		snprintf(why, size, "fork + exec of the helper: %s",
			 ret == -ETIMEDOUT ? "no exit in time" : strerror(-ret));
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(why, size, "fork + exec of the helper: %s",
			 describe_status(status, how, sizeof(how)));
		return -1;
	}
	return 0;
}

static int pool_exhaust(struct test_ctx *t)
{
	long margin = agent_param_long("pool_margin", POOL_DEFAULT_MARGIN);
	long fork_ms = agent_param_long("pool_fork_ms", POOL_DEFAULT_FORK_MS);
	struct pool_state ps = { .go_fd = -1 };
	struct pvmmu_stat s0, base, sx, after;
	char why[TEST_DETAIL_MAX] = "", moved[200], how[96];
	long long lim0, ex0 = 0, exx = 0, freex = -1, recx = -1;
	struct fork_report *fr = NULL;
	struct pool_report *r;
	int ret, res, sig, ready_fd = -1, kfd = -1, fgo[2], status;
	unsigned char *keep, *resv;
	struct pool_move move = { 0 };
	const char *fork_result = "not tried";
	double exit_ms = 0, drain_ms;
	long limit;

	ret = pool_need(t, &s0, &lim0);
	if (ret >= 0)
		return ret;
	if (margin < 0)
		margin = POOL_DEFAULT_MARGIN;
	if (fork_ms <= 0)
		fork_ms = POOL_DEFAULT_FORK_MS;
	/* no per-mm bound: the pool itself must run dry */
	if (!param_read(ps.param_orig, sizeof(ps.param_orig)) &&
	    strtoll(ps.param_orig, NULL, 10) != 0) {
		ps.param_set = true;
		ret = param_write("0");
		if (ret) {
			pool_cleanup(&ps);
			return t_fail(t, "writing 0 to %s: %s", POOL_MAX_PATH,
				      strerror(-ret));
		}
	}
	limit = s0.pool_pages + (s0.pool_pages / 16 > 256 ?
				 s0.pool_pages / 16 : 256);
	t_int(t, "pool_pages", s0.pool_pages);

	r = mmap(NULL, sizeof(*r) + sizeof(*fr), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	keep = map_anon(POOL_KEEP_SIZE);
	/* a place for mremap, no tables under it (PROT_NONE, never touched) */
	resv = mmap(NULL, POOL_KEEP_SIZE + 2 * POOL_STEP, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED || !keep || resv == MAP_FAILED) {
		snprintf(why, sizeof(why), "mmap: %s", strerror(errno));
		goto out;
	}
	memset(r, 0, sizeof(*r) + sizeof(*fr));
	fr = (struct fork_report *)(r + 1);
	pattern_fill(keep, POOL_KEEP_SIZE, 0x4b33);
	/* everything this process touches while the pool is dry: now */
	prefault_stack();
	if (mlockall(MCL_CURRENT)) {
		snprintf(why, sizeof(why), "mlockall: %s",
			 strerror(errno));
		goto out;
	}
	if (pvmmu_leak_begin(&base)) {
		snprintf(why, sizeof(why), "%s: no baseline", PVMMU_STAT_PATH);
		goto out;
	}
	pvmmu_stat_value(&base, "exhausted", &ex0);
	kfd = kmsg_open_end();

	if (pipe2(fgo, O_CLOEXEC)) {
		snprintf(why, sizeof(why), "pipe: %s", strerror(errno));
		goto out;
	}
	ps.forker = fork();
	if (ps.forker < 0) {
		snprintf(why, sizeof(why), "fork: %s", strerror(errno));
		goto out;
	}
	if (ps.forker == 0) {
		close(fgo[1]);
		_exit(fork_tester(fr, fgo[0]));
	}
	close(fgo[0]);

	if (start_child(&ps, r, limit, &ready_fd, why, sizeof(why)))
		goto out;
	ret = go(&ps);
	if (!ret)
		ret = wait_report(&ps, r, ready_fd, POOL_FILL_MS, why,
				  sizeof(why));
	report_fields(t, r);
	if (ret)
		goto out;

	/* the pool is dry now: what the rest of the system sees */
	if (!pvmmu_stat_read(&sx)) {
		pvmmu_stat_value(&sx, "exhausted", &exx);
		freex = sx.free;
		recx = sx.recycled;
		t_int(t, "used_at_exhaustion", sx.used);
		t_int(t, "free_at_exhaustion", freex);
		t_int(t, "recycled_at_exhaustion", recx);
		t_int(t, "exhausted", exx - ex0);
	}
	if (judge_fault(r, why, sizeof(why)))
		goto out;
	sig = guarded(check_keep, keep, &res);
	if (sig || res) {
		snprintf(why, sizeof(why), "this process's own memory with the pool dry: %s",
			 sig ? strsignal(sig) : res == 1 ? "changed" :
			 "does not read back what was written");
		goto out;
	}
	move.keep = keep;
	move.dest = (unsigned char *)((((uintptr_t)resv + POOL_STEP - 1) &
				       ~(uintptr_t)(POOL_STEP - 1)) +
				      page_size());
	if (((uintptr_t)keep & (POOL_STEP - 1)) == page_size())
		move.dest += page_size();
	sig = guarded(move_keep, &move, &res);
	t_str(t, "mremap", sig ? "signal" : move.err == ENOMEM ? "ENOMEM" :
	      move.err ? strerror(move.err) : "worked");
	if (sig || res || (move.err && move.err != ENOMEM)) {
		snprintf(why, sizeof(why), "mremap with the pool dry: %s%s",
			 sig ? strsignal(sig) : move.err ? strerror(move.err) :
			 "worked", res ? ", and the memory is not what it was" :
			 move.err ? ", expected success or ENOMEM" : "");
		goto out;
	}
	if (write(fgo[1], "g", 1) != 1) {
		snprintf(why, sizeof(why), "fork tester: %s", strerror(errno));
		goto out;
	}
	ret = wait_pid_timeout(ps.forker, fork_ms, &status);
	if (ret || !fr->done) {
		snprintf(why, sizeof(why), "fork with the pool dry: %s",
			 ret == -ETIMEDOUT ? "no answer in time (hangs?)" :
			 ret ? strerror(-ret) :
			 describe_status(status, how, sizeof(how)));
		goto out;
	}
	ps.forker = 0;
	t_double(t, "fork_ms", fr->ms);
	if (fr->err == ENOMEM) {
		fork_result = "ENOMEM";
	} else if (fr->err) {
		snprintf(why, sizeof(why), "fork with the pool dry: %s, expected success or ENOMEM",
			 strerror(fr->err));
		goto out;
	} else if (!fr->waited) {
		snprintf(why, sizeof(why), "fork with the pool dry worked, but its child did not end");
		goto out;
	} else if (WIFEXITED(fr->status) && !WEXITSTATUS(fr->status)) {
		fork_result = "worked";
	} else if (WIFSIGNALED(fr->status) && WTERMSIG(fr->status) == SIGBUS) {
		/* it got its copy, but no table for its first new page */
		fork_result = "worked, child SIGBUS";
	} else {
		snprintf(why, sizeof(why), "fork with the pool dry worked, its child %s",
			 describe_status(fr->status, how, sizeof(how)));
		goto out;
	}
	t_str(t, "fork", fork_result);
	if (exx <= ex0) {
		snprintf(why, sizeof(why), "exhausted did not go up (%lld)", exx);
		goto out;
	}

	/* let go of the pool; everything works again */
	if (end_child(&ps, &exit_ms, why, sizeof(why)))
		goto out;
	t_double(t, "child_exit_ms", exit_ms);
	/*
	 * Reaped, but its tables come back only as their RCU-deferred frees
	 * run: what a fork sees right now is reported, not judged.
	 */
	if (!pvmmu_stat_read(&sx))
		t_int(t, "used_at_reap", sx.used);
	t_str(t, "fork_at_reap", fork_probe());
	ret = drain(&base, margin, &sx, &drain_ms);
	t_double(t, "drain_ms", drain_ms);
	if (ret) {
		snprintf(why, sizeof(why), "%lld user page tables, not back to the baseline %lld (margin %ld) %u ms after the child was reaped",
			 pvmmu_stat_user_tables(&sx),
			 pvmmu_stat_user_tables(&base), margin, POOL_DRAIN_MS);
		goto out;
	}
	if (fork_exec(why, sizeof(why)))
		goto out;
	sig = guarded(check_64m, NULL, &res);
	if (sig || res) {
		snprintf(why, sizeof(why), "64 MiB map/fill/check/munmap after: %s",
			 sig ? strsignal(sig) : res == 1 ? "mmap failed" :
			 res == 2 ? "does not read back" : "munmap failed");
		goto out;
	}
	if (settle(t, &base, margin, &after, why, sizeof(why)))
		goto out;
	if (!pool_quiet(&s0, &after, moved, sizeof(moved))) {
		snprintf(why, sizeof(why), "%s moved: %s", PVMMU_STAT_PATH,
			 moved);
		goto out;
	}
	log_clean(t, kfd, why, sizeof(why));
	kfd = -1;

out:
	pool_cleanup(&ps);
	if (kfd >= 0)
		close(kfd);
	if (ready_fd >= 0)
		close(ready_fd);
	if (why[0])
		return t_fail(t, "%s", why);
	return t_pass(t, "pool dry after %ld touches (child %lld tables, exhausted +%lld): own memory fine, mremap %s, fork %s; after: fork+exec, 64 MiB and pool use back to %lld (baseline %lld)",
		      r->touches, r->tables_fault, exx - ex0,
		      move.err ? "ENOMEM" : "worked", fork_result,
		      after.used, base.used);
}

static const struct agent_case pool_cases[] = {
	{ "mm_limit", pool_mm_limit },
	{ "exhaust", pool_exhaust },
};

AGENT_GROUP(pool_group, "pool", "the page table pool runs dry: SIGBUS, ENOMEM, and back",
	    pool_cases);
