// UNIT-SOURCES: sched/core.c sched/policy_rr.c sched/policy_fair.c
/* Randomised simulation of N pCPUs against a model of what the scheduler
 * must do.  Each step is the earliest event: a pCPU whose entity's run ends
 * (put back runnable, blocked or stopped, then pick again) or an external
 * event (wake, stop or re-add an entity, as interrupts and VM management
 * would).  Idle pCPUs sleep until kicked.  After every step the model and
 * the scheduler must agree; at the end the statistics must add up and every
 * entity must still get to run.  Fixed seeds: failures reproduce. */
#include "sched/policy.h"
#include "tests/unit/fakes.h"

#define MAXE 16
#define MAXC 8
#define NEVER UINT64_MAX

struct ment {
	struct sched_entity se;
	enum sched_state st;	/* what the model expects */
	bool pending;		/* a wake that a block must not lose */
	bool stopping;		/* stopped while running */
	int on;			/* pCPU running it, or -1 */
	uint64_t ran, runs, wakeups, start;
};

static struct {
	unsigned ncpus, nent;
	uint64_t now, t0, seed, slice;
	bool busy_kick_preempts;
	struct ment e[MAXE];
	struct {
		struct ment *cur;
		uint64_t next;
		bool idle;
	} cpu[MAXC];
	uint64_t kicked;
	unsigned self;
	uint64_t retired_ran;	/* run time of stopped incarnations */
	/* how often the interesting paths ran, so a quiet run fails */
	unsigned n_early, n_stop_running, n_idle_picks, n_pulls;
} S;

static uint64_t rnd(void)
{
	S.seed ^= S.seed << 13;
	S.seed ^= S.seed >> 7;
	S.seed ^= S.seed << 17;
	return S.seed;
}

static unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static uint64_t clk(void) { return S.now; }
static unsigned self(void) { return S.self; }

/* A kick makes an idle pCPU pick at once and may preempt a busy one. */
static void kick(unsigned cpu)
{
	assert_true(cpu < S.ncpus);
	S.kicked |= BIT(cpu);
	if (!S.cpu[cpu].cur || (S.busy_kick_preempts && rnd_below(2)))
		S.cpu[cpu].next = S.now;
}

static const struct sched_hooks hooks = { .now = clk, .kick = kick, .this_cpu = self };

static struct ment *ment_of(struct sched_entity *se)
{
	return container_of(se, struct ment, se);
}

static struct sched_entity_stats est(struct ment *m)
{
	struct sched_entity_stats st;

	sched_entity_get_stats(&m->se, &st);
	return st;
}

static uint64_t rnd_affinity(void)
{
	uint64_t all = BIT(S.ncpus) - 1, a;

	switch (rnd_below(4)) {
	case 0: return BIT(rnd_below(S.ncpus));	/* pinned */
	case 1: return all;
	default:
		do
			a = rnd() & all;
		while (!a);
		return a;
	}
}

static void spawn(struct ment *m)
{
	static const unsigned weights[] = { 128, 256, 256, 512, 1000 };

	S.retired_ran += m->ran;
	memset(m, 0, sizeof(*m));
	m->on = -1;
	sched_entity_init(&m->se, NULL, rnd_affinity(),
			  weights[rnd_below(ARRAY_SIZE(weights))], m, "sim");
	assert_int_equal(sched_add(&m->se), 0);
	m->st = SCHED_RUNNABLE;
}

/* The scheduler agrees with the model about every entity and queue. */
static void verify(void)
{
	unsigned queued = 0, model_queued = 0;

	sched_check_all();
	for (unsigned c = 0; c < S.ncpus; c++) {
		struct sched_cpu_stats cs;

		sched_cpu_get_stats(c, &cs);
		queued += cs.nr_queued;
	}
	for (unsigned i = 0; i < S.nent; i++) {
		struct ment *m = &S.e[i];
		struct sched_entity_stats st = est(m);

		assert_int_equal(st.state, m->st);
		model_queued += m->st == SCHED_RUNNABLE;
		if (m->st == SCHED_RUNNING) {
			assert_int_equal(st.cpu, m->on);
			assert_ptr_equal(S.cpu[m->on].cur, m);
		} else {
			assert_int_equal(m->on, -1);
		}
		if (m->st == SCHED_RUNNABLE || m->st == SCHED_RUNNING)
			assert_true(m->se.affinity & BIT(st.cpu));
	}
	assert_int_equal(queued, model_queued);
}

static void put_current(unsigned c, enum sched_state put_as)
{
	struct ment *m = S.cpu[c].cur;

	m->ran += S.now - m->start;
	if (m->stopping)
		m->st = SCHED_STOPPED;
	else if (put_as == SCHED_BLOCKED && m->pending) {
		m->st = SCHED_RUNNABLE;
		S.n_early++;
	} else {
		m->st = put_as;
	}
	if (put_as == SCHED_BLOCKED)
		m->pending = false;
	m->on = -1;
	S.cpu[c].cur = NULL;
	sched_put(c, &m->se, put_as);
}

