/* Physical frame allocator: arenas of managed RAM, one bitmap bit per page
 * (1 = allocated).  See mm/frame.h for the rules. */
#include "mm/frame.h"
#include "lib/spinlock.h"
#include "lib/errno.h"
#include "mm/range.h"
#include "lib/printk.h"
#include "lib/string.h"

#define WORD_BITS 64

struct arena {
	paddr_t base;     /* page-aligned */
	uint64_t npages;
	uint64_t nfree;
	uint64_t hint;    /* no free page below this index */
	uint64_t *bitmap; /* DIV_ROUND_UP(npages, 64) words */
};

static struct {
	struct arena arena[FRAME_MAX_ARENAS];
	unsigned narenas;
	uint64_t usable_bytes;
	unsigned usable_ranges;
	struct phys_range bitmap;
} fa;

/* Scratch for frame_init: usable RAM, then the same minus reservations. */
static struct phys_range work[FRAME_MAX_ARENAS];

static inline uint64_t words_for(uint64_t npages)
{
	return (npages + WORD_BITS - 1) / WORD_BITS;
}

static inline uint64_t pages_of(uint64_t bytes)
{
	return bytes >> PAGE_SHIFT;
}

static inline paddr_t arena_end(const struct arena *a)
{
	return a->base + (a->npages << PAGE_SHIFT);
}

static inline paddr_t arena_addr(const struct arena *a, uint64_t idx)
{
	return a->base + (idx << PAGE_SHIFT);
}

/* --- bitmap primitives ---------------------------------------------------- */

static inline bool bm_test(const uint64_t *bm, uint64_t i)
{
	return bm[i / WORD_BITS] & BIT(i % WORD_BITS);
}

/* Bits [from % 64, to % 64) of one word, 'to' being at most one word on. */
static inline uint64_t word_mask(uint64_t from, uint64_t to)
{
	unsigned lo = from % WORD_BITS;
	uint64_t n = to - from;

	return (n >= WORD_BITS ? ~0ULL : BIT(n) - 1) << lo;
}

/* First index in [from, to) whose bit equals 'set', or 'to'. */
static uint64_t bm_find(const uint64_t *bm, uint64_t from, uint64_t to,
			bool set)
{
	while (from < to) {
		uint64_t w = bm[from / WORD_BITS];
		uint64_t stop = MIN(to, ALIGN_DOWN(from, WORD_BITS) + WORD_BITS);
		uint64_t hits = (set ? w : ~w) & word_mask(from, stop);

		if (hits)
			return ALIGN_DOWN(from, WORD_BITS) +
			       (uint64_t)__builtin_ctzll(hits);
		from = stop;
	}
	return to;
}

static void bm_assign(uint64_t *bm, uint64_t from, uint64_t to, bool set)
{
	while (from < to) {
		uint64_t stop = MIN(to, ALIGN_DOWN(from, WORD_BITS) + WORD_BITS);
		uint64_t m = word_mask(from, stop);

		if (set)
			bm[from / WORD_BITS] |= m;
		else
			bm[from / WORD_BITS] &= ~m;
		from = stop;
	}
}

/* --- building the arenas -------------------------------------------------- */

static unsigned collect_usable(const struct boot_info *bi)
{
	unsigned count = MIN(bi->mmap_count, (unsigned)BOOT_MAX_MMAP);
	unsigned n = 0;
	bool clipped = false;

	_Static_assert(BOOT_MAX_MMAP <= FRAME_MAX_ARENAS,
		       "every usable map entry must fit the scratch array");
	for (unsigned i = 0; i < count; i++) {
		const struct mem_region *m = &bi->mmap[i];

		paddr_t end = range_end_sat(m->base, m->len);

		if (m->type != MEM_USABLE)
			continue;
		clipped |= end > FRAME_PHYS_LIMIT;
		if (range_page_inward(m->base, end, FRAME_PHYS_LIMIT, &work[n]))
			n++;
	}
	if (clipped)
		pr_warn("frame: ignoring usable RAM above %llu GiB\n",
			(unsigned long long)(FRAME_PHYS_LIMIT >> 30));
	return range_normalize(work, n);
}

