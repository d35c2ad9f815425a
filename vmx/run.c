/* One trip into the guest (arch-x86/hwvirt.h): deliver the event given,
 * arm the VMX-preemption timer, VMLAUNCH/VMRESUME, and decode the exit
 * into a vendor-neutral record.  What the exit means is guest/'s. */
#include "vmx/vmx.h"
#include "vmx/caps.h"
#include "vmx/vmcs_fields.h"
#include "vmx/exit_reason.h"
#include "vmx/vmx_ops.h"
#include "arch-x86/cpu.h"
#include "arch-x86/regs.h"
#include "arch-x86/percpu.h"
#include "mm/ept.h"
#include "lib/printk.h"

/* Enter the guest through vmx/vmx_run.S, which preserves only RBP and RSP
 * (see there); returns enum vmx_run_result. */
static inline int run_guest(struct guest_regs *regs, bool launched)
{
	register struct guest_regs *rdi __asm__("rdi") = regs;
	register uint64_t rsi __asm__("rsi") = launched;
	int ret;

	__asm__ volatile("call vmx_run_guest"
			 : "=a"(ret), "+r"(rdi), "+r"(rsi)
			 :
			 : "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12",
			   "r13", "r14", "r15", "memory", "cc");
	return ret;
}

/* Decided once at boot (after the capabilities are read). */
static bool exit_timer;

void vmx_use_lapic_timer(bool on)
{
	exit_timer = !on && (vmx_caps.pin.may1 & PIN_PREEMPT_TIMER) &&
		     (vmx_caps.exit.may1 & EXIT_SAVE_PREEMPT_TIMER);
}

/* A VMX-preemption timer that does not keep its value across exits
 * (no "save VMX-preemption timer value" control) would have to be armed
 * at every entry; such a CPU is treated as one without the timer, and
 * the LAPIC timer ends the slices, so that the common entry arms nothing. */
bool hw_has_exit_timer(void)
{
	return exit_timer;
}

int hw_ept_config(struct ept_config *cfg)
{
	int r = ept_config_from_cap(vmx_caps.ept_vpid, cfg);

	if (r == 0)
		cfg->invept = vmx_invept_single;
	return r;
}

const char *hw_exit_reason_name(unsigned reason)
{
	return vmx_exit_reason_name(reason);
}

/* SDM §26.5.1: the timer counts down at the TSC rate divided by 2^X,
 * X from IA32_VMX_MISC[4:0], and only while the guest runs. */
void hw_vcpu_set_deadline(struct hw_vcpu *x, uint64_t deadline)
{
	uint64_t now, ticks;

	if (!(x->pin & PIN_PREEMPT_TIMER))
		return;
	now = rdtsc();
	if (deadline == UINT64_MAX)
		ticks = UINT32_MAX;
	else if (deadline <= now)
		ticks = 0;
	else
		ticks = (deadline - now) >> VMX_MISC_PREEMPT_SHIFT(vmx_caps.misc);
	if (ticks > UINT32_MAX)
		ticks = UINT32_MAX;
	vmcs_write32(GUEST_PREEMPTION_TIMER, (uint32_t)ticks);
}

void hw_vcpu_inject(struct hw_vcpu *x, const struct hw_event *e)
{
	uint32_t info = e->vector | ((uint32_t)e->type << 8) | INTR_INFO_VALID;

	/* SDM §26.2.1.3: no error code is delivered in real mode. */
	if (e->has_error && (hw_cr0((struct hw_vcpu *)x) & CR0_PE)) {
		info |= INTR_INFO_ERROR_VALID;
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, e->error);
	}
	if (e->type == HW_EV_SW_INTR || e->type == HW_EV_SW_EXCEPTION ||
	    e->type == HW_EV_PRIV_SW_EXCEPTION)
		vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, e->insn_len);
	vmcs_write32(VM_ENTRY_INTR_INFO, info);
}

/* SDM §27.2.4: an event whose delivery was interrupted by the exit is
 * reported in the IDT-vectoring information and must be delivered again. */
