// UNIT-SOURCES: sched/core.c sched/policy_rr.c sched/policy_fair.c
/* The ticket lock and the scheduler under real concurrency: host threads
 * stand in for pCPUs and call sched_pick/put/wake/stop at the same time.
 * Threads record errors (cmocka asserts are not thread-safe); the main
 * thread asserts on them after joining. */
#define _GNU_SOURCE /* sched_getaffinity */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sched/policy.h"
#include "lib/printk.h"
#include "tests/unit/fakes.h"

static unsigned errors;
static char first_error[160];

static void report(const char *what, unsigned a)
{
	if (__atomic_fetch_add(&errors, 1, __ATOMIC_SEQ_CST) == 0)
		snprintf(first_error, sizeof(first_error), "%s (%u)", what, a);
}

static unsigned panics_before;

static void reset_errors(void)
{
	errors = 0;
	panics_before = fake_panic_count;
}

/* Also catches a panic in a thread, which the fake cannot report there. */
static void check_no_errors(void)
{
	if (fake_panic_count != panics_before)
		fail_msg("panic in a thread: %s", fake_panic_msg);
	if (__atomic_load_n(&errors, __ATOMIC_SEQ_CST))
		fail_msg("%u error(s), first: %s", errors, first_error);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static double wall_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* With a single host core, a thread descheduled while holding or queued
 * for a ticket lock stalls the other for a whole host time slice: do less
 * work there (the interleavings still happen, only slower). */
static unsigned host_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return (unsigned)CPU_COUNT(&set);
}

/* Runs fn(0..n-1) in threads and joins them.  A deadlock, or a panic in a
 * thread (which leaves its locks held: cmocka cannot fail a test from
 * another thread), would hang the test: give up after a minute and end
 * the binary, which the runner counts as a failure. */
static void run_threads(unsigned n, void *(*fn)(void *))
{
	pthread_t t[8];
	struct timespec deadline;

	for (uintptr_t i = 0; i < n; i++)
		assert_int_equal(pthread_create(&t[i], NULL, fn, (void *)i), 0);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 60;
	for (unsigned i = 0; i < n; i++) {
		if (pthread_timedjoin_np(t[i], NULL, &deadline) != 0) {
			fprintf(stderr, "threads stuck after 60 s (deadlock?); "
				"%u panic(s), last: %s\n", fake_panic_count,
				fake_panic_msg);
			abort();
		}
	}
}

/* ---- spinlock --------------------------------------------------------- */

static struct spinlock lock = SPINLOCK_INIT;
static volatile uint64_t counter;
#define LOCK_ITERS 50000

static void *lock_worker(void *arg)
{
	bool use_try = (uintptr_t)arg & 1;

	for (unsigned i = 0; i < LOCK_ITERS; i++) {
		if (use_try) {
			while (!spin_trylock(&lock))
				cpu_relax();
		} else {
			spin_lock(&lock);
		}
		/* A non-atomic read-modify-write: lost updates show a
		 * broken lock. */
		uint64_t v = counter;

		if (i % 64 == 0)
			cpu_relax();
		counter = v + 1;
		spin_unlock(&lock);
	}
	return NULL;
}

static void test_spinlock_excludes(void **state)
{
	(void)state;
	spin_init(&lock);
	counter = 0;
	run_threads(2, lock_worker);
	assert_int_equal(counter, 2ULL * LOCK_ITERS);
	assert_false(spin_is_locked(&lock));
}

static void test_spinlock_trylock_and_wrap(void **state)
{
	struct spinlock l = SPINLOCK_INIT;

	(void)state;
	assert_true(spin_trylock(&l));
	assert_true(spin_is_locked(&l));
	assert_false(spin_trylock(&l));
	spin_unlock(&l);
	assert_false(spin_is_locked(&l));
	/* Tickets wrap at 2^32. */
	l.next = l.owner = UINT32_MAX - 1;
	for (unsigned i = 0; i < 4; i++) {
		spin_lock(&l);
		assert_false(spin_trylock(&l));
		spin_unlock(&l);
	}
	assert_int_equal(l.owner, 2);
	assert_true(spin_trylock(&l));
	spin_unlock(&l);
}

/* ---- scheduler stress ----------------------------------------------------
 * NCPU simulated pCPUs served by NTHR threads (pCPU c by thread c % NTHR).
 * Checks: never on two pCPUs, never outside affinity, never picked after
 * sched_stop() returned, counts consistent, nobody lost. */

#define NCPU 4
#define NTHR 2
#define NENT 12
#define NSTOP 3		/* entities 0..NSTOP-1 get stopped on the way */
#define ITERS 15000
static unsigned iters;

struct tent {
	struct sched_entity se;
	int on;			/* pCPU running it, -1 (atomic) */
	uint64_t stop_ticket;	/* ticket when sched_stop() returned */
};

