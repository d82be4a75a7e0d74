// SPDX-License-Identifier: GPL-2.0
/*
 * General helpers: time, files, CPUs, child processes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

/* CLOCK_MONOTONIC in ns, through the vDSO (reads the time CSR in U-mode) */
/* Sleep @ms milliseconds, signals or not */
void sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* the same through the system call, never touching the time CSR */
uint64_t now_ns_raw(void)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Read a (small) file into buf, NUL-terminated.  Returns length or -errno. */
ssize_t read_text(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	int fd;

	if (!size)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			close(fd);
			return -err;
		}
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	close(fd);
	return len;
}

int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

/* Read until len bytes or end of file.  Returns bytes read or -errno. */
ssize_t read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

/* Parse a kernel CPU list ("0-3,5").  Returns the CPU count or -EINVAL. */
int cpulist_parse(const char *s, cpu_set_t *set)
{
	CPU_ZERO(set);

	while (*s && *s != '\n') {
		unsigned long first, last;
		char *end;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		first = strtoul(s, &end, 10);
		last = first;
		s = end;
		if (*s == '-') {
			s++;
			if (*s < '0' || *s > '9')
				return -EINVAL;
			last = strtoul(s, &end, 10);
			s = end;
		}
		if (last < first || last >= CPU_SETSIZE)
			return -EINVAL;
		for (; first <= last; first++)
			CPU_SET(first, set);
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
	}
	return CPU_COUNT(set);
}

/* Online CPUs from sysfs.  Returns the count or -errno. */
int online_cpus(cpu_set_t *set)
{
	char buf[256];
	ssize_t n;

	n = read_text("/sys/devices/system/cpu/online", buf, sizeof(buf));
	if (n < 0)
		return n;
	return cpulist_parse(buf, set);
}

int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -errno;
	return 0;
}

int wait_pid(pid_t pid, int *status)
{
	for (;;) {
		pid_t r = waitpid(pid, status, 0);

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

const char *describe_status(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, size, "wait status 0x%x", status);
	return buf;
}

/* fork() and run fn in the child, which exits with fn's return value. */
pid_t fork_call(int (*fn)(void *arg), void *arg)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(arg) & 0xff);
	return pid;
}

/* fork_call() and wait.  Returns 0 and the wait status, or -errno. */
int run_child(int (*fn)(void *arg), void *arg, int *status)
{
	pid_t pid = fork_call(fn, arg);

	if (pid < 0)
		return -errno;
	return wait_pid(pid, status);
}

static char self_path[PATH_MAX];

/* Remember how to exec this binary again (for helper mode). */
void agent_set_self(const char *argv0)
{
	ssize_t n = readlink("/proc/self/exe", self_path,
			     sizeof(self_path) - 1);

	if (n > 0) {
		self_path[n] = '\0';
		return;
	}
	snprintf(self_path, sizeof(self_path), "%s", argv0);
}

const char *agent_self(void)
{
	return self_path;
}

bool list_has(const char *list, const char *seps, const char *name)
{
	size_t len = strlen(name);
	const char *s = list;

	while (s && *s) {
		size_t n = strcspn(s, seps);

		if (n == len && !strncmp(s, name, len))
			return true;
		s += n;
		if (*s)
			s++;
	}
	return false;
}

int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = write_full(fd, val, strlen(val));
	close(fd);
	return ret;
}
