// UNIT-SOURCES: mm/heap.c mm/frame.c mm/range.c
/* Kernel heap on a frame allocator in fake RAM. */
#include <stdlib.h>

#include "mm/heap.h"
#include "mm/frame.h"
#include "tests/unit/fakes.h"

#define FAKE_BASE MiB(1)
#define FAKE_SIZE MiB(16)

static uint64_t baseline;

static void frames_init(uint64_t usable)
{
	static struct boot_info bi;
	const struct phys_range image = { MiB(1), MiB(2) };

	memset(&bi, 0, sizeof(bi));
	bi.mmap[0] = (struct mem_region){ MiB(1), usable, MEM_USABLE };
	bi.mmap_count = 1;
	assert_int_equal(frame_init(&bi, image, NULL, 0), 0);
	heap_init();
	baseline = frame_free_bytes();
}

static int setup(void **state)
{
	(void)state;
	fake_phys_init(FAKE_BASE, FAKE_SIZE);
	frames_init(FAKE_SIZE);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_phys_fini();
	return 0;
}

/* Everything given back: no live objects, no pages, all frames free. */
static void expect_empty(void)
{
	struct heap_stats st;

	heap_get_stats(&st);
	assert_int_equal(st.objects, 0);
	assert_int_equal(st.slab_pages, 0);
	assert_int_equal(st.large_pages, 0);
	assert_int_equal(frame_free_bytes(), baseline);
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

static void test_small_sizes(void **state)
{
	static const size_t sizes[] = { 1, 15, 16, 17, 100, 511, 1024 };

	(void)state;
	for (unsigned s = 0; s < ARRAY_SIZE(sizes); s++) {
		enum { N = 300 };
		uintptr_t v[N];
		size_t size = sizes[s];

		for (unsigned i = 0; i < N; i++) {
			uint8_t *p = kmalloc(size);

			assert_non_null(p);
			assert_true(IS_ALIGNED((uintptr_t)p, 16));
			memset(p, (int)i, size);
			v[i] = (uintptr_t)p;
		}
		for (unsigned i = 0; i < N; i++) {
			const uint8_t *p = (const uint8_t *)v[i];

			for (size_t b = 0; b < size; b++)
				assert_int_equal(p[b], (uint8_t)i);
		}
		qsort(v, N, sizeof(v[0]), cmp_ptr);
		for (unsigned i = 1; i < N; i++)
			assert_true(v[i] - v[i - 1] >= size);
		/* Free in an odd order: every 7th first, then the rest. */
		for (unsigned i = 0; i < N; i += 7)
			kfree((void *)v[i]);
		for (unsigned i = 0; i < N; i++)
			if (i % 7)
				kfree((void *)v[i]);
		expect_empty();
	}
}

static void test_large_blocks(void **state)
{
	uint8_t *a, *b, *c;
	struct heap_stats st;

	(void)state;
	a = kmalloc(HEAP_SLAB_MAX + 1);
	b = kmalloc(PAGE_SIZE);
	c = kmalloc(3 * PAGE_SIZE + 5);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_true(IS_ALIGNED((uintptr_t)b, 64));
	memset(a, 1, HEAP_SLAB_MAX + 1);
	memset(b, 2, PAGE_SIZE);
	memset(c, 3, 3 * PAGE_SIZE + 5);
	heap_get_stats(&st);
	assert_int_equal(st.large_pages, 1 + 2 + 4);
	assert_int_equal(st.objects, 3);
	assert_int_equal(a[HEAP_SLAB_MAX], 1);
	assert_int_equal(b[0], 2);
	assert_int_equal(c[3 * PAGE_SIZE + 4], 3);
	kfree(b);
	kfree(a);
	kfree(c);
	expect_empty();
	assert_null(kmalloc(0));
	assert_null(kmalloc(HEAP_MAX_ALLOC + 1));
	assert_non_null(a = kmalloc(HEAP_MAX_ALLOC));
	kfree(a);
	kfree(NULL);
	expect_empty();
}

static void test_kzalloc_zeroes(void **state)
{
	uint8_t *p, *q;

	(void)state;
	p = kmalloc(200);
	q = kmalloc(5000);
	memset(p, 0xff, 200);
	memset(q, 0xff, 5000);
	kfree(p);
	kfree(q);
	p = kzalloc(200);
	q = kzalloc(5000);
	for (size_t i = 0; i < 200; i++)
		assert_int_equal(p[i], 0);
	for (size_t i = 0; i < 5000; i++)
		assert_int_equal(q[i], 0);
	kfree(q);
	kfree(p);
	expect_empty();
}

/* Nine free frames: 7 objects of 512 bytes per page, then NULL; after
 * freeing in odd order every page is back and one big block fits. */
static void test_exhaustion(void **state)
{
	void *v[100];
	unsigned n = 0;
	void *big;

	(void)state;
	frames_init(MiB(1) + 10 * PAGE_SIZE);
	assert_int_equal(baseline, 9 * PAGE_SIZE);
	while ((v[n] = kmalloc(512)) != NULL) {
		n++;
		assert_true(n < ARRAY_SIZE(v));
	}
	assert_int_equal(n, 9 * 7);
	assert_int_equal(frame_free_bytes(), 0);
	assert_null(kmalloc(16));
	assert_null(kmalloc(2 * PAGE_SIZE));
	for (unsigned i = 0; i < n; i += 2)
		kfree(v[i]);
	for (unsigned i = n; i-- > 0;)
		if (i % 2)
			kfree(v[i]);
	expect_empty();
	big = kmalloc(9 * PAGE_SIZE - 64);
	assert_non_null(big);
	assert_null(kmalloc(1));
	kfree(big);
	expect_empty();
}

static void test_bad_frees_panic(void **state)
{
	uint8_t *p, *q, *big;
	paddr_t frame;

	(void)state;
	p = kmalloc(32);
	q = kmalloc(32); /* keeps the slab page alive */
	kfree(p);
	EXPECT_PANIC_MSG(kfree(p), "double free");
	EXPECT_PANIC_MSG(kfree(q + 1), "not a heap object");
	EXPECT_PANIC_MSG(kfree(q + 16 * 300), "not a heap object");
	/* Inside the page header. */
	EXPECT_PANIC_MSG(kfree((void *)ALIGN_DOWN((uintptr_t)q, PAGE_SIZE)),
			 "not a heap object");
	kfree(q); /* last object: the page goes back */
	EXPECT_PANIC_MSG(kfree(q), "double free");

	big = kmalloc(10000);
	EXPECT_PANIC_MSG(kfree(big + 64), "not a heap object");
	kfree(big);
	EXPECT_PANIC_MSG(kfree(big), "double free");

	frame = frame_zalloc();
	EXPECT_PANIC_MSG(kfree((uint8_t *)phys_to_virt(frame) + 64),
			 "not a heap object");
	frame_free(frame);
	expect_empty();
}

/* A deterministic mix of sizes, allocated and freed in shuffled order,
 * contents checked before every free. */
static void test_random_mix(void **state)
{
	enum { N = 600, ROUNDS = 4 };
	static uint8_t *obj[N];
	static size_t len[N];
	uint32_t seed = 12345;

	(void)state;
	for (unsigned round = 0; round < ROUNDS; round++) {
		for (unsigned i = 0; i < N; i++) {
			seed = seed * 1103515245 + 12345;
			if (obj[i] && (seed >> 16) % 3 == 0) {
				for (size_t b = 0; b < len[i]; b++)
					assert_int_equal(obj[i][b], (uint8_t)i);
				kfree(obj[i]);
				obj[i] = NULL;
			}
			if (!obj[i]) {
				seed = seed * 1103515245 + 12345;
				len[i] = (seed >> 16) % 9 == 0
						 ? 1025 + (seed >> 8) % 12000
						 : 1 + (seed >> 8) % 1024;
				obj[i] = kmalloc(len[i]);
				assert_non_null(obj[i]);
				memset(obj[i], (int)i, len[i]);
			}
		}
	}
	for (unsigned k = 0; k < N; k++) {
		unsigned i = (k * 7919) % N; /* 7919 is prime: a permutation */

		for (size_t b = 0; b < len[i]; b++)
			assert_int_equal(obj[i][b], (uint8_t)i);
		kfree(obj[i]);
		obj[i] = NULL;
	}
	expect_empty();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_small_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kzalloc_zeroes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_frees_panic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_mix, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
