// UNIT-SOURCES: guest/mb_loader.c guest/mb_elf.c guest/mb_place.c guest/mb1_info.c guest/mb2_info.c guest/e820.c guest/acpi_build.c boot/multiboot2.c tests/unit/fake_guest_mem.c
/* Multiboot and Multiboot2 kernels as guests, on synthetic images built
 * here (ELF32, ELF64, a.out-kludge binaries; headers laid out from the
 * specifications) and a fake guest RAM.  Multiboot2 information blocks
 * are read back with the hypervisor's own parser (mb2_parse); v1 blocks
 * with a reader written here from the specification.  Malformed images
 * and impossible requests must be refused with nothing written; images
 * are loaded from heap copies of exactly their bytes (ASan). */
#include "guest/mb_loader.h"
#include "guest/acpi_build.h"
#include "arch-x86/acpi_tables.h"
#include "arch-x86/regs.h"
#include "boot/multiboot2.h"
#include "tests/unit/fakes.h"
#include "tests/unit/fake_guest_mem.h"

#include <stdlib.h>

#define RAM MiB(32)

/* ---- fake guest RAM ---------------------------------------------------- */

static uint8_t *ram;
static const uint64_t ram_size = RAM;
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
static struct mb_boot mb;
static unsigned nmods;
static const char *cmdline;
static uint64_t rsdp_gpa;

static int setup(void **state)
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

static int teardown(void **state)
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

static uint8_t ib[0x40000];
static size_t ilen;

static void wr(size_t off, unsigned bytes, uint64_t v)
{
	assert_true(off + bytes <= sizeof(ib));
	for (unsigned i = 0; i < bytes; i++)
		ib[off + i] = (uint8_t)(v >> (8 * i));
	ilen = MAX(ilen, off + bytes);
}

static void img_reset(void)
{
	memset(ib, 0, sizeof(ib));
	ilen = 0;
}

static uint8_t pattern(uint64_t paddr, uint64_t i)
{
	return (uint8_t)(paddr >> 12) ^ (uint8_t)(i * 3 + 1);
}

struct eseg {
	uint64_t vaddr, paddr, filesz, memsz;
	uint32_t type; /* 0: PT_LOAD */
};

#define SEG_DATA 0x2000 /* file offset of the first segment's bytes */
#define MB_HDR_OFF 0x800

/* ELF header and program headers; segment bytes from SEG_DATA on, each
 * at a page-aligned offset, nothing after the last. */
