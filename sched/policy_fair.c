/* Weighted fair share by virtual run time.
 *
 * Each entity's vruntime grows by ran * SCHED_WEIGHT_DEFAULT / weight, so a
 * heavier entity's virtual clock runs slower; the queue is kept sorted by
 * vruntime and the smallest runs next.  Over a long run, entities that stay
 * runnable on one pCPU get CPU time in proportion to their weights.
 *
 * Every queue has a monotonic min_vruntime (never above the running or the
 * leftmost entity).  An entity leaving a queue by blocking or migrating
 * saves lag = vruntime - min_vruntime and gets vruntime = min_vruntime + lag
 * on its next queue, so virtual times of different queues never mix.  On
 * wake-up the lag is clamped to at least -slice: a sleeper gets at most one
 * slice of head start, it cannot hoard credit while blocked.  A positive
 * lag (ran ahead of the others) is kept, so blocking never launders it.
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
	struct sched_entity *cand[3] = { rq->current,
					 sched_list_first(&rq->queue), extra };
	bool have = false;
	uint64_t m = 0;

	for (unsigned i = 0; i < 3; i++) {
		if (!cand[i])
			continue;
		if (!have || vr_before(cand[i]->pol.vruntime, m))
			m = cand[i]->pol.vruntime;
		have = true;
	}
	if (have && vr_before(rq->min_vruntime, m))
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
	int64_t lag = se->pol.lag;

	(void)now;
	switch (why) {
	case SCHED_ENQ_NEW:
	case SCHED_ENQ_WAKE:
		if (lag < -(int64_t)rq->slice)
			lag = -(int64_t)rq->slice;
		se->pol.vruntime = rq->min_vruntime + (uint64_t)lag;
		break;
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

static void fair_sleep(struct runqueue *rq, struct sched_entity *se)
{
	se->pol.lag = (int64_t)(se->pol.vruntime - rq->min_vruntime);
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
