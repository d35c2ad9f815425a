// UNIT-SOURCES: guest/load/mb_loader.c guest/load/mb_elf.c guest/load/mb_place.c guest/load/mb1_info.c guest/load/mb2_info.c guest/load/e820.c guest/load/acpi_build.c boot/multiboot2.c tests/unit/fake_guest_mem.c tests/unit/mb_loader_fixture.c
/* Multiboot and Multiboot2 images that must be refused with nothing
 * written (mb_loader_fixture.h): malformed Multiboot, a.out-kludge, ELF
 * and Multiboot2 headers, every truncation of good images, every header
 * byte set to a few values, and a guest RAM whose writes fail at every
 * point of a load. */
#include "lib/errno.h"
#include "tests/unit/mb_loader_fixture.h"

/* ---- malformed images --------------------------------------------------- */

static void test_mb1_malformed_header(void **state)
{
	(void)state;
	nmods = 0;
	elf(1, 3, 0x100010, two_segs, 2);
	refused(V1, "no header (magic 0x1badb002) in the first 8 KiB");
	refused(ANY, "no valid Multiboot2 header in the first 32 KiB, nor a Multiboot header");
	mb1_header(MB_HDR_OFF, 0);
	wr(MB_HDR_OFF + 8, 4, 0);
	refused(V1, "bad checksum");
	/* Just past the first 8 KiB does not count; not 4-byte aligned
	 * neither. */
	elf(1, 3, 0x100010, two_segs, 2);
	mb1_header(8192, 0);
	refused(V1, "no header");
	elf(1, 3, 0x100010, two_segs, 2);
	mb1_header(MB_HDR_OFF + 2, 0);
	refused(V1, "no header");
	/* Unknown requirement bits. */
	elf(1, 3, 0x100010, two_segs, 2);
	mb1_header(MB_HDR_OFF, BIT(3));
	refused(V1, "requires features 0x8");
	mb1_header(MB_HDR_OFF, BIT(15) | BIT(0));
	refused(V1, "requires features 0x8000");
	/* Unknown optional bits (16-31) other than 16 are fine, and so is a
	 * video mode request (text mode is what it gets). */
	mb1_header(MB_HDR_OFF, BIT(17) | BIT(2));
	load_ok(V1);
	/* Address fields or video fields cut off by the end of the image. */
	img_reset();
	ilen = 0x1000;
	mb1_header(0x1000 - 12, BIT(16));
	refused(V1, "its 32 bytes run past the image end");
	img_reset();
	ilen = 0x1000;
	mb1_header(0x1000 - 32, BIT(2));
	refused(V1, "its 48 bytes run past the image end");
}

static void aout_case(uint32_t hdr_off, uint32_t header_addr, uint32_t load,
		      uint32_t load_end, uint32_t bss_end, uint32_t entry,
		      const char *why)
{
	img_reset();
	ilen = 0x2000;
	mb1_aout(hdr_off, header_addr, load, load_end, bss_end, entry);
	refused(V1, why);
}

static void test_mb1_aout_malformed(void **state)
{
	(void)state;
	nmods = 0;
	aout_case(0x40, 0x100040, 0x100080, 0, 0, 0x100080, "put the load start before");
	aout_case(0x40, 0x100040, 0x0ff000, 0, 0, 0x100000, "put the load start before");
	aout_case(0x40, 0x100040, 0x100000, 0x100000, 0, 0x100000, "is not above load_addr");
	aout_case(0x40, 0x100040, 0x100000, 0x102001, 0, 0x100000, "past the image end");
	aout_case(0x40, 0x100040, 0x100000, 0x101000, 0x100fff, 0x100000, "below the loaded end");
	aout_case(0x40, 0x100040, 0x100000, 0, 0, 0x102000, "entry point 0x102000 is in no loaded segment");
	aout_case(0x40, 0x100040, 0x100000, 0, 0, 0x0ff000, "entry point");
	/* Into the BIOS area, the ACPI area, beyond RAM, past 4 GiB. */
	aout_case(0x40, 0x0a0040, 0x0a0000, 0, 0, 0x0a0000, "[0xa0000, 0xa2000) is not in guest RAM");
	aout_case(0x40, (uint32_t)layout.acpi_base + 0x40, (uint32_t)layout.acpi_base,
		  0, 0, (uint32_t)layout.acpi_base, "is not in guest RAM");
	aout_case(0x40, RAM + 0x40, RAM, 0, 0, RAM, "is not in guest RAM");
	aout_case(0x40, 0xfffff040u, 0xfffff000u, 0, 0, 0xfffff000u, "does not lie below 4 GiB");
}

