/* The vCPU loop (guest/vcpu_run.c). */
#ifndef GUEST_VCPU_RUN_H
#define GUEST_VCPU_RUN_H

#include "guest/vm/vm.h"

/* Run the vCPU for at most slice_tsc (0: no limit) until something needs
 * the scheduler: the VM ended, the vCPU blocked or yielded, or its slice
 * ran out. */
void vcpu_run(struct vcpu *v, uint64_t slice_tsc);

#endif
