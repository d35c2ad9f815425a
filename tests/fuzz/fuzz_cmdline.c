// FUZZ-SOURCES: boot/cmdline.c lib/parse.c
/* The hypervisor command line (boot/cmdline.c): any bytes, cut at the
 * first NUL as the loader's string is.  Whatever is accepted must leave
 * options the boot sequence can use as they are. */
#include "boot/cmdline.h"
#include "tests/fuzz/fuzz.h"

static unsigned nreports;

static void report(void *ctx, const char *msg)
{
	(void)ctx;
	FUZZ_CHECK(msg && strlen(msg) < 1024);
	nreports++;
}

static void check_name(const char *s, size_t max)
{
	FUZZ_CHECK(memchr(s, '\0', max) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	struct hv_options o;
	unsigned errors;

	memcpy(line, data, size);
	line[size] = '\0';
	hv_options_default(&o);
	nreports = 0;
	errors = cmdline_parse(line, &o, report, NULL);
	fuzz_log_reset();
	/* Every error is reported. */
	FUZZ_CHECK(nreports >= errors);
	FUZZ_CHECK(o.loglevel <= LOG_DEBUG);
	FUZZ_CHECK(o.console_baud && 115200 % o.console_baud == 0 &&
		   115200 / o.console_baud <= 0xffff);
	FUZZ_CHECK(o.timeslice_us >= HV_TIMESLICE_MIN_US &&
		   o.timeslice_us <= HV_TIMESLICE_MAX_US);
	FUZZ_CHECK(o.onexit <= HV_ONEXIT_REBOOT);
	check_name(o.test, sizeof(o.test));
	check_name(o.sched, sizeof(o.sched));
	free(line);
	return 0;
}
