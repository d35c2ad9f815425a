// UNIT-SOURCES: guest/dev/vioapic.c guest/dev/vlapic.c guest/dev/vlapic_timer.c guest/dev/vlapic_ipi.c
/* Virtual IOAPIC: registers, edge and level pins, remote IRR and EOI,
 * masking, and the whole loop through a real virtual LAPIC. */
#include <stdlib.h>

#include "guest/dev/vioapic.h"
#include "tests/unit/fakes.h"

#define MAX_MSG 32

static struct vlapic_msg msgs[MAX_MSG];
static unsigned nmsg;
static unsigned accept_count; /* what the fake LAPIC layer answers */
static struct vioapic io;

static unsigned fake_deliver(void *ctx, const struct vlapic_msg *m)
{
	(void)ctx;
	assert_true(nmsg < MAX_MSG);
	msgs[nmsg++] = *m;
	return accept_count;
}

static const struct vioapic_hooks fake_hooks = { .deliver = fake_deliver };

static int setup(void **state)
{
	(void)state;
	nmsg = 0;
	accept_count = 1;
	vioapic_init(&io, &fake_hooks, NULL, 2, VIOAPIC_VERSION);
	return 0;
}

static uint32_t reg_rd(unsigned reg)
{
	vioapic_mmio_write(&io, IOAPIC_REGSEL, reg);
	return vioapic_mmio_read(&io, IOAPIC_WIN);
}

static void reg_wr(unsigned reg, uint32_t val)
{
	vioapic_mmio_write(&io, IOAPIC_REGSEL, reg);
	vioapic_mmio_write(&io, IOAPIC_WIN, val);
}

static void rte_set(unsigned pin, uint64_t e)
{
	reg_wr(IOAPIC_REG_REDIR + 2 * pin + 1, (uint32_t)(e >> 32));
	reg_wr(IOAPIC_REG_REDIR + 2 * pin, (uint32_t)e);
}

static uint64_t rte_get(unsigned pin)
{
	return ((uint64_t)reg_rd(IOAPIC_REG_REDIR + 2 * pin + 1) << 32) |
	       reg_rd(IOAPIC_REG_REDIR + 2 * pin);
}

static void test_registers(void **state)
{
	(void)state;
	assert_int_equal(reg_rd(IOAPIC_REG_ID), 2u << 24);
	assert_int_equal(reg_rd(IOAPIC_REG_VER), 0x00170011);
	assert_int_equal(reg_rd(IOAPIC_REG_ARB), 2u << 24);
	reg_wr(IOAPIC_REG_ID, 0xffffffffu);
	assert_int_equal(reg_rd(IOAPIC_REG_ID), 0x0f000000u);
	reg_wr(IOAPIC_REG_VER, 0);
	assert_int_equal(reg_rd(IOAPIC_REG_VER), 0x00170011);
	assert_int_equal(vioapic_mmio_read(&io, IOAPIC_REGSEL), IOAPIC_REG_VER);
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++)
		assert_int_equal(rte_get(pin), IOAPIC_RTE_MASKED);
	/* Reserved and read-only bits are not stored. */
	rte_set(5, 0xffffffffffffffffULL);
	assert_int_equal(rte_get(5), 0xff0000000001afffULL);
	/* Beyond the last pin, unknown registers and offsets: 0, ignored. */
	reg_wr(IOAPIC_REG_REDIR + 2 * VIOAPIC_PINS, 0x1234);
	assert_int_equal(reg_rd(IOAPIC_REG_REDIR + 2 * VIOAPIC_PINS), 0);
	assert_int_equal(reg_rd(0x03), 0);
	vioapic_mmio_write(&io, 0x20, 0x55);
	assert_int_equal(vioapic_mmio_read(&io, 0x20), 0);
	assert_int_equal(nmsg, 0);
}

static void test_edge_pin(void **state)
{
	(void)state;
	rte_set(4, (3ULL << 56) | 0x34);
	vioapic_set_irq(&io, 4, true);
	assert_int_equal(nmsg, 1);
	assert_int_equal(msgs[0].dest, 3);
	assert_int_equal(msgs[0].vector, 0x34);
	assert_int_equal(msgs[0].mode, APIC_DM_FIXED);
	assert_false(msgs[0].level);
	assert_false(msgs[0].logical);
	assert_int_equal(msgs[0].shorthand, APIC_SH_NONE);
	/* Held high: no new edge.  Low then high: one more. */
	vioapic_set_irq(&io, 4, true);
	assert_int_equal(nmsg, 1);
	vioapic_set_irq(&io, 4, false);
	vioapic_set_irq(&io, 4, true);
	assert_int_equal(nmsg, 2);
	assert_false(rte_get(4) & IOAPIC_RTE_REMOTE_IRR);
	assert_int_equal(io.delivered[4], 2);
	/* An edge while masked is lost, also after unmasking. */
	vioapic_set_irq(&io, 4, false);
	rte_set(4, IOAPIC_RTE_MASKED | 0x34);
	vioapic_set_irq(&io, 4, true);
	rte_set(4, 0x34);
	assert_int_equal(nmsg, 2);
	/* Nobody accepting: counted. */
	accept_count = 0;
	vioapic_set_irq(&io, 4, false);
	vioapic_set_irq(&io, 4, true);
	assert_int_equal(io.undelivered, 1);
	/* Bad pins are ignored. */
	vioapic_set_irq(&io, VIOAPIC_PINS, true);
	assert_int_equal(nmsg, 3);
}

