// UNIT-SOURCES: arch-x86/acpi.c arch-x86/acpi_madt.c arch-x86/acpi_fadt.c tests/unit/acpi_builder.c tests/unit/acpi_fixture.c
/* Host ACPI parser, finding the tables: the RSDP (loader's copy, EBDA,
 * BIOS ROM area), RSDT and XSDT on a QEMU-like machine, corrupt RSDPs and
 * root tables that must be reported and skipped, reading nothing outside
 * what the memory map allows (the fake phys window, and ASan on it, catch
 * any such read), mapped reserved memory, and acpi_find_table().  The
 * MADT's contents are tested in test_acpi_madt.c, the FADT's and \_S5_
 * in test_acpi_fadt.c. */
#include "lib/errno.h"
#include "tests/unit/acpi_fixture.h"

/* ---- well-formed machines ------------------------------------------------ */

static void test_checksum(void **state)
{
	static const uint8_t good[] = { 0x12, 0x34, 0xba };
	static const uint8_t bad[] = { 0x12, 0x34, 0xbb };

	(void)state;
	assert_true(acpi_checksum_ok(good, sizeof(good)));
	assert_false(acpi_checksum_ok(bad, sizeof(bad)));
	assert_true(acpi_checksum_ok(bad, 0));
}

/* SeaBIOS on QEMU: RSDP 1.0 found in the BIOS ROM area, RSDT, 116-byte
 * FADT, Name(_S5_, Package(4){0, 0, 0, 0}) in ZeroOp form. */
static void test_qemu_like(void **state)
{
	struct acpi_s5 s5;

	(void)state;
	ab_qemu();
	assert_int_equal(run(0), 0);
	assert_int_equal(ai.rsdp, AB_RSDP_ROM);
	assert_int_equal(ai.rsdp_revision, 0);
	assert_int_equal(ai.root, AB_RSDT);
	assert_false(ai.xsdt);
	assert_int_equal(ai.ntables, 3);

	assert_true(ai.has_madt);
	assert_int_equal(ai.ncpus, 2);
	assert_int_equal(ai.apic_ids[0], 0);
	assert_int_equal(ai.apic_ids[1], 1);
	assert_false(ai.cpu_x2apic[0]);
	assert_false(ai.cpu_x2apic[1]);
	assert_int_equal(ai.cpus_disabled + ai.cpus_hotplug + ai.cpus_dropped, 0);
	assert_int_equal(ai.lapic_base, 0xfee00000);
	assert_true(ai.pcat_compat);
	assert_int_equal(ai.nioapics, 1);
	assert_int_equal(ai.ioapic[0].id, 0);
	assert_int_equal(ai.ioapic[0].addr, 0xfec00000);
	assert_int_equal(ai.ioapic[0].gsi_base, 0);
	assert_int_equal(ai.noverrides, 2);
	assert_int_equal(ai.override[0].bus_irq, 0);
	assert_int_equal(ai.override[0].gsi, 2);
	assert_int_equal(ai.override[0].flags, 0);
	assert_int_equal(ai.override[1].bus_irq, 9);
	assert_int_equal(ai.override[1].gsi, 9);
	assert_int_equal(ai.override[1].flags, 0xd);
	assert_int_equal(ai.lapic_nmis, 1);
	assert_int_equal(ai.nmi_sources, 0);

	assert_true(ai.has_fadt);
	assert_int_equal(ai.fadt_revision, 1);
	assert_int_equal(ai.sci_irq, 9);
	assert_int_equal(ai.pm_tmr_port, 0xb008);
	assert_int_equal(ai.pm_tmr_bits, 24);
	assert_int_equal(ai.pm1a_cnt, 0xb004);
	assert_int_equal(ai.pm1b_cnt, 0);
	assert_false(ai.has_reset);
	assert_int_equal(ai.dsdt, AB_DSDT);
	assert_true(ai.has_s5);
	assert_int_equal(ai.slp_typa, 0);
	assert_int_equal(ai.slp_typb, 0);

	assert_true(acpi_get_s5(&ai, &s5));
	assert_int_equal(s5.pm1a_cnt, 0xb004);
	assert_int_equal(s5.pm1b_cnt, 0);
	assert_int_equal(s5.slp_typa, 0);
	assert_int_equal(s5.slp_typb, 0);

	assert_report("acpi: RSDP v1 at 0xf5a40, RSDT with 3 tables; MADT: 2 CPUs "
		      "(APIC IDs 0,1), 1 IOAPIC (id 0 at 0xfec00000, GSI 0), "
		      "2 overrides; FADT: PM timer 0xb008 (24-bit), PM1a_CNT "
		      "0xb004, S5 = 0/0\n");
}

