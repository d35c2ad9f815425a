/* APIC virtualization, the model's side (SDM vol. 3 ch. 30).  The
 * backend (vmx/apicv.c) owns the pages and controls; this file decides
 * what goes into them from the vLAPIC (guest/dev/vlapic_page.c has the
 * page layout) and hands the exits that need the model to it. */
#include "guest/vpc/apicv.h"
#include "guest/vpc/vplat.h"
#include "guest/dev/vlapic.h"
#include "arch-x86/regs.h"

/* x2APIC mode: reads of the registers kept in the page pass, writes exit
 * but for TPR and EOI, which the CPU virtualizes (SDM "Virtualizing
 * MSR-Based APIC Accesses").  SELF IPI writes exit too: the vLAPIC takes
 * them like any other IPI.  The backend uses this bitmap only together
 * with "virtualize x2APIC mode", so a write let through never reaches the
 * host's LAPIC. */
void apicv_vm_setup(struct vm *vm)
{
	for (uint32_t msr = VLAPIC_MSR_X2APIC_FIRST; msr <= VLAPIC_MSR_X2APIC_LAST; msr++)
		hw_vm_x2apic_msr_intercept(vm->hw, msr, !vlapic_page_x2apic_readable(msr),
					   msr != VLAPIC_MSR_X2APIC_FIRST + (APIC_REG_TPR >> 4) &&
					   msr != VLAPIC_MSR_X2APIC_FIRST + (APIC_REG_EOI >> 4));
}

/* A globally disabled LAPIC is not virtualized: its page and CR8 exit
 * and are emulated like those of a disabled LAPIC (the page reads all
 * ones). */
static enum hw_apic_mode apic_mode(const struct vlapic *l)
{
	if (!vlapic_enabled(l))
		return HW_APIC_OFF;
	return vlapic_x2apic(l) ? HW_APIC_X2APIC : HW_APIC_XAPIC;
}

/* Bochs 2.7 delivers a virtual interrupt the CPU has recognized even
 * with RFLAGS.IF = 0 when a host interrupt (a kick) arrives at the same
 * instruction boundary: the guest takes an interrupt inside a section it
 * runs with interrupts off, and deadlocks on a lock that section holds.
 * Two things keep the CPU from recognizing one while IF may be 0 (with
 * no cost to correctness on hardware that follows the SDM):
 *  - entering with IF = 0, interrupt-window exiting goes on: while it is
 *    on the CPU recognizes no virtual interrupt at all (SDM "Evaluation
 *    of Pending Virtual Interrupts"), and the window exit comes as soon
 *    as the guest can take interrupts again;
 *  - a virtual EOI (in a handler, IF = 0) that could let a further
 *    requested vector through exits, so that its entry sees IF = 0.
 * What remains is a guest's own self-IPI or TPR write with IF = 0 and
 * no exit since it cleared IF.  Returns true when the interrupt window
 * must be on. */
bool apicv_load(struct vcpu *v)
{
	struct vlapic *l = vcpu_vlapic(v);
	struct vlapic_page_status st;
	uint64_t eoi_exit[4];

	vlapic_page_load(l, hw_vcpu_vapic(v->hw), &st);
	for (unsigned i = 0; i < 4; i++)
		eoi_exit[i] = st.level[i] | st.unblock[i];
	hw_vcpu_apicv_sync(v->hw, apic_mode(l), (uint16_t)(st.svi << 8 | st.rvi),
			   eoi_exit);
	return !(vcpu_rflags(v) & RFLAGS_IF);
}

/* Vectors the CPU did not deliver come back to the vLAPIC: the next entry
 * must hand them over again. */
void apicv_store(struct vcpu *v)
{
	if (vlapic_page_store(vcpu_vlapic(v), hw_vcpu_vapic(v->hw)))
		vcpu_recheck(v);
}

/* Trap-like: the write is in the page, RIP past the instruction. */
enum vcpu_action apicv_write_exit(struct vcpu *v, const struct hw_exit *e)
{
	vlapic_page_write(vcpu_vlapic(v), hw_vcpu_vapic(v->hw), e->apic.offset);
	vcpu_recheck(v);
	return ACT_RESUME;
}

/* Trap-like: the CPU has retired the vector from ISR already.  Not only
 * level-triggered vectors come here (see apicv_load()). */
enum vcpu_action apicv_eoi_exit(struct vcpu *v, const struct hw_exit *e)
{
	vlapic_eoi_vector(vcpu_vlapic(v), e->eoi.vector);
	vcpu_recheck(v);
	return ACT_RESUME;
}
