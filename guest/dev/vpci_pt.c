/* The guest's view of a passed-through function's configuration space:
 * the header, the BARs, the command register and the capability list.
 * MSI and MSI-X are in vpci_pt_msi.c.  See vpci_pt.h for the policy. */
#include "guest/dev/vpci_pt.h"
#include "guest/dev/vpci_pt_internal.h"

#define PCI_SUBSYS 0x2c
#define PCI_HEADER_DW 0x0c
#define PCI_INT_PIN 0x3d

/* Command bits a guest may set (PCI 3.0 6.2.2): I/O, memory, bus master,
 * parity error response, SERR#, interrupt disable.  Special cycles, MWI,
 * VGA snoop, fast back-to-back and the reserved bits read 0. */
#define CMD_PARITY BIT(6)
#define CMD_SERR BIT(8)
#define CMD_WRITABLE (PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER | CMD_PARITY | \
		      CMD_SERR | PCI_CMD_INTX_DISABLE)
/* The host's command bits the guest's setting decides. */
#define CMD_MEDIATED (PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER | \
		      PCI_CMD_INTX_DISABLE)
/* Status bits shown (PCI 3.0 6.2.3): interrupt status 3, capabilities
 * list 4, 66 MHz 5, fast back-to-back 7, DEVSEL timing 10:9.  Error bits
 * are never shown: their RW1C writes would reach nothing. */
#define STS_INTX BIT(3)
#define STS_SHOWN (STS_INTX | BIT(5) | BIT(7) | (3u << 9))

#define BAR_MEM_ADDR 0xfffffff0u
#define BAR_IO_ADDR 0xfffffffcu

/* PM and PCIe capability lengths (PCI PM 1.2 3.2; PCIe 4.0 7.5.3: the
 * version 2 structure ends with Slot Control 3/Status 3 at 0x3c). */
#define CAP_PM_LEN 8
#define CAP_PCIE_LEN 0x3c

static bool is_mem(const struct vpci_pt_bar *b)
{
	return b->kind == PCI_BAR_MEM32 || b->kind == PCI_BAR_MEM64;
}

/* ---- BARs ---------------------------------------------------------------- */

static bool in_window(const struct vpci_pt *pt, const struct vpci_pt_bar *b)
{
	uint64_t end = b->guest + b->size;

	return b->size && end > b->guest && b->guest >= pt->win_lo &&
	       end <= pt->win_hi && IS_ALIGNED(b->guest, b->size);
}

static bool overlaps(const struct vpci_pt_bar *a, const struct vpci_pt_bar *b)
{
	return a->guest < b->guest + b->size && b->guest < a->guest + a->size;
}

/* Should memory BAR i decode now?  Memory decode on, inside the window,
 * not over an earlier BAR that decodes. */
static bool bar_wanted(const struct vpci_pt *pt, unsigned i, const bool *want)
{
	const struct vpci_pt_bar *b = &pt->bar[i];

	if (!is_mem(b) || !(pt->cmd & PCI_CMD_MEM) || !in_window(pt, b))
		return false;
	for (unsigned j = 0; j < i; j++)
		if (want[j] && overlaps(&pt->bar[j], b))
			return false;
	return true;
}

/* Bring the EPT in line with the BARs and the command register: every
 * mapping that must go goes first, so that a BAR moved onto another's
 * old place never meets it. */
static void update_maps(struct vpci_pt *pt)
{
	bool want[PCI_NUM_BARS];

	for (unsigned i = 0; i < PCI_NUM_BARS; i++)
		want[i] = bar_wanted(pt, i, want);
	for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
		struct vpci_pt_bar *b = &pt->bar[i];

		if (b->mapped && (!want[i] || b->at != b->guest)) {
			pt->ops.bar_map(pt->ops.ctx, i, b->at, b->size, false);
			b->mapped = false;
		}
	}
	for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
		struct vpci_pt_bar *b = &pt->bar[i];

		if (want[i] && !b->mapped) {
			b->at = b->guest;
			b->mapped = true;
			pt->ops.bar_map(pt->ops.ctx, i, b->at, b->size, true);
		}
	}
}

