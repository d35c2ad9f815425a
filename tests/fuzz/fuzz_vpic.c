// FUZZ-SOURCES: guest/dev/vpic.c
/* The virtual 8259A pair and ELCR (guest/dev/vpic.c) driven by a sequence
 * of port writes and reads (ICWs, OCWs, ELCR), input lines going up and
 * down and INTA cycles decoded from the input.  Checked after each step:
 * the intr hook follows the master's INT output and is called only when
 * it changes; vpic_pending() says the vector the next INTA returns, and
 * INTA returns it (a vector of the chip's base with the IR number in the
 * low three bits) and puts it in service unless auto-EOI; EOIs reported
 * through the hook are of level-triggered inputs other than the cascade;
 * ELCR bits that do not exist read 0; without a poll command the data
 * port reads IMR and the command port IRR or ISR as OCW3 chose. */
#include "guest/dev/vpic.h"
#include "tests/fuzz/fuzz.h"

static struct vpic pic;
static bool intr_level;

static void intr(void *ctx, bool level)
{
	(void)ctx;
	FUZZ_CHECKF(level != intr_level, "intr hook with unchanged level %d", level);
	intr_level = level;
}

static void eoi(void *ctx, unsigned irq)
{
	const struct vpic_chip *c;

	(void)ctx;
	FUZZ_CHECKF(irq < 16 && irq != VPIC_CASCADE_IRQ, "eoi of IRQ %u", irq);
	c = &pic.chip[irq / 8];
	FUZZ_CHECKF((c->elcr & BIT(irq % 8)) || c->ltim,
		    "eoi hook for edge-triggered IRQ %u", irq);
}

static const struct vpic_hooks hooks = { intr, eoi };

static const uint16_t ports[] = {
	VPIC_MASTER_CMD, VPIC_MASTER_DATA, VPIC_SLAVE_CMD, VPIC_SLAVE_DATA,
	VPIC_ELCR_MASTER, VPIC_ELCR_SLAVE, 0x22, 0x4d2,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);

	intr_level = false;
	vpic_init(&pic, &hooks, NULL);
	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f);
		uint16_t port = ports[op & 7];

		switch ((op >> 3) & 3) {
		case 0:
			vpic_io_write(&pic, port, fz_u8(&f));
			break;
		case 1: {
			const struct vpic_chip *ch = &pic.chip[port == VPIC_SLAVE_CMD ||
							      port == VPIC_SLAVE_DATA];
			struct vpic_chip before = *ch;
			uint8_t v = vpic_io_read(&pic, port);

			/* Without a poll command: data reads IMR, command
			 * reads IRR or ISR as OCW3 chose (8259A datasheet). */
			if (!before.poll && (port == VPIC_MASTER_DATA ||
					     port == VPIC_SLAVE_DATA))
				FUZZ_CHECKF(v == before.imr, "IMR read %#x, is %#x",
					    v, before.imr);
			if (!before.poll && (port == VPIC_MASTER_CMD ||
					     port == VPIC_SLAVE_CMD))
				FUZZ_CHECKF(v == (before.read_isr ? before.isr : before.irr),
					    "OCW3 read %#x, IRR %#x ISR %#x", v,
					    before.irr, before.isr);

			if (port == VPIC_ELCR_MASTER || port == VPIC_ELCR_SLAVE)
				FUZZ_CHECK((v & ~pic.chip[port & 1].elcr_mask) == 0);
			if (port == 0x22 || port == 0x4d2)
				FUZZ_CHECK(v == 0xff);
			break;
		}
		case 2: {
			unsigned irq = (op >> 5) | ((op & 1) << 3);

			vpic_set_irq(&pic, irq, op & 2);
			break;
		}
		default: {
			int want = vpic_pending(&pic);
			uint8_t v = vpic_ack(&pic);

			if (want >= 0)
				FUZZ_CHECKF(v == want, "INTA gave %#x, pending said %#x",
					    v, want);
			break;
		}
		}
		FUZZ_CHECK(intr_level == pic.output);
		FUZZ_CHECK((vpic_pending(&pic) >= 0) == pic.output);
		if (pic.output) {
			int v = vpic_pending(&pic);

			FUZZ_CHECK(v >= 0 && v <= 0xff);
			FUZZ_CHECKF((v & 0xf8) == (pic.chip[0].base & 0xf8) ||
				    (v & 0xf8) == (pic.chip[1].base & 0xf8),
				    "vector %#x, bases %#x %#x", v,
				    pic.chip[0].base, pic.chip[1].base);
		}
		FUZZ_CHECK(pic.chip[0].init_step <= 4 && pic.chip[1].init_step <= 4);
	}
	return 0;
}
