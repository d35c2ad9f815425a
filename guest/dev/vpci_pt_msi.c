/* MSI and MSI-X of a passed-through function, as the guest sees them
 * (PCI Local Bus 3.0, 6.8): the guest's messages are kept here and handed
 * to the hypervisor (ops->msi_update, ops->msix_update), which programs
 * the host's registers and table with messages of its own.  Nothing the
 * guest writes into these registers reaches the device. */
#include "guest/dev/vpci_pt_internal.h"

/* MSI message control (6.8.1.3): enable 0, multiple message capable 3:1,
 * multiple message enable 6:4, 64-bit 7, per-vector masking 8.  One
 * vector is offered: MMC reads 0, MME stays 0. */
#define MSI_CTRL_PVM BIT(8)
#define MSI_ADDR_LO 4
/* MSI-X (6.8.2): table entries of 16 bytes (address low, high, data,
 * vector control with its mask bit 0); the PBA one bit per entry. */
#define MSIX_ENTRY 16
#define MSIX_VCTRL_MASK BIT(0)
#define MSIX_CTRL_GUEST (PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL)
#define MSIX_OFF_MASK (~PCI_MSIX_BIR_MASK)

/* ---- MSI ------------------------------------------------------------------- */

bool vpci_pt_msi_init(struct vpci_pt *pt, uint8_t off)
{
	uint16_t ctrl;

	if (!off)
		return false;
	ctrl = (uint16_t)pt->ops.cfg_read(pt->ops.ctx, off + PCI_MSI_CTRL, 2);
	pt->msi = off;
	pt->msi_64 = ctrl & PCI_MSI_CTRL_64;
	pt->msi_pvm = ctrl & MSI_CTRL_PVM;
	pt->msi_ctrl = ctrl & (PCI_MSI_CTRL_64 | MSI_CTRL_PVM);
	return true;
}

/* Where data and mask are: after a 32- or 64-bit address. */
static unsigned msi_data_off(const struct vpci_pt *pt)
{
	return pt->msi_64 ? 0xc : 0x8;
}

unsigned vpci_pt_msi_len(const struct vpci_pt *pt)
{
	return msi_data_off(pt) + (pt->msi_pvm ? 0xc : 0x4);
}

static void msi_changed(struct vpci_pt *pt)
{
	struct vpci_pt_msg m = {
		.addr = (uint64_t)pt->msi_addr_hi << 32 | pt->msi_addr_lo,
		.data = pt->msi_data,
		.live = (pt->msi_ctrl & PCI_MSI_CTRL_ENABLE) &&
			!(pt->msi_pvm && (pt->msi_mask & 1)),
	};

	pt->ops.msi_update(pt->ops.ctx, &m);
}

uint32_t vpci_pt_msi_read(const struct vpci_pt *pt, unsigned rel)
{
	unsigned d = msi_data_off(pt);

	if (rel == 0)
		return (uint32_t)pt->msi_ctrl << 16 | PCI_CAP_MSI;
	if (rel == MSI_ADDR_LO)
		return pt->msi_addr_lo;
	if (rel == 8 && pt->msi_64)
		return pt->msi_addr_hi;
	if (rel == d)
		return pt->msi_data;
	if (rel == d + 4 && pt->msi_pvm)
		return pt->msi_mask;
	return 0; /* pending bits: none shown */
}

static uint32_t merge(uint32_t old, uint32_t val, uint32_t mask)
{
	return (old & ~mask) | (val & mask);
}

void vpci_pt_msi_write(struct vpci_pt *pt, unsigned rel, uint32_t val,
		       uint32_t mask)
{
	unsigned d = msi_data_off(pt);

	if (rel == 0) {
		uint32_t m = (mask >> 16) & PCI_MSI_CTRL_ENABLE;

		pt->msi_ctrl = (uint16_t)merge(pt->msi_ctrl, val >> 16, m);
	} else if (rel == MSI_ADDR_LO) {
		pt->msi_addr_lo = merge(pt->msi_addr_lo, val, mask) & ~3u;
	} else if (rel == 8 && pt->msi_64) {
		pt->msi_addr_hi = merge(pt->msi_addr_hi, val, mask);
	} else if (rel == d) {
		pt->msi_data = (uint16_t)merge(pt->msi_data, val, mask & 0xffff);
	} else if (rel == d + 4 && pt->msi_pvm) {
		pt->msi_mask = merge(pt->msi_mask, val, mask) & 1;
	} else {
		return;
	}
	msi_changed(pt);
}

