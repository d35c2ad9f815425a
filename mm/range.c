/* Set arithmetic on arrays of physical ranges (see mm/range.h). */
#include "mm/range.h"

bool range_page_inward(paddr_t start, paddr_t end, paddr_t limit,
		       struct phys_range *out)
{
	if (start > ALIGN_DOWN(UINT64_MAX, PAGE_SIZE))
		return false;
	start = ALIGN_UP(start, PAGE_SIZE);
	end = ALIGN_DOWN(MIN(end, limit), PAGE_SIZE);
	if (start >= end)
		return false;
	out->start = start;
	out->end = end;
	return true;
}

bool range_page_outward(paddr_t start, paddr_t end, paddr_t limit,
			struct phys_range *out)
{
	/* With a page-aligned limit the widened end cannot wrap. */
	limit = ALIGN_DOWN(limit, PAGE_SIZE);
	if (start >= end || start >= limit)
		return false;
	end = MIN(end, limit);
	out->start = ALIGN_DOWN(start, PAGE_SIZE);
	out->end = ALIGN_UP(end, PAGE_SIZE);
	return true;
}

/* Insertion sort: maps hold at most a few hundred entries and there is no
 * libc qsort in the hypervisor. */
static void range_sort(struct phys_range *r, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		struct phys_range key = r[i];
		unsigned j = i;

		while (j > 0 && r[j - 1].start > key.start) {
			r[j] = r[j - 1];
			j--;
		}
		r[j] = key;
	}
}

unsigned range_normalize(struct phys_range *r, unsigned n)
{
	unsigned out = 0;

	range_sort(r, n);
	for (unsigned i = 0; i < n; i++) {
		if (r[i].start >= r[i].end)
			continue;
		if (out > 0 && r[i].start <= r[out - 1].end) {
			r[out - 1].end = MAX(r[out - 1].end, r[i].end);
			continue;
		}
		r[out++] = r[i];
	}
	return out;
}

static void range_remove_at(struct phys_range *r, unsigned n, unsigned i)
{
	for (unsigned j = i; j + 1 < n; j++)
		r[j] = r[j + 1];
}

static void range_insert_at(struct phys_range *r, unsigned n, unsigned i,
			    struct phys_range v)
{
	for (unsigned j = n; j > i; j--)
		r[j] = r[j - 1];
	r[i] = v;
}

unsigned range_subtract(struct phys_range *r, unsigned n, unsigned cap,
			paddr_t s, paddr_t e, uint64_t *dropped)
{
	unsigned i = 0;

	while (i < n && s < e) {
		struct phys_range *a = &r[i];
		struct phys_range lo = { a->start, s };
		struct phys_range hi = { e, a->end };

		if (e <= a->start || s >= a->end) {
			i++;
			continue;
		}
		if (s <= a->start && e >= a->end) {
			range_remove_at(r, n--, i);
			continue;
		}
		if (s <= a->start) {
			a->start = e;
		} else if (e >= a->end) {
			a->end = s;
		} else if (n < cap) {
			*a = lo;
			range_insert_at(r, n++, i + 1, hi);
		} else if (range_len(&lo) >= range_len(&hi)) {
			*dropped += range_len(&hi);
			*a = lo;
		} else {
			*dropped += range_len(&lo);
			*a = hi;
		}
		i++;
	}
	return n;
}
