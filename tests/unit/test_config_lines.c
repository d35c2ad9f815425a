// UNIT-SOURCES: guest/config/config.c guest/config/config_keys.c guest/config/config_hc.c guest/config/config_dev.c guest/config/config_resolve.c guest/config/config_syntax.c lib/parse.c tests/unit/config_fixture.c guest/vpc/ports.c
/* VM description parser, the text around the keys: line endings, section
 * headers, unknown and duplicate keys and VMs, required keys, stray text,
 * limits on lines, VMs and messages, NULs and control bytes, and a bad VM
 * among good ones that survive it. */
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/config_fixture.h"

/* ---- valid input ------------------------------------------------------- */

static void test_crlf_and_no_final_newline(void **state)
{
	(void)state;
	parse_ok("[vm w]\r\nmemory = 8M \r\nimage = w.bin\r\n"
			       "cmdline = \"x\"\r\n\r\n[vm v]\r\nmemory=8M\r\n"
			       "image=v.bin");
	assert_int_equal(set.count, 2);
	assert_string_equal(set.vm[0].image, "w.bin");
	assert_string_equal(set.vm[0].cmdline, "x");
	assert_string_equal(set.vm[1].image, "v.bin");
	assert_int_equal(set.vm[1].line, 6);
}

/* ---- broken input, one problem at a time ------------------------------ */

static void test_unknown_key(void **state)
{
	(void)state;
	assert_int_equal(parse("[vm demo1]\nmemory = 8M\nimage = d\nmemroy = 8M\n"), 1);
	assert_int_equal(set.count, 0);
	assert_string_equal(msgs[0], "config:4: unknown key 'memroy' in [vm demo1]");
	assert_string_equal(msgs[1], "config:1: [vm demo1] skipped because of 1 error(s)");
	expect_bad("affinity.8 = 0", "config:4: unknown key 'affinity.8'");
	expect_bad("affinity.x = 0", "config:4: unknown key 'affinity.x'");
	expect_bad("Memory = 8M", "config:4: expected 'key = value'");
}

static void test_missing_required(void **state)
{
	(void)state;
	assert_int_equal(parse("\n[vm x]\nmemory = 8M\n"), 1);
	assert_string_equal(msgs[0], "config:2: [vm x] has no image");
	assert_int_equal(set.count, 0);
	assert_int_equal(parse("[vm y]\nimage = y\n"), 1);
	assert_string_equal(msgs[0], "config:1: [vm y] has no memory");
	assert_int_equal(parse("[vm z]\n"), 2);
	expect_msg("config:1: [vm z] has no memory");
	expect_msg("config:1: [vm z] has no image");
}

static void test_duplicates(void **state)
{
	(void)state;
	assert_int_equal(parse("[vm demo1]\nmemory=8M\nimage=a\n\n"
			       "[vm demo1]\nmemory=8M\nimage=b\n"), 1);
	assert_string_equal(msgs[0], "config:5: duplicate VM name 'demo1' (first at line 1)");
	assert_int_equal(set.count, 1);
	assert_string_equal(set.vm[0].image, "a"); /* the first one stays */
	expect_bad("memory = 16M", "config:4: duplicate key 'memory' (first at line 2)");
	expect_bad("vcpus=2\naffinity.0=1\naffinity.0=0",
		   "config:6: duplicate key 'affinity.0' (first at line 5)");
}

static void test_bad_headers(void **state)
{
	static const struct {
		const char *text, *needle;
	} cases[] = {
		{ "[vm a b]", "config:2: bad VM name 'a b'" },
		{ "[vm bad!]", "config:2: bad VM name 'bad!'" },
		{ "[vm ]", "config:2: bad VM name ''" },
		{ "[vm abcdefghijklmnopqrstuvwxyz012345]", "config:2: bad VM name 'abcdefghijklmnopqrstuvwxyz012345'" },
		{ "[vmx a]", "config:2: unknown section '[vmx a]'" },
		{ "[foo]", "config:2: unknown section '[foo]'" },
		{ "[vm a", "config:2: bad section header '[vm a'" },
		{ "[vm a] junk", "config:2: bad section header" },
	};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		char text[256];

		/* The keys under a bad header are skipped, not reported. */
		snprintf(text, sizeof(text), "# h\n%s\nmemory=8M\nimage=a\nbogus\n"
			 "[vm ok]\nmemory=8M\nimage=ok\n", cases[i].text);
		assert_int_equal(parse(text), 2);
		expect_msg(cases[i].needle);
		expect_msg("config:5: expected 'key = value' or '[vm NAME]', got 'bogus'");
		assert_int_equal(set.count, 1);
		assert_string_equal(set.vm[0].name, "ok");
	}
	/* 31 characters is the longest name. */
	parse_ok("[vm abcdefghijklmnopqrstuvwxyz01234]\nmemory=8M\nimage=a\n");
	assert_string_equal(set.vm[0].name, "abcdefghijklmnopqrstuvwxyz01234");
}

static void test_syntax_errors(void **state)
{
	(void)state;
	assert_int_equal(parse("memory = 8M\n[vm a]\nmemory=8M\nimage=a\n"), 1);
	assert_string_equal(msgs[0], "config:1: key 'memory' outside a [vm] section");
	assert_int_equal(set.count, 1); /* an error outside a VM costs no VM */
	assert_int_equal(parse("hello world\n[vm a]\nmemory=8M\nimage=a\n"), 1);
	expect_msg("config:1: expected 'key = value' or '[vm NAME]', got 'hello world'");
	assert_int_equal(set.count, 1);
	expect_bad("= 5", "config:4: expected 'key = value'");
	expect_bad("garbage", "config:4: expected 'key = value' or '[vm NAME]', got 'garbage'");
}

static void test_no_vm(void **state)
{
	(void)state;
	assert_int_equal(parse(""), 1);
	assert_string_equal(msgs[0], "config: no [vm] section");
	assert_int_equal(parse("# only a comment\n\n   \n"), 1);
	assert_string_equal(msgs[0], "config: no [vm] section");
	assert_int_equal(set.count, 0);
}

static void test_too_many_vms(void **state)
{
	static char text[4096];
	size_t len = 0;

	(void)state;
	for (unsigned i = 0; i <= VM_CONFIG_MAX_VMS; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"[vm v%u]\nmemory=2M\nimage=v\n", i);
	assert_int_equal(parse(text), 1);
	assert_int_equal(set.count, VM_CONFIG_MAX_VMS);
	assert_string_equal(msgs[0], "config:49: too many VMs (max 16): [vm v16] ignored");
	assert_string_equal(set.vm[15].name, "v15");
}

static void test_long_line(void **state)
{
	static char text[2048];
	size_t n;

	(void)state;
	/* A comment of exactly VM_CONFIG_LINE_MAX characters is accepted... */
	n = (size_t)snprintf(text, sizeof(text), "[vm a]\nmemory=8M\nimage=a\n");
	text[n] = '#';
	memset(text + n + 1, 'y', VM_CONFIG_LINE_MAX - 1);
	text[n + VM_CONFIG_LINE_MAX] = '\0';
	parse_ok(text);
	/* ...one more is an error (even without any newline) and costs the VM. */
	memset(text + n + 1, 'y', VM_CONFIG_LINE_MAX);
	text[n + VM_CONFIG_LINE_MAX + 1] = '\0';
	assert_int_equal(parse(text), 1);
	expect_msg("config:4: line is longer than 512 characters");
	assert_int_equal(set.count, 0);
	/* Far longer, with CRLF: the CR is not counted but the rest is. */
	memset(text + n, 'z', 1500);
	memcpy(text + n + 1500, "\r\n[vm b]\nmemory=8M\nimage=b\n", 28);
	assert_int_equal(parse(text), 1);
	assert_int_equal(set.count, 1);
	assert_string_equal(set.vm[0].name, "b");
}

static void test_nul_and_control_bytes(void **state)
{
	static const char nul_text[] = "[vm a]\nmemory=8M\nimage=a\0b\n[vm c]\nmemory=8M\nimage=c\n";
	static const char ctl_text[] = "[vm a]\nmemory=8M\x01\nimage=a\n";

	(void)state;
	/* The line is dropped whole, so the image is missing as well. */
	assert_int_equal(parse_len(nul_text, sizeof(nul_text) - 1), 2);
	assert_string_equal(msgs[0], "config:3: NUL byte in line");
	assert_string_equal(msgs[1], "config:1: [vm a] has no image");
	assert_int_equal(set.count, 1);
	assert_string_equal(set.vm[0].name, "c");
	assert_int_equal(parse_len(ctl_text, sizeof(ctl_text) - 1), 2);
	expect_msg("config:2: control character 0x01 in line");
	assert_int_equal(set.count, 0);
	/* A NUL before any section is still an error, but costs no VM. */
	assert_int_equal(parse_len("\0\n[vm a]\nmemory=8M\nimage=a\n", 27), 1);
	expect_msg("config:1: NUL byte in line");
	assert_int_equal(set.count, 1);
}

static void test_bad_vm_among_good(void **state)
{
	static const char text[] =
		"[vm good1]\nmemory=8M\nimage=g1\n"		/* 1-3 */
		"[vm bad]\nmemory=8Q\nimage=b\nvcpus=0\nfoo=1\n"	/* 4-8 */
		"[vm good2]\nmemory=8M\nimage=g2\n";		/* 9-11 */

	(void)state;
	assert_int_equal(parse(text), 3);
	assert_int_equal(set.count, 2);
	assert_non_null(vm_named("good1"));
	assert_non_null(vm_named("good2"));
	assert_null(vm_named("bad"));
	assert_string_equal(set.vm[1].name, "good2");
	assert_int_equal(set.vm[1].line, 9);
	expect_msg("config:5: bad size '8Q' for memory");
	expect_msg("config:7: vcpus 0 is out of range");
	expect_msg("config:8: unknown key 'foo' in [vm bad]");
	expect_msg("config:4: [vm bad] skipped because of 3 error(s)");
}

static void test_garbage_is_bounded(void **state)
{
	static char junk[64 * 1024];

	(void)state;
	srand(1);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)rand();
	assert_true(parse_len(junk, sizeof(junk)) > VM_CONFIG_MAX_MESSAGES);
	assert_int_equal(set.count, 0);
	/* 32 messages, then one saying how many more there were. */
	assert_int_equal(nmsgs, VM_CONFIG_MAX_MESSAGES + 1);
	expect_msg("more error(s) not shown");
	/* No callback: nothing to print, still counted. */
	assert_true(vm_config_parse("x\n", 2, &set, NULL, NULL, NULL) == 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crlf_and_no_final_newline),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_missing_required),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_no_vm),
		cmocka_unit_test(test_too_many_vms),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_nul_and_control_bytes),
		cmocka_unit_test(test_bad_vm_among_good),
		cmocka_unit_test(test_garbage_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
