/* Host IOAPIC driver; see ioapic.h. */
#include "drivers/ioapic.h"
#include "lib/printk.h"
#include "lib/spinlock.h"
#include "lib/errno.h"

/* The register window: select a register, then read or write it. */
#define REGSEL 0x00
#define WIN 0x10

/* Indirect registers. */
#define REG_VER 0x01
#define REG_RTE_LO(pin) (0x10 + 2 * (pin))
#define REG_RTE_HI(pin) (0x11 + 2 * (pin))
#define VER_VERSION(v) ((uint8_t)(v))
#define VER_MAX_REDIR(v) (((v) >> 16) & 0xff)
#define VER_ABSENT 0xffffffffu /* nothing decodes the address */

/* Redirection entry, low dword (delivery mode 000 = fixed, destination
 * mode 0 = physical); the high dword holds the APIC ID in bits 31:24. */
#define RTE_ACTIVE_LOW BIT(13)
#define RTE_LEVEL BIT(15)
#define RTE_MASKED BIT(16)
#define RTE_DEST_SHIFT 24

struct chip {
	uint8_t id;
	uint8_t version;
	paddr_t addr;
	uint32_t gsi_base;
	unsigned pins;
	void *regs;
};

struct isa_route {
	bool overridden;
	uint32_t gsi;
	uint16_t flags;
};

static struct {
	const struct ioapic_ops *ops;
	struct spinlock lock; /* the chips' register windows */
	struct chip chip[IOAPIC_MAX_CHIPS];
	unsigned nchips;
	struct isa_route isa[IOAPIC_ISA_IRQS];
} io;

uint32_t ioapic_mmio_read(void *regs, unsigned off)
{
	return *(volatile uint32_t *)((uint8_t *)regs + off);
}

void ioapic_mmio_write(void *regs, unsigned off, uint32_t val)
{
	*(volatile uint32_t *)((uint8_t *)regs + off) = val;
}

static uint32_t reg_read(const struct chip *c, unsigned reg)
{
	io.ops->write(c->regs, REGSEL, reg);
	return io.ops->read(c->regs, WIN);
}

static void reg_write(const struct chip *c, unsigned reg, uint32_t val)
{
	io.ops->write(c->regs, REGSEL, reg);
	io.ops->write(c->regs, WIN, val);
}

static const struct chip *chip_of(uint32_t gsi, unsigned *pin)
{
	for (unsigned i = 0; i < io.nchips; i++) {
		const struct chip *c = &io.chip[i];

		if (gsi >= c->gsi_base && gsi - c->gsi_base < c->pins) {
			*pin = gsi - c->gsi_base;
			return c;
		}
	}
	return NULL;
}

bool ioapic_has_gsi(uint32_t gsi)
{
	unsigned pin;

	return chip_of(gsi, &pin) != NULL;
}

unsigned ioapic_count(void)
{
	return io.nchips;
}

unsigned ioapic_pins(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < io.nchips; i++)
		n += io.chip[i].pins;
	return n;
}

/* ---- what the MADT says, checked ------------------------------------- */

/* Address and identity: nothing is mapped for an entry that fails. */
static bool chip_entry_ok(const struct acpi_ioapic *a)
{
	if (!a->addr || !IS_ALIGNED(a->addr, IOAPIC_ADDR_ALIGN)) {
		pr_warn("ioapic: MADT IOAPIC id %u at %#lx: %s; ignored\n", a->id,
			a->addr, a->addr ? "address not 1 KiB aligned" : "no address");
		return false;
	}
	for (unsigned i = 0; i < io.nchips; i++) {
		const struct chip *c = &io.chip[i];

		if (c->id == a->id || c->addr == a->addr) {
			pr_warn("ioapic: MADT IOAPIC id %u at %#lx: same %s as IOAPIC id %u at %#lx; ignored\n",
				a->id, a->addr, c->id == a->id ? "ID" : "address",
				c->id, c->addr);
			return false;
		}
	}
	return true;
}

/* The chip's GSIs must not wrap or overlap another chip's. */
static bool chip_range_ok(const struct chip *n)
{
	if (n->gsi_base > UINT32_MAX - n->pins) {
		pr_warn("ioapic: IOAPIC id %u: GSI base %u with %u pins wraps; ignored\n",
			n->id, n->gsi_base, n->pins);
		return false;
	}
	for (unsigned i = 0; i < io.nchips; i++) {
		const struct chip *c = &io.chip[i];

		if (n->gsi_base < c->gsi_base + c->pins &&
		    c->gsi_base < n->gsi_base + n->pins) {
			pr_warn("ioapic: IOAPIC id %u: GSIs %u-%u overlap IOAPIC id %u's %u-%u; ignored\n",
				n->id, n->gsi_base, n->gsi_base + n->pins - 1, c->id,
				c->gsi_base, c->gsi_base + c->pins - 1);
			return false;
		}
	}
	return true;
}

