/* What drivers/vtd.c and drivers/vtd_intr.c share: a unit's registers,
 * the driver's state and the helpers both use.  Not for other files: the
 * interface is drivers/vtd.h. */
#ifndef DRIVERS_VTD_INTERNAL_H
#define DRIVERS_VTD_INTERNAL_H

#include "drivers/vtd.h"
#include "drivers/dmar.h"
#include "drivers/vtd_tables.h"
#include "lib/spinlock.h"

#define QI_ORDER 0                 /* IQA.QS: 2^0 pages = 256 descriptors */
#define QI_ENTRIES (PAGE_SIZE / 16)
#define POLL_TIMEOUT_MS 100
#define CACHE_LINE 64

struct vtd_unit {
	volatile uint8_t *regs;
	paddr_t base;
	uint64_t cap, ecap;
	unsigned iotlb;            /* offset of the IOTLB registers */
	unsigned fro, nfr;         /* fault recording registers */
	bool qi;                   /* queued invalidation on */
	paddr_t qi_base;
	unsigned qi_tail;
	volatile uint32_t *qi_status;
	uint32_t qi_seq;
};

/* The driver's state, shared by vtd.c and vtd_intr.c. */
struct vtd_state {
	bool active;
	bool coherent;             /* every unit snoops table accesses */
	bool caching_mode;         /* some unit caches not-present entries */
	bool x2apic;               /* IRTE destinations are x2APIC IDs */
	bool ir;                   /* interrupt remapping on */
	unsigned levels;           /* 3 or 4: what every unit walks */
	unsigned max_leaf;
	uint64_t limit;            /* IOVA limit over all units */
	unsigned ndids;
	unsigned nunits;
	struct vtd_unit unit[VTD_MAX_UNITS];
	struct vtd_tables tables;
	uint8_t did_used[VTD_MAX_DOMAINS / 8];
	uint64_t faults;
	struct vtd_stats stats;
	struct spinlock lock;
	/* The DMAR's RMRRs, for vtd_rmrr_of() once the parsed table is gone. */
	unsigned nrmrr;
	struct dmar_rmrr rmrr[DMAR_MAX_RMRR];
};
extern struct vtd_state vtd;

static inline uint32_t rd32(struct vtd_unit *u, unsigned off)
{
	return *(volatile uint32_t *)(u->regs + off);
}

static inline uint64_t rd64(struct vtd_unit *u, unsigned off)
{
	return *(volatile uint64_t *)(u->regs + off);
}

static inline void wr32(struct vtd_unit *u, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(u->regs + off) = v;
}

static inline void wr64(struct vtd_unit *u, unsigned off, uint64_t v)
{
	*(volatile uint64_t *)(u->regs + off) = v;
}

/* clflush the lines of [p, p + len) unless every unit snoops. */
void vtd_clflush(const void *p, size_t len);
/* Invalidate unit u's interrupt entry cache: entry idx, or all (-1). */
int vtd_inv_iec(struct vtd_unit *u, int idx);

#endif
