/* PCI enumeration, capabilities, BARs and reset over a configuration
 * access (see drivers/pci.h).  No state of its own: the unit tests run it
 * on a fake configuration space. */
#include "drivers/pci.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/string.h"

uint32_t pci_read(const struct pci_cfg_ops *ops, pci_bdf_t bdf, unsigned off,
		  unsigned size)
{
	if (off + size > ops->cfg_size)
		return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
	return ops->read(ops->ctx, bdf, off, size);
}

void pci_write(const struct pci_cfg_ops *ops, pci_bdf_t bdf, unsigned off,
	       unsigned size, uint32_t val)
{
	if (off + size <= ops->cfg_size)
		ops->write(ops->ctx, bdf, off, size, val);
}

void pci_bdf_text(pci_bdf_t bdf, char out[8])
{
	snprintf(out, 8, "%02x:%02x.%x", PCI_BUS(bdf), PCI_DEV(bdf), PCI_FN(bdf));
}

/* ---- capabilities --------------------------------------------------------- */

unsigned pci_find_cap(const struct pci_cfg_ops *ops, pci_bdf_t bdf, uint8_t id)
{
	unsigned pos;

	if (!(pci_read(ops, bdf, PCI_STATUS, 2) & PCI_STATUS_CAPS))
		return 0;
	pos = pci_read(ops, bdf, PCI_CAP_PTR, 1);
	/* Pointers below the header or unaligned end the list; a list longer
	 * than the space can hold loops. */
	for (unsigned n = 0; n < PCI_MAX_CAP_WALK; n++) {
		pos &= ~3u;
		if (pos < 0x40 || pos > PCI_CFG_SIZE - 4)
			return 0;
		if (pci_read(ops, bdf, pos, 1) == id)
			return pos;
		pos = pci_read(ops, bdf, pos + 1, 1);
	}
	return 0;
}

unsigned pci_find_ext_cap(const struct pci_cfg_ops *ops, pci_bdf_t bdf,
			  uint16_t id)
{
	unsigned pos = PCI_EXT_CAP_BASE;

	if (ops->cfg_size < PCI_CFG_SIZE_EXT)
		return 0;
	for (unsigned n = 0; n < PCI_MAX_EXT_CAP_WALK; n++) {
		uint32_t h = pci_read(ops, bdf, pos, 4);

		if (h == 0 || h == 0xffffffffu)
			return 0;
		if ((h & 0xffff) == id)
			return pos;
		pos = (h >> 20) & 0xffc;
		if (pos < PCI_EXT_CAP_BASE)
			return 0;
	}
	return 0;
}

/* Walks the lists once, recording the capabilities the table keeps and
 * whether a list failed to end. */
static void scan_caps(const struct pci_cfg_ops *ops, struct pci_func *f)
{
	unsigned pos, n, ext = PCI_EXT_CAP_BASE;

	if (!(pci_read(ops, f->bdf, PCI_STATUS, 2) & PCI_STATUS_CAPS))
		return;
	pos = pci_read(ops, f->bdf, PCI_CAP_PTR, 1);
	for (n = 0; n < PCI_MAX_CAP_WALK; n++) {
		uint8_t id;

		pos &= ~3u;
		if (pos < 0x40 || pos > PCI_CFG_SIZE - 4)
			break;
		id = (uint8_t)pci_read(ops, f->bdf, pos, 1);
		if (id == PCI_CAP_PM && !f->cap_pm)
			f->cap_pm = (uint8_t)pos;
		else if (id == PCI_CAP_MSI && !f->cap_msi)
			f->cap_msi = (uint8_t)pos;
		else if (id == PCI_CAP_MSIX && !f->cap_msix)
			f->cap_msix = (uint8_t)pos;
		else if (id == PCI_CAP_PCIE && !f->cap_pcie)
			f->cap_pcie = (uint8_t)pos;
		pos = pci_read(ops, f->bdf, pos + 1, 1);
	}
	if (n == PCI_MAX_CAP_WALK)
		f->cap_loop = true;
	if (f->cap_pcie)
		f->flr = pci_read(ops, f->bdf, f->cap_pcie + PCI_EXP_DEVCAP, 4) &
			 PCI_EXP_DEVCAP_FLR;
	/* Extended space exists only for PCIe functions behind ECAM. */
	if (!f->cap_pcie || ops->cfg_size < PCI_CFG_SIZE_EXT)
		return;
	for (n = 0; n < PCI_MAX_EXT_CAP_WALK; n++) {
		uint32_t h = pci_read(ops, f->bdf, ext, 4);

		if (h == 0 || h == 0xffffffffu)
			return;
		f->ext_caps++;
		ext = (h >> 20) & 0xffc;
		if (ext < PCI_EXT_CAP_BASE)
			return;
	}
	f->cap_loop = true;
}

