/* Building a vCPU's VMCS: controls from the capability MSRs, host state
 * from this CPU, guest state from a struct vcpu_init_state. */
#include "vmx/vmx.h"
#include "vmx/caps.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_ops.h"
#include "vmx/apicv.h"
#include "arch-x86/cpu.h"
#include "arch-x86/percpu.h"
#include "mm/heap.h"
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

/* I/O bitmaps A and B, and one more page of ones after them.  Bochs 2.7
 * reads two bitmap bytes for every port access, also for the last byte
 * of a bitmap (an IN or OUT of ports 0x7ff8-0x7fff or 0xfff8-0xffff), so
 * it reads the first byte of the page after A or B.  Were that page the
 * VM's APIC-access page (allocated right after the bitmaps), the read
 * became an APIC-access VM exit at an IN/OUT, which stopped the VM
 * (found by fuzz_priv).  The CPU
 * only needs the bits of the ports accessed (SDM vol. 3 26.1.3), which
 * Bochs then masks; with A, B and the pad in one run of frames the extra
 * byte is always ordinary memory of ours, and hardware is not affected. */
#define IO_BITMAP_FRAMES 3

void hw_vm_destroy(struct hw_vm *hvm)
{
	if (!hvm)
		return;
	vmx_apicv_vm_destroy(hvm); /* [APICv] */
	if (hvm->msr_bitmap)
		frame_free(hvm->msr_bitmap);
	if (hvm->io_bitmap_a)
		frame_free_contig(hvm->io_bitmap_a, IO_BITMAP_FRAMES);
	kfree(hvm);
}

struct hw_vm *hw_vm_create(const char *name, struct ept *ept, gpa_t lapic_gpa)
{
	struct hw_vm *hvm = kzalloc(sizeof(*hvm));

