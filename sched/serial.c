/* The interim scheduler: one VM at a time on the boot CPU. */
#include "sched/sched.h"
#include "lib/printk.h"

void sched_run_vm(struct vm *vm)
{
	vm->state = VM_RUNNING;
	while (!vm_is_over(vm)) {
		bool ran = false;

		for (unsigned i = 0; i < vm->nr_vcpus && !vm_is_over(vm); i++) {
			struct vcpu *v = &vm->vcpu[i];

			if (v->state != VCPU_RUNNABLE)
				continue;
			vmx_vcpu_run(v);
			ran = true;
		}
		/* No virtual interrupt sources exist yet, so a VM whose
		 * vCPUs all wait for one can never continue. */
		if (!ran && !vm_is_over(vm))
			vm_stop(vm, "all vCPUs halted waiting for an interrupt that nothing can send");
	}
}
