// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvmmu: the kernel text the firmware holds. Adoption locks [_start,
 * __init_begin) (KERNEL_LOCK TEXT): from then on no mapping of it may be
 * writable, on any hart, and only the firmware writes there. Jump labels
 * switch their sites with TEXT_POKE, which writes a "nop" or a "jal x0"
 * within the text, and only over one of those: the text keeps the
 * image's own instructions.
 */

#define pr_fmt(fmt) "pvmmu: " fmt

#include <linux/align.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/pvmmu.h>
#include <asm/sections.h>

#include "pvmmu.h"

static bool text_locked __ro_after_init;

int __init pvmmu_lock_text(void)
{
	int err = pvmmu_sbi_lock(SBI_PVMMU_LOCK_TEXT, __pa_symbol(_start),
				 __init_begin - _start);

	if (!err)
		text_locked = true;
	return err;
}

bool pvmmu_text_locked(const void *addr, size_t len)
{
	unsigned long start = (unsigned long)addr;

	return text_locked && start < (unsigned long)__init_begin &&
	       start + len > (unsigned long)_start;
}

int pvmmu_patch_text(void *addr, const void *insn, size_t len)
{
	u32 word;

	if (len != sizeof(word) || !IS_ALIGNED((unsigned long)addr, sizeof(word)))
		return -EINVAL;
	memcpy(&word, insn, sizeof(word));
	return pvmmu_sbi_text_poke(__pa_symbol(addr), word);
}
