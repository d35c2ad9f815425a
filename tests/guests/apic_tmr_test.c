/* apic_tmr_test: switching the LAPIC timer's mode in the LVT timer
 * register while it counts (SDM vol. 3 10.5.4 "APIC Timer", 10.5.4.1
 * "TSC-Deadline Mode"), from inside a `platform = pc` VM with one vCPU:
 *  - a mode change between one-shot and periodic neither restarts nor
 *    stops the count: the current count goes on from where it was, and
 *    what happens when it reaches 0 is the new mode's (periodic reloads,
 *    one-shot stops at 0 after one interrupt);
 *  - a one-shot count that reached 0 stays 0 when the mode becomes
 *    periodic: only a write of the initial count starts the timer;
 *  - into and out of TSC-deadline mode the timer is disarmed, the
 *    initial count and IA32_TSC_DEADLINE read 0, TMCCT reads 0 in
 *    TSC-deadline mode and TMICT writes are ignored there.
 * In xAPIC mode and again in x2APIC mode.  The VM description is
 * tests/boot/vms/apic_tmr_test.vms.  Exits with the number of failed
 * checks. */
#include "lapic_test.h"

/* The period: a quarter of TIMER_SPAN at divide 1. */
#define PERIOD (TIMER_SPAN / 4)

static volatile unsigned irqs;
static volatile uint64_t last_irq_tsc;

static void on_timer(unsigned vec)
{
	(void)vec;
	last_irq_tsc = rdtsc_ordered();
	irqs++;
	apic_eoi();
}

static void stop_timer(void)
{
	apic_write(REG_LVT_TIMER, LVT_MASKED | LVT_ONESHOT | VEC_TIMER);
	apic_write(REG_TMICT, 0);
	irq_window(1000);
	irqs = 0;
}

