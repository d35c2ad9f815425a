// UNIT-SOURCES: guest/dev/vlapic.c guest/dev/vlapic_timer.c guest/dev/vlapic_ipi.c guest/dev/vlapic_page.c
/* The virtual-APIC page of APIC virtualization (guest/dev/vlapic_page.c): the
 * register file written into it, requested vectors handed to the "CPU"
 * and back (this test plays the CPU: delivers, EOIs, writes registers in
 * the page), what is read back, APIC-write exits, and which x2APIC reads
 * may bypass the hypervisor. */
#include <stdlib.h>

#include "guest/dev/vlapic.h"
#include "tests/unit/fakes.h"

#define NCPU 2
#define TSC_HZ 1000000000ULL
#define MAX_EV 16

struct env {
	struct vlapic_bus bus;
	struct vlapic cpu[NCPU];
	uint32_t page[VLAPIC_PAGE_WORDS];
	uint64_t now;
	unsigned kicks[NCPU];
	uint8_t eoi[MAX_EV];
	unsigned neoi;
};

static struct env *E;

static uint64_t h_now(void *ctx)
{
	return ((struct env *)ctx)->now;
}

static void h_deliver(void *ctx, unsigned vcpu, enum apic_dm mode, uint8_t vector)
{
	struct env *e = ctx;

	(void)mode;
	(void)vector;
	e->kicks[vcpu]++;
}

static void h_eoi(void *ctx, unsigned vcpu, uint8_t vector)
{
	struct env *e = ctx;

	(void)vcpu;
	assert_true(e->neoi < MAX_EV);
	e->eoi[e->neoi++] = vector;
}

static const struct vlapic_hooks hooks = {
	.now = h_now,
	.deliver = h_deliver,
	.eoi = h_eoi,
};

static int setup(void **state)
{
	(void)state;
	E = calloc(1, sizeof(*E));
	E->now = 1000000;
	vlapic_bus_init(&E->bus, &hooks, E, TSC_HZ, TSC_HZ);
	for (unsigned i = 0; i < NCPU; i++) {
		assert_int_equal(vlapic_init(&E->cpu[i], &E->bus, i), 0);
		vlapic_mmio_write(&E->cpu[i], APIC_REG_SVR, APIC_SVR_ENABLE | 0xff);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(E);
	return 0;
}

static uint32_t *reg(uint32_t off)
{
	return &E->page[off / 4];
}

static bool page_bit(uint32_t base, uint8_t v)
{
	return *reg(base + (v / 32) * 16) & (1u << (v % 32));
}

static void page_set(uint32_t base, uint8_t v, bool on)
{
	uint32_t *w = reg(base + (v / 32) * 16);

	*w = on ? *w | (1u << (v % 32)) : *w & ~(1u << (v % 32));
}

static bool bit(const uint32_t *set, uint8_t v)
{
	return set[v / 32] & (1u << (v % 32));
}

/* What the CPU does when it delivers the vector in RVI (SDM "Virtual-
 * Interrupt Delivery"): IRR -> ISR. */
static void cpu_deliver(uint8_t v)
{
	assert_true(page_bit(APIC_REG_IRR, v));
	page_set(APIC_REG_IRR, v, false);
	page_set(APIC_REG_ISR, v, true);
}

static void test_registers_in_page(void **state)
{
	struct vlapic *l = &E->cpu[0];
	struct vlapic_page_status st;

	(void)state;
	memset(E->page, 0xa5, sizeof(E->page));
	vlapic_mmio_write(l, APIC_REG_TPR, 0x35);
	vlapic_mmio_write(l, APIC_REG_LDR, 0x01000000);
	vlapic_mmio_write(l, APIC_REG_LVT_TIMER, 0x20040);
	vlapic_mmio_write(l, APIC_REG_TDCR, 0xb);
	vlapic_mmio_write(l, APIC_REG_TMICT, 1000);
	vlapic_mmio_write(l, APIC_REG_ICR_HI, 0x01000000);
	vlapic_page_load(l, E->page, &st);
	assert_int_equal(*reg(APIC_REG_ID), 0);
	assert_int_equal(*reg(APIC_REG_VER), VLAPIC_VERSION);
	assert_int_equal(*reg(APIC_REG_TPR), 0x35);
	assert_int_equal(*reg(APIC_REG_PPR), 0x35);
	assert_int_equal(*reg(APIC_REG_LDR), 0x01000000);
	assert_int_equal(*reg(APIC_REG_DFR), 0xffffffff);
	assert_int_equal(*reg(APIC_REG_SVR), APIC_SVR_ENABLE | 0xff);
	assert_int_equal(*reg(APIC_REG_LVT_TIMER), 0x20040);
	assert_int_equal(*reg(APIC_REG_TMICT), 1000);
	assert_int_equal(*reg(APIC_REG_TDCR), 0xb);
	assert_int_equal(*reg(APIC_REG_ICR_HI), 0x01000000);
	/* Counting, but never read from the page; no register: 0. */
	assert_int_equal(*reg(APIC_REG_TMCCT), 0);
	assert_int_equal(*reg(APIC_REG_EOI), 0);
	assert_int_equal(*reg(APIC_REG_SELF_IPI), 0);
	assert_int_equal(*reg(0x304), 0);
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(*reg(APIC_REG_ISR + i * 16), 0);
		assert_int_equal(*reg(APIC_REG_TMR + i * 16), 0);
		assert_int_equal(*reg(APIC_REG_IRR + i * 16), 0);
	}
	assert_int_equal(st.rvi, 0);
	assert_int_equal(st.svi, 0);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(st.level[i] | st.unblock[i], 0);
}

