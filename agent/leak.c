// SPDX-License-Identifier: GPL-2.0
/*
 * Pool-use bracketing (agent.h, pvmmu_leak_*()): the page tables of the
 * live processes before some work and after it, for every test that
 * checks that tables come back to the pool (pvmmu.leak, stress, hotplug,
 * pool).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "pvmmu_stat.h"

#define LEAK_POLL_MS		50
#define LEAK_QUIET_MS		2000
#define LEAK_KICK_MS		1000
#define LEAK_STACK_TOUCH	(64 * KIB)

/*
 * Touch the stack deeper than the work below will go, so a new stack page
 * table cannot show up between the baseline and the final count.
 */
void __attribute__((noinline)) pvmmu_leak_prefault_stack(void)
{
	volatile char buf[LEAK_STACK_TOUCH];
	size_t i;

	for (i = 0; i < sizeof(buf); i += 512)
		buf[i] = 0;
}

/* This process's page tables from VmPTE, or -1 when it cannot be read */
static long long own_tables(void)
{
	char text[4096];
	const char *p;
	long long kib;

	if (read_text("/proc/self/status", text, sizeof(text)) < 0)
		return -1;
	p = strstr(text, "\nVmPTE:");
	if (!p || sscanf(p + strlen("\nVmPTE:"), "%lld", &kib) != 1)
		return -1;
	return kib * KIB / sysconf(_SC_PAGESIZE);
}

long long pvmmu_leak_own_growth(const struct pvmmu_stat *base,
				const struct pvmmu_stat *after)
{
	if (base->own_tables < 0 || after->own_tables <= base->own_tables)
		return 0;
	return after->own_tables - base->own_tables;
}

int pvmmu_leak_begin(struct pvmmu_stat *base)
{
	int ret;

	ret = pvmmu_stat_read(base);
	if (ret)
		return ret;
	if (!base->active)
		return -ENODEV;
	pvmmu_leak_prefault_stack();
	/* no dead mm may hold a root: not khugepaged, not a CPU */
	pvmmu_stat_wake_khugepaged();
	ret = pvmmu_stat_visit_cpus();
	if (ret)
		return ret;
	ret = pvmmu_stat_read_quiet(base, LEAK_POLL_MS, LEAK_QUIET_MS);
	base->own_tables = own_tables();
	/* never quiet: the last read is still the best baseline there is */
	return ret == -ETIMEDOUT ? 0 : ret;
}

int pvmmu_leak_end(const struct pvmmu_stat *base, struct pvmmu_stat *after,
		   unsigned int timeout_ms)
{
	unsigned int waited = 0;
	int ret;

	/* tables are freed after an RCU grace period: poll */
	for (;;) {
		if (!(waited % LEAK_KICK_MS))
			pvmmu_stat_wake_khugepaged();
		ret = pvmmu_stat_visit_cpus();
		if (ret)
			return ret;
		ret = pvmmu_stat_read(after);
		if (ret)
			return ret;
		after->own_tables = own_tables();
		if (pvmmu_stat_user_tables(after) -
		    pvmmu_leak_own_growth(base, after) <=
		    pvmmu_stat_user_tables(base))
			return 0;
		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		sleep_ms(LEAK_POLL_MS);
		waited += LEAK_POLL_MS;
	}
}
