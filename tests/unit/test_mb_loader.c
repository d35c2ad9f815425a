// UNIT-SOURCES: guest/load/mb_loader.c guest/load/mb_elf.c guest/load/mb_place.c guest/load/mb1_info.c guest/load/mb2_info.c guest/load/e820.c guest/load/acpi_build.c boot/multiboot2.c tests/unit/fake_guest_mem.c tests/unit/mb_loader_fixture.c
/* Multiboot (v1) kernels as guests, on synthetic images and a fake guest
 * RAM (mb_loader_fixture.h): ELF32, higher-half ELF64 and a.out-kludge
 * kernels loaded and their v1 information block read back with a reader
 * written from the specification; where modules and the information go
 * around the kernel, and the inputs (modules, command lines, memory map)
 * that must be refused.  Multiboot2 kernels are in test_mb_loader_mb2.c,
 * malformed images and failed writes in test_mb_loader_bad.c. */
#include "lib/errno.h"
#include "tests/unit/mb_loader_fixture.h"
#include "arch-x86/regs.h"

#include <stdlib.h>

/* ---- Multiboot v1 ------------------------------------------------------- */

static void test_mb1_elf32(void **state)
{
	(void)state;
	elf(1, 3, 0x100010, two_segs, 2);
	mb1_header(MB_HDR_OFF, BIT(0) | BIT(1));
	two_modules();
	cmdline = "kernel arg=1";
	load_ok(V1);
	assert_int_equal(mb.version, 1);
	assert_int_equal(mb.eip, 0x100010);
	assert_int_equal(mb.cr0, CR0_PE | CR0_ET);
	assert_int_equal(mb.kernel_start, 0x100000);
	assert_int_equal(mb.kernel_end, 0x105000);
	assert_segment(&two_segs[0]);
	assert_segment(&two_segs[1]);
	assert_int_equal(ram[0x102000], 0xcc); /* the gap between segments */
	assert_int_equal(mb.mod_gpa[0], 0x105000);
	assert_modules_placed();
	check_mb1_info();
	/* mb_load picks v1 for it too. */
	load_ok(ANY);
	assert_int_equal(mb.version, 1);
}

/* A higher-half ELF64 kernel: loaded at p_paddr, entered at the physical
 * address of its virtual e_entry. */
static void test_mb1_elf64_higher_half(void **state)
{
	const struct eseg segs[] = {
		{ 0xffffffff80200000ull, 0x200000, 0x3000, 0x3000, 0 },
		{ 0xffffffff80300000ull, 0x300000, 0, 0x10000, 0 },	/* bss only */
		{ 0, 0, 0, 0, 4 },					/* PT_NOTE */
	};

	(void)state;
	elf(2, 62, 0xffffffff80200123ull, segs, 3);
	mb1_header(MB_HDR_OFF, 0);
	nmods = 0;
	cmdline = NULL;
	load_ok(V1);
	assert_int_equal(mb.eip, 0x200123);
	assert_int_equal(mb.kernel_start, 0x200000);
	assert_int_equal(mb.kernel_end, 0x310000);
	assert_segment(&segs[0]);
	assert_segment(&segs[1]);
	assert_true(mb.info_gpa >= 0x310000);
	check_mb1_info();
}

/* An entry given as a physical address that no segment's vaddr covers. */
static void test_mb1_entry_physical(void **state)
{
	const struct eseg segs[] = {
		{ 0xc0100000u, 0x100000, 0x1000, 0x1000, 0 },
	};

	(void)state;
	elf(1, 3, 0x100040, segs, 1);
	mb1_header(MB_HDR_OFF, 0);
	nmods = 0;
	load_ok(V1);
	assert_int_equal(mb.eip, 0x100040);
}

/* The a.out kludge: a flat binary whose header says where it goes. */
static void test_mb1_aout(void **state)
{
	(void)state;
	img_reset();
	for (size_t i = 0; i < 0x3000; i++)
		ib[i] = (uint8_t)(i ^ 0x5a);
	ilen = 0x3000;
	mb1_aout(0x40, 0x100040, 0x100000, 0, 0x105000, 0x100080);
	nmods = 0;
	cmdline = "flat";
	load_ok(V1);
	assert_int_equal(mb.eip, 0x100080);
	assert_int_equal(mb.kernel_start, 0x100000);
	assert_int_equal(mb.kernel_end, 0x105000);
	assert_memory_equal(ram + 0x100000, ib, 0x3000);
	for (size_t i = 0x3000; i < 0x5000; i++)
		assert_int_equal(ram[0x100000 + i], 0);
	check_mb1_info();

	/* The header further in: loading starts at header offset - (header_addr
	 * - load_addr); load_end_addr cuts the file; no bss. */
	img_reset();
	for (size_t i = 0; i < 0x3000; i++)
		ib[i] = (uint8_t)(i * 7);
	ilen = 0x3000;
	mb1_aout(0x1000, 0x200800, 0x200000, 0x201800, 0, 0x200900);
	memset(ram + 0x200000, 0xcc, 0x3000);
	load_ok(V1);
	assert_memory_equal(ram + 0x200000, ib + 0x800, 0x1800);
	assert_int_equal(ram[0x201800], 0xcc);
	assert_int_equal(mb.kernel_end, 0x201800);
	assert_int_equal(mb.eip, 0x200900);
}

