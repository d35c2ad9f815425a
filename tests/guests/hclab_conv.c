/* One call through each convention, for hclab_test and the benchmark. */
#include "hclab.h"

const char *const conv_name[NR_CONV] = { "register", "memory", "batch", "ring" };

uint8_t ring_mem[6 * 4096] __attribute__((aligned(4096)));
uint32_t ring_entries;
static struct hv_call_rec one_rec __attribute__((aligned(64)));

int64_t ring_setup(uint32_t entries)
{
	int64_t r = hv_call3(HC_RING_SETUP, (uint64_t)(uintptr_t)ring_mem, entries,
			     RING_VECTOR);

	if (r == 0)
		ring_entries = entries;
	return r;
}

void ring_submit(uint64_t nr, const uint64_t *args, int64_t tag)
{
	volatile struct hv_ring_hdr *h = ring_hdr();
	uint32_t tail = h->sq_tail;
	struct hv_call_rec *r = ring_sq(tail);

	r->nr = nr;
	for (unsigned i = 0; i < 6; i++)
		r->args[i] = args ? args[i] : 0;
	r->result = tag;
	/* The record before the tail that publishes it (x86 keeps stores in
	 * order; this keeps the compiler from moving them). */
	__asm__ __volatile__("" ::: "memory");
	h->sq_tail = tail + 1;
}

static int64_t ring_call(uint64_t nr, const uint64_t args[6], bool *ok)
{
	volatile struct hv_ring_hdr *h = ring_hdr();
	volatile struct hv_ring_cqe *c;
	uint32_t head = h->cq_head;
	int64_t ret;

	ring_submit(nr, args, RING_TAG);
	if (hv_call0(HC_RING_KICK) != 1 || h->cq_tail != head + 1)
		*ok = false;
	c = ring_cq(head);
	if (c->tag != RING_TAG)
		*ok = false;
	ret = c->result;
	h->cq_head = head + 1;
	return ret;
}

int64_t conv_call(enum conv c, uint64_t nr, const uint64_t a[6], bool *ok)
{
	int64_t r;

	switch (c) {
	case CONV_REG:
		return hv_call6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	case CONV_MEM:
	case CONV_BATCH:
		one_rec.nr = nr;
		for (unsigned i = 0; i < 6; i++)
			one_rec.args[i] = a[i];
		one_rec.result = 0x5555;
		if (c == CONV_MEM) {
			r = hv_call1(HC_MEMCALL, (uint64_t)(uintptr_t)&one_rec);
			if (r != one_rec.result)
				*ok = false;
			return r;
		}
		if (hv_call2(HC_BATCH, (uint64_t)(uintptr_t)&one_rec, 1) != 1)
			*ok = false;
		return one_rec.result;
	default:
		return ring_call(nr, a, ok);
	}
}
