/* 16550 UART console, buffered output. */
#ifndef DRIVERS_UART_H
#define DRIVERS_UART_H

#include "lib/types.h"

void uart_init(uint16_t port, uint32_t baud);
void uart_putc(char c);
void uart_write(const char *s, size_t n);
/* Wait until the transmitter is empty, so nothing is lost when the machine
 * stops right after. */
void uart_drain(void);
/* Output is buffered: uart_pump() moves what the transmitter takes now
 * without waiting; uart_flush() waits until all of it is on the wire
 * (not for the last byte to leave: uart_drain()). */
void uart_pump(void);
void uart_flush(void);
bool uart_tx_pending(void);
/* Non-blocking read: -1 when no byte is waiting. */
int uart_getc(void);
uint16_t uart_port(void);

#endif
