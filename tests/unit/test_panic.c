// UNIT-SOURCES: lib/panic.c
/* lib/panic.c, the real panic() (it overrides the weak fake): the order of
 * its steps against recording hooks, and a second panic parking. */
#include "lib/panic.h"
#include "lib/printk.h"
#include "tests/unit/fakes.h"

/* Each hook appends a letter; 'M' marks that the message was printed by
 * then (seen in the captured log). */
static char steps[32];
static size_t nsteps;
static jmp_buf out;
static uintptr_t backtrace_fp;

static void step(char c)
{
	if (nsteps < sizeof(steps) - 1)
		steps[nsteps++] = c;
	steps[nsteps] = '\0';
}

static void note_message(void)
{
	if (fake_log_contains("PANIC:"))
		step('M');
}

static void hook_irq_off(void)
{
	note_message();
	step('I');
}

static unsigned still_running; /* what hook_stop_others reports */

static unsigned hook_stop_others(void)
{
	note_message();
	step('S');
	return still_running;
}

static void hook_backtrace(uintptr_t fp)
{
	note_message();
	step('B');
	backtrace_fp = fp;
}

static __noreturn void hook_park(void)
{
	step('P');
	longjmp(out, 1);
}

static __noreturn void hook_finish(void)
{
	if (fake_log_contains("hypervisor halted"))
		step('H');
	step('F');
	longjmp(out, 1);
}

static const struct panic_hooks hooks = {
	.irq_off = hook_irq_off,
	.stop_others = hook_stop_others,
	.backtrace = hook_backtrace,
	.park = hook_park,
	.finish = hook_finish,
};

static void dump(const void *ctx)
{
	note_message();
	step('D');
	pr_err("dump %s\n", (const char *)ctx);
}

static void reset(void)
{
	nsteps = 0;
	steps[0] = '\0';
	fake_log_reset();
	panic_set_hooks(&hooks);
}

/* Runs first: the claim it takes stays for the rest of the process. */
static void test_order(void **state)
{
	(void)state;
	reset();
	still_running = 2;
	if (setjmp(out) == 0)
		panic("bad %s %d", "thing", 3);
	/* Interrupts off, others stopped, then the message, the backtrace,
	 * "hypervisor halted", finish last. */
	assert_string_equal(steps, "ISMBHF");
	assert_true(fake_log_contains("\nPANIC: bad thing 3\n"));
	assert_true(backtrace_fp != 0);
	assert_true(fake_log_contains("PANIC: bad thing 3\npanic: 2 other CPU(s) did not stop\n"));
}

/* A CPU that panics while another one does parks without printing. */
static void test_second_panic_parks(void **state)
{
	(void)state;
	reset();
	if (setjmp(out) == 0)
		panic("second");
	assert_string_equal(steps, "IP");
	assert_false(fake_log_contains("second"));
	reset();
	if (setjmp(out) == 0)
		panic_dump(dump, "frame", "third");
	assert_string_equal(steps, "IP");
	assert_false(fake_log_contains("dump"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_second_panic_parks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
