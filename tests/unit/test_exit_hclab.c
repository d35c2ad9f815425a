// UNIT-SOURCES: guest/exit/exit.c guest/exit/cpuid.c guest/exit/cr.c guest/exit/msr.c guest/exit/io.c guest/exit/misc.c guest/exit/hypercall.c guest/exit/hc_conv.c guest/exit/hc_ring.c guest/exit/hc_stats.c guest/exit/hc_decode.c guest/vm/vm.c guest/dev/vlapic.c guest/dev/vlapic_timer.c guest/dev/vlapic_ipi.c mm/gmem.c mm/ept.c mm/pt.c mm/frame.c mm/range.c tests/unit/fake_hw.c tests/unit/exit_fixture.c guest/vpc/null.c guest/vpc/pc.c guest/vm/hang.c
/* The hypercall lab (guest/exit/hc_*.c): the allow-list, discovery and
 * the memory, batch and exitless-ring conventions with hostile records
 * (counts over the limit, pointers outside RAM or into MMIO, overlapping
 * buffers, ring indices out of range and wrapping), statistics and the
 * trace. */
#include "guest/include/hv_abi.h"
#include "guest/exit/hc_conv.h"
#include "tests/unit/exit_fixture.h"

#define MMIO_GPA 0xfee00000ULL

/* The VM's allow-list, as vm_create copies it into each vCPU. */
static void allow(uint64_t mask)
{
	X.cfg.hc_allow = mask;
	for (unsigned i = 0; i < NVCPUS; i++)
		X.vm->vcpu[i].hc_allow = mask;
}

static int64_t call(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	enum vcpu_action act;

	X.hw->gpr[GPR_RDI] = a0;
	X.hw->gpr[GPR_RSI] = a1;
	X.hw->gpr[GPR_RDX] = a2;
	REG(RAX) = nr;
	act = run_exit(HW_EXIT_HYPERCALL);
	assert_true(act == ACT_RESUME_ADVANCE || act == ACT_KILL_VM);
	return (int64_t)REG(RAX);
}

static struct hv_call_rec *rec_at(gpa_t gpa)
{
	return gram(gpa);
}

static void set_rec(gpa_t gpa, uint64_t nr, uint64_t a0, uint64_t a1, int64_t tag)
{
	struct hv_call_rec *r = rec_at(gpa);

	memset(r, 0, sizeof(*r));
	r->nr = nr;
	r->args[0] = a0;
	r->args[1] = a1;
	r->result = tag;
}

static void add_mmio(void)
{
	struct gmem_region mmio = { .gpa = MMIO_GPA, .size = 0x1000, .type = GMEM_MMIO };

	assert_int_equal(gmem_add(&X.vm->mem, &mmio), 0);
}

static void test_allow_list(void **state)
{
	(void)state;
	allow(BIT(HC_VERSION));
	assert_int_equal(call(HC_VERSION, 0, 0, 0), HV_ABI_VERSION);
	assert_int_equal(call(HC_NOP, 0, 0, 0), HV_EPERM);
	assert_int_equal(call(HC_SHUTDOWN, 0, 0, 0), HV_EPERM);
	assert_int_equal(X.vm->state, VM_RUNNING);
	assert_int_equal(X.v->hc_denied, 2);
	assert_int_equal(X.v->hc_count[HC_NOP], 0);
	/* Unknown numbers stay ENOSYS, not counted as denied. */
	assert_int_equal(call(HC_NR_CALLS, 0, 0, 0), HV_ENOSYS);
	assert_int_equal(X.v->hc_denied, 2);
	/* The default list has no lab calls. */
	allow(HV_ALLOW_DEFAULT);
	assert_int_equal(call(HC_DISCOVER, 0x2000, 4, 0), HV_EPERM);
	assert_int_equal(call(HC_BATCH, 0x2000, 1, 0), HV_EPERM);
	assert_int_equal(call(HC_TRACE_READ, 0x2000, 1, 0), HV_EPERM);
}

