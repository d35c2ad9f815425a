/* Running a vCPU: event injection, VM entry, exit dispatch. */
#include "vmx/vmx.h"
#include "vmx/caps.h"
#include "vmx/vmcs_fields.h"
#include "vmx/exit_reason.h"
#include "vmx/vcpu_regs.h"
#include "vmx/apicv.h"
#include "guest/vm/vm.h"
#include "guest/vpc/vplat.h"
#include "arch-x86/cpu.h"
#include "arch-x86/regs.h"
#include "lib/printk.h"
#include "arch-x86/fpu.h"
#include "arch-x86/lapic.h"
#include "arch-x86/tsc.h"
#include "arch-x86/percpu.h"
#include "mm/phys.h"

enum vcpu_action vmx_dispatch_exit(struct vcpu *v, unsigned reason);

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

static bool lapic_preempt; /* forced or no VMX-preemption timer */

void vmx_use_lapic_timer(bool on)
{
	lapic_preempt = on;
}

bool vmx_has_preemption_timer(void)
{
	return !lapic_preempt && (vmx_caps.pin.may1 & PIN_PREEMPT_TIMER);
}

/* SDM §26.5.1: the timer counts down at the TSC rate divided by 2^X,
 * X from IA32_VMX_MISC[4:0].  Without it (or when told so) a one-shot
 * LAPIC timer interrupt ends the slice through an external-interrupt exit. */
static void arm_preemption_timer(struct vcpu *v)
{
	uint64_t end = v->slice_end, now, ticks;

	/* A guest timer due before the slice ends also needs an exit. */
	if (v->vm->plat)
		end = MIN(end, vplat_deadline(v));
	now = rdtsc();
	if (end == UINT64_MAX)
		ticks = UINT32_MAX;
	else if (end <= now)
		ticks = 0;
	else
		ticks = (end - now) >> VMX_MISC_PREEMPT_SHIFT(vmx_caps.misc);
	if (ticks > UINT32_MAX)
		ticks = UINT32_MAX;
	vmcs_write32(GUEST_PREEMPTION_TIMER, (uint32_t)ticks);
}

/* Without the VMX-preemption timer (preempt=lapic, or a CPU that lacks
 * it) the host's one-shot LAPIC timer ends the slice; for a virtual PC it
 * fires for the guest timer due first instead, re-armed at every entry
 * that looks at the VM's interrupts, so that a guest spinning with
 * interrupts on gets its timer on time.  handle_external_intr() tells the
 * two apart by lapic_for_guest. */
static void arm_lapic_timer(struct vcpu *v)
{
	uint64_t end = v->slice_end, now = rdtsc(), d;

	v->vmx.lapic_for_guest = false;
	if (v->vm->plat) {
		d = vplat_deadline(v);
		if (d < end) {
			end = d;
			v->vmx.lapic_for_guest = true;
		}
	}
	if (end == UINT64_MAX) {
		lapic_timer_stop();
		return;
	}
	/* At most a second ahead: the conversion to LAPIC ticks stays in
	 * range, and an early expiry only re-arms. */
	lapic_timer_oneshot(end > now ? MIN(end - now, tsc_hz()) : 1, VEC_TIMER);
}

static void arm_slice(struct vcpu *v)
{
	if (v->vmx.pin & PIN_PREEMPT_TIMER)
		arm_preemption_timer(v);
	else
		arm_lapic_timer(v);
}

