// UNIT-SOURCES: guest/linux_boot.c guest/e820.c tests/unit/fake_guest_mem.c
/* Linux 64-bit boot protocol loader, on synthetic bzImages built here
 * (field offsets from the boot protocol documentation) and a fake guest
 * RAM: placement of the kernel, initrd, command line and zero page, the
 * zero page's contents, the boot page tables and GDT, and every way a
 * malformed image or impossible request must be refused with nothing
 * written.  Images are loaded from heap copies of exactly their bytes, so
 * ASan catches any read past the end. */
#include "guest/linux_boot.h"
#include "arch-x86/regs.h"
#include "tests/unit/fakes.h"
#include "tests/unit/fake_guest_mem.h"

#include <stdlib.h>

#define RAM MiB(64)

/* ---- fake guest RAM ---------------------------------------------------- */

static uint8_t *ram;
static uint64_t ram_size;
static unsigned writes;
static bool fail_writes;
static long fail_after = -1; /* writes that succeed before all fail */

static struct fake_guest_mem fgm = {
	&ram, &ram_size, &writes, &fail_writes, &fail_after
};
static const struct guest_mem_ops mem = FAKE_GUEST_MEM_OPS(&fgm);
static struct guest_layout layout;
static struct e820_map map;
static char err[256];

static void use_layout(void)
{
	assert_int_equal(e820_build(&layout, &map, err, sizeof(err)), 0);
}

