// UNIT-SOURCES: sched/core.c sched/policy_rr.c sched/policy_fair.c
/* The scheduler core and both policies, step by step, with a fake clock
 * and a kick recorder: placement, round-robin order, affinity and pinning,
 * idle pull, kicks, the wake/block race, stop, fairness, statistics. */
#include "sched/policy.h"
#include "tests/unit/fakes.h"

static uint64_t fake_now;
static unsigned fake_self;
static unsigned kicks[SCHED_MAX_CPUS];
static uint64_t kicked; /* mask of kicked pCPUs since the last reset */

static uint64_t clk(void) { return fake_now; }
static unsigned self(void) { return fake_self; }

static void kick_rec(unsigned cpu)
{
	assert_true(cpu < SCHED_MAX_CPUS);
	kicks[cpu]++;
	kicked |= BIT(cpu);
}

static const struct sched_hooks hooks = { .now = clk, .kick = kick_rec, .this_cpu = self };

#define SLICE 100

static void init(const char *policy, unsigned ncpus)
{
	fake_now = 1000;
	fake_self = 0;
	memset(kicks, 0, sizeof(kicks));
	kicked = 0;
	assert_int_equal(sched_core_init(sched_policy_by_name(policy), &hooks,
					 ncpus, SLICE), 0);
}

static struct sched_entity_stats est(struct sched_entity *se)
{
	struct sched_entity_stats st;

	sched_entity_get_stats(se, &st);
	return st;
}

static struct sched_cpu_stats cst(unsigned cpu)
{
	struct sched_cpu_stats st;

	sched_cpu_get_stats(cpu, &st);
	return st;
}

static void add(struct sched_entity *se, uint64_t aff, unsigned w, const char *n)
{
	sched_entity_init(se, NULL, aff, w, NULL, n);
	assert_int_equal(sched_add(se), 0);
}

/* Pick on 'cpu', expect 'want', let it run 'ticks', put it back. */
static void run(unsigned cpu, struct sched_entity *want, uint64_t ticks,
		enum sched_state put_as)
{
	struct sched_entity *se = sched_pick(cpu);

	assert_ptr_equal(se, want);
	fake_now += ticks;
	sched_put(cpu, se, put_as);
	sched_check_all();
}

static void test_init_and_policy_names(void **state)
{
	const struct sched_ops *rr = sched_policy_by_name("rr");
	const struct sched_hooks no_kick = { .now = clk };

	(void)state;
	assert_non_null(rr);
	assert_string_equal(rr->name, "rr");
	assert_string_equal(sched_policy_by_name("fair")->name, "fair");
	assert_null(sched_policy_by_name("bvt"));
	assert_null(sched_policy_by_name(NULL));
	assert_int_equal(sched_core_init(rr, &hooks, 0, SLICE), -1);
	assert_int_equal(sched_core_init(rr, &hooks, SCHED_MAX_CPUS + 1, SLICE), -1);
	assert_int_equal(sched_core_init(rr, &hooks, 2, 0), -1);
	assert_int_equal(sched_core_init(rr, &no_kick, 2, SLICE), -1);
	assert_int_equal(sched_core_init(NULL, &hooks, 2, SLICE), -1);
	assert_int_equal(sched_core_init(rr, &hooks, SCHED_MAX_CPUS, SLICE), 0);
	assert_int_equal(sched_ncpus(), SCHED_MAX_CPUS);
	init("fair", 3);
	assert_string_equal(sched_policy_name(), "fair");
	assert_int_equal(sched_ncpus(), 3);
}