	if (!hvm) {
		pr_err("vm %s: no memory for its VT-x state\n", name);
		return NULL;
	}
	snprintf(hvm->name, sizeof(hvm->name), "%s", name);
	hvm->ept = ept;
	hvm->msr_bitmap = frame_alloc();
	hvm->io_bitmap_a = frame_alloc_contig(IO_BITMAP_FRAMES, PAGE_SIZE);
	if (hvm->io_bitmap_a)
		hvm->io_bitmap_b = hvm->io_bitmap_a + PAGE_SIZE;
	if (!hvm->msr_bitmap || !hvm->io_bitmap_a) {
		pr_err("vm %s: no memory for its MSR and I/O bitmaps\n", name);
		hw_vm_destroy(hvm);
		return NULL;
	}
	/* Everything traps until guest/ opens what is safe to pass. */
	memset(phys_to_virt(hvm->msr_bitmap), 0xff, PAGE_SIZE);
	memset(phys_to_virt(hvm->io_bitmap_a), 0xff, IO_BITMAP_FRAMES * PAGE_SIZE);
	/* [APICv] the virtual PC's LAPICs, when the CPU can do it. */
	if (vmx_apicv_vm_init(hvm, lapic_gpa) < 0) {
		pr_err("vm %s: no memory for APIC virtualization\n", name);
		hw_vm_destroy(hvm);
		return NULL;
	}
	return hvm;
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

void hw_vm_msr_intercept(struct hw_vm *hvm, uint32_t msr, bool read, bool write)
{
	vmx_msr_bitmap_set(hvm->msr_bitmap, msr, read, write);
	/* [APICv] vCPUs in x2APIC mode use their own copy (vmx/apicv.c). */
	if (hvm->msr_bitmap_x2apic)
		vmx_msr_bitmap_set(hvm->msr_bitmap_x2apic, msr, read, write);
}

void hw_vm_x2apic_msr_intercept(struct hw_vm *hvm, uint32_t msr, bool read,
				bool write)
{
	if (hvm->msr_bitmap_x2apic)
		vmx_msr_bitmap_set(hvm->msr_bitmap_x2apic, msr, read, write);
}

bool hw_vm_apicv(const struct hw_vm *hvm)
{
	return hvm->apicv;
}

void hw_vm_io_intercept(struct hw_vm *hvm, uint16_t port, bool trap)
{
	uint8_t *map = phys_to_virt(port < 0x8000 ? hvm->io_bitmap_a
						  : hvm->io_bitmap_b);

	bitmap_set(map, port & 0x7fff, trap);
}

static bool setup_controls(struct hw_vcpu *x)
{
	const struct vmx_caps *c = &vmx_caps;
	bool ok = true;

	/* preempt=lapic does without the VMX-preemption timer altogether,
	 * as on a CPU that lacks it (vmx/run.c: arm_lapic_timer()). */
	ok &= vmx_ctl_compute(&c->pin, PIN_EXTINT_EXITING | PIN_NMI_EXITING,
			      PIN_VIRTUAL_NMIS |
				      (hw_has_exit_timer() ? PIN_PREEMPT_TIMER : 0),
			      &x->pin);
	ok &= vmx_ctl_compute(&c->proc,
			      PROC_HLT_EXITING | PROC_USE_IO_BITMAPS |
				      PROC_USE_MSR_BITMAPS | PROC_SECONDARY_CTLS |
				      PROC_MWAIT_EXITING | PROC_MONITOR_EXITING |
				      PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING,
			      PROC_RDPMC_EXITING | PROC_TSC_OFFSETTING, &x->proc);
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
	vmcs_write64(IO_BITMAP_A, x->vm->io_bitmap_a);
	vmcs_write64(IO_BITMAP_B, x->vm->io_bitmap_b);
	vmcs_write64(MSR_BITMAP, x->vm->msr_bitmap);
	vmcs_write64(EPT_POINTER, ept_eptp(x->vm->ept));
	vmcs_write16(VPID, x->vpid);
	vmcs_write64(TSC_OFFSET, 0);

	/* Guest/host masks: bits the guest may not change freely.  CR0.PE
	 * and PG stay the guest's own (unrestricted guest); CD/NW are kept
	 * clear underneath and shown as the guest set them.  CR4.VMXE is
	 * owned by us and invisible; every CR4 bit the guest may not own
	 * (features CPUID hides, such as PKE and CET) traps too, so that
	 * setting it is #GP instead of taking effect unseen. */
	x->cr0_mask = ((vmx_caps.cr0_fixed0 | ~vmx_caps.cr0_fixed1) &
		       ~(uint64_t)(CR0_PE | CR0_PG)) |
		      CR0_CD | CR0_NW;
	x->cr4_mask = vmx_caps.cr4_fixed0 | ~vmx_caps.cr4_fixed1 | CR4_VMXE |
		      ~(uint64_t)CR4_GUEST_BITS;
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

static void setup_guest_state(struct hw_vcpu *x, const struct vcpu_init_state *st)
{
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
	vmcs_writen(GUEST_CR0, vmx_guest_cr0(st->cr0));
	vmcs_writen(GUEST_CR4, vmx_guest_cr4(st->cr4));
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
	x->regs.gprs = st->regs;
}

void hw_vcpu_set_state(struct hw_vcpu *x, const struct vcpu_init_state *st)
{
	setup_guest_state(x, st);
	vmcs_write32(VM_ENTRY_INTR_INFO, 0);
}

uint64_t vmx_guest_cr0(uint64_t guest_view)
{
	uint64_t v = guest_view & ~(uint64_t)(CR0_CD | CR0_NW);

	v |= vmx_caps.cr0_fixed0 & ~(uint64_t)(CR0_PE | CR0_PG);
	return v & (vmx_caps.cr0_fixed1 | CR0_PE | CR0_PG);
}

uint64_t vmx_guest_cr4(uint64_t guest_view)
{
	return (guest_view | vmx_caps.cr4_fixed0 | CR4_VMXE) & vmx_caps.cr4_fixed1;
}

/* SDM §25.11.1: a VMCS may be active on one pCPU only, and only that pCPU
 * may VMCLEAR it.  A pCPU keeps the VMCS of the vCPU it ran last active
 * and current (percpu.current) until it loads another one, goes idle or
 * the VM ends; so a vCPU that runs again where it ran last costs neither
 * VMCLEAR nor VMPTRLD, and resumes with VMRESUME.  A pCPU therefore holds
 * at most one active VMCS, and it is never waiting for anything while it
 * holds one it does not run: between two runs it is in its scheduler
 * loop, which ends in the next load (releasing the old VMCS first) or in
 * idling (hw_cpu_release()).  A pCPU picking up a vCPU that another pCPU
 * still holds releases its own VMCS first, then waits for active_cpu to
 * drop; no pCPU waits while holding a VMCS, so the waits cannot form a
 * cycle.  Arriving on another pCPU than last time, the host-state fields
 * (GS, TR, GDT bases are per pCPU) are rewritten, and translations this
 * pCPU may still cache for the vCPU's VPID and EPT from an earlier visit
 * dropped. */
static void release_current(struct percpu *pc)
{
	struct hw_vcpu *y = pc->current;

	if (!y)
		return;
	if (!vmclear(y->vmcs))
		panic("VMCLEAR of vCPU %s/%u failed", y->vm->name, y->id);
	y->launched = false;
	pc->current = NULL;
	__atomic_store_n(&y->active_cpu, VMCS_INACTIVE, __ATOMIC_RELEASE);
}

void hw_cpu_release(void)
{
	release_current(this_cpu());
}

void hw_vcpu_load(struct hw_vcpu *x)
{
	struct percpu *pc = this_cpu();

	if (pc->current == x)
		return;
	release_current(pc);
	/* Still held by the pCPU it ran on last, on its way to its next
	 * load or to idle. */
	while (__atomic_load_n(&x->active_cpu, __ATOMIC_ACQUIRE) != VMCS_INACTIVE)
		cpu_relax();
	if (!vmptrld(x->vmcs))
		panic("VMPTRLD of vCPU %s/%u failed", x->vm->name, x->id);
	x->active_cpu = (int)pc->cpu_id;
	pc->current = x;
	if (x->last_cpu != pc->cpu_id) {
		vmx_setup_host_state();
		invvpid(INVVPID_SINGLE_CONTEXT, x->vpid, 0);
		invept(INVEPT_SINGLE_CONTEXT, ept_eptp(x->vm->ept));
		x->last_cpu = pc->cpu_id;
	}
}

/* The VMCS stays active and current here (see above). */
void hw_vcpu_put(struct hw_vcpu *x)
{
	(void)x;
}

void hw_vcpu_destroy(struct hw_vcpu *x)
{
	struct percpu *pc = this_cpu();

	if (!x)
		return;
	if (x->vmcs) {
		/* This pCPU's own VMCS first (x's, or any other), so that it
		 * never waits while holding one; then x held by another pCPU,
		 * which lets go before it idles or loads another vCPU. */
		release_current(pc);
		while (__atomic_load_n(&x->active_cpu, __ATOMIC_ACQUIRE) != VMCS_INACTIVE)
			cpu_relax();
		invvpid(INVVPID_SINGLE_CONTEXT, x->vpid, 0);
		vmx_apicv_vcpu_destroy(x); /* [APICv] */
		frame_free(x->vmcs);
	}
	kfree(x);
}

struct hw_vcpu *hw_vcpu_create(struct hw_vm *hvm, unsigned id,
			       const struct vcpu_init_state *st)
{
	struct hw_vcpu *x = kzalloc(sizeof(*x));
	uint32_t *rev;

	if (!x || !(x->vmcs = frame_zalloc())) {
		pr_err("vm %s: no memory for the VMCS of vCPU %u\n", hvm->name, id);
		kfree(x);
		return NULL;
	}
	x->vm = hvm;
	x->id = id;
	x->exit_result = VMX_RUN_EXIT;
	rev = phys_to_virt(x->vmcs);
	*rev = VMX_BASIC_REVISION(vmx_caps.basic);
	x->vpid = (uint16_t)__atomic_fetch_add(&next_vpid, 1, __ATOMIC_RELAXED);
	x->launched = false;
	x->active_cpu = VMCS_INACTIVE;
	x->last_cpu = this_cpu()->cpu_id;
	if (!vmclear(x->vmcs))
		panic("VMCLEAR of a fresh VMCS failed");
	hw_vcpu_load(x);
	if (!setup_controls(x)) {
		pr_err("vm %s: a required VM-execution control is not supported\n",
		       hvm->name);
		hw_vcpu_destroy(x);
		return NULL;
	}
	/* [APICv] TPR shadow, APIC virtualization, the virtual-APIC page. */
	if (!vmx_apicv_vcpu_init(x)) {
		hw_vcpu_destroy(x);
		return NULL;
	}
	vmx_setup_host_state();
	setup_guest_state(x, st);
	/* Written back to memory so that any pCPU can load it next. */
	release_current(this_cpu());
	return x;
}
