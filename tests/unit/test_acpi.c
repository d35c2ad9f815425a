// UNIT-SOURCES: arch-x86/acpi.c arch-x86/acpi_madt.c arch-x86/acpi_fadt.c tests/unit/acpi_builder.c
/* Host ACPI parser: QEMU-, Bochs- and modern-firmware-like tables, and
 * corrupt ones that must be reported and skipped without reading a byte
 * outside what the memory map allows (the fake phys window, and ASan on
 * it, catch any such read). */
#include "arch-x86/acpi.h"
#include "drivers/emu_exit.h"
#include "lib/printk.h"
#include "mm/errno.h"
#include "tests/unit/acpi_builder.h"

static struct acpi_info ai;

static int setup(void **state)
{
	(void)state;
	ab_setup();
	/* Garbage, so that a field acpi_init() forgets shows. */
	memset(&ai, 0xa5, sizeof(ai));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ab_teardown();
	return 0;
}

#define assert_log(s)                                                       \
	do {                                                                \
		if (!fake_log_contains(s))                                  \
			fail_msg("log lacks \"%s\"; it is:\n%s", (s), fake_log()); \
	} while (0)

#define assert_no_log(s)                                                    \
	do {                                                                \
		if (fake_log_contains(s))                                   \
			fail_msg("log has \"%s\"; it is:\n%s", (s), fake_log()); \
	} while (0)

static int run(uint32_t bsp)
{
	return acpi_init(&ab_bi, bsp, &ai);
}

/* The one-line report, exactly. */
static void assert_report(const char *line)
{
	fake_log_reset();
	acpi_print(&ai);
	assert_string_equal(fake_log(), line);
}

/* The fallback every failure must leave: the boot CPU alone. */
static void assert_boot_cpu_only(uint32_t bsp)
{
	assert_false(ai.has_madt);
	assert_int_equal(ai.ncpus, 1);
	assert_int_equal(ai.apic_ids[0], bsp);
	assert_false(ai.cpu_x2apic[0]);
	assert_int_equal(ai.lapic_base, ACPI_LAPIC_DEFAULT);
	assert_int_equal(ai.nioapics, 0);
	assert_int_equal(ai.noverrides, 0);
}

/* Replace the QEMU machine's MADT and run. */
static int run_madt(struct ab_madt *m, uint32_t bsp)
{
	ab_qemu();
	madt_end(m, AB_MADT);
	fake_log_reset();
	return run(bsp);
}

/* Replace the QEMU machine's DSDT by filler around 'aml' and run. */
static void run_dsdt(const uint8_t *aml, uint32_t n)
{
	ab_qemu();
	ab_aml_table(AB_DSDT, "DSDT", aml, n);
	fake_log_reset();
	assert_int_equal(run(0), 0);
	assert_true(ai.has_fadt);
}

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
		cmocka_unit_test_setup_teardown(test_modern_xsdt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bochs_like, setup, teardown),
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
		cmocka_unit_test_setup_teardown(test_missing_fadt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_s5_without_pm1a, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_table, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
