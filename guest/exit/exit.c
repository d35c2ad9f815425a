/* What an exit means: one const table indexed by the vendor-neutral exit
 * kind (arch-x86/hwvirt.h).  The backend has decoded the exit; handlers
 * take the record and call the emulation in this room. */
#include "guest/exit/exit.h"
#include "guest/exit/emulate.h"
#include "guest/exit/mmio.h"
#include "guest/exit/hc_conv.h"
#include "guest/dev/vlapic.h"
#include "guest/vpc/vplat.h"
#include "guest/vpc/apicv.h"
#include "drivers/devirq.h"
#include "arch-x86/cpu.h"
#include "arch-x86/percpu.h"
#include "arch-x86/regs.h"
#include "sched/sched.h"
#include "sched/loop.h"
#include "lib/printk.h"

static enum vcpu_action handle_triple_fault(struct vcpu *v, const struct hw_exit *e)
{
	(void)e;
	vm_stop(v->vm, "triple fault on vCPU %u at RIP %#lx", v->id, vcpu_rip(v));
	return ACT_KILL_VM;
}

/* Acknowledge-on-exit is off: the interrupt is still pending in the
 * LAPIC, and the host takes it through its IDT in this short window.  The
 * handlers only set flags (a kick, the end of a LAPIC-timer slice, a
 * device pin that fired); a VM's device interrupt is forwarded right
 * after, outside the handler. */
static enum vcpu_action handle_external_intr(struct vcpu *v, const struct hw_exit *e)
{
	struct percpu *pc = this_cpu();

	(void)e;
	__asm__ volatile("sti; nop; cli" ::: "memory");
	devirq_dispatch();
	if (pc->slice_over) {
		pc->slice_over = false;
		if (v->lapic_for_guest) /* a guest timer, not the slice */
			vcpu_recheck(v);
		else
			vcpu_yield(v);
	}
	if (pc->need_resched) {
		pc->need_resched = false;
		/* Someone else waits here (a woken vCPU): let it run. */
		if (sched_should_yield(pc->cpu_id))
			vcpu_yield(v);
	}
	return ACT_RESUME;
}

/* The guest can take an interrupt now: the entry path injects it and
 * closes the window. */
static enum vcpu_action handle_intr_window(struct vcpu *v, const struct hw_exit *e)
{
	(void)e;
	vcpu_recheck(v);
	return ACT_RESUME;
}

/* The guest's NMI handler returned (IRET): the entry path injects the
 * NMI that waited for it. */
static enum vcpu_action handle_nmi_window(struct vcpu *v, const struct hw_exit *e)
{
	(void)e;
	vcpu_recheck(v);
	return ACT_RESUME;
}

/* The exception bitmap is empty, so no guest exception should exit. */
static enum vcpu_action handle_exception(struct vcpu *v, const struct hw_exit *e)
{
	vm_stop(v->vm, "unexpected exception exit, vector %u", e->exc.vector);
	return ACT_KILL_VM;
}

static enum vcpu_action handle_cpuid(struct vcpu *v, const struct hw_exit *e)
{
	(void)e;
	return guest_cpuid(v);
}

static enum vcpu_action handle_hlt(struct vcpu *v, const struct hw_exit *e)
{
	(void)e;
	return guest_hlt(v);
}

/* INVD/WBINVD: the guest's memory is write-back and coherent; nothing to
 * do. */
static enum vcpu_action handle_skip(struct vcpu *v, const struct hw_exit *e)
{
	(void)v;
	(void)e;
	return ACT_RESUME_ADVANCE;
}

static enum vcpu_action handle_hypercall(struct vcpu *v, const struct hw_exit *e)
{
	(void)e;
	return guest_hypercall(v);
}

/* Nested virtualization and MONITOR/MWAIT are not offered (CPUID hides
 * them), so their instructions are undefined opcodes; so is GETSEC
 * without SMX. */
static enum vcpu_action handle_inject_ud(struct vcpu *v, const struct hw_exit *e)
{
	(void)e;
	vcpu_inject_ud(v);
	return ACT_RESUME;
}

