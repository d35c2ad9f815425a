// UNIT-SOURCES: arch-x86/acpi.c arch-x86/acpi_madt.c arch-x86/acpi_fadt.c tests/unit/acpi_builder.c tests/unit/acpi_fixture.c
/* Host ACPI parser, the MADT: CPUs (xAPIC and x2APIC) in their order with
 * the boot CPU first, IOAPICs, overrides and NMIs on modern (ACPI 2.0+,
 * XSDT) and Bochs-like (ACPI 1.0) machines, and malformed, oversized or
 * missing MADTs, which must leave the boot CPU alone. */
#include "tests/unit/acpi_fixture.h"

/* Replace the QEMU machine's MADT and run. */
static int run_madt(struct ab_madt *m, uint32_t bsp)
{
	ab_qemu();
	madt_end(m, AB_MADT);
	fake_log_reset();
	return run(bsp);
}

/* ---- modern and Bochs-like machines -------------------------------------- */

/* ACPI 2.0+ firmware through the loader's RSDP copy: the XSDT wins over
 * the RSDT, X_ fields over legacy ones, x2APIC entries, a reset register
 * and a 32-bit PM timer in a 276-byte FADT. */
static void test_modern_xsdt(void **state)
{
	static const uint8_t s5[] = { 0x0a, 5, 0x0a, 5, 0x00, 0x00 };
	uint8_t aml[64], x2nmi[12] = { ACPI_MADT_X2APIC_NMI, 12 };
	uint64_t xsdt[] = { AB_FADT, AB_MADT };
	struct acpi_fadt f;
	struct ab_madt m;
	struct acpi_s5 out;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.dsdt = AB_SCRATCH; /* X_DSDT wins */
	f.x_dsdt = AB_DSDT;
	f.pm1a_cnt_blk = 0x604;
	f.x_pm1a_cnt_blk = ab_io(0x1004, 16);
	f.pm_tmr_blk = 0x608;
	f.x_pm_tmr_blk = ab_io(0x1008, 32);
	f.flags = ACPI_FADT_TMR_VAL_EXT | ACPI_FADT_RESET_REG_SUP;
	f.reset_reg = ab_io(0xcf9, 8);
	f.reset_value = 6;
	ab_fadt(AB_FADT, &f, sizeof(f), 6);

	madt_begin(&m, 0xfee00000, 0);
	madt_lapic(&m, 0, 0, ACPI_MADT_ENABLED);
	madt_x2apic(&m, 0x100, ACPI_MADT_ENABLED, 1);
	madt_x2apic(&m, 0x101, ACPI_MADT_ENABLED, 2);
	madt_x2apic(&m, UINT32_MAX, ACPI_MADT_ENABLED, 3); /* filler */
	madt_raw(&m, x2nmi, sizeof(x2nmi));
	madt_ioapic(&m, 1, 0xfec00000, 0);
	madt_ioapic(&m, 2, 0xfec01000, 24);
	madt_end(&m, AB_MADT);

	ab_aml_table(AB_DSDT, "DSDT", aml, aml_s5(aml, true, 4, s5, sizeof(s5), 1));
	ab_xsdt(AB_XSDT, xsdt, 2);
	ab_rsdt(AB_RSDT, NULL, 0); /* an RSDT that lists nothing */
	ab_rsdp_copy(2, AB_RSDT, AB_XSDT);

	assert_int_equal(run(0), 0);
	assert_int_equal(ai.rsdp, AB_RSDP_COPY);
	assert_int_equal(ai.rsdp_revision, 2);
	assert_true(ai.xsdt);
	assert_int_equal(ai.root, AB_XSDT);
	assert_int_equal(ai.ntables, 2);
	assert_int_equal(ai.ncpus, 3);
	assert_int_equal(ai.apic_ids[0], 0);
	assert_int_equal(ai.apic_ids[1], 0x100);
	assert_int_equal(ai.apic_ids[2], 0x101);
	assert_false(ai.cpu_x2apic[0]);
	assert_true(ai.cpu_x2apic[1]);
	assert_true(ai.cpu_x2apic[2]);
	assert_false(ai.pcat_compat);
	assert_int_equal(ai.lapic_nmis, 1);
	assert_int_equal(ai.nioapics, 2);
	assert_int_equal(ai.ioapic[1].id, 2);
	assert_int_equal(ai.ioapic[1].addr, 0xfec01000);
	assert_int_equal(ai.ioapic[1].gsi_base, 24);
	assert_int_equal(ai.fadt_revision, 6);
	assert_int_equal(ai.dsdt, AB_DSDT);
	assert_int_equal(ai.pm_tmr_port, 0x1008);
	assert_int_equal(ai.pm_tmr_bits, 32);
	assert_int_equal(ai.pm1a_cnt, 0x1004);
	assert_true(ai.has_reset);
	assert_int_equal(ai.reset_reg.space, ACPI_SPACE_IO);
	assert_int_equal(ai.reset_reg.bit_width, 8);
	assert_int_equal(ai.reset_reg.addr, 0xcf9);
	assert_int_equal(ai.reset_value, 6);
	assert_true(ai.has_s5);
	assert_int_equal(ai.slp_typa, 5);
	assert_int_equal(ai.slp_typb, 5);
	assert_true(acpi_get_s5(&ai, &out));
	assert_int_equal(out.pm1a_cnt, 0x1004);
	assert_int_equal(out.slp_typa, 5);
	assert_int_equal(out.slp_typb, 5);

	assert_report("acpi: RSDP v2 at 0x200000, XSDT with 2 tables; MADT: 3 CPUs "
		      "(APIC IDs 0,256,257), 2 IOAPICs (id 1 at 0xfec00000, GSI 0; "
		      "id 2 at 0xfec01000, GSI 24), 0 overrides; FADT: PM timer "
		      "0x1008 (32-bit), PM1a_CNT 0x1004, reset port 0xcf9=0x6, "
		      "S5 = 5/5\n");
}

