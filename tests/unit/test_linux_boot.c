// UNIT-SOURCES: guest/load/linux_boot.c guest/load/e820.c tests/unit/fake_guest_mem.c tests/unit/linux_boot_fixture.c
/* Linux 64-bit boot protocol loader, loading into a fake guest RAM:
 * placement of the kernel, initrd, command line and zero page, the zero
 * page's contents, the boot page tables and GDT, requests that cannot fit
 * (refused with nothing written), and guest RAM writes failing at every
 * point.  Malformed images are in test_linux_boot_image.c; the fake RAM
 * and the synthetic bzImages are in linux_boot_fixture.c. */
#include <stdlib.h>

#include "lib/errno.h"
#include "arch-x86/regs.h"
#include "tests/unit/linux_boot_fixture.h"

/* Walk the guest's boot page tables: the physical address va maps to, or
 * UINT64_MAX when it is not mapped. */
static uint64_t walk(uint64_t cr3, uint64_t va)
{
	uint64_t e = rd(ram + cr3 + ((va >> 39) & 511) * 8, 8);

	if (!(e & PTE_P))
		return UINT64_MAX;
	e = rd(ram + (e & ~0xfffull) + ((va >> 30) & 511) * 8, 8);
	if (!(e & PTE_P))
		return UINT64_MAX;
	e = rd(ram + (e & ~0xfffull & ~PTE_NX) + ((va >> 21) & 511) * 8, 8);
	if (!(e & PTE_P) || !(e & PTE_PS) || !(e & PTE_RW))
		return UINT64_MAX;
	return (e & ~0x1fffffull & ~PTE_NX) | (va & 0x1fffff);
}

static void assert_ident(uint64_t va)
{
	if (walk(lb.cr3, va) != va)
		fail_msg("0x%llx is not identity-mapped", (unsigned long long)va);
}

/* The zero page's setup header: the image's bytes but for the fields a
 * boot loader writes. */
static void assert_zero_page(const uint8_t *img, uint64_t rsdp, size_t cmdline_len)
{
	const uint8_t *bp = ram + LINUX_BOOT_PARAMS_GPA;
	uint8_t want[0x26c];
	size_t hdr_end = MIN(0x202u + img[0x201], 0x290u);

	memset(want, 0, sizeof(want));
	memcpy(want + 0x1f1, img + 0x1f1, MIN(hdr_end, sizeof(want)) - 0x1f1);
	want[0x210] = 0xff;
	want[0x211] |= LINUX_LOADED_HIGH | LINUX_CAN_USE_HEAP;
	wr(want + 0x214, 4, lb.kernel_gpa);
	wr(want + 0x218, 4, lb.initrd_gpa);
	wr(want + 0x21c, 4, lb.initrd_size);
	wr(want + 0x224, 2, 0xde00);
	wr(want + 0x228, 4, LINUX_CMDLINE_GPA);
	assert_memory_equal(bp + 0x1f1, want + 0x1f1, sizeof(want) - 0x1f1);
	for (size_t i = sizeof(want); i < hdr_end; i++)
		assert_int_equal(bp[i], img[i]);
	for (size_t i = MAX(hdr_end, sizeof(want)); i < 0x2d0; i++)
		assert_int_equal(bp[i], 0);

	assert_int_equal(rd(bp + 0x070, 8), rsdp);
	assert_int_equal(rd(bp + 0x0c0, 4), 0);	/* ext_ramdisk_image */
	assert_int_equal(rd(bp + 0x0c4, 4), 0);
	assert_int_equal(rd(bp + 0x0c8, 4), 0);	/* ext_cmd_line_ptr */
	for (size_t i = 0; i < 0x70; i++)
		assert_int_equal(bp[i], 0);
	assert_int_equal(bp[0x1e8], map.n);
	for (unsigned i = 0; i < map.n; i++) {
		const uint8_t *e = bp + 0x2d0 + 20 * i;

		assert_int_equal(rd(e, 8), map.e[i].addr);
		assert_int_equal(rd(e + 8, 8), map.e[i].size);
		assert_int_equal(rd(e + 16, 4), map.e[i].type);
	}
	for (size_t i = 0x2d0 + 20 * map.n; i < 0x1000; i++)
		assert_int_equal(bp[i], 0);
	assert_int_equal(ram[LINUX_CMDLINE_GPA + cmdline_len], 0);
}

