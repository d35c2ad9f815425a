// UNIT-SOURCES: arch-x86/acpi.c arch-x86/acpi_madt.c arch-x86/acpi_fadt.c tests/unit/acpi_builder.c tests/unit/acpi_fixture.c
/* Host ACPI parser, the FADT and the DSDT: short and odd FADTs, reset
 * registers, every \_S5_ encoding and malformed ones (read without a byte
 * past the table), broken or missing DSDTs and a missing FADT. */
#include "lib/printk.h"
#include "tests/unit/acpi_fixture.h"

/* Replace the QEMU machine's DSDT by filler around 'aml' and run. */
static void run_dsdt(const uint8_t *aml, uint32_t n)
{
	ab_qemu();
	ab_aml_table(AB_DSDT, "DSDT", aml, n);
	fake_log_reset();
	assert_int_equal(run(0), 0);
	assert_true(ai.has_fadt);
}

/* ---- the FADT ------------------------------------------------------------ */

/* A FADT shorter than ACPI 1.0's, at the end of RAM: only the fields it
 * holds are read. */
static void test_fadt_short(void **state)
{
	struct acpi_fadt f;
	paddr_t at = AB_RAM_END - 80;
	uint32_t rsdt[] = { (uint32_t)at, AB_MADT };

	(void)state;
	ab_qemu();
	memset(&f, 0xff, sizeof(f)); /* would show if read past 80 bytes */
	f.dsdt = AB_DSDT;
	f.sci_int = 9;
	f.pm1a_cnt_blk = 0x404;
	f.pm1b_cnt_blk = 0;
	f.pm_tmr_blk = 0x408;
	ab_fadt(at, &f, 80, 1);
	ab_rsdt(AB_RSDT, rsdt, 2);
	assert_int_equal(run(0), 0);
	assert_log("acpi: FADT of 80 bytes is shorter than ACPI 1.0's 116; using what it holds");
	assert_true(ai.has_fadt);
	assert_int_equal(ai.pm1a_cnt, 0x404);
	assert_int_equal(ai.pm_tmr_port, 0x408);
	assert_int_equal(ai.pm_tmr_bits, 24); /* no flags field: 24 bits */
	assert_int_equal(ai.dsdt, AB_DSDT);
	assert_true(ai.has_s5);

	/* 72 bytes end before PM_TMR_BLK. */
	ab_setup();
	ab_qemu();
	at = AB_RAM_END - 72;
	rsdt[0] = (uint32_t)at;
	ab_fadt(at, &f, 72, 1);
	ab_rsdt(AB_RSDT, rsdt, 2);
	assert_int_equal(run(0), 0);
	assert_int_equal(ai.pm1a_cnt, 0x404);
	assert_int_equal(ai.pm_tmr_port, 0);
	assert_int_equal(ai.pm_tmr_bits, 0);
	assert_report("acpi: RSDP v1 at 0xf5a40, RSDT with 2 tables; MADT: 2 CPUs "
		      "(APIC IDs 0,1), 1 IOAPIC (id 0 at 0xfec00000, GSI 0), "
		      "2 overrides; FADT: no PM timer, PM1a_CNT 0x404, S5 = 0/0\n");
}

/* X_ blocks outside I/O space, legacy ports that are not ports, an
 * unusable reset register, a zero X_DSDT: each ignored with a reason. */
static void test_fadt_odd_fields(void **state)
{
	struct acpi_fadt f;

	(void)state;
	ab_qemu();
	memset(&f, 0, sizeof(f));
	f.dsdt = AB_DSDT;
	f.x_dsdt = 0;
	f.pm1a_cnt_blk = 0xb004;
	f.pm1b_cnt_blk = 0x12345;
	f.pm_tmr_blk = 0xb008;
	f.x_pm_tmr_blk = (struct acpi_gas_raw){ ACPI_SPACE_MEM, 32, 0, 3, 0xfed00008 };
	f.x_pm1a_cnt_blk = ab_io(0x10000, 16);
	f.flags = ACPI_FADT_RESET_REG_SUP;
	f.reset_reg = ab_io(0, 8);
	ab_fadt(AB_FADT, &f, 244, 3);
	assert_int_equal(run(0), 0);
	assert_log("acpi: FADT X_PM_TMR_BLK 0xfed00008 in address space 0 is not an I/O port; ignored");
	assert_log("acpi: FADT X_PM1a_CNT_BLK 0x10000 in address space 1 is not an I/O port; ignored");
	assert_log("acpi: FADT PM1b_CNT_BLK 0x12345 is not an I/O port; ignored");
	assert_log("acpi: FADT reset register 0x0 in address space 1 is unusable; ignored");
	assert_int_equal(ai.fadt_revision, 3);
	assert_int_equal(ai.pm_tmr_port, 0xb008);
	assert_int_equal(ai.pm1a_cnt, 0xb004);
	assert_int_equal(ai.pm1b_cnt, 0);
	assert_false(ai.has_reset);
	assert_int_equal(ai.dsdt, AB_DSDT);
	assert_true(ai.has_s5);
}

