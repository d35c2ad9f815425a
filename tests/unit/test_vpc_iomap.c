// UNIT-SOURCES: guest/vpc/iomap.c
/* The virtual PC's port and device-page table: registration keeps ranges
 * sorted and refuses overlaps, lookups find a range by its first and last
 * port and nothing outside, through every bucket of the index. */
#include "guest/vpc/iomap.h"
#include "lib/errno.h"
#include "tests/unit/fakes.h"

static struct vpc_iomap map;
static int dev_a, dev_b;

static bool in_stub(void *dev, uint16_t port, unsigned size, uint32_t *val)
{
	(void)dev;
	(void)size;
	*val = port;
	return true;
}

static int setup(void **state)
{
	(void)state;
	vpc_iomap_init(&map);
	return 0;
}

static int add(uint16_t first, uint16_t last, void *dev)
{
	struct vpc_pio_range r = { .first = first, .last = last, .in = in_stub,
				   .dev = dev };

	return vpc_pio_register(&map, &r);
}

static void test_first_and_last_port(void **state)
{
	(void)state;
	assert_int_equal(add(0x3f8, 0x3ff, &dev_a), 0);
	assert_int_equal(add(0x20, 0x21, &dev_b), 0);
	assert_ptr_equal(vpc_pio_find(&map, 0x3f8)->dev, &dev_a);
	assert_ptr_equal(vpc_pio_find(&map, 0x3fd)->dev, &dev_a);
	assert_ptr_equal(vpc_pio_find(&map, 0x3ff)->dev, &dev_a);
	assert_ptr_equal(vpc_pio_find(&map, 0x20)->dev, &dev_b);
	assert_ptr_equal(vpc_pio_find(&map, 0x21)->dev, &dev_b);
	assert_null(vpc_pio_find(&map, 0x3f7));
	assert_null(vpc_pio_find(&map, 0x400));
	assert_null(vpc_pio_find(&map, 0x1f));
	assert_null(vpc_pio_find(&map, 0x22));
}

static void test_unknown_ports(void **state)
{
	(void)state;
	for (uint32_t p = 0; p <= 0xffff; p++)
		assert_null(vpc_pio_find(&map, (uint16_t)p));
	assert_int_equal(add(0, 0, &dev_a), 0);
	assert_int_equal(add(0xffff, 0xffff, &dev_b), 0);
	assert_ptr_equal(vpc_pio_find(&map, 0)->dev, &dev_a);
	assert_ptr_equal(vpc_pio_find(&map, 0xffff)->dev, &dev_b);
	for (uint32_t p = 1; p < 0xffff; p++)
		assert_null(vpc_pio_find(&map, (uint16_t)p));
}

static void test_overlap_refused(void **state)
{
	(void)state;
	assert_int_equal(add(0x40, 0x43, &dev_a), 0);
	assert_int_equal(add(0x43, 0x44, &dev_b), -EBUSY);  /* its last port */
	assert_int_equal(add(0x3f, 0x40, &dev_b), -EBUSY);  /* its first */
	assert_int_equal(add(0x41, 0x42, &dev_b), -EBUSY);  /* inside */
	assert_int_equal(add(0x00, 0xffff, &dev_b), -EBUSY); /* around */
	assert_int_equal(add(0x40, 0x43, &dev_b), -EBUSY);  /* the same */
	assert_int_equal(add(0x44, 0x44, &dev_b), 0);       /* adjacent */
	assert_int_equal(add(0x3f, 0x3f, &dev_b), 0);
	assert_int_equal(map.npio, 3u);
	assert_ptr_equal(vpc_pio_find(&map, 0x43)->dev, &dev_a);
	assert_ptr_equal(vpc_pio_find(&map, 0x44)->dev, &dev_b);
}

