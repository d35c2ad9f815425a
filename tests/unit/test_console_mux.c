// UNIT-SOURCES: drivers/console_mux.c
/* Console input multiplexer: delivery to the focus, the Ctrl-A commands,
 * slots without a VM, and VMs going away. */
#include "drivers/console_mux.h"
#include "tests/unit/fakes.h"

#define NSLOTS 12

static struct console_mux mux;
static bool exists[NSLOTS];
static char got[NSLOTS][64]; /* bytes delivered per slot */
static unsigned ngot[NSLOTS];
static int announced[16];
static unsigned nannounce, nhelp;

static bool h_exists(void *ctx, unsigned slot)
{
	assert_ptr_equal(ctx, &mux);
	assert_true(slot < NSLOTS); /* never asked beyond nslots */
	return exists[slot];
}

static void h_deliver(void *ctx, unsigned slot, uint8_t byte)
{
	assert_ptr_equal(ctx, &mux);
	assert_true(slot < NSLOTS && exists[slot]);
	assert_true(ngot[slot] < sizeof(got[slot]));
	got[slot][ngot[slot]++] = (char)byte;
}

static void h_announce(void *ctx, int slot)
{
	assert_ptr_equal(ctx, &mux);
	assert_true(nannounce < ARRAY_SIZE(announced));
	announced[nannounce++] = slot;
}

static void h_help(void *ctx)
{
	assert_ptr_equal(ctx, &mux);
	nhelp++;
}

static const struct console_mux_hooks hooks = {
	.vm_exists = h_exists,
	.deliver = h_deliver,
	.announce = h_announce,
	.help = h_help,
};

/* Slots 0, 1, 3 and 10 hold VMs; slot 0 in focus. */
static int setup(void **state)
{
	(void)state;
	memset(exists, 0, sizeof(exists));
	memset(got, 0, sizeof(got));
	memset(ngot, 0, sizeof(ngot));
	nannounce = nhelp = 0;
	exists[0] = exists[1] = exists[3] = exists[10] = true;
	console_mux_init(&mux, &hooks, &mux, NSLOTS, 0);
	return 0;
}

static void type(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		console_mux_input(&mux, (uint8_t)s[i]);
}

#define TYPE(lit) type(lit, sizeof(lit) - 1)

static void expect_got(unsigned slot, const char *s)
{
	assert_int_equal(ngot[slot], strlen(s));
	assert_memory_equal(got[slot], s, ngot[slot]);
}

static void test_delivers_to_focus(void **state)
{
	(void)state;
	assert_int_equal(console_mux_focus(&mux), 0);
	TYPE("ls -l\r");
	expect_got(0, "ls -l\r");
	assert_int_equal(mux.delivered, 6);
	assert_int_equal(nannounce, 0); /* init announces nothing */
}

static void test_switch_by_digit(void **state)
{
	(void)state;
	TYPE("a\x01" "1b\x01" "3c");
	expect_got(0, "a");
	expect_got(1, "b");
	expect_got(3, "c");
	assert_int_equal(console_mux_focus(&mux), 3);
	assert_int_equal(nannounce, 2);
	assert_int_equal(announced[0], 1);
	assert_int_equal(announced[1], 3);
	/* Re-selecting the focus announces it again. */
	TYPE("\x01" "3");
	assert_int_equal(nannounce, 3);
	assert_int_equal(announced[2], 3);
}

/* An empty slot, or one past nslots, is refused: focus kept, announced. */
static void test_switch_refused(void **state)
{
	(void)state;
	TYPE("\x01" "2x");
	assert_int_equal(console_mux_focus(&mux), 0);
	expect_got(0, "x");
	assert_int_equal(nannounce, 1);
	assert_int_equal(announced[0], 0);

	console_mux_init(&mux, &hooks, &mux, 4, 1);
	TYPE("\x01" "9y");
	assert_int_equal(console_mux_focus(&mux), 1);
	expect_got(1, "y");
	assert_int_equal(announced[1], 1);
}

static void test_next(void **state)
{
	(void)state;
	static const int order[] = { 1, 3, 10, 0, 1 };

	for (unsigned i = 0; i < ARRAY_SIZE(order); i++) {
		TYPE("\x01n");
		assert_int_equal(console_mux_focus(&mux), order[i]);
		assert_int_equal(announced[i], order[i]);
	}
	/* From the hypervisor: the first VM. */
	TYPE("\x01h\x01n");
	assert_int_equal(console_mux_focus(&mux), 0);
	/* A lone VM keeps the focus; with none, the hypervisor stays. */
	memset(exists, 0, sizeof(exists));
	exists[3] = true;
	TYPE("\x01" "3\x01n");
	assert_int_equal(console_mux_focus(&mux), 3);
	exists[3] = false;
	TYPE("\x01h\x01n");
	assert_int_equal(console_mux_focus(&mux), CONSOLE_MUX_HYPERVISOR);
}