/* Interruptible: RFLAGS.IF and no STI or MOV-SS shadow (SDM §26.3.1.5). */
static bool guest_interruptible(void)
{
	return (vmcs_readn(GUEST_RFLAGS) & RFLAGS_IF) &&
	       !(vmcs_read32(GUEST_INTERRUPTIBILITY) &
		 (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

static void set_intr_window(struct vcpu *v, bool on)
{
	uint32_t proc = on ? v->vmx.proc | PROC_INTR_WINDOW
			   : v->vmx.proc & ~(uint32_t)PROC_INTR_WINDOW;

	if (proc != v->vmx.proc) {
		v->vmx.proc = proc;
		vmcs_write32(PROC_BASED_CTLS, proc);
	}
}

/* The virtual PC: expired timers first, then an NMI or the interrupt its
 * LAPIC (or PIC) presents.  'any' stays set while something may still be
 * pending, so the next entry looks again. */
static void inject_plat(struct vcpu *v)
{
	int vec;
	bool hold;

	__atomic_store_n(&v->virq.any, 0, __ATOMIC_SEQ_CST);
	vec = vplat_next_irq(v, rdtsc());
	/* [APICv] The LAPIC goes into the virtual-APIC page and the CPU
	 * delivers its vectors (RVI/PPR); 'vec' is then only the PIC's.
	 * 'hold': the interrupt window stays on (vmx_apicv_load()). */
	hold = v->vmx.apicv && vmx_apicv_load(v);
	if (hold)
		set_intr_window(v, true);
	if (v->event.valid) {
		__atomic_store_n(&v->virq.any, 1, __ATOMIC_SEQ_CST);
		return;
	}
	if (v->nmi_pending &&
	    !(vmcs_read32(GUEST_INTERRUPTIBILITY) &
	      (INTERRUPTIBILITY_NMI | INTERRUPTIBILITY_MOV_SS))) {
		v->nmi_pending = false;
		v->event = (struct pending_event){ .valid = true, .vector = 2,
						   .type = INTR_TYPE_NMI };
		__atomic_store_n(&v->virq.any, 1, __ATOMIC_SEQ_CST);
		return;
	}
	if (vec < 0) {
		set_intr_window(v, hold);
		return;
	}
	if (!guest_interruptible()) {
		set_intr_window(v, true);
		__atomic_store_n(&v->virq.any, 1, __ATOMIC_SEQ_CST);
		return;
	}
	vec = vplat_ack_irq(v);
	set_intr_window(v, hold);
	__atomic_store_n(&v->virq.any, 1, __ATOMIC_SEQ_CST);
	if (vec >= 0)
		v->event = (struct pending_event){ .valid = true, .vector = (uint8_t)vec,
						   .type = INTR_TYPE_EXT_INTR };
}

/* The highest pending virtual interrupt goes in as an external interrupt
 * when the guest can take one; otherwise ask for an exit as soon as it
 * can (interrupt-window exiting). */
static void inject_virq(struct vcpu *v)
{
	int vec;

	if (v->vm->plat) {
		inject_plat(v);
		return;
	}
	if (v->event.valid)
		return;
	vec = virq_set_highest(&v->virq);
	if (vec < 0) {
		set_intr_window(v, false);
		return;
	}
	if (!guest_interruptible()) {
		set_intr_window(v, true);
		return;
	}
	virq_set_clear(&v->virq, (uint8_t)vec);
	v->event = (struct pending_event){ .valid = true, .vector = (uint8_t)vec,
					   .type = INTR_TYPE_EXT_INTR };
	set_intr_window(v, virq_set_maybe(&v->virq));
}

/* What lives in the pCPU rather than the VMCS follows the vCPU: CR2, the
 * FPU/SSE/AVX state and XCR0, and the syscall MSRs passed through. */
static void switch_in(struct vcpu *v)
{
	write_cr2(v->vmx.regs.cr2);
	fpu_load(phys_to_virt(v->fpu_area), v->xcr0);
	wrmsr(MSR_STAR, v->msr_star);
	wrmsr(MSR_LSTAR, v->msr_lstar);
	wrmsr(MSR_CSTAR, v->msr_cstar);
	wrmsr(MSR_SFMASK, v->msr_sfmask);
	wrmsr(MSR_KERNEL_GS_BASE, v->msr_kgs_base);
	wrmsr(MSR_TSC_AUX, v->msr_tsc_aux);
}

static void switch_out(struct vcpu *v)
{
	v->vmx.regs.cr2 = read_cr2();
	fpu_save(phys_to_virt(v->fpu_area), v->xcr0);
	v->msr_star = rdmsr(MSR_STAR);
	v->msr_lstar = rdmsr(MSR_LSTAR);
	v->msr_cstar = rdmsr(MSR_CSTAR);
	v->msr_sfmask = rdmsr(MSR_SFMASK);
	v->msr_kgs_base = rdmsr(MSR_KERNEL_GS_BASE);
	v->msr_tsc_aux = rdmsr(MSR_TSC_AUX);
}
void vmx_report_entry_failure(struct vcpu *v, int result, uint32_t reason);

void vcpu_inject_exception(struct vcpu *v, unsigned vector, bool has_error,
			   uint32_t error)
{
	struct pending_event *e = &v->event;

	e->valid = true;
	e->vector = (uint8_t)vector;
	e->type = INTR_TYPE_HW_EXCEPTION;
	e->has_error = has_error;
	e->error = error;
	e->insn_len = 0;
}

/* SDM §27.2.4: an event whose delivery was interrupted by the exit is
 * reported in the IDT-vectoring information and must be re-injected. */
void vmx_save_vectoring_event(struct vcpu *v)
{
	uint32_t info = vmcs_read32(IDT_VECTORING_INFO);
	struct pending_event *e = &v->event;

	if (!(info & INTR_INFO_VALID))
		return;
	e->valid = true;
	e->vector = (uint8_t)INTR_INFO_VECTOR(info);
	e->type = (uint8_t)INTR_INFO_TYPE(info);
	e->has_error = info & INTR_INFO_ERROR_VALID;
	e->error = e->has_error ? vmcs_read32(IDT_VECTORING_ERROR_CODE) : 0;
	e->insn_len = vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
}

static void inject_pending(struct vcpu *v)
{
	struct pending_event *e = &v->event;
	uint32_t info;

	if (!e->valid)
		return;
	info = e->vector | ((uint32_t)e->type << 8) | INTR_INFO_VALID;
	/* SDM §26.2.1.3: no error code is delivered in real mode. */
	if (e->has_error && (vcpu_cr0(v) & CR0_PE)) {
		info |= INTR_INFO_ERROR_VALID;
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, e->error);
	}
	if (e->type == INTR_TYPE_SW_INTR || e->type == INTR_TYPE_SW_EXCEPTION ||
	    e->type == INTR_TYPE_PRIV_SW_EXCEPTION)
		vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, e->insn_len);
	vmcs_write32(VM_ENTRY_INTR_INFO, info);
	e->valid = false;
}

/* Skip the instruction that exited; it completed, so blocking by STI or
 * MOV SS that it may have started is over. */
static inline __attribute__((always_inline)) void advance_rip(struct vcpu *v)
{
	uint32_t intr = vmcs_read32(GUEST_INTERRUPTIBILITY);

	vcpu_set_rip(v, vcpu_rip(v) + vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	if (intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY,
			     intr & ~(uint32_t)(INTERRUPTIBILITY_STI |
						INTERRUPTIBILITY_MOV_SS));
}

/* The exit path is measured in instructions (docs/PERFORMANCE.md): the
 * common case, an instruction exit that resumes past the instruction,
 * takes one branch per step; everything else goes the slow way. */
void vmx_vcpu_run(struct vcpu *v, uint64_t slice_tsc)
{
	struct vm *vm = v->vm;
	/* A VMX-preemption timer whose value is not saved at exits starts
	 * over at every entry. */
	bool rearm_each_entry = (v->vmx.pin & PIN_PREEMPT_TIMER) &&
				!(v->vmx.exit_ctls & EXIT_SAVE_PREEMPT_TIMER);

	vmx_vcpu_load(v);
	if (vm->plat) {
		struct vcpu_init_state st;
		int r = vplat_vcpu_start(v, &st);

		if (r < 0) {
			v->state = VCPU_BLOCKED; /* an AP waiting for SIPI */
			vmx_vcpu_put(v);
			return;
		}
		if (r > 0)
			vmx_vcpu_set_state(v, &st);
		__atomic_store_n(&v->virq.any, 1, __ATOMIC_SEQ_CST);
	}
	v->state = VCPU_RUNNING;
	v->vmx.slice_tsc = slice_tsc;
	v->slice_end = slice_tsc ? rdtsc() + slice_tsc : UINT64_MAX;
	v->pcpu_mask |= BIT(this_cpu()->cpu_id);
	if (!vm->first_entry_tsc)
		vm->first_entry_tsc = rdtsc();
	switch_in(v);
	arm_slice(v);
	while (!vm_is_over(vm)) {
		uint32_t reason;
		enum vcpu_action act;
		int r;

		if (__builtin_expect(v->event.valid || rearm_each_entry ||
					     virq_set_maybe(&v->virq), 0)) {
			if (vm->plat && (READ_ONCE(v->init_pending) ||
					 READ_ONCE(v->wait_sipi) ||
					 __atomic_load_n(&vm->restarting,
							 __ATOMIC_SEQ_CST)))
				break; /* INIT: the next run resets it */
			inject_virq(v);
			inject_pending(v);
			if (rearm_each_entry || vm->plat)
				arm_slice(v);
		}
		r = run_guest(&v->vmx.regs, v->vmx.launched);
		if (__builtin_expect(r != VMX_RUN_EXIT, 0)) {
			if (r != VMX_RUN_EXIT_APICV) {
				vmx_report_entry_failure(v, r, 0);
				break;
			}
			/* [APICv] TPR, ISR, IRR the CPU changed, back to the
			 * vLAPIC before any handler looks at it. */
			vmx_apicv_store(v);
		}
		v->vmx.launched = true;
		reason = vmcs_read32(VM_EXIT_REASON);
		if (__builtin_expect(reason & EXIT_REASON_ENTRY_FAIL, 0)) {
			vmx_report_entry_failure(v, r, reason);
			break;
		}
		act = vmx_dispatch_exit(v, EXIT_REASON_BASIC(reason));
		if (__builtin_expect(act == ACT_RESUME_ADVANCE, 1)) {
			advance_rip(v);
		} else if (act == ACT_BLOCK) {
			advance_rip(v);
			v->state = VCPU_BLOCKED;
			break;
		} else if (act == ACT_KILL_VM) {
			break;
		}
		if (__builtin_expect(v->yield, 0)) {
			v->yield = false;
			break;
		}
	}
	if (!(v->vmx.pin & PIN_PREEMPT_TIMER))
		lapic_timer_stop();
	switch_out(v);
	vmx_vcpu_put(v);
	if (vm_is_over(vm))
		v->state = VCPU_STOPPED;
	else if (v->state == VCPU_RUNNING)
		v->state = VCPU_RUNNABLE;
}
