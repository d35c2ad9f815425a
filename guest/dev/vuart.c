/* Virtual 16550A: registers, the receive FIFO, interrupt identification
 * and the OUT2-gated interrupt line. */
#include "guest/dev/vuart.h"

/* Receive trigger levels selected by FCR bits 7:6. */
static const uint8_t trigger_levels[4] = { 1, 4, 8, 14 };

static bool fifo_on(const struct vuart *u)
{
	return u->fcr & VUART_FCR_ENABLE;
}

static bool loopback(const struct vuart *u)
{
	return u->mcr & VUART_MCR_LOOP;
}

/* Without FIFOs the receiver is the one-byte RBR of a 16450. */
static unsigned rx_capacity(const struct vuart *u)
{
	return fifo_on(u) ? VUART_FIFO_SIZE : 1;
}

/* Characters shorter than 8 bits carry 0 in the unused high bits. */
static uint8_t word_mask(const struct vuart *u)
{
	return (uint8_t)(0xff >> (3 - (u->lcr & VUART_LCR_WLS)));
}

/* MSR bits 7:4.  The console is always ready (CTS, DSR, DCD; no ring).
 * In loopback the outputs feed the inputs: RTS->CTS, DTR->DSR, OUT1->RI
 * and OUT2->DCD. */
static uint8_t modem_inputs(const struct vuart *u)
{
	uint8_t m = u->mcr;

	if (!loopback(u))
		return VUART_MSR_CTS | VUART_MSR_DSR | VUART_MSR_DCD;
	return (uint8_t)(((m & VUART_MCR_RTS) ? VUART_MSR_CTS : 0) |
			 ((m & VUART_MCR_DTR) ? VUART_MSR_DSR : 0) |
			 ((m & VUART_MCR_OUT1) ? VUART_MSR_RI : 0) |
			 ((m & VUART_MCR_OUT2) ? VUART_MSR_DCD : 0));
}

/* Delta bits sit four below their inputs; RI only reports its trailing
 * (falling) edge. */
static void modem_changed(struct vuart *u, uint8_t old)
{
	uint8_t now = modem_inputs(u), diff = old ^ now;

	u->msr_delta |= (diff >> 4) &
			(VUART_MSR_DCTS | VUART_MSR_DDSR | VUART_MSR_DDCD);
	if (old & ~now & VUART_MSR_RI)
		u->msr_delta |= VUART_MSR_TERI;
}

/* IIR bits 3:0: the enabled source of highest priority. */
static uint8_t pending_source(const struct vuart *u)
{
	if ((u->ier & VUART_IER_ELSI) && u->lsr_err)
		return VUART_IIR_RLS;
	if ((u->ier & VUART_IER_ERBFI) && u->rx_count) {
		/* Below the trigger level: the character timeout, at once. */
		if (fifo_on(u) &&
		    u->rx_count < trigger_levels[u->fcr >> 6])
			return VUART_IIR_TIMEOUT;
		return VUART_IIR_RDA;
	}
	if ((u->ier & VUART_IER_ETBEI) && u->thre_pending)
		return VUART_IIR_THRE;
	if ((u->ier & VUART_IER_EDSSI) && u->msr_delta)
		return VUART_IIR_MSR;
	return VUART_IIR_NONE;
}

/* A PC drives IRQ 4 only while OUT2 is set; loopback forces OUT2 off. */
static void update_irq(struct vuart *u)
{
	bool level = pending_source(u) != VUART_IIR_NONE &&
		     (u->mcr & (VUART_MCR_OUT2 | VUART_MCR_LOOP)) ==
			     VUART_MCR_OUT2;

	if (level == u->irq_level)
		return;
	u->irq_level = level;
	if (u->hooks->irq)
		u->hooks->irq(u->ctx, level);
}

