// UNIT-SOURCES: sched/loop.c sched/timer.c sched/core.c sched/policy_rr.c sched/policy_fair.c
/* The per-pCPU loop with fake entities, a fake clock and a fake idle:
 * slices handed to run, cut short by the pCPU's first timer; a timer
 * waking a blocked entity; what an idle pCPU waits for (poll, timer);
 * polls and interrupt hooks on every pass; should_yield; the boot CPU
 * leaving once nothing is left and the others idle. */
#include "sched/loop.h"
#include "sched/timer.h"
#include "lib/printk.h"
#include "tests/unit/fakes.h"

#define SLICE 100
#define POLL 1000

static uint64_t fake_now;
static unsigned fake_self;
static unsigned kicks[SCHED_MAX_CPUS];
static unsigned idles, irq_passes, polls;
static uint64_t idle_until[64];

static uint64_t clk(void) { return fake_now; }
static unsigned self(void) { return fake_self; }
static void kick_rec(unsigned cpu) { kicks[cpu]++; }
static void irqs(void) { irq_passes++; }
static void poll_fn(void) { polls++; }

/* An idle hook that may look at the boot CPU from "another pCPU". */
static bool (*while_idle)(unsigned cpu);
static bool while_idle_result;

static void fake_idle(unsigned cpu, uint64_t until)
{
	assert_true(idles < 64);
	idle_until[idles++] = until;
	if (while_idle)
		while_idle_result = while_idle(cpu);
	if (until != UINT64_MAX && until > fake_now)
		fake_now = until;
}

static const struct sched_hooks hooks = {
	.now = clk, .kick = kick_rec, .this_cpu = self,
	.idle = fake_idle, .irqs = irqs,
};

/* A fake entity: runs for 'work' ticks of each slice (all of it if 0),
 * then returns 'next'. */
struct fent {
	struct sched_entity se;
	uint64_t work;
	enum sched_state next;
	unsigned runs;
	uint64_t last_slice;
	bool check_yield;	/* call sched_should_yield() while running */
	bool yield_seen;
	struct sched_timer *arm_during;	/* arm it while running */
	uint64_t arm_at;
};

static enum sched_state fent_run(struct sched_entity *se, uint64_t slice)
{
	struct fent *f = container_of(se, struct fent, se);

	f->runs++;
	f->last_slice = slice;
	if (f->arm_during)
		sched_timer_arm(f->arm_during, fake_self, f->arm_at);
	if (f->check_yield)
		f->yield_seen = sched_should_yield(fake_self);
	fake_now += f->work && f->work < slice ? f->work : slice;
	return f->next;
}

static unsigned printed;

static void fent_print(struct sched_entity *se, const struct sched_entity_stats *st)
{
	(void)se;
	(void)st;
	printed++;
}

static const struct sched_entity_ops fent_ops = { .run = fent_run, .print = fent_print };

static void init(unsigned ncpus, uint64_t poll)
{
	fake_now = 1000;
	fake_self = 0;
	idles = irq_passes = polls = printed = 0;
	while_idle = NULL;
	memset(kicks, 0, sizeof(kicks));
	assert_int_equal(sched_core_init(sched_policy_by_name("rr"), &hooks, ncpus, SLICE), 0);
	assert_int_equal(sched_timers_init(ncpus, &hooks), 0);
	assert_int_equal(sched_loop_init(&hooks, ncpus, poll), 0);
}

static void add(struct fent *f, uint64_t aff, enum sched_state next)
{
	memset(f, 0, sizeof(*f));
	f->next = next;
	sched_entity_init(&f->se, &fent_ops, aff, 0, f, "f");
	assert_int_equal(sched_add(&f->se), 0);
}

static void test_init_args(void **state)
{
	const struct sched_hooks no_idle = { .now = clk, .kick = kick_rec };

	(void)state;
	assert_int_equal(sched_loop_init(NULL, 1, 0), -1);
	assert_int_equal(sched_loop_init(&no_idle, 1, 0), -1);
	assert_int_equal(sched_loop_init(&hooks, 0, 0), -1);
	assert_int_equal(sched_loop_init(&hooks, SCHED_MAX_CPUS + 1, 0), -1);
	assert_int_equal(sched_loop_init(&hooks, 1, 0), 0);
}

