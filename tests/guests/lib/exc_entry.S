/* Exception and interrupt entry for the guest runtime: one stub per
 * vector pushes a uniform (vector, error code) pair, exc_common saves the
 * GPRs into a struct exc_frame and calls exc_dispatch, which may rewrite
 * the frame (resume elsewhere, return from CPL 3) before IRETQ. */
#include "lib/layout.h"

	.text
	.code64

/* SDM vol. 3 6.3.1: these vectors push an error code themselves. */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
		      (v) == 21 || (v) == 29 || (v) == 30)

.macro STUB vec
	.balign 16
exc_stub_\vec:
	.ifeq HAS_ERROR(\vec)
	pushq	$0
	.endif
	pushq	$\vec
	jmp	exc_common
.endm

.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	STUB \v
.endr
	.globl exc_stub_128
	STUB 128

/* Vectors 32..255 (virtual interrupts): one stub each in a slot of
 * IRQ_STUB_SIZE bytes, so that vector v's stub is at irq_stubs +
 * (v - 32) * IRQ_STUB_SIZE; .org fails the build should a stub outgrow
 * its slot ("attempt to move .org backwards"). */
	.balign IRQ_STUB_SIZE
	.globl irq_stubs
irq_stubs:
	.set	irq_vec, 32
	.rept	256 - 32
	pushq	$0
	pushq	$irq_vec
	jmp	exc_common
	.org	irq_stubs + (irq_vec - 31) * IRQ_STUB_SIZE, 0xcc
	.set	irq_vec, irq_vec + 1
	.endr

exc_common:
	pushq	%r15
	pushq	%r14
	pushq	%r13
	pushq	%r12
	pushq	%r11
	pushq	%r10
	pushq	%r9
	pushq	%r8
	pushq	%rbp
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%rbx
	pushq	%rax
	/* The CPU aligned RSP to 16 before its 40-byte frame; 17 more
	 * quadwords leave it 16-aligned again (EF_SIZE = 176). */
	movq	%rsp, %rdi
	cld
	call	exc_dispatch
	popq	%rax
	popq	%rbx
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	popq	%rbp
	popq	%r8
	popq	%r9
	popq	%r10
	popq	%r11
	popq	%r12
	popq	%r13
	popq	%r14
	popq	%r15
	addq	$16, %rsp	/* vector, error code */
	iretq

	.section .rodata
	.balign 8
	.globl exc_stub_table
exc_stub_table:
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	exc_stub_\v
.endr
