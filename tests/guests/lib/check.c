/* PASS/FAIL lines and the final RESULT line that boot cases match.  Any
 * vCPU may check; the counts are shared by the whole VM. */
#include "lib/guest_rt.h"

static unsigned passed, failed;
static char name_buf[128];

const char *nm(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name_buf, sizeof(name_buf), fmt, ap);
	va_end(ap);
	return name_buf;
}

void check_true(bool ok, const char *name, const char *expr,
		const char *file, int line)
{
	if (ok) {
		__atomic_fetch_add(&passed, 1, __ATOMIC_RELAXED);
		printf("PASS: %s\n", name);
	} else {
		__atomic_fetch_add(&failed, 1, __ATOMIC_RELAXED);
		printf("FAIL: %s (%s is false at %s:%d)\n", name, expr, file,
		       line);
	}
}

void check_eq(int64_t got, int64_t want, const char *name)
{
	if (got == want) {
		__atomic_fetch_add(&passed, 1, __ATOMIC_RELAXED);
		printf("PASS: %s\n", name);
	} else {
		__atomic_fetch_add(&failed, 1, __ATOMIC_RELAXED);
		printf("FAIL: %s (got %ld, expected %ld)\n", name, got, want);
	}
}

void check_hex(uint64_t got, uint64_t want, const char *name)
{
	if (got == want) {
		__atomic_fetch_add(&passed, 1, __ATOMIC_RELAXED);
		printf("PASS: %s\n", name);
	} else {
		__atomic_fetch_add(&failed, 1, __ATOMIC_RELAXED);
		printf("FAIL: %s (got %#lx, expected %#lx)\n", name, got, want);
	}
}

unsigned test_failures(void)
{
	return failed;
}

unsigned test_passes(void)
{
	return passed;
}

void test_finish(void)
{
	printf("RESULT: %u passed, %u failed\n", passed, failed);
	guest_exit(failed);
}
