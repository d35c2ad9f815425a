/* The vCPU loop: pick the event to deliver, enter the guest through the
 * backend (arch-x86/hwvirt.h), hand the decoded exit to the exit table
 * (guest/exit/exit.c), until the scheduler is needed again. */
#include "guest/vcpu_run.h"
#include "guest/exit/exit.h"
#include "guest/vpc/vplat.h"
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
	if (v->vm->plat) {
		d = vplat_deadline(v);
		if (d < end) {
			end = d;
			v->lapic_for_guest = true;
		}
	}
	v->deadline = end;
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

/* The virtual PC: expired timers first, then an NMI or the interrupt its
 * LAPIC (or PIC) presents.  'any' stays set while something may still be
 * pending, so the next entry looks again. */
static void inject_plat(struct vcpu *v)
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
		vcpu_recheck(v);
		return;
	}
	if (v->nmi_pending && !hw_vcpu_nmi_blocked(v->hw)) {
		v->nmi_pending = false;
		v->event = (struct hw_event){ .valid = true, .vector = X86_EXC_NMI,
					      .type = HW_EV_NMI };
		vcpu_recheck(v);
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
		return; /* 'any' stays set: the vector goes in at a later entry */
	/* Cleared before looking, so that a vector posted meanwhile sets it
	 * again (virq_set_post sets the bit first). */
	vcpu_recheck_begin(v);
	vec = virq_set_highest(&v->virq);
	if (vec < 0) {
		hw_vcpu_intr_window(v->hw, false);
		return;
	}
	if (!hw_vcpu_interruptible(v->hw)) {
		vcpu_recheck(v);
		hw_vcpu_intr_window(v->hw, true);
		return;
	}
	virq_set_clear(&v->virq, (uint8_t)vec);
	v->event = (struct hw_event){ .valid = true, .vector = (uint8_t)vec,
				      .type = HW_EV_EXT_INTR };
	hw_vcpu_intr_window(v->hw, virq_set_maybe(&v->virq));
}

/* What lives in the pCPU rather than in the backend's state follows the
 * vCPU: CR2, the FPU/SSE/AVX state and XCR0, and the syscall MSRs passed
 * through. */
static void switch_in(struct vcpu *v)
{
	write_cr2(hw_cr2(v->hw));
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
	hw_set_cr2(v->hw, read_cr2());
	fpu_save(phys_to_virt(v->fpu_area), v->xcr0);
	v->msr_star = rdmsr(MSR_STAR);
	v->msr_lstar = rdmsr(MSR_LSTAR);
	v->msr_cstar = rdmsr(MSR_CSTAR);
	v->msr_sfmask = rdmsr(MSR_SFMASK);
	v->msr_kgs_base = rdmsr(MSR_KERNEL_GS_BASE);
	v->msr_tsc_aux = rdmsr(MSR_TSC_AUX);
}

/* A virtual PC's vCPU before its slice: INIT/SIPI and restarts load a new
 * state.  False when it must wait (an AP before its SIPI). */
static bool plat_start(struct vcpu *v)
{
	struct vcpu_init_state st;
	int r = vplat_vcpu_start(v, &st);

	if (r < 0)
		return false;
	if (r > 0) {
		hw_vcpu_set_state(v->hw, &st);
		v->event.valid = false;
	}
	vcpu_recheck(v);
	return true;
}

/* The exit path is measured in instructions (docs/PERFORMANCE.md): the
 * common case, an instruction exit that resumes past the instruction,
 * takes one branch per step; everything else goes the slow way. */
void vcpu_run(struct vcpu *v, uint64_t slice_tsc)
{
	struct vm *vm = v->vm;
	struct hw_exit e;

	hw_vcpu_load(v->hw);
	if (vm->plat && !plat_start(v)) {
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
	/* The VM's end, a queued event, a yield and every interrupt source
	 * set virq.any (vcpu_recheck), so one test covers them all. */
	vcpu_recheck(v);
	for (;;) {
		enum vcpu_action act;
		int r;

		if (__builtin_expect(virq_set_maybe(&v->virq), 0)) {
			if (vm_is_over(vm))
				break;
			if (v->yield) {
				v->yield = false;
				break;
			}
			if (vm->plat && (READ_ONCE(v->init_pending) ||
					 READ_ONCE(v->wait_sipi) ||
					 __atomic_load_n(&vm->restarting,
							 __ATOMIC_SEQ_CST)))
				break; /* INIT: the next run resets it */
			inject_virq(v);
			if (v->event.valid) {
				hw_vcpu_inject(v->hw, &v->event);
				v->event.valid = false;
			}
			if (vm->plat)
				arm_slice(v);
		}
		r = hw_vcpu_enter(v->hw, &e);
		if (__builtin_expect(r != 0, 0)) {
			if (r < 0) {
				vm_stop(vm, "%s", e.fail);
				break;
			}
			if (r & HW_EXIT_F_VAPIC)
				apicv_store(v); /* before a handler looks at the LAPIC */
			if (r & HW_EXIT_F_VECTORING) {
				v->event = e.vectoring;
				vcpu_recheck(v);
			}
		}
		act = exit_dispatch(v, &e);
		if (__builtin_expect(act != ACT_RESUME_ADVANCE, 0)) {
			if (act == ACT_RESUME)
				continue;
			if (act == ACT_KILL_VM)
				break;
		}
		hw_vcpu_advance(v->hw, &e); /* RESUME_ADVANCE, BLOCK */
		if (__builtin_expect(act == ACT_BLOCK, 0)) {
			v->state = VCPU_BLOCKED;
			break;
		}
	}
	if (!hw_has_exit_timer())
		lapic_timer_stop();
	switch_out(v);
	hw_vcpu_put(v->hw);
	if (vm_is_over(vm))
		v->state = VCPU_STOPPED;
	else if (v->state == VCPU_RUNNING)
		v->state = VCPU_RUNNABLE;
}
