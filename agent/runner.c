// SPDX-License-Identifier: GPL-2.0
/*
 * Test runner: looks up named tests, runs each case in its own process
 * group with a watchdog, reaps every other child, reports results.
 *
 * The runner takes its time from the clock_gettime system call, not the
 * vDSO: PID 1 must survive a broken user-mode time CSR (the tests that use
 * now_ns() will report it instead).
 *
 * The runner keeps SIGCHLD blocked and waits with sigtimedwait(), so it can
 * both enforce the timeout and collect orphans reparented to it (as PID 1,
 * or as a child subreaper when run by hand).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

_Static_assert(sizeof(struct test_record) <= 4096,
	       "test_record must fit in PIPE_BUF for an atomic write");

static const char *const result_names[] = {
	[RESULT_PASS] = "pass",
	[RESULT_FAIL] = "fail",
	[RESULT_SKIP] = "skip",
};

/* ---- API for test cases ---- */

static int t_set(struct test_ctx *t, int result, const char *fmt, va_list ap)
{
	vsnprintf(t->rec.detail, sizeof(t->rec.detail), fmt, ap);
	t->rec.result = result;
	return result;
}

int t_pass(struct test_ctx *t, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = t_set(t, RESULT_PASS, fmt, ap);
	va_end(ap);
	return ret;
}

int t_fail(struct test_ctx *t, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = t_set(t, RESULT_FAIL, fmt, ap);
	va_end(ap);
	return ret;
}

int t_skip(struct test_ctx *t, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = t_set(t, RESULT_SKIP, fmt, ap);
	va_end(ap);
	return ret;
}

void t_int(struct test_ctx *t, const char *key, long long val)
{
	json_int(&t->fields, key, val);
}

void t_uint(struct test_ctx *t, const char *key, unsigned long long val)
{
	json_uint(&t->fields, key, val);
}

void t_double(struct test_ctx *t, const char *key, double val)
{
	json_double(&t->fields, key, val);
}

void t_str(struct test_ctx *t, const char *key, const char *val)
{
	json_str(&t->fields, key, val);
}

void t_hex(struct test_ctx *t, const char *key, uint64_t val)
{
	json_hex(&t->fields, key, val);
}

/* ---- reporting ---- */

void t_report(struct test_ctx *t, const char *name, int result,
	      const char *detail, const char *fields, unsigned int nfields)
{
	struct run_stats st = { 0 };

	report_result(&st, name, result, detail, fields, nfields, -1);
	t->rec.sub_passed += st.passed;
	t->rec.sub_failed += st.failed;
	t->rec.sub_skipped += st.skipped;
}

void report_result(struct run_stats *st, const char *name, int result,
		   const char *detail, const char *fields,
		   unsigned int nfields, double wall_ms)
{
	char buf[4096];
	struct json j;

	switch (result) {
	case RESULT_PASS:
		st->passed++;
		break;
	case RESULT_SKIP:
		st->skipped++;
		break;
	default:
		result = RESULT_FAIL;
		st->failed++;
		break;
	}

	json_init(&j, buf, sizeof(buf));
	json_str(&j, "test", name);
	json_str(&j, "result", result_names[result]);
	json_str(&j, "detail", detail);
	if (fields)
		json_merge(&j, fields, nfields);
	if (wall_ms >= 0)
		json_double(&j, "wall_ms", wall_ms);
	agent_emit(&j);
}

void report_event(const char *event, const char *detail)
{
	char buf[1024];
	struct json j;

	json_init(&j, buf, sizeof(buf));
	json_str(&j, "event", event);
	json_str(&j, "detail", detail);
	agent_emit(&j);
}

/* ---- process management ---- */

static void sigchld_noop(int sig)
{
	(void)sig;
}

/* The groups the runner knows (main.c passes tests.c's table) */
static const struct agent_group *const *groups;

