// UNIT-SOURCES:
/* The shared fakes themselves: other tests rely on them to notice panics,
 * log lines and stray physical addresses, so check that they do. */
#include "lib/printk.h"
#include "tests/unit/fakes.h"

static int panicky(int x)
{
	BUG_ON(x > 3);
	return x * 2;
}

static void test_expect_panic(void **state)
{
	volatile int after = 0;
	unsigned before = fake_panic_count;

	(void)state;
	EXPECT_PANIC_MSG(after = panicky(4), "BUG_ON(x > 3)");
	assert_int_equal(after, 0); /* the assignment never happened */
	assert_int_equal(fake_panic_count, before + 1);
	EXPECT_PANIC(panic("code %d", 7));
	assert_string_equal(fake_panic_msg, "code 7");
	assert_false(fake_panic_armed);
	assert_int_equal(panicky(3), 6);
}

static void test_log_capture(void **state)
{
	(void)state;
	fake_log_reset();
	assert_string_equal(fake_log(), "");
	pr_info("frame allocator: %u frames\n", 42u);
	pr_err("oops\n");
	assert_true(fake_log_contains("42 frames"));
	assert_true(fake_log_contains("oops"));
	assert_false(fake_log_contains("not printed"));
	fake_log_reset();
	assert_false(fake_log_contains("oops"));
}

static void test_fake_phys(void **state)
{
	uint8_t *p;

	(void)state;
	fake_phys_init(0x100000, 3 * PAGE_SIZE + 1); /* rounded to 4 pages */
	assert_int_equal(fake_phys_size, 4 * PAGE_SIZE);
	p = phys_to_virt(0x100000);
	assert_ptr_equal(p, fake_phys_mem);
	assert_true(IS_ALIGNED((uintptr_t)p, PAGE_SIZE));
	assert_int_equal(p[0], 0);
	p = phys_to_virt(0x100000 + 4 * PAGE_SIZE - 1);
	*p = 0xaa; /* ASan would object if the window were short */
	assert_int_equal(virt_to_phys(p), 0x100000 + 4 * PAGE_SIZE - 1);
	assert_int_equal(virt_to_phys(fake_phys_mem + 0x1234), 0x101234);

	/* A new window replaces the old one. */
	fake_phys_init(0x2000000, PAGE_SIZE);
	assert_int_equal(virt_to_phys(phys_to_virt(0x2000800)), 0x2000800);
	fake_phys_fini();
	assert_null(fake_phys_mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expect_panic),
		cmocka_unit_test(test_log_capture),
		cmocka_unit_test(test_fake_phys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
