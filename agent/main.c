// SPDX-License-Identifier: GPL-2.0
/*
 * pvmmu guest agent entry point.
 *
 * As PID 1: mount the pseudo file systems, read agent.* parameters from
 * /proc/cmdline, run the tests, print the "done" line and power off (all
 * passed) or reboot (something failed).
 *
 * Run by hand (not PID 1): "init --run boot,smp [--timeout S] [--cpus N]
 * [--param key=value]..." runs the same tests and exits 0 or 1, which is
 * handy under qemu-riscv64 user mode or from a debug shell.
 *
 * "init --helper ..." is the helper mode used by exec tests (helper.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "agent.h"

struct mount_spec {
	const char *source;
	const char *target;
	const char *fstype;
	unsigned long flags;
	bool optional;
};

static const struct mount_spec mounts[] = {
	{ "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, false },
	{ "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, false },
	{ "devtmpfs", "/dev", "devtmpfs", MS_NOSUID, false },
	{ "debugfs", "/sys/kernel/debug", "debugfs", 0, true },
	{ "tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, true },
};

/* Make sure fds 0-2 are the console, line by line and unbuffered. */
static void setup_console(void)
{
	int fd;

	if (fcntl(STDOUT_FILENO, F_GETFD) < 0 ||
	    fcntl(STDERR_FILENO, F_GETFD) < 0) {
		fd = open("/dev/console", O_RDWR | O_NOCTTY);
		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			if (fd > STDERR_FILENO)
				close(fd);
		}
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	setvbuf(stderr, NULL, _IONBF, 0);
}

static void mount_all(struct run_stats *st)
{
	char detail[TEST_DETAIL_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mounts); i++) {
		const struct mount_spec *m = &mounts[i];

		mkdir(m->target, 0755);
		if (!mount(m->source, m->target, m->fstype, m->flags, NULL))
			continue;

		snprintf(detail, sizeof(detail), "mount %s on %s: %s",
			 m->fstype, m->target, strerror(errno));
		if (m->optional)
			report_event("warning", detail);
		else
			report_result(st, "init.mount", RESULT_FAIL, detail,
				      NULL, 0, -1);
	}
}

static void report_start(const char *run, unsigned int timeout_s, bool pid1)
{
	char buf[1024];
	struct json j;

	json_init(&j, buf, sizeof(buf));
	json_str(&j, "event", "start");
	json_str(&j, "run", run);
	if (agent_param("cpus"))
		json_int(&j, "cpus", agent_param_long("cpus", -1));
	json_uint(&j, "timeout", timeout_s);
	json_bool(&j, "pid1", pid1);
	agent_emit(&j);
}

static void report_done(const struct run_stats *st)
{
	char buf[256];
	struct json j;

	json_init(&j, buf, sizeof(buf));
	json_str(&j, "event", "done");
	json_uint(&j, "passed", st->passed);
	json_uint(&j, "failed", st->failed);
	json_uint(&j, "skipped", st->skipped);
	agent_emit(&j);
}

static unsigned int timeout_param(void)
{
	long t = agent_param_long("timeout", AGENT_DEFAULT_TIMEOUT);

	return t > 0 ? t : AGENT_DEFAULT_TIMEOUT;
}

static const char *run_param(void)
{
	const char *run = agent_param("run");

	return run && *run ? run : AGENT_DEFAULT_RUN;
}

static void run_all(struct run_stats *st, bool pid1)
{
	unsigned int timeout_s = timeout_param();
	const char *run = run_param();

	report_start(run, timeout_s, pid1);
	run_list(run, timeout_s, st);
	report_done(st);
}

static __noreturn void finish_pid1(const struct run_stats *st)
{
	sync();
	/* let the UART drain, or the done line may be cut by the power-off */
	tcdrain(STDOUT_FILENO);

	reboot(st->failed ? RB_AUTOBOOT : RB_POWER_OFF);

	/* PID 1 exiting panics the kernel, which with panic=-1 reboots */
	fprintf(stderr, "pvmmu-agent: reboot: %s\n", strerror(errno));
	exit(1);
}

static int init_main(const char *argv0)
{
	struct run_stats st = { 0 };
	char cmdline[4096];
	ssize_t n;

	setup_console();
	runner_init(agent_groups);
	mount_all(&st);
	/* a /dev/console from devtmpfs, if the initramfs lacked one */
	setup_console();
	agent_set_self(argv0);

	n = read_text("/proc/cmdline", cmdline, sizeof(cmdline));
	if (n < 0) {
		report_event("warning", "cannot read /proc/cmdline");
		cmdline[0] = '\0';
	}
	params_from_cmdline(cmdline);

	run_all(&st, true);
	finish_pid1(&st);
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [--run LIST] [--timeout S] [--cpus N] "
		"[--param KEY=VALUE]... [--list]\n", prog);
}

static int cli_main(int argc, char **argv)
{
	struct run_stats st = { 0 };
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		char *eq;

		if (!strcmp(arg, "--list")) {
			list_tests();
			return 0;
		}
		if (!val || arg[0] != '-') {
			usage(argv[0]);
			return 2;
		}
		i++;
		if (!strcmp(arg, "--run")) {
			param_set("run", val);
		} else if (!strcmp(arg, "--timeout")) {
			param_set("timeout", val);
		} else if (!strcmp(arg, "--cpus")) {
			param_set("cpus", val);
		} else if (!strcmp(arg, "--param") && strchr(val, '=')) {
			char key[64];

			eq = strchr(val, '=');
			snprintf(key, sizeof(key), "%.*s", (int)(eq - val), val);
			param_set(key, eq + 1);
		} else {
			usage(argv[0]);
			return 2;
		}
	}

	/* collect orphaned grandchildren like PID 1 would */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		report_event("warning", "cannot become a child subreaper");
	runner_init(agent_groups);
	agent_set_self(argv[0]);

	run_all(&st, false);
	return st.failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "--helper"))
		return helper_main(argc - 2, argv + 2);
	if (getpid() == 1)
		return init_main(argv[0]);
	return cli_main(argc, argv);
}