static unsigned reserve(unsigned n, paddr_t start, paddr_t end,
			uint64_t *dropped)
{
	struct phys_range r;

	if (!range_page_outward(start, end, FRAME_PHYS_LIMIT, &r))
		return n;
	return range_subtract(work, n, FRAME_MAX_ARENAS, r.start, r.end,
			      dropped);
}

static bool range_malformed(paddr_t start, paddr_t end, const char *what)
{
	if (end >= start)
		return false;
	pr_err("frame: %s range 0x%llx-0x%llx ends before it starts\n", what,
	       (unsigned long long)start, (unsigned long long)end);
	return true;
}

/* Everything except usable RAM wins: the low 1 MiB, map entries of any
 * other type, the image, the info block, modules and the caller's list. */
static int subtract_reserved(const struct boot_info *bi, unsigned *np,
			     struct phys_range image,
			     const struct phys_range *extra, unsigned nextra)
{
	unsigned count = MIN(bi->mmap_count, (unsigned)BOOT_MAX_MMAP);
	unsigned nmod = MIN(bi->module_count, (unsigned)BOOT_MAX_MODULES);
	uint64_t dropped = 0;
	unsigned n = *np;

	if (range_malformed(image.start, image.end, "image") ||
	    range_malformed(bi->info_start, bi->info_end, "info block"))
		return -EINVAL;
	for (unsigned i = 0; i < nmod; i++)
		if (range_malformed(bi->modules[i].start, bi->modules[i].end,
				    "module"))
			return -EINVAL;
	for (unsigned i = 0; i < nextra; i++)
		if (range_malformed(extra[i].start, extra[i].end, "reserved"))
			return -EINVAL;

	n = reserve(n, 0, FRAME_LOW_LIMIT, &dropped);
	for (unsigned i = 0; i < count; i++) {
		const struct mem_region *m = &bi->mmap[i];

		if (m->type != MEM_USABLE)
			n = reserve(n, m->base, range_end_sat(m->base, m->len),
				    &dropped);
	}
	n = reserve(n, image.start, image.end, &dropped);
	n = reserve(n, bi->info_start, bi->info_end, &dropped);
	for (unsigned i = 0; i < nmod; i++)
		n = reserve(n, bi->modules[i].start, bi->modules[i].end,
			    &dropped);
	for (unsigned i = 0; i < nextra; i++)
		n = reserve(n, extra[i].start, extra[i].end, &dropped);
	if (dropped)
		pr_warn("frame: map too fragmented, %llu KiB unused\n",
			(unsigned long long)(dropped >> 10));
	*np = n;
	return 0;
}

static uint64_t bitmap_bytes(unsigned n)
{
	uint64_t words = 0;

	for (unsigned i = 0; i < n; i++)
		words += words_for(pages_of(range_len(&work[i])));
	return words * sizeof(uint64_t);
}

/* Carve the bitmap from the lowest range below FRAME_EARLY_LIMIT that
 * holds it.  Taking it away only shrinks the set, so the size computed
 * beforehand is enough. */
static int place_bitmap(unsigned *np)
{
	uint64_t size = ALIGN_UP(bitmap_bytes(*np), PAGE_SIZE);
	uint64_t dropped = 0;

	for (unsigned i = 0; i < *np; i++) {
		if (work[i].start >= FRAME_EARLY_LIMIT)
			break;
		if (MIN(work[i].end, FRAME_EARLY_LIMIT) - work[i].start < size)
			continue;
		fa.bitmap.start = work[i].start;
		fa.bitmap.end = work[i].start + size;
		*np = range_subtract(work, *np, FRAME_MAX_ARENAS,
				     fa.bitmap.start, fa.bitmap.end, &dropped);
		return 0;
	}
	pr_err("frame: no usable range below 4 GiB holds a %llu KiB bitmap\n",
	       (unsigned long long)(size >> 10));
	return -ENOMEM;
}

