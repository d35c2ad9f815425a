/* sdm_conf's table: one row per case, in the order run (the LAPIC rows
 * move the machine from xAPIC to x2APIC mode and on, F_KEEP).  Fields
 * are described in sdm_conf.h; a row names the area, what it does, the
 * operation and its index (CR number, MSR, XCR, instruction), then the
 * operand as bits set/cleared in the current value (or F_ABS), the
 * starting state, the expected exception and what reads back.  The
 * expected outcomes are the Intel SDM's (vol. 2 instruction pages, vol. 3
 * chapters 2, 4, 10/11 (APIC), 13 (XSAVE), vol. 4 MSRs); "quirk:" notes
 * mark where Bochs 2.7 itself does otherwise for an instruction the
 * hypervisor does not see. */
#include "sdm_conf.h"

#define PE B(0)
#define MP B(1)
#define EM B(2)
#define TS B(3)
#define ET B(4)
#define NE B(5)
#define WP B(16)
#define AM B(18)
#define NW B(29)
#define CD B(30)
#define PG B(31)

#define MSR_TSC 0x10u
#define MSR_FEATURE_CONTROL 0x3au
#define MSR_TSC_ADJUST 0x3bu
#define MSR_SPEC_CTRL 0x48u
#define MSR_PRED_CMD 0x49u
#define MSR_UCODE_REV 0x8bu
#define MSR_PMC0 0xc1u
#define MSR_MTRRCAP 0xfeu
#define MSR_ARCH_CAPS 0x10au
#define MSR_SYSENTER_CS 0x174u
#define MSR_SYSENTER_ESP 0x175u
#define MSR_SYSENTER_EIP 0x176u
#define MSR_MCG_CAP 0x179u
#define MSR_MCG_STATUS 0x17au
#define MSR_MCG_CTL 0x17bu
#define MSR_MC0_STATUS 0x401u
#define MSR_MISC_ENABLE 0x1a0u
#define MSR_PAT 0x277u
#define MSR_MTRR_DEF_TYPE 0x2ffu
#define MSR_PERF_GLOBAL_CTRL 0x38fu
#define MSR_TSC_DEADLINE 0x6e0u
#define MSR_XSS 0xda0u
#define MSR_APIC_BASE 0x1bu
#define MSR_EFER 0xc0000080u
#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_CSTAR 0xc0000083u
#define MSR_SFMASK 0xc0000084u
#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u
#define MSR_KGS_BASE 0xc0000102u
#define MSR_TSC_AUX 0xc0000103u

#define EFER_SCE B(0)
#define EFER_LME B(8)
#define EFER_LMA B(10)
#define EFER_NXE B(11)
#define BASE_BSP B(8)
#define BASE_EXTD B(10)
#define BASE_EN B(11)

#define X2(reg) (0x800u + (reg))  /* x2APIC MSR of xAPIC offset reg << 4 */
#define NONCANON 0x8000000000000000ull
#define CANON 0x00007ffffffff000ull
#define PAT_DEFAULT 0x0007040600070406ull
#define ICR_SELF (1ull << 18)

#define SDM_CR "SDM vol. 2 MOV CR"
#define SDM_XSETBV "SDM vol. 1 13.3, vol. 2 XSETBV"
#define SDM_X2 "SDM vol. 3 11.12.1.2"
#define SDM_WRMSR "SDM vol. 2 WRMSR"

