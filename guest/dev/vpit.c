/* Virtual 8254: counters as functions of elapsed clocks, the control
 * word, latches, gates and channel 0's IRQ schedule. */
#include "guest/dev/vpit.h"
#include "guest/dev/vpmtimer.h"

#define CTRL_SC(v) ((v) >> 6)           /* counter select, 3 = read-back */
#define CTRL_ACCESS(v) (((v) >> 4) & 3) /* 0 = counter latch command */
#define CTRL_MODE(v) (((v) >> 1) & 7)
#define CTRL_BCD 0x01
#define RB_NO_COUNT 0x20 /* read-back: bit clear = latch count */
#define RB_NO_STATUS 0x10
#define ST_OUT 0x80
#define ST_NULL 0x40

#define NO_EDGE UINT64_MAX
#define MIN_GAP_CLOCKS (VPIT_HZ / 20000) /* 50 us between IRQ 0 pulses */
#define REFRESH_CLOCKS 18                /* port 0x61 bit 4: ~15 us */

static uint64_t clock_now(const struct vpit *p)
{
	return p->hooks->now(p->ctx);
}

static uint32_t modulus(const struct vpit_channel *c)
{
	return c->bcd ? 10000 : 65536;
}

/* The count register as a number of clocks; 0 means the modulus. */
static uint32_t decode(const struct vpit_channel *c, uint16_t raw)
{
	uint32_t v = raw;

	if (c->bcd)
		v = (raw & 0xf) + ((raw >> 4) & 0xf) * 10 +
		    ((raw >> 8) & 0xf) * 100 + (raw >> 12) * 1000;
	v %= modulus(c);
	return v ? v : modulus(c);
}

static uint16_t encode(const struct vpit_channel *c, uint32_t v)
{
	if (!c->bcd)
		return (uint16_t)v;
	v %= 10000;
	return (uint16_t)((v % 10) | (v / 10 % 10) << 4 | (v / 100 % 10) << 8 |
			  (v / 1000) << 12);
}

static uint64_t elapsed(const struct vpit *p, const struct vpit_channel *c,
			uint64_t now)
{
	if (!c->running)
		return c->base_t;
	return c->base_t + vclock_scale(now - c->start, VPIT_HZ, p->tsc_hz, false);
}

/* Earliest TSC at which 'c' has counted clock 'e'. */
static uint64_t clock_to_tsc(const struct vpit *p, const struct vpit_channel *c,
			     uint64_t e)
{
	return c->start + vclock_scale(e - c->base_t, p->tsc_hz, VPIT_HZ, true);
}

/* Period of the periodic modes; a count of 1 is illegal there. */
static uint64_t period(const struct vpit_channel *c)
{
	return MAX(c->n, 2u);
}

static void restart(struct vpit_channel *c, uint64_t now, uint64_t base_t)
{
	c->base_t = base_t;
	c->start = now;
}

/* Apply a mode 2/3 count change whose period boundary has passed. */
static void sync(const struct vpit *p, struct vpit_channel *c, uint64_t now)
{
	uint64_t t;

	if (!c->pending)
		return;
	t = elapsed(p, c, now);
	if (t < c->pending_at)
		return;
	c->n = c->pending_n;
	c->pending = false;
	restart(c, now, t - c->pending_at);
}

/* Count and OUT of a channel at clock t of its counting. */
static void evaluate(const struct vpit_channel *c, uint64_t t, uint32_t *count,
		     bool *out)
{
	uint32_t m = modulus(c);
	uint64_t per, ph, hi;

	if (!c->loaded) {
		*count = c->have_count ? decode(c, c->count_reg) : 0;
		*out = c->mode != 0; /* mode 0 drives OUT low from the control word */
		return;
	}
	*count = (uint32_t)((c->n + m - t % m) % m);
	switch (c->mode) {
	case 0:
	case 1:
		*out = t >= c->n;
		break;
	case 4:
	case 5:
		*out = t != c->n; /* low for the one clock at terminal count */
		break;
	case 2:
		per = period(c);
		ph = t % per;
		*count = (uint32_t)(c->n - ph);
		*out = !c->gate || ph != per - 1;
		break;
	default: /* 3: square wave, counting down by two each half */
		per = period(c);
		ph = t % per;
		hi = (per + 1) / 2;
		*out = !c->gate || ph < hi;
		*count = (uint32_t)((per & ~1ULL) - 2 * (ph < hi ? ph : ph - hi));
		break;
	}
}

