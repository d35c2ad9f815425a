// FUZZ-SOURCES: guest/dev/vuart.c
/* The virtual 16550A (guest/dev/vuart.c) driven by a sequence of
 * operations decoded from the input: register writes and reads (DLAB
 * included) and bytes arriving from the console.  After each one the
 * datasheet's rules that the model promises must hold: THRE and TEMT
 * always set, DR exactly when the FIFO holds a byte, at most 16 bytes
 * held, IIR a valid identification with the FIFO bits as FCR says, the
 * interrupt line reported only on a change, never up without OUT2 or in
 * loopback, and every THR byte outside loopback given to the tx hook. */
#include "guest/dev/vuart.h"
#include "tests/fuzz/fuzz.h"

static struct vuart u;
static bool line;
static unsigned irq_calls;
static uint64_t tx_seen;

static void tx(void *ctx, uint8_t byte)
{
	(void)ctx;
	(void)byte;
	tx_seen++;
}

static void irq(void *ctx, bool level)
{
	(void)ctx;
	FUZZ_CHECKF(level != line, "irq hook called with unchanged level %d", level);
	line = level;
	irq_calls++;
}

static const struct vuart_hooks hooks = { tx, irq };

static void check_iir(uint8_t iir)
{
	uint8_t id = iir & VUART_IIR_ID_MASK;

	FUZZ_CHECKF(id == VUART_IIR_NONE || id == VUART_IIR_MSR ||
		    id == VUART_IIR_THRE || id == VUART_IIR_RDA ||
		    id == VUART_IIR_RLS || id == VUART_IIR_TIMEOUT, "IIR %#x", iir);
	FUZZ_CHECK((iir & 0x30) == 0);
	FUZZ_CHECK((iir & VUART_IIR_FIFO) ==
		   (u.fcr & VUART_FCR_ENABLE ? VUART_IIR_FIFO : 0));
	/* Received data is reported only with ERBFI. */
	if (id == VUART_IIR_RDA || id == VUART_IIR_TIMEOUT)
		FUZZ_CHECK((u.ier & VUART_IER_ERBFI) && u.rx_count);
	if (id == VUART_IIR_THRE)
		FUZZ_CHECK(u.ier & VUART_IER_ETBEI);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);

	line = false;
	irq_calls = 0;
	tx_seen = 0;
	vuart_init(&u, &hooks, NULL);
	FUZZ_CHECK(line == vuart_irq_level(&u));
	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f), reg = op & 7, val;
		bool loop = u.mcr & VUART_MCR_LOOP, dlab = u.lcr & VUART_LCR_DLAB;
		uint8_t count = u.rx_count;
		uint64_t tx0 = tx_seen, overruns = u.overruns;

		switch ((op >> 3) % 3) {
		case 0:
			val = fz_u8(&f);
			vuart_write(&u, reg, val);
			if (reg == VUART_THR && !dlab)
				FUZZ_CHECK(tx_seen == tx0 + !loop);
			else
				FUZZ_CHECK(tx_seen == tx0);
			if (reg == VUART_SCR)
				FUZZ_CHECK(vuart_read(&u, VUART_SCR) == val);
			break;
		case 1:
			val = vuart_read(&u, reg);
			if (reg == VUART_LSR) {
				FUZZ_CHECK((val & (VUART_LSR_THRE | VUART_LSR_TEMT)) ==
					   (VUART_LSR_THRE | VUART_LSR_TEMT));
				FUZZ_CHECK(!!(val & VUART_LSR_DR) == (count != 0));
			} else if (reg == VUART_IIR) {
				check_iir(val);
			} else if (reg == VUART_IER && !dlab) {
				FUZZ_CHECK((val & ~VUART_IER_MASK) == 0);
			} else if (reg == VUART_MCR) {
				FUZZ_CHECK((val & ~VUART_MCR_MASK) == 0);
			} else if (reg == VUART_RBR && !dlab && count) {
				FUZZ_CHECK(u.rx_count == count - 1);
			}
			break;
		default: {
			/* One byte without FIFOs, none in loopback. */
			unsigned cap = loop ? 0 : u.fcr & VUART_FCR_ENABLE ?
				       VUART_FIFO_SIZE : 1;
			bool room = vuart_rx_room(&u);
			bool took = vuart_rx_push(&u, fz_u8(&f));

			FUZZ_CHECK(room == (count < cap));
			FUZZ_CHECK(took == room);
			FUZZ_CHECK(u.overruns == overruns + (!took && !loop));
			break;
		}
		}
		FUZZ_CHECK(u.rx_count <= VUART_FIFO_SIZE);
		FUZZ_CHECK(u.rx_head < VUART_FIFO_SIZE);
		FUZZ_CHECK(line == vuart_irq_level(&u));
		if (!(u.mcr & VUART_MCR_OUT2) || (u.mcr & VUART_MCR_LOOP))
			FUZZ_CHECK(!line);
		FUZZ_CHECK(u.tx_bytes == tx_seen);
	}
	return 0;
}
