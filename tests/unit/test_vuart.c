// UNIT-SOURCES: guest/dev/vuart.c
/* Virtual 16550A: Linux's 8250 probe and startup checks, the divisor
 * latch, transmit, the THRE interrupt rules, the receive FIFO with
 * overrun, interrupt identification and priority, the OUT2-gated line,
 * loopback and hostile accesses. */
#include "guest/dev/vuart.h"
#include "tests/unit/fakes.h"

static struct vuart u;
static uint8_t txbuf[512];
static unsigned ntx;
static unsigned nirq;  /* irq hook calls */
static unsigned rises; /* of which rising */
static bool line;

static void h_tx(void *ctx, uint8_t byte)
{
	assert_ptr_equal(ctx, &u);
	assert_true(ntx < sizeof(txbuf));
	txbuf[ntx++] = byte;
}

static void h_irq(void *ctx, bool level)
{
	assert_ptr_equal(ctx, &u);
	assert_true(level != line); /* only changes are reported */
	line = level;
	nirq++;
	rises += level;
}

static const struct vuart_hooks hooks = { .tx = h_tx, .irq = h_irq };

static int setup(void **state)
{
	(void)state;
	ntx = nirq = rises = 0;
	line = false;
	vuart_init(&u, &hooks, &u);
	return 0;
}

static uint8_t in(unsigned reg)
{
	return vuart_read(&u, reg);
}

static void out(unsigned reg, uint8_t v)
{
	vuart_write(&u, reg, v);
}

static void test_reset_state(void **state)
{
	(void)state;
	assert_int_equal(in(VUART_IER), 0);
	assert_int_equal(in(VUART_IIR), VUART_IIR_NONE);
	assert_int_equal(in(VUART_LCR), 0x03);
	assert_int_equal(in(VUART_MCR), 0);
	assert_int_equal(in(VUART_LSR), VUART_LSR_THRE | VUART_LSR_TEMT);
	assert_int_equal(in(VUART_MSR),
			 VUART_MSR_CTS | VUART_MSR_DSR | VUART_MSR_DCD);
	assert_int_equal(in(VUART_SCR), 0);
	assert_int_equal(in(VUART_RBR), 0); /* empty: nothing to read */
	out(VUART_LCR, 0x83);
	assert_int_equal(in(VUART_DLL), 1);
	assert_int_equal(in(VUART_DLM), 0);
	assert_false(vuart_irq_level(&u));
	assert_true(vuart_rx_room(&u));
	assert_int_equal(nirq, 0);
}