static uint32_t bar_read(const struct vpci_pt *pt, unsigned i)
{
	const struct vpci_pt_bar *b = &pt->bar[i];
	uint32_t pf = b->prefetch ? PCI_BAR_PREFETCH : 0;

	switch (b->kind) {
	case PCI_BAR_MEM32:
		return (uint32_t)b->guest | pf;
	case PCI_BAR_MEM64:
		return (uint32_t)b->guest | PCI_BAR_MEM_64 | pf;
	case PCI_BAR_IO:
		return (uint32_t)b->guest | PCI_BAR_IO_FLAG;
	case PCI_BAR_NONE:
		if (i > 0 && pt->bar[i - 1].kind == PCI_BAR_MEM64)
			return (uint32_t)(pt->bar[i - 1].guest >> 32);
		return 0;
	default:
		return 0; /* a BAR the host table calls BAD is not shown */
	}
}

/* A BAR write keeps only the address bits the size allows: all ones
 * read back as the size mask (PCI 3.0 6.2.5.1). */
static void bar_write(struct vpci_pt *pt, unsigned i, uint32_t val, uint32_t mask)
{
	struct vpci_pt_bar *b = &pt->bar[i];
	uint32_t v = (bar_read(pt, i) & ~mask) | (val & mask);

	switch (b->kind) {
	case PCI_BAR_MEM32:
		b->guest = v & BAR_MEM_ADDR & (uint32_t)~(b->size - 1);
		break;
	case PCI_BAR_MEM64:
		b->guest = (b->guest & ~0xffffffffull) |
			   (v & BAR_MEM_ADDR & (uint32_t)~(b->size - 1));
		break;
	case PCI_BAR_IO:
		b->guest = v & BAR_IO_ADDR & (uint32_t)~(b->size - 1);
		return;
	case PCI_BAR_NONE:
		if (i > 0 && pt->bar[i - 1].kind == PCI_BAR_MEM64) {
			struct vpci_pt_bar *lo = &pt->bar[i - 1];

			lo->guest = ((lo->guest & 0xffffffffull) | (uint64_t)v << 32) &
				    ~(lo->size - 1);
			break;
		}
		return;
	default:
		return;
	}
	update_maps(pt);
}

static void init_bars(struct vpci_pt *pt, const struct vpci_pt_cfg *cfg)
{
	for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
		const struct pci_bar *h = &cfg->host->bar[i];
		struct vpci_pt_bar *b = &pt->bar[i];

		*b = (struct vpci_pt_bar){ .kind = PCI_BAR_NONE };
		if (h->kind == PCI_BAR_NONE || !h->size ||
		    (h->size & (h->size - 1)))
			continue;
		if (h->kind == PCI_BAR_MEM64 && i + 1 >= PCI_NUM_BARS)
			continue;
		*b = (struct vpci_pt_bar){ .kind = h->kind, .prefetch = h->prefetch,
					   .size = h->size, .host = h->base };
		if (h->kind == PCI_BAR_IO)
			b->guest = h->base & BAR_IO_ADDR;
		else if (is_mem(b))
			b->guest = cfg->bar_gpa[i] & ~(b->size - 1) & ~0xfull;
		else
			b->kind = PCI_BAR_BAD;
		if (b->kind == PCI_BAR_MEM32 && b->guest > 0xffffffffull)
			b->guest = 0;
		if (h->kind == PCI_BAR_MEM64)
			i++; /* bar[i + 1] stays NONE: the upper half */
	}
}

/* ---- command register ------------------------------------------------------ */

static void host_command(struct vpci_pt *pt)
{
	uint16_t h = (uint16_t)pt->ops.cfg_read(pt->ops.ctx, PCI_COMMAND, 2);

	h &= (uint16_t)~CMD_MEDIATED;
	h |= pt->cmd & (PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_INTX_DISABLE);
	if ((pt->cmd & PCI_CMD_MASTER) && pt->dma_ok)
		h |= PCI_CMD_MASTER;
	pt->ops.cfg_write(pt->ops.ctx, PCI_COMMAND, 2, h);
}

static uint32_t command_read(const struct vpci_pt *pt)
{
	uint32_t sts = pt->ops.cfg_read(pt->ops.ctx, PCI_STATUS, 2) & STS_SHOWN;

	if (pt->ncaps)
		sts |= PCI_STATUS_CAPS;
	return sts << 16 | pt->cmd;
}

