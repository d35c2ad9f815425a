/* Virtual 8259A pair: priority resolution, INTA, the init sequence and the
 * operation command words. */
#include "guest/dev/vpic.h"

#define ICW1 0x10      /* command port, bit 4: ICW1 */
#define ICW1_IC4 0x01
#define ICW1_SNGL 0x02
#define ICW1_LTIM 0x08
#define OCW3 0x08      /* command port, bit 3 (bit 4 clear): OCW3 */
#define OCW3_RIS 0x01
#define OCW3_RR 0x02
#define OCW3_POLL 0x04
#define OCW3_SMM 0x20
#define OCW3_ESMM 0x40
#define ICW4_AEOI 0x02
#define ICW4_SFNM 0x10
#define POLL_INT 0x80

/* OCW2 bits 7:5 (R, SL, EOI). */
enum ocw2 {
	OCW2_ROTATE_AEOI_CLEAR = 0,
	OCW2_EOI = 1,
	OCW2_NOP = 2,
	OCW2_SPECIFIC_EOI = 3,
	OCW2_ROTATE_AEOI_SET = 4,
	OCW2_ROTATE_EOI = 5,
	OCW2_SET_PRIORITY = 6,
	OCW2_ROTATE_SPECIFIC_EOI = 7,
};

#define MASTER 0
#define SLAVE 1
#define ELCR_MASTER_BITS 0xf8 /* IRQ 0, 1, 2 are always edge */
#define ELCR_SLAVE_BITS 0xde  /* IRQ 8 and 13 are always edge */

/* Highest-priority IR among 'bits' after rotation, or -1. */
static int highest(const struct vpic_chip *c, uint8_t bits)
{
	for (unsigned i = 0; i < 8; i++) {
		unsigned ir = (c->top + i) & 7;

		if (bits & (1u << ir))
			return (int)ir;
	}
	return -1;
}

static unsigned rank(const struct vpic_chip *c, int ir)
{
	return ((unsigned)ir - c->top) & 7;
}

static uint8_t level_mask(const struct vpic_chip *c)
{
	return c->ltim ? 0xff : c->elcr;
}

/* The IR this chip would present at INTA now, or -1: the best unmasked
 * request that outranks everything in service (fully nested mode). */
static int chip_irq(const struct vpic_chip *c, bool master)
{
	int req = highest(c, c->irr & ~c->imr), cur;
	uint8_t in_service = c->isr;

	if (req < 0)
		return -1;
	/* Special mask mode: masked levels in service block nothing. */
	if (c->special_mask)
		in_service &= ~c->imr;
	/* Special fully nested: the slave may interrupt its own service. */
	if (master && c->sfnm && !c->single)
		in_service &= ~(1u << VPIC_CASCADE_IRQ);
	cur = highest(c, in_service);
	if (cur >= 0 && rank(c, req) >= rank(c, cur))
		return -1;
	return req;
}

static bool cascaded(const struct vpic *pic)
{
	return !pic->chip[MASTER].single;
}

/* The slave's INT drives master IR2 as a level, so a slave request that
 * stays up across an INTA is never lost to a missed edge. */
static void update(struct vpic *pic)
{
	struct vpic_chip *m = &pic->chip[MASTER];
	bool out;

	m->irr &= ~(1u << VPIC_CASCADE_IRQ);
	if (cascaded(pic) && chip_irq(&pic->chip[SLAVE], false) >= 0)
		m->irr |= 1u << VPIC_CASCADE_IRQ;
	out = chip_irq(m, true) >= 0;
	if (out != pic->output) {
		pic->output = out;
		if (pic->hooks && pic->hooks->intr)
			pic->hooks->intr(pic->ctx, out);
	}
}

static void chip_reset(struct vpic_chip *c, uint8_t base, uint8_t elcr_mask)
{
	*c = (struct vpic_chip){
		.imr = 0xff,
		.base = base,
		.elcr_mask = elcr_mask,
	};
}

void vpic_init(struct vpic *pic, const struct vpic_hooks *hooks, void *ctx)
{
	*pic = (struct vpic){ .hooks = hooks, .ctx = ctx };
	chip_reset(&pic->chip[MASTER], 0x08, ELCR_MASTER_BITS);
	chip_reset(&pic->chip[SLAVE], 0x70, ELCR_SLAVE_BITS);
	pic->chip[MASTER].icw3 = 1u << VPIC_CASCADE_IRQ;
	pic->chip[SLAVE].icw3 = VPIC_CASCADE_IRQ;
}