static void test_runs_with_policy_slice(void **state)
{
	struct fent a;

	(void)state;
	init(1, POLL);
	add(&a, BIT(0), SCHED_RUNNABLE);
	assert_true(sched_loop_once(0));
	assert_int_equal(a.runs, 1);
	assert_int_equal(a.last_slice, SLICE);
	assert_int_equal(fake_now, 1000 + SLICE);
	assert_int_equal(irq_passes, 1);
	assert_int_equal(idles, 0);
	assert_int_equal(sched_nr_live(), 1);
	sched_print_entity(&a.se);
	assert_int_equal(printed, 1);
}

static unsigned fires;

static void count_fire(struct sched_timer *t, uint64_t now)
{
	(void)t;
	(void)now;
	fires++;
}

static struct sched_timer *poll_arms;

static void poll_arm(void)
{
	sched_timer_arm(poll_arms, fake_self, fake_now);
}

static void test_timer_needs_callback(void **state)
{
	struct sched_timer t;

	(void)state;
	init(1, POLL);
	sched_timer_init(&t, NULL, NULL);
	EXPECT_PANIC(sched_timer_arm(&t, 0, fake_now + 30));
}

static void test_slice_cut_short(void **state)
{
	struct fent a;
	struct sched_timer t;

	(void)state;
	init(1, POLL);
	fires = 0;
	add(&a, BIT(0), SCHED_RUNNABLE);
	sched_timer_init(&t, count_fire, NULL);
	sched_timer_arm(&t, 0, fake_now + 30);
	assert_true(sched_loop_once(0));
	assert_int_equal(a.last_slice, 30);
	assert_int_equal(fires, 0);
	assert_true(sched_loop_once(0)); /* fires, then a full slice */
	assert_int_equal(fires, 1);
	assert_int_equal(a.last_slice, SLICE);
	/* Due before the pick: fired first, then a full slice. */
	sched_timer_arm(&t, 0, fake_now);
	fake_now += 5;
	assert_true(sched_loop_once(0));
	assert_int_equal(fires, 2);
	assert_int_equal(a.last_slice, SLICE);
	/* Due by the time the run starts: the smallest slice. */
	poll_arms = &t;
	sched_loop_set_poll(0, poll_arm);
	assert_true(sched_loop_once(0));
	assert_int_equal(a.last_slice, 1);
	sched_loop_set_poll(0, NULL);
	assert_true(sched_loop_once(0));
	assert_int_equal(fires, 3);
	assert_int_equal(a.last_slice, SLICE);
}

/* The waking timer of a blocked entity, as a virtual PC arms it. */
static void wake_fire(struct sched_timer *t, uint64_t now)
{
	(void)now;
	sched_wake(t->data);
}

static void test_timer_wakes_blocked_entity(void **state)
{
	struct fent a;
	struct sched_timer t;

	(void)state;
	init(1, POLL);
	add(&a, BIT(0), SCHED_BLOCKED);
	a.work = 10;
	sched_timer_init(&t, wake_fire, &a.se);
	a.arm_during = &t;
	a.arm_at = fake_now + 500;
	assert_true(sched_loop_once(0)); /* runs, blocks, arms */
	assert_int_equal(a.runs, 1);
	a.arm_during = NULL;
	assert_int_equal(sched_timer_cpu(&t), 0);
	assert_true(sched_loop_once(0)); /* nothing: idle until the timer */
	assert_int_equal(idles, 1);
	assert_int_equal(idle_until[0], 1500);
	assert_int_equal(fake_now, 1500);
	assert_true(sched_loop_once(0)); /* fires, wakes, runs */
	assert_int_equal(a.runs, 2);
	assert_int_equal(idles, 1);
}

static void test_idle_waits(void **state)
{
	struct sched_timer t;

	(void)state;
	fires = 0;
	init(2, POLL);
	fake_self = 1;
	assert_true(sched_loop_once(1)); /* the idle-pull poll */
	assert_int_equal(idle_until[0], 1000 + POLL);
	sched_timer_init(&t, count_fire, NULL);
	sched_timer_arm(&t, 1, fake_now + 200);
	assert_true(sched_loop_once(1)); /* the timer comes first */
	assert_int_equal(idle_until[1], fake_now);
	assert_int_equal(fires, 0);
	assert_true(sched_loop_once(1));
	assert_int_equal(fires, 1);
	/* No poll, no timer: only a kick ends the idle. */
	init(2, 0);
	fake_self = 1;
	assert_true(sched_loop_once(1));
	assert_int_equal(idle_until[0], UINT64_MAX);
}

