/* Error messages into a caller's buffer (lib/report.h). */
#include "lib/report.h"
#include "lib/printk.h"

void report_vadd(struct report *r, const char *fmt, va_list ap)
{
	int n;

	if (r->len + 1 >= r->size)
		return;
	n = vsnprintf(r->buf + r->len, r->size - r->len, fmt, ap);
	if (n > 0)
		r->len += MIN((size_t)n, r->size - r->len - 1);
}

void report_add(struct report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_vadd(r, fmt, ap);
	va_end(ap);
}

int report_vfail(char *buf, size_t size, int err, const char *prefix,
		 const char *fmt, va_list ap)
{
	struct report r = report_into(buf, size);

	report_add(&r, "%s", prefix);
	report_vadd(&r, fmt, ap);
	return err;
}

int report_fail(char *buf, size_t size, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_vfail(buf, size, err, "", fmt, ap);
	va_end(ap);
	return err;
}
