/* Guest register access backed by the current VMCS (arch-x86/hwvirt.h):
 * the vCPU must be loaded, as it is while its exits are handled. */
#include "vmx/vmx.h"
#include "vmx/vmcs_fields.h"
#include "vmx/caps.h"
#include "arch-x86/regs.h"

uint64_t hw_gpr(struct hw_vcpu *x, unsigned idx)
{
	if ((idx & 15) == GPR_RSP)
		return vmcs_readn(GUEST_RSP);
	return x->regs.gpr[idx & 15];
}

void hw_set_gpr(struct hw_vcpu *x, unsigned idx, uint64_t val)
{
	if ((idx & 15) == GPR_RSP)
		vmcs_writen(GUEST_RSP, val);
	else
		x->regs.gpr[idx & 15] = val;
}

uint64_t hw_rip(struct hw_vcpu *x)
{
	(void)x;
	return vmcs_readn(GUEST_RIP);
}

void hw_set_rip(struct hw_vcpu *x, uint64_t rip)
{
	(void)x;
	vmcs_writen(GUEST_RIP, rip);
}

uint64_t hw_rflags(struct hw_vcpu *x)
{
	(void)x;
	return vmcs_readn(GUEST_RFLAGS);
}

void hw_set_rflags(struct hw_vcpu *x, uint64_t val)
{
	(void)x;
	vmcs_writen(GUEST_RFLAGS, val);
}

uint64_t hw_seg_base(struct hw_vcpu *x, unsigned seg)
{
	(void)x;
	switch (seg) {
	case 0: return vmcs_readn(GUEST_ES_BASE);
	case 1: return vmcs_readn(GUEST_CS_BASE);
	case 2: return vmcs_readn(GUEST_SS_BASE);
	case 3: return vmcs_readn(GUEST_DS_BASE);
	case 4: return vmcs_readn(GUEST_FS_BASE);
	case 5: return vmcs_readn(GUEST_GS_BASE);
	default: return 0;
	}
}

uint32_t hw_seg_ar(struct hw_vcpu *x, unsigned seg)
{
	(void)x;
	switch (seg) {
	case 0: return vmcs_read32(GUEST_ES_AR);
	case 1: return vmcs_read32(GUEST_CS_AR);
	case 2: return vmcs_read32(GUEST_SS_AR);
	case 3: return vmcs_read32(GUEST_DS_AR);
	case 4: return vmcs_read32(GUEST_FS_AR);
	case 5: return vmcs_read32(GUEST_GS_AR);
	default: return SEG_AR_UNUSABLE;
	}
}

/* SDM §24.4.1: the CPL is SS.DPL (bits 6:5 of the access rights); VM
 * entry insists that it is 0 in real mode, so no CR0 check is needed. */
unsigned hw_cpl(struct hw_vcpu *x)
{
	(void)x;
	return (vmcs_read32(GUEST_SS_AR) >> 5) & 3;
}

uint64_t hw_cr0(struct hw_vcpu *x)
{
	uint64_t mask = x->cr0_mask;

	return (vmcs_readn(GUEST_CR0) & ~mask) | (vmcs_readn(CR0_READ_SHADOW) & mask);
}

uint64_t hw_cr4(struct hw_vcpu *x)
{
	uint64_t mask = x->cr4_mask;

	return (vmcs_readn(GUEST_CR4) & ~mask) | (vmcs_readn(CR4_READ_SHADOW) & mask);
}

uint64_t hw_cr3(struct hw_vcpu *x)
{
	(void)x;
	return vmcs_readn(GUEST_CR3);
}

void hw_set_cr3(struct hw_vcpu *x, uint64_t val)
{
	(void)x;
	vmcs_writen(GUEST_CR3, val);
}

uint64_t hw_efer(struct hw_vcpu *x)
{
	(void)x;
	return vmcs_read64(GUEST_IA32_EFER);
}

static void sync_long_mode(struct hw_vcpu *x, uint64_t cr0, uint64_t efer)
{
	bool lma = (cr0 & CR0_PG) && (efer & EFER_LME);

	efer = lma ? efer | EFER_LMA : efer & ~(uint64_t)EFER_LMA;
	vmcs_write64(GUEST_IA32_EFER, efer);
	if (lma)
		x->entry_ctls |= ENTRY_IA32E_MODE;
	else
		x->entry_ctls &= ~(uint32_t)ENTRY_IA32E_MODE;
	vmcs_write32(VM_ENTRY_CTLS, x->entry_ctls);
}

void hw_set_cr0(struct hw_vcpu *x, uint64_t val)
{
	vmcs_writen(CR0_READ_SHADOW, val);
	vmcs_writen(GUEST_CR0, vmx_guest_cr0(val));
	sync_long_mode(x, val, hw_efer(x));
}

void hw_set_cr4(struct hw_vcpu *x, uint64_t val)
{
	(void)x;
	vmcs_writen(CR4_READ_SHADOW, val);
	vmcs_writen(GUEST_CR4, vmx_guest_cr4(val));
}

void hw_set_efer(struct hw_vcpu *x, uint64_t val)
{
	sync_long_mode(x, hw_cr0(x), val);
}

uint64_t hw_pat(struct hw_vcpu *x)
{
	if (x->entry_ctls & ENTRY_LOAD_PAT)
		return vmcs_read64(GUEST_IA32_PAT);
	return 0x0007040600070406ULL;
}

void hw_set_pat(struct hw_vcpu *x, uint64_t val)
{
	if (x->entry_ctls & ENTRY_LOAD_PAT)
		vmcs_write64(GUEST_IA32_PAT, val);
}

uint64_t hw_tsc_offset(struct hw_vcpu *x)
{
	return x->tsc_offset;
}

/* With TSC offsetting, RDTSC, RDTSCP and RDMSR of IA32_TSC in the guest
 * add the offset (SDM vol. 3 27.3); without the control a guest cannot
 * be given a TSC of its own. */
bool hw_set_tsc_offset(struct hw_vcpu *x, uint64_t off)
{
	if (!(x->proc & PROC_TSC_OFFSETTING))
		return false;
	x->tsc_offset = off;
	vmcs_write64(TSC_OFFSET, off);
	return true;
}

uint64_t hw_cr2(struct hw_vcpu *x)
{
	return x->regs.cr2;
}

void hw_set_cr2(struct hw_vcpu *x, uint64_t val)
{
	x->regs.cr2 = val;
}
