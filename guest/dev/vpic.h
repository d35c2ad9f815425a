/* Virtual 8259A pair as wired in a PC: master at ports 0x20/0x21, slave at
 * 0xa0/0xa1 cascaded into master IR2, and the PIIX edge/level control
 * registers (ELCR) at 0x4d0/0x4d1.  Supports the ICW1-ICW4 sequence,
 * masking (OCW1), non-specific/specific EOI and the rotations (OCW2),
 * IRR/ISR reads, poll and special mask mode (OCW3), auto-EOI and special
 * fully nested mode.  8086 mode only; buffered mode is ignored.
 *
 * The master's INT output goes to the caller through the intr hook; the
 * vector comes from vpic_ack() (the INTA cycle) when the caller injects.
 * EOIs of level-triggered inputs come back through the eoi hook, so the
 * driver of a line held high (a host IRQ passed through) can drop it.
 *
 * Not thread-safe: the caller serialises all calls (one lock per pair).
 *
 * Facts from the Intel 8259A datasheet (231468) and the PIIX4 datasheet
 * (ELCR). */
#ifndef GUEST_VPIC_H
#define GUEST_VPIC_H

#include "lib/types.h"

#define VPIC_MASTER_CMD 0x20
#define VPIC_MASTER_DATA 0x21
#define VPIC_SLAVE_CMD 0xa0
#define VPIC_SLAVE_DATA 0xa1
#define VPIC_ELCR_MASTER 0x4d0
#define VPIC_ELCR_SLAVE 0x4d1
#define VPIC_CASCADE_IRQ 2

struct vpic_hooks {
	/* The master's INT output changed (true: an interrupt waits). */
	void (*intr)(void *ctx, bool level);
	/* Optional: an EOI took level-triggered IRQ 'irq' (0-15; ELCR bit
	 * or ICW1 LTIM) out of service: a non-specific or specific EOI
	 * command, or auto-EOI at the INTA.  Not called for edge inputs,
	 * the cascade, or an EOI that found the IRQ not in service.  Called
	 * before the input is looked at again, so a hook that drops the
	 * line (vpic_set_irq) keeps it from requesting anew. */
	void (*eoi)(void *ctx, unsigned irq);
};

struct vpic_chip {
	uint8_t irr, isr, imr;
	uint8_t lines;     /* input levels as last driven */
	uint8_t elcr;      /* level-triggered inputs (PIIX ELCR) */
	uint8_t elcr_mask; /* ELCR bits that exist */
	uint8_t base;      /* ICW2: vector of IR0 */
	uint8_t icw3;
	uint8_t top;       /* IR with the highest priority (rotation) */
	uint8_t init_step; /* 0: operating, else the ICW expected next */
	bool icw4_needed, single, ltim;
	bool auto_eoi, rotate_aeoi, sfnm;
	bool special_mask, read_isr, poll;
};

struct vpic {
	struct vpic_chip chip[2]; /* master, slave */
	const struct vpic_hooks *hooks;
	void *ctx;
	bool output;       /* master INT */
	uint64_t spurious; /* INTAs that found nothing (IRQ7/IRQ15) */
};

/* Power-on state as a PC BIOS leaves it: vectors 0x08 and 0x70, every
 * input masked, all edge-triggered. */
void vpic_init(struct vpic *pic, const struct vpic_hooks *hooks, void *ctx);

/* Drive ISA IRQ 0-15 ('level' true = high).  IRQ 2 is the cascade and
 * cannot be driven from outside. */
void vpic_set_irq(struct vpic *pic, unsigned irq, bool level);

/* Vector the next INTA would return, or -1 if INT is low (no change). */
int vpic_pending(const struct vpic *pic);
/* The INTA cycle: the vector to inject, IRR -> ISR (unless auto-EOI).
 * With nothing to give, the spurious vector of IR7 of the chip asked. */
uint8_t vpic_ack(struct vpic *pic);

/* Byte port access at 0x20/0x21, 0xa0/0xa1, 0x4d0/0x4d1; other ports
 * read 0xff and ignore writes. */
uint8_t vpic_io_read(struct vpic *pic, uint16_t port);
void vpic_io_write(struct vpic *pic, uint16_t port, uint8_t val);

#endif
