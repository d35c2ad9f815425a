// UNIT-SOURCES: guest/load/e820.c
/* Guest memory maps: the layouts a VM can have (small, large with RAM
 * above 4 GiB, a PCI gap, the ACPI area anywhere in low RAM), refused
 * layouts, the map checker, and the block allocator the loaders use. */
#include "lib/errno.h"
#include "tests/unit/e820_fixture.h"

static void test_default_16m(void **state)
{
	(void)state;
	guest_layout_default(&l, MiB(16));
	assert_int_equal(l.acpi_base, MiB(16) - KiB(64));
	assert_int_equal(l.acpi_size, KiB(64));
	build_ok();
	assert_int_equal(m.n, 5);
	assert_entry(0, 0, 0x9fc00, E820_RAM);
	assert_entry(1, 0x9fc00, 0x100000, E820_RESERVED);
	assert_entry(2, 0x100000, MiB(16) - KiB(64), E820_RAM);
	assert_entry(3, MiB(16) - KiB(64), MiB(16), E820_ACPI);
	assert_entry(4, 0xfec00000, GUEST_4G, E820_RESERVED);
	assert_int_equal(m.low_ram_end, MiB(16));
	assert_int_equal(m.high_ram_end, 0);
}

/* 1 MiB: no room for anything above the BIOS area, so no ACPI area. */
static void test_one_mib(void **state)
{
	(void)state;
	guest_layout_default(&l, MiB(1));
	assert_int_equal(l.acpi_size, 0);
	build_ok();
	assert_int_equal(m.n, 3);
	assert_entry(0, 0, 0x9fc00, E820_RAM);
	assert_entry(1, 0x9fc00, 0x100000, E820_RESERVED);
	assert_entry(2, 0xfec00000, GUEST_4G, E820_RESERVED);
	/* Just too small for the default ACPI area, and just big enough. */
	guest_layout_default(&l, MiB(1) + KiB(60));
	assert_int_equal(l.acpi_size, 0);
	guest_layout_default(&l, MiB(1) + KiB(64));
	assert_int_equal(l.acpi_base, MiB(1));
	build_ok();
	assert_int_equal(m.n, 4);
	assert_entry(2, MiB(1), MiB(1) + KiB(64), E820_ACPI);
}

/* More RAM than fits below the hole: the rest moves above 4 GiB. */
static void test_above_4g(void **state)
{
	(void)state;
	guest_layout_default(&l, GiB(5));
	build_ok();
	assert_int_equal(m.low_ram_end, 0xfec00000);
	assert_int_equal(m.high_ram_end, GUEST_4G + GiB(5) - 0xfec00000);
	assert_int_equal(m.n, 6);
	assert_entry(2, MiB(1), 0xfec00000 - KiB(64), E820_RAM);
	assert_entry(3, 0xfec00000 - KiB(64), 0xfec00000, E820_ACPI);
	assert_entry(4, 0xfec00000, GUEST_4G, E820_RESERVED);
	assert_entry(5, GUEST_4G, m.high_ram_end, E820_RAM);
	/* Exactly up to the hole: nothing above. */
	guest_layout_default(&l, 0xfec00000);
	build_ok();
	assert_int_equal(m.high_ram_end, 0);
	assert_int_equal(m.n, 5);
}

/* A lower limit leaves a gap (for PCI BARs) that the map does not list. */
static void test_pci_gap(void **state)
{
	(void)state;
	guest_layout_default(&l, GiB(4));
	l.low_ram_max = GiB(3);
	l.acpi_base = GiB(3) - KiB(64);
	build_ok();
	assert_int_equal(m.low_ram_end, GiB(3));
	assert_int_equal(m.high_ram_end, GUEST_4G + GiB(1));
	assert_entry(3, GiB(3) - KiB(64), GiB(3), E820_ACPI);
	assert_entry(4, 0xfec00000, GUEST_4G, E820_RESERVED);
	assert_entry(5, GUEST_4G, GUEST_4G + GiB(1), E820_RAM);
	assert_false(e820_is_ram(&m, GiB(3), 1));
}

