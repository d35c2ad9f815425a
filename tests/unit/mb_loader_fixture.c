/* Shared fixture of the Multiboot loader tests; see mb_loader_fixture.h. */
#include "lib/errno.h"
#include "tests/unit/mb_loader_fixture.h"
#include "guest/load/acpi_build.h"

#include <stdlib.h>

/* ---- fake guest RAM ---------------------------------------------------- */

uint8_t *ram;
static const uint64_t ram_size = RAM;
unsigned writes;
bool fail_writes;
long fail_after = -1; /* writes that succeed before all fail */

static struct fake_guest_mem fgm = {
	&ram, &ram_size, &writes, &fail_writes, &fail_after
};
const struct guest_mem_ops mem = FAKE_GUEST_MEM_OPS(&fgm);
struct guest_layout layout;
struct e820_map map;
char err[256];
struct mb_boot mb;
unsigned nmods;
const char *cmdline;
uint64_t rsdp_gpa;

int setup(void **state)
{
	(void)state;
	ram = malloc(RAM);
	assert_non_null(ram);
	memset(ram, 0xcc, RAM); /* so that zeroing shows */
	guest_layout_default(&layout, RAM);
	assert_int_equal(e820_build(&layout, &map, err, sizeof(err)), 0);
	writes = 0;
	fail_writes = false;
	fail_after = -1;
	nmods = 0;
	cmdline = NULL;
	rsdp_gpa = 0;
	return 0;
}

int teardown(void **state)
{
	(void)state;
	free(ram);
	return 0;
}

