/* Fake host IOAPICs; see fake_ioapic.h. */
#include "tests/unit/fake_ioapic.h"
#include "tests/unit/fakes.h"

#define REG_VER 0x01

struct fake_ioapic fake_ioapics[FAKE_IOAPICS];

static void *fake_map(paddr_t pa, size_t len)
{
	assert_true(len >= 0x44);
	for (unsigned i = 0; i < FAKE_IOAPICS; i++) {
		struct fake_ioapic *c = &fake_ioapics[i];

		if (c->addr == pa && pa) {
			c->maps++;
			return c->unmappable ? NULL : c;
		}
	}
	fail_msg("map of %#llx, where no chip is", (unsigned long long)pa);
	return NULL;
}

static unsigned pins_of(const struct fake_ioapic *c)
{
	return ((c->ver >> 16) & 0xff) + 1;
}

static uint32_t fake_read(void *regs, unsigned off)
{
	struct fake_ioapic *c = regs;
	unsigned r = c->regsel;

	if (c->absent)
		return 0xffffffffu;
	if (off == 0x00)
		return c->regsel;
	assert_int_equal(off, 0x10);
	if (r == REG_VER)
		return c->ver;
	if (r >= 0x10 && (r - 0x10) / 2 < pins_of(c))
		return (r & 1) ? c->hi[(r - 0x10) / 2] : c->lo[(r - 0x10) / 2];
	return 0;
}

static void fake_write(void *regs, unsigned off, uint32_t val)
{
	struct fake_ioapic *c = regs;
	unsigned r = c->regsel, pin;

	if (c->absent)
		return;
	if (off == 0x00) {
		c->regsel = (uint8_t)val;
		return;
	}
	assert_int_equal(off, 0x10);
	if (r < 0x10 || (r - 0x10) / 2 >= pins_of(c))
		return;
	pin = (r - 0x10) / 2;
	if (r & 1) {
		c->hi[pin] = val;
	} else {
		c->lo[pin] = (val & ~FAKE_RTE_RO) | (c->lo[pin] & FAKE_RTE_RO);
		if (!(val & FAKE_RTE_MASKED))
			c->unmasked_writes++;
	}
}

const struct ioapic_ops fake_ioapic_ops = {
	.map = fake_map,
	.read = fake_read,
	.write = fake_write,
};

void fake_ioapic_reset(struct acpi_info *ai)
{
	memset(ai, 0, sizeof(*ai));
	memset(fake_ioapics, 0, sizeof(fake_ioapics));
}

void fake_ioapic_add(struct acpi_info *ai, unsigned i, uint8_t id,
		     paddr_t addr, uint32_t gsi_base, unsigned pins)
{
	struct fake_ioapic *c = &fake_ioapics[i];

	*c = (struct fake_ioapic){ .addr = addr,
				   .ver = ((uint32_t)(pins - 1) << 16) | 0x11 };
	for (unsigned p = 0; p < 256; p++) {
		c->lo[p] = 0x30 + p;
		c->hi[p] = 0xff000000u;
	}
	ai->ioapic[ai->nioapics++] =
		(struct acpi_ioapic){ .id = id, .addr = addr, .gsi_base = gsi_base };
}

void fake_ioapic_override(struct acpi_info *ai, uint8_t irq, uint32_t gsi,
			  uint16_t flags)
{
	ai->override[ai->noverrides++] =
		(struct acpi_override){ .bus_irq = irq, .gsi = gsi, .flags = flags };
}
