// UNIT-SOURCES: efi/uhv_cfg.c
/* uhv.cfg, the configuration hypervisor.efi reads: the good forms, and
 * every bad one reported with its line number. */
#include "efi/uhv_cfg.h"
#include "tests/unit/fakes.h"
#include <stdio.h>

static struct uhv_cfg cfg;
static struct uhv_cfg_error err;

static int parse(const char *text)
{
	memset(&cfg, 0x5a, sizeof(cfg));
	memset(&err, 0, sizeof(err));
	return uhv_cfg_parse(text, strlen(text), &cfg, &err);
}

static void expect_error(const char *text, unsigned line, const char *what)
{
	assert_int_equal(parse(text), -1);
	assert_int_equal(err.line, line);
	if (!strstr(err.msg, what))
		fail_msg("error \"%s\" lacks \"%s\"", err.msg, what);
}

static void test_full_file(void **state)
{
	(void)state;
	assert_int_equal(parse("# uHV\n"
			       "cmdline = loglevel=info onexit=halt\n"
			       "\n"
			       "module = demo.vms\n"
			       "   module=demo1.bin   \n"
			       "\t# indented comment\n"
			       "module = sched_work.bin"), 0);
	assert_string_equal(cfg.cmdline, "loglevel=info onexit=halt");
	assert_int_equal(cfg.module_count, 3);
	assert_string_equal(cfg.modules[0].name, "demo.vms");
	assert_int_equal(cfg.modules[0].line, 4);
	assert_string_equal(cfg.modules[1].name, "demo1.bin");
	assert_int_equal(cfg.modules[1].line, 5);
	assert_string_equal(cfg.modules[2].name, "sched_work.bin");
	assert_int_equal(cfg.modules[2].line, 7);
}

static void test_cmdline_only_and_empty_value(void **state)
{
	(void)state;
	assert_int_equal(parse("cmdline = \n"), 0);
	assert_string_equal(cfg.cmdline, "");
	assert_int_equal(cfg.module_count, 0);
	/* The value keeps its own '=' and inner spaces. */
	assert_int_equal(parse("cmdline=a=1  b=2\n"), 0);
	assert_string_equal(cfg.cmdline, "a=1  b=2");
}

static void test_crlf_and_bom(void **state)
{
	(void)state;
	assert_int_equal(parse("\xef\xbb\xbf" "cmdline = x\r\nmodule = a.vms\r\n"), 0);
	assert_string_equal(cfg.cmdline, "x");
	assert_string_equal(cfg.modules[0].name, "a.vms");
}

static void test_empty_file(void **state)
{
	(void)state;
	expect_error("", 0, "empty");
	expect_error("\n\n# only a comment\n   \n", 0, "empty");
}

static void test_unknown_key(void **state)
{
	(void)state;
	expect_error("cmdline = x\nfrobnicate = 1\n", 2, "unknown key 'frobnicate'");
	expect_error("Module = a\n", 1, "unknown key 'Module'");
}

static void test_missing_equals(void **state)
{
	(void)state;
	expect_error("\n\nmodule demo.vms\n", 3, "no '=' in 'module demo.vms'");
}

static void test_second_cmdline(void **state)
{
	(void)state;
	expect_error("cmdline = a\ncmdline = b\n", 2, "second 'cmdline'");
}

static void test_module_names(void **state)
{
	(void)state;
	expect_error("module =\n", 1, "needs a file name");
	expect_error("module = mods/a.bin\n", 1, "path separator");
	expect_error("module = \\EFI\\a.bin\n", 1, "path separator");
	expect_error("module = fs0:a.bin\n", 1, "path separator");
	expect_error("module = a.bin\nmodule = a.bin\n", 2, "named twice");
}

static void test_too_long(void **state)
{
	char text[2048];

	(void)state;
	strcpy(text, "module = ");
	memset(text + 9, 'x', 100);
	text[109] = 0;
	expect_error(text, 1, "too long");
	strcpy(text, "cmdline = ");
	memset(text + 10, 'y', 1100);
	text[1110] = 0;
	expect_error(text, 1, "too long");
}

static void test_too_many_modules(void **state)
{
	char text[4096] = "";

	(void)state;
	for (unsigned i = 0; i <= BOOT_MAX_MODULES; i++)
		sprintf(text + strlen(text), "module = m%u.bin\n", i);
	expect_error(text, BOOT_MAX_MODULES + 1, "too many modules");
}

static void test_control_bytes_and_size(void **state)
{
	static char big[UHV_CFG_MAX_BYTES + 2];

	(void)state;
	assert_int_equal(uhv_cfg_parse("cmdline = a\0b\n", 14, &cfg, &err), -1);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.msg, "control character"));
	memset(big, '#', sizeof(big));
	assert_int_equal(uhv_cfg_parse(big, sizeof(big), &cfg, &err), -1);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.msg, "larger than 16 KiB"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_cmdline_only_and_empty_value),
		cmocka_unit_test(test_crlf_and_bom),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_missing_equals),
		cmocka_unit_test(test_second_cmdline),
		cmocka_unit_test(test_module_names),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_too_many_modules),
		cmocka_unit_test(test_control_bytes_and_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