static int save_vectoring(struct hw_exit *e)
{
	uint32_t info = vmcs_read32(IDT_VECTORING_INFO);
	struct hw_event *v = &e->vectoring;

	if (!(info & INTR_INFO_VALID))
		return 0;
	v->valid = true;
	v->vector = (uint8_t)INTR_INFO_VECTOR(info);
	v->type = (uint8_t)INTR_INFO_TYPE(info);
	v->has_error = info & INTR_INFO_ERROR_VALID;
	v->error = v->has_error ? vmcs_read32(IDT_VECTORING_ERROR_CODE) : 0;
	v->insn_len = vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
	return HW_EXIT_F_VECTORING;
}

/* Our EPT builder produced an entry the CPU rejects: a hypervisor bug. */
static __noreturn void ept_misconfig(struct hw_vcpu *x)
{
	gpa_t gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	paddr_t hpa = 0;
	unsigned perms = 0, level = 0;
	enum ept_memtype mt = EPT_MT_UC;
	int r = ept_translate(x->vm->ept, gpa, &hpa, &perms, &mt, &level);

	pr_err("vm %s: EPT misconfiguration at GPA %#lx (RIP %#lx)\n",
	       x->vm->name, gpa, vmcs_readn(GUEST_RIP));
	pr_err("  walk: result %d, HPA %#lx perms %#x memtype %u level %u, EPTP %#lx\n",
	       r, hpa, perms, mt, level, ept_eptp(x->vm->ept));
	hw_vcpu_dump(x);
	panic("EPT misconfiguration: the hypervisor built a bad EPT entry");
}

/* Exits caused by an instruction (SDM vol. 3 §28.2.4): they cannot have
 * interrupted the delivery of an event, so the IDT-vectoring information
 * need not be read, and they have an instruction length. */
/* Indexed by the basic reason; 128 entries, so that one test of the exit
 * reason field (entry failure, or a reason past the table) sends both to
 * the slow path. */
_Static_assert(HW_IO_IN == 1 && HW_IO_STRING == 2 && HW_IO_REP == 4,
	       "I/O qualification bits 3-5 map to HW_IO_*");
_Static_assert(EXIT_REASON_MAX < HW_EXIT_REASONS,
	       "hw_exit.reason keeps the last counter for reasons past the table");
#define INSN_KIND_SIZE 128
_Static_assert(EXIT_REASON_MAX <= INSN_KIND_SIZE, "insn_kind[] too small");
static const uint8_t insn_kind[INSN_KIND_SIZE] = {
	[EXIT_CPUID] = HW_EXIT_CPUID,
	[EXIT_HLT] = HW_EXIT_HLT,
	[EXIT_INVD] = HW_EXIT_CACHE_FLUSH,
	[EXIT_WBINVD] = HW_EXIT_CACHE_FLUSH,
	[EXIT_VMCALL] = HW_EXIT_HYPERCALL,
	[EXIT_VMCLEAR] = HW_EXIT_VIRT_INSN,
	[EXIT_VMLAUNCH] = HW_EXIT_VIRT_INSN,
	[EXIT_VMPTRLD] = HW_EXIT_VIRT_INSN,
	[EXIT_VMPTRST] = HW_EXIT_VIRT_INSN,
	[EXIT_VMREAD] = HW_EXIT_VIRT_INSN,
	[EXIT_VMRESUME] = HW_EXIT_VIRT_INSN,
	[EXIT_VMWRITE] = HW_EXIT_VIRT_INSN,
	[EXIT_VMXOFF] = HW_EXIT_VIRT_INSN,
	[EXIT_VMXON] = HW_EXIT_VIRT_INSN,
	[EXIT_INVEPT] = HW_EXIT_VIRT_INSN,
	[EXIT_INVVPID] = HW_EXIT_VIRT_INSN,
	[EXIT_VMFUNC] = HW_EXIT_VIRT_INSN,
	[EXIT_MONITOR] = HW_EXIT_MONITOR,
	[EXIT_MWAIT] = HW_EXIT_MONITOR,
	[EXIT_GETSEC] = HW_EXIT_GETSEC,
	[EXIT_RDPMC] = HW_EXIT_RDPMC,
	[EXIT_CR_ACCESS] = HW_EXIT_CR,
	[EXIT_IO] = HW_EXIT_IO,
	[EXIT_RDMSR] = HW_EXIT_RDMSR,
	[EXIT_WRMSR] = HW_EXIT_WRMSR,
	[EXIT_XSETBV] = HW_EXIT_XSETBV,
};

