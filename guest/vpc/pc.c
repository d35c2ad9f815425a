/* The virtual PC as a machine (guest/vm/platform.h): the operations the
 * vCPU loop and the exit handlers use, over the models wired in
 * guest/vpc/vplat*.c. */
#include "guest/vm/vm.h"
#include "guest/vpc/vplat.h"
#include "guest/vpc/apicv.h"
#include "guest/dev/vlapic.h"
#include "arch-x86/cpu.h"
#include "arch-x86/tsc.h"
#include "lib/x86_vectors.h"

#define CPUID1_EDX_MTRR BIT(12)
#define CPUID1_EDX_HTT BIT(28)
#define CPUID_LEAF_TOPOLOGY 0xb
#define CPUID_LEAF_TSC 0x15
#define TOPO_LEVEL_SMT 1
#define TOPO_LEVEL_CORE 2

/* The first entry of a slice looks at the LAPIC and the timers. */
static int pc_vcpu_start(struct vcpu *v, struct vcpu_init_state *st)
{
	int r = vplat_vcpu_start(v, st);

	if (r >= 0)
		vcpu_recheck(v);
	return r;
}

/* An INIT (the next run resets the vCPU), an AP waiting for its SIPI, or
 * a restart of the whole VM. */
static bool pc_must_leave(struct vcpu *v)
{
	return READ_ONCE(v->init_pending) || READ_ONCE(v->wait_sipi) ||
	       __atomic_load_n(&v->vm->restarting, __ATOMIC_SEQ_CST);
}

/* SDM 6.7.1: a CPU holds at most one NMI behind the one it delivers,
 * and while the guest's NMI handler runs (NMIs blocked until its IRET)
 * only that one; more NMIs merge.  An NMI that must wait asks for the
 * NMI window, so that it comes right after the IRET (without virtual
 * NMIs: at the next exit).  True when one is injected now. */
static bool pc_nmi(struct vcpu *v)
{
	bool blocked = hw_vcpu_nmi_blocked(v->hw);
	uint32_t n = READ_ONCE(v->nmi_pending), keep = blocked ? 1 : 2;

	if (n > keep) {
		__atomic_fetch_sub(&v->nmi_pending, n - keep, __ATOMIC_SEQ_CST);
		n = keep;
	}
	if (blocked) {
		if (!hw_vcpu_nmi_window(v->hw, true))
			vcpu_recheck(v);
		return false;
	}
	__atomic_fetch_sub(&v->nmi_pending, 1, __ATOMIC_SEQ_CST);
	v->event = (struct hw_event){ .valid = true, .vector = X86_EXC_NMI,
				      .type = HW_EV_NMI };
	/* A second one waits for this one's IRET. */
	hw_vcpu_nmi_window(v->hw, n > 1);
	vcpu_recheck(v);
	return true;
}

/* Expired timers first, then an event to deliver again, an NMI, the
 * interrupt the LAPIC (or PIC) presents: the order of SDM 6.9.  'any'
 * stays set while something may still be pending, so the next entry
 * looks again. */
static void pc_inject(struct vcpu *v)
{
	int vec;
	bool hold;

	vcpu_recheck_begin(v);
	vec = vplat_next_irq(v, rdtsc());
	/* [APICv] The LAPIC goes into the virtual-APIC page and the CPU
	 * delivers its vectors (RVI/PPR); 'vec' is then only the PIC's.
	 * 'hold': the interrupt window stays on (apicv_load()). */
	hold = v->vm->apicv && apicv_load(v);
	if (hold)
		hw_vcpu_intr_window(v->hw, true);
	if (v->event.valid) {
		/* An NMI waits for the event's delivery, not for the next exit. */
		if (READ_ONCE(v->nmi_pending))
			hw_vcpu_nmi_window(v->hw, true);
		vcpu_recheck(v);
		return;
	}
	if (!READ_ONCE(v->nmi_pending)) {
		hw_vcpu_nmi_window(v->hw, false);
	} else if (pc_nmi(v)) {
		/* A maskable interrupt follows when the handler allows it. */
		if (vec >= 0)
			hw_vcpu_intr_window(v->hw, true);
		return;
	}
	if (vec < 0) {
		hw_vcpu_intr_window(v->hw, hold);
		return;
	}
	if (!hw_vcpu_interruptible(v->hw)) {
		hw_vcpu_intr_window(v->hw, true);
		vcpu_recheck(v);
		return;
	}
	vec = vplat_ack_irq(v);
	hw_vcpu_intr_window(v->hw, hold);
	vcpu_recheck(v);
	if (vec >= 0)
		v->event = (struct hw_event){ .valid = true, .vector = (uint8_t)vec,
					      .type = HW_EV_EXT_INTR };
}

