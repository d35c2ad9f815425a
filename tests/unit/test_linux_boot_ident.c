// UNIT-SOURCES: guest/load/linux_boot.c guest/load/e820.c tests/unit/fake_guest_mem.c tests/unit/linux_boot_fixture.c
/* The Linux loader on a dma = identity map (docs/passthrough.md): RAM
 * [0, 0x9fc00), a reserved hole from 1 MiB to the host range of the VM's
 * RAM, its RAM there.  The kernel goes to the first suitably aligned
 * address of that RAM at or above pref_address, the initrd under the ACPI
 * area at its end, the boot data stays in the first MiB, and the zero
 * page's e820 table carries the hole. */
#include <stdlib.h>

#include "tests/unit/linux_boot_fixture.h"

/* RAM of 40 MiB: [20M, 59M) above the first MiB (fits the fake 64 MiB). */
#define BASE MiB(20)
#define SIZE MiB(40)

static void ident_layout(uint64_t base)
{
	guest_layout_default(&layout, SIZE);
	guest_layout_identity(&layout, base);
	use_layout();
}

static void assert_boot_e820(void)
{
	const uint8_t *bp = ram + LINUX_BOOT_PARAMS_GPA;

	assert_int_equal(bp[0x1e8], map.n);
	for (unsigned i = 0; i < map.n; i++) {
		const uint8_t *e = bp + 0x2d0 + 20 * i;

		assert_int_equal(rd(e, 8), map.e[i].addr);
		assert_int_equal(rd(e + 8, 8), map.e[i].size);
		assert_int_equal(rd(e + 16, 4), map.e[i].type);
	}
}

static void test_kernel_above_the_hole(void **state)
{
	struct bz o = bz_default();
	size_t n, initrd_n = 300000;
	uint8_t *img = bz_make(&o, &n), *initrd = calloc(1, initrd_n);

	(void)state;
	ident_layout(BASE);
	assert_int_equal(map.e[2].addr, MiB(1));
	assert_int_equal(map.e[2].size, BASE - MiB(1));
	assert_int_equal(map.e[2].type, E820_RESERVED);
	load_ok(img, n, initrd, initrd_n, "console=ttyS0", 0xe0000);
	/* pref_address (16 MiB) is in the hole: the RAM's first 2 MiB step. */
	assert_int_equal(lb.kernel_gpa, BASE);
	assert_memory_equal(ram + BASE, img + 5 * 512, o.kernel_bytes);
	assert_int_equal(lb.initrd_gpa,
			 layout.acpi_base - ALIGN_UP(initrd_n, PAGE_SIZE));
	assert_true(lb.initrd_gpa >= BASE);
	assert_int_equal(lb.boot_params_gpa, LINUX_BOOT_PARAMS_GPA);
	assert_int_equal(lb.cmdline_gpa, LINUX_CMDLINE_GPA);
	assert_boot_e820();
	/* Nothing was written into the hole. */
	for (uint64_t a = MiB(1); a < BASE; a += 509)
		assert_int_equal(ram[a], 0);
	free(img);
	free(initrd);
}

/* RAM starting above pref_address, not 2 MiB aligned: the next aligned
 * address inside it. */
static void test_unaligned_base(void **state)
{
	struct bz o = bz_default();
	size_t n;
	uint8_t *img = bz_make(&o, &n);

	(void)state;
	ident_layout(MiB(17) + PAGE_SIZE);
	load_ok(img, n, NULL, 0, NULL, 0);
	assert_int_equal(lb.kernel_gpa, MiB(18));
	assert_boot_e820();
	free(img);
}

/* A kernel that is not relocatable and wants 16 MiB, now in the hole. */
static void test_not_relocatable_refused(void **state)
{
	struct bz o = bz_default();
	size_t n;
	uint8_t *img;

	(void)state;
	o.relocatable = 0;
	img = bz_make(&o, &n);
	ident_layout(BASE);
	load_refused(img, n, NULL, 0, NULL, "not relocatable");
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kernel_above_the_hole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unaligned_base, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_relocatable_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
