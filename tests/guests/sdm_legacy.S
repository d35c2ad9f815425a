/* sdm_conf's legacy phase: the rows that need the vCPU outside IA-32e
 * mode.  void sdm_legacy_run(void) leaves 64-bit mode through a 32-bit
 * code segment, turns paging off and clears EFER.LME (32-bit protected
 * mode, no paging), runs each case once under a 32-bit IDT whose
 * handlers record the vector and resume at the case's landing, and goes
 * back to 64-bit mode with the GDT, IDT, CR0/CR3/CR4 and stack it found.
 * sdm_leg_vec[i] is the vector case i raised (0xffffffff: none),
 * sdm_leg_val[i] what it read back; sdm_table.c's OP_LEGACY rows
 * compare them with the SDM. */

#define CS64 0x08
#define DS 0x10
#define CS32 0x18
#define CR0_PE 0x1
#define CR0_NE 0x20
#define CR0_NW 0x20000000
#define CR0_CD 0x40000000
#define CR0_PG 0x80000000
#define CR4_PAE 0x20
#define CR4_LA57 0x1000
#define CR4_PCIDE 0x20000
#define MSR_EFER 0xc0000080
#define EFER_LME 0x100
#define EFER_LMA 0x400
#define NONE 0xffffffff
#define STUB_SIZE 16

/* Runs 'insn' with the landing right after it; the vector (or NONE)
 * goes to sdm_leg_vec[idx].  Clobbers EAX (the handler) and EDX. */
.macro TRY idx, insn:vararg
	movl	$NONE, leg_vec
	movl	$.Lland\@, leg_landing
	\insn
.Lland\@:
	movl	leg_vec, %edx
	movl	%edx, sdm_leg_vec + 4 * \idx
.endm

/* TRY in compatibility mode, through the runtime's FAULT_TRY state
 * (lib/exc.c): fault_landing is cleared by the handler or here. */
.macro TRY64 idx, insn:vararg
	movl	fault_count, %edx
	movl	%edx, leg_count
	movl	$.Lland\@, fault_landing
	movl	$0, fault_landing + 4
	\insn
.Lland\@:
	movl	$0, fault_landing
	movl	$NONE, %edx
	movl	fault_count, %eax
	cmpl	leg_count, %eax
	je	.Lnone\@
	movl	fault_last, %edx	/* fault_last.vector, low half */
.Lnone\@:
	movl	%edx, sdm_leg_vec + 4 * \idx
.endm

/* sdm_leg_val[idx] = reg & mask */
.macro VAL idx, reg, mask
	andl	$\mask, \reg
	movl	\reg, sdm_leg_val + 4 * \idx
.endm

	.text
	.code64
	.globl sdm_legacy_run
sdm_legacy_run:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, saved_rsp(%rip)
	sgdt	saved_gdtr(%rip)
	sidt	saved_idtr(%rip)
	movq	%cr0, %rax
	movq	%rax, saved_cr0(%rip)
	movq	%cr3, %rax
	movq	%rax, saved_cr3(%rip)
	movq	%cr4, %rax
	movq	%rax, saved_cr4(%rip)
	lgdt	leg_gdtr(%rip)
	pushq	$CS32
	leaq	compat(%rip), %rax
	pushq	%rax
	lretq

	.code32
compat:
	movw	$DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	/* Still in IA-32e mode (compatibility mode): faults go through
	 * the runtime's 64-bit IDT (its gates name CS64 = 0x08 here too),
	 * whose handler resumes at fault_landing in this code segment. */
	/* 11, 12: clearing CR0.PG with CR4.PCIDE set: #GP, natively and
	 * with CD set (trapped).  Only where CPUID offers PCID. */
	movl	$1, %eax
	cpuid
	testl	$(1 << 17), %ecx
	jz	2f
	movl	%cr4, %ebx
	movl	%ebx, %eax
	orl	$CR4_PCIDE, %eax
	movl	%eax, %cr4
	movl	%cr0, %eax
	andl	$~CR0_PG, %eax
	TRY64	11, movl %eax, %cr0
	movl	%cr0, %eax
	VAL	11, %eax, CR0_PG
	movl	%cr0, %eax
	andl	$~CR0_PG, %eax
	orl	$CR0_CD, %eax
	TRY64	12, movl %eax, %cr0
	movl	%cr0, %eax
	VAL	12, %eax, (CR0_PG | CR0_CD)
	movl	%ebx, %cr4
2:
	/* Out of IA-32e mode: paging off (from compatibility mode), then
	 * EFER.LME off. */
	movl	%cr0, %eax
	andl	$~CR0_PG, %eax
	movl	%eax, %cr0
	movl	$MSR_EFER, %ecx
	rdmsr
	andl	$~EFER_LME, %eax
	wrmsr

	/* The 32-bit IDT: vector n to stub n. */
	movl	$leg_stubs, %esi
	xorl	%ecx, %ecx