static uint64_t pc_deadline(struct vcpu *v)
{
	return vplat_deadline(v);
}

/* HLT waits for an interrupt the CPU takes; with IF = 0 only an NMI or
 * INIT ends it (Linux parks stopped CPUs so), and a VM whose every vCPU
 * waits so is hung (guest/vm/hang.c). */
static enum vcpu_action pc_hlt(struct vcpu *v)
{
	if (!(vcpu_rflags(v) & RFLAGS_IF)) {
		if (READ_ONCE(v->nmi_pending) || READ_ONCE(v->init_pending)) {
			vcpu_recheck(v);
			return ACT_RESUME_ADVANCE;
		}
		vcpu_halt_if_off(v);
		return ACT_BLOCK;
	}
	return vplat_wakeup_pending(v) ? ACT_RESUME_ADVANCE : ACT_BLOCK;
}

/* CR8 is the LAPIC's TPR[7:4]. */
static int pc_cr8_write(struct vcpu *v, uint64_t val)
{
	if (vlapic_cr8_write(vcpu_vlapic(v), val) == VLAPIC_GP)
		return -1;
	/* A lower TPR may let a pending interrupt through. */
	vcpu_recheck(v);
	return 0;
}

static uint64_t pc_cr8_read(struct vcpu *v)
{
	return vlapic_cr8_read(vcpu_vlapic(v));
}

/* Leaf 0xB: vCPUs are the cores of one package, x2APIC ID = index. */
static void topology_leaf(struct vcpu *v, uint32_t sub, struct cpuid_regs *r)
{
	unsigned n = v->vm->nr_vcpus, shift = 0;

	while ((1u << shift) < n)
		shift++;
	*r = (struct cpuid_regs){ .ecx = sub & 0xff, .edx = v->id };
	if (sub == 0) {
		r->eax = 0;
		r->ebx = 1;
		r->ecx |= TOPO_LEVEL_SMT << 8;
	} else if (sub == 1) {
		r->eax = shift;
		r->ebx = n;
		r->ecx |= TOPO_LEVEL_CORE << 8;
	}
}

/* The virtual LAPIC (x2APIC, TSC-deadline timer), one package with one
 * core per vCPU, and the TSC rate as a crystal clock (CPUID 0x15: TSC =
 * ECX * EBX / EAX), which is also the LAPIC timer's input clock, so
 * guests need not calibrate either. */
static struct cpuid_regs pc_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub,
				   struct cpuid_regs r)
{
	uint64_t hz;

	switch (leaf) {
	case 0:
		if (r.eax < CPUID_LEAF_TSC)
			r.eax = CPUID_LEAF_TSC;
		break;
	case 1:
		r.ecx |= CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE;
		/* SDM 10.4.3: the APIC bit follows IA32_APIC_BASE.EN. */
		if (vlapic_enabled(vcpu_vlapic(v)))
			r.edx |= CPUID1_EDX_APIC;
		else
			r.edx &= ~(uint32_t)CPUID1_EDX_APIC;
		r.edx &= ~(uint32_t)CPUID1_EDX_MTRR;
		r.ebx = (r.ebx & 0xff00ffff) | (v->vm->nr_vcpus << 16);
		if (v->vm->nr_vcpus > 1)
			r.edx |= CPUID1_EDX_HTT;
		else
			r.edx &= ~(uint32_t)CPUID1_EDX_HTT;
		break;
	case CPUID_LEAF_TOPOLOGY:
		topology_leaf(v, sub, &r);
		break;
	case CPUID_LEAF_TSC:
		hz = tsc_hz();
		r = (struct cpuid_regs){ .eax = 1, .ebx = 1,
					 .ecx = hz > UINT32_MAX ? 0 : (uint32_t)hz };
		break;
	default:
		break;
	}
	return r;
}

const struct platform_ops pc_platform = {
	.name = "pc",
	.vcpu_start = pc_vcpu_start,
	.must_leave = pc_must_leave,
	.inject = pc_inject,
	.deadline = pc_deadline,
	.running = vplat_vcpu_running,
	.blocked = vplat_vcpu_blocked,
	.hlt = pc_hlt,
	.may_wake = vplat_may_wake,
	.io = vplat_io,
	.rdmsr = vplat_rdmsr,
	.wrmsr = vplat_wrmsr,
	.is_mmio = vplat_is_mmio,
	.cr8_write = pc_cr8_write,
	.cr8_read = pc_cr8_read,
	.cpuid = pc_cpuid,
	.reset = vplat_reset,
};
