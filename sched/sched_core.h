/* The hardware-independent SMP scheduler: per-pCPU run queues, a policy
 * behind an operations struct (sched/policy.h), affinity, idle pull and
 * wake-ups.  It never touches hardware: time and reschedule IPIs come
 * through struct sched_hooks, so host unit tests drive it with a fake clock.
 * docs/scheduler.md describes the design. */
#ifndef SCHED_SCHED_CORE_H
#define SCHED_SCHED_CORE_H

#include "lib/types.h"
#include "lib/spinlock.h"
#include "sched/list.h"

#define SCHED_MAX_CPUS 64
#define SCHED_CPU_NONE (~0u)
#define SCHED_WEIGHT_DEFAULT 256 /* same as a VM's default weight */
#define SCHED_WEIGHT_MAX 65535

/* RUNNABLE and RUNNING entities are "resident" on exactly one run queue
 * (se->cpu): RUNNABLE ones are linked on it, the RUNNING one is its
 * 'current'.  BLOCKED and STOPPED ones are on no queue.  STOPPED is final. */
enum sched_state {
	SCHED_RUNNABLE,
	SCHED_RUNNING,
	SCHED_BLOCKED,
	SCHED_STOPPED,
};

/* Per-entity policy data (fair; rr needs none).  'vruntime' is virtual
 * time in the frame of the run queue the entity is on or last left; 'lag'
 * (vruntime minus that queue's min_vruntime) carries its position to
 * another queue. */
struct sched_policy_data {
	uint64_t vruntime;
	uint64_t vr_rem;	/* remainder of the weight division, kept exact */
	int64_t lag;
	uint64_t slept_at;	/* clock when it last blocked */
};

struct sched_entity;
struct sched_entity_stats;

/* What the scheduler asks of the thing behind an entity (a vCPU in uHV).
 * The per-pCPU loop (sched/loop.c) calls them; the core never does. */
struct sched_entity_ops {
	/* Run 'se' on this pCPU for at most 'slice' clock ticks; returns
	 * its state afterwards: RUNNABLE (preempted or yielded), BLOCKED
	 * (waits for sched_wake()) or STOPPED (done for good). */
	enum sched_state (*run)(struct sched_entity *se, uint64_t slice);
	/* Optional: print one line of statistics (sched_print_entity()). */
	void (*print)(struct sched_entity *se, const struct sched_entity_stats *st);
};

/* One schedulable thing, embedded in its owner (struct vcpu).  Initialise
 * with sched_entity_init(); after that only the scheduler writes it.  Fields are
 * protected by the run queue lock of se->cpu while resident and by se->lock
 * otherwise (docs/scheduler.md, "Locking"). */
struct sched_entity {
	struct sched_link link;	/* on rq->queue while RUNNABLE */
	struct spinlock lock;	/* serialises wake, stop, add and put */
	enum sched_state state;
	bool on_rq;		/* linked on a queue */
	bool added;		/* sched_add() done */
	bool wake_pending;	/* a wake arrived while resident (atomic) */
	bool stop_pending;	/* sched_stop() was called (se->lock) */
	bool dormant;		/* sched_dormant(): blocked for good (se->lock) */
	bool dormant_out;	/* ... and no longer counted live (se->lock) */
	uint64_t affinity;	/* bit n: may run on pCPU n; fixed after add */
	unsigned weight;	/* 1..SCHED_WEIGHT_MAX */
	unsigned cpu;		/* resident run queue; SCHED_CPU_NONE otherwise */
	unsigned last_cpu;	/* where it last ran; SCHED_CPU_NONE before */
	uint64_t id;		/* unique, for messages and switch counting */
	const char *name;	/* caller-owned, for messages */
	void *owner;		/* back-pointer (the vcpu) */
	const struct sched_entity_ops *ops; /* NULL: never run by the loop */
	struct sched_policy_data pol;
	/* statistics, in clock ticks / counts */
	uint64_t run_ticks;	/* total time RUNNING, completed runs */
	uint64_t runs;		/* dispatches */
	uint64_t migrations;	/* dispatched on another pCPU than last time */
	uint64_t wakeups;	/* BLOCKED -> RUNNABLE */
	uint64_t wakes_early;	/* wakes that cancelled a block (wake_pending) */
	uint64_t last_start;	/* clock at the last dispatch */
};

/* How the scheduler reaches the machine (sched/machine.c on it, fakes in
 * the unit tests).  now() is a monotonic clock in ticks (TSC on the
 * machine) readable on every pCPU.  kick(cpu) asks that
 * pCPU to call into the scheduler soon: an IPI that makes a running guest
 * exit, or wakes a halted idle loop.  this_cpu() may be NULL; then every
 * wake is treated as coming from another pCPU. */
struct sched_hooks {
	uint64_t (*now)(void);
	void (*kick)(unsigned cpu);
	unsigned (*this_cpu)(void);
	/* For the loop (sched/loop.c) only.  idle: halt until an interrupt
	 * (a kick) or until the clock reaches 'until' (UINT64_MAX: no
	 * limit), whichever comes first; early returns are fine.  irqs
	 * (optional): pass on the interrupts taken meanwhile (device
	 * interrupts of VMs). */
	void (*idle)(unsigned cpu, uint64_t until);
	void (*irqs)(void);
};

