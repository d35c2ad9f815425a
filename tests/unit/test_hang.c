// UNIT-SOURCES: guest/exit/exit.c guest/exit/cpuid.c guest/exit/cr.c guest/exit/msr.c guest/exit/io.c guest/exit/misc.c guest/exit/hypercall.c guest/exit/hc_conv.c guest/exit/hc_ring.c guest/exit/hc_stats.c guest/exit/hc_decode.c guest/vm/vm.c guest/dev/vlapic.c guest/dev/vlapic_timer.c guest/dev/vlapic_ipi.c mm/gmem.c mm/ept.c mm/pt.c mm/frame.c mm/range.c tests/unit/fake_hw.c tests/unit/exit_fixture.c guest/vpc/null.c guest/vpc/pc.c guest/vm/hang.c
/* A VM that can never run again (guest/vm/hang.c, issue 11) and HLT with
 * IF = 0 on the virtual PC: only an NMI or INIT ends it, a pending
 * maskable interrupt does not; the VM is hung when every vCPU waits so or
 * for its SIPI with nothing pending and no device able to send one; it is
 * reported once and stopped or kept as on_hang says. */
#include "tests/unit/exit_fixture.h"
#include "guest/vm/vm.h"

static struct vcpu *vcpu(unsigned i)
{
	return &X.vm->vcpu[i];
}

/* vCPU 'i' blocks as the run loop leaves it: halted with IF = 0. */
static void halt_if_off(unsigned i, uint64_t rip)
{
	X.v = vcpu(i);
	X.hw = X.v->hw;
	X.hw->rflags &= ~RFLAGS_IF;
	X.hw->rip = rip;
	assert_int_equal(run_exit(HW_EXIT_HLT), ACT_BLOCK);
	assert_true(X.v->halt_if_off);
	X.v->state = VCPU_BLOCKED;
	vm_hang_check(X.v);
}

static void test_hlt_if0_ignores_maskable_interrupt(void **state)
{
	(void)state;
	use_plat();
	W.wakeup = true; /* a timer interrupt is pending in the LAPIC */
	assert_int_equal(run_exit(HW_EXIT_HLT), ACT_BLOCK);
	assert_true(X.v->halt_if_off);
	assert_int_equal(X.v->halt_rip, START_RIP);
	/* ... and keeps the vCPU halted when it wakes for it. */
	assert_false(vcpu_halt_ends(X.v));
	assert_true(X.v->halt_if_off);
}

static void test_hlt_if0_ends_on_nmi_and_init(void **state)
{
	(void)state;
	use_plat();
	X.v->nmi_pending = true;
	assert_int_equal(run_exit(HW_EXIT_HLT), ACT_RESUME_ADVANCE);
	assert_false(X.v->halt_if_off);
	X.v->nmi_pending = false;
	assert_int_equal(run_exit(HW_EXIT_HLT), ACT_BLOCK);
	X.v->init_pending = true;
	assert_true(vcpu_halt_ends(X.v));
	assert_false(X.v->halt_if_off);
}

static void test_hung_pc_reported_once_and_stopped(void **state)
{
	(void)state;
	use_plat();
	vcpu(1)->wait_sipi = true;
	vcpu(1)->sipi_vector = -1;
	vcpu(1)->state = VCPU_BLOCKED;
	vm_hang_check(vcpu(1)); /* vCPU 0 still runs */
	assert_false(X.vm->hung);
	halt_if_off(0, 0x1234);
	assert_true(X.vm->hung);
	assert_true(fake_log_contains("vm tvm: hung: no vCPU can run again (on_hang = stop)"));
	assert_true(fake_log_contains("vm tvm: hung: vCPU 0 halted with interrupts disabled at RIP 0x1234"));
	assert_true(fake_log_contains("vm tvm: hung: vCPU 1 waiting for SIPI"));
	assert_int_equal(X.vm->state, VM_STOPPED);
	assert_true(fake_log_contains("vm tvm: stopped: hung"));
	assert_int_equal(W.dormant, 0);
}

/* A pending NMI, INIT or SIPI, or an IOAPIC pin that could send one:
 * not hung. */
static void test_not_hung_while_something_can_wake(void **state)
{
	(void)state;
	use_plat();
	vcpu(1)->wait_sipi = true;
	vcpu(1)->sipi_vector = 0x10; /* sent, not yet taken */
	vcpu(1)->state = VCPU_BLOCKED;
	vcpu(1)->dead_wait = true;
	halt_if_off(0, 0x1000);
	assert_false(X.vm->hung);
	vcpu(1)->sipi_vector = -1;
	vcpu(1)->nmi_pending = true;
	vm_hang_check(X.v);
	assert_false(X.vm->hung);
	vcpu(1)->nmi_pending = false;
	W.may_wake = true;
	vm_hang_check(X.v);
	assert_false(X.vm->hung);
	W.may_wake = false;
	vm_hang_check(X.v);
	assert_true(X.vm->hung);
}

static void test_hung_report_keeps_vm_dormant(void **state)
{
	(void)state;
	X.cfg.on_hang = ON_HANG_REPORT;
	/* The minimal machine: a halted vCPU waits instead of stopping. */
	halt_if_off(0, 0x100);
	assert_int_equal(X.v->state, VCPU_BLOCKED);
	assert_false(X.vm->hung);
	halt_if_off(1, 0x200);
	assert_true(X.vm->hung);
	assert_int_equal(X.vm->state, VM_RUNNING);
	assert_int_equal(W.dormant, 3);
	assert_true(fake_log_contains("hung: no vCPU can run again (on_hang = report)"));
	assert_true(fake_log_contains("hung: vCPU 1 halted with interrupts disabled at RIP 0x200"));
	/* Woken for nothing: blocked for good again, not reported twice. */
	W.dormant = 0;
	fake_log_reset();
	vm_hang_check(vcpu(0));
	assert_int_equal(W.dormant, 1);
	assert_false(fake_log_contains("hung"));
}

/* A vCPU that runs again ends the hang; a later one is reported anew. */
static void test_hang_ends_when_a_vcpu_runs(void **state)
{
	(void)state;
	X.cfg.on_hang = ON_HANG_REPORT;
	halt_if_off(0, 0x100);
	halt_if_off(1, 0x200);
	assert_true(X.vm->hung);
	vcpu(1)->halt_if_off = false; /* as if an NMI had come */
	vcpu_runs_again(vcpu(1));
	assert_false(vcpu(1)->dead_wait);
	assert_false(X.vm->hung);
	assert_true(fake_log_contains("vm tvm: no longer hung: vCPU 1 runs again"));
	halt_if_off(1, 0x300);
	assert_true(X.vm->hung);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hlt_if0_ignores_maskable_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hlt_if0_ends_on_nmi_and_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hung_pc_reported_once_and_stopped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_hung_while_something_can_wake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hung_report_keeps_vm_dormant, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hang_ends_when_a_vcpu_runs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