static void test_add_least_loaded_kicks_idle(void **state)
{
	struct sched_entity a, b, c, d, bad;

	(void)state;
	init("rr", 2);
	add(&a, ~0ULL, 0, "a");
	assert_int_equal(a.weight, SCHED_WEIGHT_DEFAULT);
	add(&b, ~0ULL, 0, "b");
	add(&c, ~0ULL, 0, "c");
	assert_int_equal(est(&a).cpu, 0);
	assert_int_equal(est(&b).cpu, 1);
	assert_int_equal(est(&c).cpu, 0);
	assert_int_equal(est(&c).state, SCHED_RUNNABLE);
	assert_int_equal(kicks[0], 2); /* both idle: nobody has picked yet */
	assert_int_equal(kicks[1], 1);
	assert_int_equal(cst(0).kicks, 2);
	/* A busy pCPU is not kicked for a new entity. */
	run(1, &b, 10, SCHED_RUNNABLE);
	assert_ptr_equal(sched_pick(1), &b);
	kicked = 0;
	add(&d, BIT(1), 0, "d");
	assert_int_equal(kicked, 0);
	/* Affinity with no online pCPU, or a weight out of range: refused. */
	sched_entity_init(&bad, NULL, BIT(2), 0, NULL, "x");
	assert_int_equal(sched_add(&bad), -1);
	sched_entity_init(&bad, NULL, ~0ULL, SCHED_WEIGHT_MAX + 1, NULL, "y");
	assert_int_equal(sched_add(&bad), -1);
	assert_true(fake_log_contains("sched: y: weight 65536"));
	assert_int_equal(est(&bad).state, SCHED_BLOCKED);
	/* Adding twice is a caller bug. */
	EXPECT_PANIC_MSG(sched_add(&a), "added");
}

static void test_rr_order_and_slice(void **state)
{
	struct sched_entity e[3];
	static const char *names[] = { "a", "b", "c" };

	(void)state;
	init("rr", 1);
	for (unsigned i = 0; i < 3; i++)
		add(&e[i], BIT(0), 100 + i * 300, names[i]); /* rr ignores weights */
	for (unsigned round = 0; round < 4; round++) {
		for (unsigned i = 0; i < 3; i++) {
			struct sched_entity *se = sched_pick(0);

			assert_ptr_equal(se, &e[i]);
			assert_int_equal(sched_slice(0, se), SLICE);
			assert_int_equal(sched_current_slice(0), SLICE);
			assert_int_equal(sched_should_preempt(0), true);
			fake_now += SLICE;
			sched_put(0, se, SCHED_RUNNABLE);
		}
	}
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(est(&e[i]).runs, 4);
		assert_int_equal(est(&e[i]).run_ticks, 4 * SLICE);
		assert_int_equal(est(&e[i]).migrations, 0);
	}
	assert_int_equal(cst(0).ctx_switches, 12);
	assert_int_equal(cst(0).busy_ticks, 12 * SLICE);
	/* A woken entity goes to the tail. */
	run(0, &e[0], 5, SCHED_BLOCKED);
	sched_wake(&e[0]);
	run(0, &e[1], 5, SCHED_RUNNABLE);
	run(0, &e[2], 5, SCHED_RUNNABLE);
	run(0, &e[0], 5, SCHED_RUNNABLE);
}

static void test_single_entity_no_switches_no_preempt(void **state)
{
	struct sched_entity a;

	(void)state;
	init("fair", 1);
	add(&a, ~0ULL, 0, "a");
	for (unsigned i = 0; i < 5; i++) {
		assert_ptr_equal(sched_pick(0), &a);
		assert_false(sched_should_preempt(0));
		fake_now += 7;
		sched_put(0, &a, SCHED_RUNNABLE);
	}
	assert_int_equal(cst(0).ctx_switches, 1);
	assert_int_equal(cst(0).dispatches, 5);
	assert_int_equal(est(&a).run_ticks, 35);
	/* While running, the snapshot includes the run in progress. */
	assert_ptr_equal(sched_pick(0), &a);
	fake_now += 5;
	assert_int_equal(est(&a).run_ticks, 40);
	assert_int_equal(est(&a).state, SCHED_RUNNING);
	fake_log_reset();
	sched_print_stats();
	sched_print_entity(&a);
	assert_true(fake_log_contains("sched: policy fair, 1 pCPU(s), slice 100 ticks"));
	assert_true(fake_log_contains("sched: cpu0 busy 35 idle 0 (100% busy) dispatches 6"));
	assert_true(fake_log_contains("sched: a running weight 256 affinity 0xffffffffffffffff ran 40 ticks in 6 runs"));
}

static void test_idle_accounting(void **state)
{
	struct sched_entity a;

	(void)state;
	init("rr", 2);
	fake_now += 50;
	add(&a, BIT(0), 0, "a");
	run(0, &a, 100, SCHED_BLOCKED);
	assert_null(sched_pick(0));
	fake_now += 250;
	assert_int_equal(cst(0).busy_ticks, 100);
	assert_int_equal(cst(0).idle_ticks, 300);
	assert_true(cst(0).idle);
	assert_int_equal(cst(1).idle_ticks, 400); /* never picked anything */
	sched_wake(&a);
	run(0, &a, 10, SCHED_RUNNABLE);
	assert_int_equal(cst(0).idle_ticks, 300);
	assert_false(cst(0).idle);
}