static inline __attribute__((always_inline)) void decode_qual(struct hw_exit *e)
{
	uint64_t q;

	if (e->kind == HW_EXIT_IO) {
		q = vmcs_readn(EXIT_QUALIFICATION);
		e->io.port = IOQ_PORT(q);
		e->io.size = (uint8_t)IOQ_SIZE(q);
		/* Qualification bits 3-5 (IN, string, REP) are HW_IO_* in
		 * the same order. */
		e->io.flags = (uint8_t)((q >> 3) & 7);
	} else if (e->kind == HW_EXIT_CR) {
		q = vmcs_readn(EXIT_QUALIFICATION);
		e->cr.cr = (uint8_t)CRQ_CR(q);
		e->cr.access = (uint8_t)CRQ_TYPE(q); /* same order as hw_cr_access */
		e->cr.gpr = (uint8_t)CRQ_GPR(q);
		e->cr.lmsw = CRQ_LMSW_SRC(q);
	}
}

/* Everything that is not an instruction exit; returns HW_EXIT_F_VECTORING
 * when an event delivery was interrupted. */
static int decode_event(struct hw_vcpu *x, unsigned reason, struct hw_exit *e)
{
	uint64_t q;
	uint32_t info;
	int flags = save_vectoring(e);

	e->reason = (uint16_t)MIN(reason, (unsigned)EXIT_REASON_MAX);
	switch (reason) {
	case EXIT_EXCEPTION_NMI:
		info = vmcs_read32(VM_EXIT_INTR_INFO);
		if (INTR_INFO_TYPE(info) == INTR_TYPE_NMI) {
			/* A host NMI arrived while the guest ran: hand it to
			 * the host's own handler. */
			__asm__ volatile("int $2");
			e->kind = HW_EXIT_NONE;
			return flags;
		}
		e->kind = HW_EXIT_EXCEPTION;
		e->exc.vector = (uint8_t)INTR_INFO_VECTOR(info);
		e->exc.type = (uint8_t)INTR_INFO_TYPE(info);
		return flags;
	case EXIT_EXTERNAL_INTR:
		e->kind = HW_EXIT_EXTINT;
		return flags;
	case EXIT_TRIPLE_FAULT:
		e->kind = HW_EXIT_TRIPLE_FAULT;
		return flags;
	case EXIT_INTR_WINDOW:
		e->kind = HW_EXIT_INTR_WINDOW;
		return flags;
	case EXIT_NMI_WINDOW:
		e->kind = HW_EXIT_NMI_WINDOW;
		return flags;
	case EXIT_PREEMPT_TIMER:
		e->kind = HW_EXIT_TIMER;
		return flags;
	case EXIT_EPT_VIOLATION:
		q = vmcs_readn(EXIT_QUALIFICATION);
		e->kind = HW_EXIT_NPF;
		e->npf.gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
		e->npf.gla = vmcs_readn(GUEST_LINEAR_ADDRESS);
		/* The read/write/fetch bits are HW_ACCESS_* in this order. */
		e->npf.access = (uint8_t)(q & (EPTQ_READ | EPTQ_WRITE | EPTQ_FETCH));
		e->npf.gla_valid = q & EPTQ_GLA_VALID;
		return flags;
	case EXIT_EPT_MISCONFIG:
		ept_misconfig(x);
	case EXIT_APIC_ACCESS:
		q = vmcs_readn(EXIT_QUALIFICATION);
		e->kind = HW_EXIT_APIC_ACCESS;
		e->apic.offset = APICQ_OFFSET(q);
		e->apic.type = (uint8_t)APICQ_TYPE(q);
		e->apic.linear = APICQ_TYPE(q) == APIC_ACCESS_LINEAR_READ ||
				 APICQ_TYPE(q) == APIC_ACCESS_LINEAR_WRITE;
		e->apic.write = APICQ_TYPE(q) == APIC_ACCESS_LINEAR_WRITE;
		return flags;
	case EXIT_APIC_WRITE:
		q = vmcs_readn(EXIT_QUALIFICATION);
		e->kind = HW_EXIT_APIC_WRITE;
		e->apic.offset = APICQ_OFFSET(q);
		e->apic.write = true;
		return flags;
	case EXIT_VIRTUALIZED_EOI:
		q = vmcs_readn(EXIT_QUALIFICATION);
		e->kind = HW_EXIT_APIC_EOI;
		e->eoi.vector = EOIQ_VECTOR(q);
		return flags;
	default:
		e->kind = HW_EXIT_UNKNOWN;
		e->unknown.reason = reason;
		e->unknown.qual = vmcs_readn(EXIT_QUALIFICATION);
		return flags;
	}
}

