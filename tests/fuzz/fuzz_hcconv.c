// FUZZ-SOURCES: guest/exit/hc_decode.c
/* The decoders of the batch and exitless-ring conventions
 * (guest/exit/hc_decode.c) on hostile guest values: batch counts and
 * addresses, record addresses, ring geometry, and a ring driven by a
 * script of guest moves (submit, consume, scribble any index) against
 * the hypervisor's private indices.  Whatever the guest does, the
 * hypervisor never runs more than was submitted, never overruns the CQ
 * the guest has consumed, and every slot it touches lies inside the
 * ring. */
#include "guest/include/hv_abi.h"
#include "guest/exit/hc_conv.h"
#include "tests/fuzz/fuzz.h"

static uint64_t take(const uint8_t **p, size_t *n, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes && *n; i++, (*p)++, (*n)--)
		v |= (uint64_t)**p << (8 * i);
	return v;
}

static void check_batch(uint64_t gpa, uint64_t count)
{
	int64_t plan = hc_batch_plan(gpa, count);

	if (plan > 0) {
		FUZZ_CHECK(plan <= HV_BATCH_STEP && (uint64_t)plan <= count);
		FUZZ_CHECK(count <= HV_BATCH_MAX && !(gpa & 7));
		FUZZ_CHECK(gpa + count * 64 > gpa); /* no wrap */
	} else {
		FUZZ_CHECK(plan == 0 || plan == HV_EINVAL || plan == HV_EFAULT);
		FUZZ_CHECK(plan != 0 || count == 0);
	}
	if (hc_memrec_ok(gpa))
		FUZZ_CHECK(!(gpa & 7) && (gpa & 4095) + 64 <= 4096);
}

static void run_ring(const uint8_t *p, size_t n)
{
	uint64_t entries = 1ull << (take(&p, &n, 1) % 10), bytes = 0;
	uint64_t gpa = take(&p, &n, 8), vector = take(&p, &n, 2);
	uint32_t sq_head = (uint32_t)take(&p, &n, 4), cq_tail = sq_head;
	uint32_t sq_tail = sq_head, cq_head = sq_head;
	int64_t g = hc_ring_geometry(gpa, entries, vector, &bytes);

	if (g) {
		FUZZ_CHECK(g == HV_EINVAL || g == HV_EFAULT);
		FUZZ_CHECK(g == HV_EFAULT || entries > HV_RING_MAX || (gpa & 4095) ||
			   (vector && (vector < 32 || vector > 255)));
		return;
	}
	FUZZ_CHECK(bytes == 64 + entries * 80 && gpa + bytes > gpa);
	while (n) {
		unsigned op = (unsigned)take(&p, &n, 1);
		uint32_t arg = (uint32_t)take(&p, &n, op & 0x80 ? 4 : 1);
		int64_t ready;

		switch (op & 3) {
		case 0: /* the guest submits (or scribbles on its tail) */
			sq_tail = op & 0x80 ? arg : sq_tail + arg % (entries + 1);
			break;
		case 1: /* the guest consumes completions (or scribbles) */
			cq_head = op & 0x80 ? arg : cq_head + arg % (entries + 1);
			break;
		default: /* the hypervisor drains */
			ready = hc_ring_ready(sq_head, sq_tail, cq_head, cq_tail,
					      (uint32_t)entries, arg % 300);
			if (ready < 0) {
				FUZZ_CHECK((uint32_t)(sq_tail - sq_head) > entries ||
					   (uint32_t)(cq_tail - cq_head) > entries);
				return; /* broken: the ring stops */
			}
			FUZZ_CHECK((uint64_t)ready <= arg % 300);
			FUZZ_CHECK((uint32_t)ready <= (uint32_t)(sq_tail - sq_head));
			FUZZ_CHECK((uint64_t)(uint32_t)(cq_tail - cq_head) + (uint64_t)ready <= entries);
			for (int64_t i = 0; i < ready; i++) {
				uint64_t so = hc_ring_sq_off((uint32_t)entries, sq_head++);
				uint64_t co = hc_ring_cq_off((uint32_t)entries, cq_tail++);

				FUZZ_CHECK(so >= 64 && so + 64 <= 64 + entries * 64);
				FUZZ_CHECK(co >= 64 + entries * 64 && co + 16 <= bytes);
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data;
	size_t n = size;
	uint64_t gpa = take(&p, &n, 8), count = take(&p, &n, 8);

	check_batch(gpa, count);
	check_batch(gpa & ~7ull, count % (HV_BATCH_MAX + 2));
	run_ring(p, n);
	return 0;
}
