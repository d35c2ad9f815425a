/* Virtual IOAPIC, 82093AA-like: 24 pins, an indirect register window
 * (IOREGSEL at 0x00, IOWIN at 0x10) and, from version 0x20 on, the EOI
 * register at 0x40.  Pins are driven with vioapic_set_irq(); a delivery
 * becomes one message to the LAPIC layer through the deliver hook (wire
 * it to vlapic_bus_send()), and LAPIC EOIs of level-triggered vectors
 * come back through vioapic_eoi().
 *
 * Not thread-safe: one IOAPIC serves all the VM's vCPUs, so the caller
 * serialises every call (a lock per IOAPIC); hooks run under it.
 *
 * Facts from the 82093AA datasheet (290566-001). */
#ifndef GUEST_VIOAPIC_H
#define GUEST_VIOAPIC_H

#include "lib/types.h"
#include "guest/dev/vlapic.h"

#define VIOAPIC_PINS 24
#define VIOAPIC_VERSION 0x11     /* 82093AA; 0x20 adds the EOI register */
#define VIOAPIC_BASE_DEFAULT 0xfec00000ULL /* the 82093AA's, as PCs place it */
#define VIOAPIC_MMIO_SIZE 0x1000

/* MMIO offsets. */
#define IOAPIC_REGSEL 0x00
#define IOAPIC_WIN 0x10
#define IOAPIC_EOI 0x40

/* Indirect registers. */
#define IOAPIC_REG_ID 0x00
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REG_ARB 0x02
#define IOAPIC_REG_REDIR 0x10 /* two per pin: low, high */

/* Redirection entry fields. */
#define IOAPIC_RTE_VECTOR(e) ((uint8_t)(e))
#define IOAPIC_RTE_DM(e) (((e) >> 8) & 7)
#define IOAPIC_RTE_LOGICAL BIT(11)
#define IOAPIC_RTE_DELIVS BIT(12)     /* read-only, always idle here */
#define IOAPIC_RTE_ACTIVE_LOW BIT(13)
#define IOAPIC_RTE_REMOTE_IRR BIT(14) /* read-only */
#define IOAPIC_RTE_LEVEL BIT(15)
#define IOAPIC_RTE_MASKED BIT(16)
#define IOAPIC_RTE_DEST(e) ((uint32_t)((e) >> 56))

struct vioapic_hooks {
	/* Send one message; returns how many LAPICs accepted it. */
	unsigned (*deliver)(void *ctx, const struct vlapic_msg *m);
	/* Optional: an EOI cleared remote IRR of level-triggered 'pin'.
	 * Called before the pin is looked at again, so a hook that drops the
	 * line keeps it from being delivered anew. */
	void (*eoi)(void *ctx, unsigned pin);
};

struct vioapic {
	const struct vioapic_hooks *hooks;
	void *ctx;
	uint32_t id;      /* ID register: ID in bits 27:24 */
	uint8_t version;
	uint8_t regsel;
	uint32_t asserted; /* pin lines, one bit each */
	uint64_t rte[VIOAPIC_PINS];
	uint64_t delivered[VIOAPIC_PINS]; /* messages LAPICs took */
	uint64_t undelivered;             /* messages nobody took */
};

/* Reset state: every pin masked, edge, active high. */
void vioapic_init(struct vioapic *io, const struct vioapic_hooks *hooks,
		  void *ctx, uint8_t id, uint8_t version);

/* 32-bit MMIO at 'offset' in the IOAPIC page. */
uint32_t vioapic_mmio_read(struct vioapic *io, uint32_t offset);
void vioapic_mmio_write(struct vioapic *io, uint32_t offset, uint32_t val);

/* Drive pin 'pin': 'level' is the line as the device means it (true =
 * requesting); the polarity bit is the guest's description of the wire
 * (it follows our ACPI tables) and does not invert it.  Edge pins deliver
 * on a rising edge while unmasked (a masked edge is lost); level pins
 * deliver while asserted, unmasked and not awaiting EOI (remote IRR). */
void vioapic_set_irq(struct vioapic *io, unsigned pin, bool level);
/* The LAPICs' EOI of 'vector': clear remote IRR where it matches and
 * deliver again from pins still asserted. */
void vioapic_eoi(struct vioapic *io, uint8_t vector);

#endif
