// UNIT-SOURCES: guest/vlapic.c guest/vlapic_timer.c guest/vlapic_ipi.c
/* Virtual LAPIC: registers in both views, priorities, EOI, the three timer
 * modes on a fake clock, and IPIs between four fake vCPUs. */
#include <stdlib.h>

#include "guest/vlapic.h"
#include "tests/unit/fakes.h"

#define NCPU 4
#define TSC_HZ 1000000000ULL  /* 1 GHz */
#define TIMER_HZ 100000000ULL /* 100 MHz: one count at divide 1 = 10 ticks */
#define MAX_EV 64

struct event {
	unsigned vcpu;
	enum apic_dm mode;
	uint8_t vector;
};

struct env {
	struct vlapic_bus bus;
	struct vlapic cpu[NCPU];
	uint64_t now;
	bool armed[NCPU];
	uint64_t deadline[NCPU];
	unsigned arms[NCPU], cancels[NCPU];
	struct event ev[MAX_EV];
	unsigned nev;
	struct event eoi[MAX_EV];
	unsigned neoi;
};

static uint64_t h_now(void *ctx)
{
	return ((struct env *)ctx)->now;
}

static void h_arm(void *ctx, unsigned vcpu, uint64_t deadline)
{
	struct env *e = ctx;

	e->armed[vcpu] = true;
	e->deadline[vcpu] = deadline;
	e->arms[vcpu]++;
}

static void h_cancel(void *ctx, unsigned vcpu)
{
	struct env *e = ctx;

	e->armed[vcpu] = false;
	e->cancels[vcpu]++;
}

static void h_deliver(void *ctx, unsigned vcpu, enum apic_dm mode, uint8_t vector)
{
	struct env *e = ctx;

	assert_true(e->nev < MAX_EV);
	e->ev[e->nev++] = (struct event){ vcpu, mode, vector };
}

static void h_eoi(void *ctx, unsigned vcpu, uint8_t vector)
{
	struct env *e = ctx;

	assert_true(e->neoi < MAX_EV);
	e->eoi[e->neoi++] = (struct event){ vcpu, APIC_DM_FIXED, vector };
}

static const struct vlapic_hooks hooks = {
	.now = h_now,
	.timer_arm = h_arm,
	.timer_cancel = h_cancel,
	.deliver = h_deliver,
	.eoi = h_eoi,
};

static struct env *E;

