/* The MCFG table (PCI Firmware 3.2, 4.1.2): where each segment's ECAM
 * window lies.  Parsed from untrusted firmware bytes: every entry is
 * bounds-checked against the table's length. */
#ifndef DRIVERS_PCI_MCFG_H
#define DRIVERS_PCI_MCFG_H

#include "lib/types.h"
#include "arch-x86/acpi_tables.h"

#define MCFG_ENTRIES_OFF 44u /* header + 8 reserved bytes */
#define MCFG_ENTRY_LEN 16u

struct acpi_mcfg_entry {
	uint64_t base;   /* ECAM of bus 0 of the segment, even if not decoded */
	uint16_t segment;
	uint8_t start_bus;
	uint8_t end_bus;
	uint32_t reserved;
} __packed;

_Static_assert(sizeof(struct acpi_mcfg_entry) == MCFG_ENTRY_LEN, "MCFG entry");

struct pci_mcfg_region {
	paddr_t base;    /* of start_bus */
	uint64_t size;   /* (end_bus - start_bus + 1) MiB */
	uint8_t start_bus, end_bus;
};

/* Find segment 'segment' in the MCFG at 'tbl' (len bytes readable, the
 * checksum checked by the caller).  0, or -EINVAL with a reason in err. */
int pci_mcfg_parse(const void *tbl, size_t len, uint16_t segment,
		   struct pci_mcfg_region *out, char *err, size_t errlen);

#endif
