/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-hart M-mode setup, hart validity and hart masks.
 */
#ifndef __SBI_HART_H__
#define __SBI_HART_H__

#include <sbi/sbi_scratch.h>

/* Hart features (sbi_scratch.features), from the FDT ISA description */
#define SBI_HART_EXT_SSTC	BIT(0)
#define SBI_HART_EXT_ZICBOM	BIT(1)
#define SBI_HART_EXT_ZICBOZ	BIT(2)
#define SBI_HART_EXT_SVNAPOT	BIT(3)
#define SBI_HART_EXT_SVPBMT	BIT(4)

/*
 * Harts are named by hart id in the SBI calls and the FDT, and by hart
 * index inside the firmware: index 0 is the boot lottery's winner, then
 * come the FDT's usable cpus in their order, up to SBI_MAX_HARTS. Ids may
 * be sparse or large (a monitor core at 0, application harts from 1, or
 * ids in the hundreds).
 */

/* A set of harts, one bit per hart index: SBI_MAX_HARTS fits in a long */
typedef unsigned long sbi_hartmask_t;
_Static_assert(SBI_MAX_HARTS <= BITS_PER_LONG, "hart mask too small");

#define for_each_hart_in_mask(i, mask) \
	for ((i) = 0; (i) < SBI_MAX_HARTS; (i)++) \
		if ((mask) & BIT(i))

/*
 * Hart indexes that run the OS: the FDT's usable cpus, and the boot hart
 * unless the FDT does not describe it (it then only does the cold boot)
 */
extern sbi_hartmask_t sbi_hart_valid_mask;

/*
 * Hart id of each index, and how many are in use: firmware/fw_entry.S
 * looks a starting hart up here, so they are plain arrays of longs.
 */
extern unsigned long sbi_hart_index2id[SBI_MAX_HARTS];
extern unsigned long sbi_hart_index_count;

static inline bool sbi_hartindex_valid(unsigned long hartindex)
{
	return hartindex < SBI_MAX_HARTS &&
	       (sbi_hart_valid_mask & BIT(hartindex));
}

static inline unsigned long sbi_hartindex_to_hartid(u32 hartindex)
{
	return sbi_hart_index2id[hartindex];
}

/* The valid index of @hartid, or -1 if the firmware runs no OS on it */
int sbi_hartid_to_hartindex(unsigned long hartid);

/*
 * Give @hartid the next hart index (cold boot only, before the other harts
 * are released) and set up its scratch area. Returns the index, the one it
 * already has, or -1 when all SBI_MAX_HARTS are taken.
 */
int sbi_hart_add(unsigned long hartid);

unsigned int sbi_hart_count(void);

static inline bool sbi_hart_has_ext(struct sbi_scratch *scratch,
				    unsigned long ext)
{
	return (scratch->features & ext) != 0;
}

/* Parse an ISA string ("rv64imac_zicsr_sstc") into SBI_HART_EXT_* bits */
unsigned long sbi_hart_parse_isa_string(const char *isa);
/* Map one ISA extension name ("sstc") to SBI_HART_EXT_* bits */
unsigned long sbi_hart_ext_from_name(const char *name, size_t len);

/*
 * Convert an SBI (hart_mask, hart_mask_base) pair of hart ids into a hart
 * set. hart_mask_base == -1UL selects all valid harts. Fails with
 * SBI_ERR_INVALID_PARAM if any selected hart id is not valid.
 */
int sbi_hartmask_from_sbi(unsigned long hmask, unsigned long hbase,
			  sbi_hartmask_t *out);

/*
 * Per-hart M-mode CSR setup (delegation, counters, envcfg, PMP, ...);
 * @cold_boot: the boot hart, before anything runs in S-mode
 */
void sbi_hart_init(struct sbi_scratch *scratch, bool cold_boot);

/* Drop to @next_mode at @next_addr with a0 = @arg0, a1 = @arg1, satp = 0 */
void __noreturn sbi_hart_switch_mode(unsigned long arg0, unsigned long arg1,
				     unsigned long next_addr,
				     unsigned long next_mode);

/* Wait for interrupts forever, with all interrupts masked */
void __noreturn sbi_hart_hang(void);

/* Assembly helper: sp = @stack_top, then call @fn(@arg) (never returns) */
void __noreturn sbi_hart_stack_jump(unsigned long stack_top,
				    void (*fn)(struct sbi_scratch *),
				    struct sbi_scratch *arg);

#endif
