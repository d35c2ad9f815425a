// UNIT-SOURCES: mm/paging.c mm/pt.c mm/frame.c mm/range.c
/* Host page tables built in fake RAM, checked by walking them. */
#include "mm/paging.h"
#include "lib/errno.h"
#include "mm/frame.h"
#include "tests/unit/fakes.h"

#define FAKE_BASE MiB(1)
#define FAKE_SIZE MiB(16)

#define TEXT_START MiB(1)
#define TEXT_END (MiB(1) + KiB(64))
#define RODATA_END (MiB(1) + KiB(96))

static struct boot_info bi;   /* the map the direct map is built from */
static struct paging pg;
static unsigned flushes;

static void count_flush(void *ctx)
{
	(void)ctx;
	flushes++;
}

/* The tables come from a frame allocator managing the fake RAM. */
static void frames_init(uint64_t usable)
{
	static struct boot_info fbi;
	const struct phys_range image = { MiB(1), MiB(2) };

	memset(&fbi, 0, sizeof(fbi));
	fbi.mmap[0] = (struct mem_region){ MiB(1), usable, MEM_USABLE };
	fbi.mmap_count = 1;
	assert_int_equal(frame_init(&fbi, image, NULL, 0), 0);
}

static int setup(void **state)
{
	(void)state;
	fake_phys_init(FAKE_BASE, FAKE_SIZE);
	frames_init(FAKE_SIZE);
	memset(&bi, 0, sizeof(bi));
	memset(&pg, 0, sizeof(pg));
	flushes = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	paging_destroy(&pg);
	fake_phys_fini();
	return 0;
}

static void map_add(uint64_t base, uint64_t len, uint32_t type)
{
	bi.mmap[bi.mmap_count++] = (struct mem_region){ base, len, type };
}

static struct paging_layout layout(const struct phys_range *mmio,
				   unsigned nmmio, bool gbpages)
{
	return (struct paging_layout){
		.bi = &bi,
		.text = { TEXT_START, TEXT_END },
		.rodata = { TEXT_END, RODATA_END },
		.mmio = mmio,
		.nmmio = nmmio,
		.gbpages = gbpages,
	};
}

#define expect_map(va, flags) expect_map_at(__LINE__, (va), (flags))
#define expect_unmapped(va) expect_unmapped_at(__LINE__, (va))

/* Identity translation with exactly these flags. */
static void expect_map_at(int line, uint64_t va, unsigned flags)
{
	paddr_t pa = 0;
	unsigned got = 0;
	int err = paging_translate(paging_root(&pg), va, &pa, &got);

	if (err || pa != va || got != flags)
		fail_msg("line %d: va 0x%llx -> err %d pa 0x%llx flags 0x%x, "
			 "want identity flags 0x%x", line,
			 (unsigned long long)va, err, (unsigned long long)pa,
			 got, flags);
}

static void expect_unmapped_at(int line, uint64_t va)
{
	paddr_t pa;
	unsigned flags;
	int err = paging_translate(paging_root(&pg), va, &pa, &flags);

	if (err != -ENOENT)
		fail_msg("line %d: va 0x%llx mapped (pa 0x%llx), want unmapped",
			 line, (unsigned long long)va, (unsigned long long)pa);
}

