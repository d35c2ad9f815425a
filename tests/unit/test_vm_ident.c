// UNIT-SOURCES: guest/vm_ident.c mm/gmem.c mm/ept.c mm/pt.c mm/frame.c mm/range.c
/* dma = identity: choosing the host range a VM's RAM occupies at
 * guest-physical == host-physical (frame_alloc_contig_in() and
 * vm_ident_reserve()), building the VM's RAM from it and checking its EPT.
 *
 * The host map of most tests, PC-like, 64 MiB:
 *   RAM [0, 0x9fc00), reserved to 1 MiB, the hypervisor image [1M, 2M),
 *   a boot module [4M, 5M), RAM to 56M, ACPI tables [56M, 57M) (reclaim),
 *   RAM [57M, 62M), reserved [62M, 64M). */
#include "guest/vm_ident.h"
#include "guest/vm/vm.h"
#include "guest/load/e820.h"
#include "mm/frame.h"
#include "lib/errno.h"
#include "tests/unit/fakes.h"

#define FAKE_BASE MiB(1)
#define FAKE_SIZE MiB(63)

static struct boot_info bi;
static struct vm_config cfg;
static struct vm vm;
static const struct phys_range image = { MiB(1), MiB(2) };

static void map_add(uint64_t base, uint64_t len, uint32_t type)
{
	bi.mmap[bi.mmap_count++] = (struct mem_region){ base, len, type };
}

static int setup(void **state)
{
	(void)state;
	memset(&bi, 0, sizeof(bi));
	memset(&cfg, 0, sizeof(cfg));
	memset(&vm, 0, sizeof(vm));
	fake_phys_init(FAKE_BASE, FAKE_SIZE);
	fake_log_reset();
	map_add(0, 0x9fc00, MEM_USABLE);
	map_add(0x9fc00, 0x60400, MEM_RESERVED);
	map_add(MiB(1), MiB(55), MEM_USABLE);
	map_add(MiB(56), MiB(1), MEM_ACPI_RECLAIM);
	map_add(MiB(57), MiB(5), MEM_USABLE);
	map_add(MiB(62), MiB(2), MEM_RESERVED);
	bi.modules[0].start = MiB(4);
	bi.modules[0].end = MiB(5);
	bi.module_count = 1;
	bi.info_start = MiB(3);
	bi.info_end = MiB(3) + 0x400;
	assert_int_equal(frame_init(&bi, image, NULL, 0), 0);
	strcpy(cfg.name, "pt");
	cfg.dma = DMA_IDENTITY;
	cfg.platform = 1;
	cfg.entry = ENTRY_LINUX;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_phys_fini();
	return 0;
}

static bool overlaps(paddr_t a, paddr_t b, paddr_t s, paddr_t e)
{
	return a < e && s < b;
}

/* Nothing the allocator does not own: image, info block, module, ACPI,
 * reserved areas, the low MiB. */
static void assert_clear(paddr_t a, paddr_t b)
{
	assert_false(overlaps(a, b, 0, MiB(1)));
	assert_false(overlaps(a, b, image.start, image.end));
	assert_false(overlaps(a, b, MiB(3), MiB(3) + PAGE_SIZE));
	assert_false(overlaps(a, b, MiB(4), MiB(5)));
	assert_false(overlaps(a, b, MiB(56), MiB(57)));
	assert_false(overlaps(a, b, MiB(62), MiB(64)));
}

/* The lowest 2 MiB-aligned run that fits, after what the hypervisor took. */
static void test_pick_lowest_aligned(void **state)
{
	paddr_t heap = frame_alloc(), a;

	(void)state;
	assert_true(heap > 0 && heap < MiB(3));
	a = frame_alloc_contig_in(MiB(20) / PAGE_SIZE, MiB(2), MiB(1), GiB(3));
	assert_int_equal(a, MiB(6)); /* [5M, 56M): first 2 MiB boundary */
	assert_clear(a, a + MiB(20));
	/* A second VM's range lies after it, never over it. */
	a = frame_alloc_contig_in(MiB(20) / PAGE_SIZE, MiB(2), MiB(1), GiB(3));
	assert_int_equal(a, MiB(26));
	/* No third one of that size: the ACPI tables split what is left. */
	assert_int_equal(frame_alloc_contig_in(MiB(20) / PAGE_SIZE, MiB(2), MiB(1),
					       GiB(3)), 0);
	/* ... but 4 MiB ones do, lowest first, clear of the reserved top. */
	a = frame_alloc_contig_in(MiB(4) / PAGE_SIZE, MiB(2), MiB(1), GiB(3));
	assert_int_equal(a, MiB(46));
	a = frame_alloc_contig_in(MiB(4) / PAGE_SIZE, MiB(2), MiB(1), GiB(3));
	assert_int_equal(a, MiB(50));
	/* [54M, 56M) is too small; above the ACPI tables, 2 MiB aligned. */
	a = frame_alloc_contig_in(MiB(4) / PAGE_SIZE, MiB(2), MiB(1), GiB(3));
	assert_int_equal(a, MiB(58));
	assert_clear(a, a + MiB(4));
}

