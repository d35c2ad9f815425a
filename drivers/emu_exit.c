/* Leaving the emulator at the end of a (test) run. */
#include "drivers/emu_exit.h"
#include "drivers/uart.h"
#include "arch-x86/cpu.h"
#include "lib/printk.h"

#define ACPI_SLP_EN (1u << 13)
#define ACPI_SLP_TYP_SHIFT 10

static struct acpi_s5 s5;
static bool exit_on_finish;

void emu_exit_set_s5(const struct acpi_s5 *v)
{
	s5 = *v;
}

void machine_set_exit_on_finish(bool v)
{
	exit_on_finish = v;
}

bool machine_exit_on_finish(void)
{
	return exit_on_finish;
}

static void bochs_shutdown_port(void)
{
	static const char msg[] = "Shutdown";

	for (unsigned i = 0; msg[i]; i++)
		outb(BOCHS_SHUTDOWN_PORT, (uint8_t)msg[i]);
}

void machine_exit(bool pass)
{
	irq_disable();
	pr_info("hv: run %s, leaving\n", pass ? "PASSED" : "FAILED");
	uart_drain();

	outl(QEMU_EXIT_PORT, pass ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
	if (pass) {
		outw(BOCHS_IODEBUG_PORT, BOCHS_IODEBUG_ENABLE);
		outw(BOCHS_IODEBUG_PORT, BOCHS_IODEBUG_QUIT);
	} else {
		bochs_shutdown_port();
	}
	/* A real machine (or an emulator without those ports): ACPI S5. */
	if (s5.pm1a_cnt) {
		outw(s5.pm1a_cnt, (uint16_t)((s5.slp_typa << ACPI_SLP_TYP_SHIFT) |
					     ACPI_SLP_EN));
		if (s5.pm1b_cnt)
			outw(s5.pm1b_cnt,
			     (uint16_t)((s5.slp_typb << ACPI_SLP_TYP_SHIFT) |
					ACPI_SLP_EN));
	}
	cpu_halt_forever();
}
