/* The VT-d (Intel IOMMU) driver: the remapping units of the DMAR table,
 * DMA remapping with one domain per owner, interrupt remapping, fault
 * reporting.
 *
 * At boot vtd_init() parses the DMAR, checks every unit's capabilities,
 * gives all units one root table in which no device has a context entry
 * (so every DMA is blocked and reported), turns translation on, and turns
 * interrupt remapping on with an empty table.  A device gets DMA only by
 * being attached to a domain, whose second-level tables map exactly what
 * its owner may reach; nothing maps hypervisor memory unless a caller
 * asks for it.  Compatibility-format interrupts (the host IOAPIC's, until
 * it is programmed in remappable format) are let through (GCMD.CFI).
 *
 * Invalidation follows the unit: register-based until queued invalidation
 * is on, queued (with a wait descriptor) after; caching mode (CAP.CM,
 * QEMU's caching-mode=on) makes every map, not only unmap, invalidate the
 * domain's IOTLB entries; units that do not snoop (ECAP.C clear) get
 * every table line written back with CLFLUSH.
 *
 * Faults are read from the fault recording registers by vtd_fault_poll()
 * (the fault event interrupt is masked until vtd_fault_event_route()):
 * each is logged with the requester's BDF, address, access and reason,
 * counted and cleared. */
#ifndef DRIVERS_VTD_H
#define DRIVERS_VTD_H

#include "lib/types.h"
#include "drivers/pci.h"
#include "drivers/vtd_hw.h"
#include "mm/iommu_pt.h"
#include "mm/phys.h"

#define VTD_MAX_UNITS 8
#define VTD_MAX_DOMAINS 256 /* domain ids used, whatever CAP.ND allows */

struct vtd_domain {
	struct iommu_pt pt;
	uint16_t did;
	unsigned ndevs;
	uint64_t limit;   /* IOVAs below this (address width of all units) */
	const char *name;
};

/* Parse the DMAR ('dmar' NULL: no IOMMU), bring up every unit.  On any
 * error the driver reports it and stays off (vtd_active() false). */
struct acpi_header;
void vtd_init(const struct acpi_header *dmar, pci_map_fn map);
bool vtd_active(void);

/* A domain with no mapping: -ENODEV without an IOMMU, -ENOSPC without a
 * free domain id, -ENOMEM.  The struct must stay where it is until
 * vtd_domain_destroy() (the page-table engine's flush hook points at it). */
int vtd_domain_create(struct vtd_domain *d, const char *name);
/* Detaches nothing: the caller detaches its devices first. */
void vtd_domain_destroy(struct vtd_domain *d);
int vtd_domain_map(struct vtd_domain *d, uint64_t iova, paddr_t hpa,
		   uint64_t size, unsigned rights);
int vtd_domain_unmap(struct vtd_domain *d, uint64_t iova, uint64_t size);

/* The reserved memory regions (the DMAR's RMRRs) firmware declared for
 * bdf (segment 0), directly or behind a bridge it names: up to 'max'
 * [start, end) ranges go to 'out'; returns how many there are (0 when
 * VT-d is off).  The hypervisor's own devices keep them blocked; a VM's
 * domain maps them 1:1 (guest/vpc/pci_assign.c). */
unsigned vtd_rmrr_of(pci_bdf_t bdf, struct phys_range *out, unsigned max);

/* Put bdf's DMA into d (replacing any domain it was in), or block it. */
int vtd_attach(struct vtd_domain *d, pci_bdf_t bdf);
void vtd_detach(struct vtd_domain *d, pci_bdf_t bdf);

/* Interrupt remapping: an IRTE index delivering 'vector' to APIC ID
 * 'dest', accepted only from requester 'sid'.  vtd_irte_set() changes an
 * entry and invalidates the unit's interrupt entry cache. */
int vtd_irq_alloc(void);
void vtd_irq_free(int idx);
int vtd_irq_set(int idx, uint8_t vector, uint32_t dest, pci_bdf_t sid);
/* The MSI address/data that select IRTE idx. */
void vtd_irq_msi(int idx, uint32_t *addr_lo, uint32_t *addr_hi, uint32_t *data);

/* Unmask every unit's fault event interrupt, to 'vector' of the CPU with
 * APIC ID 'dest' (the owner then calls vtd_fault_poll() when it fires).
 * 0, or -ENODEV without VT-d. */
int vtd_fault_event_route(uint8_t vector, uint32_t dest);
/* Read, log, count and clear the pending faults of every unit; up to
 * 'max' of them are copied to 'out'.  Returns how many were found. */
unsigned vtd_fault_poll(struct vtd_fault *out, unsigned max);
uint64_t vtd_fault_count(void);

/* Invalidations done (register-based and queued), for the tests. */
struct vtd_stats {
	uint64_t ctx_inv, iotlb_inv, iec_inv, qi_waits, clflush_lines;
};
void vtd_get_stats(struct vtd_stats *s);

#endif
