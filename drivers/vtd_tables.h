/* VT-d memory structures the hypervisor builds: one root table with a
 * context table per bus in use (legacy mode, shared by every unit: each
 * unit only ever looks up the requesters it covers), and one
 * interrupt-remapping table.  Pure memory work over the frame allocator,
 * host-tested; the unit driver (drivers/vtd.c) flushes caches and
 * invalidates after each change. */
#ifndef DRIVERS_VTD_TABLES_H
#define DRIVERS_VTD_TABLES_H

#include "drivers/vtd_hw.h"

#define VTD_IRT_ORDER 8                    /* 256 entries: one page */
#define VTD_IRT_ENTRIES (1u << VTD_IRT_ORDER)
#define VTD_IRTA_SIZE (VTD_IRT_ORDER - 1)  /* IRTA.S: 2^(S+1) entries */

struct vtd_tables {
	paddr_t root;                      /* 256 root entries */
	paddr_t irt;                       /* VTD_IRT_ENTRIES IRTEs */
	uint8_t irte_used[VTD_IRT_ENTRIES / 8];
};

/* Allocate the (empty) root table and IRT.  -ENOMEM. */
int vtd_tables_init(struct vtd_tables *t);
void vtd_tables_destroy(struct vtd_tables *t);

/* Point bdf's context entry at a second-level table, in domain 'did';
 * the context table of its bus is created on first use.  *old_did gets
 * the domain of an entry that was present (so the caller invalidates),
 * else 0.  -ENOMEM, -EINVAL (did 0 is reserved when caching mode is on:
 * the caller never uses it). */
int vtd_ctx_set(struct vtd_tables *t, uint16_t bdf, paddr_t slpt,
		unsigned levels, uint16_t did, uint16_t *old_did);

/* Make bdf's context entry not present (its DMA is blocked).  Returns the
 * domain it was in, 0 when it was not present. */
uint16_t vtd_ctx_clear(struct vtd_tables *t, uint16_t bdf);

/* The context entry of bdf (zero when none), and where it is stored. */
struct vtd_entry128 vtd_ctx_get(const struct vtd_tables *t, uint16_t bdf);
struct vtd_entry128 *vtd_ctx_slot(const struct vtd_tables *t, uint16_t bdf);

/* A free IRTE index, marked used; -ENOSPC. */
int vtd_irte_alloc(struct vtd_tables *t);
void vtd_irte_free(struct vtd_tables *t, unsigned idx);
/* Write IRTE idx (P last when setting, P first when clearing). */
void vtd_irte_write(struct vtd_tables *t, unsigned idx, struct vtd_entry128 e);
struct vtd_entry128 vtd_irte_read(const struct vtd_tables *t, unsigned idx);

/* Store a 128-bit entry so that a walker never sees P with a half-written
 * other half. */
void vtd_entry_store(struct vtd_entry128 *slot, struct vtd_entry128 e);

#endif
