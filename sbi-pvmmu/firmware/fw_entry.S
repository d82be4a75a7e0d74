/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reset entry of sbi-pvmmu.
 *
 * QEMU virt starts every hart here with a0 = hart id, a1 = FDT address
 * and a2 = struct fw_dynamic_info *. The first hart to win the lottery
 * (amoadd on a .data word) becomes the boot hart: it clears .bss and
 * runs sbi_init_cold() on the stack of hart index 0. The others sleep
 * until the boot hart releases them, look their hart id up in the table
 * of hart indexes it filled (sbi_hart_index2id) and run sbi_init_warm() on
 * their index's stack. A hart without an index parks forever.
 */
#include <sbi/riscv_encoding.h>
#include <sbi/sbi_config.h>

	.section .entry, "ax", %progbits
	.align	2
	.globl	_start
_start:
	csrw	CSR_MIE, zero
	la	t0, _early_hang
	csrw	CSR_MTVEC, t0

	csrr	s0, CSR_MHARTID
	mv	s1, a1
	mv	s2, a2

	/* Boot hart lottery: whoever reads 0 wins */
	la	t0, _boot_lottery
	li	t1, 1
	amoadd.w.aqrl	t1, t1, (t0)
	bnez	t1, _wait_for_release

	/* The boot hart is hart index 0: the first stack */
	la	sp, sbi_hart_stacks
	li	t0, SBI_HART_STACK_SIZE
	add	sp, sp, t0

	/* Boot hart: clear .bss (stacks included; nobody uses them yet) */
	la	t0, _bss_start
	la	t1, _bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	mv	a0, s0
	mv	a1, s1
	mv	a2, s2
	/* The platform is chosen at link time; the library only sees it here */
	la	a3, qemu_virt_platform
	call	sbi_init_cold
	j	_park_hart

_wait_for_release:
	/* Sleep until the boot hart sets _boot_released and sends an IPI */
	li	t0, MIP_MSIP
	csrw	CSR_MIE, t0
	la	t0, _boot_released
3:	lw	t1, 0(t0)
	bnez	t1, 4f
	wfi
	j	3b
4:	fence	r, rw
	/* t2 = our hart index: our id's slot in sbi_hart_index2id[] */
	la	t0, sbi_hart_index2id
	la	t1, sbi_hart_index_count
	ld	t1, 0(t1)
	li	t2, 0
6:	bgeu	t2, t1, _park_hart
	ld	t3, 0(t0)
	beq	t3, s0, 7f
	addi	t0, t0, 8
	addi	t2, t2, 1
	j	6b
7:	/* sp = sbi_hart_stacks + (index + 1) * SBI_HART_STACK_SIZE */
	la	sp, sbi_hart_stacks
	addi	t0, t2, 1
	li	t1, SBI_HART_STACK_SIZE
	mul	t0, t0, t1
	add	sp, sp, t0
	mv	a0, t2
	call	sbi_init_warm

_park_hart:
	csrw	CSR_MIE, zero
5:	wfi
	j	5b

	/* Trap vector until the real one is installed: hang */
	.align	2
_early_hang:
	wfi
	j	_early_hang

	.section .text, "ax", %progbits
	/*
	 * void sbi_hart_stack_jump(unsigned long stack_top,
	 *                          void (*fn)(struct sbi_scratch *),
	 *                          struct sbi_scratch *arg)
	 */
	.align	2
	.globl	sbi_hart_stack_jump
sbi_hart_stack_jump:
	mv	sp, a0
	mv	a0, a2
	jr	a1

	.section .data, "aw", %progbits
	.align	2
	.globl	_boot_lottery
_boot_lottery:
	.word	0
	.globl	_boot_released
_boot_released:
	.word	0

	.section .bss.stacks, "aw", %nobits
	.align	4
	.globl	sbi_hart_stacks
sbi_hart_stacks:
	.skip	SBI_MAX_HARTS * SBI_HART_STACK_SIZE
