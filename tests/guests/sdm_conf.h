/* sdm_conf: the SDM conformance guest.  One table (sdm_table.c) of cases,
 * each an instruction the hypervisor traps or emulates, the state it
 * starts from, its operand and the architectural outcome the Intel SDM
 * gives: the exception (#GP(0), #UD, ...) or none, and what reading the
 * register back shows afterwards.  sdm_conf.c runs each row with
 * exception recovery, compares, and prints one PASS/FAIL/SKIP line per
 * row and the RESULT line. */
#ifndef SDM_CONF_H
#define SDM_CONF_H

#include "lib/guest_rt.h"

#define NONE (-1) /* no exception */
#define VEC_NM 7
/* Expected exceptions in the table (0: none). */
#define EXC(vec) ((vec) + 1)
#define GP EXC(VEC_GP)
#define UD EXC(VEC_UD)
#define B(n) (1ull << (n))

/* What a row executes. */
enum op {
	OP_WRCR,     /* MOV CRn, reg (idx = n); read back with MOV reg, CRn */
	OP_RDCR,     /* MOV reg, CRn: compare with rb under rbmask */
	OP_CLTS,     /* read back CR0 */
	OP_LMSW,     /* LMSW with the low 16 bits of the operand; CR0 back */
	OP_XSETBV,   /* ECX = idx; read back XGETBV(0) */
	OP_XGETBV,   /* ECX = idx */
	OP_WRMSR,    /* ECX = idx; read back RDMSR idx unless F_NORB */
	OP_RDMSR,    /* ECX = idx */
	OP_RDPMC,    /* ECX = idx */
	OP_INSN,     /* a fixed instruction, idx from enum insn */
	OP_CR8_TPR,  /* MOV CR8 = operand, then the LAPIC's TPR is compared */
	OP_TPR_CR8,  /* the LAPIC's TPR = operand, then CR8 is compared */
	OP_OSXSAVE,  /* CR4.OSXSAVE = operand, then CPUID.1:ECX.OSXSAVE */
	OP_XSAVE_SIZE, /* XSETBV(0, operand), then CPUID.(0DH,0):EBX */
	OP_MMIO,     /* instruction idx (enum mmio) on the xAPIC TPR, starting
		      * from 'set'; compared with the same on RAM (result
		      * and the arithmetic flags it defines) */
	OP_MMIO_IOAPIC, /* the same on the IOAPIC's IOREGSEL (bits 7:0),
			 * always emulated */
	OP_IN,       /* IN from port idx, 'set' bytes wide (1, 2, 4) */
	OP_OUT,      /* OUT of 'set' (a byte) to port idx */
	OP_LEGACY,   /* case idx of sdm_legacy.S (32-bit protected mode, no
		      * paging): its vector and value, compared even after a
		      * fault */
	OP_TSCDL_FIRE, /* TSC-deadline timer at TSC + operand: 1 if its
			* interrupt came, not before the deadline */
	OP_FASTSTR,  /* MISC_ENABLE.fast strings = operand, then
		      * CPUID.7:EBX.ERMS; MISC_ENABLE put back */
	OP_TSCADJ,   /* TSC_ADJUST += operand: 1 if the TSC moved by the
		      * operand (within 2^24), TSC_ADJUST put back */
};

enum insn {
	I_WBINVD, I_INVD, I_HLT, I_VMXON, I_VMXOFF, I_VMCLEAR, I_VMPTRLD,
	I_VMREAD, I_VMWRITE, I_VMLAUNCH, I_INVEPT, I_INVVPID, I_MONITOR,
	I_MWAIT, I_GETSEC, I_RDTSCP, I_RDTSC, I_INVLPG, I_LGDT, I_MOVDR7,
	I_SSE,       /* PXOR xmm0, xmm0 */
	I_X87,       /* FNINIT */
	I_AVX,       /* VZEROUPPER */
	I_INVPCID2,  /* INVPCID type 2 (all contexts, with globals) */
	I_INVPCID4,  /* INVPCID type 4 (reserved) */
	I_XSAVES,    /* XSAVES of x87 state to an aligned area */
	I_XRSTORS_BAD, /* XRSTORS of an area in the standard form */
	I_XSAVEC,    /* XSAVEC of x87 state */
	I_RDPID,     /* RDPID: IA32_TSC_AUX */
	I_SGDT,      /* SGDT */
	I_RDFSBASE,  /* RDFSBASE */
};

/* Instructions on a LAPIC register (emulated, or virtualized with
 * APICv) whose outcome must equal the same instruction on RAM. */
