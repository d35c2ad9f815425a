// UNIT-SOURCES: guest/dev/vlapic.c guest/dev/vlapic_timer.c guest/dev/vlapic_ipi.c tests/unit/vlapic_fixture.c
/* Virtual LAPIC registers in both views (xAPIC MMIO and x2APIC MSRs), the
 * xAPIC <-> x2APIC transitions, priorities (TPR/PPR/APR, CR8), EOI and
 * the error register, and the local interrupt pins.  The timer is tested
 * in test_vlapic_timer.c, IPIs in test_vlapic_ipi.c; the four fake vCPUs
 * are in vlapic_fixture.c. */
#include "tests/unit/vlapic_fixture.h"

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

/* SDM 10.4.3, 10.4.7.1 (issue 12, defect 6): globally disabled, the page
 * reads all ones and takes no writes; enabled again, the LAPIC is in its
 * reset state whatever was done to it meanwhile. */
static void test_global_disable(void **state)
{
	(void)state;
	struct vlapic *l = &E->cpu[2];
	uint64_t base = VLAPIC_BASE_DEFAULT;

	enable_all();
	wr(2, APIC_REG_TPR, 0x20);
	wr(2, APIC_REG_LDR, 0x04000000);
	wr(2, APIC_REG_TDCR, 0x3);
	wr(2, APIC_REG_LVT_TIMER, (APIC_TIMER_PERIODIC << 17) | 0x40);
	wr(2, APIC_REG_TMICT, 1000);
	assert_true(vlapic_accept_irq(l, 0x60, false));
	assert_int_equal(vlapic_wrmsr(l, VLAPIC_MSR_APIC_BASE, base), 0);
	assert_false(vlapic_enabled(l));
	assert_false(l->timer.armed);
	assert_int_equal(vlapic_mmio_read(l, APIC_REG_VER), 0xffffffffu);
	assert_int_equal(vlapic_mmio_read(l, APIC_REG_TPR), 0xffffffffu);
	vlapic_mmio_write(l, APIC_REG_TPR, 0x50);
	assert_int_equal(l->tpr, 0);
	assert_int_equal(l->esr_pending, 0);
	assert_false(vlapic_accept_irq(l, 0x61, false));
	assert_int_equal(vlapic_pending_vector(l), -1);
	/* CR8 while off: gone with the reset that enabling brings. */
	assert_int_equal(vlapic_cr8_write(l, 7), 0);
	assert_int_equal(vlapic_wrmsr(l, VLAPIC_MSR_APIC_BASE, base | VLAPIC_BASE_EN), 0);
	assert_int_equal(rd(2, APIC_REG_TPR), 0);
	assert_int_equal(vlapic_cr8_read(l), 0);
	assert_int_equal(rd(2, APIC_REG_ID), 2u << 24);
	assert_int_equal(rd(2, APIC_REG_LDR), 0);
	assert_int_equal(rd(2, APIC_REG_DFR), 0xffffffffu);
	assert_int_equal(rd(2, APIC_REG_SVR), 0xff);
	assert_int_equal(rd(2, APIC_REG_LVT_TIMER), APIC_LVT_MASKED);
	assert_int_equal(rd(2, APIC_REG_TMICT), 0);
	assert_int_equal(rd(2, APIC_REG_TMCCT), 0);
	assert_int_equal(rd(2, APIC_REG_TDCR), 0);
	assert_false(in_irr(2, 0x60));
	assert_int_equal(vlapic_pending_vector(l), -1);
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
	assert_int_equal(vlapic_mmio_read(l, APIC_REG_VER), 0xffffffffu); /* nothing decodes the page */
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
		T(test_x2apic_transitions),
		T(test_global_disable),
		T(test_x2apic_register_rules),
		T(test_lint_and_extint),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