/* The RSDP in the first KiB of the EBDA, whose segment is at 0x40E. */
static void test_ebda_rsdp(void **state)
{
	uint8_t *bda = ab_ptr(0x40e);

	(void)state;
	ab_qemu();
	memset(ab_ptr(AB_RSDP_ROM), 0, ACPI_RSDP_V1_LEN);
	bda[0] = 0xc0; /* segment 0x9fc0: EBDA at 0x9fc00 */
	bda[1] = 0x9f;
	ab_rsdp(0x9fc00 + 0x3e0, 0, AB_RSDT, 0); /* its last 20 bytes */
	assert_int_equal(run(0), 0);
	assert_int_equal(ai.rsdp, 0x9fc00 + 0x3e0);
	assert_int_equal(ai.ncpus, 2);
	assert_log("acpi: RSDP found in the EBDA");
}

/* An EBDA segment pointing past the VGA hole is not scanned; an RSDP
 * beyond the first KiB of the EBDA is not found there either. */
static void test_ebda_bogus_segment(void **state)
{
	uint8_t *bda = ab_ptr(0x40e);

	(void)state;
	ab_qemu();
	bda[0] = 0xff;
	bda[1] = 0xff;
	assert_int_equal(run(0), 0);
	assert_int_equal(ai.rsdp, AB_RSDP_ROM);
	assert_log("acpi: RSDP found in the BIOS ROM area");

	ab_setup();
	ab_qemu();
	memset(ab_ptr(AB_RSDP_ROM), 0, ACPI_RSDP_V1_LEN);
	bda = ab_ptr(0x40e);
	bda[0] = 0x00;
	bda[1] = 0x90; /* EBDA at 0x90000 */
	ab_rsdp(0x90000 + 0x400, 0, AB_RSDT, 0);
	assert_int_equal(run(0), -ENOENT);
	assert_int_equal(ai.rsdp, 0);
	assert_log("acpi: no RSDP found");
}

/* A "RSD PTR " with a bad checksum before the real one is passed over. */
static void test_rom_bad_candidate(void **state)
{
	(void)state;
	ab_qemu();
	ab_rsdp(0xe0000, 0, 0x12345678, 0);
	((uint8_t *)ab_ptr(0xe0000))[8] ^= 1;
	assert_int_equal(run(0), 0);
	assert_int_equal(ai.rsdp, AB_RSDP_ROM);
	assert_log("RSDP candidate at 0xe0000: bad checksum");
}

/* ---- corrupt RSDP and root tables ---------------------------------------- */

static void test_rsdp_bad_checksum(void **state)
{
	(void)state;
	ab_rsdp_copy(0, AB_RSDT, 0);
	((struct acpi_rsdp *)ab_ptr(AB_RSDP_COPY))->checksum ^= 1;
	assert_int_equal(run(7), -ENOENT);
	assert_log("acpi: the loader's RSDP copy at 0x200000 is invalid (bad checksum); scanning the BIOS areas");
	assert_log("acpi: no RSDP found; no ACPI tables, running on the boot CPU only (APIC ID 7)");
	assert_boot_cpu_only(7);
	assert_int_equal(ai.rsdp, 0);
	assert_int_equal(ai.root, 0);
	assert_false(ai.has_fadt);
	assert_false(ai.has_s5);
	assert_null(acpi_find_table("APIC", 0));
	assert_report("acpi: no usable tables; no MADT: 1 CPU (APIC ID 7), 0 IOAPICs, "
		      "0 overrides; no FADT\n");
}