void runner_init(const struct agent_group *const *all)
{
	struct sigaction sa;
	sigset_t set;

	groups = all;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sigchld_noop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* Undo runner_init() in a test child. */
static void child_reset_signals(void)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);

	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
}

/*
 * Reap whatever has exited.  Returns how many were reaped; *found tells
 * whether 'pid' was among them (with its status in *status).
 */
static int reap_children(pid_t pid, bool *found, int *status)
{
	int st, n = 0;
	pid_t r;

	while ((r = waitpid(-1, &st, WNOHANG)) > 0) {
		n++;
		if (r == pid) {
			*status = st;
			*found = true;
		}
	}
	return n;
}

/*
 * Wait for 'pid' for at most timeout_ns, reaping any other child meanwhile.
 * Returns 0 with *status set, or -ETIMEDOUT.
 */
static int wait_with_timeout(pid_t pid, uint64_t timeout_ns, int *status)
{
	uint64_t deadline = now_ns_raw() + timeout_ns;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);

	for (;;) {
		struct timespec ts;
		bool found = false;
		uint64_t now;

		reap_children(pid, &found, status);
		if (found)
			return 0;
		now = now_ns_raw();
		if (now >= deadline)
			return -ETIMEDOUT;
		ts.tv_sec = (deadline - now) / 1000000000ULL;
		ts.tv_nsec = (deadline - now) % 1000000000ULL;
		sigtimedwait(&set, NULL, &ts);
	}
}

/* Kill what is left of a test's process group and reap it (bounded). */
static void kill_group(pid_t pgid)
{
	uint64_t deadline = now_ns_raw() + 5000000000ULL;
	bool found;
	int status;

	while (kill(-pgid, SIGKILL) == 0 && now_ns_raw() < deadline) {
		if (!reap_children(0, &found, &status))
			usleep(1000);
	}
}

static void run_case(const struct agent_group *g, const struct agent_case *c,
		     unsigned int timeout_s, struct run_stats *st)
{
	char name[128], detail[TEST_DETAIL_MAX], how[96];
	static struct test_record rec;
	int fds[2], status = 0, ret;
	uint64_t start;
	ssize_t n;
	pid_t pid;

	snprintf(name, sizeof(name), "%s.%s", g->name, c->name);

	if (pipe2(fds, O_CLOEXEC)) {
		snprintf(detail, sizeof(detail), "pipe: %s", strerror(errno));
		report_result(st, name, RESULT_FAIL, detail, NULL, 0, -1);
		return;
	}

	start = now_ns_raw();
	pid = fork();
	if (pid < 0) {
		snprintf(detail, sizeof(detail), "fork: %s", strerror(errno));
		report_result(st, name, RESULT_FAIL, detail, NULL, 0, -1);
		close(fds[0]);
		close(fds[1]);
		return;
	}

	if (pid == 0) {
		struct test_ctx t;

		close(fds[0]);
		setpgid(0, 0);
		child_reset_signals();

		memset(&t, 0, sizeof(t));
		t.name = name;
		t.rec.result = -1;
		json_init_fragment(&t.fields, t.rec.fields,
				   sizeof(t.rec.fields));
		t.rec.result = c->run(&t);
		t.rec.nfields = t.fields.members;
		write_full(fds[1], &t.rec, sizeof(t.rec));
		_exit(0);
	}

	/* also set here, so kill(-pid) works even before the child runs */
	setpgid(pid, pid);
	close(fds[1]);

	ret = wait_with_timeout(pid, (uint64_t)timeout_s * 1000000000ULL,
				&status);
	/* leftovers of the test (or all of it, on timeout) must not linger */
	kill_group(pid);

	/* the child wrote its record with one atomic write before exiting */
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	n = read(fds[0], &rec, sizeof(rec));
	close(fds[0]);

	/* results the case emitted itself (t_report()) count too */
	if (n == (ssize_t)sizeof(rec)) {
		st->passed += rec.sub_passed;
		st->failed += rec.sub_failed;
		st->skipped += rec.sub_skipped;
	}

	if (ret == -ETIMEDOUT) {
		snprintf(detail, sizeof(detail),
			 "timeout: no result after %u s, killed", timeout_s);
		report_result(st, name, RESULT_FAIL, detail, NULL, 0,
			      ns_to_ms(now_ns_raw() - start));
		return;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) ||
	    n != (ssize_t)sizeof(rec)) {
		snprintf(detail, sizeof(detail), "test process died: %s",
			 describe_status(status, how, sizeof(how)));
		report_result(st, name, RESULT_FAIL, detail, NULL, 0,
			      ns_to_ms(now_ns_raw() - start));
		return;
	}
	if (rec.result < RESULT_PASS || rec.result > RESULT_SKIP) {
		snprintf(detail, sizeof(detail),
			 "test returned invalid result %d", rec.result);
		report_result(st, name, RESULT_FAIL, detail, NULL, 0,
			      ns_to_ms(now_ns_raw() - start));
		return;
	}

	rec.detail[sizeof(rec.detail) - 1] = '\0';
	rec.fields[sizeof(rec.fields) - 1] = '\0';
	report_result(st, name, rec.result, rec.detail, rec.fields,
		      rec.nfields, ns_to_ms(now_ns_raw() - start));
}

