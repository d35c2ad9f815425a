/* The hardware-independent SMP scheduler core: run queues, placement, idle
 * pull, wake/block/stop, statistics.  The policy (sched/policy_*.c) orders
 * each queue; the hooks give time and kicks.
 *
 * Locking (docs/scheduler.md, "Locking"): rq->lock protects a queue and
 * the entities resident on it; se->lock serialises add, wake, put and stop,
 * the only paths that make an entity resident or not.  Order: se->lock,
 * then queue locks, lower cpu first.  sched_pick() and the idle pull take
 * no entity lock: they only flip RUNNABLE/RUNNING or move an entity
 * between queues, with both queue locks held. */
#include "sched/policy.h"
#include "lib/printk.h"
#include "lib/string.h"

static struct {
	const struct sched_ops *ops;
	struct sched_hooks hooks;
	unsigned ncpus;
	uint64_t online;	/* bit n: pCPU n exists */
	uint64_t slice;
	uint64_t next_id;
	unsigned live;		/* added and not STOPPED (atomic) */
} sc;

static struct runqueue rqs[SCHED_MAX_CPUS];

static struct runqueue *cpu_rq(unsigned cpu)
{
	BUG_ON(!sc.ops);
	BUG_ON(cpu >= sc.ncpus);
	return &rqs[cpu];
}

static uint64_t sched_now(void)
{
	return sc.hooks.now();
}

/* Ticks from 't' (read on some pCPU) to now on this one; clocks of
 * different pCPUs may be slightly apart, so never negative. */
static uint64_t since(uint64_t t)
{
	uint64_t now = sched_now();

	return now > t ? now - t : 0;
}

static bool se_allowed(const struct sched_entity *se, unsigned cpu)
{
	return cpu < SCHED_MAX_CPUS && (se->affinity & BIT(cpu)) != 0;
}

/* The state is read without a lock by wake/stop (it only flips between the
 * two resident values there) and by statistics. */
static enum sched_state se_state(const struct sched_entity *se)
{
	return READ_ONCE(se->state);
}

static bool se_resident(enum sched_state st)
{
	return st == SCHED_RUNNABLE || st == SCHED_RUNNING;
}

static void rq_update_counts(struct runqueue *rq)
{
	WRITE_ONCE(rq->nr_running, rq->nr_queued + (rq->current ? 1u : 0u));
}

/* Lock the queue a resident entity belongs to.  Caller holds se->lock, so
 * the entity stays resident, but an idle pull may still move it. */
static struct runqueue *lock_resident_rq(struct sched_entity *se)
{
	for (;;) {
		unsigned cpu = READ_ONCE(se->cpu);
		struct runqueue *rq = cpu_rq(cpu);

		spin_lock(&rq->lock);
		if (READ_ONCE(se->cpu) == cpu)
			return rq;
		spin_unlock(&rq->lock);
	}
}

/* Two queue locks, always the lower cpu first, so two pCPUs pulling from
 * each other cannot deadlock. */
static void lock_two(struct runqueue *a, struct runqueue *b)
{
	struct runqueue *lo = a->cpu < b->cpu ? a : b;

	BUG_ON(a == b);
	spin_lock(&lo->lock);
	spin_lock(&(lo == a ? b : a)->lock);
}

static void kick(unsigned cpu)
{
	__atomic_add_fetch(&rqs[cpu].kicks, 1, __ATOMIC_RELAXED);
	sc.hooks.kick(cpu);
}

static unsigned self_cpu(void)
{
	return sc.hooks.this_cpu ? sc.hooks.this_cpu() : SCHED_CPU_NONE;
}

/* ---- queue primitives (rq->lock held) ----------------------------------- */

static void rq_enqueue(struct runqueue *rq, struct sched_entity *se,
		       uint64_t now, enum sched_enqueue_reason why)
{
	BUG_ON(se->on_rq);
	BUG_ON(!se_allowed(se, rq->cpu));
	sc.ops->enqueue(rq, se, now, why);
	se->on_rq = true;
	WRITE_ONCE(se->cpu, rq->cpu);
	WRITE_ONCE(se->state, SCHED_RUNNABLE);
	WRITE_ONCE(rq->nr_queued, rq->nr_queued + 1);
	rq_update_counts(rq);
}