/* autoconfig(): IER scratch test, loopback test, EFR and FIFO probes. */
static void test_linux_autoconfig(void **state)
{
	(void)state;
	uint8_t save_ier = in(VUART_IER), save_mcr, save_lcr;

	out(VUART_IER, 0);
	assert_int_equal(in(VUART_IER) & 0x0f, 0);
	out(VUART_IER, 0x0f);
	assert_int_equal(in(VUART_IER) & 0x0f, 0x0f);
	out(VUART_IER, save_ier);

	save_mcr = in(VUART_MCR);
	save_lcr = in(VUART_LCR);
	for (unsigned v = 0; v < 256; v += 0x55) { /* LCR reads back */
		out(VUART_LCR, (uint8_t)v);
		assert_int_equal(in(VUART_LCR), v);
	}
	out(VUART_LCR, save_lcr);

	/* Loopback: RTS|OUT2 come back as CTS|DCD. */
	out(VUART_MCR, VUART_MCR_LOOP | 0x0a);
	assert_int_equal(in(VUART_MSR) & 0xf0, 0x90);
	out(VUART_MCR, 0x1f);
	assert_int_equal(in(VUART_MSR) & 0xf0, 0xf0);
	out(VUART_MCR, save_mcr);
	assert_int_equal(in(VUART_MSR) & 0xf0, 0xb0);

	/* EFR at offset 2 under LCR 0xbf is the FCR here: FIFOs off. */
	out(VUART_LCR, 0xbf);
	out(VUART_FCR, 0);
	out(VUART_LCR, 0);
	assert_int_equal(in(VUART_IIR) >> 6, 0);
	out(VUART_FCR, VUART_FCR_ENABLE);
	assert_int_equal(in(VUART_IIR) >> 6, 3); /* 16550A */

	/* No EFR: offset 2 reads IIR, non-zero, under either LCR key. */
	out(VUART_LCR, 0x80);
	assert_int_not_equal(in(VUART_IIR), 0);
	out(VUART_LCR, 0xbf);
	assert_int_not_equal(in(VUART_IIR), 0);

	/* Not a 16750: FCR bit 5 never shows as IIR bit 5, DLAB or not. */
	out(VUART_LCR, 0);
	out(VUART_FCR, 0xe7);
	assert_int_equal(in(VUART_IIR) & 0xe0, 0xc0);
	out(VUART_LCR, 0x80);
	out(VUART_FCR, 0xe7);
	assert_int_equal(in(VUART_IIR) & 0xe0, 0xc0);
	out(VUART_LCR, 0);

	/* Not an XScale: IER bit 6 (UUE) does not stick. */
	out(VUART_IER, 0x40);
	assert_int_equal(in(VUART_IER), 0);
	assert_int_equal(ntx, 0);
	assert_int_equal(nirq, 0);
}

/* size_fifo(): 256 bytes through loopback, count what DR yields. */
static void test_linux_fifo_size(void **state)
{
	(void)state;
	unsigned count;

	out(VUART_FCR, VUART_FCR_ENABLE | VUART_FCR_CLEAR_RX |
			       VUART_FCR_CLEAR_TX);
	out(VUART_MCR, VUART_MCR_LOOP);
	out(VUART_LCR, 0x80);
	out(VUART_DLL, 1);
	out(VUART_DLM, 0);
	out(VUART_LCR, 0x03);
	for (unsigned i = 0; i < 256; i++)
		out(VUART_THR, (uint8_t)i);
	for (count = 0; (in(VUART_LSR) & VUART_LSR_DR) && count < 256; count++)
		assert_int_equal(in(VUART_RBR), count); /* oldest first */
	assert_int_equal(count, VUART_FIFO_SIZE);
	assert_int_equal(ntx, 0); /* nothing left the UART */
	assert_int_equal(u.overruns, 256 - VUART_FIFO_SIZE);
	assert_int_equal(u.rx_bytes, 0); /* loopback is not console input */
	assert_int_equal(nirq, 0);
}

/* serial8250_do_startup(): the UART_BUG_THRE and UART_BUG_TXEN tests. */
static void test_linux_startup_thre(void **state)
{
	(void)state;
	uint8_t iir1, iir, lsr;

	out(VUART_FCR, VUART_FCR_ENABLE | VUART_FCR_CLEAR_RX |
			       VUART_FCR_CLEAR_TX);
	out(VUART_FCR, 0);
	in(VUART_LSR);
	in(VUART_RBR);
	in(VUART_IIR);
	in(VUART_MSR);
	assert_int_not_equal(in(VUART_LSR), 0xff);
	out(VUART_LCR, 0x03);
	out(VUART_MCR, VUART_MCR_DTR | VUART_MCR_RTS | VUART_MCR_OUT2);
	assert_int_equal(nirq, 0);

	out(VUART_IER, VUART_IER_ETBEI);
	assert_true(line);
	iir1 = in(VUART_IIR);
	assert_false(line);
	out(VUART_IER, 0);
	out(VUART_IER, VUART_IER_ETBEI);
	assert_true(line);
	iir = in(VUART_IIR);
	out(VUART_IER, 0);
	assert_int_equal(iir1, VUART_IIR_THRE);
	assert_int_equal(iir, VUART_IIR_THRE); /* re-asserted: no BUG_THRE */

	out(VUART_IER, VUART_IER_ETBEI);
	lsr = in(VUART_LSR);
	iir = in(VUART_IIR);
	out(VUART_IER, 0);
	assert_true(lsr & VUART_LSR_TEMT);
	assert_false(iir & VUART_IIR_NONE); /* no BUG_TXEN */
	assert_false(line);
	assert_int_equal(rises, 3);
}

