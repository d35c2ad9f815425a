// UNIT-SOURCES: guest/load/acpi_build.c guest/load/e820.c arch-x86/acpi.c arch-x86/acpi_madt.c arch-x86/acpi_fadt.c drivers/pci_mcfg.c tests/unit/fake_guest_mem.c
/* Guest ACPI tables: built into a fake guest RAM (the fake physical
 * window, so that the hypervisor's own ACPI parser can read them back)
 * and checked by that parser (CPUs, IOAPIC, override, PM ports, reset,
 * \_S5_) and byte by byte (checksums, lengths, the AML).  Bad
 * configurations must be refused with nothing written. */
#include "lib/errno.h"
#include "guest/load/acpi_build.h"
#include "arch-x86/acpi.h"
#include "drivers/emu_exit.h"
#include "drivers/pci_mcfg.h"
#include "tests/unit/fakes.h"
#include "tests/unit/fake_guest_mem.h"

#define RAM MiB(16)

static struct guest_layout layout;
static struct e820_map map;
static struct boot_info bi;
static struct acpi_info ai;
static struct acpi_build_out out;
static char err[160];
static const uint64_t ram_size = RAM;
static unsigned writes;
static bool fail_writes;
static long fail_after = -1; /* writes that succeed before all fail */

static struct fake_guest_mem fgm = {
	&fake_phys_mem, &ram_size, &writes, &fail_writes, &fail_after
};
static const struct guest_mem_ops mem = FAKE_GUEST_MEM_OPS(&fgm);

static void *at(uint64_t gpa)
{
	return phys_to_virt(gpa);
}

static int setup(void **state)
{
	(void)state;
	fake_phys_init(0, RAM);
	guest_layout_default(&layout, RAM);
	assert_int_equal(e820_build(&layout, &map, err, sizeof(err)), 0);
	memset(&bi, 0, sizeof(bi));
	bi.cmdline = bi.loader_name = "";
	/* The guest's map as a loader would report it to an OS. */
	for (unsigned i = 0; i < map.n; i++)
		bi.mmap[bi.mmap_count++] = (struct mem_region){
			map.e[i].addr, map.e[i].size,
			map.e[i].type == E820_ACPI ? MEM_ACPI_RECLAIM : map.e[i].type,
		};
	memset(&ai, 0xa5, sizeof(ai));
	memset(&out, 0, sizeof(out));
	writes = 0;
	fail_writes = false;
	fail_after = -1;
	fake_log_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_phys_fini();
	return 0;
}

static struct acpi_build_cfg cfg_for(unsigned ncpus)
{
	return (struct acpi_build_cfg){
		.base = layout.acpi_base, .size = layout.acpi_size, .ncpus = ncpus,
	};
}

static void build(const struct acpi_build_cfg *cfg)
{
	if (acpi_build(&mem, cfg, &out, err, sizeof(err)))
		fail_msg("acpi_build: %s", err);
}

/* Parse what was built, starting from the RSDP as a loader hands it on. */
static void parse(void)
{
	bi.rsdp = out.rsdp;
	bi.rsdp_len = ACPI_RSDP_V2_LEN;
	bi.rsdp_v2 = true;
	fake_log_reset();
	assert_int_equal(acpi_init(&bi, 0, &ai), 0);
}

