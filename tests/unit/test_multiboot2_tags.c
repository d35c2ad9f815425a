// UNIT-SOURCES: boot/multiboot2.c tests/unit/mb2_builder.c
/* Multiboot2 information parser, part 2: malformed memory maps, strings,
 * modules and fixed-size tags, each refused with a message saying why. */
#include "tests/unit/mb2_builder.h"

/* ---- memory map errors ---- */

static void test_mmap_entry_size_zero(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap_n(0, 0);
	mb_end();
	assert_parse_error("entry_size 0 is smaller than 24");
}

static void test_mmap_entry_size_small(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap_n(2, 16);
	mb_end();
	assert_parse_error("entry_size 16 is smaller than 24");
}

static void test_mmap_entry_size_odd(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap_n(2, 28);
	mb_end();
	assert_parse_error("entry_size 28 is not a multiple of 8");
}

static void test_mmap_truncated_entry(void **state)
{
	uint32_t off;

	(void)state;
	mb_begin();
	off = mb_mmap_n(3, 24);
	mb_end();
	mb_put32(off + 4, 16 + 3 * 24 - 8); /* last entry cut short */
	assert_parse_error("not a multiple of entry_size 24 (truncated entry)");
}

static void test_mmap_empty(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap_n(0, 24);
	mb_end();
	assert_parse_error("has no entries");
}

static void test_mmap_too_many(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap_n(BOOT_MAX_MMAP + 1, 24);
	mb_end();
	assert_parse_error("129 entries, at most 128");
}

static void test_mmap_wrapping_entry(void **state)
{
	uint32_t off;

	(void)state;
	mb_begin();
	off = mb_mmap_n(2, 24);
	mb_end();
	mb_put64(off + 16 + 24, 0xfffffffffff00000ull); /* entry 1 base */
	assert_parse_error("mmap entry 1 at offset");
	assert_non_null(strstr(err, "wraps"));
}

static void test_mmap_tag_too_short(void **state)
{
	uint32_t entry_size = 24;

	(void)state;
	mb_begin();
	mb_tag(MB2_TAG_MMAP, &entry_size, 4);
	mb_end();
	assert_parse_error("tag type 6 at offset 0x8 has size 12, needs at least 16");
}

static void test_mmap_only_empty_entries(void **state)
{
	uint32_t off;

	(void)state;
	mb_begin();
	off = mb_mmap_n(2, 24);
	mb_end();
	mb_put64(off + 16 + 8, 0);
	mb_put64(off + 16 + 24 + 8, 0);
	assert_parse_error("has only empty entries");
}

static void test_mmap_zero_length_dropped(void **state)
{
	uint32_t off;

	(void)state;
	mb_begin();
	off = mb_mmap_n(3, 24);
	mb_end();
	mb_put64(off + 16 + 24 + 8, 0); /* entry 1 length */
	assert_int_equal(mb_parse(), 0);
	assert_int_equal(bi.mmap_count, 2);
	assert_int_equal(bi.mmap[1].base, 2ull << 24);
}

/* ---- string, module and fixed-size tag errors ---- */

static void test_unterminated_cmdline(void **state)
{
	(void)state;
	mb_begin();
	mb_tag(MB2_TAG_CMDLINE, "abcd", 4);
	mb_mmap();
	mb_end();
	assert_parse_error("tag type 1 at offset 0x8: string not NUL-terminated");
}

static void test_unterminated_module_cmdline(void **state)
{
	uint8_t p[12] = { 0, 0, 0x20, 0, 0, 0, 0x30, 0, 'a', 'b', 'c', 'd' };

	(void)state;
	mb_begin();
	mb_mmap();
	mb_tag(MB2_TAG_MODULE, p, sizeof(p));
	mb_end();
	assert_parse_error("tag type 3 at offset 0x78: string not NUL-terminated");
}

