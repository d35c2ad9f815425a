/* Ending a run: leave the emulator with a pass/fail status, or power off
 * or halt a real machine. */
#ifndef DRIVERS_EMU_EXIT_H
#define DRIVERS_EMU_EXIT_H

#include "lib/types.h"
#include "arch-x86/acpi.h"

/* QEMU isa-debug-exit (iobase 0xf4): exit status is (value << 1) | 1. */
#define QEMU_EXIT_PORT 0xf4
#define QEMU_EXIT_PASS 0x10 /* exit status 33 */
#define QEMU_EXIT_FAIL 0x11 /* exit status 35 */
/* Bochs: the iodebug "quit" sequence exits with 0, "Shutdown" on the
 * shutdown port with 1. */
#define BOCHS_IODEBUG_PORT 0x8a00
#define BOCHS_IODEBUG_ENABLE 0x8a00
#define BOCHS_IODEBUG_QUIT 0x8ae0
#define BOCHS_SHUTDOWN_PORT 0x8900

/* ACPI S5 parameters (struct acpi_s5, arch-x86/acpi.h) for powering off. */
void emu_exit_set_s5(const struct acpi_s5 *s5);

/* Print the result line, drain the console, then try every exit path:
 * QEMU's debug-exit, Bochs' ports, ACPI S5; halt if all of them fail. */
__noreturn void machine_exit(bool pass);

/* What to do when nothing is left to run: halt (real hardware default) or
 * leave the emulator / power off. */
void machine_set_exit_on_finish(bool exit);
bool machine_exit_on_finish(void);

#endif