/* A 44-byte FADT holds the DSDT address and nothing else we use. */
static void test_fadt_tiny(void **state)
{
	struct acpi_fadt f;
	struct acpi_s5 s5;

	(void)state;
	ab_qemu();
	memset(&f, 0x77, sizeof(f));
	f.dsdt = AB_DSDT;
	ab_fadt(AB_RAM_END - 44, &f, 44, 1);
	ab_rsdt(AB_RSDT, (const uint32_t[]){ AB_MADT, (uint32_t)(AB_RAM_END - 44) }, 2);
	assert_int_equal(run(0), 0);
	assert_true(ai.has_fadt);
	assert_int_equal(ai.dsdt, AB_DSDT);
	assert_int_equal(ai.sci_irq, 0);
	assert_int_equal(ai.pm1a_cnt, 0);
	assert_int_equal(ai.pm_tmr_port, 0);
	assert_true(ai.has_s5);
	assert_false(acpi_get_s5(&ai, &s5)); /* no PM1a_CNT to write it to */
}

/* Reset registers in PCI configuration space are kept; in other spaces
 * (functional fixed hardware here) they are refused. */
static void test_fadt_reset_spaces(void **state)
{
	struct acpi_fadt f;

	(void)state;
	ab_qemu();
	memset(&f, 0, sizeof(f));
	f.dsdt = AB_DSDT;
	f.pm1a_cnt_blk = 0xb004;
	f.flags = ACPI_FADT_RESET_REG_SUP;
	f.reset_reg = (struct acpi_gas_raw){ ACPI_SPACE_PCI, 8, 0, 1, 0x1f00a4 };
	f.reset_value = 0x02;
	ab_fadt(AB_FADT, &f, sizeof(f), 6);
	assert_int_equal(run(0), 0);
	assert_true(ai.has_reset);
	assert_int_equal(ai.reset_reg.space, ACPI_SPACE_PCI);
	fake_log_reset();
	acpi_print(&ai);
	assert_log("reset pci 0x1f00a4=0x2, S5 = 0/0");

	ab_setup();
	ab_qemu();
	f.reset_reg.space_id = 0x7f;
	ab_fadt(AB_FADT, &f, sizeof(f), 6);
	assert_int_equal(run(0), 0);
	assert_false(ai.has_reset);
	assert_log("acpi: FADT reset register 0x1f00a4 in address space 127 is unusable; ignored");
}

/* A memory-mapped reset register is kept as it is. */
static void test_fadt_reset_mmio(void **state)
{
	struct acpi_fadt f;

	(void)state;
	ab_qemu();
	memset(&f, 0, sizeof(f));
	f.dsdt = AB_DSDT;
	f.pm1a_cnt_blk = 0xb004;
	f.pm1b_cnt_blk = 0xb104;
	f.flags = ACPI_FADT_RESET_REG_SUP;
	f.reset_reg = (struct acpi_gas_raw){ ACPI_SPACE_MEM, 8, 0, 1, 0xfed80000 };
	f.reset_value = 0x0e;
	ab_fadt(AB_FADT, &f, sizeof(f), 6);
	assert_int_equal(run(0), 0);
	assert_true(ai.has_reset);
	assert_int_equal(ai.reset_reg.space, ACPI_SPACE_MEM);
	assert_int_equal(ai.reset_reg.addr, 0xfed80000);
	assert_int_equal(ai.pm_tmr_port, 0);
	assert_int_equal(ai.pm1b_cnt, 0xb104);
	assert_report("acpi: RSDP v1 at 0xf5a40, RSDT with 3 tables; MADT: 2 CPUs "
		      "(APIC IDs 0,1), 1 IOAPIC (id 0 at 0xfec00000, GSI 0), "
		      "2 overrides; FADT: no PM timer, PM1a_CNT 0xb004, PM1b_CNT "
		      "0xb104, reset mem 0xfed80000=0xe, S5 = 0/0\n");
}