struct elf_case {
	unsigned cls;
	uint16_t machine;
	uint64_t entry;
	struct eseg segs[2];
	unsigned n;
	const char *why;
};

static void test_elf_malformed(void **state)
{
	static const struct elf_case cases[] = {
		{ 1, 62, 0x100000, { { 0x100000, 0x100000, 16, 16, 0 } }, 1, "machine 62: not an i386" },
		{ 2, 3, 0x100000, { { 0x100000, 0x100000, 16, 16, 0 } }, 1, "machine 3: not an x86-64" },
		{ 1, 3, 0x100000, { { 0 } }, 0, "has 0 program headers" },
		{ 1, 3, 0x100000, { { 0x100000, 0x100000, 16, 16, 4 } }, 1, "no loadable segment" },
		{ 1, 3, 0x100000, { { 0x100000, 0x100000, 32, 16, 0 } }, 1, "more file bytes (0x20) than memory (0x10)" },
		{ 1, 3, 0x100000, { { 0x100000, 0x100000, 16, 16, 0 }, { 0x100008, 0x100008, 16, 16, 0 } }, 2, "overlap" },
		{ 1, 3, 0x200000, { { 0x100000, 0x100000, 16, 16, 0 } }, 1, "entry point 0x200000 is in no loaded segment" },
		{ 2, 62, 0x100000, { { 0x100000, 0x100000000ull, 16, 16, 0 } }, 1, "does not lie below 4 GiB" },
		{ 2, 62, 0x100000, { { 0x100000, 0xffffffffffff0000ull, 16, 0x20000, 0 } }, 1, "does not lie below 4 GiB" },
		{ 1, 3, 0x9f000, { { 0x9f000, 0x9f000, 0x1000, 0x1000, 0 } }, 1, "[0x9f000, 0xa0000) is not in guest RAM" },
		{ 2, 62, 0x100000, { { 0x100000, 0x100000, 16, 16, 0 } }, 1, NULL },
	};

	(void)state;
	nmods = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct elf_case *c = &cases[i];

		elf(c->cls, c->machine, c->entry, c->segs, c->n);
		mb1_header(MB_HDR_OFF, 0);
		if (c->why)
			refused(V1, c->why);
		else
			load_ok(V1);
	}
	/* Header bytes. */
	elf(1, 3, 0x100010, two_segs, 2);
	mb1_header(MB_HDR_OFF, 0);
	ib[0] = 0x7e;
	refused(V1, "not an ELF file and no a.out-kludge address fields");
	ib[0] = 0x7f;
	ib[4] = 3;
	refused(V1, "ELF class 3");
	ib[4] = 1;
	ib[5] = 2;
	refused(V1, "not little-endian");
	ib[5] = 1;
	wr(16, 2, 3); /* ET_DYN */
	refused(V1, "type 3 machine 3");
	wr(16, 2, 2);
	wr(42, 2, 31); /* phentsize */
	refused(V1, "program headers of 31 bytes (at least 32 needed)");
	wr(42, 2, 32);
	wr(28, 4, 0x1fff0); /* phoff past the end */
	refused(V1, "program headers [0x1fff0, +2 * 32) run past the image end");
	wr(28, 4, 0xffffffff);
	refused(V1, "run past the image end");
	wr(28, 4, 52);
	wr(52 + 4, 4, 0x7fffffff); /* p_offset */
	refused(V1, "file bytes [0x7fffffff, +0x1800) run past the image end");
	/* Seventeen segments. */
	{
		struct eseg many[MB_MAX_SEGMENTS + 1];

		for (unsigned i = 0; i < ARRAY_SIZE(many); i++)
			many[i] = (struct eseg){ 0x100000 + i * 0x1000,
						 0x100000 + i * 0x1000, 16, 16, 0 };
		elf(1, 3, 0x100000, many, MB_MAX_SEGMENTS);
		mb1_header(MB_HDR_OFF, 0);
		load_ok(V1);
		elf(1, 3, 0x100000, many, ARRAY_SIZE(many));
		mb1_header(MB_HDR_OFF, 0);
		refused(V1, "more than 16 loadable segments");
	}
	/* An ELF64 header cut off, an ELF32 one too. */
	img_reset();
	memcpy(ib, "\177ELF\002\001\001", 7);
	ilen = 60;
	mb1_header(40, 0);
	refused(V1, "ELF64 header cut off");
	img_reset();
	memcpy(ib, "\177ELF\001\001\001", 7);
	ilen = 48;
	mb1_header(24, 0);
	refused(V1, "ELF32 header cut off");
	img_reset();
	ilen = 12;
	mb1_header(0, 0);
	refused(V1, "too small for an ELF header");
}