/* ---- BARs ------------------------------------------------------------------ */

void pci_command(const struct pci_cfg_ops *ops, pci_bdf_t bdf, uint16_t bits,
		 bool on)
{
	uint16_t cmd = (uint16_t)pci_read(ops, bdf, PCI_COMMAND, 2);

	cmd = on ? (uint16_t)(cmd | bits) : (uint16_t)(cmd & ~bits);
	pci_write(ops, bdf, PCI_COMMAND, 2, cmd);
}

/* Write all ones, read back what sticks, restore.  Decode is off around
 * it (the caller), so the BAR never decodes at the probe's address. */
static uint32_t bar_mask(const struct pci_cfg_ops *ops, pci_bdf_t bdf,
			 unsigned off, uint32_t orig)
{
	uint32_t m;

	pci_write(ops, bdf, off, 4, 0xffffffffu);
	m = pci_read(ops, bdf, off, 4);
	pci_write(ops, bdf, off, 4, orig);
	return m;
}

/* Size from the writable bits: the lowest one set is the size.  A mask
 * with writable bits above a hole (not a contiguous run up to 'top', the
 * all-ones of the BAR's width) does not size sanely. */
static bool size_from_mask(uint64_t mask, uint64_t top, uint64_t *size)
{
	uint64_t sz;

	if (mask == 0)
		return false;
	sz = mask & -mask;
	if ((mask | (sz - 1)) != top)
		return false;
	*size = sz;
	return true;
}

