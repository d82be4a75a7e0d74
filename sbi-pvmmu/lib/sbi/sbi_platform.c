// SPDX-License-Identifier: BSD-2-Clause
/*
 * The platform in use. The library reaches devices only through this
 * pointer, which sbi_init_cold() sets from the firmware's entry: the
 * platform's code sits above the library, never below it.
 */
#include <sbi/sbi_platform.h>

const struct sbi_platform *sbi_platform;
