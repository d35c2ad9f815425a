/* Entering VMX root operation on a CPU, and raw VMCS access. */
#include "vmx/vmx.h"
#include "vmx/caps.h"
#include "vmx/vmx_ops.h"
#include "vmx/vmcs_fields.h"
#include "vmx/exit_reason.h"
#include "arch-x86/cpu.h"
#include "arch-x86/percpu.h"
#include "mm/frame.h"
#include "mm/phys.h"
#include "lib/printk.h"
#include "lib/string.h"

void vmx_access_failed(uint32_t field, bool write, uint64_t value)
{
	uint64_t err = 0;

	vmread_raw(VM_INSTRUCTION_ERROR, &err);
	if (write)
		panic("VMWRITE of field %#x = %#lx failed (VM-instruction error %lu)",
		      field, value, err);
	panic("VMREAD of field %#x failed (VM-instruction error %lu)", field, err);
}

struct required_feature {
	const char *name;
	bool (*present)(const struct vmx_caps *c);
};

static bool has_proc2(const struct vmx_caps *c) { return c->proc.may1 & PROC_SECONDARY_CTLS; }
static bool has_ept(const struct vmx_caps *c) { return c->proc2.may1 & PROC2_EPT; }
static bool has_vpid(const struct vmx_caps *c) { return c->proc2.may1 & PROC2_VPID; }
static bool has_ug(const struct vmx_caps *c) { return c->proc2.may1 & PROC2_UNRESTRICTED_GUEST; }
static bool has_msr_bitmap(const struct vmx_caps *c) { return c->proc.may1 & PROC_USE_MSR_BITMAPS; }
static bool has_io_bitmap(const struct vmx_caps *c) { return c->proc.may1 & PROC_USE_IO_BITMAPS; }
static bool has_ept_wb4(const struct vmx_caps *c)
{
	return (c->ept_vpid & (EPT_CAP_WALK4 | EPT_CAP_WB)) == (EPT_CAP_WALK4 | EPT_CAP_WB);
}
static bool has_invept(const struct vmx_caps *c)
{
	return (c->ept_vpid & (EPT_CAP_INVEPT | EPT_CAP_INVEPT_SINGLE)) ==
	       (EPT_CAP_INVEPT | EPT_CAP_INVEPT_SINGLE);
}
static bool has_invvpid(const struct vmx_caps *c)
{
	return (c->ept_vpid & (VPID_CAP_INVVPID | VPID_CAP_INVVPID_SINGLE)) ==
	       (VPID_CAP_INVVPID | VPID_CAP_INVVPID_SINGLE);
}
static bool has_wb_vmcs(const struct vmx_caps *c) { return VMX_BASIC_MEMTYPE_WB(c->basic); }
static bool has_efer_ctls(const struct vmx_caps *c)
{
	return vmx_ctl_may(&c->exit, EXIT_LOAD_EFER | EXIT_SAVE_EFER) &&
	       vmx_ctl_may(&c->entry, ENTRY_LOAD_EFER);
}

static const struct required_feature required[] = {
	{ "secondary processor-based controls", has_proc2 },
	{ "EPT", has_ept },
	{ "EPT 4-level walk with write-back tables", has_ept_wb4 },
	{ "INVEPT (single context)", has_invept },
	{ "VPID", has_vpid },
	{ "INVVPID (single context)", has_invvpid },
	{ "unrestricted guest", has_ug },
	{ "MSR bitmaps", has_msr_bitmap },
	{ "I/O bitmaps", has_io_bitmap },
	{ "write-back VMCS memory", has_wb_vmcs },
	{ "load/save IA32_EFER controls", has_efer_ctls },
};

bool vmx_check_required(void)
{
	bool ok = true;

	for (unsigned i = 0; i < ARRAY_SIZE(required); i++) {
		if (!required[i].present(&vmx_caps)) {
			pr_err("vmx: required feature missing: %s\n", required[i].name);
			ok = false;
		}
	}
	return ok;
}

/* SDM vol. 3 §24.7: enable VMX in IA32_FEATURE_CONTROL if firmware left it
 * unlocked; a locked MSR with VMX off cannot be changed until reset. */
static int feature_control_enable(void)
{
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

	if (fc & FEATURE_CONTROL_LOCK) {
		if (!(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
			pr_err("vmx: IA32_FEATURE_CONTROL is locked with VMX disabled: enable VT-x in the firmware setup\n");
			return -1;
		}
		return 0;
	}
	wrmsr(MSR_IA32_FEATURE_CONTROL,
	      fc | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX);
	return 0;
}

int vmx_cpu_enable(void)
{
	struct percpu *pc = this_cpu();
	uint32_t *rev;
	uint64_t cr0, cr4;

	if (pc->vmx_on)
		return 0;
	if (feature_control_enable() < 0)
		return -1;
	/* SDM §24.8: CR0 and CR4 must respect the VMX fixed-bit MSRs. */
	cr0 = (read_cr0() | vmx_caps.cr0_fixed0) & vmx_caps.cr0_fixed1;
	cr4 = (read_cr4() | vmx_caps.cr4_fixed0 | CR4_VMXE) & vmx_caps.cr4_fixed1;
	write_cr0(cr0);
	write_cr4(cr4);

	if (!pc->vmxon_region) {
		pc->vmxon_region = frame_zalloc();
		if (!pc->vmxon_region) {
			pr_err("vmx: CPU %u: no memory for the VMXON region\n", pc->cpu_id);
			return -1;
		}
	}
	rev = phys_to_virt(pc->vmxon_region);
	*rev = VMX_BASIC_REVISION(vmx_caps.basic);
	if (!vmxon(pc->vmxon_region)) {
		pr_err("vmx: CPU %u: VMXON failed\n", pc->cpu_id);
		return -1;
	}
	pc->vmx_on = true;
	/* Nothing may be cached for VPIDs/EPTPs from before us. */
	invept(INVEPT_ALL_CONTEXT, 0);
	invvpid(INVVPID_ALL_CONTEXT, 0, 0);
	return 0;
}

void vmx_invept_single(uint64_t eptp)
{
	if (!invept(INVEPT_SINGLE_CONTEXT, eptp))
		panic("INVEPT of EPTP %#lx failed", eptp);
}
