/* Shared fixture of the virtual LAPIC tests; see vlapic_fixture.h. */
#include <stdlib.h>

#include "tests/unit/vlapic_fixture.h"

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

struct env *E;

int setup(void **state)
{
	(void)state;
	E = calloc(1, sizeof(*E));
	E->now = 1000000;
	vlapic_bus_init(&E->bus, &hooks, E, TSC_HZ, TIMER_HZ);
	for (unsigned i = 0; i < NCPU; i++)
		assert_int_equal(vlapic_init(&E->cpu[i], &E->bus, i), 0);
	return 0;
}

int teardown(void **state)
{
	(void)state;
	free(E);
	return 0;
}

uint32_t rd(unsigned cpu, uint32_t off)
{
	return vlapic_mmio_read(&E->cpu[cpu], off);
}

void wr(unsigned cpu, uint32_t off, uint32_t val)
{
	vlapic_mmio_write(&E->cpu[cpu], off, val);
}

void enable_all(void)
{
	for (unsigned i = 0; i < NCPU; i++)
		wr(i, APIC_REG_SVR, APIC_SVR_ENABLE | 0xff);
}

bool in_irr(unsigned cpu, uint8_t v)
{
	return rd(cpu, APIC_REG_IRR + (v / 32) * 16) & (1u << (v % 32));
}

bool in_isr(unsigned cpu, uint8_t v)
{
	return rd(cpu, APIC_REG_ISR + (v / 32) * 16) & (1u << (v % 32));
}

unsigned events(unsigned vcpu, enum apic_dm mode, int vector)
{
	unsigned n = 0;

	for (unsigned i = 0; i < E->nev; i++)
		if (E->ev[i].vcpu == vcpu && E->ev[i].mode == mode &&
		    (vector < 0 || E->ev[i].vector == vector))
			n++;
	return n;
}

uint32_t esr(unsigned cpu)
{
	wr(cpu, APIC_REG_ESR, 0);
	return rd(cpu, APIC_REG_ESR);
}

void to_x2apic(unsigned cpu)
{
	assert_int_equal(vlapic_wrmsr(&E->cpu[cpu], VLAPIC_MSR_APIC_BASE,
				      VLAPIC_BASE_DEFAULT | VLAPIC_BASE_EN |
					      VLAPIC_BASE_EXTD),
			 0);
	assert_true(vlapic_x2apic(&E->cpu[cpu]));
}