/* ---- lookup ---- */

static const struct agent_group *find_group(const char *name, size_t len)
{
	const struct agent_group *const *g;

	for (g = groups; *g; g++)
		if (strlen((*g)->name) == len && !strncmp((*g)->name, name, len))
			return *g;
	return NULL;
}

static void run_one(const char *name, unsigned int timeout_s,
		    struct run_stats *st)
{
	const struct agent_group *const *gp;
	const struct agent_group *g;
	const char *dot = strchr(name, '.');
	char detail[TEST_DETAIL_MAX], known[256];
	size_t i;

	if (!strcmp(name, "all")) {
		for (gp = groups; *gp; gp++) {
			if ((*gp)->manual)
				continue;
			for (i = 0; i < (*gp)->ncases; i++)
				run_case(*gp, &(*gp)->cases[i], timeout_s, st);
		}
		return;
	}

	g = find_group(name, dot ? (size_t)(dot - name) : strlen(name));
	if (g && !dot) {
		for (i = 0; i < g->ncases; i++)
			run_case(g, &g->cases[i], timeout_s, st);
		return;
	}
	if (g) {
		for (i = 0; i < g->ncases; i++) {
			if (!strcmp(g->cases[i].name, dot + 1)) {
				run_case(g, &g->cases[i], timeout_s, st);
				return;
			}
		}
	}

	known[0] = '\0';
	for (gp = groups; *gp; gp++) {
		size_t len = strlen(known);

		snprintf(known + len, sizeof(known) - len, "%s%s",
			 len ? ", " : "", (*gp)->name);
	}
	snprintf(detail, sizeof(detail), "unknown test '%s' (groups: %s)",
		 name, known);
	report_result(st, name, RESULT_FAIL, detail, NULL, 0, -1);
}

/* Run a comma (or space) separated list of group or group.case names. */
void run_list(const char *list, unsigned int timeout_s, struct run_stats *st)
{
	char name[128];
	const char *s = list;

	while (*s) {
		size_t len = strcspn(s, ", ");

		if (len && len < sizeof(name)) {
			memcpy(name, s, len);
			name[len] = '\0';
			run_one(name, timeout_s, st);
		} else if (len) {
			report_result(st, "(name too long)", RESULT_FAIL,
				      "test name too long", NULL, 0, -1);
		}
		s += len;
		if (*s)
			s++;
	}
}

void list_tests(void)
{
	const struct agent_group *const *g;
	size_t i;

	for (g = groups; *g; g++) {
		printf("%-8s %s\n", (*g)->name, (*g)->desc);
		for (i = 0; i < (*g)->ncases; i++)
			printf("  %s.%s\n", (*g)->name, (*g)->cases[i].name);
	}
}