static void test_level_pin_remote_irr(void **state)
{
	(void)state;
	rte_set(9, (1ULL << 56) | IOAPIC_RTE_LEVEL | IOAPIC_RTE_ACTIVE_LOW |
			   IOAPIC_RTE_LOGICAL | (APIC_DM_LOWPRI << 8) | 0x49);
	vioapic_set_irq(&io, 9, true);
	assert_int_equal(nmsg, 1);
	assert_true(msgs[0].level);
	assert_true(msgs[0].logical);
	assert_int_equal(msgs[0].mode, APIC_DM_LOWPRI);
	assert_true(rte_get(9) & IOAPIC_RTE_REMOTE_IRR);
	/* Remote IRR is read-only and holds further deliveries. */
	rte_set(9, (1ULL << 56) | IOAPIC_RTE_LEVEL | IOAPIC_RTE_LOGICAL |
			   (APIC_DM_LOWPRI << 8) | 0x49);
	assert_true(rte_get(9) & IOAPIC_RTE_REMOTE_IRR);
	vioapic_set_irq(&io, 9, true);
	assert_int_equal(nmsg, 1);
	/* EOI of another vector changes nothing. */
	vioapic_eoi(&io, 0x48);
	assert_true(rte_get(9) & IOAPIC_RTE_REMOTE_IRR);
	/* EOI while still asserted: delivered again. */
	vioapic_eoi(&io, 0x49);
	assert_int_equal(nmsg, 2);
	assert_true(rte_get(9) & IOAPIC_RTE_REMOTE_IRR);
	/* Deasserted, then EOI: quiet. */
	vioapic_set_irq(&io, 9, false);
	vioapic_eoi(&io, 0x49);
	assert_int_equal(nmsg, 2);
	assert_false(rte_get(9) & IOAPIC_RTE_REMOTE_IRR);
	/* Nobody accepting: remote IRR stays clear. */
	accept_count = 0;
	vioapic_set_irq(&io, 9, true);
	assert_int_equal(nmsg, 3);
	assert_false(rte_get(9) & IOAPIC_RTE_REMOTE_IRR);
}

static void test_masked_level_pin(void **state)
{
	(void)state;
	rte_set(10, IOAPIC_RTE_MASKED | IOAPIC_RTE_LEVEL | 0x50);
	vioapic_set_irq(&io, 10, true);
	assert_int_equal(nmsg, 0);
	/* Unmasking an asserted level pin delivers it. */
	rte_set(10, IOAPIC_RTE_LEVEL | 0x50);
	assert_int_equal(nmsg, 1);
	/* Switching to edge drops remote IRR. */
	rte_set(10, 0x50);
	assert_false(rte_get(10) & IOAPIC_RTE_REMOTE_IRR);
	/* EOI does not touch edge entries. */
	vioapic_eoi(&io, 0x50);
	assert_int_equal(nmsg, 1);
}

static void test_delivery_modes(void **state)
{
	(void)state;
	rte_set(0, APIC_DM_EXTINT << 8);
	rte_set(1, APIC_DM_NMI << 8);
	rte_set(2, 3 << 8);            /* reserved */
	rte_set(3, APIC_DM_SIPI << 8); /* reserved on an IOAPIC */
	for (unsigned pin = 0; pin < 4; pin++)
		vioapic_set_irq(&io, pin, true);
	assert_int_equal(nmsg, 2);
	assert_int_equal(msgs[0].mode, APIC_DM_EXTINT);
	assert_int_equal(msgs[1].mode, APIC_DM_NMI);
	assert_int_equal(io.undelivered, 2);
}

static void test_eoi_register(void **state)
{
	(void)state;
	rte_set(7, IOAPIC_RTE_LEVEL | 0x77);
	vioapic_set_irq(&io, 7, true);
	vioapic_mmio_write(&io, IOAPIC_EOI, 0x77); /* version 0x11: absent */
	assert_true(rte_get(7) & IOAPIC_RTE_REMOTE_IRR);
	io.version = 0x20;
	vioapic_set_irq(&io, 7, false);
	vioapic_mmio_write(&io, IOAPIC_EOI, 0x77);
	assert_false(rte_get(7) & IOAPIC_RTE_REMOTE_IRR);
	assert_int_equal(nmsg, 1);
}

/* The optional EOI hook: called for each pin whose remote IRR an EOI
 * clears, before the pin is looked at again (a passthrough line drops
 * there, guest/vpc/passthru.c). */
static unsigned hook_pins[8], nhook;
static bool hook_drops_line;

