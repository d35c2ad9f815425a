/* The virtual PC's map: every port, ISA line and device page a guest of
 * "platform = pc" finds, in one place (docs/guest-platform.md describes
 * them for guest writers).  Numbers fixed by the chip a model emulates
 * (the 8259's 0x20, the 8254's 0x40) are the model's own, in guest/dev;
 * numbers the ACPI tables promise come from the same headers through
 * guest/load/acpi_build.h.  This header names them all for the wiring
 * (guest/vpc) and the exit handlers (guest/exit). */
#ifndef GUEST_VPC_MAP_H
#define GUEST_VPC_MAP_H

#include "guest/dev/vlapic.h"
#include "guest/dev/vioapic.h"
#include "guest/dev/vpic.h"
#include "guest/dev/vpit.h"
#include "guest/dev/vrtc.h"
#include "guest/dev/vuart.h"
#include "guest/dev/vpci.h"
#include "guest/dev/vpm.h"
#include "guest/load/acpi_build.h"

/* ---- I/O ports ---- */
#define VPC_PIC_MASTER VPIC_MASTER_CMD /* 0x20-0x21 */
#define VPC_PIC_SLAVE VPIC_SLAVE_CMD   /* 0xa0-0xa1 */
#define VPC_PIC_PORTS 2
#define VPC_ELCR VPIC_ELCR_MASTER      /* 0x4d0-0x4d1 */
#define VPC_ELCR_PORTS 2
#define VPC_PIT VPIT_PORT_CH0          /* 0x40-0x43 */
#define VPC_PIT_PORTS 4
#define VPC_PIT_NMI_SC VPIT_PORT_NMI_SC /* 0x61 */
#define VPC_KBC_DATA VPM_PORT_KBC_DATA /* 0x60 */
#define VPC_KBC_CMD VPM_PORT_KBC_CMD   /* 0x64 */
#define VPC_RTC VRTC_PORT_INDEX        /* 0x70-0x71 */
#define VPC_RTC_PORTS 2
#define VPC_POST 0x80                  /* BIOS POST codes: a sink */
#define VPC_SYSCTL_A VPM_PORT_SYSCTL_A /* 0x92 */
#define VPC_DEBUG_EXIT VPM_DEBUG_EXIT_PORT_DEFAULT /* 0xf4-0xf7, when enabled */
#define VPC_DEBUG_EXIT_PORTS VPM_DEBUG_EXIT_PORTS
#define VPC_COM1 0x3f8                 /* 0x3f8-0x3ff */
#define VPC_COM1_PORTS VUART_NR_REGS
#define VPC_PM GUEST_PM_BASE_DEFAULT   /* 0x600: PM1a_EVT, PM1a_CNT */
#define VPC_PM_PORTS VPM_PM_PORTS
#define VPC_PM_TMR (VPC_PM + GUEST_PM_TMR_OFF) /* 0x608-0x60b */
#define VPC_PM_TMR_PORTS 4
/* 0xcf8-0xcff: PCI CONFIG_ADDRESS/CONFIG_DATA, and a byte at 0xcf9 is the
 * PIIX reset control register (GUEST_RESET_PORT). */
#define VPC_PCI VPCI_PORT_ADDR
#define VPC_PCI_PORTS 8
#define VPC_RESET GUEST_RESET_PORT

/* ---- ISA lines (8259 inputs; IOAPIC pins of the same number but for
 * IRQ 0, which the MADT overrides to GSI 2) ---- */
#define VPC_IRQ_PIT 0
#define VPC_GSI_PIT GUEST_PIT_GSI
#define VPC_IRQ_COM1 4
#define VPC_IRQ_SCI GUEST_SCI_IRQ

/* ---- device pages ---- */
#define VPC_IOAPIC_BASE ((uint64_t)GUEST_IOAPIC_ADDR)
#define VPC_IOAPIC_SIZE VIOAPIC_MMIO_SIZE
/* Each vCPU's LAPIC page starts here and moves with its IA32_APIC_BASE. */
#define VPC_LAPIC_BASE ((uint64_t)GUEST_LAPIC_ADDR)

#endif
