/* Formatted output and log levels.  The formatter is freestanding; output
 * goes to every registered console sink. */
#ifndef LIB_PRINTK_H
#define LIB_PRINTK_H

#include <stdarg.h>
#include "lib/types.h"
#include "lib/panic.h" /* panic() and BUG_ON, used with printing */

enum log_level {
	LOG_ERR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

/* snprintf subset: %d %i %u %x %X %p %s %c %%, flags '-' '0' '#', width,
 * precision for %s (also *), length modifiers l ll z. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Console sink; a NULL sink list prints nothing. */
typedef void (*console_write_fn)(const char *s, size_t n);
void console_register(console_write_fn fn);

/* A sink that buffers: console_pump() moves buffered output on without
 * waiting (cheap when there is none), console_flush() waits until it is
 * all out.  After printk_emergency() every printk flushes. */
void console_set_buffering(void (*pump)(void), void (*flush)(void));
void console_pump(void);
void console_flush(void);

/* From now on, never wait for the console lock for long (panics, faults). */
void printk_emergency(void);

void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);
void printk(enum log_level lvl, const char *fmt, ...) __printf(2, 3);
void vprintk(enum log_level lvl, const char *fmt, va_list ap);

#define pr_err(...) printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) printk(LOG_WARN, __VA_ARGS__)
#define pr_info(...) printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

#endif
