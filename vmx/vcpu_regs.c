/* Guest register access backed by the current VMCS. */
#include "vmx/vcpu_regs.h"
#include "vmx/vmcs_fields.h"
#include "vmx/caps.h"
#include "guest/vm/vm.h"
#include "arch-x86/regs.h"

uint64_t vcpu_gpr(struct vcpu *v, unsigned idx)
{
	if ((idx & 15) == GPR_RSP)
		return vmcs_readn(GUEST_RSP);
	return v->vmx.regs.gpr[idx & 15];
}

void vcpu_set_gpr(struct vcpu *v, unsigned idx, uint64_t val)
{
	if ((idx & 15) == GPR_RSP)
		vmcs_writen(GUEST_RSP, val);
	else
		v->vmx.regs.gpr[idx & 15] = val;
}

uint64_t vcpu_cr0(struct vcpu *v)
{
	uint64_t mask = v->vmx.cr0_mask;

	return (vmcs_readn(GUEST_CR0) & ~mask) | (vmcs_readn(CR0_READ_SHADOW) & mask);
}

uint64_t vcpu_cr4(struct vcpu *v)
{
	uint64_t mask = v->vmx.cr4_mask;

	return (vmcs_readn(GUEST_CR4) & ~mask) | (vmcs_readn(CR4_READ_SHADOW) & mask);
}

uint64_t vcpu_cr3(struct vcpu *v)
{
	(void)v;
	return vmcs_readn(GUEST_CR3);
}

void vcpu_set_cr3(struct vcpu *v, uint64_t val)
{
	(void)v;
	vmcs_writen(GUEST_CR3, val);
}

uint64_t vcpu_efer(struct vcpu *v)
{
	(void)v;
	return vmcs_read64(GUEST_IA32_EFER);
}

bool vcpu_long_mode(struct vcpu *v)
{
	return vcpu_efer(v) & EFER_LMA;
}

static void sync_long_mode(struct vcpu *v, uint64_t cr0, uint64_t efer)
{
	struct vmx_vcpu *x = &v->vmx;
	bool lma = (cr0 & CR0_PG) && (efer & EFER_LME);

	efer = lma ? efer | EFER_LMA : efer & ~(uint64_t)EFER_LMA;
	vmcs_write64(GUEST_IA32_EFER, efer);
	if (lma)
		x->entry_ctls |= ENTRY_IA32E_MODE;
	else
		x->entry_ctls &= ~(uint32_t)ENTRY_IA32E_MODE;
	vmcs_write32(VM_ENTRY_CTLS, x->entry_ctls);
}

void vcpu_set_cr0(struct vcpu *v, uint64_t val)
{
	vmcs_writen(CR0_READ_SHADOW, val);
	vmcs_writen(GUEST_CR0, vmx_guest_cr0(&v->vmx, val));
	sync_long_mode(v, val, vcpu_efer(v));
}

void vcpu_set_cr4(struct vcpu *v, uint64_t val)
{
	vmcs_writen(CR4_READ_SHADOW, val);
	vmcs_writen(GUEST_CR4, vmx_guest_cr4(&v->vmx, val));
}

void vcpu_set_efer(struct vcpu *v, uint64_t val)
{
	sync_long_mode(v, vcpu_cr0(v), val);
}

uint64_t vcpu_pat(struct vcpu *v)
{
	if (v->vmx.entry_ctls & ENTRY_LOAD_PAT)
		return vmcs_read64(GUEST_IA32_PAT);
	return 0x0007040600070406ULL;
}

void vcpu_set_pat(struct vcpu *v, uint64_t val)
{
	if (v->vmx.entry_ctls & ENTRY_LOAD_PAT)
		vmcs_write64(GUEST_IA32_PAT, val);
}
