/* APIC virtualization for the virtual PC's LAPICs (SDM vol. 3 ch. 30).
 *
 * Per VM: one APIC-access page, mapped in the EPT at the LAPIC base; the
 * CPU recognises guest accesses to it and reads or writes the current
 * vCPU's virtual-APIC page instead, or exits.  Per vCPU: the
 * virtual-APIC page (guest/dev/vlapic_page.c fills it and reads it back).
 * xAPIC mode uses "virtualize APIC accesses", x2APIC mode "virtualize
 * x2APIC mode" with an MSR bitmap that lets register reads through; the
 * two controls exclude each other, so a vCPU switches when its guest
 * changes APIC_BASE.EXTD.
 *
 * Virtual-interrupt delivery: RVI (the highest requested vector) and SVI
 * (the highest in service) in the guest-interrupt status, and the CPU
 * delivers a vector once RVI's priority class beats the virtual PPR and
 * the guest can take interrupts, without an exit.  EOIs are virtual too;
 * those of level-triggered vectors exit (EOI-exit bitmap) so the IOAPIC
 * hears of them.  Writes to registers with side effects (ICR, LVT, timer,
 * SVR, ...) land in the page and exit (APIC write); reads of the
 * registers that are not in the page (TMCCT, APR, PPR in xAPIC mode)
 * exit (APIC access) and are emulated. */
#include "vmx/apicv.h"
#include "vmx/caps.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_ops.h"
#include "guest/exit/mmio.h"
#include "arch-x86/regs.h"
#include "mm/frame.h"
#include "mm/phys.h"
#include "lib/printk.h"
#include "lib/string.h"

static bool apicv_wanted = true;

void vmx_use_apicv(bool on)
{
	apicv_wanted = on;
}

/* The controls every part needs, or what is missing. */
static const char *missing_control(void)
{
	const struct vmx_caps *c = &vmx_caps;

	if (!vmx_ctl_may(&c->proc, PROC_TPR_SHADOW | PROC_SECONDARY_CTLS))
		return "the TPR shadow";
	if (!vmx_ctl_may(&c->proc2, PROC2_VIRT_APIC_ACCESS))
		return "APIC-access virtualization";
	if (!vmx_ctl_may(&c->proc2, PROC2_APIC_REG_VIRT))
		return "APIC-register virtualization";
	if (!vmx_ctl_may(&c->proc2, PROC2_VIRT_INTR_DELIVERY))
		return "virtual-interrupt delivery";
	if (!vmx_ctl_may(&c->proc2, PROC2_VIRT_X2APIC))
		return "x2APIC-mode virtualization";
	return NULL;
}

/* x2APIC mode: reads of the registers kept in the page pass, writes exit
 * but for TPR and EOI, which the CPU virtualizes (SDM "Virtualizing
 * MSR-Based APIC Accesses").  SELF IPI writes exit too: the vLAPIC takes
 * them like any other IPI.  A write let through without "virtualize
 * x2APIC mode" would reach the host's LAPIC: this bitmap is only ever
 * used together with that control (set_mode()). */
static void open_x2apic_msrs(paddr_t bitmap)
{
	for (uint32_t msr = VLAPIC_MSR_X2APIC_FIRST; msr <= VLAPIC_MSR_X2APIC_LAST; msr++)
		vmx_msr_bitmap_set(bitmap, msr, !vlapic_page_x2apic_readable(msr),
				   msr != VLAPIC_MSR_X2APIC_FIRST + (APIC_REG_TPR >> 4) &&
				   msr != VLAPIC_MSR_X2APIC_FIRST + (APIC_REG_EOI >> 4));
}

