/* Generic 4-level page-table engine shared by the host page tables
 * (mm/paging.c) and EPT (mm/ept.c).
 *
 * Both formats have the same geometry: 4 KiB tables of 512 8-byte entries,
 * indexed by 9 address bits per level, leaves at level 1 (4 KiB), 2 (2 MiB)
 * or 3 (1 GiB).  They differ only in how an entry is encoded, which a
 * struct pt_format describes; the engine does the walking, the use of the
 * largest page that fits, the splitting of large pages, and the freeing of
 * tables that a change leaves unreachable.
 *
 * TLB coherence: when a change touches an entry that was present (so that
 * a CPU may have cached it), the engine calls pt->flush once before the
 * operation returns, and frees tables it unlinked only after that call, so
 * that no CPU can still walk a table that has been handed out again.
 * Changing an entry from not present to present needs no flush: processors
 * do not cache not-present entries.  A NULL flush hook means "no CPU uses
 * these tables yet" (construction, unit tests). */
#ifndef MM_PT_H
#define MM_PT_H

#include "lib/types.h"

#define PT_LEVELS 4
#define PT_INDEX_BITS 9
#define PT_ENTRIES (1u << PT_INDEX_BITS)
#define PT_VA_BITS (PAGE_SHIFT + PT_LEVELS * PT_INDEX_BITS)
#define PT_VA_LIMIT BIT(PT_VA_BITS)  /* 256 TiB: what 4 levels translate */
#define PT_PA_LIMIT BIT(52)          /* SDM: MAXPHYADDR is at most 52 */

_Static_assert(PT_ENTRIES * sizeof(uint64_t) == PAGE_SIZE,
	       "a page table fills exactly one page");
_Static_assert(PT_VA_BITS == 48, "4 levels of 9 bits over 4 KiB pages");

/* Leaf levels: where a translation ends. */
enum pt_level {
	PT_LEVEL_4K = 1,
	PT_LEVEL_2M = 2,
	PT_LEVEL_1G = 3,
	PT_LEVEL_ROOT = PT_LEVELS,
};

static inline unsigned pt_level_shift(unsigned level)
{
	return PAGE_SHIFT + PT_INDEX_BITS * (level - 1);
}

static inline uint64_t pt_level_size(unsigned level)
{
	return BIT(pt_level_shift(level));
}

static inline unsigned pt_index(uint64_t va, unsigned level)
{
	return (unsigned)(va >> pt_level_shift(level)) & (PT_ENTRIES - 1);
}

/* Address bits [51:shift] of an entry: the frame, table or large page. */
static inline uint64_t pt_addr_mask(unsigned shift)
{
	return (PT_PA_LIMIT - 1) & ~(BIT(shift) - 1);
}

/* How one kind of table encodes its entries.  'attr' is the format's own
 * attribute word; the engine only carries it from entry to entry (when a
 * large page is split, every smaller page gets the same attr). */
struct pt_format {
	uint64_t (*leaf)(paddr_t pa, uint32_t attr, unsigned level);
	uint64_t (*table)(paddr_t table);
	bool (*present)(uint64_t e);
	bool (*is_leaf)(uint64_t e, unsigned level); /* e present */
	paddr_t (*addr)(uint64_t e, unsigned level);
	uint32_t (*attr)(uint64_t e, unsigned level); /* leaves only */
};

/* Tables unlinked but perhaps still cached, freed after the next flush. */
#define PT_MAX_RETIRED 16

struct pt {
	const struct pt_format *fmt;
	paddr_t root;
	unsigned max_leaf;    /* largest leaf level allowed: 1, 2 or 3 */
	unsigned table_pages; /* tables allocated, root included */
	void (*flush)(void *ctx);
	void *flush_ctx;
	/* Private to the engine. */
	bool stale;
	unsigned nretired;
	struct {
		paddr_t table;
		unsigned level;
	} retired[PT_MAX_RETIRED];
};

struct pt_walk {
	paddr_t pa;     /* translation of the address looked up */
	uint32_t attr;
	unsigned level; /* leaf level: 1 (4K), 2 (2M) or 3 (1G) */
};

/* Allocate an empty root.  'max_leaf' is the largest page level allowed
 * (PT_LEVEL_1G only when the CPU supports 1 GiB pages).  The flush hook
 * (may be NULL) is set in the struct afterwards. -ENOMEM, -EINVAL. */
int pt_init(struct pt *pt, const struct pt_format *fmt, unsigned max_leaf);

/* Free every table, root included.  The tables must no longer be in use. */
void pt_destroy(struct pt *pt);

/* Map [va, va + size) to [pa, pa + size) with 'attr', using the largest
 * pages that alignment and max_leaf allow.  Whatever was mapped there
 * before is replaced (large pages straddling the edges are split first).
 * All of va, pa and size must be page-aligned, size non-zero, va + size
 * within PT_VA_LIMIT and pa + size within PT_PA_LIMIT (-EINVAL).  On
 * -ENOMEM the range may be partly mapped. */
int pt_map(struct pt *pt, uint64_t va, paddr_t pa, uint64_t size,
	   uint32_t attr);

/* Remove every translation in the range; holes are fine.  Large pages
 * that straddle an edge are split (which may fail with -ENOMEM). */
int pt_unmap(struct pt *pt, uint64_t va, uint64_t size);

/* For every mapped page in the range, attr = (attr & ~clear) | set.
 * Holes are skipped; straddling large pages are split. */
int pt_protect(struct pt *pt, uint64_t va, uint64_t size, uint32_t clear,
	       uint32_t set);

/* True when any page in [va, va + size) is mapped. */
bool pt_any_mapped(const struct pt *pt, uint64_t va, uint64_t size);

/* Translate one address by walking the tables under 'root'.
 * Returns 0 or -ENOENT when it is not mapped. */
int pt_lookup(const struct pt_format *fmt, paddr_t root, uint64_t va,
	      struct pt_walk *w);

#endif
