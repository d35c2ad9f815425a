/* vCPUs on pCPUs: entities per vCPU, the per-pCPU loop, wake-ups by
 * virtual interrupts, kicks and idling. */
#include "sched/sched.h"
#include "sched/sched_core.h"
#include "guest/vm/vm.h"
#include "guest/vcpu_run.h"
#include "guest/vpc/vplat.h"
#include "guest/vpc/console_in.h"
#include "arch-x86/cpu.h"
#include "drivers/devirq.h"
#include "arch-x86/exception.h"
#include "arch-x86/lapic.h"
#include "arch-x86/percpu.h"
#include "arch-x86/smp.h"
#include "lib/printk.h"
#include "lib/string.h"

static unsigned vms_live;   /* VMs started and not ended (atomic) */
static uint64_t idle_poll;  /* idle pCPUs look for work this often */
static uint64_t stats_period, stats_next; /* vmstats=N */

void sched_set_vmstats(uint64_t period_tsc)
{
	stats_period = period_tsc;
	stats_next = rdtsc() + period_tsc;
}

static uint64_t hook_now(void)
{
	return rdtsc();
}

static unsigned hook_this_cpu(void)
{
	return this_cpu()->cpu_id;
}

static const struct sched_hooks hooks = {
	.now = hook_now,
	.kick = smp_kick,
	.this_cpu = hook_this_cpu,
};

static void resched_irq(struct exc_frame *f)
{
	(void)f;
	this_cpu()->need_resched = true;
	lapic_eoi();
}

static void timer_irq(struct exc_frame *f)
{
	(void)f;
	this_cpu()->slice_over = true;
	lapic_eoi();
}

void sched_irq_init(void)
{
	irq_register(VEC_RESCHED, resched_irq);
	irq_register(VEC_TIMER, timer_irq);
}

int sched_setup(const char *policy, uint64_t slice_tsc, unsigned ncpus)
{
	const struct sched_ops *ops = sched_policy_by_name(policy);

	if (!ops) {
		pr_err("sched: unknown policy '%s' (rr, fair)\n", policy);
		return -1;
	}
	if (sched_core_init(ops, &hooks, ncpus, slice_tsc) < 0) {
		pr_err("sched: cannot set up %u run queues\n", ncpus);
		return -1;
	}
	idle_poll = slice_tsc;
	pr_info("sched: policy %s, time slice %lu TSC ticks, %u pCPU(s), preemption by %s\n",
		sched_policy_name(), slice_tsc, ncpus,
		hw_has_exit_timer() ? "VMX-preemption timer" : "LAPIC timer");
	return 0;
}

int sched_start_vm(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;

	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpu[i];

		snprintf(v->se_name, sizeof(v->se_name), "%s/%u", vm->name, i);
		sched_entity_init(&v->se, cfg->affinity[i], cfg->weight, v, v->se_name);
	}
	__atomic_add_fetch(&vms_live, 1, __ATOMIC_SEQ_CST);
	vm->state = VM_RUNNING;
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		if (sched_add(&vm->vcpu[i].se) < 0) {
			vm_stop(vm, "vCPU %u cannot be scheduled (affinity %#lx, weight %u)",
				i, cfg->affinity[i], cfg->weight);
			return -1;
		}
	}
	return 0;
}

void sched_vm_ended(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		sched_stop(&vm->vcpu[i].se);
	/* Statistics as of the end (vCPUs still on other pCPUs stop at
	 * their next exit); the final ones follow at the end of the run. */
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		sched_print_vcpu(&vm->vcpu[i]);
	__atomic_sub_fetch(&vms_live, 1, __ATOMIC_SEQ_CST);
	/* The boot CPU may be idle waiting for the end of the run. */
	smp_kick(0);
}

bool vcpu_sched_should_yield(struct vcpu *v)
{
	(void)v;
	return sched_should_preempt(this_cpu()->cpu_id);
}

static enum sched_state run(unsigned cpu, struct sched_entity *se)
{
	struct vcpu *v = se->owner;

	if (v->state == VCPU_STOPPED || vm_is_over(v->vm))
		return SCHED_STOPPED;
	vcpu_run(v, sched_slice(cpu, se));
	switch (v->state) {
	case VCPU_BLOCKED:
		return SCHED_BLOCKED;
	case VCPU_STOPPED:
		return SCHED_STOPPED;
	default:
		return SCHED_RUNNABLE;
	}
}

static bool others_idle(void)
{
	for (unsigned cpu = 1; cpu < smp_cpus_online(); cpu++)
		if (!READ_ONCE(percpu_area[cpu].idle))
			return false;
	return true;
}

/* Halt until an interrupt: a kick, or the poll timer that lets an idle
 * pCPU pull work from busier ones. */
static void idle(unsigned cpu, uint64_t guest_deadline)
{
	struct percpu *pc = this_cpu();
	uint64_t poll = idle_poll, now = rdtsc();

	(void)cpu;
	WRITE_ONCE(pc->idle, true);
	/* Wake up for the first timer of a halted vCPU. */
	if (guest_deadline != VPLAT_NO_DEADLINE)
		poll = guest_deadline > now ? MIN(poll ? poll : UINT64_MAX,
						  guest_deadline - now) : 1;
	if (poll)
		lapic_timer_oneshot(poll, VEC_TIMER);
	__asm__ volatile("sti; hlt; cli" ::: "memory");
	lapic_timer_stop();
	pc->slice_over = false;
	pc->need_resched = false;
	WRITE_ONCE(pc->idle, false);
}

void sched_cpu_loop(unsigned cpu)
{
	for (;;) {
		uint64_t deadline;
		struct sched_entity *se;

		/* Device interrupts taken while idle go to their VMs. */
		devirq_dispatch();
		/* Halted vCPUs of virtual PCs whose timers are due. */
		deadline = vplat_wake_expired(rdtsc());

		if (cpu == 0) {
			console_in_poll();
			if (stats_period && rdtsc() >= stats_next) {
				stats_next = rdtsc() + stats_period;
				vplat_dump_all();
			}
		}
		se = sched_pick(cpu);

		if (se) {
			sched_put(cpu, se, run(cpu, se));
			continue;
		}
		if (cpu == 0 && !__atomic_load_n(&vms_live, __ATOMIC_SEQ_CST) &&
		    others_idle())
			return;
		idle(cpu, deadline);
	}
}

void sched_print_vcpu(struct vcpu *v)
{
	struct sched_entity_stats st;
	uint64_t exits = 0;

	sched_entity_get_stats(&v->se, &st);
	for (unsigned r = 0; r < HW_EXIT_REASONS; r++)
		exits += v->exit_count[r];
	pr_info("sched: vcpu %s/%u: run %lu tsc, %lu runs, %lu migrations, %lu wakeups, %lu exits, pcpus %#lx\n",
		v->vm->name, v->id, st.run_ticks, st.runs, st.migrations,
		st.wakeups, exits, v->pcpu_mask);
}

void sched_print_pcpus(void)
{
	for (unsigned cpu = 0; cpu < sched_ncpus(); cpu++) {
		struct sched_cpu_stats st;

		sched_cpu_get_stats(cpu, &st);
		pr_info("sched: pcpu %u: busy %lu tsc, idle %lu tsc, %lu switches\n",
			cpu, st.busy_ticks, st.idle_ticks, st.ctx_switches);
	}
}
