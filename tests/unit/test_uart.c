// UNIT-SOURCES:
/* The hypervisor console's UART driver (drivers/uart.c) against a model
 * 16550: output is buffered and leaves a FIFO's worth at a time without
 * waiting, never overruns the FIFO, keeps its order, turns "\n" into
 * "\r\n"; a full ring, uart_flush() and uart_drain() wait for the wire;
 * a chip without FIFOs gets one byte per THRE.  And printk's hooks for a
 * buffering console. */
#include "arch-x86/cpu.h"
#include "tests/unit/fakes.h"
#include "lib/printk.h"
#include <string.h>

/* The driver's port accesses go to the model below. */
static uint8_t fake_inb(uint16_t port);
static void fake_outb(uint16_t port, uint8_t v);
#define inb(p) fake_inb(p)
#define outb(p, v) fake_outb(p, v)
#include "drivers/uart.c"
#undef inb
#undef outb

#define PORT 0x3f8

static struct {
	bool has_fifo;   /* a 16550A; else a 16450 */
	bool fifo_on;    /* FCR bit 0 written */
	uint8_t lcr;
	unsigned in_fifo; /* bytes the transmitter still holds */
	unsigned busy;   /* LSR reads until the transmitter is empty (0: manual) */
	unsigned polls;  /* LSR reads while busy */
	char wire[4 * TX_RING];
	size_t nwire;
	unsigned lsr_reads;
} m;

static unsigned depth(void)
{
	return m.has_fifo && m.fifo_on ? FIFO_DEPTH : 1;
}

static uint8_t fake_inb(uint16_t port)
{
	switch (port - PORT) {
	case UART_IIR:
		return m.has_fifo && m.fifo_on ? 0xc1 : 0x01;
	case UART_LSR:
		m.lsr_reads++;
		if (m.in_fifo && m.busy && ++m.polls >= m.busy) {
			m.in_fifo = 0;
			m.polls = 0;
		}
		return m.in_fifo ? 0 : LSR_THRE | LSR_TEMT;
	default:
		return 0;
	}
}

static void fake_outb(uint16_t port, uint8_t v)
{
	switch (port - PORT) {
	case UART_THR:
		if (m.lcr & LCR_DLAB)
			break; /* the divisor latch */
		/* Never more than the transmitter holds. */
		assert_true(m.in_fifo < depth());
		assert_true(m.nwire < sizeof(m.wire));
		m.in_fifo++;
		m.wire[m.nwire++] = (char)v;
		break;
	case UART_FCR:
		m.fifo_on = v & 1;
		break;
	case UART_LCR:
		m.lcr = v;
		break;
	default:
		break;
	}
}

/* The transmitter sent what it held. */
static void wire_idle(void)
{
	m.in_fifo = 0;
}

static int setup_fifo(void **state)
{
	(void)state;
	memset(&m, 0, sizeof(m));
	m.has_fifo = true;
	tx_head = tx_tail = 0;
	uart_init(PORT, 115200);
	return 0;
}

static int setup_16450(void **state)
{
	(void)state;
	memset(&m, 0, sizeof(m));
	tx_head = tx_tail = 0;
	uart_init(PORT, 115200);
	return 0;
}

static void test_write_does_not_wait(void **state)
{
	const char *s = "0123456789abcdefghijklmnopqrstuvwxyz";

	(void)state;
	assert_int_equal(tx_depth, FIFO_DEPTH);
	uart_write(s, strlen(s));
	/* One FIFO's worth went out; one look at LSR, no waiting. */
	assert_int_equal(m.nwire, FIFO_DEPTH);
	assert_int_equal(m.lsr_reads, 1);
	assert_true(uart_tx_pending());
	/* The transmitter is still busy: a pump sends nothing. */
	uart_pump();
	assert_int_equal(m.nwire, FIFO_DEPTH);
	wire_idle();
	uart_pump();
	assert_int_equal(m.nwire, 2 * FIFO_DEPTH);
	wire_idle();
	uart_pump();
	assert_int_equal(m.nwire, strlen(s));
	assert_false(uart_tx_pending());
	assert_memory_equal(m.wire, s, strlen(s));
	/* Nothing pending: a pump does not even read LSR. */
	m.lsr_reads = 0;
	uart_pump();
	assert_int_equal(m.lsr_reads, 0);
}

