/* Between pci_assign.c (life cycle) and pci_assign_io.c (the guest's
 * accesses, the host's BAR memory, DMA faults). */
#ifndef GUEST_VPC_PCI_ASSIGN_INTERNAL_H
#define GUEST_VPC_PCI_ASSIGN_INTERNAL_H

#include "guest/vpc/pci_assign.h"

/* The owners table (pci_assign.c): the VM and function of a requester
 * id, under pci_assign_lock(). */
struct pci_assign *pci_assign_owner_of(pci_bdf_t bdf, struct pci_assigned **dev);
void pci_assign_lock(void);
void pci_assign_unlock(void);
bool pci_assign_any_domain(void);

/* pci_assign_io.c */
/* Map the host BAR memory the hypervisor reaches itself (MSI-X table
 * and PBA, sub-page BARs).  0 or -1. */
int pci_assign_map_host_bars(struct pci_assigned *d);
/* Every host MSI-X entry masked. */
void pci_assign_mask_msix(struct pci_assigned *d);
/* The BAR and ECAM windows of the VM's virtual PC.  0 or -1. */
int pci_assign_map_io(struct vm *vm);
/* Build the guest's view from c and put it on the virtual bus. */
int pci_assign_add_func(struct pci_assigned *d, const struct vpci_pt_cfg *c);
/* Unmap the view's BARs (the function leaves the VM). */
void pci_assign_release_func(struct pci_assigned *d);
/* The view back to its power-on state (a guest reset). */
void pci_assign_restart_func(struct pci_assigned *d);

/* The VT-d fault event interrupt, wired once (with the first domain). */
void pci_assign_fault_irq(void);

/* pci_assign_rmrr.c: check d's RMRRs against the VM's memory and record
 * them in vm->pci_resv (0, or -1 after a pr_err); map the recorded ones
 * 1:1 in the VM's domain. */
int pci_assign_rmrr(struct vm *vm, const struct pci_assigned *d);
int pci_assign_rmrr_map(struct pci_assign *a);

/* pci_assign_msi.c: the function's message-signalled vectors.  Init
 * first thing (no vector held), setup once the view exists. */
void pci_assign_msi_init(struct pci_assigned *d);
void pci_assign_msi_setup(struct pci_assigned *d);
void pci_assign_msi_release(struct pci_assigned *d);
/* The guest's view starts over: nothing is live. */
void pci_assign_msi_restart(struct pci_assigned *d);
/* struct vpci_pt_ops' msi_update and msix_update (ctx: the function). */
void pci_assign_msi_update(void *ctx, const struct vpci_pt_msg *m);
void pci_assign_msix_update(void *ctx, unsigned entry, const struct vpci_pt_msg *m);

#endif
