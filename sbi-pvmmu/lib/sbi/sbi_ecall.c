// SPDX-License-Identifier: BSD-2-Clause
/*
 * SBI call dispatch over the table of implemented extensions.
 */
#include <sbi/sbi_console.h>
#include <sbi/sbi_ecall.h>
#include <sbi/sbi_ecall_interface.h>

/*
 * Implemented extensions. PVMMU (pvmmu/sbi_ecall_pvmmu.c) probes as
 * present only when its page-table pool is set up.
 */
/* Searched in order: the most frequent calls first (page-table updates) */
static const struct sbi_ecall_extension *const ecall_exts[] = {
	&ecall_pvmmu,
	&ecall_time,
	&ecall_ipi,
	&ecall_rfence,
	&ecall_base,
	&ecall_hsm,
	&ecall_srst,
	&ecall_dbcn,
	&ecall_legacy,
};

const struct sbi_ecall_extension *sbi_ecall_find_extension(unsigned long extid)
{
	unsigned int i;

	for (i = 0; i < array_size(ecall_exts); i++) {
		if (extid >= ecall_exts[i]->extid_start &&
		    extid <= ecall_exts[i]->extid_end)
			return ecall_exts[i];
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
	unsigned int i;

	sbi_printf("Extensions     :");
	for (i = 0; i < array_size(ecall_exts); i++)
		sbi_printf(" %s", ecall_exts[i]->name);
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
