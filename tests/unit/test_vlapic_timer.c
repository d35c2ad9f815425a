// UNIT-SOURCES: guest/dev/vlapic.c guest/dev/vlapic_timer.c guest/dev/vlapic_ipi.c tests/unit/vlapic_fixture.c
/* Virtual LAPIC timer on a fake clock: one-shot, periodic (with late
 * expiries coalesced and a minimum period), TSC-deadline, and every
 * divide value, also changed while the timer runs.  The four fake vCPUs
 * are in vlapic_fixture.c. */
#include "tests/unit/vlapic_fixture.h"

/* ---- timer ---- */

static void test_timer_oneshot(void **state)
{
	(void)state;
	struct vlapic *l = &E->cpu[0];
	uint64_t t0 = E->now;

	enable_all();
	wr(0, APIC_REG_TDCR, 0xb); /* divide by 1 */
	wr(0, APIC_REG_LVT_TIMER, 0x40);
	wr(0, APIC_REG_TMICT, 1000);
	assert_true(E->armed[0]);
	assert_int_equal(E->deadline[0], t0 + 10000);
	assert_int_equal(rd(0, APIC_REG_TMCCT), 1000);
	E->now = t0 + 5000;
	assert_int_equal(rd(0, APIC_REG_TMCCT), 500);
	vlapic_timer_expired(l, E->now); /* early: re-armed, nothing fired */
	assert_false(in_irr(0, 0x40));
	assert_int_equal(E->deadline[0], t0 + 10000);
	E->now = t0 + 9999;
	assert_int_equal(rd(0, APIC_REG_TMCCT), 1);
	E->now = t0 + 10000;
	assert_int_equal(rd(0, APIC_REG_TMCCT), 0);
	vlapic_timer_expired(l, E->now);
	assert_true(in_irr(0, 0x40));
	assert_int_equal(l->timer.fired, 1);
	vlapic_ack(l, 0x40);
	wr(0, APIC_REG_EOI, 0);
	/* Once only. */
	E->now += 100000;
	vlapic_timer_expired(l, E->now);
	assert_false(in_irr(0, 0x40));
	assert_int_equal(rd(0, APIC_REG_TMCCT), 0);
	assert_int_equal(rd(0, APIC_REG_TMICT), 1000);
	/* Writing 0 stops a running timer. */
	wr(0, APIC_REG_TMICT, 50);
	assert_true(E->armed[0]);
	wr(0, APIC_REG_TMICT, 0);
	assert_false(E->armed[0]);
	assert_int_equal(rd(0, APIC_REG_TMCCT), 0);
}

static void test_timer_periodic(void **state)
{
	(void)state;
	struct vlapic *l = &E->cpu[1];
	uint64_t t0 = E->now, period = 2000000; /* 100000 counts at /2 */

	enable_all();
	wr(1, APIC_REG_TDCR, 0x0); /* divide by 2 */
	wr(1, APIC_REG_LVT_TIMER, (APIC_TIMER_PERIODIC << 17) | 0x41);
	wr(1, APIC_REG_TMICT, 100000);
	assert_int_equal(E->deadline[1], t0 + period);
	for (unsigned k = 1; k <= 3; k++) {
		E->now = t0 + k * period;
		vlapic_timer_expired(l, E->now);
		assert_true(in_irr(1, 0x41));
		vlapic_ack(l, 0x41);
		wr(1, APIC_REG_EOI, 0);
		assert_int_equal(E->deadline[1], t0 + (k + 1) * period);
		assert_int_equal(rd(1, APIC_REG_TMCCT), 100000);
	}
	E->now += period / 4;
	assert_int_equal(rd(1, APIC_REG_TMCCT), 75000);
	/* Late by 2.5 periods: one interrupt, two coalesced, back in phase. */
	E->now = t0 + 6 * period + period / 2;
	vlapic_timer_expired(l, E->now);
	assert_true(in_irr(1, 0x41));
	assert_int_equal(l->timer.coalesced, 2);
	assert_int_equal(E->deadline[1], t0 + 7 * period);
	assert_int_equal(l->timer.fired, 4);
	/* Masked: keeps counting and re-arming, delivers nothing. */
	vlapic_ack(l, 0x41);
	wr(1, APIC_REG_LVT_TIMER, APIC_LVT_MASKED | (APIC_TIMER_PERIODIC << 17) | 0x41);
	E->now = t0 + 7 * period;
	vlapic_timer_expired(l, E->now);
	assert_false(in_irr(1, 0x41));
	assert_true(E->armed[1]);
	assert_int_equal(E->deadline[1], t0 + 8 * period);
	/* Periodic -> one-shot: the running period ends the timer. */
	wr(1, APIC_REG_LVT_TIMER, 0x41);
	E->now = t0 + 8 * period;
	vlapic_timer_expired(l, E->now);
	assert_true(in_irr(1, 0x41));
	assert_false(l->timer.armed);
}

