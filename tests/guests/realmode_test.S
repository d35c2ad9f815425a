/* realmode_test: starts in the real-mode start-of-day state (CS = DS = ES
 * = SS = 0, IP = SP = 0x8000), prints through COM1, makes a VMCALL, then
 * does what a boot loader does: its own GDT, protected mode, its own page
 * tables, long mode.  realmode_main.c takes over in 64-bit mode.  Each
 * mode's VMCALL result is left for the C part to check. */

#define COM1_THR 0x3f8
#define COM1_LSR 0x3fd
#define LSR_THRE 0x20

#define HC_VERSION 0
#define CR0_PE 0x1
#define CR0_PG 0x80000000
#define CR4_PAE 0x20
#define MSR_EFER 0xc0000080
#define EFER_LME 0x100
#define PTE_P_RW 0x3
#define PDE_2M 0x83	/* present, writable, page size */

#define SEL_CODE32 0x08
#define SEL_DATA 0x10
#define SEL_CODE64 0x18

	.section .text.entry, "ax"

	.code16
	.globl rm_start
rm_start:
	cli
	cld
	/* Record the start-of-day state for realmode_main.c (DS is made 0
	 * first so that the stores land where the C part looks). */
	xorw	%ax, %ax
	movw	%ax, %ds
	movw	%sp, rm_entry_sp
	movw	%cs, rm_entry_cs
	movl	%edx, rm_entry_edx
	movl	%cr0, %eax
	movl	%eax, rm_entry_cr0
	xorw	%ax, %ax
	movw	%ax, %es
	movw	%ax, %ss
	movw	$rm_start, %sp

	movw	$msg_real, %si
	call	puts16

	movl	$HC_VERSION, %eax
	vmcall
	movl	%eax, rm_version

	lgdtl	gdt_desc
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$SEL_CODE32, $pm_start

/* puts16: prints the NUL-terminated string at DS:SI. */
puts16:
	lodsb
	testb	%al, %al
	jz	2f
	movb	%al, %ah
	movw	$COM1_LSR, %dx
1:	inb	%dx, %al
	testb	$LSR_THRE, %al
	jz	1b
	movw	$COM1_THR, %dx
	movb	%ah, %al
	outb	%al, %dx
	jmp	puts16
2:	ret

	.code32
pm_start:
	movw	$SEL_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	movl	$rm_start, %esp

	movl	$msg_prot, %esi
	call	puts32

	movl	$HC_VERSION, %eax
	vmcall
	movl	%eax, pm_version

	/* .bss holds the page tables, so clear it before building them. */
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb

	/* Identity-map the first GiB with 2 MiB pages. */
	movl	$rm_pdpt + PTE_P_RW, rm_pml4
	movl	$rm_pd + PTE_P_RW, rm_pdpt
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$PDE_2M, %eax
	movl	%eax, rm_pd(, %ecx, 8)
	incl	%ecx
	cmpl	$512, %ecx
	jne	1b

	/* SDM vol. 3 10.8.5: PAE, CR3, EFER.LME, then CR0.PG. */
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$rm_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$CR0_PG, %eax
	movl	%eax, %cr0
	ljmpl	$SEL_CODE64, $lm_start

/* puts32: prints the NUL-terminated string at DS:ESI. */
puts32:
	lodsb
	testb	%al, %al
	jz	2f
	movb	%al, %ah
	movw	$COM1_LSR, %dx
1:	inb	%dx, %al
	testb	$LSR_THRE, %al
	jz	1b
	movw	$COM1_THR, %dx
	movb	%ah, %al
	outb	%al, %dx
	jmp	puts32
2:	ret

	.code64
lm_start:
	movw	$SEL_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	leaq	rm_stack_top(%rip), %rsp
	call	realmode_main
1:	hlt
	jmp	1b

	/* Everything the 16-bit code addresses sits below 64 KiB. */
	.section .data16, "aw"
	.balign 8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: code, 32-bit, flat */
	.quad	0x00cf92000000ffff	/* 0x10: data, flat */
	.quad	0x00af9a000000ffff	/* 0x18: code, 64-bit */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt

	.globl rm_version, pm_version, rm_entry_cr0, rm_entry_edx
	.globl rm_entry_sp, rm_entry_cs
	.balign 4
rm_version:
	.long	0xffffffff
pm_version:
	.long	0xffffffff
rm_entry_cr0:
	.long	0
rm_entry_edx:
	.long	0
rm_entry_sp:
	.word	0xffff
rm_entry_cs:
	.word	0xffff

msg_real:
	.asciz	"realmode_test: hello from real mode\n"
msg_prot:
	.asciz	"realmode_test: hello from protected mode\n"

	.bss
	.balign 4096
	.globl rm_pml4
rm_pml4:
	.skip	4096
rm_pdpt:
	.skip	4096
rm_pd:
	.skip	4096
	.balign 16
	.skip	16384
rm_stack_top:
