/* Model-specific registers as the guest sees them.  Everything traps
 * except the few that are part of the guest's own context; unknown MSRs
 * raise #GP like on a CPU that lacks them. */
#include "guest/exit/emulate.h"
#include "guest/dev/vlapic.h"

#include "arch-x86/cpu.h"
#include "arch-x86/regs.h"

/* IA32_MISC_ENABLE (SDM vol. 4, table 2-2 and the model tables): what the
 * guest may change (fast strings, the CPUID limit, xTPR messages), what
 * it reads but cannot change (BTS and PEBS unavailable: there is no PMU;
 * the thermal, SpeedStep, MONITOR and turbo bits stay 0, as CPUID hides
 * those features), and nothing else: setting another bit is #GP. */
#define MISC_ENABLE_RO (BIT(3) | BIT(7) | BIT(11) | BIT(12) | BIT(16) | \
			BIT(18) | BIT(34) | BIT(38))
#define MISC_ENABLE_RW (MISC_ENABLE_FAST_STRINGS | MISC_ENABLE_LIMIT_CPUID | \
			BIT(23))
#define MSR_IA32_UCODE_REV 0x8b
/* Machine check: an architecture with no banks and no MCG_CTL (SDM vol. 3
 * 16.3.1), so that kernels that read MCG_CAP without looking at CPUID
 * find nothing to set up.  CPUID keeps MCE/MCA hidden. */
#define MSR_IA32_MCG_CAP 0x179
#define MSR_IA32_MCG_STATUS 0x17a
#define APIC_BASE_BSP BIT(8)
#define APIC_BASE_ENABLE BIT(11)
#define EFER_ALLOWED (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

/* Passed through: kept in the VMCS or swapped with the vCPU. */
static const uint32_t passthrough[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_IA32_SYSENTER_CS,
	MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP, MSR_STAR, MSR_LSTAR,
	MSR_CSTAR, MSR_SFMASK, MSR_TSC_AUX,
};

void guest_msr_setup(struct vm *vm)
{
	for (unsigned i = 0; i < ARRAY_SIZE(passthrough); i++)
		hw_vm_msr_intercept(vm->hw, passthrough[i], false, false);
	/* Reading the TSC does not exit (the CPU adds the vCPU's offset);
	 * a write sets the offset. */
	hw_vm_msr_intercept(vm->hw, MSR_IA32_TSC, false, true);
}

/* IA32_XSS exists where CPUID.(EAX=0DH,ECX=1):EAX.XSAVES says so.  No
 * supervisor state component is offered (guest/exit/cpuid.c clears
 * ECX:EDX of that subleaf), so 0 is its only valid value, the one the
 * host leaves in it while the guest runs. */
#define CPUID_D1_EAX_XSAVES BIT(3)

static bool guest_has_xss(void)
{
	return (cpuid(1).ecx & CPUID1_ECX_XSAVE) &&
	       (cpuid_count(0xd, 1).eax & CPUID_D1_EAX_XSAVES);
}

