/* CPUID as the guest sees it: the host's answers, shaped to what we
 * virtualize, plus our own leaves at 0x40000000. */
#include "guest/emulate.h"
#include "guest/include/hv_abi.h"
#include "vmx/vcpu_regs.h"
#include "arch-x86/cpu.h"

#define CPUID1_ECX_MONITOR BIT(3)
#define CPUID1_ECX_DS_CPL BIT(4)
#define CPUID1_ECX_EST BIT(7)
#define CPUID1_ECX_TM2 BIT(8)
#define CPUID1_ECX_PDCM BIT(15)
#define CPUID1_EBX_APIC_ID_SHIFT 24
#define CPUID7_EBX_ERMS BIT(9)
#define CPUID7_EDX_FSRM BIT(4)
#define CPUID6_EAX_ARAT BIT(2)
#define HV_FEATURES (HV_FEAT_CONSOLE | HV_FEAT_TIME | HV_FEAT_YIELD | \
		     HV_FEAT_IDENTITY | HV_FEAT_IPI | HV_FEAT_STATS)

/* Features we do not virtualize are hidden, never half-offered: nested
 * VMX, SMX, MONITOR/MWAIT (they exit to #UD), thermal/perf MSR features. */
static void shape_leaf1(struct vcpu *v, struct cpuid_regs *r)
{
	r->ecx &= ~(uint32_t)(CPUID1_ECX_VMX | CPUID1_ECX_SMX | CPUID1_ECX_MONITOR |
			      CPUID1_ECX_DS_CPL | CPUID1_ECX_EST | CPUID1_ECX_TM2 |
			      CPUID1_ECX_PDCM | CPUID1_ECX_X2APIC |
			      CPUID1_ECX_TSC_DEADLINE);
	r->ecx |= CPUID1_ECX_HYPERVISOR;
	/* Initial APIC ID = vCPU number. */
	r->ebx = (r->ebx & 0x00ffffff) | (v->id << CPUID1_EBX_APIC_ID_SHIFT);
}

/* Keep string-copy features coherent (see docs/PLATFORM notes): FSRM is
 * only shown together with ERMS. */
static void shape_leaf7(struct cpuid_regs *r, uint32_t sub)
{
	if (sub != 0)
		return;
	if (!(r->ebx & CPUID7_EBX_ERMS))
		r->edx &= ~(uint32_t)CPUID7_EDX_FSRM;
}

static void hv_leaf(uint32_t leaf, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){ 0 };
	if (leaf == HV_CPUID_BASE) {
		r->eax = HV_CPUID_MAX;
		r->ebx = HV_SIGNATURE_EBX;
		r->ecx = HV_SIGNATURE_ECX;
		r->edx = HV_SIGNATURE_EDX;
	} else if (leaf == HV_CPUID_FEATURES) {
		r->eax = HV_ABI_VERSION;
		r->ebx = HV_FEATURES;
		r->ecx = HC_NR_CALLS - 1;
	}
}

enum vcpu_action guest_cpuid(struct vcpu *v)
{
	uint32_t leaf = (uint32_t)vcpu_gpr(v, GPR_RAX);
	uint32_t sub = (uint32_t)vcpu_gpr(v, GPR_RCX);
	struct cpuid_regs r;

	if (leaf >= HV_CPUID_BASE && leaf < 0x50000000) {
		hv_leaf(leaf, &r);
	} else {
		r = cpuid_count(leaf, sub);
		if (leaf == 1)
			shape_leaf1(v, &r);
		else if (leaf == 7)
			shape_leaf7(&r, sub);
		else if (leaf == 6)
			r = (struct cpuid_regs){ .eax = r.eax & CPUID6_EAX_ARAT };
		else if (leaf == 0xa)
			r = (struct cpuid_regs){ 0 }; /* no PMU */
	}
	vcpu_set_gpr(v, GPR_RAX, r.eax);
	vcpu_set_gpr(v, GPR_RBX, r.ebx);
	vcpu_set_gpr(v, GPR_RCX, r.ecx);
	vcpu_set_gpr(v, GPR_RDX, r.edx);
	return ACT_RESUME_ADVANCE;
}
