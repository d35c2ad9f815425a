// UNIT-SOURCES: boot/multiboot2.c tests/unit/mb2_builder.c
/* Multiboot2 information parser, part 1: well-formed BIOS and UEFI blocks,
 * and corrupt headers and tag walks that must each be refused with a
 * message saying why.  Part 2 (test_multiboot2_tags.c) covers the
 * contents of individual tags. */
#include "lib/errno.h"
#include "tests/unit/mb2_builder.h"

/* ---- well-formed blocks ---- */

static void test_bios_block(void **state)
{
	uint32_t old_off, new_off, fb_off;
	uint8_t fb[24] = { 0 };
	uint64_t fb_addr = 0xfd000000;
	uint32_t pitch = 4096, w = 1024, h = 768;

	(void)state;
	mb_begin();
	mb_string(MB2_TAG_CMDLINE, "loglevel=debug console=com2");
	mb_string(MB2_TAG_LOADER_NAME, "GRUB 2.06");
	mb_u64_tag(MB2_TAG_BASIC_MEMINFO, 0x0009fc0000000280ull);
	mb_module(0x200000, 0x300000, "linux console=ttyS0");
	mb_module(0x300000, 0x300000, ""); /* empty module is allowed */
	mb_module(0x400000, 0x401234, "initrd");
	mb_mmap();
	new_off = mb_rsdp(true);
	old_off = mb_rsdp(false);
	memcpy(fb, &fb_addr, 8);
	memcpy(fb + 8, &pitch, 4);
	memcpy(fb + 12, &w, 4);
	memcpy(fb + 16, &h, 4);
	fb[20] = 32;
	fb[21] = 1;
	fb_off = mb_tag(MB2_TAG_FRAMEBUFFER, fb, sizeof(fb));
	(void)fb_off;
	mb_tag(99, "unknown tags are skipped", 25);
	mb_end();

	assert_int_equal(mb_parse(), 0);
	assert_null(err);
	assert_string_equal(bi.cmdline, "loglevel=debug console=com2");
	assert_string_equal(bi.loader_name, "GRUB 2.06");

	assert_int_equal(bi.mmap_count, 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(bi.mmap[i].base, (uint64_t)i << 24);
		assert_int_equal(bi.mmap[i].len, MiB(1));
		assert_int_equal(bi.mmap[i].type,
				 i % 2 ? MEM_RESERVED : MEM_USABLE);
	}

	assert_int_equal(bi.module_count, 3);
	assert_int_equal(bi.modules[0].start, 0x200000);
	assert_int_equal(bi.modules[0].end, 0x300000);
	assert_string_equal(bi.modules[0].cmdline, "linux console=ttyS0");
	assert_int_equal(bi.modules[1].start, bi.modules[1].end);
	assert_string_equal(bi.modules[1].cmdline, "");
	assert_int_equal(bi.modules[2].end, 0x401234);
	assert_string_equal(bi.modules[2].cmdline, "initrd");

	/* The new RSDP wins even though the old one came later. */
	assert_true(bi.rsdp_v2);
	assert_int_equal(bi.rsdp, INFO_PA + new_off + 8);
	assert_int_equal(bi.rsdp_len, 36);
	assert_int_not_equal(bi.rsdp, INFO_PA + old_off + 8);

	assert_int_equal(bi.fb_addr, 0xfd000000);
	assert_int_equal(bi.fb_pitch, 4096);
	assert_int_equal(bi.fb_width, 1024);
	assert_int_equal(bi.fb_height, 768);
	assert_int_equal(bi.fb_bpp, 32);
	assert_int_equal(bi.fb_type, 1);

	assert_int_equal(bi.efi_systab, 0);
	assert_false(bi.efi_boot_services);
	assert_int_equal(bi.info_start, INFO_PA);
	assert_int_equal(bi.info_end, INFO_PA + mbb.len);
}

static void test_old_rsdp_only(void **state)
{
	uint32_t off;

	(void)state;
	mb_begin();
	mb_mmap();
	off = mb_rsdp(false);
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_false(bi.rsdp_v2);
	assert_int_equal(bi.rsdp, INFO_PA + off + 8);
	assert_int_equal(bi.rsdp_len, 20);
	/* No cmdline or loader name tag: empty strings, never NULL. */
	assert_string_equal(bi.cmdline, "");
	assert_string_equal(bi.loader_name, "");
	assert_int_equal(bi.module_count, 0);
}