static int setup(void **state)
{
	(void)state;
	E = calloc(1, sizeof(*E));
	E->now = 1000000;
	vlapic_bus_init(&E->bus, &hooks, E, TSC_HZ, TIMER_HZ);
	for (unsigned i = 0; i < NCPU; i++)
		assert_int_equal(vlapic_init(&E->cpu[i], &E->bus, i), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(E);
	return 0;
}

static uint32_t rd(unsigned cpu, uint32_t off)
{
	return vlapic_mmio_read(&E->cpu[cpu], off);
}

static void wr(unsigned cpu, uint32_t off, uint32_t val)
{
	vlapic_mmio_write(&E->cpu[cpu], off, val);
}

static void enable_all(void)
{
	for (unsigned i = 0; i < NCPU; i++)
		wr(i, APIC_REG_SVR, APIC_SVR_ENABLE | 0xff);
}

static bool in_irr(unsigned cpu, uint8_t v)
{
	return rd(cpu, APIC_REG_IRR + (v / 32) * 16) & (1u << (v % 32));
}

static bool in_isr(unsigned cpu, uint8_t v)
{
	return rd(cpu, APIC_REG_ISR + (v / 32) * 16) & (1u << (v % 32));
}

/* Number of events of 'mode' delivered to 'vcpu' (vector too unless -1). */
static unsigned events(unsigned vcpu, enum apic_dm mode, int vector)
{
	unsigned n = 0;

	for (unsigned i = 0; i < E->nev; i++)
		if (E->ev[i].vcpu == vcpu && E->ev[i].mode == mode &&
		    (vector < 0 || E->ev[i].vector == vector))
			n++;
	return n;
}

static uint32_t esr(unsigned cpu)
{
	wr(cpu, APIC_REG_ESR, 0);
	return rd(cpu, APIC_REG_ESR);
}

static void to_x2apic(unsigned cpu)
{
	assert_int_equal(vlapic_wrmsr(&E->cpu[cpu], VLAPIC_MSR_APIC_BASE,
				      VLAPIC_BASE_DEFAULT | VLAPIC_BASE_EN |
					      VLAPIC_BASE_EXTD),
			 0);
	assert_true(vlapic_x2apic(&E->cpu[cpu]));
}

/* ---- registers ---- */

static void test_reset_state(void **state)
{
	(void)state;
	assert_int_equal(rd(2, APIC_REG_ID), 2u << 24);
	assert_int_equal(rd(0, APIC_REG_VER), 0x50014);
	assert_int_equal(rd(0, APIC_REG_SVR), 0xff);
	assert_int_equal(rd(0, APIC_REG_DFR), 0xffffffffu);
	for (uint32_t off = APIC_REG_LVT_TIMER; off <= APIC_REG_LVT_ERROR; off += 16)
		assert_int_equal(rd(1, off), APIC_LVT_MASKED);
	assert_true(E->cpu[0].apic_base & VLAPIC_BASE_BSP);
	assert_false(E->cpu[1].apic_base & VLAPIC_BASE_BSP);
	assert_int_equal(vlapic_mmio_base(&E->cpu[1]), 0xfee00000u);
	assert_true(vlapic_xapic(&E->cpu[1]));
	/* A taken or out-of-range slot is refused. */
	struct vlapic extra;
	assert_int_equal(vlapic_init(&extra, &E->bus, 2), -1);
	assert_int_equal(vlapic_init(&extra, &E->bus, VLAPIC_MAX_VCPUS), -1);
}

static void test_xapic_register_rules(void **state)
{
	(void)state;
	wr(0, APIC_REG_TPR, 0xffffffffu);
	assert_int_equal(rd(0, APIC_REG_TPR), 0xff); /* reserved bits dropped */
	wr(0, APIC_REG_VER, 0);
	wr(0, APIC_REG_PPR, 0x12);
	assert_int_equal(rd(0, APIC_REG_VER), 0x50014); /* read-only */
	assert_int_equal(rd(0, APIC_REG_PPR), 0xff);
	wr(0, APIC_REG_ID, 0x7fffffffu);
	assert_int_equal(rd(0, APIC_REG_ID), 0x7f000000u);
	wr(0, APIC_REG_LDR, 0x123u);
	assert_int_equal(rd(0, APIC_REG_LDR), 0);
	wr(0, APIC_REG_DFR, 0x0u);
	assert_int_equal(rd(0, APIC_REG_DFR), 0x0fffffffu);
	wr(0, APIC_REG_SVR, 0xffffffffu);
	assert_int_equal(rd(0, APIC_REG_SVR), 0x3ff);
	/* Write-only EOI reads 0; ESR reads 0 until the first write. */
	assert_int_equal(rd(0, APIC_REG_EOI), 0);
	assert_int_equal(rd(0, APIC_REG_RRD), 0);
	assert_int_equal(rd(0, APIC_REG_ESR), 0);
	/* Unaligned or outside: 0, no error. */
	assert_int_equal(rd(0, APIC_REG_SVR + 4), 0);
	assert_int_equal(rd(0, 0x2000), 0);
	assert_int_equal(esr(0), 0);
	/* Reserved offsets set "illegal register address". */
	assert_int_equal(rd(0, 0x040), 0);
	assert_int_equal(esr(0), APIC_ESR_ILLEGAL_REG);
	wr(0, APIC_REG_SELF_IPI, 0x40); /* x2APIC only */
	wr(0, APIC_REG_CMCI, 0x40);     /* no CMCI LVT */
	assert_int_equal(esr(0), APIC_ESR_ILLEGAL_REG);
	assert_false(in_irr(0, 0x40));
	assert_int_equal(esr(0), 0); /* the latch emptied the accumulator */
}

static void test_lvt_and_software_disable(void **state)
{
	(void)state;
	/* Software disabled at reset: mask bits stick. */
	wr(0, APIC_REG_LVT_LINT0, 0x20);
	assert_int_equal(rd(0, APIC_REG_LVT_LINT0), APIC_LVT_MASKED | 0x20);
	assert_false(vlapic_accept_irq(&E->cpu[0], 0x40, false));
	assert_false(in_irr(0, 0x40));

	wr(0, APIC_REG_SVR, APIC_SVR_ENABLE | 0xff);
	wr(0, APIC_REG_LVT_LINT0, 0xffffffffu);
	assert_int_equal(rd(0, APIC_REG_LVT_LINT0), 0x1a7ff);
	wr(0, APIC_REG_LVT_ERROR, 0xfffeffffu);
	assert_int_equal(rd(0, APIC_REG_LVT_ERROR), 0xff);
	wr(0, APIC_REG_LVT_TIMER, 0x020040); /* periodic */
	wr(0, APIC_REG_LVT_TIMER, 0x060041); /* mode 3 reserved: kept */
	assert_int_equal(rd(0, APIC_REG_LVT_TIMER), 0x020041);

	/* Disabling masks every LVT. */
	wr(0, APIC_REG_SVR, 0xff);
	for (uint32_t off = APIC_REG_LVT_TIMER; off <= APIC_REG_LVT_ERROR; off += 16)
		assert_true(rd(0, off) & APIC_LVT_MASKED);
}

/* ---- priorities and EOI ---- */

static void test_priority_classes(void **state)
{
	(void)state;
	struct vlapic *l = &E->cpu[0];

	enable_all();
	assert_int_equal(vlapic_pending_vector(l), -1);
	assert_true(vlapic_accept_irq(l, 0x51, false));
	assert_true(vlapic_accept_irq(l, 0x62, false));
	assert_int_equal(events(0, APIC_DM_FIXED, 0x62), 1);
	assert_int_equal(vlapic_pending_vector(l), 0x62);
	assert_true(vlapic_ack(l, 0x62));
	assert_false(vlapic_ack(l, 0x62)); /* no longer requested */
	assert_true(in_isr(0, 0x62));
	assert_int_equal(rd(0, APIC_REG_PPR), 0x60);
	/* Lower class waits; same class waits; a higher class preempts. */
	assert_int_equal(vlapic_pending_vector(l), -1);
	vlapic_accept_irq(l, 0x6f, false);
	assert_int_equal(vlapic_pending_vector(l), -1);
	vlapic_accept_irq(l, 0x70, false);
	assert_int_equal(vlapic_pending_vector(l), 0x70);
	vlapic_ack(l, 0x70);
	/* EOI retires the highest in service first. */
	wr(0, APIC_REG_EOI, 0);
	assert_false(in_isr(0, 0x70));
	assert_true(in_isr(0, 0x62));
	assert_int_equal(vlapic_pending_vector(l), -1); /* 0x6f: same class */
	wr(0, APIC_REG_EOI, 0);
	assert_int_equal(vlapic_pending_vector(l), 0x6f);
	assert_int_equal(rd(0, APIC_REG_PPR), 0);
	wr(0, APIC_REG_EOI, 0); /* nothing in service: harmless */
	assert_int_equal(E->neoi, 0);
}

static void test_tpr_ppr_apr(void **state)
{
	(void)state;
	struct vlapic *l = &E->cpu[1];

	enable_all();
	wr(1, APIC_REG_TPR, 0x45);
	assert_int_equal(rd(1, APIC_REG_PPR), 0x45);
	vlapic_accept_irq(l, 0x4f, false);
	assert_int_equal(vlapic_pending_vector(l), -1);
	assert_int_equal(rd(1, APIC_REG_APR), 0x45);
	vlapic_accept_irq(l, 0x50, false);
	assert_int_equal(vlapic_pending_vector(l), 0x50);
	assert_int_equal(rd(1, APIC_REG_APR), 0x50); /* IRR class above TPR */
	vlapic_ack(l, 0x50);
	assert_int_equal(rd(1, APIC_REG_PPR), 0x50);
	assert_int_equal(vlapic_cr8_read(l), 4);
	assert_int_equal(vlapic_cr8_write(l, 0x10), VLAPIC_GP);
	assert_int_equal(vlapic_cr8_write(l, 0x9), 0);
	assert_int_equal(rd(1, APIC_REG_TPR), 0x90);
	assert_int_equal(rd(1, APIC_REG_PPR), 0x90);
	/* Hardware-disabled: nothing pending. */
	vlapic_cr8_write(l, 0);
	wr(1, APIC_REG_EOI, 0);
	assert_int_equal(vlapic_pending_vector(l), 0x4f);
	l->apic_base &= ~VLAPIC_BASE_EN;
	assert_int_equal(vlapic_pending_vector(l), -1);
}

static void test_eoi_level_reports(void **state)
{
	(void)state;
	struct vlapic *l = &E->cpu[2];

	enable_all();
	vlapic_accept_irq(l, 0x30, true);
	vlapic_accept_irq(l, 0x31, false);
	assert_true(rd(2, APIC_REG_TMR + 16) & BIT(16)); /* 0x30 */
	assert_false(rd(2, APIC_REG_TMR + 16) & BIT(17)); /* 0x31 */
	vlapic_ack(l, 0x31);
	wr(2, APIC_REG_EOI, 0);
	assert_int_equal(E->neoi, 0); /* edge: nobody told */
	vlapic_ack(l, 0x30);
	wr(2, APIC_REG_EOI, 0);
	assert_int_equal(E->neoi, 1);
	assert_int_equal(E->eoi[0].vcpu, 2);
	assert_int_equal(E->eoi[0].vector, 0x30);
	/* An edge request for the same vector clears its TMR bit. */
	vlapic_accept_irq(l, 0x30, false);
	assert_false(rd(2, APIC_REG_TMR + 16) & BIT(16));
}

static void test_illegal_vectors_and_error_lvt(void **state)
{
	(void)state;
	enable_all();
	wr(0, APIC_REG_LVT_ERROR, 0xfe);
	assert_false(vlapic_accept_irq(&E->cpu[0], 15, false));
	assert_false(in_irr(0, 15));
	assert_true(in_irr(0, 0xfe)); /* the error interrupt */
	assert_int_equal(rd(0, APIC_REG_ESR), 0);
	assert_int_equal(esr(0), APIC_ESR_RECV_ILLEGAL);
	/* Fixed IPI with vector 3: "send illegal vector", nothing sent. */
	wr(0, APIC_REG_ICR_HI, 1u << 24);
	wr(0, APIC_REG_ICR_LO, 3);
	assert_false(in_irr(1, 3));
	assert_int_equal(esr(0), APIC_ESR_SEND_ILLEGAL);
	assert_int_equal(esr(1), 0);
	/* An error LVT with an illegal vector ends in "receive illegal". */
	wr(0, APIC_REG_LVT_ERROR, 0x5);
	wr(0, APIC_REG_ICR_LO, 4);
	assert_int_equal(esr(0), APIC_ESR_SEND_ILLEGAL | APIC_ESR_RECV_ILLEGAL);
}

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

/* ---- IPIs ---- */

static void ipi(unsigned from, uint32_t dest, uint32_t lo)
{
	wr(from, APIC_REG_ICR_HI, dest << 24);
	wr(from, APIC_REG_ICR_LO, lo);
}

static void test_ipi_fixed_and_shorthands(void **state)
{
	(void)state;
	enable_all();
	ipi(0, 2, 0x50);
	assert_true(in_irr(2, 0x50));
	assert_false(in_irr(0, 0x50) || in_irr(1, 0x50) || in_irr(3, 0x50));
	assert_int_equal(events(2, APIC_DM_FIXED, 0x50), 1);
	assert_int_equal(rd(0, APIC_REG_ICR_LO), 0x50);
	assert_int_equal(rd(0, APIC_REG_ICR_HI), 2u << 24);

	ipi(1, 0, 0x51 | (APIC_SH_SELF << 18));
	assert_true(in_irr(1, 0x51));
	assert_false(in_irr(0, 0x51));

	ipi(3, 0, 0x52 | (APIC_SH_ALL << 18));
	for (unsigned i = 0; i < NCPU; i++)
		assert_true(in_irr(i, 0x52));

	ipi(3, 0, 0x53 | (APIC_SH_OTHERS << 18));
	for (unsigned i = 0; i < NCPU; i++)
		assert_int_equal(in_irr(i, 0x53), i != 3);

	ipi(2, 0xff, 0x54); /* physical broadcast */
	for (unsigned i = 0; i < NCPU; i++)
		assert_true(in_irr(i, 0x54));
	assert_int_equal(E->bus.undelivered, 0);
}

static void test_ipi_logical_flat_and_cluster(void **state)
{
	(void)state;
	enable_all();
	for (unsigned i = 0; i < NCPU; i++)
		wr(i, APIC_REG_LDR, (1u << i) << 24);
	ipi(0, 0x0a, APIC_ICR_LOGICAL | 0x60); /* vCPUs 1 and 3 */
	assert_false(in_irr(0, 0x60) || in_irr(2, 0x60));
	assert_true(in_irr(1, 0x60) && in_irr(3, 0x60));

	/* Cluster model: clusters 1 and 2, two members each. */
	static const uint8_t ldr[NCPU] = { 0x11, 0x12, 0x21, 0x22 };
	for (unsigned i = 0; i < NCPU; i++) {
		wr(i, APIC_REG_DFR, 0x0fffffffu);
		wr(i, APIC_REG_LDR, (uint32_t)ldr[i] << 24);
	}
	ipi(0, 0x23, APIC_ICR_LOGICAL | 0x61);
	assert_false(in_irr(0, 0x61) || in_irr(1, 0x61));
	assert_true(in_irr(2, 0x61) && in_irr(3, 0x61));
	ipi(0, 0xf2, APIC_ICR_LOGICAL | 0x62); /* member 2 of every cluster */
	assert_true(in_irr(1, 0x62) && in_irr(3, 0x62));
	assert_false(in_irr(0, 0x62) || in_irr(2, 0x62));
	ipi(0, 0x34, APIC_ICR_LOGICAL | 0x63); /* nobody */
	assert_int_equal(E->bus.undelivered, 1);
}

static void test_ipi_lowest_priority(void **state)
{
	(void)state;
	enable_all();
	for (unsigned i = 0; i < NCPU; i++) {
		wr(i, APIC_REG_LDR, 0x01000000u);
		wr(i, APIC_REG_TPR, 0x80);
	}
	wr(2, APIC_REG_TPR, 0x20);
	wr(3, APIC_REG_TPR, 0x20);
	ipi(0, 0x01, APIC_ICR_LOGICAL | (APIC_DM_LOWPRI << 8) | 0x70);
	assert_true(in_irr(2, 0x70)); /* lowest TPR; first of a tie */
	assert_false(in_irr(0, 0x70) || in_irr(1, 0x70) || in_irr(3, 0x70));
	/* 2 now has 0x70 pending, which raises its arbitration priority. */
	ipi(0, 0x01, APIC_ICR_LOGICAL | (APIC_DM_LOWPRI << 8) | 0x71);
	assert_true(in_irr(3, 0x71));
	assert_false(in_irr(2, 0x71));
	/* Illegal vectors are refused for lowest priority too. */
	ipi(0, 0x01, APIC_ICR_LOGICAL | (APIC_DM_LOWPRI << 8) | 0x7);
	assert_int_equal(esr(0), APIC_ESR_SEND_ILLEGAL);
}

static void test_ipi_nmi_init_sipi(void **state)
{
	(void)state;
	enable_all();
	ipi(0, 1, (APIC_DM_INIT << 8) | APIC_ICR_ASSERT | APIC_ICR_LEVEL);
	assert_int_equal(events(1, APIC_DM_INIT, -1), 1);
	/* INIT level de-assert is a no-op. */
	ipi(0, 1, (APIC_DM_INIT << 8) | APIC_ICR_LEVEL);
	assert_int_equal(events(1, APIC_DM_INIT, -1), 1);
	ipi(0, 1, (APIC_DM_SIPI << 8) | 0x9a);
	assert_int_equal(events(1, APIC_DM_SIPI, 0x9a), 1);
	/* Start-up and INIT reach software-disabled and INIT-reset LAPICs. */
	vlapic_reset(&E->cpu[2], false);
	assert_int_equal(rd(2, APIC_REG_SVR), 0xff);
	ipi(0, 0, (APIC_DM_INIT << 8) | APIC_ICR_ASSERT | (APIC_SH_OTHERS << 18));
	assert_int_equal(events(2, APIC_DM_INIT, -1), 1);
	assert_int_equal(events(0, APIC_DM_INIT, -1), 0);
	ipi(0, 3, (APIC_DM_NMI << 8));
	assert_int_equal(events(3, APIC_DM_NMI, -1), 1);
	ipi(0, 3, (APIC_DM_SMI << 8));
	assert_int_equal(events(3, APIC_DM_SMI, -1), 1);
	/* Reserved modes send nothing. */
	unsigned n = E->nev;
	ipi(0, 3, (3 << 8) | 0x40);
	ipi(0, 3, (APIC_DM_EXTINT << 8) | 0x40);
	assert_int_equal(E->nev, n);
}

static void test_ipi_hostile(void **state)
{
	(void)state;
	enable_all();
	ipi(0, 9, 0x40); /* no vCPU 9 */
	ipi(0, 0x44, 0x41);
	assert_int_equal(E->bus.undelivered, 2);
	assert_int_equal(esr(0), APIC_ESR_SEND_ACCEPT);
	/* A software-disabled target takes no fixed interrupt. */
	wr(1, APIC_REG_SVR, 0xff);
	ipi(0, 1, 0x42);
	assert_false(in_irr(1, 0x42));
	assert_int_equal(E->bus.undelivered, 3);
	/* A globally disabled LAPIC is no target at all. */
	E->cpu[2].apic_base &= ~VLAPIC_BASE_EN;
	ipi(0, 2, (APIC_DM_NMI << 8));
	assert_int_equal(events(2, APIC_DM_NMI, -1), 0);
	/* Wide destinations never name an xAPIC ID; bad modes reach nobody. */
	struct vlapic_msg m = { .dest = 0x100, .vector = 0x46, .wide = true, .src = -1 };
	assert_int_equal(vlapic_bus_send(&E->bus, &m), 0);
	m = (struct vlapic_msg){ .dest = 0xff, .vector = 0x46, .mode = 3, .src = -1 };
	assert_int_equal(vlapic_bus_send(&E->bus, &m), 0);
	assert_int_equal(E->bus.undelivered, 6);
	/* Reserved ICR bits are not stored. */
	wr(0, APIC_REG_ICR_HI, 0x00ffffffu);
	wr(0, APIC_REG_ICR_LO, 0xfff31000u | 0x45);
	assert_int_equal(rd(0, APIC_REG_ICR_HI), 0);
	assert_int_equal(rd(0, APIC_REG_ICR_LO), 0x45);
	assert_true(in_irr(0, 0x45));
}

/* ---- x2APIC ---- */

static void test_x2apic_transitions(void **state)
{
	(void)state;
	struct vlapic *l = &E->cpu[1];
	uint64_t v, base = VLAPIC_BASE_DEFAULT;

	assert_int_equal(vlapic_rdmsr(l, 0x802, &v), VLAPIC_GP); /* xAPIC */
	assert_int_equal(vlapic_wrmsr(l, VLAPIC_MSR_APIC_BASE, base | VLAPIC_BASE_EXTD),
			 VLAPIC_GP); /* EXTD without EN */
	assert_int_equal(vlapic_wrmsr(l, VLAPIC_MSR_APIC_BASE, base | VLAPIC_BASE_EN | 1),
			 VLAPIC_GP); /* reserved bit */
	assert_int_equal(vlapic_wrmsr(l, VLAPIC_MSR_APIC_BASE, (1ULL << 40) | VLAPIC_BASE_EN),
			 VLAPIC_GP); /* beyond MAXPHYADDR */
	wr(1, APIC_REG_SVR, 0x1ff);
	wr(1, APIC_REG_TPR, 0x30);
	to_x2apic(1);
	assert_int_equal(vlapic_rdmsr(l, 0x808, &v), 0);
	assert_int_equal(v, 0x30); /* state kept across xAPIC -> x2APIC */
	assert_int_equal(vlapic_mmio_read(l, APIC_REG_TPR), 0); /* no MMIO */
	assert_int_equal(vlapic_wrmsr(l, VLAPIC_MSR_APIC_BASE, base | VLAPIC_BASE_EN),
			 VLAPIC_GP); /* x2APIC -> xAPIC */
	assert_int_equal(vlapic_wrmsr(l, VLAPIC_MSR_APIC_BASE, base), 0);
	assert_false(vlapic_enabled(l));
	assert_int_equal(vlapic_rdmsr(l, 0x808, &v), VLAPIC_GP);
	assert_int_equal(vlapic_wrmsr(l, VLAPIC_MSR_APIC_BASE,
				      base | VLAPIC_BASE_EN | VLAPIC_BASE_EXTD),
			 VLAPIC_GP); /* disabled -> x2APIC */
	assert_int_equal(vlapic_wrmsr(l, VLAPIC_MSR_APIC_BASE, base | VLAPIC_BASE_EN), 0);
	assert_int_equal(rd(1, APIC_REG_TPR), 0); /* disabling reset it */
	assert_int_equal(rd(1, APIC_REG_SVR), 0xff);
	/* The BSP flag is not writable. */
	vlapic_wrmsr(l, VLAPIC_MSR_APIC_BASE, base | VLAPIC_BASE_EN | VLAPIC_BASE_BSP);
	vlapic_rdmsr(l, VLAPIC_MSR_APIC_BASE, &v);
	assert_int_equal(v, base | VLAPIC_BASE_EN);
	/* A bus without a sane MAXPHYADDR checks against 36 bits. */
	E->bus.phys_bits = 0;
	assert_int_equal(vlapic_wrmsr(l, VLAPIC_MSR_APIC_BASE, (1ULL << 36) | VLAPIC_BASE_EN),
			 VLAPIC_GP);
	assert_int_equal(vlapic_wrmsr(l, VLAPIC_MSR_APIC_BASE, (1ULL << 35) | VLAPIC_BASE_EN), 0);
	assert_int_equal(vlapic_mmio_base(l), 1ULL << 35);
	/* Other MSRs are not ours. */
	assert_int_equal(vlapic_rdmsr(l, 0x10, &v), VLAPIC_GP);
}

static void test_x2apic_register_rules(void **state)
{
	(void)state;
	struct vlapic *l = &E->cpu[3];
	uint64_t v;

	to_x2apic(3);
	assert_int_equal(vlapic_rdmsr(l, 0x802, &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(vlapic_wrmsr(l, 0x802, 5), VLAPIC_GP); /* ID read-only */
	assert_int_equal(vlapic_rdmsr(l, 0x80d, &v), 0);
	assert_int_equal(v, 1u << 3); /* cluster 0, bit 3 */
	assert_int_equal(vlapic_wrmsr(l, 0x80d, 0), VLAPIC_GP);
	assert_int_equal(vlapic_rdmsr(l, 0x80e, &v), VLAPIC_GP); /* no DFR */
	assert_int_equal(vlapic_rdmsr(l, 0x809, &v), VLAPIC_GP); /* no APR */
	assert_int_equal(vlapic_rdmsr(l, 0x831, &v), VLAPIC_GP); /* no ICR hi */
	assert_int_equal(vlapic_rdmsr(l, 0x80b, &v), VLAPIC_GP); /* EOI: w/o */
	assert_int_equal(vlapic_rdmsr(l, 0x83f, &v), VLAPIC_GP); /* SELF IPI */
	assert_int_equal(vlapic_rdmsr(l, 0x840, &v), VLAPIC_GP);
	assert_int_equal(vlapic_wrmsr(l, 0x803, 0), VLAPIC_GP); /* version */
	assert_int_equal(vlapic_wrmsr(l, 0x808, 0x100), VLAPIC_GP);
	assert_int_equal(vlapic_wrmsr(l, 0x808, 1ULL << 32), VLAPIC_GP);
	assert_int_equal(vlapic_wrmsr(l, 0x80b, 1), VLAPIC_GP);
	assert_int_equal(vlapic_wrmsr(l, 0x828, 1), VLAPIC_GP);
	assert_int_equal(vlapic_wrmsr(l, 0x83e, 0x4), VLAPIC_GP); /* TDCR bit 2 */
	assert_int_equal(vlapic_wrmsr(l, 0x832, 0x60040), VLAPIC_GP); /* mode 3 */
	assert_int_equal(vlapic_wrmsr(l, 0x835, 0x20000), VLAPIC_GP); /* LINT0 */
	assert_int_equal(vlapic_wrmsr(l, 0x80f, 0x1000), VLAPIC_GP); /* no EOI suppr. */
	assert_int_equal(vlapic_wrmsr(l, 0x80f, 0x1ff), 0);
	assert_int_equal(vlapic_wrmsr(l, 0x808, 0x20), 0);
	assert_int_equal(vlapic_rdmsr(l, 0x80a, &v), 0);
	assert_int_equal(v, 0x20);
	/* Self IPI and EOI by MSR. */
	assert_int_equal(vlapic_wrmsr(l, 0x83f, 0x100 | 0x55), VLAPIC_GP);
	assert_int_equal(vlapic_wrmsr(l, 0x83f, 0x55), 0);
	assert_int_equal(vlapic_pending_vector(l), 0x55);
	vlapic_ack(l, 0x55);
	assert_int_equal(vlapic_rdmsr(l, 0x812, &v), 0); /* ISR2 bit 21 */
	assert_int_equal(v, 1u << 21);
	assert_int_equal(vlapic_wrmsr(l, 0x80b, 0), 0);
	vlapic_rdmsr(l, 0x812, &v);
	assert_int_equal(v, 0);
	/* Self IPI with a bad vector: "send illegal vector". */
	assert_int_equal(vlapic_wrmsr(l, 0x83f, 2), 0);
	assert_int_equal(vlapic_wrmsr(l, 0x828, 0), 0);
	vlapic_rdmsr(l, 0x828, &v);
	assert_int_equal(v, APIC_ESR_SEND_ILLEGAL);
	/* Timer by MSR: current count read-only. */
	assert_int_equal(vlapic_wrmsr(l, 0x839, 1), VLAPIC_GP);
	assert_int_equal(vlapic_wrmsr(l, 0x838, 77), 0);
	vlapic_rdmsr(l, 0x839, &v);
	assert_int_equal(v, 77);
}

static void test_x2apic_ipis(void **state)
{
	(void)state;
	struct vlapic *l = &E->cpu[0];
	uint64_t v;

	enable_all();
	for (unsigned i = 0; i < NCPU; i++)
		to_x2apic(i);
	assert_int_equal(vlapic_wrmsr(l, 0x830, (2ULL << 32) | 0x60), 0);
	assert_true(E->cpu[2].irr[3] & 1);
	vlapic_rdmsr(l, 0x830, &v);
	assert_int_equal(v, (2ULL << 32) | 0x60);
	/* Logical: cluster 0, bits 1 and 3. */
	vlapic_wrmsr(l, 0x830, (0xaULL << 32) | APIC_ICR_LOGICAL | 0x61);
	assert_true((E->cpu[1].irr[3] & 2) && (E->cpu[3].irr[3] & 2));
	assert_false((E->cpu[0].irr[3] & 2) || (E->cpu[2].irr[3] & 2));
	/* Wrong cluster: nobody. */
	vlapic_wrmsr(l, 0x830, (0x1000aULL << 32) | APIC_ICR_LOGICAL | 0x62);
	assert_int_equal(E->bus.undelivered, 1);
	/* Broadcast is 0xffffffff; 0xff is just an ID. */
	vlapic_wrmsr(l, 0x830, (0xffULL << 32) | 0x63);
	assert_int_equal(E->bus.undelivered, 2);
	vlapic_wrmsr(l, 0x830, (0xffffffffULL << 32) | 0x64);
	for (unsigned i = 0; i < NCPU; i++)
		assert_true(E->cpu[i].irr[3] & 0x10);
	/* Reserved bits #GP; delivery status is ignored. */
	assert_int_equal(vlapic_wrmsr(l, 0x830, (1ULL << 32) | BIT(13) | 0x65), VLAPIC_GP);
	assert_int_equal(vlapic_wrmsr(l, 0x830, (1ULL << 32) | BIT(20) | 0x65), VLAPIC_GP);
	assert_int_equal(vlapic_wrmsr(l, 0x830, (1ULL << 32) | BIT(12) | 0x65), 0);
	assert_true(E->cpu[1].irr[3] & 0x20);
	/* Lowest priority is reserved in x2APIC mode. */
	vlapic_wrmsr(l, 0x830, (1ULL << 32) | (APIC_DM_LOWPRI << 8) | 0x66);
	assert_false(E->cpu[1].irr[3] & 0x40);
	vlapic_wrmsr(l, 0x828, 0);
	vlapic_rdmsr(l, 0x828, &v);
	assert_int_equal(v, APIC_ESR_REDIR_IPI);
	/* SIPI to x2APIC ID 3. */
	vlapic_wrmsr(l, 0x830, (3ULL << 32) | (APIC_DM_SIPI << 8) | 0x10);
	assert_int_equal(events(3, APIC_DM_SIPI, 0x10), 1);
}

/* ---- local interrupt pins ---- */

static void test_lint_and_extint(void **state)
{
	(void)state;
	struct vlapic *l = &E->cpu[0];

	assert_false(vlapic_extint_allowed(l)); /* LINT0 masked at reset */
	vlapic_lint(l, 0);
	assert_int_equal(E->nev, 0);
	vlapic_virtual_wire(l);
	assert_true(vlapic_extint_allowed(l));
	vlapic_lint(l, 0);
	vlapic_lint(l, 1);
	vlapic_lint(l, 7); /* no such pin */
	assert_int_equal(events(0, APIC_DM_EXTINT, -1), 1);
	assert_int_equal(events(0, APIC_DM_NMI, -1), 1);
	/* LINT0 as a fixed interrupt. */
	wr(0, APIC_REG_LVT_LINT0, 0x48);
	assert_false(vlapic_extint_allowed(l));
	vlapic_lint(l, 0);
	assert_true(in_irr(0, 0x48));
	wr(0, APIC_REG_LVT_LINT1, (2 << 8) | 0x10); /* SMI */
	vlapic_lint(l, 1);
	assert_int_equal(events(0, APIC_DM_SMI, -1), 1);
	wr(0, APIC_REG_LVT_LINT1, (1 << 8) | 0x10); /* reserved mode */
	unsigned n = E->nev;
	vlapic_lint(l, 1);
	assert_int_equal(E->nev, n);
	/* Globally disabled: the pins are the core's INTR and NMI. */
	vlapic_wrmsr(l, VLAPIC_MSR_APIC_BASE, VLAPIC_BASE_DEFAULT);
	assert_true(vlapic_extint_allowed(l));
	vlapic_lint(l, 0);
	vlapic_lint(l, 1);
	assert_int_equal(events(0, APIC_DM_EXTINT, -1), 2);
	assert_int_equal(events(0, APIC_DM_NMI, -1), 2);
	assert_int_equal(vlapic_mmio_read(l, APIC_REG_VER), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_reset_state),
		T(test_xapic_register_rules),
		T(test_lvt_and_software_disable),
		T(test_priority_classes),
		T(test_tpr_ppr_apr),
		T(test_eoi_level_reports),
		T(test_illegal_vectors_and_error_lvt),
		T(test_timer_oneshot),
		T(test_timer_periodic),
		T(test_timer_periodic_flood_coalesced),
		T(test_timer_divide_values),
		T(test_timer_divide_change_midway),
		T(test_timer_tsc_deadline),
		T(test_ipi_fixed_and_shorthands),
		T(test_ipi_logical_flat_and_cluster),
		T(test_ipi_lowest_priority),
		T(test_ipi_nmi_init_sipi),
		T(test_ipi_hostile),
		T(test_x2apic_transitions),
		T(test_x2apic_register_rules),
		T(test_x2apic_ipis),
		T(test_lint_and_extint),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
