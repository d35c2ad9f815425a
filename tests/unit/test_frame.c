// UNIT-SOURCES: mm/frame.c mm/range.c
/* Frame allocator against hand-made and adversarial memory maps. */
#include <stdlib.h>

#include "mm/frame.h"
#include "lib/errno.h"
#include "tests/unit/fakes.h"

static struct boot_info bi;
static const struct phys_range image = { MiB(1), MiB(2) };

/* Fake RAM covers where the bitmap and zeroed frames land in these maps. */
#define FAKE_BASE MiB(1)
#define FAKE_SIZE MiB(15)

static int setup(void **state)
{
	(void)state;
	memset(&bi, 0, sizeof(bi));
	fake_phys_init(FAKE_BASE, FAKE_SIZE);
	fake_log_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_phys_fini();
	return 0;
}

static void map_add(uint64_t base, uint64_t len, uint32_t type)
{
	bi.mmap[bi.mmap_count++] = (struct mem_region){ base, len, type };
}

static void module_add(paddr_t start, paddr_t end)
{
	bi.modules[bi.module_count].start = start;
	bi.modules[bi.module_count].end = end;
	bi.module_count++;
}

static bool in_range(paddr_t pa, paddr_t start, paddr_t end)
{
	return pa >= start && pa < end;
}

/* Allocate everything; lowest-first means strictly increasing addresses
 * (which also proves no frame comes out twice).  Caller frees the array. */
static paddr_t *alloc_all(size_t *count)
{
	size_t cap = 1024, n = 0;
	paddr_t *v = malloc(cap * sizeof(*v));
	paddr_t pa;

	while ((pa = frame_alloc()) != 0) {
		assert_true(IS_ALIGNED(pa, PAGE_SIZE));
		assert_true(pa >= FRAME_LOW_LIMIT);
		if (n > 0)
			assert_true(pa > v[n - 1]);
		if (n == cap)
			v = realloc(v, (cap *= 2) * sizeof(*v));
		v[n++] = pa;
	}
	*count = n;
	return v;
}

static void free_all(paddr_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		frame_free(v[i]);
	free(v);
}

/* A PC-like map: the image, the info block and a module inside RAM. */
static void test_basic_layout(void **state)
{
	struct frame_stats st;
	size_t n;
	paddr_t *v;

	(void)state;
	map_add(0, 0x9fc00, MEM_USABLE);
	map_add(0x9fc00, 0x60400, MEM_RESERVED);
	map_add(MiB(1), MiB(15), MEM_USABLE);
	bi.info_start = MiB(3);
	bi.info_end = MiB(3) + 0x800;
	module_add(MiB(4) + 0x10, MiB(5) - 0x10);
	assert_int_equal(frame_init(&bi, image, NULL, 0), 0);

	frame_get_stats(&st);
	assert_int_equal(st.usable_ranges, 2);
	assert_int_equal(st.usable_bytes, 0x9f000 + MiB(15));
	/* Arenas [2M,3M) [3M+4K,4M) [5M,16M), the bitmap page taken first. */
	assert_int_equal(st.bitmap.start, MiB(2));
	assert_int_equal(st.bitmap.end, MiB(2) + PAGE_SIZE);
	assert_int_equal(st.arenas, 3);
	assert_int_equal(st.managed_bytes, MiB(13) - 2 * PAGE_SIZE);
	assert_int_equal(st.free_bytes, st.managed_bytes);

	v = alloc_all(&n);
	assert_int_equal(n * PAGE_SIZE, st.managed_bytes);
	assert_int_equal(v[0], MiB(2) + PAGE_SIZE);
	assert_int_equal(v[n - 1], MiB(16) - PAGE_SIZE);
	for (size_t i = 0; i < n; i++) {
		assert_false(in_range(v[i], MiB(3), MiB(3) + PAGE_SIZE));
		assert_false(in_range(v[i], MiB(4), MiB(5)));
	}
	assert_int_equal(frame_alloc(), 0);
	assert_int_equal(frame_free_bytes(), 0);
	free_all(v, n);
	assert_int_equal(frame_free_bytes(), st.managed_bytes);
}

static void test_summary_line(void **state)
{
	char line[128];

	(void)state;
	map_add(0, 0x9fc00, MEM_USABLE);
	map_add(MiB(1), MiB(15), MEM_USABLE);
	bi.info_start = MiB(3);
	bi.info_end = MiB(3) + 0x800;
	module_add(MiB(4), MiB(5));
	assert_int_equal(frame_init(&bi, image, NULL, 0), 0);
	frame_format_summary(line, sizeof(line));
	assert_string_equal(line, "mem: 15 MiB usable in 2 ranges, 12 MiB free");
	frame_print_summary();
	assert_true(fake_log_contains(line));
}

