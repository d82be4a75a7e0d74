/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * "fw_dynamic" boot information passed in a2 by the previous stage
 * (QEMU's reset vector). Layout defined by OpenSBI's fw_dynamic ABI.
 */
#ifndef __FW_DYNAMIC_H__
#define __FW_DYNAMIC_H__

#include <sbi/sbi_types.h>

#define FW_DYNAMIC_INFO_MAGIC		0x4942534f	/* "OSBI" */
#define FW_DYNAMIC_INFO_VERSION_MAX	2

#define FW_DYNAMIC_INFO_NEXT_MODE_U	0
#define FW_DYNAMIC_INFO_NEXT_MODE_S	1
#define FW_DYNAMIC_INFO_NEXT_MODE_M	3

struct fw_dynamic_info {
	unsigned long magic;
	unsigned long version;
	unsigned long next_addr;
	unsigned long next_mode;
	unsigned long options;
	/* version >= 2; ignored: the boot hart is chosen by a lottery */
	unsigned long boot_hart;
};

#endif