static void test_features_follow_allow_list(void **state)
{
	(void)state;
	assert_int_equal(hc_features(HV_ALLOW_DEFAULT), 0x3f);
	assert_int_equal(hc_features(BIT(HC_NR_CALLS) - 1), 0x7ff);
	assert_int_equal(hc_features(BIT(HC_RING_KICK)), HV_FEAT_RING);
	assert_int_equal(hc_features(0), 0);
}

static void test_discover(void **state)
{
	struct hv_call_info *info = gram(0x3000);

	(void)state;
	allow(HV_ALLOW_DEFAULT | BIT(HC_DISCOVER) | BIT(HC_BATCH));
	assert_int_equal(call(HC_DISCOVER, 0x3000, HV_DISCOVER_MAX, 0), 11);
	/* In number order, from the table. */
	assert_int_equal(info[0].nr, HC_VERSION);
	assert_string_equal(info[0].name, "version");
	assert_int_equal(info[0].flags, HV_CF_USER);
	assert_int_equal(info[2].nr, HC_CONSOLE_WRITE);
	assert_int_equal(info[2].nargs, 2);
	assert_int_equal(info[2].kinds, HV_ARG(HV_ARG_GPA, 0) | HV_ARG(HV_ARG_LEN, 1));
	assert_int_equal(info[2].feature, HV_FEAT_CONSOLE);
	assert_int_equal(info[9].nr, HC_DISCOVER);
	assert_int_equal(info[10].nr, HC_BATCH);
	assert_int_equal(info[10].group, HV_GROUP_CONV);
	assert_int_equal(info[10].flags, HV_CF_DIRECT);
	/* A short buffer: only max written, the full count returned. */
	memset(gram(0x5000), 0xee, 96);
	assert_int_equal(call(HC_DISCOVER, 0x5000, 2, 0), 11);
	assert_int_equal(((uint8_t *)gram(0x5000))[64], 0xee);
	assert_int_equal(call(HC_DISCOVER, 0, 0, 0), 11);
	assert_int_equal(call(HC_DISCOVER, 0x3000, HV_DISCOVER_MAX + 1, 0), HV_EINVAL);
	assert_int_equal(call(HC_DISCOVER, RAM_SIZE - 32, 2, 0), HV_EFAULT);
	add_mmio();
	assert_int_equal(call(HC_DISCOVER, MMIO_GPA, 1, 0), HV_EFAULT);
}

static void test_memcall(void **state)
{
	(void)state;
	allow(HV_ALLOW_DEFAULT | BIT(HC_MEMCALL) | BIT(HC_BATCH));
	set_rec(0x4000, HC_VERSION, 0, 0, 77);
	assert_int_equal(call(HC_MEMCALL, 0x4000, 0, 0), HV_ABI_VERSION);
	assert_int_equal(rec_at(0x4000)->result, HV_ABI_VERSION);
	assert_int_equal(X.v->hc_conv_count[HC_CONV_MEM], 1);
	/* The record's arguments, not the registers. */
	memcpy(gram(0x6000), "hi\n", 3);
	set_rec(0x4000, HC_CONSOLE_WRITE, 0x6000, 3, 0);
	assert_int_equal(call(HC_MEMCALL, 0x4000, 0x999999, 0x999999), 3);
	/* Errors of the record go into the record. */
	set_rec(0x4000, HC_CONSOLE_WRITE, RAM_SIZE - 1, 3, 0);
	assert_int_equal(call(HC_MEMCALL, 0x4000, 0, 0), HV_EFAULT);
	assert_int_equal(rec_at(0x4000)->result, HV_EFAULT);
	set_rec(0x4000, 999, 0, 0, 0);
	assert_int_equal(call(HC_MEMCALL, 0x4000, 0, 0), HV_ENOSYS);
	set_rec(0x4000, HC_TRACE_READ, 0, 0, 0); /* not allowed */
	assert_int_equal(call(HC_MEMCALL, 0x4000, 0, 0), HV_EPERM);
	/* No nesting. */
	set_rec(0x4000, HC_MEMCALL, 0x4000, 0, 0);
	assert_int_equal(call(HC_MEMCALL, 0x4000, 0, 0), HV_EINVAL);
	set_rec(0x4000, HC_BATCH, 0x4000, 1, 0);
	assert_int_equal(call(HC_MEMCALL, 0x4000, 0, 0), HV_EINVAL);
	/* Bad record addresses: misaligned, across a page, outside RAM, MMIO. */
	assert_int_equal(call(HC_MEMCALL, 0x4004, 0, 0), HV_EINVAL);
	assert_int_equal(call(HC_MEMCALL, 0x4fc8, 0, 0), HV_EINVAL);
	assert_int_equal(call(HC_MEMCALL, RAM_SIZE, 0, 0), HV_EFAULT);
	assert_int_equal(call(HC_MEMCALL, ~0ULL & ~0xfffULL, 0, 0), HV_EFAULT);
	add_mmio();
	assert_int_equal(call(HC_MEMCALL, MMIO_GPA, 0, 0), HV_EFAULT);
}