static void assert_platform(unsigned ncpus, uint16_t pm)
{
	struct acpi_s5 s5;

	assert_true(ai.has_madt);
	assert_int_equal(ai.ncpus, ncpus);
	for (unsigned i = 0; i < ncpus; i++) {
		assert_int_equal(ai.apic_ids[i], i);
		assert_false(ai.cpu_x2apic[i]);
	}
	assert_int_equal(ai.cpus_disabled + ai.cpus_hotplug + ai.cpus_dropped, 0);
	assert_int_equal(ai.lapic_base, GUEST_LAPIC_ADDR);
	assert_int_equal(ai.nioapics, 1);
	assert_int_equal(ai.ioapic[0].id, GUEST_IOAPIC_ID);
	assert_int_equal(ai.ioapic[0].addr, 0xfec00000);
	assert_int_equal(ai.ioapic[0].gsi_base, 0);
	assert_int_equal(ai.noverrides, 1);
	assert_int_equal(ai.override[0].bus_irq, 0);
	assert_int_equal(ai.override[0].gsi, 2);
	assert_int_equal(ai.override[0].flags, 0);
	assert_int_equal(ai.nmi_sources + ai.lapic_nmis, 0);

	assert_true(ai.has_fadt);
	assert_int_equal(ai.fadt_revision, 6);
	assert_int_equal(ai.sci_irq, 9);
	assert_int_equal(ai.pm_tmr_port, pm + 8);
	assert_int_equal(ai.pm_tmr_bits, 32);
	assert_int_equal(ai.pm1a_cnt, pm + 4);
	assert_int_equal(ai.pm1b_cnt, 0);
	assert_true(ai.has_reset);
	assert_int_equal(ai.reset_reg.space, ACPI_SPACE_IO);
	assert_int_equal(ai.reset_reg.addr, 0xcf9);
	assert_int_equal(ai.reset_reg.bit_width, 8);
	assert_int_equal(ai.reset_value, 0x06);
	assert_int_equal(ai.dsdt, out.dsdt);
	assert_true(ai.has_s5);
	assert_int_equal(ai.slp_typa, 5);
	assert_int_equal(ai.slp_typb, 5);
	assert_true(acpi_get_s5(&ai, &s5));
	assert_int_equal(s5.pm1a_cnt, pm + 4);
	assert_int_equal(s5.slp_typa, 5);
	/* Nothing was found wanting. */
	if (strstr(fake_log(), "skipped") || strstr(fake_log(), "ignored") ||
	    strstr(fake_log(), "unknown") || strstr(fake_log(), "bad"))
		fail_msg("parser complained:\n%s", fake_log());
}

static void test_parsed_back(void **state)
{
	static const unsigned counts[] = { 1, 2, 3, 8, ACPI_BUILD_MAX_CPUS };

	(void)state;
	for (unsigned k = 0; k < ARRAY_SIZE(counts); k++) {
		struct acpi_build_cfg cfg = cfg_for(counts[k]);

		memset(fake_phys_mem, 0, RAM);
		build(&cfg);
		parse();
		assert_int_equal(ai.rsdp, out.rsdp);
		assert_int_equal(ai.rsdp_revision, 2);
		assert_true(ai.xsdt);
		assert_int_equal(ai.root, out.xsdt);
		assert_int_equal(ai.ntables, 2);
		assert_false(ai.pcat_compat);
		assert_platform(counts[k], GUEST_PM_BASE_DEFAULT);
		assert_non_null(acpi_find_table("FACP", 0));
		assert_non_null(acpi_find_table("APIC", 0));
		assert_null(acpi_find_table("SSDT", 0));
	}
}

static void assert_table(uint64_t gpa, const char *sig, uint32_t len, uint8_t rev)
{
	const struct acpi_header *h = at(gpa);

	assert_memory_equal(h->sig, sig, 4);
	assert_int_equal(h->length, len);
	assert_int_equal(h->revision, rev);
	assert_true(acpi_checksum_ok(h, len));
	assert_memory_equal(h->oem_id, "UHV   ", 6);
	assert_true(gpa >= layout.acpi_base && gpa + len <= out.end);
}

