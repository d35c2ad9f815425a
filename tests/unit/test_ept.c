// UNIT-SOURCES: mm/ept.c mm/pt.c mm/frame.c mm/range.c
/* EPT built in fake RAM, checked by walking it and by reading raw entries. */
#include "mm/ept.h"
#include "lib/errno.h"
#include "mm/frame.h"
#include "tests/unit/fakes.h"

#define FAKE_BASE MiB(1)
#define FAKE_SIZE MiB(16)

static struct ept ept;
static unsigned invepts;
static uint64_t last_eptp;
static uint64_t free_at_flush;

static void fake_invept(uint64_t eptp)
{
	invepts++;
	last_eptp = eptp;
	free_at_flush = frame_free_bytes();
}

static const struct ept_config cfg_1g = { .page_2m = true, .page_1g = true };
static const struct ept_config cfg_2m = { .page_2m = true };
static const struct ept_config cfg_4k = { 0 };
static const struct ept_config cfg_hook = {
	.page_2m = true, .page_1g = true, .invept = fake_invept,
};

static int setup(void **state)
{
	static struct boot_info bi;
	const struct phys_range image = { MiB(1), MiB(2) };

	(void)state;
	fake_phys_init(FAKE_BASE, FAKE_SIZE);
	memset(&bi, 0, sizeof(bi));
	bi.mmap[0] = (struct mem_region){ FAKE_BASE, FAKE_SIZE, MEM_USABLE };
	bi.mmap_count = 1;
	assert_int_equal(frame_init(&bi, image, NULL, 0), 0);
	memset(&ept, 0, sizeof(ept));
	invepts = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ept_destroy(&ept);
	fake_phys_fini();
	return 0;
}

#define expect_map(gpa, hpa, perms, mt, level) \
	expect_map_at(__LINE__, (gpa), (hpa), (perms), (mt), (level))
#define expect_unmapped(gpa) expect_unmapped_at(__LINE__, (gpa))

static void expect_map_at(int line, gpa_t gpa, paddr_t hpa, unsigned perms,
			  enum ept_memtype mt, unsigned level)
{
	paddr_t got_hpa = 0;
	unsigned got_perms = 0, got_level = 0;
	enum ept_memtype got_mt = 0;
	int err = ept_translate(&ept, gpa, &got_hpa, &got_perms, &got_mt,
				&got_level);

	if (err || got_hpa != hpa || got_perms != perms || got_mt != mt ||
	    got_level != level)
		fail_msg("line %d: gpa 0x%llx -> err %d hpa 0x%llx perms %u mt %u "
			 "level %u; want hpa 0x%llx perms %u mt %u level %u",
			 line, (unsigned long long)gpa, err,
			 (unsigned long long)got_hpa, got_perms, got_mt,
			 got_level, (unsigned long long)hpa, perms, mt, level);
}

static void expect_unmapped_at(int line, gpa_t gpa)
{
	paddr_t hpa;

	if (ept_translate(&ept, gpa, &hpa, NULL, NULL, NULL) != -ENOENT)
		fail_msg("line %d: gpa 0x%llx mapped to 0x%llx", line,
			 (unsigned long long)gpa, (unsigned long long)hpa);
}

static const uint64_t *table(paddr_t pa)
{
	return phys_to_virt(pa & pt_addr_mask(PAGE_SHIFT));
}

/* 1 GiB of guest RAM on 1 GiB-aligned host memory: one 1 GiB page. */
static void test_1g_ram_with_1g_pages(void **state)
{
	(void)state;
	assert_int_equal(ept_create(&ept, &cfg_1g), 0);
	assert_int_equal(ept_map(&ept, 0, GiB(2), GiB(1), EPT_RWX, EPT_MT_WB), 0);
	assert_int_equal(ept_table_pages(&ept), 2); /* PML4 + PDPT */
	expect_map(0, GiB(2), EPT_RWX, EPT_MT_WB, 3);
	expect_map(MiB(5) + 123, GiB(2) + MiB(5) + 123, EPT_RWX, EPT_MT_WB, 3);
	expect_map(GiB(1) - 1, GiB(3) - 1, EPT_RWX, EPT_MT_WB, 3);
	expect_unmapped(GiB(1));
	expect_unmapped(PT_VA_LIMIT - 1);
}

