/* Shared fixture of the virtual LAPIC tests (test_vlapic*.c): four
 * vLAPICs on one bus whose hooks are a fake clock, a fake host timer per
 * vCPU and logs of the deliveries and EOIs they make; setup() builds them
 * afresh for every test, and the helpers read and write their registers. */
#ifndef TESTS_UNIT_VLAPIC_FIXTURE_H
#define TESTS_UNIT_VLAPIC_FIXTURE_H

#include "guest/dev/vlapic.h"
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

extern struct env *E;

int setup(void **state);
int teardown(void **state);

/* xAPIC (MMIO) register access of vCPU 'cpu'. */
uint32_t rd(unsigned cpu, uint32_t off);
void wr(unsigned cpu, uint32_t off, uint32_t val);
/* Software-enable every vLAPIC (spurious vector 0xff). */
void enable_all(void);
bool in_irr(unsigned cpu, uint8_t v);
bool in_isr(unsigned cpu, uint8_t v);
/* Number of events of 'mode' delivered to 'vcpu' (vector too unless -1). */
unsigned events(unsigned vcpu, enum apic_dm mode, int vector);
/* ESR as the guest reads it: latched by a write first. */
uint32_t esr(unsigned cpu);
/* Switch vCPU 'cpu' to x2APIC mode. */
void to_x2apic(unsigned cpu);

#endif