int vmx_apicv_vm_init(struct vm *vm)
{
	const char *why;

	if (!vm->cfg->platform)
		return 0;
	why = apicv_wanted ? missing_control() : NULL;
	if (!apicv_wanted || why) {
		pr_info("vm %s: LAPIC: emulated (%s%s)\n", vm->name,
			why ? "the CPU lacks " : "apicv=off", why ? why : "");
		return 0;
	}
	vm->apic_access_page = frame_zalloc();
	vm->msr_bitmap_x2apic = frame_alloc();
	if (!vm->apic_access_page || !vm->msr_bitmap_x2apic)
		goto fail;
	/* The VM's bitmap as it is now (everything trapped); later changes
	 * reach both (vmx_msr_intercept). */
	memcpy(phys_to_virt(vm->msr_bitmap_x2apic), phys_to_virt(vm->msr_bitmap),
	       PAGE_SIZE);
	open_x2apic_msrs(vm->msr_bitmap_x2apic);
	/* Never fetched from: an instruction fetch there stays an EPT
	 * violation, as without APIC virtualization. */
	if (ept_map(&vm->ept, VLAPIC_BASE_DEFAULT, vm->apic_access_page, PAGE_SIZE,
		    EPT_R | EPT_W, EPT_MT_WB) < 0)
		goto fail;
	vm->apicv = true;
	pr_info("vm %s: LAPIC: APIC-register virtualization + virtual-interrupt delivery\n",
		vm->name);
	return 0;
fail:
	vmx_apicv_vm_destroy(vm);
	return -1;
}

/* The EPT is destroyed after this; no vCPU runs any more. */
void vmx_apicv_vm_destroy(struct vm *vm)
{
	if (vm->apic_access_page)
		frame_free(vm->apic_access_page);
	if (vm->msr_bitmap_x2apic)
		frame_free(vm->msr_bitmap_x2apic);
	vm->apic_access_page = vm->msr_bitmap_x2apic = 0;
	vm->apicv = false;
}

static void write_eoi_exit(unsigned i, uint64_t bits)
{
	switch (i) {
	case 0:
		vmcs_write64(EOI_EXIT_BITMAP0, bits);
		break;
	case 1:
		vmcs_write64(EOI_EXIT_BITMAP1, bits);
		break;
	case 2:
		vmcs_write64(EOI_EXIT_BITMAP2, bits);
		break;
	default:
		vmcs_write64(EOI_EXIT_BITMAP3, bits);
		break;
	}
}

/* SDM "Checks on VM-Execution Control Fields": the TPR shadow under the
 * other three; virtual-interrupt delivery needs external-interrupt
 * exiting (always on here).  TPR
 * threshold is unused with virtual-interrupt delivery.  CR8 accesses go
 * to the TPR shadow instead of exiting where the CPU allows it. */
bool vmx_apicv_vcpu_init(struct vcpu *v)
{
	struct vmx_vcpu *x = &v->vmx;

	if (!v->vm->apicv)
		return true;
	x->vapic_page = frame_zalloc();
	if (!x->vapic_page) {
		pr_err("vm %s: no memory for the virtual-APIC page of vCPU %u\n",
		       v->vm->name, v->id);
		return false;
	}
	x->vapic = phys_to_virt(x->vapic_page);
	x->apicv = true;
	x->exit_result = VMX_RUN_EXIT_APICV; /* every exit: vmx_apicv_store() */
	x->apicv_x2apic = false;
	x->proc |= PROC_TPR_SHADOW;
	x->proc &= ~((PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING) &
		     ~vmx_caps.proc.must1);
	x->proc2 |= PROC2_VIRT_APIC_ACCESS | PROC2_APIC_REG_VIRT |
		    PROC2_VIRT_INTR_DELIVERY;
	vmcs_write32(PROC_BASED_CTLS, x->proc);
	vmcs_write32(SECONDARY_PROC_BASED_CTLS, x->proc2);
	vmcs_write64(VIRTUAL_APIC_PAGE_ADDR, x->vapic_page);
	vmcs_write64(APIC_ACCESS_ADDR, v->vm->apic_access_page);
	vmcs_write32(TPR_THRESHOLD, 0);
	vmcs_write16(GUEST_INTR_STATUS, 0);
	for (unsigned i = 0; i < 4; i++) {
		x->eoi_exit[i] = 0;
		write_eoi_exit(i, 0);
	}
	return true;
}

void vmx_apicv_vcpu_destroy(struct vcpu *v)
{
	if (v->vmx.vapic_page)
		frame_free(v->vmx.vapic_page);
	v->vmx.vapic_page = 0;
	v->vmx.vapic = NULL;
	v->vmx.apicv = false;
	v->vmx.exit_result = VMX_RUN_EXIT;
}