static uint64_t rd(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* ---- image builder ------------------------------------------------------ */

uint8_t ib[0x40000];
size_t ilen;

void wr(size_t off, unsigned bytes, uint64_t v)
{
	assert_true(off + bytes <= sizeof(ib));
	for (unsigned i = 0; i < bytes; i++)
		ib[off + i] = (uint8_t)(v >> (8 * i));
	ilen = MAX(ilen, off + bytes);
}

void img_reset(void)
{
	memset(ib, 0, sizeof(ib));
	ilen = 0;
}

static uint8_t pattern(uint64_t paddr, uint64_t i)
{
	return (uint8_t)(paddr >> 12) ^ (uint8_t)(i * 3 + 1);
}

void elf(unsigned cls, uint16_t machine, uint64_t entry,
	 const struct eseg *s, unsigned n)
{
	size_t off = SEG_DATA, ph = cls == 1 ? 52 : 64;

	img_reset();
	memcpy(ib, "\177ELF", 4);
	ib[4] = (uint8_t)cls;
	ib[5] = 1;
	ib[6] = 1;
	wr(16, 2, 2);
	wr(18, 2, machine);
	wr(20, 4, 1);
	if (cls == 1) {
		wr(24, 4, entry);
		wr(28, 4, ph);
		wr(40, 2, 52);
		wr(42, 2, 32);
		wr(44, 2, n);
	} else {
		wr(24, 8, entry);
		wr(32, 8, ph);
		wr(52, 2, 64);
		wr(54, 2, 56);
		wr(56, 2, n);
	}
	for (unsigned i = 0; i < n; i++) {
		size_t p = ph + i * (cls == 1 ? 32 : 56);
		uint32_t type = s[i].type ? s[i].type : 1;

		if (cls == 1) {
			wr(p, 4, type);
			wr(p + 4, 4, off);
			wr(p + 8, 4, s[i].vaddr);
			wr(p + 12, 4, s[i].paddr);
			wr(p + 16, 4, s[i].filesz);
			wr(p + 20, 4, s[i].memsz);
			wr(p + 24, 4, 7);
			wr(p + 28, 4, 0x1000);
		} else {
			wr(p, 4, type);
			wr(p + 4, 4, 7);
			wr(p + 8, 8, off);
			wr(p + 16, 8, s[i].vaddr);
			wr(p + 24, 8, s[i].paddr);
			wr(p + 32, 8, s[i].filesz);
			wr(p + 40, 8, s[i].memsz);
			wr(p + 48, 8, 0x1000);
		}
		for (uint64_t k = 0; k < s[i].filesz; k++)
			ib[off + k] = pattern(s[i].paddr, k);
		ilen = MAX(ilen, off + s[i].filesz);
		off = ALIGN_UP(off + s[i].filesz, (size_t)0x1000);
	}
}

void mb1_header(size_t off, uint32_t flags)
{
	wr(off, 4, MB1_HEADER_MAGIC);
	wr(off + 4, 4, flags);
	wr(off + 8, 4, (uint32_t)-(MB1_HEADER_MAGIC + flags));
}

void mb1_aout(size_t off, uint32_t header_addr, uint32_t load,
	      uint32_t load_end, uint32_t bss_end, uint32_t entry)
{
	mb1_header(off, BIT(16) | BIT(1));
	wr(off + 12, 4, header_addr);
	wr(off + 16, 4, load);
	wr(off + 20, 4, load_end);
	wr(off + 24, 4, bss_end);
	wr(off + 28, 4, entry);
}

/* Multiboot2 header tags, built in order then sealed by mb2_end(). */
static size_t mb2_off;
size_t mb2_cur;

void mb2_begin(size_t off)
{
	mb2_off = off;
	mb2_cur = off + 16;
	wr(off, 4, MB2_HEADER_MAGIC);
	wr(off + 4, 4, MB2_ARCH_I386);
}

void mb2_tag(uint16_t type, uint16_t flags, const uint32_t *payload,
	     unsigned nwords)
{
	wr(mb2_cur, 2, type);
	wr(mb2_cur + 2, 2, flags);
	wr(mb2_cur + 4, 4, 8 + 4 * nwords);
	for (unsigned i = 0; i < nwords; i++)
		wr(mb2_cur + 8 + 4 * i, 4, payload[i]);
	mb2_cur += ALIGN_UP(8 + 4 * nwords, 8u);
}

void mb2_seal(void)
{
	uint32_t len = (uint32_t)(mb2_cur - mb2_off), arch = rd(ib + mb2_off + 4, 4);

	wr(mb2_off + 8, 4, len);
	wr(mb2_off + 12, 4, (uint32_t)-(MB2_HEADER_MAGIC + arch + len));
}

void mb2_end(void)
{
	mb2_tag(MB2_HDR_TAG_END, 0, NULL, 0);
	mb2_seal();
}

const struct eseg two_segs[2] = {
	{ 0x100000, 0x100000, 0x1800, 0x1800, 0 },	/* text */
	{ 0x103000, 0x103000, 0x100, 0x2000, 0 },	/* data + bss */
};

/* ---- loading ------------------------------------------------------------ */

struct mb_module mods[MB_MAX_MODULES + 1];

int load_n(enum which w, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct mb_load_params p = {
		.image = copy, .image_size = len, .cmdline = cmdline,
		.mods = mods, .nmods = nmods, .rsdp_gpa = rsdp_gpa,
		.map = &map, .mem = &mem,
	};
	int rc;

	memcpy(copy, ib, len);
	memset(&mb, 0xa5, sizeof(mb));
	err[0] = '\0';
	rc = w == V1 ? mb1_load(&p, &mb, err, sizeof(err)) :
	     w == V2 ? mb2_load(&p, &mb, err, sizeof(err)) :
		       mb_load(&p, &mb, err, sizeof(err));
	free(copy);
	return rc;
}

void load_ok(enum which w)
{
	if (load_n(w, ilen))
		fail_msg("load: %s", err);
}

static void refused_n(enum which w, size_t len, const char *why)
{
	writes = 0;
	assert_int_equal(load_n(w, len), -EINVAL);
	if (!strstr(err, why))
		fail_msg("error \"%s\" lacks \"%s\"", err, why);
	assert_int_equal(strncmp(err, "multiboot", 9), 0);
	assert_int_equal(writes, 0);
}

void refused(enum which w, const char *why)
{
	refused_n(w, ilen, why);
}

void assert_segment(const struct eseg *s)
{
	for (uint64_t k = 0; k < s->memsz; k++) {
		uint8_t want = k < s->filesz ? pattern(s->paddr, k) : 0;

		if (ram[s->paddr + k] != want)
			fail_msg("byte 0x%llx of the segment at 0x%llx is 0x%x, not 0x%x",
				 (unsigned long long)k, (unsigned long long)s->paddr,
				 ram[s->paddr + k], want);
	}
}

static uint8_t mod_a[5000];
uint8_t mod_b[12];

void two_modules(void)
{
	for (size_t i = 0; i < sizeof(mod_a); i++)
		mod_a[i] = (uint8_t)(i * 11);
	memcpy(mod_b, "module two!", 12);
	mods[0] = (struct mb_module){ mod_a, sizeof(mod_a), "initrd.img root=/" };
	mods[1] = (struct mb_module){ mod_b, sizeof(mod_b), NULL };
	nmods = 2;
}

void assert_modules_placed(void)
{
	uint64_t prev_end = 0;

	for (unsigned i = 0; i < nmods; i++) {
		uint64_t g = mb.mod_gpa[i];

		assert_true(IS_ALIGNED(g, PAGE_SIZE));
		assert_true(e820_is_ram(&map, g, MAX(mods[i].size, (size_t)1)));
		assert_true(g >= prev_end);
		assert_true(g >= mb.kernel_end || g + mods[i].size <= mb.kernel_start);
		assert_memory_equal(ram + g, mods[i].data, mods[i].size);
		prev_end = g + mods[i].size;
	}
	/* The information block touches neither a module nor the kernel. */
	for (unsigned i = 0; i < nmods; i++)
		assert_true(mb.info_gpa >= mb.mod_gpa[i] + mods[i].size ||
			    mb.info_gpa + mb.info_size <= mb.mod_gpa[i]);
	assert_true(mb.info_gpa >= mb.kernel_end ||
		    mb.info_gpa + mb.info_size <= mb.kernel_start);
	assert_true(IS_ALIGNED(mb.info_gpa, PAGE_SIZE));
	assert_true(e820_is_ram(&map, mb.info_gpa, mb.info_size));
}

/* ---- Multiboot v1 information, read as the specification lays it out -- */

static const char *str_at(uint32_t gpa)
{
	assert_true(gpa >= mb.info_gpa && gpa < mb.info_gpa + mb.info_size);
	assert_non_null(memchr(ram + gpa, 0, mb.info_gpa + mb.info_size - gpa));
	return (const char *)ram + gpa;
}

void check_mb1_info(void)
{
	const uint8_t *info = ram + mb.ebx;
	uint32_t mods_addr, mmap_addr, mmap_len;
	unsigned n = 0;

	assert_int_equal(mb.eax, 0x2badb002);
	assert_int_equal(mb.ebx, mb.info_gpa);
	assert_int_equal(rd(info, 4), BIT(0) | BIT(2) | BIT(3) | BIT(6) | BIT(9));
	assert_int_equal(rd(info + 4, 4), 639);
	assert_int_equal(rd(info + 8, 4), (layout.acpi_base - MiB(1)) / 1024);
	assert_string_equal(str_at(rd(info + 16, 4)), cmdline ? cmdline : "");
	assert_int_equal(rd(info + 20, 4), nmods);
	mods_addr = rd(info + 24, 4);
	for (unsigned i = 0; i < nmods; i++) {
		const uint8_t *m = ram + mods_addr + 16 * i;

		assert_int_equal(rd(m, 4), mb.mod_gpa[i]);
		assert_int_equal(rd(m + 4, 4), mb.mod_gpa[i] + mods[i].size);
		assert_string_equal(str_at(rd(m + 8, 4)),
				    mods[i].cmdline ? mods[i].cmdline : "");
		assert_int_equal(rd(m + 12, 4), 0);
	}
	if (!nmods)
		assert_int_equal(mods_addr, 0);
	mmap_len = rd(info + 44, 4);
	mmap_addr = rd(info + 48, 4);
	assert_true(mmap_addr >= mb.info_gpa &&
		    mmap_addr + mmap_len <= mb.info_gpa + mb.info_size);
	for (uint32_t p = mmap_addr; p < mmap_addr + mmap_len; n++) {
		const uint8_t *e = ram + p;

		assert_true(n < map.n);
		assert_int_equal(rd(e, 4), 20);
		assert_int_equal(rd(e + 4, 8), map.e[n].addr);
		assert_int_equal(rd(e + 12, 8), map.e[n].size);
		assert_int_equal(rd(e + 20, 4), map.e[n].type);
		p += rd(e, 4) + 4;
	}
	assert_int_equal(n, map.n);
	assert_string_equal(str_at(rd(info + 64, 4)), "uHV");
	/* Fields not announced stay zero. */
	assert_int_equal(rd(info + 12, 4), 0);
	assert_int_equal(rd(info + 52, 4), 0);
	assert_int_equal(rd(info + 88, 8), 0);
}

/* ---- Multiboot2 information, read back by the hypervisor's parser ------- */

struct boot_info bi;

void parse_mb2_info(void)
{
	const char *perr = NULL;

	assert_int_equal(mb.eax, 0x36d76289);
	assert_int_equal(mb.ebx, mb.info_gpa);
	assert_int_equal(rd(ram + mb.info_gpa, 4), mb.info_size);
	if (mb2_parse(ram + mb.info_gpa, mb.info_gpa, mb.eax, &bi, &perr))
		fail_msg("mb2_parse: %s", perr);
	assert_int_equal(bi.info_start, mb.info_gpa);
	assert_int_equal(bi.info_end, mb.info_gpa + mb.info_size);
	assert_string_equal(bi.cmdline, cmdline ? cmdline : "");
	assert_string_equal(bi.loader_name, "uHV");
	assert_int_equal(bi.mmap_count, map.n);
	for (unsigned i = 0; i < map.n; i++) {
		assert_int_equal(bi.mmap[i].base, map.e[i].addr);
		assert_int_equal(bi.mmap[i].len, map.e[i].size);
		assert_int_equal(bi.mmap[i].type, map.e[i].type);
	}
	assert_int_equal(bi.module_count, nmods);
	for (unsigned i = 0; i < nmods; i++) {
		assert_int_equal(bi.modules[i].start, mb.mod_gpa[i]);
		assert_int_equal(bi.modules[i].end, mb.mod_gpa[i] + mods[i].size);
		assert_string_equal(bi.modules[i].cmdline,
				    mods[i].cmdline ? mods[i].cmdline : "");
	}
}

void check_meminfo(void)
{
	uint32_t off = 8;

	while (off < mb.info_size) {
		uint32_t type = rd(ram + mb.info_gpa + off, 4);
		uint32_t size = rd(ram + mb.info_gpa + off + 4, 4);

		if (type == MB2_TAG_BASIC_MEMINFO) {
			assert_int_equal(size, 16);
			assert_int_equal(rd(ram + mb.info_gpa + off + 8, 4), 639);
			assert_int_equal(rd(ram + mb.info_gpa + off + 12, 4),
					 (layout.acpi_base - MiB(1)) / 1024);
			return;
		}
		off += ALIGN_UP(size, 8u);
	}
	fail_msg("no basic memory information tag");
}

void build_acpi(void)
{
	struct acpi_build_cfg cfg = {
		.base = layout.acpi_base, .size = layout.acpi_size, .ncpus = 2,
	};
	struct acpi_build_out out;

	assert_int_equal(acpi_build(&mem, &cfg, &out, err, sizeof(err)), 0);
	rsdp_gpa = out.rsdp;
}
