/* lapic_test: how vCPU 1 gets from a SIPI to C, and its NMI entry.
 *
 * The 16-bit part (ap_tramp_start .. ap_tramp_end) is only data in the
 * image: vCPU 0 copies it to AP_TRAMP_BASE and starts vCPU 1 there with
 * INIT and SIPI vector AP_SIPI_VECTOR, so it runs at CS = AP_SIPI_VECTOR
 * << 8, IP = 0.  It records CS and CR0 in its own copy, loads its flat
 * 32-bit GDT and enters protected mode in the image (ap_pm32).  From
 * there the code runs where it was linked: PAE, the hypervisor's boot
 * page tables, EFER.LME and the paging bits of vCPU 0's CR0 (all handed
 * over by vCPU 0 in ap_boot_*), then the hypervisor's boot GDT and a far
 * jump to its 64-bit code selector, a private stack and ap_main(). */
#include "lapic_ap.h"

	.section .rodata.ap_tramp, "a"
	.code16
	.globl ap_tramp_start, ap_tramp_end, ap_tramp_cs, ap_tramp_cr0
ap_tramp_start:
	cli
	cld
	movl	%cr0, %eax
	movw	%cs, %bx
	movw	%bx, %ds
	/* DS = CS: offsets from ap_tramp_start address this copy. */
	movl	%eax, ap_tramp_cr0 - ap_tramp_start
	movw	%bx, ap_tramp_cs - ap_tramp_start
	lgdtl	ap_tramp_gdtr - ap_tramp_start
	orl	$1, %eax		/* CR0.PE */
	movl	%eax, %cr0
	ljmpl	$AP_SEL_CODE32, $ap_pm32

	.balign 4
ap_tramp_gdtr:
	.word	ap_gdt_end - ap_gdt - 1
	.long	ap_gdt
	.balign 4
ap_tramp_cr0:
	.long	0xffffffff
ap_tramp_cs:
	.word	0xffff
ap_tramp_end:

	.section .rodata
	.balign 8
ap_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* AP_SEL_CODE32: 32-bit code, flat */
	.quad	0x00cf92000000ffff	/* AP_SEL_DATA32: data, flat */
ap_gdt_end:

	.text
	.code32
ap_pm32:
	movw	$AP_SEL_DATA32, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	/* SDM vol. 3 10.8.5: PAE and CR3, EFER.LME, then CR0.PG. */
	movl	ap_boot_cr4, %eax
	movl	%eax, %cr4
	movl	ap_boot_cr3, %eax
	movl	%eax, %cr3
	movl	$AP_MSR_EFER, %ecx
	rdmsr
	orl	ap_boot_efer, %eax
	wrmsr
	movl	ap_boot_cr0, %eax
	movl	%eax, %cr0
	/* IA-32e mode, still on the 32-bit code segment: switch to the
	 * hypervisor's boot GDT and its 64-bit code selector. */
	lgdtl	ap_hv_gdtr
	ljmpl	$AP_HV_SEL_CODE64, $ap_lm64

	.code64
ap_lm64:
	movl	$AP_HV_SEL_DATA, %eax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	leaq	ap_stack + AP_STACK_SIZE(%rip), %rsp
	call	ap_main
1:	cli
	hlt
	jmp	1b

/* vCPU 1's NMI gate (lapic_test.c puts it in vCPU 1's private IDT).  The
 * CPU aligned RSP to 16 and pushed 5 quadwords; 9 more keep the call
 * ABI-aligned.  ap_nmi_handler gets the CPU's frame (RIP, CS, RFLAGS,
 * RSP, SS). */
	.globl ap_nmi_entry
ap_nmi_entry:
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
	call	ap_nmi_handler
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
