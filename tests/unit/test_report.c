// UNIT-SOURCES:
/* lib/report.c: messages into a caller's buffer, cut short safely. */
#include "lib/errno.h"
#include "lib/report.h"
#include "tests/unit/fakes.h"

static void test_fail_formats_and_returns(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(report_fail(buf, sizeof(buf), -EINVAL, "bad %s %u",
				     "tag", 7), -EINVAL);
	assert_string_equal(buf, "bad tag 7");
}

static int prefixed(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = report_vfail(buf, size, -ERANGE, "linux: ", fmt, ap);
	va_end(ap);
	return r;
}

static void test_prefix_and_truncation(void **state)
{
	char buf[12];

	(void)state;
	assert_int_equal(prefixed(buf, sizeof(buf), "%d", 42), -ERANGE);
	assert_string_equal(buf, "linux: 42");
	prefixed(buf, sizeof(buf), "a long message");
	assert_string_equal(buf, "linux: a lo");
	/* A prefix that fills the buffer leaves no room and no overrun. */
	prefixed(buf, 5, "x");
	assert_string_equal(buf, "linu");
	assert_int_equal(report_fail(NULL, 0, -EINVAL, "nothing"), -EINVAL);
}

static void test_append(void **state)
{
	char buf[16];
	struct report r = report_into(buf, sizeof(buf));

	(void)state;
	assert_string_equal(buf, "");
	report_add(&r, "config:%u: ", 3);
	report_add(&r, "%s", "oops");
	assert_string_equal(buf, "config:3: oops");
	report_add(&r, "%s", " and more");
	assert_string_equal(buf, "config:3: oops ");
	assert_int_equal(r.len, sizeof(buf) - 1);
	report_add(&r, "x");
	assert_string_equal(buf, "config:3: oops ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fail_formats_and_returns),
		cmocka_unit_test(test_prefix_and_truncation),
		cmocka_unit_test(test_append),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
