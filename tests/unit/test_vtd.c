// UNIT-SOURCES: drivers/vtd_tables.c drivers/vtd_fault.c mm/iommu_pt.c mm/pt.c mm/frame.c mm/range.c
/* VT-d structures built in fake RAM: second-level tables (3 and 4 levels,
 * large pages), root and context entries, IRTEs and remappable MSIs,
 * invalidation descriptors, fault records. */
#include "drivers/vtd_tables.h"
#include "lib/errno.h"
#include "mm/frame.h"
#include "mm/iommu_pt.h"
#include "tests/unit/fakes.h"

#define FAKE_BASE MiB(1)
#define FAKE_SIZE MiB(16)

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
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_phys_fini();
	return 0;
}

static const uint64_t *tbl(paddr_t pa)
{
	return phys_to_virt(pa & ~0xfffull);
}

/* A 3-level domain (QEMU's default aw-bits=39): the hardware root is the
 * table under the engine's entry 0; IOVAs stop at 2^39. */
static void test_sl_3level(void **state)
{
	struct iommu_pt p;
	paddr_t hpa;
	unsigned rights, level;
	uint64_t free0 = frame_free_bytes();

	(void)state;
	assert_int_equal(iommu_pt_create(&p, 3, PT_LEVEL_1G), 0);
	assert_int_equal(iommu_pt_limit(&p), BIT(39));
	assert_int_not_equal(p.hw_root, p.pt.root);
	assert_int_equal(tbl(p.pt.root)[0] & ~0xfffull, p.hw_root);
	/* Not identity: IOVA 1 GiB + 4 KiB -> host 5 MiB, read-only. */
	assert_int_equal(iommu_pt_map(&p, GiB(1) + PAGE_SIZE, MiB(5), PAGE_SIZE,
				      IOMMU_READ), 0);
	assert_int_equal(iommu_pt_translate(&p, GiB(1) + PAGE_SIZE + 8, &hpa,
					    &rights, &level), 0);
	assert_int_equal(hpa, MiB(5) + 8);
	assert_int_equal(rights, IOMMU_READ);
	assert_int_equal(level, 1);
	/* The raw leaf: R only, address, no PS; the walk from hw_root. */
	{
		const uint64_t *l3 = tbl(p.hw_root);
		const uint64_t *l2 = tbl(l3[1]);
		const uint64_t *l1 = tbl(l2[0]);

		assert_int_equal(l3[1] & (IOPTE_R | IOPTE_W), IOPTE_R | IOPTE_W);
		assert_int_equal(l1[1], MiB(5) | IOPTE_R);
	}
	assert_int_equal(iommu_pt_translate(&p, GiB(1), &hpa, NULL, NULL), -ENOENT);
	/* Beyond the walk, overlapping, bad rights, unaligned. */
	assert_int_equal(iommu_pt_map(&p, BIT(39), MiB(5), PAGE_SIZE, IOMMU_RW), -EINVAL);
	assert_int_equal(iommu_pt_map(&p, GiB(1), MiB(5), 2 * PAGE_SIZE, IOMMU_RW), -EEXIST);
	assert_int_equal(iommu_pt_map(&p, 0, MiB(5), PAGE_SIZE, 0), -EINVAL);
	assert_int_equal(iommu_pt_map(&p, 0, MiB(5), PAGE_SIZE, 4), -EINVAL);
	assert_int_equal(iommu_pt_map(&p, 100, MiB(5), PAGE_SIZE, IOMMU_RW), -EINVAL);
	/* The whole 512 GiB may not be unmapped (it would take the root). */
	assert_int_equal(iommu_pt_unmap(&p, 0, BIT(39)), -EINVAL);
	assert_int_equal(iommu_pt_unmap(&p, GiB(1), GiB(1)), 0);
	assert_int_equal(iommu_pt_translate(&p, GiB(1) + PAGE_SIZE, &hpa, NULL, NULL),
			 -ENOENT);
	iommu_pt_destroy(&p);
	assert_int_equal(frame_free_bytes(), free0);
}

static unsigned visited;

static void count_table(paddr_t t, void *ctx)
{
	(void)t;
	(void)ctx;
	visited++;
}