/* The same with 2 MiB pages only: PML4 + PDPT + one PD. */
static void test_1g_ram_with_2m_pages(void **state)
{
	(void)state;
	assert_int_equal(ept_create(&ept, &cfg_2m), 0);
	assert_int_equal(ept_map(&ept, 0, GiB(2), GiB(1), EPT_RWX, EPT_MT_WB), 0);
	assert_int_equal(ept_table_pages(&ept), 3);
	for (gpa_t g = 0; g < GiB(1); g += MiB(2)) {
		expect_map(g, GiB(2) + g, EPT_RWX, EPT_MT_WB, 2);
		expect_map(g + MiB(2) - 1, GiB(2) + g + MiB(2) - 1, EPT_RWX,
			   EPT_MT_WB, 2);
	}
	expect_unmapped(GiB(1));
}

static void test_4k_pages_only(void **state)
{
	(void)state;
	assert_int_equal(ept_create(&ept, &cfg_4k), 0);
	assert_int_equal(ept_map(&ept, 0, GiB(2), MiB(4), EPT_RWX, EPT_MT_WB), 0);
	assert_int_equal(ept_table_pages(&ept), 5); /* PML4, PDPT, PD, 2 PTs */
	for (gpa_t g = 0; g < MiB(4); g += PAGE_SIZE)
		expect_map(g, GiB(2) + g, EPT_RWX, EPT_MT_WB, 1);
	expect_unmapped(MiB(4));
}

/* 4K pages at unaligned edges, 2M in the aligned middle; every page of
 * the range checked. */
static void test_mixed_edges(void **state)
{
	const gpa_t start = KiB(4), end = MiB(4) + KiB(12);
	const paddr_t host = GiB(2) + KiB(4);

	(void)state;
	assert_int_equal(ept_create(&ept, &cfg_1g), 0);
	assert_int_equal(ept_map(&ept, start, host, end - start,
				 EPT_R | EPT_W, EPT_MT_WB), 0);
	expect_unmapped(0);
	expect_unmapped(KiB(4) - 1);
	for (gpa_t g = start; g < end; g += PAGE_SIZE) {
		unsigned level = g >= MiB(2) && g < MiB(4) ? 2 : 1;

		expect_map(g, host + g - start, EPT_R | EPT_W, EPT_MT_WB, level);
		expect_map(g + PAGE_SIZE - 1, host + g - start + PAGE_SIZE - 1,
			   EPT_R | EPT_W, EPT_MT_WB, level);
	}
	expect_unmapped(end);
	/* PML4, PDPT, PD, PTs for [0,2M) and [4M,6M). */
	assert_int_equal(ept_table_pages(&ept), 5);

	/* Host side only 4K-aligned: no large page possible. */
	assert_int_equal(ept_map(&ept, MiB(8), GiB(3) + KiB(4), MiB(2),
				 EPT_RWX, EPT_MT_WB), 0);
	expect_map(MiB(8), GiB(3) + KiB(4), EPT_RWX, EPT_MT_WB, 1);
	expect_map(MiB(10) - 1, GiB(3) + KiB(4) + MiB(2) - 1, EPT_RWX,
		   EPT_MT_WB, 1);
}

/* Guest RAM from scattered 2 MiB host chunks. */
static void test_noncontiguous_chunks(void **state)
{
	const paddr_t chunk[] = { GiB(6), GiB(2), GiB(10) + MiB(2), GiB(4) };

	(void)state;
	assert_int_equal(ept_create(&ept, &cfg_1g), 0);
	for (unsigned i = 0; i < ARRAY_SIZE(chunk); i++)
		assert_int_equal(ept_map(&ept, i * MiB(2), chunk[i], MiB(2),
					 EPT_RWX, EPT_MT_WB), 0);
	for (unsigned i = 0; i < ARRAY_SIZE(chunk); i++) {
		expect_map(i * MiB(2), chunk[i], EPT_RWX, EPT_MT_WB, 2);
		expect_map((i + 1) * MiB(2) - 1, chunk[i] + MiB(2) - 1, EPT_RWX,
			   EPT_MT_WB, 2);
	}
	expect_unmapped(MiB(8));
	assert_int_equal(ept_table_pages(&ept), 3);
}

