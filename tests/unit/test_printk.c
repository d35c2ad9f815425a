// UNIT-SOURCES:
/* printk: a line longer than its 512-byte buffer is cut short with a
 * mark and keeps its newline, so that the next line starts on a line of
 * its own (issue 11: a long hypervisor command line glued the next log
 * line onto it). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "lib/printk.h"
#include "tests/unit/fakes.h"

static void test_long_line_keeps_newline(void **state)
{
	char big[700];
	const char *log, *nl;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fake_log_reset();
	pr_info("cmdline: %s\n", big);
	pr_info("next line\n");
	log = fake_log();
	nl = strchr(log, '\n');
	assert_non_null(nl);
	assert_true(nl - log == 510);              /* 511 bytes, the last '\n' */
	assert_memory_equal(nl - 3, "...", 3);
	assert_string_equal(nl + 1, "next line\n");
}

static void test_long_partial_line_not_terminated(void **state)
{
	char big[700];

	(void)state;
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fake_log_reset();
	pr_info("%s", big); /* no newline asked for: none added */
	assert_int_equal(strlen(fake_log()), 511);
	assert_null(strchr(fake_log(), '\n'));
}

static void test_short_line_untouched(void **state)
{
	(void)state;
	fake_log_reset();
	pr_info("short %d\n", 42);
	assert_string_equal(fake_log(), "short 42\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_line_keeps_newline),
		cmocka_unit_test(test_long_partial_line_not_terminated),
		cmocka_unit_test(test_short_line_untouched),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