/* The ACPI area anywhere in low RAM above 1 MiB: RAM on both sides, one
 * side or none. */
static void test_acpi_positions(void **state)
{
	(void)state;
	l = (struct guest_layout){ .ram_size = MiB(8), .acpi_base = MiB(2),
				   .acpi_size = KiB(8) };
	build_ok();
	assert_int_equal(m.n, 6);
	assert_entry(2, MiB(1), MiB(2), E820_RAM);
	assert_entry(3, MiB(2), MiB(2) + KiB(8), E820_ACPI);
	assert_entry(4, MiB(2) + KiB(8), MiB(8), E820_RAM);
	l.acpi_base = MiB(1);
	build_ok();
	assert_int_equal(m.n, 5);
	assert_entry(2, MiB(1), MiB(1) + KiB(8), E820_ACPI);
	assert_entry(3, MiB(1) + KiB(8), MiB(8), E820_RAM);
	l.acpi_base = MiB(1);
	l.acpi_size = MiB(7);
	build_ok();
	assert_int_equal(m.n, 4);
	assert_entry(2, MiB(1), MiB(8), E820_ACPI);
	assert_false(e820_is_ram(&m, MiB(1), 1));
}

/* Every map built for a range of sizes is well formed and accounts for
 * exactly the RAM the VM has. */
static void test_accounting(void **state)
{
	static const uint64_t sizes[] = {
		MiB(1), MiB(2), MiB(3) + KiB(4), MiB(64), MiB(255), GiB(1),
		GiB(3), 0xfec00000 - KiB(4), 0xfec00000, 0xfec00000 + KiB(4),
		GiB(4), GiB(6) + MiB(2), GiB(64),
	};

	(void)state;
	for (unsigned k = 0; k < ARRAY_SIZE(sizes); k++) {
		uint64_t backed = 0;

		guest_layout_default(&l, sizes[k]);
		build_ok();
		for (unsigned i = 0; i < m.n; i++)
			if (m.e[i].addr < 0xfec00000 || m.e[i].addr >= GUEST_4G)
				backed += m.e[i].size;
		assert_int_equal(backed, sizes[k]);
		assert_int_equal(m.low_ram_end + (m.high_ram_end ?
				 m.high_ram_end - GUEST_4G : 0), sizes[k]);
		for (unsigned i = 1; i < m.n; i++)
			assert_true(m.e[i].addr >= m.e[i - 1].addr + m.e[i - 1].size);
	}
}

static void expect_bad(const char *why)
{
	err[0] = '\0';
	assert_int_equal(e820_build(&l, &m, err, sizeof(err)), -EINVAL);
	if (!strstr(err, why))
		fail_msg("error \"%s\" lacks \"%s\"", err, why);
}

static void test_bad_layouts(void **state)
{
	(void)state;
	l = (struct guest_layout){ .ram_size = 0 };
	expect_bad("RAM size 0x0");
	l.ram_size = MiB(1) - KiB(4);
	expect_bad("RAM size");
	l.ram_size = MiB(2) + 1;
	expect_bad("multiple of 4 KiB");
	l.ram_size = 1ull << 47;
	expect_bad("64 TiB");
	l.ram_size = MiB(16);
	l.low_ram_max = MiB(1) - KiB(4);
	expect_bad("low RAM limit");
	l.low_ram_max = 0xfec00000 + KiB(4);
	expect_bad("low RAM limit");
	l.low_ram_max = MiB(8) + 2;
	expect_bad("low RAM limit");
	l.low_ram_max = 0;
	l.acpi_size = KiB(4);
	l.acpi_base = MiB(1) - KiB(4);
	expect_bad("ACPI area");
	l.acpi_base = MiB(2) + 16;
	expect_bad("ACPI area");
	l.acpi_base = MiB(2);
	l.acpi_size = 100;
	expect_bad("ACPI area");
	l.acpi_size = MiB(14) + KiB(4);
	expect_bad("ACPI area");
	l.acpi_base = MiB(16);
	l.acpi_size = KiB(4);
	expect_bad("ACPI area");
	l.acpi_base = 0xfffffffffffff000ull;
	l.acpi_size = KiB(8);
	expect_bad("ACPI area");
	/* Low RAM limited below the area. */
	l = (struct guest_layout){ .ram_size = MiB(16), .low_ram_max = MiB(4),
				   .acpi_base = MiB(8), .acpi_size = KiB(4) };
	expect_bad("ACPI area");
}