static void start_periodic(void)
{
	stop_timer();
	apic_write(REG_TDCR, TDCR_DIV1);
	apic_write(REG_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	apic_write(REG_TMICT, (uint32_t)PERIOD);
	/* A few periods, so that the count has reloaded more than once. */
	wait_count(&irqs, 2, 2 * PERIOD + slack, false);
}

static void test_periodic_to_oneshot(void)
{
	const char *m = mode();
	uint32_t cur, after;
	unsigned n;
	uint64_t t;

	start_periodic();
	CHECK(irqs >= 2, nm("%s: periodic: reloads", m));
	apic_write(REG_LVT_TIMER, LVT_ONESHOT | VEC_TIMER);
	t = rdtsc_ordered();
	cur = apic_read(REG_TMCCT);
	n = irqs;
	printf("apic_tmr_test: %s: periodic -> one-shot: TMCCT %u\n", m, cur);
	CHECK(cur > 0 && cur <= PERIOD,
	      nm("%s: periodic -> one-shot: the current count goes on", m));
	after = apic_read(REG_TMCCT);
	CHECK(after <= cur, nm("%s: ... and keeps falling", m));
	irq_window(3 * PERIOD);
	CHECK_EQ(irqs, n + 1, nm("%s: periodic -> one-shot: one more interrupt, then none", m));
	CHECK(last_irq_tsc - t >= cur / 2 && last_irq_tsc - t <= cur + slack,
	      nm("%s: ... when the count reaches 0", m));
	CHECK_EQ(apic_read(REG_TMCCT), 0, nm("%s: periodic -> one-shot: the count stays 0", m));
	CHECK_EQ(apic_read(REG_TMICT), PERIOD, nm("%s: ... TMICT unchanged", m));
	stop_timer();
}

static void test_there_and_back(void)
{
	const char *m = mode();
	uint32_t c1, c2;

	start_periodic();
	apic_write(REG_LVT_TIMER, LVT_ONESHOT | VEC_TIMER);
	c1 = apic_read(REG_TMCCT);
	apic_write(REG_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	c2 = apic_read(REG_TMCCT);
	printf("apic_tmr_test: %s: periodic -> one-shot -> periodic: TMCCT %u, %u\n", m, c1, c2);
	CHECK(c1 > 0 && c2 <= c1,
	      nm("%s: periodic -> one-shot -> periodic: the count neither stops nor jumps", m));
	irqs = 0;
	irq_window(3 * PERIOD);
	CHECK(irqs >= 2, nm("%s: ... and the timer goes on reloading", m));
	stop_timer();
}

static void test_oneshot_to_periodic(void)
{
	const char *m = mode();
	uint32_t cur;

	stop_timer();
	apic_write(REG_TDCR, TDCR_DIV1);
	apic_write(REG_LVT_TIMER, LVT_ONESHOT | VEC_TIMER);
	apic_write(REG_TMICT, (uint32_t)PERIOD);
	spin_ticks(PERIOD / 4);
	apic_write(REG_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	cur = apic_read(REG_TMCCT);
	CHECK(cur > 0 && cur < PERIOD,
	      nm("%s: one-shot -> periodic: the count goes on, not restarted", m));
	irq_window(3 * PERIOD);
	CHECK(irqs >= 2, nm("%s: one-shot -> periodic: the count reloads at 0", m));
	stop_timer();

	/* Expired: the switch does not start it again. */
	apic_write(REG_LVT_TIMER, LVT_ONESHOT | VEC_TIMER);
	apic_write(REG_TMICT, (uint32_t)(PERIOD / 4));
	wait_count(&irqs, 1, PERIOD + slack, false);
	CHECK_EQ(irqs, 1, nm("%s: one-shot: expired", m));
	apic_write(REG_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	CHECK_EQ(apic_read(REG_TMCCT), 0,
		 nm("%s: expired one-shot -> periodic: the count stays 0", m));
	irq_window(2 * PERIOD);
	CHECK_EQ(irqs, 1, nm("%s: ... and the timer does not start", m));
	stop_timer();
}

static void test_tsc_deadline(void)
{
	const char *m = mode();

	stop_timer();
	apic_write(REG_TDCR, TDCR_DIV1);
	apic_write(REG_LVT_TIMER, LVT_ONESHOT | VEC_TIMER);
	apic_write(REG_TMICT, (uint32_t)PERIOD);
	apic_write(REG_LVT_TIMER, LVT_TSC_DEADLINE | VEC_TIMER);
	CHECK_EQ(apic_read(REG_TMICT), 0, nm("%s: one-shot -> TSC-deadline: TMICT cleared", m));
	CHECK_EQ(apic_read(REG_TMCCT), 0, nm("%s: TSC-deadline: TMCCT reads 0", m));
	apic_write(REG_TMICT, (uint32_t)PERIOD);
	CHECK_EQ(apic_read(REG_TMICT), 0, nm("%s: TSC-deadline: a TMICT write is ignored", m));
	irq_window(2 * PERIOD);
	CHECK_EQ(irqs, 0, nm("%s: one-shot -> TSC-deadline: the count was disarmed", m));

	wrmsr(MSR_TSC_DEADLINE, rdtsc() + PERIOD);
	apic_write(REG_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	CHECK_EQ(rdmsr(MSR_TSC_DEADLINE), 0,
		 nm("%s: TSC-deadline -> periodic: IA32_TSC_DEADLINE reads 0", m));
	CHECK_EQ(apic_read(REG_TMICT), 0, nm("%s: TSC-deadline -> periodic: TMICT 0", m));
	irq_window(2 * PERIOD);
	CHECK_EQ(irqs, 0, nm("%s: TSC-deadline -> periodic: the deadline was disarmed", m));
	stop_timer();
}

int guest_main(const struct hv_start_info *si)
{
	int64_t hz;

	(void)si;
	rt_init();
	printf("apic_tmr_test: starting\n");
	irq_set_handler(VEC_TIMER, on_timer);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	hz = hv_time();
	tsc_hz = hz > 0 ? (uint64_t)hz : 50000000;
	slack = tsc_hz / 4 < MAX_SLACK ? tsc_hz / 4 : MAX_SLACK;
	apic_write(REG_SVR, SVR_ENABLE | VEC_SPURIOUS);
	mask_lvts();

	for (int round = 0; round < 2; round++) {
		if (round) {
			wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_EXTD);
			x2apic_on[0] = true;
		}
		printf("apic_tmr_test: %s mode\n", mode());
		test_periodic_to_oneshot();
		test_there_and_back();
		test_oneshot_to_periodic();
		test_tsc_deadline();
	}
	test_finish();
}