static void test_layout_and_checksums(void **state)
{
	struct acpi_build_cfg cfg = cfg_for(4);
	const struct acpi_rsdp *r;
	const uint32_t *rsdt;
	const uint8_t *facs, *xsdt;
	uint64_t x0, x1;
	uint64_t offs[7];

	(void)state;
	build(&cfg);
	r = at(out.rsdp);
	assert_int_equal(out.rsdp, layout.acpi_base);
	assert_memory_equal(r->sig, "RSD PTR ", 8);
	assert_int_equal(r->revision, 2);
	assert_int_equal(r->length, 36);
	assert_true(acpi_checksum_ok(r, 20));
	assert_true(acpi_checksum_ok(r, 36));
	assert_int_equal(r->rsdt, out.rsdt);
	assert_int_equal(r->xsdt, out.xsdt);

	assert_table(out.rsdt, "RSDT", 36 + 8, 1);
	assert_table(out.xsdt, "XSDT", 36 + 16, 1);
	assert_table(out.fadt, "FACP", 276, 6);
	assert_table(out.dsdt, "DSDT", 36 + 15, 2);
	assert_table(out.madt, "APIC", 44 + 4 * 8 + 12 + 10, 5);
	assert_int_equal(out.end, out.madt + 44 + 4 * 8 + 12 + 10);
	assert_int_equal(out.end - cfg.base, acpi_build_size(4));

	/* RSDT and XSDT list the same two tables. */
	rsdt = (const uint32_t *)((const uint8_t *)at(out.rsdt) + 36);
	xsdt = (const uint8_t *)at(out.xsdt) + 36;
	memcpy(&x0, xsdt, 8);
	memcpy(&x1, xsdt + 8, 8);
	assert_int_equal(rsdt[0], out.fadt);
	assert_int_equal(rsdt[1], out.madt);
	assert_int_equal(x0, out.fadt);
	assert_int_equal(x1, out.madt);

	/* FACS: 64 bytes, 64-byte aligned, pointed to twice. */
	facs = at(out.facs);
	assert_memory_equal(facs, "FACS", 4);
	assert_int_equal(facs[4], 64);
	assert_int_equal(facs[32], 2);
	assert_true(IS_ALIGNED(out.facs, 64));
	{
		const struct acpi_fadt *f = at(out.fadt);

		assert_int_equal(f->firmware_ctrl, out.facs);
		assert_int_equal(f->x_firmware_ctrl, out.facs);
		assert_int_equal(f->dsdt, out.dsdt);
		assert_int_equal(f->x_dsdt, out.dsdt);
		assert_int_equal(f->flags & BIT(20), 0); /* not HW-reduced */
		assert_int_equal(f->smi_cmd, 0);	 /* always in ACPI mode */
		assert_int_equal(f->pm1a_evt_blk, 0x600);
		assert_int_equal(f->pm1_evt_len, 4);
		assert_int_equal(f->pm1_cnt_len, 2);
		assert_int_equal(f->pm_tmr_len, 4);
		assert_int_equal(f->x_pm1a_evt_blk.address, 0x600);
		assert_int_equal(f->x_pm1a_evt_blk.bit_width, 32);
		assert_int_equal(f->gpe0_blk, 0);
	}

	/* Tables do not overlap, in the order planned. */
	offs[0] = out.rsdp;
	offs[1] = out.rsdt;
	offs[2] = out.xsdt;
	offs[3] = out.facs;
	offs[4] = out.fadt;
	offs[5] = out.dsdt;
	offs[6] = out.madt;
	for (unsigned i = 1; i < 7; i++)
		assert_true(offs[i] > offs[i - 1]);
	assert_true(out.rsdt >= out.rsdp + 36);
	assert_true(out.facs >= out.xsdt + 52);
	assert_true(out.fadt >= out.facs + 64);
	assert_true(out.dsdt >= out.fadt + 276);
	assert_true(out.madt >= out.dsdt + 51);
}

/* The AML, byte for byte, and its PkgLength decoded by hand. */
static void test_dsdt_aml(void **state)
{
	static const uint8_t want[] = {
		0x08, 0x5c, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x08, 0x04,
		0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00,
	};
	struct acpi_build_cfg cfg = cfg_for(1);
	const uint8_t *aml;

	(void)state;
	build(&cfg);
	aml = (const uint8_t *)at(out.dsdt) + ACPI_HEADER_LEN;
	assert_memory_equal(aml, want, sizeof(want));
	/* One-byte PkgLength (bits 7:6 zero) covering itself to the end. */
	assert_int_equal(aml[7] >> 6, 0);
	assert_int_equal(7 + aml[7], sizeof(want));
}

/* With PCI functions: \_SB.PCI0 (PNP0A03) with its _CRS windows and a
 * _PRT entry per slot, byte for byte (ACPI 6.4, 20.2 and 6.4.3.5), after
 * the _S5_ package. */
