/* The vCPU loop: pick the event to deliver, enter the guest through the
 * backend (arch-x86/hwvirt.h), hand the decoded exit to the exit table
 * (guest/exit/exit.c), until the scheduler is needed again. */
#include "guest/vcpu_run.h"
#include "guest/exit/exit.h"
#include "guest/vpc/apicv.h"
#include "arch-x86/cpu.h"
#include "arch-x86/regs.h"
#include "arch-x86/fpu.h"
#include "arch-x86/lapic.h"
#include "arch-x86/tsc.h"
#include "arch-x86/percpu.h"
#include "mm/phys.h"

/* When the next exit must come: the end of the slice, or for a virtual
 * PC a guest timer due before it.  Without the backend's exit timer
 * (preempt=lapic, or a CPU without one) the host's one-shot LAPIC timer
 * is armed instead; handle_external_intr() tells a guest timer from the
 * end of the slice by lapic_for_guest. */
static void arm_slice(struct vcpu *v)
{
	uint64_t end = v->slice_end, now, d;

	v->lapic_for_guest = false;
	d = v->vm->platform->deadline ? v->vm->platform->deadline(v) : UINT64_MAX;
	if (d < end) {
		end = d;
		v->lapic_for_guest = true;
	}
	if (hw_has_exit_timer()) {
		hw_vcpu_set_deadline(v->hw, end);
		return;
	}
	if (end == UINT64_MAX) {
		lapic_timer_stop();
		return;
	}
	/* At most a second ahead: the conversion to LAPIC ticks stays in
	 * range, and an early expiry only re-arms. */
	now = rdtsc();
	lapic_timer_oneshot(end > now ? MIN(end - now, tsc_hz()) : 1, VEC_TIMER);
}

/* An MSR to and from its 64-bit slot as two 32-bit halves (x86 is
 * little-endian): RDMSR/WRMSR work on EDX:EAX, so this saves the shift
 * and the merge of rdmsr()/wrmsr() at every switch. */
static inline void msr_save(uint32_t msr, uint64_t *slot)
{
	__asm__ volatile("rdmsr\n\tmovl %%eax, %0\n\tmovl %%edx, 4+%0"
			 : "=m"(*slot) : "c"(msr) : "rax", "rdx");
}

static inline void msr_load(uint32_t msr, const uint64_t *slot)
{
	__asm__ volatile("movl %0, %%eax\n\tmovl 4+%0, %%edx\n\twrmsr"
			 : : "m"(*slot), "c"(msr) : "rax", "rdx", "memory");
}

/* What lives in the pCPU rather than in the backend's state follows the
 * vCPU: CR2, the FPU/SSE/AVX state and XCR0, and the syscall MSRs passed
 * through. */
static void switch_in(struct vcpu *v)
{
	write_cr2(hw_cr2(v->hw));
	fpu_load(phys_to_virt(v->fpu_area), v->xcr0);
	msr_load(MSR_STAR, &v->msr_star);
	msr_load(MSR_LSTAR, &v->msr_lstar);
	msr_load(MSR_CSTAR, &v->msr_cstar);
	msr_load(MSR_SFMASK, &v->msr_sfmask);
	msr_load(MSR_KERNEL_GS_BASE, &v->msr_kgs_base);
	msr_load(MSR_TSC_AUX, &v->msr_tsc_aux);
}

static void switch_out(struct vcpu *v)
{
	hw_set_cr2(v->hw, read_cr2());
	fpu_save(phys_to_virt(v->fpu_area), v->xcr0);
	msr_save(MSR_STAR, &v->msr_star);
	msr_save(MSR_LSTAR, &v->msr_lstar);
	msr_save(MSR_CSTAR, &v->msr_cstar);
	msr_save(MSR_SFMASK, &v->msr_sfmask);
	msr_save(MSR_KERNEL_GS_BASE, &v->msr_kgs_base);
	msr_save(MSR_TSC_AUX, &v->msr_tsc_aux);
}

/* Before the slice: INIT/SIPI and restarts load a new state.  False
 * when the vCPU must wait (an AP before its SIPI). */