/* A bad loader copy, a good RSDP in the BIOS area: that one is used. */
static void test_rsdp_copy_bad_rom_good(void **state)
{
	(void)state;
	ab_qemu();
	ab_rsdp_copy(0, AB_RSDT, 0);
	memcpy(ab_ptr(AB_RSDP_COPY), "RSD PTX ", 8);
	assert_int_equal(run(0), 0);
	assert_log("(no \"RSD PTR \" signature)");
	assert_int_equal(ai.rsdp, AB_RSDP_ROM);
	assert_int_equal(ai.ncpus, 2);

	/* A copy shorter than an RSDP. */
	ab_setup();
	ab_qemu();
	ab_rsdp_copy(0, AB_RSDT, 0);
	ab_bi.rsdp_len = 16;
	assert_int_equal(run(0), 0);
	assert_log("(too short or unreadable)");
	assert_int_equal(ai.rsdp, AB_RSDP_ROM);
}

/* Revision 2 with a bad extended checksum or length: the ACPI 1.0 part
 * still names the RSDT. */
static void test_rsdp_v2_bad_extended(void **state)
{
	uint64_t xsdt[] = { AB_FADT };

	(void)state;
	ab_qemu();
	ab_xsdt(AB_XSDT, xsdt, 1);
	ab_rsdp_copy(2, AB_RSDT, AB_XSDT);
	((struct acpi_rsdp *)ab_ptr(AB_RSDP_COPY))->ext_checksum ^= 1;
	assert_int_equal(run(0), 0);
	assert_log("acpi: RSDP at 0x200000: revision 2 with a bad length (36) or extended checksum; using the RSDT");
	assert_false(ai.xsdt);
	assert_int_equal(ai.root, AB_RSDT);
	assert_true(ai.has_madt);

	/* A length longer than the copy. */
	ab_setup();
	ab_qemu();
	ab_xsdt(AB_XSDT, xsdt, 1);
	ab_rsdp_copy(2, AB_RSDT, AB_XSDT);
	((struct acpi_rsdp *)ab_ptr(AB_RSDP_COPY))->length = 0x2000;
	assert_int_equal(run(0), 0);
	assert_log("bad length (8192)");
	assert_int_equal(ai.root, AB_RSDT);

	/* Only the 1.0 part was copied. */
	ab_setup();
	ab_qemu();
	ab_rsdp_copy(2, AB_RSDT, AB_XSDT);
	ab_bi.rsdp_len = ACPI_RSDP_V1_LEN;
	assert_int_equal(run(0), 0);
	assert_log("acpi: RSDP at 0x200000: revision 2, but only its ACPI 1.0 part is there; using the RSDT");
	assert_int_equal(ai.root, AB_RSDT);
	assert_int_equal(ai.rsdp_revision, 2);
}

static void test_rsdp_no_root(void **state)
{
	(void)state;
	ab_rsdp_copy(0, 0, 0);
	assert_int_equal(run(0), -ENOENT);
	assert_log("acpi: RSDP at 0x200000 names no root table");
	assert_log("acpi: no usable RSDT or XSDT");
	assert_boot_cpu_only(0);
	assert_int_equal(ai.rsdp, AB_RSDP_COPY);
	assert_report("acpi: RSDP v1 at 0x200000, no usable tables; no MADT: 1 CPU "
		      "(APIC ID 0), 0 IOAPICs, 0 overrides; no FADT\n");
}

static void test_rsdt_bad_checksum(void **state)
{
	(void)state;
	ab_qemu();
	ab_break_checksum(AB_RSDT);
	assert_int_equal(run(1), -ENOENT);
	assert_log("acpi: RSDT at 0x380000 (\"RSDT\"): bad checksum; skipped");
	assert_log("acpi: no usable RSDT or XSDT; no ACPI tables, running on the boot CPU only (APIC ID 1)");
	assert_boot_cpu_only(1);
	assert_null(acpi_find_table("FACP", 0));
}