static void expect_check_fails(const char *why)
{
	err[0] = '\0';
	assert_int_equal(e820_check(&m, err, sizeof(err)), -EINVAL);
	if (!strstr(err, why))
		fail_msg("error \"%s\" lacks \"%s\"", err, why);
}

static void test_check(void **state)
{
	(void)state;
	guest_layout_default(&l, MiB(32));
	build_ok();
	m.n = 0;
	expect_check_fails("0 entries");
	m.n = E820_MAX_ENTRIES + 1;
	expect_check_fails("entries");
	build_ok();
	m.e[2].size = 0;
	expect_check_fails("entry 2");
	build_ok();
	m.e[4].size = UINT64_MAX;
	expect_check_fails("wraps");
	build_ok();
	m.e[1].type = 0;
	expect_check_fails("unknown type 0");
	m.e[1].type = 6;
	expect_check_fails("unknown type 6");
	build_ok();
	m.e[2].addr -= 1; /* overlaps the reserved entry before it */
	expect_check_fails("overlaps");
	build_ok();
	m.e[0] = m.e[3]; /* out of order */
	expect_check_fails("entry 1");
}

static void test_is_ram_and_runs(void **state)
{
	(void)state;
	guest_layout_default(&l, MiB(16));
	build_ok();
	assert_true(e820_is_ram(&m, 0, 0x9fc00));
	assert_false(e820_is_ram(&m, 0, 0x9fc01));
	assert_false(e820_is_ram(&m, 0x9fc00, 1));
	assert_false(e820_is_ram(&m, MiB(1), 0));
	assert_true(e820_is_ram(&m, MiB(1), MiB(15) - KiB(64)));
	assert_false(e820_is_ram(&m, MiB(1), MiB(15) - KiB(64) + 1));
	assert_false(e820_is_ram(&m, MiB(16) - KiB(64), 1)); /* ACPI */
	assert_false(e820_is_ram(&m, MiB(16), 1));
	assert_false(e820_is_ram(&m, MiB(2), UINT64_MAX));

	assert_int_equal(e820_ram_run(&m, 0), 0x9fc00);
	assert_int_equal(e820_ram_run(&m, 0x1000), 0x9fc00 - 0x1000);
	assert_int_equal(e820_ram_run(&m, 0x9fc00), 0);
	assert_int_equal(e820_ram_run(&m, MiB(1)), MiB(15) - KiB(64));
	assert_int_equal(e820_ram_run(&m, GUEST_4G), 0);
	/* Touching RAM entries count as one run. */
	m.n = 2;
	m.e[0] = (struct e820_entry){ MiB(1), MiB(1), E820_RAM };
	m.e[1] = (struct e820_entry){ MiB(2), MiB(3), E820_RAM };
	assert_int_equal(e820_ram_run(&m, MiB(1)), MiB(4));
	assert_false(e820_is_ram(&m, MiB(1), MiB(2))); /* one entry only */
}

static uint64_t find(uint64_t size, uint64_t align, uint64_t min,
		     uint64_t max_end, bool top)
{
	struct e820_find_req r = { size, align, min, max_end, NULL, 0, top };

	return e820_find(&m, &r);
}

