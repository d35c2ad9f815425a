/* sched_bench: what scheduling costs, as the guest sees it, in TSC ticks.
 * One VM with 4 vCPUs: 0, 1 and 3 on pCPU 0, 2 on pCPU 1
 * (bench/sched_bench.vms).  vCPU 0 drives; the others wait halted for a
 * command.
 *
 *   yield_switch           vCPUs 0 and 1 hand a token back and forth with
 *                          HC_YIELD: TSC per vCPU-to-vCPU switch
 *   ipi_wakeup_same_pcpu   HC_SEND_IPI to halted vCPU 1 (same pCPU) until
 *                          its handler runs
 *   ipi_wakeup_cross_pcpu  the same to vCPU 2 (the other pCPU)
 *   cpu_share_3way         work vCPU 0 does in a fixed TSC window with
 *                          vCPUs 1 and 3 spinning on its pCPU, per mille
 *                          of what it does alone (ideal 333)
 *
 * Output: "BENCH <name> key=value ..." lines for bench/run.sh. */
#include "lib/guest_rt.h"

#define VCPU_SAME 1  /* shares pCPU 0 with vCPU 0 */
#define VCPU_CROSS 2 /* on pCPU 1 */
#define VCPU_SPIN2 3 /* the second competitor on pCPU 0 */
#define NEED_VCPUS 4
#define BENCH_VECTOR 0x50
#define STATE_BLOCKED 2

#define PINGPONG_ROUNDS 500u
#define PINGPONG_BUDGET 300000000ull /* TSC ticks: give up beyond this */
#define LAT_SAMPLES 64u
#define SHARE_WINDOW 150000000ull /* TSC ticks per throughput window */

enum cmd { CMD_NONE, CMD_PINGPONG, CMD_ECHO, CMD_SPIN, CMD_QUIT };

/* vCPU 0 writes cmd and bumps cmd_seq; vCPU v sets started_seq and
 * done_seq to that number when it starts and ends the command. */
static volatile uint32_t cmd[GRT_MAX_VCPUS], cmd_seq[GRT_MAX_VCPUS];
static volatile uint32_t started_seq[GRT_MAX_VCPUS], done_seq[GRT_MAX_VCPUS];
static volatile uint32_t echo_taken[GRT_MAX_VCPUS], echo_acked[GRT_MAX_VCPUS];
static volatile uint64_t echo_tsc[GRT_MAX_VCPUS];
static volatile uint32_t turn, stop_spin, pp_abort;
static volatile uint64_t yields[GRT_MAX_VCPUS], sink;
static uint64_t samples[LAT_SAMPLES];

/* ---- the secondaries' side ------------------------------------------ */

static void on_bench_vector(unsigned vector)
{
	unsigned me = this_vcpu();

	(void)vector;
	echo_tsc[me] = rdtsc_ordered();
	echo_taken[me]++;
}

