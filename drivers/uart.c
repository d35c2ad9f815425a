/* 16550-compatible UART: the hypervisor console.
 *
 * Output goes into a ring and leaves through the transmit FIFO without
 * waiting: whoever writes, and anyone who calls uart_pump() (a vCPU's
 * console bytes, the idle loop), puts up to a FIFO's worth on the wire
 * when the transmitter is empty.  Only a full ring, uart_drain() and
 * emergency output (uart_flush()) wait for the line. */
#include "drivers/uart.h"
#include "arch-x86/cpu.h"
#include "lib/spinlock.h"

/* Register offsets (DLAB=0 unless noted). */
#define UART_THR 0 /* transmit holding */
#define UART_RBR 0 /* receive buffer */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_FCR 2
#define UART_IIR 2 /* read */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07
#define IIR_FIFO_ON 0xc0
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_DATA_READY 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define UART_CLOCK 115200
#define FIFO_DEPTH 16

/* A power of two; free-running indices. */
#define TX_RING 16384u

static uint16_t base; /* 0: console disabled */
static unsigned tx_depth = 1; /* bytes THR takes once THRE is set */
static char tx_ring[TX_RING];
static size_t tx_head, tx_tail;
static struct spinlock tx_lock = SPINLOCK_INIT;

void uart_init(uint16_t port, uint32_t baud)
{
	uint16_t div = (uint16_t)(baud ? UART_CLOCK / baud : 1);

	base = port;
	if (!base)
		return;
	outb(base + UART_IER, 0);
	outb(base + UART_LCR, LCR_DLAB);
	outb(base + UART_DLL, div & 0xff);
	outb(base + UART_DLM, div >> 8);
	outb(base + UART_LCR, LCR_8N1);
	outb(base + UART_FCR, FCR_ENABLE_CLEAR);
	outb(base + UART_MCR, MCR_DTR_RTS_OUT2);
	/* A 16450 (or a 16550 with a broken FIFO) takes one byte at a time. */
	tx_depth = (inb(base + UART_IIR) & IIR_FIFO_ON) == IIR_FIFO_ON
			   ? FIFO_DEPTH : 1;
}

uint16_t uart_port(void)
{
	return base;
}

/* tx_lock held.  With THRE set the FIFO is empty: fill it. */
static bool tx_fill(void)
{
	if (!(inb(base + UART_LSR) & LSR_THRE))
		return false;
	for (unsigned i = 0; i < tx_depth && tx_tail != tx_head; i++)
		outb(base + UART_THR, (uint8_t)tx_ring[tx_tail++ % TX_RING]);
	return true;
}

/* tx_lock held.  Bounded wait: a missing UART must not hang the
 * hypervisor; after the bound the oldest byte is dropped. */
static void tx_wait_fill(void)
{
	for (unsigned spin = 0; spin < 100000; spin++)
		if (tx_fill())
			return;
	tx_tail++;
}

/* Held by a CPU that died with it (a fault, a panic elsewhere): go on
 * without it after a while rather than stay silent. */
static bool tx_lock_take(void)
{
	for (unsigned spin = 0; spin < 1000000; spin++) {
		if (spin_trylock(&tx_lock))
			return true;
		cpu_relax();
	}
	return false;
}

static void tx_put(char c)
{
	if (tx_head - tx_tail == TX_RING)
		tx_wait_fill();
	tx_ring[tx_head++ % TX_RING] = c;
}

void uart_putc(char c)
{
	uart_write(&c, 1);
}

void uart_write(const char *s, size_t n)
{
	bool locked;

	if (!base)
		return;
	locked = tx_lock_take();
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			tx_put('\r');
		tx_put(s[i]);
	}
	(void)tx_fill();
	if (locked)
		spin_unlock(&tx_lock);
}

bool uart_tx_pending(void)
{
	return READ_ONCE(tx_head) != READ_ONCE(tx_tail);
}

void uart_pump(void)
{
	if (!base || !uart_tx_pending() || !spin_trylock(&tx_lock))
		return;
	(void)tx_fill();
	spin_unlock(&tx_lock);
}

void uart_flush(void)
{
	bool locked;

	if (!base)
		return;
	locked = tx_lock_take();
	while (tx_tail != tx_head)
		tx_wait_fill();
	if (locked)
		spin_unlock(&tx_lock);
}

void uart_drain(void)
{
	if (!base)
		return;
	uart_flush();
	for (unsigned spin = 0; spin < 1000000; spin++)
		if ((inb(base + UART_LSR) & (LSR_THRE | LSR_TEMT)) ==
		    (LSR_THRE | LSR_TEMT))
			return;
}

int uart_getc(void)
{
	if (!base || !(inb(base + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(base + UART_RBR);
}
