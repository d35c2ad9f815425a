// UNIT-SOURCES: lib/x86_vectors.c
/* The one table of exception vector names and the error-code set. */
#include "lib/x86_vectors.h"
#include "tests/unit/fakes.h"

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(x86_exc_name(X86_EXC_UD), "#UD invalid opcode");
	assert_string_equal(x86_exc_name(X86_EXC_PF), "#PF page fault");
	assert_string_equal(x86_exc_name(X86_EXC_NMI), "NMI");
	assert_string_equal(x86_exc_name(15), "reserved exception");
	assert_string_equal(x86_exc_name(X86_NR_EXCEPTIONS), "interrupt");
	assert_string_equal(x86_exc_name(0xff), "interrupt");
}

/* SDM vol. 3 table 6-1 (and AMD's #VC, #SX): exactly these push one. */
static void test_error_codes(void **state)
{
	static const unsigned with[] = { 8, 10, 11, 12, 13, 14, 17, 21, 29, 30 };
	unsigned n = 0;

	(void)state;
	for (unsigned v = 0; v < 256; v++)
		if (x86_exc_has_error_code(v))
			n++;
	assert_int_equal(n, ARRAY_SIZE(with));
	for (unsigned i = 0; i < ARRAY_SIZE(with); i++)
		assert_true(x86_exc_has_error_code(with[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_error_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
