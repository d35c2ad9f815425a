// UNIT-SOURCES: guest/load/mb_loader.c guest/load/mb_elf.c guest/load/mb_place.c guest/load/mb1_info.c guest/load/mb2_info.c guest/load/e820.c guest/load/acpi_build.c boot/multiboot2.c tests/unit/fake_guest_mem.c tests/unit/mb_loader_fixture.c
/* Multiboot2 kernels as guests, on synthetic images and a fake guest RAM
 * (mb_loader_fixture.h), their information blocks read back with the
 * hypervisor's own parser (mb2_parse): an ELF kernel with every header
 * tag the loader honours, ACPI 1.0 and 2.0 RSDPs, flat binaries through
 * the address tags, header tags refused or accepted one by one, and
 * errors that must still be reported as Multiboot2 ones. */
#include "lib/errno.h"
#include "tests/unit/mb_loader_fixture.h"
#include "arch-x86/acpi_tables.h"

/* ---- Multiboot2 --------------------------------------------------------- */

static void test_mb2_elf_roundtrip(void **state)
{
	const uint32_t req[] = {
		MB2_TAG_CMDLINE, MB2_TAG_MMAP, MB2_TAG_MODULE, MB2_TAG_ACPI_NEW,
		MB2_TAG_BASIC_MEMINFO, MB2_TAG_LOADER_NAME, MB2_TAG_ACPI_OLD,
	};
	const uint32_t fb[] = { 1024, 768, 32 };
	const uint32_t reloc[] = { 0x100000, 0x1000000, 0x1000, 0 };

	(void)state;
	build_acpi();
	elf(1, 3, 0x100010, two_segs, 2);
	mb2_begin(MB_HDR_OFF);
	mb2_tag(MB2_HDR_TAG_INFO_REQ, 0, req, ARRAY_SIZE(req));
	mb2_tag(MB2_HDR_TAG_MODULE_ALIGN, 0, NULL, 0);
	mb2_tag(MB2_HDR_TAG_FRAMEBUFFER, MB2_HDR_TAG_OPTIONAL, fb, 3);
	mb2_tag(MB2_HDR_TAG_RELOCATABLE, 0, reloc, 4);
	mb2_tag(MB2_HDR_TAG_CONSOLE_FLAGS, 0, (const uint32_t[]){ 2 }, 1);
	mb2_tag(MB2_HDR_TAG_ENTRY_EFI64, 0, (const uint32_t[]){ 0x100020 }, 1);
	mb2_end();
	two_modules();
	cmdline = "console=com1 verbose";
	load_ok(V2);
	assert_int_equal(mb.version, 2);
	assert_int_equal(mb.eip, 0x100010);
	assert_segment(&two_segs[0]);
	assert_segment(&two_segs[1]);
	assert_modules_placed();
	parse_mb2_info();
	check_meminfo();
	assert_true(bi.rsdp_v2);
	assert_int_equal(bi.rsdp_len, 36);
	assert_memory_equal(ram + bi.rsdp, ram + rsdp_gpa, 36);
	assert_true(bi.rsdp > mb.info_gpa && bi.rsdp < mb.info_gpa + mb.info_size);
	/* mb_load prefers it; with a v1 header as well it still does. */
	mb1_header(MB_HDR_OFF + 0x100, 0);
	load_ok(ANY);
	assert_int_equal(mb.version, 2);
	rsdp_gpa = 0;
}

/* ACPI 1.0 RSDP: only the old tag; a broken one: refused. */
static void test_mb2_rsdp_variants(void **state)
{
	struct acpi_rsdp r = { .revision = 0, .rsdt = 0x1234 };
	uint8_t sum = 0;

	(void)state;
	nmods = 0;
	cmdline = NULL;
	memcpy(r.sig, "RSD PTR ", 8);
	for (unsigned i = 0; i < 20; i++)
		sum = (uint8_t)(sum + ((uint8_t *)&r)[i]);
	r.checksum = (uint8_t)-sum;
	memcpy(ram + 0xe0000, &r, 20);
	rsdp_gpa = 0xe0000;
	elf(1, 3, 0x100010, two_segs, 2);
	mb2_begin(MB_HDR_OFF);
	mb2_end();
	load_ok(V2);
	parse_mb2_info();
	assert_false(bi.rsdp_v2);
	assert_int_equal(bi.rsdp_len, 20);
	assert_memory_equal(ram + bi.rsdp, &r, 20);

	ram[0xe0000 + 9] ^= 1; /* the checksum no longer holds */
	refused(V2, "no valid RSDP at 0xe0000");
	ram[0xe0000 + 9] ^= 1;
	ram[0xe0000 + 15] = 2; /* revision 2 without a valid extended part */
	r.checksum = 0;
	ram[0xe0000 + 8] = (uint8_t)(ram[0xe0000 + 8] - 2);
	refused(V2, "revision 2 without a valid extended part");
	rsdp_gpa = RAM - 8;
	refused(V2, "cannot read the RSDP");
	rsdp_gpa = RAM - 30;
	memcpy(ram + RAM - 30, ram + 0xe0000, 20);
	refused(V2, "without a valid extended part");
	rsdp_gpa = 0;
}