static void rq_dequeue(struct runqueue *rq, struct sched_entity *se,
		       enum sched_dequeue_reason why)
{
	BUG_ON(!se->on_rq || se->cpu != rq->cpu);
	BUG_ON(rq->nr_queued == 0);
	sc.ops->dequeue(rq, se, why);
	se->on_rq = false;
	WRITE_ONCE(rq->nr_queued, rq->nr_queued - 1);
	rq_update_counts(rq);
}

/* An added entity reached STOPPED (se->lock held): one less to schedule
 * (a dormant one was taken off the count already). */
static void set_stopped(struct sched_entity *se)
{
	WRITE_ONCE(se->state, SCHED_STOPPED);
	if (se->added && !se->dormant_out)
		__atomic_sub_fetch(&sc.live, 1, __ATOMIC_SEQ_CST);
	se->dormant = se->dormant_out = false;
}

/* se->lock held, se BLOCKED: a dormant entity leaves the live count. */
static void dormant_out(struct sched_entity *se)
{
	if (se->dormant && !se->dormant_out) {
		se->dormant_out = true;
		__atomic_sub_fetch(&sc.live, 1, __ATOMIC_SEQ_CST);
	}
}

/* se->lock held: woken, it is an ordinary live entity again. */
static void dormant_end(struct sched_entity *se)
{
	if (se->dormant_out)
		__atomic_add_fetch(&sc.live, 1, __ATOMIC_SEQ_CST);
	se->dormant = se->dormant_out = false;
}

/* ---- set-up -------------------------------------------------------------- */

const struct sched_ops *sched_policy_by_name(const char *name)
{
	static const struct sched_ops *const policies[] = { &sched_rr_ops, &sched_fair_ops };

	for (unsigned i = 0; name && i < ARRAY_SIZE(policies); i++) {
		if (strcmp(name, policies[i]->name) == 0)
			return policies[i];
	}
	return NULL;
}

int sched_core_init(const struct sched_ops *ops, const struct sched_hooks *hooks,
		    unsigned ncpus, uint64_t slice_ticks)
{
	uint64_t now;

	if (!ops || !ops->enqueue || !ops->dequeue || !ops->pick_next ||
	    !ops->charge || !ops->slice || !hooks || !hooks->now ||
	    !hooks->kick || ncpus == 0 || ncpus > SCHED_MAX_CPUS ||
	    slice_ticks == 0)
		return -1;
	sc.ops = ops;
	sc.hooks = *hooks;
	sc.ncpus = ncpus;
	sc.online = ncpus == 64 ? ~0ULL : BIT(ncpus) - 1;
	sc.slice = slice_ticks;
	sc.live = 0;
	now = hooks->now();
	for (unsigned c = 0; c < SCHED_MAX_CPUS; c++) {
		struct runqueue *rq = &rqs[c];

		memset(rq, 0, sizeof(*rq));
		spin_init(&rq->lock);
		sched_list_init(&rq->queue);
		rq->cpu = c;
		rq->slice = slice_ticks;
		rq->idle = true;
		rq->idle_since = now;
	}
	return 0;
}

const char *sched_policy_name(void)
{
	return sc.ops ? sc.ops->name : "none";
}

unsigned sched_ncpus(void)
{
	return sc.ncpus;
}

const char *sched_state_name(enum sched_state st)
{
	static const char *const names[] = {
		[SCHED_RUNNABLE] = "runnable", [SCHED_RUNNING] = "running",
		[SCHED_BLOCKED] = "blocked", [SCHED_STOPPED] = "stopped",
	};

	return (unsigned)st < ARRAY_SIZE(names) ? names[st] : "?";
}

