// UNIT-SOURCES: guest/exit/exit.c guest/exit/cpuid.c guest/exit/cr.c guest/exit/msr.c guest/exit/io.c guest/exit/misc.c guest/exit/hypercall.c guest/exit/hc_conv.c guest/exit/hc_ring.c guest/exit/hc_stats.c guest/exit/hc_decode.c guest/vm/vm.c guest/dev/vlapic.c guest/dev/vlapic_timer.c guest/dev/vlapic_ipi.c mm/gmem.c mm/ept.c mm/pt.c mm/frame.c mm/range.c tests/unit/fake_hw.c tests/unit/exit_fixture.c guest/vpc/null.c guest/vpc/pc.c guest/vm/hang.c
/* VMCALL exits: the hypercall table (guest/include/hv_abi.h): results in
 * RAX, unknown numbers, the CPL 3 policy, arguments only as many as a
 * call takes, guest buffers checked against the VM's RAM, per-call
 * statistics. */
#include "guest/include/hv_abi.h"
#include "lib/printk.h"
#include "tests/unit/exit_fixture.h"

static const unsigned arg_reg[6] = {
	GPR_RDI, GPR_RSI, GPR_RDX, GPR_R10, GPR_R8, GPR_R9,
};

/* VMCALL nr with the given arguments; the other argument registers hold
 * garbage that no call may read. */
static enum vcpu_action vmcall(uint64_t nr, unsigned n, const uint64_t *args)
{
	for (unsigned i = 0; i < 6; i++)
		X.hw->gpr[arg_reg[i]] = i < n ? args[i] : 0xbad0000000000bad + i;
	REG(RAX) = nr;
	REG(RBX) = 0x5a5a;
	return run_exit(HW_EXIT_HYPERCALL);
}