/* Flat binaries through the address and entry address tags. */
static void test_mb2_address_tags(void **state)
{
	(void)state;
	nmods = 0;
	img_reset();
	for (size_t i = 0; i < 0x2000; i++)
		ib[i] = (uint8_t)(i * 5);
	ilen = 0x2000;
	mb2_begin(0x100);
	mb2_tag(MB2_HDR_TAG_ADDRESS, 0,
		(const uint32_t[]){ 0x300100, 0x300000, 0x301800, 0x304000 }, 4);
	mb2_tag(MB2_HDR_TAG_ENTRY, 0, (const uint32_t[]){ 0x300200 }, 1);
	mb2_end();
	load_ok(V2);
	assert_int_equal(mb.eip, 0x300200);
	assert_memory_equal(ram + 0x300000, ib, 0x1800);
	for (size_t i = 0x1800; i < 0x4000; i++)
		assert_int_equal(ram[0x300000 + i], 0);
	assert_int_equal(mb.kernel_end, 0x304000);
	parse_mb2_info();

	/* load_addr -1: from the start of the file. */
	img_reset();
	for (size_t i = 0; i < 0x2000; i++)
		ib[i] = (uint8_t)(i * 9);
	ilen = 0x2000;
	mb2_begin(0x100);
	mb2_tag(MB2_HDR_TAG_ADDRESS, 0,
		(const uint32_t[]){ 0x400100, 0xffffffffu, 0, 0 }, 4);
	mb2_tag(MB2_HDR_TAG_ENTRY, 0, (const uint32_t[]){ 0x400000 }, 1);
	mb2_end();
	memset(ram + 0x400000, 0xcc, 0x3000);
	load_ok(V2);
	assert_int_equal(mb.kernel_start, 0x400000);
	assert_int_equal(mb.kernel_end, 0x402000);
	assert_memory_equal(ram + 0x400000, ib, 0x2000);

	/* An entry tag with an ELF overrides e_entry. */
	elf(1, 3, 0x100010, two_segs, 2);
	mb2_begin(MB_HDR_OFF);
	mb2_tag(MB2_HDR_TAG_ENTRY, 0, (const uint32_t[]){ 0x103008 }, 1);
	mb2_end();
	load_ok(V2);
	assert_int_equal(mb.eip, 0x103008);
}

struct tag_case {
	uint16_t type, flags;
	uint32_t words[4];
	unsigned n;
	const char *why; /* NULL: accepted */
};