static void test_uefi_block(void **state)
{
	uint32_t rsdp_off;

	(void)state;
	mb_begin();
	mb_string(MB2_TAG_CMDLINE, "");
	mb_string(MB2_TAG_LOADER_NAME, "GRUB 2.06");
	mb_u64_tag(MB2_TAG_EFI64, 0x7f9ee018);
	mb_mmap_n(40, 24);
	mb_tag(MB2_TAG_EFI_MMAP, "\x30\0\0\0\1\0\0\0", 8);
	rsdp_off = mb_rsdp(true);
	mb_tag(MB2_TAG_EFI_BS, NULL, 0);
	mb_u64_tag(MB2_TAG_EFI64_IH, 0x7e2d4a98);
	mb_u32_tag(MB2_TAG_LOAD_BASE, 0x200000);
	mb_end();

	assert_int_equal(mb_parse(), 0);
	assert_string_equal(bi.cmdline, "");
	assert_true(bi.efi64);
	assert_int_equal(bi.efi_systab, 0x7f9ee018);
	assert_true(bi.efi_boot_services);
	assert_int_equal(bi.efi_image_handle, 0x7e2d4a98);
	assert_int_equal(bi.load_base, 0x200000);
	assert_int_equal(bi.mmap_count, 40);
	assert_true(bi.rsdp_v2);
	assert_int_equal(bi.rsdp, INFO_PA + rsdp_off + 8);
	assert_int_equal(bi.fb_addr, 0);
}

static void test_efi32_block(void **state)
{
	(void)state;
	mb_begin();
	mb_u32_tag(MB2_TAG_EFI32, 0x3f00a000);
	mb_u32_tag(MB2_TAG_EFI32_IH, 0x3e000010);
	mb_mmap();
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_false(bi.efi64);
	assert_int_equal(bi.efi_systab, 0x3f00a000);
	assert_int_equal(bi.efi_image_handle, 0x3e000010);

	/* Given both widths, the 64-bit system table and handle win,
	 * whatever the order. */
	mb_begin();
	mb_u64_tag(MB2_TAG_EFI64_IH, 0x17e000010ull);
	mb_u32_tag(MB2_TAG_EFI32_IH, 0x3e000010);
	mb_u32_tag(MB2_TAG_EFI32, 0x3f00a000);
	mb_u64_tag(MB2_TAG_EFI64, 0x17f00a000ull);
	mb_mmap();
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_true(bi.efi64);
	assert_int_equal(bi.efi_systab, 0x17f00a000ull);
	assert_int_equal(bi.efi_image_handle, 0x17e000010ull);
}

/* Entries larger than ours (a future entry_version) are stepped over. */
static void test_mmap_wide_entries(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap_n(3, 40);
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_int_equal(bi.mmap_count, 3);
	assert_int_equal(bi.mmap[2].base, 2ull << 24);
	assert_int_equal(bi.mmap[2].type, MEM_USABLE);
}

static void test_mmap_limit_exact(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap_n(BOOT_MAX_MMAP, 24);
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_int_equal(bi.mmap_count, BOOT_MAX_MMAP);
}

static void test_module_limit_exact(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap();
	for (uint32_t i = 0; i < BOOT_MAX_MODULES; i++)
		mb_module(0x1000000 + i * 0x1000, 0x1000000 + i * 0x1000 + 0x1000,
			  "m");
	mb_end();
	assert_int_equal(mb_parse(), 0);
	assert_int_equal(bi.module_count, BOOT_MAX_MODULES);
}

/* ---- header errors ---- */

static void test_bad_magic(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap();
	mb_end();
	assert_int_equal(mb_parse_at(INFO_PA, 0x2badb002), -EINVAL);
	assert_non_null(strstr(err, "bad loader magic 0x2badb002"));
}

static void test_null_info(void **state)
{
	(void)state;
	err = NULL;
	assert_int_equal(mb2_parse(NULL, 0, MB2_BOOTLOADER_MAGIC, &bi, &err),
			 -EINVAL);
	assert_non_null(strstr(err, "NULL"));
}

static void test_total_size_too_small(void **state)
{
	(void)state;
	mb_begin();
	mb_end();
	mb_put32(0, 4);
	assert_parse_error("total_size 0x4 is smaller");
	mb_put32(0, 8);
	assert_parse_error("total_size 0x8 is smaller");
}

static void test_total_size_huge(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap();
	mb_end();
	mb_put32(0, 0x80000000);
	assert_parse_error("total_size 0x80000000 is larger than 0x100000");
}

static void test_reserved_nonzero(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap();
	mb_end();
	mb_put32(4, 1);
	assert_parse_error("reserved field is 0x1");
}

static void test_info_wraps(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap();
	mb_end();
	assert_int_equal(mb_parse_at(0xfffffffffffffff8ull, MB2_BOOTLOADER_MAGIC),
			 -EINVAL);
	assert_non_null(strstr(err, "wraps the address space"));
}

static void test_misaligned(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap();
	mb_end();
	assert_int_equal(mb_parse_at(INFO_PA + 4, MB2_BOOTLOADER_MAGIC), -EINVAL);
	assert_non_null(strstr(err, "not 8-byte aligned"));
}

/* ---- tag walk errors ---- */