static void test_divisor_latch(void **state)
{
	(void)state;
	out(VUART_IER, VUART_IER_ERBFI);
	out(VUART_LCR, VUART_LCR_DLAB | 0x03);
	out(VUART_DLL, 0x0c);
	out(VUART_DLM, 0x12);
	assert_int_equal(in(VUART_DLL), 0x0c);
	assert_int_equal(in(VUART_DLM), 0x12);
	assert_int_equal(ntx, 0); /* DLL is not THR */
	assert_int_equal(in(VUART_IIR), VUART_IIR_NONE); /* IIR ignores DLAB */
	out(VUART_LCR, 0x03);
	assert_int_equal(in(VUART_IER), VUART_IER_ERBFI); /* DLM is not IER */
	assert_true(vuart_rx_push(&u, 'x'));
	assert_int_equal(in(VUART_RBR), 'x');
	out(VUART_LCR, VUART_LCR_DLAB);
	assert_int_equal(in(VUART_DLL), 0x0c); /* kept */
	assert_int_equal(in(VUART_DLM), 0x12);
}

static void test_tx(void **state)
{
	(void)state;
	const char *msg = "hello\n";

	for (const char *p = msg; *p; p++) {
		out(VUART_THR, (uint8_t)*p);
		assert_int_equal(in(VUART_LSR),
				 VUART_LSR_THRE | VUART_LSR_TEMT);
	}
	assert_int_equal(ntx, 6);
	assert_memory_equal(txbuf, msg, 6);
	assert_int_equal(u.tx_bytes, 6);
	out(VUART_LCR, 0x02); /* 7 bits: the top bit is not sent */
	out(VUART_THR, 0xc1);
	out(VUART_LCR, 0x00); /* 5 bits */
	out(VUART_THR, 0xff);
	assert_int_equal(txbuf[6], 0x41);
	assert_int_equal(txbuf[7], 0x1f);
	assert_int_equal(nirq, 0); /* no interrupt enabled */
}

static void test_thre_interrupt(void **state)
{
	(void)state;
	out(VUART_MCR, VUART_MCR_OUT2);
	out(VUART_IER, VUART_IER_ETBEI);
	assert_true(line);
	assert_int_equal(in(VUART_IIR), VUART_IIR_THRE);
	assert_false(line);
	assert_int_equal(in(VUART_IIR), VUART_IIR_NONE); /* cleared */
	/* The byte leaves at once: THR empty again, interrupt again. */
	out(VUART_THR, 'a');
	assert_true(line);
	assert_int_equal(nirq, 3);
	/* Line high: the write drops it and the empty THR raises it. */
	out(VUART_THR, 'b');
	assert_true(line);
	assert_int_equal(nirq, 5);
	assert_int_equal(rises, 3);
	assert_int_equal(in(VUART_IIR), VUART_IIR_THRE);
	/* No 0->1 transition of ETBEI: nothing new. */
	out(VUART_IER, VUART_IER_ETBEI | VUART_IER_ERBFI);
	assert_int_equal(in(VUART_IIR), VUART_IIR_NONE);
	assert_false(line);
	/* Pending but disabled is not reported; disabling drops the line. */
	out(VUART_THR, 'c');
	assert_true(line);
	out(VUART_IER, 0);
	assert_false(line);
	assert_int_equal(in(VUART_IIR), VUART_IIR_NONE);
	/* An IIR read that reports another source leaves THRE pending. */
	out(VUART_FCR, VUART_FCR_ENABLE);
	out(VUART_IER, VUART_IER_ETBEI | VUART_IER_ERBFI);
	assert_true(vuart_rx_push(&u, 'z'));
	assert_int_equal(in(VUART_IIR), VUART_IIR_FIFO | VUART_IIR_RDA);
	assert_int_equal(in(VUART_RBR), 'z');
	assert_int_equal(in(VUART_IIR), VUART_IIR_FIFO | VUART_IIR_THRE);
	assert_int_equal(in(VUART_IIR), VUART_IIR_FIFO | VUART_IIR_NONE);
	assert_int_equal(ntx, 3);
}

static void test_rx_fifo_and_overrun(void **state)
{
	(void)state;
	out(VUART_FCR, VUART_FCR_ENABLE);
	for (unsigned i = 0; i < VUART_FIFO_SIZE; i++) {
		assert_true(vuart_rx_room(&u));
		assert_true(vuart_rx_push(&u, (uint8_t)(0x30 + i)));
	}
	assert_false(vuart_rx_room(&u));
	assert_false(vuart_rx_push(&u, 'X')); /* lost */
	assert_int_equal(u.rx_bytes, VUART_FIFO_SIZE);
	assert_int_equal(u.overruns, 1);
	assert_int_equal(in(VUART_LSR), VUART_LSR_THRE | VUART_LSR_TEMT |
						VUART_LSR_OE | VUART_LSR_DR);
	assert_int_equal(in(VUART_LSR) & VUART_LSR_OE, 0); /* read clears */
	for (unsigned i = 0; i < VUART_FIFO_SIZE; i++) {
		assert_true(in(VUART_LSR) & VUART_LSR_DR);
		assert_int_equal(in(VUART_RBR), 0x30 + i);
	}
	assert_false(in(VUART_LSR) & VUART_LSR_DR);
	assert_true(vuart_rx_room(&u));
	/* The ring wraps: fill from the middle. */
	for (unsigned i = 0; i < 10; i++) {
		assert_true(vuart_rx_push(&u, (uint8_t)i));
		assert_int_equal(in(VUART_RBR), i);
	}
	for (unsigned i = 0; i < VUART_FIFO_SIZE; i++)
		assert_true(vuart_rx_push(&u, (uint8_t)(0x80 + i)));
	assert_false(vuart_rx_room(&u));
	for (unsigned i = 0; i < VUART_FIFO_SIZE; i++)
		assert_int_equal(in(VUART_RBR), 0x80 + i);
	assert_int_equal(u.overruns, 1);
	assert_int_equal(nirq, 0);
}

/* FIFOs off: one RBR, a new byte overwrites the unread one. */
static void test_rx_without_fifo(void **state)
{
	(void)state;
	assert_true(vuart_rx_push(&u, 'a'));
	assert_false(vuart_rx_room(&u));
	assert_false(vuart_rx_push(&u, 'b'));
	assert_int_equal(in(VUART_LSR) & (VUART_LSR_OE | VUART_LSR_DR),
			 VUART_LSR_OE | VUART_LSR_DR);
	assert_int_equal(in(VUART_RBR), 'b');
	assert_false(in(VUART_LSR) & VUART_LSR_DR);
	out(VUART_LCR, 0x02); /* 7-bit characters */
	assert_true(vuart_rx_push(&u, 0xe1));
	assert_int_equal(in(VUART_RBR), 0x61);
}

