/* sched_ipi: a halted vCPU costs nothing and a virtual IPI wakes it.
 *
 * vCPU 1 installs a handler for TEST_VECTOR and halts with interrupts on
 * until the handler has run.  vCPU 0 first checks virtual-interrupt
 * delivery on itself (nothing while IF = 0, highest vector first, each
 * pending vector once), then works until its entry TSC + work=N ticks,
 * checks with HC_VCPU_STATS that vCPU 1 is blocked and has used under 1%
 * of that time, sends it TEST_VECTOR and halts until vCPU 1 reports done.
 * The handler's TSC minus the TSC before HC_SEND_IPI is the wake-up
 * latency, printed as "wakeup latency tsc=N".
 *
 * Command line: work=N (default 200000000); v0mask=M / v1mask=M: the
 * pcpu_mask HC_VCPU_STATS must show for vCPU 0 / 1 (from the affinity in
 * the VM description).  Exits with the number of failed checks. */
#include "lib/guest_rt.h"

#define TEST_VECTOR 0x40
#define SELF_LOW 0x42
#define SELF_HIGH 0x43
#define STATE_RUNNING 1
#define STATE_BLOCKED 2

static volatile uint32_t v1_ready, handled;
static volatile uint64_t wake_tsc, v1_halts;
static volatile unsigned self_seen;
static volatile unsigned self_order[4];

static void on_test_vector(unsigned vector)
{
	(void)vector;
	wake_tsc = rdtsc_ordered();
	handled++;
}

static void on_self_vector(unsigned vector)
{
	if (self_seen < 4)
		self_order[self_seen] = vector;
	self_seen++;
}

int guest_vcpu_main(unsigned vcpu)
{
	uint64_t halts = 0;

	if (vcpu != 1)
		return 0;
	irq_set_handler(TEST_VECTOR, on_test_vector);
	__atomic_store_n(&v1_ready, 1, __ATOMIC_RELEASE);
	for (;;) {
		irq_disable();
		if (handled)
			break;
		halts++;
		safe_halt();
	}
	v1_halts = halts;
	return 0;
}

/* Vectors raised with IF = 0 wait; a short STI window takes them all. */
static void check_self_delivery(void)
{
	irq_set_handler(SELF_LOW, on_self_vector);
	irq_set_handler(SELF_HIGH, on_self_vector);
	irq_disable();
	CHECK_EQ(hv_send_ipi(0, SELF_LOW), 0, "HC_SEND_IPI to self");
	CHECK_EQ(hv_send_ipi(0, SELF_LOW), 0, "HC_SEND_IPI to self, same vector again");
	CHECK_EQ(hv_send_ipi(0, SELF_HIGH), 0, "HC_SEND_IPI to self, higher vector");
	CHECK_EQ(self_seen, 0, "nothing delivered while IF = 0");
	__asm__ __volatile__("sti; nop; nop; nop; nop; cli" : : : "memory");
	CHECK_EQ(self_seen, 2, "two pending vectors, each delivered once after STI");
	CHECK_HEX(self_order[0], SELF_HIGH, "higher vector delivered first");
	CHECK_HEX(self_order[1], SELF_LOW, "lower vector delivered second");
}

static void check_bad_calls(unsigned n, uint64_t mem_size)
{
	struct hv_vcpu_stats st;

	CHECK_EQ(hv_send_ipi(n, TEST_VECTOR), HV_EINVAL,
		 "HC_SEND_IPI to a vCPU the VM lacks -> HV_EINVAL");
	CHECK_EQ(hv_send_ipi(1, 31), HV_EINVAL, "HC_SEND_IPI vector 31 -> HV_EINVAL");
	CHECK_EQ(hv_send_ipi(1, 256), HV_EINVAL, "HC_SEND_IPI vector 256 -> HV_EINVAL");
	CHECK_EQ(hv_vcpu_stats(n, &st), HV_EINVAL,
		 "HC_VCPU_STATS of a vCPU the VM lacks -> HV_EINVAL");
	CHECK_EQ(hv_call2(HC_VCPU_STATS, 1, mem_size - 8), HV_EFAULT,
		 "HC_VCPU_STATS buffer crossing the end of RAM -> HV_EFAULT");
	CHECK_EQ(handled, 0, "no stray delivery of the test vector");
}

