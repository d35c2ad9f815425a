// UNIT-SOURCES: boot/handover.c boot/multiboot2.c efi/hv_elf.c
/* The boot_info hand-over of hypervisor.efi: the hypervisor's checks of
 * the block (boot/handover.c) and the loader's ELF plan and entry record
 * search (efi/hv_elf.c). */
#include "boot/handover.h"
#include "efi/hv_elf.h"
#include "lib/boot_handover.h"
#include "lib/errno.h"
#include "tests/unit/fakes.h"

#define BLOCK_PA 0x7f000000ULL
#define BLOCK_SIZE 16384

static union {
	struct boot_handover h;
	uint8_t raw[BLOCK_SIZE];
} blk;
static struct boot_info out;
static const char *err;

/* Strings are written into the block and given as the loader's physical
 * addresses, as hypervisor.efi does. */
static size_t used;

static const char *put_str(const char *s)
{
	size_t off = used;

	strcpy((char *)blk.raw + off, s);
	used += strlen(s) + 1;
	return (const char *)(uintptr_t)(BLOCK_PA + off);
}

static int setup(void **state)
{
	struct boot_info *bi = &blk.h.bi;

	(void)state;
	memset(&blk, 0, sizeof(blk));
	used = sizeof(blk.h);
	blk.h.magic = BOOT_HANDOVER_MAGIC;
	blk.h.size = sizeof(struct boot_info);
	bi->info_start = BLOCK_PA;
	bi->info_end = BLOCK_PA + BLOCK_SIZE;
	bi->cmdline = put_str("loglevel=info");
	bi->loader_name = put_str("uefi (hypervisor.efi)");
	bi->mmap[0] = (struct mem_region){ 0x100000, 0x1000000, MEM_USABLE };
	bi->mmap_count = 1;
	bi->modules[0] = (struct boot_module){ 0x200000, 0x201000, put_str("demo.vms") };
	bi->module_count = 1;
	return 0;
}

static int check(void)
{
	memset(&out, 0, sizeof(out));
	err = NULL;
	return boot_handover_check(&blk, BLOCK_PA, &out, &err);
}

static void expect_fail(const char *what)
{
	assert_int_equal(check(), -EINVAL);
	assert_non_null(err);
	if (!strstr(err, what))
		fail_msg("error \"%s\" lacks \"%s\"", err, what);
}

static void test_good_block(void **state)
{
	(void)state;
	assert_int_equal(check(), 0);
	assert_string_equal(out.cmdline, "loglevel=info");
	assert_string_equal(out.loader_name, "uefi (hypervisor.efi)");
	assert_int_equal(out.module_count, 1);
	assert_string_equal(out.modules[0].cmdline, "demo.vms");
	assert_int_equal(out.modules[0].start, 0x200000);
	assert_int_equal(out.mmap_count, 1);
	assert_int_equal(out.info_start, BLOCK_PA);
}

static void test_bad_header(void **state)
{
	(void)state;
	blk.h.magic = 1;
	expect_fail("magic");
	blk.h.magic = BOOT_HANDOVER_MAGIC;
	blk.h.size = 12;
	expect_fail("different builds");
	blk.h.size = sizeof(struct boot_info);
	blk.h.bi.info_start = BLOCK_PA + 4096;
	expect_fail("does not hold");
}

static void test_bad_counts(void **state)
{
	(void)state;
	blk.h.bi.mmap_count = 0;
	expect_fail("memory map entries");
	blk.h.bi.mmap_count = BOOT_MAX_MMAP + 1;
	expect_fail("memory map entries");
	blk.h.bi.mmap_count = 1;
	blk.h.bi.module_count = BOOT_MAX_MODULES + 1;
	expect_fail("modules");
}

static void test_bad_ranges(void **state)
{
	(void)state;
	blk.h.bi.mmap[0] = (struct mem_region){ UINT64_MAX - 10, 100, MEM_USABLE };
	expect_fail("wraps");
	setup(NULL);
	blk.h.bi.modules[0].end = 0x1000;
	expect_fail("start 0x200000 > end 0x1000");
	setup(NULL);
	blk.h.bi.rsdp = BLOCK_PA + 8192;
	blk.h.bi.rsdp_len = 8;
	expect_fail("RSDP");
}

static void test_strings_outside(void **state)
{
	(void)state;
	blk.h.bi.cmdline = (const char *)(uintptr_t)0x1000;
	expect_fail("command line string");
	setup(NULL);
	blk.h.bi.loader_name = NULL;
	expect_fail("loader name string");
	setup(NULL);
	/* A string whose NUL would lie past the block. */
	memset(blk.raw + BLOCK_SIZE - 8, 'x', 8);
	blk.h.bi.modules[0].cmdline = (const char *)(uintptr_t)(BLOCK_PA + BLOCK_SIZE - 8);
	expect_fail("module 0: name string");
}