void sched_entity_init(struct sched_entity *se, const struct sched_entity_ops *ops,
		       uint64_t affinity, unsigned weight, void *owner,
		       const char *name)
{
	memset(se, 0, sizeof(*se));
	spin_init(&se->lock);
	se->state = SCHED_BLOCKED;
	se->affinity = affinity;
	se->weight = weight ? weight : SCHED_WEIGHT_DEFAULT;
	se->cpu = SCHED_CPU_NONE;
	se->last_cpu = SCHED_CPU_NONE;
	se->id = __atomic_add_fetch(&sc.next_id, 1, __ATOMIC_RELAXED);
	se->name = name ? name : "?";
	se->owner = owner;
	se->ops = ops;
	if (sc.ops && sc.ops->init_entity)
		sc.ops->init_entity(se);
}

/* ---- placement ----------------------------------------------------------- */

/* Least loaded allowed pCPU (lowest number on ties), or 'prefer' if it is
 * allowed and no busier than that.  Loads are read without locks: a stale
 * value only makes the choice less good, never wrong. */
static unsigned select_cpu(const struct sched_entity *se, unsigned prefer)
{
	uint64_t allowed = se->affinity & sc.online;
	unsigned best = SCHED_CPU_NONE, best_load = ~0u;

	BUG_ON(allowed == 0);
	for (uint64_t m = allowed; m; m &= m - 1) {
		unsigned c = (unsigned)__builtin_ctzll(m);
		unsigned load = READ_ONCE(rqs[c].nr_running);

		if (load < best_load) {
			best = c;
			best_load = load;
		}
	}
	if (prefer < SCHED_MAX_CPUS && (allowed & BIT(prefer)) &&
	    READ_ONCE(rqs[prefer].nr_running) <= best_load)
		return prefer;
	return best;
}

/* Make a non-resident entity RUNNABLE on 'cpu' (se->lock held).  Returns
 * whether that pCPU was idle. */
static bool place(struct sched_entity *se, unsigned cpu,
		  enum sched_enqueue_reason why)
{
	struct runqueue *rq = cpu_rq(cpu);
	bool idle;

	spin_lock(&rq->lock);
	rq_enqueue(rq, se, sched_now(), why);
	if (why == SCHED_ENQ_WAKE)
		se->wakeups++;
	idle = rq->idle;
	spin_unlock(&rq->lock);
	return idle;
}

int sched_add(struct sched_entity *se)
{
	unsigned cpu;
	bool idle;

	BUG_ON(!sc.ops);
	if (se->weight == 0 || se->weight > SCHED_WEIGHT_MAX ||
	    (se->affinity & sc.online) == 0) {
		pr_warn("sched: %s: weight %u or affinity %#lx unusable\n",
			se->name, se->weight, se->affinity);
		return -1;
	}
	spin_lock(&se->lock);
	BUG_ON(se->added || se_state(se) != SCHED_BLOCKED);
	se->added = true;
	__atomic_add_fetch(&sc.live, 1, __ATOMIC_SEQ_CST);
	cpu = select_cpu(se, SCHED_CPU_NONE);
	idle = place(se, cpu, SCHED_ENQ_NEW);
	spin_unlock(&se->lock);
	if (idle)
		kick(cpu);
	return 0;
}

/* ---- dispatch ------------------------------------------------------------ */

/* First entity on rq's queue that may run on 'cpu' (rq->lock held). */
static struct sched_entity *first_allowed(struct runqueue *rq, unsigned cpu)
{
	struct sched_link *pos;

	sched_list_for_each(pos, &rq->queue) {
		struct sched_entity *se = sched_link_entity(pos);

		if (se_allowed(se, cpu))
			return se;
	}
	return NULL;
}

/* Idle balancing: 'cpu' found its queue empty; move one entity allowed here
 * from the busiest other queue that has one.  Queues are tried busiest
 * first, each at most once. */
