/* Shared fixture of the ACPI parser tests; see acpi_fixture.h. */
#include "tests/unit/acpi_fixture.h"

struct acpi_info ai;

int setup(void **state)
{
	(void)state;
	ab_setup();
	/* Garbage, so that a field acpi_init() forgets shows. */
	memset(&ai, 0xa5, sizeof(ai));
	return 0;
}

int teardown(void **state)
{
	(void)state;
	ab_teardown();
	return 0;
}

int run(uint32_t bsp)
{
	return acpi_init(&ab_bi, bsp, &ai);
}

/* The one-line report, exactly. */
void assert_report(const char *line)
{
	fake_log_reset();
	acpi_print(&ai);
	assert_string_equal(fake_log(), line);
}

/* The fallback every failure must leave: the boot CPU alone. */
void assert_boot_cpu_only(uint32_t bsp)
{
	assert_false(ai.has_madt);
	assert_int_equal(ai.ncpus, 1);
	assert_int_equal(ai.apic_ids[0], bsp);
	assert_false(ai.cpu_x2apic[0]);
	assert_int_equal(ai.lapic_base, ACPI_LAPIC_DEFAULT);
	assert_int_equal(ai.nioapics, 0);
	assert_int_equal(ai.noverrides, 0);
}