static void test_dsdt_pci_root(void **state)
{
	static const uint8_t head[] = {
		0x10, 0x4f, 0x0a, '\\', '_', 'S', 'B', '_',	/* Scope, 175 bytes */
		0x5b, 0x82, 0x46, 0x0a, 'P', 'C', 'I', '0',	/* Device, 166 */
		0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03,
		0x08, '_', 'U', 'I', 'D', 0x00,
		0x08, '_', 'C', 'R', 'S', 0x11, 0x4a, 0x06, 0x0a, 102,
		/* buses 0-0xff */
		0x88, 13, 0, 2, 0x0c, 0, 0, 0, 0, 0, 0xff, 0, 0, 0, 0x00, 0x01,
		/* I/O 0-0xcf7 */
		0x88, 13, 0, 1, 0x0c, 3, 0, 0, 0, 0, 0xf7, 0x0c, 0, 0, 0xf8, 0x0c,
		/* I/O 0xd00-0xffff */
		0x88, 13, 0, 1, 0x0c, 3, 0, 0, 0x00, 0x0d, 0xff, 0xff, 0, 0, 0x00, 0xf3,
		/* memory 0xa0000-0xbffff */
		0x87, 23, 0, 0, 0x0c, 1, 0, 0, 0, 0, 0x00, 0x00, 0x0a, 0x00,
		0xff, 0xff, 0x0b, 0x00, 0, 0, 0, 0, 0x00, 0x00, 0x02, 0x00,
		/* memory: the PCI hole */
		0x87, 23, 0, 0, 0x0c, 1, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0xc0,
		0xff, 0xff, 0xff, 0xdf, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x20,
		0x79, 0x00,
	};
	static const uint8_t prt[] = {
		0x08, '_', 'P', 'R', 'T', 0x12, 0x1a, 0x02,	/* 2 entries */
		0x12, 0x0b, 0x04, 0x0c, 0xff, 0xff, 0x03, 0x00, 0x00, 0x00, 0x0a, 0x0b,
		0x12, 0x0b, 0x04, 0x0c, 0xff, 0xff, 0x04, 0x00, 0x00, 0x00, 0x0a, 0x11,
	};
	struct acpi_build_cfg cfg = cfg_for(1);
	const uint8_t *aml;

	(void)state;
	cfg.pci_root = true;
	cfg.nprt = 2;
	cfg.prt[0] = (struct acpi_prt){ 3, 11 };
	cfg.prt[1] = (struct acpi_prt){ 4, 17 };
	build(&cfg);
	assert_table(out.dsdt, "DSDT", 36 + 15 + sizeof(head) + sizeof(prt), 2);
	aml = (const uint8_t *)at(out.dsdt) + ACPI_HEADER_LEN + 15;
	assert_memory_equal(aml, head, sizeof(head));
	assert_memory_equal(aml + sizeof(head), prt, sizeof(prt));
	/* Eight entries: two-byte PkgLengths, still inside the table. */
	cfg.nprt = ACPI_BUILD_MAX_PRT;
	for (unsigned i = 0; i < ACPI_BUILD_MAX_PRT; i++)
		cfg.prt[i] = (struct acpi_prt){ (uint8_t)(3 + i), 11 };
	build(&cfg);
	aml = (const uint8_t *)at(out.dsdt) + ACPI_HEADER_LEN + 15;
	assert_int_equal(aml[1] >> 6, 1);
	assert_int_equal((aml[1] & 0xf) | (aml[2] << 4), 248);
}

/* The XSDT broken: the parser falls back to the RSDT, which must be as
 * good. */
static void test_rsdt_alone(void **state)
{
	struct acpi_build_cfg cfg = cfg_for(2);

	(void)state;
	build(&cfg);
	((uint8_t *)at(out.xsdt))[9] ^= 0x55;
	parse();
	assert_false(ai.xsdt);
	assert_int_equal(ai.root, out.rsdt);
	assert_int_equal(ai.ntables, 2);
	fake_log_reset(); /* the XSDT complaint is expected */
	assert_platform(2, GUEST_PM_BASE_DEFAULT);
}

/* A guest that scans the BIOS area finds the copy. */
static void test_rsdp_copy_scanned(void **state)
{
	struct acpi_build_cfg cfg = cfg_for(2);

	(void)state;
	cfg.rsdp_copy = 0xf5a40;
	build(&cfg);
	assert_memory_equal(at(0xf5a40), at(out.rsdp), 36);
	fake_log_reset();
	assert_int_equal(acpi_init(&bi, 0, &ai), 0); /* bi.rsdp is 0 */
	assert_int_equal(ai.rsdp, 0xf5a40);
	assert_true(ai.xsdt);
	assert_platform(2, GUEST_PM_BASE_DEFAULT);
}

