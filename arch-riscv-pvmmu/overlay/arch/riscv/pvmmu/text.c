// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvmmu: the kernel text the firmware holds. Adoption locks [_start,
 * __init_begin) (KERNEL_LOCK TEXT): from then on no mapping of it may be
 * writable, on any hart, and only the firmware writes there. Just before
 * the lock the kernel gives the firmware the jump-label sites of that
 * text, with their targets (TEXT_SITES); the lock checks them and seals
 * the list. TEXT_POKE then switches a site between its "nop" and its
 * "jal x0" to its target, and nothing else: the text changes only where
 * jump labels change it.
 */

#define pr_fmt(fmt) "pvmmu: " fmt

#include <linux/align.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/jump_label.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <asm/pvmmu.h>
#include <asm/sections.h>

#include "pvmmu.h"

static bool text_locked __ro_after_init;

static bool in_text(unsigned long addr, size_t len)
{
	return addr < (unsigned long)__init_begin &&
	       addr + len > (unsigned long)_start;
}

#ifdef CONFIG_JUMP_LABEL
/* The jump-label sites of the locked text (init text is not locked). */
unsigned int __init pvmmu_text_site_count(void)
{
	struct jump_entry *e;
	unsigned int n = 0;

	for (e = __start___jump_table; e < __stop___jump_table; e++)
		n += in_text(jump_entry_code(e), sizeof(u32));
	return n;
}

static int __init cmp_site(const void *a, const void *b)
{
	const struct sbi_pvmmu_text_site *x = a, *y = b;

	return x->site < y->site ? -1 : x->site > y->site;
}

/* Give the firmware the sites, as offsets into the text, ascending. */
static int __init give_sites(void)
{
	struct sbi_pvmmu_text_site *sites;
	unsigned int i, n = 0, count = pvmmu_text_site_count();
	size_t size = count * sizeof(*sites);
	struct jump_entry *e;
	int err;

	if (!count)
		return 0;
	sites = alloc_pages_exact(size, GFP_KERNEL);
	if (!sites)
		return -ENOMEM;
	for (e = __start___jump_table; e < __stop___jump_table; e++) {
		if (!in_text(jump_entry_code(e), sizeof(u32)))
			continue;
		sites[n].site = jump_entry_code(e) - (unsigned long)_start;
		sites[n].target = jump_entry_target(e) - (unsigned long)_start;
		n++;
	}
	sort(sites, n, sizeof(*sites), cmp_site, NULL);
	/* One site, one target: the same entry twice is given once */
	for (i = 1, n = 1; i < count; i++) {
		if (sites[i].site != sites[n - 1].site)
			sites[n++] = sites[i];
		else if (sites[i].target != sites[n - 1].target)
			break;
	}
	err = i < count ? -EINVAL : pvmmu_sbi_text_sites(__pa(sites), n);
	free_pages_exact(sites, size);
	return err;
}
#else
unsigned int __init pvmmu_text_site_count(void)
{
	return 0;
}

static int __init give_sites(void)
{
	return 0;
}
#endif

int __init pvmmu_lock_text(void)
{
	int err = give_sites();

	if (err) {
		pr_err("jump-label sites refused by the firmware (%d)\n", err);
		return err;
	}
	/* Also checks the sites against the text, and seals them */
	err = pvmmu_sbi_lock(SBI_PVMMU_LOCK_TEXT, __pa_symbol(_start),
			     __init_begin - _start);
	if (!err)
		text_locked = true;
	return err;
}

bool pvmmu_text_locked(const void *addr, size_t len)
{
	return text_locked && in_text((unsigned long)addr, len);
}

int pvmmu_patch_text(void *addr, const void *insn, size_t len)
{
	u32 word;

	if (len != sizeof(word) || !IS_ALIGNED((unsigned long)addr, sizeof(word)))
		return -EINVAL;
	memcpy(&word, insn, sizeof(word));
	return pvmmu_sbi_text_poke(__pa_symbol(addr), word);
}