static void channel_state(struct vpit *p, unsigned i, uint64_t now,
			  uint32_t *count, bool *out)
{
	struct vpit_channel *c = &p->ch[i];

	sync(p, c, now);
	evaluate(c, elapsed(p, c, now), count, out);
}

bool vpit_out(struct vpit *p, unsigned channel, uint64_t now)
{
	uint32_t count;
	bool out = false;

	if (channel < 3)
		channel_state(p, channel, now, &count, &out);
	return out;
}

/* First clock after t at which OUT rises, or NO_EDGE. */
static uint64_t next_edge(const struct vpit_channel *c, uint64_t t)
{
	if (!c->loaded || !c->running)
		return NO_EDGE;
	if (c->pending)
		return c->pending_at; /* a period boundary: an edge */
	switch (c->mode) {
	case 0:
	case 1:
		return t < c->n ? c->n : NO_EDGE;
	case 4:
	case 5:
		return t <= c->n ? (uint64_t)c->n + 1 : NO_EDGE;
	default:
		return (t / period(c) + 1) * period(c);
	}
}

/* Channel 0 changed, or an edge was delivered at 'now': find the next. */
static void schedule(struct vpit *p, uint64_t now, uint64_t min_gap)
{
	struct vpit_channel *c = &p->ch[0];
	uint64_t e;

	sync(p, c, now);
	e = next_edge(c, elapsed(p, c, now) + min_gap);
	p->next_irq = e == NO_EDGE ? VPIT_NO_EVENT : clock_to_tsc(p, c, e);
}

uint64_t vpit_next_event(const struct vpit *p)
{
	return p->next_irq;
}

void vpit_timer_expired(struct vpit *p, uint64_t now)
{
	if (p->next_irq == VPIT_NO_EVENT || now < p->next_irq)
		return;
	p->irq0_count++;
	if (p->hooks->irq0)
		p->hooks->irq0(p->ctx);
	schedule(p, now, MIN_GAP_CLOCKS);
}

void vpit_init(struct vpit *p, const struct vpit_hooks *hooks, void *ctx,
	       uint64_t tsc_hz)
{
	*p = (struct vpit){
		.hooks = hooks,
		.ctx = ctx,
		.tsc_hz = tsc_hz,
		.next_irq = VPIT_NO_EVENT,
	};
	for (unsigned i = 0; i < 3; i++)
		p->ch[i] = (struct vpit_channel){ .access = 3, .gate = i != 2 };
}

/* A complete count was written. */
static void count_written(struct vpit *p, struct vpit_channel *c, uint64_t now)
{
	uint32_t n = decode(c, c->count_reg);

	c->have_count = true;
	sync(p, c, now);
	switch (c->mode) {
	case 1:
	case 5: /* loaded by the next gate trigger */
		c->null_count = true;
		return;
	case 2:
	case 3:
		if (c->loaded && c->running) {
			uint64_t t = elapsed(p, c, now);

			c->pending = true;
			c->pending_n = n;
			c->pending_at = (t / period(c) + 1) * period(c);
			return;
		}
		break;
	}
	c->n = n;
	c->loaded = true;
	c->null_count = false;
	c->pending = false;
	c->running = c->gate;
	restart(c, now, 0);
}

static void data_write(struct vpit *p, struct vpit_channel *c, uint8_t val)
{
	uint64_t now = clock_now(p);

	switch (c->access) {
	case 1:
		c->count_reg = val;
		break;
	case 2:
		c->count_reg = (uint16_t)(val << 8);
		break;
	default:
		if (!c->write_msb) {
			c->write_lsb = val;
			c->write_msb = true;
			/* Mode 0: the first byte stops the count. */
			if (c->mode == 0 && c->running) {
				restart(c, now, elapsed(p, c, now));
				c->running = false;
			}
			return;
		}
		c->write_msb = false;
		c->count_reg = (uint16_t)(c->write_lsb | val << 8);
		break;
	}
	count_written(p, c, now);
}

static uint8_t data_read(struct vpit *p, struct vpit_channel *c)
{
	uint16_t v;
	uint32_t count;
	bool out, msb;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->count_latched) {
		v = c->latch;
	} else {
		channel_state(p, (unsigned)(c - p->ch), clock_now(p), &count, &out);
		v = encode(c, count);
	}
	msb = c->access == 2 || (c->access == 3 && c->read_msb);
	if (c->access == 3)
		c->read_msb = !c->read_msb;
	if (c->access != 3 || !c->read_msb)
		c->count_latched = false; /* the latch is read out */
	return msb ? (uint8_t)(v >> 8) : (uint8_t)v;
}