static void test_batch(void **state)
{
	(void)state;
	allow(HV_ALLOW_DEFAULT | BIT(HC_BATCH));
	for (unsigned i = 0; i < 8; i++)
		set_rec(0x8000 + 64 * i, HC_NOP, 0, 0, -99);
	assert_int_equal(call(HC_BATCH, 0x8000, 8, 0), 8);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(rec_at(0x8000 + 64 * i)->result, 0);
	assert_int_equal(X.v->hc_count[HC_NOP], 8);
	assert_int_equal(X.v->hc_conv_count[HC_CONV_BATCH], 8);
	/* Stops after the first failing entry. */
	for (unsigned i = 0; i < 4; i++)
		set_rec(0x8000 + 64 * i, HC_NOP, 0, 0, -99);
	set_rec(0x8000 + 64, HC_TRACE_READ, 0, 0, -99);
	assert_int_equal(call(HC_BATCH, 0x8000, 4, 0), 2);
	assert_int_equal(rec_at(0x8000 + 64)->result, HV_EPERM);
	assert_int_equal(rec_at(0x8000 + 128)->result, -99); /* not run */
	/* Bounded work per VMCALL: continue with the count returned. */
	for (unsigned i = 0; i < 100; i++)
		set_rec(0x10000 + 64 * i, HC_NOP, 0, 0, -99);
	assert_int_equal(call(HC_BATCH, 0x10000, 100, 0), HV_BATCH_STEP);
	assert_int_equal(rec_at(0x10000 + 64 * (HV_BATCH_STEP - 1))->result, 0);
	assert_int_equal(rec_at(0x10000 + 64 * HV_BATCH_STEP)->result, -99);
	assert_int_equal(call(HC_BATCH, 0x10000 + 64 * HV_BATCH_STEP, 100 - HV_BATCH_STEP, 0),
			 100 - HV_BATCH_STEP);
	/* Hostile counts and pointers: nothing runs. */
	X.v->hc_count[HC_NOP] = 0;
	assert_int_equal(call(HC_BATCH, 0x8000, 0, 0), 0);
	assert_int_equal(call(HC_BATCH, 0x8000, HV_BATCH_MAX + 1, 0), HV_EINVAL);
	assert_int_equal(call(HC_BATCH, 0x8000, ~0ULL, 0), HV_EINVAL);
	assert_int_equal(call(HC_BATCH, 0x8004, 1, 0), HV_EINVAL);
	assert_int_equal(call(HC_BATCH, RAM_SIZE - 64, 2, 0), HV_EFAULT);
	assert_int_equal(call(HC_BATCH, ~0ULL & ~7ULL, 2, 0), HV_EFAULT);
	add_mmio();
	assert_int_equal(call(HC_BATCH, MMIO_GPA, 1, 0), HV_EFAULT);
	assert_int_equal(X.v->hc_count[HC_NOP], 0);
	/* A record whose call writes over the next record (overlapping
	 * buffers): the next one is read after that write. */
	set_rec(0x8000, HC_IDENTITY, 0x8000 + 64, 0, 0);
	set_rec(0x8000 + 64, HC_NOP, 0, 0, 0);
	set_rec(0x8000 + 128, HC_NOP, 0, 0, -99);
	/* identity writes vm_id 5, vcpu 0...: record 1 becomes call nr 5 =
	 * yield with whatever args; it runs, then record 2. */
	assert_int_equal(call(HC_BATCH, 0x8000, 3, 0), 3);
	assert_int_equal(rec_at(0x8000 + 128)->result, 0);
	/* The array overwritten by its own result writes stays in RAM. */
	set_rec(0x8000, HC_SHUTDOWN, 3, 0, 0);
	set_rec(0x8000 + 64, HC_NOP, 0, 0, -99);
	call(HC_BATCH, 0x8000, 2, 0);
	assert_int_equal(X.vm->state, VM_EXITED);
	assert_int_equal(rec_at(0x8000 + 64)->result, -99);
}