static void test_timer_periodic_flood_coalesced(void **state)
{
	(void)state;
	struct vlapic *l = &E->cpu[0];
	uint64_t t0 = E->now;

	enable_all();
	wr(0, APIC_REG_TDCR, 0xb);
	wr(0, APIC_REG_LVT_TIMER, (APIC_TIMER_PERIODIC << 17) | 0x42);
	wr(0, APIC_REG_TMICT, 1); /* 10 ns */
	E->now = t0 + 10;
	vlapic_timer_expired(l, E->now);
	/* Next host timer no sooner than 50 us away. */
	assert_true(E->deadline[0] >= E->now + TSC_HZ / 20000);
	assert_true(E->deadline[0] <= E->now + TSC_HZ / 20000 + 10);
	assert_true(l->timer.coalesced >= 4999);
}

static void test_timer_divide_values(void **state)
{
	(void)state;
	static const struct { uint32_t dcr, div; } tab[] = {
		{ 0x0, 2 },  { 0x1, 4 },  { 0x2, 8 },   { 0x3, 16 },
		{ 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 },
	};

	enable_all();
	wr(0, APIC_REG_LVT_TIMER, 0x40);
	for (unsigned i = 0; i < ARRAY_SIZE(tab); i++) {
		wr(0, APIC_REG_TDCR, tab[i].dcr | 0xfffffff4u); /* + reserved */
		assert_int_equal(rd(0, APIC_REG_TDCR), tab[i].dcr);
		wr(0, APIC_REG_TMICT, 100);
		assert_int_equal(E->deadline[0], E->now + 100 * 10 * tab[i].div);
		E->now += 5 * tab[i].div * 10; /* 5 counts */
		assert_int_equal(rd(0, APIC_REG_TMCCT), 95);
	}
}

static void test_timer_divide_change_midway(void **state)
{
	(void)state;
	uint64_t t0 = E->now;

	enable_all();
	wr(0, APIC_REG_TDCR, 0xb);
	wr(0, APIC_REG_LVT_TIMER, 0x40);
	wr(0, APIC_REG_TMICT, 1000);
	E->now = t0 + 4000; /* 400 counts done, 600 to go */
	wr(0, APIC_REG_TDCR, 0x3); /* /16: 160 ticks a count */
	assert_int_equal(rd(0, APIC_REG_TMCCT), 600);
	assert_int_equal(E->deadline[0], t0 + 4000 + 600 * 160);
	E->now += 160 * 100;
	assert_int_equal(rd(0, APIC_REG_TMCCT), 500);
}

static void test_timer_tsc_deadline(void **state)
{
	(void)state;
	struct vlapic *l = &E->cpu[3];
	uint64_t v;

	enable_all();
	/* Outside deadline mode the MSR reads 0 and ignores writes. */
	assert_int_equal(vlapic_wrmsr(l, VLAPIC_MSR_TSC_DEADLINE, E->now + 5), 0);
	assert_int_equal(vlapic_rdmsr(l, VLAPIC_MSR_TSC_DEADLINE, &v), 0);
	assert_int_equal(v, 0);
	assert_false(E->armed[3]);

	wr(3, APIC_REG_TMICT, 500); /* one-shot running ... */
	assert_true(E->armed[3]);
	wr(3, APIC_REG_LVT_TIMER, (APIC_TIMER_TSC_DEADLINE << 17) | 0x43);
	assert_false(E->armed[3]); /* ... and the mode switch disarmed it */
	assert_int_equal(rd(3, APIC_REG_TMICT), 0);
	wr(3, APIC_REG_TMICT, 500); /* ignored in deadline mode */
	assert_int_equal(rd(3, APIC_REG_TMICT), 0);
	assert_false(E->armed[3]);

	vlapic_wrmsr(l, VLAPIC_MSR_TSC_DEADLINE, E->now + 12345);
	assert_true(E->armed[3]);
	assert_int_equal(E->deadline[3], E->now + 12345);
	vlapic_rdmsr(l, VLAPIC_MSR_TSC_DEADLINE, &v);
	assert_int_equal(v, E->now + 12345);
	assert_int_equal(rd(3, APIC_REG_TMCCT), 0);
	vlapic_timer_expired(l, E->now + 12344);
	assert_false(in_irr(3, 0x43));
	E->now += 12345;
	vlapic_timer_expired(l, E->now);
	assert_true(in_irr(3, 0x43));
	vlapic_rdmsr(l, VLAPIC_MSR_TSC_DEADLINE, &v);
	assert_int_equal(v, 0);
	/* 0 disarms. */
	vlapic_wrmsr(l, VLAPIC_MSR_TSC_DEADLINE, E->now + 100);
	unsigned cancels = E->cancels[3];
	vlapic_wrmsr(l, VLAPIC_MSR_TSC_DEADLINE, 0);
	assert_false(E->armed[3]);
	assert_int_equal(E->cancels[3], cancels + 1);
	E->now += 1000;
	vlapic_ack(l, 0x43);
	vlapic_timer_expired(l, E->now);
	assert_false(in_irr(3, 0x43));
	/* Leaving deadline mode clears the deadline. */
	vlapic_wrmsr(l, VLAPIC_MSR_TSC_DEADLINE, E->now + 100);
	wr(3, APIC_REG_LVT_TIMER, 0x43);
	assert_false(E->armed[3]);
	wr(3, APIC_REG_LVT_TIMER, (APIC_TIMER_TSC_DEADLINE << 17) | 0x43);
	vlapic_rdmsr(l, VLAPIC_MSR_TSC_DEADLINE, &v);
	assert_int_equal(v, 0);
}

