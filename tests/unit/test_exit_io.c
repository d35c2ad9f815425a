// UNIT-SOURCES: guest/exit/exit.c guest/exit/cpuid.c guest/exit/cr.c guest/exit/msr.c guest/exit/io.c guest/exit/misc.c guest/exit/hypercall.c guest/exit/hc_conv.c guest/exit/hc_ring.c guest/exit/hc_stats.c guest/exit/hc_decode.c guest/vm/vm.c guest/dev/vlapic.c guest/dev/vlapic_timer.c guest/dev/vlapic_ipi.c mm/gmem.c mm/ept.c mm/pt.c mm/frame.c mm/range.c tests/unit/fake_hw.c tests/unit/exit_fixture.c guest/vpc/null.c guest/vpc/pc.c guest/vm/hang.c
/* I/O exits: IN merges into or zero-extends RAX as the instruction
 * width says, OUT takes AL/AX/EAX; COM1 is a write-only console, other
 * ports an empty bus; string I/O stops the VM; a virtual PC takes every
 * port. */
#include "tests/unit/exit_fixture.h"

#define RAX0 0x1122334455667788ULL

static enum vcpu_action io_exit(uint16_t port, unsigned size, bool in,
				bool string)
{
	struct hw_exit e = { .kind = HW_EXIT_IO, .reason = HW_EXIT_IO,
			     .insn_len = 1,
			     .io = { .port = port, .size = (uint8_t)size,
				     .flags = (uint8_t)((in ? HW_IO_IN : 0) |
							(string ? HW_IO_STRING : 0)) } };

	return run(&e);
}

static uint64_t in(uint16_t port, unsigned size)
{
	REG(RAX) = RAX0;
	assert_int_equal(io_exit(port, size, true, false), ACT_RESUME_ADVANCE);
	assert_no_event();
	return REG(RAX);
}

static enum vcpu_action out(uint16_t port, unsigned size, uint64_t rax)
{
	REG(RAX) = rax;
	return io_exit(port, size, false, false);
}

static void test_in_empty_bus_merges(void **state)
{
	(void)state;
	assert_int_equal(in(0x80, 1), 0x11223344556677ffULL);
	assert_int_equal(in(0x80, 2), 0x112233445566ffffULL);
	/* A 32-bit IN zero-extends into RAX. */
	assert_int_equal(in(0x80, 4), 0x00000000ffffffffULL);
	assert_int_equal(X.v->exit_count[HW_EXIT_IO], 3);
	assert_int_equal(W.io_calls, 0);
}

static void test_com1_reads(void **state)
{
	(void)state;
	assert_int_equal(in(0x3f8 + 5, 1), 0x1122334455667760ULL); /* LSR: THRE|TEMT */
	assert_int_equal(in(0x3f8 + 2, 1), 0x1122334455667701ULL); /* IIR: none */
	assert_int_equal(in(0x3f8 + 6, 1), 0x11223344556677b0ULL); /* MSR: DCD DSR CTS */
	assert_int_equal(in(0x3f8 + 1, 1), 0x1122334455667700ULL); /* IER */
	assert_int_equal(in(0x3f8 + 0, 1), 0x1122334455667700ULL); /* RBR */
	assert_int_equal(in(0x3f8 + 7, 1), 0x1122334455667700ULL); /* SCR */
	/* 0x3f0 is below COM1: the empty bus. */
	assert_int_equal(in(0x3f0, 1), 0x11223344556677ffULL);
	/* 0x400 is past it. */
	assert_int_equal(in(0x400, 1), 0x11223344556677ffULL);
}

static void test_com1_console(void **state)
{
	const char *s = "hi\r\n";

	(void)state;
	for (unsigned i = 0; s[i]; i++)
		assert_int_equal(out(0x3f8, 1, 0xffffff00u | (uint8_t)s[i]),
				 ACT_RESUME_ADVANCE);
	assert_true(fake_log_contains("[tvm] hi\n"));
	assert_int_equal(X.vm->console.len, 0);
	/* Only THR prints. */
	fake_log_reset();
	assert_int_equal(out(0x3f8 + 4, 1, 'x'), ACT_RESUME_ADVANCE);
	assert_int_equal(out(0x3f8, 1, 'y'), ACT_RESUME_ADVANCE);
	assert_int_equal(X.vm->console.len, 1);
	assert_int_equal(X.vm->console.line[0], 'y');
	assert_no_event();
}

static void test_console_none_drops(void **state)
{
	(void)state;
	X.cfg.console = CONSOLE_NONE;
	assert_int_equal(out(0x3f8, 1, 'z'), ACT_RESUME_ADVANCE);
	assert_int_equal(X.vm->console.len, 0);
}

static void test_out_elsewhere_ignored(void **state)
{
	(void)state;
	assert_int_equal(out(0x80, 1, 0x55), ACT_RESUME_ADVANCE);
	assert_int_equal(out(0xcf8, 4, 0x80000000), ACT_RESUME_ADVANCE);
	assert_int_equal(X.vm->console.len, 0);
	assert_int_equal(X.vm->state, VM_RUNNING);
	assert_no_event();
}

static void test_string_io_stops_vm(void **state)
{
	(void)state;
	assert_stopped(io_exit(0x1f0, 2, true, true),
		       "string I/O (INS/OUTS) to port 0x1f0 is not emulated");
	assert_int_equal(W.io_calls, 0);
}

static void test_plat_takes_ports(void **state)
{
	(void)state;
	use_plat();
	W.io_val = 0xabcd1234;
	assert_int_equal(in(0x3f8 + 5, 1), 0x1122334455667734ULL);
	assert_int_equal(W.io_port, 0x3fd);
	assert_int_equal(W.io_size, 1);
	assert_true(W.io_in);
	assert_int_equal(in(0x60, 2), 0x1122334455661234ULL);
	assert_int_equal(in(0xcfc, 4), 0xabcd1234ULL);

	assert_int_equal(out(0x3f8, 2, 0xffffffff00c0ffeeULL), ACT_RESUME_ADVANCE);
	assert_false(W.io_in);
	assert_int_equal(W.io_out, 0x00c0ffee); /* EAX; the PC masks by size */
	assert_int_equal(X.vm->console.len, 0);
	assert_int_equal(W.io_calls, 4);
}

/* When the PC does not complete an IN (a reset, a stop), RAX stays. */
static void test_plat_in_not_completed(void **state)
{
	(void)state;
	use_plat();
	W.io_act = ACT_KILL_VM;
	W.io_val = 0;
	REG(RAX) = RAX0;
	assert_int_equal(io_exit(0x64, 1, true, false), ACT_KILL_VM);
	assert_int_equal(REG(RAX), RAX0);
	W.io_act = ACT_RESUME;
	assert_int_equal(io_exit(0x64, 4, true, false), ACT_RESUME);
	assert_int_equal(REG(RAX), RAX0);
}

/* Every port traps: the setup leaves the all-ones bitmap alone. */
static void test_io_setup(void **state)
{
	(void)state;
	guest_io_setup(X.vm);
	assert_int_equal(X.vm->hw->io_calls, 0);
	assert_true(fake_hw_io_trapped(X.vm->hw, 0x3f8));
	assert_true(fake_hw_io_trapped(X.vm->hw, 0x80));
	assert_true(fake_hw_io_trapped(X.vm->hw, 0xffff));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_in_empty_bus_merges),
		T(test_com1_reads),
		T(test_com1_console),
		T(test_console_none_drops),
		T(test_out_elsewhere_ignored),
		T(test_string_io_stops_vm),
		T(test_plat_takes_ports),
		T(test_plat_in_not_completed),
		T(test_io_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