/* x2APIC: the 32-bit ID, the LDR derived from it, no DFR, and ICR as one
 * 64-bit register at 0x300. */
static void test_x2apic_layout(void **state)
{
	struct vlapic *l = &E->cpu[1];
	struct vlapic_page_status st;

	(void)state;
	assert_int_equal(vlapic_wrmsr(l, VLAPIC_MSR_APIC_BASE,
				      VLAPIC_BASE_DEFAULT | VLAPIC_BASE_EN | VLAPIC_BASE_EXTD), 0);
	assert_int_equal(vlapic_wrmsr(l, 0x830, (0ULL << 32) | APIC_DM_NMI << 8), 0);
	vlapic_page_load(l, E->page, &st);
	assert_int_equal(*reg(APIC_REG_ID), 1);
	assert_int_equal(*reg(APIC_REG_LDR), 2);
	assert_int_equal(*reg(APIC_REG_DFR), 0);
	assert_int_equal(*reg(APIC_REG_ICR_LO), APIC_DM_NMI << 8);
	assert_int_equal(*reg(0x304), 0);
	assert_int_equal(*reg(APIC_REG_ICR_HI), 0);
	assert_int_equal(vlapic_wrmsr(l, 0x830, (1ULL << 32) | APIC_DM_NMI << 8), 0);
	vlapic_page_load(l, E->page, &st);
	assert_int_equal(*reg(0x304), 1);
}

/* Requested vectors move to the page; those the CPU did not deliver move
 * back; the delivered one is in service. */
static void test_irr_handover(void **state)
{
	struct vlapic *l = &E->cpu[0];
	struct vlapic_page_status st;

	(void)state;
	assert_true(vlapic_accept_irq(l, 0x40, false));
	assert_true(vlapic_accept_irq(l, 0x62, false));
	vlapic_page_load(l, E->page, &st);
	assert_int_equal(st.rvi, 0x62);
	assert_true(page_bit(APIC_REG_IRR, 0x40) && page_bit(APIC_REG_IRR, 0x62));
	assert_false(bit(l->irr, 0x40) || bit(l->irr, 0x62));
	/* Two requested: the EOI of either may let the other through. */
	assert_int_equal(st.unblock[1], (1ULL << (0x40 - 64)) | (1ULL << (0x62 - 64)));

	cpu_deliver(0x62);
	assert_true(vlapic_page_store(l, E->page));
	assert_true(bit(l->isr, 0x62));
	assert_false(bit(l->irr, 0x62));
	assert_true(bit(l->irr, 0x40));
	assert_false(page_bit(APIC_REG_IRR, 0x40));
	assert_int_equal(vlapic_ppr(l), 0x60);
	assert_int_equal(vlapic_pending_vector(l), -1);

	vlapic_page_load(l, E->page, &st);
	assert_int_equal(st.rvi, 0x40);
	assert_int_equal(st.svi, 0x62);
	assert_true(page_bit(APIC_REG_ISR, 0x62));
	/* 0x40 waits for 0x62's EOI. */
	assert_int_equal(st.unblock[1], (1ULL << (0x40 - 64)) | (1ULL << (0x62 - 64)));
	/* Nothing requested: nothing to load again. */
	cpu_deliver(0x40);
	assert_false(vlapic_page_store(l, E->page));
	assert_true(bit(l->isr, 0x40) && bit(l->isr, 0x62));
}

/* A vector posted again (another pCPU) while the CPU delivers the first:
 * one in service, one still requested. */
static void test_repost_while_delivered(void **state)
{
	struct vlapic *l = &E->cpu[0];
	struct vlapic_page_status st;

	(void)state;
	assert_true(vlapic_accept_irq(l, 0x50, false));
	vlapic_page_load(l, E->page, &st);
	/* One vector, deliverable at once: no EOI needs to exit. */
	assert_int_equal(st.unblock[1], 0);
	cpu_deliver(0x50);
	assert_true(vlapic_accept_irq(l, 0x50, false));
	assert_false(vlapic_page_store(l, E->page));
	assert_true(bit(l->isr, 0x50));
	assert_true(bit(l->irr, 0x50));
	vlapic_page_load(l, E->page, &st);
	assert_int_equal(st.rvi, 0x50);
	assert_int_equal(st.svi, 0x50);
}

/* Level-triggered vectors are the EOI-exit bitmap; their EOI reaches the
 * IOAPIC hook, an edge one's does not. */