/* Mapping over a mapping is refused and changes nothing. */
static void test_overlap_refused(void **state)
{
	(void)state;
	assert_int_equal(ept_create(&ept, &cfg_1g), 0);
	assert_int_equal(ept_map(&ept, MiB(2), GiB(2), MiB(2), EPT_RWX,
				 EPT_MT_WB), 0);
	assert_int_equal(ept_map(&ept, 0, GiB(4), MiB(4) + KiB(4), EPT_RWX,
				 EPT_MT_WB), -EEXIST);
	assert_int_equal(ept_map(&ept, MiB(4) - KiB(4), GiB(4), KiB(4), EPT_R,
				 EPT_MT_UC), -EEXIST);
	expect_unmapped(0);
	expect_unmapped(MiB(4));
	expect_map(MiB(2), GiB(2), EPT_RWX, EPT_MT_WB, 2);
	assert_int_equal(ept_table_pages(&ept), 3);
	/* Right next to it is fine. */
	assert_int_equal(ept_map(&ept, MiB(4), GiB(4), KiB(4), EPT_R,
				 EPT_MT_WB), 0);
	/* Unmap + map is how a mapping changes. */
	assert_int_equal(ept_unmap(&ept, MiB(2), MiB(2)), 0);
	assert_int_equal(ept_map(&ept, MiB(2), GiB(8), MiB(2), EPT_R | EPT_X,
				 EPT_MT_WB), 0);
	expect_map(MiB(3), GiB(8) + MiB(1), EPT_R | EPT_X, EPT_MT_WB, 2);
}

static void test_unmap_splits_2m(void **state)
{
	(void)state;
	assert_int_equal(ept_create(&ept, &cfg_hook), 0);
	assert_int_equal(ept_map(&ept, 0, GiB(2), MiB(4), EPT_RWX, EPT_MT_WB), 0);
	assert_int_equal(invepts, 0); /* building needs no flush */
	assert_int_equal(ept_table_pages(&ept), 3);

	assert_int_equal(ept_unmap(&ept, MiB(1), KiB(4)), 0);
	assert_int_equal(invepts, 1);
	assert_int_equal(last_eptp, ept_eptp(&ept));
	assert_int_equal(ept_table_pages(&ept), 4);
	expect_map(0, GiB(2), EPT_RWX, EPT_MT_WB, 1);
	expect_map(MiB(1) - 1, GiB(2) + MiB(1) - 1, EPT_RWX, EPT_MT_WB, 1);
	expect_unmapped(MiB(1));
	expect_unmapped(MiB(1) + KiB(4) - 1);
	expect_map(MiB(1) + KiB(4), GiB(2) + MiB(1) + KiB(4), EPT_RWX,
		   EPT_MT_WB, 1);
	expect_map(MiB(2) - 1, GiB(2) + MiB(2) - 1, EPT_RWX, EPT_MT_WB, 1);
	expect_map(MiB(2), GiB(2) + MiB(2), EPT_RWX, EPT_MT_WB, 2);

	/* Unmapping a hole needs no flush. */
	assert_int_equal(ept_unmap(&ept, GiB(1), GiB(1)), 0);
	assert_int_equal(invepts, 1);
}

