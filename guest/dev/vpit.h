/* Virtual 8254 PIT: three counters at 1.193182 MHz (ports 0x40-0x42), the
 * control word at 0x43 (modes 0-5, lsb/msb/lsb-then-msb access, binary or
 * BCD, counter latch and read-back commands) and, through port 0x61, the
 * channel 2 gate and the OUT2 status bit Linux calibrates against.
 *
 * Nothing ticks: counts and outputs are computed from the TSC read
 * through the now() hook.  Channel 0's OUT rising edges are IRQ 0: the
 * caller arms a host timer at vpit_next_event() (re-read it after every
 * port write and expiry) and calls vpit_timer_expired() when it fires;
 * the irq0 hook then pulses IRQ 0.  Late or too fast (< 50 us apart)
 * periodic edges are coalesced into one.
 *
 * Not thread-safe: the caller serialises all calls.
 *
 * Facts from the Intel 8254 datasheet (231164) and the PIIX4 datasheet
 * (port 0x61). */
#ifndef GUEST_VPIT_H
#define GUEST_VPIT_H

#include "lib/types.h"

#define VPIT_HZ 1193182ULL
#define VPIT_NO_EVENT UINT64_MAX

#define VPIT_PORT_CH0 0x40
#define VPIT_PORT_CTRL 0x43
#define VPIT_PORT_NMI_SC 0x61 /* NMI status and control */

#define PORT61_GATE2 BIT(0)
#define PORT61_SPKR BIT(1)
#define PORT61_REFRESH BIT(4)
#define PORT61_OUT2 BIT(5)

struct vpit_hooks {
	uint64_t (*now)(void *ctx); /* TSC ticks */
	void (*irq0)(void *ctx);    /* OUT0 rose: pulse IRQ 0 (edge) */
};

struct vpit_channel {
	uint8_t mode;      /* 0-5 */
	uint8_t access;    /* 1 lsb, 2 msb, 3 lsb then msb */
	bool bcd;
	bool gate;
	uint16_t count_reg; /* last count written (raw, BCD if bcd) */
	bool have_count;    /* a count was written since the control word */
	bool loaded;        /* the counting element holds n */
	bool null_count;    /* written but not loaded yet (status bit 6) */
	bool running;       /* counting (gate and mode allowing) */
	uint32_t n;         /* count being counted: 1 .. 65536 (10000 BCD) */
	uint64_t start;     /* TSC at which this stretch of counting began */
	uint64_t base_t;    /* clocks counted before 'start' since loading */
	/* Modes 2 and 3 take a new count at the end of the period. */
	bool pending;
	uint32_t pending_n;
	uint64_t pending_at; /* clock of the switch */
	/* lsb-then-msb flip-flops and latches */
	bool write_msb, read_msb;
	uint8_t write_lsb;
	bool count_latched, status_latched;
	uint16_t latch;
	uint8_t status;
};

struct vpit {
	struct vpit_channel ch[3];
	const struct vpit_hooks *hooks;
	void *ctx;
	uint64_t tsc_hz;
	uint8_t port61;      /* writable bits 3:0 */
	uint64_t next_irq;   /* TSC of channel 0's next edge */
	uint64_t irq0_count; /* pulses delivered */
};

/* Reset: no counter programmed, channel 2's gate low. */
void vpit_init(struct vpit *pit, const struct vpit_hooks *hooks, void *ctx,
	       uint64_t tsc_hz);

/* Byte access to ports 0x40-0x43 and 0x61; other ports read 0xff and
 * ignore writes. */
uint8_t vpit_io_read(struct vpit *pit, uint16_t port);
void vpit_io_write(struct vpit *pit, uint16_t port, uint8_t val);

/* TSC of channel 0's next OUT rising edge, or VPIT_NO_EVENT. */
uint64_t vpit_next_event(const struct vpit *pit);
/* The caller's timer fired: pulse IRQ 0 if an edge is due. */
void vpit_timer_expired(struct vpit *pit, uint64_t now);

/* OUT of 'channel' at TSC 'now' (for tests and port 0x61). */
bool vpit_out(struct vpit *pit, unsigned channel, uint64_t now);

#endif