#define RING 0x20000ULL

static struct hv_ring_hdr *hdr(void)
{
	return gram(RING);
}

static void submit(uint32_t entries, uint64_t nr, int64_t tag)
{
	struct hv_ring_hdr *h = hdr();
	struct hv_call_rec *r = gram(RING + hc_ring_sq_off(entries, h->sq_tail));

	memset(r, 0, sizeof(*r));
	r->nr = nr;
	r->result = tag;
	h->sq_tail++;
}

static struct hv_ring_cqe *cqe(uint32_t entries, uint32_t idx)
{
	return gram(RING + hc_ring_cq_off(entries, idx));
}

static void test_ring_setup_hostile(void **state)
{
	(void)state;
	allow(HV_ALLOW_DEFAULT | BIT(HC_RING_SETUP) | BIT(HC_RING_KICK));
	assert_int_equal(call(HC_RING_KICK, 0, 0, 0), HV_EINVAL); /* no ring */
	assert_int_equal(call(HC_RING_SETUP, RING, 3, 0), HV_EINVAL);
	assert_int_equal(call(HC_RING_SETUP, RING, HV_RING_MAX * 2, 0), HV_EINVAL);
	assert_int_equal(call(HC_RING_SETUP, RING + 8, 4, 0), HV_EINVAL);
	assert_int_equal(call(HC_RING_SETUP, RING, 4, 31), HV_EINVAL);
	assert_int_equal(call(HC_RING_SETUP, RING, 4, 256), HV_EINVAL);
	assert_int_equal(call(HC_RING_SETUP, RAM_SIZE - 0x1000, 64, 0), HV_EFAULT);
	assert_int_equal(call(HC_RING_SETUP, ~0xfffULL, 64, 0), HV_EFAULT);
	add_mmio();
	assert_int_equal(call(HC_RING_SETUP, MMIO_GPA, 1, 0), HV_EFAULT);
	assert_false(exit_watched(X.v));
	/* CPL 3 may not set one up. */
	X.hw->cpl = 3;
	X.cfg.cpl3_hypercalls = true;
	assert_int_equal(call(HC_RING_SETUP, RING, 4, 0), HV_EPERM);
}