/* ---- \_S5_ encodings ----------------------------------------------------- */

static void test_s5_zero_one(void **state)
{
	static const uint8_t e[] = { 0x01, 0x00 };
	uint8_t aml[32];

	(void)state;
	run_dsdt(aml, aml_s5(aml, false, 2, e, sizeof(e), 1));
	assert_true(ai.has_s5);
	assert_int_equal(ai.slp_typa, 1);
	assert_int_equal(ai.slp_typb, 0);
}

static void test_s5_word_dword(void **state)
{
	static const uint8_t e[] = { 0x0b, 0x07, 0x00, 0x0c, 0x06, 0, 0, 0 };
	uint8_t aml[32];

	(void)state;
	run_dsdt(aml, aml_s5(aml, true, 2, e, sizeof(e), 1));
	assert_true(ai.has_s5);
	assert_int_equal(ai.slp_typa, 7);
	assert_int_equal(ai.slp_typb, 6);
}

static void test_s5_qword(void **state)
{
	static const uint8_t e[] = { 0x0e, 3, 0, 0, 0, 0, 0, 0, 0, 0x01 };
	uint8_t aml[32];

	(void)state;
	run_dsdt(aml, aml_s5(aml, false, 2, e, sizeof(e), 1));
	assert_true(ai.has_s5);
	assert_int_equal(ai.slp_typa, 3);
	assert_int_equal(ai.slp_typb, 1);
}

/* PkgLength in its 2- and 4-byte forms. */
static void test_s5_long_pkglength(void **state)
{
	static const uint8_t e[] = { 0x0a, 6, 0x0a, 4, 0x00, 0x00 };
	uint8_t aml[32];

	(void)state;
	run_dsdt(aml, aml_s5(aml, true, 4, e, sizeof(e), 2));
	assert_true(ai.has_s5);
	assert_int_equal(ai.slp_typa, 6);
	assert_int_equal(ai.slp_typb, 4);

	ab_setup();
	run_dsdt(aml, aml_s5(aml, false, 4, e, sizeof(e), 4));
	assert_true(ai.has_s5);
	assert_int_equal(ai.slp_typa, 6);
	assert_int_equal(ai.slp_typb, 4);
}

/* Not in the DSDT but in the second SSDT. */
static void test_s5_in_ssdt(void **state)
{
	static const uint8_t e[] = { 0x0a, 7, 0x0a, 7 };
	static const uint8_t none[] = { 0xa3 };
	uint32_t rsdt[] = { AB_FADT, AB_MADT, AB_SSDT, AB_SSDT2 };
	uint8_t aml[32];

	(void)state;
	ab_qemu();
	ab_aml_table(AB_DSDT, "DSDT", none, sizeof(none));
	ab_aml_table(AB_SSDT, "SSDT", none, sizeof(none));
	ab_aml_table(AB_SSDT2, "SSDT", aml, aml_s5(aml, false, 2, e, sizeof(e), 1));
	ab_rsdt(AB_RSDT, rsdt, 4);
	assert_int_equal(run(0), 0);
	assert_true(ai.has_s5);
	assert_int_equal(ai.slp_typa, 7);
	assert_int_equal(ai.slp_typb, 7);
}