static void add_chip(const struct acpi_ioapic *a)
{
	struct chip c = { .id = a->id, .addr = a->addr, .gsi_base = a->gsi_base };
	uint32_t ver;

	if (!chip_entry_ok(a))
		return;
	c.regs = io.ops->map(a->addr, IOAPIC_MMIO_LEN);
	if (!c.regs) {
		pr_warn("ioapic: IOAPIC id %u at %#lx cannot be mapped; ignored\n",
			a->id, a->addr);
		return;
	}
	ver = reg_read(&c, REG_VER);
	if (ver == VER_ABSENT) {
		pr_warn("ioapic: IOAPIC id %u at %#lx does not answer (version register %#x); ignored\n",
			a->id, a->addr, ver);
		return;
	}
	c.version = VER_VERSION(ver);
	c.pins = VER_MAX_REDIR(ver) + 1;
	if (!chip_range_ok(&c))
		return;
	/* Nothing may reach a CPU until its owner programs the pin. */
	for (unsigned pin = 0; pin < c.pins; pin++) {
		reg_write(&c, REG_RTE_LO(pin), RTE_MASKED);
		reg_write(&c, REG_RTE_HI(pin), 0);
	}
	io.chip[io.nchips++] = c;
}

#define INTI_DEFINED 0xfu /* polarity and trigger; the rest is reserved */

static bool flags_ok(uint16_t flags)
{
	return INTI_POLARITY(flags) != INTI_RESERVED &&
	       INTI_TRIGGER(flags) != INTI_RESERVED;
}

static void add_override(const struct acpi_override *o)
{
	struct isa_route *r;

	if (o->bus_irq >= IOAPIC_ISA_IRQS) {
		pr_warn("ioapic: MADT override of IRQ %u to GSI %u: not an ISA IRQ (0-15); ignored\n",
			o->bus_irq, o->gsi);
		return;
	}
	if (!ioapic_has_gsi(o->gsi)) {
		pr_warn("ioapic: MADT override of ISA IRQ %u to GSI %u: no IOAPIC has that pin; ignored\n",
			o->bus_irq, o->gsi);
		return;
	}
	if (!flags_ok(o->flags)) {
		pr_warn("ioapic: MADT override of ISA IRQ %u to GSI %u: reserved polarity or trigger in flags %#x; ignored\n",
			o->bus_irq, o->gsi, o->flags);
		return;
	}
	/* Undefined bits say nothing about the wire: the override stands. */
	if (o->flags & ~INTI_DEFINED)
		pr_warn("ioapic: MADT override of ISA IRQ %u to GSI %u: reserved flag bits %#x ignored\n",
			o->bus_irq, o->gsi, o->flags & ~INTI_DEFINED);
	r = &io.isa[o->bus_irq];
	if (r->overridden) {
		pr_warn("ioapic: MADT overrides ISA IRQ %u twice (GSI %u, then %u); the second is ignored\n",
			o->bus_irq, r->gsi, o->gsi);
		return;
	}
	for (unsigned i = 0; i < IOAPIC_ISA_IRQS; i++) {
		if (io.isa[i].overridden && io.isa[i].gsi == o->gsi) {
			pr_warn("ioapic: MADT override of ISA IRQ %u to GSI %u: that GSI is ISA IRQ %u's already; ignored\n",
				o->bus_irq, o->gsi, i);
			return;
		}
	}
	*r = (struct isa_route){ .overridden = true, .gsi = o->gsi,
				 .flags = o->flags & INTI_DEFINED };
}

unsigned ioapic_init(const struct acpi_info *ai, const struct ioapic_ops *ops)
{
	unsigned n = MIN(ai->nioapics, (unsigned)ACPI_MAX_IOAPICS);

	io.ops = ops;
	io.nchips = 0;
	spin_init(&io.lock);
	for (unsigned i = 0; i < IOAPIC_ISA_IRQS; i++)
		io.isa[i] = (struct isa_route){ .overridden = false };
	for (unsigned i = 0; i < n; i++)
		add_chip(&ai->ioapic[i]);
	/* Overrides name GSIs, so they are checked against the chips kept. */
	for (unsigned i = 0; i < MIN(ai->noverrides, (unsigned)ACPI_MAX_OVERRIDES); i++)
		add_override(&ai->override[i]);
	return io.nchips;
}

/* ---- routes ------------------------------------------------------------ */

int ioapic_isa_gsi(unsigned irq, uint32_t *gsi)
{
	if (irq >= IOAPIC_ISA_IRQS)
		return -EINVAL;
	if (io.isa[irq].overridden) {
		*gsi = io.isa[irq].gsi;
		return 0;
	}
	/* Moved away: "IRQ 0 is GSI 2" leaves ISA IRQ 2 without a pin. */
	for (unsigned i = 0; i < IOAPIC_ISA_IRQS; i++)
		if (io.isa[i].overridden && io.isa[i].gsi == irq)
			return -ENOENT;
	if (!ioapic_has_gsi(irq))
		return -ENOENT;
	*gsi = irq;
	return 0;
}