static void check_mask(unsigned vcpu, const char *key)
{
	struct hv_vcpu_stats st;
	uint64_t want;
	char name[64];

	if (!arg_u64(key, &want))
		return;
	memset(&st, 0, sizeof(st));
	hv_vcpu_stats(vcpu, &st);
	snprintf(name, sizeof(name), "vcpu %u: pcpus = affinity", vcpu);
	CHECK_HEX(st.pcpu_mask, want, name);
}

int guest_main(const struct hv_start_info *si)
{
	struct hv_vcpu_stats st;
	uint64_t start, work, now, t_send, elapsed, wakeups;
	unsigned n, bad;
	int64_t ret;

	rt_init();
	/* One exit per line, not two per byte: the report must not skew
	 * the run times it reports. */
	console_set_sink(SINK_HYPERCALL);
	start = rt_smp_boot[0].tsc;
	smp_start();
	n = smp_nr_vcpus();
	work = arg_u64_or("work", 200000000);
	printf("sched_ipi: %u vCPUs, work %lu tsc\n", n, work);
	if (n < 2) {
		CHECK(n >= 2, "the VM has 2 vCPUs");
		test_finish();
	}
	while (!__atomic_load_n(&v1_ready, __ATOMIC_ACQUIRE)) {
		cpu_relax();
		hv_yield();
	}
	check_self_delivery();
	check_bad_calls(n, si->mem_size);

	while (rdtsc() < start + work)
		cpu_relax();
	memset(&st, 0, sizeof(st));
	now = rdtsc_ordered();
	CHECK_EQ(hv_vcpu_stats(1, &st), 0, "HC_VCPU_STATS of vCPU 1");
	elapsed = now - start;
	printf("vcpu 1 while halted: run %lu tsc of %lu (%lu.%02lu%%), state %u, %lu wakeups, pcpu %u\n",
	       st.run_tsc, elapsed, st.run_tsc * 100 / elapsed,
	       st.run_tsc * 10000 / elapsed % 100, st.state, st.wakeups, st.pcpu);
	CHECK_EQ(st.state, STATE_BLOCKED, "halted vCPU 1 is blocked");
	CHECK(st.run_tsc * 100 < elapsed, "halted vCPU 1 used under 1% of the time");
	wakeups = st.wakeups; /* may count the wake-up from smp_start */
	CHECK_EQ(hv_vcpu_stats(0, &st), 0, "HC_VCPU_STATS of vCPU 0 (self)");
	CHECK_EQ(st.state, STATE_RUNNING, "vCPU 0 is running");

	/* Nothing between the send and the HLT in smp_wait_done: on a shared
	 * pCPU vCPU 1 only runs once vCPU 0 blocks, and a console line on
	 * the way would count as latency. */
	t_send = rdtsc_ordered();
	ret = hv_send_ipi(1, TEST_VECTOR);
	bad = smp_wait_done();
	CHECK_EQ(ret, 0, "HC_SEND_IPI to vCPU 1");
	CHECK_EQ(bad, 0, "vCPU 1 finished");
	printf("wakeup latency tsc=%lu\n", wake_tsc - t_send);
	CHECK_EQ(handled, 1, "vCPU 1 took the vector once");
	CHECK(wake_tsc > t_send, "vCPU 1 took it after it was sent");
	CHECK_EQ(v1_halts, 1, "vCPU 1 halted once, woken by the vector");
	memset(&st, 0, sizeof(st));
	CHECK_EQ(hv_vcpu_stats(1, &st), 0, "HC_VCPU_STATS of vCPU 1 after the wake-up");
	printf("vcpu 1 after: run %lu tsc, %lu runs, %lu wakeups, pcpus %#lx\n",
	       st.run_tsc, st.runs, st.wakeups, st.pcpu_mask);
	CHECK(st.wakeups > wakeups, "vCPU 1 counted the wake-up");
	check_mask(0, "v0mask");
	check_mask(1, "v1mask");
	test_finish();
}
