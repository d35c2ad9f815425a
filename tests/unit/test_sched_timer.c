// UNIT-SOURCES: sched/timer.c
/* The per-pCPU deadline queues: order, expiry exactly at the deadline,
 * cancel, re-arm (also onto another pCPU), ties, many timers, callbacks
 * that re-arm or cancel, kicks for a remote pCPU's new first timer, the
 * per-pCPU separation, and arm/cancel racing the firing pCPU in threads. */
#include <pthread.h>
#include <stdlib.h>

#include "sched/timer.h"
#include "lib/printk.h"
#include "tests/unit/fakes.h"

#define NCPU 4

static unsigned fake_self;
static unsigned kicks[SCHED_MAX_CPUS];

static uint64_t clk(void) { return 0; }
static unsigned self(void) { return fake_self; }
static void kick_rec(unsigned cpu) { kicks[cpu]++; }

static const struct sched_hooks hooks = { .now = clk, .kick = kick_rec, .this_cpu = self };

/* What fired, in order. */
static struct sched_timer *fired[4096];
static uint64_t fired_now[4096];
static unsigned nfired;

static void record(struct sched_timer *t, uint64_t now)
{
	assert_true(nfired < 4096);
	assert_int_equal(sched_timer_cpu(t), SCHED_CPU_NONE);
	assert_true(now >= sched_timer_deadline(t));
	fired_now[nfired] = now;
	fired[nfired++] = t;
}

static int setup(void **state)
{
	(void)state;
	fake_self = 0;
	nfired = 0;
	memset(kicks, 0, sizeof(kicks));
	assert_int_equal(sched_timers_init(NCPU, &hooks), 0);
	return 0;
}

static void test_init_args(void **state)
{
	const struct sched_hooks no_kick = { .now = clk };

	(void)state;
	assert_int_equal(sched_timers_init(0, &hooks), -1);
	assert_int_equal(sched_timers_init(SCHED_MAX_CPUS + 1, &hooks), -1);
	assert_int_equal(sched_timers_init(1, NULL), -1);
	assert_int_equal(sched_timers_init(1, &no_kick), -1);
	assert_int_equal(sched_timers_init(SCHED_MAX_CPUS, &hooks), 0);
	assert_int_equal(sched_timer_next(SCHED_MAX_CPUS - 1), SCHED_TIMER_NONE);
}

static void test_order(void **state)
{
	struct sched_timer a, b, c;

	(void)state;
	sched_timer_init(&a, record, NULL);
	sched_timer_init(&b, record, NULL);
	sched_timer_init(&c, record, NULL);
	assert_int_equal(sched_timer_cpu(&a), SCHED_CPU_NONE);
	assert_int_equal(sched_timer_next(0), SCHED_TIMER_NONE);
	sched_timer_arm(&c, 0, 30);
	sched_timer_arm(&a, 0, 10);
	sched_timer_arm(&b, 0, 20);
	assert_int_equal(sched_timer_cpu(&a), 0);
	assert_int_equal(sched_timer_next(0), 10);
	assert_int_equal(sched_timer_run(0, 25), 2);
	assert_int_equal(nfired, 2);
	assert_ptr_equal(fired[0], &a);
	assert_ptr_equal(fired[1], &b);
	assert_int_equal(fired_now[0], 25);
	assert_int_equal(sched_timer_next(0), 30);
	assert_int_equal(sched_timer_run(0, 1000), 1);
	assert_ptr_equal(fired[2], &c);
	assert_int_equal(sched_timer_next(0), SCHED_TIMER_NONE);
	assert_int_equal(sched_timer_run(0, 2000), 0);
}

static void test_expiry_exactly_at_deadline(void **state)
{
	struct sched_timer a;

	(void)state;
	sched_timer_init(&a, record, NULL);
	sched_timer_arm(&a, 1, 100);
	assert_int_equal(sched_timer_run(1, 99), 0);
	assert_int_equal(sched_timer_cpu(&a), 1);
	assert_int_equal(sched_timer_run(1, 100), 1);
	assert_int_equal(fired_now[0], 100);
	/* A deadline already past fires at the next run. */
	sched_timer_arm(&a, 1, 5);
	assert_int_equal(sched_timer_run(1, 100), 1);
	/* Deadline 0 as well. */
	sched_timer_arm(&a, 1, 0);
	assert_int_equal(sched_timer_run(1, 0), 1);
	assert_int_equal(nfired, 3);
}