static void test_protect_splits_2m(void **state)
{
	(void)state;
	assert_int_equal(ept_create(&ept, &cfg_hook), 0);
	assert_int_equal(ept_map(&ept, 0, GiB(2), MiB(4), EPT_RWX, EPT_MT_WB), 0);
	assert_int_equal(ept_protect(&ept, MiB(2) + KiB(8), KiB(8), EPT_R), 0);
	assert_int_equal(invepts, 1);
	assert_int_equal(ept_table_pages(&ept), 4);
	expect_map(MiB(2) - 1, GiB(2) + MiB(2) - 1, EPT_RWX, EPT_MT_WB, 2);
	expect_map(MiB(2), GiB(2) + MiB(2), EPT_RWX, EPT_MT_WB, 1);
	expect_map(MiB(2) + KiB(8) - 1, GiB(2) + MiB(2) + KiB(8) - 1, EPT_RWX,
		   EPT_MT_WB, 1);
	expect_map(MiB(2) + KiB(8), GiB(2) + MiB(2) + KiB(8), EPT_R, EPT_MT_WB, 1);
	expect_map(MiB(2) + KiB(16) - 1, GiB(2) + MiB(2) + KiB(16) - 1, EPT_R,
		   EPT_MT_WB, 1);
	expect_map(MiB(2) + KiB(16), GiB(2) + MiB(2) + KiB(16), EPT_RWX,
		   EPT_MT_WB, 1);
	expect_map(MiB(4) - 1, GiB(2) + MiB(4) - 1, EPT_RWX, EPT_MT_WB, 1);

	/* Same rights again: nothing changes, no flush. */
	assert_int_equal(ept_protect(&ept, MiB(2) + KiB(8), KiB(8), EPT_R), 0);
	assert_int_equal(invepts, 1);
	/* A whole large page keeps its size; memory type survives. */
	assert_int_equal(ept_protect(&ept, 0, MiB(2), EPT_R | EPT_X), 0);
	assert_int_equal(invepts, 2);
	expect_map(KiB(4), GiB(2) + KiB(4), EPT_R | EPT_X, EPT_MT_WB, 2);

	assert_int_equal(ept_protect(&ept, 0, MiB(2), 0), -EINVAL);
	assert_int_equal(ept_protect(&ept, 0, MiB(2), EPT_W), -EINVAL);
	assert_int_equal(ept_protect(&ept, 0, MiB(2), EPT_X), -EINVAL);
	assert_int_equal(ept_protect(&ept, 0, MiB(2), 8), -EINVAL);
	expect_map(0, GiB(2), EPT_R | EPT_X, EPT_MT_WB, 2);
}

static void test_exec_only_needs_cap(void **state)
{
	struct ept_config cfg = cfg_2m;

	(void)state;
	assert_int_equal(ept_create(&ept, &cfg), 0);
	assert_int_equal(ept_map(&ept, 0, GiB(2), MiB(2), EPT_X, EPT_MT_WB),
			 -EINVAL);
	ept_destroy(&ept);
	cfg.exec_only = true;
	assert_int_equal(ept_create(&ept, &cfg), 0);
	assert_int_equal(ept_map(&ept, 0, GiB(2), MiB(2), EPT_X, EPT_MT_WB), 0);
	expect_map(0, GiB(2), EPT_X, EPT_MT_WB, 2);
}

static void test_mmio_uc_and_memtypes(void **state)
{
	(void)state;
	assert_int_equal(ept_create(&ept, &cfg_1g), 0);
	assert_int_equal(ept_map(&ept, 0xfee00000, 0xfee00000, KiB(4),
				 EPT_R | EPT_W, EPT_MT_UC), 0);
	assert_int_equal(ept_map(&ept, 0xfd000000, GiB(3), MiB(2),
				 EPT_R | EPT_W, EPT_MT_WC), 0);
	expect_map(0xfee00000, 0xfee00000, EPT_R | EPT_W, EPT_MT_UC, 1);
	expect_map(0xfee00fff, 0xfee00fff, EPT_R | EPT_W, EPT_MT_UC, 1);
	expect_unmapped(0xfee01000);
	expect_map(0xfd000000, GiB(3), EPT_R | EPT_W, EPT_MT_WC, 2);
	assert_int_equal(ept_map(&ept, 0, GiB(2), KiB(4), EPT_RWX, 2), -EINVAL);
	assert_int_equal(ept_map(&ept, 0, GiB(2), KiB(4), EPT_RWX, 7), -EINVAL);
}

