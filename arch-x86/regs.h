/* Architectural register bits and MSR numbers (Intel SDM vol. 3).  Usable
 * from C and from assembly. */
#ifndef ARCH_X86_REGS_H
#define ARCH_X86_REGS_H

#ifdef __ASSEMBLER__
#define _BITUL(n) (1 << (n))
#define _BITULL(n) (1 << (n))
#else
#define _BITUL(n) (1UL << (n))
#define _BITULL(n) (1ULL << (n))
#endif

/* CR0 */
#define CR0_PE _BITUL(0)
#define CR0_MP _BITUL(1)
#define CR0_EM _BITUL(2)
#define CR0_TS _BITUL(3)
#define CR0_ET _BITUL(4)
#define CR0_NE _BITUL(5)
#define CR0_WP _BITUL(16)
#define CR0_AM _BITUL(18)
#define CR0_NW _BITUL(29)
#define CR0_CD _BITUL(30)
#define CR0_PG 0x80000000

/* CR4 */
#define CR4_VME _BITUL(0)
#define CR4_PVI _BITUL(1)
#define CR4_TSD _BITUL(2)
#define CR4_DE _BITUL(3)
#define CR4_PSE _BITUL(4)
#define CR4_PAE _BITUL(5)
#define CR4_MCE _BITUL(6)
#define CR4_PGE _BITUL(7)
#define CR4_PCE _BITUL(8)
#define CR4_OSFXSR _BITUL(9)
#define CR4_OSXMMEXCPT _BITUL(10)
#define CR4_UMIP _BITUL(11)
#define CR4_LA57 _BITUL(12)
#define CR4_VMXE _BITUL(13)
#define CR4_SMXE _BITUL(14)
#define CR4_FSGSBASE _BITUL(16)
#define CR4_PCIDE _BITUL(17)
#define CR4_OSXSAVE _BITUL(18)
#define CR4_SMEP _BITUL(20)
#define CR4_SMAP _BITUL(21)
/* The CR4 bits a guest may own; every other bit (VMXE, SMXE, PKE, CET,
 * LA57, ...) is reserved in its view: a write setting one traps and is
 * #GP, as CPUID does not offer the feature. */
#define CR4_GUEST_BITS (CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | \
			CR4_PAE | CR4_MCE | CR4_PGE | CR4_PCE | CR4_OSFXSR | \
			CR4_OSXMMEXCPT | CR4_UMIP | CR4_FSGSBASE | CR4_PCIDE | \
			CR4_OSXSAVE | CR4_SMEP | CR4_SMAP)

/* EFER */
#define MSR_EFER 0xc0000080
#define EFER_SCE _BITUL(0)
#define EFER_LME _BITUL(8)
#define EFER_LMA _BITUL(10)
#define EFER_NXE _BITUL(11)

/* RFLAGS */
#define RFLAGS_CF _BITUL(0)
#define RFLAGS_FIXED _BITUL(1)
#define RFLAGS_ZF _BITUL(6)
#define RFLAGS_TF _BITUL(8)
#define RFLAGS_IF _BITUL(9)
#define RFLAGS_DF _BITUL(10)
#define RFLAGS_IOPL (3UL << 12)
#define RFLAGS_VM _BITUL(17)

/* Page-table entry bits (host paging, 4-level): PTE_P ... PTE_NX. */
#include "mm/pte.h"

/* GDT descriptors: 64-bit code (L=1, P, DPL0, type code/read) and data. */
#define GDT_CODE64 0x00af9a000000ffff
#define GDT_DATA 0x00cf92000000ffff

/* MSRs */
#define MSR_IA32_TSC 0x10
#define MSR_IA32_APIC_BASE 0x1b
#define MSR_IA32_FEATURE_CONTROL 0x3a
#define MSR_IA32_TSC_ADJUST 0x3b
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MISC_ENABLE_FAST_STRINGS BIT(0)
#define MISC_ENABLE_BTS_UNAVAIL BIT(11)
#define MISC_ENABLE_PEBS_UNAVAIL BIT(12)
#define MISC_ENABLE_LIMIT_CPUID BIT(22) /* CPUID.0:EAX reads at most 2 */
#define MSR_IA32_PAT 0x277
#define MSR_IA32_DEBUGCTL 0x1d9
#define MSR_IA32_XSS 0xda0
#define MSR_IA32_VMX_BASIC 0x480
#define MSR_IA32_VMX_PINBASED_CTLS 0x481
#define MSR_IA32_VMX_PROCBASED_CTLS 0x482
#define MSR_IA32_VMX_EXIT_CTLS 0x483
#define MSR_IA32_VMX_ENTRY_CTLS 0x484
#define MSR_IA32_VMX_MISC 0x485
#define MSR_IA32_VMX_CR0_FIXED0 0x486
#define MSR_IA32_VMX_CR0_FIXED1 0x487
#define MSR_IA32_VMX_CR4_FIXED0 0x488
#define MSR_IA32_VMX_CR4_FIXED1 0x489
#define MSR_IA32_VMX_VMCS_ENUM 0x48a
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP 0x48c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS 0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS 0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS 0x490
#define MSR_IA32_VMX_VMFUNC 0x491
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103

/* IA32_FEATURE_CONTROL */
#define FEATURE_CONTROL_LOCK _BITUL(0)
#define FEATURE_CONTROL_VMX_IN_SMX _BITUL(1)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX _BITUL(2)

#endif
