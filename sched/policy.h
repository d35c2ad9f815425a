/* The scheduler's policy interface and the run queue it works on.  Only
 * sched/core.c and the policies (sched/policy_*.c) include this; the rest of
 * the hypervisor uses sched/sched_core.h. */
#ifndef SCHED_POLICY_H
#define SCHED_POLICY_H

#include "sched/sched_core.h"

/* ---- run queue lists (sched/list.h) ----------------------------------- */

#define sched_link_entity(l) container_of(l, struct sched_entity, link)

/* First entity on a queue, or NULL. */
static inline struct sched_entity *sched_list_first(struct sched_link *h)
{
	return sched_list_empty(h) ? NULL : sched_link_entity(h->next);
}

/* ---- run queue ----------------------------------------------------------
 * One per pCPU, each on its own cache line.  Everything is protected by
 * 'lock'; the fields other pCPUs read without it (load estimates, idle,
 * statistics) are written with WRITE_ONCE. */
struct runqueue {
	struct spinlock lock;
	struct sched_link queue;	/* RUNNABLE entities, policy order */
	unsigned nr_queued;		/* on 'queue' */
	unsigned nr_running;		/* nr_queued + (current != NULL) */
	struct sched_entity *current;	/* RUNNING here, or NULL */
	unsigned cpu;
	bool idle;			/* last pick found nothing */
	uint64_t idle_since;
	uint64_t last_id;		/* id of the last dispatched entity */
	uint64_t slice;			/* base slice, ticks */
	uint64_t current_slice;		/* the current entity's, from its pick */
	uint64_t min_vruntime;		/* fair: monotonic virtual clock */
	/* statistics */
	uint64_t busy_ticks;
	uint64_t idle_ticks;
	uint64_t ctx_switches;
	uint64_t dispatches;
	uint64_t pulls;
	uint64_t kicks;
} __aligned(64);

/* Why an entity joins a queue. */
enum sched_enqueue_reason {
	SCHED_ENQ_NEW,		/* sched_add */
	SCHED_ENQ_WAKE,		/* BLOCKED -> RUNNABLE: place it (pol.lag) */
	SCHED_ENQ_PREEMPT,	/* ran here and is still runnable */
	SCHED_ENQ_MIGRATE,	/* pulled from another queue (pol.lag) */
};

/* Why an entity leaves a queue. */
enum sched_dequeue_reason {
	SCHED_DEQ_RUN,		/* picked to run on this pCPU */
	SCHED_DEQ_MIGRATE,	/* moving to another queue: save pol.lag */
	SCHED_DEQ_STOP,		/* stopped while queued */
};

/* A policy orders rq->queue and decides slices.  Every operation is called
 * with rq->lock held and must not sleep, allocate or call back into the
 * scheduler.  The core links and unlinks nothing itself: enqueue must put
 * se->link on rq->queue and dequeue must take it off (the core keeps the
 * counts and states).  The RUNNING entity is on no list. */
struct sched_ops {
	const char *name;
	/* Optional: set up se->pol for a new entity (already zeroed). */
	void (*init_entity)(struct sched_entity *se);
	void (*enqueue)(struct runqueue *rq, struct sched_entity *se,
			uint64_t now, enum sched_enqueue_reason why);
	void (*dequeue)(struct runqueue *rq, struct sched_entity *se,
			enum sched_dequeue_reason why);
	/* The entity to run next (still queued; the core dequeues it with
	 * SCHED_DEQ_RUN), or NULL when the queue is empty. */
	struct sched_entity *(*pick_next)(struct runqueue *rq, uint64_t now);
	/* se, still rq->current, ran for 'ran' ticks. */
	void (*charge)(struct runqueue *rq, struct sched_entity *se, uint64_t ran);
	/* Optional: se (no longer current) leaves rq by blocking or stopping
	 * at time 'now'. */
	void (*sleep)(struct runqueue *rq, struct sched_entity *se, uint64_t now);
	/* Ticks se may run now before preemption (> 0). */
	uint64_t (*slice)(struct runqueue *rq, struct sched_entity *se);
};

extern const struct sched_ops sched_rr_ops;
extern const struct sched_ops sched_fair_ops;

#endif