/* The bounds are honoured: min and max_end, rounded to whole pages. */
static void test_bounds(void **state)
{
	paddr_t a;

	(void)state;
	a = frame_alloc_contig_in(MiB(2) / PAGE_SIZE, MiB(2), MiB(33), GiB(3));
	assert_int_equal(a, MiB(34));
	a = frame_alloc_contig_in(4, PAGE_SIZE, MiB(40) + 1, MiB(41));
	assert_int_equal(a, MiB(40) + PAGE_SIZE);
	/* Ends at max_end exactly. */
	a = frame_alloc_contig_in(MiB(1) / PAGE_SIZE, PAGE_SIZE, MiB(57), MiB(58));
	assert_int_equal(a, MiB(57));
	/* Does not fit under max_end (the run would end past it). */
	assert_int_equal(frame_alloc_contig_in(MiB(2) / PAGE_SIZE, PAGE_SIZE,
					       MiB(59), MiB(60) + MiB(1) - 1), 0);
	/* Nothing: empty window, zero pages, bad alignment, above the top. */
	assert_int_equal(frame_alloc_contig_in(1, PAGE_SIZE, MiB(10), MiB(10)), 0);
	assert_int_equal(frame_alloc_contig_in(0, PAGE_SIZE, MiB(1), GiB(3)), 0);
	assert_int_equal(frame_alloc_contig_in(1, 3 * PAGE_SIZE, MiB(1), GiB(3)), 0);
	assert_int_equal(frame_alloc_contig_in(1, PAGE_SIZE, UINT64_MAX - 5,
					       UINT64_MAX), 0);
	/* Inside the module or the ACPI tables: never. */
	assert_int_equal(frame_alloc_contig_in(1, PAGE_SIZE, MiB(4), MiB(5)), 0);
	assert_int_equal(frame_alloc_contig_in(1, PAGE_SIZE, MiB(56), MiB(57)), 0);
}

/* Freed and taken again: the same place (what a VM's end gives back). */
static void test_release_and_again(void **state)
{
	struct phys_range r;

	(void)state;
	cfg.mem_size = MiB(9);
	assert_int_equal(vm_ident_reserve(&cfg, &r), 0);
	assert_int_equal(r.start, MiB(6));
	assert_int_equal(r.end, MiB(14));
	assert_true(fake_log_contains("vm pt: dma = identity: host-physical [0x600000, 0xe00000) set aside"));
	assert_true(fake_log_contains("can reach ALL memory"));
	vm_ident_release(&r);
	assert_int_equal(r.end, 0);
	assert_int_equal(vm_ident_reserve(&cfg, &r), 0);
	assert_int_equal(r.start, MiB(6));
}

/* Refusals: clear messages, nothing taken. */
static void test_refused(void **state)
{
	struct phys_range r;
	uint64_t free0 = frame_free_bytes();

	(void)state;
	cfg.mem_size = MiB(60); /* more than any free run */
	assert_int_equal(vm_ident_reserve(&cfg, &r), -1);
	assert_true(fake_log_contains("vm pt: dma = identity: no free host range of 60416 KiB below 3 GiB"));
	cfg.mem_size = MiB(1);
	assert_int_equal(vm_ident_reserve(&cfg, &r), -1);
	assert_true(fake_log_contains("needs memory from 1 MiB + 4 KiB to 3 GiB"));
	cfg.mem_size = GiB(3) + MiB(2);
	assert_int_equal(vm_ident_reserve(&cfg, &r), -1);
	cfg.mem_size = MiB(8);
	cfg.entry = ENTRY_LONG64;
	assert_int_equal(vm_ident_reserve(&cfg, &r), -1);
	assert_true(fake_log_contains("vm pt: dma = identity needs entry = linux or multiboot"));
	assert_int_equal(r.end, 0);
	assert_int_equal(frame_free_bytes(), free0);
	/* Not identity: nothing to do. */
	cfg.dma = DMA_IOMMU;
	assert_int_equal(vm_ident_reserve(&cfg, &r), 0);
	assert_int_equal(r.end, 0);
}