/* A Multiboot2 magic still goes to the Multiboot2 parser. */
static void test_take_routes_by_magic(void **state)
{
	const char *e = NULL;

	(void)state;
	assert_int_equal(boot_info_take(0x12345678, 0, &out, &e), -EINVAL);
	assert_non_null(strstr(e, "multiboot2"));
}

/* --- efi/hv_elf.c --------------------------------------------------- */

static uint8_t elf[0x8000]; /* the file, and room to scan the image as loaded */

/* ELF64 header, two PT_LOAD segments (text at 1 MiB, data + bss after),
 * and the entry record at offset 0x40 of the first segment. */
static void build_elf(void)
{
	struct {
		uint8_t ident[16];
		uint16_t type, machine;
		uint32_t version;
		uint64_t entry, phoff, shoff;
		uint32_t flags;
		uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
	} eh = { { 0x7f, 'E', 'L', 'F', 2, 1, 1 }, 2, 62, 1, 0x100040, 64, 0, 0,
		 64, 56, 2, 0, 0, 0 };
	struct {
		uint32_t type, flags;
		uint64_t offset, vaddr, paddr, filesz, memsz, align;
	} ph[2] = {
		{ 1, 5, 0x1000, 0x100000, 0x100000, 0x800, 0x800, 0x1000 },
		{ 1, 6, 0x2000, 0x101000, 0x101000, 0x10, 0x5000, 0x1000 },
	};
	struct boot_entry64 rec = { BOOT_ENTRY64_SIG, BOOT_ENTRY64_VERSION,
				    sizeof(struct boot_info), 0x100100 };

	memset(elf, 0, sizeof(elf));
	memcpy(elf, &eh, sizeof(eh));
	memcpy(elf + 64, ph, sizeof(ph));
	memcpy(elf + 0x1000 + 0x40, &rec, sizeof(rec));
}

static void test_elf_plan(void **state)
{
	struct hv_elf_plan plan;
	uint64_t entry = 0;
	const char *e;

	(void)state;
	build_elf();
	assert_int_equal(hv_elf_plan(elf, sizeof(elf), &plan, &e), 0);
	assert_int_equal(plan.nseg, 2);
	assert_int_equal(plan.start, 0x100000);
	assert_int_equal(plan.end, 0x106000);
	assert_int_equal(plan.seg[1].filesz, 0x10);
	assert_int_equal(plan.seg[1].memsz, 0x5000);
	/* The image as loaded starts with the first segment's bytes. */
	assert_int_equal(hv_elf_find_entry(elf + 0x1000, &plan, &entry, &e), 0);
	assert_int_equal(entry, 0x100100);
}

static void test_elf_bad(void **state)
{
	struct hv_elf_plan plan;
	uint64_t entry;
	const char *e;

	(void)state;
	build_elf();
	assert_int_equal(hv_elf_plan(elf, 10, &plan, &e), -1);
	elf[18] = 3; /* EM_386 */
	assert_int_equal(hv_elf_plan(elf, sizeof(elf), &plan, &e), -1);
	assert_non_null(strstr(e, "x86-64"));
	build_elf();
	assert_int_equal(hv_elf_plan(elf, 0x1400, &plan, &e), -1);
	assert_non_null(strstr(e, "outside the file"));
	build_elf();
	memset(elf + 0x1040, 0, 8); /* no record */
	assert_int_equal(hv_elf_plan(elf, sizeof(elf), &plan, &e), 0);
	assert_int_equal(hv_elf_find_entry(elf + 0x1000, &plan, &entry, &e), -1);
	assert_non_null(strstr(e, "no boot_info entry record"));
	build_elf();
	memcpy(elf + 0x1040 + 12, &(uint32_t){ 8 }, 4); /* info_size */
	assert_int_equal(hv_elf_find_entry(elf + 0x1000, &plan, &entry, &e), -1);
	assert_non_null(strstr(e, "another version"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_good_block, setup),
		cmocka_unit_test_setup(test_bad_header, setup),
		cmocka_unit_test_setup(test_bad_counts, setup),
		cmocka_unit_test_setup(test_bad_ranges, setup),
		cmocka_unit_test_setup(test_strings_outside, setup),
		cmocka_unit_test_setup(test_take_routes_by_magic, setup),
		cmocka_unit_test(test_elf_plan),
		cmocka_unit_test(test_elf_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
