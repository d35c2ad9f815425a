// UNIT-SOURCES: lib/parse.c
/* parse_u64: the number parser behind the command line and VM configs. */
#include "lib/string.h"
#include "tests/unit/fakes.h"

static bool parse(const char *s, bool suffixes, uint64_t *v)
{
	*v = 0xdeadbeef;
	return parse_u64(s, strlen(s), suffixes, v);
}

static void test_decimal_and_hex(void **state)
{
	uint64_t v;

	(void)state;
	assert_true(parse("0", false, &v));
	assert_int_equal(v, 0);
	assert_true(parse("115200", false, &v));
	assert_int_equal(v, 115200);
	assert_true(parse("0x3F8", false, &v));
	assert_int_equal(v, 0x3f8);
	assert_true(parse("0Xabcdef", false, &v));
	assert_int_equal(v, 0xabcdef);
	assert_true(parse("18446744073709551615", false, &v));
	assert_int_equal(v, UINT64_MAX);
	assert_true(parse("0xffffffffffffffff", false, &v));
	assert_int_equal(v, UINT64_MAX);
	/* Only the given length counts. */
	assert_true(parse_u64("12345", 2, false, &v));
	assert_int_equal(v, 12);
}

static void test_rejects(void **state)
{
	static const char *const bad[] = {
		"", "0x", "x10", "12a", "-1", " 1", "1 ", "0x1g", "1.5",
		"18446744073709551616", "0x10000000000000000",
	};
	uint64_t v;

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		if (parse(bad[i], false, &v))
			fail_msg("\"%s\" was accepted as %llu", bad[i],
				 (unsigned long long)v);
		/* A failed parse leaves the output alone. */
		assert_int_equal(v, 0xdeadbeef);
	}
	/* Suffixes only when asked for. */
	assert_false(parse("4K", false, &v));
}

static void test_suffixes(void **state)
{
	uint64_t v;

	(void)state;
	assert_true(parse("4K", true, &v));
	assert_int_equal(v, KiB(4));
	assert_true(parse("16m", true, &v));
	assert_int_equal(v, MiB(16));
	assert_true(parse("2G", true, &v));
	assert_int_equal(v, GiB(2));
	assert_true(parse("0x10M", true, &v));
	assert_int_equal(v, MiB(16));
	assert_true(parse("4096", true, &v));
	assert_int_equal(v, 4096);
	assert_false(parse("K", true, &v));
	assert_false(parse("1KK", true, &v));
	assert_false(parse("0xK", true, &v));
	/* The shift must not lose high bits. */
	assert_true(parse("17179869183G", true, &v));
	assert_int_equal(v, 17179869183ull << 30);
	assert_false(parse("17179869184G", true, &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decimal_and_hex),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_suffixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
