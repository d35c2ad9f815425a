/* Fake host IOAPICs behind drivers/ioapic.h's register window (IOREGSEL
 * at 0x00, IOWIN at 0x10; the version register and the redirection
 * entries, as the 82093AA datasheet describes them), for the tests of the
 * driver and of what is built on it. */
#ifndef TESTS_UNIT_FAKE_IOAPIC_H
#define TESTS_UNIT_FAKE_IOAPIC_H

#include "drivers/ioapic.h"

#define FAKE_IOAPICS 4
#define FAKE_RTE_MASKED (1u << 16)
#define FAKE_RTE_LEVEL (1u << 15)
#define FAKE_RTE_ACTIVE_LOW (1u << 13)
#define FAKE_RTE_RO ((1u << 12) | (1u << 14)) /* delivery status, remote IRR */

struct fake_ioapic {
	paddr_t addr;
	bool absent;     /* reads all ones, like an empty bus */
	bool unmappable; /* the mapper refuses it */
	uint8_t regsel;
	uint32_t ver;
	uint32_t lo[256], hi[256];
	unsigned unmasked_writes; /* low-dword writes that left it unmasked */
	unsigned maps;
};

extern struct fake_ioapic fake_ioapics[FAKE_IOAPICS];
extern const struct ioapic_ops fake_ioapic_ops;

/* No chips, and an empty *ai. */
void fake_ioapic_reset(struct acpi_info *ai);
/* Chip i with 'pins' pins, every entry unmasked (vector 0x30 + pin, all
 * ones destination) as firmware might leave it, listed in *ai. */
void fake_ioapic_add(struct acpi_info *ai, unsigned i, uint8_t id,
		     paddr_t addr, uint32_t gsi_base, unsigned pins);
void fake_ioapic_override(struct acpi_info *ai, uint8_t irq, uint32_t gsi,
			  uint16_t flags);

#endif
