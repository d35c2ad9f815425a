/* Generic 4-level page-table engine (see mm/pt.h). */
#include "mm/pt.h"
#include "lib/errno.h"
#include "mm/frame.h"
#include "mm/phys.h"
#include "lib/printk.h"

enum pt_op_kind { PT_OP_MAP, PT_OP_UNMAP, PT_OP_PROTECT };

struct pt_op {
	enum pt_op_kind kind;
	uint64_t va0;     /* map: va0 translates to pa0 */
	paddr_t pa0;
	uint32_t attr;    /* map */
	uint32_t clear;   /* protect */
	uint32_t set;
};

static inline uint64_t *table_of(paddr_t table)
{
	return phys_to_virt(table);
}

/* One 8-byte store, so a concurrent hardware walk sees the old or the new
 * entry, never a mix. */
static inline void entry_write(uint64_t *slot, uint64_t e)
{
	*(volatile uint64_t *)slot = e;
}

static int table_alloc(struct pt *pt, paddr_t *out)
{
	paddr_t pa = frame_zalloc();

	if (!pa)
		return -ENOMEM;
	pt->table_pages++;
	*out = pa;
	return 0;
}

/* Free a table and everything below it.  'level' is the table's level. */
static void table_free_tree(struct pt *pt, paddr_t table, unsigned level)
{
	const struct pt_format *fmt = pt->fmt;
	const uint64_t *t = table_of(table);

	for (unsigned i = 0; level > PT_LEVEL_4K && i < PT_ENTRIES; i++)
		if (fmt->present(t[i]) && !fmt->is_leaf(t[i], level))
			table_free_tree(pt, fmt->addr(t[i], level), level - 1);
	frame_free(table);
	pt->table_pages--;
}

/* Flush if anything cached may be stale, then free retired tables. */
static void pt_sync(struct pt *pt)
{
	if (pt->stale && pt->flush)
		pt->flush(pt->flush_ctx);
	pt->stale = false;
	for (unsigned i = 0; i < pt->nretired; i++)
		table_free_tree(pt, pt->retired[i].table, pt->retired[i].level);
	pt->nretired = 0;
}

static void table_retire(struct pt *pt, paddr_t table, unsigned level)
{
	if (pt->nretired == PT_MAX_RETIRED)
		pt_sync(pt);
	pt->retired[pt->nretired].table = table;
	pt->retired[pt->nretired].level = level;
	pt->nretired++;
}

/* Replace the entry at 'slot' (a level-'level' entry). */
static void entry_replace(struct pt *pt, uint64_t *slot, unsigned level,
			  uint64_t e)
{
	const struct pt_format *fmt = pt->fmt;
	uint64_t old = *slot;

	if (old == e)
		return;
	entry_write(slot, e);
	if (!fmt->present(old))
		return;
	pt->stale = true;
	if (!fmt->is_leaf(old, level))
		table_retire(pt, fmt->addr(old, level), level - 1);
}

/* Turn the large leaf at 'slot' into a table of 512 leaves one level down
 * with the same translation and attributes.  The new table is filled
 * before it is linked, so a walker never sees it half-built. */
static int leaf_split(struct pt *pt, uint64_t *slot, unsigned level)
{
	const struct pt_format *fmt = pt->fmt;
	uint64_t old = *slot;
	paddr_t base = fmt->addr(old, level);
	uint32_t attr = fmt->attr(old, level);
	uint64_t step = pt_level_size(level - 1);
	paddr_t table;
	uint64_t *t;
	int err;

	err = table_alloc(pt, &table);
	if (err)
		return err;
	t = table_of(table);
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		t[i] = fmt->leaf(base + i * step, attr, level - 1);
	entry_write(slot, fmt->table(table));
	pt->stale = true;
	return 0;
}

/* Make 'slot' point to a table, creating or splitting as needed. */
static int entry_make_table(struct pt *pt, uint64_t *slot, unsigned level)
{
	const struct pt_format *fmt = pt->fmt;
	paddr_t table;
	int err;

	if (!fmt->present(*slot)) {
		err = table_alloc(pt, &table);
		if (err)
			return err;
		entry_write(slot, fmt->table(table));
		return 0;
	}
	if (fmt->is_leaf(*slot, level))
		return leaf_split(pt, slot, level);
	return 0;
}

static int apply_table(struct pt *pt, paddr_t table, unsigned level,
		       uint64_t va, uint64_t end, const struct pt_op *op);

/* Apply 'op' to [va, stop), all of it under one level-'level' entry;
 * 'whole' says the range covers that entry's whole span. */
