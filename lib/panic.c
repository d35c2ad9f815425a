/* panic(): the order of the steps; the machine-specific ones are hooks
 * (lib/panic.h).  Only the first CPU to panic prints; one that panics
 * meanwhile, or panics again while printing, parks. */
#include "lib/panic.h"
#include "lib/printk.h"

static const struct panic_hooks *hooks;
static volatile int panicking;
static unsigned not_stopped; /* other CPUs still running */

void panic_set_hooks(const struct panic_hooks *h)
{
	hooks = h;
}

static __noreturn void spin(void)
{
	for (;;)
		__asm__ volatile("" ::: "memory");
}

static __noreturn void park(void)
{
	if (hooks && hooks->park)
		hooks->park();
	spin();
}

/* Interrupts off, claim the panic (or park), stop the others. */
static void panic_enter(void)
{
	if (hooks && hooks->irq_off)
		hooks->irq_off();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
		park();
	if (hooks && hooks->stop_others)
		not_stopped = hooks->stop_others();
	printk_emergency();
}

static void panic_print(const char *fmt, va_list ap)
{
	printk(LOG_ERR, "\nPANIC: ");
	vprintk(LOG_ERR, fmt, ap);
	printk(LOG_ERR, "\n");
	if (not_stopped)
		printk(LOG_ERR, "panic: %u other CPU(s) did not stop\n", not_stopped);
}

static __noreturn void panic_finish(uintptr_t fp)
{
	if (hooks && hooks->backtrace)
		hooks->backtrace(fp);
	printk(LOG_ERR, "hypervisor halted\n");
	if (hooks && hooks->finish)
		hooks->finish();
	spin();
}

void panic(const char *fmt, ...)
{
	va_list ap;

	panic_enter();
	va_start(ap, fmt);
	panic_print(fmt, ap);
	va_end(ap);
	panic_finish((uintptr_t)__builtin_frame_address(0));
}

void panic_dump(void (*dump)(const void *ctx), const void *ctx,
		const char *fmt, ...)
{
	va_list ap;

	panic_enter();
	if (dump)
		dump(ctx);
	va_start(ap, fmt);
	panic_print(fmt, ap);
	va_end(ap);
	panic_finish((uintptr_t)__builtin_frame_address(0));
}
