/* Arrays of half-open physical ranges: the set arithmetic the frame
 * allocator and the direct-map builder do on boot memory maps. */
#ifndef MM_RANGE_H
#define MM_RANGE_H

#include "lib/types.h"
#include "mm/phys.h"

static inline uint64_t range_len(const struct phys_range *r)
{
	return r->end - r->start;
}

/* End of [base, base + len), saturating at UINT64_MAX instead of wrapping:
 * a map entry whose length runs past 2^64 means "to the top". */
static inline paddr_t range_end_sat(paddr_t base, uint64_t len)
{
	return len > UINT64_MAX - base ? UINT64_MAX : base + len;
}

/* [start, end) narrowed to whole pages and clipped to [0, limit).  False
 * when nothing is left.  For RAM we may use. */
bool range_page_inward(paddr_t start, paddr_t end, paddr_t limit,
		       struct phys_range *out);

/* [start, end) widened to whole pages and clipped to [0, limit).  False
 * when nothing is left.  For ranges we must keep away from or must map. */
bool range_page_outward(paddr_t start, paddr_t end, paddr_t limit,
			struct phys_range *out);

/* Sort by start, merge overlapping and touching ranges, drop empty ones.
 * Returns the new count. */
unsigned range_normalize(struct phys_range *r, unsigned n);

/* Remove [s, e) from a normalised array holding n of at most cap entries;
 * returns the new count.  When a split needs a slot and the array is full,
 * the smaller half is dropped and its size added to *dropped: the result is
 * always a subset of the input, never more. */
unsigned range_subtract(struct phys_range *r, unsigned n, unsigned cap,
			paddr_t s, paddr_t e, uint64_t *dropped);

#endif