/* A PC below 1 GiB plus LAPIC and IOAPIC, with 2 MiB pages only. */
static void test_direct_map_2m(void **state)
{
	const struct phys_range mmio[] = {
		{ 0xfee00000, 0xfee01000 }, /* LAPIC */
		{ 0xfec00000, 0xfec00400 }, /* IOAPIC, widened to a page */
	};
	struct paging_layout l = layout(mmio, ARRAY_SIZE(mmio), false);

	(void)state;
	map_add(0, 0x9fc00, MEM_USABLE);
	map_add(0x9fc00, 0x60400, MEM_RESERVED);
	map_add(MiB(1), MiB(511), MEM_USABLE);
	map_add(MiB(512), KiB(64), MEM_ACPI_RECLAIM);
	map_add(MiB(512) + KiB(64), MiB(512) - KiB(64), MEM_RESERVED);
	assert_int_equal(paging_build_direct(&pg, &l), 0);

	/* Every page of the first 4 MiB: low memory, text, rodata, data. */
	for (uint64_t va = 0; va < MiB(2); va += PAGE_SIZE) {
		unsigned want = PG_W;

		if (va >= TEXT_START && va < TEXT_END)
			want = PG_X;
		else if (va >= TEXT_END && va < RODATA_END)
			want = 0;
		expect_map(va, want);
		expect_map(va + PAGE_SIZE - 1, want);
	}
	for (uint64_t va = MiB(2); va < MiB(512); va += MiB(2))
		expect_map(va, PG_W | PG_SIZE_2M);
	expect_map(MiB(512) - 1, PG_W | PG_SIZE_2M);
	expect_map(MiB(512), PG_W);
	expect_map(MiB(512) + KiB(64) - 1, PG_W);
	expect_unmapped(MiB(512) + KiB(64));
	expect_unmapped(GiB(1) - 1);
	expect_unmapped(GiB(1));
	expect_map(0xfee00000, PG_W | PG_UC);
	expect_map(0xfee00fff, PG_W | PG_UC);
	expect_unmapped(0xfee01000);
	expect_unmapped(0xfedff000);
	expect_map(0xfec00000, PG_W | PG_UC);
	expect_map(0xfec00fff, PG_W | PG_UC);
	expect_unmapped(0xfec01000);
	expect_unmapped(GiB(4));
	expect_unmapped(PAGING_VA_LIMIT - 1);
	/* PML4 + PDPT + PDs for GiB 0 and 3 + PTs for [0,2M) (text),
	 * [512M,514M) (ACPI), the IOAPIC and the LAPIC 2 MiB blocks. */
	assert_int_equal(paging_table_pages(&pg), 8);
}

/* RAM above 4 GiB, odd edges, with and without 1 GiB pages. */
static void build_big_map(bool gbpages)
{
	struct paging_layout l = layout(NULL, 0, gbpages);

	map_add(MiB(1), GiB(3), MEM_USABLE); /* to 3G+1M */
	map_add(GiB(3) + MiB(1), KiB(12), MEM_USABLE);
	map_add(GiB(3) + MiB(2) + 0x10, 0x10, MEM_ACPI_NVS);
	map_add(GiB(4), GiB(4) + MiB(2) + KiB(4), MEM_USABLE);
	map_add(GiB(9), GiB(1), MEM_RESERVED);
	assert_int_equal(paging_build_direct(&pg, &l), 0);
}

static void check_big_map(unsigned gb_flag)
{
	expect_map(0, PG_W);
	expect_map(TEXT_START, PG_X);
	expect_map(MiB(2), PG_W | PG_SIZE_2M);
	expect_map(GiB(1) - 1, PG_W | PG_SIZE_2M);
	expect_map(GiB(1), PG_W | gb_flag);
	expect_map(GiB(3) - 1, PG_W | gb_flag);
	expect_map(GiB(3), PG_W); /* [3G, 3G+1M+12K) is under 2 MiB */
	expect_map(GiB(3) + MiB(1) + KiB(12) - 1, PG_W);
	expect_unmapped(GiB(3) + MiB(1) + KiB(12));
	expect_map(GiB(3) + MiB(2), PG_W); /* ACPI NVS, widened */
	expect_unmapped(GiB(3) + MiB(2) + KiB(4));
	expect_unmapped(GiB(4) - 1);
	expect_map(GiB(4), PG_W | gb_flag);
	expect_map(GiB(8) - 1, PG_W | gb_flag);
	expect_map(GiB(8), PG_W | PG_SIZE_2M);
	expect_map(GiB(8) + MiB(2), PG_W);
	expect_unmapped(GiB(8) + MiB(2) + KiB(4));
	expect_unmapped(GiB(9));
}

static void test_direct_map_1g_above_4g(void **state)
{
	(void)state;
	build_big_map(true);
	check_big_map(PG_SIZE_1G);
	/* PML4, PDPT, then a PD each for GiB 0, 3 and 8, with PTs for
	 * [0,2M), [3G,3G+2M), [3G+2M,3G+4M) and [8G+2M,8G+4M). */
	assert_int_equal(paging_table_pages(&pg), 9);
}

static void test_direct_map_2m_above_4g(void **state)
{
	(void)state;
	build_big_map(false);
	for (uint64_t va = GiB(1); va < GiB(3); va += MiB(2))
		expect_map(va, PG_W | PG_SIZE_2M);
	check_big_map(PG_SIZE_2M);
	/* PML4, PDPT, 9 PDs (GiB 0-8) and the same 4 PTs. */
	assert_int_equal(paging_table_pages(&pg), 15);
}

