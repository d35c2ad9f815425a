// FUZZ-SOURCES: guest/dev/vioapic.c
/* The virtual IOAPIC (guest/dev/vioapic.c) driven by a sequence of MMIO
 * writes and reads (IOREGSEL, IOWIN, the EOI register, other offsets),
 * pins going up and down, and LAPIC EOIs, with LAPICs that take or
 * refuse messages as the input says.  Checked after each step: every
 * message carries the vector, delivery mode, destination mode, trigger
 * and destination of an asserted, unmasked entry; delivery status reads
 * idle; remote IRR is set only on level-triggered entries, and a guest
 * write to an entry clears it only by making the entry edge-triggered
 * (the EOI register and LAPIC EOIs clear it); a level-triggered pin
 * with remote IRR set sends nothing until the EOI of its vector; the
 * version register says 24 entries; the ID keeps to bits 27:24. */
#include "guest/dev/vioapic.h"
#include "tests/fuzz/fuzz.h"

static struct vioapic io;
static uint8_t accept;
static unsigned sent;

static unsigned deliver(void *ctx, const struct vlapic_msg *m)
{
	bool found = false;

	(void)ctx;
	for (unsigned pin = 0; pin < VIOAPIC_PINS && !found; pin++) {
		uint64_t e = io.rte[pin];

		found = !(e & IOAPIC_RTE_MASKED) &&
			(io.asserted & BIT(pin)) &&
			m->vector == IOAPIC_RTE_VECTOR(e) &&
			m->mode == IOAPIC_RTE_DM(e) &&
			m->logical == !!(e & IOAPIC_RTE_LOGICAL) &&
			m->level == !!(e & IOAPIC_RTE_LEVEL) &&
			m->dest == IOAPIC_RTE_DEST(e) && !m->wide &&
			!((e & IOAPIC_RTE_LEVEL) && (e & IOAPIC_RTE_REMOTE_IRR));
	}
	FUZZ_CHECKF(found, "message vector %#x mode %u dest %#x from no asserted, unmasked entry",
		    m->vector, m->mode, m->dest);
	FUZZ_CHECK(m->shorthand == APIC_SH_NONE);
	sent++;
	return accept & 1;
}

static void eoi_hook(void *ctx, unsigned pin)
{
	(void)ctx;
	FUZZ_CHECK(pin < VIOAPIC_PINS);
}

static const struct vioapic_hooks hooks = { deliver, eoi_hook };

static const uint32_t offsets[] = {
	IOAPIC_REGSEL, IOAPIC_WIN, IOAPIC_EOI, 0x04, 0x14, 0x20, 0x44, 0xffc,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	uint8_t version = fz_u8(&f) & 1 ? 0x20 : VIOAPIC_VERSION;

	accept = 1;
	sent = 0;
	vioapic_init(&io, &hooks, NULL, 1, version);
	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f);
		uint64_t before[VIOAPIC_PINS];
		unsigned sent0 = sent;

		memcpy(before, io.rte, sizeof(before));
		switch (op & 3) {
		case 0: {
			uint32_t off = offsets[(op >> 2) & 7], val = fz_u32(&f);

			if (off == IOAPIC_REGSEL && (op & 0x20))
				val = IOAPIC_REG_REDIR + (val & 0x3f);
			vioapic_mmio_write(&io, off, val);
			/* Remote IRR is read-only: a write clears it only by
			 * making the entry edge-triggered, and sets it only by
			 * the delivery an unmasking causes. */
			for (unsigned p = 0; off == IOAPIC_WIN && p < VIOAPIC_PINS; p++) {
				uint64_t was = before[p] & IOAPIC_RTE_REMOTE_IRR;
				uint64_t now = io.rte[p] & IOAPIC_RTE_REMOTE_IRR;

				if (was && !now)
					FUZZ_CHECK(!(io.rte[p] & IOAPIC_RTE_LEVEL));
				if (!was && now)
					FUZZ_CHECK(sent > sent0);
			}
			break;
		}
		case 1: {
			uint32_t off = offsets[(op >> 2) & 7];
			uint32_t v = vioapic_mmio_read(&io, off);

			if (off == IOAPIC_WIN) {
				if (io.regsel == IOAPIC_REG_VER)
					FUZZ_CHECK(v == (version | (VIOAPIC_PINS - 1u) << 16));
				if (io.regsel == IOAPIC_REG_ID)
					FUZZ_CHECK((v & ~0x0f000000u) == 0);
				if (io.regsel >= IOAPIC_REG_REDIR &&
				    io.regsel < IOAPIC_REG_REDIR + 2 * VIOAPIC_PINS &&
				    !(io.regsel & 1))
					FUZZ_CHECK(!(v & IOAPIC_RTE_DELIVS));
			}
			break;
		}
		case 2: {
			unsigned pin = (op >> 3) % VIOAPIC_PINS;

			vioapic_set_irq(&io, pin, op & 4);
			break;
		}
		default:
			accept = fz_u8(&f);
			vioapic_eoi(&io, fz_u8(&f));
			break;
		}
		for (unsigned p = 0; p < VIOAPIC_PINS; p++) {
			uint64_t e = io.rte[p];

			if (e & IOAPIC_RTE_REMOTE_IRR)
				FUZZ_CHECKF(e & IOAPIC_RTE_LEVEL,
					    "remote IRR on edge pin %u", p);
			FUZZ_CHECK(!(e & IOAPIC_RTE_DELIVS));
		}
	}
	return 0;
}