/* A broken XSDT: back to the RSDT, which still works. */
static void test_xsdt_bad_rsdt_good(void **state)
{
	uint64_t xsdt[] = { AB_FADT, AB_MADT };

	(void)state;
	ab_qemu();
	ab_xsdt(AB_XSDT, xsdt, 2);
	((struct acpi_header *)ab_ptr(AB_XSDT))->length = 0x7fffffff;
	ab_rsdp_copy(2, AB_RSDT, AB_XSDT);
	assert_int_equal(run(0), 0);
	assert_log("acpi: XSDT at 0x380400 (\"XSDT\"): absurd length 2147483647; skipped");
	assert_log("acpi: falling back to the RSDT");
	assert_false(ai.xsdt);
	assert_int_equal(ai.root, AB_RSDT);
	assert_int_equal(ai.ntables, 3);

	/* Both broken. */
	ab_setup();
	ab_qemu();
	ab_xsdt(AB_XSDT, xsdt, 2);
	ab_break_checksum(AB_XSDT);
	ab_break_checksum(AB_RSDT);
	ab_rsdp_copy(2, AB_RSDT, AB_XSDT);
	assert_int_equal(run(0), -ENOENT);
	assert_boot_cpu_only(0);

	/* XSDT only, broken. */
	ab_setup();
	ab_qemu();
	ab_xsdt(AB_XSDT, xsdt, 2);
	ab_break_checksum(AB_XSDT);
	ab_rsdp_copy(2, 0, AB_XSDT);
	assert_int_equal(run(0), -ENOENT);
	assert_no_log("falling back");
}

/* Root entries pointing at nothing, at holes, at garbage, far away. */
static void test_rsdt_garbage(void **state)
{
	static const uint8_t junk[64] = { 0x01, 0x02, 'x', 0x7f, 0xff, 0xff, 0xff, 0xff };
	uint32_t rsdt[] = { 0, AB_HOLE + 0x100, AB_SCRATCH, AB_SCRATCH + 0x100,
			    AB_SCRATCH + 0x200, AB_FADT, 0xffffff00, AB_SCRATCH + 0x300 };

	(void)state;
	ab_qemu();
	memcpy(ab_ptr(AB_SCRATCH), junk, sizeof(junk));
	ab_table(AB_SCRATCH + 0x100, "SSDT", 1, junk, sizeof(junk));
	ab_break_checksum(AB_SCRATCH + 0x100);
	ab_table(AB_SCRATCH + 0x200, "APIC", 1, NULL, 0);
	((struct acpi_header *)ab_ptr(AB_SCRATCH + 0x200))->length = 20;
	/* A header that fits, a body that runs past the end of RAM. */
	ab_table(AB_RAM_END - 40, "FOO1", 1, NULL, 0);
	((struct acpi_header *)ab_ptr(AB_RAM_END - 40))->length = 64;
	rsdt[7] = (uint32_t)(AB_RAM_END - 40);
	ab_rsdt(AB_RSDT, rsdt, 8);
	assert_int_equal(run(0), 0);
	assert_log("acpi: RSDT entry 0 is null; skipped");
	assert_log("acpi: RSDT entry 1 at 0x340100: not in memory the hypervisor can read; skipped");
	assert_log("acpi: RSDT entry 2 at 0x390000 (\"??x?\"): absurd length 4294967295; skipped");
	assert_log("acpi: RSDT entry 3 at 0x390100 (\"SSDT\"): bad checksum; skipped");
	assert_log("acpi: RSDT entry 4 at 0x390200 (\"APIC\"): absurd length 20; skipped");
	assert_log("acpi: RSDT entry 6 at 0xffffff00: not in memory the hypervisor can read; skipped");
	assert_log("acpi: RSDT entry 7 at 0x3fffd8 (\"FOO1\"): its 64 bytes run outside readable memory; skipped");
	assert_int_equal(ai.ntables, 1);
	assert_true(ai.has_fadt);
	assert_log("acpi: no usable MADT; running on the boot CPU only (APIC ID 0)");
	assert_boot_cpu_only(0);
}

/* 64-bit XSDT entries above what can be read: 4 GiB (not in the map)
 * and beyond the 47-bit direct map. */
static void test_xsdt_far_entries(void **state)
{
	uint64_t xsdt[] = { GiB(4), 0xffffffffffff0000ull, AB_MADT, AB_FADT };

	(void)state;
	ab_qemu();
	ab_xsdt(AB_XSDT, xsdt, 4);
	ab_rsdp_copy(2, 0, AB_XSDT);
	assert_int_equal(run(0), 0);
	assert_log("acpi: XSDT entry 0 at 0x100000000: not in memory the hypervisor can read");
	assert_log("acpi: XSDT entry 1 at 0xffffffffffff0000: not in memory the hypervisor can read");
	assert_int_equal(ai.ntables, 2);
	assert_int_equal(ai.ncpus, 2);
	assert_true(ai.has_s5);
}