static void test_map_unmap_protect_split(void **state)
{
	(void)state;
	assert_int_equal(paging_init(&pg, true), 0);
	paging_set_flush(&pg, count_flush, NULL);
	assert_int_equal(paging_map_range(&pg, 0, 0, GiB(2), PG_W), 0);
	assert_int_equal(paging_table_pages(&pg), 2);
	assert_int_equal(flushes, 0); /* nothing was present */

	/* A hole in the second 1 GiB page: split to 2M, then 4K. */
	assert_int_equal(paging_unmap_range(&pg, GiB(1) + KiB(4), KiB(4)), 0);
	assert_int_equal(flushes, 1);
	assert_int_equal(paging_table_pages(&pg), 4);
	expect_map(GiB(1), PG_W);
	expect_unmapped(GiB(1) + KiB(4));
	expect_unmapped(GiB(1) + KiB(8) - 1);
	expect_map(GiB(1) + KiB(8), PG_W);
	expect_map(GiB(1) + MiB(2) - 1, PG_W);
	expect_map(GiB(1) + MiB(2), PG_W | PG_SIZE_2M);
	expect_map(GiB(2) - 1, PG_W | PG_SIZE_2M);

	/* Read-only [2M, 4M): the first 1 GiB page becomes 2 MiB pages. */
	assert_int_equal(paging_protect_range(&pg, MiB(2), MiB(2), 0), 0);
	assert_int_equal(flushes, 2);
	assert_int_equal(paging_table_pages(&pg), 5);
	expect_map(MiB(2) - 1, PG_W | PG_SIZE_2M);
	expect_map(MiB(2), PG_SIZE_2M);
	expect_map(MiB(4) - 1, PG_SIZE_2M);
	expect_map(MiB(4), PG_W | PG_SIZE_2M);

	/* Executable one page in the middle of a 2 MiB page. */
	assert_int_equal(paging_protect_range(&pg, MiB(3), KiB(4), PG_X), 0);
	assert_int_equal(paging_table_pages(&pg), 6);
	expect_map(MiB(3) - 1, 0);
	expect_map(MiB(3), PG_X);
	expect_map(MiB(3) + KiB(4), 0);

	/* Unmapping all of GiB 1 frees its PD and PT. */
	assert_int_equal(paging_unmap_range(&pg, GiB(1), GiB(1)), 0);
	assert_int_equal(paging_table_pages(&pg), 4);
	expect_unmapped(GiB(1));
	expect_unmapped(GiB(2) - 1);

	/* Mapping over GiB 0 with one page replaces the tables under it. */
	flushes = 0;
	assert_int_equal(paging_map_range(&pg, 0, GiB(5), GiB(1), PG_W), 0);
	assert_int_equal(flushes, 1);
	assert_int_equal(paging_table_pages(&pg), 2);
	{
		paddr_t pa;
		unsigned f;

		assert_int_equal(paging_translate(paging_root(&pg), MiB(3) + 5,
						  &pa, &f), 0);
		assert_int_equal(pa, GiB(5) + MiB(3) + 5);
		assert_int_equal(f, PG_W | PG_SIZE_1G);
	}
	/* Protecting a hole changes nothing and needs no flush. */
	flushes = 0;
	assert_int_equal(paging_protect_range(&pg, GiB(3), GiB(1), PG_W), 0);
	assert_int_equal(flushes, 0);
	expect_unmapped(GiB(3));
}

static void test_bad_arguments(void **state)
{
	struct paging_layout l;

	(void)state;
	assert_int_equal(paging_init(&pg, false), 0);
	assert_int_equal(paging_map_range(&pg, 1, 0, PAGE_SIZE, PG_W), -EINVAL);
	assert_int_equal(paging_map_range(&pg, 0, 1, PAGE_SIZE, PG_W), -EINVAL);
	assert_int_equal(paging_map_range(&pg, 0, 0, 100, PG_W), -EINVAL);
	assert_int_equal(paging_map_range(&pg, 0, 0, 0, PG_W), -EINVAL);
	assert_int_equal(paging_map_range(&pg, 0, 0, PAGE_SIZE, 0x80), -EINVAL);
	assert_int_equal(paging_map_range(&pg, PAGING_VA_LIMIT - PAGE_SIZE, 0,
					  2 * PAGE_SIZE, PG_W), -EINVAL);
	assert_int_equal(paging_map_range(&pg, PAGE_SIZE, PT_PA_LIMIT,
					  PAGE_SIZE, PG_W), -EINVAL);
	assert_int_equal(paging_protect_range(&pg, 0, PAGE_SIZE, PG_UC),
			 -EINVAL);
	assert_int_equal(paging_map_mmio(&pg, 0x1000, 0), -EINVAL);
	assert_int_equal(paging_table_pages(&pg), 1);
	paging_destroy(&pg);

	map_add(MiB(1), MiB(64), MEM_USABLE);
	l = layout(NULL, 0, false);
	l.text.end += 0x10;
	assert_int_equal(paging_build_direct(&pg, &l), -EINVAL);
	l = layout(NULL, 0, false);
	l.rodata = (struct phys_range){ MiB(3), MiB(2) };
	assert_int_equal(paging_build_direct(&pg, &l), -EINVAL);
}

