/* CPUID as the guest sees it: the host's answers, shaped to what we
 * virtualize, plus our own leaves at 0x40000000. */
#include "guest/exit/emulate.h"
#include "guest/exit/hc_conv.h"
#include "guest/include/hv_abi.h"
#include "arch-x86/cpu.h"
#include "arch-x86/regs.h"

#define CPUID1_ECX_MONITOR BIT(3)
#define CPUID1_ECX_DS_CPL BIT(4)
#define CPUID1_ECX_EST BIT(7)
#define CPUID1_ECX_TM2 BIT(8)
#define CPUID1_ECX_PDCM BIT(15)
#define CPUID1_EBX_APIC_ID_SHIFT 24
#define CPUID7_EBX_ERMS BIT(9)
#define CPUID7_EDX_FSRM BIT(4)
#define CPUID6_EAX_ARAT BIT(2)
#define CPUID1_EDX_MCE BIT(7)
#define CPUID1_EDX_MCA BIT(14)
#define CPUID1_ECX_OSXSAVE BIT(27)
#define CPUID1_EDX_ACPI BIT(22) /* thermal MSRs */
#define CPUID1_EDX_TM BIT(29)
#define CPUID7_EBX_TSC_ADJUST BIT(1)
#define CPUID7_EBX_SGX BIT(2)
#define CPUID7_ECX_PKU BIT(3)
#define CPUID7_ECX_OSPKE BIT(4)
#define CPUID7_ECX_CET_SS BIT(7)
#define CPUID7_ECX_SGX_LC BIT(30)
/* EDX: CET IBT, PCONFIG, and the speculation-control MSR features
 * (SPEC_CTRL, STIBP, L1D_FLUSH, ARCH_CAPABILITIES, CORE_CAPABILITIES,
 * SSBD): their MSRs are not virtualized. */
#define CPUID7_EDX_HIDDEN (BIT(18) | BIT(20) | BIT(26) | BIT(27) | BIT(28) | \
			   BIT(29) | BIT(30) | BIT(31))

/* Features we do not virtualize are hidden, never half-offered: nested
 * VMX, SMX, MONITOR/MWAIT (they exit to #UD), thermal/perf MSR features. */
static struct cpuid_regs shape_leaf1(struct vcpu *v, struct cpuid_regs r)
{
	r.ecx &= ~(uint32_t)(CPUID1_ECX_VMX | CPUID1_ECX_SMX | CPUID1_ECX_MONITOR |
			      CPUID1_ECX_DS_CPL | CPUID1_ECX_EST | CPUID1_ECX_TM2 |
			      CPUID1_ECX_PDCM | CPUID1_ECX_X2APIC |
			      CPUID1_ECX_TSC_DEADLINE);
	r.ecx |= CPUID1_ECX_HYPERVISOR;
	/* OSXSAVE mirrors the guest's CR4, not ours. */
	r.ecx &= ~(uint32_t)CPUID1_ECX_OSXSAVE;
	if (vcpu_cr4(v) & CR4_OSXSAVE)
		r.ecx |= CPUID1_ECX_OSXSAVE;
	/* Initial APIC ID = vCPU number. */
	r.ebx = (r.ebx & 0x00ffffff) | (v->id << CPUID1_EBX_APIC_ID_SHIFT);
	r.edx &= ~(uint32_t)(CPUID1_EDX_MCE | CPUID1_EDX_MCA | CPUID1_EDX_ACPI |
			      CPUID1_EDX_TM);
	return r;
}

/* Keep string-copy features coherent (see docs/PLATFORM notes): FSRM is
 * only shown together with ERMS. */
/* TSC_ADJUST is emulated (guest/exit/msr.c).  ERMS and FSRM follow the
 * fast-strings bit of the vCPU's IA32_MISC_ENABLE: with it off, REP MOVSB
 * is no faster than on a CPU without them, and kernels check the bit to
 * decide. */