static struct tent ents[NENT];
static uint64_t fake_clock, ticket;
static unsigned kicks[NCPU];
static __thread unsigned tl_cpu = SCHED_CPU_NONE;

static uint64_t clk(void)
{
	return __atomic_add_fetch(&fake_clock, 1, __ATOMIC_SEQ_CST);
}

static void kick(unsigned cpu)
{
	if (cpu >= NCPU)
		report("kick of a pCPU that does not exist", cpu);
	else
		__atomic_add_fetch(&kicks[cpu], 1, __ATOMIC_RELAXED);
}

static unsigned self(void) { return tl_cpu; }

static const struct sched_hooks hooks = { .now = clk, .kick = kick, .this_cpu = self };

static void on_pick(unsigned c, struct tent *e, uint64_t t)
{
	int idle = -1;

	if (!(e->se.affinity & BIT(c)))
		report("picked outside its affinity", c);
	if (!__atomic_compare_exchange_n(&e->on, &idle, (int)c, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		report("picked while running on another pCPU", (unsigned)idle);
	if (__atomic_load_n(&e->stop_ticket, __ATOMIC_SEQ_CST) < t)
		report("picked after sched_stop() returned", c);
	if (READ_ONCE(e->se.state) != SCHED_RUNNING)
		report("picked but not RUNNING", READ_ONCE(e->se.state));
}

static void on_put(unsigned c, struct tent *e, uint64_t *seed)
{
	int me = (int)c;

	if (!__atomic_compare_exchange_n(&e->on, &me, -1, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		report("running entity moved", c);
	sched_put(c, &e->se, xorshift(seed) % 100 < 65 ? SCHED_RUNNABLE
						     : SCHED_BLOCKED);
}

static void random_stop(uint64_t *seed)
{
	struct tent *e = &ents[xorshift(seed) % NSTOP];

	sched_stop(&e->se);
	if (__atomic_load_n(&e->stop_ticket, __ATOMIC_SEQ_CST) == UINT64_MAX)
		__atomic_store_n(&e->stop_ticket,
				 __atomic_fetch_add(&ticket, 1, __ATOMIC_SEQ_CST),
				 __ATOMIC_SEQ_CST);
}

static void *cpu_worker(void *arg)
{
	unsigned k = (unsigned)(uintptr_t)arg;
	struct tent *cur[NCPU] = { NULL };
	uint64_t seed = 0x9e3779b97f4a7c15ULL * (k + 1);

	for (unsigned it = 0; it < iters; it++) {
		for (unsigned c = k; c < NCPU; c += NTHR) {
			struct sched_entity *se;
			uint64_t t;

			tl_cpu = c;
			if (cur[c]) {
				if (xorshift(&seed) % 4 == 0)
					sched_wake(&ents[xorshift(&seed) % NENT].se);
				if (it > iters / 4 && xorshift(&seed) % 500 == 0)
					random_stop(&seed);
				on_put(c, cur[c], &seed);
				cur[c] = NULL;
			}
			t = __atomic_load_n(&ticket, __ATOMIC_SEQ_CST);
			se = sched_pick(c);
			if (se) {
				cur[c] = container_of(se, struct tent, se);
				on_pick(c, cur[c], t);
			} else {
				sched_wake(&ents[xorshift(&seed) % NENT].se);
			}
		}
	}
	for (unsigned c = k; c < NCPU; c += NTHR) {
		tl_cpu = c;
		if (cur[c]) {
			int me = (int)c;

			__atomic_compare_exchange_n(&cur[c]->on, &me, -1, false,
						    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
			sched_put(c, &cur[c]->se, SCHED_RUNNABLE);
		}
	}
	return NULL;
}

static void stress(const char *policy)
{
	uint64_t seed = 2024, ent_total = 0, busy_total = 0, dispatches = 0;
	uint64_t before[NENT];

	reset_errors();
	fake_clock = 0;
	ticket = 0;
	iters = host_cpus() >= 2 ? ITERS : ITERS / 20;
	memset(kicks, 0, sizeof(kicks));
	assert_int_equal(sched_core_init(sched_policy_by_name(policy), &hooks,
					 NCPU, 50), 0);
	for (unsigned i = 0; i < NENT; i++) {
		uint64_t aff = xorshift(&seed) & (BIT(NCPU) - 1);

		ents[i].on = -1;
		ents[i].stop_ticket = UINT64_MAX;
		sched_entity_init(&ents[i].se, NULL, i % 4 == 3 ? BIT(i % NCPU) : aff ? aff : 1,
				  128 * (1 + i % 4), &ents[i], "t");
		assert_int_equal(sched_add(&ents[i].se), 0);
	}
	run_threads(NTHR, cpu_worker);
	check_no_errors();
	sched_check_all();

	for (unsigned c = 0; c < NCPU; c++) {
		struct sched_cpu_stats cs;

		sched_cpu_get_stats(c, &cs);
		busy_total += cs.busy_ticks;
		dispatches += cs.dispatches;
	}
	for (unsigned i = 0; i < NENT; i++) {
		struct sched_entity_stats st;

		sched_entity_get_stats(&ents[i].se, &st);
		assert_int_not_equal(st.state, SCHED_RUNNING);
		if (ents[i].stop_ticket != UINT64_MAX)
			assert_int_equal(st.state, SCHED_STOPPED);
		ent_total += st.run_ticks;
		before[i] = st.runs;
	}
	assert_int_equal(ent_total, busy_total);
	assert_true(dispatches > iters);

	/* Nobody lost: wake everyone and let each pCPU run full slices in
	 * turn until every live entity ran again.  The bound is generous:
	 * under fair, an entity that ran long (a host thread descheduled
	 * mid-run) first waits until the others have caught up. */
	for (unsigned i = 0; i < NENT; i++)
		sched_wake(&ents[i].se);
	for (unsigned r = 0, missing = NENT; missing && r < 100000; r++) {
		for (unsigned c = 0; c < NCPU; c++) {
			struct sched_entity *se;

			tl_cpu = c;
			se = sched_pick(c);
			if (se) {
				fake_clock += 50;
				sched_put(c, se, SCHED_RUNNABLE);
			}
		}
		missing = 0;
		for (unsigned i = 0; i < NENT; i++)
			missing += ents[i].stop_ticket == UINT64_MAX &&
				   ents[i].se.runs == before[i];
	}
	for (unsigned i = 0; i < NENT; i++) {
		if (ents[i].stop_ticket == UINT64_MAX)
			assert_true(ents[i].se.runs > before[i]);
	}
	sched_check_all();
}

static void test_stress_rr(void **state) { (void)state; stress("rr"); }
static void test_stress_fair(void **state) { (void)state; stress("fair"); }

/* ---- the wake/block race with real threads --------------------------------
 * One entity pinned to pCPU 0 plays a guest that halts whenever it finds no
 * pending event; the other thread posts an event, then wakes it, and waits
 * until the guest has seen it.  A wake lost between "no event, halt" and
 * sched_put(BLOCKED) leaves the entity blocked with the event pending
 * forever. */

#define RACE_ROUNDS 20000
static struct sched_entity guest;
static unsigned event, race_done;

static void *guest_cpu(void *arg)
{
	(void)arg;
	tl_cpu = 0;
	while (!__atomic_load_n(&race_done, __ATOMIC_SEQ_CST)) {
		struct sched_entity *se = sched_pick(0);

		if (!se) {
			sched_yield(); /* the host may have one core */
			continue;
		}
		/* Handle the event if there is one, then halt; the pauses
		 * stand for the exit handling that widens the race window. */
		__atomic_exchange_n(&event, 0, __ATOMIC_SEQ_CST);
		for (unsigned i = 0; i < 16; i++)
			cpu_relax();
		sched_put(0, se, SCHED_BLOCKED);
	}
	return NULL;
}

static void *device(void *arg)
{
	(void)arg;
	tl_cpu = 1;
	for (unsigned i = 0; i < RACE_ROUNDS; i++) {
		double deadline = wall_seconds() + 5.0;

		__atomic_store_n(&event, 1, __ATOMIC_SEQ_CST);
		sched_wake(&guest);
		while (__atomic_load_n(&event, __ATOMIC_SEQ_CST)) {
			if (wall_seconds() > deadline) {
				report("lost wake-up in round", i);
				goto out;
			}
			sched_yield();
		}
	}
out:
	__atomic_store_n(&race_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void *race_thread(void *arg)
{
	return (uintptr_t)arg ? device(arg) : guest_cpu(arg);
}

static void test_wake_block_race_threads(void **state)
{
	struct sched_entity_stats st;

	(void)state;
	reset_errors();
	race_done = 0;
	event = 0;
	assert_int_equal(sched_core_init(&sched_rr_ops, &hooks, 2, 50), 0);
	sched_entity_init(&guest, NULL, BIT(0), 0, NULL, "guest");
	assert_int_equal(sched_add(&guest), 0);
	run_threads(2, race_thread);
	check_no_errors();
	sched_entity_get_stats(&guest, &st);
	/* Both outcomes of the race happened: woken from BLOCKED, and a
	 * block cancelled by a wake that came while it was running. */
	assert_true(st.wakeups > 0);
	assert_true(st.runs >= RACE_ROUNDS);
	print_message("race: %llu wake-ups, %llu early\n",
		      (unsigned long long)st.wakeups,
		      (unsigned long long)st.wakes_early);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spinlock_excludes),
		cmocka_unit_test(test_spinlock_trylock_and_wrap),
		cmocka_unit_test(test_stress_rr),
		cmocka_unit_test(test_stress_fair),
		cmocka_unit_test(test_wake_block_race_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
