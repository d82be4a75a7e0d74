// SPDX-License-Identifier: GPL-2.0
/*
 * Worker processes for the tests that load every hart at once (smp.workers,
 * stress, adsafety): each is forked on the CPU it will be pinned to (its mm
 * never runs anywhere else), waits at a start gate until all exist, and is
 * collected under a time limit; the first that did not exit 0 is described
 * in one line.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"

static volatile sig_atomic_t workers_alarm_fired;

static void workers_alarm(int sig)
{
	(void)sig;
	workers_alarm_fired = 1;
}

int workers_init(struct workers *w)
{
	memset(w, 0, sizeof(*w));
	if (sched_getaffinity(0, sizeof(w->parent_mask), &w->parent_mask))
		return -errno;
	if (pipe(w->gate))
		return -errno;
	return 0;
}

int workers_spawn(struct workers *w, int cpu, int (*fn)(void *arg), void *arg)
{
	pid_t pid;
	char c;

	if (w->n >= WORKERS_MAX)
		return -E2BIG;
	/* born on its CPU: the parent moves there for the fork */
	if (cpu >= 0)
		pin_to_cpu(cpu);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(w->gate[1]);
		while (read(w->gate[0], &c, 1) < 0 && errno == EINTR)
			;
		close(w->gate[0]);
		_exit(fn(arg) & 0xff);
	}
	w->pid[w->n] = pid;
	w->cpu[w->n] = cpu;
	w->n++;
	return 0;
}

void workers_go(struct workers *w)
{
	sched_setaffinity(0, sizeof(w->parent_mask), &w->parent_mask);
	close(w->gate[0]);
	close(w->gate[1]);
}

void workers_wait(struct workers *w, unsigned int limit_s)
{
	struct sigaction sa, old;
	int i, k;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = workers_alarm;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: the alarm has to interrupt waitpid() */
	sigaction(SIGALRM, &sa, &old);
	workers_alarm_fired = 0;
	alarm(limit_s);

	for (i = 0; i < w->n; i++) {
		while (!w->reaped[i]) {
			if (workers_alarm_fired && !w->timed_out) {
				w->timed_out = true;
				for (k = i; k < w->n; k++)
					kill(w->pid[k], SIGKILL);
			}
			if (waitpid(w->pid[i], &w->status[i], 0) == w->pid[i]) {
				w->reaped[i] = true;
			} else if (errno != EINTR) {
				w->status[i] = -1;
				w->reaped[i] = true;
			}
		}
	}
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
}

int workers_reap_exited(struct workers *w)
{
	int i, n = 0;

	for (i = 0; i < w->n; i++) {
		if (!w->reaped[i] &&
		    waitpid(w->pid[i], &w->status[i], WNOHANG) == w->pid[i]) {
			w->reaped[i] = true;
			n++;
		}
	}
	return n;
}

int workers_first_failure(const struct workers *w, char *err, size_t size)
{
	char how[96];
	int i;

	for (i = 0; i < w->n; i++) {
		if (w->status[i] == -1) {
			snprintf(err, size, "worker CPU %d: lost", w->cpu[i]);
			return i;
		}
		if (!WIFEXITED(w->status[i]) || WEXITSTATUS(w->status[i])) {
			snprintf(err, size, "worker CPU %d: %s%s", w->cpu[i],
				 describe_status(w->status[i], how, sizeof(how)),
				 w->timed_out ? " (time limit)" : "");
			return i;
		}
	}
	return -1;
}
