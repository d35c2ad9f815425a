/* vmx_run_guest: RDI = struct guest_regs *, SIL = launched; returns EAX.
 *
 * Not a C function: vmx/run.c calls it from inline assembly that declares
 * every general register but RBP and RSP clobbered, so the compiler keeps
 * only what it needs across the guest's run instead of this stub saving
 * all callee-saved registers on every round trip.  The stub saves RBP,
 * points HOST_RSP at this frame, loads the guest GPRs and enters the
 * guest.  A VM exit lands at vmx_exit, which stores the guest registers
 * the C calling convention may clobber (and RBX) and calls the vCPU's
 * fast handler (arch-x86/hwvirt.h, "fast exit path"): C code keeps the
 * guest's RBP and R12-R15 in place, so an exit it handles costs neither
 * their stores nor their loads, and the guest is resumed from here.
 * Otherwise the rest is stored and the vCPU's exit_result (0, or 3 with
 * APIC virtualization), or VMX_RUN_HANDLED, goes back to the C caller.
 * If VMLAUNCH/VMRESUME fails, execution falls through to the failure path,
 * which returns 1 (VMfailInvalid) or 2 (VMfailValid).
 *
 * Frame at HOST_RSP: regs, regs (so that the fast handler is called with
 * a 16-byte aligned stack), the host's RBP, the return address. */
#include "vmx/asm-offsets.h"

	.text
	.globl vmx_run_guest
vmx_run_guest:
	pushq	%rbp
	pushq	%rdi			/* regs, found again at (%rsp) on exit */
	pushq	%rdi

	/* HOST_RIP is fixed (vmcs.c); HOST_RSP only when this frame moved. */
	cmpq	%rsp, GR_HOST_RSP(%rdi)
	je	1f
	movq	%rsp, GR_HOST_RSP(%rdi)
	movq	$VMCS_HOST_RSP, %rax
	vmwrite	%rsp, %rax
	jbe	.Lfail_early
1:

	testb	%sil, %sil

	movq	GR_RAX(%rdi), %rax
	movq	GR_RCX(%rdi), %rcx
	movq	GR_RDX(%rdi), %rdx
	movq	GR_RBX(%rdi), %rbx
	movq	GR_RBP(%rdi), %rbp
	movq	GR_RSI(%rdi), %rsi
	movq	GR_R8(%rdi), %r8
	movq	GR_R9(%rdi), %r9
	movq	GR_R10(%rdi), %r10
	movq	GR_R11(%rdi), %r11
	movq	GR_R12(%rdi), %r12
	movq	GR_R13(%rdi), %r13
	movq	GR_R14(%rdi), %r14
	movq	GR_R15(%rdi), %r15
	movq	GR_RDI(%rdi), %rdi	/* flags from testb survive the moves */
	jnz	.Lresume
	vmlaunch
	jmp	.Lfail
.Lresume:
	vmresume
.Lfail:
	/* RFLAGS tells which failure; keep it while restoring the host. */
	setz	%al			/* ZF: VMfailValid, CF: VMfailInvalid */
	movzbl	%al, %eax
	incl	%eax			/* 2 = valid, 1 = invalid */
	jmp	.Lfail_ret

.Lfail_early:
	movl	$1, %eax
.Lfail_ret:
	addq	$16, %rsp
	popq	%rbp
	ret

	.globl vmx_exit
vmx_exit:
	/* RSP = HOST_RSP: the saved regs pointer is on top. */
	pushq	%rdi
	movq	8(%rsp), %rdi
	movq	%rax, GR_RAX(%rdi)
	movq	%rcx, GR_RCX(%rdi)
	movq	%rdx, GR_RDX(%rdi)
	movq	%rbx, GR_RBX(%rdi)
	movq	%rsi, GR_RSI(%rdi)
	movq	%r8, GR_R8(%rdi)
	movq	%r9, GR_R9(%rdi)
	movq	%r10, GR_R10(%rdi)
	movq	%r11, GR_R11(%rdi)
	popq	GR_RDI(%rdi)		/* the guest's RDI, pushed above */
	movq	GR_FAST_FN(%rdi), %rax
	testq	%rax, %rax
	jz	.Lslow
	movq	GR_FAST_CTX(%rdi), %rdi
	call	*%rax
	movq	(%rsp), %rdi
	testl	%eax, %eax		/* FAST_RESUME */
	jnz	.Lhandled
	movq	GR_RAX(%rdi), %rax
	movq	GR_RCX(%rdi), %rcx
	movq	GR_RDX(%rdi), %rdx
	movq	GR_RBX(%rdi), %rbx
	movq	GR_RSI(%rdi), %rsi
	movq	GR_R8(%rdi), %r8
	movq	GR_R9(%rdi), %r9
	movq	GR_R10(%rdi), %r10
	movq	GR_R11(%rdi), %r11
	movq	GR_RDI(%rdi), %rdi
	vmresume
	jmp	.Lfail

.Lhandled:
	cmpl	$FAST_NO, %eax
	movl	$RUN_HANDLED, %eax	/* FAST_DONE; MOV leaves the flags */
	jne	.Lstore_rest
.Lslow:
	movl	GR_EXIT_RESULT(%rdi), %eax	/* regs is in struct vmx_vcpu */
.Lstore_rest:
	/* RBX is in memory already, and the fast handler may have changed
	 * it there (CPUID). */
	movq	%rbp, GR_RBP(%rdi)
	movq	%r12, GR_R12(%rdi)
	movq	%r13, GR_R13(%rdi)
	movq	%r14, GR_R14(%rdi)
	movq	%r15, GR_R15(%rdi)
	addq	$16, %rsp
	popq	%rbp
	ret