/* Bochs' BIOS: ACPI 1.0 tables, the IOAPIC ID after the CPUs', a 116-byte
 * FADT that ends exactly where RAM ends (nothing past it may be read),
 * Name(\_S5_, Package(){5, 5, 0, 0}) with BytePrefix; boot CPU 2. */
static void test_bochs_like(void **state)
{
	static const uint8_t s5[] = { 0x0a, 5, 0x0a, 5, 0x00, 0x00 };
	const paddr_t fadt = AB_RAM_END - ACPI_FADT_V1_LEN;
	uint32_t rsdt[] = { (uint32_t)fadt, AB_MADT };
	uint8_t aml[64];
	struct acpi_fadt f;
	struct ab_madt m;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.dsdt = AB_DSDT;
	f.pm1a_cnt_blk = 0xb004;
	f.pm_tmr_blk = 0xb008;
	f.flags = ACPI_FADT_RESET_REG_SUP; /* no reset register in 1.0 */
	ab_fadt(fadt, &f, ACPI_FADT_V1_LEN, 1);

	madt_begin(&m, 0xfee00000, ACPI_MADT_PCAT_COMPAT);
	for (uint8_t i = 0; i < 4; i++)
		madt_lapic(&m, i, i, ACPI_MADT_ENABLED);
	madt_ioapic(&m, 4, 0xfec00000, 0);
	madt_iso(&m, 0, 2, 0);
	madt_end(&m, AB_MADT);

	ab_aml_table(AB_DSDT, "DSDT", aml, aml_s5(aml, true, 4, s5, sizeof(s5), 1));
	ab_rsdt(AB_RSDT, rsdt, 2);
	ab_rsdp(0xfbe60, 0, AB_RSDT, 0);

	assert_int_equal(run(2), 0);
	assert_int_equal(ai.ncpus, 4);
	assert_int_equal(ai.apic_ids[0], 2);
	assert_int_equal(ai.apic_ids[1], 0);
	assert_int_equal(ai.apic_ids[2], 1);
	assert_int_equal(ai.apic_ids[3], 3);
	assert_int_equal(ai.ioapic[0].id, 4);
	assert_false(ai.has_reset);
	assert_int_equal(ai.pm_tmr_bits, 24);
	assert_report("acpi: RSDP v1 at 0xfbe60, RSDT with 2 tables; MADT: 4 CPUs "
		      "(APIC IDs 2,0,1,3), 1 IOAPIC (id 4 at 0xfec00000, GSI 0), "
		      "1 override; FADT: PM timer 0xb008 (24-bit), PM1a_CNT "
		      "0xb004, S5 = 5/5\n");
}

/* ---- malformed MADTs ----------------------------------------------------- */

