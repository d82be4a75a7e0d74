// SPDX-License-Identifier: GPL-2.0
/*
 * Helper mode: "init --helper CMD ARGS..." is exec'd by tests to check
 * fork + exec and the address space of a freshly exec'd process.
 *
 *   exit N			exit with status N
 *   spawn			fork, exec "--helper exit 0" in the child, wait
 *				for it and exit with its status (a shell
 *				running one command)
 *   pattern SEED BYTES	map BYTES of anonymous memory, fill it with
 *				pattern SEED, verify it and print
 *				"<csum hex> <$PVMMU_TOKEN>" on stdout
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"

static int helper_pattern(const char *seed_s, const char *bytes_s)
{
	uint64_t seed = strtoull(seed_s, NULL, 0);
	size_t bytes = strtoull(bytes_s, NULL, 0);
	const char *token = getenv("PVMMU_TOKEN");
	char out[128];
	void *buf;
	int len;

	if (!bytes)
		return 3;
	buf = map_anon(bytes);
	if (!buf)
		return 4;
	/* a fresh mapping of a fresh mm must read as zeroes */
	if (first_nonzero(buf, bytes) >= 0)
		return 5;
	pattern_fill(buf, bytes, seed);
	if (pattern_check(buf, bytes, seed) >= 0)
		return 6;

	len = snprintf(out, sizeof(out), "%016llx %s\n",
		       (unsigned long long)csum64(buf, bytes),
		       token ? token : "-");
	if (write_full(STDOUT_FILENO, out, len))
		return 7;
	munmap(buf, bytes);
	return 0;
}

static int helper_spawn(void)
{
	/* A helper never learnt agent_self(): this binary is /proc/self/exe */
	char *argv[] = { "/proc/self/exe", "--helper", "exit", "0", NULL };
	char *envp[] = { NULL };
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return 8;
	if (!pid) {
		execve(argv[0], argv, envp);
		_exit(127);
	}
	if (wait_pid(pid, &status) || !WIFEXITED(status))
		return 9;
	return WEXITSTATUS(status);
}

int helper_main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[0], "exit"))
		return atoi(argv[1]) & 0xff;
	if (argc == 1 && !strcmp(argv[0], "spawn"))
		return helper_spawn();
	if (argc == 3 && !strcmp(argv[0], "pattern"))
		return helper_pattern(argv[1], argv[2]);

	fprintf(stderr, "pvmmu-agent: bad helper command\n");
	return 2;
}
