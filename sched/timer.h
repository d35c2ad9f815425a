/* Per-pCPU deadline queues: a callback at a clock value, fired by the
 * scheduling loop of the pCPU the timer is armed on (sched/loop.c), which
 * also ends a run or a halt in time for the earliest one.  Hardware-free
 * like the core: the clock is passed in, kicks go through struct
 * sched_hooks.  docs/scheduler.md, "Deadline queue". */
#ifndef SCHED_TIMER_H
#define SCHED_TIMER_H

#include "sched/sched_core.h"

#define SCHED_TIMER_NONE UINT64_MAX /* no deadline */

struct sched_timer;

/* Called by the owning pCPU's loop with no scheduler lock held, 'now' at
 * or after the deadline.  It may arm the timer again (or another one),
 * wake entities and take locks of its own, but must not free the timer. */
typedef void (*sched_timer_fn)(struct sched_timer *t, uint64_t now);

/* Embed one, set it up with sched_timer_init(); the fields are the
 * deadline queue's. */
struct sched_timer {
	struct sched_link link;	/* on its queue while armed */
	struct spinlock lock;	/* serialises arm and cancel */
	uint64_t deadline;
	sched_timer_fn fn;
	void *data;		/* the owner's */
	unsigned cpu;		/* queue it is armed on, or SCHED_CPU_NONE */
	unsigned running;	/* callbacks in progress (atomic) */
};

/* Empty queues for pCPUs 0..ncpus-1.  hooks->kick tells a pCPU that a
 * timer armed from elsewhere became its earliest; hooks->this_cpu (may be
 * NULL: always kick) says where we are.  0, or -1 on bad arguments. */
int sched_timers_init(unsigned ncpus, const struct sched_hooks *hooks);

void sched_timer_init(struct sched_timer *t, sched_timer_fn fn, void *data);

/* (Re)arm for 'deadline' on pCPU 'cpu'; an armed timer moves.  Equal
 * deadlines fire in arming order. */
void sched_timer_arm(struct sched_timer *t, unsigned cpu, uint64_t deadline);

/* Disarm.  True if it was armed; false if it was not, or its callback
 * has been started (and may still be running). */
bool sched_timer_cancel(struct sched_timer *t);

/* Disarm and wait until no callback of it runs, so that it may be freed.
 * Not from its own callback; the timer must not be armed concurrently. */
void sched_timer_cancel_sync(struct sched_timer *t);

/* Lockless snapshots: where it is armed (SCHED_CPU_NONE: nowhere), for
 * when (the last deadline given), and the earliest deadline on a pCPU's
 * queue (SCHED_TIMER_NONE: none). */
unsigned sched_timer_cpu(const struct sched_timer *t);
uint64_t sched_timer_deadline(const struct sched_timer *t);
uint64_t sched_timer_next(unsigned cpu);

/* On pCPU 'cpu' (its loop): fire every timer of its queue due at 'now'
 * (deadline <= now), earliest first.  Timers armed again by a callback
 * for 'now' or earlier wait for the next call.  Returns how many fired. */
unsigned sched_timer_run(unsigned cpu, uint64_t now);

#endif