1:	movl	%esi, %eax
	andl	$0xffff, %eax
	orl	$(CS32 << 16), %eax
	movl	%eax, leg_idt(, %ecx, 8)
	movl	%esi, %eax
	andl	$0xffff0000, %eax
	orl	$0x8e00, %eax
	movl	%eax, leg_idt + 4(, %ecx, 8)
	addl	$STUB_SIZE, %esi
	incl	%ecx
	cmpl	$32, %ecx
	jb	1b
	lidt	leg_idtr

	movl	%cr0, %ebp		/* CR0 and CR4 of protected mode */
	movl	%cr4, %ebx

	/* 0: CR4.PCIDE outside IA-32e mode: #GP */
	movl	%ebx, %eax
	orl	$CR4_PCIDE, %eax
	TRY	0, movl %eax, %cr4
	movl	%cr4, %eax
	VAL	0, %eax, CR4_PCIDE
	movl	%ebx, %cr4

	/* 1: CR4.PAE cleared outside IA-32e mode: allowed */
	movl	%ebx, %eax
	andl	$~CR4_PAE, %eax
	TRY	1, movl %eax, %cr4
	movl	%cr4, %eax
	VAL	1, %eax, CR4_PAE
	movl	%ebx, %cr4

	/* 2: EFER.LME set with paging off: allowed, LMA stays clear */
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	TRY	2, wrmsr
	movl	$MSR_EFER, %ecx
	rdmsr
	VAL	2, %eax, (EFER_LME | EFER_LMA)

	/* 3: CR0.PG with EFER.LME but CR4.PAE clear: #GP */
	movl	%ebx, %eax
	andl	$~CR4_PAE, %eax
	movl	%eax, %cr4
	movl	%ebp, %eax
	orl	$CR0_PG, %eax
	TRY	3, movl %eax, %cr0
	movl	%cr0, %eax
	VAL	3, %eax, CR0_PG

	/* 4: the same with CD set, so that the write traps: #GP */
	movl	%ebp, %eax
	orl	$(CR0_PG | CR0_CD), %eax
	TRY	4, movl %eax, %cr0
	movl	%cr0, %eax
	VAL	4, %eax, (CR0_PG | CR0_CD)
	movl	%ebx, %cr4

	/* 5: CR4.LA57 outside IA-32e mode (not offered): #GP */
	movl	%ebx, %eax
	orl	$CR4_LA57, %eax
	TRY	5, movl %eax, %cr4
	movl	%cr4, %eax
	VAL	5, %eax, CR4_LA57
	movl	%ebx, %cr4

	/* 6: CR0.NW without CD: #GP */
	movl	%ebp, %eax
	orl	$CR0_NW, %eax
	TRY	6, movl %eax, %cr0
	movl	%cr0, %eax
	VAL	6, %eax, CR0_NW

	/* 7: CR0.PG without PE: #GP */
	movl	%ebp, %eax
	andl	$~CR0_PE, %eax
	orl	$CR0_PG, %eax
	TRY	7, movl %eax, %cr0
	movl	%cr0, %eax
	VAL	7, %eax, (CR0_PG | CR0_PE)

	/* 8: CR0.CD set (trapped) in protected mode: allowed */
	movl	%ebp, %eax
	orl	$CR0_CD, %eax
	TRY	8, movl %eax, %cr0
	movl	%cr0, %eax
	VAL	8, %eax, (CR0_CD | CR0_PG)
	movl	%ebp, %cr0

	/* 9: CR0.NE cleared (trapped) in protected mode: allowed */
	movl	%ebp, %eax
	andl	$~CR0_NE, %eax
	TRY	9, movl %eax, %cr0
	movl	%cr0, %eax
	VAL	9, %eax, CR0_NE
	movl	%ebp, %cr0

	/* 10: EFER.LME cleared with paging off: allowed */
	movl	$MSR_EFER, %ecx
	rdmsr
	andl	$~EFER_LME, %eax
	TRY	10, wrmsr
	movl	$MSR_EFER, %ecx
	rdmsr
	VAL	10, %eax, (EFER_LME | EFER_LMA)

	/* Back: PAE and the page tables, LME, paging (compatibility mode),
	 * then the 64-bit code segment. */
	movl	saved_cr4, %eax
	movl	%eax, %cr4
	movl	saved_cr3, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	saved_cr0, %eax
	movl	%eax, %cr0
	ljmp	$CS64, $long64

	.code64
long64:
	lgdt	saved_gdtr(%rip)
	pushq	$CS64
	leaq	1f(%rip), %rax
	pushq	%rax
	lretq
1:	movw	$DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	lidt	saved_idtr(%rip)
	movq	saved_rsp(%rip), %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret

	.code32
	.balign STUB_SIZE
leg_stubs:
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.balign STUB_SIZE
	.if (\v == 8) || ((\v >= 10) && (\v <= 14)) || (\v == 17) || (\v == 21)
	.else
	pushl	$0
	.endif
	pushl	$\v
	jmp	leg_common
.endr

/* Records the vector and resumes at the landing, error code dropped. */
leg_common:
	popl	%eax
	movl	%eax, leg_vec
	addl	$4, %esp
	movl	leg_landing, %eax
	movl	%eax, (%esp)
	iretl

	.data
	.balign 8
leg_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* CS64: 64-bit code, flat */
	.quad	0x00cf92000000ffff	/* DS: flat data */
	.quad	0x00cf9a000000ffff	/* CS32: 32-bit code, flat */
leg_gdt_end:
	.balign 8
	.word	0, 0, 0
leg_gdtr:
	.word	leg_gdt_end - leg_gdt - 1
	.quad	leg_gdt
	.balign 8
	.word	0, 0, 0
leg_idtr:				/* 32-bit form: 6 bytes */
	.word	32 * 8 - 1
	.long	leg_idt
	.balign 8
	.word	0, 0, 0
saved_gdtr:
	.word	0
	.quad	0
	.balign 8
	.word	0, 0, 0
saved_idtr:
	.word	0
	.quad	0
	.balign 8
saved_rsp:	.quad	0
saved_cr0:	.quad	0
saved_cr3:	.quad	0
saved_cr4:	.quad	0
leg_vec:	.long	0
leg_count:	.long	0
leg_landing:	.long	0
	.globl sdm_leg_vec, sdm_leg_val
sdm_leg_vec:	.fill	16, 4, 0xffffffff
sdm_leg_val:	.fill	16, 4, 0

	.bss
	.balign 8
leg_idt:
	.skip	32 * 8
