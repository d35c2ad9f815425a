/* The scheduler on the machine (sched/machine.c): set-up with the TSC,
 * kick IPIs, the LAPIC timer and HLT behind the hardware-free core
 * (sched/sched_core.h), loop (sched/loop.h) and deadline queues
 * (sched/timer.h), which this header brings along. */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include "sched/sched_core.h"
#include "sched/loop.h"
#include "sched/timer.h"

/* Choose the policy ("rr" or "fair") and the base slice; ncpus pCPUs are
 * online; 'preemption' names what ends a slice, for the log line.
 * Returns 0, or -1 after printing why. */
int sched_setup(const char *policy, uint64_t slice_tsc, unsigned ncpus,
		const char *preemption);
/* Interrupt handlers for the kick IPI and the slice timer. */
void sched_irq_init(void);

#endif
