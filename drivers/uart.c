/* 16550-compatible UART: polled output, the hypervisor console. */
#include "drivers/uart.h"
#include "arch-x86/cpu.h"

/* Register offsets (DLAB=0 unless noted). */
#define UART_THR 0 /* transmit holding */
#define UART_RBR 0 /* receive buffer */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_DATA_READY 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define UART_CLOCK 115200

static uint16_t base; /* 0: console disabled */

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
}

uint16_t uart_port(void)
{
	return base;
}

void uart_putc(char c)
{
	/* Bounded wait: a missing UART must not hang the hypervisor. */
	for (unsigned spin = 0; spin < 100000; spin++)
		if (inb(base + UART_LSR) & LSR_THRE)
			break;
	outb(base + UART_THR, (uint8_t)c);
}

void uart_write(const char *s, size_t n)
{
	if (!base)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

void uart_drain(void)
{
	if (!base)
		return;
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