static void test_mb2_tags(void **state)
{
	static const struct tag_case cases[] = {
		{ MB2_HDR_TAG_INFO_REQ, 0, { MB2_TAG_FRAMEBUFFER }, 1,
		  "asks for information tag 8, which this loader cannot provide" },
		{ MB2_HDR_TAG_INFO_REQ, 1, { MB2_TAG_FRAMEBUFFER, MB2_TAG_EFI64 }, 2, NULL },
		{ MB2_HDR_TAG_INFO_REQ, 0, { MB2_TAG_MMAP, MB2_TAG_SMBIOS }, 2, "tag 13" },
		{ MB2_HDR_TAG_FRAMEBUFFER, 0, { 800, 600, 32 }, 3, "tag 5 at 0x818 is required but not supported (no framebuffer)" },
		{ MB2_HDR_TAG_EFI_BS, 0, { 0 }, 0, "(no EFI boot services)" },
		{ MB2_HDR_TAG_EFI_BS, 1, { 0 }, 0, NULL },
		{ 42, 0, { 1 }, 1, "header tag 42 at 0x818 is required but not supported" },
		{ 42, 1, { 1 }, 1, NULL },
		{ MB2_HDR_TAG_CONSOLE_FLAGS, 0, { 1 }, 1, "requires a console" },
		{ MB2_HDR_TAG_CONSOLE_FLAGS, 1, { 3 }, 1, NULL },
		{ MB2_HDR_TAG_CONSOLE_FLAGS, 0, { 0 }, 0, "console flags tag at 0x818: size 8" },
		{ MB2_HDR_TAG_ADDRESS, 0, { 1, 2, 3 }, 3, "address tag at 0x818: size 20" },
		{ MB2_HDR_TAG_ADDRESS, 0, { 0x100000, 0x100000, 0, 0 }, 4, "address tag without an entry address tag" },
		{ MB2_HDR_TAG_ENTRY, 0, { 0 }, 0, "entry address tag at 0x818: size 8" },
		{ MB2_HDR_TAG_ENTRY, 0, { 0x5000000 }, 1, "entry point 0x5000000 is in no loaded segment" },
	};

	(void)state;
	nmods = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct tag_case *c = &cases[i];

		elf(1, 3, 0x100010, two_segs, 2);
		mb2_begin(MB_HDR_OFF);
		mb2_tag(MB2_HDR_TAG_MODULE_ALIGN, 0, NULL, 0);
		mb2_tag(c->type, c->flags, c->words, c->n);
		mb2_end();
		if (c->why)
			refused(V2, c->why);
		else
			load_ok(V2);
	}
	/* Information request whose size is not 8 + 4n. */
	elf(1, 3, 0x100010, two_segs, 2);
	mb2_begin(MB_HDR_OFF);
	mb2_tag(MB2_HDR_TAG_INFO_REQ, 0, (const uint32_t[]){ 1, 6 }, 2);
	mb2_end();
	wr(MB_HDR_OFF + 16 + 4, 4, 14);
	refused(V2, "information request tag at 0x810: size 14");
	/* Duplicates. */
	elf(1, 3, 0x100010, two_segs, 2);
	mb2_begin(MB_HDR_OFF);
	mb2_tag(MB2_HDR_TAG_ENTRY, 0, (const uint32_t[]){ 0x100010 }, 1);
	mb2_tag(MB2_HDR_TAG_ENTRY, 0, (const uint32_t[]){ 0x100010 }, 1);
	mb2_end();
	refused(V2, "or given twice");
	img_reset();
	ilen = 0x1000;
	mb2_begin(0);
	mb2_tag(MB2_HDR_TAG_ADDRESS, 0, (const uint32_t[]){ 0x100000, 0x100000, 0, 0 }, 4);
	mb2_tag(MB2_HDR_TAG_ADDRESS, 0, (const uint32_t[]){ 0x100000, 0x100000, 0, 0 }, 4);
	mb2_end();
	refused(V2, "or given twice");
	/* load_addr -1 with header_addr below the header's offset. */
	img_reset();
	ilen = 0x1000;
	mb2_begin(0x800);
	mb2_tag(MB2_HDR_TAG_ADDRESS, 0, (const uint32_t[]){ 0x700, 0xffffffffu, 0, 0 }, 4);
	mb2_tag(MB2_HDR_TAG_ENTRY, 0, (const uint32_t[]){ 0x100000 }, 1);
	mb2_end();
	refused(V2, "header_addr 0x700 is below the header's file offset");
}

/* Errors before the header is even looked at, and address-tag kernels
 * whose fields are wrong, are Multiboot2 errors too. */
static void test_mb2_more_errors(void **state)
{
	(void)state;
	img_reset();
	ilen = 0x1000;
	mb2_begin(0x100);
	mb2_tag(MB2_HDR_TAG_ADDRESS, 0,
		(const uint32_t[]){ 0x100100, 0x100000, 0x100000, 0 }, 4);
	mb2_tag(MB2_HDR_TAG_ENTRY, 0, (const uint32_t[]){ 0x100000 }, 1);
	mb2_end();
	refused(V2, "multiboot2: address fields: load_end_addr 0x100000 is not above");
	map.n = 0;
	writes = 0;
	assert_int_equal(load_n(V2, ilen), -EINVAL);
	assert_non_null(strstr(err, "e820: 0 entries"));
	assert_int_equal(load_n(ANY, ilen), -EINVAL);
	assert_non_null(strstr(err, "e820: 0 entries"));
	assert_int_equal(writes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mb2_elf_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb2_rsdp_variants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb2_address_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb2_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb2_more_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