static unsigned probe_bar(const struct pci_cfg_ops *ops, pci_bdf_t bdf,
			  unsigned i, unsigned nbars, struct pci_bar *bar)
{
	unsigned off = PCI_BAR0 + 4 * i;
	uint32_t lo = pci_read(ops, bdf, off, 4), m, hi = 0, mhi = 0;
	uint64_t mask;

	memset(bar, 0, sizeof(*bar));
	if (lo & PCI_BAR_IO_FLAG) {
		m = bar_mask(ops, bdf, off, lo) & ~3u;
		/* I/O BARs decode 16 bits on x86; upper bits may read 0. */
		m |= 0xffff0000u;
		bar->base = lo & ~3u;
		if (m == 0xffff0000u) /* nothing writable: no BAR */
			return i + 1;
		bar->kind = size_from_mask(m, 0xffffffffu, &bar->size) ?
			    PCI_BAR_IO : PCI_BAR_BAD;
		return i + 1;
	}
	bar->prefetch = lo & PCI_BAR_PREFETCH;
	if ((lo & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_64) {
		if (i + 1 >= nbars) {
			bar->kind = PCI_BAR_BAD; /* the upper half is missing */
			return i + 1;
		}
		hi = pci_read(ops, bdf, off + 4, 4);
		m = bar_mask(ops, bdf, off, lo) & ~0xfu;
		mhi = bar_mask(ops, bdf, off + 4, hi);
		mask = ((uint64_t)mhi << 32) | m;
		bar->base = (((uint64_t)hi << 32) | lo) & ~0xfull;
		if (mask == 0)
			return i + 2;
		bar->kind = size_from_mask(mask, ~0ull, &bar->size) ?
			    PCI_BAR_MEM64 : PCI_BAR_BAD;
		return i + 2;
	}
	m = bar_mask(ops, bdf, off, lo) & ~0xfu;
	bar->base = lo & ~0xfu;
	if (m == 0)
		return i + 1;
	/* Type 01 (below 1 MiB) and 11 are reserved encodings. */
	if (lo & PCI_BAR_MEM_TYPE_MASK)
		bar->kind = PCI_BAR_BAD;
	else
		bar->kind = size_from_mask(m, 0xffffffffu, &bar->size) ?
			    PCI_BAR_MEM32 : PCI_BAR_BAD;
	return i + 1;
}

/* A BAR placed so that it does not fit below 2^52 (the architectural
 * physical-address limit), or not aligned to its size, is bogus. */
static void check_placement(struct pci_bar *bar)
{
	if (bar->kind == PCI_BAR_NONE || bar->kind == PCI_BAR_BAD)
		return;
	if (bar->base >= BIT(52) || bar->size > BIT(52) - bar->base ||
	    (bar->base & (bar->size - 1)))
		bar->kind = PCI_BAR_BAD;
}

unsigned pci_bar_probe(const struct pci_cfg_ops *ops, pci_bdf_t bdf,
		       unsigned i, struct pci_bar *bar)
{
	uint16_t cmd = (uint16_t)pci_read(ops, bdf, PCI_COMMAND, 2);
	unsigned next;

	if (cmd & (PCI_CMD_IO | PCI_CMD_MEM))
		pci_write(ops, bdf, PCI_COMMAND, 2,
			  cmd & (uint16_t)~(PCI_CMD_IO | PCI_CMD_MEM));
	next = probe_bar(ops, bdf, i, PCI_NUM_BARS, bar);
	if (cmd & (PCI_CMD_IO | PCI_CMD_MEM))
		pci_write(ops, bdf, PCI_COMMAND, 2, cmd);
	check_placement(bar);
	return next;
}

static void probe_bars(const struct pci_cfg_ops *ops, struct pci_func *f)
{
	unsigned nbars = f->hdr_type == PCI_HDR_NORMAL ? 6 :
			 f->hdr_type == PCI_HDR_BRIDGE ? 2 : 0;
	uint16_t cmd = (uint16_t)pci_read(ops, f->bdf, PCI_COMMAND, 2);

	/* One decode-off window for all BARs of the function. */
	if (nbars && (cmd & (PCI_CMD_IO | PCI_CMD_MEM)))
		pci_write(ops, f->bdf, PCI_COMMAND, 2,
			  cmd & (uint16_t)~(PCI_CMD_IO | PCI_CMD_MEM));
	for (unsigned i = 0; i < nbars;) {
		struct pci_bar *b = &f->bar[i];

		i = probe_bar(ops, f->bdf, i, nbars, b);
		check_placement(b);
	}
	if (nbars && (cmd & (PCI_CMD_IO | PCI_CMD_MEM)))
		pci_write(ops, f->bdf, PCI_COMMAND, 2, cmd);
}

/* ---- enumeration -------------------------------------------------------- */

struct pci_func *pci_table_find(struct pci_table *t, pci_bdf_t bdf)
{
	for (unsigned i = 0; i < t->n; i++)
		if (t->f[i].bdf == bdf)
			return &t->f[i];
	return NULL;
}

struct enum_state {
	const struct pci_cfg_ops *ops;
	struct pci_table *t;
	uint8_t seen[256 / 8]; /* buses scanned (or queued) */
	uint8_t queue[256];
	unsigned qhead, qtail;
};

static uint32_t counted_read(struct enum_state *s, pci_bdf_t bdf,
			     unsigned off, unsigned size)
{
	s->t->reads++;
	return pci_read(s->ops, bdf, off, size);
}

static void queue_bus(struct enum_state *s, unsigned bus)
{
	if (s->seen[bus / 8] & (1u << (bus % 8)))
		return;
	s->seen[bus / 8] |= (uint8_t)(1u << (bus % 8));
	s->queue[s->qtail++ % 256] = (uint8_t)bus;
}

static void add_func(struct enum_state *s, pci_bdf_t bdf, uint32_t id)
{
	const struct pci_cfg_ops *ops = s->ops;
	struct pci_func *f;

	if (s->t->n == s->t->cap) {
		s->t->dropped++;
		return;
	}
	f = &s->t->f[s->t->n++];
	memset(f, 0, sizeof(*f));
	f->bdf = bdf;
	f->vendor = (uint16_t)id;
	f->device = (uint16_t)(id >> 16);
	f->class_rev = counted_read(s, bdf, PCI_CLASS_REV, 4);
	f->hdr_type = (uint8_t)(counted_read(s, bdf, PCI_HEADER_TYPE, 1) &
				PCI_HDR_TYPE_MASK);
	scan_caps(ops, f);
	probe_bars(ops, f);
	if (f->hdr_type == PCI_HDR_BRIDGE) {
		f->secondary = (uint8_t)counted_read(s, bdf, PCI_SECONDARY_BUS, 1);
		/* Secondary 0 (unconfigured) or not above its own bus: a
		 * bridge firmware did not set up, or a loop. */
		if (f->secondary > PCI_BUS(bdf))
			queue_bus(s, f->secondary);
	}
}

static void scan_bus(struct enum_state *s, unsigned bus)
{
	for (unsigned dev = 0; dev < 32; dev++) {
		pci_bdf_t bdf0 = PCI_BDF(bus, dev, 0);
		uint32_t id = counted_read(s, bdf0, PCI_VENDOR_ID, 4);
		unsigned nfn = 1;

		/* All ones: nothing there; vendor 0 is not valid either. */
		if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
			continue;
		if (counted_read(s, bdf0, PCI_HEADER_TYPE, 1) & PCI_HDR_MULTIFN)
			nfn = 8;
		add_func(s, bdf0, id);
		for (unsigned fn = 1; fn < nfn; fn++) {
			pci_bdf_t bdf = PCI_BDF(bus, dev, fn);

			id = counted_read(s, bdf, PCI_VENDOR_ID, 4);
			if ((id & 0xffff) != 0xffff && (id & 0xffff) != 0)
				add_func(s, bdf, id);
		}
	}
}

unsigned pci_enumerate(const struct pci_cfg_ops *ops, unsigned root_bus,
		       struct pci_table *t)
{
	struct enum_state state, *s = &state;

	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->t = t;
	t->n = 0;
	t->dropped = 0;
	t->reads = 0;
	queue_bus(s, root_bus & 0xff);
	while (s->qhead != s->qtail)
		scan_bus(s, s->queue[s->qhead++ % 256]);
	return t->n;
}

/* ---- reset ----------------------------------------------------------------- */

static int flr(const struct pci_cfg_ops *ops, const struct pci_func *f,
	       void (*delay_us)(unsigned us))
{
	unsigned ctl = f->cap_pcie + PCI_EXP_DEVCTL;

	/* PCIe 4.0 6.6.2: wait for outstanding transactions first (up to
	 * 100 ms, then go ahead anyway), then initiate, then give the
	 * function 100 ms before touching it again. */
	for (unsigned i = 0; i < 10; i++) {
		if (!(pci_read(ops, f->bdf, f->cap_pcie + PCI_EXP_DEVSTA, 2) &
		      PCI_EXP_DEVSTA_TRPND))
			break;
		delay_us(10000);
	}
	pci_write(ops, f->bdf, ctl, 2,
		  pci_read(ops, f->bdf, ctl, 2) | PCI_EXP_DEVCTL_FLR);
	delay_us(100000);
	return 0;
}

static int pm_reset(const struct pci_cfg_ops *ops, const struct pci_func *f,
		    void (*delay_us)(unsigned us))
{
	unsigned ctl = f->cap_pm + PCI_PM_CTRL;
	uint32_t pmcsr = pci_read(ops, f->bdf, ctl, 2);

	/* PCI PM 1.2: D3hot -> D0 resets only without No_Soft_Reset; each
	 * transition needs 10 ms before the next access. */
	if (pmcsr & PCI_PM_NO_SOFT_RESET)
		return -ENOTSUP;
	pci_write(ops, f->bdf, ctl, 2, (pmcsr & ~PCI_PM_STATE_MASK) | PCI_PM_D3HOT);
	delay_us(10000);
	pci_write(ops, f->bdf, ctl, 2, pmcsr & ~PCI_PM_STATE_MASK);
	delay_us(10000);
	return 0;
}

int pci_reset_function(const struct pci_cfg_ops *ops, const struct pci_func *f,
		       void (*delay_us)(unsigned us))
{
	int err = -ENOTSUP;

	pci_command(ops, f->bdf, PCI_CMD_MASTER, false);
	if (f->cap_pcie && f->flr)
		err = flr(ops, f, delay_us);
	else if (f->cap_pm)
		err = pm_reset(ops, f, delay_us);
	pci_command(ops, f->bdf, PCI_CMD_MASTER, false);
	return err;
}