static void test_fcr_clear_and_toggle(void **state)
{
	(void)state;
	out(VUART_FCR, VUART_FCR_ENABLE);
	vuart_rx_push(&u, 1);
	vuart_rx_push(&u, 2);
	out(VUART_FCR, VUART_FCR_ENABLE | VUART_FCR_CLEAR_TX);
	assert_true(in(VUART_LSR) & VUART_LSR_DR); /* TX clear only */
	out(VUART_FCR, VUART_FCR_ENABLE | VUART_FCR_CLEAR_RX);
	assert_false(in(VUART_LSR) & VUART_LSR_DR);
	vuart_rx_push(&u, 3);
	out(VUART_FCR, 0); /* disabling empties the FIFO */
	assert_false(in(VUART_LSR) & VUART_LSR_DR);
	assert_int_equal(in(VUART_IIR), VUART_IIR_NONE);
	vuart_rx_push(&u, 4);
	out(VUART_FCR, VUART_FCR_ENABLE); /* and so does enabling */
	assert_false(in(VUART_LSR) & VUART_LSR_DR);
	vuart_rx_push(&u, 5);
	out(VUART_FCR, VUART_FCR_ENABLE | 0x80); /* re-enable: kept */
	assert_int_equal(in(VUART_RBR), 5);
}

static void test_rx_interrupt(void **state)
{
	(void)state;
	out(VUART_MCR, VUART_MCR_OUT2);
	out(VUART_FCR, VUART_FCR_ENABLE | 0x80); /* trigger level 8 */
	out(VUART_IER, VUART_IER_ERBFI);
	assert_false(line);
	vuart_rx_push(&u, 'a');
	assert_true(line);
	assert_int_equal(in(VUART_IIR), VUART_IIR_FIFO | VUART_IIR_TIMEOUT);
	for (unsigned i = 1; i < 8; i++)
		vuart_rx_push(&u, (uint8_t)('a' + i));
	assert_int_equal(in(VUART_IIR), VUART_IIR_FIFO | VUART_IIR_RDA);
	assert_int_equal(in(VUART_RBR), 'a');
	assert_int_equal(in(VUART_IIR), VUART_IIR_FIFO | VUART_IIR_TIMEOUT);
	for (unsigned i = 1; i < 8; i++)
		assert_true(line && in(VUART_RBR) == 'a' + i);
	assert_false(line);
	assert_int_equal(in(VUART_IIR), VUART_IIR_FIFO | VUART_IIR_NONE);
	assert_int_equal(nirq, 2);
	/* Trigger 14 and 1. */
	out(VUART_FCR, VUART_FCR_ENABLE | 0xc0);
	for (unsigned i = 0; i < 13; i++)
		vuart_rx_push(&u, 0);
	assert_int_equal(in(VUART_IIR) & 0x0f, VUART_IIR_TIMEOUT);
	vuart_rx_push(&u, 0);
	assert_int_equal(in(VUART_IIR) & 0x0f, VUART_IIR_RDA);
	out(VUART_FCR, VUART_FCR_ENABLE | VUART_FCR_CLEAR_RX);
	assert_false(line);
	vuart_rx_push(&u, 0);
	assert_int_equal(in(VUART_IIR) & 0x0f, VUART_IIR_RDA);
	/* Without FIFOs, data available as soon as RBR is full. */
	out(VUART_FCR, 0);
	vuart_rx_push(&u, 0);
	assert_int_equal(in(VUART_IIR), VUART_IIR_RDA);
	/* Receiver line status: overrun with ELSI. */
	out(VUART_IER, VUART_IER_ELSI);
	assert_false(line);
	vuart_rx_push(&u, 1);
	assert_true(line);
	assert_int_equal(in(VUART_IIR), VUART_IIR_RLS);
	in(VUART_LSR);
	assert_false(line);
}

