/* A VM that can never run again (issue 11): every vCPU waits for a
 * start-up IPI or is halted with interrupts disabled (HLT with IF = 0 ends
 * only on NMI, INIT, SIPI or SMI, SDM vol. 2 "HLT", vol. 3 §10.4.7 for
 * the wait-for-SIPI state), none of those is pending, and no device can
 * send one.  It is reported once, with every vCPU's state, then stopped
 * or kept as its description's on_hang says.
 *
 * A vCPU marks itself (dead_wait) when it blocks so, then looks at all
 * the others; the marks are sequentially consistent, so of two vCPUs
 * blocking at once at least one sees the other's mark, and the last one
 * to block reports.  A vCPU that sends another an IPI before it blocks
 * has set the other's pending flag first, which the check sees. */
#include "guest/vm/vm.h"
#include "guest/vm/platform.h"
#include "arch-x86/regs.h"
#include "lib/printk.h"
#include "sched/sched.h"

void vcpu_halt_if_off(struct vcpu *v)
{
	v->halt_rip = vcpu_rip(v);
	WRITE_ONCE(v->halt_if_off, true);
}

static bool wake_pending(const struct vcpu *v)
{
	return READ_ONCE(v->nmi_pending) || READ_ONCE(v->init_pending) ||
	       READ_ONCE(v->sipi_vector) >= 0 || READ_ONCE(v->reload);
}

bool vcpu_halt_ends(struct vcpu *v)
{
	if (!wake_pending(v) && !__atomic_load_n(&v->vm->restarting, __ATOMIC_SEQ_CST))
		return false;
	WRITE_ONCE(v->halt_if_off, false);
	return true;
}

void vcpu_runs_again(struct vcpu *v)
{
	struct vm *vm = v->vm;

	__atomic_store_n(&v->dead_wait, false, __ATOMIC_SEQ_CST);
	if (__atomic_exchange_n(&vm->hung, false, __ATOMIC_SEQ_CST))
		pr_info("vm %s: no longer hung: vCPU %u runs again\n", vm->name, v->id);
}

/* Could this vCPU run again, as far as its own state tells? */
static bool may_run(const struct vcpu *v)
{
	if (READ_ONCE(v->state) == VCPU_STOPPED)
		return false;
	if (!__atomic_load_n(&v->dead_wait, __ATOMIC_SEQ_CST))
		return true;
	return wake_pending(v);
}

static void report(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		const struct vcpu *u = &vm->vcpu[i];

		if (READ_ONCE(u->state) == VCPU_STOPPED)
			pr_err("vm %s: hung: vCPU %u stopped\n", vm->name, i);
		else if (READ_ONCE(u->halt_if_off))
			pr_err("vm %s: hung: vCPU %u halted with interrupts disabled at RIP %#lx\n",
			       vm->name, i, u->halt_rip);
		else
			pr_err("vm %s: hung: vCPU %u waiting for SIPI\n", vm->name, i);
	}
}

void vm_hang_check(struct vcpu *v)
{
	struct vm *vm = v->vm;

	__atomic_store_n(&v->dead_wait, true, __ATOMIC_SEQ_CST);
	if (vm_is_over(vm) || __atomic_load_n(&vm->restarting, __ATOMIC_SEQ_CST))
		return;
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		if (may_run(&vm->vcpu[i]))
			return;
	if (vm->platform->may_wake && vm->platform->may_wake(vm))
		return;
	if (__atomic_exchange_n(&vm->hung, true, __ATOMIC_SEQ_CST)) {
		/* Reported already; woken for nothing (a maskable interrupt
		 * with IF = 0): blocked for good again. */
		if (vm->cfg->on_hang == ON_HANG_REPORT)
			sched_dormant(&v->se);
		return;
	}
	pr_err("vm %s: hung: no vCPU can run again (on_hang = %s)\n", vm->name,
	       vm->cfg->on_hang == ON_HANG_STOP ? "stop" : "report");
	report(vm);
	if (vm->cfg->on_hang == ON_HANG_STOP) {
		vm_stop(vm, "hung");
		return;
	}
	/* Kept: blocked for good, it no longer holds the run open. */
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		sched_dormant(&vm->vcpu[i].se);
}
