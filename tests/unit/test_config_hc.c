// UNIT-SOURCES: guest/config/config.c guest/config/config_keys.c guest/config/config_hc.c guest/config/config_dev.c guest/config/config_resolve.c guest/config/config_syntax.c lib/parse.c tests/unit/config_fixture.c guest/vpc/ports.c
/* VM description parser, the hypercall keys (guest/config/config_hc.c):
 * "hypercalls" with call names, groups, aliases and separators, its
 * default, its errors, and "trace". */
#include <stdio.h>

#include "guest/include/hv_abi.h"
#include "tests/unit/config_fixture.h"

static uint64_t allow_of(const char *value)
{
	char text[256];

	snprintf(text, sizeof(text), "[vm a]\nmemory=4M\nimage=a\nhypercalls = %s\n", value);
	parse_ok(text);
	assert_int_equal(set.count, 1);
	return set.vm[0].hc_allow;
}

static void test_default(void **state)
{
	(void)state;
	parse_ok("[vm a]\nmemory=4M\nimage=a\n");
	assert_int_equal(set.vm[0].hc_allow, HV_ALLOW_DEFAULT);
	assert_false(set.vm[0].trace);
	/* The ABI 1.0 calls, nothing newer. */
	assert_int_equal(HV_ALLOW_DEFAULT, 0x1ff);
	assert_int_equal(allow_of("default"), HV_ALLOW_DEFAULT);
	assert_int_equal(allow_of("base ipi stats"), HV_ALLOW_DEFAULT);
}

static void test_names_and_groups(void **state)
{
	(void)state;
	assert_int_equal(allow_of("nop"), BIT(HC_NOP));
	assert_int_equal(allow_of("nop,console_write"), BIT(HC_NOP) | BIT(HC_CONSOLE_WRITE));
	assert_int_equal(allow_of("nop , shutdown\tversion"),
			 BIT(HC_NOP) | BIT(HC_SHUTDOWN) | BIT(HC_VERSION));
	assert_int_equal(allow_of("conv"), BIT(HC_MEMCALL) | BIT(HC_BATCH));
	assert_int_equal(allow_of("ring"), BIT(HC_RING_SETUP) | BIT(HC_RING_KICK));
	assert_int_equal(allow_of("admin"), BIT(HC_TRACE_READ));
	assert_int_equal(allow_of("discover"), BIT(HC_DISCOVER));
	assert_int_equal(allow_of("all"), BIT(HC_NR_CALLS) - 1);
	assert_int_equal(allow_of("default discover nop"), HV_ALLOW_DEFAULT | BIT(HC_DISCOVER));
	assert_int_equal(allow_of("none"), 0);
}

static void test_bad(void **state)
{
	(void)state;
	expect_bad("hypercalls = nope", "config:4: unknown call or group 'nope' in hypercalls");
	expect_bad("hypercalls = NOP", "unknown call or group 'NOP'");
	expect_bad("hypercalls = nop none", "unknown call or group 'none'");
	expect_bad("hypercalls = nop\nhypercalls = nop", "config:5:");
	expect_bad("hypercalls = ,,", "hypercalls needs call or group names, or none");
	expect_bad("trace = yes", "bad value 'yes' for trace");
}

static void test_trace(void **state)
{
	(void)state;
	parse_ok("[vm a]\nmemory=4M\nimage=a\ntrace = on\n");
	assert_true(set.vm[0].trace);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_names_and_groups),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_trace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
