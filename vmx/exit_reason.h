/* Basic VM-exit reasons (SDM vol. 3, appendix C) and exit-information
 * decoders. */
#ifndef VMX_EXIT_REASON_H
#define VMX_EXIT_REASON_H

#include "lib/types.h"

enum vmx_exit_reason {
	EXIT_EXCEPTION_NMI = 0,
	EXIT_EXTERNAL_INTR = 1,
	EXIT_TRIPLE_FAULT = 2,
	EXIT_INIT = 3,
	EXIT_SIPI = 4,
	EXIT_IO_SMI = 5,
	EXIT_OTHER_SMI = 6,
	EXIT_INTR_WINDOW = 7,
	EXIT_NMI_WINDOW = 8,
	EXIT_TASK_SWITCH = 9,
	EXIT_CPUID = 10,
	EXIT_GETSEC = 11,
	EXIT_HLT = 12,
	EXIT_INVD = 13,
	EXIT_INVLPG = 14,
	EXIT_RDPMC = 15,
	EXIT_RDTSC = 16,
	EXIT_RSM = 17,
	EXIT_VMCALL = 18,
	EXIT_VMCLEAR = 19,
	EXIT_VMLAUNCH = 20,
	EXIT_VMPTRLD = 21,
	EXIT_VMPTRST = 22,
	EXIT_VMREAD = 23,
	EXIT_VMRESUME = 24,
	EXIT_VMWRITE = 25,
	EXIT_VMXOFF = 26,
	EXIT_VMXON = 27,
	EXIT_CR_ACCESS = 28,
	EXIT_DR_ACCESS = 29,
	EXIT_IO = 30,
	EXIT_RDMSR = 31,
	EXIT_WRMSR = 32,
	EXIT_ENTRY_FAIL_GUEST = 33,
	EXIT_ENTRY_FAIL_MSR = 34,
	EXIT_MWAIT = 36,
	EXIT_MTF = 37,
	EXIT_MONITOR = 39,
	EXIT_PAUSE = 40,
	EXIT_ENTRY_FAIL_MC = 41,
	EXIT_TPR_BELOW_THRESHOLD = 43,
	EXIT_APIC_ACCESS = 44,
	EXIT_VIRTUALIZED_EOI = 45,
	EXIT_GDTR_IDTR = 46,
	EXIT_LDTR_TR = 47,
	EXIT_EPT_VIOLATION = 48,
	EXIT_EPT_MISCONFIG = 49,
	EXIT_INVEPT = 50,
	EXIT_RDTSCP = 51,
	EXIT_PREEMPT_TIMER = 52,
	EXIT_INVVPID = 53,
	EXIT_WBINVD = 54,
	EXIT_XSETBV = 55,
	EXIT_APIC_WRITE = 56,
	EXIT_RDRAND = 57,
	EXIT_INVPCID = 58,
	EXIT_VMFUNC = 59,
	EXIT_ENCLS = 60,
	EXIT_RDSEED = 61,
	EXIT_PML_FULL = 62,
	EXIT_XSAVES = 63,
	EXIT_XRSTORS = 64,
	EXIT_REASON_MAX = 80,
};

/* Exit-reason field: bits 15:0 basic reason, bit 31 VM-entry failure. */
#define EXIT_REASON_BASIC(r) ((r)&0xffff)
#define EXIT_REASON_ENTRY_FAIL BIT(31)

/* Interruption information (exit, IDT-vectoring and entry fields). */
#define INTR_INFO_VECTOR(i) ((i)&0xff)
#define INTR_INFO_TYPE(i) (((i) >> 8) & 7)
#define INTR_INFO_ERROR_VALID BIT(11)
#define INTR_INFO_NMI_UNBLOCK BIT(12)
#define INTR_INFO_VALID BIT(31)
enum intr_type {
	INTR_TYPE_EXT_INTR = 0,
	INTR_TYPE_NMI = 2,
	INTR_TYPE_HW_EXCEPTION = 3,
	INTR_TYPE_SW_INTR = 4,
	INTR_TYPE_PRIV_SW_EXCEPTION = 5,
	INTR_TYPE_SW_EXCEPTION = 6,
};

/* Exit qualification for control-register accesses. */
#define CRQ_CR(q) ((unsigned)((q)&0xf))
#define CRQ_TYPE(q) ((unsigned)(((q) >> 4) & 3))
#define CRQ_GPR(q) ((unsigned)(((q) >> 8) & 0xf))
#define CRQ_LMSW_SRC(q) ((uint16_t)((q) >> 16))
enum { CR_TYPE_MOV_TO = 0, CR_TYPE_MOV_FROM = 1, CR_TYPE_CLTS = 2, CR_TYPE_LMSW = 3 };

/* Exit qualification for I/O instructions. */
#define IOQ_SIZE(q) ((unsigned)((q)&7) + 1)
#define IOQ_IN(q) (((q) >> 3) & 1)
#define IOQ_STRING(q) (((q) >> 4) & 1)
#define IOQ_REP(q) (((q) >> 5) & 1)
#define IOQ_PORT(q) ((uint16_t)((q) >> 16))

/* Exit qualification for EPT violations. */
#define EPTQ_READ BIT(0)
#define EPTQ_WRITE BIT(1)
#define EPTQ_FETCH BIT(2)
#define EPTQ_GLA_VALID BIT(7)

/* Exit qualification for APIC-access exits (bits 11:0 also for
 * APIC-write exits) and EOI-induced exits. */
#define APICQ_OFFSET(q) ((uint32_t)(q)&0xfff)
#define APICQ_TYPE(q) ((unsigned)(((q) >> 12) & 0xf))
enum { APIC_ACCESS_LINEAR_READ = 0, APIC_ACCESS_LINEAR_WRITE = 1 };
#define EOIQ_VECTOR(q) ((uint8_t)(q))

/* Guest interruptibility state. */
#define INTERRUPTIBILITY_STI BIT(0)
#define INTERRUPTIBILITY_MOV_SS BIT(1)
#define INTERRUPTIBILITY_NMI BIT(3)

const char *vmx_exit_reason_name(unsigned reason);
const char *vmx_insn_error_name(unsigned err);

#endif