/* xAPIC <-> x2APIC: the access-page control and the MSR bitmap change
 * together.  Translations cached while the other control was in force are
 * dropped (SDM "Issues Pertaining to Page Size and TLB Management"), so
 * that 0xfee00000 is the APIC again and not the page behind it.  (The
 * EPT maps that page with a 4-KiB page, as the same section asks.) */
static void set_mode(struct vcpu *v, bool x2apic)
{
	struct vmx_vcpu *x = &v->vmx;

	if (x->apicv_x2apic == x2apic)
		return;
	x->apicv_x2apic = x2apic;
	x->proc2 &= ~(uint32_t)(PROC2_VIRT_APIC_ACCESS | PROC2_VIRT_X2APIC);
	x->proc2 |= x2apic ? PROC2_VIRT_X2APIC : PROC2_VIRT_APIC_ACCESS;
	vmcs_write32(SECONDARY_PROC_BASED_CTLS, x->proc2);
	vmcs_write64(MSR_BITMAP, x2apic ? v->vm->msr_bitmap_x2apic : v->vm->msr_bitmap);
	invvpid(INVVPID_SINGLE_CONTEXT, x->vpid, 0);
	invept(INVEPT_SINGLE_CONTEXT, ept_eptp(&v->vm->ept));
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
bool vmx_apicv_load(struct vcpu *v)
{
	struct vmx_vcpu *x = &v->vmx;
	struct vlapic *l = vcpu_vlapic(v);
	struct vlapic_page_status st;

	set_mode(v, vlapic_x2apic(l));
	vlapic_page_load(l, x->vapic, &st);
	vmcs_write16(GUEST_INTR_STATUS, (uint16_t)st.svi << 8 | st.rvi);
	for (unsigned i = 0; i < 4; i++) {
		uint64_t bits = st.level[i] | st.unblock[i];

		if (bits != x->eoi_exit[i]) {
			x->eoi_exit[i] = bits;
			write_eoi_exit(i, bits);
		}
	}
	return !(vmcs_readn(GUEST_RFLAGS) & RFLAGS_IF);
}

/* Vectors the CPU did not deliver come back to the vLAPIC: the next entry
 * must hand them over again. */
void vmx_apicv_store(struct vcpu *v)
{
	if (vlapic_page_store(vcpu_vlapic(v), v->vmx.vapic))
		__atomic_store_n(&v->virq.any, 1, __ATOMIC_SEQ_CST);
}

/* A register that is not virtualized (TMCCT, APR, PPR, an access that is
 * not within bytes 3:0 of a register): emulated like an access to an
 * unmapped LAPIC page.  Accesses by the CPU itself (page walks, event
 * delivery) or instruction fetches there are not. */
enum vcpu_action vmx_apicv_access_exit(struct vcpu *v)
{
	uint64_t q = vmcs_readn(EXIT_QUALIFICATION);
	unsigned type = APICQ_TYPE(q);

	if (type != APIC_ACCESS_LINEAR_READ && type != APIC_ACCESS_LINEAR_WRITE) {
		vm_stop(v->vm, "access of type %u to the LAPIC page (offset %#x) at RIP %#lx is not emulated",
			type, APICQ_OFFSET(q), vmcs_readn(GUEST_RIP));
		return ACT_KILL_VM;
	}
	return mmio_emulate(v, VLAPIC_BASE_DEFAULT + APICQ_OFFSET(q),
			     type == APIC_ACCESS_LINEAR_WRITE);
}

/* Trap-like: the write is in the page, RIP past the instruction. */
enum vcpu_action vmx_apicv_write_exit(struct vcpu *v)
{
	vlapic_page_write(vcpu_vlapic(v), v->vmx.vapic,
			  APICQ_OFFSET(vmcs_readn(EXIT_QUALIFICATION)));
	__atomic_store_n(&v->virq.any, 1, __ATOMIC_SEQ_CST);
	return ACT_RESUME;
}

/* Trap-like: the CPU has retired the vector from ISR already.  Not only
 * level-triggered vectors come here (see vmx_apicv_load()). */
enum vcpu_action vmx_apicv_eoi_exit(struct vcpu *v)
{
	vlapic_eoi_vector(vcpu_vlapic(v), EOIQ_VECTOR(vmcs_readn(EXIT_QUALIFICATION)));
	__atomic_store_n(&v->virq.any, 1, __ATOMIC_SEQ_CST);
	return ACT_RESUME;
}