enum mmio {
	M_MOV_RD, M_MOV_WR, M_OR, M_AND, M_XOR, M_CMP_EQ, M_CMP_LT, M_TEST,
	M_OR_REG, M_AND_REG, M_MOVZB, M_MOVSB, M_MOVZW, M_XCHG, M_STOS,
	M_CMP_REG,
	/* byte and word forms (IOREGSEL only: a byte register) */
	M_ORB, M_ANDB, M_XORB, M_CMPB, M_TESTB, M_MOVB_WR, M_MOVB_RD, M_XCHGB,
	M_ORW, M_CMPW,
};

/* The state a row starts from (the state before every row is restored
 * after it, except where F_KEEP says the row moves the machine on). */
enum prep {
	P_NONE,
	P_OSXSAVE,     /* CR4.OSXSAVE = 1 */
	P_NO_OSXSAVE,  /* CR4.OSXSAVE = 0 */
	P_CR3_LOW,     /* CR3[11:0] != 0 (PWT set), PCIDE off */
	P_PCIDE,       /* CR4.PCIDE = 1 (CR3[11:0] = 0) */
	P_TS,          /* CR0.TS = 1 */
	P_PCE,         /* CR4.PCE = 1 */
	P_TSD,         /* CR4.TSD = 1 */
	P_LVT_DEADLINE, /* LVT timer masked, TSC-deadline mode */
	P_LVT_ONESHOT,  /* LVT timer masked, one-shot mode */
	P_TSC_AUX,     /* IA32_TSC_AUX = 0x5a */
	P_EM,          /* CR0.EM = 1 */
	P_OSFXSR,      /* CR4.OSFXSR = 1 */
	P_TS_FX,       /* CR0.TS = 1, CR4.OSFXSR = 1 */
	P_EM_FX,       /* CR0.EM = 1, CR4.OSFXSR = 1 */
	P_XCR0_AVX,    /* CR4.OSXSAVE = 1, XCR0 = x87 | SSE | AVX */
	P_XCR0_X87,    /* CR4.OSXSAVE = 1, XCR0 = x87 */
	P_UMIP,        /* CR4.UMIP = 1 */
	P_FSGSBASE,    /* CR4.FSGSBASE = 1 */
};

/* Features a row may need (SKIP, or #GP expected with F_ELSE_GP). */
enum need {
	N_NONE, N_PCID, N_XSAVE, N_AVX, N_FSGSBASE, N_UMIP, N_NX, N_RDTSCP,
	N_LA57, N_XGETBV1, N_XSAVES, N_MTRR, N_INVPCID, N_XSAVEC, N_RDPID, N_ERMS,
};

#define F_CPL3 (1u << 0)     /* executed at CPL 3 */
#define F_ABS (1u << 1)      /* operand = set (not (current & ~clr) | set) */
#define F_NORB (1u << 2)     /* no read back (write-only, or no meaning) */
#define F_KEEP (1u << 3)     /* the row's effect stays (no restore) */
#define F_MAXPHY (1u << 4)   /* operand |= 1 << MAXPHYADDR */
#define F_ELSE_GP (1u << 5)  /* without the feature, #GP is expected */
#define F_XCR0 (1u << 6)     /* #GP unless CPUID.(0DH,0) lists all the bits */
#define F_NEAR (1u << 7)     /* read back within 2^24 above the operand */
#define F_IRR (1u << 8)      /* the vector (operand & 0xff) is requested in IRR */
#define F_ADD (1u << 10)     /* operand = current + set */
#define F_FLAGS (1u << 11)   /* OP_MMIO*: the flags only (the device drops
			      * the write) */
#define F_QUIRK (1u << 9)    /* Bochs gives .quirk instead (EXC() or 0) */

struct row {
	const char *area;
	const char *what;
	enum op op;
	uint32_t idx;
	uint64_t set, clr;   /* operand = (current & ~clr) | set */
	enum prep prep;
	int exc;             /* expected exception: 0 none, else EXC(vector) */
	/* Success: the register reads back as (operand & ~rb_clr) | rb_set;
	 * reads: (value & rbmask) == rb_set (rbmask 0: all bits);
	 * an exception: the register reads as before. */
	uint64_t rb_set, rb_clr, rbmask;
	uint32_t flags;
	enum need need;
	int quirk;           /* with F_QUIRK: Bochs' own outcome, also accepted */
	const char *note;    /* SDM reference, or what the Bochs quirk is */
};

/* sdm_legacy.S */
void sdm_legacy_run(void);
extern uint32_t sdm_leg_vec[16], sdm_leg_val[16];

extern const struct row sdm_rows[];
extern const unsigned sdm_nrows;

#endif