/* A dormant entity (a hung VM kept for inspection) no longer holds the
 * run open; a wake makes it live again; stopping it counts it once. */
static void test_dormant_leaves_live_count(void **state)
{
	struct sched_entity a, b;

	(void)state;
	init("rr", 1);
	add(&a, BIT(0), 0, "a");
	add(&b, BIT(0), 0, "b");
	assert_int_equal(sched_nr_live(), 2);
	run(0, &a, 10, SCHED_BLOCKED);
	sched_dormant(&a); /* blocked: out at once */
	assert_int_equal(sched_nr_live(), 1);
	sched_dormant(&a); /* twice is once */
	assert_int_equal(sched_nr_live(), 1);
	sched_wake(&a);
	assert_int_equal(sched_nr_live(), 2);
	/* Dormant while running: out at its sched_put(BLOCKED) only. */
	assert_ptr_equal(sched_pick(0), &b);
	sched_dormant(&b);
	assert_int_equal(sched_nr_live(), 2);
	sched_put(0, &b, SCHED_BLOCKED);
	assert_int_equal(sched_nr_live(), 1);
	/* ... but a put as RUNNABLE cancels it. */
	run(0, &a, 10, SCHED_RUNNABLE);
	assert_ptr_equal(sched_pick(0), &a);
	sched_dormant(&a);
	sched_put(0, &a, SCHED_RUNNABLE);
	assert_int_equal(sched_nr_live(), 1);
	run(0, &a, 10, SCHED_BLOCKED);
	assert_int_equal(sched_nr_live(), 1);
	/* Stopping a dormant entity does not count it a second time. */
	sched_stop(&b);
	assert_int_equal(sched_nr_live(), 1);
	sched_dormant(&a);
	sched_stop(&a);
	assert_int_equal(sched_nr_live(), 0);
	/* A stopped entity cannot become dormant (and count again). */
	sched_dormant(&a);
	sched_wake(&a);
	assert_int_equal(sched_nr_live(), 0);
}

static void test_pinned_never_elsewhere(void **state)
{
	struct sched_entity p, f;

	(void)state;
	init("fair", 2);
	add(&p, BIT(1), 0, "pinned");
	add(&f, BIT(0) | BIT(1), 0, "free");
	assert_int_equal(est(&p).cpu, 1);
	assert_int_equal(est(&f).cpu, 0);
	for (unsigned i = 0; i < 20; i++) {
		/* cpu0 may run f, never p. */
		struct sched_entity *s0 = sched_pick(0);

		assert_ptr_not_equal(s0, &p);
		fake_now += 30;
		if (s0)
			sched_put(0, s0, SCHED_BLOCKED);
		/* cpu0 is now idle and cpu1 has p queued: no pull of p. */
		assert_null(sched_pick(0));
		run(1, &p, 30, SCHED_RUNNABLE);
		assert_int_equal(est(&p).last_cpu, 1);
		sched_wake(&f);
	}
	assert_int_equal(est(&p).migrations, 0);
	assert_int_equal(cst(0).pulls, 0);
}

static void test_idle_pull_within_affinity(void **state)
{
	struct sched_entity a, b, c;

	(void)state;
	init("rr", 3);
	add(&a, BIT(0) | BIT(1), 0, "a"); /* cpu0 */
	add(&b, BIT(0) | BIT(1), 0, "b"); /* cpu1 */
	add(&c, BIT(0) | BIT(1), 0, "c"); /* cpu0 */
	assert_int_equal(est(&c).cpu, 0);
	assert_ptr_equal(sched_pick(0), &a);
	run(1, &b, 10, SCHED_BLOCKED);
	/* cpu2 is idle but outside c's affinity: it must not take c. */
	assert_null(sched_pick(2));
	assert_int_equal(est(&c).cpu, 0);
	/* cpu1 is idle and allowed: it pulls c from busy cpu0. */
	assert_ptr_equal(sched_pick(1), &c);
	assert_int_equal(cst(1).pulls, 1);
	assert_int_equal(est(&c).migrations, 0); /* first run anywhere */
	fake_now += 10;
	sched_put(1, &c, SCHED_RUNNABLE);
	fake_now += 10;
	sched_put(0, &a, SCHED_RUNNABLE);
	/* a has run on cpu0; pulled to cpu1, its next run is a migration. */
	run(1, &c, 10, SCHED_BLOCKED);
	assert_ptr_equal(sched_pick(1), &a);
	assert_int_equal(est(&a).migrations, 1);
	assert_int_equal(est(&a).last_cpu, 1);
	assert_int_equal(cst(1).pulls, 2);
	sched_check_all();
}