static bool vcpu_start(struct vcpu *v)
{
	struct vcpu_init_state st;
	int r;

	if (__builtin_expect(READ_ONCE(v->halt_if_off), 0) && !vcpu_halt_ends(v))
		return false; /* HLT with IF = 0: only NMI, INIT, SIPI end it */
	if (v->vm->platform->vcpu_start) {
		r = v->vm->platform->vcpu_start(v, &st);
		if (r < 0)
			return false;
		if (r > 0) {
			hw_vcpu_set_state(v->hw, &st);
			v->event.valid = false;
			vcpu_recheck(v);
		}
	}
	if (__builtin_expect(__atomic_load_n(&v->dead_wait, __ATOMIC_RELAXED), 0))
		vcpu_runs_again(v);
	return true;
}

/* The exit path is measured in instructions (docs/PERFORMANCE.md): the
 * common case, an instruction exit that resumes past the instruction,
 * takes one branch per step; everything else goes the slow way. */
void vcpu_run(struct vcpu *v, uint64_t slice_tsc)
{
	struct vm *vm = v->vm;
	struct hw_exit *e = &v->exit; /* also exit_fast()'s */

	hw_vcpu_load(v->hw);
	if (!vcpu_start(v)) {
		v->state = VCPU_BLOCKED; /* an AP waiting for SIPI */
		hw_vcpu_put(v->hw);
		return;
	}
	v->state = VCPU_RUNNING;
	v->slice_end = slice_tsc ? rdtsc() + slice_tsc : UINT64_MAX;
	v->pcpu_mask |= BIT(this_cpu()->cpu_id);
	if (!vm->first_entry_tsc)
		vm->first_entry_tsc = rdtsc();
	switch_in(v);
	arm_slice(v);
	/* The VM's end and a yield (vcpu_leave), a queued event and every
	 * interrupt source (vcpu_recheck) set virq.any, so one test covers
	 * them all.  An event left from the last slice goes in at the first
	 * entry. */
	if (v->event.valid)
		vcpu_recheck(v);
	for (;;) {
		enum vcpu_action act;
		uint32_t any;
		int r;

		any = __atomic_load_n(&v->virq.any, __ATOMIC_RELAXED);
		if (__builtin_expect(any != 0, 0)) {
			if (any & VIRQ_ANY_LEAVE) {
				/* Taken back, so that the next slice starts on
				 * the short path. */
				__atomic_fetch_and(&v->virq.any, ~VIRQ_ANY_LEAVE,
						   __ATOMIC_SEQ_CST);
				if (vm_is_over(vm))
					break;
				if (v->yield) {
					v->yield = false;
					break;
				}
			}
			if (any & VIRQ_ANY_RECHECK) {
				if (vm->platform->must_leave && vm->platform->must_leave(v))
					break; /* INIT: the next run resets it */
				vm->platform->inject(v);
				if (v->event.valid) {
					hw_vcpu_inject(v->hw, &v->event);
					v->event.valid = false;
				}
				/* Guest timers may have moved; a machine without
				 * them keeps the slice's deadline. */
				if (vm->platform->deadline)
					arm_slice(v);
			}
		}
		r = hw_vcpu_enter(v->hw, e);
		if (__builtin_expect(r != 0, 0)) {
			if (r < 0) {
				vm_stop(vm, "%s", e->fail);
				break;
			}
			if (r & HW_EXIT_F_VAPIC)
				apicv_store(v); /* before a handler looks at the LAPIC */
			if (r & HW_EXIT_F_VECTORING) {
				v->event = e->vectoring;
				vcpu_recheck(v);
			}
		}
		if (__builtin_expect(r & HW_EXIT_F_HANDLED, 0))
			act = v->fast_act; /* exit_fast() handled it */
		else
			act = exit_dispatch(v, e);
		if (__builtin_expect(act != ACT_RESUME_ADVANCE, 0)) {
			if (act == ACT_RESUME)
				continue;
			if (act == ACT_KILL_VM)
				break;
		}
		hw_vcpu_advance(v->hw, e); /* RESUME_ADVANCE, BLOCK */
		if (__builtin_expect(act == ACT_BLOCK, 0)) {
			v->state = VCPU_BLOCKED;
			break;
		}
	}
	if (!hw_has_exit_timer())
		lapic_timer_stop();
	switch_out(v);
	hw_vcpu_put(v->hw);
	if (vm_is_over(vm)) {
		hw_cpu_release(); /* it will not run again */
		v->state = VCPU_STOPPED;
	} else if (v->state == VCPU_RUNNING) {
		v->state = VCPU_RUNNABLE;
	}
}
