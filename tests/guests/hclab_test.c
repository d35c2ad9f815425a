/* hclab_test: the hypercall lab from inside (docs/hypercalls.md section
 * 10).  Every call in every convention (register, memory, batch,
 * exitless ring) with its result checked, including calls outside the
 * VM's allow-list (HV_EPERM) and unknown ones (HV_ENOSYS); then what is
 * particular to each convention with hostile input: batch limits, the
 * stop after a failing entry and the continuation, misaligned and
 * out-of-RAM records, ring geometry, draining at an ordinary exit, CQ
 * full, index wrap-around, a broken ring, the completion interrupt.
 *
 * Command line: "priv" when the VM may make every call (hypercalls =
 * all): then HC_SEND_IPI works and HC_TRACE_READ returns this VM's
 * events; otherwise they must be refused.  "bench" runs the benchmark
 * (hclab_bench.c) instead.  Exits with the number of failed checks. */
#include "hclab.h"

static bool priv;
static uint32_t vm_id;
static uint64_t tsc_hz;
static char text[64] __attribute__((aligned(64)));
static struct hv_identity ident;
static struct hv_vcpu_stats stats;
static struct hv_call_info table[HV_DISCOVER_MAX];
static struct hv_trace_event events[16];
static struct hv_call_rec recs[HV_BATCH_STEP + 16] __attribute__((aligned(64)));
static volatile unsigned ring_irqs, ipi_irqs;

static void on_ring(unsigned vector)
{
	(void)vector;
	ring_irqs++;
}

static void on_ipi(unsigned vector)
{
	(void)vector;
	ipi_irqs++;
}

#define A(...) ((const uint64_t[6]){ __VA_ARGS__ })

struct expect {
	const char *what;
	uint64_t nr;
	const uint64_t *args;
	int64_t want;
};

/* The same call through the four conventions, the same result wanted. */
static void every_conv(const struct expect *e)
{
	char name[96];

	for (unsigned c = 0; c < NR_CONV; c++) {
		bool ok = true;
		int64_t r = conv_call(c, e->nr, e->args, &ok);

		snprintf(name, sizeof(name), "%s: %s", conv_name[c], e->what);
		CHECK_EQ(r, e->want, name);
		CHECK(ok, name);
	}
}

static void test_calls(void)
{
	uint64_t text_gpa = (uint64_t)(uintptr_t)text;
	int64_t allowed = priv ? HC_NR_CALLS : 13;
	const struct expect calls[] = {
		{ "version", HC_VERSION, A(0), HV_ABI_VERSION },
		{ "nop", HC_NOP, A(0), 0 },
		{ "console_write", HC_CONSOLE_WRITE, A(text_gpa, 14), 14 },
		{ "console_write outside RAM", HC_CONSOLE_WRITE,
		  A(start_info->mem_size - 4, 8), HV_EFAULT },
		{ "console_write over the limit", HC_CONSOLE_WRITE,
		  A(text_gpa, HV_CONSOLE_MAX + 1), HV_EINVAL },
		{ "identity", HC_IDENTITY, A(0), (int64_t)vm_id << 16 },
		{ "identity with buffer", HC_IDENTITY, A((uint64_t)(uintptr_t)&ident),
		  (int64_t)vm_id << 16 },
		{ "time", HC_TIME, A(0), (int64_t)tsc_hz },
		{ "yield", HC_YIELD, A(0), 0 },
		{ "vcpu_stats", HC_VCPU_STATS, A(0, (uint64_t)(uintptr_t)&stats), 0 },
		{ "vcpu_stats bad vcpu", HC_VCPU_STATS, A(9, (uint64_t)(uintptr_t)&stats),
		  HV_EINVAL },
		{ "discover", HC_DISCOVER, A((uint64_t)(uintptr_t)table, HV_DISCOVER_MAX),
		  allowed },
		{ "send_ipi", HC_SEND_IPI, A(0, 0x60), priv ? 0 : HV_EPERM },
		{ "trace_read", HC_TRACE_READ, A((uint64_t)(uintptr_t)events, 0),
		  priv ? 0 : HV_EPERM },
		{ "unknown call", 999, A(0), HV_ENOSYS },
		{ "unknown call, 64-bit number", 1ull << 32, A(0), HV_ENOSYS },
	};

	memcpy(text, "hclab: hello\n", 14);
	for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		every_conv(&calls[i]);
	CHECK_EQ(ident.vm_id, vm_id, "identity buffer: vm_id");
	CHECK(!strcmp(table[0].name, "version") && table[1].nr == HC_NOP,
	      "discover: the table, in number order");
	CHECK_EQ(table[allowed - 1].nr, priv ? HC_TRACE_READ : HC_RING_KICK,
		 "discover: the last call allowed");
	/* Conventions do not nest. */
	for (unsigned c = CONV_MEM; c < NR_CONV; c++) {
		bool ok = true;

		CHECK_EQ(conv_call(c, HC_MEMCALL, A((uint64_t)(uintptr_t)recs), &ok),
			 HV_EINVAL, "no memcall inside a record");
		CHECK_EQ(conv_call(c, HC_BATCH, A((uint64_t)(uintptr_t)recs, 1), &ok),
			 HV_EINVAL, "no batch inside a record");
		CHECK_EQ(conv_call(c, HC_RING_KICK, A(0), &ok), HV_EINVAL,
			 "no ring kick inside a record");
	}
}

