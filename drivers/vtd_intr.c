/* VT-d interrupt remapping (IRTEs for the MSIs of assigned functions)
 * and fault events: the fault recording registers read, decoded, logged
 * and cleared; the fault event interrupt routed (VT-d spec 4.1, 5.1 and
 * 7.3).  The rest of the driver is drivers/vtd.c. */
#include "drivers/vtd_internal.h"
#include "drivers/vtd_hw.h"
#include "drivers/pci.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "mm/phys.h"

/* ---- interrupt remapping --------------------------------------------- */

int vtd_irq_alloc(void)
{
	int idx;

	if (!vtd.active || !vtd.ir)
		return -ENODEV;
	spin_lock(&vtd.lock);
	idx = vtd_irte_alloc(&vtd.tables);
	spin_unlock(&vtd.lock);
	return idx;
}

static void irq_write(int idx, struct vtd_entry128 e)
{
	vtd_irte_write(&vtd.tables, (unsigned)idx, e);
	vtd_clflush((const struct vtd_entry128 *)phys_to_virt(vtd.tables.irt) + idx, 16);
	for (unsigned i = 0; i < vtd.nunits; i++)
		vtd_inv_iec(&vtd.unit[i], idx);
}

void vtd_irq_free(int idx)
{
	if (idx < 0 || (unsigned)idx >= VTD_IRT_ENTRIES)
		return;
	irq_write(idx, (struct vtd_entry128){ 0, 0 });
	spin_lock(&vtd.lock);
	vtd_irte_free(&vtd.tables, (unsigned)idx);
	spin_unlock(&vtd.lock);
}

int vtd_irq_set(int idx, uint8_t vector, uint32_t dest, pci_bdf_t sid)
{
	if (!vtd.ir || idx < 0 || (unsigned)idx >= VTD_IRT_ENTRIES)
		return -EINVAL;
	if (!vtd.x2apic && dest > 0xff)
		return -EINVAL;
	irq_write(idx, vtd_irte(vector, dest, vtd.x2apic, sid));
	return 0;
}

void vtd_irq_msi(int idx, uint32_t *addr_lo, uint32_t *addr_hi, uint32_t *data)
{
	*addr_lo = vtd_msi_addr((uint16_t)idx);
	*addr_hi = 0;
	*data = 0;
}

/* ---- faults ------------------------------------------------------------ */

static unsigned unit_faults(unsigned ui, struct vtd_fault *out, unsigned max,
			    unsigned n)
{
	struct vtd_unit *u = &vtd.unit[ui];
	uint32_t fsts = rd32(u, VTD_FSTS);
	unsigned idx = VTD_FSTS_FRI(fsts);

	if (fsts & VTD_FSTS_PFO)
		pr_warn("vtd: unit %#lx: fault records overflowed; some faults were lost\n",
			u->base);
	/* Records are used round-robin from FRI; stop at the first clear one. */
	for (unsigned k = 0; (fsts & VTD_FSTS_PPF) && k < u->nfr; k++) {
		unsigned off = u->fro + 16 * ((idx + k) % u->nfr);
		uint64_t hi = rd64(u, off + 8), lo;
		struct vtd_fault f;
		char bdf[8];

		if (!(hi & VTD_FRCD_F))
			break;
		lo = rd64(u, off);
		f = vtd_fault_decode(lo, hi);
		f.unit = ui;
		wr32(u, off + 12, (uint32_t)(VTD_FRCD_F >> 32)); /* write 1 to clear */
		vtd.faults++;
		pci_bdf_text(f.sid, bdf);
		if (vtd_fault_is_intr(&f))
			pr_warn("vtd: fault: %s interrupt index %lu blocked: %s (reason %#x)\n",
				bdf, f.addr >> 48, vtd_fault_reason(f.reason), f.reason);
		else
			pr_warn("vtd: fault: %s %s at IOVA %#lx blocked: %s (reason %#x)\n",
				bdf, f.write ? "write" : "read", f.addr,
				vtd_fault_reason(f.reason), f.reason);
		if (n < max)
			out[n] = f;
		n++;
	}
	wr32(u, VTD_FSTS, VTD_FSTS_PFO | VTD_FSTS_PPF);
	return n;
}

/* The fault event interrupt (VT-d 7.3): a message the remapping
 * hardware sends itself, never remapped, so in compatibility format:
 * fixed, physical, to APIC ID 'dest'. */
int vtd_fault_event_route(uint8_t vector, uint32_t dest)
{
	if (!vtd.active)
		return -ENODEV;
	spin_lock(&vtd.lock);
	for (unsigned i = 0; i < vtd.nunits; i++) {
		struct vtd_unit *u = &vtd.unit[i];

		wr32(u, VTD_FEDATA, vector);
		wr32(u, VTD_FEADDR, VTD_FE_MSI_BASE | (dest & 0xff) << 12);
		wr32(u, VTD_FEUADDR, vtd.x2apic ? dest & ~0xffu : 0);
		wr32(u, VTD_FECTL, 0); /* unmasked: a pending fault fires now */
	}
	spin_unlock(&vtd.lock);
	return 0;
}

unsigned vtd_fault_poll(struct vtd_fault *out, unsigned max)
{
	unsigned n = 0;

	if (!vtd.active)
		return 0;
	spin_lock(&vtd.lock);
	for (unsigned i = 0; i < vtd.nunits; i++)
		n = unit_faults(i, out, max, n);
	spin_unlock(&vtd.lock);
	return n;
}

uint64_t vtd_fault_count(void)
{
	return vtd.faults;
}

void vtd_get_stats(struct vtd_stats *s)
{
	*s = vtd.stats;
}