/* Unsorted, overlapping, zero-length and unaligned entries; every other
 * type beats usable where they overlap, to the page. */
static void test_adversarial_map(void **state)
{
	struct frame_stats st;
	size_t n, expect;
	paddr_t *v;

	(void)state;
	map_add(MiB(8), MiB(4), MEM_USABLE);
	map_add(MiB(9) + 0x123, 1, MEM_RESERVED);
	map_add(MiB(2) + 0x800, MiB(4) - 0x7f0, MEM_USABLE); /* to 6M+0x10 */
	map_add(MiB(5), MiB(4), MEM_USABLE);
	map_add(MiB(13), 0, MEM_USABLE);
	map_add(MiB(11), KiB(8), MEM_ACPI_NVS);
	map_add(MiB(3), KiB(4), MEM_BAD);
	map_add(0, MiB(1) + KiB(4), MEM_USABLE);
	map_add(MiB(14), MiB(1), 0x1234); /* unknown type: kept out */
	map_add(MiB(14) + KiB(512), MiB(1), MEM_USABLE);
	assert_int_equal(frame_init(&bi, image, NULL, 0), 0);

	frame_get_stats(&st);
	/* [0, 1M+4K), [2M+4K, 12M), [14.5M, 15.5M) */
	assert_int_equal(st.usable_ranges, 3);
	assert_int_equal(st.usable_bytes, MiB(1) + MiB(10) + MiB(1));
	/* Bitmap in the first page of [2M+4K, 3M). */
	assert_int_equal(st.bitmap.start, MiB(2) + PAGE_SIZE);

	v = alloc_all(&n);
	expect = (MiB(1) - 2 * PAGE_SIZE) + (MiB(6) - PAGE_SIZE) +
		 (MiB(2) - PAGE_SIZE) + (MiB(1) - KiB(8)) + KiB(512);
	assert_int_equal(n * PAGE_SIZE, expect);
	for (size_t i = 0; i < n; i++) {
		assert_true(in_range(v[i], MiB(2) + 2 * PAGE_SIZE, MiB(12)) ||
			    in_range(v[i], MiB(15), MiB(15) + KiB(512)));
		assert_false(in_range(v[i], MiB(3), MiB(3) + PAGE_SIZE));
		assert_false(in_range(v[i], MiB(9), MiB(9) + PAGE_SIZE));
		assert_false(in_range(v[i], MiB(11), MiB(11) + KiB(8)));
	}
	free_all(v, n);
}

static void test_modules_info_and_extra_reserved(void **state)
{
	const struct phys_range extra[] = {
		{ MiB(12), MiB(13) },
		{ MiB(14) + 1, MiB(14) + 2 },
	};
	size_t n;
	paddr_t *v;

	(void)state;
	map_add(MiB(1), MiB(15), MEM_USABLE);
	module_add(MiB(6), MiB(6) + 100);
	module_add(MiB(7) + 4095, MiB(7) + 4097);
	bi.info_start = MiB(10);
	bi.info_end = MiB(10) + 1;
	assert_int_equal(frame_init(&bi, image, extra, ARRAY_SIZE(extra)), 0);

	v = alloc_all(&n);
	/* 14M minus the bitmap page, 1 + 2 module pages, 1 info page and
	 * 1M + 1 page of extras. */
	assert_int_equal(n * PAGE_SIZE, MiB(14) - 5 * PAGE_SIZE - MiB(1) -
						PAGE_SIZE);
	for (size_t i = 0; i < n; i++) {
		assert_false(in_range(v[i], MiB(6), MiB(6) + PAGE_SIZE));
		assert_false(in_range(v[i], MiB(7), MiB(7) + 2 * PAGE_SIZE));
		assert_false(in_range(v[i], MiB(10), MiB(10) + PAGE_SIZE));
		assert_false(in_range(v[i], MiB(12), MiB(13)));
		assert_false(in_range(v[i], MiB(14), MiB(14) + PAGE_SIZE));
		assert_false(in_range(v[i], image.start, image.end));
	}
	free_all(v, n);
}