static void test_find(void **state)
{
	const uint64_t top = MiB(16) - KiB(64);

	(void)state;
	guest_layout_default(&l, MiB(16));
	build_ok();
	/* Bottom-up starts at 0, top-down ends under the ACPI area. */
	assert_int_equal(find(PAGE_SIZE, PAGE_SIZE, 0, 0, false), 0);
	assert_int_equal(find(PAGE_SIZE, PAGE_SIZE, 0, 0, true), top - PAGE_SIZE);
	/* Too big for low memory: the next entry. */
	assert_int_equal(find(MiB(1), PAGE_SIZE, 0, 0, false), MiB(1));
	/* Alignment. */
	assert_int_equal(find(KiB(4), MiB(2), MiB(1) + 1, 0, false), MiB(2));
	assert_int_equal(find(MiB(1), MiB(2), 0, 0, true), MiB(14));
	assert_int_equal(find(1, 0, 5, 0, false), 5);
	/* max_end and min. */
	assert_int_equal(find(MiB(1), PAGE_SIZE, 0, MiB(4), true), MiB(3));
	assert_int_equal(find(MiB(1), PAGE_SIZE, MiB(3), MiB(4), true), MiB(3));
	assert_int_equal(find(MiB(1), PAGE_SIZE, MiB(3) + 1, MiB(4), true),
			 E820_NOT_FOUND);
	assert_int_equal(find(MiB(1), PAGE_SIZE, MiB(3) + 1, MiB(4), false),
			 E820_NOT_FOUND);
	/* Nothing that big; bad requests. */
	assert_int_equal(find(MiB(16), 0, 0, 0, false), E820_NOT_FOUND);
	assert_int_equal(find(0, 0, 0, 0, false), E820_NOT_FOUND);
	assert_int_equal(find(PAGE_SIZE, 3 * PAGE_SIZE, 0, 0, false), E820_NOT_FOUND);
	/* Alignments so large that rounding up would wrap. */
	assert_int_equal(find(PAGE_SIZE, 1ull << 63, 1, 0, false), E820_NOT_FOUND);
	assert_int_equal(find(PAGE_SIZE, 1ull << 63, 0, 0, true), 0);
	/* RAM at the very top of the address space, bottom-up with an
	 * alignment that cannot be reached from there. */
	m.n = 1;
	m.e[0] = (struct e820_entry){ 0xffffffffffff0000ull, 0xffff, E820_RAM };
	assert_int_equal(e820_check(&m, err, sizeof(err)), 0);
	assert_int_equal(find(PAGE_SIZE, 1ull << 63, 0, 0, false), E820_NOT_FOUND);
	assert_int_equal(find(PAGE_SIZE, PAGE_SIZE, 0, 0, false), 0xffffffffffff0000ull);
	assert_int_equal(find(PAGE_SIZE, PAGE_SIZE, 0, 0, true), 0xffffffffffffe000ull);
}

static void test_find_avoiding(void **state)
{
	struct e820_range avoid[3] = {
		{ MiB(12), MiB(15) },	/* below the top */
		{ MiB(10), MiB(11) },
		{ MiB(5), MiB(5) },	/* empty: ignored */
	};
	struct e820_find_req r = { MiB(1), PAGE_SIZE, MiB(1), 0, avoid, 3, true };

	(void)state;
	guest_layout_default(&l, MiB(16));
	build_ok();
	/* Top-down: [15M, 16M-64K) is too small, [11M, 12M) fits. */
	assert_int_equal(e820_find(&m, &r), MiB(11));
	r.size = MiB(1) + 1;
	assert_int_equal(e820_find(&m, &r), ALIGN_DOWN(MiB(10) - MiB(1) - 1, PAGE_SIZE));
	/* Bottom-up skips past each avoided range. */
	r.top_down = false;
	r.size = MiB(2);
	r.min = MiB(9);
	assert_int_equal(e820_find(&m, &r), E820_NOT_FOUND);
	r.size = KiB(512);
	r.min = MiB(12);
	assert_int_equal(e820_find(&m, &r), MiB(15));
	r.min = MiB(9);
	r.size = MiB(1);
	assert_int_equal(e820_find(&m, &r), MiB(9));
	r.min = MiB(9) + 1;
	assert_int_equal(e820_find(&m, &r), MiB(11));
	/* Avoided to the end: nothing. */
	avoid[0] = (struct e820_range){ MiB(1), MiB(16) };
	r.min = 0;
	r.size = 0x9fc00 + 1;
	assert_int_equal(e820_find(&m, &r), E820_NOT_FOUND);
	r.top_down = true;
	assert_int_equal(e820_find(&m, &r), E820_NOT_FOUND);
	/* An avoided range at 0 stops the downward walk. */
	avoid[0] = (struct e820_range){ 0, MiB(16) };
	r.size = PAGE_SIZE;
	assert_int_equal(e820_find(&m, &r), E820_NOT_FOUND);
	/* One reaching the top of the address space stops the upward one. */
	avoid[0] = (struct e820_range){ 0, UINT64_MAX };
	r.top_down = false;
	assert_int_equal(e820_find(&m, &r), E820_NOT_FOUND);
}