static uint64_t work_unit(uint64_t x)
{
	unsigned i;

	for (i = 0; i < 64; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return x;
}

static void pingpong_peer(unsigned me)
{
	unsigned i;
	uint64_t y = 0;

	for (i = 0; i < PINGPONG_ROUNDS && !pp_abort; i++) {
		while (turn != me && !pp_abort) {
			hv_yield();
			y++;
		}
		turn = 0;
	}
	yields[me] = y;
}

/* Halted between vectors; each one taken is acknowledged to vCPU 0. */
static void echo(unsigned me, uint32_t seq)
{
	for (;;) {
		HALT_UNTIL(echo_taken[me] != echo_acked[me] || cmd_seq[me] != seq);
		if (cmd_seq[me] != seq)
			return;
		echo_acked[me] = echo_taken[me];
		hv_send_ipi(0, GRT_VEC_WAKE);
	}
}

static void spin(unsigned me)
{
	uint64_t x = me;

	while (!stop_spin)
		x = work_unit(x);
	sink = x;
}

int guest_vcpu_main(unsigned me)
{
	uint32_t seen = 0;

	for (;;) {
		HALT_UNTIL(cmd_seq[me] != seen);
		seen = __atomic_load_n(&cmd_seq[me], __ATOMIC_ACQUIRE);
		__atomic_store_n(&started_seq[me], seen, __ATOMIC_RELEASE);
		switch (cmd[me]) {
		case CMD_PINGPONG:
			pingpong_peer(me);
			break;
		case CMD_ECHO:
			echo(me, seen);
			break;
		case CMD_SPIN:
			spin(me);
			break;
		case CMD_QUIT:
			return 0;
		default:
			break;
		}
		__atomic_store_n(&done_seq[me], seen, __ATOMIC_RELEASE);
		hv_send_ipi(0, GRT_VEC_WAKE);
	}
}

/* ---- vCPU 0 ---------------------------------------------------------- */

static void issue(unsigned v, enum cmd c)
{
	cmd[v] = c;
	__atomic_fetch_add(&cmd_seq[v], 1, __ATOMIC_RELEASE);
	hv_send_ipi(v, GRT_VEC_WAKE);
}

static void wait_started(unsigned v)
{
	while (__atomic_load_n(&started_seq[v], __ATOMIC_ACQUIRE) != cmd_seq[v])
		hv_yield();
}

/* Halted until vCPU v has finished its last command. */
static void wait_done(unsigned v)
{
	HALT_UNTIL(__atomic_load_n(&done_seq[v], __ATOMIC_ACQUIRE) == cmd_seq[v]);
}

/* Until vCPU v is blocked in HLT, so that the next IPI has to wake it. */
static void wait_blocked(unsigned v)
{
	struct hv_vcpu_stats st;

	for (;;) {
		if (hv_vcpu_stats(v, &st) < 0 || st.state == STATE_BLOCKED)
			return;
		hv_yield();
	}
}

static void sort(uint64_t *a, unsigned n)
{
	unsigned i, j;

	for (i = 1; i < n; i++) {
		uint64_t x = a[i];

		for (j = i; j > 0 && a[j - 1] > x; j--)
			a[j] = a[j - 1];
		a[j] = x;
	}
}

static void bench_pingpong(void)
{
	uint64_t t0, t1, y = 0, switches, deadline;
	unsigned i;

	turn = 0;
	pp_abort = 0;
	issue(VCPU_SAME, CMD_PINGPONG);
	wait_started(VCPU_SAME);
	t0 = rdtsc_ordered();
	/* A policy whose HC_YIELD keeps the yielder running would turn
	 * each hand-over into a whole time slice: stop after a budget. */
	deadline = t0 + PINGPONG_BUDGET;
	for (i = 0; i < PINGPONG_ROUNDS && !pp_abort; i++) {
		turn = VCPU_SAME;
		while (turn != 0) {
			if (rdtsc() > deadline) {
				pp_abort = 1;
				break;
			}
			hv_yield();
			y++;
		}
	}
	t1 = rdtsc_ordered();
	wait_done(VCPU_SAME);
	if (pp_abort) {
		printf("BENCH yield_switch aborted after %u of %u rounds (%lu tsc)\n",
		       i, PINGPONG_ROUNDS, t1 - t0);
		return;
	}
	switches = 2ull * PINGPONG_ROUNDS;
	printf("BENCH yield_switch rounds=%u switches=%lu yields=%lu tsc=%lu tsc_per_switch=%lu\n",
	       PINGPONG_ROUNDS, switches, y + yields[VCPU_SAME], t1 - t0,
	       (t1 - t0) / switches);
}

static void bench_wakeup(unsigned v, const char *name)
{
	unsigned i;

	issue(v, CMD_ECHO);
	wait_started(v);
	for (i = 0; i < LAT_SAMPLES; i++) {
		uint32_t want = echo_acked[v] + 1;
		uint64_t t;

		wait_blocked(v);
		t = rdtsc_ordered();
		hv_send_ipi(v, BENCH_VECTOR);
		HALT_UNTIL(echo_acked[v] == want);
		samples[i] = echo_tsc[v] - t;
	}
	issue(v, CMD_NONE); /* ends the echo loop */
	wait_done(v);
	sort(samples, LAT_SAMPLES);
	printf("BENCH %s samples=%u min=%lu median=%lu max=%lu\n", name,
	       LAT_SAMPLES, samples[0], samples[LAT_SAMPLES / 2],
	       samples[LAT_SAMPLES - 1]);
}

static uint64_t work_window(uint64_t ticks)
{
	uint64_t x = 1, n = 0, end = rdtsc() + ticks;

	while (rdtsc() < end) {
		x = work_unit(x);
		n++;
	}
	sink = x;
	return n;
}

static void bench_share(void)
{
	uint64_t alone, shared;

	alone = work_window(SHARE_WINDOW);
	stop_spin = 0;
	issue(VCPU_SAME, CMD_SPIN);
	issue(VCPU_SPIN2, CMD_SPIN);
	wait_started(VCPU_SAME);
	wait_started(VCPU_SPIN2);
	shared = work_window(SHARE_WINDOW);
	stop_spin = 1;
	wait_done(VCPU_SAME);
	wait_done(VCPU_SPIN2);
	printf("BENCH cpu_share_3way window=%llu alone=%lu shared=%lu share_permille=%lu ideal_permille=333\n",
	       SHARE_WINDOW, alone, shared, alone ? shared * 1000 / alone : 0);
}

int guest_main(const struct hv_start_info *si)
{
	unsigned v;

	rt_init();
	/* One exit per line, not two per byte: the report must not skew
	 * the run times it reports. */
	console_set_sink(SINK_HYPERCALL);
	irq_set_handler(BENCH_VECTOR, on_bench_vector);
	smp_start();
	printf("BENCH sched_start vcpus=%u tsc_hz=%ld\n", si->nr_vcpus, hv_time());
	if (smp_nr_vcpus() < NEED_VCPUS) {
		printf("BENCH sched_skipped (needs %u vCPUs)\n", NEED_VCPUS);
		return 1;
	}
	smp_wait_online();
	bench_pingpong();
	bench_wakeup(VCPU_SAME, "ipi_wakeup_same_pcpu");
	bench_wakeup(VCPU_CROSS, "ipi_wakeup_cross_pcpu");
	bench_share();
	for (v = 1; v < smp_nr_vcpus(); v++)
		issue(v, CMD_QUIT);
	if (smp_wait_done())
		return 1;
	printf("BENCH sched_done\n");
	return 0;
}
