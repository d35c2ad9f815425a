// UNIT-SOURCES: guest/load/e820.c
/* The memory map of a dma = identity VM (docs/passthrough.md): the first
 * MiB as usual, a reserved hole up to where the host range of its RAM
 * starts, the rest of its RAM there (ACPI area at its end), nothing above
 * 4 GiB; the layouts refused; the loaders' allocator around the hole. */
#include "lib/errno.h"
#include "tests/unit/e820_fixture.h"

/* 256 MiB with its RAM above 1 MiB at host 0x2400000 (what Bochs gives
 * a VM next to the hypervisor). */
static void test_hole(void **state)
{
	const uint64_t base = 0x2400000, end = base + MiB(255);

	(void)state;
	guest_layout_default(&l, MiB(256));
	l.low_ram_max = GiB(3);
	guest_layout_identity(&l, base);
	assert_int_equal(l.ident_base, base);
	assert_int_equal(l.acpi_base, end - KiB(64));
	assert_int_equal(l.acpi_size, KiB(64));
	build_ok();
	assert_int_equal(m.n, 6);
	assert_entry(0, 0, 0x9fc00, E820_RAM);
	assert_entry(1, 0x9fc00, MiB(1), E820_RESERVED);
	assert_entry(2, MiB(1), base, E820_RESERVED); /* the hole */
	assert_entry(3, base, end - KiB(64), E820_RAM);
	assert_entry(4, end - KiB(64), end, E820_ACPI);
	assert_entry(5, 0xfec00000, GUEST_4G, E820_RESERVED);
	assert_int_equal(m.low_ram_end, end);
	assert_int_equal(m.high_ram_end, 0);
	assert_int_equal(m.hole_end, base);
	/* Nothing in the hole is RAM; the RAM around it is. */
	assert_false(e820_is_ram(&m, MiB(1), PAGE_SIZE));
	assert_false(e820_is_ram(&m, base - PAGE_SIZE, PAGE_SIZE));
	assert_true(e820_is_ram(&m, base, PAGE_SIZE));
	assert_true(e820_is_ram(&m, 0x7000, PAGE_SIZE));
	assert_int_equal(e820_ram_run(&m, base), MiB(255) - KiB(64));
}

/* The loaders' allocator never hands out the hole: a block wanted at
 * 16 MiB (Linux' pref_address) lands at the start of the RAM, a top-down
 * one under the ACPI area, one that only fits in the hole is refused. */
static void test_find_around_hole(void **state)
{
	const uint64_t base = MiB(40);
	struct e820_find_req r = { .size = MiB(8), .align = MiB(2), .min = MiB(16),
				   .max_end = GUEST_4G };

	(void)state;
	guest_layout_default(&l, MiB(64));
	guest_layout_identity(&l, base);
	build_ok();
	assert_int_equal(e820_find(&m, &r), base);
	r.top_down = true;
	r.min = MiB(1);
	assert_int_equal(e820_find(&m, &r), ALIGN_DOWN(base + MiB(63) - KiB(64) - MiB(8), MiB(2)));
	r.top_down = false;
	r.size = MiB(64);
	assert_int_equal(e820_find(&m, &r), E820_NOT_FOUND);
	/* Below 1 MiB the boot area is still there. */
	r = (struct e820_find_req){ .size = PAGE_SIZE, .max_end = MiB(1) };
	assert_int_equal(e820_find(&m, &r), 0);
}

/* No hole when the RAM starts right at 1 MiB; none when ident_base is 0;
 * no ACPI area when the RAM above 1 MiB is smaller than it. */
static void test_edges(void **state)
{
	(void)state;
	guest_layout_default(&l, MiB(16));
	guest_layout_identity(&l, MiB(1));
	build_ok();
	assert_int_equal(m.n, 5);
	assert_entry(2, MiB(1), MiB(16) - KiB(64), E820_RAM);
	assert_int_equal(m.hole_end, 0);

	guest_layout_default(&l, MiB(1) + KiB(32));
	guest_layout_identity(&l, MiB(8));
	assert_int_equal(l.acpi_size, 0);
	build_ok();
	assert_int_equal(m.n, 5);
	assert_entry(2, MiB(1), MiB(8), E820_RESERVED);
	assert_entry(3, MiB(8), MiB(8) + KiB(32), E820_RAM);

	/* Exactly up to the low RAM limit. */
	guest_layout_default(&l, MiB(65));
	l.low_ram_max = GiB(3);
	guest_layout_identity(&l, GiB(3) - MiB(64));
	build_ok();
	assert_int_equal(m.low_ram_end, GiB(3));
}

static void build_refused(const char *why)
{
	assert_int_equal(e820_build(&l, &m, err, sizeof(err)), -EINVAL);
	if (!strstr(err, why))
		fail_msg("message '%s' lacks '%s'", err, why);
}

/* Misplaced identity RAM is refused with the reason. */
static void test_refused(void **state)
{
	(void)state;
	guest_layout_default(&l, MiB(64));
	l.low_ram_max = GiB(3);
	guest_layout_identity(&l, GiB(3) - MiB(62)); /* 1 MiB too high */
	build_refused("identity RAM [0xbc200000, +0x3f00000) is not page-aligned between 1 MiB and the low RAM limit 0xc0000000");
	guest_layout_identity(&l, MiB(8) + 1);
	build_refused("identity RAM");
	guest_layout_identity(&l, KiB(512));
	build_refused("identity RAM");
	guest_layout_identity(&l, GiB(4));
	build_refused("identity RAM");
	/* An ACPI area left in the hole. */
	guest_layout_identity(&l, MiB(16));
	l.acpi_base = MiB(2);
	build_refused("ACPI area [0x200000, +0x10000) is not page-aligned inside low RAM [0x1000000, 0x4f00000)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hole),
		cmocka_unit_test(test_find_around_hole),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
