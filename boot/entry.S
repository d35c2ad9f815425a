/* 32-bit Multiboot2 entry: GRUB leaves us in flat protected mode, paging
 * off, EAX = loader magic, EBX = physical address of the boot information.
 * We build an identity map of the low 4 GiB with 2 MiB pages, enter long
 * mode and call hv_main(magic, info).  mm/ replaces these tables with the
 * full direct map once the memory map is known. */
#include "arch-x86/regs.h"

#define BOOT_STACK_SIZE 16384
#define COM1 0x3f8

	.section .boot.text, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl	$boot_stack_top, %esp
	movl	%eax, %edi		/* magic, kept for hv_main */
	movl	%ebx, %esi		/* info pointer */
	rdtsc				/* for the boot-to-first-VM figure */
	movl	%eax, boot_tsc
	movl	%edx, boot_tsc + 4

	/* Clear .bss (the page tables below live there; the stack does not). */
	movl	%edi, %ebp
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb
	movl	%ebp, %edi

	/* Long mode present?  CPUID.80000001h:EDX.LM (bit 29). */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	btl	$29, %edx
	jnc	no_long_mode

	/* PML4[0] -> PDPT, PDPT[0..3] -> four PDs of 2 MiB pages (0..4 GiB). */
	movl	$boot_pdpt, %eax
	orl	$(PTE_P | PTE_RW), %eax
	movl	%eax, boot_pml4

	movl	$boot_pd, %eax
	orl	$(PTE_P | PTE_RW), %eax
	xorl	%ecx, %ecx
1:	movl	%eax, boot_pdpt(, %ecx, 8)
	addl	$4096, %eax
	incl	%ecx
	cmpl	$4, %ecx
	jne	1b

	xorl	%ecx, %ecx			/* entry index 0..2047 */
2:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$(PTE_P | PTE_RW | PTE_PS), %eax
	movl	%eax, boot_pd(, %ecx, 8)
	movl	%ecx, %eax
	shrl	$11, %eax			/* bits 32+ of the address */
	movl	%eax, boot_pd + 4(, %ecx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jne	2b

	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3

	movl	%edi, %ebp
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%ebp, %edi

	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_PE | CR0_WP), %eax
	movl	%eax, %cr0

	lgdt	boot_gdt_desc
	ljmp	$0x08, $long_mode_entry

no_long_mode:
	movl	$no_lm_msg, %esi
3:	lodsb
	testb	%al, %al
	jz	4f
	movw	$COM1, %dx
	outb	%al, %dx
	jmp	3b
4:	hlt
	jmp	4b

	/* 64-bit entry of a boot_info loader (lib/boot_handover.h): long
	 * mode on the loader's identity map, EDI = BOOT_HANDOVER_MAGIC, RSI =
	 * the hand-over block below 4 GiB.  From here on the state is the one
	 * the 32-bit path reaches: our own tables, GDT and stack. */
	.code64
	.globl _start64
_start64:
	cli
	cld
	movl	%edi, %r12d
	movq	%rsi, %r13
	rdtsc
	movl	%eax, boot_tsc
	movl	%edx, boot_tsc + 4

	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb

	/* The same 4 GiB identity map as the 32-bit path builds. */
	movl	$boot_pdpt, %eax
	orl	$(PTE_P | PTE_RW), %eax
	movq	%rax, boot_pml4

	movl	$boot_pd, %eax
	orl	$(PTE_P | PTE_RW), %eax
	xorl	%ecx, %ecx
1:	movq	%rax, boot_pdpt(, %rcx, 8)
	addq	$4096, %rax
	incl	%ecx
	cmpl	$4, %ecx
	jne	1b

	xorl	%ecx, %ecx
2:	movq	%rcx, %rax
	shlq	$21, %rax
	orq	$(PTE_P | PTE_RW | PTE_PS), %rax
	movq	%rax, boot_pd(, %rcx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jne	2b

	/* Firmware may have global pages on: clearing CR4.PGE flushes them
	 * too (SDM 4.10.4.1), so no firmware translation outlives the
	 * switch.  PCIDE off first, CR3's low bits are then flags. */
	movq	%cr4, %rax
	andq	$~(CR4_PGE | CR4_PCIDE), %rax
	movq	%rax, %cr4
	movl	$boot_pml4, %eax
	movq	%rax, %cr3
	movq	%cr0, %rax
	orl	$CR0_WP, %eax
	movq	%rax, %cr0

	lgdt	boot_gdt_desc64
	pushq	$0x08
	pushq	$3f
	lretq
3:	movl	%r12d, %edi
	movl	%r13d, %esi
	jmp	long_mode_entry

long_mode_entry:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs
	movq	$boot_stack_top, %rsp
	xorl	%ebp, %ebp			/* ends the backtrace chain */
	/* %edi = magic, %esi = info (zero-extended by the 32-bit moves). */
	movl	%edi, %edi
	movl	%esi, %esi
	call	hv_main
5:	cli
	hlt
	jmp	5b

	.section .data
	.balign 8
	.globl boot_tsc
boot_tsc:
	.quad 0

	.section .rodata
no_lm_msg:
	.asciz "hypervisor: this CPU has no 64-bit long mode, halting\r\n"

	.balign 8
boot_gdt:
	.quad 0
	.quad GDT_CODE64
	.quad GDT_DATA
boot_gdt_end:
boot_gdt_desc:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt
boot_gdt_desc64:
	.short boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

	.section .bss
	.balign 4096
	.globl boot_pml4
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4 * 4096

	/* Out of .bss (not cleared), with a guard page under it that
	 * arch-x86/stack.c unmaps once the host page tables are live. */
	.section .stacks, "aw", @nobits
	.balign 4096
	.globl boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard:
	.skip 4096
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:
