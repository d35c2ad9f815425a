/* 16550 UART console. */
#ifndef DRIVERS_UART_H
#define DRIVERS_UART_H

#include "lib/types.h"

void uart_init(uint16_t port, uint32_t baud);
void uart_putc(char c);
void uart_write(const char *s, size_t n);
/* Wait until the transmitter is empty, so nothing is lost when the machine
 * stops right after. */
void uart_drain(void);
/* Non-blocking read: -1 when no byte is waiting. */
int uart_getc(void);
uint16_t uart_port(void);

#endif
