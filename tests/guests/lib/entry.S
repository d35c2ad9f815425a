/* Entry of a long64 test guest.  The hypervisor enters at the load address
 * in 64-bit mode with RDI = struct hv_start_info and RSP = the load address
 * (guest/include/hv_abi.h).  The linker script puts .text.entry first, so
 * _start is the image's first byte. */
#include "lib/layout.h"

	.section .text.entry, "ax"
	.code64
	.globl _start
_start:
	/* Record the handed-over state before changing any of it;
	 * entry_state is in .data because .bss is cleared below. */
	movq	%rdi, entry_state + ES_RDI(%rip)
	movq	%rsp, entry_state + ES_RSP(%rip)
	pushfq
	popq	entry_state + ES_RFLAGS(%rip)
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
