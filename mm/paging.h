/* Host page tables (IA-32e 4-level paging, SDM vol. 3 ch. 4.5).
 *
 * The hypervisor runs on a direct map: virtual == physical for all RAM in
 * the boot memory map, the low 1 MiB and the MMIO ranges it is told about.
 * Everything is non-executable except the hypervisor text, which is
 * read-only, as is rodata.  Only supervisor mappings exist (U/S = 0).
 *
 * Before loading the root into CR3 the caller must have set EFER.NXE (NX
 * is a reserved bit otherwise) and, for stores to honour the write
 * protection, CR0.WP. */
#ifndef MM_PAGING_H
#define MM_PAGING_H

#include "lib/types.h"
#include "lib/boot_info.h"
#include "mm/phys.h"
#include "mm/pt.h"

/* Mapping attributes (readable and supervisor-only is implied). */
#define PG_W 0x1u  /* writable */
#define PG_X 0x2u  /* executable: the only mappings without NX */
#define PG_UC 0x4u /* uncached: PCD|PWT, PAT entry 3 (UC at reset) */
#define PG_ATTR_MASK (PG_W | PG_X | PG_UC)

/* Extra flags paging_translate() reports: the size of the page found. */
#define PG_SIZE_2M 0x100u
#define PG_SIZE_1G 0x200u

/* Identity mappings stop at the top of the canonical lower half. */
#define PAGING_VA_LIMIT BIT(47)

struct paging {
	struct pt pt;
};

/* An empty address space.  'gbpages': 1 GiB pages may be used
 * (CPUID 0x80000001:EDX bit 26).  -ENOMEM. */
int paging_init(struct paging *pg, bool gbpages);
void paging_destroy(struct paging *pg);

/* Called once at the end of any change to an entry that was present (the
 * caller reloads CR3 or INVLPGs); NULL while the tables are not live. */
void paging_set_flush(struct paging *pg, void (*flush)(void *ctx), void *ctx);

static inline paddr_t paging_root(const struct paging *pg)
{
	return pg->pt.root; /* the CR3 value (no PCID, PWT/PCD clear) */
}

static inline unsigned paging_table_pages(const struct paging *pg)
{
	return pg->pt.table_pages;
}

/* Map [va, va + size) to pa with PG_* attributes; replaces what was there.
 * Page-aligned arguments, va + size <= PAGING_VA_LIMIT.  -EINVAL, -ENOMEM. */
int paging_map_range(struct paging *pg, uint64_t va, paddr_t pa, uint64_t size,
		     unsigned attr);
int paging_unmap_range(struct paging *pg, uint64_t va, uint64_t size);

/* Set PG_W/PG_X of every mapped page in the range to those in 'attr',
 * keeping the caching type; holes are skipped. */
int paging_protect_range(struct paging *pg, uint64_t va, uint64_t size,
			 unsigned attr);

/* Identity-map device memory: writable, NX, uncached.  Need not be
 * page-aligned (widened to whole pages); replaces any RAM mapping there. */
int paging_map_mmio(struct paging *pg, paddr_t pa, uint64_t size);

/* Walk the tables under 'root' (a CR3 value).  On success *pa is the
 * translation and *flags the PG_* attributes plus PG_SIZE_* for a large
 * page.  -ENOENT when not mapped. */
int paging_translate(paddr_t root, uint64_t va, paddr_t *pa, unsigned *flags);

/* What the direct map covers. */
struct paging_layout {
	const struct boot_info *bi;
	struct phys_range text;   /* hypervisor text: read-only, executable */
	struct phys_range rodata; /* read-only, NX; empty range allowed */
	const struct phys_range *mmio; /* device ranges, mapped UC */
	unsigned nmmio;
	bool gbpages;
};

/* Build the direct map into a fresh 'pg': the low 1 MiB, every map entry
 * that is RAM (usable, ACPI reclaimable, ACPI NVS), the modules, the info
 * block and the image, widened to whole pages, then the MMIO ranges
 * (device memory wins where a lying map calls it RAM).  Map entries of
 * other types are left unmapped.  text and rodata must be page-aligned
 * (-EINVAL).  On failure the tables are freed. */
int paging_build_direct(struct paging *pg, const struct paging_layout *l);

#endif
