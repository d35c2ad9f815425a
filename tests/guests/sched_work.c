/* sched_work: CPU-bound work on every vCPU of the VM, for the scheduler's
 * boot tests (tests/boot/cases/sched-*.case).  What each vCPU does comes
 * from the VM's command line:
 *
 *   ticks=N     work until the TSC passes the vCPU's entry TSC + N: every
 *               competitor stays CPU-bound for the same period, so the
 *               run time each one got is its share of the pCPUs
 *   units=N     or: do N units of work (a fixed job) and stop
 *   cli=1       work with interrupts explicitly disabled (a spinner that
 *               only the preemption timer can take the pCPU from)
 *   yield=N     HC_YIELD N times before starting (lets a competitor that
 *               shares the pCPU get there first)
 *   mask=M      every vCPU's pcpu_mask (HC_VCPU_STATS) must be exactly M
 *   maxshare=P  the job's run time must be at most P% of the TSC time it
 *               took (it had to share its pCPU)
 *
 * vCPU 0 waits for the others, prints one line per vCPU with its work and
 * its scheduler statistics, checks them, and exits with the number of
 * failed checks. */
#include "lib/guest_rt.h"

#define UNIT_ROUNDS 64
#define STATE_RUNNING 1 /* struct hv_vcpu_stats.state */
#define STATE_BLOCKED 2

struct result {
	uint64_t units, start, end;
};

static struct result results[GRT_MAX_VCPUS];
static uint64_t cfg_ticks, cfg_units, cfg_cli, cfg_yield;
static volatile uint64_t sink;

/* One unit: a few hundred instructions of xorshift that the compiler
 * cannot drop. */
static uint64_t work_unit(uint64_t x)
{
	unsigned i;

	for (i = 0; i < UNIT_ROUNDS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return x;
}

static void do_work(unsigned vcpu)
{
	struct result *r = &results[vcpu];
	uint64_t x = 0x9e3779b97f4a7c15ull + vcpu, n = 0, i;

	for (i = 0; i < cfg_yield; i++)
		hv_yield();
	if (cfg_cli)
		irq_disable();
	r->start = rt_smp_boot[vcpu].tsc;
	if (cfg_units) {
		for (n = 0; n < cfg_units; n++)
			x = work_unit(x);
	} else {
		uint64_t deadline = r->start + cfg_ticks;

		while (rdtsc() < deadline) {
			x = work_unit(x);
			n++;
		}
	}
	r->end = rdtsc_ordered();
	r->units = n;
	sink = x;
}

int guest_vcpu_main(unsigned vcpu)
{
	do_work(vcpu);
	return 0;
}

static void report(unsigned vcpu, uint64_t mask, uint64_t maxshare)
{
	const struct result *r = &results[vcpu];
	struct hv_vcpu_stats st;
	uint64_t took = r->end - r->start;
	char name[64];
	int64_t ret;
	unsigned i;

	memset(&st, 0, sizeof(st));
	ret = hv_vcpu_stats(vcpu, &st);
	/* A secondary wakes vCPU 0 just before its final HLT: give it the
	 * moment it needs to get there. */
	for (i = 0; vcpu && ret == 0 && st.state != STATE_BLOCKED && i < 1000; i++) {
		hv_yield();
		ret = hv_vcpu_stats(vcpu, &st);
	}
	printf("vcpu %u: %lu units in %lu tsc; run %lu tsc, %lu runs, %lu migrations, pcpus %#lx\n",
	       vcpu, r->units, took, st.run_tsc, st.runs, st.migrations,
	       st.pcpu_mask);
	snprintf(name, sizeof(name), "vcpu %u: did work", vcpu);
	CHECK(r->units > 0, name);
	snprintf(name, sizeof(name), "vcpu %u: HC_VCPU_STATS", vcpu);
	CHECK_EQ(ret, 0, name);
	snprintf(name, sizeof(name), "vcpu %u: ran at least once", vcpu);
	CHECK(st.runs > 0 && st.run_tsc > 0 && st.pcpu_mask != 0, name);
	/* vCPU 0 asks about itself while running; the others are parked in
	 * HLT with interrupts on. */
	snprintf(name, sizeof(name), "vcpu %u: state %s", vcpu,
		 vcpu ? "blocked" : "running");
	CHECK_EQ(st.state, vcpu ? STATE_BLOCKED : STATE_RUNNING, name);
	if (mask) {
		snprintf(name, sizeof(name), "vcpu %u: pcpus = affinity", vcpu);
		CHECK_HEX(st.pcpu_mask, mask, name);
	}
	if (maxshare) {
		uint64_t share = took ? st.run_tsc * 100 / took : 100;

		printf("vcpu %u: ran %lu%% of the %lu tsc the job took\n", vcpu,
		       share, took);
		snprintf(name, sizeof(name), "vcpu %u: shared its pCPU", vcpu);
		CHECK(share <= maxshare, name);
	}
}

int guest_main(const struct hv_start_info *si)
{
	struct hv_vcpu_stats st;
	uint64_t mask, maxshare;
	unsigned n, i;

	rt_init();
	/* One exit per line, not two per byte: the report must not skew
	 * the run times it reports. */
	console_set_sink(SINK_HYPERCALL);
	n = smp_nr_vcpus();
	cfg_ticks = arg_u64_or("ticks", 0);
	cfg_units = arg_u64_or("units", 0);
	cfg_cli = arg_u64_or("cli", 0);
	cfg_yield = arg_u64_or("yield", 0);
	mask = arg_u64_or("mask", 0);
	maxshare = arg_u64_or("maxshare", 0);
	if (!cfg_ticks && !cfg_units)
		cfg_units = 1000;
	printf("sched_work: %u vCPU(s), %s %lu%s\n", si->nr_vcpus,
	       cfg_units ? "units" : "ticks", cfg_units ? cfg_units : cfg_ticks,
	       cfg_cli ? ", interrupts off" : "");
	smp_start();
	do_work(0);
	CHECK_EQ(smp_wait_done(), 0, "every vCPU finished");
	for (i = 0; i < n; i++)
		report(i, mask, maxshare);
	CHECK_EQ(hv_vcpu_stats(n, &st), HV_EINVAL,
		 "HC_VCPU_STATS of a vCPU the VM lacks -> HV_EINVAL");
	test_finish();
}
