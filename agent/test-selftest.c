// SPDX-License-Identifier: GPL-2.0
/*
 * selftest: exercises the runner and the host-side parser.  Most of these
 * fail on purpose, so the group is "manual": run it by name, "all" skips it.
 *
 *   selftest.pass, .skip, .fail	report that result
 *   selftest.crash			die from SIGSEGV
 *   selftest.exit			exit() without reporting
 *   selftest.hang			never return (agent.timeout ends it)
 *   selftest.orphan		pass, leaving a sleeping grandchild behind
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "agent.h"

static int selftest_pass(struct test_ctx *t)
{
	t_int(t, "answer", 42);
	t_double(t, "ratio", 0.5);
	t_str(t, "quoted", "a \"b\" \\ c\n");
	return t_pass(t, "reported pass with fields");
}

static int selftest_skip(struct test_ctx *t)
{
	return t_skip(t, "reported skip");
}

static int selftest_fail(struct test_ctx *t)
{
	return t_fail(t, "reported failure");
}

static int selftest_crash(struct test_ctx *t)
{
	(void)t;
	raise(SIGSEGV);
	return t_fail(t, "still alive after SIGSEGV");
}

static int selftest_exit(struct test_ctx *t)
{
	(void)t;
	exit(3);
}

static int selftest_hang(struct test_ctx *t)
{
	for (;;)
		pause();
	return t_fail(t, "pause() returned");
}

static int selftest_orphan(struct test_ctx *t)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	if (pid < 0)
		return t_fail(t, "fork failed");
	t_int(t, "orphan_pid", pid);
	return t_pass(t, "left pid %d behind", pid);
}

static const struct agent_case selftest_cases[] = {
	{ "pass", selftest_pass },
	{ "skip", selftest_skip },
	{ "fail", selftest_fail },
	{ "crash", selftest_crash },
	{ "exit", selftest_exit },
	{ "hang", selftest_hang },
	{ "orphan", selftest_orphan },
};

const struct agent_group selftest_group = {
	.name = "selftest",
	.desc = "runner self-checks (fail on purpose; not part of \"all\")",
	.cases = selftest_cases,
	.ncases = ARRAY_SIZE(selftest_cases),
	.manual = true,
};