static void test_hypervisor_focus_drops(void **state)
{
	(void)state;
	TYPE("\x01hxyz");
	assert_int_equal(console_mux_focus(&mux), CONSOLE_MUX_HYPERVISOR);
	assert_int_equal(announced[0], CONSOLE_MUX_HYPERVISOR);
	for (unsigned i = 0; i < NSLOTS; i++)
		assert_int_equal(ngot[i], 0);
	assert_int_equal(mux.dropped, 3);
	TYPE("\x01\x01"); /* a literal Ctrl-A goes nowhere either */
	assert_int_equal(mux.dropped, 4);
}

static void test_literal_escape_and_unknown(void **state)
{
	(void)state;
	TYPE("\x01\x01" "a\x01" "zb\x01\x7f" "c\x01" "H");
	expect_got(0, "\x01" "abc");
	assert_int_equal(console_mux_focus(&mux), 0);
	assert_int_equal(nannounce, 0);
	/* The escape is a prefix for one byte only. */
	TYPE("\x01" "1" "1");
	expect_got(1, "1");
	/* Ctrl-A, Ctrl-A, Ctrl-A: one literal, then a new escape. */
	TYPE("\x01\x01\x01" "3");
	expect_got(1, "1\x01");
	assert_int_equal(console_mux_focus(&mux), 3);
}

static void test_help(void **state)
{
	(void)state;
	TYPE("\x01?q");
	assert_int_equal(nhelp, 1);
	assert_int_equal(nannounce, 0);
	expect_got(0, "q");
}

/* A focused VM that goes away: its input is dropped until it is back. */
static void test_vm_goes_away(void **state)
{
	(void)state;
	TYPE("\x01" "3\x01n0"); /* slot 10 is past the digits */
	assert_int_equal(console_mux_focus(&mux), 10);
	exists[10] = false;
	TYPE("lost");
	assert_int_equal(mux.dropped, 4);
	assert_int_equal(console_mux_focus(&mux), 10);
	exists[10] = true;
	TYPE("ok");
	expect_got(10, "0ok");
}

static void test_init_and_optional_hooks(void **state)
{
	(void)state;
	static const struct console_mux_hooks bare = {
		.vm_exists = h_exists,
		.deliver = h_deliver,
	};

	console_mux_init(&mux, &hooks, &mux, NSLOTS, -1);
	assert_int_equal(console_mux_focus(&mux), CONSOLE_MUX_HYPERVISOR);
	console_mux_init(&mux, &hooks, &mux, NSLOTS, NSLOTS);
	assert_int_equal(console_mux_focus(&mux), CONSOLE_MUX_HYPERVISOR);
	console_mux_init(&mux, &hooks, &mux, NSLOTS, -7);
	assert_int_equal(console_mux_focus(&mux), CONSOLE_MUX_HYPERVISOR);
	/* A slot without a VM yet may start in focus. */
	console_mux_init(&mux, &hooks, &mux, NSLOTS, 2);
	assert_int_equal(console_mux_focus(&mux), 2);
	TYPE("x");
	assert_int_equal(mux.dropped, 1);
	exists[2] = true;
	TYPE("y");
	expect_got(2, "y");

	console_mux_init(&mux, &bare, &mux, NSLOTS, 0);
	TYPE("\x01?\x01" "1\x01n\x01hz");
	assert_int_equal(console_mux_focus(&mux), CONSOLE_MUX_HYPERVISOR);
	assert_int_equal(nhelp + nannounce, 0);

	/* No slots at all. */
	console_mux_init(&mux, &hooks, &mux, 0, 0);
	TYPE("\x01n\x01" "0a");
	assert_int_equal(console_mux_focus(&mux), CONSOLE_MUX_HYPERVISOR);
	assert_int_equal(mux.dropped, 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_delivers_to_focus),
		T(test_switch_by_digit),
		T(test_switch_refused),
		T(test_next),
		T(test_hypervisor_focus_drops),
		T(test_literal_escape_and_unknown),
		T(test_help),
		T(test_vm_goes_away),
		T(test_init_and_optional_hooks),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