/* ---- MSI-X capability -------------------------------------------------------- */

static bool bar_holds(const struct vpci_pt *pt, unsigned bir, uint64_t off,
		      uint64_t len)
{
	const struct vpci_pt_bar *b;

	if (bir >= PCI_NUM_BARS)
		return false;
	b = &pt->bar[bir];
	return (b->kind == PCI_BAR_MEM32 || b->kind == PCI_BAR_MEM64) &&
	       off < b->size && len <= b->size - off;
}

/* Shown only when table and PBA lie in memory BARs the guest sees: the
 * table must trap, or the guest would program the device's own. */
bool vpci_pt_msix_init(struct vpci_pt *pt, uint8_t off)
{
	uint32_t ctrl, tab, pba;
	unsigned n;

	if (!off)
		return false;
	ctrl = pt->ops.cfg_read(pt->ops.ctx, off + PCI_MSIX_CTRL, 2);
	tab = pt->ops.cfg_read(pt->ops.ctx, off + PCI_MSIX_TABLE, 4);
	pba = pt->ops.cfg_read(pt->ops.ctx, off + PCI_MSIX_TABLE + 4, 4);
	n = (ctrl & PCI_MSIX_CTRL_SIZE) + 1;
	pt->msix_bir = tab & PCI_MSIX_BIR_MASK;
	pt->msix_off = tab & MSIX_OFF_MASK;
	pt->pba_bir = pba & PCI_MSIX_BIR_MASK;
	pt->pba_off = pba & MSIX_OFF_MASK;
	if (!bar_holds(pt, pt->msix_bir, pt->msix_off, (uint64_t)n * MSIX_ENTRY) ||
	    !bar_holds(pt, pt->pba_bir, pt->pba_off, ALIGN_UP(n, 64) / 8))
		return false;
	pt->msix = off;
	pt->msix_host_n = n;
	pt->msix_n = MIN(n, VPCI_PT_MSIX_MAX);
	for (unsigned i = 0; i < pt->msix_n; i++)
		pt->msix_tab[i][3] = MSIX_VCTRL_MASK; /* masked at reset */
	return true;
}

uint32_t vpci_pt_msix_cfg_read(const struct vpci_pt *pt, unsigned rel)
{
	if (rel == 0)
		return (uint32_t)(pt->msix_ctrl | (pt->msix_n - 1)) << 16 | PCI_CAP_MSIX;
	/* Table and PBA offset/BIR: the host's, which the guest's BARs
	 * mirror. */
	if (rel == PCI_MSIX_TABLE)
		return pt->msix_off | pt->msix_bir;
	if (rel == PCI_MSIX_TABLE + 4)
		return pt->pba_off | pt->pba_bir;
	return 0;
}

static void entry_changed(struct vpci_pt *pt, unsigned i)
{
	const uint32_t *e = pt->msix_tab[i];
	struct vpci_pt_msg m = {
		.addr = (uint64_t)e[1] << 32 | e[0],
		.data = e[2],
		.live = (pt->msix_ctrl & PCI_MSIX_CTRL_ENABLE) &&
			!(pt->msix_ctrl & PCI_MSIX_CTRL_MASKALL) &&
			!(e[3] & MSIX_VCTRL_MASK),
	};

	pt->ops.msix_update(pt->ops.ctx, i, &m);
}

void vpci_pt_msix_cfg_write(struct vpci_pt *pt, unsigned rel, uint32_t val,
			    uint32_t mask)
{
	uint32_t m = (mask >> 16) & MSIX_CTRL_GUEST;
	uint16_t old = pt->msix_ctrl, h;

	if (rel != 0 || !m)
		return;
	pt->msix_ctrl = (uint16_t)merge(pt->msix_ctrl, val >> 16, m);
	if (pt->msix_ctrl == old)
		return;
	/* Entries first (the hypervisor masks or programs the host's),
	 * then the host's enable and function mask follow the guest's. */
	for (unsigned i = 0; i < pt->msix_n; i++)
		entry_changed(pt, i);
	h = (uint16_t)pt->ops.cfg_read(pt->ops.ctx, pt->msix + PCI_MSIX_CTRL, 2);
	h = (uint16_t)((h & ~MSIX_CTRL_GUEST) | pt->msix_ctrl);
	pt->ops.cfg_write(pt->ops.ctx, pt->msix + PCI_MSIX_CTRL, 2, h);
}