static void test_root_partial_entry(void **state)
{
	uint8_t body[10];
	uint32_t e[2] = { AB_FADT, AB_MADT };

	(void)state;
	ab_qemu();
	memcpy(body, e, 8);
	body[8] = 0x12;
	body[9] = 0x34;
	ab_table(AB_RSDT, "RSDT", 1, body, sizeof(body));
	assert_int_equal(run(0), 0);
	assert_log("acpi: RSDT length 46 ends in a partial entry; ignored");
	assert_int_equal(ai.ntables, 2);
	assert_true(ai.has_madt);
}

/* ---- readable memory ----------------------------------------------------- */

/* The MADT header fits in RAM, the length it claims does not. */
static void test_table_past_ram_end(void **state)
{
	uint32_t rsdt[] = { AB_FADT, (uint32_t)(AB_RAM_END - 64) };
	struct ab_madt m;

	(void)state;
	ab_qemu();
	madt_begin(&m, 0xfee00000, 0);
	madt_lapic(&m, 0, 0, ACPI_MADT_ENABLED);
	madt_end(&m, AB_RAM_END - 64);
	((struct acpi_header *)ab_ptr(AB_RAM_END - 64))->length = 0x1000;
	ab_rsdt(AB_RSDT, rsdt, 2);
	assert_int_equal(run(0), 0);
	assert_log("acpi: RSDT entry 1 at 0x3fffc0 (\"APIC\"): its 4096 bytes run outside readable memory; skipped");
	assert_log("acpi: no usable MADT; running on the boot CPU only (APIC ID 0)");
	assert_boot_cpu_only(0);
	assert_true(ai.has_fadt);
}

/* Tables in a memory-map hole are refused even though RAM backs them. */
static void test_table_in_hole(void **state)
{
	(void)state;
	ab_qemu();
	ab_rsdt(AB_HOLE, (const uint32_t[]){ AB_FADT, AB_MADT }, 2);
	ab_rsdp(AB_RSDP_ROM, 0, AB_HOLE, 0);
	assert_int_equal(run(0), -ENOENT);
	assert_log("acpi: RSDT at 0x340000: not in memory the hypervisor can read; skipped");
}

/* The loader's info block is readable wherever it is. */
static void test_info_block_readable(void **state)
{
	const paddr_t copy = AB_HOLE + 0x10;

	(void)state;
	ab_qemu();
	memcpy(ab_ptr(copy), ab_ptr(AB_RSDP_ROM), ACPI_RSDP_V1_LEN);
	memset(ab_ptr(AB_RSDP_ROM), 0, ACPI_RSDP_V1_LEN);
	ab_bi.rsdp = copy;
	ab_bi.rsdp_len = ACPI_RSDP_V1_LEN;
	ab_bi.info_start = AB_HOLE;
	ab_bi.info_end = AB_HOLE + 0x1000;
	assert_int_equal(run(0), 0);
	assert_int_equal(ai.rsdp, copy);
	assert_int_equal(ai.ncpus, 2);
}

static struct {
	unsigned calls;
	paddr_t pa[8];
	uint64_t len[8];
	bool answer;
} mapper;

static bool test_mapper(paddr_t pa, uint64_t len)
{
	if (mapper.calls < ARRAY_SIZE(mapper.pa)) {
		mapper.pa[mapper.calls] = pa;
		mapper.len[mapper.calls] = len;
	}
	mapper.calls++;
	return mapper.answer;
}

/* A MADT in reserved memory (as SeaBIOS places tables): read only when a
 * mapper makes it readable; the mapper sees only the reserved part. */
