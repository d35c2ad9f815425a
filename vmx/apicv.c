/* APIC virtualization for the virtual PC's LAPICs (SDM vol. 3 ch. 30).
 *
 * Per VM: one APIC-access page, mapped in the EPT at the LAPIC base; the
 * CPU recognises guest accesses to it and reads or writes the current
 * vCPU's virtual-APIC page instead, or exits.  Per vCPU: the
 * virtual-APIC page (guest/ fills it and reads it back through
 * hw_vcpu_vapic() and hw_vcpu_apicv_sync()).
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

int vmx_apicv_vm_init(struct hw_vm *hvm, gpa_t lapic_gpa)
{
	const char *why;

	if (!lapic_gpa)
		return 0;
	why = apicv_wanted ? missing_control() : NULL;
	if (!apicv_wanted || why) {
		pr_info("vm %s: LAPIC: emulated (%s%s)\n", hvm->name,
			why ? "the CPU lacks " : "apicv=off", why ? why : "");
		return 0;
	}
	hvm->apic_access_page = frame_zalloc();
	hvm->msr_bitmap_x2apic = frame_alloc();
	if (!hvm->apic_access_page || !hvm->msr_bitmap_x2apic)
		goto fail;
	/* The VM's bitmap as it is now (everything trapped); later changes
	 * reach both (hw_vm_msr_intercept); guest/ opens the x2APIC
	 * registers of this one (hw_vm_x2apic_msr_intercept). */
	memcpy(phys_to_virt(hvm->msr_bitmap_x2apic), phys_to_virt(hvm->msr_bitmap),
	       PAGE_SIZE);
	/* Never fetched from: an instruction fetch there stays an EPT
	 * violation, as without APIC virtualization. */
	if (ept_map(hvm->ept, lapic_gpa, hvm->apic_access_page, PAGE_SIZE,
		    EPT_R | EPT_W, EPT_MT_WB) < 0)
		goto fail;
	hvm->apicv = true;
	hvm->lapic_gpa = lapic_gpa;
	pr_info("vm %s: LAPIC: APIC-register virtualization + virtual-interrupt delivery\n",
		hvm->name);
	return 0;
fail:
	vmx_apicv_vm_destroy(hvm);
	return -1;
}

