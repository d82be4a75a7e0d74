// SPDX-License-Identifier: BSD-2-Clause
/*
 * SBI call dispatch over the table of implemented extensions.
 */
#include <sbi/sbi_console.h>
#include <sbi/sbi_ecall.h>
#include <sbi/sbi_ecall_interface.h>

/*
 * Implemented extensions, in the order they are searched (see
 * SBI_ECALL_EXTENSION()). PVMMU (pvmmu/sbi_ecall_pvmmu.c) comes first and
 * probes as present only when its page-table pool is set up.
 */
extern const struct sbi_ecall_extension _sbi_ecall_exts_start[];
extern const struct sbi_ecall_extension _sbi_ecall_exts_end[];

#define for_each_ecall_ext(e) \
	for (e = _sbi_ecall_exts_start; e < _sbi_ecall_exts_end; e++)

const struct sbi_ecall_extension *sbi_ecall_find_extension(unsigned long extid)
{
	const struct sbi_ecall_extension *e;

	for_each_ecall_ext(e) {
		if (extid >= e->extid_start && extid <= e->extid_end)
			return e;
	}
	return NULL;
}

long sbi_ecall_probe_extension(unsigned long extid)
{
	const struct sbi_ecall_extension *ext = sbi_ecall_find_extension(extid);

	if (!ext)
		return 0;
	return ext->probe ? ext->probe(extid) : 1;
}

void sbi_ecall_print_extensions(void)
{
	const struct sbi_ecall_extension *e;

	sbi_printf("Extensions     :");
	for_each_ecall_ext(e)
		sbi_printf(" %s", e->name);
	sbi_printf("\n");
}

static bool extid_is_legacy(unsigned long extid)
{
	return extid <= SBI_EXT_0_1_END;
}

void sbi_ecall_handler(struct sbi_trap_regs *regs)
{
	unsigned long extid = regs->a7, funcid = regs->a6;
	const struct sbi_ecall_extension *ext;
	struct sbi_ecall_return out = { 0 };
	int ret;

	ext = sbi_ecall_find_extension(extid);
	if (ext && ext->handle)
		ret = ext->handle(extid, funcid, regs, &out);
	else
		ret = SBI_ERR_NOT_SUPPORTED;

	if (out.skip_regs_update)
		return;

	regs->mepc += 4;
	regs->a0 = (unsigned long)(long)ret;
	/* v0.1 calls return a single value in a0 and leave a1 alone */
	if (!extid_is_legacy(extid))
		regs->a1 = out.value;
}
