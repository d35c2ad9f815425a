/* Virtual 16550A UART, one per VM: the eight registers from the port base
 * (the virtual PC puts it at COM1: guest/vpc/map.h), a 16-byte receive
 * FIFO fed by the console, and an interrupt line gated by MCR.OUT2 as on
 * a PC.
 *
 * Transmission is instant: a byte written to THR goes straight to the tx
 * hook (or, in loopback, to the receive FIFO), so THRE and TEMT always
 * read 1 and the transmit FIFO never holds anything.  The THRE interrupt
 * still follows the 16550 rules Linux tests at startup: it becomes pending
 * when THR empties (after every THR write) and when IER.ETBEI goes 0->1,
 * and it is cleared by writing THR or by reading IIR while it is the
 * source reported there.
 *
 * Receive interrupts without a timer: at or above the FIFO trigger level
 * IIR reports "data available" (0x04); below it, as soon as one byte
 * waits, the character timeout (0x0c) that a real 16550A would raise
 * four character times later.  Drivers read both the same way.
 *
 * The irq hook gets the level of the interrupt line, only when it
 * changes.  Writing THR while THRE is the only pending source drops and
 * raises the line again, so an edge-triggered PIC sees a fresh edge for
 * every byte, as with real hardware.  In loopback the modem outputs are
 * forced inactive (datasheet), so OUT2 and with it the line are off.
 *
 * Not modelled: parity, framing and break (LSR bits 2-4 and 7 read 0),
 * baud timing, DMA mode (FCR bit 3 is accepted and has no effect).
 * Reset values are what firmware leaves: 8N1 at 115200 baud (divisor 1).
 *
 * Not thread-safe: the caller serialises all calls; hooks must not call
 * back into the vuart.  Facts from the TI/National PC16550D datasheet. */
#ifndef GUEST_VUART_H
#define GUEST_VUART_H

#include "lib/types.h"

#define VUART_NR_REGS 8
#define VUART_FIFO_SIZE 16

/* Register offsets from the port base; DLL/DLM when LCR.DLAB = 1. */
enum {
	VUART_RBR = 0, /* read: receive buffer; write: THR */
	VUART_THR = 0,
	VUART_DLL = 0,
	VUART_IER = 1,
	VUART_DLM = 1,
	VUART_IIR = 2, /* read */
	VUART_FCR = 2, /* write */
	VUART_LCR = 3,
	VUART_MCR = 4,
	VUART_LSR = 5,
	VUART_MSR = 6,
	VUART_SCR = 7,
};

#define VUART_IER_ERBFI 0x01 /* receive data available */
#define VUART_IER_ETBEI 0x02 /* THR empty */
#define VUART_IER_ELSI 0x04  /* receiver line status */
#define VUART_IER_EDSSI 0x08 /* modem status */
#define VUART_IER_MASK 0x0f

#define VUART_IIR_NONE 0x01 /* no interrupt pending */
#define VUART_IIR_MSR 0x00
#define VUART_IIR_THRE 0x02
#define VUART_IIR_RDA 0x04
#define VUART_IIR_RLS 0x06
#define VUART_IIR_TIMEOUT 0x0c
#define VUART_IIR_ID_MASK 0x0f
#define VUART_IIR_FIFO 0xc0 /* FIFOs enabled */

#define VUART_FCR_ENABLE 0x01
#define VUART_FCR_CLEAR_RX 0x02
#define VUART_FCR_CLEAR_TX 0x04
#define VUART_FCR_DMA 0x08
#define VUART_FCR_TRIGGER 0xc0 /* 1, 4, 8, 14 bytes */

#define VUART_LCR_WLS 0x03 /* word length - 5 */
#define VUART_LCR_DLAB 0x80

#define VUART_MCR_DTR 0x01
#define VUART_MCR_RTS 0x02
#define VUART_MCR_OUT1 0x04
#define VUART_MCR_OUT2 0x08
#define VUART_MCR_LOOP 0x10
#define VUART_MCR_MASK 0x1f

#define VUART_LSR_DR 0x01
#define VUART_LSR_OE 0x02
#define VUART_LSR_THRE 0x20
#define VUART_LSR_TEMT 0x40

#define VUART_MSR_DCTS 0x01
#define VUART_MSR_DDSR 0x02
#define VUART_MSR_TERI 0x04
#define VUART_MSR_DDCD 0x08
#define VUART_MSR_DELTAS 0x0f
#define VUART_MSR_CTS 0x10
#define VUART_MSR_DSR 0x20
#define VUART_MSR_RI 0x40
#define VUART_MSR_DCD 0x80

struct vuart_hooks {
	void (*tx)(void *ctx, uint8_t byte); /* a byte left the UART */
	void (*irq)(void *ctx, bool level);  /* the interrupt line changed */
};

struct vuart {
	const struct vuart_hooks *hooks;
	void *ctx;
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	uint8_t fcr;         /* enable, DMA and trigger bits as written */
	uint8_t lsr_err;     /* OE, latched until LSR is read */
	uint8_t msr_delta;   /* MSR bits 3:0, cleared by reading MSR */
	bool thre_pending;   /* the THRE interrupt latch */
	bool irq_level;      /* last level given to the irq hook */
	uint8_t rx[VUART_FIFO_SIZE];
	uint8_t rx_head, rx_count;
	uint64_t tx_bytes;   /* given to the tx hook */
	uint64_t rx_bytes;   /* taken from vuart_rx_push */
	uint64_t overruns;   /* bytes lost to a full receiver */
};

/* Reset; the interrupt line starts low (the hook is not called). */
void vuart_init(struct vuart *u, const struct vuart_hooks *hooks, void *ctx);

/* Byte access to register 'reg' (0-7) from the port base; other numbers
 * read 0xff and ignore writes. */
uint8_t vuart_read(struct vuart *u, unsigned reg);
void vuart_write(struct vuart *u, unsigned reg, uint8_t val);

/* A byte from the console.  False when it was not stored: the receiver
 * was full (the byte is lost and LSR.OE set; with FIFOs off it replaces
 * the unread one, as on a 16450) or in loopback (input disconnected). */
bool vuart_rx_push(struct vuart *u, uint8_t byte);
/* True when vuart_rx_push would store a byte: check before pushing to
 * hold input back instead of losing it.  One byte without FIFOs. */
bool vuart_rx_room(const struct vuart *u);

/* Current level of the interrupt line. */
bool vuart_irq_level(const struct vuart *u);

#endif
