// UNIT-SOURCES: lib/format.c
/* The freestanding vsnprintf behind printk: conversions, flags, widths,
 * truncation and the C99 return value.  (On the host the hypervisor's
 * snprintf is built as hv_snprintf, so these calls reach lib/format.c,
 * not libc.) */
#include "lib/printk.h"
#include "tests/unit/fakes.h"

static char buf[128];

/* Format into buf and check both the text and the returned length. */
#define CHECK(want, ...)                                                    \
	do {                                                                \
		int n_ = snprintf(buf, sizeof(buf), __VA_ARGS__);           \
		assert_string_equal(buf, want);                             \
		assert_int_equal(n_, strlen(want));                         \
	} while (0)

/* No format attribute: for strings gcc would (rightly) reject. */
static int unchecked(char *b, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(b, n, fmt, ap);
	va_end(ap);
	return r;
}

#define CHECK_UNCHECKED(want, ...)                                          \
	do {                                                                \
		int n_ = unchecked(buf, sizeof(buf), __VA_ARGS__);          \
		assert_string_equal(buf, want);                             \
		assert_int_equal(n_, strlen(want));                         \
	} while (0)

static void test_signed(void **state)
{
	(void)state;
	CHECK("0", "%d", 0);
	CHECK("42", "%d", 42);
	CHECK("-42", "%d", -42);
	CHECK("-2147483648", "%d", INT32_MIN);
	CHECK("2147483647", "%i", INT32_MAX);
	CHECK("-9223372036854775808", "%ld", (long)INT64_MIN);
	CHECK("-1", "%lld", -1LL);
	CHECK("  -7", "%4d", -7);
	CHECK("-007", "%04d", -7);
	CHECK("-7  |", "%-4d|", -7);
}

static void test_unsigned(void **state)
{
	(void)state;
	CHECK("4294967295", "%u", UINT32_MAX);
	CHECK("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
	CHECK("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	CHECK("12345", "%zu", (size_t)12345);
	CHECK("   12", "%5u", 12u);
	CHECK("00012", "%05u", 12u);
}

static void test_hex(void **state)
{
	(void)state;
	CHECK("ff", "%x", 255u);
	CHECK("FF", "%X", 255u);
	CHECK("deadbeef", "%x", 0xdeadbeefu);
	CHECK("ffffffff", "%x", -1); /* int argument, as unsigned */
	CHECK("123456789abcdef0", "%lx", 0x123456789abcdef0ul);
	CHECK("fedcba9876543210", "%llx", 0xfedcba9876543210ull);
	CHECK("00000000000003f8", "%016lx", 0x3f8ul);
	CHECK("0x3f8", "%#x", 0x3f8u);
	CHECK("0x0", "%#lx", 0ul);
	CHECK("    beef", "%8x", 0xbeefu);
	CHECK("beef    |", "%-8x|", 0xbeefu);
}

static void test_strings(void **state)
{
	(void)state;
	CHECK("hello", "%s", "hello");
	CHECK("ab      |", "%-8s|", "ab");
	CHECK("      ab|", "%8s|", "ab");
	CHECK("abc", "%.3s", "abcdef");
	CHECK("ab", "%.3s", "ab");
	CHECK("   abc|", "%6.3s|", "abcdef");
	CHECK("", "%.0s", "abc");
	CHECK_UNCHECKED("(null)", "%s", (char *)NULL);
	CHECK("toolong", "%3s", "toolong");
}

static void test_char_percent_pointer(void **state)
{
	(void)state;
	CHECK("x", "%c", 'x');
	CHECK("[  x]", "[%3c]", 'x');
	CHECK("[x  ]", "[%-3c]", 'x');
	CHECK("100%", "%d%%", 100);
	CHECK("%", "%%");
	CHECK("0x00000000deadbeef", "%p", (void *)0xdeadbeefUL);
	CHECK("0x0000000000000000", "%p", NULL);
	CHECK("a1b2c", "a%ub%uc", 1u, 2u);
}

static void test_unknown_and_trailing(void **state)
{
	(void)state;
	/* Unknown conversions are copied out, not interpreted. */
	CHECK_UNCHECKED("%q", "%q");
	/* A lone '%' at the end is dropped without reading past the NUL. */
	CHECK_UNCHECKED("abc", "abc%");
}

static void test_truncation(void **state)
{
	char small[8];
	int n;

	(void)state;
	memset(small, 'Z', sizeof(small));
	n = snprintf(small, sizeof(small), "%s", "0123456789");
	/* C99: the return value is the length that would have been written. */
	assert_int_equal(n, 10);
	assert_string_equal(small, "0123456");

	memset(small, 'Z', sizeof(small));
	n = snprintf(small, 4, "%d", -12345);
	assert_int_equal(n, 6);
	assert_string_equal(small, "-12");
	assert_int_equal(small[4], 'Z'); /* nothing written beyond size */

	memset(small, 'Z', sizeof(small));
	n = snprintf(small, 1, "abc");
	assert_int_equal(n, 3);
	assert_int_equal(small[0], '\0');
	assert_int_equal(small[1], 'Z');

	/* Size 0: nothing is written at all, buf may be NULL. */
	n = snprintf(NULL, 0, "%lx", 0xabcdeful);
	assert_int_equal(n, 6);

	/* Exactly fitting. */
	n = snprintf(small, sizeof(small), "%07u", 42u);
	assert_int_equal(n, 7);
	assert_string_equal(small, "0000042");
}

static void test_printk_levels(void **state)
{
	(void)state;
	fake_log_reset();
	log_set_level(LOG_WARN);
	pr_err("err %d\n", 1);
	pr_warn("warn %d\n", 2);
	pr_info("info %d\n", 3);
	pr_debug("debug %d\n", 4);
	assert_int_equal(log_get_level(), LOG_WARN);
	log_set_level(LOG_DEBUG);
	assert_string_equal(fake_log(), "err 1\nwarn 2\n");
	pr_debug("now %s", "visible");
	assert_true(fake_log_contains("now visible"));
}

static void test_printk_long_line(void **state)
{
	char big[700];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fake_log_reset();
	pr_info("%s", big);
	/* printk formats into a 512-byte buffer: the line is cut, not
	 * overflowed. */
	assert_int_equal(strlen(fake_log()), 511);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_unsigned),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_char_percent_pointer),
		cmocka_unit_test(test_unknown_and_trailing),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_printk_levels),
		cmocka_unit_test(test_printk_long_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
