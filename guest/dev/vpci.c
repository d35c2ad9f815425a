/* Virtual PCI configuration mechanism #1 and the 440FX host bridge. */
#include "guest/dev/vpci.h"

#define ADDR_BUS(a) (((a) >> 16) & 0xff)
#define ADDR_BDF(a) ((uint16_t)((a) >> 8))
#define ADDR_REG(a) ((a) & 0xfc)
#define DATA_PORTS 4

/* 82441FX PCICMD: memory access and bus master are hardwired on; only
 * PERRE and SERRE are read/write.  PCISTS is constant: fast back-to-back
 * capable, medium DEVSEL timing, no error ever recorded. */
#define HB_CMD_FIXED (VPCI_CMD_MEMORY | VPCI_CMD_MASTER)
#define HB_CMD_WRITABLE (VPCI_CMD_PARITY | VPCI_CMD_SERR)
#define HB_STATUS (VPCI_STS_FAST_B2B | VPCI_STS_DEVSEL_MEDIUM)

static uint32_t lanes(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

static bool valid_size(unsigned size)
{
	return size == 1 || size == 2 || size == 4;
}

static uint32_t hb_read(void *ctx, unsigned reg)
{
	const struct vpci *p = ctx;

	switch (reg) {
	case VPCI_CFG_ID:
		return (uint32_t)VPCI_HB_DEVICE << 16 | VPCI_HB_VENDOR;
	case VPCI_CFG_COMMAND:
		return (uint32_t)HB_STATUS << 16 | p->hb_command;
	case VPCI_CFG_CLASS_REV:
		return (uint32_t)VPCI_HB_CLASS << 8 | VPCI_HB_REVISION;
	default:
		/* Header type 0, single function; no BARs, no capabilities.
		 * The chipset registers from 0x40 (PAM, DRAM rows, SMRAM)
		 * describe firmware's job, which has no meaning here. */
		return 0;
	}
}

static void hb_write(void *ctx, unsigned reg, uint32_t val, uint32_t mask)
{
	struct vpci *p = ctx;
	uint32_t w = mask & HB_CMD_WRITABLE;

	if (reg != VPCI_CFG_COMMAND)
		return; /* status writes clear error bits that are never set */
	p->hb_command = (uint16_t)((p->hb_command & ~w) | (val & w));
}

void vpci_init(struct vpci *p)
{
	*p = (struct vpci){
		.hb_command = HB_CMD_FIXED,
		.nfuncs = 1,
		.funcs[0] = {
			.bdf = VPCI_BDF(0, 0, 0),
			.ctx = p,
			.read = hb_read,
			.write = hb_write,
		},
	};
}

struct vpci_func *vpci_find(struct vpci *p, uint16_t bdf)
{
	for (unsigned i = 0; i < p->nfuncs; i++)
		if (p->funcs[i].bdf == bdf)
			return &p->funcs[i];
	return NULL;
}

int vpci_add_func(struct vpci *p, const struct vpci_func *f)
{
	if (p->nfuncs >= VPCI_MAX_FUNCS || !f->read || !f->write ||
	    vpci_find(p, f->bdf))
		return -1;
	p->funcs[p->nfuncs++] = *f;
	return 0;
}

/* The function CONFIG_ADDRESS selects, or NULL when config cycles are
 * disabled or nothing answers. */
static struct vpci_func *selected(struct vpci *p)
{
	if (!(p->addr & VPCI_ADDR_ENABLE))
		return NULL;
	return vpci_find(p, ADDR_BDF(p->addr));
}

/* Which byte lanes of the data window an access at 'off' (0-3) of 'size'
 * bytes covers; the shift drops bytes beyond 0xcff, which fall outside. */
static uint32_t window_mask(unsigned off, unsigned size)
{
	return lanes(size) << (off * 8);
}

static uint32_t data_read(struct vpci *p, unsigned off, unsigned size)
{
	struct vpci_func *f = selected(p);
	uint32_t in = window_mask(off, size);
	uint32_t v = f ? f->read(f->ctx, ADDR_REG(p->addr)) : 0xffffffffu;

	/* Lanes outside the window read as an undecoded port: all ones. */
	return ((v & in) >> (off * 8) | ~(in >> (off * 8))) & lanes(size);
}

static void data_write(struct vpci *p, unsigned off, unsigned size,
		       uint32_t val)
{
	struct vpci_func *f = selected(p);

	if (f)
		f->write(f->ctx, ADDR_REG(p->addr), val << (off * 8),
			 window_mask(off, size));
}

static bool ours(uint16_t port, unsigned size)
{
	if (!valid_size(size) || port < VPCI_PORT_ADDR ||
	    port >= VPCI_PORT_DATA + DATA_PORTS)
		return false;
	return !(port == VPCI_PORT_RESET && size == 1);
}

bool vpci_io_read(struct vpci *p, uint16_t port, unsigned size, uint32_t *val)
{
	if (!ours(port, size))
		return false;
	if (port >= VPCI_PORT_DATA)
		*val = data_read(p, port - VPCI_PORT_DATA, size);
	else if (port == VPCI_PORT_ADDR && size == 4)
		*val = p->addr;
	else
		*val = lanes(size); /* not a config access */
	return true;
}

bool vpci_io_write(struct vpci *p, uint16_t port, unsigned size, uint32_t val)
{
	if (!ours(port, size))
		return false;
	if (port >= VPCI_PORT_DATA)
		data_write(p, port - VPCI_PORT_DATA, size, val & lanes(size));
	else if (port == VPCI_PORT_ADDR && size == 4)
		p->addr = val & (uint32_t)VPCI_ADDR_MASK;
	return true;
}

/* ECAM: the offset names bus (0 here), device, function and register
 * directly; no latch. */
static struct vpci_func *ecam_func(struct vpci *p, uint32_t off, unsigned len)
{
	if (off >= VPCI_ECAM_BUS_SIZE || !valid_size(len) || (off & 3) + len > 4)
		return NULL;
	return vpci_find(p, (uint16_t)(off >> 12));
}

uint32_t vpci_ecam_read(struct vpci *p, uint32_t off, unsigned len)
{
	struct vpci_func *f = ecam_func(p, off, len);
	unsigned sh = (off & 3) * 8;

	if (!f)
		return lanes(len);
	return (f->read(f->ctx, off & (VPCI_ECAM_CFG_SIZE - 4)) >> sh) & lanes(len);
}

void vpci_ecam_write(struct vpci *p, uint32_t off, unsigned len, uint32_t val)
{
	struct vpci_func *f = ecam_func(p, off, len);
	unsigned sh = (off & 3) * 8;

	if (f)
		f->write(f->ctx, off & (VPCI_ECAM_CFG_SIZE - 4),
			 (val & lanes(len)) << sh, lanes(len) << sh);
}