static void test_cancel(void **state)
{
	struct sched_timer a, b, c;

	(void)state;
	sched_timer_init(&a, record, NULL);
	sched_timer_init(&b, record, NULL);
	sched_timer_init(&c, record, NULL);
	assert_false(sched_timer_cancel(&a)); /* never armed */
	sched_timer_arm(&a, 0, 10);
	sched_timer_arm(&b, 0, 20);
	sched_timer_arm(&c, 0, 30);
	assert_true(sched_timer_cancel(&b)); /* from the middle */
	assert_int_equal(sched_timer_cpu(&b), SCHED_CPU_NONE);
	assert_false(sched_timer_cancel(&b));
	assert_int_equal(sched_timer_next(0), 10);
	assert_true(sched_timer_cancel(&a)); /* the first: next moves on */
	assert_int_equal(sched_timer_next(0), 30);
	assert_int_equal(sched_timer_run(0, 100), 1);
	assert_ptr_equal(fired[0], &c);
	assert_false(sched_timer_cancel(&c)); /* already fired */
	sched_timer_cancel_sync(&c);	      /* nothing to wait for */
	sched_timer_arm(&a, 2, 10);
	sched_timer_cancel_sync(&a);
	assert_int_equal(sched_timer_cpu(&a), SCHED_CPU_NONE);
	assert_int_equal(sched_timer_run(2, 100), 0);
	assert_int_equal(nfired, 1);
}

static void test_rearm(void **state)
{
	struct sched_timer a, b;

	(void)state;
	sched_timer_init(&a, record, NULL);
	sched_timer_init(&b, record, NULL);
	sched_timer_arm(&a, 0, 10);
	sched_timer_arm(&b, 0, 20);
	sched_timer_arm(&a, 0, 50); /* later: behind b */
	assert_int_equal(sched_timer_deadline(&a), 50);
	assert_int_equal(sched_timer_next(0), 20);
	assert_int_equal(sched_timer_run(0, 20), 1);
	assert_ptr_equal(fired[0], &b);
	sched_timer_arm(&a, 0, 5); /* earlier */
	assert_int_equal(sched_timer_next(0), 5);
	/* Onto another pCPU: it leaves the first queue. */
	sched_timer_arm(&a, 3, 40);
	assert_int_equal(sched_timer_cpu(&a), 3);
	assert_int_equal(sched_timer_next(0), SCHED_TIMER_NONE);
	assert_int_equal(sched_timer_next(3), 40);
	assert_int_equal(sched_timer_run(0, 1000), 0);
	assert_int_equal(sched_timer_run(3, 1000), 1);
	assert_ptr_equal(fired[1], &a);
	assert_int_equal(nfired, 2);
}

static void test_ties_fire_in_arming_order(void **state)
{
	struct sched_timer t[5];

	(void)state;
	for (unsigned i = 0; i < 5; i++) {
		sched_timer_init(&t[i], record, NULL);
		sched_timer_arm(&t[i], 0, i == 2 ? 5 : 7);
	}
	assert_int_equal(sched_timer_run(0, 7), 5);
	assert_ptr_equal(fired[0], &t[2]);
	assert_ptr_equal(fired[1], &t[0]);
	assert_ptr_equal(fired[2], &t[1]);
	assert_ptr_equal(fired[3], &t[3]);
	assert_ptr_equal(fired[4], &t[4]);
}