static void pull(unsigned cpu)
{
	struct runqueue *rq = &rqs[cpu];
	uint64_t tried = BIT(cpu) | ~sc.online;

	for (;;) {
		unsigned victim = SCHED_CPU_NONE, most = 0;
		struct sched_entity *se = NULL;
		struct runqueue *vrq;
		bool done;

		for (unsigned c = 0; c < sc.ncpus; c++) {
			unsigned q = READ_ONCE(rqs[c].nr_queued);

			if (!(tried & BIT(c)) && q > most) {
				most = q;
				victim = c;
			}
		}
		if (victim == SCHED_CPU_NONE)
			return;
		tried |= BIT(victim);
		vrq = &rqs[victim];
		lock_two(rq, vrq);
		/* Work may have arrived here while no lock was held. */
		done = rq->nr_queued != 0;
		if (!done)
			se = first_allowed(vrq, cpu);
		if (se) {
			rq_dequeue(vrq, se, SCHED_DEQ_MIGRATE);
			rq_enqueue(rq, se, sched_now(), SCHED_ENQ_MIGRATE);
			rq->pulls++;
			done = true;
		}
		spin_unlock(&vrq->lock);
		spin_unlock(&rq->lock);
		if (done)
			return;
	}
}

/* rq->lock held; se was just dequeued to run here. */
static void account_dispatch(struct runqueue *rq, struct sched_entity *se,
			     uint64_t now)
{
	unsigned last = READ_ONCE(se->last_cpu);

	if (rq->idle) {
		rq->idle_ticks += now > rq->idle_since ? now - rq->idle_since : 0;
		WRITE_ONCE(rq->idle, false);
	}
	rq->dispatches++;
	if (rq->last_id != se->id)
		rq->ctx_switches++;
	rq->last_id = se->id;
	se->runs++;
	if (last != SCHED_CPU_NONE && last != rq->cpu)
		se->migrations++;
	WRITE_ONCE(se->last_cpu, rq->cpu);
	se->last_start = now;
}

struct sched_entity *sched_pick(unsigned cpu)
{
	struct runqueue *rq = cpu_rq(cpu);
	struct sched_entity *se;
	uint64_t now;

	if (READ_ONCE(rq->nr_queued) == 0 && sc.ncpus > 1)
		pull(cpu);
	spin_lock(&rq->lock);
	BUG_ON(rq->current);
	now = sched_now();
	se = sc.ops->pick_next(rq, now);
	if (!se) {
		if (!rq->idle) {
			WRITE_ONCE(rq->idle, true);
			rq->idle_since = now;
		}
		spin_unlock(&rq->lock);
		return NULL;
	}
	BUG_ON(se_state(se) != SCHED_RUNNABLE);
	BUG_ON(!se_allowed(se, cpu));
	rq_dequeue(rq, se, SCHED_DEQ_RUN);
	rq->current = se;
	rq_update_counts(rq);
	WRITE_ONCE(se->state, SCHED_RUNNING);
	/* A wake that came before this dispatch is seen by this run; only
	 * wakes from here on may cancel a block.  The exchange orders us
	 * after a waker whose flag we consume. */
	(void)__atomic_exchange_n(&se->wake_pending, false, __ATOMIC_ACQ_REL);
	account_dispatch(rq, se, now);
	/* Its slice too, under the same lock (sched_current_slice()). */
	rq->current_slice = sc.ops->slice(rq, se);
	if (!rq->current_slice)
		rq->current_slice = 1;
	spin_unlock(&rq->lock);
	return se;
}

uint64_t sched_current_slice(unsigned cpu)
{
	return cpu_rq(cpu)->current_slice;
}

uint64_t sched_slice(unsigned cpu, struct sched_entity *se)
{
	struct runqueue *rq = cpu_rq(cpu);
	uint64_t s;

	spin_lock(&rq->lock);
	BUG_ON(rq->current != se);
	s = sc.ops->slice(rq, se);
	spin_unlock(&rq->lock);
	return s ? s : 1;
}

