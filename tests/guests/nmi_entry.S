/* nmi_test: vCPU 0's NMI gate (the runtime treats an NMI as a fault).
 * The CPU aligned RSP to 16 and pushed 5 quadwords; the 9 saved here keep
 * the call ABI-aligned.  nmi_handler() gets the CPU's frame (RIP, CS,
 * RFLAGS, RSP, SS); the IRETQ at the end is what unblocks NMIs. */
	.text
	.code64
	.globl nmi_entry
nmi_entry:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	leaq	72(%rsp), %rdi
	cld
	call	nmi_handler
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rax
	iretq