static void latch_count(struct vpit *p, unsigned i, uint64_t now)
{
	struct vpit_channel *c = &p->ch[i];
	uint32_t count;
	bool out;

	if (c->count_latched)
		return; /* the first latch holds until read */
	channel_state(p, i, now, &count, &out);
	c->latch = encode(c, count);
	c->count_latched = true;
}

static void latch_status(struct vpit *p, unsigned i, uint64_t now)
{
	struct vpit_channel *c = &p->ch[i];

	if (c->status_latched)
		return;
	c->status = (uint8_t)((vpit_out(p, i, now) ? ST_OUT : 0) |
			      (c->null_count ? ST_NULL : 0) | c->access << 4 |
			      c->mode << 1 | (c->bcd ? CTRL_BCD : 0));
	c->status_latched = true;
}

static void control_write(struct vpit *p, uint8_t val)
{
	uint64_t now = clock_now(p);
	struct vpit_channel *c;
	unsigned mode;

	if (CTRL_SC(val) == 3) { /* read-back: bits 3:1 select channels */
		for (unsigned i = 0; i < 3; i++) {
			if (!(val & (2u << i)))
				continue;
			if (!(val & RB_NO_STATUS))
				latch_status(p, i, now);
			if (!(val & RB_NO_COUNT))
				latch_count(p, i, now);
		}
		return;
	}
	if (CTRL_ACCESS(val) == 0) {
		latch_count(p, CTRL_SC(val), now);
		return;
	}
	c = &p->ch[CTRL_SC(val)];
	mode = CTRL_MODE(val);
	*c = (struct vpit_channel){
		.mode = (uint8_t)(mode > 5 ? mode - 4 : mode), /* 6, 7: 2, 3 */
		.access = (uint8_t)CTRL_ACCESS(val),
		.bcd = val & CTRL_BCD,
		.gate = c->gate,
		.null_count = true,
	};
}

static void set_gate(struct vpit *p, struct vpit_channel *c, bool gate)
{
	uint64_t now = clock_now(p);

	if (gate == c->gate)
		return;
	sync(p, c, now);
	c->gate = gate;
	if (!gate) { /* modes 0, 2, 3, 4 hold the count; 1 and 5 ignore it */
		if (c->mode != 1 && c->mode != 5 && c->running) {
			restart(c, now, elapsed(p, c, now));
			c->running = false;
		}
		return;
	}
	switch (c->mode) {
	case 1:
	case 5: /* trigger: (re)load and count */
		if (!c->have_count)
			return;
		c->n = decode(c, c->count_reg);
		c->loaded = true;
		c->null_count = false;
		break;
	case 2:
	case 3: /* reload */
		break;
	default: /* 0, 4: resume where it stopped */
		if (c->loaded) {
			restart(c, now, c->base_t);
			c->running = true;
		}
		return;
	}
	if (c->loaded) {
		restart(c, now, 0);
		c->running = true;
	}
}

uint8_t vpit_io_read(struct vpit *p, uint16_t port)
{
	uint64_t now;
	uint8_t v;

	if (port >= VPIT_PORT_CH0 && port < VPIT_PORT_CTRL)
		return data_read(p, &p->ch[port - VPIT_PORT_CH0]);
	if (port != VPIT_PORT_NMI_SC)
		return 0xff; /* the control word is write-only */
	now = clock_now(p);
	v = p->port61;
	if (vclock_scale(now, VPIT_HZ, p->tsc_hz, false) / REFRESH_CLOCKS & 1)
		v |= PORT61_REFRESH;
	if (vpit_out(p, 2, now))
		v |= PORT61_OUT2;
	return v;
}

void vpit_io_write(struct vpit *p, uint16_t port, uint8_t val)
{
	if (port >= VPIT_PORT_CH0 && port < VPIT_PORT_CTRL)
		data_write(p, &p->ch[port - VPIT_PORT_CH0], val);
	else if (port == VPIT_PORT_CTRL)
		control_write(p, val);
	else if (port == VPIT_PORT_NMI_SC) {
		p->port61 = val & 0x0f;
		set_gate(p, &p->ch[2], val & PORT61_GATE2);
		return;
	} else
		return;
	schedule(p, clock_now(p), 0);
}
