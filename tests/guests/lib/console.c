/* Guest console: COM1 port writes (the path that needs nothing but the
 * hypervisor's UART emulation) or HC_CONSOLE_WRITE, and printf on top of
 * the hypervisor's freestanding formatter (lib/format.c). */
#include "lib/printk.h"
#include "lib/guest_rt.h"

#define COM1_THR 0x3f8
#define COM1_LSR 0x3fd
#define LSR_THRE 0x20

static enum console_sink sink = SINK_COM1;
static struct spinlock console_lock = SPINLOCK_INIT;

void console_set_sink(enum console_sink s)
{
	sink = s;
}

void com1_write(const char *s, size_t n)
{
	while (n--) {
		/* The emulated LSR always reads ready; polling keeps the
		 * code correct on a real 16550 too. */
		while (!(inb(COM1_LSR) & LSR_THRE))
			;
		outb(COM1_THR, (uint8_t)*s++);
	}
}

void com1_puts(const char *s)
{
	com1_write(s, strlen(s));
}

void console_write(const char *s, size_t n)
{
	uint64_t flags = irq_save();

	/* Interrupts off while holding it: a handler on this vCPU that
	 * prints must not find its own vCPU holding the lock. */
	spin_lock(&console_lock);
	if (sink == SINK_HYPERCALL)
		hv_console_write(s, n);
	else
		com1_write(s, n);
	spin_unlock(&console_lock);
	irq_restore(flags);
}

int vprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;

	console_write(buf, len);
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void guest_exit(uint32_t code)
{
	hv_shutdown(code);
	/* Only reached if the hypervisor refused: stop here, visibly. */
	com1_puts("guest_exit: HC_SHUTDOWN returned, halting\n");
	for (;;)
		__asm__ __volatile__("cli; hlt");
}