int ioapic_gsi_wiring(uint32_t gsi, struct ioapic_wiring *w)
{
	if (!ioapic_has_gsi(gsi))
		return -ENOENT;
	for (unsigned i = 0; i < IOAPIC_ISA_IRQS; i++) {
		uint16_t f = io.isa[i].flags;

		if (!io.isa[i].overridden || io.isa[i].gsi != gsi)
			continue;
		/* "Conforms to the bus": the ISA bus is edge, active high. */
		w->level = INTI_TRIGGER(f) == INTI_LOW_OR_LEVEL;
		w->active_low = INTI_POLARITY(f) == INTI_LOW_OR_LEVEL;
		return 0;
	}
	/* Without an override: the ISA IRQ of that number, or a PCI INTx
	 * line (level, active low) above the ISA range. */
	w->level = w->active_low = gsi >= IOAPIC_ISA_IRQS;
	return 0;
}

int ioapic_pci_wiring(uint32_t gsi, struct ioapic_wiring *w)
{
	if (!ioapic_has_gsi(gsi))
		return -ENOENT;
	for (unsigned i = 0; i < IOAPIC_ISA_IRQS; i++)
		if (io.isa[i].overridden && io.isa[i].gsi == gsi)
			return ioapic_gsi_wiring(gsi, w);
	/* An ISA number without an override still carries a PCI INTx here:
	 * level (ELCR) and active low, not the ISA bus's edge. */
	w->level = w->active_low = true;
	return 0;
}

int ioapic_route(uint32_t gsi, uint8_t vector, uint32_t dest,
		 const struct ioapic_wiring *w)
{
	const struct chip *c;
	unsigned pin;
	uint32_t lo = RTE_MASKED | vector;

	if (vector < IOAPIC_VECTOR_MIN || dest > IOAPIC_DEST_MAX)
		return -EINVAL;
	c = chip_of(gsi, &pin);
	if (!c)
		return -ENOENT;
	if (w->level)
		lo |= RTE_LEVEL;
	if (w->active_low)
		lo |= RTE_ACTIVE_LOW;
	spin_lock(&io.lock);
	/* Masked first, so that no half-written entry can deliver. */
	reg_write(c, REG_RTE_LO(pin), RTE_MASKED);
	reg_write(c, REG_RTE_HI(pin), dest << RTE_DEST_SHIFT);
	reg_write(c, REG_RTE_LO(pin), lo);
	spin_unlock(&io.lock);
	return 0;
}

static int set_mask(uint32_t gsi, bool masked)
{
	const struct chip *c;
	unsigned pin;
	uint32_t lo;

	c = chip_of(gsi, &pin);
	if (!c)
		return -ENOENT;
	spin_lock(&io.lock);
	lo = reg_read(c, REG_RTE_LO(pin));
	lo = masked ? lo | RTE_MASKED : lo & ~(uint32_t)RTE_MASKED;
	reg_write(c, REG_RTE_LO(pin), lo);
	spin_unlock(&io.lock);
	return 0;
}

int ioapic_mask(uint32_t gsi)
{
	return set_mask(gsi, true);
}

int ioapic_unmask(uint32_t gsi)
{
	return set_mask(gsi, false);
}

uint64_t ioapic_rte(uint32_t gsi)
{
	const struct chip *c;
	unsigned pin;
	uint64_t e;

	c = chip_of(gsi, &pin);
	if (!c)
		return 0;
	spin_lock(&io.lock);
	e = (uint64_t)reg_read(c, REG_RTE_HI(pin)) << 32 |
	    reg_read(c, REG_RTE_LO(pin));
	spin_unlock(&io.lock);
	return e;
}

void ioapic_print(void)
{
	for (unsigned i = 0; i < io.nchips; i++) {
		const struct chip *c = &io.chip[i];

		pr_info("ioapic: id %u at %#lx, version %#x, GSI %u-%u, all pins masked\n",
			c->id, c->addr, c->version, c->gsi_base,
			c->gsi_base + c->pins - 1);
	}
	for (unsigned i = 0; i < IOAPIC_ISA_IRQS; i++) {
		struct ioapic_wiring w;

		if (!io.isa[i].overridden)
			continue;
		ioapic_gsi_wiring(io.isa[i].gsi, &w);
		pr_info("ioapic: ISA IRQ %u is GSI %u (%s, active %s)\n", i,
			io.isa[i].gsi, w.level ? "level" : "edge",
			w.active_low ? "low" : "high");
	}
	if (!io.nchips)
		pr_info("ioapic: no usable IOAPIC: device interrupts cannot be routed\n");
}