static void test_s5_missing(void **state)
{
	static const uint8_t none[] = { 0xa3 };
	struct acpi_s5 s5;

	(void)state;
	run_dsdt(none, sizeof(none));
	assert_false(ai.has_s5);
	assert_log("acpi: no \\_S5_ object; S5 unknown");
	memset(&s5, 0xa5, sizeof(s5));
	assert_false(acpi_get_s5(&ai, &s5));
	assert_int_equal(s5.pm1a_cnt, 0);
	assert_int_equal(s5.pm1b_cnt, 0);
	assert_report("acpi: RSDP v1 at 0xf5a40, RSDT with 3 tables; MADT: 2 CPUs "
		      "(APIC IDs 0,1), 1 IOAPIC (id 0 at 0xfec00000, GSI 0), "
		      "2 overrides; FADT: PM timer 0xb008 (24-bit), PM1a_CNT "
		      "0xb004, S5 unknown\n");
}

/* A malformed \_S5_: reported, S5 unknown, and (table at the very end of
 * RAM) nothing read past the table. */
static void s5_bad(const uint8_t *aml, uint32_t n, const char *why)
{
	char msg[160];
	paddr_t at = AB_RAM_END - ACPI_HEADER_LEN - n;
	struct acpi_fadt f;

	ab_setup();
	ab_qemu();
	memset(&f, 0, sizeof(f));
	f.dsdt = (uint32_t)at;
	f.pm1a_cnt_blk = 0xb004;
	ab_fadt(AB_FADT, &f, ACPI_FADT_V1_LEN, 1);
	ab_table(at, "DSDT", 2, aml, n);
	assert_int_equal(run(0), 0);
	assert_false(ai.has_s5);
	if (why)
		snprintf(msg, sizeof(msg), "acpi: DSDT: \\_S5_ at offset 0x%x: %s; S5 unknown",
			 ACPI_HEADER_LEN, why);
	else
		snprintf(msg, sizeof(msg), "acpi: DSDT: _S5_ at offset 0x%x is no package; passed over\n"
			 "acpi: no \\_S5_ object; S5 unknown", ACPI_HEADER_LEN);
	assert_log(msg);
}

static void test_s5_malformed(void **state)
{
#define S5 0x08, '_', 'S', '5', '_'
	static const uint8_t past_end[] = { S5, 0x12, 0x0a, 0x04, 0x0a, 0x05 };
	static const uint8_t zero_len[] = { S5, 0x12, 0x00, 0x02, 0x00, 0x00 };
	static const uint8_t len_bytes_cut[] = { S5, 0x12, 0xc5 };
	static const uint8_t no_len[] = { S5, 0x12 };
	static const uint8_t no_count[] = { S5, 0x12, 0x01, 0x02 };
	static const uint8_t one_elem[] = { S5, 0x12, 0x04, 0x01, 0x0a, 0x05 };
	static const uint8_t second_missing[] = { S5, 0x12, 0x04, 0x02, 0x0a, 0x05, 0x0a, 0x05 };
	static const uint8_t cut_integer[] = { S5, 0x12, 0x05, 0x02, 0x0a, 0x05, 0x0b, 0x07 };
	static const uint8_t name_elem[] = { S5, 0x12, 0x07, 0x02, 'S', 'L', 'P', 'A', 0x00 };
	static const uint8_t too_big[] = { S5, 0x12, 0x05, 0x02, 0x0a, 0x08, 0x00 };
	static const uint8_t ones[] = { S5, 0x12, 0x04, 0x02, 0x00, 0xff };
	static const uint8_t not_pkg[] = { S5, 0x0a, 0x05 };
	static const uint8_t at_end[] = { S5 };
#undef S5

	(void)state;
	s5_bad(past_end, sizeof(past_end), "bad package length");
	s5_bad(zero_len, sizeof(zero_len), "bad package length");
	s5_bad(len_bytes_cut, sizeof(len_bytes_cut), "bad package length");
	s5_bad(no_len, sizeof(no_len), "bad package length");
	s5_bad(no_count, sizeof(no_count), "package ends early");
	s5_bad(one_elem, sizeof(one_elem), "package has fewer than 2 elements");
	s5_bad(second_missing, sizeof(second_missing), "package ends early");
	s5_bad(cut_integer, sizeof(cut_integer), "package ends inside an integer");
	s5_bad(name_elem, sizeof(name_elem), "element is not an integer constant");
	s5_bad(too_big, sizeof(too_big), "value does not fit SLP_TYP");
	s5_bad(ones, sizeof(ones), "value does not fit SLP_TYP");
	/* Not Name(_S5_, Package): passed over, and nothing else found. */
	s5_bad(not_pkg, sizeof(not_pkg), NULL);
	s5_bad(at_end, sizeof(at_end), NULL);
}

