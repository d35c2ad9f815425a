/* Virtual LAPIC timer (SDM 10.5.4): one-shot and periodic count-down from
 * the initial count at the bus clock over the divider, and TSC-deadline
 * mode.  Nothing ticks: the current count is computed from the clock hook,
 * and the host timer is armed only for the next expiry. */
#include "guest/dev/vlapic.h"
#include "guest/dev/vpmtimer.h"

/* A periodic timer is never re-armed closer than this to 'now': a guest
 * asking for a faster rate gets its interrupts coalesced rather than a
 * pCPU flooded with host timer interrupts. */
#define MIN_REARM_PER_SEC 20000 /* 50 us */

/* Divide configuration bits 3,1:0 -> log2 of the divisor; 0b111 is 1. */
static const uint8_t div_shift[8] = { 1, 2, 3, 4, 5, 6, 7, 0 };

static uint64_t divisor(const struct vlapic *l)
{
	unsigned enc = ((l->tdcr >> 1) & 4) | (l->tdcr & 3);

	return 1ULL << div_shift[enc];
}

unsigned vlapic_timer_mode(const struct vlapic *l)
{
	return (l->lvt[LVT_TIMER] & APIC_TIMER_MODE_MASK) >> APIC_TIMER_MODE_SHIFT;
}

static uint64_t clock_now(const struct vlapic *l)
{
	return l->bus->hooks->now(l->bus->ctx);
}

/* TSC ticks for 'counts' timer counts, rounded up so that the count reads
 * 0 exactly from the deadline on. */
static uint64_t counts_to_tsc(const struct vlapic *l, uint64_t counts)
{
	return vclock_scale(counts * divisor(l), l->bus->tsc_hz, l->bus->timer_hz,
			    true);
}

static uint64_t tsc_to_counts(const struct vlapic *l, uint64_t ticks)
{
	return vclock_scale(ticks, l->bus->timer_hz, l->bus->tsc_hz * divisor(l),
			    false);
}

static void arm(struct vlapic *l, uint64_t deadline)
{
	const struct vlapic_hooks *h = l->bus->hooks;

	l->timer.armed = true;
	l->timer.deadline = deadline;
	if (h->timer_arm)
		h->timer_arm(l->bus->ctx, l->index, deadline);
}

void vlapic_timer_stop(struct vlapic *l)
{
	const struct vlapic_hooks *h = l->bus->hooks;

	if (!l->timer.armed)
		return;
	l->timer.armed = false;
	if (h->timer_cancel)
		h->timer_cancel(l->bus->ctx, l->index);
}

/* Count from 'tmict', 'done' counts of it already behind us. */
static void start_counting(struct vlapic *l, uint64_t now, uint32_t done)
{
	/* Unsigned wrap keeps start + period and now - start right even
	 * when 'start' lies before TSC 0. */
	l->timer.start = now - counts_to_tsc(l, done);
	l->timer.period = counts_to_tsc(l, l->tmict);
	arm(l, l->timer.start + l->timer.period);
}

void vlapic_timer_set_initial(struct vlapic *l, uint32_t count)
{
	/* SDM 10.5.4.1: ignored in TSC-deadline mode. */
	if (vlapic_timer_mode(l) == APIC_TIMER_TSC_DEADLINE)
		return;
	l->tmict = count;
	vlapic_timer_stop(l);
	if (count)
		start_counting(l, clock_now(l), 0);
}

/* The count as it stands in 'mode' (the LVT may already name another
 * one while it changes). */
static uint32_t current_in(struct vlapic *l, unsigned mode)
{
	uint64_t elapsed, done;

	if (!l->timer.armed || !l->tmict || mode == APIC_TIMER_TSC_DEADLINE)
		return 0;
	elapsed = clock_now(l) - l->timer.start;
	if (mode == APIC_TIMER_PERIODIC)
		elapsed %= l->timer.period;
	else if (elapsed >= l->timer.period)
		return 0;
	done = tsc_to_counts(l, elapsed);
	return done >= l->tmict ? 0 : l->tmict - (uint32_t)done;
}

