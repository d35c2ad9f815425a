/* Boot self-tests for the fault paths of the hypervisor itself. */
#include "arch-x86/selftest.h"
#include "arch-x86/cpu.h"
#include "lib/printk.h"
#include "lib/string.h"

static void test_ud(void)
{
	__asm__ volatile("ud2");
}

static void test_pf(void)
{
	/* Far above any RAM the direct map covers. */
	volatile uint64_t *p = (volatile uint64_t *)0x0000700000000000ULL;

	(void)*p;
}

static void test_panic(void)
{
	panic("self-test panic %d", 42);
}

static void test_breakpoint(void)
{
	__asm__ volatile("int3");
}

struct selftest {
	const char *name;
	void (*fn)(void);
};

static const struct selftest tests[] = {
	{ "ud", test_ud },
	{ "pf", test_pf },
	{ "panic", test_panic },
	{ "int3", test_breakpoint },
};

void selftest_run(const char *name)
{
	for (unsigned i = 0; i < ARRAY_SIZE(tests); i++) {
		if (!strcmp(name, tests[i].name)) {
			pr_info("selftest: %s\n", name);
			tests[i].fn();
			pr_err("selftest: %s returned, which it must not\n", name);
			return;
		}
	}
	pr_err("selftest: unknown test '%s' (ud, pf, panic, int3)\n", name);
}
