/* Entry of a long64 test guest.  Every vCPU enters here in 64-bit mode
 * with RDI = struct hv_start_info, RSI = its vCPU number and RSP = the
 * load address - number * HV_VCPU_STACK (guest/include/hv_abi.h).  The
 * linker script puts .text.entry first, so _start is the image's first
 * byte.
 *
 * vCPU 0 records the handed-over state, clears .bss and calls guest_main.
 * Any other vCPU records its own entry in rt_smp_boot and waits until
 * vCPU 0 calls smp_start(), then runs rt_secondary_main (lib/smp.c). */
#include "lib/layout.h"

	.section .text.entry, "ax"
	.code64
	.globl _start
_start:
	/* RFLAGS first: TEST below changes it.  The stack is per vCPU. */
	pushfq
	testq	%rsi, %rsi
	jnz	secondary_start

	/* Record the handed-over state before changing any of it;
	 * entry_state is in .data because .bss is cleared below. */
	popq	entry_state + ES_RFLAGS(%rip)
	movq	%rdi, entry_state + ES_RDI(%rip)
	movq	%rsp, entry_state + ES_RSP(%rip)
	movq	%cr0, %rax
	movq	%rax, entry_state + ES_CR0(%rip)
	movq	%cr3, %rax
	movq	%rax, entry_state + ES_CR3(%rip)
	movq	%cr4, %rax
	movq	%rax, entry_state + ES_CR4(%rip)
	movw	%cs, entry_state + ES_CS(%rip)
	movw	%ds, entry_state + ES_DS(%rip)
	movw	%es, entry_state + ES_ES(%rip)
	movw	%ss, entry_state + ES_SS(%rip)
	movw	%fs, entry_state + ES_FS(%rip)
	movw	%gs, entry_state + ES_GS(%rip)
	sgdt	entry_state + ES_GDTR(%rip)
	sidt	entry_state + ES_IDTR(%rip)
	rdtsc
	shlq	$32, %rdx
	orq	%rdx, %rax
	movq	%rax, rt_smp_boot + SB_TSC(%rip)

	/* The loader copies only the file; .bss holds whatever RAM held. */
	cld
	movq	%rdi, %rdx
	leaq	__bss_start(%rip), %rdi
	leaq	__bss_end(%rip), %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb
	movq	%rdx, %rdi
	movq	%rdi, start_info(%rip)

	andq	$-16, %rsp
	call	guest_main
	movl	%eax, %edi
	call	guest_exit
1:	hlt
	jmp	1b

/* vCPU RSI != 0: nothing here may touch .bss, which vCPU 0 may not have
 * cleared yet; rt_smp_boot and rt_smp_go live in .data. */
secondary_start:
	popq	%rax
	cmpq	$RT_MAX_VCPUS, %rsi
	jae	secondary_park
	movq	%rsi, %rbx
	shlq	$SB_SHIFT, %rbx
	leaq	rt_smp_boot(%rip), %rcx
	addq	%rcx, %rbx
	movq	%rax, SB_RFLAGS(%rbx)
	movq	%rsp, SB_RSP(%rbx)
	movq	%rdi, SB_RDI(%rbx)
	rdtsc
	shlq	$32, %rdx
	orq	%rdx, %rax
	movq	%rax, SB_TSC(%rbx)
	/* Until vCPU 0 releases us: give the pCPU away, it may be the one
	 * vCPU 0 is waiting for.  VMCALL preserves every register but RAX. */
2:	cmpl	$0, rt_smp_go(%rip)
	jne	3f
	pause
	movl	$RT_HC_YIELD, %eax
	vmcall
	jmp	2b
3:	andq	$-16, %rsp
	movq	%rsi, %rdi
	call	rt_secondary_main
secondary_park:
	/* A vCPU the runtime has no room for: interrupts are off, so this
	 * HLT ends it for good (the hypervisor reports it). */
	cli
	hlt
	jmp	secondary_park