/* The PMU is hidden (CPUID leaf 0xA is all zeros): RDPMC faults as on a
 * CPU without counters, from any CPL (SDM: #GP(0) for an invalid
 * counter). */
static enum vcpu_action handle_rdpmc(struct vcpu *v, const struct hw_exit *e)
{
	(void)e;
	vcpu_inject_gp(v);
	return ACT_RESUME;
}

static enum vcpu_action handle_cr(struct vcpu *v, const struct hw_exit *e)
{
	unsigned cr = e->cr.cr, gpr = e->cr.gpr;

	switch (e->cr.access) {
	case HW_CR_MOV_TO:
		return guest_cr_write(v, cr, vcpu_gpr(v, gpr));
	case HW_CR_MOV_FROM:
		vcpu_set_gpr(v, gpr, guest_cr_read(v, cr));
		return ACT_RESUME_ADVANCE;
	case HW_CR_CLTS:
		return guest_cr_write(v, 0, vcpu_cr0(v) & ~(uint64_t)CR0_TS);
	default: /* LMSW: only the low four bits, and PE cannot be cleared */
		return guest_cr_write(v, 0, (vcpu_cr0(v) & ~0xeULL) |
					    (vcpu_cr0(v) & CR0_PE) |
					    (e->cr.lmsw & 0xf));
	}
}

static inline __attribute__((always_inline)) enum vcpu_action
handle_io(struct vcpu *v, const struct hw_exit *e)
{
	unsigned size = e->io.size;
	uint32_t val;
	enum vcpu_action act;

	if (e->io.flags & HW_IO_STRING) {
		vm_stop(v->vm, "string I/O (INS/OUTS) to port %#x is not emulated",
			e->io.port);
		return ACT_KILL_VM;
	}
	if (e->io.flags & HW_IO_IN) {
		act = guest_io(v, e->io.port, size, true, &val);
		if (act == ACT_RESUME_ADVANCE) {
			uint64_t rax = vcpu_gpr(v, GPR_RAX);
			uint64_t mask = size == 4 ? 0xffffffffULL : (1ULL << (size * 8)) - 1;

			/* A 32-bit IN zero-extends into RAX, narrower ones merge. */
			rax = size == 4 ? val : (rax & ~mask) | (val & mask);
			vcpu_set_gpr(v, GPR_RAX, rax);
		}
		return act;
	}
	val = (uint32_t)vcpu_gpr(v, GPR_RAX);
	return guest_io(v, e->io.port, size, false, &val);
}

static enum vcpu_action handle_rdmsr(struct vcpu *v, const struct hw_exit *e)
{
	uint64_t val = 0;
	enum vcpu_action act = guest_rdmsr(v, (uint32_t)vcpu_gpr(v, GPR_RCX), &val);

	(void)e;
	if (act == ACT_RESUME_ADVANCE) {
		vcpu_set_gpr(v, GPR_RAX, (uint32_t)val);
		vcpu_set_gpr(v, GPR_RDX, val >> 32);
	}
	return act;
}

static enum vcpu_action handle_wrmsr(struct vcpu *v, const struct hw_exit *e)
{
	uint64_t val = (vcpu_gpr(v, GPR_RDX) << 32) | (uint32_t)vcpu_gpr(v, GPR_RAX);

	(void)e;
	return guest_wrmsr(v, (uint32_t)vcpu_gpr(v, GPR_RCX), val);
}

static enum vcpu_action handle_xsetbv(struct vcpu *v, const struct hw_exit *e)
{
	uint64_t val = (vcpu_gpr(v, GPR_RDX) << 32) | (uint32_t)vcpu_gpr(v, GPR_RAX);

	(void)e;
	return guest_xsetbv(v, (uint32_t)vcpu_gpr(v, GPR_RCX), val);
}

static enum vcpu_action handle_npf(struct vcpu *v, const struct hw_exit *e)
{
	return guest_ept_violation(v, e->npf.gpa, e->npf.access, e->npf.gla,
				   e->npf.gla_valid);
}