static void test_per_cpu_separation(void **state)
{
	struct sched_timer t[NCPU];

	(void)state;
	for (unsigned c = 0; c < NCPU; c++) {
		sched_timer_init(&t[c], record, NULL);
		sched_timer_arm(&t[c], c, 10 * (c + 1));
	}
	for (unsigned c = 0; c < NCPU; c++)
		assert_int_equal(sched_timer_next(c), 10 * (c + 1));
	assert_int_equal(sched_timer_run(2, 1000), 1);
	assert_ptr_equal(fired[0], &t[2]);
	for (unsigned c = 0; c < NCPU; c++)
		assert_int_equal(sched_timer_next(c), c == 2 ? SCHED_TIMER_NONE
							     : 10 * (c + 1));
	assert_int_equal(sched_timer_run(0, 1000), 1);
	assert_int_equal(sched_timer_run(1, 1000), 1);
	assert_int_equal(sched_timer_run(3, 1000), 1);
	assert_int_equal(nfired, NCPU);
	EXPECT_PANIC(sched_timer_arm(&t[0], NCPU, 1));
	EXPECT_PANIC(sched_timer_run(NCPU, 1));
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* 1000 timers with random deadlines, a third cancelled and a third
 * re-armed, run in growing steps: each fires once, in deadline order,
 * never early, never late. */
static void test_many(void **state)
{
	enum { N = 1000 };
	static struct sched_timer t[N];
	static bool cancelled[N];
	uint64_t seed = 12345, last = 0;
	unsigned expect = 0;

	(void)state;
	for (unsigned i = 0; i < N; i++) {
		sched_timer_init(&t[i], record, NULL);
		sched_timer_arm(&t[i], 1, xorshift(&seed) % 100000);
		cancelled[i] = false;
	}
	for (unsigned i = 0; i < N; i += 3) {
		assert_true(sched_timer_cancel(&t[i]));
		cancelled[i] = true;
	}
	for (unsigned i = 1; i < N; i += 3)
		sched_timer_arm(&t[i], 1, xorshift(&seed) % 100000);
	for (unsigned i = 0; i < N; i++)
		expect += !cancelled[i];
	for (uint64_t now = 0; now <= 100000; now += 997) {
		unsigned before = nfired;

		sched_timer_run(1, now);
		for (unsigned k = before; k < nfired; k++) {
			uint64_t d = sched_timer_deadline(fired[k]);

			assert_true(d <= now);
			assert_true(d + 997 > now); /* not left behind */
			assert_true(d >= last);
			last = d;
		}
		assert_true(sched_timer_next(1) > now);
	}
	sched_timer_run(1, UINT64_MAX - 1);
	assert_int_equal(nfired, expect);
	for (unsigned k = 0; k < nfired; k++)
		assert_false(cancelled[fired[k] - t]);
	for (unsigned k = 0; k < nfired; k++)
		for (unsigned j = k + 1; j < nfired; j++)
			assert_ptr_not_equal(fired[k], fired[j]);
}

static void test_kicks(void **state)
{
	struct sched_timer a, b, c;

	(void)state;
	sched_timer_init(&a, record, NULL);
	sched_timer_init(&b, record, NULL);
	sched_timer_init(&c, record, NULL);
	fake_self = 0;
	sched_timer_arm(&a, 0, 10);	/* on this pCPU: no kick */
	assert_int_equal(kicks[0], 0);
	sched_timer_arm(&b, 1, 50);	/* first on pCPU 1 */
	assert_int_equal(kicks[1], 1);
	sched_timer_arm(&c, 1, 60);	/* behind it: pCPU 1 wakes in time */
	assert_int_equal(kicks[1], 1);
	sched_timer_arm(&c, 1, 40);	/* now first */
	assert_int_equal(kicks[1], 2);
	fake_self = 1;
	sched_timer_arm(&b, 1, 30);	/* pCPU 1 arming its own */
	assert_int_equal(kicks[1], 2);
	assert_true(sched_timer_cancel(&b));
	assert_true(sched_timer_cancel(&c));
	assert_int_equal(kicks[0], 0);
}

/* ---- callbacks that arm and cancel --------------------------------------- */

static struct sched_timer *victim;
static unsigned periodic_runs;

static void periodic(struct sched_timer *t, uint64_t now)
{
	periodic_runs++;
	/* Due again at once: waits for the next run, no endless loop. */
	sched_timer_arm(t, 0, now);
}

static void canceller(struct sched_timer *t, uint64_t now)
{
	record(t, now);
	assert_true(sched_timer_cancel(victim)); /* due, not started */
}

static void test_callbacks(void **state)
{
	struct sched_timer p, k, v;

	(void)state;
	periodic_runs = 0;
	sched_timer_init(&p, periodic, NULL);
	sched_timer_arm(&p, 0, 10);
	assert_int_equal(sched_timer_run(0, 10), 1);
	assert_int_equal(periodic_runs, 1);
	assert_int_equal(sched_timer_cpu(&p), 0);
	assert_int_equal(sched_timer_next(0), 10);
	assert_int_equal(sched_timer_run(0, 11), 1);
	assert_int_equal(periodic_runs, 2);
	sched_timer_cancel_sync(&p);
	assert_int_equal(sched_timer_next(0), SCHED_TIMER_NONE);

	/* k fires first and cancels v, which was due in the same run. */
	sched_timer_init(&k, canceller, NULL);
	sched_timer_init(&v, record, &k);
	assert_ptr_equal(v.data, &k);
	victim = &v;
	sched_timer_arm(&k, 2, 5);
	sched_timer_arm(&v, 2, 6);
	assert_int_equal(sched_timer_run(2, 10), 1);
	assert_int_equal(nfired, 1);
	assert_ptr_equal(fired[0], &k);
	assert_int_equal(sched_timer_cpu(&v), SCHED_CPU_NONE);
}

/* ---- threads: arm and cancel from others while the owner fires ---------- */

#define TH_TIMERS 64
#define TH_ITERS 20000

static struct sched_timer th[TH_TIMERS];
static unsigned th_fired[TH_TIMERS];
static unsigned th_bad;
static volatile bool th_stop;
static uint64_t th_clock;

static void th_fire(struct sched_timer *t, uint64_t now)
{
	unsigned i = (unsigned)(t - th);

	/* (Its cpu and deadline may already be an armer's again.) */
	(void)now;
	if (i >= TH_TIMERS || __atomic_load_n(&t->running, __ATOMIC_SEQ_CST) == 0)
		__atomic_add_fetch(&th_bad, 1, __ATOMIC_SEQ_CST);
	else
		__atomic_add_fetch(&th_fired[i], 1, __ATOMIC_SEQ_CST);
}

static void *th_runner(void *arg)
{
	unsigned cpu = (unsigned)(uintptr_t)arg;

	while (!__atomic_load_n(&th_stop, __ATOMIC_SEQ_CST))
		sched_timer_run(cpu, __atomic_add_fetch(&th_clock, 1, __ATOMIC_SEQ_CST));
	return NULL;
}

static void *th_armer(void *arg)
{
	uint64_t seed = 99 + (uintptr_t)arg;

	for (unsigned n = 0; n < TH_ITERS; n++) {
		struct sched_timer *t = &th[xorshift(&seed) % TH_TIMERS];
		uint64_t now = __atomic_load_n(&th_clock, __ATOMIC_SEQ_CST);

		if (xorshift(&seed) % 3 == 0)
			sched_timer_cancel(t);
		else
			sched_timer_arm(t, (unsigned)(xorshift(&seed) % 2),
					now + xorshift(&seed) % 50);
	}
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t run[2], arm[2];
	unsigned panics = fake_panic_count;

	(void)state;
	th_bad = 0;
	th_stop = false;
	th_clock = 0;
	for (unsigned i = 0; i < TH_TIMERS; i++) {
		sched_timer_init(&th[i], th_fire, NULL);
		th_fired[i] = 0;
	}
	for (unsigned i = 0; i < 2; i++) {
		pthread_create(&run[i], NULL, th_runner, (void *)(uintptr_t)i);
		pthread_create(&arm[i], NULL, th_armer, (void *)(uintptr_t)i);
	}
	for (unsigned i = 0; i < 2; i++)
		pthread_join(arm[i], NULL);
	for (unsigned i = 0; i < TH_TIMERS; i++)
		sched_timer_cancel_sync(&th[i]);
	__atomic_store_n(&th_stop, true, __ATOMIC_SEQ_CST);
	for (unsigned i = 0; i < 2; i++)
		pthread_join(run[i], NULL);
	assert_int_equal(fake_panic_count, panics);
	assert_int_equal(th_bad, 0);
	for (unsigned i = 0; i < TH_TIMERS; i++) {
		assert_int_equal(sched_timer_cpu(&th[i]), SCHED_CPU_NONE);
		assert_int_equal(th[i].running, 0);
	}
	for (unsigned c = 0; c < 2; c++) {
		assert_int_equal(sched_timer_next(c), SCHED_TIMER_NONE);
		assert_int_equal(sched_timer_run(c, UINT64_MAX - 1), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_args, setup),
		cmocka_unit_test_setup(test_order, setup),
		cmocka_unit_test_setup(test_expiry_exactly_at_deadline, setup),
		cmocka_unit_test_setup(test_cancel, setup),
		cmocka_unit_test_setup(test_rearm, setup),
		cmocka_unit_test_setup(test_ties_fire_in_arming_order, setup),
		cmocka_unit_test_setup(test_per_cpu_separation, setup),
		cmocka_unit_test_setup(test_many, setup),
		cmocka_unit_test_setup(test_kicks, setup),
		cmocka_unit_test_setup(test_callbacks, setup),
		cmocka_unit_test_setup(test_threads, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
