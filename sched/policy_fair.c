/* Weighted fair share by virtual run time.
 *
 * Each entity's vruntime grows by ran * SCHED_WEIGHT_DEFAULT / weight, so a
 * heavier entity's virtual clock runs slower; the queue is kept sorted by
 * vruntime and the smallest runs next.  Over a long run, entities that stay
 * runnable on one pCPU get CPU time in proportion to their weights.
 *
 * Every queue has a monotonic min_vruntime (never above the running or the
 * leftmost entity).  Virtual times of different queues are unrelated, so an
 * entity moving between queues carries lag = vruntime - min_vruntime and
 * gets vruntime = min_vruntime + lag on arrival.
 *
 * Wake-up placement: vruntime = max(vruntime, min_vruntime - slice) on the
 * queue it slept on.  A sleeper thus gets at most one slice of head start
 * (it runs soon after waking) but cannot hoard the time it spent blocked;
 * one that was ahead stays ahead, so blocking never launders its debt.
 * Woken onto another queue, the time slept stands in for how far the old
 * queue's min_vruntime moved: lag - slept, again floored at -slice.
 *
 * Virtual times are compared through their signed difference, so they may
 * wrap. */
#include "sched/policy.h"

/* Bound on one charge so that ran * SCHED_WEIGHT_DEFAULT cannot overflow
 * (2^48 TSC ticks is about a day). */
#define FAIR_MAX_CHARGE (1ULL << 48)

static bool vr_before(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

/* Advance min_vruntime to the smallest vruntime among the current entity,
 * the leftmost queued one and 'extra' (an entity that is about to become
 * current), never backwards. */
static void fair_update_min(struct runqueue *rq, struct sched_entity *extra)
{
	struct sched_entity *se = rq->current, *first = sched_list_first(&rq->queue);
	uint64_t m;

	/* Straight-line (it runs three times per switch): the first present
	 * candidate in the order current, leftmost, extra starts the
	 * minimum, the others may lower it. */
	if (!se) {
		se = first;
		first = NULL;
	}
	if (!se) {
		se = extra;
		extra = NULL;
	}
	if (!se)
		return;
	m = se->pol.vruntime;
	if (first && vr_before(first->pol.vruntime, m))
		m = first->pol.vruntime;
	if (extra && vr_before(extra->pol.vruntime, m))
		m = extra->pol.vruntime;
	if (vr_before(rq->min_vruntime, m))
		rq->min_vruntime = m;
}

/* Sorted insert after every entity with the same vruntime, so equals are
 * served first come, first served. */
static void fair_insert(struct runqueue *rq, struct sched_entity *se)
{
	struct sched_link *pos;

	sched_list_for_each(pos, &rq->queue) {
		if (vr_before(se->pol.vruntime, sched_link_entity(pos)->pol.vruntime))
			break;
	}
	sched_list_insert_before(pos, &se->link);
}

static void fair_enqueue(struct runqueue *rq, struct sched_entity *se,
			 uint64_t now, enum sched_enqueue_reason why)
{
	int64_t min_lag = -(int64_t)rq->slice;
	int64_t lag = se->pol.lag;

	switch (why) {
	case SCHED_ENQ_WAKE:
		if (se->last_cpu == rq->cpu) {
			/* Same frame as when it slept. */
			lag = (int64_t)(se->pol.vruntime - rq->min_vruntime);
		} else {
			uint64_t slept = now - se->pol.slept_at;

			if (lag > min_lag)
				lag = slept >= (uint64_t)(lag - min_lag) ?
				      min_lag : lag - (int64_t)slept;
		}
		if (lag < min_lag)
			lag = min_lag;
		se->pol.vruntime = rq->min_vruntime + (uint64_t)lag;
		break;
	case SCHED_ENQ_NEW:
	case SCHED_ENQ_MIGRATE:
		se->pol.vruntime = rq->min_vruntime + (uint64_t)lag;
		break;
	case SCHED_ENQ_PREEMPT:
		break;
	}
	fair_insert(rq, se);
	fair_update_min(rq, NULL);
}

static void fair_dequeue(struct runqueue *rq, struct sched_entity *se,
			 enum sched_dequeue_reason why)
{
	sched_list_del(&se->link);
	switch (why) {
	case SCHED_DEQ_RUN:
		fair_update_min(rq, se);
		break;
	case SCHED_DEQ_MIGRATE:
		se->pol.lag = (int64_t)(se->pol.vruntime - rq->min_vruntime);
		fair_update_min(rq, NULL);
		break;
	case SCHED_DEQ_STOP:
		fair_update_min(rq, NULL);
		break;
	}
}

static struct sched_entity *fair_pick_next(struct runqueue *rq, uint64_t now)
{
	(void)now;
	return sched_list_first(&rq->queue);
}

static void fair_charge(struct runqueue *rq, struct sched_entity *se, uint64_t ran)
{
	uint64_t scaled;

	if (ran > FAIR_MAX_CHARGE)
		ran = FAIR_MAX_CHARGE;
	/* Exact over time: the division's remainder carries to the next
	 * charge instead of being lost on every short run. */
	scaled = ran * SCHED_WEIGHT_DEFAULT + se->pol.vr_rem;
	se->pol.vruntime += scaled / se->weight;
	se->pol.vr_rem = scaled % se->weight;
	fair_update_min(rq, NULL);
}

static void fair_sleep(struct runqueue *rq, struct sched_entity *se, uint64_t now)
{
	se->pol.lag = (int64_t)(se->pol.vruntime - rq->min_vruntime);
	se->pol.slept_at = now;
}

static uint64_t fair_slice(struct runqueue *rq, struct sched_entity *se)
{
	(void)se;
	return rq->slice;
}

const struct sched_ops sched_fair_ops = {
	.name = "fair",
	.enqueue = fair_enqueue,
	.dequeue = fair_dequeue,
	.pick_next = fair_pick_next,
	.charge = fair_charge,
	.sleep = fair_sleep,
	.slice = fair_slice,
};