static void set_rec(unsigned i, uint64_t nr, uint64_t a0, uint64_t a1)
{
	memset(&recs[i], 0, sizeof(recs[i]));
	recs[i].nr = nr;
	recs[i].args[0] = a0;
	recs[i].args[1] = a1;
	recs[i].result = -99;
}

static void test_batch(void)
{
	uint64_t gpa = (uint64_t)(uintptr_t)recs;
	unsigned n = HV_BATCH_STEP + 16;
	int64_t k;

	for (unsigned i = 0; i < 4; i++)
		set_rec(i, HC_NOP, 0, 0);
	set_rec(1, HC_SEND_IPI, 0, 1); /* vector 1: EINVAL, or EPERM */
	CHECK_EQ(hv_call2(HC_BATCH, gpa, 4), 2, "batch: stops after the failing entry");
	CHECK_EQ(recs[1].result, priv ? HV_EINVAL : HV_EPERM, "batch: the failing entry's error");
	CHECK_EQ(recs[2].result, -99, "batch: the entries after it did not run");
	for (unsigned i = 0; i < n; i++)
		set_rec(i, HC_VERSION, 0, 0);
	k = hv_call2(HC_BATCH, gpa, n);
	CHECK_EQ(k, HV_BATCH_STEP, "batch: bounded work per VMCALL");
	CHECK_EQ(hv_call2(HC_BATCH, gpa + 64 * (uint64_t)k, n - (uint64_t)k), n - k,
		 "batch: continued with the count returned");
	CHECK_EQ(recs[n - 1].result, HV_ABI_VERSION, "batch: the last entry ran");
	CHECK_EQ(hv_call2(HC_BATCH, gpa, 0), 0, "batch: empty");
	CHECK_EQ(hv_call2(HC_BATCH, gpa, HV_BATCH_MAX + 1), HV_EINVAL, "batch: count over the limit");
	CHECK_EQ(hv_call2(HC_BATCH, gpa + 4, 1), HV_EINVAL, "batch: misaligned");
	CHECK_EQ(hv_call2(HC_BATCH, start_info->mem_size - 64, 2), HV_EFAULT,
		 "batch: array past the end of RAM");
	CHECK_EQ(hv_call2(HC_BATCH, 0xfee00000, 1), HV_EFAULT, "batch: array in MMIO space");
	CHECK_EQ(hv_call1(HC_MEMCALL, gpa + 4), HV_EINVAL, "memcall: misaligned record");
	CHECK_EQ(hv_call1(HC_MEMCALL, (gpa | 0xfff) - 7), HV_EINVAL, "memcall: record across a page");
	CHECK_EQ(hv_call1(HC_MEMCALL, start_info->mem_size), HV_EFAULT, "memcall: outside RAM");
}

