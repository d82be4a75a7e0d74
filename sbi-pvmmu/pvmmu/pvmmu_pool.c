// SPDX-License-Identifier: BSD-2-Clause
/*
 * PVMMU pool: geometry checks, the per-page metadata words and their
 * reference counts, the stripe locks, and the choice of the pool's size
 * and place at boot. Portable (no hardware access).
 */
#include <sbi/sbi_ecall_interface.h>
#include "pvmmu_core.h"

bool pvmmu_range_overlaps(unsigned long a, unsigned long asz,
			  unsigned long b, unsigned long bsz)
{
	/* Ranges that wrap are treated as overlapping everything */
	if (a + asz < a || b + bsz < b)
		return true;
	return asz && bsz && a < b + bsz && b < a + asz;
}

int pvmmu_ref_get(struct pvmmu_state *st, unsigned long pa,
		  unsigned int level)
{
	u32 *meta, m;

	if (!pvmmu_in_pool(st, pa, PVMMU_PAGE_SIZE))
		return SBI_ERR_DENIED;
	meta = pvmmu_meta_of(st, pa);
	m = pvmmu_load32(meta);
	do {
		/* BUSY and RELEASING pages fail here too */
		if (!pvmmu_meta_typed(m) || pvmmu_meta_level(m) != level ||
		    (m & PVMMU_META_ROOT) ||
		    pvmmu_meta_refs(m) == PVMMU_META_REF_MASK)
			return SBI_ERR_DENIED;
	} while (!pvmmu_cas32(meta, &m, m + 1));
	return SBI_SUCCESS;
}

void pvmmu_ref_put(struct pvmmu_state *st, unsigned long pa)
{
	u32 *meta = pvmmu_meta_of(st, pa), m;

	m = pvmmu_load32(meta);
	do {
		/* Only references taken by pvmmu_ref_get() are dropped */
		if (!pvmmu_meta_refs(m))
			return;
	} while (!pvmmu_cas32(meta, &m, m - 1));
}

static unsigned long pow2_floor(unsigned long v)
{
	unsigned long p = 1;

	/* No libgcc in the firmware (no __builtin_clzl) */
	while (v >> 1 >= p)
		p <<= 1;
	return v ? p : 0;
}

unsigned long pvmmu_pool_default_size(unsigned long ram_total)
{
	unsigned long size = pow2_floor(ram_total / 16);

	if (size < PVMMU_POOL_MIN)
		size = PVMMU_POOL_MIN;
	if (size > PVMMU_POOL_MAX)
		size = PVMMU_POOL_MAX;
	return size;
}

/* Highest fitting base inside one RAM range, or 0 */
static unsigned long place_in_range(const struct pvmmu_range *r,
				    const struct pvmmu_range *avoid,
				    unsigned int avoid_count,
				    unsigned long size)
{
	unsigned long end = r->base + r->size, cand, lowest;
	unsigned int i;
	bool hit;

	if (end < r->base || r->size < size)
		return 0;
	cand = (end - size) & ~(size - 1);

	while (cand >= r->base && cand) {
		/* Lowest start of the avoided ranges that overlap cand */
		hit = false;
		lowest = cand + size;
		for (i = 0; i < avoid_count; i++) {
			if (!pvmmu_range_overlaps(cand, size, avoid[i].base,
						  avoid[i].size))
				continue;
			hit = true;
			if (avoid[i].base < lowest)
				lowest = avoid[i].base;
		}
		if (!hit)
			return cand;
		/* The next candidate must end at or below that start */
		if (lowest < size)
			return 0;
		cand = (lowest - size) & ~(size - 1);
	}
	return 0;
}

unsigned long pvmmu_pool_place(const struct pvmmu_range *ram,
			       unsigned int ram_count,
			       const struct pvmmu_range *avoid,
			       unsigned int avoid_count, unsigned long size)
{
	unsigned long best = 0, cand;
	unsigned int i;

	if (!size || (size & (size - 1)))
		return 0;
	for (i = 0; i < ram_count; i++) {
		cand = place_in_range(&ram[i], avoid, avoid_count, size);
		if (cand > best)
			best = cand;
	}
	return best;
}