static void test_iir_priority(void **state)
{
	(void)state;
	/* Modem deltas: in and out of loopback. */
	out(VUART_MCR, VUART_MCR_LOOP);
	out(VUART_MCR, VUART_MCR_OUT2);
	out(VUART_FCR, VUART_FCR_ENABLE | 0x40); /* trigger 4 */
	for (unsigned i = 0; i <= VUART_FIFO_SIZE; i++)
		vuart_rx_push(&u, (uint8_t)i); /* the last one overruns */
	assert_int_equal(nirq, 0);
	out(VUART_IER, VUART_IER_MASK);
	assert_true(line);
	assert_int_equal(in(VUART_IIR), VUART_IIR_FIFO | VUART_IIR_RLS);
	assert_int_equal(in(VUART_IIR), VUART_IIR_FIFO | VUART_IIR_RLS);
	in(VUART_LSR);
	assert_int_equal(in(VUART_IIR), VUART_IIR_FIFO | VUART_IIR_RDA);
	for (unsigned i = 0; i < VUART_FIFO_SIZE - 3; i++)
		in(VUART_RBR);
	assert_int_equal(in(VUART_IIR), VUART_IIR_FIFO | VUART_IIR_TIMEOUT);
	for (unsigned i = 0; i < 3; i++)
		in(VUART_RBR);
	assert_int_equal(in(VUART_IIR), VUART_IIR_FIFO | VUART_IIR_THRE);
	assert_int_equal(in(VUART_IIR), VUART_IIR_FIFO | VUART_IIR_MSR);
	assert_true(line);
	assert_int_equal(in(VUART_MSR), VUART_MSR_CTS | VUART_MSR_DSR |
						VUART_MSR_DCD | VUART_MSR_DCTS |
						VUART_MSR_DDSR | VUART_MSR_DDCD);
	assert_int_equal(in(VUART_MSR) & VUART_MSR_DELTAS, 0);
	assert_int_equal(in(VUART_IIR), VUART_IIR_FIFO | VUART_IIR_NONE);
	assert_false(line);
	assert_int_equal(nirq, 2); /* one high stretch for all four */
}

static void test_out2_gates_line(void **state)
{
	(void)state;
	out(VUART_IER, VUART_IER_ETBEI);
	out(VUART_THR, 'a');
	assert_int_equal(nirq, 0); /* pending but OUT2 off */
	out(VUART_MCR, VUART_MCR_OUT2);
	assert_true(line);
	out(VUART_MCR, VUART_MCR_DTR);
	assert_false(line);
	out(VUART_MCR, VUART_MCR_OUT2 | VUART_MCR_LOOP); /* outputs forced off */
	assert_false(line);
	assert_true(vuart_rx_push(&u, 'x') == false);
	assert_int_equal(in(VUART_IIR), VUART_IIR_THRE); /* still identified */
	out(VUART_IER, 0);
	out(VUART_MCR, VUART_MCR_OUT2);
	assert_false(line);
	assert_int_equal(nirq, 2);
}

static void test_loopback(void **state)
{
	(void)state;
	out(VUART_MCR, VUART_MCR_LOOP);
	assert_false(vuart_rx_room(&u)); /* input disconnected */
	assert_false(vuart_rx_push(&u, 'q'));
	assert_int_equal(u.overruns, 0);
	out(VUART_IER, VUART_IER_ERBFI);
	out(VUART_THR, 'L');
	assert_int_equal(ntx, 0);
	assert_int_equal(u.tx_bytes, 0);
	assert_true(in(VUART_LSR) & VUART_LSR_DR);
	assert_int_equal(in(VUART_IIR), VUART_IIR_RDA);
	assert_int_equal(in(VUART_RBR), 'L');
	/* All four outputs mapped; the deltas follow them. */
	in(VUART_MSR);
	out(VUART_MCR, VUART_MCR_LOOP | VUART_MCR_DTR);
	assert_int_equal(in(VUART_MSR), VUART_MSR_DSR | VUART_MSR_DDSR);
	out(VUART_MCR, VUART_MCR_LOOP | VUART_MCR_RTS);
	assert_int_equal(in(VUART_MSR),
			 VUART_MSR_CTS | VUART_MSR_DCTS | VUART_MSR_DDSR);
	out(VUART_MCR, VUART_MCR_LOOP | VUART_MCR_OUT1);
	assert_int_equal(in(VUART_MSR), VUART_MSR_RI | VUART_MSR_DCTS);
	out(VUART_MCR, VUART_MCR_LOOP | VUART_MCR_OUT2);
	assert_int_equal(in(VUART_MSR),
			 VUART_MSR_DCD | VUART_MSR_TERI | VUART_MSR_DDCD);
	/* Modem status interrupt is identified, line stays off. */
	out(VUART_IER, VUART_IER_EDSSI);
	out(VUART_MCR, VUART_MCR_LOOP);
	assert_int_equal(in(VUART_IIR), VUART_IIR_MSR);
	in(VUART_MSR);
	assert_int_equal(in(VUART_IIR), VUART_IIR_NONE);
	out(VUART_MCR, 0);
	assert_true(vuart_rx_room(&u));
	assert_int_equal(nirq, 0);
}