/* The EPT is destroyed after this; no vCPU runs any more. */
void vmx_apicv_vm_destroy(struct hw_vm *hvm)
{
	if (hvm->apic_access_page)
		frame_free(hvm->apic_access_page);
	if (hvm->msr_bitmap_x2apic)
		frame_free(hvm->msr_bitmap_x2apic);
	hvm->apic_access_page = hvm->msr_bitmap_x2apic = 0;
	hvm->apicv = false;
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
bool vmx_apicv_vcpu_init(struct hw_vcpu *x)
{
	if (!x->vm->apicv)
		return true;
	x->vapic_page = frame_zalloc();
	if (!x->vapic_page) {
		pr_err("vm %s: no memory for the virtual-APIC page of vCPU %u\n",
		       x->vm->name, x->id);
		return false;
	}
	x->vapic = phys_to_virt(x->vapic_page);
	x->apicv = true;
	x->exit_result = VMX_RUN_EXIT_APICV; /* every exit: vmx_apicv_store() */
	x->apic_mode = HW_APIC_XAPIC;
	x->proc |= PROC_TPR_SHADOW;
	x->proc &= ~((PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING) &
		     ~vmx_caps.proc.must1);
	x->proc2 |= PROC2_VIRT_APIC_ACCESS | PROC2_APIC_REG_VIRT |
		    PROC2_VIRT_INTR_DELIVERY;
	vmcs_write32(PROC_BASED_CTLS, x->proc);
	vmcs_write32(SECONDARY_PROC_BASED_CTLS, x->proc2);
	vmcs_write64(VIRTUAL_APIC_PAGE_ADDR, x->vapic_page);
	vmcs_write64(APIC_ACCESS_ADDR, x->vm->apic_access_page);
	vmcs_write32(TPR_THRESHOLD, 0);
	vmcs_write16(GUEST_INTR_STATUS, 0);
	for (unsigned i = 0; i < 4; i++) {
		x->eoi_exit[i] = 0;
		write_eoi_exit(i, 0);
	}
	return true;
}

void vmx_apicv_vcpu_destroy(struct hw_vcpu *x)
{
	if (x->vapic_page)
		frame_free(x->vapic_page);
	x->vapic_page = 0;
	x->vapic = NULL;
	x->apicv = false;
	x->exit_result = VMX_RUN_EXIT;
}

/* The CR8 and APIC controls of an enabled LAPIC (TPR shadow, register
 * virtualization, virtual-interrupt delivery), or of a globally disabled
 * one: "virtualize APIC accesses" without the TPR shadow makes every
 * access to the page an APIC-access exit (SDM "Virtualizing Memory-Mapped
 * APIC Accesses"), and CR8 exits; the other controls need the TPR shadow
 * (SDM "Checks on VM-Execution Control Fields"). */
static void set_virtualized(struct hw_vcpu *x, bool on)
{
	const uint32_t cr8_exits = (PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING) &
				   ~vmx_caps.proc.must1;
	const uint32_t virt = PROC2_APIC_REG_VIRT | PROC2_VIRT_INTR_DELIVERY;

	if (on) {
		x->proc = (x->proc | PROC_TPR_SHADOW) & ~cr8_exits;
		x->proc2 |= virt;
	} else {
		x->proc = (x->proc & ~(uint32_t)PROC_TPR_SHADOW) |
			  PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING;
		x->proc2 &= ~virt;
	}
	vmcs_write32(PROC_BASED_CTLS, x->proc);
}

/* xAPIC <-> x2APIC <-> disabled: the access-page control and the MSR
 * bitmap change together.  Translations cached while the other control
 * was in force are dropped (SDM "Issues Pertaining to Page Size and TLB
 * Management"), so that 0xfee00000 is the APIC again and not the page
 * behind it.  (The EPT maps that page with a 4-KiB page, as the same
 * section asks.)  Only a change of APIC_BASE gets here. */
static void set_mode(struct hw_vcpu *x, enum hw_apic_mode mode)
{
	bool x2apic = mode == HW_APIC_X2APIC;

	if (x->apic_mode == mode)
		return;
	if ((x->apic_mode == HW_APIC_OFF) != (mode == HW_APIC_OFF))
		set_virtualized(x, mode != HW_APIC_OFF);
	x->apic_mode = (uint8_t)mode;
	x->proc2 &= ~(uint32_t)(PROC2_VIRT_APIC_ACCESS | PROC2_VIRT_X2APIC);
	x->proc2 |= x2apic ? PROC2_VIRT_X2APIC : PROC2_VIRT_APIC_ACCESS;
	vmcs_write32(SECONDARY_PROC_BASED_CTLS, x->proc2);
	vmcs_write64(MSR_BITMAP, x2apic ? x->vm->msr_bitmap_x2apic : x->vm->msr_bitmap);
	invvpid(INVVPID_SINGLE_CONTEXT, x->vpid, 0);
	invept(INVEPT_SINGLE_CONTEXT, ept_eptp(x->vm->ept));
}

uint32_t *hw_vcpu_vapic(struct hw_vcpu *x)
{
	return x->vapic;
}

/* The vLAPIC's state as guest/ put it into the page: the mode, RVI/SVI
 * and the EOI-exit bitmap, each written only when it changed. */
void hw_vcpu_apicv_sync(struct hw_vcpu *x, enum hw_apic_mode mode,
			uint16_t intr_status, const uint64_t eoi_exit[4])
{
	set_mode(x, mode);
	vmcs_write16(GUEST_INTR_STATUS, intr_status);
	for (unsigned i = 0; i < 4; i++) {
		if (eoi_exit[i] != x->eoi_exit[i]) {
			x->eoi_exit[i] = eoi_exit[i];
			write_eoi_exit(i, eoi_exit[i]);
		}
	}
}
