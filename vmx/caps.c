/* Reading and summarizing VT-x capabilities. */
#include "vmx/caps.h"
#include "arch-x86/cpu.h"
#include "lib/printk.h"

struct vmx_caps vmx_caps;

static struct vmx_ctl_cap ctl_cap(uint32_t msr)
{
	uint64_t v = rdmsr(msr);

	return (struct vmx_ctl_cap){ .must1 = (uint32_t)v,
				     .may1 = (uint32_t)(v >> 32) };
}

void vmx_caps_read(struct vmx_caps *c)
{
	struct cpuid_regs r = cpuid(1);
	uint64_t fc;
	bool true_ctls;

	c->present = r.ecx & CPUID1_ECX_VMX;
	if (!c->present)
		return;
	fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	c->fc_locked = fc & FEATURE_CONTROL_LOCK;
	c->fc_vmx = fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX;
	c->basic = rdmsr(MSR_IA32_VMX_BASIC);
	c->misc = rdmsr(MSR_IA32_VMX_MISC);
	c->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	c->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	c->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	c->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);

	/* SDM A.2: with bit 55 of IA32_VMX_BASIC set, the TRUE_* MSRs tell
	 * which default-1 controls may actually be cleared. */
	true_ctls = c->basic & VMX_BASIC_TRUE_CTLS;
	c->pin = ctl_cap(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS
				   : MSR_IA32_VMX_PINBASED_CTLS);
	c->proc = ctl_cap(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS
				    : MSR_IA32_VMX_PROCBASED_CTLS);
	c->exit = ctl_cap(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS
				    : MSR_IA32_VMX_EXIT_CTLS);
	c->entry = ctl_cap(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS
				     : MSR_IA32_VMX_ENTRY_CTLS);
	if (c->proc.may1 & PROC_SECONDARY_CTLS) {
		c->proc2 = ctl_cap(MSR_IA32_VMX_PROCBASED_CTLS2);
		/* SDM A.10: the EPT/VPID MSR exists only if either may be 1. */
		if (c->proc2.may1 & (PROC2_EPT | PROC2_VPID))
			c->ept_vpid = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	}
}

bool vmx_ctl_compute(const struct vmx_ctl_cap *cap, uint32_t required,
		     uint32_t optional, uint32_t *out)
{
	if ((cap->may1 & required) != required)
		return false;
	*out = cap->must1 | required | (optional & cap->may1);
	return true;
}

static const char *yn(bool b)
{
	return b ? "yes" : "no";
}

void vmx_caps_print(const struct vmx_caps *c)
{
	if (!c->present) {
		pr_info("vmx: not available: CPUID.1:ECX.VMX is clear (no VT-x on this CPU)\n");
		return;
	}
	pr_info("vmx: VT-x present, IA32_FEATURE_CONTROL %s, VMX %s; VMCS rev %#x, %u bytes\n",
		c->fc_locked ? "locked" : "unlocked",
		c->fc_vmx ? "enabled" : (c->fc_locked ? "DISABLED by firmware" : "not yet enabled"),
		VMX_BASIC_REVISION(c->basic), VMX_BASIC_REGION_SIZE(c->basic));
	pr_info("vmx: EPT %s (2M %s, 1G %s, WB %s, A/D %s), VPID %s, unrestricted guest %s\n",
		yn(c->proc2.may1 & PROC2_EPT), yn(c->ept_vpid & EPT_CAP_2M),
		yn(c->ept_vpid & EPT_CAP_1G), yn(c->ept_vpid & EPT_CAP_WB),
		yn(c->ept_vpid & EPT_CAP_AD), yn(c->proc2.may1 & PROC2_VPID),
		yn(c->proc2.may1 & PROC2_UNRESTRICTED_GUEST));
	pr_info("vmx: preemption timer %s, virtual-interrupt delivery %s, APIC-register virt %s, posted interrupts %s, x2APIC virt %s\n",
		yn(c->pin.may1 & PIN_PREEMPT_TIMER),
		yn(c->proc2.may1 & PROC2_VIRT_INTR_DELIVERY),
		yn(c->proc2.may1 & PROC2_APIC_REG_VIRT),
		yn(c->pin.may1 & PIN_POSTED_INTR),
		yn(c->proc2.may1 & PROC2_VIRT_X2APIC));
}