static void test_hostile_accesses(void **state)
{
	(void)state;
	struct vuart before;
	const unsigned regs[] = { 8, 9, 15, 0x100, 0x3f8, ~0u };

	out(VUART_FCR, VUART_FCR_ENABLE);
	vuart_rx_push(&u, 7);
	memcpy(&before, &u, sizeof(u));
	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++) {
		assert_int_equal(in(regs[i]), 0xff);
		out(regs[i], 0x5a);
	}
	assert_memory_equal(&before, &u, sizeof(u));

	out(VUART_IER, 0xff);
	assert_int_equal(in(VUART_IER), VUART_IER_MASK);
	out(VUART_IER, 0);
	out(VUART_MCR, 0xe0); /* reserved bits only */
	assert_int_equal(in(VUART_MCR), 0);
	out(VUART_LSR, 0xff); /* read-only */
	out(VUART_MSR, 0xff);
	assert_int_equal(in(VUART_LSR), VUART_LSR_THRE | VUART_LSR_TEMT |
						VUART_LSR_DR);
	assert_int_equal(in(VUART_MSR),
			 VUART_MSR_CTS | VUART_MSR_DSR | VUART_MSR_DCD);
	/* FCR bits are only taken with the enable bit. */
	out(VUART_FCR, 0xfe);
	assert_int_equal(in(VUART_IIR), VUART_IIR_NONE);
	assert_false(in(VUART_LSR) & VUART_LSR_DR);
	out(VUART_FCR, 0x31); /* reserved bits 5:4 */
	assert_int_equal(in(VUART_IIR), VUART_IIR_FIFO | VUART_IIR_NONE);
	/* Reading an empty receiver changes nothing. */
	for (unsigned i = 0; i < 40; i++)
		assert_int_equal(in(VUART_RBR), 0);
	assert_true(vuart_rx_push(&u, 9));
	assert_int_equal(in(VUART_RBR), 9);
	out(VUART_SCR, 0xa5);
	assert_int_equal(in(VUART_SCR), 0xa5);
	assert_int_equal(nirq, 0);
	assert_int_equal(ntx, 0);
}

/* Hooks may be left out. */
static void test_null_hooks(void **state)
{
	(void)state;
	static const struct vuart_hooks none = { 0 };

	vuart_init(&u, &none, NULL);
	out(VUART_MCR, VUART_MCR_OUT2);
	out(VUART_IER, VUART_IER_ETBEI);
	out(VUART_THR, 'a');
	assert_true(vuart_irq_level(&u));
	assert_int_equal(u.tx_bytes, 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_reset_state),
		T(test_linux_autoconfig),
		T(test_linux_fifo_size),
		T(test_linux_startup_thre),
		T(test_divisor_latch),
		T(test_tx),
		T(test_thre_interrupt),
		T(test_rx_fifo_and_overrun),
		T(test_rx_without_fifo),
		T(test_fcr_clear_and_toggle),
		T(test_rx_interrupt),
		T(test_iir_priority),
		T(test_out2_gates_line),
		T(test_loopback),
		T(test_hostile_accesses),
		T(test_null_hooks),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
