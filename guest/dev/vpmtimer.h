/* Guest clocks: the scaling helper every clock-driven device model uses
 * (LAPIC timer, PIT, RTC, PM timer) and the ACPI power-management timer.
 *
 * All models count time in TSC ticks read from a clock hook; a device
 * clock of 'hz' ticks for 'tsc_hz' TSC ticks is derived with
 * vclock_scale(), which needs a 128-bit product but never a 128-bit
 * division (libgcc is not linked into the hypervisor). */
#ifndef GUEST_VPMTIMER_H
#define GUEST_VPMTIMER_H

#include "lib/types.h"

/* v * mul / div, rounded down, or up when 'up'; saturates at UINT64_MAX
 * when the quotient does not fit (divq would fault).  div must be
 * nonzero. */
static inline uint64_t vclock_scale(uint64_t v, uint64_t mul, uint64_t div,
				    bool up)
{
	__extension__ unsigned __int128 p = (unsigned __int128)v * mul;
	uint64_t hi = (uint64_t)(p >> 64), lo = (uint64_t)p, q, r;

	if (hi >= div)
		return UINT64_MAX;
	__asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(div));
	if (up && r && q != UINT64_MAX)
		q++;
	return q;
}

/* ACPI PM timer (ACPI spec §4.8.3.3): a free-running up-counter at
 * 3.579545 MHz, 24 bits wide unless the FADT sets TMR_VAL_EXT (32).
 * Read-only; it has no state except its origin on the TSC. */
#define VPMTIMER_HZ 3579545ULL

struct vpmtimer {
	uint64_t (*now)(void *ctx); /* TSC ticks */
	void *ctx;
	uint64_t tsc_hz;
	uint64_t origin; /* TSC at which the counter read 0 */
	uint16_t port;   /* PM_TMR_BLK from the guest's FADT */
	bool wide;       /* 32-bit counter (FADT TMR_VAL_EXT) */
};

void vpmtimer_init(struct vpmtimer *t, uint64_t (*now)(void *ctx), void *ctx,
		   uint64_t tsc_hz, uint16_t port, bool wide);
/* Counter value at TSC 'now'. */
uint32_t vpmtimer_value(const struct vpmtimer *t, uint64_t now);
/* Port read of 'size' bytes at 'port': true when the port is the timer's
 * (PM_TMR_BLK is 4 bytes; narrower reads return the low bytes of the
 * byte-addressed register). */
bool vpmtimer_io_read(const struct vpmtimer *t, uint16_t port, unsigned size,
		      uint32_t *val);

#endif
