/* VT-d second-level page tables (see mm/iommu_pt.h). */
#include "mm/iommu_pt.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/phys.h"

#define IOPTE_RW (IOPTE_R | IOPTE_W)

static uint64_t iopte_leaf(paddr_t pa, uint32_t attr, unsigned level)
{
	uint64_t e = pa | (attr & IOPTE_RW);

	if (level > PT_LEVEL_4K)
		e |= IOPTE_PS;
	return e;
}

static uint64_t iopte_table(paddr_t table)
{
	return table | IOPTE_RW;
}

/* VT-d 9.8: an entry with R and W both clear is not present (no
 * execute-only in the second level as used here). */
static bool iopte_present(uint64_t e)
{
	return e & IOPTE_RW;
}

/* PS is reserved at the top level and ignored at the 4 KiB level. */
static bool iopte_is_leaf(uint64_t e, unsigned level)
{
	return level == PT_LEVEL_4K ||
	       (level < PT_LEVEL_ROOT && (e & IOPTE_PS));
}

static paddr_t iopte_addr(uint64_t e, unsigned level)
{
	unsigned shift = iopte_is_leaf(e, level) ? pt_level_shift(level)
						 : PAGE_SHIFT;

	return e & pt_addr_mask(shift);
}

static uint32_t iopte_attr(uint64_t e, unsigned level)
{
	(void)level;
	return (uint32_t)(e & IOPTE_RW);
}

static const struct pt_format iommu_format = {
	.leaf = iopte_leaf,
	.table = iopte_table,
	.present = iopte_present,
	.is_leaf = iopte_is_leaf,
	.addr = iopte_addr,
	.attr = iopte_attr,
};

int iommu_pt_create(struct iommu_pt *p, unsigned levels, unsigned max_leaf)
{
	paddr_t l3;
	int err;

	if ((levels != 3 && levels != 4) || max_leaf < PT_LEVEL_4K ||
	    max_leaf > PT_LEVEL_1G)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->levels = levels;
	err = pt_init(&p->pt, &iommu_format, max_leaf);
	if (err)
		return err;
	p->hw_root = p->pt.root;
	if (levels == 4)
		return 0;
	/* The 3-level walk starts at what the engine sees as the table
	 * under root entry 0. */
	l3 = frame_zalloc();
	if (!l3) {
		pt_destroy(&p->pt);
		return -ENOMEM;
	}
	p->pt.table_pages++;
	((uint64_t *)phys_to_virt(p->pt.root))[0] = iopte_table(l3);
	p->hw_root = l3;
	return 0;
}

void iommu_pt_destroy(struct iommu_pt *p)
{
	pt_destroy(&p->pt);
}

uint64_t iommu_pt_limit(const struct iommu_pt *p)
{
	return p->levels == 3 ? BIT(39) : BIT(48);
}

static bool range_ok(const struct iommu_pt *p, uint64_t iova, uint64_t size)
{
	uint64_t limit = iommu_pt_limit(p);

	return size != 0 && IS_ALIGNED(iova | size, PAGE_SIZE) &&
	       size <= limit && iova <= limit - size &&
	       /* Never the whole 512 GiB of a 3-level domain: the engine would
		* take away the table the hardware root is. */
	       !(p->levels == 3 && size == limit);
}

int iommu_pt_map(struct iommu_pt *p, uint64_t iova, paddr_t hpa, uint64_t size,
		 unsigned rights)
{
	if (!range_ok(p, iova, size) || !IS_ALIGNED(hpa, PAGE_SIZE) ||
	    hpa >= PT_PA_LIMIT || size > PT_PA_LIMIT - hpa ||
	    !rights || (rights & ~IOMMU_RW))
		return -EINVAL;
	if (pt_any_mapped(&p->pt, iova, size))
		return -EEXIST;
	return pt_map(&p->pt, iova, hpa, size, rights);
}

int iommu_pt_unmap(struct iommu_pt *p, uint64_t iova, uint64_t size)
{
	if (!range_ok(p, iova, size))
		return -EINVAL;
	return pt_unmap(&p->pt, iova, size);
}

int iommu_pt_translate(const struct iommu_pt *p, uint64_t iova, paddr_t *hpa,
		       unsigned *rights, unsigned *level)
{
	struct pt_walk w;
	int err;

	if (iova >= iommu_pt_limit(p))
		return -ENOENT;
	err = pt_lookup(&iommu_format, p->pt.root, iova, &w);
	if (err)
		return err;
	if (hpa)
		*hpa = w.pa;
	if (rights)
		*rights = w.attr;
	if (level)
		*level = w.level;
	return 0;
}

static void walk_tables(paddr_t table, unsigned level,
			void (*fn)(paddr_t, void *), void *ctx)
{
	const uint64_t *t = phys_to_virt(table);

	fn(table, ctx);
	for (unsigned i = 0; level > PT_LEVEL_4K && i < PT_ENTRIES; i++)
		if (iopte_present(t[i]) && !iopte_is_leaf(t[i], level))
			walk_tables(iopte_addr(t[i], level), level - 1, fn, ctx);
}

void iommu_pt_for_each_table(const struct iommu_pt *p,
			     void (*fn)(paddr_t table, void *ctx), void *ctx)
{
	walk_tables(p->hw_root, p->levels, fn, ctx);
}
