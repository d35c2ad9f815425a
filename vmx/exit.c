/* The VM-exit path: one const table indexed by the basic exit reason.
 * Handlers decode the exit information and call guest/ for meaning. */
#include "vmx/vmx.h"
#include "vmx/vmcs_fields.h"
#include "vmx/exit_reason.h"
#include "vmx/vcpu_regs.h"
#include "vmx/vmx_ops.h"
#include "vmx/apicv.h"
#include "guest/exit/emulate.h"
#include "arch-x86/cpu.h"
#include "drivers/devirq.h"
#include "arch-x86/exception.h"
#include "lib/printk.h"
#include "arch-x86/percpu.h"
#include "guest/vcpu_sched.h"

typedef enum vcpu_action (*exit_handler_fn)(struct vcpu *v);

static enum vcpu_action handle_triple_fault(struct vcpu *v)
{
	vm_stop(v->vm, "triple fault on vCPU %u at RIP %#lx", v->id,
		vmcs_readn(GUEST_RIP));
	return ACT_KILL_VM;
}

/* Acknowledge-on-exit is off: the interrupt is still pending in the
 * LAPIC, and the host takes it through its IDT in this short window.  The
 * handlers only set flags (a kick, the end of a LAPIC-timer slice, a
 * device pin that fired); a VM's device interrupt is forwarded right
 * after, outside the handler. */
static enum vcpu_action handle_external_intr(struct vcpu *v)
{
	struct percpu *pc = this_cpu();

	__asm__ volatile("sti; nop; cli" ::: "memory");
	devirq_dispatch();
	if (pc->slice_over) {
		pc->slice_over = false;
		if (v->vmx.lapic_for_guest) /* a guest timer, not the slice */
			__atomic_store_n(&v->virq.any, 1, __ATOMIC_SEQ_CST);
		else
			v->yield = true;
	}
	if (pc->need_resched) {
		pc->need_resched = false;
		/* Someone else waits here (a woken vCPU): let it run. */
		if (vcpu_sched_should_yield(v))
			v->yield = true;
	}
	return ACT_RESUME;
}

/* The guest can take the virtual interrupt now: it is injected before
 * the next entry (vmx/run.c), which also closes the window. */
/* The guest can take an interrupt now: the entry path injects it. */
static enum vcpu_action handle_intr_window(struct vcpu *v)
{
	__atomic_store_n(&v->virq.any, 1, __ATOMIC_SEQ_CST);
	return ACT_RESUME;
}

static enum vcpu_action handle_nmi_exception(struct vcpu *v)
{
	uint32_t info = vmcs_read32(VM_EXIT_INTR_INFO);

	if (INTR_INFO_TYPE(info) == INTR_TYPE_NMI) {
		/* A host NMI arrived while the guest ran: hand it to the
		 * host's own handler. */
		__asm__ volatile("int $2");
		return ACT_RESUME;
	}
	/* The exception bitmap is empty, so no other exception exits. */
	vm_stop(v->vm, "unexpected exception exit, vector %u", INTR_INFO_VECTOR(info));
	return ACT_KILL_VM;
}

static enum vcpu_action handle_cpuid(struct vcpu *v)
{
	return guest_cpuid(v);
}

static enum vcpu_action handle_hlt(struct vcpu *v)
{
	return guest_hlt(v);
}

static enum vcpu_action handle_skip(struct vcpu *v)
{
	(void)v;
	return ACT_RESUME_ADVANCE;
}

static enum vcpu_action handle_vmcall(struct vcpu *v)
{
	return guest_hypercall(v);
}

/* VMX instructions in a guest: we do not offer nested VMX (CPUID hides
 * it), so they are undefined opcodes. */
static enum vcpu_action handle_inject_ud(struct vcpu *v)
{
	vcpu_inject_ud(v);
	return ACT_RESUME;
}

static enum vcpu_action handle_cr_access(struct vcpu *v)
{
	uint64_t q = vmcs_readn(EXIT_QUALIFICATION);
	unsigned cr = CRQ_CR(q), gpr = CRQ_GPR(q);