static void eoi_hook(void *ctx, unsigned pin)
{
	assert_ptr_equal(ctx, &io);
	assert_false(io.rte[pin] & IOAPIC_RTE_REMOTE_IRR);
	assert_true(nhook < 8);
	hook_pins[nhook++] = pin;
	if (hook_drops_line)
		vioapic_set_irq(&io, pin, false);
}

static void test_eoi_hook(void **state)
{
	static const struct vioapic_hooks hooked = { .deliver = fake_deliver,
						     .eoi = eoi_hook };

	(void)state;
	nhook = 0;
	hook_drops_line = false;
	vioapic_init(&io, &hooked, &io, 0, VIOAPIC_VERSION);
	rte_set(12, IOAPIC_RTE_LEVEL | 0x62);
	rte_set(13, IOAPIC_RTE_LEVEL | 0x62); /* same vector, another pin */
	rte_set(14, 0x62);                    /* edge: no remote IRR */
	vioapic_set_irq(&io, 12, true);
	vioapic_set_irq(&io, 14, true);
	assert_int_equal(nmsg, 2);
	/* Only pins that had remote IRR are reported. */
	vioapic_eoi(&io, 0x62);
	assert_int_equal(nhook, 1);
	assert_int_equal(hook_pins[0], 12);
	/* Still asserted and the hook leaves it: delivered again. */
	assert_int_equal(nmsg, 3);
	/* A hook that drops the line keeps it from coming back. */
	hook_drops_line = true;
	vioapic_eoi(&io, 0x62);
	assert_int_equal(nhook, 2);
	assert_int_equal(hook_pins[1], 12);
	assert_int_equal(nmsg, 3);
	assert_false(io.asserted & BIT(12));
	assert_false(rte_get(12) & IOAPIC_RTE_REMOTE_IRR);
	/* No remote IRR anywhere now: an EOI reports nothing. */
	vioapic_eoi(&io, 0x62);
	assert_int_equal(nhook, 2);
}

/* ---- the loop through a real LAPIC ---- */

static struct vlapic_bus bus;
static struct vlapic lapic[2];

static uint64_t no_time(void *ctx)
{
	(void)ctx;
	return 0;
}

static void lapic_eoi(void *ctx, unsigned vcpu, uint8_t vector)
{
	(void)vcpu;
	vioapic_eoi(ctx, vector);
}

static unsigned to_bus(void *ctx, const struct vlapic_msg *m)
{
	return vlapic_bus_send(ctx, m);
}

static void test_with_vlapic(void **state)
{
	(void)state;
	static const struct vlapic_hooks lh = { .now = no_time, .eoi = lapic_eoi };
	static const struct vioapic_hooks ih = { .deliver = to_bus };
	struct vlapic *l = &lapic[1];

	vlapic_bus_init(&bus, &lh, &io, 1000000, 1000000);
	vlapic_init(&lapic[0], &bus, 0);
	vlapic_init(l, &bus, 1);
	vlapic_mmio_write(l, APIC_REG_SVR, 0x1ff);
	vioapic_init(&io, &ih, &bus, 0, VIOAPIC_VERSION);
	vioapic_mmio_write(&io, IOAPIC_REGSEL, IOAPIC_REG_REDIR + 2 * 11 + 1);
	vioapic_mmio_write(&io, IOAPIC_WIN, 1u << 24);
	vioapic_mmio_write(&io, IOAPIC_REGSEL, IOAPIC_REG_REDIR + 2 * 11);
	vioapic_mmio_write(&io, IOAPIC_WIN, IOAPIC_RTE_LEVEL | 0x61);

	vioapic_set_irq(&io, 11, true);
	assert_int_equal(vlapic_pending_vector(l), 0x61);
	assert_int_equal(vlapic_pending_vector(&lapic[0]), -1);
	vlapic_ack(l, 0x61);
	/* The device is still asserting at EOI: the vector comes back. */
	vlapic_mmio_write(l, APIC_REG_EOI, 0);
	assert_int_equal(vlapic_pending_vector(l), 0x61);
	vlapic_ack(l, 0x61);
	vioapic_set_irq(&io, 11, false);
	vlapic_mmio_write(l, APIC_REG_EOI, 0);
	assert_int_equal(vlapic_pending_vector(l), -1);
	assert_false(io.rte[11] & IOAPIC_RTE_REMOTE_IRR);
	assert_int_equal(io.delivered[11], 2);
	/* vCPU 0 is software-disabled: a message to it is undelivered. */
	io.rte[11] = IOAPIC_RTE_LEVEL | 0x61;
	vioapic_set_irq(&io, 11, true);
	assert_int_equal(io.undelivered, 1);
	assert_false(io.rte[11] & IOAPIC_RTE_REMOTE_IRR);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_registers),
		T(test_edge_pin),
		T(test_level_pin_remote_irr),
		T(test_masked_level_pin),
		T(test_delivery_modes),
		T(test_eoi_register),
		T(test_eoi_hook),
		T(test_with_vlapic),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