static void test_idle_pull_busiest_first(void **state)
{
	struct sched_entity z[3], a0, b[3], p[2];

	(void)state;
	init("rr", 3);
	for (unsigned i = 0; i < 3; i++)
		add(&z[i], BIT(2), 0, "z"); /* load cpu2 so the rest avoid it */
	add(&a0, BIT(0) | BIT(2), 0, "a0");
	for (unsigned i = 0; i < 3; i++)
		add(&b[i], BIT(1) | BIT(2), 0, "b");
	assert_int_equal(est(&a0).cpu, 0);
	assert_int_equal(est(&b[2]).cpu, 1);
	for (unsigned i = 0; i < 3; i++)
		sched_stop(&z[i]);
	/* cpu2 idle: cpu1 (3 queued) is busier than cpu0 (1 queued). */
	assert_ptr_equal(sched_pick(2), &b[0]);
	assert_int_equal(est(&a0).cpu, 0);
	/* The busiest queue has nothing allowed here: the next one gives. */
	sched_stop(&b[1]);
	sched_stop(&b[2]);
	add(&p[0], BIT(1), 0, "p");
	add(&p[1], BIT(1), 0, "p");
	fake_now += 10;
	sched_put(2, &b[0], SCHED_BLOCKED);
	assert_ptr_equal(sched_pick(2), &a0);
	assert_int_equal(cst(2).pulls, 2);
	sched_check_all();
}

static void test_wake_kicks(void **state)
{
	struct sched_entity r, l, m;

	(void)state;
	init("rr", 2);
	fake_self = 0;
	add(&r, BIT(1), 0, "remote");
	add(&l, BIT(0), 0, "local");
	add(&m, BIT(0), 0, "local2");
	run(1, &r, 10, SCHED_BLOCKED);
	kicked = 0;
	sched_wake(&r); /* from cpu0 to cpu1 */
	assert_int_equal(kicked, BIT(1));
	assert_int_equal(est(&r).wakeups, 1);
	assert_int_equal(est(&r).cpu, 1);
	/* Waking onto our own busy pCPU needs no IPI. */
	run(0, &l, 10, SCHED_BLOCKED);
	assert_ptr_equal(sched_pick(0), &m);
	kicked = 0;
	sched_wake(&l);
	assert_int_equal(kicked, 0);
	fake_now += 10;
	sched_put(0, &m, SCHED_BLOCKED);
	run(0, &l, 10, SCHED_BLOCKED);
	/* Our own pCPU, idle (in its idle loop): kicked so it does not halt. */
	assert_null(sched_pick(0));
	sched_wake(&l);
	assert_int_equal(kicked, BIT(0));
	/* Waking a runnable entity changes nothing and kicks nobody. */
	kicked = 0;
	sched_wake(&l);
	assert_int_equal(kicked, 0);
	assert_int_equal(est(&l).wakeups, 2);
}

static void test_wake_prefers_last_cpu(void **state)
{
	struct sched_entity a, b, c;

	(void)state;
	init("fair", 2);
	add(&a, ~0ULL, 0, "a"); /* cpu0 */
	add(&b, ~0ULL, 0, "b"); /* cpu1 */
	run(0, &a, 10, SCHED_BLOCKED);
	run(1, &b, 10, SCHED_BLOCKED);
	/* Both queues equally empty: b returns to cpu1 where it ran, not to
	 * the lowest-numbered one. */
	sched_wake(&b);
	assert_int_equal(est(&b).cpu, 1);
	/* b last ran on cpu1, but cpu1 is now busier (c queued there) than
	 * empty cpu0: b goes to cpu0. */
	add(&c, BIT(1), 0, "c");
	run(1, &b, 10, SCHED_BLOCKED);
	sched_wake(&b);
	assert_int_equal(est(&b).cpu, 0);
}

