/* Guest register access for the emulation code in guest/: the VMCS of the
 * vCPU must be current (true inside exit handling). */
#ifndef VMX_VCPU_REGS_H
#define VMX_VCPU_REGS_H

#include "lib/types.h"
#include "vmx/vmx.h"

struct vcpu;

uint64_t vcpu_gpr(struct vcpu *v, unsigned idx);
void vcpu_set_gpr(struct vcpu *v, unsigned idx, uint64_t val);
uint64_t vcpu_rip(struct vcpu *v);
void vcpu_set_rip(struct vcpu *v, uint64_t rip);
uint64_t vcpu_rflags(struct vcpu *v);
unsigned vcpu_cpl(struct vcpu *v);
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
