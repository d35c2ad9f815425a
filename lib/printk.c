/* Log levels and console sinks. */
#include "lib/printk.h"

#define MAX_SINKS 4

static console_write_fn sinks[MAX_SINKS];
static unsigned nsinks;
static enum log_level cur_level = LOG_INFO;

void console_register(console_write_fn fn)
{
	if (nsinks < MAX_SINKS)
		sinks[nsinks++] = fn;
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
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	for (unsigned i = 0; i < nsinks; i++)
		sinks[i](buf, (size_t)n);
}

void printk(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(lvl, fmt, ap);
	va_end(ap);
}