static void test_lost_wakeup_race(void **state)
{
	struct sched_entity a, b;

	(void)state;
	init("rr", 1);
	add(&a, BIT(0), 0, "a");
	add(&b, BIT(0), 0, "b");
	/* Guest decided to halt; the wake arrives before sched_put(BLOCKED). */
	assert_ptr_equal(sched_pick(0), &a);
	sched_wake(&a);
	fake_now += 10;
	sched_put(0, &a, SCHED_BLOCKED);
	assert_int_equal(est(&a).state, SCHED_RUNNABLE);
	assert_int_equal(est(&a).wakes_early, 1);
	assert_int_equal(est(&a).wakeups, 0);
	run(0, &b, 10, SCHED_RUNNABLE);
	/* The flag is consumed: the next block sticks. */
	run(0, &a, 10, SCHED_BLOCKED);
	assert_int_equal(est(&a).state, SCHED_BLOCKED);
	/* A wake while queued is seen by the next run and does not cancel a
	 * block that comes after that run. */
	run(0, &b, 10, SCHED_RUNNABLE);
	sched_wake(&a);
	sched_wake(&b); /* b is queued now, ahead of a */
	run(0, &b, 10, SCHED_BLOCKED);
	assert_int_equal(est(&b).state, SCHED_BLOCKED);
	assert_int_equal(est(&b).wakes_early, 0);
	/* A wake while RUNNING before yielding: no effect on RUNNABLE put. */
	assert_ptr_equal(sched_pick(0), &a);
	sched_wake(&a);
	sched_put(0, &a, SCHED_RUNNABLE);
	run(0, &a, 10, SCHED_BLOCKED);
	assert_int_equal(est(&a).state, SCHED_BLOCKED);
}

static void test_stop(void **state)
{
	struct sched_entity a, q, z;

	(void)state;
	init("fair", 2);
	fake_self = 0;
	add(&a, BIT(1), 0, "a");
	add(&q, BIT(1), 0, "q");
	add(&z, BIT(0), 0, "z");
	/* Running elsewhere: takes effect at that pCPU's next put. */
	assert_ptr_equal(sched_pick(1), &a);
	kicked = 0;
	sched_stop(&a);
	assert_int_equal(kicked, BIT(1));
	assert_int_equal(est(&a).state, SCHED_RUNNING);
	fake_now += 40;
	sched_put(1, &a, SCHED_RUNNABLE);
	assert_int_equal(est(&a).state, SCHED_STOPPED);
	assert_int_equal(est(&a).run_ticks, 40);
	assert_int_equal(cst(1).nr_running, 1);
	sched_wake(&a);
	assert_int_equal(est(&a).state, SCHED_STOPPED);
	/* Queued: removed at once. */
	sched_stop(&q);
	assert_int_equal(est(&q).state, SCHED_STOPPED);
	assert_int_equal(cst(1).nr_queued, 0);
	assert_null(sched_pick(1));
	/* Blocked: stopped in place; a later wake does nothing. */
	run(0, &z, 5, SCHED_BLOCKED);
	sched_stop(&z);
	sched_wake(&z);
	assert_int_equal(est(&z).state, SCHED_STOPPED);
	assert_null(sched_pick(0));
	sched_check_all();
}

static void test_bugs_caught(void **state)
{
	struct sched_entity a, b;

	(void)state;
	init("rr", 2);
	add(&a, BIT(0), 0, "a");
	add(&b, BIT(1), 0, "b");
	/* Putting something that is not running here. */
	EXPECT_PANIC_MSG(sched_put(0, &a, SCHED_RUNNABLE), "rq->current != se");
	init("rr", 2);
	add(&a, BIT(0), 0, "a");
	sched_entity_init(&b, NULL, BIT(1), 0, NULL, "b");
	EXPECT_PANIC_MSG(sched_wake(&b), "added");
	/* An entity queued outside its affinity is never dispatched. */
	a.affinity = BIT(1);
	EXPECT_PANIC_MSG(sched_pick(0), "se_allowed");
	init("rr", 2);
	EXPECT_PANIC(sched_pick(2));
}

