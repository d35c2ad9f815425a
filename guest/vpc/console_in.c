/* Hypervisor console input to the VMs: bytes typed on the serial console
 * go to the UART of one VM at a time; Ctrl-A then a digit, 'n' or 'h'
 * switches (drivers/console_mux.c, docs/running.md). */
#include "guest/vpc/console_in.h"
#include "drivers/console_mux.h"
#include "drivers/uart.h"
#include "guest/vpc/vplat.h"
#include "lib/printk.h"

static struct console_mux mux;
static struct vm *slots;
static unsigned nslots;
static bool ready;

static bool slot_takes_input(void *ctx, unsigned slot)
{
	(void)ctx;
	return slot < nslots && slots[slot].plat && !vm_is_over(&slots[slot]);
}

static void slot_deliver(void *ctx, unsigned slot, uint8_t byte)
{
	(void)ctx;
	vplat_console_input(&slots[slot], byte);
}

static void announce(void *ctx, int slot)
{
	(void)ctx;
	if (slot < 0)
		pr_info("console: input goes to the hypervisor (dropped)\n");
	else
		pr_info("console: input goes to vm %s (slot %d)\n",
			slots[slot].name, slot);
}

static void help(void *ctx)
{
	(void)ctx;
	pr_info("console: Ctrl-A then 0-9 = VM slot, n = next VM, h = hypervisor, Ctrl-A = a literal Ctrl-A\n");
}

static const struct console_mux_hooks hooks = {
	.vm_exists = slot_takes_input,
	.deliver = slot_deliver,
	.announce = announce,
	.help = help,
};

void console_in_start(struct vm *vms, unsigned n)
{
	int first = CONSOLE_MUX_HYPERVISOR;

	slots = vms;
	nslots = n;
	for (unsigned i = 0; i < n && first < 0; i++)
		if (slot_takes_input(NULL, i))
			first = (int)i;
	console_mux_init(&mux, &hooks, NULL, n, first);
	__atomic_store_n(&ready, true, __ATOMIC_RELEASE);
	if (first >= 0)
		announce(NULL, first);
}

void console_in_stop(void)
{
	__atomic_store_n(&ready, false, __ATOMIC_RELEASE);
}

void console_in_poll(void)
{
	int c;

	if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE))
		return;
	while ((c = uart_getc()) >= 0)
		console_mux_input(&mux, (uint8_t)c);
}