static uint8_t zbuf[3 * PAGE_SIZE + 100];
static unsigned zcalls;

static int zwrite(void *ctx, uint64_t gpa, const void *src, size_t len)
{
	(void)ctx;
	if (gpa + len > sizeof(zbuf))
		return -1;
	memcpy(zbuf + gpa, src, len);
	zcalls++;
	return 0;
}

/* The RMRRs of a VM's PCI functions: reserved entries in address order
 * between the others; one over RAM or the ECAM window is refused. */
static void test_reserved_ranges(void **state)
{
	(void)state;
	guest_layout_default(&l, MiB(16));
	l.low_ram_max = 0xc0000000;
	l.ecam_base = 0xe0000000;
	l.ecam_size = MiB(1);
	l.nresv = 2;
	l.resv[0] = (struct e820_resv){ 0x7d000000, 0x7d001000 };
	l.resv[1] = (struct e820_resv){ 0x7c000000, 0x7c800000 };
	build_ok();
	assert_int_equal(m.n, 8);
	assert_entry(3, MiB(16) - KiB(64), MiB(16), E820_ACPI);
	assert_entry(4, 0x7c000000, 0x7c800000, E820_RESERVED);
	assert_entry(5, 0x7d000000, 0x7d001000, E820_RESERVED);
	assert_entry(6, 0xe0000000, 0xe0100000, E820_RESERVED);
	assert_entry(7, 0xfec00000, GUEST_4G, E820_RESERVED);
	assert_true(e820_is_ram(&m, MiB(2), MiB(1)));
	assert_false(e820_is_ram(&m, 0x7c000000, KiB(4)));
	/* Over the RAM, over the ECAM window: the map is rejected. */
	l.nresv = 1;
	l.resv[0] = (struct e820_resv){ MiB(8), MiB(8) + KiB(4) };
	expect_bad("overlaps or precedes");
	l.resv[0] = (struct e820_resv){ 0xe00ff000, 0xe0101000 };
	expect_bad("overlaps or precedes");
	l.resv[0] = (struct e820_resv){ 0x7c000000, 0x7c000000 };
	expect_bad("reserved range 0 is empty");
	l.nresv = E820_MAX_RESV + 1;
	expect_bad("reserved ranges");
}

static void test_zero(void **state)
{
	struct guest_mem_ops ops = { NULL, zwrite, NULL };

	(void)state;
	memset(zbuf, 0xee, sizeof(zbuf));
	assert_int_equal(guest_mem_zero(&ops, 10, 2 * PAGE_SIZE + 50), 0);
	assert_int_equal(zcalls, 3);
	assert_int_equal(zbuf[9], 0xee);
	for (size_t i = 10; i < 10 + 2 * PAGE_SIZE + 50; i++)
		assert_int_equal(zbuf[i], 0);
	assert_int_equal(zbuf[10 + 2 * PAGE_SIZE + 50], 0xee);
	assert_int_equal(guest_mem_zero(&ops, 0, 0), 0);
	assert_int_equal(guest_mem_zero(&ops, PAGE_SIZE, 3 * PAGE_SIZE), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_16m),
		cmocka_unit_test(test_one_mib),
		cmocka_unit_test(test_above_4g),
		cmocka_unit_test(test_pci_gap),
		cmocka_unit_test(test_acpi_positions),
		cmocka_unit_test(test_accounting),
		cmocka_unit_test(test_bad_layouts),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_is_ram_and_runs),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_find_avoiding),
		cmocka_unit_test(test_reserved_ranges),
		cmocka_unit_test(test_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