static void command_write(struct vpci_pt *pt, uint32_t val, uint32_t mask)
{
	uint32_t m = mask & CMD_WRITABLE; /* the status half is dropped */

	if (!m)
		return;
	pt->cmd = (uint16_t)((pt->cmd & ~m) | (val & m));
	host_command(pt);
	update_maps(pt);
}

/* ---- capabilities ---------------------------------------------------------- */

static void add_cap(struct vpci_pt *pt, uint8_t off, uint8_t id, unsigned len)
{
	unsigned i;

	if (!off || off < 0x40 || (off & 3) || pt->ncaps == VPCI_PT_MAX_CAPS)
		return;
	if (off + len > PCI_CFG_SIZE)
		len = PCI_CFG_SIZE - off;
	/* Kept in the host's order (offsets ascending). */
	for (i = pt->ncaps; i > 0 && pt->cap[i - 1].off > off; i--)
		pt->cap[i] = pt->cap[i - 1];
	pt->cap[i] = (struct vpci_pt_cap){ off, id, (uint8_t)ALIGN_UP(len, 4) };
	pt->ncaps++;
}

static void init_caps(struct vpci_pt *pt, const struct pci_func *h)
{
	pt->ncaps = 0;
	add_cap(pt, h->cap_pm, PCI_CAP_PM, CAP_PM_LEN);
	add_cap(pt, h->cap_pcie, PCI_CAP_PCIE, CAP_PCIE_LEN);
	if (vpci_pt_msi_init(pt, h->cap_msi))
		add_cap(pt, pt->msi, PCI_CAP_MSI, vpci_pt_msi_len(pt));
	if (vpci_pt_msix_init(pt, h->cap_msix))
		add_cap(pt, pt->msix, PCI_CAP_MSIX, VPCI_PT_MSIX_CAP_LEN);
}

static const struct vpci_pt_cap *cap_at(const struct vpci_pt *pt, unsigned reg,
					unsigned *idx)
{
	for (unsigned i = 0; i < pt->ncaps; i++)
		if (reg >= pt->cap[i].off && reg < pt->cap[i].off + pt->cap[i].len) {
			*idx = i;
			return &pt->cap[i];
		}
	return NULL;
}

static uint32_t cap_read(const struct vpci_pt *pt, unsigned reg)
{
	unsigned i = 0;
	const struct vpci_pt_cap *c = cap_at(pt, reg, &i);
	uint32_t next = i + 1 < pt->ncaps ? pt->cap[i + 1].off : 0;
	uint32_t host;

	if (!c)
		return 0;
	if (c->id == PCI_CAP_MSI)
		return vpci_pt_msi_read(pt, reg - c->off) | (reg == c->off ? next << 8 : 0);
	if (c->id == PCI_CAP_MSIX)
		return vpci_pt_msix_cfg_read(pt, reg - c->off) |
		       (reg == c->off ? next << 8 : 0);
	host = pt->ops.cfg_read(pt->ops.ctx, reg, 4);
	if (reg == c->off)
		host = (host & 0xffff00ffu) | next << 8;
	return host;
}

static void cap_write(struct vpci_pt *pt, unsigned reg, uint32_t val, uint32_t mask)
{
	unsigned i = 0;
	const struct vpci_pt_cap *c = cap_at(pt, reg, &i);

	/* PM and PCIe registers are the host's to keep: a guest's power
	 * state change, FLR, payload size or ASPM setting goes nowhere. */
	if (c && c->id == PCI_CAP_MSI)
		vpci_pt_msi_write(pt, reg - c->off, val, mask);
	else if (c && c->id == PCI_CAP_MSIX)
		vpci_pt_msix_cfg_write(pt, reg - c->off, val, mask);
}

/* ---- the whole space ------------------------------------------------------- */

static bool raw_reg(const struct vpci_pt *pt, unsigned reg)
{
	unsigned i = 0;

	return reg >= 0x40 && reg >= pt->raw_lo && reg < pt->raw_hi &&
	       !cap_at(pt, reg, &i);
}

/* Byte by byte: only the bytes the guest wrote reach the host. */
static void raw_write(struct vpci_pt *pt, unsigned reg, uint32_t val, uint32_t mask)
{
	for (unsigned b = 0; b < 4; b++)
		if (mask & (0xffu << (8 * b)))
			pt->ops.cfg_write(pt->ops.ctx, reg + b, 1, (val >> (8 * b)) & 0xff);
}

