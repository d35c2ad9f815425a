/* VT-d second-level page tables (VT-d spec 4.1, 9.8 "Second-Level Paging
 * Entries") over the generic engine (mm/pt.h).
 *
 * The geometry is EPT's: 4 KiB tables of 512 entries, 2 MiB and 1 GiB
 * leaves where the unit reports them (CAP.SLLPS).  A unit walks 3 levels
 * (39-bit IOVAs) or 4 (48-bit), per the context entry's address width:
 * the engine always builds 4 levels, and a 3-level domain hands the
 * hardware the table under the root's entry 0, which is created with the
 * domain and never taken away (IOVAs of such a domain stay below 2^39).
 *
 * Leaves are R/W as asked; non-leaf entries allow both (the leaf
 * decides).  Bit 11 (SNP) and the EMT field are left 0: snooping is
 * forced per unit if ever needed, and EMT matters only with nested
 * translation, which is not used. */
#ifndef MM_IOMMU_PT_H
#define MM_IOMMU_PT_H

#include "lib/types.h"
#include "mm/pt.h"

#define IOPTE_R BIT(0)
#define IOPTE_W BIT(1)
#define IOPTE_PS BIT(7)

/* Access rights of a mapping. */
#define IOMMU_READ 0x1u
#define IOMMU_WRITE 0x2u
#define IOMMU_RW (IOMMU_READ | IOMMU_WRITE)

struct iommu_pt {
	struct pt pt;
	unsigned levels;  /* 3 or 4: what the hardware walks */
	paddr_t hw_root;  /* the table given to the context entry */
};

/* levels 3 or 4; max_leaf PT_LEVEL_4K/2M/1G (what SLLPS allows).
 * -EINVAL, -ENOMEM. */
int iommu_pt_create(struct iommu_pt *p, unsigned levels, unsigned max_leaf);
void iommu_pt_destroy(struct iommu_pt *p);

/* The IOVA limit the walk covers: 2^39 or 2^48. */
uint64_t iommu_pt_limit(const struct iommu_pt *p);

/* Map [iova, iova + size) -> [hpa, ...) with IOMMU_* rights; page-aligned,
 * within the limit, nothing mapped there yet (-EEXIST).  -EINVAL, -ENOMEM. */
int iommu_pt_map(struct iommu_pt *p, uint64_t iova, paddr_t hpa, uint64_t size,
		 unsigned rights);
int iommu_pt_unmap(struct iommu_pt *p, uint64_t iova, uint64_t size);

/* Walk: 0 and the translation, rights and leaf level; -ENOENT. */
int iommu_pt_translate(const struct iommu_pt *p, uint64_t iova, paddr_t *hpa,
		       unsigned *rights, unsigned *level);

/* Call fn for every table page reachable from the hardware root (for
 * cache flushing on units that do not snoop). */
void iommu_pt_for_each_table(const struct iommu_pt *p,
			     void (*fn)(paddr_t table, void *ctx), void *ctx);

#endif