static void test_newline_and_order(void **state)
{
	(void)state;
	m.busy = 3;
	uart_write("ab\n", 3);
	uart_putc('c');
	uart_write("\nd", 2);
	uart_flush();
	assert_false(uart_tx_pending());
	assert_int_equal(m.nwire, 8);
	assert_memory_equal(m.wire, "ab\r\nc\r\nd", 8);
}

/* More than the ring holds: the writer waits for the wire instead of
 * dropping or overwriting anything. */
static void test_full_ring_waits(void **state)
{
	static char big[TX_RING + 100];

	(void)state;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	m.busy = 5;
	uart_write(big, sizeof(big));
	assert_true(m.nwire >= sizeof(big) - TX_RING);
	uart_flush();
	assert_int_equal(m.nwire, sizeof(big));
	assert_memory_equal(m.wire, big, sizeof(big));
}

static void test_drain_waits_for_all(void **state)
{
	(void)state;
	m.busy = 2;
	uart_write("hello, world\n and more than one FIFO of it\n", 43);
	uart_drain();
	assert_false(uart_tx_pending());
	assert_int_equal(m.in_fifo, 0);
	assert_int_equal(m.nwire, 45);
}

static void test_16450_one_byte_per_thre(void **state)
{
	(void)state;
	assert_int_equal(tx_depth, 1);
	uart_write("xyz", 3);
	assert_int_equal(m.nwire, 1);
	wire_idle();
	uart_pump();
	assert_int_equal(m.nwire, 2);
	m.busy = 2;
	uart_flush();
	assert_memory_equal(m.wire, "xyz", 3);
}

static void test_no_port(void **state)
{
	(void)state;
	memset(&m, 0, sizeof(m));
	uart_init(0, 115200);
	uart_write("lost", 4);
	uart_pump();
	uart_flush();
	uart_drain();
	assert_int_equal(m.nwire, 0);
	assert_int_equal(m.lsr_reads, 0);
	assert_int_equal(uart_getc(), -1);
}

/* ---- printk's hooks for a buffering console ---- */

static unsigned nsink, npump, nflush;

static void sink(const char *s, size_t n)
{
	(void)s;
	(void)n;
	nsink++;
}

static void pump(void)
{
	npump++;
}

static void flush(void)
{
	nflush++;
}

static void test_printk_buffering_hooks(void **state)
{
	(void)state;
	console_pump();
	console_flush(); /* no hooks yet: nothing happens */
	console_register(sink);
	console_set_buffering(pump, flush);
	pr_info("a line\n");
	assert_int_equal(nsink, 1);
	/* Normal output is left to the console's own pace. */
	assert_int_equal(nflush, 0);
	console_pump();
	console_flush();
	assert_int_equal(npump, 1);
	assert_int_equal(nflush, 1);
	/* After an emergency every line goes out before printk returns. */
	printk_emergency();
	pr_err("panic\n");
	assert_int_equal(nsink, 2);
	assert_int_equal(nflush, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_write_does_not_wait, setup_fifo),
		cmocka_unit_test_setup(test_newline_and_order, setup_fifo),
		cmocka_unit_test_setup(test_full_ring_waits, setup_fifo),
		cmocka_unit_test_setup(test_drain_waits_for_all, setup_fifo),
		cmocka_unit_test_setup(test_16450_one_byte_per_thre, setup_16450),
		cmocka_unit_test(test_no_port),
		cmocka_unit_test(test_printk_buffering_hooks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
