/* Error messages for the caller: the parsers and loaders (Multiboot2 boot
 * information, VM descriptions, the guest image loaders) say what went
 * wrong by formatting it, printf-style, into a buffer the caller owns,
 * and fail with a negative errno value (lib/errno.h). */
#ifndef LIB_REPORT_H
#define LIB_REPORT_H

#include <stdarg.h>
#include "lib/types.h"

/* A message being built in buf[size]: always NUL-terminated, cut short
 * when it does not fit.  size 0 (or buf NULL) formats nothing. */
struct report {
	char *buf;
	size_t size;
	size_t len;
};

static inline struct report report_into(char *buf, size_t size)
{
	if (buf && size)
		buf[0] = '\0';
	return (struct report){ buf, buf ? size : 0, 0 };
}

/* Append to the message. */
void report_add(struct report *r, const char *fmt, ...) __printf(2, 3);
void report_vadd(struct report *r, const char *fmt, va_list ap);

/* The message into buf[size]; returns 'err' so that a failing function
 * can end with  return report_fail(err, errlen, -EINVAL, "...", ...);
 * report_vfail puts 'prefix' ("linux: ", say) first. */
int report_fail(char *buf, size_t size, int err, const char *fmt, ...)
	__printf(4, 5);
int report_vfail(char *buf, size_t size, int err, const char *prefix,
		 const char *fmt, va_list ap);

#endif
