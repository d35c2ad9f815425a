/* The scheduling loop of a pCPU, over struct sched_entity_ops: fire the
 * pCPU's due timers, pick an entity, run it for its slice (cut short by
 * the next timer), put it back; idle until a kick, the next timer or the
 * idle-pull poll when there is nothing to run.  Hardware-free: the
 * machine comes in through struct sched_hooks (now, kick, idle, irqs). */
#ifndef SCHED_LOOP_H
#define SCHED_LOOP_H

#include "sched/sched_core.h"

/* After sched_core_init() and sched_timers_init(): hooks->now and
 * hooks->idle are required.  An idle pCPU looks for work to pull every
 * 'idle_poll' ticks (0: only when kicked).  0, or -1 on bad arguments. */
int sched_loop_init(const struct sched_hooks *hooks, unsigned ncpus,
		    uint64_t idle_poll);

/* Call 'fn' on every pass of pCPU 'cpu''s loop (NULL: none); for chores
 * that poll, such as console input on the boot CPU. */
void sched_loop_set_poll(unsigned cpu, void (*fn)(void));

/* Run the poll hook and the console pump at most once per 'ticks' of
 * hooks->now on each pCPU (0, the default: on every pass). */
void sched_loop_set_chore_gap(uint64_t ticks);

/* Call 'fn' on every pCPU before it idles (NULL: none); for state a pCPU
 * keeps between runs that another pCPU may be waiting for. */
void sched_loop_set_idle_prep(void (*fn)(void));

/* One pass of the loop.  False only on the boot CPU (0), once no entity
 * is left (sched_nr_live()) and every other pCPU is idle. */
bool sched_loop_once(unsigned cpu);

/* The loop: on the boot CPU it returns when sched_loop_once() says so;
 * on the others it never returns. */
void sched_cpu_loop(unsigned cpu);

/* Should the entity running on 'cpu' give the pCPU back now?  Another
 * entity waits there, or a timer armed meanwhile is due before its run
 * ends.  For the kick handler's side (the vCPU exit path). */
bool sched_should_yield(unsigned cpu);

/* "sched: pcpu N: ..." lines (docs/scheduler.md, "Statistics"). */
void sched_print_pcpus(void);

#endif