static void pick(unsigned c)
{
	struct sched_entity *se = sched_pick(c);
	struct ment *m;
	uint64_t len;

	if (!se) {
		/* Nothing allowed here may be waiting anywhere: the idle
		 * pull would have found it. */
		for (unsigned i = 0; i < S.nent; i++)
			assert_false(S.e[i].st == SCHED_RUNNABLE &&
				     (S.e[i].se.affinity & BIT(c)));
		S.cpu[c].idle = true;
		S.cpu[c].next = NEVER;
		S.n_idle_picks++;
		return;
	}
	m = ment_of(se);
	assert_int_equal(m->st, SCHED_RUNNABLE);
	assert_int_equal(m->on, -1); /* never on two pCPUs */
	assert_true(se->affinity & BIT(c));
	m->st = SCHED_RUNNING;
	m->on = (int)c;
	m->pending = false;
	m->runs++;
	m->start = S.now;
	assert_int_equal(sched_slice(c, se), S.slice);
	len = 1 + rnd() % (S.slice + S.slice / 2);
	S.cpu[c].cur = m;
	S.cpu[c].idle = false;
	S.cpu[c].next = S.now + MIN(len, S.slice);
}

/* A pCPU's event: its entity's run ends (percentages: 60 requeue, 37
 * block, 3 stop), then it picks. */
static void cpu_event(unsigned c, bool may_block)
{
	S.self = c;
	if (S.cpu[c].cur) {
		unsigned r = may_block ? rnd_below(100) : 0;

		put_current(c, r < 60 ? SCHED_RUNNABLE :
			       r < 97 ? SCHED_BLOCKED : SCHED_STOPPED);
	}
	pick(c);
}

static void ext_wake(struct ment *m)
{
	unsigned target;
	bool was_idle;

	switch (m->st) {
	case SCHED_STOPPED:
		sched_wake(&m->se);
		return;
	case SCHED_RUNNABLE:
	case SCHED_RUNNING:
		m->pending = true;
		sched_wake(&m->se);
		return;
	case SCHED_BLOCKED:
		break;
	}
	m->st = SCHED_RUNNABLE;
	m->wakeups++;
	sched_wake(&m->se);
	target = est(m).cpu;
	was_idle = S.cpu[target].idle && !S.cpu[target].cur;
	assert_true(m->se.affinity & BIT(target));
	if (was_idle || target != S.self)
		assert_true(S.kicked & BIT(target));
}

static void ext_event(void)
{
	struct ment *m = &S.e[rnd_below(S.nent)];
	unsigned r = rnd_below(100);

	S.self = rnd_below(S.ncpus);
	S.kicked = 0;
	if (r < 75) {
		ext_wake(m);
	} else if (r < 85) {
		if (m->st == SCHED_RUNNING) {
			m->stopping = true;
			S.n_stop_running++;
			sched_stop(&m->se);
			assert_true(S.kicked & BIT(m->on));
		} else {
			m->st = SCHED_STOPPED;
			sched_stop(&m->se);
		}
	} else if (m->st == SCHED_STOPPED && m->on < 0) {
		spawn(m);
	}
}

static void sim_init(const char *policy, unsigned ncpus, unsigned nent,
		     uint64_t seed)
{
	memset(&S, 0, sizeof(S));
	S.ncpus = ncpus;
	S.nent = nent;
	S.seed = seed;
	S.slice = 1000;
	S.now = S.t0 = 5000;
	S.busy_kick_preempts = true;
	assert_int_equal(sched_core_init(sched_policy_by_name(policy), &hooks,
					 ncpus, S.slice), 0);
	for (unsigned c = 0; c < ncpus; c++)
		S.cpu[c].next = S.now;
	for (unsigned i = 0; i < nent; i++)
		spawn(&S.e[i]);
}

/* Runs 'steps' events; external events every 1..slice/3 ticks if 'ext'. */
static void sim_run(unsigned steps, bool ext, bool may_block)
{
	uint64_t ext_next = ext ? S.now + 1 : NEVER;

	for (unsigned s = 0; s < steps; s++) {
		uint64_t t = ext_next;
		int who = -1;

		for (unsigned c = 0; c < S.ncpus; c++) {
			if (S.cpu[c].next < t) {
				t = S.cpu[c].next;
				who = (int)c;
			}
		}
		assert_true(t != NEVER); /* something always happens */
		assert_true(t >= S.now);
		S.now = t;
		if (who >= 0) {
			cpu_event((unsigned)who, may_block);
		} else {
			ext_event();
			ext_next = S.now + 1 + rnd_below((unsigned)S.slice / 3);
		}
		verify();
	}
}