void vpic_set_irq(struct vpic *pic, unsigned irq, bool level)
{
	struct vpic_chip *c;
	uint8_t bit;

	if (irq > 15 || irq == VPIC_CASCADE_IRQ)
		return;
	c = &pic->chip[irq >> 3];
	bit = (uint8_t)(1u << (irq & 7));
	if (level_mask(c) & bit) {
		if (level)
			c->irr |= bit;
		else
			c->irr &= ~bit;
	} else if (level && !(c->lines & bit)) {
		c->irr |= bit; /* rising edge; the request stays latched */
	}
	if (level)
		c->lines |= bit;
	else
		c->lines &= ~bit;
	update(pic);
}

/* 'ir' of chip 'n' has left service: an EOI command, or auto-EOI at the
 * end of the INTA.  A level-triggered input requests again at once while
 * it is high, so whoever drives it hears first and may drop it (a host
 * IRQ passed through is serviced now).  Edge inputs and the master's
 * cascade input are not told.  Hooks run between two consistent states:
 * they may drive inputs (vpic_set_irq). */
static void eoi_done(struct vpic *pic, unsigned n, int ir)
{
	const struct vpic_chip *c = &pic->chip[n];

	if (ir < 0 || !(level_mask(c) & (1u << ir)))
		return;
	if (n == MASTER && ir == VPIC_CASCADE_IRQ && cascaded(pic))
		return;
	if (pic->hooks && pic->hooks->eoi)
		pic->hooks->eoi(pic->ctx, n * 8 + (unsigned)ir);
}

/* INTA on one chip: the request goes in service (or, with auto-EOI, is
 * done at once; rotating if asked).  Returns 'ir' if auto-EOI ended it,
 * else -1. */
static int chip_ack(struct vpic_chip *c, int ir)
{
	uint8_t bit = (uint8_t)(1u << ir);

	if (!(level_mask(c) & bit))
		c->irr &= ~bit;
	if (!c->auto_eoi) {
		c->isr |= bit;
		return -1;
	}
	if (c->rotate_aeoi)
		c->top = (uint8_t)((ir + 1) & 7);
	return ir;
}

int vpic_pending(const struct vpic *pic)
{
	const struct vpic_chip *m = &pic->chip[MASTER], *s = &pic->chip[SLAVE];
	int ir = chip_irq(m, true), sir;

	if (ir < 0)
		return -1;
	if (ir != VPIC_CASCADE_IRQ || !cascaded(pic))
		return m->base + ir;
	sir = chip_irq(s, false);
	return s->base + (sir < 0 ? 7 : sir);
}

uint8_t vpic_ack(struct vpic *pic)
{
	struct vpic_chip *m = &pic->chip[MASTER], *s = &pic->chip[SLAVE];
	int ir = chip_irq(m, true), sir, m_eoi, s_eoi = -1;
	uint8_t vec;

	if (ir < 0) {
		pic->spurious++;
		return m->base + 7;
	}
	m_eoi = chip_ack(m, ir);
	if (ir == VPIC_CASCADE_IRQ && cascaded(pic)) {
		sir = chip_irq(s, false);
		if (sir < 0) {
			/* Master IR2 stays in service, as on the chip. */
			pic->spurious++;
			vec = s->base + 7;
		} else {
			s_eoi = chip_ack(s, sir);
			vec = (uint8_t)(s->base + sir);
		}
	} else {
		vec = (uint8_t)(m->base + ir);
	}
	eoi_done(pic, MASTER, m_eoi);
	eoi_done(pic, SLAVE, s_eoi);
	update(pic);
	return vec;
}

static void icw1(struct vpic_chip *c, uint8_t val)
{
	uint8_t lvl;

	c->ltim = val & ICW1_LTIM;
	c->single = val & ICW1_SNGL;
	c->icw4_needed = val & ICW1_IC4;
	/* Edge sense reset: an input must rise again to request; level
	 * inputs keep requesting while high. */
	lvl = level_mask(c);
	c->irr = c->lines & lvl;
	c->imr = c->isr = 0;
	c->top = 0;
	c->special_mask = c->read_isr = c->poll = false;
	c->rotate_aeoi = false;
	if (!c->icw4_needed)
		c->auto_eoi = c->sfnm = false;
	c->init_step = 2;
}

/* Take 'ir' out of service; returns it, or -1 if it was not in service. */
static int end_service(struct vpic_chip *c, int ir)
{
	if (ir < 0 || !(c->isr & (1u << ir)))
		return -1;
	c->isr &= ~(1u << ir);
	return ir;
}

