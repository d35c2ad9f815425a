// UNIT-SOURCES: guest/exit/exit.c guest/exit/cpuid.c guest/exit/cr.c guest/exit/msr.c guest/exit/io.c guest/exit/misc.c guest/exit/hypercall.c guest/exit/hc_conv.c guest/exit/hc_ring.c guest/exit/hc_stats.c guest/exit/hc_decode.c guest/vm/vm.c guest/dev/vlapic.c guest/dev/vlapic_timer.c guest/dev/vlapic_ipi.c mm/gmem.c mm/ept.c mm/pt.c mm/frame.c mm/range.c tests/unit/fake_hw.c tests/unit/exit_fixture.c guest/vpc/null.c guest/vpc/pc.c guest/vm/hang.c
/* NMI delivery on the virtual PC (guest/vpc/pc.c, issue 12, defect 5):
 * at most one NMI waits behind the one delivered, and only one while the
 * guest blocks NMIs; a waiting NMI asks for the NMI window (or, without
 * virtual NMIs, a look at the next exit); an NMI goes before a maskable
 * interrupt and after an event being delivered again; the NMI-window
 * exit makes the entry path look. */
#include "tests/unit/exit_fixture.h"
#include "guest/vm/vm.h"
#include "lib/x86_vectors.h"

static void inject(void)
{
	X.v->event.valid = false;
	X.vm->platform->inject(X.v);
}

static bool recheck(void)
{
	return __atomic_load_n(&X.v->virq.any, __ATOMIC_RELAXED) & VIRQ_ANY_RECHECK;
}

static void assert_nmi_injected(void)
{
	assert_true(X.v->event.valid);
	assert_int_equal(X.v->event.type, HW_EV_NMI);
	assert_int_equal(X.v->event.vector, X86_EXC_NMI);
}

static void nmi_setup(void)
{
	use_plat();
	X.hw->has_nmi_window = true;
	X.hw->interruptible = true;
}

static void test_one_nmi(void **state)
{
	(void)state;
	nmi_setup();
	X.v->nmi_pending = 1;
	inject();
	assert_nmi_injected();
	assert_int_equal(X.v->nmi_pending, 0);
	assert_false(X.hw->nmi_window);
	/* Nothing left: the window stays off. */
	X.hw->nmi_blocked = true;
	inject();
	assert_false(X.v->event.valid);
	assert_false(X.hw->nmi_window);
}

/* Two that arrived together are two; more than two merge. */
static void test_two_then_merge(void **state)
{
	(void)state;
	nmi_setup();
	X.v->nmi_pending = 5;
	inject();
	assert_nmi_injected();
	assert_int_equal(X.v->nmi_pending, 1);
	assert_true(X.hw->nmi_window); /* the second after the IRET */
	/* In the handler (NMIs blocked) three more come: one is kept. */
	X.hw->nmi_blocked = true;
	__atomic_fetch_add(&X.v->nmi_pending, 3, __ATOMIC_SEQ_CST);
	inject();
	assert_false(X.v->event.valid);
	assert_int_equal(X.v->nmi_pending, 1);
	assert_true(X.hw->nmi_window);
	/* The IRET: the NMI-window exit, then the entry injects it. */
	X.hw->nmi_blocked = false;
	__atomic_store_n(&X.v->virq.any, 0, __ATOMIC_SEQ_CST);
	assert_int_equal(run_exit(HW_EXIT_NMI_WINDOW), ACT_RESUME);
	assert_true(recheck());
	inject();
	assert_nmi_injected();
	assert_int_equal(X.v->nmi_pending, 0);
	assert_false(X.hw->nmi_window);
}

/* Blocked, one waits for the window; without virtual NMIs the entry
 * path looks again at every exit. */
static void test_blocked(void **state)
{
	(void)state;
	nmi_setup();
	X.hw->nmi_blocked = true;
	X.v->nmi_pending = 2;
	inject();
	assert_false(X.v->event.valid);
	assert_int_equal(X.v->nmi_pending, 1);
	assert_true(X.hw->nmi_window);

	X.hw->nmi_window = false;
	X.hw->has_nmi_window = false;
	__atomic_store_n(&X.v->virq.any, 0, __ATOMIC_SEQ_CST);
	inject();
	assert_false(X.v->event.valid);
	assert_true(recheck());
	assert_false(X.hw->nmi_window);
	X.hw->nmi_blocked = false;
	inject();
	assert_nmi_injected();
}

/* SDM 6.9: NMI before a maskable interrupt, which then waits for the
 * interrupt window (the handler runs with IF = 0). */
static void test_nmi_before_interrupt(void **state)
{
	(void)state;
	nmi_setup();
	X.v->nmi_pending = 1;
	W.pending_irq = 0x30;
	inject();
	assert_nmi_injected();
	assert_true(X.hw->intr_window);
	assert_int_equal(W.pending_irq, 0x30);
	/* NMIs blocked, the interrupt goes in when IF allows it. */
	X.hw->nmi_blocked = true;
	inject();
	assert_true(X.v->event.valid);
	assert_int_equal(X.v->event.type, HW_EV_EXT_INTR);
	assert_int_equal(X.v->event.vector, 0x30);
}

/* An event being delivered again goes first; the NMI asks for the window
 * so that it follows the delivery. */
static void test_event_first(void **state)
{
	(void)state;
	nmi_setup();
	X.v->nmi_pending = 1;
	X.v->event = (struct hw_event){ .valid = true, .vector = 14,
					.type = HW_EV_HW_EXCEPTION, .has_error = true };
	X.vm->platform->inject(X.v);
	assert_int_equal(X.v->event.vector, 14);
	assert_int_equal(X.v->nmi_pending, 1);
	assert_true(X.hw->nmi_window);
	assert_true(recheck());
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_one_nmi),
		T(test_two_then_merge),
		T(test_blocked),
		T(test_nmi_before_interrupt),
		T(test_event_first),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
