/* Shared fixture of the Linux boot loader tests; see linux_boot_fixture.h. */
#include <stdlib.h>

#include "lib/errno.h"
#include "tests/unit/fake_guest_mem.h"
#include "tests/unit/linux_boot_fixture.h"

/* ---- fake guest RAM ---------------------------------------------------- */

uint8_t *ram;
uint64_t ram_size;
unsigned writes;
bool fail_writes;
long fail_after = -1; /* writes that succeed before all fail */

static struct fake_guest_mem fgm = {
	&ram, &ram_size, &writes, &fail_writes, &fail_after
};
static const struct guest_mem_ops mem = FAKE_GUEST_MEM_OPS(&fgm);
struct guest_layout layout;
struct e820_map map;
char err[256];

void use_layout(void)
{
	assert_int_equal(e820_build(&layout, &map, err, sizeof(err)), 0);
}

int setup(void **state)
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

int teardown(void **state)
{
	(void)state;
	free(ram);
	ram = NULL;
	return 0;
}

uint64_t rd(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

void wr(uint8_t *p, unsigned bytes, uint64_t v)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- synthetic bzImages ------------------------------------------------- */

struct bz bz_default(void)
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

size_t bz_size(const struct bz *o)
{
	unsigned sects = o->setup_sects ? o->setup_sects : 4;

	return (sects + 1) * 512u + o->kernel_bytes;
}

uint8_t *bz_make(const struct bz *o, size_t *size)
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

struct linux_boot lb;

int load(const uint8_t *img, size_t size, const void *initrd,
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

void load_ok(const uint8_t *img, size_t size, const void *initrd,
		    size_t initrd_size, const char *cmdline, uint64_t rsdp)
{
	if (load(img, size, initrd, initrd_size, cmdline, rsdp))
		fail_msg("linux_load: %s", err);
}

void load_refused(const uint8_t *img, size_t size, const void *initrd,
			 size_t initrd_size, const char *cmdline, const char *why)
{
	writes = 0;
	assert_int_equal(load(img, size, initrd, initrd_size, cmdline, 0), -EINVAL);
	if (!strstr(err, why))
		fail_msg("error \"%s\" lacks \"%s\"", err, why);
	assert_int_equal(writes, 0);
}

void bz_refused(const struct bz *o, const char *why)
{
	size_t n;
	uint8_t *img = bz_make(o, &n);

	load_refused(img, n, NULL, 0, NULL, why);
	assert_non_null(strstr(err, "linux: "));
	free(img);
}

