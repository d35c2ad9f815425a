/* Entry stubs for all 256 IDT vectors.  Each pushes a dummy error code when
 * the CPU does not (SDM vol. 3 §6.13), then its vector, then joins the
 * common path that saves the GPRs as a struct exc_frame. */
#include "arch-x86/asm-offsets.h"
#include "lib/x86_vectors.h"

	.text
	.balign 16
	.globl exc_stub_table
exc_stub_table:
vec = 0
	.rept 256
	.balign 16
	/* These come with an error code (x86_exc_has_error_code()). */
	.if (vec == X86_EXC_DF) || (vec >= X86_EXC_TS && vec <= X86_EXC_PF) || \
	    (vec == X86_EXC_AC) || (vec == X86_EXC_CP) || (vec == X86_EXC_VC) || \
	    (vec == X86_EXC_SX)
	.else
	pushq	$0
	.endif
	pushq	$vec
	jmp	exc_common
vec = vec + 1
	.endr

exc_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	movq	%rsp, %r12		/* callee-saved: finds the frame again */
	/* Link a frame record to the interrupted code so that the backtrace
	 * continues through the fault, and align the stack for C. */
	pushq	EXC_FRAME_RIP(%rdi)
	pushq	EXC_FRAME_RBP(%rdi)
	movq	%rsp, %rbp
	andq	$-16, %rsp
	call	exception_dispatch
	movq	%r12, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp		/* vector and error code */
	iretq