static void test_load_basic(void **state)
{
	struct bz o = bz_default();
	const char *cmdline = "console=ttyS0,115200 quiet";
	size_t n, initrd_n = 100000 + 5;
	uint8_t *img = bz_make(&o, &n), *initrd = malloc(initrd_n);
	uint64_t acpi_top = layout.acpi_base;

	(void)state;
	for (size_t i = 0; i < initrd_n; i++)
		initrd[i] = (uint8_t)(i * 7);
	load_ok(img, n, initrd, initrd_n, cmdline, 0x3ff0000);

	assert_int_equal(lb.img.version, 0x020f);
	assert_int_equal(lb.kernel_gpa, 0x1000000);
	assert_int_equal(lb.kernel_end, 0x1400000);
	assert_int_equal(lb.rip, 0x1000200);
	assert_int_equal(lb.rsi, LINUX_BOOT_PARAMS_GPA);
	assert_int_equal(lb.boot_params_gpa, LINUX_BOOT_PARAMS_GPA);
	assert_int_equal(lb.cmdline_gpa, LINUX_CMDLINE_GPA);
	assert_memory_equal(ram + 0x1000000, img + 5 * 512, o.kernel_bytes);

	/* The initrd: as high as RAM goes, under the ACPI area. */
	assert_int_equal(lb.initrd_size, initrd_n);
	assert_int_equal(lb.initrd_gpa, acpi_top - ALIGN_UP(initrd_n, PAGE_SIZE));
	assert_true(IS_ALIGNED(lb.initrd_gpa, PAGE_SIZE));
	assert_true(lb.initrd_gpa >= lb.kernel_end);
	assert_memory_equal(ram + lb.initrd_gpa, initrd, initrd_n);

	assert_string_equal((const char *)ram + LINUX_CMDLINE_GPA, cmdline);
	assert_zero_page(img, 0x3ff0000, strlen(cmdline));

	/* CPU state. */
	assert_int_equal(lb.cs, 0x10);
	assert_int_equal(lb.ds, 0x18);
	assert_int_equal(lb.cr3, LINUX_PML4_GPA);
	assert_true((lb.cr0 & (CR0_PE | CR0_PG)) == (CR0_PE | CR0_PG));
	assert_int_equal(lb.cr4 & CR4_PAE, CR4_PAE);
	assert_int_equal(lb.efer & (EFER_LME | EFER_LMA), EFER_LME | EFER_LMA);
	assert_int_equal(lb.gdt_base, LINUX_GDT_GPA);
	assert_int_equal(lb.gdt_limit, 0x1f);
	assert_int_equal(rd(ram + LINUX_GDT_GPA, 8), 0);
	/* Flat, present, accessed: 64-bit code (L=1) and read/write data. */
	assert_int_equal(rd(ram + LINUX_GDT_GPA + 0x10, 8), 0x00af9b000000ffffull);
	assert_int_equal(rd(ram + LINUX_GDT_GPA + 0x18, 8), 0x00cf93000000ffffull);

	/* Identity map of everything the protocol needs, and more. */
	assert_int_equal(lb.ident_map_end, GUEST_4G);
	assert_int_equal(lb.ident_needed, lb.initrd_gpa + initrd_n);
	assert_true(lb.ident_needed <= lb.ident_map_end);
	assert_ident(0);
	assert_ident(lb.rip);
	assert_ident(lb.kernel_end - 1);
	assert_ident(lb.initrd_gpa);
	assert_ident(lb.initrd_gpa + initrd_n - 1);
	assert_ident(LINUX_BOOT_PARAMS_GPA + 0xfff);
	assert_ident(LINUX_CMDLINE_GPA);
	assert_ident(0xfee00000);
	assert_ident(GUEST_4G - 1);
	assert_int_equal(walk(lb.cr3, GUEST_4G), UINT64_MAX);
	free(img);
	free(initrd);
}