static void test_options(void **state)
{
	struct acpi_build_cfg cfg = cfg_for(3);

	(void)state;
	cfg.pm_base = 0xb000;
	cfg.legacy_pic = true;
	build(&cfg);
	parse();
	assert_true(ai.pcat_compat);
	assert_platform(3, 0xb000);
	/* The highest PM block that fits in the I/O space. */
	cfg.pm_base = 0x10000 - GUEST_PM_BLOCK_LEN;
	build(&cfg);
	parse();
	assert_platform(3, 0x10000 - GUEST_PM_BLOCK_LEN);
}

static void test_sizes(void **state)
{
	(void)state;
	for (unsigned n = 1; n < ACPI_BUILD_MAX_CPUS; n++)
		assert_int_equal(acpi_build_size(n + 1) - acpi_build_size(n), 8);
	assert_true(acpi_build_size(ACPI_BUILD_MAX_CPUS) <= GUEST_ACPI_DEFAULT_SIZE);
	assert_true(acpi_build_size(ACPI_BUILD_MAX_CPUS) <= PAGE_SIZE);
}

/* Exactly the size needed is enough; a byte less is refused. */
static void test_exact_fit(void **state)
{
	struct acpi_build_cfg cfg = cfg_for(5);

	(void)state;
	cfg.size = acpi_build_size(5);
	build(&cfg);
	assert_int_equal(out.end, cfg.base + cfg.size);
	cfg.size--;
	writes = 0;
	assert_int_equal(acpi_build(&mem, &cfg, &out, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "too small"));
	assert_int_equal(writes, 0);
}

static void expect_refused(struct acpi_build_cfg cfg, const char *why)
{
	writes = 0;
	err[0] = '\0';
	assert_int_equal(acpi_build(&mem, &cfg, &out, err, sizeof(err)), -EINVAL);
	if (!strstr(err, why))
		fail_msg("error \"%s\" lacks \"%s\"", err, why);
	assert_int_equal(writes, 0);
	assert_non_null(strstr(err, "acpi: "));
}

static void test_bad_config(void **state)
{
	struct acpi_build_cfg c;

	(void)state;
	c = cfg_for(0);
	expect_refused(c, "0 CPUs");
	c = cfg_for(ACPI_BUILD_MAX_CPUS + 1);
	expect_refused(c, "65 CPUs");
	c = cfg_for(1);
	c.base += 8;
	expect_refused(c, "not 64-byte aligned");
	c = cfg_for(1);
	c.base = 0;
	expect_refused(c, "not 64-byte aligned");
	c = cfg_for(1);
	c.base = GUEST_4G;
	expect_refused(c, "below 4 GiB");
	c = cfg_for(1);
	c.base = GUEST_4G - PAGE_SIZE;
	c.size = 2 * PAGE_SIZE;
	expect_refused(c, "below 4 GiB");
	c = cfg_for(1);
	c.size = 0;
	expect_refused(c, "too small");
	c = cfg_for(1);
	c.rsdp_copy = 0xe0008;
	expect_refused(c, "RSDP copy");
	c.rsdp_copy = 0xdfff0;
	expect_refused(c, "RSDP copy");
	c.rsdp_copy = 0xffff0; /* 36 bytes would cross 1 MiB */
	expect_refused(c, "RSDP copy");
	c = cfg_for(1);
	c.pm_base = 0xfff8;
	expect_refused(c, "PM block");
}

static void test_write_failure(void **state)
{
	struct acpi_build_cfg cfg = cfg_for(2);

	(void)state;
	fail_writes = true;
	assert_int_equal(acpi_build(&mem, &cfg, &out, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "cannot write guest RAM"));
	/* Outside the fake RAM: the callback refuses it. */
	fail_writes = false;
	cfg.base = RAM + PAGE_SIZE;
	cfg.size = PAGE_SIZE;
	assert_int_equal(acpi_build(&mem, &cfg, &out, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "cannot write guest RAM"));
}

/* A write callback that fails after any number of writes. */
static void test_write_failure_each_point(void **state)
{
	struct acpi_build_cfg cfg = cfg_for(2);
	unsigned total;

	(void)state;
	cfg.rsdp_copy = 0xe0000;
	writes = 0;
	build(&cfg);
	total = writes;
	assert_true(total > 5);
	for (unsigned k = 0; k < total; k++) {
		writes = 0;
		fail_after = k;
		assert_int_equal(acpi_build(&mem, &cfg, &out, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "acpi: cannot write guest RAM"));
		assert_int_equal(writes, k);
	}
}

