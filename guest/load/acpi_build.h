/* ACPI tables for a guest (ACPI 6.5, chapter 5.2): RSDP (revision 2) ->
 * RSDT and XSDT -> FADT (revision 6, with FACS and DSDT) and MADT.  The
 * tables describe the virtual platform below; the hypervisor's device
 * emulation must match what they promise (docs/guest-platform.md).
 *
 * All tables lie inside one area of guest RAM, which the guest's memory
 * map marks E820_ACPI (struct guest_layout's acpi_base/acpi_size). */
#ifndef GUEST_ACPI_BUILD_H
#define GUEST_ACPI_BUILD_H

#include "guest/load/e820.h"
#include "guest/dev/vioapic.h"
#include "guest/dev/vpm.h"

/* The virtual platform the tables describe: the numbers the device
 * models (guest/dev) define, which guest/vpc/map.h wires up. */
#define GUEST_LAPIC_ADDR ((uint32_t)VLAPIC_BASE_DEFAULT)
#define GUEST_IOAPIC_ADDR ((uint32_t)VIOAPIC_BASE_DEFAULT)
#define GUEST_IOAPIC_ID 0
#define GUEST_IOAPIC_GSI_BASE 0
#define GUEST_PIT_GSI 2		/* ISA IRQ 0 arrives at GSI 2 */
#define GUEST_SCI_IRQ VPM_SCI_IRQ
/* VMs with passed-through PCI functions: memory BARs are placed in
 * [GUEST_PCI_MEM_BASE, GUEST_PCI_MEM_END) and the ECAM window of bus 0
 * follows (MCFG; reserved in the e820 map). */
#define GUEST_PCI_MEM_BASE 0xc0000000ull
#define GUEST_PCI_MEM_END 0xe0000000ull
#define GUEST_ECAM_BASE 0xe0000000ull
#define GUEST_ECAM_SIZE 0x100000ull

/* The PM register block, in I/O space from cfg->pm_base:
 *   +0  PM1a_EVT_BLK  4 bytes (PM1 status, PM1 enable; 16 bits each)
 *   +4  PM1a_CNT_BLK  2 bytes (SCI_EN bit 0, SLP_TYP bits 12:10, SLP_EN bit 13)
 *   +8  PM_TMR_BLK    4 bytes (3.579545 MHz, 32-bit: TMR_VAL_EXT set)
 * No GPE blocks, no PM1b, no PM2, no SMI command port (ACPI mode is
 * always on: SCI_EN should read 1). */
#define GUEST_PM_BASE_DEFAULT VPM_PM_BASE_DEFAULT
#define GUEST_PM1_EVT_OFF VPM_PM1_EVT_OFF
#define GUEST_PM1_CNT_OFF VPM_PM1_CNT_OFF
#define GUEST_PM_TMR_OFF VPM_PM_TMR_OFF
#define GUEST_PM_BLOCK_LEN VPM_PM_BLOCK_LEN

/* Reset: write GUEST_RESET_VALUE to I/O port GUEST_RESET_PORT (FADT
 * RESET_REG).  Power-off: SLP_TYP = GUEST_S5_SLP_TYP with SLP_EN in
 * PM1a_CNT (\_S5_ in the DSDT is Package(){5, 5, 0, 0}). */
#define GUEST_RESET_PORT VPM_PORT_RESET
#define GUEST_RESET_VALUE (RCR_SYS_RST | RCR_RST_CPU)
#define GUEST_S5_SLP_TYP VPM_S5_SLP_TYP

#define ACPI_BUILD_MAX_CPUS 64
#define ACPI_BUILD_MAX_PRT 8	/* _PRT entries: one per assigned function */

struct acpi_build_cfg {
	uint64_t base;		/* area in guest RAM: 64-byte aligned, */
	uint64_t size;		/* and below 4 GiB (32-bit RSDT/FADT fields) */
	unsigned ncpus;		/* 1..ACPI_BUILD_MAX_CPUS; APIC IDs 0..n-1 */
	uint16_t pm_base;	/* 0: GUEST_PM_BASE_DEFAULT */
	bool legacy_pic;	/* MADT PCAT_COMPAT: the guest has two 8259s */
	/* 0, or where a copy of the RSDP goes for guests that scan the BIOS
	 * area for it: 16-byte aligned in [0xe0000, 0x100000). */
	uint64_t rsdp_copy;
	/* 0, or the guest's ECAM window (1 MiB aligned) for buses 0 to
	 * ecam_end_bus: an MCFG table describes it. */
	uint64_t ecam_base;
	uint8_t ecam_end_bus;
	/* The DSDT describes the PCI root bridge (\_SB.PCI0, PNP0A03) when
	 * the guest has PCI functions, so that an ACPI guest scans its bus,
	 * with a _PRT that sends INTA of each listed slot to a GSI (static
	 * entries: level-triggered, active low). */
	bool pci_root;
	unsigned nprt;
	struct acpi_prt { uint8_t slot, gsi; } prt[ACPI_BUILD_MAX_PRT];
};

/* Where each table went (guest-physical). */
struct acpi_build_out {
	uint64_t rsdp, rsdt, xsdt, facs, fadt, dsdt, madt;
	uint64_t mcfg;		/* 0: none */
	uint64_t end;		/* first byte after the last table */
};

/* Bytes the tables take for 'ncpus' CPUs (what cfg->size must hold). */
uint64_t acpi_build_size(unsigned ncpus);

/* Build and store the tables.  0, or -EINVAL with a message in err; a refused
 * configuration writes nothing (a write callback failing part way may
 * leave part of the tables written). */
int acpi_build(const struct guest_mem_ops *mem, const struct acpi_build_cfg *cfg,
	       struct acpi_build_out *out, char *err, size_t errlen);

#endif
