/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sbi-pvmmu link map (run through the C preprocessor): everything
 * (image, .bss, per-hart stacks) must fit in the firmware region
 * [SBI_FW_BASE, SBI_FW_BASE + SBI_FW_REGION_SIZE), which PMP hides from
 * S/U-mode.
 */
#include <sbi/sbi_config.h>

OUTPUT_ARCH(riscv)
ENTRY(_start)

FW_BASE = SBI_FW_BASE;
FW_REGION_SIZE = SBI_FW_REGION_SIZE;

SECTIONS
{
	. = FW_BASE;
	_fw_start = .;

	.text : {
		KEEP(*(.entry))
		*(.text .text.*)
	}

	. = ALIGN(8);
	.rodata : {
		/* The SBI extension table (SBI_ECALL_EXTENSION), in search order */
		_sbi_ecall_exts_start = .;
		KEEP(*(SORT_BY_NAME(.sbi_ecall_exts.*)))
		_sbi_ecall_exts_end = .;
		*(.rodata .rodata.*)
		*(.srodata .srodata.*)
	}

	. = ALIGN(8);
	.data : {
		*(.data .data.*)
		*(.sdata .sdata.*)
	}
	_fw_image_end = .;

	. = ALIGN(16);
	.bss (NOLOAD) : {
		_bss_start = .;
		*(.sbss .sbss.*)
		*(.bss .bss.*)
		*(COMMON)
		. = ALIGN(16);
		_bss_end = .;
	}

	_fw_end = .;

	/DISCARD/ : {
		*(.eh_frame .eh_frame_hdr)
		*(.comment .note .note.*)
	}
}

ASSERT(_fw_start == FW_BASE, "firmware must start at FW_BASE")
ASSERT(_fw_end <= FW_BASE + FW_REGION_SIZE, "firmware does not fit in its PMP region")