#define CALL(nr, ...)                                                     \
	vmcall((nr), sizeof((uint64_t[]){ 0, ##__VA_ARGS__ }) / 8 - 1,     \
	       (const uint64_t[]){ 0, ##__VA_ARGS__ } + 1)

/* A call that completes: its result from RAX, other registers kept. */
static int64_t ret_of(enum vcpu_action act)
{
	assert_int_equal(act, ACT_RESUME_ADVANCE);
	assert_no_event();
	assert_int_equal(REG(RBX), 0x5a5a);
	assert_int_equal(X.hw->rip, START_RIP); /* the loop advances */
	return (int64_t)REG(RAX);
}

static void test_version(void **state)
{
	(void)state;
	assert_int_equal(ret_of(CALL(HC_VERSION)), HV_ABI_VERSION);
	assert_int_equal(X.v->hc_count[HC_VERSION], 1);
	assert_int_equal(X.v->exit_count[HW_EXIT_HYPERCALL], 1);
}

static void test_nop_and_time(void **state)
{
	(void)state;
	assert_int_equal(ret_of(CALL(HC_NOP)), 0);
	W.tsc_hz = 3000000000ULL;
	assert_int_equal(ret_of(CALL(HC_TIME)), 3000000000LL);
	assert_int_equal(X.v->hc_count[HC_NOP], 1);
	assert_int_equal(X.v->hc_count[HC_TIME], 1);
}

static void test_bad_number_enosys(void **state)
{
	(void)state;
	assert_int_equal(ret_of(CALL(HC_NR_CALLS)), HV_ENOSYS);
	assert_int_equal(ret_of(CALL(0x100000000ULL)), HV_ENOSYS); /* all of RAX */
	assert_int_equal(ret_of(CALL(~0ULL)), HV_ENOSYS);
	for (unsigned i = 0; i < HC_NR_CALLS; i++)
		assert_int_equal(X.v->hc_count[i], 0);
}

/* From CPL 3: only user calls, and only where the VM allows them. */
static void test_cpl3_policy(void **state)
{
	(void)state;
	X.hw->cpl = 3;
	assert_int_equal(ret_of(CALL(HC_VERSION)), HV_EPERM);
	assert_int_equal(X.v->hc_count[HC_VERSION], 0);
	X.cfg.cpl3_hypercalls = true;
	assert_int_equal(ret_of(CALL(HC_VERSION)), HV_ABI_VERSION);
	assert_int_equal(ret_of(CALL(HC_YIELD)), 0);
	/* Not marked user: refused even where CPL 3 calls are allowed. */
	assert_int_equal(ret_of(CALL(HC_SHUTDOWN, 0)), HV_EPERM);
	assert_int_equal(ret_of(CALL(HC_IDENTITY, 0)), HV_EPERM);
	assert_int_equal(ret_of(CALL(HC_CONSOLE_WRITE, 0, 0)), HV_EPERM);
	assert_int_equal(X.vm->state, VM_RUNNING);
	/* Unknown numbers are ENOSYS whatever the CPL. */
	assert_int_equal(ret_of(CALL(HC_NR_CALLS)), HV_ENOSYS);
	/* CPL 1 and 2 count as the kernel. */
	X.cfg.cpl3_hypercalls = false;
	X.hw->cpl = 1;
	assert_int_equal(ret_of(CALL(HC_IDENTITY, 0)), (5 << 16) | 0);
}

static void test_yield(void **state)
{
	(void)state;
	X.v->virq.any = 0;
	assert_int_equal(ret_of(CALL(HC_YIELD)), 0);
	assert_true(X.v->yield);
	/* the loop leaves before entering again */
	assert_int_equal(X.v->virq.any, VIRQ_ANY_LEAVE);
}

/* The fast path (exit_fast(), which the backend's exit stub calls): a
 * null call resumes at once, counted and advanced; a yield (virq.any)
 * leaves the exit to the loop with the call's action, not advanced; an
 * exit the path does not take is left to the loop undecided. */
static void test_fast_path(void **state)
{
	(void)state;
	X.v->virq.any = 0;
	X.hw->next_exit = (struct hw_exit){ .kind = HW_EXIT_HYPERCALL,
					    .reason = HW_EXIT_HYPERCALL,
					    .insn_len = INSN_LEN };
	REG(RAX) = HC_NOP;
	assert_int_equal(exit_fast(X.v), HW_FAST_RESUME);
	assert_int_equal(REG(RAX), 0);
	assert_int_equal(X.hw->rip, START_RIP + INSN_LEN);
	assert_int_equal(X.v->exit_count[HW_EXIT_HYPERCALL], 1);
	assert_int_equal(X.v->hc_count[HC_NOP], 1);

	REG(RAX) = HC_YIELD;
	assert_int_equal(exit_fast(X.v), HW_FAST_DONE);
	assert_int_equal(X.v->fast_act, ACT_RESUME_ADVANCE);
	assert_int_equal(X.hw->rip, START_RIP + INSN_LEN);
	assert_true(X.v->yield);

	X.hw->next_exit.kind = HW_EXIT_HLT;
	assert_int_equal(exit_fast(X.v), HW_FAST_NO);
	assert_int_equal(X.v->exit_count[HW_EXIT_HYPERCALL], 2);
	X.hw->next_exit.kind = HW_EXIT_EXTINT;
	assert_int_equal(exit_fast(X.v), HW_FAST_NO);
}

static void test_shutdown(void **state)
{
	(void)state;
	REG(RAX) = HC_SHUTDOWN;
	for (unsigned i = 0; i < NVCPUS; i++)
		X.vm->vcpu[i].virq.any = 0;
	assert_int_equal(CALL(HC_SHUTDOWN, 0xffffffff0000002aULL), ACT_KILL_VM);
	/* Every vCPU sees the end before its next entry. */
	for (unsigned i = 0; i < NVCPUS; i++)
		assert_int_equal(X.vm->vcpu[i].virq.any, VIRQ_ANY_LEAVE);
	assert_int_equal(X.vm->state, VM_EXITED);
	assert_int_equal(X.vm->exit_code, 42); /* the low 32 bits, signed */
	assert_int_equal(REG(RAX), HC_SHUTDOWN); /* no result written */
	assert_int_equal(X.v->hc_count[HC_SHUTDOWN], 1);
	assert_true(fake_log_contains("vm tvm: exited with code 42"));
}

static void test_shutdown_negative_code(void **state)
{
	(void)state;
	assert_int_equal(CALL(HC_SHUTDOWN, 0xfffffffeULL), ACT_KILL_VM);
	assert_int_equal(X.vm->exit_code, -2);
}

static void test_console_write(void **state)
{
	(void)state;
	memcpy(gram(0x2000), "hello\nworld", 11);
	assert_int_equal(ret_of(CALL(HC_CONSOLE_WRITE, 0x2000, 11)), 11);
	assert_true(fake_log_contains("[tvm] hello\n"));
	assert_int_equal(X.vm->console.len, 5);
	assert_memory_equal(X.vm->console.line, "world", 5);
	assert_int_equal(X.v->hc_count[HC_CONSOLE_WRITE], 1);
}

/* More than the bounce buffer: copied in pieces. */
static void test_console_write_long(void **state)
{
	char *p = gram(0x3000), line[120];

	(void)state;
	for (unsigned i = 0; i < 600; i++)
		p[i] = (i % 100 == 99) ? '\n' : (char)('a' + i % 26);
	assert_int_equal(ret_of(CALL(HC_CONSOLE_WRITE, 0x3000, 600)), 600);
	assert_int_equal(X.vm->console.len, 0);
	/* The line across the first 256-byte piece came out whole. */
	snprintf(line, sizeof(line), "[tvm] %.99s\n", p + 200);
	assert_true(fake_log_contains(line));
	snprintf(line, sizeof(line), "[tvm] %.99s\n", p + 500);
	assert_true(fake_log_contains(line));
}

static void test_console_write_bad(void **state)
{
	(void)state;
	assert_int_equal(ret_of(CALL(HC_CONSOLE_WRITE, 0, HV_CONSOLE_MAX + 1)),
			 HV_EINVAL);
	assert_int_equal(ret_of(CALL(HC_CONSOLE_WRITE, RAM_SIZE - 4, 8)), HV_EFAULT);
	assert_int_equal(ret_of(CALL(HC_CONSOLE_WRITE, ~0ULL - 2, 8)), HV_EFAULT);
	assert_int_equal(X.vm->console.len, 0);
	/* Nothing is also fine, wherever it points (docs/hypercalls.md: the
	 * length is looked at before the address). */
	assert_int_equal(ret_of(CALL(HC_CONSOLE_WRITE, 0x2000, 0)), 0);
	assert_int_equal(ret_of(CALL(HC_CONSOLE_WRITE, ~0ULL - 2, 0)), 0);
	assert_int_equal(ret_of(CALL(HC_CONSOLE_WRITE, RAM_SIZE + 0x1000, 0)), 0);
}

static void test_identity(void **state)
{
	struct hv_identity id;

	(void)state;
	X.v = &X.vm->vcpu[1];
	X.hw = X.v->hw;
	X.hw->rip = START_RIP;
	assert_int_equal(ret_of(CALL(HC_IDENTITY, 0)), (5 << 16) | 1);

	memset(gram(0x4000), 0xff, sizeof(id));
	assert_int_equal(ret_of(CALL(HC_IDENTITY, 0x4000)), (5 << 16) | 1);
	memcpy(&id, gram(0x4000), sizeof(id));
	assert_int_equal(id.vm_id, 5);
	assert_int_equal(id.vcpu_id, 1);
	assert_int_equal(id.nr_vcpus, NVCPUS);
	assert_int_equal(id.reserved, 0);
	assert_string_equal(id.name, "tvm");

	assert_int_equal(ret_of(CALL(HC_IDENTITY, RAM_SIZE - 8)), HV_EFAULT);
}

static void test_send_ipi(void **state)
{
	struct vcpu *t = &X.vm->vcpu[1];

	(void)state;
	assert_int_equal(ret_of(CALL(HC_SEND_IPI, 1, 0x40)), 0);
	assert_int_equal(virq_set_highest(&t->virq), 0x40);
	assert_int_equal(t->virq.any, 1);
	assert_int_equal(W.wakes, 1);
	assert_int_equal(W.kicks, 0); /* not running on another pCPU */

	/* To itself, vector 255. */
	assert_int_equal(ret_of(CALL(HC_SEND_IPI, 0, 255)), 0);
	assert_int_equal(virq_set_highest(&X.v->virq), 255);
	assert_int_equal(W.wakes, 2);
}

/* A target running on another pCPU is made to exit. */
static void test_send_ipi_kicks_running(void **state)
{
	struct vcpu *t = &X.vm->vcpu[1];

	(void)state;
	t->se.state = SCHED_RUNNING;
	t->se.cpu = fake_pcpu.cpu_id + 1;
	assert_int_equal(ret_of(CALL(HC_SEND_IPI, 1, 0x41)), 0);
	assert_int_equal(W.kicks, 1);
	/* Running here (the caller's pCPU): no kick needed. */
	t->se.cpu = fake_pcpu.cpu_id;
	assert_int_equal(ret_of(CALL(HC_SEND_IPI, 1, 0x42)), 0);
	assert_int_equal(W.kicks, 1);
}

static void test_send_ipi_bad(void **state)
{
	(void)state;
	assert_int_equal(ret_of(CALL(HC_SEND_IPI, NVCPUS, 0x40)), HV_EINVAL);
	assert_int_equal(ret_of(CALL(HC_SEND_IPI, 1ULL << 32, 0x40)), HV_EINVAL);
	assert_int_equal(ret_of(CALL(HC_SEND_IPI, 1, 31)), HV_EINVAL);
	assert_int_equal(ret_of(CALL(HC_SEND_IPI, 1, 256)), HV_EINVAL);
	assert_int_equal(virq_set_highest(&X.vm->vcpu[1].virq), -1);
	assert_int_equal(W.wakes, 0);
}

/* Arguments past a call's count read as 0 whatever the registers hold:
 * the registers beyond them carry garbage in every call here, and the
 * calls behave as with only their own arguments. */
static void test_nargs_masking(void **state)
{
	const uint64_t regs[6] = { 1, 0x40, 0xdead, 0xbeef, 0xcafe, 0xf00d };
	const uint64_t ident[6] = { 0, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000 };

	(void)state;
	assert_int_equal(ret_of(vmcall(HC_SEND_IPI, 6, regs)), 0);
	assert_int_equal(virq_set_highest(&X.vm->vcpu[1].virq), 0x40);
	assert_int_equal(ret_of(vmcall(HC_IDENTITY, 6, ident)), 5 << 16);
	/* The identity block was not written through the extra arguments. */
	assert_int_equal(*(uint32_t *)gram(0x4000), 0);
	assert_int_equal(ret_of(vmcall(HC_VERSION, 6, regs)), HV_ABI_VERSION);
}

static void test_vcpu_stats(void **state)
{
	struct hv_vcpu_stats st;
	struct vcpu *t = &X.vm->vcpu[1];

	(void)state;
	t->exit_count[3] = 10;
	t->exit_count[HW_EXIT_REASONS - 1] = 5;
	t->pcpu_mask = 0x6;
	W.stats = (struct sched_entity_stats){ .state = SCHED_BLOCKED,
					       .cpu = SCHED_CPU_NONE, .last_cpu = 2,
					       .run_ticks = 1000, .runs = 7,
					       .migrations = 3, .wakeups = 4 };
	memset(gram(0x5000), 0xff, sizeof(st));
	assert_int_equal(ret_of(CALL(HC_VCPU_STATS, 1, 0x5000)), 0);
	memcpy(&st, gram(0x5000), sizeof(st));
	assert_int_equal(st.run_tsc, 1000);
	assert_int_equal(st.runs, 7);
	assert_int_equal(st.migrations, 3);
	assert_int_equal(st.wakeups, 4);
	assert_int_equal(st.exits, 15);
	assert_int_equal(st.pcpu_mask, 0x6);
	assert_int_equal(st.state, HV_VCPU_BLOCKED);
	assert_int_equal(st.pcpu, 2); /* not resident: where it last ran */

	W.stats.cpu = 1;
	W.stats.state = SCHED_RUNNING;
	assert_int_equal(ret_of(CALL(HC_VCPU_STATS, 1, 0x5000)), 0);
	memcpy(&st, gram(0x5000), sizeof(st));
	assert_int_equal(st.pcpu, 1);
	assert_int_equal(st.state, HV_VCPU_RUNNING);
	assert_int_equal(X.v->hc_count[HC_VCPU_STATS], 2);
}

static void test_vcpu_stats_bad(void **state)
{
	(void)state;
	assert_int_equal(ret_of(CALL(HC_VCPU_STATS, NVCPUS, 0x5000)), HV_EINVAL);
	assert_int_equal(ret_of(CALL(HC_VCPU_STATS, 0, RAM_SIZE)), HV_EFAULT);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(hypercall_name(HC_VERSION), "version");
	assert_string_equal(hypercall_name(HC_CONSOLE_WRITE), "console_write");
	assert_string_equal(hypercall_name(HC_VCPU_STATS), "vcpu_stats");
	assert_null(hypercall_name(HC_NR_CALLS));
	for (unsigned i = 0; i < HC_NR_CALLS; i++)
		assert_non_null(hypercall_name(i));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_version),
		T(test_nop_and_time),
		T(test_bad_number_enosys),
		T(test_cpl3_policy),
		T(test_yield),
		T(test_fast_path),
		T(test_shutdown),
		T(test_shutdown_negative_code),
		T(test_console_write),
		T(test_console_write_long),
		T(test_console_write_bad),
		T(test_identity),
		T(test_send_ipi),
		T(test_send_ipi_kicks_running),
		T(test_send_ipi_bad),
		T(test_nargs_masking),
		T(test_vcpu_stats),
		T(test_vcpu_stats_bad),
		T(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
