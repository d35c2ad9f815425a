/* Host page tables and the direct map (see mm/paging.h). */
#include "mm/paging.h"
#include "lib/errno.h"
#include "mm/frame.h"
#include "mm/pte.h"
#include "mm/range.h"

/* --- IA-32e entry format (SDM vol. 3 4.5, tables 4-15 to 4-20) --------- */

/* Non-leaf entries grant everything: access rights are the intersection
 * over all levels, so the leaf alone decides (SDM 4.6). */
#define PTE_TABLE_BITS (PTE_P | PTE_RW)

static uint64_t pte_leaf(paddr_t pa, uint32_t attr, unsigned level)
{
	uint64_t e = pa | PTE_P;

	if (attr & PG_W)
		e |= PTE_RW;
	if (!(attr & PG_X))
		e |= PTE_NX;
	if (attr & PG_UC)
		e |= PTE_PCD | PTE_PWT;
	/* Bit 7 is PS above level 1; in a 4 KiB PTE it is PAT, left 0. */
	if (level > PT_LEVEL_4K)
		e |= PTE_PS;
	return e;
}

static uint64_t pte_table(paddr_t table)
{
	return table | PTE_TABLE_BITS;
}

static bool pte_present(uint64_t e)
{
	return e & PTE_P;
}

/* PS is reserved in a PML4E; only PDPTEs and PDEs can map pages. */
static bool pte_is_leaf(uint64_t e, unsigned level)
{
	return level == PT_LEVEL_4K ||
	       (level < PT_LEVEL_ROOT && (e & PTE_PS));
}

/* A large leaf's address field starts at the page size (the bits below
 * it hold PAT, bit 12, and reserved zeros). */
static paddr_t pte_addr(uint64_t e, unsigned level)
{
	unsigned shift = pte_is_leaf(e, level) ? pt_level_shift(level)
					       : PAGE_SHIFT;

	return e & pt_addr_mask(shift);
}

static uint32_t pte_attr(uint64_t e, unsigned level)
{
	uint32_t attr = 0;

	(void)level;
	if (e & PTE_RW)
		attr |= PG_W;
	if (!(e & PTE_NX))
		attr |= PG_X;
	if (e & PTE_PCD)
		attr |= PG_UC;
	return attr;
}

static const struct pt_format paging_format = {
	.leaf = pte_leaf,
	.table = pte_table,
	.present = pte_present,
	.is_leaf = pte_is_leaf,
	.addr = pte_addr,
	.attr = pte_attr,
};

/* --- address-space operations -------------------------------------------- */

int paging_init(struct paging *pg, bool gbpages)
{
	return pt_init(&pg->pt, &paging_format,
		       gbpages ? PT_LEVEL_1G : PT_LEVEL_2M);
}

void paging_destroy(struct paging *pg)
{
	pt_destroy(&pg->pt);
}

void paging_set_flush(struct paging *pg, void (*flush)(void *ctx), void *ctx)
{
	pg->pt.flush = flush;
	pg->pt.flush_ctx = ctx;
}

static bool va_range_ok(uint64_t va, uint64_t size)
{
	return size <= PAGING_VA_LIMIT && va <= PAGING_VA_LIMIT - size;
}

int paging_map_range(struct paging *pg, uint64_t va, paddr_t pa, uint64_t size,
		     unsigned attr)
{
	if (!va_range_ok(va, size) || (attr & ~PG_ATTR_MASK))
		return -EINVAL;
	return pt_map(&pg->pt, va, pa, size, attr);
}

int paging_unmap_range(struct paging *pg, uint64_t va, uint64_t size)
{
	if (!va_range_ok(va, size))
		return -EINVAL;
	return pt_unmap(&pg->pt, va, size);
}

int paging_protect_range(struct paging *pg, uint64_t va, uint64_t size,
			 unsigned attr)
{
	if (!va_range_ok(va, size) || (attr & ~(PG_W | PG_X)))
		return -EINVAL;
	return pt_protect(&pg->pt, va, size, PG_W | PG_X, attr);
}

