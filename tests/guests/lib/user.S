/* uint64_t run_user(user_fn fn, uint64_t arg)
 *
 * Saves what the caller needs back (callee-saved registers, RSP, return
 * address) in user_ctx and IRETQs to CPL 3.  The user side calls fn(arg)
 * and hands the result back with INT $0x80, whose DPL-3 gate enters
 * exc_dispatch on the TSS's RSP0 stack; exc_dispatch rewrites that frame
 * to "return" from run_user with RAX = result (see user_return in exc.c). */
#include "lib/layout.h"

#define SEL_USER_DATA 0x1b
#define SEL_USER_CODE 0x23
#define RFLAGS_FIXED 0x2	/* bit 1 is always set; IF stays clear */

	.text
	.code64
	.globl run_user
run_user:
	movq	%rbx, user_ctx + UC_RBX(%rip)
	movq	%rbp, user_ctx + UC_RBP(%rip)
	movq	%r12, user_ctx + UC_R12(%rip)
	movq	%r13, user_ctx + UC_R13(%rip)
	movq	%r14, user_ctx + UC_R14(%rip)
	movq	%r15, user_ctx + UC_R15(%rip)
	movq	(%rsp), %rax
	movq	%rax, user_ctx + UC_RIP(%rip)
	leaq	8(%rsp), %rax
	movq	%rax, user_ctx + UC_RSP(%rip)

	movq	%rdi, %r12		/* fn, for the user side */
	movq	%rsi, %rdi		/* arg */
	pushq	$SEL_USER_DATA
	leaq	user_stack_top(%rip), %rax
	pushq	%rax
	pushq	$RFLAGS_FIXED
	pushq	$SEL_USER_CODE
	leaq	user_side(%rip), %rax
	pushq	%rax
	iretq

user_side:
	call	*%r12
	movq	%rax, %rdi
	int	$0x80
	ud2				/* not reached: exc_dispatch never resumes here */

	.bss
	.balign 16
user_stack:
	.skip	16384
user_stack_top:
