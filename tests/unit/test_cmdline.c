// UNIT-SOURCES: boot/cmdline.c lib/parse.c
/* Hypervisor command line: defaults, every key, and that every bad token
 * is reported (and only bad ones) while the good ones still apply. */
#include "boot/cmdline.h"
#include "tests/unit/fakes.h"

#define MAX_MSGS 16

struct reports {
	unsigned n;
	char msg[MAX_MSGS][160];
};

static struct reports r;
static struct hv_options o;

static void collect(void *ctx, const char *msg)
{
	struct reports *rep = ctx;

	assert_true(rep->n < MAX_MSGS);
	assert_true(strlen(msg) < sizeof(rep->msg[0]));
	strcpy(rep->msg[rep->n++], msg);
}

static unsigned parse(const char *line)
{
	memset(&r, 0, sizeof(r));
	memset(&o, 0x5a, sizeof(o)); /* parse must set every field */
	return cmdline_parse(line, &o, collect, &r);
}

/* Message i must mention both the token and the reason. */
static void assert_msg(unsigned i, const char *token, const char *why)
{
	assert_true(i < r.n);
	if (!strstr(r.msg[i], token) || !strstr(r.msg[i], why))
		fail_msg("message %u \"%s\" lacks \"%s\" or \"%s\"", i,
			 r.msg[i], token, why);
}

static void assert_defaults(void)
{
	assert_int_equal(o.loglevel, LOG_INFO);
	assert_int_equal(o.console_port, 0x3f8);
	assert_int_equal(o.console_baud, 115200);
	assert_false(o.console_none);
	assert_string_equal(o.test, "");
	assert_int_equal(o.maxcpus, 0);
	assert_string_equal(o.sched, "rr");
	assert_int_equal(o.timeslice_us, 10000);
	assert_int_equal(o.onexit, HV_ONEXIT_HALT);
	assert_int_equal(o.apicv, true);
}

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(parse(NULL), 0);
	assert_defaults();
	assert_int_equal(parse(""), 0);
	assert_defaults();
	assert_int_equal(parse("  \t \n"), 0);
	assert_defaults();
	assert_int_equal(r.n, 0);

	memset(&o, 0, sizeof(o));
	hv_options_default(&o);
	assert_defaults();
}

static void test_full_line(void **state)
{
	(void)state;
	assert_int_equal(parse("loglevel=debug console=com2 baud=38400 "
			       "test=vmcall maxcpus=2 sched=fair timeslice=500"),
			 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(o.loglevel, LOG_DEBUG);
	assert_int_equal(o.console_port, 0x2f8);
	assert_int_equal(o.console_baud, 38400);
	assert_false(o.console_none);
	assert_string_equal(o.test, "vmcall");
	assert_int_equal(o.maxcpus, 2);
	assert_string_equal(o.sched, "fair");
	assert_int_equal(o.timeslice_us, 500);
}

static void test_loglevel(void **state)
{
	static const struct {
		const char *line;
		enum log_level want;
	} ok[] = {
		{ "loglevel=err", LOG_ERR },   { "loglevel=warn", LOG_WARN },
		{ "loglevel=info", LOG_INFO }, { "loglevel=debug", LOG_DEBUG },
		{ "loglevel=0", LOG_ERR },     { "loglevel=3", LOG_DEBUG },
		{ "loglevel=1", LOG_WARN },
	};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(ok); i++) {
		assert_int_equal(parse(ok[i].line), 0);
		assert_int_equal(o.loglevel, ok[i].want);
	}
	assert_int_equal(parse("loglevel=4"), 1);
	assert_msg(0, "loglevel=4", "expected err, warn, info, debug or 0-3");
	assert_int_equal(o.loglevel, LOG_INFO);
	assert_int_equal(parse("loglevel=verbose"), 1);
	assert_int_equal(parse("loglevel=errr"), 1);
	assert_int_equal(parse("loglevel=de"), 1);
}

static void test_console(void **state)
{
	static const struct {
		const char *line;
		uint16_t port;
	} ok[] = {
		{ "console=com1", 0x3f8 }, { "console=com2", 0x2f8 },
		{ "console=com3", 0x3e8 }, { "console=com4", 0x2e8 },
		{ "console=0x2f8", 0x2f8 }, { "console=0xe000", 0xe000 },
	};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(ok); i++) {
		assert_int_equal(parse(ok[i].line), 0);
		assert_int_equal(o.console_port, ok[i].port);
		assert_false(o.console_none);
	}
	assert_int_equal(parse("console=none"), 0);
	assert_true(o.console_none);
	assert_int_equal(o.console_port, 0x3f8);
	/* The last console= wins, including over none. */
	assert_int_equal(parse("console=none console=com2"), 0);
	assert_false(o.console_none);
	assert_int_equal(o.console_port, 0x2f8);

	assert_int_equal(parse("console=com5"), 1);
	assert_msg(0, "console=com5", "expected com1-com4");
	assert_int_equal(parse("console=0x0"), 1);
	assert_msg(0, "console=0x0", "out of range");
	assert_int_equal(parse("console=0x10000"), 1);
	assert_msg(0, "console=0x10000", "out of range");
	assert_int_equal(parse("console=0xzz"), 1);
	assert_int_equal(o.console_port, 0x3f8);
}

static void test_baud(void **state)
{
	static const uint32_t ok[] = { 115200, 57600, 38400, 19200, 9600,
				       2400, 300, 50, 2 };
	char line[32];

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(ok); i++) {
		snprintf(line, sizeof(line), "baud=%u", ok[i]);
		assert_int_equal(parse(line), 0);
		assert_int_equal(o.console_baud, ok[i]);
	}
	/* Not a divisor of 115200, above it, zero, and 1 (divisor
	 * 115200 does not fit in 16 bits). */
	assert_int_equal(parse("baud=9601"), 1);
	assert_msg(0, "baud=9601", "must divide 115200");
	assert_int_equal(parse("baud=230400"), 1);
	assert_int_equal(parse("baud=0"), 1);
	assert_int_equal(parse("baud=1"), 1);
	assert_int_equal(parse("baud=fast"), 1);
	assert_msg(0, "baud=fast", "not a number");
	assert_int_equal(o.console_baud, 115200);
}

static void test_test_name(void **state)
{
	(void)state;
	assert_int_equal(parse("test=ept_violation"), 0);
	assert_string_equal(o.test, "ept_violation");
	/* 31 characters fit, 32 do not (NUL). */
	assert_int_equal(parse("test=abcdefghijklmnopqrstuvwxyz012345"), 1);
	assert_msg(0, "test=abcdefghij", "name too long");
	assert_string_equal(o.test, "");
	assert_int_equal(parse("test=abcdefghijklmnopqrstuvwxyz01234"), 0);
	assert_int_equal(strlen(o.test), 31);
}

static void test_maxcpus(void **state)
{
	(void)state;
	assert_int_equal(parse("maxcpus=0"), 0);
	assert_int_equal(o.maxcpus, 0);
	assert_int_equal(parse("maxcpus=64"), 0);
	assert_int_equal(o.maxcpus, 64);
	assert_int_equal(parse("maxcpus=0x10"), 0);
	assert_int_equal(o.maxcpus, 16);
	assert_int_equal(parse("maxcpus=-1"), 1);
	assert_msg(0, "maxcpus=-1", "not a number");
	assert_int_equal(parse("maxcpus=4294967296"), 1);
	assert_msg(0, "maxcpus=4294967296", "too large");
	assert_int_equal(parse("maxcpus=99999999999999999999999"), 1);
	assert_int_equal(o.maxcpus, 0);
}

static void test_sched(void **state)
{
	(void)state;
	assert_int_equal(parse("sched=fair"), 0);
	assert_string_equal(o.sched, "fair");
	assert_int_equal(parse("sched=rr"), 0);
	assert_string_equal(o.sched, "rr");
	assert_int_equal(parse("sched=fifo"), 1);
	assert_msg(0, "sched=fifo", "expected rr or fair");
	assert_string_equal(o.sched, "rr");
}

static void test_timeslice(void **state)
{
	(void)state;
	assert_int_equal(parse("timeslice=100"), 0);
	assert_int_equal(o.timeslice_us, 100);
	assert_int_equal(parse("timeslice=1000000"), 0);
	assert_int_equal(o.timeslice_us, 1000000);
	assert_int_equal(parse("timeslice=99"), 1);
	assert_msg(0, "timeslice=99", "out of range");
	assert_int_equal(parse("timeslice=1000001"), 1);
	assert_int_equal(parse("timeslice=10ms"), 1);
	assert_msg(0, "timeslice=10ms", "not a number");
	assert_int_equal(o.timeslice_us, 10000);
}

static void test_onexit(void **state)
{
	(void)state;
	assert_int_equal(parse("onexit=poweroff"), 0);
	assert_int_equal(o.onexit, HV_ONEXIT_POWEROFF);
	assert_int_equal(parse("onexit=reboot"), 0);
	assert_int_equal(o.onexit, HV_ONEXIT_REBOOT);
	assert_int_equal(parse("onexit=poweroff onexit=halt"), 0);
	assert_int_equal(o.onexit, HV_ONEXIT_HALT);
	assert_int_equal(parse("onexit=shutdown"), 1);
	assert_msg(0, "onexit=shutdown", "expected halt, poweroff or reboot");
	assert_int_equal(o.onexit, HV_ONEXIT_HALT);
}

