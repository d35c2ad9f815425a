// UNIT-SOURCES: guest/dev/vlapic.c guest/dev/vlapic_timer.c guest/dev/vlapic_ipi.c tests/unit/vlapic_fixture.c
/* Virtual LAPIC IPIs between four fake vCPUs: fixed and shorthand
 * destinations, logical flat and cluster models, lowest priority, NMI/
 * INIT/SIPI, hostile or undeliverable ICR writes, and the same by the
 * x2APIC ICR MSR.  The four fake vCPUs are in vlapic_fixture.c. */
#include "tests/unit/vlapic_fixture.h"

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

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_ipi_fixed_and_shorthands),
		T(test_ipi_logical_flat_and_cluster),
		T(test_ipi_lowest_priority),
		T(test_ipi_nmi_init_sipi),
		T(test_ipi_hostile),
		T(test_x2apic_ipis),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