static void test_reserved_needs_mapper(void **state)
{
	const paddr_t madt = AB_RESV + 0x1000;
	uint32_t rsdt[] = { AB_FADT, (uint32_t)madt };
	struct ab_madt m;

	(void)state;
	ab_qemu();
	madt_begin(&m, 0xfee00000, 0);
	madt_lapic(&m, 0, 0, ACPI_MADT_ENABLED);
	madt_lapic(&m, 1, 4, ACPI_MADT_ENABLED);
	madt_end(&m, madt);
	ab_rsdt(AB_RSDT, rsdt, 2);
	assert_int_equal(run(0), 0);
	assert_log("acpi: RSDT entry 1 at 0x301000: not in memory the hypervisor can read; skipped");
	assert_boot_cpu_only(0);

	memset(&mapper, 0, sizeof(mapper));
	mapper.answer = false;
	acpi_set_mapper(test_mapper);
	assert_int_equal(run(0), 0);
	assert_false(ai.has_madt);
	assert_true(mapper.calls > 0);
	assert_int_equal(mapper.pa[0], madt);
	assert_int_equal(mapper.len[0], ACPI_HEADER_LEN);

	memset(&mapper, 0, sizeof(mapper));
	mapper.answer = true;
	fake_log_reset();
	assert_int_equal(run(0), 0);
	assert_no_log("skipped");
	assert_true(ai.has_madt);
	assert_int_equal(ai.ncpus, 2);
	assert_int_equal(ai.apic_ids[1], 4);
	for (unsigned i = 0; i < MIN(mapper.calls, ARRAY_SIZE(mapper.pa)); i++) {
		assert_true(mapper.pa[i] >= AB_RESV);
		assert_true(mapper.pa[i] + mapper.len[i] <= AB_HOLE);
	}
}

/* A table straddling usable RAM and reserved memory: only the reserved
 * stretch goes to the mapper. */
static void test_mapper_straddle(void **state)
{
	const paddr_t madt = AB_RESV - 16;
	uint32_t rsdt[] = { AB_FADT, (uint32_t)madt };
	struct ab_madt m;

	(void)state;
	ab_qemu();
	madt_begin(&m, 0xfee00000, 0);
	madt_lapic(&m, 0, 0, ACPI_MADT_ENABLED);
	madt_end(&m, madt);
	ab_rsdt(AB_RSDT, rsdt, 2);
	memset(&mapper, 0, sizeof(mapper));
	mapper.answer = true;
	acpi_set_mapper(test_mapper);
	assert_int_equal(run(0), 0);
	assert_true(ai.has_madt);
	/* The header: 16 bytes in RAM, 20 reserved; then the whole table. */
	assert_int_equal(mapper.pa[0], AB_RESV);
	assert_int_equal(mapper.len[0], ACPI_HEADER_LEN - 16);
	assert_int_equal(mapper.pa[1], AB_RESV);
	assert_int_equal(mapper.len[1], 44 + 8 - 16);
}

/* ---- acpi_find_table ----------------------------------------------------- */

static void test_find_table(void **state)
{
	static const uint8_t none[] = { 0xa3 };
	uint32_t rsdt[] = { AB_FADT, AB_SSDT, AB_MADT, AB_SSDT2 };

	(void)state;
	ab_qemu();
	ab_aml_table(AB_SSDT, "SSDT", none, sizeof(none));
	ab_aml_table(AB_SSDT2, "SSDT", none, sizeof(none));
	ab_rsdt(AB_RSDT, rsdt, 4);
	assert_int_equal(run(0), 0);
	assert_ptr_equal(acpi_find_table("APIC", 0), ab_ptr(AB_MADT));
	assert_null(acpi_find_table("APIC", 1));
	assert_ptr_equal(acpi_find_table("FACP", 0), ab_ptr(AB_FADT));
	assert_ptr_equal(acpi_find_table("SSDT", 0), ab_ptr(AB_SSDT));
	assert_ptr_equal(acpi_find_table("SSDT", 1), ab_ptr(AB_SSDT2));
	assert_null(acpi_find_table("SSDT", 2));
	assert_ptr_equal(acpi_find_table("DSDT", 0), ab_ptr(AB_DSDT));
	assert_null(acpi_find_table("DSDT", 1));
	assert_null(acpi_find_table("DMAR", 0));

	/* Tables are re-validated on every lookup. */
	ab_break_checksum(AB_SSDT);
	assert_ptr_equal(acpi_find_table("SSDT", 0), ab_ptr(AB_SSDT2));
	ab_break_checksum(AB_RSDT);
	assert_null(acpi_find_table("APIC", 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_checksum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qemu_like, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ebda_rsdp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ebda_bogus_segment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rom_bad_candidate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rsdp_bad_checksum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rsdp_copy_bad_rom_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rsdp_v2_bad_extended, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rsdp_no_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rsdt_bad_checksum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xsdt_bad_rsdt_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rsdt_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xsdt_far_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_partial_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_past_ram_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_in_hole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_block_readable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserved_needs_mapper, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mapper_straddle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_table, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