static void clear_rx(struct vuart *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

/* A character completed in the receiver (console or loopback). */
static bool receive(struct vuart *u, uint8_t byte)
{
	byte &= word_mask(u);
	if (u->rx_count >= rx_capacity(u)) {
		/* FIFO: the new character is lost; 16450: it overwrites RBR. */
		if (!fifo_on(u))
			u->rx[u->rx_head] = byte;
		u->lsr_err |= VUART_LSR_OE;
		u->overruns++;
		update_irq(u);
		return false;
	}
	u->rx[(u->rx_head + u->rx_count) % VUART_FIFO_SIZE] = byte;
	u->rx_count++;
	update_irq(u);
	return true;
}

static uint8_t rbr_read(struct vuart *u)
{
	uint8_t b;

	if (!u->rx_count)
		return 0;
	b = u->rx[u->rx_head];
	u->rx_head = (uint8_t)((u->rx_head + 1) % VUART_FIFO_SIZE);
	u->rx_count--;
	update_irq(u);
	return b;
}

/* Writing THR clears the THRE interrupt; the byte leaves at once, THR is
 * empty again and the interrupt is pending again.  The line follows both
 * steps, so an edge-triggered PIC sees every re-assertion. */
static void thr_write(struct vuart *u, uint8_t val)
{
	val &= word_mask(u);
	u->thre_pending = false;
	update_irq(u);
	if (loopback(u)) {
		receive(u, val);
	} else {
		u->tx_bytes++;
		if (u->hooks->tx)
			u->hooks->tx(u->ctx, val);
	}
	u->thre_pending = true;
	update_irq(u);
}

static void ier_write(struct vuart *u, uint8_t val)
{
	bool was = u->ier & VUART_IER_ETBEI;

	u->ier = val & VUART_IER_MASK;
	/* Enabling ETBEI with THR empty (it always is) raises THRE. */
	if (!was && (u->ier & VUART_IER_ETBEI))
		u->thre_pending = true;
	update_irq(u);
}

static uint8_t iir_read(struct vuart *u)
{
	uint8_t id = pending_source(u);

	if (id == VUART_IIR_THRE) {
		u->thre_pending = false;
		update_irq(u);
	}
	return (uint8_t)(id | (fifo_on(u) ? VUART_IIR_FIFO : 0));
}

/* Changing the enable bit empties the FIFOs; the other bits are only
 * programmed together with enable (datasheet: "FCR0 must be 1").  There
 * is no transmit FIFO content to clear. */
static void fcr_write(struct vuart *u, uint8_t val)
{
	if ((val ^ u->fcr) & VUART_FCR_ENABLE)
		clear_rx(u);
	if (!(val & VUART_FCR_ENABLE)) {
		u->fcr &= (uint8_t)~VUART_FCR_ENABLE;
	} else {
		if (val & VUART_FCR_CLEAR_RX)
			clear_rx(u);
		u->fcr = val & (VUART_FCR_ENABLE | VUART_FCR_DMA |
				VUART_FCR_TRIGGER);
	}
	update_irq(u);
}

static void mcr_write(struct vuart *u, uint8_t val)
{
	uint8_t old = modem_inputs(u);

	u->mcr = val & VUART_MCR_MASK;
	modem_changed(u, old);
	update_irq(u);
}

static uint8_t lsr_read(struct vuart *u)
{
	uint8_t v = (uint8_t)(VUART_LSR_THRE | VUART_LSR_TEMT | u->lsr_err |
			      (u->rx_count ? VUART_LSR_DR : 0));

	if (u->lsr_err) {
		u->lsr_err = 0;
		update_irq(u);
	}
	return v;
}

static uint8_t msr_read(struct vuart *u)
{
	uint8_t v = modem_inputs(u) | u->msr_delta;

	if (u->msr_delta) {
		u->msr_delta = 0;
		update_irq(u);
	}
	return v;
}

void vuart_init(struct vuart *u, const struct vuart_hooks *hooks, void *ctx)
{
	*u = (struct vuart){
		.hooks = hooks,
		.ctx = ctx,
		.lcr = 0x03, /* 8N1 */
		.dll = 1,    /* 115200 baud */
	};
}

uint8_t vuart_read(struct vuart *u, unsigned reg)
{
	bool dlab = u->lcr & VUART_LCR_DLAB;

	switch (reg) {
	case VUART_RBR:
		return dlab ? u->dll : rbr_read(u);
	case VUART_IER:
		return dlab ? u->dlm : u->ier;
	case VUART_IIR:
		return iir_read(u);
	case VUART_LCR:
		return u->lcr;
	case VUART_MCR:
		return u->mcr;
	case VUART_LSR:
		return lsr_read(u);
	case VUART_MSR:
		return msr_read(u);
	case VUART_SCR:
		return u->scr;
	default:
		return 0xff;
	}
}

/* LSR and MSR are read-only: writes to them are dropped. */
void vuart_write(struct vuart *u, unsigned reg, uint8_t val)
{
	bool dlab = u->lcr & VUART_LCR_DLAB;

	switch (reg) {
	case VUART_THR:
		if (dlab)
			u->dll = val;
		else
			thr_write(u, val);
		break;
	case VUART_IER:
		if (dlab)
			u->dlm = val;
		else
			ier_write(u, val);
		break;
	case VUART_FCR:
		fcr_write(u, val);
		break;
	case VUART_LCR:
		u->lcr = val;
		break;
	case VUART_MCR:
		mcr_write(u, val);
		break;
	case VUART_SCR:
		u->scr = val;
		break;
	default:
		break;
	}
}

bool vuart_rx_push(struct vuart *u, uint8_t byte)
{
	if (loopback(u) || !receive(u, byte))
		return false;
	u->rx_bytes++;
	return true;
}

bool vuart_rx_room(const struct vuart *u)
{
	return !loopback(u) && u->rx_count < rx_capacity(u);
}

bool vuart_irq_level(const struct vuart *u)
{
	return u->irq_level;
}
