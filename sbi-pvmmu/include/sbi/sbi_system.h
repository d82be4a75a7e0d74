/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * System reset / machine exit.
 */
#ifndef __SBI_SYSTEM_H__
#define __SBI_SYSTEM_H__

#include <sbi/sbi_types.h>

/*
 * Exit codes of the machine. On QEMU virt they go through the test
 * finisher (sifive,test): code 0 writes FINISHER_PASS (QEMU exits with
 * status 0), any other code writes (code << 16) | FINISHER_FAIL (QEMU
 * exits with that status). Test runners rely on them to tell a clean
 * power-off from a reboot, a kernel panic (panic=-1 reboots) or a
 * firmware crash:
 *
 *   0  SRST shutdown, reason "no reason"; legacy SBI shutdown
 *   1  SRST shutdown, reason "system failure"
 *   2  unexpected trap in the firmware (fatal)
 *   3  SRST cold or warm reboot (the project defines "reboot" as
 *      "exit with status 3")
 */
#define SBI_EXIT_SUCCESS		0
#define SBI_EXIT_SYSTEM_FAILURE		1
#define SBI_EXIT_FIRMWARE_FAULT		2
#define SBI_EXIT_REBOOT			3

bool sbi_system_reset_supported(void);

/* SBI SRST system_reset(); returns only on error */
int sbi_system_reset(unsigned long type, unsigned long reason);

/* Stop the machine with an exit code; never returns */
void __noreturn sbi_system_exit(u32 code);

#endif
