/* ACPI PM timer: a counter derived from the TSC, nothing to emulate but a
 * read. */
#include "guest/dev/vpmtimer.h"

#define PMTMR_BYTES 4

void vpmtimer_init(struct vpmtimer *t, uint64_t (*now)(void *ctx), void *ctx,
		   uint64_t tsc_hz, uint16_t port, bool wide)
{
	t->now = now;
	t->ctx = ctx;
	t->tsc_hz = tsc_hz;
	t->origin = now(ctx);
	t->port = port;
	t->wide = wide;
}

uint32_t vpmtimer_value(const struct vpmtimer *t, uint64_t now)
{
	uint64_t ticks = now >= t->origin ? now - t->origin : 0;
	uint64_t v = vclock_scale(ticks, VPMTIMER_HZ, t->tsc_hz, false);

	/* Saturation only after centuries; wrapping is the counter's nature. */
	return t->wide ? (uint32_t)v : (uint32_t)(v & 0xffffff);
}

bool vpmtimer_io_read(const struct vpmtimer *t, uint16_t port, unsigned size,
		      uint32_t *val)
{
	unsigned off = (uint16_t)(port - t->port);
	uint32_t v;

	if (off >= PMTMR_BYTES || size == 0 || size > PMTMR_BYTES - off)
		return false;
	v = vpmtimer_value(t, t->now(t->ctx)) >> (off * 8);
	*val = size == 4 ? v : v & ((1u << (size * 8)) - 1);
	return true;
}