static void build_arenas(unsigned n)
{
	uint64_t *bm = phys_to_virt(fa.bitmap.start);

	for (unsigned i = 0; i < n; i++) {
		struct arena *a = &fa.arena[i];
		uint64_t words;

		a->base = work[i].start;
		a->npages = pages_of(range_len(&work[i]));
		a->nfree = a->npages;
		a->hint = 0;
		a->bitmap = bm;
		words = words_for(a->npages);
		memset(bm, 0, words * sizeof(uint64_t));
		/* Bits past the last page read as allocated: scans stop there. */
		bm_assign(bm, a->npages, words * WORD_BITS, true);
		bm += words;
	}
	fa.narenas = n;
}

int frame_init(const struct boot_info *bi, struct phys_range image,
	       const struct phys_range *reserved, unsigned nreserved)
{
	unsigned n;
	int err;

	memset(&fa, 0, sizeof(fa));
	n = collect_usable(bi);
	fa.usable_ranges = n;
	for (unsigned i = 0; i < n; i++)
		fa.usable_bytes += range_len(&work[i]);

	err = subtract_reserved(bi, &n, image, reserved, nreserved);
	if (err)
		return err;
	if (n == 0) {
		pr_err("frame: no usable RAM above 1 MiB\n");
		return -ENOMEM;
	}
	err = place_bitmap(&n);
	if (err)
		return err;
	build_arenas(n);
	return 0;
}

/* --- allocation ----------------------------------------------------------- */

static void arena_take(struct arena *a, uint64_t idx, uint64_t n)
{
	bm_assign(a->bitmap, idx, idx + n, true);
	a->nfree -= n;
	if (idx == a->hint)
		a->hint = idx + n;
}

static paddr_t alloc_one(void)
{
	for (unsigned i = 0; i < fa.narenas; i++) {
		struct arena *a = &fa.arena[i];
		uint64_t idx;

		if (a->nfree == 0)
			continue;
		idx = bm_find(a->bitmap, a->hint, a->npages, false);
		BUG_ON(idx == a->npages); /* nfree said otherwise */
		arena_take(a, idx, 1);
		a->hint = idx + 1; /* nothing was free in [hint, idx) */
		return arena_addr(a, idx);
	}
	return 0;
}

/* First aligned run of n free pages in a at index 'from' or above that
 * ends at index 'limit' at the latest, or a->npages. */
static uint64_t arena_find_run(const struct arena *a, uint64_t n,
			       uint64_t align, uint64_t from, uint64_t limit)
{
	while (from < limit) {
		paddr_t pa = arena_addr(a, from);
		uint64_t idx, used;

		if (pa > UINT64_MAX - (align - 1))
			break;
		idx = pages_of(ALIGN_UP(pa, align) - a->base);
		if (idx >= limit || limit - idx < n)
			break;
		used = bm_find(a->bitmap, idx, idx + n, true);
		if (used == idx + n)
			return idx;
		from = used + 1;
	}
	return a->npages;
}

/* The lowest aligned run inside [lo, hi) (page-aligned bounds). */
static paddr_t alloc_contig_in(size_t npages, size_t align, paddr_t lo,
			       paddr_t hi)
{
	if (npages == 0 || lo >= hi)
		return 0;
	if (align < PAGE_SIZE)
		align = PAGE_SIZE;
	if (align & (align - 1))
		return 0;
	for (unsigned i = 0; i < fa.narenas; i++) {
		struct arena *a = &fa.arena[i];
		uint64_t from = a->hint, limit = a->npages, idx;

		if (a->nfree < npages || arena_end(a) <= lo || a->base >= hi)
			continue;
		if (lo > a->base)
			from = MAX(from, pages_of(lo - a->base));
		if (hi < arena_end(a))
			limit = pages_of(hi - a->base);
		idx = arena_find_run(a, npages, align, from, limit);
		if (idx == a->npages)
			continue;
		arena_take(a, idx, npages);
		return arena_addr(a, idx);
	}
	return 0;
}

static paddr_t alloc_contig(size_t npages, size_t align)
{
	return alloc_contig_in(npages, align, 0, ALIGN_DOWN(UINT64_MAX, PAGE_SIZE));
}

/* One lock for the whole allocator: allocations are rare after boot
 * (VM creation, AP start-up), so contention does not matter. */
static struct spinlock frame_lock = SPINLOCK_INIT;