uint32_t vlapic_timer_current(struct vlapic *l)
{
	return current_in(l, vlapic_timer_mode(l));
}

/* A new divider applies from now on: the count carries on from where it
 * is, at the new rate. */
void vlapic_timer_set_divide(struct vlapic *l, uint32_t dcr)
{
	bool counting = l->timer.armed &&
			vlapic_timer_mode(l) != APIC_TIMER_TSC_DEADLINE;
	uint32_t cur = counting ? vlapic_timer_current(l) : 0;

	l->tdcr = dcr;
	if (counting && cur)
		start_counting(l, clock_now(l), l->tmict - cur);
}

/* SDM 10.5.4: a write of the LVT that changes the mode between one-shot
 * and periodic neither starts nor stops the timer; the count goes on
 * from where it is, and the new mode says what happens when it reaches
 * 0.  A count that reached 0 in one-shot mode stays there.  The model
 * counts from 'start' (periodic: modulo the period), so the count is
 * rebased onto a fresh period from now. */
static void oneshot_periodic_switch(struct vlapic *l, unsigned was)
{
	uint32_t cur;

	if (!l->timer.armed)
		return;
	cur = current_in(l, was);
	if (cur) {
		start_counting(l, clock_now(l), l->tmict - cur);
		return;
	}
	/* One-shot and due: its interrupt is owed, and nothing reloads. */
	vlapic_timer_stop(l);
	l->timer.fired++;
	vlapic_lvt_fire(l, LVT_TIMER);
}

/* SDM 10.5.4.1: switching into or out of TSC-deadline mode disarms the
 * timer and clears both the initial count and the deadline. */
void vlapic_timer_lvt_written(struct vlapic *l, uint32_t old)
{
	unsigned was = (old & APIC_TIMER_MODE_MASK) >> APIC_TIMER_MODE_SHIFT;
	unsigned now = vlapic_timer_mode(l);

	if (was == now)
		return;
	if ((was == APIC_TIMER_TSC_DEADLINE) == (now == APIC_TIMER_TSC_DEADLINE)) {
		oneshot_periodic_switch(l, was);
		return;
	}
	vlapic_timer_stop(l);
	l->tmict = 0;
	l->timer.tsc_deadline = 0;
}

uint64_t vlapic_tsc_deadline_read(const struct vlapic *l)
{
	if (vlapic_timer_mode(l) != APIC_TIMER_TSC_DEADLINE)
		return 0;
	return l->timer.tsc_deadline;
}

/* SDM 10.5.4.1: ignored outside TSC-deadline mode; 0 disarms. */
void vlapic_tsc_deadline_write(struct vlapic *l, uint64_t val)
{
	if (!vlapic_enabled(l) ||
	    vlapic_timer_mode(l) != APIC_TIMER_TSC_DEADLINE)
		return;
	vlapic_timer_stop(l);
	l->timer.tsc_deadline = val;
	if (val)
		arm(l, val);
}

void vlapic_timer_expired(struct vlapic *l, uint64_t now)
{
	struct vlapic_timer *t = &l->timer;
	uint64_t floor, missed;

	if (!t->armed)
		return; /* cancelled after the host timer was set */
	if (now < t->deadline) {
		arm(l, t->deadline); /* early: try again */
		return;
	}
	t->fired++;
	switch (vlapic_timer_mode(l)) {
	case APIC_TIMER_PERIODIC:
		/* Next period boundary after both now and the minimum gap;
		 * those skipped are coalesced into this one interrupt. */
		floor = now + l->bus->tsc_hz / MIN_REARM_PER_SEC;
		missed = (floor - t->deadline) / t->period;
		t->coalesced += missed;
		arm(l, t->deadline + (missed + 1) * t->period);
		break;
	case APIC_TIMER_TSC_DEADLINE:
		t->tsc_deadline = 0;
		t->armed = false;
		break;
	default:
		t->armed = false;
		break;
	}
	vlapic_lvt_fire(l, LVT_TIMER);
}
