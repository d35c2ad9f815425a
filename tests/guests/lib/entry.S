/* Entry of a long64 test guest.  Every vCPU enters here in 64-bit mode
 * with RDI = struct hv_start_info, RSI = its vCPU number and RSP = the
 * load address - number * HV_VCPU_STACK (guest/include/hv_abi.h).  The
 * linker script puts .text.entry first, so _start is the image's first
 * byte.
 *
 * vCPU 0 records the handed-over state, clears .bss and calls guest_main.
 * Any other vCPU records its own entry in rt_smp_boot and waits, halted,
 * until vCPU 0 calls smp_start(), then runs rt_secondary_main
 * (lib/smp.c). */
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
	/* Until vCPU 0 releases us, wait blocked in HLT, not spinning: a
	 * parked vCPU must cost its pCPU nothing.  The runtime's IDT is in
	 * .bss, so build a private one on this vCPU's own stack whose only
	 * gate, GRT_VEC_WAKE (smp_start sends it), leads to an IRETQ. */
	subq	$PARK_IDT_SIZE, %rsp
	andq	$-16, %rsp
	movq	%rsp, %rdi
	movl	$PARK_IDT_SIZE / 8, %ecx
	xorl	%eax, %eax
	cld
	rep stosq
	leaq	park_wake(%rip), %rax
	leaq	RT_VEC_WAKE * 16(%rsp), %rdi
	movw	%ax, 0(%rdi)			/* offset 15:0 */
	movw	$RT_SEL_CODE64, 2(%rdi)
	movw	$PARK_GATE_TYPE << 8, 4(%rdi)	/* IST 0; P, DPL 0, 64-bit interrupt gate */
	shrq	$16, %rax
	movw	%ax, 6(%rdi)			/* offset 31:16 */
	shrq	$16, %rax
	movl	%eax, 8(%rdi)			/* offset 63:32 */
	movq	%rsp, %rdi
	subq	$16, %rsp
	movw	$PARK_IDT_SIZE - 1, (%rsp)
	movq	%rdi, 2(%rsp)
	lidt	(%rsp)
	/* STI's shadow covers the HLT: a wake-up sent between the check
	 * and the HLT ends the HLT instead of being taken before it. */
2:	cli
	cmpl	$0, rt_smp_go(%rip)
	jne	3f
	sti
	hlt
	jmp	2b
	/* RSP is 16-byte aligned, below the private IDT, which stays
	 * intact until rt_secondary_main loads the runtime's. */
3:	movq	%rsi, %rdi
	call	rt_secondary_main
secondary_park:
	/* A vCPU the runtime has no room for: interrupts are off, so this
	 * HLT ends it for good (the hypervisor reports it). */
	cli
	hlt
	jmp	secondary_park

park_wake:
	iretq