/* Acceptance point: a tag that claims more bytes than total_size leaves. */
static void test_tag_past_total_size(void **state)
{
	uint32_t off;

	(void)state;
	mb_begin();
	mb_mmap();
	off = mb_string(MB2_TAG_CMDLINE, "abc");
	mb_end();
	mb_put32(off + 4, 0x400);
	assert_int_equal(off, 0x78);
	assert_parse_error("tag type 1 at offset 0x78 runs past total_size 0x90 (size 0x400)");
}

/* total_size cuts the block in the middle of a tag: the tag runs past it. */
static void test_truncated_block(void **state)
{
	(void)state;
	mb_begin();
	mb_string(MB2_TAG_CMDLINE, "a fairly long command line");
	mb_mmap();
	mb_end();
	mb_put32(0, 0x18);
	assert_parse_error("tag type 1 at offset 0x8 runs past total_size 0x18");
}

static void test_missing_end_tag(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap();
	mb_put32(0, mbb.len); /* no end tag: total_size stops after the mmap */
	assert_parse_error("no end tag");
}

static void test_end_tag_wrong_size(void **state)
{
	uint32_t end;

	(void)state;
	mb_begin();
	mb_mmap();
	end = mbb.len;
	mb_end();
	mb_put32(end + 4, 16);
	mbb.len += 8;
	mb_put32(0, mbb.len);
	assert_parse_error("end tag at offset");
}

static void test_tag_size_below_8(void **state)
{
	uint32_t off;

	(void)state;
	mb_begin();
	off = mb_string(MB2_TAG_LOADER_NAME, "x");
	mb_mmap();
	mb_end();
	mb_put32(off + 4, 4);
	assert_parse_error("tag type 2 at offset 0x8 has size 4 (< 8)");
	/* Size 0 would loop forever if the walker trusted it. */
	mb_put32(off + 4, 0);
	assert_parse_error("has size 0 (< 8)");
}

static void test_padding_past_total_size(void **state)
{
	uint32_t off;

	(void)state;
	mb_begin();
	mb_mmap();
	off = mb_string(MB2_TAG_CMDLINE, "abc"); /* size 12, padded to 16 */
	mb_put32(0, off + 12);
	mbb.len = off + 12;
	assert_parse_error("padding after tag type 1");
}

static void test_duplicate_mmap(void **state)
{
	(void)state;
	mb_begin();
	mb_mmap();
	mb_mmap();
	mb_end();
	assert_parse_error("duplicate tag type 6");
}

/* Every tag that describes one thing is refused the second time. */
static void test_duplicate_single_tags(void **state)
{
	static const uint32_t types[] = { MB2_TAG_CMDLINE, MB2_TAG_LOADER_NAME,
					  MB2_TAG_FRAMEBUFFER, MB2_TAG_EFI32,
					  MB2_TAG_EFI64, MB2_TAG_ACPI_OLD,
					  MB2_TAG_ACPI_NEW, MB2_TAG_EFI32_IH,
					  MB2_TAG_EFI64_IH, MB2_TAG_LOAD_BASE };
	uint8_t payload[36] = "RSD PTR "; /* valid for every type above */

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(types); i++) {
		char want[64];
		uint32_t second;

		mb_begin();
		mb_mmap();
		mb_tag(types[i], payload, sizeof(payload));
		second = mb_tag(types[i], payload, sizeof(payload));
		mb_end();
		snprintf(want, sizeof(want), "duplicate tag type %u at offset 0x%x",
			 types[i], second);
		assert_parse_error(want);
	}
}

static void test_missing_mmap(void **state)
{
	(void)state;
	mb_begin();
	mb_string(MB2_TAG_CMDLINE, "console=com1");
	mb_u64_tag(MB2_TAG_BASIC_MEMINFO, 0);
	mb_end();
	assert_parse_error("no memory map tag (type 6)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bios_block),
		cmocka_unit_test(test_old_rsdp_only),
		cmocka_unit_test(test_uefi_block),
		cmocka_unit_test(test_efi32_block),
		cmocka_unit_test(test_mmap_wide_entries),
		cmocka_unit_test(test_mmap_limit_exact),
		cmocka_unit_test(test_module_limit_exact),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_null_info),
		cmocka_unit_test(test_total_size_too_small),
		cmocka_unit_test(test_total_size_huge),
		cmocka_unit_test(test_reserved_nonzero),
		cmocka_unit_test(test_info_wraps),
		cmocka_unit_test(test_misaligned),
		cmocka_unit_test(test_tag_past_total_size),
		cmocka_unit_test(test_truncated_block),
		cmocka_unit_test(test_missing_end_tag),
		cmocka_unit_test(test_end_tag_wrong_size),
		cmocka_unit_test(test_tag_size_below_8),
		cmocka_unit_test(test_padding_past_total_size),
		cmocka_unit_test(test_duplicate_mmap),
		cmocka_unit_test(test_duplicate_single_tags),
		cmocka_unit_test(test_missing_mmap),
	};

	return cmocka_run_group_tests(tests, NULL, mb_free_copy);
}
