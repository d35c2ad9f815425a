/* Shared fixture of the ACPI parser tests (test_acpi*.c): the parsed
 * result 'ai', the cmocka setup/teardown around the table builder's fake
 * RAM (acpi_builder.h), running acpi_init() on it, and assertions on the
 * log and on the one-line report. */
#ifndef TESTS_UNIT_ACPI_FIXTURE_H
#define TESTS_UNIT_ACPI_FIXTURE_H

#include "arch-x86/acpi.h"
#include "drivers/emu_exit.h"
#include "tests/unit/acpi_builder.h"

/* What acpi_init() filled in; garbage before each run. */
extern struct acpi_info ai;

int setup(void **state);
int teardown(void **state);

#define assert_log(s)                                                       \
	do {                                                                \
		if (!fake_log_contains(s))                                  \
			fail_msg("log lacks \"%s\"; it is:\n%s", (s), fake_log()); \
	} while (0)

#define assert_no_log(s)                                                    \
	do {                                                                \
		if (fake_log_contains(s))                                   \
			fail_msg("log has \"%s\"; it is:\n%s", (s), fake_log()); \
	} while (0)

/* acpi_init() on the builder's machine with boot CPU 'bsp'. */
int run(uint32_t bsp);

/* The one-line report, exactly. */
void assert_report(const char *line);

/* The fallback every failure must leave: the boot CPU alone. */
void assert_boot_cpu_only(uint32_t bsp);

#endif
