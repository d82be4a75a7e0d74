/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Build-time configuration of sbi-pvmmu (shared by C and assembly).
 */
#ifndef __SBI_CONFIG_H__
#define __SBI_CONFIG_H__

/*
 * Harts this firmware runs, whatever their ids: the boot hart and the
 * first others the FDT lists get a hart index below this; other harts park.
 */
#define SBI_MAX_HARTS			16

/* Per-hart M-mode stack (the trap frame lives at its top). */
#define SBI_HART_STACK_SIZE		8192

/*
 * Firmware region: the whole image, .bss and stacks must fit in it. It is
 * protected from S/U-mode by PMP and reported to the OS as no-map
 * reserved memory. Must be a power of two (NAPOT PMP entry).
 */
#define SBI_FW_BASE			0x80000000
#define SBI_FW_REGION_SIZE		0x100000

/* Next stage used when fw_dynamic_info is missing or unusable. */
#define SBI_DEFAULT_NEXT_ADDR		0x80200000

/* Extra space given to the FDT before fixups (QEMU leaves room after it). */
#define SBI_FDT_FIXUP_SLACK		4096

/* Maximum number of RAM regions taken from /memory nodes. */
#define SBI_MAX_MEM_REGIONS		8

/*
 * Above this size a remote/local sfence.vma request is turned into a
 * full TLB flush instead of a page-by-page flush.
 */
#define SBI_TLB_FLUSH_MAX_SIZE		(64UL * 4096UL)

/* Bytes one DBCN read or write call moves at most (partial transfer). */
#define SBI_DBCN_MAX_BYTES		256

/* A hart waiting on a remote fence raises the targets' msip again this often. */
#define SBI_RFENCE_RESEND_SPINS		4096

#endif