uint32_t vpci_pt_read(void *ctx, unsigned reg)
{
	struct vpci_pt *pt = ctx;

	reg &= ~3u;
	if (reg >= PCI_CFG_SIZE)
		return 0; /* an empty extended capability list */
	switch (reg) {
	case PCI_VENDOR_ID:
		return pt->id;
	case PCI_COMMAND:
		return command_read(pt);
	case PCI_CLASS_REV:
		return pt->class_rev;
	case PCI_HEADER_DW:
		return (uint32_t)pt->latency << 8 | pt->cacheline;
	case PCI_SUBSYS:
		return pt->subsys;
	case PCI_CAP_PTR:
		return pt->ncaps ? pt->cap[0].off : 0;
	case PCI_INT_LINE:
		return (uint32_t)pt->pin << 8 | pt->line;
	case PCI_ROM_TYPE0:
		return 0;
	default:
		break;
	}
	if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 4 * PCI_NUM_BARS)
		return bar_read(pt, (reg - PCI_BAR0) / 4);
	if (raw_reg(pt, reg))
		return pt->ops.cfg_read(pt->ops.ctx, reg, 4);
	return cap_read(pt, reg);
}

void vpci_pt_write(void *ctx, unsigned reg, uint32_t val, uint32_t mask)
{
	struct vpci_pt *pt = ctx;

	reg &= ~3u;
	val &= mask;
	if (reg >= PCI_CFG_SIZE)
		return;
	switch (reg) {
	case PCI_COMMAND:
		command_write(pt, val, mask);
		return;
	case PCI_HEADER_DW:
		if (mask & 0xff)
			pt->cacheline = (uint8_t)val;
		if (mask & 0xff00)
			pt->latency = (uint8_t)(val >> 8);
		return;
	case PCI_INT_LINE:
		if (mask & 0xff)
			pt->line = (uint8_t)val;
		return;
	default:
		break;
	}
	if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 4 * PCI_NUM_BARS)
		bar_write(pt, (reg - PCI_BAR0) / 4, val, mask);
	else if (raw_reg(pt, reg))
		raw_write(pt, reg, val, mask);
	else if (reg >= 0x40)
		cap_write(pt, reg, val, mask);
	/* IDs, class, subsystem, ROM, capability pointer: read-only */
}

void vpci_pt_init(struct vpci_pt *pt, const struct vpci_pt_cfg *cfg,
		  const struct vpci_pt_ops *ops)
{
	const struct pci_func *h = cfg->host;

	*pt = (struct vpci_pt){
		.ops = *ops,
		.dma_ok = cfg->dma_ok,
		.raw_lo = cfg->raw_lo,
		.raw_hi = cfg->raw_hi,
		.win_lo = cfg->win_lo,
		.win_hi = cfg->win_hi,
		.line = cfg->line,
		/* As firmware leaves a device it assigned: decode on, bus
		 * master off until the driver asks. */
		.cmd = PCI_CMD_IO | PCI_CMD_MEM,
	};
	pt->id = ops->cfg_read(ops->ctx, PCI_VENDOR_ID, 4);
	pt->class_rev = ops->cfg_read(ops->ctx, PCI_CLASS_REV, 4);
	pt->subsys = ops->cfg_read(ops->ctx, PCI_SUBSYS, 4);
	pt->pin = ops->cfg_read(ops->ctx, PCI_INT_PIN, 1) ? 1 : 0;
	init_bars(pt, cfg);
	init_caps(pt, h);
	host_command(pt);
	update_maps(pt);
}

void vpci_pt_fini(struct vpci_pt *pt)
{
	pt->cmd &= (uint16_t)~(PCI_CMD_MEM | PCI_CMD_MASTER);
	update_maps(pt);
}

int vpci_pt_bar_at(const struct vpci_pt *pt, uint64_t gpa, uint64_t *off)
{
	for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
		const struct vpci_pt_bar *b = &pt->bar[i];

		if (b->mapped && gpa >= b->at && gpa - b->at < b->size) {
			*off = gpa - b->at;
			return (int)i;
		}
	}
	return -1;
}