static void madt_qemu_cpus(struct ab_madt *m)
{
	madt_begin(m, 0xfee00000, ACPI_MADT_PCAT_COMPAT);
	madt_lapic(m, 0, 0, ACPI_MADT_ENABLED);
	madt_lapic(m, 1, 1, ACPI_MADT_ENABLED);
}

static void test_madt_zero_length_entry(void **state)
{
	static const uint8_t zero[] = { ACPI_MADT_LAPIC, 0 };
	struct ab_madt m;

	(void)state;
	madt_qemu_cpus(&m);
	madt_raw(&m, zero, sizeof(zero));
	madt_ioapic(&m, 0, 0xfec00000, 0);
	assert_int_equal(run_madt(&m, 0), 0);
	assert_log("acpi: MADT entry at offset 60: length 0 is too small");
	assert_log("acpi: MADT ignored; running on the boot CPU only (APIC ID 0)");
	assert_boot_cpu_only(0);
	assert_false(ai.pcat_compat);
	assert_report("acpi: RSDP v1 at 0xf5a40, RSDT with 3 tables; no MADT: 1 CPU "
		      "(APIC ID 0), 0 IOAPICs, 0 overrides; FADT: PM timer 0xb008 "
		      "(24-bit), PM1a_CNT 0xb004, S5 = 0/0\n");
}

static void test_madt_entry_past_end(void **state)
{
	static const uint8_t tail[] = { ACPI_MADT_IOAPIC, 20, 0, 0, 0, 0, 0xc0, 0xfe, 0, 0 };
	struct ab_madt m;

	(void)state;
	madt_qemu_cpus(&m);
	madt_raw(&m, tail, sizeof(tail));
	assert_int_equal(run_madt(&m, 0), 0);
	assert_log("acpi: MADT entry at offset 60: length 20 runs past the table end");
	assert_boot_cpu_only(0);
}

static void test_madt_entry_too_short(void **state)
{
	static const uint8_t io[] = { ACPI_MADT_IOAPIC, 8, 0, 0, 0, 0, 0xc0, 0xfe };
	struct ab_madt m;

	(void)state;
	madt_qemu_cpus(&m);
	madt_raw(&m, io, sizeof(io));
	assert_int_equal(run_madt(&m, 0), 0);
	assert_log("acpi: MADT entry at offset 60: type 1 needs 12 bytes, has 8");
	assert_boot_cpu_only(0);
}

static void test_madt_cut_header(void **state)
{
	static const uint8_t one = ACPI_MADT_LAPIC;
	struct ab_madt m;

	(void)state;
	madt_qemu_cpus(&m);
	madt_raw(&m, &one, 1);
	assert_int_equal(run_madt(&m, 0), 0);
	assert_log("acpi: MADT entry at offset 60: header cut off by the table end");
	assert_boot_cpu_only(0);
}

static void test_madt_short_table(void **state)
{
	struct ab_madt m;

	(void)state;
	m.len = 0;
	madt_raw(&m, (const uint32_t[]){ 0xfee00000 }, 4);
	assert_int_equal(run_madt(&m, 0), 0);
	assert_log("acpi: MADT of 40 bytes is shorter than its header");
	assert_boot_cpu_only(0);
}

/* Entries for other controllers, of any length, are stepped over. */
static void test_madt_unknown_entries(void **state)
{
	uint8_t gicc[80] = { 0x0b, 80 };
	static const uint8_t tiny[] = { 0x7f, 2 };
	struct ab_madt m;

	(void)state;
	madt_qemu_cpus(&m);
	madt_raw(&m, gicc, sizeof(gicc));
	madt_raw(&m, tiny, sizeof(tiny));
	madt_lapic(&m, 2, 2, ACPI_MADT_ENABLED);
	assert_int_equal(run_madt(&m, 0), 0);
	assert_true(ai.has_madt);
	assert_int_equal(ai.ncpus, 3);
	assert_int_equal(ai.apic_ids[2], 2);
}