/* A map that calls the IOAPIC page RAM still gets it uncached; mmio need
 * not be page-aligned. */
static void test_mmio_wins(void **state)
{
	const struct phys_range mmio[] = { { 0xfec00010, 0xfec00020 } };
	struct paging_layout l = layout(mmio, 1, true);

	(void)state;
	map_add(MiB(1), GiB(4) - MiB(1), MEM_USABLE);
	assert_int_equal(paging_build_direct(&pg, &l), 0);
	expect_map(0xfec00000, PG_W | PG_UC);
	expect_map(0xfebff000, PG_W | PG_SIZE_2M);
	expect_map(0xfec01000, PG_W); /* the rest of the split 2 MiB */
	expect_map(0xfee00000, PG_W | PG_SIZE_2M);
	expect_map(GiB(2), PG_W | PG_SIZE_1G);
	assert_int_equal(paging_map_mmio(&pg, 0xfed00ff8, 16), 0);
	expect_map(0xfed00000, PG_W | PG_UC);
	expect_map(0xfed01000, PG_W | PG_UC);
	expect_map(0xfed02000, PG_W);
}

/* The bits the processor reads (SDM vol. 3 4.5): P=0 RW=1 PWT=3 PCD=4
 * PS=7 NX=63, tables P|RW with no NX. */
static void test_raw_entry_format(void **state)
{
	const uint64_t *pml4, *pdpt, *pd, *pt;

	(void)state;
	assert_int_equal(paging_init(&pg, true), 0);
	assert_int_equal(paging_map_range(&pg, 0, GiB(3), GiB(1), PG_W), 0);
	assert_int_equal(paging_map_range(&pg, GiB(1), GiB(5), MiB(2), PG_X), 0);
	assert_int_equal(paging_map_range(&pg, GiB(1) + MiB(2), 0xfee00000,
					  KiB(4), PG_W | PG_UC), 0);
	pml4 = phys_to_virt(paging_root(&pg));
	assert_int_equal(pml4[0] & ~pt_addr_mask(PAGE_SHIFT), 0x3);
	pdpt = phys_to_virt(pml4[0] & pt_addr_mask(PAGE_SHIFT));
	assert_int_equal(pdpt[0], GiB(3) | BIT(63) | 0x83);
	assert_int_equal(pdpt[1] & ~pt_addr_mask(PAGE_SHIFT), 0x3);
	pd = phys_to_virt(pdpt[1] & pt_addr_mask(PAGE_SHIFT));
	assert_int_equal(pd[0], GiB(5) | 0x81);
	pt = phys_to_virt(pd[1] & pt_addr_mask(PAGE_SHIFT));
	assert_int_equal(pt[0], 0xfee00000 | BIT(63) | 0x1b);
	assert_int_equal(pt[1], 0);
}

/* Out of frames half-way: an error, and every table is given back. */
static void test_out_of_memory(void **state)
{
	struct paging_layout l = layout(NULL, 0, false);
	uint64_t before;

	(void)state;
	frames_init(MiB(1) + 6 * PAGE_SIZE); /* bitmap + 5 table pages */
	before = frame_free_bytes();
	assert_int_equal(before, 5 * PAGE_SIZE);
	map_add(0, GiB(8), MEM_USABLE); /* needs PML4 + PDPT + 8 PDs + PT */
	assert_int_equal(paging_build_direct(&pg, &l), -ENOMEM);
	assert_int_equal(frame_free_bytes(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_direct_map_2m, setup, teardown),
		cmocka_unit_test_setup_teardown(test_direct_map_1g_above_4g, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_direct_map_2m_above_4g, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_map_unmap_protect_split, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmio_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_entry_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
