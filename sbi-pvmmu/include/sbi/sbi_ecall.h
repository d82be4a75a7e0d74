/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SBI call dispatch: each extension is described by a
 * struct sbi_ecall_extension that its own file defines with
 * SBI_ECALL_EXTENSION(); the dispatcher knows none of them by name.
 */
#ifndef __SBI_ECALL_H__
#define __SBI_ECALL_H__

#include <sbi/sbi_trap.h>

struct sbi_ecall_return {
	/* Value returned in a1 (SBI v0.2+ extensions only) */
	unsigned long value;
	/* Leave mepc/a0/a1 alone: the handler set up the return itself */
	bool skip_regs_update;
};

struct sbi_ecall_extension {
	const char *name;
	unsigned long extid_start;
	unsigned long extid_end;
	/*
	 * Optional: 0 if @extid (within the range) is not implemented,
	 * non-zero otherwise. Without it the whole range is implemented.
	 */
	long (*probe)(unsigned long extid);
	/* Returns an SBI error code (a0); sets out->value (a1) */
	int (*handle)(unsigned long extid, unsigned long funcid,
		      struct sbi_trap_regs *regs,
		      struct sbi_ecall_return *out);
};

/*
 * Define the extension @ext in the dispatch table, searched by ascending
 * @order (0-9): the most frequent calls first. The table is the
 * .sbi_ecall_exts.* input sections, which the linker script sorts by name
 * into one array of structs between _sbi_ecall_exts_start and
 * _sbi_ecall_exts_end (the struct is a multiple of its alignment, so the
 * entries are packed).
 */
#define SBI_ECALL_EXTENSION(ext, order)					\
	static const struct sbi_ecall_extension ext			\
	__attribute__((used, aligned(__alignof__(struct sbi_ecall_extension)), \
		       section(".sbi_ecall_exts." #order)))

const struct sbi_ecall_extension *sbi_ecall_find_extension(unsigned long extid);

/* SBI probe_extension() semantics: 0 if absent, non-zero if present */
long sbi_ecall_probe_extension(unsigned long extid);

/* Print the list of implemented extensions (boot banner) */
void sbi_ecall_print_extensions(void);

/* Handle an ecall from S-mode (mcause 9) */
void sbi_ecall_handler(struct sbi_trap_regs *regs);

#endif
