/* Root, context and interrupt-remapping tables (see drivers/vtd_tables.h). */
#include "drivers/vtd_tables.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/phys.h"

void vtd_entry_store(struct vtd_entry128 *slot, struct vtd_entry128 e)
{
	volatile uint64_t *w = (volatile uint64_t *)slot;

	/* The present bit is in the low half of every 128-bit format. */
	if (e.lo & 1) {
		w[0] = 0;
		w[1] = e.hi;
		w[0] = e.lo;
	} else {
		w[0] = e.lo;
		w[1] = e.hi;
	}
}

int vtd_tables_init(struct vtd_tables *t)
{
	memset(t, 0, sizeof(*t));
	t->root = frame_zalloc();
	t->irt = frame_zalloc();
	if (!t->root || !t->irt) {
		vtd_tables_destroy(t);
		return -ENOMEM;
	}
	return 0;
}

void vtd_tables_destroy(struct vtd_tables *t)
{
	if (t->root) {
		const struct vtd_entry128 *r = phys_to_virt(t->root);

		for (unsigned bus = 0; bus < 256; bus++)
			if (r[bus].lo & VTD_ROOT_P)
				frame_free(r[bus].lo & ~0xfffull);
		frame_free(t->root);
	}
	if (t->irt)
		frame_free(t->irt);
	memset(t, 0, sizeof(*t));
}

static struct vtd_entry128 *context_table(const struct vtd_tables *t,
					  unsigned bus)
{
	const struct vtd_entry128 *r = phys_to_virt(t->root);

	if (!(r[bus].lo & VTD_ROOT_P))
		return NULL;
	return phys_to_virt(r[bus].lo & ~0xfffull);
}

struct vtd_entry128 *vtd_ctx_slot(const struct vtd_tables *t, uint16_t bdf)
{
	struct vtd_entry128 *ct = context_table(t, bdf >> 8);

	return ct ? &ct[bdf & 0xff] : NULL;
}

struct vtd_entry128 vtd_ctx_get(const struct vtd_tables *t, uint16_t bdf)
{
	struct vtd_entry128 *e = vtd_ctx_slot(t, bdf);

	return e ? *e : (struct vtd_entry128){ 0, 0 };
}

int vtd_ctx_set(struct vtd_tables *t, uint16_t bdf, paddr_t slpt,
		unsigned levels, uint16_t did, uint16_t *old_did)
{
	struct vtd_entry128 *r = phys_to_virt(t->root), *slot;
	paddr_t ct;

	*old_did = 0;
	if (did == 0 || (levels != 3 && levels != 4) || !IS_ALIGNED(slpt, PAGE_SIZE))
		return -EINVAL;
	if (!(r[bdf >> 8].lo & VTD_ROOT_P)) {
		ct = frame_zalloc();
		if (!ct)
			return -ENOMEM;
		vtd_entry_store(&r[bdf >> 8], vtd_root_entry(ct));
	}
	slot = vtd_ctx_slot(t, bdf);
	if (slot->lo & VTD_CTX_P) {
		*old_did = vtd_context_did(*slot);
		/* Not present first: the caller invalidates the old domain's
		 * cached entry before the new one may be used. */
		vtd_entry_store(slot, (struct vtd_entry128){ 0, 0 });
	}
	vtd_entry_store(slot, vtd_context_entry(slpt, levels, did));
	return 0;
}

uint16_t vtd_ctx_clear(struct vtd_tables *t, uint16_t bdf)
{
	struct vtd_entry128 *slot = vtd_ctx_slot(t, bdf);
	uint16_t did;

	if (!slot || !(slot->lo & VTD_CTX_P))
		return 0;
	did = vtd_context_did(*slot);
	vtd_entry_store(slot, (struct vtd_entry128){ 0, 0 });
	return did;
}

int vtd_irte_alloc(struct vtd_tables *t)
{
	for (unsigned i = 0; i < VTD_IRT_ENTRIES; i++)
		if (!(t->irte_used[i / 8] & (1u << (i % 8)))) {
			t->irte_used[i / 8] |= (uint8_t)(1u << (i % 8));
			return (int)i;
		}
	return -ENOSPC;
}

void vtd_irte_free(struct vtd_tables *t, unsigned idx)
{
	if (idx >= VTD_IRT_ENTRIES)
		return;
	vtd_irte_write(t, idx, (struct vtd_entry128){ 0, 0 });
	t->irte_used[idx / 8] &= (uint8_t)~(1u << (idx % 8));
}

void vtd_irte_write(struct vtd_tables *t, unsigned idx, struct vtd_entry128 e)
{
	struct vtd_entry128 *irt = phys_to_virt(t->irt);

	if (idx < VTD_IRT_ENTRIES)
		vtd_entry_store(&irt[idx], e);
}

struct vtd_entry128 vtd_irte_read(const struct vtd_tables *t, unsigned idx)
{
	const struct vtd_entry128 *irt = phys_to_virt(t->irt);

	return idx < VTD_IRT_ENTRIES ? irt[idx] : (struct vtd_entry128){ 0, 0 };
}
