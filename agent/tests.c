// SPDX-License-Identifier: GPL-2.0
/*
 * The table of test groups, in "all" order.  Each group lives in its own
 * test-<name>.c and is declared in agent.h.
 */
#include "agent.h"

const struct agent_group *const agent_groups[] = {
	&boot_group,
	&smp_group,
	&vm_group,
	&stress_group,
	&adsafety_group,
	&hotplug_group,
	&pool_group,
	&pvmmu_group,
	&reject_group,
	&bench_group,
	&mmselftests_group,
	&selftest_group,
	NULL,
};