/* The minimum protocol, whose header is shorter: only that much is
 * copied to the zero page.  And a header that claims to run past the
 * zero page's header area: cut there. */
static void test_header_lengths(void **state)
{
	struct bz o = bz_default();
	size_t n;
	uint8_t *img;

	(void)state;
	o.version = 0x020c;
	o.hdr_disp = 0x62;
	img = bz_make(&o, &n);
	load_ok(img, n, NULL, 0, "", 0);
	assert_zero_page(img, 0, 0);
	assert_int_equal(rd(ram + LINUX_BOOT_PARAMS_GPA + 0x264, 4), 0);
	assert_int_equal(rd(ram + LINUX_BOOT_PARAMS_GPA + 0x268, 4), 0);
	free(img);

	o = bz_default();
	o.hdr_disp = 0xff;
	img = bz_make(&o, &n);
	load_ok(img, n, NULL, 0, NULL, 0);
	assert_zero_page(img, 0, 0);
	assert_int_equal(rd(ram + LINUX_BOOT_PARAMS_GPA + 0x268, 4), 0x1234);
	assert_int_equal(ram[LINUX_BOOT_PARAMS_GPA + 0x28f], img[0x28f]);
	assert_int_equal(ram[LINUX_BOOT_PARAMS_GPA + 0x290], 0);
	assert_int_equal(ram[LINUX_CMDLINE_GPA], 0);
	assert_int_equal(lb.initrd_gpa, 0);
	assert_int_equal(lb.initrd_size, 0);
	assert_int_equal(lb.ident_needed, lb.kernel_end);
	free(img);
}

/* pref_address taken by the ACPI area: the next kernel_alignment
 * boundary above it; pref_address 0: from 1 MiB on. */
static void test_pref_unavailable(void **state)
{
	struct bz o = bz_default();
	size_t n;
	uint8_t *img;

	(void)state;
	layout.acpi_base = MiB(16);
	use_layout();
	img = bz_make(&o, &n);
	load_ok(img, n, NULL, 0, NULL, 0);
	assert_int_equal(lb.kernel_gpa, MiB(18));
	assert_int_equal(lb.rip, MiB(18) + 0x200);
	assert_memory_equal(ram + MiB(18), img + 5 * 512, o.kernel_bytes);
	free(img);

	o.pref = 0;
	img = bz_make(&o, &n);
	load_ok(img, n, NULL, 0, NULL, 0);
	assert_int_equal(lb.kernel_gpa, MiB(2));
	free(img);

	/* A 4 KiB alignment (the minimum used) fits right at 1 MiB. */
	o.align = 0x1000;
	img = bz_make(&o, &n);
	load_ok(img, n, NULL, 0, NULL, 0);
	assert_int_equal(lb.kernel_gpa, MiB(1));
	free(img);
	o.align = 0x10;
	img = bz_make(&o, &n);
	load_ok(img, n, NULL, 0, NULL, 0);
	assert_int_equal(lb.kernel_gpa, MiB(1));
	free(img);
}

static void test_not_relocatable(void **state)
{
	struct bz o = bz_default();
	size_t n;
	uint8_t *img;

	(void)state;
	o.relocatable = 0;
	o.align = 0; /* unused when not relocatable */
	img = bz_make(&o, &n);
	load_ok(img, n, NULL, 0, NULL, 0);
	assert_int_equal(lb.kernel_gpa, 0x1000000);
	free(img);

	layout.acpi_base = MiB(16);
	use_layout();
	o.pref = MiB(16);
	bz_refused(&o, "not relocatable and needs [0x1000000, 0x1400000)");
	o.pref = GUEST_4G;
	bz_refused(&o, "not relocatable");
	o.pref = GUEST_4G - MiB(2);
	bz_refused(&o, "below 4 GiB");
}