int paging_map_mmio(struct paging *pg, paddr_t pa, uint64_t size)
{
	struct phys_range r;

	if (!range_page_outward(pa, range_end_sat(pa, size), PAGING_VA_LIMIT,
				&r))
		return -EINVAL;
	return paging_map_range(pg, r.start, r.start, range_len(&r),
				PG_W | PG_UC);
}

int paging_translate(paddr_t root, uint64_t va, paddr_t *pa, unsigned *flags)
{
	struct pt_walk w;
	int err;

	err = pt_lookup(&paging_format, root, va, &w);
	if (err)
		return err;
	*pa = w.pa;
	*flags = w.attr;
	if (w.level == PT_LEVEL_2M)
		*flags |= PG_SIZE_2M;
	else if (w.level == PT_LEVEL_1G)
		*flags |= PG_SIZE_1G;
	return 0;
}

/* --- the direct map -------------------------------------------------------- */

#define DIRECT_MAX_RANGES (BOOT_MAX_MMAP + BOOT_MAX_MODULES + 4)

static bool is_ram_type(uint32_t type)
{
	return type == MEM_USABLE || type == MEM_ACPI_RECLAIM ||
	       type == MEM_ACPI_NVS;
}

static void add_range(struct phys_range *r, unsigned *n, paddr_t start,
		      paddr_t end)
{
	if (range_page_outward(start, end, PAGING_VA_LIMIT, &r[*n]))
		(*n)++;
}

/* Everything that is RAM, sorted and merged so each byte is mapped once. */
static unsigned collect_ram(const struct paging_layout *l,
			    struct phys_range *r)
{
	const struct boot_info *bi = l->bi;
	unsigned count = MIN(bi->mmap_count, (unsigned)BOOT_MAX_MMAP);
	unsigned nmod = MIN(bi->module_count, (unsigned)BOOT_MAX_MODULES);
	unsigned n = 0;

	add_range(r, &n, 0, FRAME_LOW_LIMIT);
	for (unsigned i = 0; i < count; i++) {
		const struct mem_region *m = &bi->mmap[i];

		if (is_ram_type(m->type))
			add_range(r, &n, m->base,
				  range_end_sat(m->base, m->len));
	}
	for (unsigned i = 0; i < nmod; i++)
		add_range(r, &n, bi->modules[i].start, bi->modules[i].end);
	add_range(r, &n, bi->info_start, bi->info_end);
	add_range(r, &n, l->text.start, l->text.end);
	add_range(r, &n, l->rodata.start, l->rodata.end);
	return range_normalize(r, n);
}

static bool section_ok(struct phys_range s)
{
	return s.start <= s.end && IS_ALIGNED(s.start | s.end, PAGE_SIZE);
}

static int build_direct(struct paging *pg, const struct paging_layout *l)
{
	struct phys_range ram[DIRECT_MAX_RANGES]; /* ~2.6 KiB of stack */
	unsigned n = collect_ram(l, ram);
	int err;

	for (unsigned i = 0; i < n; i++) {
		err = paging_map_range(pg, ram[i].start, ram[i].start,
				       range_len(&ram[i]), PG_W);
		if (err)
			return err;
	}
	for (unsigned i = 0; i < l->nmmio; i++) {
		err = paging_map_mmio(pg, l->mmio[i].start,
				      l->mmio[i].end - l->mmio[i].start);
		if (err)
			return err;
	}
	/* W^X: text executable and read-only, rodata read-only. */
	if (l->text.end > l->text.start) {
		err = paging_protect_range(pg, l->text.start,
					   range_len(&l->text), PG_X);
		if (err)
			return err;
	}
	if (l->rodata.end > l->rodata.start)
		return paging_protect_range(pg, l->rodata.start,
					    range_len(&l->rodata), 0);
	return 0;
}

int paging_build_direct(struct paging *pg, const struct paging_layout *l)
{
	int err;

	if (!section_ok(l->text) || !section_ok(l->rodata) ||
	    (l->nmmio && !l->mmio))
		return -EINVAL;
	for (unsigned i = 0; i < l->nmmio; i++)
		if (l->mmio[i].end <= l->mmio[i].start)
			return -EINVAL;
	err = paging_init(pg, l->gbpages);
	if (err)
		return err;
	err = build_direct(pg, l);
	if (err)
		paging_destroy(pg);
	return err;
}
