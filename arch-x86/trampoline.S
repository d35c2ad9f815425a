/* Application-processor start-up code.  It is data here: smp.c copies it
 * to TRAMPOLINE_BASE below 1 MiB, fills in the parameters at its end and
 * points the SIPI at it.  The AP starts in real mode at CS:IP = base:0. */
#include "arch-x86/regs.h"
#include "arch-x86/trampoline.h"

#define T(x) ((x) - trampoline_start + TRAMPOLINE_BASE)

	.section .rodata
	.balign 16
	.globl trampoline_start, trampoline_end
	.code16
trampoline_start:
	cli
	cld
	xorw	%ax, %ax
	movw	%ax, %ds
	lgdtl	T(tr_gdt_desc)
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$TR_SEL_CODE32, $T(tr_protected)

	.code32
tr_protected:
	movw	$TR_SEL_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	T(tr_cr3), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	T(tr_efer), %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_WP), %eax
	movl	%eax, %cr0
	ljmpl	$TR_SEL_CODE64, $T(tr_long)

	.code64
tr_long:
	movw	$TR_SEL_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movq	T(tr_stack), %rsp
	xorl	%ebp, %ebp
	movl	T(tr_cpu), %edi
	movq	T(tr_entry), %rax
	jmp	*%rax

	.balign 8
tr_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 32-bit code */
	.quad	0x00cf92000000ffff	/* data */
	.quad	0x00af9a000000ffff	/* 64-bit code */
tr_gdt_desc:
	.short	tr_gdt_desc - tr_gdt - 1
	.long	T(tr_gdt)

	/* Parameters, written by smp.c (struct trampoline_params). */
	.balign 8
tr_params:
tr_cr3:		.quad 0
tr_efer:	.quad 0
tr_stack:	.quad 0
tr_entry:	.quad 0
tr_cpu:		.quad 0
trampoline_end:
