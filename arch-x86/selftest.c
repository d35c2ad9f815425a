/* Boot self-tests for the fault paths of the hypervisor itself. */
#include "arch-x86/selftest.h"
#include "arch-x86/cpu.h"
#include "arch-x86/percpu.h"
#include "arch-x86/smp.h"
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

/* With the APs online: panic() must stop them before it prints. */
static void test_panic_smp(void)
{
	panic("self-test panic with %u CPU(s) online", smp_cpus_online());
}

/* Recursion without end: each frame holds a page the compiler cannot drop,
 * until one runs into the guard page under the stack. */
static volatile unsigned long overflow_depth = ~0UL;

static __attribute__((noinline)) unsigned long test_overflow_frame(unsigned long n)
{
	volatile uint8_t page[1024];

	page[0] = (uint8_t)n;
	if (n < overflow_depth)
		return test_overflow_frame(n + 1) + page[0];
	return page[0];
}

static void test_stack_overflow(void)
{
	pr_info("selftest: stack from %016lx down to %016lx\n",
		this_cpu()->stack_top, this_cpu()->stack_bottom);
	(void)test_overflow_frame(0);
}

struct selftest {
	const char *name;
	void (*fn)(void);
	bool smp; /* runs once the APs are online */
};

static const struct selftest tests[] = {
	{ "ud", test_ud, false },
	{ "pf", test_pf, false },
	{ "panic", test_panic, false },
	{ "int3", test_breakpoint, false },
	{ "stack-overflow", test_stack_overflow, false },
	{ "panic-smp", test_panic_smp, true },
};

void selftest_run(const char *name, bool smp)
{
	for (unsigned i = 0; i < ARRAY_SIZE(tests); i++) {
		if (strcmp(name, tests[i].name))
			continue;
		if (tests[i].smp != smp)
			return;
		pr_info("selftest: %s\n", name);
		tests[i].fn();
		pr_err("selftest: %s returned, which it must not\n", name);
		return;
	}
	if (!smp)
		pr_err("selftest: unknown test '%s' (ud, pf, panic, int3, stack-overflow, panic-smp; vtd in drivers/vtd_selftest.c)\n",
		       name);
}
