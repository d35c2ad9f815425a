/* int64_t hc_regs_call(uint64_t nr)
 * The ABI preserves every register but RAX across VMCALL: load all of
 * them with distinct patterns, call, and store what came back for the C
 * side to compare. */
#include "hc_regs.h"

	.text
	.code64
	.globl hc_regs_call
hc_regs_call:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rdi, %rax
	movabsq	$HC_REG_PATTERN(0), %rbx
	movabsq	$HC_REG_PATTERN(1), %rcx
	movabsq	$HC_REG_PATTERN(2), %rdx
	movabsq	$HC_REG_PATTERN(3), %rsi
	movabsq	$HC_REG_PATTERN(4), %rdi
	movabsq	$HC_REG_PATTERN(5), %rbp
	movabsq	$HC_REG_PATTERN(6), %r8
	movabsq	$HC_REG_PATTERN(7), %r9
	movabsq	$HC_REG_PATTERN(8), %r10
	movabsq	$HC_REG_PATTERN(9), %r11
	movabsq	$HC_REG_PATTERN(10), %r12
	movabsq	$HC_REG_PATTERN(11), %r13
	movabsq	$HC_REG_PATTERN(12), %r14
	movabsq	$HC_REG_PATTERN(13), %r15
	vmcall
	movq	%rbx, hc_regs_after + 0(%rip)
	movq	%rcx, hc_regs_after + 8(%rip)
	movq	%rdx, hc_regs_after + 16(%rip)
	movq	%rsi, hc_regs_after + 24(%rip)
	movq	%rdi, hc_regs_after + 32(%rip)
	movq	%rbp, hc_regs_after + 40(%rip)
	movq	%r8, hc_regs_after + 48(%rip)
	movq	%r9, hc_regs_after + 56(%rip)
	movq	%r10, hc_regs_after + 64(%rip)
	movq	%r11, hc_regs_after + 72(%rip)
	movq	%r12, hc_regs_after + 80(%rip)
	movq	%r13, hc_regs_after + 88(%rip)
	movq	%r14, hc_regs_after + 96(%rip)
	movq	%r15, hc_regs_after + 104(%rip)
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret

	.bss
	.balign 8
	.globl hc_regs_after
hc_regs_after:
	.skip	8 * HC_NR_REGS
