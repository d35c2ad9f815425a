/* Building a vCPU's VMCS: controls from the capability MSRs, host state
 * from this CPU, guest state from a struct vcpu_init_state. */
#include "vmx/vmx.h"
#include "vmx/caps.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_ops.h"
#include "vmx/apicv.h"
#include "arch-x86/cpu.h"
#include "arch-x86/percpu.h"
#include "guest/vm/vm.h"
#include "mm/frame.h"
#include "mm/phys.h"
#include "lib/printk.h"
#include "lib/string.h"

#define MSR_BITMAP_READ_LO 0
#define MSR_BITMAP_READ_HI 1024
#define MSR_BITMAP_WRITE_LO 2048
#define MSR_BITMAP_WRITE_HI 3072
#define MSR_HI_BASE 0xc0000000u

extern void vmx_exit(void);

static uint16_t next_vpid = 1;

int vmx_vm_init(struct vm *vm)
{
	vm->msr_bitmap = frame_alloc();
	vm->io_bitmap_a = frame_alloc();
	vm->io_bitmap_b = frame_alloc();
	if (!vm->msr_bitmap || !vm->io_bitmap_a || !vm->io_bitmap_b) {
		vmx_vm_destroy(vm);
		return -1;
	}
	/* Everything traps until guest/ opens what is safe to pass. */
	memset(phys_to_virt(vm->msr_bitmap), 0xff, PAGE_SIZE);
	memset(phys_to_virt(vm->io_bitmap_a), 0xff, PAGE_SIZE);
	memset(phys_to_virt(vm->io_bitmap_b), 0xff, PAGE_SIZE);
	/* [APICv] the virtual PC's LAPICs, when the CPU can do it. */
	if (vmx_apicv_vm_init(vm) < 0) {
		vmx_vm_destroy(vm);
		return -1;
	}
	return 0;
}

void vmx_vm_destroy(struct vm *vm)
{
	vmx_apicv_vm_destroy(vm); /* [APICv] */
	if (vm->msr_bitmap)
		frame_free(vm->msr_bitmap);
	if (vm->io_bitmap_a)
		frame_free(vm->io_bitmap_a);
	if (vm->io_bitmap_b)
		frame_free(vm->io_bitmap_b);
	vm->msr_bitmap = vm->io_bitmap_a = vm->io_bitmap_b = 0;
}

static void bitmap_set(uint8_t *map, unsigned bit, bool v)
{
	if (v)
		map[bit / 8] |= (uint8_t)(1u << (bit % 8));
	else
		map[bit / 8] &= (uint8_t)~(1u << (bit % 8));
}

/* SDM §24.6.9: four 1-KiB bitmaps, low and high MSR ranges. */
void vmx_msr_bitmap_set(paddr_t bitmap, uint32_t msr, bool read, bool write)
{
	uint8_t *map = phys_to_virt(bitmap);
	unsigned rd, wr, idx;

	if (msr < 0x2000) {
		rd = MSR_BITMAP_READ_LO;
		wr = MSR_BITMAP_WRITE_LO;
		idx = msr;
	} else if (msr >= MSR_HI_BASE && msr < MSR_HI_BASE + 0x2000) {
		rd = MSR_BITMAP_READ_HI;
		wr = MSR_BITMAP_WRITE_HI;
		idx = msr - MSR_HI_BASE;
	} else {
		return; /* outside the bitmap: always traps */
	}
	bitmap_set(map + rd, idx, read);
	bitmap_set(map + wr, idx, write);
}

void vmx_msr_intercept(struct vm *vm, uint32_t msr, bool read, bool write)
{
	vmx_msr_bitmap_set(vm->msr_bitmap, msr, read, write);
	/* [APICv] vCPUs in x2APIC mode use their own copy (vmx/apicv.c). */
	if (vm->msr_bitmap_x2apic)
		vmx_msr_bitmap_set(vm->msr_bitmap_x2apic, msr, read, write);
}

void vmx_io_intercept(struct vm *vm, uint16_t port, bool trap)
{
	uint8_t *map = phys_to_virt(port < 0x8000 ? vm->io_bitmap_a
						  : vm->io_bitmap_b);

	bitmap_set(map, port & 0x7fff, trap);
}