/* PAT: each of the 8 entries must be a valid memory type (0,1,4,5,6,7). */
static bool pat_valid(uint64_t pat)
{
	for (unsigned i = 0; i < 8; i++) {
		unsigned t = (pat >> (i * 8)) & 0xff;

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

static inline __attribute__((always_inline)) enum vcpu_action
emulated_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	switch (msr) {
	case MSR_EFER:
		*val = vcpu_efer(v);
		break;
	case MSR_IA32_PAT:
		*val = vcpu_pat(v);
		break;
	case MSR_IA32_MISC_ENABLE:
		*val = v->misc_enable;
		break;
	case MSR_IA32_MCG_CAP:
	case MSR_IA32_MCG_STATUS:
		*val = 0;
		break;
	case MSR_IA32_TSC_ADJUST:
		*val = v->tsc_adjust;
		break;
	case MSR_IA32_FEATURE_CONTROL:
		*val = FEATURE_CONTROL_LOCK; /* locked, VMX off */
		break;
	case MSR_IA32_APIC_BASE:
		*val = VLAPIC_BASE_DEFAULT | APIC_BASE_ENABLE |
		       (v->id == 0 ? APIC_BASE_BSP : 0);
		break;
	case MSR_IA32_TSC:
		*val = rdtsc() + vcpu_tsc_offset(v);
		break;
	case MSR_IA32_UCODE_REV:
		*val = 0; /* no microcode update loaded */
		break;
	case MSR_IA32_XSS:
		if (!guest_has_xss()) {
			vcpu_inject_gp(v);
			return ACT_RESUME;
		}
		*val = 0;
		break;
	default:
		vcpu_inject_gp(v);
		return ACT_RESUME;
	}
	return ACT_RESUME_ADVANCE;
}

/* The machine's device MSRs come first (the PC answers even for an MSR
 * emulated here); out of line, so that a VM whose machine has none keeps
 * the short path. */
static __attribute__((noinline)) enum vcpu_action
platform_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	bool gp = false;

	if (v->vm->platform->rdmsr(v, msr, val, &gp)) {
		if (!gp)
			return ACT_RESUME_ADVANCE;
		vcpu_inject_gp(v);
		return ACT_RESUME;
	}
	return emulated_rdmsr(v, msr, val);
}

enum vcpu_action guest_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	if (v->vm->platform->rdmsr)
		return platform_rdmsr(v, msr, val);
	return emulated_rdmsr(v, msr, val);
}

enum vcpu_action guest_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
	bool gp = false;

	if (v->vm->platform->wrmsr && v->vm->platform->wrmsr(v, msr, val, &gp)) {
		if (gp)
			goto gp;
		return ACT_RESUME_ADVANCE;
	}
	switch (msr) {
	case MSR_EFER:
		/* LMA is read-only for software; LME may not change while
		 * paging is on (SDM vol. 3 §10.8.5). */
		if (val & ~(uint64_t)EFER_ALLOWED)
			goto gp;
		if ((vcpu_cr0(v) & CR0_PG) &&
		    ((val ^ vcpu_efer(v)) & EFER_LME))
			goto gp;
		vcpu_set_efer(v, (val & ~(uint64_t)EFER_LMA));
		break;
	case MSR_IA32_PAT:
		if (!pat_valid(val))
			goto gp;
		vcpu_set_pat(v, val);
		break;
	case MSR_IA32_MISC_ENABLE:
		if (val & ~(MISC_ENABLE_RW | MISC_ENABLE_RO))
			goto gp;
		/* Read-only bits keep their value, whatever is written. */
		v->misc_enable = (v->misc_enable & MISC_ENABLE_RO) | (val & MISC_ENABLE_RW);
		break;
	case MSR_IA32_MCG_STATUS:
		if (val) /* no machine check in progress to acknowledge */
			goto gp;
		break;
	case MSR_IA32_TSC_ADJUST:
		/* SDM vol. 3 18.17.3: a write moves the TSC by the change. */
		if (!vcpu_set_tsc_offset(v, vcpu_tsc_offset(v) + (val - v->tsc_adjust)))
			goto gp;
		v->tsc_adjust = val;
		break;
	case MSR_IA32_UCODE_REV:
		break; /* written as 0 before CPUID, to read the revision */
	case MSR_IA32_TSC: {
		/* The vCPU's TSC reads 'val' now and counts on from there;
		 * TSC_ADJUST moves by as much (SDM vol. 3 18.17.3). */
		uint64_t old = vcpu_tsc_offset(v), off = val - rdtsc();

		if (!vcpu_set_tsc_offset(v, off))
			goto gp;
		v->tsc_adjust += off - old;
		break;
	}
	case MSR_IA32_XSS:
		if (val || !guest_has_xss())
			goto gp;
		break;
	default:
		goto gp;
	}
	return ACT_RESUME_ADVANCE;
gp:
	vcpu_inject_gp(v);
	return ACT_RESUME;
}