/* Kernels (or init_size) bigger than the RAM there is. */
static void test_kernel_too_big(void **state)
{
	struct bz o = bz_default();

	(void)state;
	o.init_size = MiB(60);
	bz_refused(&o, "no room for the kernel: it needs 0x3c00000 bytes");
	o = bz_default();
	o.pref = MiB(62);
	bz_refused(&o, "no room for the kernel");
	/* An image larger than guest RAM. */
	ram_size = MiB(2);
	guest_layout_default(&layout, MiB(2));
	use_layout();
	o = bz_default();
	o.pref = 0;
	o.init_size = 0;
	o.kernel_bytes = MiB(1) + 0x1000;
	bz_refused(&o, "no room for the kernel: it needs 0x101000 bytes");
}

static void test_initrd_placement(void **state)
{
	struct bz o = bz_default();
	size_t n, initrd_n = MiB(3) + 1;
	uint8_t *img, *initrd = calloc(1, initrd_n);

	(void)state;
	/* Limited to 22 MiB while the kernel holds [16, 20) MiB: the initrd
	 * ends just under the kernel. */
	initrd[initrd_n - 1] = 0x77;
	o.initrd_max = MiB(22) - 1;
	img = bz_make(&o, &n);
	load_ok(img, n, initrd, initrd_n, NULL, 0);
	assert_int_equal(lb.initrd_gpa, MiB(16) - MiB(3) - PAGE_SIZE);
	assert_int_equal(ram[lb.initrd_gpa + initrd_n - 1], 0x77);
	assert_int_equal(lb.ident_needed, lb.kernel_end);
	free(img);

	/* Limit right above the kernel: the room between counts. */
	o.initrd_max = MiB(20) + MiB(3) + PAGE_SIZE - 1;
	img = bz_make(&o, &n);
	load_ok(img, n, initrd, initrd_n, NULL, 0);
	assert_int_equal(lb.initrd_gpa, MiB(20));
	free(img);

	/* An initrd that fills all RAM left from 1 MiB under the kernel. */
	free(initrd);
	initrd_n = MiB(15);
	initrd = calloc(1, initrd_n);
	o.initrd_max = MiB(16) - 1;
	img = bz_make(&o, &n);
	load_ok(img, n, initrd, initrd_n, NULL, 0);
	assert_int_equal(lb.initrd_gpa, MiB(1));
	/* One page more does not fit. */
	load_refused(img, n, initrd, initrd_n + 1, NULL, "initrd of 0xf00001 bytes does not fit");
	free(img);
	free(initrd);
}

static void test_initrd_too_big(void **state)
{
	struct bz o = bz_default();
	size_t n, initrd_n = MiB(60);
	uint8_t *img = bz_make(&o, &n), *initrd = calloc(1, initrd_n);

	(void)state;
	load_refused(img, n, initrd, initrd_n, NULL, "does not fit in guest RAM");
	/* Larger than 4 GiB: refused before a byte of it is read. */
	load_refused(img, n, initrd, GUEST_4G + 1, NULL, "larger than 4 GiB");
	/* A size without data. */
	load_refused(img, n, NULL, 10, NULL, "without initrd data");
	free(img);
	free(initrd);
}

