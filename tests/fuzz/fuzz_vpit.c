// FUZZ-SOURCES: guest/dev/vpit.c
/* The virtual 8254 PIT and port 0x61 (guest/dev/vpit.c) driven by a
 * sequence of port writes and reads (control words, counts, latches,
 * read-back), time passing, and the caller's timer firing at the
 * deadline vpit_next_event() gave.  Checked after each step: the
 * channels' state stays in range (mode 0-5, access 1-3, count 1-65536),
 * the next event after an expiry lies in the future (a deadline that has
 * passed would make the caller's timer fire in a loop), IRQ 0 pulses are
 * counted as delivered, and port 0x61 reads back its writable bits and
 * OUT2 as vpit_out() says. */
#include "guest/dev/vpit.h"
#include "tests/fuzz/fuzz.h"

#define TSC_HZ 1000000000ULL

static struct vpit pit;
static uint64_t now;
static uint64_t pulses;

static uint64_t h_now(void *ctx)
{
	(void)ctx;
	return now;
}

static void h_irq0(void *ctx)
{
	(void)ctx;
	pulses++;
}

static const struct vpit_hooks hooks = { h_now, h_irq0 };

static const uint16_t ports[] = {
	0x40, 0x41, 0x42, VPIT_PORT_CTRL, VPIT_PORT_NMI_SC, 0x44, 0x40, 0x43,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);

	now = 1000000;
	pulses = 0;
	vpit_init(&pit, &hooks, NULL, TSC_HZ);
	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f);
		uint16_t port = ports[op & 7];

		switch ((op >> 3) & 3) {
		case 0:
			vpit_io_write(&pit, port, fz_u8(&f));
			break;
		case 1: {
			uint8_t v = vpit_io_read(&pit, port);

			if (port == VPIT_PORT_NMI_SC) {
				FUZZ_CHECK((v & 0x0f) == (pit.port61 & 0x0f));
				FUZZ_CHECK(!!(v & PORT61_OUT2) == vpit_out(&pit, 2, now));
			}
			if (port == 0x44)
				FUZZ_CHECK(v == 0xff);
			break;
		}
		case 2:
			/* Time passes: up to ~4 s in uneven steps. */
			now += fz_u32(&f) >> (op >> 5);
			break;
		default: {
			uint64_t next = vpit_next_event(&pit);

			if (next == VPIT_NO_EVENT)
				break;
			if (now < next)
				now = next;
			now += fz_u8(&f) * (op >> 5);
			vpit_timer_expired(&pit, now);
			next = vpit_next_event(&pit);
			FUZZ_CHECKF(next == VPIT_NO_EVENT || next > now,
				    "next event %llu not after now %llu",
				    (unsigned long long)next,
				    (unsigned long long)now);
			break;
		}
		}
		FUZZ_CHECK(pit.irq0_count == pulses);
		for (unsigned i = 0; i < 3; i++) {
			const struct vpit_channel *c = &pit.ch[i];

			FUZZ_CHECK(c->mode <= 5);
			FUZZ_CHECK(c->access <= 3);
			if (c->loaded)
				FUZZ_CHECKF(c->n >= 1 && c->n <= 65536,
					    "channel %u count %u", i, c->n);
		}
	}
	return 0;
}
