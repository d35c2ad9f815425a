// SEED-SOURCES: tests/unit/acpi_builder.c arch-x86/acpi.c arch-x86/acpi_madt.c arch-x86/acpi_fadt.c
/* Seeds of fuzz_acpi: machines' tables built by the unit tests' builder
 * (tests/unit/acpi_builder.c), written in the harness's input format: a
 * flags byte, the boot CPU's APIC ID, then the tables one after the
 * other (see tests/fuzz/fuzz_acpi.c). */
#include "tests/fuzz/seeds/seed_out.h"
#include "tests/unit/acpi_builder.h"

static uint8_t buf[65536];
static size_t len;

static void start(uint8_t flags, uint8_t bsp)
{
	buf[0] = flags;
	buf[1] = bsp;
	len = 2;
}

static void add(paddr_t pa)
{
	const struct acpi_header *h = ab_ptr(pa);

	memcpy(buf + len, h, h->length);
	len += h->length;
}

static void add_root_tables(paddr_t rsdt)
{
	const struct acpi_header *h = ab_ptr(rsdt);
	const uint32_t *e = (const void *)((const uint8_t *)h + ACPI_HEADER_LEN);

	for (unsigned i = 0; i < (h->length - ACPI_HEADER_LEN) / 4; i++)
		add(e[i]);
}

/* A bigger machine: ACPI 6 FADT with the extended fields and a reset
 * register, x2APIC CPUs, two IOAPICs, an SSDT with \_S5_. */
static void big(void)
{
	static const uint8_t s5[] = { 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };
	struct acpi_fadt f;
	struct ab_madt m;
	uint8_t aml[64];
	uint32_t n;

	memset(&f, 0, sizeof(f));
	f.sci_int = 9;
	f.pm1a_evt_blk = 0x600;
	f.pm1a_cnt_blk = 0x604;
	f.pm_tmr_blk = 0x608;
	f.pm1_evt_len = 4;
	f.pm1_cnt_len = 2;
	f.pm_tmr_len = 4;
	f.flags = BIT(0) | BIT(4) | BIT(8) | BIT(10);
	f.reset_reg = ab_io(0xcf9, 8);
	f.reset_value = 0x06;
	f.x_pm1a_cnt_blk = ab_io(0x604, 16);
	f.x_pm_tmr_blk = ab_io(0x608, 32);
	ab_fadt(AB_FADT, &f, sizeof(f), 6);

	madt_begin(&m, 0xfee00000, ACPI_MADT_PCAT_COMPAT);
	for (unsigned i = 0; i < 4; i++)
		madt_lapic(&m, (uint8_t)i, (uint8_t)(i * 2), ACPI_MADT_ENABLED);
	madt_x2apic(&m, 0x100, ACPI_MADT_ENABLED, 4);
	madt_x2apic(&m, 0x101, ACPI_MADT_ONLINE_CAPABLE, 5);
	madt_lapic(&m, 6, 0xff, 0);
	madt_ioapic(&m, 8, 0xfec00000, 0);
	madt_ioapic(&m, 9, 0xfec01000, 24);
	madt_iso(&m, 0, 2, 0);
	madt_iso(&m, 9, 9, 0x000d);
	madt_lapic_nmi(&m, 0xff, 1);
	madt_end(&m, AB_MADT);

	n = aml_s5(aml, true, 4, s5, sizeof(s5), 2);
	ab_aml_table(AB_SSDT, "SSDT", aml, n);
	ab_aml_table(AB_DSDT, "DSDT", aml, 0);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";

	ab_setup();
	ab_qemu();
	start(BIT(1), 0); /* RSDT, RSDP in the BIOS area */
	add_root_tables(AB_RSDT);
	add(AB_DSDT);
	seed_write(dir, "qemu", "", 0, buf, len);
	start(BIT(0), 1); /* XSDT, the loader's copy, boot CPU 1 */
	add_root_tables(AB_RSDT);
	add(AB_DSDT);
	seed_write(dir, "qemu-xsdt", "", 0, buf, len);

	ab_setup();
	big();
	start(BIT(0) | BIT(4), 2);
	add(AB_FADT);
	add(AB_MADT);
	add(AB_DSDT);
	add(AB_SSDT);
	seed_write(dir, "x2apic-ssdt", "", 0, buf, len);
	ab_teardown();
	return 0;
}