static bool setup_controls(struct vcpu *v)
{
	struct vmx_vcpu *x = &v->vmx;
	const struct vmx_caps *c = &vmx_caps;
	bool ok = true;

	/* preempt=lapic does without the VMX-preemption timer altogether,
	 * as on a CPU that lacks it (vmx/run.c: arm_lapic_timer()). */
	ok &= vmx_ctl_compute(&c->pin, PIN_EXTINT_EXITING | PIN_NMI_EXITING,
			      PIN_VIRTUAL_NMIS |
				      (vmx_has_preemption_timer() ? PIN_PREEMPT_TIMER : 0),
			      &x->pin);
	ok &= vmx_ctl_compute(&c->proc,
			      PROC_HLT_EXITING | PROC_USE_IO_BITMAPS |
				      PROC_USE_MSR_BITMAPS | PROC_SECONDARY_CTLS |
				      PROC_MWAIT_EXITING | PROC_MONITOR_EXITING |
				      PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING,
			      PROC_RDPMC_EXITING, &x->proc);
	/* Default-1 controls we do not want (CR3 load/store exiting).  CR8
	 * is the TPR of the virtual LAPIC, so it always exits. */
	x->proc &= ~((PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING |
		      PROC_INVLPG_EXITING | PROC_RDTSC_EXITING) &
		     ~c->proc.must1);
	ok &= vmx_ctl_compute(&c->proc2,
			      PROC2_EPT | PROC2_VPID | PROC2_UNRESTRICTED_GUEST,
			      PROC2_RDTSCP | PROC2_INVPCID | PROC2_XSAVES |
				      PROC2_WBINVD_EXITING,
			      &x->proc2);
	ok &= vmx_ctl_compute(&c->exit,
			      EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_EFER |
				      EXIT_LOAD_EFER,
			      EXIT_SAVE_PAT | EXIT_LOAD_PAT | EXIT_SAVE_DEBUG_CTLS |
				      (x->pin & PIN_PREEMPT_TIMER ? EXIT_SAVE_PREEMPT_TIMER : 0),
			      &x->exit_ctls);
	ok &= vmx_ctl_compute(&c->entry, ENTRY_LOAD_EFER,
			      ENTRY_LOAD_PAT | ENTRY_LOAD_DEBUG_CTLS,
			      &x->entry_ctls);
	if (!ok)
		return false;

	vmcs_write32(PIN_BASED_CTLS, x->pin);
	vmcs_write32(PROC_BASED_CTLS, x->proc);
	vmcs_write32(SECONDARY_PROC_BASED_CTLS, x->proc2);
	vmcs_write32(VM_EXIT_CTLS, x->exit_ctls);
	vmcs_write32(VM_ENTRY_CTLS, x->entry_ctls);
	vmcs_write32(EXCEPTION_BITMAP, 0);
	vmcs_write32(PF_ERROR_CODE_MASK, 0);
	vmcs_write32(PF_ERROR_CODE_MATCH, 0);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_INTR_INFO, 0);
	vmcs_write64(IO_BITMAP_A, v->vm->io_bitmap_a);
	vmcs_write64(IO_BITMAP_B, v->vm->io_bitmap_b);
	vmcs_write64(MSR_BITMAP, v->vm->msr_bitmap);
	vmcs_write64(EPT_POINTER, ept_eptp(&v->vm->ept));
	vmcs_write16(VPID, x->vpid);
	vmcs_write64(TSC_OFFSET, 0);

	/* Guest/host masks: bits the guest may not change freely.  CR0.PE
	 * and PG stay the guest's own (unrestricted guest); CD/NW are kept
	 * clear underneath and shown as the guest set them.  CR4.VMXE is
	 * owned by us and invisible. */
	x->cr0_mask = ((vmx_caps.cr0_fixed0 | ~vmx_caps.cr0_fixed1) &
		       ~(uint64_t)(CR0_PE | CR0_PG)) |
		      CR0_CD | CR0_NW;
	x->cr4_mask = vmx_caps.cr4_fixed0 | ~vmx_caps.cr4_fixed1 | CR4_VMXE;
	vmcs_writen(CR0_GUEST_HOST_MASK, x->cr0_mask);
	vmcs_writen(CR4_GUEST_HOST_MASK, x->cr4_mask);
	return true;
}

