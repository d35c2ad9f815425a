/* Running vCPUs on the pCPUs: the glue between the hardware-independent
 * scheduler (sched/sched_core.h) and VMs, VT-x and the LAPIC. */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include "lib/types.h"

struct vm;
struct vcpu;

/* Choose the policy ("rr" or "fair") and the base slice; ncpus pCPUs are
 * online.  Returns 0, or -1 after printing why. */
int sched_setup(const char *policy, uint64_t slice_tsc, unsigned ncpus);
/* Make every vCPU of a created VM runnable within its affinity. */
int sched_start_vm(struct vm *vm);
/* The scheduling loop of one pCPU.  On the boot CPU it returns once no
 * VM is left and every other pCPU is idle; on the others it never
 * returns. */
void sched_cpu_loop(unsigned cpu);
/* A VM ended: take its vCPUs off the run queues. */
void sched_vm_ended(struct vm *vm);
/* True when another vCPU is waiting for this vCPU's pCPU. */
bool vcpu_sched_should_yield(struct vcpu *v);
/* Interrupt handlers for the kick IPI and the slice timer. */
void sched_irq_init(void);
/* "sched: vcpu ..." and "sched: pcpu ..." lines (docs/scheduler.md). */
void sched_print_vcpu(struct vcpu *v);
void sched_print_pcpus(void);

/* Print the virtual PCs' state this often on the boot CPU (0: never). */
void sched_set_vmstats(uint64_t period_tsc);

#endif
