/* Virtual IOAPIC: redirection table, pin logic and remote IRR. */
#include "guest/dev/vioapic.h"

#define MAX_REDIR (VIOAPIC_PINS - 1)
#define ID_MASK 0x0f000000u
/* Guest-writable entry bits: vector, delivery mode, destination mode,
 * polarity, trigger mode, mask, destination. */
#define RTE_WRITABLE (0xff000000000000ffULL | 0x700 | IOAPIC_RTE_LOGICAL | \
		      IOAPIC_RTE_ACTIVE_LOW | IOAPIC_RTE_LEVEL |             \
		      IOAPIC_RTE_MASKED)

void vioapic_init(struct vioapic *io, const struct vioapic_hooks *hooks,
		  void *ctx, uint8_t id, uint8_t version)
{
	*io = (struct vioapic){
		.hooks = hooks,
		.ctx = ctx,
		.id = ((uint32_t)id << 24) & ID_MASK,
		.version = version,
	};
	for (unsigned i = 0; i < VIOAPIC_PINS; i++)
		io->rte[i] = IOAPIC_RTE_MASKED;
}

/* One message from 'pin'; a level-triggered one that some LAPIC accepted
 * sets remote IRR until its EOI. */
static void send(struct vioapic *io, unsigned pin)
{
	uint64_t e = io->rte[pin];
	unsigned dm = IOAPIC_RTE_DM(e);
	struct vlapic_msg m = {
		.dest = IOAPIC_RTE_DEST(e),
		.vector = IOAPIC_RTE_VECTOR(e),
		.mode = (uint8_t)dm,
		.logical = e & IOAPIC_RTE_LOGICAL,
		.level = e & IOAPIC_RTE_LEVEL,
		.src = -1,
	};

	/* 011 and 110 are reserved; the datasheet gives no start-up mode. */
	if (dm == 3 || dm == APIC_DM_SIPI || !io->hooks->deliver ||
	    !io->hooks->deliver(io->ctx, &m)) {
		io->undelivered++;
		return;
	}
	io->delivered[pin]++;
	if (e & IOAPIC_RTE_LEVEL)
		io->rte[pin] |= IOAPIC_RTE_REMOTE_IRR;
}

/* Should a level pin deliver now? */
static bool level_ready(const struct vioapic *io, unsigned pin)
{
	uint64_t e = io->rte[pin];

	return (e & IOAPIC_RTE_LEVEL) && (io->asserted & BIT(pin)) &&
	       !(e & (IOAPIC_RTE_MASKED | IOAPIC_RTE_REMOTE_IRR));
}

void vioapic_set_irq(struct vioapic *io, unsigned pin, bool level)
{
	bool was;

	if (pin >= VIOAPIC_PINS)
		return;
	was = io->asserted & BIT(pin);
	if (level)
		io->asserted |= (uint32_t)BIT(pin);
	else
		io->asserted &= ~(uint32_t)BIT(pin);
	if (io->rte[pin] & IOAPIC_RTE_LEVEL) {
		if (level_ready(io, pin))
			send(io, pin);
	} else if (level && !was && !(io->rte[pin] & IOAPIC_RTE_MASKED)) {
		send(io, pin);
	}
}

void vioapic_eoi(struct vioapic *io, uint8_t vector)
{
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
		uint64_t e = io->rte[pin];

		if (IOAPIC_RTE_VECTOR(e) != vector ||
		    !(e & IOAPIC_RTE_REMOTE_IRR))
			continue;
		io->rte[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
		if (io->hooks->eoi)
			io->hooks->eoi(io->ctx, pin);
		if (level_ready(io, pin))
			send(io, pin);
	}
}

static void rte_write(struct vioapic *io, unsigned pin, bool high, uint32_t val)
{
	uint64_t e = io->rte[pin];
	uint64_t half = high ? 0xffffffff00000000ULL : 0xffffffffULL;
	uint64_t v = high ? (uint64_t)val << 32 : val;

	e = (e & ~(half & RTE_WRITABLE)) | (v & half & RTE_WRITABLE);
	/* Remote IRR only means something for level-triggered entries. */
	if (!(e & IOAPIC_RTE_LEVEL))
		e &= ~IOAPIC_RTE_REMOTE_IRR;
	io->rte[pin] = e;
	/* Unmasking an asserted level pin delivers it. */
	if (level_ready(io, pin))
		send(io, pin);
}

static uint32_t reg_read(const struct vioapic *io, unsigned reg)
{
	unsigned pin = (reg - IOAPIC_REG_REDIR) / 2;

	switch (reg) {
	case IOAPIC_REG_ID:
		return io->id;
	case IOAPIC_REG_VER:
		return ((uint32_t)MAX_REDIR << 16) | io->version;
	case IOAPIC_REG_ARB:
		return io->id; /* arbitration ID follows the ID */
	}
	if (reg < IOAPIC_REG_REDIR || pin >= VIOAPIC_PINS)
		return 0;
	return (uint32_t)(io->rte[pin] >> (reg & 1 ? 32 : 0));
}

uint32_t vioapic_mmio_read(struct vioapic *io, uint32_t offset)
{
	switch (offset) {
	case IOAPIC_REGSEL:
		return io->regsel;
	case IOAPIC_WIN:
		return reg_read(io, io->regsel);
	default:
		return 0;
	}
}

void vioapic_mmio_write(struct vioapic *io, uint32_t offset, uint32_t val)
{
	unsigned reg = io->regsel, pin = (reg - IOAPIC_REG_REDIR) / 2;

	switch (offset) {
	case IOAPIC_REGSEL:
		io->regsel = (uint8_t)val;
		return;
	case IOAPIC_EOI:
		if (io->version >= 0x20)
			vioapic_eoi(io, (uint8_t)val);
		return;
	case IOAPIC_WIN:
		break;
	default:
		return;
	}
	if (reg == IOAPIC_REG_ID)
		io->id = val & ID_MASK;
	else if (reg >= IOAPIC_REG_REDIR && pin < VIOAPIC_PINS)
		rte_write(io, pin, reg & 1, val);
	/* version and arbitration are read-only */
}