static void elf(unsigned cls, uint16_t machine, uint64_t entry,
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

static void mb1_header(size_t off, uint32_t flags)
{
	wr(off, 4, MB1_HEADER_MAGIC);
	wr(off + 4, 4, flags);
	wr(off + 8, 4, (uint32_t)-(MB1_HEADER_MAGIC + flags));
}

static void mb1_aout(size_t off, uint32_t header_addr, uint32_t load,
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
static size_t mb2_off, mb2_cur;

static void mb2_begin(size_t off)
{
	mb2_off = off;
	mb2_cur = off + 16;
	wr(off, 4, MB2_HEADER_MAGIC);
	wr(off + 4, 4, MB2_ARCH_I386);
}

static void mb2_tag(uint16_t type, uint16_t flags, const uint32_t *payload,
		    unsigned nwords)
{
	wr(mb2_cur, 2, type);
	wr(mb2_cur + 2, 2, flags);
	wr(mb2_cur + 4, 4, 8 + 4 * nwords);
	for (unsigned i = 0; i < nwords; i++)
		wr(mb2_cur + 8 + 4 * i, 4, payload[i]);
	mb2_cur += ALIGN_UP(8 + 4 * nwords, 8u);
}

static void mb2_seal(void)
{
	uint32_t len = (uint32_t)(mb2_cur - mb2_off), arch = rd(ib + mb2_off + 4, 4);

	wr(mb2_off + 8, 4, len);
	wr(mb2_off + 12, 4, (uint32_t)-(MB2_HEADER_MAGIC + arch + len));
}

static void mb2_end(void)
{
	mb2_tag(MB2_HDR_TAG_END, 0, NULL, 0);
	mb2_seal();
}

/* ---- loading ------------------------------------------------------------ */

enum which { ANY, V1, V2 };

static struct mb_module mods[MB_MAX_MODULES + 1];

static int load_n(enum which w, size_t len)
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

static void load_ok(enum which w)
{
	if (load_n(w, ilen))
		fail_msg("load: %s", err);
}

static void refused_n(enum which w, size_t len, const char *why)
{
	writes = 0;
	assert_int_equal(load_n(w, len), -1);
	if (!strstr(err, why))
		fail_msg("error \"%s\" lacks \"%s\"", err, why);
	assert_int_equal(strncmp(err, "multiboot", 9), 0);
	assert_int_equal(writes, 0);
}

static void refused(enum which w, const char *why)
{
	refused_n(w, ilen, why);
}

/* A segment's bytes and zeroed bss in guest RAM. */
static void assert_segment(const struct eseg *s)
{
	for (uint64_t k = 0; k < s->memsz; k++) {
		uint8_t want = k < s->filesz ? pattern(s->paddr, k) : 0;

		if (ram[s->paddr + k] != want)
			fail_msg("byte 0x%llx of the segment at 0x%llx is 0x%x, not 0x%x",
				 (unsigned long long)k, (unsigned long long)s->paddr,
				 ram[s->paddr + k], want);
	}
}

static uint8_t mod_a[5000], mod_b[12];

static void two_modules(void)
{
	for (size_t i = 0; i < sizeof(mod_a); i++)
		mod_a[i] = (uint8_t)(i * 11);
	memcpy(mod_b, "module two!", 12);
	mods[0] = (struct mb_module){ mod_a, sizeof(mod_a), "initrd.img root=/" };
	mods[1] = (struct mb_module){ mod_b, sizeof(mod_b), NULL };
	nmods = 2;
}

static void assert_modules_placed(void)
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

static void check_mb1_info(void)
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

static struct boot_info bi;

static void parse_mb2_info(void)
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

/* The basic memory information tag, found by walking the tags. */
static void check_meminfo(void)
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

/* ---- Multiboot v1 ------------------------------------------------------- */

static const struct eseg two_segs[] = {
	{ 0x100000, 0x100000, 0x1800, 0x1800, 0 },	/* text */
	{ 0x103000, 0x103000, 0x100, 0x2000, 0 },	/* data + bss */
};

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

/* Every truncation of a good image is refused, with nothing written. */
static void truncations(enum which w)
{
	size_t full = ilen;

	for (size_t len = 0; len < full; len++) {
		writes = 0;
		if (load_n(w, len) != -1)
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

/* ---- Multiboot2 --------------------------------------------------------- */

static void build_acpi(void)
{
	struct acpi_build_cfg cfg = {
		.base = layout.acpi_base, .size = layout.acpi_size, .ncpus = 2,
	};
	struct acpi_build_out out;

	assert_int_equal(acpi_build(&mem, &cfg, &out, err, sizeof(err)), 0);
	rsdp_gpa = out.rsdp;
}

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

/* ---- placement, inputs, failures ---------------------------------------- */

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

		assert_int_equal(mb1_load(&p, &mb, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "a list needed"));
		p.image = NULL;
		p.nmods = 0;
		assert_int_equal(mb_load(&p, &mb, err, sizeof(err)), -1);
	}
	/* A broken memory map. */
	nmods = 0;
	map.e[2].addr = 0;
	writes = 0;
	assert_int_equal(load_n(V1, ilen), -1);
	assert_non_null(strstr(err, "e820: "));
	assert_int_equal(writes, 0);
	free(long_line);
}

static void test_write_failure(void **state)
{
	(void)state;
	elf(1, 3, 0x100010, two_segs, 2);
	mb1_header(MB_HDR_OFF, 0);
	nmods = 0;
	fail_writes = true;
	assert_int_equal(load_n(V1, ilen), -1);
	assert_non_null(strstr(err, "cannot write guest RAM at 0x100000"));
	mb2_begin(MB_HDR_OFF + 0x100);
	mb2_end();
	assert_int_equal(load_n(V2, ilen), -1);
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
		assert_int_equal(load_n(w, ilen), -1);
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
	assert_int_equal(load_n(V2, ilen), -1);
	assert_non_null(strstr(err, "e820: 0 entries"));
	assert_int_equal(load_n(ANY, ilen), -1);
	assert_non_null(strstr(err, "e820: 0 entries"));
	assert_int_equal(writes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mb1_elf32, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb1_elf64_higher_half, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb1_entry_physical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb1_aout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb1_malformed_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb1_aout_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_elf_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb2_elf_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb2_rsdp_variants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb2_address_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb2_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb2_malformed_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_placement_below_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_room, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inputs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure_each_point, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb2_more_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