/* The exit path is measured in instructions (docs/PERFORMANCE.md): an
 * instruction exit takes one table look-up and no IDT-vectoring read. */
/* The common case: an instruction exit, decoded in a few steps.  Returns
 * false for everything else. */
static inline __attribute__((always_inline)) bool
decode_insn_exit(uint32_t reason, struct hw_exit *e)
{
	unsigned k;

	if (__builtin_expect(reason & (EXIT_REASON_ENTRY_FAIL |
				       (0xffff & ~(INSN_KIND_SIZE - 1))), 0))
		return false;
	k = insn_kind[reason & (INSN_KIND_SIZE - 1)];
	if (__builtin_expect(!k, 0))
		return false;
	e->reason = (uint16_t)reason;
	e->kind = (uint16_t)k;
	if (k >= HW_EXIT_CR)
		decode_qual(e);
	return true;
}

/* Everything but an instruction exit: entry failures, events, EPT. */
static int decode_slow(struct hw_vcpu *x, int r, uint32_t reason, struct hw_exit *e)
{
	if (reason & EXIT_REASON_ENTRY_FAIL) {
		vmx_report_entry_failure(x, r, reason);
		e->kind = HW_EXIT_ENTRY_FAIL;
		e->reason = (uint16_t)MIN(EXIT_REASON_BASIC(reason), (unsigned)EXIT_REASON_MAX);
		e->fail = x->fail;
		return -1;
	}
	return decode_event(x, EXIT_REASON_BASIC(reason), e);
}

int hw_vcpu_enter(struct hw_vcpu *x, struct hw_exit *e)
{
	uint32_t reason;
	int r;

	r = run_guest(&x->regs, x->launched);
	x->launched = true;
	if (__builtin_expect(r == VMX_RUN_EXIT, 1)) {
		reason = vmcs_read32(VM_EXIT_REASON);
		if (__builtin_expect(decode_insn_exit(reason, e), 1))
			return 0;
		return decode_slow(x, 0, reason, e);
	}
	if (r == VMX_RUN_HANDLED)
		return (int)HW_EXIT_F_HANDLED; /* the fast handler decoded *e */
	if (r != VMX_RUN_EXIT_APICV) {
		x->launched = false;
		vmx_report_entry_failure(x, r, 0);
		e->kind = HW_EXIT_ENTRY_FAIL;
		e->reason = 0;
		e->fail = x->fail;
		return -1;
	}
	/* [APICv] the CPU changed the virtual-APIC page. */
	reason = vmcs_read32(VM_EXIT_REASON);
	if (decode_insn_exit(reason, e))
		return (int)HW_EXIT_F_VAPIC;
	r = decode_slow(x, r, reason, e);
	return r < 0 ? r : (r | (int)HW_EXIT_F_VAPIC);
}

/* The exit stub calls fn after each exit (vmx/vmx_run.S).  Not with
 * APIC virtualization: its exits read the virtual-APIC page back first
 * (VMX_RUN_EXIT_APICV). */