/* One pCPU, two always-runnable entities with random run lengths (early
 * yields); returns run_ticks(a) / run_ticks(b) * 1000. */
static uint64_t ratio_permille(const char *policy, unsigned wa, unsigned wb)
{
	struct sched_entity a, b;
	uint64_t seed = 12345;

	init(policy, 1);
	add(&a, BIT(0), wa, "a");
	add(&b, BIT(0), wb, "b");
	for (unsigned i = 0; i < 6000; i++) {
		struct sched_entity *se = sched_pick(0);
		uint64_t slice = sched_slice(0, se);

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		fake_now += 1 + (seed >> 33) % slice;
		sched_put(0, se, SCHED_RUNNABLE);
	}
	return est(&a).run_ticks * 1000 / est(&b).run_ticks;
}

static void test_fair_weights(void **state)
{
	uint64_t r;

	(void)state;
	r = ratio_permille("fair", 512, 256);
	assert_in_range(r, 1800, 2200);
	r = ratio_permille("fair", 300, 300);
	assert_in_range(r, 950, 1050);
	/* Large weights with short runs: the remainder keeps it exact. */
	r = ratio_permille("fair", 65535, 21845);
	assert_in_range(r, 2700, 3300);
	/* rr ignores weights: about 1:1 (so the fair result is not luck). */
	r = ratio_permille("rr", 512, 256);
	assert_in_range(r, 900, 1100);
}

static void test_fair_sleeper_cannot_hoard(void **state)
{
	struct sched_entity a, b;
	unsigned b_runs = 0;

	(void)state;
	init("fair", 2);
	add(&a, BIT(0), 0, "a");
	add(&b, BIT(0), 0, "b");
	run(0, &a, SLICE, SCHED_RUNNABLE);
	run(0, &b, SLICE, SCHED_BLOCKED);
	for (unsigned i = 0; i < 200; i++)
		run(0, &a, SLICE, SCHED_RUNNABLE);
	sched_wake(&b);
	/* b slept through 200 slices of a: it is placed one slice behind a
	 * (so it runs first), not 200 slices behind. */
	assert_int_equal(a.pol.vruntime - b.pol.vruntime, SLICE);
	for (unsigned i = 0; i < 21; i++) {
		struct sched_entity *se = sched_pick(0);

		if (i == 0)
			assert_ptr_equal(se, &b);
		b_runs += se == &b;
		fake_now += SLICE;
		sched_put(0, se, SCHED_RUNNABLE);
	}
	assert_int_equal(b_runs, 11);
	/* A sleeper that ran ahead keeps its debt: b blocks one slice ahead
	 * of a, sleeps briefly and is still behind a in line. */
	run(0, &a, SLICE, SCHED_RUNNABLE);
	run(0, &b, 3 * SLICE, SCHED_BLOCKED);
	run(0, &a, SLICE, SCHED_RUNNABLE);
	sched_wake(&b);
	assert_true((int64_t)(b.pol.vruntime - a.pol.vruntime) > 0);
	run(0, &a, SLICE, SCHED_RUNNABLE);
	/* Woken onto another queue after a long sleep: one slice of head
	 * start relative to that queue, whatever its own lag was. */
	run(0, &b, SLICE, SCHED_BLOCKED);
	b.affinity = BIT(1);
	fake_now += 1000 * SLICE;
	sched_wake(&b);
	assert_int_equal(est(&b).cpu, 1);
	assert_int_equal(b.pol.vruntime, 0 - (uint64_t)SLICE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_policy_names),
		cmocka_unit_test(test_add_least_loaded_kicks_idle),
		cmocka_unit_test(test_rr_order_and_slice),
		cmocka_unit_test(test_single_entity_no_switches_no_preempt),
		cmocka_unit_test(test_idle_accounting),
		cmocka_unit_test(test_pinned_never_elsewhere),
		cmocka_unit_test(test_idle_pull_within_affinity),
		cmocka_unit_test(test_idle_pull_busiest_first),
		cmocka_unit_test(test_wake_kicks),
		cmocka_unit_test(test_wake_prefers_last_cpu),
		cmocka_unit_test(test_lost_wakeup_race),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_bugs_caught),
		cmocka_unit_test(test_dormant_leaves_live_count),
		cmocka_unit_test(test_fair_weights),
		cmocka_unit_test(test_fair_sleeper_cannot_hoard),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