/* Returns the IR an EOI took out of service, or -1. */
static int ocw2(struct vpic_chip *c, uint8_t val)
{
	unsigned level = val & 7;
	int ir = -1;

	switch ((enum ocw2)(val >> 5)) {
	case OCW2_ROTATE_AEOI_CLEAR:
		c->rotate_aeoi = false;
		break;
	case OCW2_ROTATE_AEOI_SET:
		c->rotate_aeoi = true;
		break;
	case OCW2_EOI:
	case OCW2_ROTATE_EOI:
		ir = end_service(c, highest(c, c->isr));
		if (ir >= 0 && val >> 5 == OCW2_ROTATE_EOI)
			c->top = (uint8_t)((ir + 1) & 7);
		break;
	case OCW2_SPECIFIC_EOI:
		ir = end_service(c, (int)level);
		break;
	case OCW2_ROTATE_SPECIFIC_EOI:
		ir = end_service(c, (int)level);
		/* fall through */
	case OCW2_SET_PRIORITY:
		c->top = (uint8_t)((level + 1) & 7);
		break;
	case OCW2_NOP:
		break;
	}
	return ir;
}

static void ocw3(struct vpic_chip *c, uint8_t val)
{
	if (val & OCW3_POLL)
		c->poll = true;
	if (val & OCW3_RR)
		c->read_isr = val & OCW3_RIS;
	if (val & OCW3_ESMM)
		c->special_mask = val & OCW3_SMM;
}

static void data_write(struct vpic_chip *c, uint8_t val)
{
	switch (c->init_step) {
	case 2: /* ICW2: vector base, low three bits from the IR */
		c->base = val & 0xf8;
		c->init_step = !c->single ? 3 : c->icw4_needed ? 4 : 0;
		break;
	case 3: /* ICW3: cascade wiring, fixed to IR2 in a PC */
		c->icw3 = val;
		c->init_step = c->icw4_needed ? 4 : 0;
		break;
	case 4: /* ICW4 */
		c->auto_eoi = val & ICW4_AEOI;
		c->sfnm = val & ICW4_SFNM;
		c->init_step = 0;
		break;
	default: /* OCW1 */
		c->imr = val;
		break;
	}
}

/* Poll command: the next read of the command port is an INTA that
 * returns the IR with bit 7 set, or 0 when nothing is requested. */
static uint8_t poll_read(struct vpic *pic, unsigned n)
{
	struct vpic_chip *c = &pic->chip[n];
	int ir = chip_irq(c, n == MASTER);

	c->poll = false;
	if (ir < 0)
		return 0;
	eoi_done(pic, n, chip_ack(c, ir));
	update(pic);
	return (uint8_t)(POLL_INT | ir);
}

uint8_t vpic_io_read(struct vpic *pic, uint16_t port)
{
	struct vpic_chip *c;
	unsigned n;

	switch (port) {
	case VPIC_ELCR_MASTER:
	case VPIC_ELCR_SLAVE:
		return pic->chip[port - VPIC_ELCR_MASTER].elcr;
	case VPIC_MASTER_CMD:
	case VPIC_SLAVE_CMD:
		n = port == VPIC_SLAVE_CMD;
		c = &pic->chip[n];
		if (c->poll)
			return poll_read(pic, n);
		return c->read_isr ? c->isr : c->irr;
	case VPIC_MASTER_DATA:
	case VPIC_SLAVE_DATA:
		return pic->chip[port == VPIC_SLAVE_DATA].imr;
	default:
		return 0xff;
	}
}

void vpic_io_write(struct vpic *pic, uint16_t port, uint8_t val)
{
	struct vpic_chip *c;
	unsigned n;

	switch (port) {
	case VPIC_ELCR_MASTER:
	case VPIC_ELCR_SLAVE:
		c = &pic->chip[port - VPIC_ELCR_MASTER];
		c->elcr = val & c->elcr_mask;
		/* Inputs now level-triggered request exactly while high. */
		c->irr = (uint8_t)((c->irr & ~level_mask(c)) |
				   (c->lines & level_mask(c)));
		break;
	case VPIC_MASTER_CMD:
	case VPIC_SLAVE_CMD:
		n = port == VPIC_SLAVE_CMD;
		c = &pic->chip[n];
		if (val & ICW1)
			icw1(c, val);
		else if (val & OCW3)
			ocw3(c, val);
		else
			eoi_done(pic, n, ocw2(c, val));
		break;
	case VPIC_MASTER_DATA:
	case VPIC_SLAVE_DATA:
		data_write(&pic->chip[port == VPIC_SLAVE_DATA], val);
		break;
	default:
		return;
	}
	update(pic);
}