void hw_vcpu_set_fast_exit(struct hw_vcpu *x, hw_fast_exit_fn fn, void *ctx)
{
	x->fast_fn = x->exit_result == VMX_RUN_EXIT ? fn : NULL;
	x->fast_ctx = ctx;
}

/* The commonest exits first, without the table (VMCALL, CPUID, I/O,
 * RDMSR):
 * inlined into the fast handler, their kind is then a constant there. */
static inline __attribute__((always_inline)) bool
decode_direct(uint32_t reason, uint16_t kind, struct hw_exit *e)
{
	e->reason = (uint16_t)reason;
	e->kind = kind;
	if (kind >= HW_EXIT_CR)
		decode_qual(e);
	return true;
}

bool hw_vcpu_decode_fast(struct hw_vcpu *x, struct hw_exit *e)
{
	uint32_t reason = vmcs_read32(VM_EXIT_REASON);

	(void)x;
	if (__builtin_expect(reason == EXIT_VMCALL, 1))
		return decode_direct(EXIT_VMCALL, HW_EXIT_HYPERCALL, e);
	if (reason == EXIT_CPUID)
		return decode_direct(EXIT_CPUID, HW_EXIT_CPUID, e);
	if (reason == EXIT_IO)
		return decode_direct(EXIT_IO, HW_EXIT_IO, e);
	if (reason == EXIT_RDMSR)
		return decode_direct(EXIT_RDMSR, HW_EXIT_RDMSR, e);
	return decode_insn_exit(reason, e);
}

/* Skip the instruction that exited; it completed, so blocking by STI or
 * MOV SS that it may have started is over.  The length is read here
 * from the VMCS (still the exit's: no entry since), only by the exits
 * that advance, not decoded into the record for every exit. */
__attribute__((always_inline)) inline void
hw_vcpu_advance(struct hw_vcpu *x, const struct hw_exit *e)
{
	uint32_t intr = vmcs_read32(GUEST_INTERRUPTIBILITY);

	(void)x;
	(void)e;
	vmcs_writen(GUEST_RIP, vmcs_readn(GUEST_RIP) +
			       vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	if (intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY,
			     intr & ~(uint32_t)(INTERRUPTIBILITY_STI |
						INTERRUPTIBILITY_MOV_SS));
}

void hw_vcpu_intr_window(struct hw_vcpu *x, bool on)
{
	uint32_t proc = on ? x->proc | PROC_INTR_WINDOW
			   : x->proc & ~(uint32_t)PROC_INTR_WINDOW;

	if (proc != x->proc) {
		x->proc = proc;
		vmcs_write32(PROC_BASED_CTLS, proc);
	}
}

/* SDM §25.3 and §26.7.6: NMI-window exiting needs virtual NMIs, where
 * the guest's NMI blocking (set by delivering an NMI, cleared by IRET)
 * is tracked in the interruptibility state; the exit comes at the first
 * instruction boundary without it. */
bool hw_vcpu_nmi_window(struct hw_vcpu *x, bool on)
{
	uint32_t proc;

	if (!(x->pin & PIN_VIRTUAL_NMIS) || !(vmx_caps.proc.may1 & PROC_NMI_WINDOW))
		return false;
	proc = on ? x->proc | PROC_NMI_WINDOW : x->proc & ~(uint32_t)PROC_NMI_WINDOW;
	if (proc != x->proc) {
		x->proc = proc;
		vmcs_write32(PROC_BASED_CTLS, proc);
	}
	return true;
}

/* Interruptible: RFLAGS.IF and no STI or MOV-SS shadow (SDM §26.3.1.5). */
bool hw_vcpu_interruptible(struct hw_vcpu *x)
{
	(void)x;
	return (vmcs_readn(GUEST_RFLAGS) & RFLAGS_IF) &&
	       !(vmcs_read32(GUEST_INTERRUPTIBILITY) &
		 (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

bool hw_vcpu_nmi_blocked(struct hw_vcpu *x)
{
	(void)x;
	return vmcs_read32(GUEST_INTERRUPTIBILITY) &
	       (INTERRUPTIBILITY_NMI | INTERRUPTIBILITY_MOV_SS);
}