void sched_put(unsigned cpu, struct sched_entity *se, enum sched_state new_state)
{
	struct runqueue *rq = cpu_rq(cpu);
	uint64_t now, ran;

	BUG_ON(new_state == SCHED_RUNNING);
	spin_lock(&se->lock);
	spin_lock(&rq->lock);
	BUG_ON(rq->current != se);
	BUG_ON(se_state(se) != SCHED_RUNNING || se->cpu != cpu);
	now = sched_now();
	ran = now > se->last_start ? now - se->last_start : 0; /* see since() */
	se->run_ticks += ran;
	rq->busy_ticks += ran;
	sc.ops->charge(rq, se, ran);
	rq->current = NULL;
	/* A stop wins; a wake since the dispatch cancels a block. */
	if (se->stop_pending)
		new_state = SCHED_STOPPED;
	else if (new_state == SCHED_BLOCKED &&
		 __atomic_exchange_n(&se->wake_pending, false, __ATOMIC_ACQ_REL)) {
		new_state = SCHED_RUNNABLE;
		se->wakes_early++;
	}
	if (new_state == SCHED_RUNNABLE) {
		se->dormant = false;
		rq_enqueue(rq, se, now, SCHED_ENQ_PREEMPT);
	} else {
		if (sc.ops->sleep)
			sc.ops->sleep(rq, se, now);
		if (new_state == SCHED_STOPPED) {
			set_stopped(se);
		} else {
			WRITE_ONCE(se->state, new_state);
			dormant_out(se);
		}
		WRITE_ONCE(se->cpu, SCHED_CPU_NONE);
		rq_update_counts(rq);
	}
	spin_unlock(&rq->lock);
	spin_unlock(&se->lock);
}

/* ---- wake and stop ------------------------------------------------------- */

void sched_wake(struct sched_entity *se)
{
	enum sched_state st;
	unsigned cpu;
	bool idle;

	spin_lock(&se->lock);
	BUG_ON(!se->added);
	st = se_state(se);
	if (st != SCHED_BLOCKED) {
		/* Resident: it runs after this wake anyway, unless it is
		 * blocking right now, and then sched_put(BLOCKED) consumes
		 * the flag.  Stopped: nothing to do. */
		if (st != SCHED_STOPPED) {
			__atomic_store_n(&se->wake_pending, true, __ATOMIC_RELEASE);
			se->dormant = false;
		}
		spin_unlock(&se->lock);
		return;
	}
	dormant_end(se);
	cpu = select_cpu(se, READ_ONCE(se->last_cpu));
	idle = place(se, cpu, SCHED_ENQ_WAKE);
	spin_unlock(&se->lock);
	if (idle || cpu != self_cpu())
		kick(cpu);
}

void sched_dormant(struct sched_entity *se)
{
	spin_lock(&se->lock);
	if (se->added && se_state(se) != SCHED_STOPPED && !se->stop_pending) {
		se->dormant = true;
		if (se_state(se) == SCHED_BLOCKED)
			dormant_out(se);
	}
	spin_unlock(&se->lock);
}

void sched_stop(struct sched_entity *se)
{
	unsigned running_on = SCHED_CPU_NONE;
	enum sched_state st;

	spin_lock(&se->lock);
	se->stop_pending = true;
	st = se_state(se);
	if (st == SCHED_BLOCKED) {
		set_stopped(se);
	} else if (se_resident(st)) {
		struct runqueue *rq = lock_resident_rq(se);

		if (se_state(se) == SCHED_RUNNABLE) {
			rq_dequeue(rq, se, SCHED_DEQ_STOP);
			set_stopped(se);
			WRITE_ONCE(se->cpu, SCHED_CPU_NONE);
		} else {
			running_on = rq->cpu; /* stops at its next put */
		}
		spin_unlock(&rq->lock);
	}
	spin_unlock(&se->lock);
	if (running_on != SCHED_CPU_NONE)
		kick(running_on);
}

bool sched_should_preempt(unsigned cpu)
{
	return READ_ONCE(cpu_rq(cpu)->nr_queued) != 0;
}

unsigned sched_nr_live(void)
{
	return __atomic_load_n(&sc.live, __ATOMIC_SEQ_CST);
}

/* ---- statistics and checks ----------------------------------------------- */

