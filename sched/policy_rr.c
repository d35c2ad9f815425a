/* Round-robin: one FIFO per pCPU, every entity gets the same configured
 * slice, weights are ignored.  A preempted or woken entity goes to the
 * tail, so N runnable entities on a pCPU each run once every N slices. */
#include "sched/policy.h"

static void rr_enqueue(struct runqueue *rq, struct sched_entity *se,
		       uint64_t now, enum sched_enqueue_reason why)
{
	(void)now;
	(void)why;
	sched_list_add_tail(&rq->queue, &se->link);
}

static void rr_dequeue(struct runqueue *rq, struct sched_entity *se,
		       enum sched_dequeue_reason why)
{
	(void)rq;
	(void)why;
	sched_list_del(&se->link);
}

static struct sched_entity *rr_pick_next(struct runqueue *rq, uint64_t now)
{
	(void)now;
	return sched_list_first(&rq->queue);
}

static void rr_charge(struct runqueue *rq, struct sched_entity *se, uint64_t ran)
{
	(void)rq;
	(void)se;
	(void)ran;
}

static uint64_t rr_slice(struct runqueue *rq, struct sched_entity *se)
{
	(void)se;
	return rq->slice;
}

const struct sched_ops sched_rr_ops = {
	.name = "rr",
	.enqueue = rr_enqueue,
	.dequeue = rr_dequeue,
	.pick_next = rr_pick_next,
	.charge = rr_charge,
	.slice = rr_slice,
};
