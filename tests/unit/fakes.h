/* Host fakes shared by every unit test: panic(), a console sink that
 * captures printk output, and a fake physical RAM window behind
 * phys_to_virt()/virt_to_phys().  Include this after the hypervisor headers
 * a test needs; it pulls in cmocka. */
#ifndef TESTS_UNIT_FAKES_H
#define TESTS_UNIT_FAKES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/types.h"
#include "mm/phys.h"

/* ---- panic() ----------------------------------------------------------
 * The fake formats the message into fake_panic_msg and counts the call.
 * If a test armed it (EXPECT_PANIC) it longjmps back there; otherwise the
 * panic was unexpected and the test fails with the message. */
extern char fake_panic_msg[512];
extern unsigned fake_panic_count;
extern jmp_buf fake_panic_jmp;
extern volatile bool fake_panic_armed;

/* Assert that 'stmt' panics.  Code after the panic point in 'stmt' does
 * not run (as on the machine), so do not expect its side effects. */
#define EXPECT_PANIC(stmt)                                                  \
	do {                                                                \
		if (setjmp(fake_panic_jmp) == 0) {                          \
			fake_panic_armed = true;                            \
			stmt;                                               \
			fake_panic_armed = false;                           \
			fail_msg("expected a panic from: %s", #stmt);       \
		}                                                           \
		fake_panic_armed = false;                                   \
	} while (0)

/* Same, and the panic message must contain 'substr'. */
#define EXPECT_PANIC_MSG(stmt, substr)                                      \
	do {                                                                \
		EXPECT_PANIC(stmt);                                         \
		if (!strstr(fake_panic_msg, (substr)))                      \
			fail_msg("panic message \"%s\" lacks \"%s\"",       \
				 fake_panic_msg, (substr));                 \
	} while (0)

/* ---- console capture --------------------------------------------------
 * A sink registered before main() captures everything printk prints; the
 * log level starts at LOG_DEBUG so nothing is filtered.  Set UNIT_VERBOSE=1
 * in the environment to echo the log to stderr as well. */
void fake_log_reset(void);
const char *fake_log(void); /* everything captured since the last reset */
bool fake_log_contains(const char *needle);

/* ---- fake physical memory ---------------------------------------------
 * fake_phys_init() provides 'size' bytes (rounded up to a page) of zeroed,
 * page-aligned host memory standing for physical [base, base + size).
 * phys_to_virt()/virt_to_phys() fail the test on any address outside it.
 * A second init replaces the window; fake_phys_fini() frees it. */
extern uint8_t *fake_phys_mem;
extern paddr_t fake_phys_base;
extern size_t fake_phys_size;

void fake_phys_init(paddr_t base, size_t size);
void fake_phys_fini(void);

#endif
