/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Platform abstraction: the hardware-neutral core only talks to devices
 * through these operations. Exactly one platform is linked in; the
 * firmware's entry passes its object to sbi_init_cold().
 */
#ifndef __SBI_PLATFORM_H__
#define __SBI_PLATFORM_H__

#include <sbi/sbi_mem.h>
#include <sbi/sbi_types.h>

struct sbi_platform {
	const char *name;

	/*
	 * Cold boot, boot hart only: discover devices (from the FDT). The
	 * harts have their indexes already.
	 */
	int (*early_init)(void *fdt);
	/* Print device lines for the boot banner (optional). */
	void (*print_info)(void);

	/* Console */
	void (*console_putc)(char ch);
	int (*console_getc)(void);		/* -1 when no byte is ready */

	/* M-mode software interrupt (IPI) of a hart, named by hart index */
	void (*ipi_send)(u32 hartindex);
	void (*ipi_clear)(u32 hartindex);

	/* M-mode timer (harts named by index) */
	u64 (*timer_value)(void);
	void (*timer_event_start)(u32 hartindex, u64 next_event);
	void (*timer_event_stop)(u32 hartindex);

	/*
	 * MMIO regions of the devices the firmware owns (IPI, timer, reset):
	 * closed to S/U-mode by PMP, never the target of a PVMMU leaf, and
	 * disabled in the OS's FDT. Fills at most @max and returns how many
	 * there are: more than @max means some could not be listed, and
	 * callers must then fail closed.
	 */
	unsigned int (*fw_devices)(struct sbi_mem_region *out,
				   unsigned int max);

	/*
	 * Stop the whole machine with an exit code (see sbi_system.h).
	 * Does not return on success.
	 */
	void (*system_exit)(u32 code);
};

/*
 * The platform in use: the firmware's entry hands it to sbi_init_cold(),
 * which sets this before anything else runs (lib/sbi/sbi_platform.c).
 */
extern const struct sbi_platform *sbi_platform;

static inline const struct sbi_platform *sbi_platform_ptr(void)
{
	return sbi_platform;
}

#endif