/* 70 enabled CPUs: 64 kept, 6 counted as dropped. */
static void test_madt_too_many_cpus(void **state)
{
	struct ab_madt m;

	(void)state;
	madt_begin(&m, 0xfee00000, 0);
	for (unsigned i = 0; i < 70; i++)
		madt_lapic(&m, (uint8_t)i, (uint8_t)i, ACPI_MADT_ENABLED);
	assert_int_equal(run_madt(&m, 0), 0);
	assert_int_equal(ai.ncpus, ACPI_MAX_CPUS);
	assert_int_equal(ai.cpus_dropped, 6);
	for (unsigned i = 0; i < ACPI_MAX_CPUS; i++)
		assert_int_equal(ai.apic_ids[i], i);
	assert_log("acpi: MADT lists 6 enabled CPUs beyond the 64 supported; ignored");
	assert_report("acpi: RSDP v1 at 0xf5a40, RSDT with 3 tables; MADT: 64 CPUs "
		      "(APIC IDs 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,... +48) + 0 "
		      "disabled, 0 hot-plug, 6 over the limit, 0 IOAPICs, 0 overrides; "
		      "FADT: PM timer 0xb008 (24-bit), PM1a_CNT 0xb004, S5 = 0/0\n");

	/* The boot CPU is among the dropped ones: it is kept, first. */
	ab_setup();
	assert_int_equal(run_madt(&m, 69), 0);
	assert_int_equal(ai.ncpus, ACPI_MAX_CPUS);
	assert_int_equal(ai.apic_ids[0], 69);
	assert_int_equal(ai.apic_ids[1], 0);
	assert_int_equal(ai.apic_ids[63], 62);
	assert_int_equal(ai.cpus_dropped, 6);
	assert_no_log("does not list the boot CPU");
}

/* Disabled, hot-pluggable, filler and duplicate entries are not CPUs. */
static void test_madt_disabled_cpus(void **state)
{
	struct ab_madt m;

	(void)state;
	madt_begin(&m, 0xfee00000, 0);
	madt_lapic(&m, 0, 0, ACPI_MADT_ENABLED);
	madt_lapic(&m, 1, 1, 0);
	madt_lapic(&m, 2, 2, ACPI_MADT_ONLINE_CAPABLE);
	madt_lapic(&m, 3, 0xff, ACPI_MADT_ENABLED);
	madt_lapic(&m, 4, 3, ACPI_MADT_ENABLED);
	madt_x2apic(&m, 3, ACPI_MADT_ENABLED, 5);
	madt_x2apic(&m, 0x200, 0, 6);
	assert_int_equal(run_madt(&m, 0), 0);
	assert_log("acpi: MADT lists APIC ID 3 twice; the copy is ignored");
	assert_int_equal(ai.ncpus, 2);
	assert_int_equal(ai.apic_ids[1], 3);
	assert_false(ai.cpu_x2apic[1]);
	assert_int_equal(ai.cpus_disabled, 2);
	assert_int_equal(ai.cpus_hotplug, 1);
	assert_int_equal(ai.cpus_dropped, 0);
	fake_log_reset();
	acpi_print(&ai);
	assert_log("MADT: 2 CPUs (APIC IDs 0,3) + 2 disabled, 1 hot-plug, 0 over the limit, 0 IOAPICs");
}

/* The boot CPU comes first, wherever the MADT lists it, or is added. */
static void test_madt_boot_cpu(void **state)
{
	struct ab_madt m;

	(void)state;
	madt_begin(&m, 0xfee00000, 0);
	madt_lapic(&m, 0, 1, ACPI_MADT_ENABLED);
	madt_x2apic(&m, 0x300, ACPI_MADT_ENABLED, 1);
	madt_lapic(&m, 2, 0, ACPI_MADT_ENABLED);
	assert_int_equal(run_madt(&m, 0x300), 0);
	assert_int_equal(ai.ncpus, 3);
	assert_int_equal(ai.apic_ids[0], 0x300);
	assert_true(ai.cpu_x2apic[0]);
	assert_int_equal(ai.apic_ids[1], 1);
	assert_false(ai.cpu_x2apic[1]);
	assert_int_equal(ai.apic_ids[2], 0);

	ab_setup();
	assert_int_equal(run_madt(&m, 5), 0);
	assert_log("acpi: MADT does not list the boot CPU (APIC ID 5); added");
	assert_int_equal(ai.ncpus, 4);
	assert_int_equal(ai.apic_ids[0], 5);
	assert_int_equal(ai.apic_ids[1], 1);
	assert_int_equal(ai.apic_ids[3], 0);

	/* No enabled CPU at all. */
	ab_setup();
	madt_begin(&m, 0xfee00000, 0);
	madt_lapic(&m, 0, 0, 0);
	assert_int_equal(run_madt(&m, 0), 0);
	assert_log("acpi: MADT lists no enabled CPU; using the boot CPU (APIC ID 0)");
	assert_true(ai.has_madt);
	assert_int_equal(ai.ncpus, 1);
	assert_int_equal(ai.apic_ids[0], 0);

	/* 64 CPUs listed, the boot CPU not among them: it takes the last
	 * slot's place. */
	ab_setup();
	madt_begin(&m, 0xfee00000, 0);
	for (unsigned i = 0; i < 64; i++)
		madt_lapic(&m, (uint8_t)i, (uint8_t)(i + 1), ACPI_MADT_ENABLED);
	assert_int_equal(run_madt(&m, 0), 0);
	assert_int_equal(ai.ncpus, 64);
	assert_int_equal(ai.apic_ids[0], 0);
	assert_int_equal(ai.apic_ids[63], 63);
	assert_int_equal(ai.cpus_dropped, 1);
}