void vmx_setup_host_state(void)
{
	struct percpu *pc = this_cpu();
	struct desc_ptr gdtr, idtr;

	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	__asm__ volatile("sidt %0" : "=m"(idtr));
	vmcs_writen(HOST_CR0, read_cr0());
	vmcs_writen(HOST_CR3, read_cr3());
	vmcs_writen(HOST_CR4, read_cr4());
	vmcs_write16(HOST_CS_SEL, SEL_CODE64);
	vmcs_write16(HOST_SS_SEL, SEL_DATA);
	vmcs_write16(HOST_DS_SEL, SEL_DATA);
	vmcs_write16(HOST_ES_SEL, SEL_DATA);
	vmcs_write16(HOST_FS_SEL, 0);
	vmcs_write16(HOST_GS_SEL, 0);
	vmcs_write16(HOST_TR_SEL, SEL_TSS);
	vmcs_writen(HOST_FS_BASE, 0);
	vmcs_writen(HOST_GS_BASE, (uint64_t)(uintptr_t)pc);
	vmcs_writen(HOST_TR_BASE, (uint64_t)(uintptr_t)&pc->tss);
	vmcs_writen(HOST_GDTR_BASE, gdtr.base);
	vmcs_writen(HOST_IDTR_BASE, idtr.base);
	vmcs_write32(HOST_IA32_SYSENTER_CS, 0);
	vmcs_writen(HOST_IA32_SYSENTER_ESP, 0);
	vmcs_writen(HOST_IA32_SYSENTER_EIP, 0);
	vmcs_write64(HOST_IA32_EFER, rdmsr(MSR_EFER));
	if (vmx_caps.exit.may1 & EXIT_LOAD_PAT)
		vmcs_write64(HOST_IA32_PAT, rdmsr(MSR_IA32_PAT));
	vmcs_writen(HOST_RIP, (uint64_t)(uintptr_t)vmx_exit);
}