static void test_mb2_malformed_header(void **state)
{
	(void)state;
	nmods = 0;
	elf(1, 3, 0x100010, two_segs, 2);
	refused(V2, "no header (magic 0xe85250d6) in the first 32 KiB");
	mb2_begin(MB_HDR_OFF);
	mb2_end();
	wr(MB_HDR_OFF + 12, 4, 0);
	refused(V2, "every candidate has a bad checksum");
	/* Architecture 4 (MIPS). */
	elf(1, 3, 0x100010, two_segs, 2);
	mb2_begin(MB_HDR_OFF);
	wr(MB_HDR_OFF + 4, 4, 4);
	mb2_end();
	refused(V2, "architecture 4, not i386");
	/* Not 8-byte aligned; beyond 32 KiB. */
	elf(1, 3, 0x100010, two_segs, 2);
	mb2_begin(MB_HDR_OFF + 4);
	mb2_end();
	refused(V2, "no header");
	img_reset();
	ilen = 0x9000;
	mb2_begin(0x8000);
	mb2_end();
	refused(V2, "no header");
	/* header_length: too small, past the image end, tags outside. */
	elf(1, 3, 0x100010, two_segs, 2);
	mb2_begin(MB_HDR_OFF);
	mb2_seal(); /* no tags at all: length 16 */
	refused(V2, "header_length 16 is too small");
	img_reset();
	ilen = 0x100;
	mb2_begin(0xe8);
	mb2_tag(MB2_HDR_TAG_MODULE_ALIGN, 0, NULL, 0);
	mb2_end();
	ilen = 0x100;
	refused(V2, "header_length 32 is too small or runs past the image end");
	elf(1, 3, 0x100010, two_segs, 2);
	mb2_begin(MB_HDR_OFF);
	mb2_tag(MB2_HDR_TAG_MODULE_ALIGN, 0, NULL, 0);
	mb2_end();
	wr(MB_HDR_OFF + 16 + 4, 4, 4); /* tag size 4 */
	refused(V2, "header tag 6 at 0x810: size 4 runs outside the header");
	wr(MB_HDR_OFF + 16 + 4, 4, 0x100);
	refused(V2, "size 256 runs outside the header");
	/* No end tag: the last tag is something else. */
	elf(1, 3, 0x100010, two_segs, 2);
	mb2_begin(MB_HDR_OFF);
	mb2_tag(MB2_HDR_TAG_MODULE_ALIGN, 0, NULL, 0);
	mb2_seal();
	refused(V2, "has no end tag");
	/* ELF problems are reported as Multiboot2 ones. */
	elf(1, 3, 0x100010, two_segs, 2);
	mb2_begin(MB_HDR_OFF);
	mb2_end();
	ib[0] = 0;
	refused(V2, "multiboot2: not an ELF file");
}

/* Every truncation of a good image is refused, with nothing written. */
static void truncations(enum which w)
{
	size_t full = ilen;

	for (size_t len = 0; len < full; len++) {
		writes = 0;
		if (load_n(w, len) != -EINVAL)
			fail_msg("image cut to %zu of %zu bytes was accepted", len, full);
		assert_int_equal(writes, 0);
		assert_int_equal(strncmp(err, "multiboot", 9), 0);
	}
	ilen = full;
	load_ok(w);
}

