/* Reporting a failed VM entry: the VM-instruction error, or for an entry
 * that failed on guest state, the checks our own reading of the state
 * finds broken (SDM vol. 3 §26.3.1).  Only the VM is stopped. */
#include "vmx/vmx.h"
#include "vmx/caps.h"
#include "vmx/vmcs_fields.h"
#include "vmx/exit_reason.h"
#include "arch-x86/regs.h"
#include "lib/printk.h"


struct state_check {
	const char *what;
	bool (*bad)(const struct hw_vcpu *x);
};

static bool cr0_fixed_bad(const struct hw_vcpu *x)
{
	uint64_t cr0 = vmcs_readn(GUEST_CR0);
	uint64_t f0 = vmx_caps.cr0_fixed0 & ~(uint64_t)(CR0_PE | CR0_PG);

	(void)x;
	return (cr0 & f0) != f0 || (cr0 & ~vmx_caps.cr0_fixed1);
}

static bool cr4_fixed_bad(const struct hw_vcpu *x)
{
	uint64_t cr4 = vmcs_readn(GUEST_CR4);

	(void)x;
	return (cr4 & vmx_caps.cr4_fixed0) != vmx_caps.cr4_fixed0 ||
	       (cr4 & ~vmx_caps.cr4_fixed1);
}

static bool pg_without_pe(const struct hw_vcpu *x)
{
	uint64_t cr0 = vmcs_readn(GUEST_CR0);

	(void)x;
	return (cr0 & CR0_PG) && !(cr0 & CR0_PE);
}

static bool rflags_bad(const struct hw_vcpu *x)
{
	uint64_t rf = vmcs_readn(GUEST_RFLAGS);

	(void)x;
	/* Bit 1 must be 1; bits 3, 5, 15 and 63:22 must be 0. */
	return !(rf & RFLAGS_FIXED) || (rf & (BIT(3) | BIT(5) | BIT(15))) ||
	       (rf >> 22);
}

static bool ia32e_mismatch(const struct hw_vcpu *x)
{
	bool ia32e = x->entry_ctls & ENTRY_IA32E_MODE;
	uint64_t efer = vmcs_read64(GUEST_IA32_EFER);
	bool pg = vmcs_readn(GUEST_CR0) & CR0_PG;

	return ia32e != !!(efer & EFER_LMA) ||
	       (pg && !!(efer & EFER_LME) != !!(efer & EFER_LMA));
}

static bool cs_l_and_db(const struct hw_vcpu *x)
{
	uint32_t ar = vmcs_read32(GUEST_CS_AR);

	(void)x;
	return (ar & SEG_AR_L) && (ar & SEG_AR_DB);
}

static bool tr_unusable(const struct hw_vcpu *x)
{
	uint32_t ar = vmcs_read32(GUEST_TR_AR);

	(void)x;
	return (ar & SEG_AR_UNUSABLE) || !(ar & SEG_AR_P) || (ar & SEG_AR_S);
}

static bool link_pointer_bad(const struct hw_vcpu *x)
{
	(void)x;
	return vmcs_read64(VMCS_LINK_POINTER) != ~0ULL;
}

static bool activity_bad(const struct hw_vcpu *x)
{
	(void)x;
	return vmcs_read32(GUEST_ACTIVITY_STATE) > 3;
}

static const struct state_check checks[] = {
	{ "CR0 violates IA32_VMX_CR0_FIXED0/1", cr0_fixed_bad },
	{ "CR4 violates IA32_VMX_CR4_FIXED0/1", cr4_fixed_bad },
	{ "CR0.PG set without CR0.PE", pg_without_pe },
	{ "RFLAGS reserved bits (bit 1 must be 1; 3, 5, 15, 63:22 must be 0)", rflags_bad },
	{ "IA-32e mode entry control, EFER.LMA/LME and CR0.PG disagree", ia32e_mismatch },
	{ "CS.L and CS.D/B both set", cs_l_and_db },
	{ "TR unusable, not present or not a system segment", tr_unusable },
	{ "VMCS link pointer is not all ones", link_pointer_bad },
	{ "activity state out of range", activity_bad },
};

void hw_vcpu_dump(struct hw_vcpu *x)
{
	pr_err("  RIP %#lx RSP %#lx RFLAGS %#lx\n", vmcs_readn(GUEST_RIP),
	       vmcs_readn(GUEST_RSP), vmcs_readn(GUEST_RFLAGS));
	pr_err("  CR0 %#lx (shadow %#lx) CR3 %#lx CR4 %#lx (shadow %#lx) EFER %#lx\n",
	       vmcs_readn(GUEST_CR0), vmcs_readn(CR0_READ_SHADOW),
	       vmcs_readn(GUEST_CR3), vmcs_readn(GUEST_CR4),
	       vmcs_readn(CR4_READ_SHADOW), vmcs_read64(GUEST_IA32_EFER));
	pr_err("  CS %#x base %#lx limit %#x ar %#x; SS %#x ar %#x; TR %#x ar %#x\n",
	       vmcs_read16(GUEST_CS_SEL), vmcs_readn(GUEST_CS_BASE),
	       vmcs_read32(GUEST_CS_LIMIT), vmcs_read32(GUEST_CS_AR),
	       vmcs_read16(GUEST_SS_SEL), vmcs_read32(GUEST_SS_AR),
	       vmcs_read16(GUEST_TR_SEL), vmcs_read32(GUEST_TR_AR));
	pr_err("  controls: pin %#x proc %#x proc2 %#x exit %#x entry %#x\n",
	       x->pin, x->proc, x->proc2, x->exit_ctls, x->entry_ctls);
	pr_err("  RAX %#lx RBX %#lx RCX %#lx RDX %#lx RSI %#lx RDI %#lx\n",
	       x->regs.rax, x->regs.rbx, x->regs.rcx, x->regs.rdx, x->regs.rsi,
	       x->regs.rdi);
}

/* The details go to the log; the one line the VM is stopped with goes
 * into x->fail. */
void vmx_report_entry_failure(struct hw_vcpu *x, int result, uint32_t reason)
{
	const char *name = x->vm->name;
	unsigned nbad = 0;

	if (result == VMX_RUN_FAIL_INVALID) {
		snprintf(x->fail, sizeof(x->fail),
			 "VM entry failed: VMfailInvalid (no current VMCS)");
		return;
	}
	if (result == VMX_RUN_FAIL_VALID) {
		unsigned err = vmcs_read32(VM_INSTRUCTION_ERROR);

		pr_err("vm %s: VM entry failed: VM-instruction error %u (%s)\n",
		       name, err, vmx_insn_error_name(err));
		hw_vcpu_dump(x);
		snprintf(x->fail, sizeof(x->fail),
			 "VM entry failed: VM-instruction error %u (%s)", err,
			 vmx_insn_error_name(err));
		return;
	}
	pr_err("vm %s: VM entry failed: exit reason %u (%s), qualification %#lx\n",
	       name, EXIT_REASON_BASIC(reason),
	       vmx_exit_reason_name(EXIT_REASON_BASIC(reason)),
	       vmcs_readn(EXIT_QUALIFICATION));
	for (unsigned i = 0; i < ARRAY_SIZE(checks); i++) {
		if (checks[i].bad(x)) {
			pr_err("  failing check: %s\n", checks[i].what);
			nbad++;
		}
	}
	if (!nbad)
		pr_err("  no failing check identified by the hypervisor's own list\n");
	hw_vcpu_dump(x);
	snprintf(x->fail, sizeof(x->fail), "VM entry failed: %s",
		 vmx_exit_reason_name(EXIT_REASON_BASIC(reason)));
}
