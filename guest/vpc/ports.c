/* The ports no VM may own through "ioport": the virtual PC emulates them
 * for every VM that has one (guest/vpc/map.h), and the hypervisor uses
 * some itself (its console, leaving the emulator: drivers/emu_exit.h).
 * Handed to the description parser by the composition root. */
#include "guest/vpc/ports.h"
#include "guest/vpc/map.h"
#include "drivers/emu_exit.h"

#define RANGE(first, n, what) { (first), (first) + (n) - 1, (what) }

static const struct cfg_port_range ranges[] = {
	RANGE(VPC_PIC_MASTER, VPC_PIC_PORTS, "the virtual PC's master 8259"),
	RANGE(VPC_PIT, VPC_PIT_PORTS, "the virtual PC's PIT"),
	RANGE(VPC_KBC_DATA, 1, "the virtual PC's keyboard controller"),
	RANGE(VPC_PIT_NMI_SC, 1, "the virtual PC's PIT gate and speaker port"),
	RANGE(VPC_KBC_CMD, 1, "the virtual PC's keyboard controller"),
	RANGE(VPC_RTC, VPC_RTC_PORTS, "the virtual PC's RTC and CMOS"),
	RANGE(VPC_POST, 1, "the POST port"),
	RANGE(VPC_SYSCTL_A, 1, "the virtual PC's system control port A"),
	RANGE(VPC_PIC_SLAVE, VPC_PIC_PORTS, "the virtual PC's slave 8259"),
	RANGE(VPC_DEBUG_EXIT, VPC_DEBUG_EXIT_PORTS, "the debug-exit port"),
	RANGE(VPC_COM1, VPC_COM1_PORTS,
	      "COM1 (the hypervisor's console, the virtual PC's UART)"),
	RANGE(VPC_ELCR, VPC_ELCR_PORTS, "the virtual PC's ELCR"),
	RANGE(VPC_PM, VPC_PM_TMR - VPC_PM + VPC_PM_TMR_PORTS,
	      "the virtual PC's ACPI PM block"),
	RANGE(VPC_PCI, VPC_PCI_PORTS, "the PCI configuration ports and reset control"),
	RANGE(BOCHS_SHUTDOWN_PORT, 1, "Bochs' shutdown port"),
	RANGE(BOCHS_IODEBUG_PORT, 2, "Bochs' iodebug port"),
};

const struct cfg_reserved_ports vpc_reserved_ports = {
	.range = ranges,
	.count = sizeof(ranges) / sizeof(ranges[0]),
};