static int setup(void **state)
{
	(void)state;
	ram_size = RAM;
	ram = calloc(1, RAM);
	assert_non_null(ram);
	guest_layout_default(&layout, RAM);
	use_layout();
	writes = 0;
	fail_writes = false;
	fail_after = -1;
	err[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	ram = NULL;
	return 0;
}

static uint64_t rd(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void wr(uint8_t *p, unsigned bytes, uint64_t v)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- synthetic bzImages ------------------------------------------------- */

struct bz {
	uint16_t version;
	uint8_t setup_sects;
	uint32_t kernel_bytes;
	uint32_t syssize;	/* 0: kernel_bytes / 16 */
	uint8_t loadflags;
	uint16_t xloadflags;
	uint8_t relocatable;
	uint32_t align;
	uint64_t pref;
	uint32_t init_size;
	uint32_t cmdline_size;
	uint32_t initrd_max;
	uint8_t hdr_disp;	/* header ends at 0x202 + this */
};

static struct bz bz_default(void)
{
	return (struct bz){
		.version = 0x020f, .setup_sects = 4, .kernel_bytes = 0x3000,
		.loadflags = LINUX_LOADED_HIGH,
		.xloadflags = LINUX_XLF_KERNEL_64 | LINUX_XLF_CAN_BE_LOADED_ABOVE_4G,
		.relocatable = 1, .align = 0x200000, .pref = 0x1000000,
		.init_size = 0x400000, .cmdline_size = 2047,
		.initrd_max = 0x7fffffff, .hdr_disp = 0x6a,
	};
}

static size_t bz_size(const struct bz *o)
{
	unsigned sects = o->setup_sects ? o->setup_sects : 4;

	return (sects + 1) * 512u + o->kernel_bytes;
}

/* The image, in a heap block of exactly its size. */
static uint8_t *bz_make(const struct bz *o, size_t *size)
{
	size_t n = bz_size(o), setup = n - o->kernel_bytes;
	uint8_t *b = malloc(n);

	assert_non_null(b);
	for (size_t i = 0; i < setup; i++) /* real-mode code: filler */
		b[i] = (uint8_t)(0x90 + i % 7);
	for (size_t i = setup; i < n; i++)
		b[i] = (uint8_t)(i * 13 + 5);
	memset(b + 0x1f1, 0, 0x26c - 0x1f1);
	b[0x1f1] = o->setup_sects;
	wr(b + 0x1f4, 4, o->syssize ? o->syssize : o->kernel_bytes / 16);
	wr(b + 0x1fa, 2, 0xffff);		/* vid_mode "normal" */
	wr(b + 0x1fe, 2, 0xaa55);
	b[0x200] = 0xeb;
	b[0x201] = o->hdr_disp;
	memcpy(b + 0x202, "HdrS", 4);
	wr(b + 0x206, 2, o->version);
	wr(b + 0x20e, 2, 0x0200);		/* kernel_version string */
	b[0x211] = o->loadflags;
	wr(b + 0x214, 4, 0x100000);		/* code32_start */
	wr(b + 0x22c, 4, o->initrd_max);
	wr(b + 0x230, 4, o->align);
	b[0x234] = o->relocatable;
	b[0x235] = 21;				/* min_alignment: 2 MiB */
	wr(b + 0x236, 2, o->xloadflags);
	wr(b + 0x238, 4, o->cmdline_size);
	wr(b + 0x258, 8, o->pref);
	wr(b + 0x260, 4, o->init_size);
	wr(b + 0x264, 4, 0x190);		/* handover_offset */
	wr(b + 0x268, 4, 0x1234);		/* kernel_info_offset */
	*size = n;
	return b;
}

/* ---- loading ------------------------------------------------------------ */

static struct linux_boot lb;

static int load(const uint8_t *img, size_t size, const void *initrd,
		size_t initrd_size, const char *cmdline, uint64_t rsdp)
{
	struct linux_load_params p = {
		.kernel = img, .kernel_size = size, .initrd = initrd,
		.initrd_size = initrd_size, .cmdline = cmdline, .rsdp_gpa = rsdp,
		.map = &map, .mem = &mem,
	};

	memset(&lb, 0xa5, sizeof(lb));
	err[0] = '\0';
	return linux_load(&p, &lb, err, sizeof(err));
}

static void load_ok(const uint8_t *img, size_t size, const void *initrd,
		    size_t initrd_size, const char *cmdline, uint64_t rsdp)
{
	if (load(img, size, initrd, initrd_size, cmdline, rsdp))
		fail_msg("linux_load: %s", err);
}

/* Must fail with 'why' in the message and nothing written. */
static void load_refused(const uint8_t *img, size_t size, const void *initrd,
			 size_t initrd_size, const char *cmdline, const char *why)
{
	writes = 0;
	assert_int_equal(load(img, size, initrd, initrd_size, cmdline, 0), -1);
	if (!strstr(err, why))
		fail_msg("error \"%s\" lacks \"%s\"", err, why);
	assert_int_equal(writes, 0);
}

static void bz_refused(const struct bz *o, const char *why)
{
	size_t n;
	uint8_t *img = bz_make(o, &n);

	load_refused(img, n, NULL, 0, NULL, why);
	assert_non_null(strstr(err, "linux: "));
	free(img);
}

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
	assert_int_equal(linux_parse(NULL, 4096, &li, err, sizeof(err)), -1);
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

/* Conventional memory too small for the boot area. */
static void test_boot_area_missing(void **state)
{
	struct bz o = bz_default();

	(void)state;
	map.e[0].size = 0x20000;
	bz_refused(&o, "boot area [0x1000, 0x30000) is not guest RAM");
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
		if (load(cut, len, NULL, 0, NULL, 0) != -1)
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

static void test_write_failure(void **state)
{
	struct bz o = bz_default();
	size_t n;
	uint8_t *img = bz_make(&o, &n);

	(void)state;
	fail_writes = true;
	assert_int_equal(load(img, n, NULL, 0, NULL, 0), -1);
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
		assert_int_equal(load(img, n, initrd, sizeof(initrd), "ro", 0xe0000), -1);
		assert_non_null(strstr(err, "linux: cannot write guest RAM at 0x"));
		assert_int_equal(writes, k);
	}
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_lengths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pref_unavailable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_relocatable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_initrd_placement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_initrd_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmdline_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_area_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_truncation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_guest_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure_each_point, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