#define WRITE_SEG(SEG, s)                            \
	do {                                         \
		vmcs_write16(GUEST_##SEG##_SEL, (s).sel);  \
		vmcs_writen(GUEST_##SEG##_BASE, (s).base); \
		vmcs_write32(GUEST_##SEG##_LIMIT, (s).limit); \
		vmcs_write32(GUEST_##SEG##_AR, (s).ar);    \
	} while (0)

static void setup_guest_state(struct vcpu *v, const struct vcpu_init_state *st)
{
	struct vmx_vcpu *x = &v->vmx;
	bool lma = st->efer & EFER_LMA;

	WRITE_SEG(CS, st->cs);
	WRITE_SEG(SS, st->ss);
	WRITE_SEG(DS, st->ds);
	WRITE_SEG(ES, st->es);
	WRITE_SEG(FS, st->fs);
	WRITE_SEG(GS, st->gs);
	WRITE_SEG(TR, st->tr);
	WRITE_SEG(LDTR, st->ldtr);
	vmcs_writen(GUEST_GDTR_BASE, st->gdtr_base);
	vmcs_write32(GUEST_GDTR_LIMIT, st->gdtr_limit);
	vmcs_writen(GUEST_IDTR_BASE, st->idtr_base);
	vmcs_write32(GUEST_IDTR_LIMIT, st->idtr_limit);

	/* The guest sees its own CR0/CR4 through the read shadows; the real
	 * registers carry the bits VMX insists on. */
	vmcs_writen(CR0_READ_SHADOW, st->cr0);
	vmcs_writen(CR4_READ_SHADOW, st->cr4);
	vmcs_writen(GUEST_CR0, vmx_guest_cr0(x, st->cr0));
	vmcs_writen(GUEST_CR4, vmx_guest_cr4(x, st->cr4));
	vmcs_writen(GUEST_CR3, st->cr3);
	vmcs_write64(GUEST_IA32_EFER, st->efer);
	if (x->entry_ctls & ENTRY_LOAD_PAT)
		vmcs_write64(GUEST_IA32_PAT, st->pat);
	if (lma)
		x->entry_ctls |= ENTRY_IA32E_MODE;
	else
		x->entry_ctls &= ~(uint32_t)ENTRY_IA32E_MODE;
	vmcs_write32(VM_ENTRY_CTLS, x->entry_ctls);

	vmcs_writen(GUEST_RIP, st->rip);
	vmcs_writen(GUEST_RSP, st->rsp);
	vmcs_writen(GUEST_RFLAGS, st->rflags);
	vmcs_writen(GUEST_DR7, 0x400);
	vmcs_writen(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write32(GUEST_IA32_SYSENTER_CS, 0);
	vmcs_writen(GUEST_IA32_SYSENTER_ESP, 0);
	vmcs_writen(GUEST_IA32_SYSENTER_EIP, 0);
	vmcs_write32(GUEST_INTERRUPTIBILITY, 0);
	vmcs_write32(GUEST_ACTIVITY_STATE, 0);
	/* SDM §26.3.1.5: no shadow VMCS, so the link pointer is all ones. */
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);
	x->regs = st->regs;
}

void vmx_vcpu_set_state(struct vcpu *v, const struct vcpu_init_state *st)
{
	setup_guest_state(v, st);
	v->event.valid = false;
	vmcs_write32(VM_ENTRY_INTR_INFO, 0);
}

uint64_t vmx_guest_cr0(const struct vmx_vcpu *x, uint64_t guest_view)
{
	uint64_t v = guest_view & ~(uint64_t)(CR0_CD | CR0_NW);

	v |= vmx_caps.cr0_fixed0 & ~(uint64_t)(CR0_PE | CR0_PG);
	(void)x;
	return v & (vmx_caps.cr0_fixed1 | CR0_PE | CR0_PG);
}

uint64_t vmx_guest_cr4(const struct vmx_vcpu *x, uint64_t guest_view)
{
	(void)x;
	return (guest_view | vmx_caps.cr4_fixed0 | CR4_VMXE) & vmx_caps.cr4_fixed1;
}

/* SDM §25.11.1: a VMCS may be active on one pCPU only; it is loaded for a
 * time slice and cleared afterwards, so the next slice may run anywhere.
 * Arriving on another pCPU than last time, the host-state fields (GS, TR,
 * GDT bases are per pCPU) are rewritten, and translations this pCPU may
 * still cache for the vCPU's VPID and EPT from an earlier visit dropped. */
void vmx_vcpu_load(struct vcpu *v)
{
	struct percpu *pc = this_cpu();

	if (pc->current == v)
		return;
	if (!vmptrld(v->vmx.vmcs))
		panic("VMPTRLD of vCPU %s/%u failed", v->vm->name, v->id);
	pc->current = v;
	if (v->vmx.last_cpu != pc->cpu_id) {
		vmx_setup_host_state();
		invvpid(INVVPID_SINGLE_CONTEXT, v->vmx.vpid, 0);
		invept(INVEPT_SINGLE_CONTEXT, ept_eptp(&v->vm->ept));
		v->vmx.last_cpu = pc->cpu_id;
	}
}

void vmx_vcpu_put(struct vcpu *v)
{
	struct percpu *pc = this_cpu();

	if (!vmclear(v->vmx.vmcs))
		panic("VMCLEAR of vCPU %s/%u failed", v->vm->name, v->id);
	v->vmx.launched = false;
	if (pc->current == v)
		pc->current = NULL;
}

int vmx_vcpu_init(struct vcpu *v, const struct vcpu_init_state *st)
{
	struct vmx_vcpu *x = &v->vmx;
	uint32_t *rev;

	x->vmcs = frame_zalloc();
	if (!x->vmcs)
		return -1;
	rev = phys_to_virt(x->vmcs);
	*rev = VMX_BASIC_REVISION(vmx_caps.basic);
	x->vpid = (uint16_t)__atomic_fetch_add(&next_vpid, 1, __ATOMIC_RELAXED);
	x->launched = false;
	x->last_cpu = this_cpu()->cpu_id;
	if (!vmclear(x->vmcs))
		panic("VMCLEAR of a fresh VMCS failed");
	this_cpu()->current = NULL;
	vmx_vcpu_load(v);
	if (!setup_controls(v)) {
		pr_err("vm %s: a required VM-execution control is not supported\n",
		       v->vm->name);
		vmx_vcpu_destroy(v);
		return -1;
	}
	/* [APICv] TPR shadow, APIC virtualization, the virtual-APIC page. */
	if (!vmx_apicv_vcpu_init(v)) {
		vmx_vcpu_destroy(v);
		return -1;
	}
	vmx_setup_host_state();
	setup_guest_state(v, st);
	/* Written back to memory so that any pCPU can load it next. */
	vmx_vcpu_put(v);
	return 0;
}

void vmx_vcpu_destroy(struct vcpu *v)
{
	struct percpu *pc = this_cpu();

	if (!v->vmx.vmcs)
		return;
	vmclear(v->vmx.vmcs);
	if (pc->current == v)
		pc->current = NULL;
	invvpid(INVVPID_SINGLE_CONTEXT, v->vmx.vpid, 0);
	vmx_apicv_vcpu_destroy(v); /* [APICv] */
	frame_free(v->vmx.vmcs);
	v->vmx.vmcs = 0;
}