/* A root prefix right at the start of the AML has no room for NameOp;
 * the scan goes on to the real one. */
static void test_s5_prefix_at_start(void **state)
{
	static const uint8_t aml[] = { '\\', '_', 'S', '5', '_',
				       0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x01 };

	(void)state;
	ab_qemu();
	ab_table(AB_DSDT, "DSDT", 2, aml, sizeof(aml));
	assert_int_equal(run(0), 0);
	assert_true(ai.has_s5);
	assert_int_equal(ai.slp_typa, 1);
	assert_int_equal(ai.slp_typb, 1);
}

static void test_dsdt_bad(void **state)
{
	struct acpi_fadt f;

	(void)state;
	ab_qemu();
	ab_break_checksum(AB_DSDT);
	assert_int_equal(run(0), 0);
	assert_log("acpi: DSDT at 0x384000 (\"DSDT\"): bad checksum; skipped");
	assert_false(ai.has_s5);
	assert_true(ai.has_fadt);

	/* A "DSDT" pointer to some other table. */
	ab_setup();
	ab_qemu();
	memset(&f, 0, sizeof(f));
	f.dsdt = AB_MADT;
	f.pm1a_cnt_blk = 0xb004;
	ab_fadt(AB_FADT, &f, ACPI_FADT_V1_LEN, 1);
	assert_int_equal(run(0), 0);
	assert_log("acpi: DSDT at 0x382000 (\"APIC\"): signature is not \"DSDT\"; skipped");
	assert_false(ai.has_s5);

	/* No DSDT at all. */
	ab_setup();
	ab_qemu();
	f.dsdt = 0;
	ab_fadt(AB_FADT, &f, ACPI_FADT_V1_LEN, 1);
	assert_int_equal(run(0), 0);
	assert_log("acpi: FADT names no DSDT; S5 unknown");
	assert_int_equal(ai.dsdt, 0);
	assert_null(acpi_find_table("DSDT", 0));
}

/* ---- missing tables ------------------------------------------------------ */

static void test_missing_fadt(void **state)
{
	struct acpi_s5 s5;

	(void)state;
	ab_qemu();
	ab_rsdt(AB_RSDT, (const uint32_t[]){ AB_MADT }, 1);
	assert_int_equal(run(0), 0);
	assert_log("acpi: no usable FADT; no PM timer, S5 unknown");
	assert_false(ai.has_fadt);
	assert_int_equal(ai.pm_tmr_port, 0);
	assert_false(ai.has_s5);
	assert_false(acpi_get_s5(&ai, &s5));
	assert_null(acpi_find_table("DSDT", 0));
	assert_report("acpi: RSDP v1 at 0xf5a40, RSDT with 1 table; MADT: 2 CPUs "
		      "(APIC IDs 0,1), 1 IOAPIC (id 0 at 0xfec00000, GSI 0), "
		      "2 overrides; no FADT\n");
}

/* A \_S5_ without a PM1a control port is no way to power off. */
static void test_s5_without_pm1a(void **state)
{
	struct acpi_fadt f;
	struct acpi_s5 s5;

	(void)state;
	ab_qemu();
	memset(&f, 0, sizeof(f));
	f.dsdt = AB_DSDT;
	ab_fadt(AB_FADT, &f, ACPI_FADT_V1_LEN, 1);
	assert_int_equal(run(0), 0);
	assert_true(ai.has_s5);
	assert_false(acpi_get_s5(&ai, &s5));
	assert_int_equal(s5.pm1a_cnt, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fadt_short, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fadt_odd_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fadt_reset_mmio, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fadt_tiny, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fadt_reset_spaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_s5_zero_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_s5_word_dword, setup, teardown),
		cmocka_unit_test_setup_teardown(test_s5_qword, setup, teardown),
		cmocka_unit_test_setup_teardown(test_s5_long_pkglength, setup, teardown),
		cmocka_unit_test_setup_teardown(test_s5_in_ssdt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_s5_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_s5_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_s5_prefix_at_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dsdt_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_fadt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_s5_without_pm1a, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