static void test_apicv(void **state)
{
	(void)state;
	assert_int_equal(parse("apicv=off"), 0);
	assert_false(o.apicv);
	assert_int_equal(parse("apicv=off apicv=on"), 0);
	assert_true(o.apicv);
	assert_int_equal(parse("apicv=on apicv=off"), 0);
	assert_false(o.apicv);
	assert_int_equal(parse("apicv=no"), 1);
	assert_msg(0, "apicv=no", "expected on or off");
	assert_int_equal(o.apicv, true); /* the default, untouched by the bad token */
}

/* The line the boot tests and the demo ISO use. */
static void test_boot_test_line(void **state)
{
	(void)state;
	assert_int_equal(parse("loglevel=info onexit=poweroff"), 0);
	assert_int_equal(o.loglevel, LOG_INFO);
	assert_int_equal(o.onexit, HV_ONEXIT_POWEROFF);
}

static void test_malformed_tokens(void **state)
{
	(void)state;
	assert_int_equal(parse("verbose"), 1);
	assert_msg(0, "\"verbose\"", "missing '='");
	assert_int_equal(parse("frobnicate=1"), 1);
	assert_msg(0, "frobnicate=1", "unknown option");
	assert_int_equal(parse("maxcpus="), 1);
	assert_msg(0, "maxcpus=", "empty value");
	assert_int_equal(parse("=5"), 1);
	assert_msg(0, "\"=5\"", "missing option name");
	/* A key is matched whole, not by prefix. */
	assert_int_equal(parse("log=debug"), 1);
	assert_int_equal(parse("loglevelx=debug"), 1);
	assert_int_equal(o.loglevel, LOG_INFO);
	/* Without a report callback the errors are still counted. */
	assert_int_equal(cmdline_parse("a b=1 maxcpus=x", &o, NULL, NULL), 3);
}

static void test_multiple_errors(void **state)
{
	(void)state;
	assert_int_equal(parse("loglevel=debug bogus baud=7 maxcpus=4 "
			       "colour=red timeslice=5 sched=fair"),
			 4);
	assert_int_equal(r.n, 4);
	assert_msg(0, "bogus", "missing '='");
	assert_msg(1, "baud=7", "must divide 115200");
	assert_msg(2, "colour=red", "unknown option");
	assert_msg(3, "timeslice=5", "out of range");
	/* The good tokens around them still apply. */
	assert_int_equal(o.loglevel, LOG_DEBUG);
	assert_int_equal(o.maxcpus, 4);
	assert_string_equal(o.sched, "fair");
	assert_int_equal(o.console_baud, 115200);
	assert_int_equal(o.timeslice_us, 10000);
}

static void test_grub_path_word(void **state)
{
	(void)state;
	assert_int_equal(parse("/boot/hv.elf loglevel=warn"), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(o.loglevel, LOG_WARN);
	assert_int_equal(parse("  /hv maxcpus=1"), 0);
	assert_int_equal(o.maxcpus, 1);
	/* Only as the first word. */
	assert_int_equal(parse("maxcpus=1 /boot/hv.elf"), 1);
	assert_msg(0, "/boot/hv.elf", "missing '='");
	/* A first word with '=' is an option even if it starts with '/'. */
	assert_int_equal(parse("/x=1"), 1);
	assert_msg(0, "/x=1", "unknown option");
	/* And a first word not starting with '/' is not a path. */
	assert_int_equal(parse("hv.elf"), 1);
}

static void test_long_token_echo(void **state)
{
	char line[200];

	(void)state;
	memset(line, 'k', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	line[100] = '=';
	assert_int_equal(parse(line), 1);
	assert_msg(0, "kkkk...\"", "unknown option");
	assert_true(strlen(r.msg[0]) < 100);
}

static void test_whitespace(void **state)
{
	(void)state;
	assert_int_equal(parse("\tloglevel=err\n  maxcpus=3\r\n"), 0);
	assert_int_equal(o.loglevel, LOG_ERR);
	assert_int_equal(o.maxcpus, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_line),
		cmocka_unit_test(test_loglevel),
		cmocka_unit_test(test_console),
		cmocka_unit_test(test_baud),
		cmocka_unit_test(test_test_name),
		cmocka_unit_test(test_maxcpus),
		cmocka_unit_test(test_sched),
		cmocka_unit_test(test_timeslice),
		cmocka_unit_test(test_onexit),
		cmocka_unit_test(test_apicv),
		cmocka_unit_test(test_boot_test_line),
		cmocka_unit_test(test_malformed_tokens),
		cmocka_unit_test(test_multiple_errors),
		cmocka_unit_test(test_grub_path_word),
		cmocka_unit_test(test_long_token_echo),
		cmocka_unit_test(test_whitespace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
