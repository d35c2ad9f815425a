/* Extended page tables (see mm/ept.h). */
#include "mm/ept.h"
#include "lib/errno.h"
#include "lib/string.h"

/* --- entry format (SDM vol. 3 tables "Format of an EPT ... Entry") ------ */

#define EPTE_PERM_MASK 0x7ull            /* bits 2:0: R, W, X */
#define EPTE_MT_SHIFT 3                  /* bits 5:3 in leaves */
#define EPTE_MT_MASK (0x7ull << EPTE_MT_SHIFT)
#define EPTE_IGNORE_PAT BIT(6)           /* leaves; left 0: guest PAT applies */
#define EPTE_LARGE BIT(7)                /* leaf in a PDPTE or PDE */
#define EPTE_ACCESSED BIT(8)
#define EPTE_DIRTY BIT(9)                /* leaves only */

/* The engine's attr word for EPT is the leaf's bits 5:0 as they are. */
#define EPTE_ATTR_MASK (EPTE_PERM_MASK | EPTE_MT_MASK)

static inline uint32_t ept_attr_make(unsigned perms, enum ept_memtype mt)
{
	return (uint32_t)(perms | ((unsigned)mt << EPTE_MT_SHIFT));
}

static inline unsigned ept_attr_perms(uint32_t attr)
{
	return attr & EPTE_PERM_MASK;
}

static inline enum ept_memtype ept_attr_mt(uint32_t attr)
{
	return (enum ept_memtype)((attr & EPTE_MT_MASK) >> EPTE_MT_SHIFT);
}

static uint64_t epte_leaf(paddr_t pa, uint32_t attr, unsigned level)
{
	uint64_t e = pa | (attr & EPTE_ATTR_MASK);

	if (level > PT_LEVEL_4K)
		e |= EPTE_LARGE;
	return e;
}

/* Non-leaf entries allow everything: the rights that apply are the
 * intersection over all levels, so the leaf decides. */
static uint64_t epte_table(paddr_t table)
{
	return table | EPT_RWX;
}

/* SDM: an EPT entry is present if any of bits 2:0 is set (mode-based
 * execute control, which would add bit 10, is not used). */
static bool epte_present(uint64_t e)
{
	return e & EPTE_PERM_MASK;
}

/* Bit 7 is reserved in a PML4E; PDPTEs and PDEs with it set map pages. */
static bool epte_is_leaf(uint64_t e, unsigned level)
{
	return level == PT_LEVEL_4K ||
	       (level < PT_LEVEL_ROOT && (e & EPTE_LARGE));
}

static paddr_t epte_addr(uint64_t e, unsigned level)
{
	unsigned shift = epte_is_leaf(e, level) ? pt_level_shift(level)
						: PAGE_SHIFT;

	return e & pt_addr_mask(shift);
}

static uint32_t epte_attr(uint64_t e, unsigned level)
{
	(void)level;
	return (uint32_t)(e & EPTE_ATTR_MASK);
}

static const struct pt_format ept_format = {
	.leaf = epte_leaf,
	.table = epte_table,
	.present = epte_present,
	.is_leaf = epte_is_leaf,
	.addr = epte_addr,
	.attr = epte_attr,
};

/* --- configuration -------------------------------------------------------- */

int ept_config_from_cap(uint64_t cap, struct ept_config *cfg)
{
	if (!(cap & EPT_CAP_WALK4) || !(cap & (EPT_CAP_WB | EPT_CAP_UC)))
		return -EINVAL;
	memset(cfg, 0, sizeof(*cfg));
	cfg->page_2m = cap & EPT_CAP_2M;
	cfg->page_1g = cap & EPT_CAP_1G;
	cfg->exec_only = cap & EPT_CAP_EXEC_ONLY;
	cfg->ad = cap & EPT_CAP_AD;
	cfg->walk_uc = !(cap & EPT_CAP_WB);
	return 0;
}

