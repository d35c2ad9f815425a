/* panic(): the one way the hypervisor stops on its own bugs.  The order is
 * fixed here; the steps that need the machine (interrupts, the other CPUs,
 * the console, ending the run) are hooks the composition root registers
 * at boot, so that every layer can panic without knowing them. */
#ifndef LIB_PANIC_H
#define LIB_PANIC_H

#include "lib/types.h"

struct panic_hooks {
	/* This CPU: interrupts off.  The first step. */
	void (*irq_off)(void);
	/* Stop every other online CPU (interrupts off, parked for good) and
	 * wait a bounded time for them to say so; before anything prints.
	 * Returns how many did not stop in time. */
	unsigned (*stop_others)(void);
	/* The call chain from the frame pointer 'fp' (after the message). */
	void (*backtrace)(uintptr_t fp);
	/* Stop this CPU for good: a CPU that panics while another does. */
	__noreturn void (*park)(void);
	/* Drain the console and end the run: the last step. */
	__noreturn void (*finish)(void);
};

/* Register the hooks ('h' must outlive the run); a missing hook is
 * skipped, a missing park or finish spins. */
void panic_set_hooks(const struct panic_hooks *h);

/* Hypervisor bug or unusable machine: stop the other CPUs, print
 * "PANIC: <message>" and a backtrace, end the run. */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

/* The same, with 'dump(ctx)' printing state (an exception frame, say)
 * after the other CPUs stopped and before the message. */
__noreturn void panic_dump(void (*dump)(const void *ctx), const void *ctx,
			   const char *fmt, ...) __printf(3, 4);

#define BUG_ON(c)                                                         \
	do {                                                              \
		if (c)                                                    \
			panic("BUG_ON(%s) at %s:%d", #c, __FILE__, __LINE__); \
	} while (0)

#endif