/* No 2 MiB-aligned run, but a page-aligned one: taken. */
static void test_unaligned_fallback(void **state)
{
	struct phys_range r;

	(void)state;
	/* Leave [57M, 62M) as the only run of 4 MiB + 4 KiB. */
	assert_true(frame_alloc_contig_in(MiB(51) / PAGE_SIZE, PAGE_SIZE, MiB(5),
					  MiB(56)) == MiB(5));
	cfg.mem_size = MiB(5) + PAGE_SIZE;
	assert_int_equal(vm_ident_reserve(&cfg, &r), 0);
	assert_int_equal(r.start, MiB(57));
	assert_int_equal(r.end, MiB(61) + PAGE_SIZE);
}

/* The VM's RAM: the first MiB elsewhere, the rest at GPA == HPA; the EPT
 * check walks it. */
static void test_ram_and_ept(void **state)
{
	static const struct ept_config ecfg = { .page_2m = true, .page_1g = true };
	paddr_t hpa;

	(void)state;
	cfg.mem_size = MiB(9);
	vm.cfg = &cfg;
	strcpy(vm.name, "pt");
	gmem_init(&vm.mem);
	assert_int_equal(vm_ident_reserve(&cfg, &vm.ident), 0);
	vm.ram_chunks[vm.nr_ram_chunks++] = (struct gmem_chunk){
		vm.ident.start, vm.ident.end - vm.ident.start };
	memset((uint8_t *)phys_to_virt(vm.ident.start), 0xaa, PAGE_SIZE);
	assert_int_equal(vm_ident_alloc_ram(&vm), 0);
	assert_true(fake_log_contains("vm pt: dma = identity: RAM at host-physical 0x600000 == guest-physical"));
	assert_int_equal(*(uint8_t *)phys_to_virt(vm.ident.start), 0); /* cleared */
	assert_int_equal(vm.nr_ram_chunks, 2);
	assert_int_equal(gmem_translate(&vm.mem, MiB(6) + 0x123, &hpa, NULL), 0);
	assert_int_equal(hpa, MiB(6) + 0x123);
	assert_int_equal(gmem_translate(&vm.mem, 0x7000, &hpa, NULL), 0);
	assert_int_equal(hpa, vm.ram_chunks[1].hpa + 0x7000);
	assert_false(gmem_range_ok(&vm.mem, MiB(1), PAGE_SIZE)); /* the hole */
	assert_false(gmem_range_ok(&vm.mem, MiB(14), PAGE_SIZE));

	assert_int_equal(ept_create(&vm.ept, &ecfg), 0);
	assert_int_equal(gmem_map_ept(&vm.mem, &vm.ept), 0);
	assert_int_equal(vm_ident_check_ept(&vm), 0);
	assert_true(fake_log_contains("EPT maps GPA 0x600000 -> HPA 0x600000, 0xa00000 -> 0xa00000, 0xdff000 -> 0xdff000: GPA == HPA"));
	/* A map that is not the identity is caught. */
	assert_int_equal(ept_unmap(&vm.ept, MiB(10), MiB(2)), 0);
	assert_int_equal(ept_map(&vm.ept, MiB(10), MiB(20), MiB(2), EPT_RWX, EPT_MT_WB), 0);
	assert_int_equal(vm_ident_check_ept(&vm), -1);
	assert_true(fake_log_contains("0xa00000 -> 0x1400000"));
	assert_true(fake_log_contains("NOT IDENTITY"));
	ept_destroy(&vm.ept);
	for (unsigned i = 0; i < vm.nr_ram_chunks; i++)
		frame_free_contig(vm.ram_chunks[i].hpa, vm.ram_chunks[i].size / PAGE_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pick_lowest_aligned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_and_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unaligned_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ram_and_ept, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