/* The bits the processor reads, not just our own round trip. */
static void test_raw_entry_format(void **state)
{
	const uint64_t *pml4, *pdpt, *pd, *pt;

	(void)state;
	assert_int_equal(ept_create(&ept, &cfg_1g), 0);
	assert_int_equal(ept_map(&ept, 0, GiB(2), MiB(2), EPT_RWX, EPT_MT_WB), 0);
	assert_int_equal(ept_map(&ept, MiB(2), 0xfee00000, KiB(4),
				 EPT_R | EPT_W, EPT_MT_UC), 0);
	assert_int_equal(ept_map(&ept, GiB(1), GiB(4), GiB(1), EPT_R,
				 EPT_MT_WT), 0);
	pml4 = table(ept.pt.root);
	assert_int_equal(pml4[0] & 0xff, EPT_RWX); /* table: RWX, no PS */
	pdpt = table(pml4[0]);
	assert_int_equal(pdpt[1], GiB(4) | BIT(7) | (4 << 3) | EPT_R);
	pd = table(pdpt[0]);
	assert_int_equal(pd[0], GiB(2) | BIT(7) | (6 << 3) | EPT_RWX);
	assert_int_equal(pd[1] & 0xff, EPT_RWX);
	pt = table(pd[1]);
	assert_int_equal(pt[0], 0xfee00000 | (0 << 3) | EPT_R | EPT_W);
	assert_int_equal(pt[1], 0);
}

static void test_eptp_and_caps(void **state)
{
	struct ept_config cfg;
	uint64_t eptp;

	(void)state;
	assert_int_equal(ept_create(&ept, &cfg_1g), 0);
	eptp = ept_eptp(&ept);
	assert_int_equal(eptp & ~0xfffull, ept.pt.root);
	assert_int_equal(eptp & EPTP_MEMTYPE_MASK, EPT_MT_WB);
	assert_int_equal((eptp & EPTP_WALK_MASK) >> EPTP_WALK_SHIFT, 3);
	assert_int_equal(eptp & EPTP_AD_ENABLE, 0);
	assert_int_equal(eptp & 0xf80, 0);
	ept_destroy(&ept);

	assert_int_equal(ept_config_from_cap(EPT_CAP_WALK4 | EPT_CAP_WB |
						     EPT_CAP_2M | EPT_CAP_1G |
						     EPT_CAP_AD | EPT_CAP_EXEC_ONLY,
					     &cfg), 0);
	assert_true(cfg.page_2m && cfg.page_1g && cfg.ad && cfg.exec_only);
	assert_false(cfg.walk_uc);
	assert_int_equal(ept_create(&ept, &cfg), 0);
	eptp = ept_eptp(&ept);
	assert_int_equal(eptp & EPTP_AD_ENABLE, EPTP_AD_ENABLE);
	ept_destroy(&ept);

	assert_int_equal(ept_config_from_cap(EPT_CAP_WALK4 | EPT_CAP_UC, &cfg),
			 0);
	assert_true(cfg.walk_uc);
	assert_false(cfg.page_2m || cfg.page_1g || cfg.ad);
	assert_int_equal(ept_create(&ept, &cfg), 0);
	assert_int_equal(ept_eptp(&ept) & EPTP_MEMTYPE_MASK, EPT_MT_UC);
	assert_int_equal(ept_config_from_cap(EPT_CAP_WB | EPT_CAP_2M, &cfg),
			 -EINVAL);
	assert_int_equal(ept_config_from_cap(EPT_CAP_WALK4, &cfg), -EINVAL);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	assert_int_equal(ept_create(&ept, &cfg_1g), 0);
	assert_int_equal(ept_map(&ept, 1, GiB(2), KiB(4), EPT_RWX, EPT_MT_WB),
			 -EINVAL);
	assert_int_equal(ept_map(&ept, 0, GiB(2) + 1, KiB(4), EPT_RWX,
				 EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&ept, 0, GiB(2), 0, EPT_RWX, EPT_MT_WB),
			 -EINVAL);
	assert_int_equal(ept_map(&ept, PT_VA_LIMIT - KiB(4), GiB(2), KiB(8),
				 EPT_RWX, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&ept, UINT64_MAX - KiB(4) + 1, GiB(2), KiB(8),
				 EPT_RWX, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&ept, 0, GiB(2), KiB(4), EPT_W, EPT_MT_WB),
			 -EINVAL);
	assert_int_equal(ept_unmap(&ept, 0, 3), -EINVAL);
	/* The very last page below 2^48 is mappable. */
	assert_int_equal(ept_map(&ept, PT_VA_LIMIT - KiB(4), GiB(2), KiB(4),
				 EPT_R, EPT_MT_WB), 0);
	expect_map(PT_VA_LIMIT - 1, GiB(2) + KiB(4) - 1, EPT_R, EPT_MT_WB, 1);
	assert_int_equal(ept_table_pages(&ept), 4);
}