/* SDM 10.5.4: one-shot <-> periodic through the LVT neither restarts nor
 * stops the count (issue 12, defect 7: it read 0 after several periods
 * and came back when switched again). */
static void test_timer_mode_switch(void **state)
{
	(void)state;
	struct vlapic *l = &E->cpu[2];
	uint64_t t0 = E->now, period = 10000; /* 1000 counts at /1 */

	enable_all();
	wr(2, APIC_REG_TDCR, 0xb);
	wr(2, APIC_REG_LVT_TIMER, (APIC_TIMER_PERIODIC << 17) | 0x42);
	wr(2, APIC_REG_TMICT, 1000);
	for (unsigned k = 1; k <= 3; k++) {
		E->now = t0 + k * period;
		vlapic_timer_expired(l, E->now);
		vlapic_ack(l, 0x42);
		wr(2, APIC_REG_EOI, 0);
	}
	E->now += period / 4; /* 750 counts left */
	wr(2, APIC_REG_LVT_TIMER, (APIC_TIMER_ONESHOT << 17) | 0x42);
	assert_int_equal(rd(2, APIC_REG_TMCCT), 750);
	assert_true(l->timer.armed);
	assert_int_equal(E->deadline[2], E->now + 7500);
	/* And back: the same count, no jump. */
	wr(2, APIC_REG_LVT_TIMER, (APIC_TIMER_PERIODIC << 17) | 0x42);
	assert_int_equal(rd(2, APIC_REG_TMCCT), 750);
	wr(2, APIC_REG_LVT_TIMER, (APIC_TIMER_ONESHOT << 17) | 0x42);
	E->now += 2500; /* 500 left */
	assert_int_equal(rd(2, APIC_REG_TMCCT), 500);
	/* One-shot now: one interrupt at 0, then the count stays 0. */
	E->now += 5000;
	vlapic_timer_expired(l, E->now);
	assert_true(in_irr(2, 0x42));
	assert_false(l->timer.armed);
	assert_int_equal(rd(2, APIC_REG_TMCCT), 0);
	assert_int_equal(rd(2, APIC_REG_TMICT), 1000);
	vlapic_ack(l, 0x42);
	wr(2, APIC_REG_EOI, 0);
	/* An expired one-shot switched to periodic does not start. */
	wr(2, APIC_REG_LVT_TIMER, (APIC_TIMER_PERIODIC << 17) | 0x42);
	assert_false(l->timer.armed);
	assert_int_equal(rd(2, APIC_REG_TMCCT), 0);

	/* One-shot -> periodic while counting: goes on, then reloads. */
	wr(2, APIC_REG_LVT_TIMER, (APIC_TIMER_ONESHOT << 17) | 0x42);
	wr(2, APIC_REG_TMICT, 1000);
	E->now += 4000;
	wr(2, APIC_REG_LVT_TIMER, (APIC_TIMER_PERIODIC << 17) | 0x42);
	assert_int_equal(rd(2, APIC_REG_TMCCT), 600);
	E->now += 6000;
	vlapic_timer_expired(l, E->now);
	assert_true(in_irr(2, 0x42));
	assert_true(l->timer.armed);
	assert_true(E->deadline[2] > E->now);
	assert_int_equal(rd(2, APIC_REG_TMCCT), 1000);
	vlapic_ack(l, 0x42);
	wr(2, APIC_REG_EOI, 0);

	/* A one-shot already due when switched: its interrupt comes, and
	 * nothing reloads. */
	wr(2, APIC_REG_LVT_TIMER, (APIC_TIMER_ONESHOT << 17) | 0x42);
	wr(2, APIC_REG_TMICT, 1000);
	E->now += 20000; /* the host timer has not run yet */
	wr(2, APIC_REG_LVT_TIMER, (APIC_TIMER_PERIODIC << 17) | 0x42);
	assert_true(in_irr(2, 0x42));
	assert_false(l->timer.armed);
	assert_int_equal(rd(2, APIC_REG_TMCCT), 0);
	/* Only the mode bits count: a new vector or mask leaves it alone. */
	wr(2, APIC_REG_TMICT, 1000);
	E->now += 3000;
	wr(2, APIC_REG_LVT_TIMER, (APIC_TIMER_PERIODIC << 17) | APIC_LVT_MASKED | 0x44);
	assert_int_equal(rd(2, APIC_REG_TMCCT), 700);
	assert_int_equal(E->deadline[2], E->now + 7000);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_timer_oneshot),
		T(test_timer_periodic),
		T(test_timer_periodic_flood_coalesced),
		T(test_timer_divide_values),
		T(test_timer_divide_change_midway),
		T(test_timer_tsc_deadline),
		T(test_timer_mode_switch),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