static void test_cmdline_limits(void **state)
{
	struct bz o = bz_default();
	size_t n;
	uint8_t *img;
	char *big = malloc(LINUX_CMDLINE_MAX + 1);

	(void)state;
	o.cmdline_size = 10;
	img = bz_make(&o, &n);
	load_ok(img, n, NULL, 0, "0123456789", 0);
	assert_string_equal((const char *)ram + LINUX_CMDLINE_GPA, "0123456789");
	load_refused(img, n, NULL, 0, "0123456789a", "command line of 11 bytes");
	free(img);

	o.cmdline_size = 0xffffffff;
	img = bz_make(&o, &n);
	memset(big, 'x', LINUX_CMDLINE_MAX - 1);
	big[LINUX_CMDLINE_MAX - 1] = '\0';
	load_ok(img, n, NULL, 0, big, 0);
	assert_int_equal(ram[LINUX_CMDLINE_GPA + LINUX_CMDLINE_MAX - 2], 'x');
	assert_int_equal(ram[LINUX_CMDLINE_GPA + LINUX_CMDLINE_MAX - 1], 0);
	big[LINUX_CMDLINE_MAX - 1] = 'x';
	big[LINUX_CMDLINE_MAX] = '\0';
	load_refused(img, n, NULL, 0, big, "longer than 65535 bytes");
	free(img);
	free(big);
}

/* Conventional memory too small for the boot area. */
static void test_boot_area_missing(void **state)
{
	struct bz o = bz_default();

	(void)state;
	map.e[0].size = 0x20000;
	bz_refused(&o, "boot area [0x1000, 0x30000) is not guest RAM");
}

static void test_write_failure(void **state)
{
	struct bz o = bz_default();
	size_t n;
	uint8_t *img = bz_make(&o, &n);

	(void)state;
	fail_writes = true;
	assert_int_equal(load(img, n, NULL, 0, NULL, 0), -EINVAL);
	assert_non_null(strstr(err, "cannot write guest RAM at 0x1000000"));
	free(img);
}

/* RAM above 4 GiB and a large guest: the kernel still goes to
 * pref_address and the initrd under 4 GiB, the map is handed on whole. */
static void test_large_guest_map(void **state)
{
	struct bz o = bz_default();
	size_t n;
	uint8_t *img = bz_make(&o, &n);
	uint8_t initrd[64] = { 1, 2, 3 };

	(void)state;
	/* Only the low 64 MiB are backed here; the map claims 6 GiB, so
	 * keep the initrd within the backing through initrd_addr_max. */
	guest_layout_default(&layout, GiB(6));
	layout.acpi_base = MiB(63);
	use_layout();
	free(img);
	o.initrd_max = MiB(48) - 1;
	img = bz_make(&o, &n);
	load_ok(img, n, initrd, sizeof(initrd), NULL, 0);
	assert_int_equal(lb.kernel_gpa, 0x1000000);
	assert_int_equal(lb.initrd_gpa, MiB(48) - PAGE_SIZE);
	assert_int_equal(ram[LINUX_BOOT_PARAMS_GPA + 0x1e8], map.n);
	assert_int_equal(rd(ram + LINUX_BOOT_PARAMS_GPA + 0x2d0 + 20 * (map.n - 1), 8),
			 GUEST_4G);
	free(img);
}

/* A write callback that fails after any number of writes: each failure
 * is reported, whichever object was being written. */
static void test_write_failure_each_point(void **state)
{
	struct bz o = bz_default();
	size_t n;
	uint8_t *img = bz_make(&o, &n), initrd[100] = { 9 };
	unsigned total;

	(void)state;
	writes = 0;
	load_ok(img, n, initrd, sizeof(initrd), "ro", 0xe0000);
	total = writes;
	assert_true(total > 10);
	for (unsigned k = 0; k < total; k++) {
		writes = 0;
		fail_after = k;
		assert_int_equal(load(img, n, initrd, sizeof(initrd), "ro", 0xe0000), -EINVAL);
		assert_non_null(strstr(err, "linux: cannot write guest RAM at 0x"));
		assert_int_equal(writes, k);
	}
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_lengths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pref_unavailable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_relocatable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_initrd_placement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_initrd_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmdline_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_area_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_guest_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure_each_point, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