static void test_poll_hook(void **state)
{
	(void)state;
	init(2, POLL);
	sched_loop_set_poll(0, poll_fn);
	fake_self = 1;
	assert_true(sched_loop_once(1));
	assert_int_equal(polls, 0);
	fake_self = 0;
	assert_true(sched_loop_once(0));
	assert_int_equal(polls, 1);
	assert_int_equal(irq_passes, 2);
	sched_loop_set_poll(0, NULL);
	sched_loop_once(0);
	assert_int_equal(polls, 1);
	EXPECT_PANIC(sched_loop_set_poll(2, poll_fn));
	EXPECT_PANIC(sched_loop_once(2));
}

/* With a chore gap the poll hook (and the console pump) run at most once
 * per gap on a pCPU; without one, on every pass. */
static void test_chore_gap(void **state)
{
	(void)state;
	init(1, 0);
	sched_loop_set_poll(0, poll_fn);
	sched_loop_set_chore_gap(100);
	fake_now = 1000;
	sched_loop_once(0);
	assert_int_equal(polls, 1);
	fake_now = 1099;
	sched_loop_once(0);
	assert_int_equal(polls, 1);
	fake_now = 1100;
	sched_loop_once(0);
	assert_int_equal(polls, 2);
	sched_loop_set_chore_gap(0);
	sched_loop_once(0);
	sched_loop_once(0);
	assert_int_equal(polls, 4);
	sched_loop_set_poll(0, NULL);
}

static void test_should_yield(void **state)
{
	struct fent a, b;
	struct sched_timer t;

	(void)state;
	init(1, POLL);
	add(&a, BIT(0), SCHED_RUNNABLE);
	a.check_yield = true;
	assert_true(sched_loop_once(0));
	assert_false(a.yield_seen);
	/* A timer armed during the run, due before it ends. */
	sched_timer_init(&t, count_fire, NULL);
	a.arm_during = &t;
	a.arm_at = fake_now + SLICE / 2;
	assert_true(sched_loop_once(0));
	assert_true(a.yield_seen);
	/* Armed at dispatch, due after the slice: no reason to yield. */
	a.arm_during = NULL;
	sched_timer_arm(&t, 0, fake_now + 10 * SLICE);
	assert_true(sched_loop_once(0));
	assert_false(a.yield_seen);
	assert_int_equal(a.last_slice, SLICE);
	/* Another entity waiting. */
	add(&b, BIT(0), SCHED_RUNNABLE);
	assert_true(sched_loop_once(0));
	assert_true(a.yield_seen);
	assert_int_equal(b.runs, 0);
	assert_true(sched_timer_cancel(&t));
}

/* From pCPU 1's idle: the boot CPU leaves only when nothing is left. */
static bool boot_cpu_pass(unsigned cpu)
{
	unsigned saved = fake_self;
	bool more;

	assert_int_equal(cpu, 1);
	fake_self = 0;
	more = sched_loop_once(0);
	fake_self = saved;
	return more;
}

static void test_boot_cpu_leaves(void **state)
{
	struct fent a;

	(void)state;
	init(2, POLL);
	add(&a, BIT(0), SCHED_STOPPED);
	/* pCPU 1 is not idle yet: the boot CPU idles. */
	assert_true(sched_loop_once(0));	/* runs a, which stops */
	assert_int_equal(a.runs, 1);
	assert_int_equal(sched_nr_live(), 0);
	assert_true(sched_loop_once(0));	/* pCPU 1 busy: idle */
	assert_int_equal(idles, 1);
	/* While pCPU 1 idles, the boot CPU's pass says it is done. */
	while_idle = boot_cpu_pass;
	fake_self = 1;
	assert_true(sched_loop_once(1));
	assert_false(while_idle_result);
	/* A live entity keeps it in the loop. */
	add(&a, BIT(1), SCHED_BLOCKED);
	while_idle = NULL;
	fake_self = 0;
	assert_true(sched_loop_once(0));
	sched_stop(&a.se);
	assert_int_equal(sched_nr_live(), 0);
	/* One pCPU: done at once. */
	init(1, POLL);
	assert_false(sched_loop_once(0));
	sched_cpu_loop(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_args),
		cmocka_unit_test(test_runs_with_policy_slice),
		cmocka_unit_test(test_timer_needs_callback),
		cmocka_unit_test(test_slice_cut_short),
		cmocka_unit_test(test_timer_wakes_blocked_entity),
		cmocka_unit_test(test_idle_waits),
		cmocka_unit_test(test_poll_hook),
		cmocka_unit_test(test_chore_gap),
		cmocka_unit_test(test_should_yield),
		cmocka_unit_test(test_boot_cpu_leaves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
