/* vCPUs as scheduler entities (guest/vcpu_sched.c): the vCPU side of
 * sched/, which knows nothing of vCPUs. */
#ifndef GUEST_VCPU_SCHED_H
#define GUEST_VCPU_SCHED_H

#include "lib/types.h"

struct vm;
struct vcpu;

/* Make every vCPU of a created VM runnable within its affinity. */
int sched_start_vm(struct vm *vm);
/* A VM ended: take its vCPUs off the run queues. */
void sched_vm_ended(struct vm *vm);
/* "sched: vcpu ..." line (docs/scheduler.md). */
void sched_print_vcpu(struct vcpu *v);

#endif