static void test_ring(void **state)
{
	(void)state;
	allow(HV_ALLOW_DEFAULT | BIT(HC_RING_SETUP) | BIT(HC_RING_KICK));
	memset(gram(RING), 0xaa, 0x2000);
	assert_int_equal(call(HC_RING_SETUP, RING, 4, 0x40), 0);
	assert_int_equal(hdr()->entries, 4);
	assert_int_equal(hdr()->sq_tail, 0);
	assert_true(exit_watched(X.v));
	/* Filled without exiting, run on the doorbell. */
	submit(4, HC_VERSION, 11);
	submit(4, HC_NOP, 12);
	submit(4, HC_RING_KICK, 13); /* no nesting */
	X.v->virq.pending[1] = 0;
	assert_int_equal(call(HC_RING_KICK, 0, 0, 0), 3);
	assert_int_equal(cqe(4, 0)->tag, 11);
	assert_int_equal(cqe(4, 0)->result, HV_ABI_VERSION);
	assert_int_equal(cqe(4, 1)->result, 0);
	assert_int_equal(cqe(4, 2)->result, HV_EINVAL);
	assert_int_equal(hdr()->cq_tail, 3);
	assert_int_equal(hdr()->sq_head, 3);
	assert_int_equal(hdr()->drained, 3);
	assert_true(X.v->virq.pending[1] & 1); /* vector 0x40 raised */
	/* CQ full: records wait in the SQ until the guest consumes. */
	submit(4, HC_NOP, 14);
	submit(4, HC_NOP, 15);
	assert_int_equal(call(HC_RING_KICK, 0, 0, 0), 1);
	assert_int_equal(hdr()->sq_head, 4);
	hdr()->cq_head = 4;
	/* Drained at any next exit, not only the doorbell. */
	assert_int_equal(run_exit(HW_EXIT_CACHE_FLUSH), ACT_RESUME_ADVANCE);
	assert_int_equal(hdr()->sq_head, 5);
	assert_int_equal(cqe(4, 4)->tag, 15);
	/* A guest scribbling on the hypervisor's indices changes nothing. */
	hdr()->sq_head = 0;
	hdr()->cq_tail = 1000;
	assert_int_equal(call(HC_RING_KICK, 0, 0, 0), 0);
	/* Indices that wrap around 2^32 are normal. */
	assert_int_equal(call(HC_RING_SETUP, RING, 4, 0), 0);
	X.v->hcring.sq_head = X.v->hcring.cq_tail = 0xfffffffe;
	hdr()->sq_tail = hdr()->cq_head = 0xfffffffe;
	submit(4, HC_NOP, 21);
	submit(4, HC_NOP, 22);
	submit(4, HC_NOP, 23);
	assert_int_equal(hdr()->sq_tail, 1);
	assert_int_equal(call(HC_RING_KICK, 0, 0, 0), 3);
	assert_int_equal(hdr()->cq_tail, 1);
	assert_int_equal(cqe(4, 0)->tag, 23);
	/* A tail more than 'entries' ahead breaks the ring, only the ring. */
	hdr()->sq_tail += 5;
	assert_int_equal(call(HC_RING_KICK, 0, 0, 0), HV_EINVAL);
	assert_int_equal(hdr()->status, HV_RING_BROKEN);
	assert_int_equal(X.vm->state, VM_RUNNING);
	/* So does a cq_head past what was produced; a new setup repairs. */
	assert_int_equal(call(HC_RING_SETUP, RING, 4, 0), 0);
	hdr()->cq_head = 7;
	assert_int_equal(call(HC_RING_KICK, 0, 0, 0), 0); /* seen with work only */
	submit(4, HC_NOP, 30);
	assert_int_equal(call(HC_RING_KICK, 0, 0, 0), HV_EINVAL);
	assert_int_equal(call(HC_RING_SETUP, 0, 0, 0), 0); /* removed */
	assert_int_equal(call(HC_RING_KICK, 0, 0, 0), HV_EINVAL);
}