/* ---- placement and inputs ----------------------------------------------- */

/* A kernel near the top of RAM: modules and info go below it. */
static void test_placement_below_kernel(void **state)
{
	uint64_t top = layout.acpi_base;
	const struct eseg segs[] = {
		{ top - 0x3000, top - 0x3000, 0x1000, 0x3000, 0 },
	};

	(void)state;
	elf(1, 3, top - 0x3000, segs, 1);
	mb1_header(MB_HDR_OFF, 0);
	two_modules();
	load_ok(V1);
	assert_int_equal(mb.mod_gpa[0], MiB(1));
	assert_modules_placed();
	check_mb1_info();
	assert_segment(&segs[0]);
}

static void test_no_room(void **state)
{
	static uint8_t big[MiB(31)];
	const struct eseg one = { 0x100000, 0x100000, 0x1000, 0x5000, 0 };

	(void)state;
	elf(1, 3, 0x100010, &one, 1);
	mb1_header(MB_HDR_OFF, 0);
	mods[0] = (struct mb_module){ big, sizeof(big), "big" };
	nmods = 1;
	refused(V1, "no room below 4 GiB for module 0 (0x1f00000 bytes)");
	mods[0] = (struct mb_module){ big, MiB(29), "fits" };
	load_ok(V1);
	/* Room for the module, but then not for the information. */
	mods[0].size = layout.acpi_base - 0x105000;
	refused(V1, "no room below 4 GiB for the boot information");
	/* Nor in the gap between the kernel's segments. */
	elf(1, 3, 0x100010, two_segs, 2);
	mb1_header(MB_HDR_OFF, 0);
	refused(V1, "no room below 4 GiB for the boot information");
	/* The same with room below the kernel: the information goes there,
	 * clear of the module. */
	{
		const struct eseg at2m = { MiB(2), MiB(2), 0x1000, 0x5000, 0 };

		elf(1, 3, MiB(2), &at2m, 1);
		mb1_header(MB_HDR_OFF, 0);
		mods[0].size = layout.acpi_base - MiB(2) - 0x5000;
		load_ok(V1);
		assert_int_equal(mb.mod_gpa[0], MiB(2) + 0x5000);
		assert_int_equal(mb.info_gpa, MiB(1));
		assert_modules_placed();
		check_mb1_info();
	}
}

static void test_inputs(void **state)
{
	char *long_line = malloc(MB_STRING_MAX + 1);

	(void)state;
	elf(1, 3, 0x100010, two_segs, 2);
	mb1_header(MB_HDR_OFF, 0);
	nmods = MB_MAX_MODULES + 1;
	for (unsigned i = 0; i < nmods; i++)
		mods[i] = (struct mb_module){ mod_b, sizeof(mod_b), "m" };
	refused(V1, "17 modules (at most 16");
	nmods = MB_MAX_MODULES;
	load_ok(V1);
	check_mb1_info();
	nmods = 1;
	mods[0] = (struct mb_module){ NULL, 10, NULL };
	refused(V1, "module 0: size without data");
	mods[0] = (struct mb_module){ mod_b, GUEST_4G + 1, NULL };
	refused(V1, "larger than 4 GiB");
	mods[0] = (struct mb_module){ NULL, 0, "empty module" };
	load_ok(V1);
	check_mb1_info();
	memset(long_line, 'a', MB_STRING_MAX - 1);
	long_line[MB_STRING_MAX - 1] = '\0';
	cmdline = long_line;
	load_ok(V1);
	mods[0].cmdline = long_line;
	load_ok(V1);
	check_mb1_info();
	long_line[MB_STRING_MAX - 1] = 'a';
	long_line[MB_STRING_MAX] = '\0';
	cmdline = NULL;
	refused(V1, "module 0: command line is longer than 4095 bytes");
	mods[0].cmdline = NULL;
	cmdline = long_line;
	refused(V1, "command line is longer than 4095 bytes");
	cmdline = NULL;
	/* No modules list at all. */
	{
		struct mb_load_params p = { .image = ib, .image_size = ilen,
					    .mods = NULL, .nmods = 1, .map = &map,
					    .mem = &mem };

		assert_int_equal(mb1_load(&p, &mb, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "a list needed"));
		p.image = NULL;
		p.nmods = 0;
		assert_int_equal(mb_load(&p, &mb, err, sizeof(err)), -EINVAL);
	}
	/* A broken memory map. */
	nmods = 0;
	map.e[2].addr = 0;
	writes = 0;
	assert_int_equal(load_n(V1, ilen), -EINVAL);
	assert_non_null(strstr(err, "e820: "));
	assert_int_equal(writes, 0);
	free(long_line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mb1_elf32, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb1_elf64_higher_half, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb1_entry_physical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb1_aout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_placement_below_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_room, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inputs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