/* The tables sit inside the ACPI entry of the guest's memory map. */
static void test_inside_e820_acpi(void **state)
{
	struct acpi_build_cfg cfg = cfg_for(ACPI_BUILD_MAX_CPUS);
	bool found = false;

	(void)state;
	build(&cfg);
	for (unsigned i = 0; i < map.n; i++) {
		if (map.e[i].type != E820_ACPI)
			continue;
		found = true;
		assert_true(out.rsdp >= map.e[i].addr);
		assert_true(out.end <= map.e[i].addr + map.e[i].size);
	}
	assert_true(found);
}


static uint8_t sum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *b++);
	return s;
}

/* A VM with PCI functions: an MCFG for its ECAM window, named by the
 * RSDT and XSDT, which the host's MCFG parser reads back; without one,
 * no MCFG and two entries. */
static void test_mcfg(void **state)
{
	struct acpi_build_cfg cfg = cfg_for(1);
	struct pci_mcfg_region r;
	const struct acpi_header *h;
	uint32_t e32;
	uint64_t e64;

	(void)state;
	build(&cfg);
	assert_int_equal(out.mcfg, 0);
	assert_int_equal(((const struct acpi_header *)at(out.rsdt))->length,
			 ACPI_HEADER_LEN + 2 * 4);
	cfg.ecam_base = GUEST_ECAM_BASE;
	build(&cfg);
	assert_int_not_equal(out.mcfg, 0);
	assert_true(out.mcfg >= cfg.base && out.mcfg < out.end);
	h = at(out.rsdt);
	assert_int_equal(h->length, ACPI_HEADER_LEN + 3 * 4);
	assert_int_equal(sum(h, h->length), 0);
	memcpy(&e32, (const uint8_t *)h + ACPI_HEADER_LEN + 8, 4);
	assert_int_equal(e32, out.mcfg);
	h = at(out.xsdt);
	assert_int_equal(h->length, ACPI_HEADER_LEN + 3 * 8);
	assert_int_equal(sum(h, h->length), 0);
	memcpy(&e64, (const uint8_t *)h + ACPI_HEADER_LEN + 16, 8);
	assert_int_equal(e64, out.mcfg);
	h = at(out.mcfg);
	assert_memory_equal(h->sig, "MCFG", 4);
	assert_int_equal(sum(h, h->length), 0);
	assert_int_equal(pci_mcfg_parse(h, h->length, 0, &r, err, sizeof(err)), 0);
	assert_int_equal(r.base, GUEST_ECAM_BASE);
	assert_int_equal(r.start_bus, 0);
	assert_int_equal(r.end_bus, 0);
	assert_int_equal(r.size, MiB(1));
	parse();
	assert_int_equal(ai.ntables, 3);
	assert_platform(1, GUEST_PM_BASE_DEFAULT);
}

/* The ECAM window is reserved in the e820 map, between low RAM and the
 * IOAPIC; one that overlaps RAM is refused. */
static void test_ecam_e820(void **state)
{
	struct guest_layout l = layout;
	bool found = false;

	(void)state;
	l.low_ram_max = GiB(3);
	l.ecam_base = GUEST_ECAM_BASE;
	l.ecam_size = GUEST_ECAM_SIZE;
	assert_int_equal(e820_build(&l, &map, err, sizeof(err)), 0);
	for (unsigned i = 0; i < map.n; i++)
		if (map.e[i].addr == GUEST_ECAM_BASE) {
			found = true;
			assert_int_equal(map.e[i].size, GUEST_ECAM_SIZE);
			assert_int_equal(map.e[i].type, E820_RESERVED);
		}
	assert_true(found);
	l.ecam_base = MiB(8);
	assert_int_equal(e820_build(&l, &map, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "ECAM"));
	l.ecam_base = 0xfff00000;
	assert_int_equal(e820_build(&l, &map, err, sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parsed_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout_and_checksums, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dsdt_aml, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dsdt_pci_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rsdt_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rsdp_copy_scanned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exact_fit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure_each_point, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inside_e820_acpi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mcfg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ecam_e820, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
