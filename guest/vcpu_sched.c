/* vCPUs as scheduler entities: the entity operations (run a vCPU, print
 * its statistics), starting and ending a VM's vCPUs, and wake-ups by
 * virtual interrupts.  The loop that calls them is sched/loop.c. */
#include "guest/vcpu_sched.h"
#include "guest/vm/vm.h"
#include "guest/vcpu_run.h"
#include "guest/vpc/vplat.h"
#include "sched/sched.h"
#include "arch-x86/percpu.h"
#include "arch-x86/smp.h"
#include "lib/printk.h"
#include "lib/string.h"

static enum sched_state vcpu_entity_run(struct sched_entity *se, uint64_t slice);
static void vcpu_print(struct sched_entity *se, const struct sched_entity_stats *st);

static const struct sched_entity_ops vcpu_entity_ops = {
	.run = vcpu_entity_run,
	.print = vcpu_print,
};

int sched_start_vm(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;

	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpu[i];

		snprintf(v->se_name, sizeof(v->se_name), "%s/%u", vm->name, i);
		sched_entity_init(&v->se, &vcpu_entity_ops, cfg->affinity[i],
				  cfg->weight, v, v->se_name);
	}
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
	/* The boot CPU may be idle waiting for the end of the run. */
	smp_kick(0);
}

/* The entity's run: the vCPU until it blocks, yields or its slice ends.
 * A vCPU that blocks in HLT leaves a wake-up timer for its guest timers
 * on this pCPU (vplat_vcpu_blocked). */
static enum sched_state vcpu_entity_run(struct sched_entity *se, uint64_t slice)
{
	struct vcpu *v = se->owner;

	if (v->state == VCPU_STOPPED || vm_is_over(v->vm))
		return SCHED_STOPPED;
	if (v->vm->platform->running)
		v->vm->platform->running(v);
	vcpu_run(v, slice);
	switch (v->state) {
	case VCPU_BLOCKED:
		if (v->vm->platform->blocked)
			v->vm->platform->blocked(v, this_cpu()->cpu_id);
		/* Waiting where only an NMI, INIT or SIPI can end it. */
		if (READ_ONCE(v->halt_if_off) || READ_ONCE(v->wait_sipi))
			vm_hang_check(v);
		return SCHED_BLOCKED;
	case VCPU_STOPPED:
		return SCHED_STOPPED;
	default:
		return SCHED_RUNNABLE;
	}
}

static void vcpu_print(struct sched_entity *se, const struct sched_entity_stats *st)
{
	struct vcpu *v = se->owner;
	uint64_t exits = 0;

	for (unsigned r = 0; r < HW_EXIT_REASONS; r++)
		exits += v->exit_count[r];
	pr_info("sched: vcpu %s/%u: run %lu tsc, %lu runs, %lu migrations, %lu wakeups, %lu exits, pcpus %#lx\n",
		v->vm->name, v->id, st->run_ticks, st->runs, st->migrations,
		st->wakeups, exits, v->pcpu_mask);
}

void sched_print_vcpu(struct vcpu *v)
{
	sched_print_entity(&v->se);
}