/* The deadline passed: the slice is over, or a guest timer is due. */
static enum vcpu_action handle_timer(struct vcpu *v, const struct hw_exit *e)
{
	(void)e;
	if (rdtsc() >= v->slice_end)
		vcpu_yield(v);
	else /* a guest timer is due: the entry path fires it */
		vcpu_recheck(v);
	return ACT_RESUME;
}

/* [APICv] A register that is not virtualized (TMCCT, APR, PPR, an access
 * that is not within bytes 3:0 of a register): emulated like an access
 * to an unmapped LAPIC page.  Accesses by the CPU itself (page walks,
 * event delivery) or instruction fetches there are not. */
static enum vcpu_action handle_apic_access(struct vcpu *v, const struct hw_exit *e)
{
	if (!e->apic.linear) {
		vm_stop(v->vm, "access of type %u to the LAPIC page (offset %#x) at RIP %#lx is not emulated",
			e->apic.type, e->apic.offset, vcpu_rip(v));
		return ACT_KILL_VM;
	}
	return mmio_emulate(v, VLAPIC_BASE_DEFAULT + e->apic.offset, e->apic.write);
}

static enum vcpu_action handle_apic_write(struct vcpu *v, const struct hw_exit *e)
{
	return apicv_write_exit(v, e);
}

static enum vcpu_action handle_apic_eoi(struct vcpu *v, const struct hw_exit *e)
{
	return apicv_eoi_exit(v, e);
}

/* A host NMI the backend passed on already: nothing left to do. */
static enum vcpu_action handle_none(struct vcpu *v, const struct hw_exit *e)
{
	(void)v;
	(void)e;
	return ACT_RESUME;
}

/* Defined policy for exits without a handler (HW_EXIT_UNKNOWN): the VM
 * is stopped with a report; an unexpected exit is never
 * resumed as if nothing happened. */
static enum vcpu_action handle_unexpected(struct vcpu *v, const struct hw_exit *e)
{
	bool unknown = e->kind == HW_EXIT_UNKNOWN;
	unsigned reason = unknown ? e->unknown.reason : e->reason;

	vm_stop(v->vm, "unexpected VM exit %u (%s) at RIP %#lx, qualification %#lx",
		reason, hw_exit_reason_name(reason), vcpu_rip(v),
		unknown ? e->unknown.qual : 0);
	return ACT_KILL_VM;
}

static const exit_handler_fn exit_table[HW_EXIT_KINDS] = {
	[HW_EXIT_NONE] = handle_none,
	[HW_EXIT_EXTINT] = handle_external_intr,
	[HW_EXIT_EXCEPTION] = handle_exception,
	[HW_EXIT_TRIPLE_FAULT] = handle_triple_fault,
	[HW_EXIT_INTR_WINDOW] = handle_intr_window,
	[HW_EXIT_NMI_WINDOW] = handle_nmi_window,
	[HW_EXIT_TIMER] = handle_timer,
	[HW_EXIT_CPUID] = handle_cpuid,
	[HW_EXIT_HLT] = handle_hlt,
	[HW_EXIT_CACHE_FLUSH] = handle_skip,
	[HW_EXIT_HYPERCALL] = handle_hypercall,
	[HW_EXIT_VIRT_INSN] = handle_inject_ud,
	[HW_EXIT_MONITOR] = handle_inject_ud,
	[HW_EXIT_GETSEC] = handle_inject_ud,
	[HW_EXIT_CR] = handle_cr,
	[HW_EXIT_IO] = handle_io,
	[HW_EXIT_RDMSR] = handle_rdmsr,
	[HW_EXIT_WRMSR] = handle_wrmsr,
	[HW_EXIT_XSETBV] = handle_xsetbv,
	[HW_EXIT_NPF] = handle_npf,
	/* [APICv] guest/vpc/apicv.c */
	[HW_EXIT_APIC_ACCESS] = handle_apic_access,
	[HW_EXIT_APIC_WRITE] = handle_apic_write,
	[HW_EXIT_APIC_EOI] = handle_apic_eoi,
	/* Every kind has an entry, so dispatch needs no check. */
	[HW_EXIT_RDPMC] = handle_rdpmc,
	[HW_EXIT_UNKNOWN] = handle_unexpected,
	[HW_EXIT_ENTRY_FAIL] = handle_unexpected,
};
_Static_assert(HW_EXIT_ENTRY_FAIL + 1 == HW_EXIT_KINDS,
	       "a new exit kind needs an entry in exit_table");

