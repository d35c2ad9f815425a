/* Log levels and console sinks. */
#include "lib/printk.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define MAX_SINKS 4

static console_write_fn sinks[MAX_SINKS];
/* A buffering console: moving output on without waiting, and waiting
 * until all of it is out (both optional). */
static void (*pump_fn)(void);
static void (*flush_fn)(void);
static unsigned nsinks;
static enum log_level cur_level = LOG_INFO;
/* Keeps lines from different CPUs whole.  A CPU that faults while holding
 * it (or panics) must still be heard: after printk_emergency() the lock is
 * only tried for a while. */
static struct spinlock console_lock = SPINLOCK_INIT;
static bool emergency;

void printk_emergency(void)
{
	WRITE_ONCE(emergency, true);
}

static bool console_lock_take(void)
{
	if (!READ_ONCE(emergency)) {
		spin_lock(&console_lock);
		return true;
	}
	for (unsigned spin = 0; spin < 1000000; spin++) {
		if (spin_trylock(&console_lock))
			return true;
		cpu_relax();
	}
	return false;
}

void console_register(console_write_fn fn)
{
	if (nsinks < MAX_SINKS)
		sinks[nsinks++] = fn;
}

void console_set_buffering(void (*pump)(void), void (*flush)(void))
{
	pump_fn = pump;
	flush_fn = flush;
}

void console_pump(void)
{
	if (pump_fn)
		pump_fn();
}

void console_flush(void)
{
	if (flush_fn)
		flush_fn();
}

void log_set_level(enum log_level lvl)
{
	cur_level = lvl;
}

enum log_level log_get_level(void)
{
	return cur_level;
}

void vprintk(enum log_level lvl, const char *fmt, va_list ap)
{
	char buf[512];
	int n;
	if (lvl > cur_level)
		return;
	bool locked;

	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n > (int)sizeof(buf) - 1) {
		size_t fl = 0;

		n = sizeof(buf) - 1;
		/* Cut short: say so, and keep the line's end, so that the
		 * next line does not run on from this one. */
		while (fmt[fl])
			fl++;
		if (fl && fmt[fl - 1] == '\n')
			memcpy(buf + n - 4, "...\n", 4);
	}
	locked = console_lock_take();
	for (unsigned i = 0; i < nsinks; i++)
		sinks[i](buf, (size_t)n);
	/* Panics and faults: on the wire before anything else can go
	 * wrong. */
	if (READ_ONCE(emergency))
		console_flush();
	if (locked)
		spin_unlock(&console_lock);
}

void printk(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(lvl, fmt, ap);
	va_end(ap);
}