/* 4 levels with 2 MiB and 1 GiB leaves where aligned. */
static void test_sl_4level_large(void **state)
{
	struct iommu_pt p;
	paddr_t hpa;
	unsigned level, rights;

	(void)state;
	assert_int_equal(iommu_pt_create(&p, 4, PT_LEVEL_1G), 0);
	assert_int_equal(p.hw_root, p.pt.root);
	assert_int_equal(iommu_pt_map(&p, GiB(4), GiB(2), GiB(1), IOMMU_RW), 0);
	assert_int_equal(iommu_pt_translate(&p, GiB(4) + 12345, &hpa, &rights, &level), 0);
	assert_int_equal(hpa, GiB(2) + 12345);
	assert_int_equal(level, 3);
	assert_int_equal(rights, IOMMU_RW);
	assert_int_equal(iommu_pt_map(&p, MiB(2), MiB(8), MiB(4), IOMMU_WRITE), 0);
	assert_int_equal(iommu_pt_translate(&p, MiB(5), &hpa, NULL, &level), 0);
	assert_int_equal(hpa, MiB(11));
	assert_int_equal(level, 2);
	/* The leaf carries PS. */
	{
		const uint64_t *l4 = tbl(p.hw_root), *l3 = tbl(l4[0]), *l2 = tbl(l3[0]);

		assert_true(l2[1] & IOPTE_PS);
		assert_int_equal(l2[1] & ~0xfffull, MiB(8));
		assert_true(tbl(l4[0])[4] & IOPTE_PS);
	}
	visited = 0;
	iommu_pt_for_each_table(&p, count_table, NULL);
	assert_int_equal(visited, 3); /* PML4, PDPT, one PD */
	/* Splitting a large page on a partial unmap. */
	assert_int_equal(iommu_pt_unmap(&p, MiB(2), PAGE_SIZE), 0);
	assert_int_equal(iommu_pt_translate(&p, MiB(2), &hpa, NULL, NULL), -ENOENT);
	assert_int_equal(iommu_pt_translate(&p, MiB(2) + PAGE_SIZE, &hpa, NULL, &level), 0);
	assert_int_equal(hpa, MiB(8) + PAGE_SIZE);
	assert_int_equal(level, 1);
	iommu_pt_destroy(&p);
	/* Only 4K pages allowed: no PS anywhere. */
	assert_int_equal(iommu_pt_create(&p, 4, PT_LEVEL_4K), 0);
	assert_int_equal(iommu_pt_map(&p, 0, MiB(4), MiB(2), IOMMU_RW), 0);
	assert_int_equal(iommu_pt_translate(&p, 0, &hpa, NULL, &level), 0);
	assert_int_equal(level, 1);
	iommu_pt_destroy(&p);
	assert_int_equal(iommu_pt_create(&p, 5, PT_LEVEL_4K), -EINVAL);
}

static void test_root_and_context(void **state)
{
	struct vtd_tables t;
	struct vtd_entry128 e;
	const struct vtd_entry128 *root;
	uint16_t old;
	uint64_t free0 = frame_free_bytes();

	(void)state;
	assert_int_equal(vtd_tables_init(&t), 0);
	root = phys_to_virt(t.root);
	assert_int_equal(root[3].lo, 0);
	/* 03:00.1 into domain 7 with a 3-level table at 6 MiB. */
	assert_int_equal(vtd_ctx_set(&t, 0x0301, MiB(6), 3, 7, &old), 0);
	assert_int_equal(old, 0);
	assert_true(root[3].lo & VTD_ROOT_P);
	e = vtd_ctx_get(&t, 0x0301);
	assert_int_equal(e.lo, MiB(6) | VTD_CTX_P);        /* TT 00, FPD 0 */
	assert_int_equal(e.hi, VTD_CTX_AW_39 | (7u << 8)); /* AW, DID */
	assert_int_equal(vtd_context_did(e), 7);
	assert_int_equal(vtd_ctx_get(&t, 0x0300).lo, 0);   /* neighbours blocked */
	assert_int_equal(vtd_ctx_get(&t, 0x0401).lo, 0);
	/* Moving it to a 4-level domain 9 reports the old one. */
	assert_int_equal(vtd_ctx_set(&t, 0x0301, MiB(7), 4, 9, &old), 0);
	assert_int_equal(old, 7);
	e = vtd_ctx_get(&t, 0x0301);
	assert_int_equal(e.hi, VTD_CTX_AW_48 | (9u << 8));
	/* Domain 0 and odd widths are refused. */
	assert_int_equal(vtd_ctx_set(&t, 0x0302, MiB(7), 4, 0, &old), -EINVAL);
	assert_int_equal(vtd_ctx_set(&t, 0x0302, MiB(7), 5, 1, &old), -EINVAL);
	assert_int_equal(vtd_ctx_set(&t, 0x0302, MiB(7) + 8, 4, 1, &old), -EINVAL);
	assert_int_equal(vtd_ctx_clear(&t, 0x0301), 9);
	assert_int_equal(vtd_ctx_get(&t, 0x0301).lo, 0);
	assert_int_equal(vtd_ctx_clear(&t, 0x0301), 0);
	assert_int_equal(vtd_ctx_clear(&t, 0x2000), 0);  /* no context table */
	vtd_tables_destroy(&t);
	assert_int_equal(frame_free_bytes(), free0);
}

