/* Running a vCPU: event injection, VM entry, exit dispatch. */
#include "vmx/vmx.h"
#include "vmx/caps.h"
#include "vmx/vmcs_fields.h"
#include "vmx/exit_reason.h"
#include "vmx/vcpu_regs.h"
#include "guest/vm.h"
#include "arch-x86/cpu.h"
#include "arch-x86/regs.h"
#include "lib/printk.h"

enum vcpu_action vmx_dispatch_exit(struct vcpu *v, unsigned reason);

static uint64_t slice_tsc;

void vmx_set_time_slice(uint64_t tsc_ticks)
{
	slice_tsc = tsc_ticks;
}

/* SDM §26.5.1: the timer counts down at the TSC rate divided by 2^X,
 * X from IA32_VMX_MISC[4:0]. */
static void arm_preemption_timer(struct vcpu *v)
{
	uint64_t ticks;

	if (!(v->vmx.pin & PIN_PREEMPT_TIMER))
		return;
	ticks = slice_tsc >> VMX_MISC_PREEMPT_SHIFT(vmx_caps.misc);
	if (!slice_tsc || ticks > UINT32_MAX)
		ticks = UINT32_MAX;
	vmcs_write32(GUEST_PREEMPTION_TIMER, ticks ? ticks : 1);
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
static void save_vectoring_event(struct vcpu *v)
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
static void advance_rip(struct vcpu *v)
{
	uint32_t intr = vmcs_read32(GUEST_INTERRUPTIBILITY);

	vcpu_set_rip(v, vcpu_rip(v) + vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	if (intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY,
			     intr & ~(uint32_t)(INTERRUPTIBILITY_STI |
						INTERRUPTIBILITY_MOV_SS));
}

void vmx_vcpu_run(struct vcpu *v)
{
	struct vm *vm = v->vm;

	vmx_vcpu_load(v);
	v->state = VCPU_RUNNING;
	while (v->state == VCPU_RUNNING && !vm_is_over(vm)) {
		uint32_t reason;
		enum vcpu_action act;
		int r;

		inject_pending(v);
		arm_preemption_timer(v);
		if (!vm->first_entry_tsc)
			vm->first_entry_tsc = rdtsc();
		r = vmx_run_guest(&v->vmx.regs, v->vmx.launched);
		if (r != VMX_RUN_EXIT) {
			vmx_report_entry_failure(v, r, 0);
			break;
		}
		v->vmx.launched = true;
		v->exits++;
		reason = vmcs_read32(VM_EXIT_REASON);
		if (reason & EXIT_REASON_ENTRY_FAIL) {
			vmx_report_entry_failure(v, r, reason);
			break;
		}
		save_vectoring_event(v);
		act = vmx_dispatch_exit(v, EXIT_REASON_BASIC(reason));
		switch (act) {
		case ACT_RESUME:
			break;
		case ACT_RESUME_ADVANCE:
			advance_rip(v);
			break;
		case ACT_BLOCK:
			advance_rip(v);
			v->state = VCPU_BLOCKED;
			break;
		case ACT_KILL_VM:
			break;
		}
		if (v->yield) {
			v->yield = false;
			break;
		}
	}
	if (vm_is_over(vm))
		v->state = VCPU_STOPPED;
	else if (v->state == VCPU_RUNNING)
		v->state = VCPU_RUNNABLE;
}
