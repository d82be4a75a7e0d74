/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef __SBI_INIT_H__
#define __SBI_INIT_H__

#include <sbi/sbi_types.h>
#include <sbi/fw_dynamic.h>

struct sbi_platform;

/*
 * Entered from fw_entry.S on the stack of the hart's index: the boot hart
 * (index 0) with its id, the others with their index.
 */
void __noreturn sbi_init_cold(unsigned long hartid, void *fdt,
			      const struct fw_dynamic_info *info,
			      const struct sbi_platform *platform);
void __noreturn sbi_init_warm(unsigned long hartindex);

#endif