static void test_decoders(void **state)
{
	uint64_t bytes = 0;

	(void)state;
	assert_int_equal(hc_batch_plan(0x1000, 1), 1);
	assert_int_equal(hc_batch_plan(0x1000, 1000), HV_BATCH_STEP);
	assert_int_equal(hc_batch_plan(0x1001, 1), HV_EINVAL);
	assert_int_equal(hc_batch_plan(~0ULL - 63, 1), HV_EFAULT); /* ends at 2^64 */
	assert_int_equal(hc_batch_plan(~0ULL - 127, 4), HV_EFAULT);
	assert_true(hc_memrec_ok(0xfc0));
	assert_false(hc_memrec_ok(0xfc8));
	assert_int_equal(hc_ring_geometry(0x1000, 256, 255, &bytes), 0);
	assert_int_equal(bytes, 64 + 256 * 80);
	assert_int_equal(hc_ring_geometry(0x1000, 0, 0, &bytes), HV_EINVAL);
	assert_int_equal(hc_ring_geometry(~0xfffULL, 256, 0, &bytes), HV_EFAULT);
	assert_int_equal(hc_ring_ready(0, 4, 0, 0, 4, 64), 4);
	assert_int_equal(hc_ring_ready(0, 5, 0, 0, 4, 64), -1);
	assert_int_equal(hc_ring_ready(0, 4, 0, 2, 4, 64), 2);
	assert_int_equal(hc_ring_ready(0, 4, 0, 0, 4, 3), 3);
	assert_int_equal(hc_ring_ready(0xffffffff, 2, 0, 0, 4, 64), 3);
	assert_int_equal(hc_ring_ready(3, 2, 0, 0, 4, 64), -1); /* tail behind head */
	assert_int_equal(hc_ring_ready(0, 1, 5, 0, 4, 64), -1);
	assert_int_equal(hc_ring_sq_off(4, 5), 64 + 64);
	assert_int_equal(hc_ring_cq_off(4, 7), 64 + 256 + 48);
}

static void test_stats_and_trace(void **state)
{
	struct hv_trace_event *ev = gram(0x30000);

	(void)state;
	X.cfg.trace = true;
	allow(BIT(HC_NR_CALLS) - 1);
	exit_watch(X.v, true);
	assert_int_equal(call(HC_NOP, 0, 0, 0), 0);
	assert_int_equal(call(HC_CONSOLE_WRITE, RAM_SIZE, 1, 0), HV_EFAULT);
	set_rec(0x4000, HC_NOP, 0, 0, 0);
	assert_int_equal(call(HC_BATCH, 0x4000, 1, 0), 1);
	assert_non_null(X.v->hcstats);
	assert_int_equal(X.v->hc_err[HC_CONSOLE_WRITE], 1);
	assert_int_equal(call(HC_TRACE_READ, 0x30000, HV_TRACE_LEN + 1, 0), HV_EINVAL);
	assert_int_equal(call(HC_TRACE_READ, RAM_SIZE - 48, 2, 0), HV_EFAULT);
	/* nop, console_write, the batch's record, the batch itself, the
	 * two failed trace reads. */
	assert_int_equal(call(HC_TRACE_READ, 0x30000, 16, 0), 6);
	assert_int_equal(ev[0].kind, HV_TRACE_CALL);
	assert_int_equal(ev[0].code, HC_NOP);
	assert_int_equal(ev[0].vm, 5);
	assert_int_equal(ev[1].code, HC_CONSOLE_WRITE);
	assert_int_equal(ev[1].result, HV_EFAULT);
	assert_int_equal(ev[1].args[0], RAM_SIZE);
	assert_int_equal(ev[2].kind, HV_TRACE_REC);
	assert_int_equal(ev[2].code, HC_NOP);
	assert_int_equal(ev[3].code, HC_BATCH);
	assert_int_equal(ev[3].result, 1);
	hc_stats_dump(X.vm);
	assert_null(X.v->hcstats);
	assert_true(fake_log_contains("hcstat vm=tvm kind=call name=nop count=1 errors=0 min="));
	assert_true(fake_log_contains("hcstat vm=tvm kind=call name=console_write count=1 errors=1"));
	assert_true(fake_log_contains("hcstat vm=tvm kind=rec name=nop count=1"));
	assert_true(fake_log_contains("hcstat vm=tvm kind=conv name=batch count=1"));
	assert_true(fake_log_contains("hcstat vm=tvm kind=exit name="));
	assert_true(fake_log_contains("hctrace cpu=3 tsc="));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_allow_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_features_follow_allow_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memcall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_setup_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decoders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_and_trace, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