/* A vCPU whose VM measures (trace = on) or that has a hypercall ring
 * dispatches through this table instead (guest/exit/hc_stats.c): the
 * choice costs the other vCPUs one load, no test. */
static enum vcpu_action handle_watched(struct vcpu *v, const struct hw_exit *e)
{
	return hc_watch_exit(v, e, exit_table[e->kind]);
}

static const exit_handler_fn watch_table[HW_EXIT_KINDS] = {
	[0 ... HW_EXIT_KINDS - 1] = handle_watched,
};

void exit_watch(struct vcpu *v, bool on)
{
	v->exit_handlers = on ? watch_table : exit_table;
	/* The fast path would bypass the watch table: off while watched. */
	hw_vcpu_set_fast_exit(v->hw, on ? NULL : exit_fast, v);
}

bool exit_watched(const struct vcpu *v)
{
	return v->exit_handlers == watch_table;
}

enum vcpu_action exit_dispatch(struct vcpu *v, const struct hw_exit *e)
{
	v->exit_count[e->reason]++; /* the backend keeps it in range */
	return v->exit_handlers[e->kind](v, e);
}

/* The fast path (arch-x86/hwvirt.h, docs/PERFORMANCE.md): the hottest
 * instruction exits are handled from the backend's exit stub, before the
 * run loop sees them and with the guest's RBP and R12-R15 still in the
 * CPU.  So the handlers here must not touch those: they take their
 * operands from RAX, RBX, RCX, RDX and the hypercall arguments (RDI,
 * RSI, RDX, R10, R8, R9).  Direct calls, so that they inline.  What the
 * loop does around a handler is done here: count the exit, skip the
 * instruction, and leave the guest to the loop when it has something to
 * do (virq.any: an event, a yield, the VM's end). */
#define FAST_KINDS (BIT(HW_EXIT_HYPERCALL) | BIT(HW_EXIT_CPUID) | BIT(HW_EXIT_IO) | \
		    BIT(HW_EXIT_RDMSR) | BIT(HW_EXIT_WRMSR))

/* What the loop would do after a handler: skip the instruction and run
 * the guest again, unless the loop has something to do. */
static inline __attribute__((always_inline)) int
fast_finish(struct vcpu *v, struct hw_exit *e, enum vcpu_action act)
{
	if (__builtin_expect(act == ACT_RESUME_ADVANCE, 1) &&
	    !__atomic_load_n(&v->virq.any, __ATOMIC_RELAXED)) {
		hw_vcpu_advance(v->hw, e);
		return HW_FAST_RESUME;
	}
	v->fast_act = act;
	return HW_FAST_DONE;
}

/* Port I/O with a frame of its own, tail-called: its path inline keeps
 * more registers, which every fast exit's frame would save. */
static __attribute__((noinline)) int fast_io(struct vcpu *v, struct hw_exit *e)
{
	return fast_finish(v, e, handle_io(v, e));
}

int exit_fast(void *ctx)
{
	struct vcpu *v = ctx;
	struct hw_exit *e = &v->exit;
	enum vcpu_action act;

	if (!hw_vcpu_decode_fast(v->hw, e) || !(FAST_KINDS & BIT(e->kind)))
		return HW_FAST_NO;
	v->exit_count[e->reason]++;
	if (__builtin_expect(e->kind == HW_EXIT_HYPERCALL, 1))
		act = guest_hypercall(v);
	else if (e->kind == HW_EXIT_CPUID)
		act = guest_cpuid(v);
	else if (e->kind == HW_EXIT_IO)
		return fast_io(v, e);
	else if (e->kind == HW_EXIT_RDMSR)
		act = handle_rdmsr(v, e);
	else
		act = handle_wrmsr(v, e);
	return fast_finish(v, e, act);
}
