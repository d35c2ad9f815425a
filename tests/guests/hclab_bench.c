/* The conventions' benchmark (bench/bench.vms, VM hclab, "bench" on its
 * command line): TSC ticks per null call (HC_NOP) made through each
 * convention, measured in the guest around the whole operation and
 * divided by the calls it made:
 *	register: one VMCALL;
 *	memory:   one HC_MEMCALL of one record;
 *	batch:    one HC_BATCH of N records, N = 1, 8, 64;
 *	ring:     N records submitted (no exit), one HC_RING_KICK doorbell,
 *	          the N completions consumed; N = 1, 8, 64 in flight.
 * In Bochs with sync=none ticks are retired instructions.  Output:
 *	BENCH hc_conv conv=NAME n=N per_call_min=T per_call_median=T */
#include "hclab.h"

#define SAMPLES 64u
#define WARMUP 4u

static uint64_t samples[SAMPLES];
static struct hv_call_rec batch[64] __attribute__((aligned(64)));
static struct hv_call_rec mrec __attribute__((aligned(64)));

static void sort(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned j = i;

		for (; j && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void report(const char *conv, unsigned n)
{
	sort(samples, SAMPLES);
	printf("BENCH hc_conv conv=%s n=%u per_call_min=%lu per_call_median=%lu\n",
	       conv, n, samples[0] / n, samples[SAMPLES / 2] / n);
}

static void ring_round(unsigned n)
{
	volatile struct hv_ring_hdr *h = ring_hdr();
	struct hv_call_rec *r;
	uint32_t tail = h->sq_tail, head;

	for (unsigned i = 0; i < n; i++) {
		r = ring_sq(tail + i);
		r->nr = HC_NOP;
		r->result = (int64_t)i;
	}
	__asm__ __volatile__("" ::: "memory");
	h->sq_tail = tail + n;
	hv_call0(HC_RING_KICK);
	head = h->cq_head;
	while (head != h->cq_tail)
		(void)ring_cq(head++)->result;
	h->cq_head = head;
}

#define MEASURE(n, op)                                              \
	for (unsigned i_ = 0; i_ < WARMUP + SAMPLES; i_++) {          \
		uint64_t t0_ = rdtsc_ordered();                        \
		op;                                                    \
		uint64_t t1_ = rdtsc_ordered();                        \
		if (i_ >= WARMUP)                                      \
			samples[i_ - WARMUP] = t1_ - t0_;              \
	}

void hclab_bench(void)
{
	static const unsigned sizes[] = { 1, 8, 64 };
	uint64_t bgpa = (uint64_t)(uintptr_t)batch;

	mrec.nr = HC_NOP;
	for (unsigned i = 0; i < 64; i++)
		batch[i].nr = HC_NOP;
	/* Without a ring first: a vCPU with one has every exit look at it. */
	hv_call3(HC_RING_SETUP, 0, 0, 0);
	MEASURE(1, hv_call0(HC_NOP));
	report("register", 1);
	MEASURE(1, hv_call1(HC_MEMCALL, (uint64_t)(uintptr_t)&mrec));
	report("memory", 1);
	for (unsigned s = 0; s < 3; s++) {
		unsigned n = sizes[s];

		MEASURE(n, hv_call2(HC_BATCH, bgpa, n));
		report("batch", n);
	}
	ring_setup(64);
	MEASURE(1, hv_call0(HC_NOP));
	report("register_with_ring", 1);
	for (unsigned s = 0; s < 3; s++) {
		unsigned n = sizes[s];

		MEASURE(n, ring_round(n));
		report("ring", n);
	}
	printf("BENCH hc_conv_done\n");
}
