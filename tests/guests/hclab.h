/* The hypercall lab guest (hclab_test.c, hclab_bench.c): one call made
 * through any of the four conventions (docs/hypercalls.md section 10). */
#ifndef TESTS_GUESTS_HCLAB_H
#define TESTS_GUESTS_HCLAB_H

#include "lib/guest_rt.h"

enum conv { CONV_REG, CONV_MEM, CONV_BATCH, CONV_RING, NR_CONV };
extern const char *const conv_name[NR_CONV];

#define RING_VECTOR 0x51
#define RING_TAG 0x7a6

/* The ring: up to 64 entries in six pages. */
extern uint8_t ring_mem[6 * 4096];
extern uint32_t ring_entries;
static inline volatile struct hv_ring_hdr *ring_hdr(void)
{
	return (volatile struct hv_ring_hdr *)ring_mem;
}
static inline struct hv_call_rec *ring_sq(uint32_t idx)
{
	return (struct hv_call_rec *)(ring_mem + 64 + 64 * (idx & (ring_entries - 1)));
}
static inline volatile struct hv_ring_cqe *ring_cq(uint32_t idx)
{
	return (volatile struct hv_ring_cqe *)(ring_mem + 64 + 64 * ring_entries +
					      16 * (idx & (ring_entries - 1)));
}
int64_t ring_setup(uint32_t entries);
/* Put one record in the SQ (no exit). */
void ring_submit(uint64_t nr, const uint64_t *args, int64_t tag);

/* Call nr with up to six arguments through convention c; *ok is cleared
 * when the convention itself misbehaved (a batch not reporting 1 record,
 * a completion with the wrong tag...). */
int64_t conv_call(enum conv c, uint64_t nr, const uint64_t args[6], bool *ok);

void hclab_bench(void);

#endif