static void test_above_4g_lowest_first(void **state)
{
	size_t n, low = (MiB(6) - PAGE_SIZE) / PAGE_SIZE;
	paddr_t *v;

	(void)state;
	map_add(GiB(4), MiB(64), MEM_USABLE);
	map_add(GiB(4) + MiB(16), MiB(1), MEM_RESERVED);
	map_add(MiB(1), MiB(7), MEM_USABLE);
	assert_int_equal(frame_init(&bi, image, NULL, 0), 0);

	v = alloc_all(&n);
	assert_int_equal(n, low + (MiB(63) / PAGE_SIZE));
	assert_true(v[low - 1] < MiB(8));
	assert_int_equal(v[low], GiB(4));
	assert_int_equal(v[n - 1], GiB(4) + MiB(64) - PAGE_SIZE);
	for (size_t i = low; i < n; i++)
		assert_false(in_range(v[i], GiB(4) + MiB(16),
				      GiB(4) + MiB(17)));
	free_all(v, n);
}

/* 64 GiB costs a 2 MiB bitmap, placed low, and nothing else. */
static void test_64gib(void **state)
{
	struct frame_stats st;
	paddr_t pa;

	(void)state;
	map_add(MiB(1), GiB(3) - MiB(1), MEM_USABLE);
	map_add(GiB(4), GiB(61), MEM_USABLE);
	assert_int_equal(frame_init(&bi, image, NULL, 0), 0);
	frame_get_stats(&st);
	assert_int_equal(st.usable_bytes, GiB(64) - MiB(1));
	assert_int_equal(st.bitmap.start, MiB(2));
	assert_true(st.bitmap.end - st.bitmap.start <= MiB(2));
	assert_int_equal(st.free_bytes, GiB(64) - MiB(2) -
					 (st.bitmap.end - st.bitmap.start));
	pa = frame_alloc_contig(512, MiB(2));
	assert_int_equal(pa, MiB(4));
	frame_free_contig(pa, 512);
	assert_int_equal(frame_free_bytes(), st.free_bytes);
}

static void test_contig_alignment(void **state)
{
	paddr_t a, b, c, d, chunks[8];
	uint64_t before;
	unsigned n = 0;

	(void)state;
	map_add(MiB(1), MiB(15), MEM_USABLE);
	assert_int_equal(frame_init(&bi, image, NULL, 0), 0);
	before = frame_free_bytes();

	a = frame_alloc();
	assert_int_equal(a, MiB(2) + PAGE_SIZE);
	c = frame_alloc_contig(512, MiB(2));
	assert_int_equal(c, MiB(4));
	d = frame_alloc_contig(3, KiB(16));
	assert_int_equal(d, MiB(2) + KiB(16));
	b = frame_alloc(); /* fills the gap below d */
	assert_int_equal(b, MiB(2) + 2 * PAGE_SIZE);

	assert_int_equal(frame_alloc_contig(0, 0), 0);
	assert_int_equal(frame_alloc_contig(1, 3 * PAGE_SIZE), 0);
	assert_int_equal(frame_alloc_contig(MiB(16) / PAGE_SIZE, 0), 0);
	assert_int_not_equal(frame_alloc_contig(1, 1), 0); /* align < 4K */

	frame_free_contig(c, 512);
	while ((chunks[n] = frame_alloc_contig(512, MiB(2))) != 0) {
		assert_true(IS_ALIGNED(chunks[n], MiB(2)));
		n++;
		assert_true(n < ARRAY_SIZE(chunks));
	}
	assert_int_equal(n, 6); /* 4M, 6M, ..., 14M */
	assert_int_equal(chunks[0], MiB(4));
	assert_int_equal(chunks[5], MiB(14));
	for (unsigned i = 0; i < n; i++)
		frame_free_contig(chunks[i], 512);
	frame_free(a);
	frame_free(b);
	frame_free_contig(d, 3);
	assert_int_equal(frame_free_bytes(), before - PAGE_SIZE);
}

static void test_bad_frees_panic(void **state)
{
	paddr_t a, c;
	uint64_t before;

	(void)state;
	map_add(MiB(1), MiB(15), MEM_USABLE);
	assert_int_equal(frame_init(&bi, image, NULL, 0), 0);
	a = frame_alloc();
	c = frame_alloc_contig(4, 0);
	frame_free(a);
	before = frame_free_bytes();

	EXPECT_PANIC_MSG(frame_free(a), "double free");
	EXPECT_PANIC_MSG(frame_free(0x5000), "not owned");
	EXPECT_PANIC_MSG(frame_free(image.start + PAGE_SIZE), "not owned");
	EXPECT_PANIC_MSG(frame_free(MiB(16)), "not owned");
	EXPECT_PANIC_MSG(frame_free(c + 1), "not owned");
	EXPECT_PANIC_MSG(frame_free_contig(MiB(16) - PAGE_SIZE, 2),
			 "not owned");
	/* c+4 pages was never allocated: nothing may be freed. */
	EXPECT_PANIC_MSG(frame_free_contig(c, 5), "double free");
	assert_int_equal(frame_free_bytes(), before);
	frame_free_contig(c, 4);
	assert_int_equal(frame_free_bytes(), before + 4 * PAGE_SIZE);
}