static struct cpuid_regs shape_leaf7(struct vcpu *v, struct cpuid_regs r, uint32_t sub)
{
	if (sub != 0)
		return r;
	r.ebx &= ~(uint32_t)CPUID7_EBX_SGX;
	r.ecx &= ~(uint32_t)(CPUID7_ECX_PKU | CPUID7_ECX_OSPKE |
			     CPUID7_ECX_CET_SS | CPUID7_ECX_SGX_LC);
	r.edx &= ~(uint32_t)CPUID7_EDX_HIDDEN;
	if (!(v->misc_enable & MISC_ENABLE_FAST_STRINGS))
		r.ebx &= ~(uint32_t)CPUID7_EBX_ERMS;
	if (!(r.ebx & CPUID7_EBX_ERMS))
		r.edx &= ~(uint32_t)CPUID7_EDX_FSRM;
	return r;
}

static void hv_leaf(const struct vcpu *v, uint32_t leaf, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){ 0 };
	if (leaf == HV_CPUID_BASE) {
		r->eax = HV_CPUID_MAX;
		r->ebx = HV_SIGNATURE_EBX;
		r->ecx = HV_SIGNATURE_ECX;
		r->edx = HV_SIGNATURE_EDX;
	} else if (leaf == HV_CPUID_FEATURES) {
		r->eax = HV_ABI_VERSION;
		r->ebx = hc_features(v->hc_allow);
		r->ecx = HC_NR_CALLS - 1;
	}
}

static inline void set_result(struct vcpu *v, struct cpuid_regs r)
{
	vcpu_set_gpr(v, GPR_RAX, r.eax);
	vcpu_set_gpr(v, GPR_RBX, r.ebx);
	vcpu_set_gpr(v, GPR_RCX, r.ecx);
	vcpu_set_gpr(v, GPR_RDX, r.edx);
}

/* The host's answer shaped to what we virtualize. */
static inline __attribute__((always_inline)) struct cpuid_regs
shaped(struct vcpu *v, uint32_t leaf, uint32_t sub)
{
	struct cpuid_regs r;

	if (leaf >= HV_CPUID_BASE && leaf < 0x50000000) {
		hv_leaf(v, leaf, &r);
		return r;
	}
	r = cpuid_count(leaf, sub);
	/* IA32_MISC_ENABLE[22] (SDM vol. 4 table 2-2). */
	if (leaf == 0 && (v->misc_enable & MISC_ENABLE_LIMIT_CPUID) && r.eax > 2)
		r.eax = 2;
	if (leaf == 1)
		r = shape_leaf1(v, r);
	else if (leaf == 7)
		r = shape_leaf7(v, r, sub);
	else if (leaf == 6)
		r = (struct cpuid_regs){ .eax = r.eax & CPUID6_EAX_ARAT };
	else if (leaf == 0xa)
		r = (struct cpuid_regs){ 0 }; /* no PMU */
	else if (leaf == 0xd && sub == 1)
		r.ecx = r.edx = 0; /* no supervisor state for IA32_XSS */
	return r;
}

/* With the machine's own part (its LAPIC, topology, TSC leaf); out of
 * line, so that a VM whose machine adds nothing keeps the short path. */
static __attribute__((noinline)) enum vcpu_action platform_cpuid(struct vcpu *v)
{
	uint32_t leaf = (uint32_t)vcpu_gpr(v, GPR_RAX);
	uint32_t sub = (uint32_t)vcpu_gpr(v, GPR_RCX);
	struct cpuid_regs r = shaped(v, leaf, sub);

	if (leaf < HV_CPUID_BASE || leaf >= 0x50000000)
		r = v->vm->platform->cpuid(v, leaf, sub, r);
	set_result(v, r);
	return ACT_RESUME_ADVANCE;
}

enum vcpu_action guest_cpuid(struct vcpu *v)
{
	if (v->vm->platform->cpuid)
		return platform_cpuid(v);
	set_result(v, shaped(v, (uint32_t)vcpu_gpr(v, GPR_RAX),
			     (uint32_t)vcpu_gpr(v, GPR_RCX)));
	return ACT_RESUME_ADVANCE;
}
