/* VT-x capabilities read from the VMX capability MSRs (SDM vol. 3,
 * appendix A). */
#ifndef VMX_CAPS_H
#define VMX_CAPS_H

#include "lib/types.h"
#include "mm/ept.h"

/* IA32_VMX_BASIC */
#define VMX_BASIC_REVISION(v) ((uint32_t)(v)&0x7fffffff)
#define VMX_BASIC_REGION_SIZE(v) ((uint32_t)((v) >> 32) & 0x1fff)
#define VMX_BASIC_MEMTYPE_WB(v) ((((v) >> 50) & 0xf) == 6)
#define VMX_BASIC_TRUE_CTLS BIT(55)

/* Pin-based controls */
#define PIN_EXTINT_EXITING BIT(0)
#define PIN_NMI_EXITING BIT(3)
#define PIN_VIRTUAL_NMIS BIT(5)
#define PIN_PREEMPT_TIMER BIT(6)
#define PIN_POSTED_INTR BIT(7)

/* Primary processor-based controls */
#define PROC_INTR_WINDOW BIT(2)
#define PROC_TSC_OFFSETTING BIT(3)
#define PROC_HLT_EXITING BIT(7)
#define PROC_INVLPG_EXITING BIT(9)
#define PROC_MWAIT_EXITING BIT(10)
#define PROC_RDPMC_EXITING BIT(11)
#define PROC_RDTSC_EXITING BIT(12)
#define PROC_CR3_LOAD_EXITING BIT(15)
#define PROC_CR3_STORE_EXITING BIT(16)
#define PROC_CR8_LOAD_EXITING BIT(19)
#define PROC_CR8_STORE_EXITING BIT(20)
#define PROC_TPR_SHADOW BIT(21)
#define PROC_NMI_WINDOW BIT(22)
#define PROC_MOV_DR_EXITING BIT(23)
#define PROC_UNCOND_IO_EXITING BIT(24)
#define PROC_USE_IO_BITMAPS BIT(25)
#define PROC_MTF BIT(27)
#define PROC_USE_MSR_BITMAPS BIT(28)
#define PROC_MONITOR_EXITING BIT(29)
#define PROC_PAUSE_EXITING BIT(30)
#define PROC_SECONDARY_CTLS BIT(31)

/* Secondary processor-based controls */
#define PROC2_VIRT_APIC_ACCESS BIT(0)
#define PROC2_EPT BIT(1)
#define PROC2_DESC_TABLE_EXITING BIT(2)
#define PROC2_RDTSCP BIT(3)
#define PROC2_VIRT_X2APIC BIT(4)
#define PROC2_VPID BIT(5)
#define PROC2_WBINVD_EXITING BIT(6)
#define PROC2_UNRESTRICTED_GUEST BIT(7)
#define PROC2_APIC_REG_VIRT BIT(8)
#define PROC2_VIRT_INTR_DELIVERY BIT(9)
#define PROC2_PAUSE_LOOP_EXITING BIT(10)
#define PROC2_INVPCID BIT(12)
#define PROC2_XSAVES BIT(20)

/* VM-exit controls */
#define EXIT_SAVE_DEBUG_CTLS BIT(2)
#define EXIT_HOST_ADDR_SPACE_SIZE BIT(9)
#define EXIT_ACK_INTR_ON_EXIT BIT(15)
#define EXIT_SAVE_PAT BIT(18)
#define EXIT_LOAD_PAT BIT(19)
#define EXIT_SAVE_EFER BIT(20)
#define EXIT_LOAD_EFER BIT(21)
#define EXIT_SAVE_PREEMPT_TIMER BIT(22)

/* VM-entry controls */
#define ENTRY_LOAD_DEBUG_CTLS BIT(2)
#define ENTRY_IA32E_MODE BIT(9)
#define ENTRY_LOAD_PAT BIT(14)
#define ENTRY_LOAD_EFER BIT(15)

/* IA32_VMX_EPT_VPID_CAP */
/* The EPT page-format bits (walk length, memory types, 2M/1G, A/D) are
 * in mm/ept.h, which builds the tables from them. */
#define EPT_CAP_INVEPT BIT(20)
#define EPT_CAP_INVEPT_SINGLE BIT(25)
#define EPT_CAP_INVEPT_ALL BIT(26)
#define VPID_CAP_INVVPID BIT(32)
#define VPID_CAP_INVVPID_SINGLE BIT(41)
#define VPID_CAP_INVVPID_ALL BIT(42)

/* IA32_VMX_MISC */
#define VMX_MISC_PREEMPT_SHIFT(v) ((unsigned)((v)&0x1f))
#define VMX_MISC_UG_LMA_STORE BIT(5)

/* One control MSR: bits that must be 1 (low word) and may be 1 (high). */
struct vmx_ctl_cap {
	uint32_t must1;
	uint32_t may1;
};

struct vmx_caps {
	bool present;      /* CPUID.1:ECX.VMX */
	bool fc_locked;    /* IA32_FEATURE_CONTROL lock bit */
	bool fc_vmx;       /* VMX outside SMX allowed */
	uint64_t basic, misc, ept_vpid;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	struct vmx_ctl_cap pin, proc, proc2, exit, entry;
};

/* Read every capability MSR (only when CPUID reports VMX). */
void vmx_caps_read(struct vmx_caps *c);
/* Print the one-screen VT-x summary of the boot report. */
void vmx_caps_print(const struct vmx_caps *c);

static inline bool vmx_ctl_may(const struct vmx_ctl_cap *cap, uint32_t bits)
{
	return (cap->may1 & bits) == bits;
}

/* Controls to program: required bits forced on, wanted bits kept only
 * where allowed.  Returns false when a bit in 'required' is not allowed. */
bool vmx_ctl_compute(const struct vmx_ctl_cap *cap, uint32_t required,
		     uint32_t optional, uint32_t *out);

extern struct vmx_caps vmx_caps;

#endif