static void test_zeroed_allocations(void **state)
{
	paddr_t a, b;
	const uint8_t *p;

	(void)state;
	map_add(MiB(1), MiB(15), MEM_USABLE);
	assert_int_equal(frame_init(&bi, image, NULL, 0), 0);

	a = frame_alloc_contig(3, 0);
	memset(phys_to_virt(a), 0xaa, 3 * PAGE_SIZE);
	frame_free_contig(a, 3);
	b = frame_zalloc();
	assert_int_equal(b, a); /* lowest first: the dirtied frame */
	p = phys_to_virt(b);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(p[i], 0);
	frame_free(b);
	b = frame_zalloc_contig(3, 0);
	assert_int_equal(b, a);
	p = phys_to_virt(b);
	for (size_t i = 0; i < 3 * PAGE_SIZE; i++)
		assert_int_equal(p[i], 0);
	frame_free_contig(b, 3);
}

static void test_init_errors(void **state)
{
	struct frame_stats st;

	(void)state;
	/* Nothing usable above 1 MiB. */
	map_add(0, 0x9fc00, MEM_USABLE);
	assert_int_equal(frame_init(&bi, image, NULL, 0), -ENOMEM);
	/* Usable only above 4 GiB: the bitmap would be out of reach. */
	bi.mmap_count = 0;
	map_add(GiB(8), GiB(1), MEM_USABLE);
	assert_int_equal(frame_init(&bi, image, NULL, 0), -ENOMEM);
	assert_true(fake_log_contains("bitmap"));
	/* Malformed ranges. */
	bi.mmap_count = 0;
	map_add(MiB(1), MiB(15), MEM_USABLE);
	module_add(MiB(6), MiB(5));
	assert_int_equal(frame_init(&bi, image, NULL, 0), -EINVAL);
	bi.module_count = 0;
	assert_int_equal(frame_init(&bi, (struct phys_range){ MiB(2), MiB(1) },
				    NULL, 0), -EINVAL);
	/* RAM beyond the limit is ignored, with a warning. */
	map_add(BIT(50), GiB(1), MEM_USABLE);
	map_add(GiB(2), UINT64_MAX, MEM_RESERVED); /* wraps: to the top */
	assert_int_equal(frame_init(&bi, image, NULL, 0), 0);
	assert_true(fake_log_contains("ignoring"));
	frame_get_stats(&st);
	assert_int_equal(st.usable_bytes, MiB(15));
	/* A counter past the array is clamped, not trusted. */
	bi.mmap_count = 5000;
	assert_int_equal(frame_init(&bi, image, NULL, 0), 0);
	frame_get_stats(&st);
	assert_int_equal(st.usable_bytes, MiB(15));
}

/* More fragments than arenas: pieces are dropped, never reserved ones
 * handed out. */
static void test_too_fragmented(void **state)
{
	enum { NHOLES = 300 };
	struct phys_range holes[NHOLES];
	struct frame_stats st;
	size_t n;
	paddr_t *v;

	(void)state;
	map_add(MiB(1), MiB(15), MEM_USABLE);
	for (unsigned i = 0; i < NHOLES; i++) {
		holes[i].start = MiB(2) + (uint64_t)i * KiB(8) + PAGE_SIZE;
		holes[i].end = holes[i].start + PAGE_SIZE;
	}
	assert_int_equal(frame_init(&bi, image, holes, NHOLES), 0);
	assert_true(fake_log_contains("fragmented"));
	frame_get_stats(&st);
	assert_true(st.arenas <= FRAME_MAX_ARENAS);

	v = alloc_all(&n);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++)
		for (unsigned h = 0; h < NHOLES; h++)
			assert_false(in_range(v[i], holes[h].start,
					      holes[h].end));
	free_all(v, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_basic_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_summary_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adversarial_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modules_info_and_extra_reserved,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_above_4g_lowest_first, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_64gib, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contig_alignment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_frees_panic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zeroed_allocations, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_init_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_fragmented, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