struct sched_entity_stats {
	enum sched_state state;
	unsigned cpu;		/* resident queue or SCHED_CPU_NONE */
	unsigned last_cpu;
	unsigned weight;
	uint64_t affinity;
	uint64_t run_ticks;	/* includes the run in progress, if any */
	uint64_t runs;
	uint64_t migrations;
	uint64_t wakeups;
	uint64_t wakes_early;
};

struct sched_cpu_stats {
	uint64_t busy_ticks;	/* sum of the run times charged here */
	uint64_t idle_ticks;	/* includes the idle period in progress */
	uint64_t ctx_switches;	/* dispatches of a different entity */
	uint64_t dispatches;
	uint64_t pulls;		/* entities stolen from other queues */
	uint64_t kicks;		/* kicks sent to this pCPU */
	unsigned nr_running;	/* queued + current */
	unsigned nr_queued;
	bool idle;
};

struct sched_ops;

/* Set up 'ncpus' (1..SCHED_MAX_CPUS) empty run queues with 'ops' as policy
 * and 'slice_ticks' (> 0) as the base time slice.  Returns 0, or -1 on bad
 * arguments.  Calling it again starts over: entities must be re-added. */
int sched_core_init(const struct sched_ops *ops, const struct sched_hooks *hooks,
		    unsigned ncpus, uint64_t slice_ticks);
/* "rr" or "fair"; NULL for anything else. */
const struct sched_ops *sched_policy_by_name(const char *name);
const char *sched_policy_name(void);
unsigned sched_ncpus(void);
const char *sched_state_name(enum sched_state st);

/* Fill in a new entity: BLOCKED, on no queue.  weight 0 means
 * SCHED_WEIGHT_DEFAULT.  'ops' may be NULL for an entity that only the
 * core sees (tests).  Call after sched_core_init(). */
void sched_entity_init(struct sched_entity *se, const struct sched_entity_ops *ops,
		       uint64_t affinity, unsigned weight, void *owner,
		       const char *name);

/* Make a new entity runnable on the least loaded pCPU of its affinity and
 * kick that pCPU if it is idle.  Returns -1 (and does nothing) if the
 * affinity names no online pCPU or the weight is out of range. */
int sched_add(struct sched_entity *se);

/* pCPU 'cpu' wants work: its own queue first, else pull from the busiest
 * other queue an entity allowed on 'cpu'.  The entity returned is RUNNING
 * here until sched_put(); NULL means idle (the idle time is accounted until
 * the next successful pick). */
struct sched_entity *sched_pick(unsigned cpu);

/* Ticks the current entity of 'cpu' may run before it is preempted. */
uint64_t sched_slice(unsigned cpu, struct sched_entity *se);
/* The same as decided by the pick that made it current, without taking
 * the run-queue lock again; for 'cpu' itself, right after sched_pick(). */
uint64_t sched_current_slice(unsigned cpu);

/* The current entity of 'cpu' stopped running: charge its time, then
 * RUNNABLE requeues it (preempted or yielded), BLOCKED takes it off the
 * queues unless a wake arrived since its dispatch, STOPPED removes it. */
void sched_put(unsigned cpu, struct sched_entity *se, enum sched_state new_state);

/* BLOCKED -> RUNNABLE on a pCPU of its affinity, kicking that pCPU.  On a
 * RUNNABLE or RUNNING entity it records a pending wake so that a racing
 * sched_put(BLOCKED) keeps it runnable; on a STOPPED one it does nothing. */
void sched_wake(struct sched_entity *se);

/* Remove for good.  A RUNNING entity stops at its pCPU's next sched_put(),
 * and that pCPU is kicked. */
void sched_stop(struct sched_entity *se);

/* The entity is blocked and nothing is expected to wake it (a hung VM
 * kept for inspection): it stops counting as live, so it does not keep
 * the run open, from now if BLOCKED or from its next sched_put(BLOCKED)
 * if RUNNING.  A sched_wake() makes it an ordinary entity again. */
void sched_dormant(struct sched_entity *se);

/* Something else is waiting on this pCPU's queue. */
bool sched_should_preempt(unsigned cpu);

/* Entities added and not yet STOPPED, dormant ones left out. */
unsigned sched_nr_live(void);

void sched_entity_get_stats(struct sched_entity *se, struct sched_entity_stats *out);
void sched_cpu_get_stats(unsigned cpu, struct sched_cpu_stats *out);
void sched_print_stats(void);			/* one line per pCPU */
/* One line: the owner's (ops->print) if it has one, else the core's. */
void sched_print_entity(struct sched_entity *se);

/* Walk every run queue and BUG_ON any broken invariant (queue counts,
 * states, affinity, resident cpu).  For tests and debugging. */
void sched_check_all(void);

#endif