/* Stop every run, then check that the accounting adds up exactly. */
static void settle_and_check_stats(void)
{
	uint64_t ent_total = S.retired_ran, busy_total = 0;

	for (unsigned c = 0; c < S.ncpus; c++) {
		if (S.cpu[c].cur)
			put_current(c, SCHED_RUNNABLE);
	}
	verify();
	for (unsigned i = 0; i < S.nent; i++) {
		struct sched_entity_stats st = est(&S.e[i]);

		assert_int_equal(st.run_ticks, S.e[i].ran);
		assert_int_equal(st.runs, S.e[i].runs);
		assert_int_equal(st.wakeups, S.e[i].wakeups);
		ent_total += st.run_ticks;
	}
	for (unsigned c = 0; c < S.ncpus; c++) {
		struct sched_cpu_stats cs;

		sched_cpu_get_stats(c, &cs);
		busy_total += cs.busy_ticks;
		S.n_pulls += (unsigned)cs.pulls;
		/* Every tick of every pCPU was either busy or idle. */
		assert_int_equal(cs.busy_ticks + cs.idle_ticks, S.now - S.t0);
	}
	assert_int_equal(ent_total, busy_total);
	assert_true(busy_total > 0);
}

/* Make everyone runnable and check that each one runs again: none lost. */
static void check_liveness(void)
{
	uint64_t before[MAXE];

	for (unsigned i = 0; i < S.nent; i++) {
		S.self = 0;
		S.kicked = 0;
		if (S.e[i].st == SCHED_STOPPED && S.e[i].on < 0)
			spawn(&S.e[i]);
		else if (!S.e[i].stopping)
			ext_wake(&S.e[i]);
		before[i] = S.e[i].runs;
	}
	S.busy_kick_preempts = false;
	sim_run(60 * S.nent, false, false);
	for (unsigned i = 0; i < S.nent; i++) {
		if (!S.e[i].stopping)
			assert_true(S.e[i].runs > before[i]);
	}
}

static void sim_case(const char *policy, unsigned ncpus, unsigned nent,
		     uint64_t seed)
{
	sim_init(policy, ncpus, nent, seed);
	sim_run(20000, true, true);
	check_liveness();
	settle_and_check_stats();
	/* The run went through the paths under test. */
	assert_true(S.n_early > 0);
	assert_true(S.n_stop_running > 0);
	assert_true(S.n_idle_picks > 0);
	if (ncpus > 1)
		assert_true(S.n_pulls > 0);
}

static void test_sim_rr_4cpu(void **state) { (void)state; sim_case("rr", 4, 12, 0x1234567); }
static void test_sim_fair_4cpu(void **state) { (void)state; sim_case("fair", 4, 12, 0x7654321); }
static void test_sim_fair_8cpu(void **state) { (void)state; sim_case("fair", 8, 16, 0xdeadbeef); }
static void test_sim_rr_1cpu(void **state) { (void)state; sim_case("rr", 1, 5, 42); }
static void test_sim_fair_2cpu_crowded(void **state) { (void)state; sim_case("fair", 2, 16, 99); }

/* Always-runnable entities with random run lengths; returns the share of
 * the elapsed time each got, in permille of one pCPU. */
static void shares(const char *policy, unsigned ncpus, unsigned nent,
		   const unsigned *weights, unsigned *permille)
{
	sim_init(policy, ncpus, 0, 777);
	S.nent = nent;
	for (unsigned i = 0; i < nent; i++) {
		S.e[i].on = -1;
		sched_entity_init(&S.e[i].se, NULL, BIT(ncpus) - 1, weights[i], NULL, "f");
		assert_int_equal(sched_add(&S.e[i].se), 0);
		S.e[i].st = SCHED_RUNNABLE;
	}
	sim_run(30000, false, false);
	settle_and_check_stats();
	for (unsigned i = 0; i < nent; i++)
		permille[i] = (unsigned)(S.e[i].ran * 1000 / (S.now - S.t0));
}

static void test_six_on_two_equal_share(void **state)
{
	static const unsigned w[6] = { 256, 256, 256, 256, 256, 256 };
	static const char *const policies[] = { "rr", "fair" };
	unsigned p[6];

	(void)state;
	for (unsigned k = 0; k < ARRAY_SIZE(policies); k++) {
		shares(policies[k], 2, 6, w, p);
		for (unsigned i = 0; i < 6; i++)
			assert_in_range(p[i], 300, 367); /* 1/3 +- 10% */
	}
}

static void test_weighted_two_cpus(void **state)
{
	/* Placement puts one heavy and one light entity on each pCPU. */
	static const unsigned w[4] = { 512, 512, 256, 256 };
	unsigned p[4];

	(void)state;
	shares("fair", 2, 4, w, p);
	for (unsigned i = 0; i < 2; i++) {
		assert_in_range(p[i] * 1000 / p[i + 2], 1800, 2200);
		assert_in_range(p[i] + p[i + 2], 990, 1000);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sim_rr_4cpu),
		cmocka_unit_test(test_sim_fair_4cpu),
		cmocka_unit_test(test_sim_fair_8cpu),
		cmocka_unit_test(test_sim_rr_1cpu),
		cmocka_unit_test(test_sim_fair_2cpu_crowded),
		cmocka_unit_test(test_six_on_two_equal_share),
		cmocka_unit_test(test_weighted_two_cpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
