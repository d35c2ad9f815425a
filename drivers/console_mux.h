/* Console input multiplexer: bytes typed on the hypervisor console go to
 * one VM slot at a time, the focus.  Ctrl-A (0x01) starts a command; the
 * next byte is
 *	'0'..'9'  focus that slot, if it holds a VM taking input
 *	'n'       focus the next such slot after the current one (wraps)
 *	'h'       focus the hypervisor: input is dropped
 *	'?'       print the help (help hook)
 *	Ctrl-A    send one literal 0x01 to the focus
 * and anything else is dropped.  Every focus command ends with the
 * announce hook naming the focus, changed or not, so that a refused
 * switch still tells the user where input goes.
 *
 * VMs come and go: vm_exists() is asked at every switch and delivery,
 * and input for a slot that lost its VM is dropped (the focus stays, the
 * slot may be reused).  The caller serialises all calls. */
#ifndef DRIVERS_CONSOLE_MUX_H
#define DRIVERS_CONSOLE_MUX_H

#include "lib/types.h"

#define CONSOLE_MUX_ESCAPE 0x01 /* Ctrl-A */
#define CONSOLE_MUX_HYPERVISOR (-1)

/* vm_exists and deliver are required; announce and help may be NULL. */
struct console_mux_hooks {
	/* Slot holds a VM that takes console input. */
	bool (*vm_exists)(void *ctx, unsigned slot);
	void (*deliver)(void *ctx, unsigned slot, uint8_t byte);
	/* The focus after a command; CONSOLE_MUX_HYPERVISOR for none. */
	void (*announce)(void *ctx, int slot);
	void (*help)(void *ctx);
};

struct console_mux {
	const struct console_mux_hooks *hooks;
	void *ctx;
	unsigned nslots;
	int focus;         /* slot, or CONSOLE_MUX_HYPERVISOR */
	bool escape;       /* Ctrl-A seen, command byte next */
	uint64_t delivered;
	uint64_t dropped;  /* typed with no VM in focus */
};

/* Start with 'initial_slot' in focus (-1, or out of range: the
 * hypervisor).  It need not hold a VM yet: nothing is asked or
 * announced here. */
void console_mux_init(struct console_mux *m, const struct console_mux_hooks *h,
		      void *ctx, unsigned nslots, int initial_slot);

/* One byte typed on the console. */
void console_mux_input(struct console_mux *m, uint8_t byte);

/* The slot in focus, or CONSOLE_MUX_HYPERVISOR. */
int console_mux_focus(const struct console_mux *m);

#endif