/* Tables unlinked by a change are freed only after the INVEPT hook, and
 * destroy gives everything back. */
static void test_tables_freed_after_flush(void **state)
{
	uint64_t before = frame_free_bytes();

	(void)state;
	assert_int_equal(ept_create(&ept, &cfg_hook), 0);
	assert_int_equal(ept_map(&ept, 0, GiB(2), MiB(2) - KiB(4), EPT_RWX,
				 EPT_MT_WB), 0);
	assert_int_equal(ept_map(&ept, GiB(1) + KiB(4), GiB(3), KiB(4), EPT_R,
				 EPT_MT_WB), 0);
	assert_int_equal(ept_table_pages(&ept), 6);
	/* Dropping GiB 0 frees its PD and PT, after the flush. */
	assert_int_equal(ept_unmap(&ept, 0, GiB(1)), 0);
	assert_int_equal(invepts, 1);
	assert_int_equal(frame_free_bytes(), free_at_flush + 2 * PAGE_SIZE);
	assert_int_equal(ept_table_pages(&ept), 4);
	expect_map(GiB(1) + KiB(4), GiB(3), EPT_R, EPT_MT_WB, 1);
	ept_destroy(&ept);
	assert_int_equal(frame_free_bytes(), before);
}

/* More unlinked subtrees than the retire list holds in one call. */
static void test_many_retired_tables(void **state)
{
	uint64_t before = frame_free_bytes();

	(void)state;
	assert_int_equal(ept_create(&ept, &cfg_hook), 0);
	for (unsigned i = 0; i < 40; i++)
		assert_int_equal(ept_map(&ept, i * MiB(2), GiB(2) + i * MiB(2),
					 KiB(4), EPT_RWX, EPT_MT_WB), 0);
	assert_int_equal(ept_table_pages(&ept), 3 + 40);
	assert_int_equal(ept_unmap(&ept, 0, MiB(80)), 0);
	assert_true(invepts >= 3); /* the list filled up twice on the way */
	assert_int_equal(ept_table_pages(&ept), 3);
	/* GiB 0 is empty now: a 1 GiB page replaces its PD. */
	assert_int_equal(ept_map(&ept, 0, GiB(4), GiB(1), EPT_RWX, EPT_MT_WB), 0);
	assert_int_equal(ept_table_pages(&ept), 2);
	expect_map(MiB(3), GiB(4) + MiB(3), EPT_RWX, EPT_MT_WB, 3);
	ept_destroy(&ept);
	assert_int_equal(frame_free_bytes(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_1g_ram_with_1g_pages, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_1g_ram_with_2m_pages, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_4k_pages_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mixed_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_noncontiguous_chunks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_overlap_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_splits_2m, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protect_splits_2m, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_exec_only_needs_cap, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mmio_uc_and_memtypes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_raw_entry_format, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_eptp_and_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tables_freed_after_flush, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_many_retired_tables, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