static int apply_entry(struct pt *pt, uint64_t *slot, unsigned level,
		       uint64_t va, uint64_t stop, bool whole,
		       const struct pt_op *op)
{
	const struct pt_format *fmt = pt->fmt;
	uint64_t e = *slot;
	bool present = fmt->present(e);
	paddr_t pa;
	uint32_t attr;
	int err;

	switch (op->kind) {
	case PT_OP_MAP:
		pa = op->pa0 + (va - op->va0);
		if (whole && level <= pt->max_leaf &&
		    IS_ALIGNED(pa, pt_level_size(level))) {
			entry_replace(pt, slot, level,
				      fmt->leaf(pa, op->attr, level));
			return 0;
		}
		break;
	case PT_OP_UNMAP:
		if (!present)
			return 0;
		if (whole) {
			entry_replace(pt, slot, level, 0);
			return 0;
		}
		break;
	case PT_OP_PROTECT:
		if (!present)
			return 0;
		if (whole && fmt->is_leaf(e, level)) {
			attr = (fmt->attr(e, level) & ~op->clear) | op->set;
			entry_replace(pt, slot, level,
				      fmt->leaf(fmt->addr(e, level), attr, level));
			return 0;
		}
		break;
	}
	/* A 4 KiB entry always covers its whole span, so we never get here
	 * for level 1. */
	BUG_ON(level == PT_LEVEL_4K);
	err = entry_make_table(pt, slot, level);
	if (err)
		return err;
	return apply_table(pt, fmt->addr(*slot, level), level - 1, va, stop, op);
}

static int apply_table(struct pt *pt, paddr_t table, unsigned level,
		       uint64_t va, uint64_t end, const struct pt_op *op)
{
	uint64_t *t = table_of(table);
	uint64_t size = pt_level_size(level);

	while (va < end) {
		uint64_t span_end = ALIGN_DOWN(va, size) + size;
		uint64_t stop = MIN(span_end, end);
		bool whole = IS_ALIGNED(va, size) && stop == span_end;
		int err;

		err = apply_entry(pt, &t[pt_index(va, level)], level, va, stop,
				  whole, op);
		if (err)
			return err;
		va = stop;
	}
	return 0;
}

static bool range_valid(uint64_t va, uint64_t size)
{
	return size != 0 && IS_ALIGNED(va | size, PAGE_SIZE) &&
	       size <= PT_VA_LIMIT && va <= PT_VA_LIMIT - size;
}

static int pt_apply(struct pt *pt, uint64_t va, uint64_t size,
		    const struct pt_op *op)
{
	int err;

	if (!pt->root || !range_valid(va, size))
		return -EINVAL;
	err = apply_table(pt, pt->root, PT_LEVEL_ROOT, va, va + size, op);
	pt_sync(pt);
	return err;
}

int pt_init(struct pt *pt, const struct pt_format *fmt, unsigned max_leaf)
{
	if (max_leaf < PT_LEVEL_4K || max_leaf > PT_LEVEL_1G)
		return -EINVAL;
	*pt = (struct pt){ .fmt = fmt, .max_leaf = max_leaf };
	return table_alloc(pt, &pt->root);
}

void pt_destroy(struct pt *pt)
{
	if (!pt->root)
		return;
	pt_sync(pt);
	table_free_tree(pt, pt->root, PT_LEVEL_ROOT);
	pt->root = 0;
}

int pt_map(struct pt *pt, uint64_t va, paddr_t pa, uint64_t size,
	   uint32_t attr)
{
	struct pt_op op = {
		.kind = PT_OP_MAP, .va0 = va, .pa0 = pa, .attr = attr,
	};

	if (!IS_ALIGNED(pa, PAGE_SIZE) || size > PT_PA_LIMIT ||
	    pa > PT_PA_LIMIT - size)
		return -EINVAL;
	return pt_apply(pt, va, size, &op);
}

int pt_unmap(struct pt *pt, uint64_t va, uint64_t size)
{
	struct pt_op op = { .kind = PT_OP_UNMAP };

	return pt_apply(pt, va, size, &op);
}

int pt_protect(struct pt *pt, uint64_t va, uint64_t size, uint32_t clear,
	       uint32_t set)
{
	struct pt_op op = { .kind = PT_OP_PROTECT, .clear = clear, .set = set };

	return pt_apply(pt, va, size, &op);
}

static bool any_mapped(const struct pt_format *fmt, paddr_t table,
		       unsigned level, uint64_t va, uint64_t end)
{
	const uint64_t *t = table_of(table);
	uint64_t size = pt_level_size(level);

	while (va < end) {
		uint64_t e = t[pt_index(va, level)];
		uint64_t stop = MIN(ALIGN_DOWN(va, size) + size, end);

		if (fmt->present(e) &&
		    (fmt->is_leaf(e, level) ||
		     any_mapped(fmt, fmt->addr(e, level), level - 1, va, stop)))
			return true;
		va = stop;
	}
	return false;
}

bool pt_any_mapped(const struct pt *pt, uint64_t va, uint64_t size)
{
	if (!pt->root || !range_valid(va, size))
		return false;
	return any_mapped(pt->fmt, pt->root, PT_LEVEL_ROOT, va, va + size);
}

int pt_lookup(const struct pt_format *fmt, paddr_t root, uint64_t va,
	      struct pt_walk *w)
{
	paddr_t table = root;

	if (!root || va >= PT_VA_LIMIT)
		return -ENOENT;
	for (unsigned level = PT_LEVEL_ROOT; level >= PT_LEVEL_4K; level--) {
		uint64_t e = table_of(table)[pt_index(va, level)];

		if (!fmt->present(e))
			return -ENOENT;
		if (fmt->is_leaf(e, level)) {
			w->level = level;
			w->attr = fmt->attr(e, level);
			w->pa = fmt->addr(e, level) +
				(va & (pt_level_size(level) - 1));
			return 0;
		}
		table = fmt->addr(e, level);
	}
	return -ENOENT; /* unreachable: level 1 entries are leaves */
}
