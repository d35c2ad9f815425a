/* mbkern: the Multiboot header and the 32-bit entry of the test kernel
 * (mbkern.c).  Assembled twice: MBKERN_VERSION 2 gives mbkern.elf, with a
 * Multiboot2 header only; MBKERN_VERSION 1 gives mbkern1.elf, with a
 * Multiboot (0.6.96) header only, so that each build tests one loader
 * (the hypervisor prefers a Multiboot2 header when both are present).
 *
 * Entry (both specifications): 32-bit protected mode, paging off, flat
 * segments, EAX = the boot loader's magic, EBX = the information block,
 * interrupts off, ESP undefined.  No segment register is touched here, so
 * the loader's GDT, valid or not, is never read. */

#ifndef MBKERN_VERSION
#error "MBKERN_VERSION must be 1 or 2"
#endif

#define MB1_MAGIC 0x1badb002
#define MB1_FLAGS 0x00000003	/* page-aligned modules, memory information */

#define MB2_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0
#define MB2_TAG_END 0
#define MB2_TAG_INFO_REQ 1
#define MB2_INFO_CMDLINE 1
#define MB2_INFO_MODULE 3
#define MB2_INFO_MMAP 6

	.section .multiboot, "a"
#if MBKERN_VERSION == 2
	.balign 8
mb2_header:
	.long	MB2_MAGIC
	.long	MB2_ARCH_I386
	.long	mb2_header_end - mb2_header
	/* magic + architecture + length + checksum = 0 (mod 2^32) */
	.long	0x100000000 - (MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* Information request (required): what the checks need. */
	.balign 8
1:	.word	MB2_TAG_INFO_REQ
	.word	0
	.long	2f - 1b
	.long	MB2_INFO_CMDLINE
	.long	MB2_INFO_MMAP
	.long	MB2_INFO_MODULE
2:	.balign 8
	.word	MB2_TAG_END
	.word	0
	.long	8
mb2_header_end:
#elif MBKERN_VERSION == 1
	.balign 4
mb1_header:
	.long	MB1_MAGIC
	.long	MB1_FLAGS
	.long	0x100000000 - (MB1_MAGIC + MB1_FLAGS)	/* sum = 0 */
#else
#error "MBKERN_VERSION must be 1 or 2"
#endif

	.section .rodata
	.globl mbkern_version
mbkern_version:
	.long	MBKERN_VERSION

	.text
	.code32
	.globl _start
_start:
	/* MOV changes no flag: EFLAGS is still the loader's when saved. */
	movl	$mbkern_stack_top, %esp
	pushfl
	popl	mbkern_entry_eflags
	movl	%eax, mbkern_entry_eax
	movl	%ebx, mbkern_entry_ebx
	movl	%cr0, %ecx
	movl	%ecx, mbkern_entry_cr0
	movw	%cs, mbkern_entry_cs
	movw	%ds, mbkern_entry_ds
	cld
	subl	$8, %esp	/* 16-byte aligned at the call */
	pushl	%ebx
	pushl	%eax
	call	mbkern_main
1:	cli
	hlt
	jmp	1b

	.bss
	.balign 16
	.skip	16384
mbkern_stack_top:
