/* Running VMs.  Until the SMP scheduler lands, VMs run one after another
 * on the boot CPU, their vCPUs round-robin. */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include "guest/vm.h"

/* Run every vCPU of the VM until the VM ends. */
void sched_run_vm(struct vm *vm);

#endif