void sched_entity_get_stats(struct sched_entity *se, struct sched_entity_stats *out)
{
	struct runqueue *rq = NULL;
	enum sched_state st;

	spin_lock(&se->lock);
	if (se_resident(se_state(se)))
		rq = lock_resident_rq(se);
	st = se_state(se);
	*out = (struct sched_entity_stats){
		.state = st, .cpu = se->cpu, .last_cpu = se->last_cpu,
		.weight = se->weight, .affinity = se->affinity,
		.run_ticks = se->run_ticks, .runs = se->runs,
		.migrations = se->migrations, .wakeups = se->wakeups,
		.wakes_early = se->wakes_early,
	};
	if (st == SCHED_RUNNING)
		out->run_ticks += since(se->last_start);
	if (rq)
		spin_unlock(&rq->lock);
	spin_unlock(&se->lock);
}

void sched_cpu_get_stats(unsigned cpu, struct sched_cpu_stats *out)
{
	struct runqueue *rq = cpu_rq(cpu);

	spin_lock(&rq->lock);
	*out = (struct sched_cpu_stats){
		.busy_ticks = rq->busy_ticks, .idle_ticks = rq->idle_ticks,
		.ctx_switches = rq->ctx_switches, .dispatches = rq->dispatches,
		.pulls = rq->pulls, .kicks = READ_ONCE(rq->kicks),
		.nr_running = rq->nr_running, .nr_queued = rq->nr_queued,
		.idle = rq->idle,
	};
	if (rq->idle)
		out->idle_ticks += since(rq->idle_since);
	spin_unlock(&rq->lock);
}

void sched_print_stats(void)
{
	pr_info("sched: policy %s, %u pCPU(s), slice %lu ticks\n",
		sched_policy_name(), sc.ncpus, sc.slice);
	for (unsigned c = 0; c < sc.ncpus; c++) {
		struct sched_cpu_stats st;
		uint64_t all;

		sched_cpu_get_stats(c, &st);
		all = st.busy_ticks + st.idle_ticks;
		pr_info("sched: cpu%u busy %lu idle %lu (%u%% busy) dispatches %lu "
			"switches %lu pulls %lu kicks %lu queued %u\n",
			c, st.busy_ticks, st.idle_ticks,
			all ? (unsigned)(st.busy_ticks * 100 / all) : 0,
			st.dispatches, st.ctx_switches, st.pulls, st.kicks,
			st.nr_queued);
	}
}

void sched_print_entity(struct sched_entity *se)
{
	struct sched_entity_stats st;

	sched_entity_get_stats(se, &st);
	if (se->ops && se->ops->print) {
		se->ops->print(se, &st);
		return;
	}
	pr_info("sched: %s %s weight %u affinity %#lx ran %lu ticks in %lu runs, "
		"%lu migrations, %lu wake-ups (%lu early)\n",
		se->name, sched_state_name(st.state), st.weight, st.affinity,
		st.run_ticks, st.runs, st.migrations, st.wakeups, st.wakes_early);
}

void sched_check_all(void)
{
	for (unsigned c = 0; c < sc.ncpus; c++) {
		struct runqueue *rq = &rqs[c];
		struct sched_link *pos;
		unsigned n = 0;

		spin_lock(&rq->lock);
		sched_list_for_each(pos, &rq->queue) {
			struct sched_entity *se = sched_link_entity(pos);

			BUG_ON(!se->on_rq || se->cpu != c);
			BUG_ON(se_state(se) != SCHED_RUNNABLE);
			BUG_ON(!se_allowed(se, c));
			BUG_ON(pos->next->prev != pos);
			n++;
		}
		BUG_ON(n != rq->nr_queued);
		BUG_ON(rq->nr_running != n + (rq->current ? 1u : 0u));
		if (rq->current) {
			struct sched_entity *se = rq->current;

			BUG_ON(se->on_rq || se->cpu != c);
			BUG_ON(se_state(se) != SCHED_RUNNING);
			BUG_ON(!se_allowed(se, c));
		}
		spin_unlock(&rq->lock);
	}
}