static void test_truncations(void **state)
{
	(void)state;
	two_modules();
	elf(1, 3, 0x100010, two_segs, 2);
	mb1_header(MB_HDR_OFF, BIT(1));
	truncations(V1);
	truncations(ANY);
	elf(2, 62, 0x100010, two_segs, 2);
	mb2_begin(MB_HDR_OFF);
	mb2_tag(MB2_HDR_TAG_MODULE_ALIGN, 0, NULL, 0);
	mb2_end();
	truncations(V2);
	/* a.out with load_end_addr: the file end matters too. */
	img_reset();
	ilen = 0x1800;
	mb1_aout(0x40, 0x100040, 0x100000, 0x101800, 0x102000, 0x100040);
	truncations(V1);
}

/* Every header byte set to a few values: success or a clean refusal. */
static void header_bytes(enum which w, size_t from, size_t to)
{
	static const uint8_t values[] = { 0x00, 0x01, 0x80, 0xff };
	uint8_t save[0x4000];
	unsigned ok = 0, bad = 0;

	memcpy(save, ib, sizeof(save));
	for (size_t off = from; off < to; off++) {
		for (unsigned v = 0; v < ARRAY_SIZE(values); v++) {
			ib[off] = values[v];
			writes = 0;
			if (load_n(w, ilen) == 0) {
				ok++;
				assert_true(mb.info_gpa + mb.info_size <= RAM);
			} else {
				bad++;
				assert_int_equal(strncmp(err, "multiboot", 9), 0);
			}
			memcpy(ib, save, sizeof(save));
		}
	}
	assert_true(ok > 0);
	assert_true(bad > 0);
}

static void test_header_bytes(void **state)
{
	(void)state;
	two_modules();
	elf(1, 3, 0x100010, two_segs, 2);
	mb1_header(MB_HDR_OFF, BIT(1));
	header_bytes(V1, 0, 52 + 2 * 32);
	elf(2, 62, 0x100010, two_segs, 2);
	mb1_header(MB_HDR_OFF, BIT(1));
	header_bytes(V1, 0, 64 + 2 * 56);
	img_reset();
	ilen = 0x1800;
	mb1_aout(0x40, 0x100040, 0x100000, 0x101800, 0x102000, 0x100040);
	header_bytes(V1, 0x40, 0x60);
	elf(1, 3, 0x100010, two_segs, 2);
	mb2_begin(MB_HDR_OFF);
	{
		const uint32_t req[] = { MB2_TAG_MMAP, MB2_TAG_CMDLINE };

		mb2_tag(MB2_HDR_TAG_INFO_REQ, 0, req, 2);
	}
	mb2_end();
	header_bytes(V2, MB_HDR_OFF, mb2_cur);
}

/* ---- failed writes ------------------------------------------------------ */

static void test_write_failure(void **state)
{
	(void)state;
	elf(1, 3, 0x100010, two_segs, 2);
	mb1_header(MB_HDR_OFF, 0);
	nmods = 0;
	fail_writes = true;
	assert_int_equal(load_n(V1, ilen), -EINVAL);
	assert_non_null(strstr(err, "cannot write guest RAM at 0x100000"));
	mb2_begin(MB_HDR_OFF + 0x100);
	mb2_end();
	assert_int_equal(load_n(V2, ilen), -EINVAL);
	assert_non_null(strstr(err, "multiboot2: cannot write guest RAM"));
}

static void each_write_fails(enum which w)
{
	unsigned total;

	writes = 0;
	load_ok(w);
	total = writes;
	assert_true(total > 10);
	for (unsigned k = 0; k < total; k++) {
		writes = 0;
		fail_after = k;
		assert_int_equal(load_n(w, ilen), -EINVAL);
		assert_non_null(strstr(err, "cannot write guest RAM at 0x"));
		assert_int_equal(writes, k);
	}
	fail_after = -1;
}

/* A write callback that fails after any number of writes: each failure
 * is reported, whichever object was being written. */
static void test_write_failure_each_point(void **state)
{
	(void)state;
	build_acpi();
	two_modules();
	cmdline = "c";
	elf(1, 3, 0x100010, two_segs, 2);
	mb1_header(MB_HDR_OFF, 0);
	each_write_fails(V1);
	mb2_begin(MB_HDR_OFF + 0x100);
	mb2_end();
	each_write_fails(V2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mb1_malformed_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb1_aout_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_elf_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb2_malformed_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure_each_point, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