static void test_level_and_eoi(void **state)
{
	struct vlapic *l = &E->cpu[0];
	struct vlapic_page_status st;

	(void)state;
	assert_true(vlapic_accept_irq(l, 0x71, true));
	assert_true(vlapic_accept_irq(l, 0x30, false));
	vlapic_page_load(l, E->page, &st);
	assert_int_equal(st.level[0], 0);
	assert_int_equal(st.level[1], 1ULL << (0x71 - 64));
	assert_int_equal(st.level[2] | st.level[3], 0);
	assert_true(page_bit(APIC_REG_TMR, 0x71));
	cpu_deliver(0x71);
	page_set(APIC_REG_ISR, 0x71, false); /* virtual EOI */
	vlapic_page_store(l, E->page);
	vlapic_eoi_vector(l, 0x71);
	assert_int_equal(E->neoi, 1);
	assert_int_equal(E->eoi[0], 0x71);
	vlapic_eoi_vector(l, 0x30);
	assert_int_equal(E->neoi, 1);
}

/* TPR, and in xAPIC mode ICR, as the guest left them in the page. */
static void test_store_tpr_icr(void **state)
{
	struct vlapic *l = &E->cpu[0];
	struct vlapic_page_status st;

	(void)state;
	vlapic_page_load(l, E->page, &st);
	*reg(APIC_REG_TPR) = 0x45;
	*reg(APIC_REG_ICR_HI) = 0x01000000;
	*reg(APIC_REG_ICR_LO) = 0x40030; /* self-IPI the CPU virtualized */
	vlapic_page_store(l, E->page);
	assert_int_equal(l->tpr, 0x45);
	assert_int_equal(vlapic_mmio_read(l, APIC_REG_ICR_HI), 0x01000000);
	assert_int_equal(vlapic_mmio_read(l, APIC_REG_ICR_LO), 0x40030);
}

/* APIC-write exits: the value the guest wrote, with the register's own
 * rules; an ICR write sends with the destination the page holds. */
static void test_apic_write(void **state)
{
	struct vlapic *l = &E->cpu[0];
	struct vlapic_page_status st;

	(void)state;
	vlapic_page_load(l, E->page, &st);
	*reg(APIC_REG_LVT_TIMER) = 0xfff3ff40; /* reserved bits set */
	vlapic_page_write(l, E->page, APIC_REG_LVT_TIMER);
	assert_int_equal(vlapic_mmio_read(l, APIC_REG_LVT_TIMER), 0x00030040);

	*reg(APIC_REG_ICR_HI) = 0x01000000;
	vlapic_page_store(l, E->page); /* every exit reads the page back first */
	*reg(APIC_REG_ICR_LO) = 0x00000055;
	vlapic_page_write(l, E->page, APIC_REG_ICR_LO + 1); /* a byte write */
	assert_true(bit(E->cpu[1].irr, 0x55));
	assert_int_equal(E->kicks[1], 1);

	*reg(APIC_REG_SVR) = 0xff;
	vlapic_page_write(l, E->page, APIC_REG_SVR);
	vlapic_page_load(l, E->page, &st);
	assert_int_equal(*reg(APIC_REG_SVR), 0xff);
	assert_true(*reg(APIC_REG_LVT_TIMER) & APIC_LVT_MASKED);
}

/* A globally disabled LAPIC requests nothing. */
static void test_disabled_hands_nothing(void **state)
{
	struct vlapic *l = &E->cpu[0];
	struct vlapic_page_status st;

	(void)state;
	assert_true(vlapic_accept_irq(l, 0x40, false));
	l->apic_base &= ~(uint64_t)VLAPIC_BASE_EN;
	vlapic_page_load(l, E->page, &st);
	assert_int_equal(st.rvi, 0);
	assert_false(page_bit(APIC_REG_IRR, 0x40));
	assert_true(bit(l->irr, 0x40));
}

static void test_x2apic_readable(void **state)
{
	static const struct {
		uint32_t msr;
		bool page;
	} t[] = {
		{ 0x802, true },  { 0x803, true },  { 0x808, true },
		{ 0x80a, true },  { 0x80d, true },  { 0x80f, true },
		{ 0x810, true },  { 0x817, true },  { 0x818, true },
		{ 0x827, true },  { 0x828, true },  { 0x830, true },
		{ 0x832, true },  { 0x837, true },  { 0x838, true },
		{ 0x83e, true },
		{ 0x800, false }, { 0x809, false }, { 0x80b, false },
		{ 0x80c, false }, { 0x80e, false }, { 0x82f, false },
		{ 0x831, false }, { 0x839, false }, { 0x83f, false },
		{ 0x840, false }, { 0x8ff, false }, { 0x7ff, false },
		{ 0x900, false },
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (vlapic_page_x2apic_readable(t[i].msr) != t[i].page)
			fail_msg("MSR %#x: expected %s", t[i].msr,
				 t[i].page ? "read from the page" : "an exit");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_registers_in_page),
		T(test_x2apic_layout),
		T(test_irr_handover),
		T(test_repost_while_delivered),
		T(test_level_and_eoi),
		T(test_store_tpr_icr),
		T(test_apic_write),
		T(test_disabled_hands_nothing),
		T(test_x2apic_readable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
