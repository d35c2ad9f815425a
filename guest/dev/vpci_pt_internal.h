/* Between vpci_pt.c (header, BARs, capability list) and vpci_pt_msi.c
 * (MSI and MSI-X). */
#ifndef GUEST_VPCI_PT_INTERNAL_H
#define GUEST_VPCI_PT_INTERNAL_H

#include "guest/dev/vpci_pt.h"

#define VPCI_PT_MSIX_CAP_LEN 12

/* Record the capability at 'off' (0: none); false when it is not shown. */
bool vpci_pt_msi_init(struct vpci_pt *pt, uint8_t off);
bool vpci_pt_msix_init(struct vpci_pt *pt, uint8_t off);
unsigned vpci_pt_msi_len(const struct vpci_pt *pt);

/* Dwords of the capabilities, 'rel' from their start; the header dword's
 * next pointer (bits 15:8) is left 0 for the caller. */
uint32_t vpci_pt_msi_read(const struct vpci_pt *pt, unsigned rel);
void vpci_pt_msi_write(struct vpci_pt *pt, unsigned rel, uint32_t val,
		       uint32_t mask);
uint32_t vpci_pt_msix_cfg_read(const struct vpci_pt *pt, unsigned rel);
void vpci_pt_msix_cfg_write(struct vpci_pt *pt, unsigned rel, uint32_t val,
			    uint32_t mask);

#endif
