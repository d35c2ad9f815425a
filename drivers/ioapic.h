/* Host IOAPICs: every chip the MADT lists, with its GSI base, and the ISA
 * interrupt source overrides (which GSI an ISA IRQ arrives on, and with
 * which polarity and trigger mode).
 *
 * ioapic_init() checks each MADT entry before it trusts it (address, GSI
 * range, a chip that answers), reports and skips a bad one, and masks
 * every redirection entry of the chips it keeps.  After that a GSI is
 * programmed (vector, destination APIC ID, trigger, polarity: always
 * masked), then unmasked and masked as its owner needs.
 *
 * Registers are reached through struct ioapic_ops, so that the host unit
 * tests can put a fake register window behind them.  Calls may come from
 * any pCPU: one lock serialises the indirect register window (IOREGSEL,
 * IOWIN).  It is a leaf lock, also taken by the device-IRQ handler
 * (drivers/devirq.c); interrupts are only ever enabled where the
 * hypervisor holds no lock.
 *
 * Facts from the 82093AA datasheet (290566-001), ACPI 6.5 5.2.12.3 and
 * 5.2.12.5 (IOAPIC and interrupt source override structures) and the MPS
 * 1.4 INTI flags. */
#ifndef DRIVERS_IOAPIC_H
#define DRIVERS_IOAPIC_H

#include "lib/types.h"
#include "arch-x86/acpi.h"

#define IOAPIC_MAX_CHIPS ACPI_MAX_IOAPICS
#define IOAPIC_ISA_IRQS 16
#define IOAPIC_MMIO_LEN 0x100    /* what is mapped of each chip */
#define IOAPIC_ADDR_ALIGN 0x400  /* chipsets place them in 1 KiB steps */
#define IOAPIC_VECTOR_MIN 0x10   /* vectors 0-15 are illegal for delivery */
#define IOAPIC_DEST_MAX 0xff     /* physical destination: 8 bits */

/* MPS INTI flags of an interrupt source override. */
#define INTI_POLARITY(f) ((f) & 3)
#define INTI_TRIGGER(f) (((f) >> 2) & 3)
enum inti_value {
	INTI_CONFORMS = 0, /* as the bus says: ISA is edge, active high */
	INTI_HIGH_OR_EDGE = 1,
	INTI_RESERVED = 2,
	INTI_LOW_OR_LEVEL = 3,
};

/* How a GSI is wired. */
struct ioapic_wiring {
	bool level;
	bool active_low;
};

struct ioapic_ops {
	/* Make [pa, pa + IOAPIC_MMIO_LEN) reachable, uncached; returns where
	 * it is, or NULL. */
	void *(*map)(paddr_t pa, size_t len);
	uint32_t (*read)(void *regs, unsigned off);
	void (*write)(void *regs, unsigned off, uint32_t val);
};

/* 32-bit MMIO at regs + off: the accessors for the real machine. */
uint32_t ioapic_mmio_read(void *regs, unsigned off);
void ioapic_mmio_write(void *regs, unsigned off, uint32_t val);

/* Take the chips and overrides of 'ai', map each chip and mask all of its
 * pins.  Forgets whatever an earlier call set up.  Returns how many chips
 * are usable (0 is not an error: then no device interrupt can be
 * routed). */
unsigned ioapic_init(const struct acpi_info *ai, const struct ioapic_ops *ops);

unsigned ioapic_count(void);
/* Total pins, and whether some chip has a pin for 'gsi'. */
unsigned ioapic_pins(void);
bool ioapic_has_gsi(uint32_t gsi);

/* ISA IRQ 0-15 to its GSI (the override, else the same number unless an
 * override for another IRQ took that GSI).  0, or -ENOENT when the IRQ has
 * no pin (e.g. IRQ 2 when IRQ 0 is moved to GSI 2) or -EINVAL. */
int ioapic_isa_gsi(unsigned irq, uint32_t *gsi);
/* How 'gsi' is wired: an override's flags when one names it (conforming
 * meaning ISA: edge, active high), ISA defaults below 16, else PCI (level,
 * active low).  -ENOENT when no chip has the pin. */
int ioapic_gsi_wiring(uint32_t gsi, struct ioapic_wiring *w);
/* How a PCI function's INTx reaches 'gsi' (an ISA-numbered IRQ through
 * the chipset's PIRQ routing, or a pin from 16): an override's flags when
 * the MADT has one for it (the firmware knows its chipset), else level
 * and active low, as the PCI specification wires INTx.  -ENOENT when no
 * chip has the pin. */
int ioapic_pci_wiring(uint32_t gsi, struct ioapic_wiring *w);

/* Program 'gsi' masked: fixed delivery of 'vector' to physical APIC ID
 * 'dest'.  -EINVAL (vector below 16, dest above 255), -ENOENT. */
int ioapic_route(uint32_t gsi, uint8_t vector, uint32_t dest,
		 const struct ioapic_wiring *w);
int ioapic_mask(uint32_t gsi);
int ioapic_unmask(uint32_t gsi);
/* The redirection entry as the chip holds it (tests, reports); 0 when no
 * chip has the pin. */
uint64_t ioapic_rte(uint32_t gsi);

/* One line per chip and one per override. */
void ioapic_print(void);

#endif