static void test_module_tag_too_short(void **state)
{
	uint32_t start = 0x200000;

	(void)state;
	mb_begin();
	mb_mmap();
	mb_tag(MB2_TAG_MODULE, &start, 4);
	mb_end();
	assert_parse_error("tag type 3 at offset 0x78 has size 12, needs at least 17");
}

static void test_module_start_after_end(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap();
	mb_module(0x300000, 0x200000, "backwards");
	mb_end();
	assert_parse_error("start 0x300000 > end 0x200000");
}

static void test_module_overlaps_info(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap();
	mb_module(INFO_PA + 0x40, INFO_PA + 0x1000, "on top of the info");
	mb_end();
	assert_parse_error("overlaps the info block");
	/* Touching the end of the block is fine. */
	mb_begin();
	mb_mmap();
	mb_module(INFO_PA + 0xa0, INFO_PA + 0x1000, "just after");
	mb_end();
	assert_int_equal(mbb.len, 0xa0);
	assert_int_equal(mb_parse(), 0);
}

static void test_module_overlaps_module(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap();
	mb_module(0x200000, 0x280000, "a");
	mb_module(0x300000, 0x380000, "b");
	mb_module(0x37f000, 0x400000, "c");
	mb_end();
	assert_parse_error("overlaps module 1 (0x300000-0x380000)");
}

static void test_too_many_modules(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap();
	for (uint32_t i = 0; i <= BOOT_MAX_MODULES; i++)
		mb_module(0x1000000 + i * 0x1000, 0x1000000 + i * 0x1000 + 0x1000,
			  "m");
	mb_end();
	assert_parse_error("more than 32 modules");
}

static void test_rsdp_bad(void **state)
{
	uint8_t junk[36] = "not an rsdp";

	(void)state;
	mb_begin();
	mb_mmap();
	mb_tag(MB2_TAG_ACPI_NEW, junk, sizeof(junk));
	mb_end();
	assert_parse_error("no \"RSD PTR \" signature");

	memcpy(junk, "RSD PTR ", 8);
	mb_begin();
	mb_mmap();
	mb_tag(MB2_TAG_ACPI_NEW, junk, 20); /* v1-sized in a v2 tag */
	mb_end();
	assert_parse_error("tag type 15 at offset 0x78 has size 28, needs at least 44");
}

static void test_short_fixed_tags(void **state)
{
	static const uint32_t types[] = {
		MB2_TAG_EFI32,	  MB2_TAG_EFI64,     MB2_TAG_EFI32_IH,
		MB2_TAG_EFI64_IH, MB2_TAG_LOAD_BASE, MB2_TAG_FRAMEBUFFER,
	};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(types); i++) {
		char want[64];

		mb_begin();
		mb_mmap();
		mb_tag(types[i], NULL, 0);
		mb_end();
		snprintf(want, sizeof(want), "tag type %u at offset 0x78 has size 8",
			 types[i]);
		assert_parse_error(want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mmap_entry_size_zero),
		cmocka_unit_test(test_mmap_entry_size_small),
		cmocka_unit_test(test_mmap_entry_size_odd),
		cmocka_unit_test(test_mmap_truncated_entry),
		cmocka_unit_test(test_mmap_empty),
		cmocka_unit_test(test_mmap_too_many),
		cmocka_unit_test(test_mmap_wrapping_entry),
		cmocka_unit_test(test_mmap_tag_too_short),
		cmocka_unit_test(test_mmap_only_empty_entries),
		cmocka_unit_test(test_mmap_zero_length_dropped),
		cmocka_unit_test(test_unterminated_cmdline),
		cmocka_unit_test(test_unterminated_module_cmdline),
		cmocka_unit_test(test_module_tag_too_short),
		cmocka_unit_test(test_module_start_after_end),
		cmocka_unit_test(test_module_overlaps_info),
		cmocka_unit_test(test_module_overlaps_module),
		cmocka_unit_test(test_too_many_modules),
		cmocka_unit_test(test_rsdp_bad),
		cmocka_unit_test(test_short_fixed_tags),
	};

	return cmocka_run_group_tests(tests, NULL, mb_free_copy);
}