static void test_irte_and_msi(void **state)
{
	struct vtd_tables t;
	struct vtd_entry128 e;
	int a, b;

	(void)state;
	/* xAPIC destination in bits 47:40, x2APIC in 63:32. */
	e = vtd_irte(0xd1, 3, false, 0x0010);
	assert_int_equal(e.lo, VTD_IRTE_P | (0xd1ull << 16) | (3ull << 40));
	assert_int_equal(e.hi, 0x0010 | (1ull << 18));
	assert_int_equal(VTD_IRTE_VECTOR(e.lo), 0xd1);
	assert_int_equal(VTD_IRTE_SID(e.hi), 0x0010);
	e = vtd_irte(0x40, 0x12345, true, 0x0318);
	assert_int_equal(VTD_IRTE_DEST(e.lo), 0x12345);
	assert_false(e.lo & (VTD_IRTE_DM_LOGICAL | VTD_IRTE_TM_LEVEL));
	/* Remappable MSI: handle 5 in bits 19:5, bit 4 set; handle 0x8001
	 * puts bit 15 into address bit 2. */
	assert_int_equal(vtd_msi_addr(5), 0xfee00000u | BIT(4) | (5u << 5));
	assert_int_equal(vtd_msi_addr(0x8001), 0xfee00000u | BIT(4) | (1u << 5) | BIT(2));

	assert_int_equal(vtd_tables_init(&t), 0);
	a = vtd_irte_alloc(&t);
	b = vtd_irte_alloc(&t);
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	vtd_irte_write(&t, (unsigned)b, vtd_irte(0x41, 0, false, 0x18));
	assert_int_equal(VTD_IRTE_VECTOR(vtd_irte_read(&t, 1).lo), 0x41);
	vtd_irte_free(&t, (unsigned)b);
	assert_int_equal(vtd_irte_read(&t, 1).lo, 0);
	assert_int_equal(vtd_irte_alloc(&t), 1);
	for (unsigned i = 2; i < VTD_IRT_ENTRIES; i++)
		assert_int_equal(vtd_irte_alloc(&t), (int)i);
	assert_int_equal(vtd_irte_alloc(&t), -ENOSPC);
	vtd_tables_destroy(&t);
}

static void test_descriptors_and_faults(void **state)
{
	struct vtd_entry128 d;
	struct vtd_fault f;

	(void)state;
	d = vtd_qi_context(true, 0);
	assert_int_equal(d.lo, 0x1 | (1u << 4));
	d = vtd_qi_context(false, 5);
	assert_int_equal(d.lo, 0x1 | (2u << 4) | (5u << 16));
	d = vtd_qi_iotlb(false, 5);
	assert_int_equal(d.lo, 0x2 | (2u << 4) | BIT(7) | BIT(6) | (5u << 16));
	d = vtd_qi_iec(false, 9);
	assert_int_equal(d.lo, 0x4 | BIT(4) | (9ull << 32));
	d = vtd_qi_iec(true, 0);
	assert_int_equal(d.lo, 0x4);
	d = vtd_qi_wait(0x123458, 77);
	assert_int_equal(d.lo, 0x5 | BIT(5) | (77ull << 32));
	assert_int_equal(d.hi, 0x123458);
	/* A write fault of 00:02.0 at IOVA 0x7000_0000, reason 5. */
	f = vtd_fault_decode(0x70000000, VTD_FRCD_F | (5ull << 32) | 0x0010);
	assert_int_equal(f.sid, 0x0010);
	assert_int_equal(f.reason, 5);
	assert_true(f.write);
	assert_int_equal(f.addr, 0x70000000);
	assert_false(vtd_fault_is_intr(&f));
	f = vtd_fault_decode(0x3000000000000000ull, VTD_FRCD_F | VTD_FRCD_T |
			     (0x26ull << 32) | 0x0010);
	assert_false(f.write);
	assert_true(vtd_fault_is_intr(&f));
	assert_string_equal(vtd_fault_reason(0x26), "source id does not match the entry");
	assert_string_equal(vtd_fault_reason(0x6), "read not allowed by the page tables");
	assert_string_equal(vtd_fault_reason(0x1f), "unknown reason");
	assert_string_equal(vtd_fault_reason(0xff), "unknown reason");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sl_3level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sl_4level_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_and_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_irte_and_msi, setup, teardown),
		cmocka_unit_test(test_descriptors_and_faults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
