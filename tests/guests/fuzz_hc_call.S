/* uint64_t fuzz_hc_call(struct hc_io *io): see fuzz_hc_call.h.  One
 * vCPU at a time (the io pointer is kept in a global while every GPR
 * holds the caller's values); works at CPL 0 and CPL 3. */
#include "fuzz_hc_call.h"

	.text
	.code64
	.globl fuzz_hc_call
fuzz_hc_call:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rdi, fuzz_io(%rip)
	movq	%rsp, fuzz_rsp(%rip)
	movdqu	FR_XMM + 0(%rdi), %xmm0
	movdqu	FR_XMM + 16(%rdi), %xmm1
	movdqu	FR_XMM + 32(%rdi), %xmm2
	movdqu	FR_XMM + 48(%rdi), %xmm3
	movdqu	FR_XMM + 64(%rdi), %xmm4
	movdqu	FR_XMM + 80(%rdi), %xmm5
	movdqu	FR_XMM + 96(%rdi), %xmm6
	movdqu	FR_XMM + 112(%rdi), %xmm7
	movdqu	FR_XMM + 128(%rdi), %xmm8
	movdqu	FR_XMM + 144(%rdi), %xmm9
	movdqu	FR_XMM + 160(%rdi), %xmm10
	movdqu	FR_XMM + 176(%rdi), %xmm11
	movdqu	FR_XMM + 192(%rdi), %xmm12
	movdqu	FR_XMM + 208(%rdi), %xmm13
	movdqu	FR_XMM + 224(%rdi), %xmm14
	movdqu	FR_XMM + 240(%rdi), %xmm15
	pushq	FR_RFLAGS(%rdi)
	popfq
	movq	0(%rdi), %rax
	movq	8(%rdi), %rcx
	movq	16(%rdi), %rdx
	movq	24(%rdi), %rbx
	movq	40(%rdi), %rbp
	movq	48(%rdi), %rsi
	movq	64(%rdi), %r8
	movq	72(%rdi), %r9
	movq	80(%rdi), %r10
	movq	88(%rdi), %r11
	movq	96(%rdi), %r12
	movq	104(%rdi), %r13
	movq	112(%rdi), %r14
	movq	120(%rdi), %r15
	movq	56(%rdi), %rdi
	vmcall
	pushfq
	pushq	%rdi
	movq	fuzz_io(%rip), %rdi
	movq	%rax, FR_SIZE + 0(%rdi)
	movq	%rcx, FR_SIZE + 8(%rdi)
	movq	%rdx, FR_SIZE + 16(%rdi)
	movq	%rbx, FR_SIZE + 24(%rdi)
	movq	%rbp, FR_SIZE + 40(%rdi)
	movq	%rsi, FR_SIZE + 48(%rdi)
	movq	%r8, FR_SIZE + 64(%rdi)
	movq	%r9, FR_SIZE + 72(%rdi)
	movq	%r10, FR_SIZE + 80(%rdi)
	movq	%r11, FR_SIZE + 88(%rdi)
	movq	%r12, FR_SIZE + 96(%rdi)
	movq	%r13, FR_SIZE + 104(%rdi)
	movq	%r14, FR_SIZE + 112(%rdi)
	movq	%r15, FR_SIZE + 120(%rdi)
	popq	FR_SIZE + 56(%rdi)
	popq	FR_SIZE + FR_RFLAGS(%rdi)
	movq	%rsp, FR_SIZE + 32(%rdi)
	movw	%cs, FR_SIZE + FR_SEG + 0(%rdi)
	movw	%ds, FR_SIZE + FR_SEG + 2(%rdi)
	movw	%es, FR_SIZE + FR_SEG + 4(%rdi)
	movw	%fs, FR_SIZE + FR_SEG + 6(%rdi)
	movw	%gs, FR_SIZE + FR_SEG + 8(%rdi)
	movw	%ss, FR_SIZE + FR_SEG + 10(%rdi)
	movdqu	%xmm0, FR_SIZE + FR_XMM + 0(%rdi)
	movdqu	%xmm1, FR_SIZE + FR_XMM + 16(%rdi)
	movdqu	%xmm2, FR_SIZE + FR_XMM + 32(%rdi)
	movdqu	%xmm3, FR_SIZE + FR_XMM + 48(%rdi)
	movdqu	%xmm4, FR_SIZE + FR_XMM + 64(%rdi)
	movdqu	%xmm5, FR_SIZE + FR_XMM + 80(%rdi)
	movdqu	%xmm6, FR_SIZE + FR_XMM + 96(%rdi)
	movdqu	%xmm7, FR_SIZE + FR_XMM + 112(%rdi)
	movdqu	%xmm8, FR_SIZE + FR_XMM + 128(%rdi)
	movdqu	%xmm9, FR_SIZE + FR_XMM + 144(%rdi)
	movdqu	%xmm10, FR_SIZE + FR_XMM + 160(%rdi)
	movdqu	%xmm11, FR_SIZE + FR_XMM + 176(%rdi)
	movdqu	%xmm12, FR_SIZE + FR_XMM + 192(%rdi)
	movdqu	%xmm13, FR_SIZE + FR_XMM + 208(%rdi)
	movdqu	%xmm14, FR_SIZE + FR_XMM + 224(%rdi)
	movdqu	%xmm15, FR_SIZE + FR_XMM + 240(%rdi)
	pushq	$0x2
	popfq
	movq	fuzz_rsp(%rip), %rax
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret

	.bss
	.balign 8
fuzz_io:
	.skip	8
fuzz_rsp:
	.skip	8