const struct row sdm_rows[] = {
	/* ---- CR0 (trapped when NE, CD, NW or bits 63:32 change) ---- */
	{ "cr0", "read: PE, ET, PG set", OP_RDCR, 0, .rb_set = PE | ET | PG, .rbmask = PE | ET | PG },
	{ "cr0", "bit 32 set (reserved)", OP_WRCR, 0, .set = B(32), .exc = GP, .note = SDM_CR },
	{ "cr0", "bit 63 set (reserved)", OP_WRCR, 0, .set = B(63), .exc = GP, .note = SDM_CR },
	{ "cr0", "PG without PE", OP_WRCR, 0, .clr = PE, .exc = GP, .note = SDM_CR },
	{ "cr0", "PG without PE, CD set (trapped)", OP_WRCR, 0, .set = CD, .clr = PE, .exc = GP, .note = SDM_CR },
	{ "cr0", "PG cleared in 64-bit mode", OP_WRCR, 0, .clr = PG, .exc = GP, .note = SDM_CR },
	{ "cr0", "PG cleared in 64-bit mode, CD set (trapped)", OP_WRCR, 0, .set = CD, .clr = PG, .exc = GP, .note = SDM_CR },
	{ "cr0", "PG cleared in 64-bit mode, NE cleared (trapped)", OP_WRCR, 0, .clr = PG | NE, .exc = GP, .note = SDM_CR },
	{ "cr0", "NW without CD", OP_WRCR, 0, .set = NW, .exc = GP, .note = SDM_CR },
	{ "cr0", "CD set reads back", OP_WRCR, 0, .set = CD },
	{ "cr0", "CD and NW set read back", OP_WRCR, 0, .set = CD | NW },
	{ "cr0", "NE cleared reads back", OP_WRCR, 0, .clr = NE },
	{ "cr0", "TS set reads back", OP_WRCR, 0, .set = TS },
	{ "cr0", "MP set reads back", OP_WRCR, 0, .set = MP },
	{ "cr0", "EM set reads back", OP_WRCR, 0, .set = EM },
	{ "cr0", "AM set reads back", OP_WRCR, 0, .set = AM },
	{ "cr0", "WP set reads back", OP_WRCR, 0, .set = WP },
	{ "cr0", "WP cleared reads back", OP_WRCR, 0, .clr = WP },
	{ "cr0", "ET cleared: stays 1", OP_WRCR, 0, .clr = ET, .rb_set = ET, .note = "SDM vol. 3 2.5: ET hardwired to 1" },
	{ "cr0", "ET cleared with CD set (trapped): stays 1", OP_WRCR, 0, .set = CD, .clr = ET, .rb_set = ET, .note = "SDM vol. 3 2.5: ET hardwired to 1" },
	{ "cr0", "ET cleared with NE cleared (trapped): stays 1", OP_WRCR, 0, .clr = ET | NE, .rb_set = ET, .note = "SDM vol. 3 2.5: ET hardwired to 1" },
	{ "cr0", "bit 6 (reserved in 31:0): ignored, reads 0", OP_WRCR, 0, .set = B(6), .rb_clr = B(6), .note = "SDM vol. 3 2.5" },
	{ "cr0", "bit 6 with CD set (trapped): ignored, reads 0", OP_WRCR, 0, .set = B(6) | CD, .rb_clr = B(6), .note = "SDM vol. 3 2.5" },
	{ "cr0", "bit 28 with NE cleared (trapped): ignored, reads 0", OP_WRCR, 0, .set = B(28), .clr = NE, .rb_clr = B(28), .note = "SDM vol. 3 2.5" },
	{ "cr0", "CPL 3 write", OP_WRCR, 0, .flags = F_CPL3, .exc = GP, .note = SDM_CR },
	{ "cr0", "CPL 3 read", OP_RDCR, 0, .flags = F_CPL3, .exc = GP, .note = SDM_CR },
	{ "clts", "clears TS", OP_CLTS, 0, .clr = TS, .prep = P_TS },
	{ "clts", "CPL 3", OP_CLTS, 0, .prep = P_TS, .flags = F_CPL3, .exc = GP },
	{ "lmsw", "sets MP and TS", OP_LMSW, 0, .set = MP | TS },
	{ "lmsw", "cannot clear PE (MP, EM, TS cleared)", OP_LMSW, 0, .clr = PE | MP | EM | TS, .rb_set = PE, .note = "SDM vol. 2 LMSW" },
	{ "lmsw", "bits 15:4 ignored (NE stays)", OP_LMSW, 0, .clr = NE, .rb_set = NE, .note = "SDM vol. 2 LMSW" },
	{ "lmsw", "CPL 3", OP_LMSW, 0, .flags = F_CPL3, .exc = GP },

	/* ---- CR4 (trapped for VMXE and bits the CPU lacks) ---- */
	{ "cr4", "read: PAE set", OP_RDCR, 4, .rb_set = B(5), .rbmask = B(5) },
	{ "cr4", "bit 15 set (reserved)", OP_WRCR, 4, .set = B(15), .exc = GP, .note = SDM_CR },
	{ "cr4", "bit 32 set (reserved)", OP_WRCR, 4, .set = B(32), .exc = GP, .note = SDM_CR },
	{ "cr4", "bit 63 set (reserved)", OP_WRCR, 4, .set = B(63), .exc = GP, .note = SDM_CR },
	{ "cr4", "VMXE set (CPUID.1:ECX.VMX = 0)", OP_WRCR, 4, .set = B(13), .exc = GP, .note = SDM_CR },
	{ "cr4", "SMXE set (CPUID.1:ECX.SMX = 0)", OP_WRCR, 4, .set = B(14), .exc = GP, .note = SDM_CR },
	{ "cr4", "KL set (CPUID.7:ECX.KL = 0)", OP_WRCR, 4, .set = B(19), .exc = GP, .note = SDM_CR },
	{ "cr4", "PKE set (CPUID.7:ECX.PKU = 0)", OP_WRCR, 4, .set = B(22), .exc = GP, .note = SDM_CR },
	{ "cr4", "CET set (CPUID.7:ECX.CET_SS = 0)", OP_WRCR, 4, .set = B(23), .exc = GP, .note = SDM_CR },
	{ "cr4", "PKS set (CPUID.7:ECX.PKS = 0)", OP_WRCR, 4, .set = B(24), .exc = GP, .note = SDM_CR },
	{ "cr4", "LA57 changed in IA-32e mode", OP_WRCR, 4, .set = B(12), .exc = GP, .note = SDM_CR },
	{ "cr4", "PAE cleared in IA-32e mode", OP_WRCR, 4, .clr = B(5), .exc = GP, .note = SDM_CR },
	{ "cr4", "PCIDE set with CR3[11:0] != 0", OP_WRCR, 4, .set = B(17), .prep = P_CR3_LOW, .flags = F_ELSE_GP, .need = N_PCID, .exc = GP, .note = SDM_CR },
	{ "cr4", "PCIDE set with CR3[11:0] = 0", OP_WRCR, 4, .set = B(17), .flags = F_ELSE_GP, .need = N_PCID },
	{ "cr4", "OSXSAVE set", OP_WRCR, 4, .set = B(18), .flags = F_ELSE_GP, .need = N_XSAVE },
	{ "cr4", "FSGSBASE set", OP_WRCR, 4, .set = B(16), .flags = F_ELSE_GP, .need = N_FSGSBASE },
	{ "cr4", "UMIP set", OP_WRCR, 4, .set = B(11), .flags = F_ELSE_GP, .need = N_UMIP },
	{ "cr4", "PGE toggled", OP_WRCR, 4, .set = B(7) },
	{ "cr4", "PGE cleared", OP_WRCR, 4, .clr = B(7) },
	{ "cr4", "TSD, DE, PCE set", OP_WRCR, 4, .set = B(2) | B(3) | B(8) },
	{ "cr4", "OSFXSR, OSXMMEXCPT set", OP_WRCR, 4, .set = B(9) | B(10) },
	{ "cr4", "VME, PVI set", OP_WRCR, 4, .set = B(0) | B(1) },
	{ "cr4", "CPL 3 write", OP_WRCR, 4, .flags = F_CPL3, .exc = GP },
	{ "cr4", "CPL 3 read", OP_RDCR, 4, .flags = F_CPL3, .exc = GP },
	{ "cpuid", "CR4.OSXSAVE = 1: CPUID.1:ECX.OSXSAVE = 1", OP_OSXSAVE, 0, .set = 1, .rb_set = 1, .need = N_XSAVE },
	{ "cpuid", "CR4.OSXSAVE = 0: CPUID.1:ECX.OSXSAVE = 0", OP_OSXSAVE, 0, .set = 0, .rb_set = 0, .need = N_XSAVE },

	/* ---- CR3 (not trapped: unrestricted guest, no CR3 exiting) ---- */
	{ "cr3", "bit MAXPHYADDR set", OP_WRCR, 3, .flags = F_MAXPHY, .exc = GP, .note = "SDM vol. 3 4.5.2" },
	{ "cr3", "bit 62 set", OP_WRCR, 3, .set = B(62), .exc = GP, .note = "SDM vol. 3 4.5.2" },
	{ "cr3", "bit 63 set without PCIDE", OP_WRCR, 3, .set = B(63), .exc = GP, .note = "SDM vol. 3 4.5.2" },
	{ "cr3", "bit 63 with PCIDE: no flush, not stored", OP_WRCR, 3, .set = B(63), .prep = P_PCIDE, .rb_clr = B(63), .need = N_PCID, .note = SDM_CR },
	{ "cr3", "PWT, PCD set read back", OP_WRCR, 3, .set = B(3) | B(4) },
	{ "cr3", "CPL 3 write", OP_WRCR, 3, .flags = F_CPL3, .exc = GP },
	{ "cr3", "CPL 3 read", OP_RDCR, 3, .flags = F_CPL3, .exc = GP },

	/* ---- CR8 (the TPR; always trapped) ---- */
	{ "cr8", "0xf reads back", OP_WRCR, 8, .set = 0xf, .flags = F_ABS },
	{ "cr8", "0 reads back", OP_WRCR, 8, .set = 0, .flags = F_ABS },
	{ "cr8", "bit 4 set (reserved)", OP_WRCR, 8, .set = 0x10, .flags = F_ABS, .exc = GP, .note = SDM_CR },
	{ "cr8", "bit 63 set (reserved)", OP_WRCR, 8, .set = B(63) | 1, .flags = F_ABS, .exc = GP, .note = SDM_CR },
	{ "cr8", "xAPIC: CR8 = 7 -> TPR 0x70", OP_CR8_TPR, 0, .set = 7, .flags = F_ABS, .rb_set = 0x70, .rbmask = 0xff, .note = "SDM vol. 3 11.8.6" },
	{ "cr8", "xAPIC: TPR 0x5f -> CR8 = 5", OP_TPR_CR8, 0, .set = 0x5f, .flags = F_ABS, .rb_set = 5, .note = "SDM vol. 3 11.8.6" },
	{ "cr8", "CPL 3 write", OP_WRCR, 8, .set = 1, .flags = F_ABS | F_CPL3, .exc = GP },
	{ "cr8", "CPL 3 read", OP_RDCR, 8, .flags = F_CPL3, .exc = GP },

	/* ---- Outside IA-32e mode: 32-bit protected mode, paging off
	 * (sdm_legacy.S), and compatibility mode on the way; the value is read
	 * back after the case ---- */
	{ "legacy", "compatibility mode: CR0.PG cleared with CR4.PCIDE", OP_LEGACY, 11, .exc = GP, .rb_set = PG, .need = N_PCID, .note = SDM_CR },
	{ "legacy", "compatibility mode: CR0.PG cleared with CR4.PCIDE, CD set (trapped)", OP_LEGACY, 12, .exc = GP, .rb_set = PG, .need = N_PCID, .note = SDM_CR },
	{ "legacy", "CR4.PCIDE set outside IA-32e mode", OP_LEGACY, 0, .exc = GP, .rb_set = 0, .note = SDM_CR },
	{ "legacy", "CR4.PAE cleared outside IA-32e mode: allowed", OP_LEGACY, 1, .rb_set = 0 },
	{ "legacy", "EFER.LME set with paging off: LMA stays 0", OP_LEGACY, 2, .rb_set = EFER_LME, .note = "SDM vol. 3 10.8.5" },
	{ "legacy", "CR0.PG with EFER.LME and CR4.PAE = 0", OP_LEGACY, 3, .exc = GP, .rb_set = 0, .note = SDM_CR },
	{ "legacy", "CR0.PG with EFER.LME and CR4.PAE = 0, CD set (trapped)", OP_LEGACY, 4, .exc = GP, .rb_set = 0, .note = SDM_CR },
	{ "legacy", "CR4.LA57 outside IA-32e mode (not offered)", OP_LEGACY, 5, .exc = GP, .rb_set = 0, .note = SDM_CR },
	{ "legacy", "CR0.NW without CD", OP_LEGACY, 6, .exc = GP, .rb_set = 0, .note = SDM_CR },
	{ "legacy", "CR0.PG without PE", OP_LEGACY, 7, .exc = GP, .rb_set = PE, .note = SDM_CR },
	{ "legacy", "CR0.CD set (trapped) without paging", OP_LEGACY, 8, .rb_set = CD },
	{ "legacy", "CR0.NE cleared (trapped) without paging", OP_LEGACY, 9, .rb_set = 0 },
	{ "legacy", "EFER.LME cleared with paging off", OP_LEGACY, 10, .rb_set = 0 },

	/* ---- XSETBV / XGETBV (XSETBV always traps) ---- */
	{ "xsetbv", "ECX = 1", OP_XSETBV, 1, .set = 3, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xsetbv", "ECX = 0xffffffff", OP_XSETBV, 0xffffffffu, .set = 3, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xsetbv", "0 (x87 clear)", OP_XSETBV, 0, .set = 0, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xsetbv", "2 (SSE without x87)", OP_XSETBV, 0, .set = 2, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xsetbv", "1 (x87) reads back", OP_XSETBV, 0, .set = 1, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE },
	{ "xsetbv", "3 (x87, SSE) reads back", OP_XSETBV, 0, .set = 3, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE },
	{ "xsetbv", "5 (AVX without SSE)", OP_XSETBV, 0, .set = 5, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xsetbv", "7 (AVX) as CPUID.0DH allows", OP_XSETBV, 0, .set = 7, .flags = F_ABS | F_XCR0, .prep = P_OSXSAVE, .need = N_XSAVE },
	{ "xsetbv", "0x27 (opmask without ZMM)", OP_XSETBV, 0, .set = 0x27, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xsetbv", "0x47 (ZMM_Hi256 alone)", OP_XSETBV, 0, .set = 0x47, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xsetbv", "0x87 (Hi16_ZMM alone)", OP_XSETBV, 0, .set = 0x87, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xsetbv", "0x67 (AVX-512 without Hi16_ZMM)", OP_XSETBV, 0, .set = 0x67, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xsetbv", "0xe3 (AVX-512 without AVX)", OP_XSETBV, 0, .set = 0xe3, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xsetbv", "0xe7 (AVX-512) as CPUID.0DH allows", OP_XSETBV, 0, .set = 0xe7, .flags = F_ABS | F_XCR0, .prep = P_OSXSAVE, .need = N_XSAVE },
	{ "xsetbv", "0x0b (BNDREGS alone)", OP_XSETBV, 0, .set = 0x0b, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xsetbv", "0x13 (BNDCSR alone)", OP_XSETBV, 0, .set = 0x13, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xsetbv", "0x1b (MPX) as CPUID.0DH allows", OP_XSETBV, 0, .set = 0x1b, .flags = F_ABS | F_XCR0, .prep = P_OSXSAVE, .need = N_XSAVE },
	{ "xsetbv", "bit 8 (PT: supervisor state)", OP_XSETBV, 0, .set = 0x103, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xsetbv", "bit 9 (PKRU) as CPUID.0DH allows", OP_XSETBV, 0, .set = 0x203, .flags = F_ABS | F_XCR0, .prep = P_OSXSAVE, .need = N_XSAVE },
	{ "xsetbv", "bit 11 (CET_U: supervisor state)", OP_XSETBV, 0, .set = 0x803, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xsetbv", "bit 13 (HDC: supervisor state)", OP_XSETBV, 0, .set = 0x2003, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xsetbv", "bit 17 alone (XTILECFG)", OP_XSETBV, 0, .set = 0x20003, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xsetbv", "bit 18 alone (XTILEDATA)", OP_XSETBV, 0, .set = 0x40003, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xsetbv", "bit 62 (reserved)", OP_XSETBV, 0, .set = B(62) | 3, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xsetbv", "bit 63 (reserved)", OP_XSETBV, 0, .set = B(63) | 3, .flags = F_ABS, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xsetbv", "CR4.OSXSAVE = 0", OP_XSETBV, 0, .set = 3, .flags = F_ABS, .prep = P_NO_OSXSAVE, .need = N_XSAVE, .exc = UD, .note = SDM_XSETBV },
	{ "xsetbv", "CPL 3", OP_XSETBV, 0, .set = 3, .flags = F_ABS | F_CPL3, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = SDM_XSETBV },
	{ "xgetbv", "ECX = 0: x87 set", OP_XGETBV, 0, .prep = P_OSXSAVE, .need = N_XSAVE, .rb_set = 1, .rbmask = 1 },
	{ "xgetbv", "ECX = 1 (XINUSE) as CPUID.(0DH,1) allows", OP_XGETBV, 1, .prep = P_OSXSAVE, .flags = F_NORB | F_ELSE_GP, .need = N_XGETBV1 },
	{ "xgetbv", "ECX = 2", OP_XGETBV, 2, .prep = P_OSXSAVE, .need = N_XSAVE, .exc = GP, .note = "SDM vol. 2 XGETBV" },
	{ "xgetbv", "CR4.OSXSAVE = 0", OP_XGETBV, 0, .prep = P_NO_OSXSAVE, .need = N_XSAVE, .exc = UD, .note = "SDM vol. 2 XGETBV" },
	{ "xgetbv", "CPL 3 allowed", OP_XGETBV, 0, .prep = P_OSXSAVE, .flags = F_CPL3, .need = N_XSAVE, .rb_set = 1, .rbmask = 1 },

	/* XSETBV takes effect: the XSAVE area size follows XCR0, and AVX
	 * instructions fault without XCR0.AVX (SDM vol. 1 13.3, 14.3) */
	{ "xsetbv", "XCR0 = 3: CPUID.(0DH,0):EBX = 576", OP_XSAVE_SIZE, 0, .set = 3, .flags = F_ABS, .rb_set = 576, .need = N_XSAVE, .note = "SDM vol. 1 13.2" },
	{ "xsetbv", "XCR0 = 7: CPUID.(0DH,0):EBX = 832", OP_XSAVE_SIZE, 0, .set = 7, .flags = F_ABS, .rb_set = 832, .need = N_AVX, .note = "SDM vol. 1 13.2" },
	{ "xsetbv", "VZEROUPPER with XCR0.AVX = 1", OP_INSN, I_AVX, .prep = P_XCR0_AVX, .flags = F_NORB, .need = N_AVX },
	{ "xsetbv", "VZEROUPPER with XCR0.AVX = 0", OP_INSN, I_AVX, .prep = P_XCR0_X87, .flags = F_NORB, .need = N_AVX, .exc = UD, .note = "SDM vol. 1 14.3" },

	/* ---- The FPU: CR0.TS/EM and CR4.OSFXSR seen by the guest's own
	 * instructions (SDM vol. 3 2.5, 13.1) ---- */
	{ "fpu", "SSE with CR4.OSFXSR = 1", OP_INSN, I_SSE, .prep = P_OSFXSR, .flags = F_NORB },
	{ "fpu", "SSE with CR4.OSFXSR = 0", OP_INSN, I_SSE, .flags = F_NORB, .exc = UD, .note = "SDM vol. 3 13.1.3" },
	{ "fpu", "x87 FNINIT", OP_INSN, I_X87, .flags = F_NORB },
	{ "fpu", "x87 FNINIT with CR0.TS", OP_INSN, I_X87, .prep = P_TS, .flags = F_NORB, .exc = EXC(VEC_NM), .note = "SDM vol. 3 2.5" },
	{ "fpu", "x87 FNINIT with CR0.EM", OP_INSN, I_X87, .prep = P_EM, .flags = F_NORB, .exc = EXC(VEC_NM), .note = "SDM vol. 3 2.5" },
	{ "fpu", "SSE with CR0.TS", OP_INSN, I_SSE, .prep = P_TS_FX, .flags = F_NORB, .exc = EXC(VEC_NM), .note = "SDM vol. 3 2.5" },
	{ "fpu", "SSE with CR0.EM", OP_INSN, I_SSE, .prep = P_EM_FX, .flags = F_NORB, .exc = UD, .note = "SDM vol. 3 2.5" },

	/* ---- Instructions behind secondary controls or CR4 bits: as
	 * CPUID offers them (SDM vol. 2 pages of each) ---- */
	{ "insn", "INVPCID type 2", OP_INSN, I_INVPCID2, .flags = F_NORB, .need = N_INVPCID },
	{ "insn", "INVPCID type 4 (reserved)", OP_INSN, I_INVPCID4, .flags = F_NORB, .need = N_INVPCID, .exc = GP, .note = "SDM vol. 2 INVPCID" },
	{ "insn", "CPL 3 INVPCID", OP_INSN, I_INVPCID2, .flags = F_NORB | F_CPL3, .need = N_INVPCID, .exc = GP },
	{ "insn", "XSAVES of x87 state", OP_INSN, I_XSAVES, .prep = P_OSXSAVE, .flags = F_NORB, .need = N_XSAVES },
	{ "insn", "XRSTORS of a standard-form area", OP_INSN, I_XRSTORS_BAD, .prep = P_OSXSAVE, .flags = F_NORB, .need = N_XSAVES, .exc = GP, .note = "SDM vol. 2 XRSTORS: XCOMP_BV[63] = 0" },
	{ "insn", "CPL 3 XSAVES", OP_INSN, I_XSAVES, .prep = P_OSXSAVE, .flags = F_NORB | F_CPL3, .need = N_XSAVES, .exc = GP },
	{ "insn", "XSAVEC of x87 state", OP_INSN, I_XSAVEC, .prep = P_OSXSAVE, .flags = F_NORB, .need = N_XSAVEC },
	{ "insn", "RDPID: IA32_TSC_AUX", OP_INSN, I_RDPID, .prep = P_TSC_AUX, .rb_set = 0x5a, .need = N_RDPID },
	{ "insn", "CPL 3 SGDT with CR4.UMIP", OP_INSN, I_SGDT, .prep = P_UMIP, .flags = F_NORB | F_CPL3, .need = N_UMIP, .exc = GP, .note = "SDM vol. 2 SGDT" },
	{ "insn", "CPL 3 SGDT without CR4.UMIP", OP_INSN, I_SGDT, .flags = F_NORB | F_CPL3 },
	{ "insn", "RDFSBASE with CR4.FSGSBASE", OP_INSN, I_RDFSBASE, .prep = P_FSGSBASE, .flags = F_NORB | F_CPL3, .need = N_FSGSBASE },
	{ "insn", "RDFSBASE without CR4.FSGSBASE", OP_INSN, I_RDFSBASE, .flags = F_NORB | F_CPL3, .exc = UD, .note = "SDM vol. 2 RDFSBASE" },

	/* ---- RDPMC (the PMU is hidden: no counter is valid) ---- */
	{ "rdpmc", "counter 0", OP_RDPMC, 0, .exc = GP, .note = "SDM vol. 2 RDPMC" },
	{ "rdpmc", "fixed counter 0", OP_RDPMC, 0x40000000u, .exc = GP, .note = "SDM vol. 2 RDPMC" },
	{ "rdpmc", "CPL 3, CR4.PCE = 0", OP_RDPMC, 0, .flags = F_CPL3, .exc = GP, .note = "SDM vol. 2 RDPMC" },
	{ "rdpmc", "CPL 3, CR4.PCE = 1 (exits)", OP_RDPMC, 0, .prep = P_PCE, .flags = F_CPL3, .exc = GP, .note = "SDM vol. 2 RDPMC" },

	/* ---- Other trapped or privileged instructions ---- */
	{ "insn", "WBINVD", OP_INSN, I_WBINVD, .flags = F_NORB },
	{ "insn", "INVD", OP_INSN, I_INVD, .flags = F_NORB },
	{ "insn", "CPL 3 WBINVD", OP_INSN, I_WBINVD, .flags = F_NORB | F_CPL3, .exc = GP },
	{ "insn", "CPL 3 INVD", OP_INSN, I_INVD, .flags = F_NORB | F_CPL3, .exc = GP },
	{ "insn", "CPL 3 HLT", OP_INSN, I_HLT, .flags = F_NORB | F_CPL3, .exc = GP },
	{ "insn", "CPL 3 INVLPG", OP_INSN, I_INVLPG, .flags = F_NORB | F_CPL3, .exc = GP },
	{ "insn", "CPL 3 LGDT", OP_INSN, I_LGDT, .flags = F_NORB | F_CPL3, .exc = GP },
	{ "insn", "CPL 3 MOV DR7", OP_INSN, I_MOVDR7, .flags = F_NORB | F_CPL3, .exc = GP },
	{ "insn", "CPL 3 RDTSC with CR4.TSD", OP_INSN, I_RDTSC, .prep = P_TSD, .flags = F_NORB | F_CPL3, .exc = GP },
	{ "insn", "CPL 3 RDTSC without CR4.TSD", OP_INSN, I_RDTSC, .flags = F_NORB | F_CPL3 },
	{ "insn", "RDTSCP: ECX = IA32_TSC_AUX", OP_INSN, I_RDTSCP, .prep = P_TSC_AUX, .rb_set = 0x5a, .need = N_RDTSCP },
	{ "vmx", "VMXON (VMX not offered)", OP_INSN, I_VMXON, .flags = F_NORB, .exc = UD, .note = "SDM vol. 2 VMXON: CR4.VMXE = 0" },
	{ "vmx", "VMXOFF", OP_INSN, I_VMXOFF, .flags = F_NORB, .exc = UD },
	{ "vmx", "VMCLEAR", OP_INSN, I_VMCLEAR, .flags = F_NORB, .exc = UD },
	{ "vmx", "VMPTRLD", OP_INSN, I_VMPTRLD, .flags = F_NORB, .exc = UD },
	{ "vmx", "VMREAD", OP_INSN, I_VMREAD, .flags = F_NORB, .exc = UD },
	{ "vmx", "VMWRITE", OP_INSN, I_VMWRITE, .flags = F_NORB, .exc = UD },
	{ "vmx", "VMLAUNCH", OP_INSN, I_VMLAUNCH, .flags = F_NORB, .exc = UD },
	{ "vmx", "INVEPT", OP_INSN, I_INVEPT, .flags = F_NORB, .exc = UD },
	{ "vmx", "INVVPID", OP_INSN, I_INVVPID, .flags = F_NORB, .exc = UD },
	{ "vmx", "CPL 3 VMXON", OP_INSN, I_VMXON, .flags = F_NORB | F_CPL3, .exc = UD },
	{ "insn", "MONITOR (CPUID.1:ECX.MONITOR = 0)", OP_INSN, I_MONITOR, .flags = F_NORB, .exc = UD },
	{ "insn", "MWAIT (CPUID.1:ECX.MONITOR = 0)", OP_INSN, I_MWAIT, .flags = F_NORB, .exc = UD },
	{ "insn", "CPL 3 MONITOR", OP_INSN, I_MONITOR, .flags = F_NORB | F_CPL3, .exc = UD },
	{ "insn", "GETSEC (CR4.SMXE = 0)", OP_INSN, I_GETSEC, .flags = F_NORB, .exc = UD },

	/* ---- Port I/O: ports nothing decodes read all ones ---- */
	{ "io", "IN byte from port 0x2f8 (nothing there)", OP_IN, 0x2f8, .set = 1, .flags = F_ABS, .rb_set = 0x5a5a5aff },
	{ "io", "IN word from port 0x2f8", OP_IN, 0x2f8, .set = 2, .flags = F_ABS, .rb_set = 0x5a5affff },
	{ "io", "IN dword from port 0x2f8", OP_IN, 0x2f8, .set = 4, .flags = F_ABS, .rb_set = 0xffffffff },
	{ "io", "OUT to port 0x80 (POST)", OP_OUT, 0x80, .set = 0x55, .flags = F_ABS | F_NORB },
	{ "io", "CPL 3 IN, IOPL 0, no I/O bitmap", OP_IN, 0x2f8, .set = 1, .flags = F_ABS | F_CPL3, .exc = GP, .note = "SDM vol. 1 19.5" },
	{ "io", "CPL 3 OUT, IOPL 0, no I/O bitmap", OP_OUT, 0x80, .set = 1, .flags = F_ABS | F_CPL3 | F_NORB, .exc = GP, .note = "SDM vol. 1 19.5" },

	/* ---- MSRs: EFER ---- */
	{ "efer", "read: LME, LMA", OP_RDMSR, MSR_EFER, .rb_set = EFER_LME | EFER_LMA, .rbmask = EFER_LME | EFER_LMA },
	{ "efer", "bit 1 set (reserved)", OP_WRMSR, MSR_EFER, .set = B(1), .exc = GP, .note = SDM_WRMSR },
	{ "efer", "bit 9 set (reserved)", OP_WRMSR, MSR_EFER, .set = B(9), .exc = GP, .note = SDM_WRMSR },
	{ "efer", "bit 12 set (SVME: reserved on Intel)", OP_WRMSR, MSR_EFER, .set = B(12), .exc = GP, .note = SDM_WRMSR },
	{ "efer", "bit 63 set (reserved)", OP_WRMSR, MSR_EFER, .set = B(63), .exc = GP, .note = SDM_WRMSR },
	{ "efer", "LME cleared while paging", OP_WRMSR, MSR_EFER, .clr = EFER_LME, .exc = GP, .note = "SDM vol. 3 10.8.5" },
	{ "efer", "LMA cleared: read-only, stays", OP_WRMSR, MSR_EFER, .clr = EFER_LMA, .rb_set = EFER_LMA, .note = "SDM vol. 3 2.2.1" },
	{ "efer", "SCE cleared reads back", OP_WRMSR, MSR_EFER, .clr = EFER_SCE },
	{ "efer", "SCE set reads back", OP_WRMSR, MSR_EFER, .set = EFER_SCE },
	{ "efer", "NXE set reads back", OP_WRMSR, MSR_EFER, .set = EFER_NXE, .flags = F_ELSE_GP, .need = N_NX },
	{ "efer", "CPL 3 read", OP_RDMSR, MSR_EFER, .flags = F_CPL3, .exc = GP, .note = "SDM vol. 2 RDMSR" },
	{ "efer", "CPL 3 write", OP_WRMSR, MSR_EFER, .flags = F_CPL3, .exc = GP, .note = SDM_WRMSR },

	/* ---- MSRs: TSC, PAT, MISC_ENABLE, MTRRs and the like ---- */
	{ "tsc", "IA32_TSC read", OP_RDMSR, MSR_TSC, .flags = F_NORB },
	{ "tsc", "IA32_TSC written with its value + 2^40: counts on from there", OP_WRMSR, MSR_TSC, .set = B(40), .flags = F_ADD | F_NEAR | F_KEEP, .note = SDM_WRMSR },
	{ "tsc", "IA32_TSC_ADJUST read (CPUID.7:EBX.TSC_ADJUST = 1)", OP_RDMSR, MSR_TSC_ADJUST, .flags = F_NORB, .note = "SDM vol. 3 18.17.3" },
	{ "tsc", "IA32_TSC_ADJUST + 2^32 reads back", OP_WRMSR, MSR_TSC_ADJUST, .set = B(32), .flags = F_ADD, .note = "SDM vol. 3 18.17.3" },
	{ "tsc", "IA32_TSC_ADJUST + 2^32 moves the TSC by 2^32", OP_TSCADJ, 0, .set = B(32), .flags = F_ABS, .rb_set = 1, .note = "SDM vol. 3 18.17.3" },
	{ "tsc", "IA32_TSC_AUX 0x5a reads back", OP_WRMSR, MSR_TSC_AUX, .set = 0x5a, .flags = F_ABS | F_ELSE_GP, .need = N_RDTSCP },
	{ "tsc", "IA32_TSC_AUX bit 32 (reserved)", OP_WRMSR, MSR_TSC_AUX, .set = B(32), .flags = F_ABS | F_ELSE_GP | F_QUIRK, .need = N_RDTSCP, .exc = GP,
	  .quirk = 0, .note = "SDM vol. 4 2.1: bits 63:32 reserved; quirk: Bochs keeps TSC_AUX as a 32-bit MSR and drops them (passed through, no exit)" },
	{ "pat", "the power-on value reads back", OP_WRMSR, MSR_PAT, .set = PAT_DEFAULT, .flags = F_ABS },
	{ "pat", "every valid type reads back", OP_WRMSR, MSR_PAT, .set = 0x0706050401000000ull, .flags = F_ABS },
	{ "pat", "type 2 (reserved)", OP_WRMSR, MSR_PAT, .set = (PAT_DEFAULT & ~0xffull) | 2, .flags = F_ABS, .exc = GP, .note = "SDM vol. 3 13.12.2" },
	{ "pat", "type 3 (reserved)", OP_WRMSR, MSR_PAT, .set = PAT_DEFAULT | (3ull << 56), .flags = F_ABS, .exc = GP, .note = "SDM vol. 3 13.12.2" },
	{ "pat", "type 8 (reserved)", OP_WRMSR, MSR_PAT, .set = PAT_DEFAULT | (8ull << 32), .flags = F_ABS, .exc = GP, .note = "SDM vol. 3 13.12.2" },
	{ "pat", "bit 63 (reserved)", OP_WRMSR, MSR_PAT, .set = PAT_DEFAULT | B(63), .flags = F_ABS, .exc = GP, .note = "SDM vol. 3 13.12.2" },
	{ "misc", "MISC_ENABLE read: fast strings", OP_RDMSR, MSR_MISC_ENABLE, .rb_set = 1, .rbmask = 1 },
	{ "misc", "MISC_ENABLE written with its value", OP_WRMSR, MSR_MISC_ENABLE, .set = 0 },
	{ "misc", "MISC_ENABLE fast strings cleared reads back", OP_WRMSR, MSR_MISC_ENABLE, .clr = B(0), .note = "SDM vol. 4 2.1, IA32_MISC_ENABLE bit 0" },
	{ "misc", "MISC_ENABLE limit CPUID maxval (bit 22) reads back", OP_WRMSR, MSR_MISC_ENABLE, .set = B(22) },
	{ "misc", "MISC_ENABLE xTPR disable (bit 23) reads back", OP_WRMSR, MSR_MISC_ENABLE, .set = B(23) },
	{ "misc", "MISC_ENABLE BTS and PEBS unavailable (bits 11, 12) read 1", OP_RDMSR, MSR_MISC_ENABLE, .rb_set = B(11) | B(12), .rbmask = B(11) | B(12) },
	{ "misc", "MISC_ENABLE bit 12 cleared: read-only, stays", OP_WRMSR, MSR_MISC_ENABLE, .clr = B(12), .rb_set = B(12) },
	{ "misc", "MISC_ENABLE bit 63 (reserved)", OP_WRMSR, MSR_MISC_ENABLE, .set = B(63), .exc = GP },
	{ "misc", "MISC_ENABLE fast strings off: CPUID.7:EBX.ERMS = 0", OP_FASTSTR, 0, .set = 0, .rb_set = 0, .need = N_ERMS },
	{ "misc", "MISC_ENABLE fast strings on: CPUID.7:EBX.ERMS = 1", OP_FASTSTR, 0, .set = 1, .rb_set = 1, .need = N_ERMS },
	{ "misc", "FEATURE_CONTROL read: locked, VMX off", OP_RDMSR, MSR_FEATURE_CONTROL, .rb_set = 1, .rbmask = 7 },
	{ "misc", "FEATURE_CONTROL write (locked)", OP_WRMSR, MSR_FEATURE_CONTROL, .exc = GP, .note = "SDM vol. 4 2.1" },
	{ "misc", "BIOS_SIGN_ID (microcode) read", OP_RDMSR, MSR_UCODE_REV, .flags = F_NORB },
	{ "mtrr", "MTRRCAP read", OP_RDMSR, MSR_MTRRCAP, .flags = F_NORB | F_ELSE_GP, .need = N_MTRR },
	{ "mtrr", "MTRR_DEF_TYPE read", OP_RDMSR, MSR_MTRR_DEF_TYPE, .flags = F_NORB | F_ELSE_GP, .need = N_MTRR },
	{ "mtrr", "MTRR_DEF_TYPE write", OP_WRMSR, MSR_MTRR_DEF_TYPE, .set = 0xc06, .flags = F_ABS | F_ELSE_GP | F_NORB, .need = N_MTRR },
	{ "msr", "SPEC_CTRL read (hidden)", OP_RDMSR, MSR_SPEC_CTRL, .exc = GP },
	{ "msr", "PRED_CMD write (hidden)", OP_WRMSR, MSR_PRED_CMD, .set = 1, .flags = F_ABS, .exc = GP },
	{ "msr", "ARCH_CAPABILITIES read (hidden)", OP_RDMSR, MSR_ARCH_CAPS, .exc = GP },
	{ "msr", "IA32_PMC0 read (no PMU)", OP_RDMSR, MSR_PMC0, .exc = GP },
	{ "msr", "PERF_GLOBAL_CTRL read (no PMU)", OP_RDMSR, MSR_PERF_GLOBAL_CTRL, .exc = GP },
	{ "mca", "MCG_CAP read: no banks, no MCG_CTL", OP_RDMSR, MSR_MCG_CAP, .rb_set = 0, .note = "SDM vol. 3 16.3.1.1" },
	{ "mca", "MCG_CAP write (read-only)", OP_WRMSR, MSR_MCG_CAP, .flags = F_ABS, .exc = GP },
	{ "mca", "MCG_STATUS read: 0", OP_RDMSR, MSR_MCG_STATUS, .rb_set = 0 },
	{ "mca", "MCG_STATUS write 0", OP_WRMSR, MSR_MCG_STATUS, .flags = F_ABS },
	{ "mca", "MCG_STATUS write RIPV (nonzero)", OP_WRMSR, MSR_MCG_STATUS, .set = 1, .flags = F_ABS, .exc = GP, .note = "SDM vol. 3 16.3.1.2" },
	{ "mca", "MCG_CTL read (MCG_CTL_P = 0)", OP_RDMSR, MSR_MCG_CTL, .exc = GP },
	{ "mca", "MC0_STATUS read (0 banks)", OP_RDMSR, MSR_MC0_STATUS, .exc = GP },
	{ "msr", "IA32_XSS read: 0, as CPUID.(0DH,1):EAX.XSAVES says it exists", OP_RDMSR, MSR_XSS, .flags = F_ELSE_GP, .need = N_XSAVES, .note = "SDM vol. 1 13.3" },
	{ "msr", "IA32_XSS write 0", OP_WRMSR, MSR_XSS, .flags = F_ABS | F_ELSE_GP, .need = N_XSAVES },
	{ "msr", "IA32_XSS bit 8 (PT, not in CPUID.(0DH,1):ECX)", OP_WRMSR, MSR_XSS, .set = B(8), .flags = F_ABS, .exc = GP, .note = "SDM vol. 1 13.3" },
	{ "msr", "IA32_XSS bit 0 (x87: user state)", OP_WRMSR, MSR_XSS, .set = B(0), .flags = F_ABS, .exc = GP, .note = "SDM vol. 1 13.3" },
	{ "msr", "unknown 0x12345678 read", OP_RDMSR, 0x12345678u, .exc = GP },
	{ "msr", "unknown 0x12345678 write", OP_WRMSR, 0x12345678u, .flags = F_ABS, .exc = GP },
	{ "msr", "0x40000000 read (no Hyper-V MSRs)", OP_RDMSR, 0x40000000u, .exc = GP },
	{ "msr", "0x4b564d00 read (no KVM MSRs)", OP_RDMSR, 0x4b564d00u, .exc = GP },
	{ "msr", "0xc0010000 read (AMD)", OP_RDMSR, 0xc0010000u, .exc = GP },
	{ "msr", "0xffffffff read", OP_RDMSR, 0xffffffffu, .exc = GP },

	/* ---- MSRs: canonical addresses (passed through) ---- */
	{ "canon", "SYSENTER_ESP non-canonical", OP_WRMSR, MSR_SYSENTER_ESP, .set = NONCANON, .flags = F_ABS, .exc = GP, .note = SDM_WRMSR },
	{ "canon", "SYSENTER_EIP non-canonical", OP_WRMSR, MSR_SYSENTER_EIP, .set = NONCANON, .flags = F_ABS, .exc = GP, .note = SDM_WRMSR },
	{ "canon", "LSTAR non-canonical", OP_WRMSR, MSR_LSTAR, .set = NONCANON, .flags = F_ABS, .exc = GP, .note = SDM_WRMSR },
	{ "canon", "FS_BASE non-canonical", OP_WRMSR, MSR_FS_BASE, .set = NONCANON, .flags = F_ABS, .exc = GP, .note = SDM_WRMSR },
	{ "canon", "GS_BASE non-canonical", OP_WRMSR, MSR_GS_BASE, .set = NONCANON, .flags = F_ABS, .exc = GP, .note = SDM_WRMSR },
	{ "canon", "KERNEL_GS_BASE non-canonical", OP_WRMSR, MSR_KGS_BASE, .set = NONCANON, .flags = F_ABS, .exc = GP, .note = SDM_WRMSR },
	{ "canon", "SYSENTER_ESP canonical reads back", OP_WRMSR, MSR_SYSENTER_ESP, .set = CANON, .flags = F_ABS },
	{ "canon", "SYSENTER_EIP canonical reads back", OP_WRMSR, MSR_SYSENTER_EIP, .set = CANON, .flags = F_ABS },
	{ "canon", "SYSENTER_CS reads back", OP_WRMSR, MSR_SYSENTER_CS, .set = 0x10, .flags = F_ABS },
	{ "canon", "LSTAR canonical reads back", OP_WRMSR, MSR_LSTAR, .set = CANON, .flags = F_ABS },
	{ "canon", "CSTAR canonical reads back", OP_WRMSR, MSR_CSTAR, .set = CANON, .flags = F_ABS },
	{ "canon", "STAR reads back", OP_WRMSR, MSR_STAR, .set = 0x0023001000000000ull, .flags = F_ABS },
	{ "canon", "SFMASK reads back", OP_WRMSR, MSR_SFMASK, .set = 0x47700, .flags = F_ABS },
	{ "canon", "FS_BASE canonical reads back", OP_WRMSR, MSR_FS_BASE, .set = CANON, .flags = F_ABS },
	{ "canon", "KERNEL_GS_BASE canonical reads back", OP_WRMSR, MSR_KGS_BASE, .set = CANON, .flags = F_ABS },

	/* ---- The LAPIC: xAPIC mode ---- */
	{ "apic", "APIC_BASE read: 0xfee00000, EN, BSP", OP_RDMSR, MSR_APIC_BASE, .rb_set = 0xfee00000ull | BASE_EN | BASE_BSP },
	{ "apic", "APIC_BASE bit 0 (reserved)", OP_WRMSR, MSR_APIC_BASE, .set = B(0), .exc = GP, .note = "SDM vol. 3 11.4.4" },
	{ "apic", "APIC_BASE bit 9 (reserved)", OP_WRMSR, MSR_APIC_BASE, .set = B(9), .exc = GP, .note = "SDM vol. 3 11.4.4" },
	{ "apic", "APIC_BASE bit MAXPHYADDR (reserved)", OP_WRMSR, MSR_APIC_BASE, .flags = F_MAXPHY, .exc = GP, .note = "SDM vol. 3 11.4.4" },
	{ "apic", "APIC_BASE bit 63 (reserved)", OP_WRMSR, MSR_APIC_BASE, .set = B(63), .exc = GP, .note = "SDM vol. 3 11.4.4" },
	{ "apic", "APIC_BASE EXTD without EN", OP_WRMSR, MSR_APIC_BASE, .set = BASE_EXTD, .clr = BASE_EN, .exc = GP, .note = "SDM vol. 3 11.12.5" },
	/* The xAPIC page: the instruction on the TPR (bits 7:0 only) gives
	 * what it gives on RAM */
	{ "mmio", "MOV read", OP_MMIO, M_MOV_RD, .set = 0x30, .flags = F_ABS },
	{ "mmio", "MOV write", OP_MMIO, M_MOV_WR, .set = 0x30, .flags = F_ABS },
	{ "mmio", "OR imm: result and flags", OP_MMIO, M_OR, .set = 0x30, .flags = F_ABS },
	{ "mmio", "AND imm to 0: ZF, PF", OP_MMIO, M_AND, .set = 0x30, .flags = F_ABS },
	{ "mmio", "XOR imm to 0", OP_MMIO, M_XOR, .set = 0x30, .flags = F_ABS },
	{ "mmio", "CMP equal: ZF", OP_MMIO, M_CMP_EQ, .set = 0x30, .flags = F_ABS },
	{ "mmio", "CMP below: CF, SF, AF", OP_MMIO, M_CMP_LT, .set = 0x30, .flags = F_ABS },
	{ "mmio", "CMP reg above: AF", OP_MMIO, M_CMP_REG, .set = 0x30, .flags = F_ABS },
	{ "mmio", "TEST imm", OP_MMIO, M_TEST, .set = 0x30, .flags = F_ABS },
	{ "mmio", "OR reg, bit 7: SF clear (32-bit), PF", OP_MMIO, M_OR_REG, .set = 0x30, .flags = F_ABS },
	{ "mmio", "AND reg", OP_MMIO, M_AND_REG, .set = 0xf0, .flags = F_ABS },
	{ "mmio", "MOVZX byte", OP_MMIO, M_MOVZB, .set = 0x90, .flags = F_ABS },
	{ "mmio", "MOVSX byte 0x90: sign-extended", OP_MMIO, M_MOVSB, .set = 0x90, .flags = F_ABS },
	{ "mmio", "MOVZX word", OP_MMIO, M_MOVZW, .set = 0x90, .flags = F_ABS },
	{ "mmio", "XCHG: old value out, new in", OP_MMIO, M_XCHG, .set = 0x30, .flags = F_ABS },
	{ "mmio", "REP STOSD, count 1", OP_MMIO, M_STOS, .set = 0x30, .flags = F_ABS },
	/* The IOAPIC page (always emulated): the same on IOREGSEL, and
	 * byte forms (flags of an 8-bit result; the model ignores writes
	 * narrower than 32 bits, so only the flags are compared there) */
	{ "ioapic", "IOREGSEL: OR byte: SF from bit 7", OP_MMIO_IOAPIC, M_ORB, .set = 0x30, .flags = F_ABS | F_FLAGS },
	{ "ioapic", "IOREGSEL: AND byte", OP_MMIO_IOAPIC, M_ANDB, .set = 0xb0, .flags = F_ABS | F_FLAGS },
	{ "ioapic", "IOREGSEL: XOR byte", OP_MMIO_IOAPIC, M_XORB, .set = 0x3c, .flags = F_ABS | F_FLAGS },
	{ "ioapic", "IOREGSEL: CMP byte: OF, SF", OP_MMIO_IOAPIC, M_CMPB, .set = 0x80, .flags = F_ABS },
	{ "ioapic", "IOREGSEL: TEST byte", OP_MMIO_IOAPIC, M_TESTB, .set = 0x90, .flags = F_ABS },
	{ "ioapic", "IOREGSEL: MOV byte read (upper bytes kept)", OP_MMIO_IOAPIC, M_MOVB_RD, .set = 0x12, .flags = F_ABS },
	{ "ioapic", "IOREGSEL: MOV read", OP_MMIO_IOAPIC, M_MOV_RD, .set = 0x30, .flags = F_ABS },
	{ "ioapic", "IOREGSEL: MOV write", OP_MMIO_IOAPIC, M_MOV_WR, .set = 0x30, .flags = F_ABS },
	{ "ioapic", "IOREGSEL: OR imm: result and flags", OP_MMIO_IOAPIC, M_OR, .set = 0x30, .flags = F_ABS },
	{ "ioapic", "IOREGSEL: AND imm to 0: ZF, PF", OP_MMIO_IOAPIC, M_AND, .set = 0x30, .flags = F_ABS },
	{ "ioapic", "IOREGSEL: XOR imm to 0", OP_MMIO_IOAPIC, M_XOR, .set = 0x30, .flags = F_ABS },
	{ "ioapic", "IOREGSEL: CMP equal: ZF", OP_MMIO_IOAPIC, M_CMP_EQ, .set = 0x30, .flags = F_ABS },
	{ "ioapic", "IOREGSEL: CMP below: CF, SF, AF", OP_MMIO_IOAPIC, M_CMP_LT, .set = 0x30, .flags = F_ABS },
	{ "ioapic", "IOREGSEL: CMP reg above: AF", OP_MMIO_IOAPIC, M_CMP_REG, .set = 0x30, .flags = F_ABS },
	{ "ioapic", "IOREGSEL: TEST imm", OP_MMIO_IOAPIC, M_TEST, .set = 0x30, .flags = F_ABS },
	{ "ioapic", "IOREGSEL: OR reg, bit 7: SF clear (32-bit), PF", OP_MMIO_IOAPIC, M_OR_REG, .set = 0x30, .flags = F_ABS },
	{ "ioapic", "IOREGSEL: AND reg", OP_MMIO_IOAPIC, M_AND_REG, .set = 0xf0, .flags = F_ABS },
	{ "ioapic", "IOREGSEL: MOVZX byte", OP_MMIO_IOAPIC, M_MOVZB, .set = 0x90, .flags = F_ABS },
	{ "ioapic", "IOREGSEL: MOVSX byte 0x90: sign-extended", OP_MMIO_IOAPIC, M_MOVSB, .set = 0x90, .flags = F_ABS },
	{ "ioapic", "IOREGSEL: MOVZX word", OP_MMIO_IOAPIC, M_MOVZW, .set = 0x90, .flags = F_ABS },
	{ "ioapic", "IOREGSEL: XCHG: old value out, new in", OP_MMIO_IOAPIC, M_XCHG, .set = 0x30, .flags = F_ABS },
	{ "ioapic", "IOREGSEL: REP STOSD, count 1", OP_MMIO_IOAPIC, M_STOS, .set = 0x30, .flags = F_ABS },
	{ "apic", "APIC_BASE moved to 0xfed00000 reads back", OP_WRMSR, MSR_APIC_BASE, .set = 0xfed00000ull, .clr = 0xfffff000ull, .note = "SDM vol. 3 11.4.5" },
	{ "apic", "xAPIC: RDMSR of x2APIC ID", OP_RDMSR, X2(0x2), .exc = GP, .note = SDM_X2 },
	{ "apic", "xAPIC: WRMSR of x2APIC TPR", OP_WRMSR, X2(0x8), .flags = F_ABS, .exc = GP, .note = SDM_X2 },
	{ "tscdl", "one-shot mode: write ignored, reads 0", OP_WRMSR, MSR_TSC_DEADLINE, .set = B(62), .flags = F_ABS, .prep = P_LVT_ONESHOT, .rb_clr = ~0ull, .note = "SDM vol. 3 11.5.4.1" },
	{ "tscdl", "TSC-deadline mode: reads back", OP_WRMSR, MSR_TSC_DEADLINE, .set = B(62), .flags = F_ABS, .prep = P_LVT_DEADLINE, .note = "SDM vol. 3 11.5.4.1" },
	{ "tscdl", "TSC-deadline mode: 0 disarms, reads 0", OP_WRMSR, MSR_TSC_DEADLINE, .set = 0, .flags = F_ABS, .prep = P_LVT_DEADLINE },
	{ "tscdl", "deadline TSC + 100000 (guest TSC moved): fires, not before", OP_TSCDL_FIRE, 0, .set = 100000, .flags = F_ABS, .rb_set = 1, .note = "SDM vol. 3 11.5.4.1" },
	{ "apic", "xAPIC -> x2APIC", OP_WRMSR, MSR_APIC_BASE, .set = BASE_EXTD, .flags = F_KEEP },

	/* ---- The LAPIC: x2APIC mode ---- */
	{ "x2apic", "ID read: 0", OP_RDMSR, X2(0x2), .rb_set = 0 },
	{ "x2apic", "ID write (read-only)", OP_WRMSR, X2(0x2), .exc = GP, .note = SDM_X2 },
	{ "x2apic", "version read", OP_RDMSR, X2(0x3), .rb_set = 0x14, .rbmask = 0xff },
	{ "x2apic", "version write (read-only)", OP_WRMSR, X2(0x3), .exc = GP, .note = SDM_X2 },
	{ "x2apic", "0x801 read (reserved)", OP_RDMSR, X2(0x1), .exc = GP, .note = SDM_X2 },
	{ "x2apic", "0x801 write (reserved)", OP_WRMSR, X2(0x1), .flags = F_ABS, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "0x804 read (reserved)", OP_RDMSR, X2(0x4), .exc = GP, .note = SDM_X2 },
	{ "x2apic", "0x800 read (reserved)", OP_RDMSR, X2(0x0), .exc = GP, .note = SDM_X2 },
	{ "x2apic", "0x807 read (reserved)", OP_RDMSR, X2(0x7), .exc = GP, .note = SDM_X2 },
	{ "x2apic", "0x82e read (reserved)", OP_RDMSR, X2(0x2e), .exc = GP, .note = SDM_X2 },
	{ "x2apic", "0x82f read (LVT CMCI: no MCA)", OP_RDMSR, X2(0x2f), .exc = GP, .note = SDM_X2 },
	{ "x2apic", "0x83a read (reserved)", OP_RDMSR, X2(0x3a), .exc = GP, .note = SDM_X2 },
	{ "x2apic", "0x83d read (reserved)", OP_RDMSR, X2(0x3d), .exc = GP, .note = SDM_X2 },
	{ "x2apic", "0x83d write (reserved)", OP_WRMSR, X2(0x3d), .flags = F_ABS, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "0x809 read (APR: not in x2APIC)", OP_RDMSR, X2(0x9), .exc = GP, .note = SDM_X2 },
	{ "x2apic", "0x80c read (RRD: not in x2APIC)", OP_RDMSR, X2(0xc), .exc = GP, .note = SDM_X2 },
	{ "x2apic", "TPR 0x20 reads back", OP_WRMSR, X2(0x8), .set = 0x20, .flags = F_ABS },
	{ "x2apic", "TPR bit 8 (reserved)", OP_WRMSR, X2(0x8), .set = 0x120, .flags = F_ABS, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "TPR bit 32 (reserved)", OP_WRMSR, X2(0x8), .set = B(32), .flags = F_ABS, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "PPR read", OP_RDMSR, X2(0xa), .flags = F_NORB },
	{ "x2apic", "PPR write (read-only)", OP_WRMSR, X2(0xa), .flags = F_ABS, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "EOI read (write-only)", OP_RDMSR, X2(0xb), .exc = GP, .note = SDM_X2 },
	{ "x2apic", "EOI write 0", OP_WRMSR, X2(0xb), .flags = F_ABS | F_NORB },
	{ "x2apic", "EOI write 1 (non-zero)", OP_WRMSR, X2(0xb), .set = 1, .flags = F_ABS | F_NORB, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "LDR read: cluster 0, bit 0", OP_RDMSR, X2(0xd), .rb_set = 1 },
	{ "x2apic", "LDR write (read-only)", OP_WRMSR, X2(0xd), .exc = GP, .note = SDM_X2 },
	{ "x2apic", "DFR read (not in x2APIC)", OP_RDMSR, X2(0xe), .exc = GP, .note = SDM_X2 },
	{ "x2apic", "DFR write (not in x2APIC)", OP_WRMSR, X2(0xe), .set = ~0u, .flags = F_ABS, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "SVR 0x1ff reads back", OP_WRMSR, X2(0xf), .set = 0x1ff, .flags = F_ABS },
	{ "x2apic", "SVR bit 12 (no EOI-broadcast suppression)", OP_WRMSR, X2(0xf), .set = 0x11ff, .flags = F_ABS, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "SVR bit 32 (reserved)", OP_WRMSR, X2(0xf), .set = B(32) | 0x1ff, .flags = F_ABS, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "ISR read", OP_RDMSR, X2(0x10), .flags = F_NORB },
	{ "x2apic", "ISR write (read-only)", OP_WRMSR, X2(0x10), .flags = F_ABS, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "TMR write (read-only)", OP_WRMSR, X2(0x18), .flags = F_ABS, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "IRR write (read-only)", OP_WRMSR, X2(0x20), .flags = F_ABS, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "ESR write 0", OP_WRMSR, X2(0x28), .flags = F_ABS | F_NORB },
	{ "x2apic", "ESR write 1 (non-zero)", OP_WRMSR, X2(0x28), .set = 1, .flags = F_ABS | F_NORB, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "ICR read", OP_RDMSR, X2(0x30), .flags = F_NORB },
	{ "x2apic", "ICR self IPI 0x41: requested, delivered", OP_WRMSR, X2(0x30), .set = ICR_SELF | 0x41, .flags = F_KEEP | F_ABS | F_NORB | F_IRR },
	{ "x2apic", "ICR reads back the self IPI (64 bits, no delivery status)", OP_RDMSR, X2(0x30), .rb_set = ICR_SELF | 0x41 },
	{ "x2apic", "ICR bit 20 (reserved)", OP_WRMSR, X2(0x30), .set = ICR_SELF | B(20) | 0x41, .flags = F_KEEP | F_ABS | F_NORB, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "ICR bit 13 (reserved)", OP_WRMSR, X2(0x30), .set = ICR_SELF | B(13) | 0x41, .flags = F_KEEP | F_ABS | F_NORB, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "ICR_HI 0x831 read (not in x2APIC)", OP_RDMSR, X2(0x31), .exc = GP, .note = SDM_X2 },
	{ "x2apic", "ICR_HI 0x831 write (not in x2APIC)", OP_WRMSR, X2(0x31), .flags = F_ABS, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "LVT timer masked one-shot reads back", OP_WRMSR, X2(0x32), .set = 0x10040, .flags = F_ABS },
	{ "x2apic", "LVT timer mode 3 (reserved)", OP_WRMSR, X2(0x32), .set = 0x70040, .flags = F_ABS, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "LVT timer bit 19 (reserved)", OP_WRMSR, X2(0x32), .set = 0x90040, .flags = F_ABS, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "LVT error masked reads back", OP_WRMSR, X2(0x37), .set = 0x10050, .flags = F_ABS },
	{ "x2apic", "TMICT 0 reads back", OP_WRMSR, X2(0x38), .set = 0, .flags = F_ABS },
	{ "x2apic", "TMCCT read", OP_RDMSR, X2(0x39), .flags = F_NORB },
	{ "x2apic", "TMICT 0x0fffffff starts the count", OP_WRMSR, X2(0x38), .set = 0x0fffffff, .flags = F_ABS | F_KEEP },
	{ "x2apic", "TMCCT counts down from TMICT", OP_RDMSR, X2(0x39), .rb_set = 0, .rbmask = 0xf0000000u, .note = "SDM vol. 3 11.5.4" },
	{ "x2apic", "TMICT 0 stops it", OP_WRMSR, X2(0x38), .set = 0, .flags = F_KEEP | F_ABS },
	{ "x2apic", "TMCCT 0 after TMICT 0", OP_RDMSR, X2(0x39), .rb_set = 0, .note = "SDM vol. 3 11.5.4" },
	{ "x2apic", "TMCCT write (read-only)", OP_WRMSR, X2(0x39), .flags = F_ABS | F_NORB, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "TDCR 0xb reads back", OP_WRMSR, X2(0x3e), .set = 0xb, .flags = F_ABS },
	{ "x2apic", "TDCR bit 4 (reserved)", OP_WRMSR, X2(0x3e), .set = 0x1b, .flags = F_ABS, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "SELF_IPI read (write-only)", OP_RDMSR, X2(0x3f), .exc = GP, .note = SDM_X2 },
	{ "x2apic", "SELF_IPI 0x42: requested, delivered", OP_WRMSR, X2(0x3f), .set = 0x42, .flags = F_ABS | F_NORB | F_IRR },
	{ "x2apic", "SELF_IPI bit 8 (reserved)", OP_WRMSR, X2(0x3f), .set = 0x142, .flags = F_ABS | F_NORB, .exc = GP, .note = SDM_X2 },
	{ "x2apic", "ESR cleared (write 0 twice)", OP_WRMSR, X2(0x28), .flags = F_ABS | F_NORB | F_KEEP },
	{ "x2apic", "ESR cleared: reads 0", OP_WRMSR, X2(0x28), .flags = F_ABS | F_KEEP, .rb_clr = ~0ull },
	{ "x2apic", "SELF_IPI vector 5 (illegal): no #GP", OP_WRMSR, X2(0x3f), .set = 0x05, .flags = F_ABS | F_NORB | F_KEEP },
	{ "x2apic", "ESR latched after it", OP_WRMSR, X2(0x28), .flags = F_ABS | F_NORB | F_KEEP },
	{ "x2apic", "ESR: send illegal vector (bit 5)", OP_RDMSR, X2(0x28), .rb_set = 0x20, .rbmask = 0x20, .note = "SDM vol. 3 11.5.3" },
	{ "x2apic", "ICR fixed vector 3 to self (illegal): no #GP", OP_WRMSR, X2(0x30), .set = ICR_SELF | 0x03, .flags = F_ABS | F_NORB | F_KEEP },
	{ "x2apic", "ESR latched after it", OP_WRMSR, X2(0x28), .flags = F_ABS | F_NORB | F_KEEP },
	{ "x2apic", "ESR: send illegal vector (bit 5)", OP_RDMSR, X2(0x28), .rb_set = 0x20, .rbmask = 0x20, .note = "SDM vol. 3 11.5.3" },
	{ "x2apic", "0x840 read (outside the registers)", OP_RDMSR, X2(0x40), .exc = GP, .note = SDM_X2 },
	{ "x2apic", "0x8ff read", OP_RDMSR, X2(0xff), .exc = GP, .note = SDM_X2 },
	{ "x2apic", "CPL 3 RDMSR of ID", OP_RDMSR, X2(0x2), .flags = F_CPL3, .exc = GP },
	{ "x2apic", "CR8 = 9 -> TPR 0x90", OP_CR8_TPR, 0, .set = 9, .flags = F_ABS, .rb_set = 0x90, .rbmask = 0xff, .note = "SDM vol. 3 11.8.6" },
	{ "x2apic", "TPR 0x30 -> CR8 = 3", OP_TPR_CR8, 0, .set = 0x30, .flags = F_ABS, .rb_set = 3, .note = "SDM vol. 3 11.8.6" },
	{ "tscdl", "x2APIC, TSC-deadline mode: reads back", OP_WRMSR, MSR_TSC_DEADLINE, .set = B(62), .flags = F_ABS, .prep = P_LVT_DEADLINE },
	{ "tscdl", "x2APIC: deadline TSC + 100000: fires, not before", OP_TSCDL_FIRE, 0, .set = 100000, .flags = F_ABS, .rb_set = 1, .note = "SDM vol. 3 11.5.4.1" },

	/* ---- APIC_BASE mode transitions from x2APIC ---- */
	{ "apic", "x2APIC -> xAPIC (illegal)", OP_WRMSR, MSR_APIC_BASE, .clr = BASE_EXTD, .exc = GP, .note = "SDM vol. 3 11.12.5" },
	{ "apic", "x2APIC -> disabled", OP_WRMSR, MSR_APIC_BASE, .clr = BASE_EXTD | BASE_EN, .flags = F_KEEP },
	{ "apic", "disabled: x2APIC ID read", OP_RDMSR, X2(0x2), .exc = GP, .note = SDM_X2 },
	{ "apic", "disabled -> x2APIC (illegal)", OP_WRMSR, MSR_APIC_BASE, .set = BASE_EXTD | BASE_EN, .exc = GP, .note = "SDM vol. 3 11.12.5" },
	{ "apic", "disabled -> xAPIC", OP_WRMSR, MSR_APIC_BASE, .set = BASE_EN, .flags = F_KEEP },
	{ "apic", "xAPIC again -> x2APIC", OP_WRMSR, MSR_APIC_BASE, .set = BASE_EXTD, .flags = F_KEEP },
};

const unsigned sdm_nrows = sizeof(sdm_rows) / sizeof(sdm_rows[0]);