/* ---- MSI-X table and PBA pages ---------------------------------------------- */

static uint64_t page_lo(uint64_t off)
{
	return ALIGN_DOWN(off, PAGE_SIZE);
}

static uint64_t page_hi(uint64_t end)
{
	return ALIGN_UP(end, PAGE_SIZE);
}

static bool meets(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < page_hi(b + blen) && page_lo(b) < a + alen;
}

bool vpci_pt_trapped(const struct vpci_pt *pt, unsigned bar, uint64_t off,
		     uint64_t len)
{
	if (!pt->msix)
		return false;
	return (bar == pt->msix_bir &&
		meets(off, len, pt->msix_off, (uint64_t)pt->msix_host_n * MSIX_ENTRY)) ||
	       (bar == pt->pba_bir &&
		meets(off, len, pt->pba_off, ALIGN_UP(pt->msix_host_n, 64) / 8));
}

static bool in_table(const struct vpci_pt *pt, unsigned bar, uint64_t off)
{
	return pt->msix && bar == pt->msix_bir && off >= pt->msix_off &&
	       off - pt->msix_off < (uint64_t)pt->msix_host_n * MSIX_ENTRY;
}

static bool in_pba(const struct vpci_pt *pt, unsigned bar, uint64_t off)
{
	return pt->msix && bar == pt->pba_bir && off >= pt->pba_off &&
	       off - pt->pba_off < ALIGN_UP(pt->msix_host_n, 64) / 8;
}

static uint32_t table_dw(const struct vpci_pt *pt, uint64_t rel)
{
	unsigned e = (unsigned)(rel / MSIX_ENTRY);

	return e < pt->msix_n ? pt->msix_tab[e][(rel % MSIX_ENTRY) / 4] : 0;
}

static void table_dw_write(struct vpci_pt *pt, uint64_t rel, uint32_t val,
			   uint32_t mask)
{
	unsigned e = (unsigned)(rel / MSIX_ENTRY), w = (unsigned)(rel % MSIX_ENTRY) / 4;
	uint32_t *d;

	if (e >= pt->msix_n)
		return; /* entries the guest is not shown */
	d = &pt->msix_tab[e][w];
	*d = merge(*d, val, mask);
	if (w == 0)
		*d &= ~3u; /* message address is dword aligned */
	if (w == 3)
		*d &= MSIX_VCTRL_MASK; /* the rest of vector control is reserved */
	entry_changed(pt, e);
}

static uint32_t lane_mask(unsigned len)
{
	return len >= 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
}

uint64_t vpci_pt_mmio_read(struct vpci_pt *pt, unsigned bar, uint64_t off,
			   unsigned len)
{
	unsigned sh = (unsigned)(off & 3) * 8;

	if (bar >= PCI_NUM_BARS || off >= pt->bar[bar].size ||
	    len > pt->bar[bar].size - off)
		return len >= 8 ? ~0ull : lane_mask(len);
	if (in_table(pt, bar, off)) {
		uint64_t rel = off - pt->msix_off;

		if (len == 8)
			return table_dw(pt, rel & ~3ull) |
			       (uint64_t)table_dw(pt, (rel & ~3ull) + 4) << 32;
		return (table_dw(pt, rel & ~3ull) >> sh) & lane_mask(len);
	}
	/* PBA and the other registers of a trapped page: the device's own
	 * (read-only for the PBA: writes are dropped below). */
	return pt->ops.bar_read(pt->ops.ctx, bar, off, len);
}

void vpci_pt_mmio_write(struct vpci_pt *pt, unsigned bar, uint64_t off,
			unsigned len, uint64_t val)
{
	unsigned sh = (unsigned)(off & 3) * 8;

	if (bar >= PCI_NUM_BARS || off >= pt->bar[bar].size ||
	    len > pt->bar[bar].size - off || in_pba(pt, bar, off))
		return;
	if (in_table(pt, bar, off)) {
		uint64_t rel = (off - pt->msix_off) & ~3ull;

		if (len == 8) {
			table_dw_write(pt, rel, (uint32_t)val, 0xffffffffu);
			table_dw_write(pt, rel + 4, (uint32_t)(val >> 32), 0xffffffffu);
		} else {
			table_dw_write(pt, rel, (uint32_t)val << sh, lane_mask(len) << sh);
		}
		return;
	}
	pt->ops.bar_write(pt->ops.ctx, bar, off, len, val);
}
