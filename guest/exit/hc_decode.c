/* Decoding what a guest hands the memory, batch and ring conventions:
 * counts, alignments, ring geometry and indices.  Pure arithmetic on
 * untrusted values, so that the unit tests and tests/fuzz/fuzz_hcconv.c
 * reach every case; whether the bytes are RAM is the caller's check
 * (gmem_range_ok). */
#include "guest/exit/hc_conv.h"

_Static_assert(sizeof(struct hv_call_rec) == HC_REC_SIZE, "call record");
_Static_assert(sizeof(struct hv_ring_hdr) == HC_RING_HDR_SIZE, "ring header");
_Static_assert(sizeof(struct hv_ring_cqe) == HC_CQE_SIZE, "completion");
_Static_assert(sizeof(struct hv_call_info) == 32, "discovery record");
_Static_assert(sizeof(struct hv_trace_event) == 48, "trace event");
_Static_assert((HV_RING_MAX & (HV_RING_MAX - 1)) == 0, "ring size");

int64_t hc_batch_plan(uint64_t gpa, uint64_t count)
{
	if (count > HV_BATCH_MAX || (gpa & 7))
		return HV_EINVAL;
	if (count == 0)
		return 0;
	if (gpa + count * HC_REC_SIZE < gpa) /* count is small: no overflow */
		return HV_EFAULT;
	return (int64_t)MIN(count, (uint64_t)HV_BATCH_STEP);
}

bool hc_memrec_ok(uint64_t gpa)
{
	return !(gpa & 7) && (gpa & (PAGE_SIZE - 1)) <= PAGE_SIZE - HC_REC_SIZE;
}

int64_t hc_ring_geometry(uint64_t gpa, uint64_t entries, uint64_t vector,
			 uint64_t *bytes)
{
	uint64_t size;

	if (entries == 0 || entries > HV_RING_MAX || (entries & (entries - 1)))
		return HV_EINVAL;
	if (gpa & (PAGE_SIZE - 1))
		return HV_EINVAL;
	if (vector > 255 || (vector && vector < 32))
		return HV_EINVAL;
	size = HC_RING_HDR_SIZE + entries * (HC_REC_SIZE + HC_CQE_SIZE);
	if (gpa + size < gpa)
		return HV_EFAULT;
	*bytes = size;
	return 0;
}

int64_t hc_ring_ready(uint32_t sq_head, uint32_t sq_tail, uint32_t cq_head,
		      uint32_t cq_tail, uint32_t entries, uint32_t max)
{
	/* Free-running counters: differences are taken modulo 2^32, so
	 * wrap-around of the counters themselves is normal. */
	uint32_t pending = sq_tail - sq_head;
	uint32_t used = cq_tail - cq_head;
	uint32_t n;

	if (pending > entries || used > entries)
		return -1;
	n = MIN(pending, entries - used);
	return MIN(n, max);
}

uint64_t hc_ring_sq_off(uint32_t entries, uint32_t idx)
{
	return HC_RING_HDR_SIZE + (uint64_t)(idx & (entries - 1)) * HC_REC_SIZE;
}

uint64_t hc_ring_cq_off(uint32_t entries, uint32_t idx)
{
	return HC_RING_HDR_SIZE + (uint64_t)entries * HC_REC_SIZE +
	       (uint64_t)(idx & (entries - 1)) * HC_CQE_SIZE;
}
