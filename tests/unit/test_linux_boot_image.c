// UNIT-SOURCES: guest/load/linux_boot.c guest/load/e820.c tests/unit/fake_guest_mem.c tests/unit/linux_boot_fixture.c
/* Linux 64-bit boot protocol loader, the bzImage itself: the setup
 * header as parsed, and every way a malformed image must be refused with
 * nothing written -- bad fields, every truncation, every header byte set
 * to odd values -- never reading past its end (images are in exact-size
 * heap blocks, for ASan).  The synthetic bzImages are built in
 * linux_boot_fixture.c. */
#include <stdlib.h>

#include "lib/errno.h"
#include "tests/unit/linux_boot_fixture.h"

static void test_parse(void **state)
{
	struct bz o = bz_default();
	struct linux_image li;
	size_t n;
	uint8_t *img;

	(void)state;
	o.setup_sects = 0; /* means 4 */
	o.version = 0x020c;
	o.hdr_disp = 0x62;
	img = bz_make(&o, &n);
	assert_int_equal(linux_parse(img, n, &li, err, sizeof(err)), 0);
	assert_int_equal(li.version, 0x020c);
	assert_int_equal(li.setup_size, 5 * 512);
	assert_int_equal(li.kernel_size, o.kernel_bytes);
	assert_int_equal(li.hdr_end, 0x264);
	assert_int_equal(li.loadflags, LINUX_LOADED_HIGH);
	assert_int_equal(li.xloadflags, o.xloadflags);
	assert_true(li.relocatable);
	assert_int_equal(li.kernel_alignment, 0x200000);
	assert_int_equal(li.initrd_addr_max, 0x7fffffff);
	assert_int_equal(li.cmdline_size, 2047);
	assert_int_equal(li.pref_address, 0x1000000);
	assert_int_equal(li.init_size, 0x400000);
	free(img);

	/* setup_sects 1, and initrd_addr_max 0 meaning the old default. */
	o = bz_default();
	o.setup_sects = 1;
	o.initrd_max = 0;
	img = bz_make(&o, &n);
	assert_int_equal(linux_parse(img, n, &li, err, sizeof(err)), 0);
	assert_int_equal(li.setup_size, 2 * 512);
	assert_int_equal(li.initrd_addr_max, 0x37ffffff);
	free(img);
	assert_int_equal(linux_parse(NULL, 4096, &li, err, sizeof(err)), -EINVAL);
}

static void test_malformed(void **state)
{
	struct bz o;
	size_t n;
	uint8_t *img;

	(void)state;
	o = bz_default();
	o.version = 0x0205;
	bz_refused(&o, "boot protocol 2.05 is too old");
	o.version = 0x0201;
	bz_refused(&o, "2.01 is too old");
	o.version = 0x020b;
	bz_refused(&o, "boot protocol 2.11 has no 64-bit entry point");
	o = bz_default();
	o.xloadflags = LINUX_XLF_CAN_BE_LOADED_ABOVE_4G;
	bz_refused(&o, "XLF_KERNEL_64 clear");
	o = bz_default();
	o.loadflags = 0;
	bz_refused(&o, "not a bzImage");
	o = bz_default();
	o.syssize = (o.kernel_bytes + 16) / 16;
	bz_refused(&o, "truncated");
	o.syssize = 0xffffffff;
	bz_refused(&o, "truncated");
	o = bz_default();
	o.kernel_bytes = 0;
	o.syssize = 1;
	bz_refused(&o, "at or past the image end");
	o = bz_default();
	o.kernel_bytes = 8;
	bz_refused(&o, "syssize is 0");
	o = bz_default();
	o.hdr_disp = 0x61;
	bz_refused(&o, "setup header ends at 0x263, before the end of init_size");
	o = bz_default();
	o.align = 0x300000;
	bz_refused(&o, "kernel_alignment 0x300000 is not a power of two");
	o.align = 0;
	bz_refused(&o, "kernel_alignment 0x0");

	/* Patched bytes of a good image. */
	o = bz_default();
	img = bz_make(&o, &n);
	img[0x1fe] = 0x00;
	load_refused(img, n, NULL, 0, NULL, "no boot sector signature 0xaa55 at 0x1fe (found 0xaa00)");
	free(img);
	img = bz_make(&o, &n);
	img[0x1ff] = 0;
	load_refused(img, n, NULL, 0, NULL, "found 0x0055");
	free(img);
	img = bz_make(&o, &n);
	img[0x205] = 'T';
	load_refused(img, n, NULL, 0, NULL, "no \"HdrS\" magic");
	free(img);
	/* setup_sects so large the kernel would start past the end. */
	img = bz_make(&o, &n);
	img[0x1f1] = 200;
	load_refused(img, n, NULL, 0, NULL, "setup_sects 200 puts the kernel at 0x19200");
	free(img);
	/* A broken memory map. */
	img = bz_make(&o, &n);
	map.e[1].addr = 0;
	load_refused(img, n, NULL, 0, NULL, "e820: entry 1");
	free(img);
}

/* Every truncation of a good image is refused cleanly. */
static void test_every_truncation(void **state)
{
	struct bz o = bz_default();
	size_t n;
	uint8_t *full = bz_make(&o, &n);

	(void)state;
	for (size_t len = 0; len < n; len++) {
		uint8_t *cut = malloc(len ? len : 1);

		memcpy(cut, full, len);
		writes = 0;
		if (load(cut, len, NULL, 0, NULL, 0) != -EINVAL)
			fail_msg("image cut to %zu bytes was accepted", len);
		assert_int_equal(writes, 0);
		assert_int_equal(strncmp(err, "linux: ", 7), 0);
		if (len < 0x200)
			assert_non_null(strstr(err, "too small"));
		else if (len < 0x26c)
			assert_non_null(strstr(err, "inside the setup header"));
		else if (len <= 5 * 512)
			assert_non_null(strstr(err, "past the image end"));
		else
			assert_non_null(strstr(err, "truncated"));
		free(cut);
	}
	/* The whole image loads. */
	load_ok(full, n, NULL, 0, NULL, 0);
	free(full);
}

/* Each header byte set to a few values: success or a clean refusal,
 * never a read outside the image. */
static void test_header_bytes(void **state)
{
	static const uint8_t values[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	struct bz o = bz_default();
	size_t n;
	uint8_t *img = bz_make(&o, &n);
	unsigned ok = 0, refused = 0;

	(void)state;
	for (size_t off = 0x1f1; off < 0x26c; off++) {
		for (unsigned v = 0; v < ARRAY_SIZE(values); v++) {
			uint8_t *copy = malloc(n);

			memcpy(copy, img, n);
			copy[off] = values[v];
			if (load(copy, n, NULL, 0, "x", 0) == 0) {
				ok++;
				assert_true(lb.kernel_gpa >= MiB(1));
				assert_true(lb.kernel_end <= layout.acpi_base);
			} else {
				refused++;
				assert_int_equal(strncmp(err, "linux: ", 7), 0);
			}
			free(copy);
		}
	}
	assert_true(ok > 0);
	assert_true(refused > 0);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_truncation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_bytes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