static void test_madt_limits(void **state)
{
	struct ab_madt m;

	(void)state;
	madt_qemu_cpus(&m);
	for (unsigned i = 0; i < 9; i++)
		madt_ioapic(&m, (uint8_t)i, 0xfec00000 + i * 0x1000, i * 24);
	for (unsigned i = 0; i < 17; i++)
		madt_iso(&m, (uint8_t)i, i + 100, 0xf);
	assert_int_equal(run_madt(&m, 0), 0);
	assert_int_equal(ai.nioapics, ACPI_MAX_IOAPICS);
	assert_int_equal(ai.ioapic[7].id, 7);
	assert_int_equal(ai.ioapic[7].gsi_base, 7 * 24);
	assert_int_equal(ai.noverrides, ACPI_MAX_OVERRIDES);
	assert_int_equal(ai.override[15].bus_irq, 15);
	assert_int_equal(ai.override[15].gsi, 115);
	assert_int_equal(ai.override[15].flags, 0xf);
	assert_log("acpi: MADT: IOAPIC id 8 beyond the 8 supported; ignored");
	assert_log("acpi: MADT: override of IRQ 16 beyond the 16 supported; ignored");
	assert_true(ai.has_madt);
}

/* The 64-bit local APIC address override, NMI entries counted. */
static void test_madt_lapic_override_nmis(void **state)
{
	struct acpi_madt_lapic_addr a = { { ACPI_MADT_LAPIC_ADDR, 12 }, 0, 0xfee10000ull };
	struct acpi_madt_lapic_addr zero = { { ACPI_MADT_LAPIC_ADDR, 12 }, 0, 0 };
	struct acpi_madt_nmi_src nmi = { { ACPI_MADT_NMI_SRC, 8 }, 0, 0 };
	struct ab_madt m;

	(void)state;
	madt_qemu_cpus(&m);
	madt_raw(&m, &a, sizeof(a));
	madt_raw(&m, &zero, sizeof(zero)); /* 0: keep what we have */
	madt_raw(&m, &nmi, sizeof(nmi));
	madt_lapic_nmi(&m, 0, 1);
	madt_lapic_nmi(&m, 1, 1);
	assert_int_equal(run_madt(&m, 0), 0);
	assert_int_equal(ai.lapic_base, 0xfee10000ull);
	assert_int_equal(ai.nmi_sources, 1);
	assert_int_equal(ai.lapic_nmis, 2);
}

/* ---- missing tables ------------------------------------------------------ */

static void test_missing_madt(void **state)
{
	(void)state;
	ab_qemu();
	ab_rsdt(AB_RSDT, (const uint32_t[]){ AB_FADT }, 1);
	assert_int_equal(run(3), 0);
	assert_log("acpi: no usable MADT; running on the boot CPU only (APIC ID 3)");
	assert_boot_cpu_only(3);
	assert_true(ai.has_fadt);
	assert_true(ai.has_s5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_modern_xsdt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bochs_like, setup, teardown),
		cmocka_unit_test_setup_teardown(test_madt_zero_length_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_madt_entry_past_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_madt_entry_too_short, setup, teardown),
		cmocka_unit_test_setup_teardown(test_madt_cut_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_madt_short_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_madt_unknown_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_madt_too_many_cpus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_madt_disabled_cpus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_madt_boot_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_madt_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_madt_lapic_override_nmis, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_madt, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
