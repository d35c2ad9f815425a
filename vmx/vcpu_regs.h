/* Guest register access for the emulation code in guest/: the VMCS of the
 * vCPU must be current (true inside exit handling). */
#ifndef VMX_VCPU_REGS_H
#define VMX_VCPU_REGS_H

#include "lib/types.h"
#include "vmx/vmx.h"
#include "vmx/vmcs_fields.h"

struct vcpu;

/* The hot ones are inline: they sit on every exit path. */
uint64_t vcpu_gpr(struct vcpu *v, unsigned idx);
void vcpu_set_gpr(struct vcpu *v, unsigned idx, uint64_t val);

static inline uint64_t vcpu_rip(struct vcpu *v)
{
	(void)v;
	return vmcs_readn(GUEST_RIP);
}

static inline void vcpu_set_rip(struct vcpu *v, uint64_t rip)
{
	(void)v;
	vmcs_writen(GUEST_RIP, rip);
}

static inline uint64_t vcpu_rflags(struct vcpu *v)
{
	(void)v;
	return vmcs_readn(GUEST_RFLAGS);
}

/* SDM §24.4.1: the CPL is SS.DPL (bits 6:5 of the access rights); VM
 * entry insists that it is 0 in real mode, so no CR0 check is needed. */
static inline unsigned vcpu_cpl(struct vcpu *v)
{
	(void)v;
	return (vmcs_read32(GUEST_SS_AR) >> 5) & 3;
}
/* Control registers as the guest sees them (read shadows folded in). */
uint64_t vcpu_cr0(struct vcpu *v);
uint64_t vcpu_cr3(struct vcpu *v);
uint64_t vcpu_cr4(struct vcpu *v);
uint64_t vcpu_efer(struct vcpu *v);
bool vcpu_long_mode(struct vcpu *v);
/* Load a new guest view of CR0/CR4/EFER; keeps LMA and the IA-32e entry
 * control coherent (SDM vol. 3 §10.8.5). */
void vcpu_set_cr0(struct vcpu *v, uint64_t val);
void vcpu_set_cr4(struct vcpu *v, uint64_t val);
void vcpu_set_efer(struct vcpu *v, uint64_t val);
uint64_t vcpu_pat(struct vcpu *v);
void vcpu_set_pat(struct vcpu *v, uint64_t val);
void vcpu_set_cr3(struct vcpu *v, uint64_t val);

#endif