static void test_ring(void)
{
	volatile struct hv_ring_hdr *h = ring_hdr();
	uint32_t cpuid_a, b, c, d;
	bool ok = true;

	CHECK_EQ(hv_call3(HC_RING_SETUP, 0, 0, 0), 0, "ring: removed");
	CHECK_EQ(hv_call0(HC_RING_KICK), HV_EINVAL, "ring: kick without a ring");
	CHECK_EQ(ring_setup(3), HV_EINVAL, "ring: entries not a power of two");
	CHECK_EQ(ring_setup(512), HV_EINVAL, "ring: entries over the limit");
	CHECK_EQ(hv_call3(HC_RING_SETUP, (uint64_t)(uintptr_t)ring_mem + 64, 4, 0),
		 HV_EINVAL, "ring: misaligned");
	CHECK_EQ(hv_call3(HC_RING_SETUP, (uint64_t)(uintptr_t)ring_mem, 4, 7),
		 HV_EINVAL, "ring: vector below 32");
	CHECK_EQ(hv_call3(HC_RING_SETUP, start_info->mem_size - 4096, 64, 0),
		 HV_EFAULT, "ring: past the end of RAM");
	CHECK_EQ(ring_setup(4), 0, "ring: setup with 4 entries");
	CHECK_EQ(h->entries, 4, "ring: header written");
	/* Submitted without exiting, run at the next exit of any kind. */
	ring_submit(HC_VERSION, NULL, 1);
	CHECK_EQ(h->cq_tail, 0, "ring: nothing runs before an exit");
	hv_cpuid(0, 0, &cpuid_a, &b, &c, &d);
	CHECK_EQ(h->cq_tail, 1, "ring: drained at a CPUID exit");
	CHECK_EQ(ring_cq(0)->result, HV_ABI_VERSION, "ring: completion result");
	CHECK_EQ(ring_cq(0)->tag, 1, "ring: completion tag");
	h->cq_head = 1;
	/* CQ full: the rest waits in the SQ. */
	for (int i = 0; i < 4; i++)
		ring_submit(HC_NOP, NULL, 10 + i);
	CHECK_EQ(hv_call0(HC_RING_KICK), 4, "ring: four run");
	ring_submit(HC_NOP, NULL, 20);
	CHECK_EQ(hv_call0(HC_RING_KICK), 0, "ring: CQ full, none run");
	CHECK_EQ(h->sq_head, 5, "ring: the record waits in the SQ");
	h->cq_head = 5;
	CHECK_EQ(hv_call0(HC_RING_KICK), 1, "ring: runs once the guest consumed");
	h->cq_head = 6;
	/* Many rounds: the slot index wraps many times. */
	for (unsigned round = 0; round < 50; round++) {
		int64_t r = conv_call(CONV_RING, HC_IDENTITY, A(0), &ok);

		if (r != (int64_t)vm_id << 16)
			ok = false;
	}
	CHECK(ok, "ring: 50 calls through 4 slots");
	/* Completion interrupt (raised at every drain, delivered once). */
	irq_enable();
	__asm__ __volatile__("nop" ::: "memory");
	irq_disable();
	CHECK(ring_irqs >= 1, "ring: completion vector delivered");
	/* A tail too far ahead breaks the ring, nothing else. */
	h->sq_tail = h->sq_head + 5;
	CHECK_EQ(hv_call0(HC_RING_KICK), HV_EINVAL, "ring: tail beyond the ring");
	CHECK_EQ(h->status, HV_RING_BROKEN, "ring: marked broken");
	CHECK_EQ(ring_setup(4), 0, "ring: set up again");
	CHECK_EQ(hv_call0(HC_RING_KICK), 0, "ring: works again");
	CHECK_EQ(hv_call3(HC_RING_SETUP, 0, 0, 0), 0, "ring: removed");
	CHECK_EQ(hv_call0(HC_RING_KICK), HV_EINVAL, "ring: kick after removal");
	CHECK_EQ(ring_setup(64), 0, "ring: 64 entries for the rest");
}

static void test_priv(void)
{
	int64_t n;
	bool mine;

	irq_enable();
	__asm__ __volatile__("nop" ::: "memory");
	irq_disable();
	CHECK(ipi_irqs >= 1, "send_ipi: delivered");
	hv_nop();
	hv_nop();
	n = hv_call2(HC_TRACE_READ, (uint64_t)(uintptr_t)events, 16);
	CHECK_EQ(n, 16, "trace_read: 16 events");
	/* The pCPU's trace: other VMs with trace = on may be in it too. */
	mine = false;
	for (int64_t i = 0; i < n && i < 16; i++)
		if (events[i].vm == vm_id && events[i].kind == HV_TRACE_CALL &&
		    events[i].code == HC_NOP)
			mine = true;
	CHECK(mine, "trace_read: this VM's null calls among them");
	CHECK_EQ(hv_call2(HC_TRACE_READ, (uint64_t)(uintptr_t)events, HV_TRACE_LEN + 1),
		 HV_EINVAL, "trace_read: max over the limit");
}

static bool has_word(const char *w)
{
	const char *c = start_info->cmdline ? (const char *)(uintptr_t)start_info->cmdline : "";
	size_t n = strlen(w);

	for (; *c; c++)
		if (!memcmp(c, w, n) && (c[n] == ' ' || !c[n]))
			return true;
	return false;
}

int guest_main(const struct hv_start_info *si)
{
	uint32_t a, feat, c, d;

	rt_init();
	vm_id = si->vm_id;
	tsc_hz = (uint64_t)hv_time();
	priv = has_word("priv");
	irq_set_handler(RING_VECTOR, on_ring);
	irq_set_handler(0x60, on_ipi);
	if (has_word("bench")) {
		hclab_bench();
		test_finish();
	}
	printf("hclab_test: starting (%s)\n", priv ? "privileged" : "restricted");
	hv_cpuid(HV_CPUID_FEATURES, 0, &a, &feat, &c, &d);
	CHECK_HEX(feat, priv ? 0x7ffu : 0x3ef, "cpuid: feature bits follow the allow-list");
	CHECK_EQ(c, HC_NR_CALLS - 1, "cpuid: highest call number");
	CHECK_EQ(ring_setup(64), 0, "ring: 64 entries");
	test_calls();
	test_batch();
	test_ring();
	if (priv)
		test_priv();
	test_finish();
}