	switch (CRQ_TYPE(q)) {
	case CR_TYPE_MOV_TO:
		return guest_cr_write(v, cr, vcpu_gpr(v, gpr));
	case CR_TYPE_MOV_FROM:
		vcpu_set_gpr(v, gpr, guest_cr_read(v, cr));
		return ACT_RESUME_ADVANCE;
	case CR_TYPE_CLTS:
		return guest_cr_write(v, 0, vcpu_cr0(v) & ~(uint64_t)CR0_TS);
	default: /* LMSW: only the low four bits, and PE cannot be cleared */
		return guest_cr_write(v, 0, (vcpu_cr0(v) & ~0xeULL) |
					    (vcpu_cr0(v) & CR0_PE) |
					    (CRQ_LMSW_SRC(q) & 0xf));
	}
}

static enum vcpu_action handle_io(struct vcpu *v)
{
	uint64_t q = vmcs_readn(EXIT_QUALIFICATION);
	unsigned size = IOQ_SIZE(q);
	uint32_t val;
	enum vcpu_action act;

	if (IOQ_STRING(q)) {
		vm_stop(v->vm, "string I/O (INS/OUTS) to port %#x is not emulated",
			IOQ_PORT(q));
		return ACT_KILL_VM;
	}
	if (IOQ_IN(q)) {
		act = guest_io(v, IOQ_PORT(q), size, true, &val);
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
	return guest_io(v, IOQ_PORT(q), size, false, &val);
}

static enum vcpu_action handle_rdmsr(struct vcpu *v)
{
	uint64_t val = 0;
	enum vcpu_action act = guest_rdmsr(v, (uint32_t)vcpu_gpr(v, GPR_RCX), &val);

	if (act == ACT_RESUME_ADVANCE) {
		vcpu_set_gpr(v, GPR_RAX, (uint32_t)val);
		vcpu_set_gpr(v, GPR_RDX, val >> 32);
	}
	return act;
}

static enum vcpu_action handle_wrmsr(struct vcpu *v)
{
	uint64_t val = (vcpu_gpr(v, GPR_RDX) << 32) | (uint32_t)vcpu_gpr(v, GPR_RAX);

	return guest_wrmsr(v, (uint32_t)vcpu_gpr(v, GPR_RCX), val);
}

static enum vcpu_action handle_xsetbv(struct vcpu *v)
{
	uint64_t val = (vcpu_gpr(v, GPR_RDX) << 32) | (uint32_t)vcpu_gpr(v, GPR_RAX);

	return guest_xsetbv(v, (uint32_t)vcpu_gpr(v, GPR_RCX), val);
}

static enum vcpu_action handle_ept_violation(struct vcpu *v)
{
	uint64_t q = vmcs_readn(EXIT_QUALIFICATION);
	unsigned access = 0;

	if (q & EPTQ_READ)
		access |= ACCESS_READ;
	if (q & EPTQ_WRITE)
		access |= ACCESS_WRITE;
	if (q & EPTQ_FETCH)
		access |= ACCESS_FETCH;
	return guest_ept_violation(v, vmcs_read64(GUEST_PHYSICAL_ADDRESS), access,
				   vmcs_readn(GUEST_LINEAR_ADDRESS),
				   q & EPTQ_GLA_VALID);
}

/* Our EPT builder produced an entry the CPU rejects: a hypervisor bug. */
static enum vcpu_action handle_ept_misconfig(struct vcpu *v)
{
	gpa_t gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	paddr_t hpa = 0;
	unsigned perms = 0, level = 0;
	enum ept_memtype mt = EPT_MT_UC;
	int r = ept_translate(&v->vm->ept, gpa, &hpa, &perms, &mt, &level);

