/* Set-up shared by every harness; see fuzz.h. */
#include <stdarg.h>
#include <stdlib.h>

#include "lib/printk.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/fakes.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

static bool verbose;

/* cmocka's failure outside a running test would exit(); the fuzzer must
 * see an abort() instead, with the message printed. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("CMOCKA_TEST_ABORT", "1", 1);
	verbose = getenv("FUZZ_VERBOSE") && strcmp(getenv("FUZZ_VERBOSE"), "0");
	return 0;
}

void fuzz_note(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void fuzz_log_reset(void)
{
	fake_log_reset();
}