paddr_t frame_alloc(void)
{
	paddr_t pa;

	spin_lock(&frame_lock);
	pa = alloc_one();
	spin_unlock(&frame_lock);
	return pa;
}

paddr_t frame_alloc_contig(size_t npages, size_t align)
{
	paddr_t pa;

	spin_lock(&frame_lock);
	pa = alloc_contig(npages, align);
	spin_unlock(&frame_lock);
	return pa;
}

paddr_t frame_alloc_contig_in(size_t npages, size_t align, paddr_t min,
			      paddr_t max_end)
{
	paddr_t pa;

	if (min > UINT64_MAX - (PAGE_SIZE - 1))
		return 0;
	spin_lock(&frame_lock);
	pa = alloc_contig_in(npages, align, ALIGN_UP(min, PAGE_SIZE),
			     ALIGN_DOWN(max_end, PAGE_SIZE));
	spin_unlock(&frame_lock);
	return pa;
}

static void zero_frames(paddr_t pa, size_t npages)
{
	memset(phys_to_virt(pa), 0, npages << PAGE_SHIFT);
}

paddr_t frame_zalloc(void)
{
	paddr_t pa = frame_alloc();

	if (pa)
		zero_frames(pa, 1);
	return pa;
}

paddr_t frame_zalloc_contig(size_t npages, size_t align)
{
	paddr_t pa = frame_alloc_contig(npages, align);

	if (pa)
		zero_frames(pa, npages);
	return pa;
}

/* --- freeing -------------------------------------------------------------- */

static struct arena *arena_of(paddr_t pa)
{
	unsigned lo = 0, hi = fa.narenas;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		struct arena *a = &fa.arena[mid];

		if (pa < a->base)
			hi = mid;
		else if (pa >= arena_end(a))
			lo = mid + 1;
		else
			return a;
	}
	return NULL;
}

/* Returns NULL, or what is wrong (the caller panics after unlocking). */
static const char *free_contig(paddr_t pa, size_t npages)
{
	struct arena *a = arena_of(pa);
	uint64_t idx;

	if (!a || !IS_ALIGNED(pa, PAGE_SIZE) ||
	    npages > pages_of(arena_end(a) - pa))
		return "not owned by the allocator";
	idx = pages_of(pa - a->base);
	if (bm_find(a->bitmap, idx, idx + npages, false) != idx + npages)
		return "double free";
	bm_assign(a->bitmap, idx, idx + npages, false);
	a->nfree += npages;
	a->hint = MIN(a->hint, idx);
	return NULL;
}

void frame_free_contig(paddr_t pa, size_t npages)
{
	const char *err;

	spin_lock(&frame_lock);
	err = free_contig(pa, npages);
	spin_unlock(&frame_lock);
	if (err)
		panic("frame_free: 0x%llx+%zu pages: %s",
		      (unsigned long long)pa, npages, err);
}

void frame_free(paddr_t pa)
{
	frame_free_contig(pa, 1);
}

/* --- statistics ----------------------------------------------------------- */

uint64_t frame_free_bytes(void)
{
	uint64_t pages = 0;

	for (unsigned i = 0; i < fa.narenas; i++)
		pages += fa.arena[i].nfree;
	return pages << PAGE_SHIFT;
}

void frame_get_stats(struct frame_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->usable_bytes = fa.usable_bytes;
	st->usable_ranges = fa.usable_ranges;
	for (unsigned i = 0; i < fa.narenas; i++)
		st->managed_bytes += fa.arena[i].npages << PAGE_SHIFT;
	st->free_bytes = frame_free_bytes();
	st->arenas = fa.narenas;
	st->bitmap = fa.bitmap;
}

int frame_format_summary(char *buf, size_t size)
{
	return snprintf(buf, size, "mem: %llu MiB usable in %u ranges, %llu MiB free",
			(unsigned long long)(fa.usable_bytes >> 20),
			fa.usable_ranges,
			(unsigned long long)(frame_free_bytes() >> 20));
}

void frame_print_summary(void)
{
	char line[96];

	frame_format_summary(line, sizeof(line));
	pr_info("%s\n", line);
}