	pr_err("vm %s: EPT misconfiguration at GPA %#lx (RIP %#lx)\n",
	       v->vm->name, gpa, vmcs_readn(GUEST_RIP));
	pr_err("  walk: result %d, HPA %#lx perms %#x memtype %u level %u, EPTP %#lx\n",
	       r, hpa, perms, mt, level, ept_eptp(&v->vm->ept));
	vmx_dump_vmcs(v);
	panic("EPT misconfiguration: the hypervisor built a bad EPT entry");
}

/* The slice is over: back to the scheduler, the guest resumes later. */
static enum vcpu_action handle_preempt_timer(struct vcpu *v)
{
	if (rdtsc() >= v->slice_end)
		v->yield = true;
	else /* a guest timer is due: the entry path fires it */
		__atomic_store_n(&v->virq.any, 1, __ATOMIC_SEQ_CST);
	return ACT_RESUME;
}

/* EXIT_F_INSN: the exit is caused by an instruction, so it cannot have
 * interrupted the delivery of an event (SDM vol. 3 §28.2.4) and the
 * IDT-vectoring information need not be read. */
#define EXIT_F_INSN BIT(0)

struct exit_entry {
	exit_handler_fn fn;
	unsigned flags;
};

static const struct exit_entry exit_table[EXIT_REASON_MAX] = {
	[EXIT_EXCEPTION_NMI] = { handle_nmi_exception, 0 },
	[EXIT_EXTERNAL_INTR] = { handle_external_intr, 0 },
	[EXIT_TRIPLE_FAULT] = { handle_triple_fault, 0 },
	[EXIT_INTR_WINDOW] = { handle_intr_window, 0 },
	[EXIT_CPUID] = { handle_cpuid, EXIT_F_INSN },
	[EXIT_HLT] = { handle_hlt, EXIT_F_INSN },
	[EXIT_INVD] = { handle_skip, EXIT_F_INSN },
	[EXIT_WBINVD] = { handle_skip, EXIT_F_INSN },
	[EXIT_VMCALL] = { handle_vmcall, EXIT_F_INSN },
	[EXIT_VMCLEAR] = { handle_inject_ud, EXIT_F_INSN },
	[EXIT_VMLAUNCH] = { handle_inject_ud, EXIT_F_INSN },
	[EXIT_VMPTRLD] = { handle_inject_ud, EXIT_F_INSN },
	[EXIT_VMPTRST] = { handle_inject_ud, EXIT_F_INSN },
	[EXIT_VMREAD] = { handle_inject_ud, EXIT_F_INSN },
	[EXIT_VMRESUME] = { handle_inject_ud, EXIT_F_INSN },
	[EXIT_VMWRITE] = { handle_inject_ud, EXIT_F_INSN },
	[EXIT_VMXOFF] = { handle_inject_ud, EXIT_F_INSN },
	[EXIT_VMXON] = { handle_inject_ud, EXIT_F_INSN },
	[EXIT_INVEPT] = { handle_inject_ud, EXIT_F_INSN },
	[EXIT_INVVPID] = { handle_inject_ud, EXIT_F_INSN },
	[EXIT_VMFUNC] = { handle_inject_ud, EXIT_F_INSN },
	[EXIT_MONITOR] = { handle_inject_ud, EXIT_F_INSN },
	[EXIT_MWAIT] = { handle_inject_ud, EXIT_F_INSN },
	[EXIT_GETSEC] = { handle_inject_ud, EXIT_F_INSN },
	[EXIT_CR_ACCESS] = { handle_cr_access, EXIT_F_INSN },
	[EXIT_IO] = { handle_io, EXIT_F_INSN },
	[EXIT_RDMSR] = { handle_rdmsr, EXIT_F_INSN },
	[EXIT_WRMSR] = { handle_wrmsr, EXIT_F_INSN },
	[EXIT_XSETBV] = { handle_xsetbv, EXIT_F_INSN },
	[EXIT_EPT_VIOLATION] = { handle_ept_violation, 0 },
	[EXIT_EPT_MISCONFIG] = { handle_ept_misconfig, 0 },
	[EXIT_PREEMPT_TIMER] = { handle_preempt_timer, 0 },
	/* [APICv] vmx/apicv.c */
	[EXIT_APIC_ACCESS] = { vmx_apicv_access_exit, 0 },
	[EXIT_VIRTUALIZED_EOI] = { vmx_apicv_eoi_exit, 0 },
	[EXIT_APIC_WRITE] = { vmx_apicv_write_exit, 0 },
};

/* Defined policy for reasons without a handler: the VM is stopped with a
 * report; an unexpected exit is never resumed as if nothing happened. */
static enum vcpu_action handle_unexpected(struct vcpu *v, unsigned reason)
{
	vm_stop(v->vm, "unexpected VM exit %u (%s) at RIP %#lx, qualification %#lx",
		reason, vmx_exit_reason_name(reason), vmcs_readn(GUEST_RIP),
		vmcs_readn(EXIT_QUALIFICATION));
	return ACT_KILL_VM;
}

enum vcpu_action vmx_dispatch_exit(struct vcpu *v, unsigned reason)
{
	const struct exit_entry *e;

	if (reason >= EXIT_REASON_MAX || !exit_table[reason].fn) {
		vmx_save_vectoring_event(v);
		return handle_unexpected(v, reason);
	}
	e = &exit_table[reason];
	v->exit_count[reason]++;
	if (!(e->flags & EXIT_F_INSN))
		vmx_save_vectoring_event(v);
	return e->fn(v);
}