static void test_bad_ranges(void **state)
{
	struct vpc_pio_range none = { .first = 1, .last = 2 };
	struct vpc_pio_range half = { .first = 1, .last = 2, .in = in_stub,
				      .flags = VPC_PIO_BYTES };

	(void)state;
	assert_int_equal(add(0x10, 0x0f, &dev_a), -EINVAL);
	assert_int_equal(vpc_pio_register(&map, &none), -EINVAL);
	assert_int_equal(vpc_pio_register(&map, &half), -EINVAL);
	assert_int_equal(map.npio, 0u);
}

static void test_table_full(void **state)
{
	(void)state;
	/* Registered from the top down: each insert shifts the others. */
	for (unsigned i = VPC_PIO_MAX; i > 0; i--)
		assert_int_equal(add((uint16_t)(i * 3), (uint16_t)(i * 3 + 1), &dev_a), 0);
	assert_int_equal(add(0x1000, 0x1000, &dev_a), -ENOSPC);
	for (unsigned i = 1; i <= VPC_PIO_MAX; i++) {
		const struct vpc_pio_range *r = vpc_pio_find(&map, (uint16_t)(i * 3 + 1));

		assert_non_null(r);
		assert_int_equal(r->first, i * 3);
		assert_null(vpc_pio_find(&map, (uint16_t)(i * 3 + 2)));
	}
}

/* Many small ranges in one 16-port bucket, and one range across many. */
static void test_buckets(void **state)
{
	(void)state;
	assert_int_equal(add(0x60, 0x60, &dev_a), 0);
	assert_int_equal(add(0x64, 0x64, &dev_b), 0);
	assert_int_equal(add(0x61, 0x61, &dev_b), 0);
	assert_int_equal(add(0x100, 0x2ff, &dev_a), 0);
	for (uint32_t p = 0x50; p < 0x400; p++) {
		const struct vpc_pio_range *r = vpc_pio_find(&map, (uint16_t)p);
		bool want = p == 0x60 || p == 0x61 || p == 0x64 ||
			    (p >= 0x100 && p <= 0x2ff);

		assert_int_equal(r != NULL, want);
		if (r)
			assert_true(r->first <= p && p <= r->last);
	}
}

static int mmio_rd(void *dev, uint64_t off, unsigned len, uint64_t *val)
{
	(void)dev;
	(void)len;
	*val = off;
	return 0;
}

static int mmio_wr(void *dev, uint64_t off, unsigned len, uint64_t val)
{
	(void)dev;
	(void)off;
	(void)len;
	(void)val;
	return 0;
}

static int add_page(uint64_t base, uint64_t size, void *dev)
{
	struct vpc_mmio_range r = { .base = base, .size = size, .read = mmio_rd,
				    .write = mmio_wr, .dev = dev };

	return vpc_mmio_register(&map, &r);
}

static void test_mmio(void **state)
{
	(void)state;
	assert_int_equal(add_page(0xfec00000, 0x1000, &dev_a), 0);
	assert_int_equal(add_page(0xfec00fff, 1, &dev_b), -EBUSY);
	assert_int_equal(add_page(0xfebff000, 0x1001, &dev_b), -EBUSY);
	assert_int_equal(add_page(0xfed00000, 0, &dev_b), -EINVAL);
	assert_int_equal(add_page(0xfec01000, 0x1000, &dev_b), 0);
	assert_ptr_equal(vpc_mmio_find(&map, 0xfec00000)->dev, &dev_a);
	assert_ptr_equal(vpc_mmio_find(&map, 0xfec00fff)->dev, &dev_a);
	assert_ptr_equal(vpc_mmio_find(&map, 0xfec01000)->dev, &dev_b);
	assert_null(vpc_mmio_find(&map, 0xfebfffff));
	assert_null(vpc_mmio_find(&map, 0xfec02000));
	assert_null(vpc_mmio_find(&map, 0));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_first_and_last_port),
		T(test_unknown_ports),
		T(test_overlap_refused),
		T(test_bad_ranges),
		T(test_table_full),
		T(test_buckets),
		T(test_mmio),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
