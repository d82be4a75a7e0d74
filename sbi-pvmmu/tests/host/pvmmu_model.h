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
 *                registration, kernel root, buffers and counters), runs the
 *                call on the core, and compares everything: the error, a1,
 *                the pool, the metadata words, the S-mode RAM it watches
 *                and the caller's buffer (only the predicted "old" fields
 *                may change), the core's counters and registrations.
 *                A call that returns an error before applying anything
 *                must leave pool, metadata, watched RAM and state exactly
 *                as they were.
 *
 * model_check()  walks the real fake memory and recomputes from scratch,
 *                using only the shadow record of registrations: page types,
 *                reference counts, links, free pages all zero, every valid
 *                entry of every typed table legal, root kernel halves equal
 *                to their snapshot, counters, no lock left held.
 *
 * Mismatches are printed ("MODEL: ...") and counted in model.errors.
 */
#ifndef __PVMMU_MODEL_H__
#define __PVMMU_MODEL_H__

#include <stdbool.h>
#include "pvmmu_core.h"

#define MODEL_HARTS		16
#define MODEL_MAX_RAM		8
#define MODEL_MAX_WATCH		8
#define MODEL_NSTATS		6	/* per-hart counters CALLS..RELEASED */
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
	bool shmem_set[MODEL_HARTS];
	unsigned long shmem[MODEL_HARTS];
	unsigned long stats[MODEL_HARTS][MODEL_NSTATS];

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

/* The invariant walk over real memory; returns the violations found */
unsigned long model_check(struct model *m, const struct pvmmu_state *st);

/*
 * Hardware (the page walker) or white-box writes into the pool: the model
 * applies them to its copy too. model_walker_ad() sets A (and D on a
 * writable leaf) like a walker would; it does nothing on other entries.
 */
void model_hw_write(struct model *m, unsigned long pa, u64 v);
bool model_walker_ad(struct model *m, unsigned long pa, bool dirty);

/* White-box resynchronisation after racy or deliberately corrupt steps */
void model_set_page(struct model *m, unsigned long pa, bool typed,
		    unsigned int level, bool root);
void model_reload_pool(struct model *m);
void model_set_shmem(struct model *m, unsigned long hart, bool set,
		     unsigned long pa);
void model_reload_stats(struct model *m, const struct pvmmu_state *st);

/* Print the last calls (for a fuzzer crash report) */
void model_dump_log(const struct model *m);

/* Decoding helpers the harness may use for the shadow record */
bool model_page_typed(const struct model *m, unsigned long pa);

#endif
