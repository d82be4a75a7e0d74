/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reference model of the PVMMU extension, for the host unit tests and the
 * fuzzer. It is written from the rules in docs/FIRMWARE-NOTES.md and the
 * ABI header, and shares no validation code with the core (it includes
 * pvmmu_core.h only to read struct pvmmu_state and to call pvmmu_call()).
 *
 * Two independent oracles:
 *
 * model_call()   predicts the result of one call from the model's own
 *                state (its copy of the pool, a shadow record of every
 *                registration, kernel root, buffers, the root each hart
 *                has loaded in satp, the harts' need-fence flags and
 *                counters, the kernel rules, locked ranges and whether
 *                a kernel root was adopted), runs the call on the core,
 *                and compares everything: the error, a1, the pool, the
 *                metadata words, the S-mode RAM it watches and the
 *                caller's buffer (only the predicted "old" fields may
 *                change), the core's counters, registrations, loaded
 *                roots, fence flags, kernel root, kernel rules and locked
 *                ranges.
 *                A call that returns an error before applying anything
 *                must leave pool, metadata, watched RAM and state exactly
 *                as they were.
 *
 * model_glue()   the same for the functions the firmware glue calls
 *                directly (satp emulation, hart stop, glue counters, the
 *                fence after UPDATE): MODEL_GLUE_*.
 *
 * model_check()  walks the real fake memory and recomputes from scratch,
 *                using only the shadow record of registrations and loaded
 *                roots: page types, reference counts (links, and for a
 *                root the harts that have it loaded), links, free pages all
 *                zero, every valid entry of every typed table legal, no
 *                writable leaf over a locked range, root kernel halves
 *                equal to their snapshot (and, once a kernel root is
 *                adopted, to the kernel root's), every loaded root a
 *                typed root, counters, no lock left held.
 *
 * Mismatches are printed ("MODEL: ...") and counted in model.errors.
 */
#ifndef __PVMMU_MODEL_H__
#define __PVMMU_MODEL_H__

#include <stdbool.h>
#include "pvmmu_core.h"

#define MODEL_HARTS		16
#define MODEL_MAX_RAM		8
#define MODEL_MAX_MMIO		16
#define MODEL_MAX_WATCH		8
#define MODEL_NSTATS		18	/* CALLS..TEXT_POKES; INSN_* stay 0 on a host */
#define MODEL_LOG		64

struct model_range {
	unsigned long base;
	unsigned long size;
};

/* What the harness told the core, kept separately by the model */
struct model_machine {
	/* host pointer of physical address pa = pa + view */
	unsigned long view;
	struct model_range ram[MODEL_MAX_RAM];
	unsigned int ram_count;
	struct model_range fw;
	/* MMIO ranges S-mode may map, as given to pvmmu_init() */
	struct model_range mmio[MODEL_MAX_MMIO];
	unsigned int mmio_count;
	unsigned long pool_base;
	unsigned long pool_pages;
	unsigned long features;		/* as given to pvmmu_init() */
	unsigned long hart_mask;	/* as given to pvmmu_init() */
	/* the core's metadata array, read through a harness view */
	const u32 *meta;
	/*
	 * S-mode RAM in which the core may only write predicted "old"s.
	 * The calling hart's buffer is added during an UPDATE; one slot
	 * must stay free for it.
	 */
	struct model_range watch[MODEL_MAX_WATCH];
	unsigned int watch_count;
};

struct model_page {
	bool typed;
	bool root;
	unsigned int level;
	/* a kernel root under construction (PT_KERNEL, not adopted yet) */
	bool kernel;
	/*
	 * the kernel half's table entries hold references: a PT_KERNEL
	 * root, or a root registered once a kernel root was adopted
	 */
	bool linked_khalf;
};

struct model_log {
	unsigned long hart, fid, a0, a1, a2;
	long rc;
	unsigned long value;
};

struct model {
	struct model_machine mc;
	u64 *pool;			/* expected pool contents */
	struct model_page *page;	/* the shadow record of registrations */
	u64 (*khalf)[256];		/* each root's kernel half, as copied */
	u64 kroot;			/* pa | levels; 0 while unset */
	/* from the first PT_KERNEL registration on: the kernel leaf rules */
	bool kernel_rules;
	/* KERNEL_LOCK ranges by kind (size 0: not locked) */
	struct model_range locked[SBI_PVMMU_LOCK_KINDS];
	/*
	 * TEXT_SITES: the sites given (ngiven), sealed by KERNEL_LOCK TEXT
	 * into nsites sites of locked[SBI_PVMMU_LOCK_TEXT]
	 */
	struct sbi_pvmmu_text_site *sites;
	unsigned long ngiven, nsites;
	bool shmem_set[MODEL_HARTS];
	unsigned long shmem[MODEL_HARTS];
	/* pool root in the hart's satp (0: the kernel root, Bare, none) */
	unsigned long loaded[MODEL_HARTS];
	/* an UPDATE stored a valid value since the last fence */
	bool fence[MODEL_HARTS];
	/* per hart; PAGES_TYPED and LINKS are only counted by the glue */
	unsigned long stats[MODEL_HARTS][MODEL_NSTATS];
	/* the part of stats[][] that pvmmu_count() added */
	unsigned long glue_counts[MODEL_HARTS][MODEL_NSTATS];

	/* scratch of one call */
	u32 *meta_before;
	unsigned char *watch_before;
	unsigned long watch_bytes;
	unsigned int watch_now;		/* windows watched in this call */

	struct model_log log[MODEL_LOG];
	unsigned long calls;
	unsigned long errors;		/* mismatches and violations found */
	unsigned int quiet;		/* stop printing after this many */
};

/* Allocate the model for a freshly initialised core (pool zero) */
int model_init(struct model *m, const struct model_machine *mc);
void model_free(struct model *m);

/* Predict, call pvmmu_call() on @st, compare. Returns the core's error. */
long model_call(struct model *m, struct pvmmu_state *st, unsigned long hart,
		unsigned long fid, unsigned long a0, unsigned long a1,
		unsigned long a2, unsigned long *value);

/*
 * The glue's direct calls into the core, predicted and compared like
 * model_call(); @arg and the result (the error, or for TAKE_FENCE 0/1):
 *
 *   MODEL_GLUE_SATP_LOAD     pvmmu_satp_load(hart, arg = satp)
 *   MODEL_GLUE_HART_STOPPED  pvmmu_hart_stopped(hart)
 *   MODEL_GLUE_COUNT         pvmmu_count(hart, arg = counter)
 *   MODEL_GLUE_TAKE_FENCE    pvmmu_take_fence(hart); the core does not
 *                            check the hart, so the model does not call
 *                            it for hart >= MODEL_HARTS (returns 0)
 *
 * They are logged with fid MODEL_GLUE_BASE + n.
 */
#define MODEL_GLUE_BASE		0x1000
#define MODEL_GLUE_SATP_LOAD	(MODEL_GLUE_BASE + 0)
#define MODEL_GLUE_HART_STOPPED	(MODEL_GLUE_BASE + 1)
#define MODEL_GLUE_COUNT	(MODEL_GLUE_BASE + 2)
#define MODEL_GLUE_TAKE_FENCE	(MODEL_GLUE_BASE + 3)

long model_glue(struct model *m, struct pvmmu_state *st, unsigned long hart,
		unsigned long fn, unsigned long arg);

/* The invariant walk over real memory; returns the violations found */
unsigned long model_check(struct model *m, const struct pvmmu_state *st);

/*
 * Hardware (the page walker) or white-box writes into the pool: the model
 * applies them to its copy too. model_walker_ad() sets A (and D on a
 * writable leaf) like a walker would; it does nothing on other entries.
 */
void model_hw_write(struct model *m, unsigned long pa, u64 v);
bool model_walker_ad(struct model *m, unsigned long pa, bool dirty);

/*
 * White-box resynchronisation after racy or deliberately corrupt steps.
 * model_set_page() records a page that is not a kernel root under
 * construction; a root's kernel half counts as links once a kernel root
 * is adopted.
 */
void model_set_page(struct model *m, unsigned long pa, bool typed,
		    unsigned int level, bool root);
void model_reload_pool(struct model *m);
void model_set_shmem(struct model *m, unsigned long hart, bool set,
		     unsigned long pa);
void model_reload_stats(struct model *m, const struct pvmmu_state *st);
/* Take the loaded roots and fence flags of every hart from the core */
void model_reload_harts(struct model *m, const struct pvmmu_state *st);

/* Print the last calls (for a fuzzer crash report) */
void model_dump_log(const struct model *m);

/* Decoding helpers the harness may use for the shadow record */
bool model_page_typed(const struct model *m, unsigned long pa);

#endif
