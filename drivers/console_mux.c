/* Console input multiplexer: the Ctrl-A command state and the focus. */
#include "drivers/console_mux.h"

static bool takes_input(const struct console_mux *m, int slot)
{
	return slot >= 0 && (unsigned)slot < m->nslots &&
	       m->hooks->vm_exists(m->ctx, (unsigned)slot);
}

static void deliver(struct console_mux *m, uint8_t byte)
{
	if (!takes_input(m, m->focus)) {
		m->dropped++;
		return;
	}
	m->delivered++;
	m->hooks->deliver(m->ctx, (unsigned)m->focus, byte);
}

static void announce(const struct console_mux *m)
{
	if (m->hooks->announce)
		m->hooks->announce(m->ctx, m->focus);
}

/* The first slot taking input after the focus, wrapping; the focus
 * itself last, so a lone VM keeps it. */
static int next_slot(const struct console_mux *m)
{
	unsigned start = m->focus < 0 ? m->nslots - 1 : (unsigned)m->focus;

	for (unsigned i = 1; i <= m->nslots; i++) {
		int s = (int)((start + i) % m->nslots);

		if (takes_input(m, s))
			return s;
	}
	return m->focus;
}

static void command(struct console_mux *m, uint8_t byte)
{
	switch (byte) {
	case CONSOLE_MUX_ESCAPE:
		deliver(m, byte);
		return;
	case '?':
		if (m->hooks->help)
			m->hooks->help(m->ctx);
		return;
	case 'h':
		m->focus = CONSOLE_MUX_HYPERVISOR;
		break;
	case 'n':
		if (m->nslots)
			m->focus = next_slot(m);
		break;
	default:
		if (byte < '0' || byte > '9')
			return; /* unknown command: dropped */
		if (takes_input(m, byte - '0'))
			m->focus = byte - '0';
		break;
	}
	announce(m);
}

void console_mux_init(struct console_mux *m, const struct console_mux_hooks *h,
		      void *ctx, unsigned nslots, int initial_slot)
{
	*m = (struct console_mux){
		.hooks = h,
		.ctx = ctx,
		.nslots = nslots,
		.focus = initial_slot >= 0 && (unsigned)initial_slot < nslots
				 ? initial_slot
				 : CONSOLE_MUX_HYPERVISOR,
	};
}

void console_mux_input(struct console_mux *m, uint8_t byte)
{
	if (m->escape) {
		m->escape = false;
		command(m, byte);
	} else if (byte == CONSOLE_MUX_ESCAPE) {
		m->escape = true;
	} else {
		deliver(m, byte);
	}
}

int console_mux_focus(const struct console_mux *m)
{
	return m->focus;
}