static void ept_flush(void *ctx)
{
	struct ept *ept = ctx;

	ept->invepts++;
	ept->cfg.invept(ept_eptp(ept));
}

int ept_create(struct ept *ept, const struct ept_config *cfg)
{
	unsigned max_leaf = PT_LEVEL_4K;
	int err;

	/* 1 GiB pages without 2 MiB ones do not exist on real CPUs; honour
	 * each flag for the level it names anyway. */
	if (cfg->page_2m)
		max_leaf = PT_LEVEL_2M;
	if (cfg->page_1g && cfg->page_2m)
		max_leaf = PT_LEVEL_1G;
	memset(ept, 0, sizeof(*ept));
	ept->cfg = *cfg;
	err = pt_init(&ept->pt, &ept_format, max_leaf);
	if (err)
		return err;
	if (cfg->invept) {
		ept->pt.flush = ept_flush;
		ept->pt.flush_ctx = ept;
	}
	return 0;
}

void ept_destroy(struct ept *ept)
{
	pt_destroy(&ept->pt);
}

uint64_t ept_eptp(const struct ept *ept)
{
	uint64_t eptp = ept->pt.root | EPTP_WALK_4LEVEL;

	eptp |= ept->cfg.walk_uc ? EPT_MT_UC : EPT_MT_WB;
	if (ept->cfg.ad)
		eptp |= EPTP_AD_ENABLE;
	return eptp;
}

/* --- operations ------------------------------------------------------------ */

/* Rights the hardware accepts: write without read is a misconfiguration,
 * and so is execute-only unless the CPU reports support for it. */
static bool perms_ok(const struct ept *ept, unsigned perms)
{
	if (perms == 0 || (perms & ~EPT_RWX))
		return false;
	if ((perms & EPT_W) && !(perms & EPT_R))
		return false;
	if (perms == EPT_X && !ept->cfg.exec_only)
		return false;
	return true;
}

static bool memtype_ok(enum ept_memtype mt)
{
	switch (mt) {
	case EPT_MT_UC:
	case EPT_MT_WC:
	case EPT_MT_WT:
	case EPT_MT_WP:
	case EPT_MT_WB:
		return true;
	}
	return false;
}

int ept_map(struct ept *ept, gpa_t gpa, paddr_t hpa, uint64_t size,
	    unsigned perms, enum ept_memtype mt)
{
	if (!perms_ok(ept, perms) || !memtype_ok(mt))
		return -EINVAL;
	if (size == 0 || !IS_ALIGNED(gpa | hpa | size, PAGE_SIZE) ||
	    size > PT_VA_LIMIT || gpa > PT_VA_LIMIT - size)
		return -EINVAL;
	if (pt_any_mapped(&ept->pt, gpa, size))
		return -EEXIST;
	return pt_map(&ept->pt, gpa, hpa, size, ept_attr_make(perms, mt));
}

int ept_unmap(struct ept *ept, gpa_t gpa, uint64_t size)
{
	return pt_unmap(&ept->pt, gpa, size);
}

int ept_protect(struct ept *ept, gpa_t gpa, uint64_t size, unsigned perms)
{
	if (!perms_ok(ept, perms))
		return -EINVAL;
	return pt_protect(&ept->pt, gpa, size, EPTE_PERM_MASK, perms);
}

int ept_translate(const struct ept *ept, gpa_t gpa, paddr_t *hpa,
		  unsigned *perms, enum ept_memtype *mt, unsigned *level)
{
	struct pt_walk w;
	int err;

	err = pt_lookup(&ept_format, ept->pt.root, gpa, &w);
	if (err)
		return err;
	if (hpa)
		*hpa = w.pa;
	if (perms)
		*perms = ept_attr_perms(w.attr);
	if (mt)
		*mt = ept_attr_mt(w.attr);
	if (level)
		*level = w.level;
	return 0;
}
