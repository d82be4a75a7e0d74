/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef __TEST_FINISHER_H__
#define __TEST_FINISHER_H__

#include <sbi/sbi_types.h>

#define FINISHER_FAIL		0x3333	/* | (exit code << 16) */
#define FINISHER_PASS		0x5555	/* exit status 0 */
#define FINISHER_RESET		0x7777	/* not used: -no-reboot exits 0 */

void test_finisher_init(unsigned long base);
unsigned long test_finisher_base(void);
/* code 0: PASS; otherwise FAIL with that exit code (1..65535) */
void test_finisher_exit(u32 code);

#endif
