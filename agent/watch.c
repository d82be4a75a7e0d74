// SPDX-License-Identifier: GPL-2.0
/*
 * Watching what a case sets off: the kernel log since some point (open
 * /dev/kmsg at its end, later read what came after and pick out the
 * lines that mean trouble: WARNING, BUG, Oops, ...; qemu-boot.py fails a
 * whole boot on such a line, a case that scans itself can say which case
 * it was), and children that must end within a deadline.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

#define KMSG_PATH	"/dev/kmsg"

/* what qemu-boot.py fails a boot on, and the mm's own complaints */
static const char *const kmsg_trouble[] = {
	"BUG:", "WARNING:", "Oops", "Kernel panic", "Unable to handle",
	"Bad page", "Bad rss",
};

int kmsg_open_end(void)
{
	int fd = open(KMSG_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (lseek(fd, 0, SEEK_END) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int kmsg_next(int fd, char *msg, size_t size)
{
	char *text;
	size_t len;
	ssize_t n;

	if (size < 2)
		return -EINVAL;
	for (;;) {
		n = read(fd, msg, size - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten: go on from the next */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (!n)
			return 0;
		msg[n] = '\0';
		/* "prio,seq,usec,flags[,...];text\n" + " KEY=value\n" lines */
		text = strchr(msg, ';');
		text = text ? text + 1 : msg;
		len = strcspn(text, "\n");
		memmove(msg, text, len);
		msg[len] = '\0';
		return 1;
	}
}

int kmsg_scan_trouble(int fd, const char *const *allow, char *first,
		      size_t size, unsigned int *nbad)
{
	const char *const *a;
	char msg[1024];
	size_t i, len;
	int ret;

	while ((ret = kmsg_next(fd, msg, sizeof(msg))) > 0) {
		for (a = allow; a && *a; a++)
			if (strstr(msg, *a))
				break;
		if (a && *a)
			continue;
		for (i = 0; i < ARRAY_SIZE(kmsg_trouble); i++) {
			if (!strstr(msg, kmsg_trouble[i]))
				continue;
			if (!(*nbad)++ && size) {
				len = strnlen(msg, size - 1);
				memcpy(first, msg, len);
				first[len] = '\0';
			}
			break;
		}
	}
	return ret;
}

int wait_pid_timeout(pid_t pid, unsigned int timeout_ms, int *status)
{
	uint64_t deadline = now_ns_raw() + timeout_ms * 1000000ULL;
	struct timespec ts = { .tv_nsec = 5 * 1000000L };
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (now_ns_raw() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&ts, NULL);
	}
}

int kill_wait(pid_t pid, unsigned int timeout_ms, int *status)
{
	int st, ret;

	if (pid <= 0)
		return 0;
	kill(pid, SIGKILL);
	ret = wait_pid_timeout(pid, timeout_ms, status ? status : &st);
	return ret;
}
