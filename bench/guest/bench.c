/* bench: VM-exit round trips as the guest sees them, in TSC ticks (in
 * Bochs with sync=none: retired instructions, so the numbers are exact
 * and repeatable).  For each operation N samples of
 *	lfence; rdtsc; lfence; <op>; lfence; rdtsc
 * give a minimum and a median; the same pair around nothing is the
 * measurement's own cost, subtracted for the "net" figures.
 *
 * Output, one line per operation, for bench/run.sh:
 *	BENCH <name> min=<ticks> median=<ticks> net_min=<ticks> net_median=<ticks>
 */
#include "lib/guest_rt.h"

#define N 1000u
#define WARMUP 16u
#define MSR_MISC_ENABLE 0x1a0u
#define COM1_LSR 0x3fd
#define COM1_THR 0x3f8
/* thr_line: one sample is a whole console line of THR_LINE bytes (the
 * last one '\n') written to the emulated COM1 with no LSR polls, so that
 * the hypervisor's work at the end of a line is counted too. */
#define THR_LINE 64u
#define THR_LINES 200u

static uint64_t samples[N];

static inline uint64_t tsc_start(void)
{
	uint32_t lo, hi;

	/* The second LFENCE keeps the measured operation from starting
	 * before RDTSC has read the counter. */
	__asm__ __volatile__("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

static inline uint64_t tsc_end(void)
{
	return rdtsc_ordered();
}

static inline void op_empty(void)
{
	__asm__ __volatile__("" : : : "memory");
}

static inline void op_hypercall(void)
{
	hv_call0(HC_NOP);
}

static inline void op_cpuid(void)
{
	uint32_t a, b, c, d;

	hv_cpuid(0, 0, &a, &b, &c, &d);
}

static inline void op_pio(void)
{
	(void)inb(COM1_LSR);
}

static inline void op_rdmsr(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_MISC_ENABLE));
}

static inline void op_thr_line(void)
{
	for (unsigned i = 0; i < THR_LINE - 1; i++)
		outb(COM1_THR, (uint8_t)('a' + i % 26));
	outb(COM1_THR, '\n');
}

/* A macro, not a function taking a pointer, so that each operation is
 * inlined between the two timestamps. */
#define MEASURE(op)                                        \
	do {                                               \
		unsigned i_;                               \
		for (i_ = 0; i_ < WARMUP + N; i_++) {      \
			uint64_t t0_ = tsc_start();        \
			op();                              \
			uint64_t t1_ = tsc_end();          \
			if (i_ >= WARMUP)                  \
				samples[i_ - WARMUP] = t1_ - t0_; \
		}                                          \
	} while (0)

struct stats {
	uint64_t min, median;
};

/* Shell sort: no recursion, no library, fast enough for N = 1000. */
static void sort(uint64_t *v, unsigned n)
{
	unsigned gap, i, j;

	for (gap = n / 2; gap; gap /= 2)
		for (i = gap; i < n; i++) {
			uint64_t x = v[i];

			for (j = i; j >= gap && v[j - gap] > x; j -= gap)
				v[j] = v[j - gap];
			v[j] = x;
		}
}

static struct stats summarize(void)
{
	struct stats s;

	sort(samples, N);
	s.min = samples[0];
	s.median = samples[N / 2];
	return s;
}

static uint64_t sub0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static void report(const char *name, struct stats s, struct stats base)
{
	printf("BENCH %s min=%lu median=%lu net_min=%lu net_median=%lu\n", name,
	       s.min, s.median, sub0(s.min, base.min),
	       sub0(s.median, base.median));
}

/* The virtual PC's 16550 (the VM description sets platform = pc): per
 * byte of a console line written as Linux's console writes it.  Spaced
 * (flood = 0): between samples the guest polls LSR for THR_GAP ticks, as
 * a guest waiting for its transmitter would, long enough for the
 * hypervisor's UART to send the line at 115200 baud in Bochs.  Flood:
 * lines back to back, faster than any wire, which the hypervisor's ring
 * absorbs until it is full. */
#define THR_GAP 800000u

static void thr_bench(const char *name, int flood)
{
	unsigned i;

	for (i = 0; i < WARMUP + THR_LINES; i++) {
		uint64_t t0 = tsc_start();

		op_thr_line();
		uint64_t t1 = tsc_end();
		if (i >= WARMUP)
			samples[i - WARMUP] = t1 - t0;
		while (!flood && tsc_end() - t1 < THR_GAP)
			(void)inb(COM1_LSR);
	}
	sort(samples, THR_LINES);
	printf("BENCH %s lines=%u bytes_per_line=%u line_min=%lu "
	       "line_median=%lu per_byte_median=%lu\n",
	       name, THR_LINES, THR_LINE, samples[0], samples[THR_LINES / 2],
	       samples[THR_LINES / 2] / THR_LINE);
}

int guest_main(const struct hv_start_info *si)
{
	struct stats base, s;
	uint64_t v;

	(void)si;
	rt_init();
	if (arg_u64_or("thr", 0)) {
		thr_bench("thr_line_pc", 0);
		thr_bench("thr_flood_pc", 1);
		printf("BENCH thr_done\n");
		return 0;
	}
	printf("BENCH start iterations=%u warmup=%u tsc_hz=%ld\n", N, WARMUP, hv_time());

	MEASURE(op_empty);
	base = summarize();
	printf("BENCH empty min=%lu median=%lu\n", base.min, base.median);

	MEASURE(op_hypercall);
	report("null_hypercall", summarize(), base);

	MEASURE(op_cpuid);
	report("cpuid_leaf0", summarize(), base);

	MEASURE(op_pio);
	report("pio_read_3fd", summarize(), base);

	/* Under the runtime's IDT a #GP here would be reported, not fatal;
	 * probe once so that one missing emulation does not lose the rest. */
	if (try_rdmsr(MSR_MISC_ENABLE, &v) < 0) {
		MEASURE(op_rdmsr);
		s = summarize();
		report("rdmsr_1a0", s, base);
	} else {
		printf("BENCH rdmsr_1a0 skipped (%s)\n", vector_name((unsigned)fault_last.vector));
	}
	printf("BENCH done\n");
	return 0;
}
