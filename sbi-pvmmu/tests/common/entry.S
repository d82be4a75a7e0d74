/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Entry points of the bare S-mode test payloads (tests/selftest,
 * tests/attack). Boot hart: a0 = hart id, a1 = FDT -> boot_main().
 * Secondary harts (HSM start): a0 = hart id, a1 = opaque ->
 * secondary_main(). Each hart gets its own stack; tp = hart id.
 */
#define STACK_SIZE	8192
#define MAX_HARTS	64	/* hart ids below this; sparse ones included */

/* sp = top of hart a0's stack, tp = hart id; ids beyond the stacks park */
.macro	hart_stack
	li	t0, MAX_HARTS
	bgeu	a0, t0, park
	la	t0, stacks
	addi	t1, a0, 1
	li	t2, STACK_SIZE
	mul	t1, t1, t2
	add	sp, t0, t1
	mv	tp, a0
.endm

	.section .text.entry, "ax", %progbits
	.globl	_start
_start:
	hart_stack
	/* clear .bss (the boot hart is alone at this point) */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	boot_main
3:	wfi
	j	3b

	.globl	secondary_entry
secondary_entry:
	hart_stack
	call	secondary_main
4:	wfi
	j	4b

park:
	wfi
	j	park

	.section .bss.stacks, "aw", %nobits
	.align	4
stacks:
	.skip	MAX_HARTS * STACK_SIZE
