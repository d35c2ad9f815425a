/* Whole PCI functions given to a VM ("device = pci:BB:DD.F";
 * docs/passthrough.md, "Assignment").
 *
 * At the VM's creation (vm_create, after its virtual PC) each function
 * must be in the host's table, not be the hypervisor's, not be a bridge,
 * not belong to another VM (pci_claim), and its DMA must be confined: a
 * VT-d domain of the VM's RAM (one per VM), or the description's
 * "dma = identity" (bring-up, no isolation: said loudly).  Any refusal is
 * one pr_err line and the VM is not started; the other VMs go on.
 *
 * The guest sees function i at 00:(PCI_ASSIGN_FIRST_SLOT + i).0 of its
 * virtual bus (guest/dev/vpci_pt.h), its memory BARs placed in
 * [GUEST_PCI_MEM_BASE, GUEST_PCI_MEM_END) and mapped by EPT onto the
 * real BARs (UC), except the pages of the MSI-X table and PBA and BARs
 * smaller than a page, which trap (the whole window is one MMIO range of
 * the virtual PC); its extended configuration space through the ECAM
 * window at GUEST_ECAM_BASE (MCFG).  INTx: the host line firmware gave
 * the function is forwarded by guest/vpc/passthru.c to the same line of
 * the VM (or to the first free IOAPIC pin from 16 when that line is
 * taken).  MSI and MSI-X (up to PCI_ASSIGN_MSIX_VECS entries): each
 * vector has a host vector of its own, reached through an IRTE with the
 * function's source id under VT-d interrupt remapping (compatibility
 * format otherwise); the host's entry is programmed with it while the
 * guest's is enabled and unmasked, and each interrupt is delivered as the
 * guest's message to its virtual LAPICs.
 *
 * At the VM's end (and a guest reset): bus master off, the function
 * reset, its domain torn down (end only), the claim released (end
 * only).  DMA faults of its functions (VT-d) arrive by the units' fault
 * event interrupt (polled from devirq_dispatch() where it cannot be
 * wired) and are logged, counted, and stop the VM when its on_dma_fault
 * says so.  The I/O BARs' ports pass the VM's I/O bitmap while it owns
 * the function. */
#ifndef GUEST_VPC_PCI_ASSIGN_H
#define GUEST_VPC_PCI_ASSIGN_H

#include "lib/types.h"
#include "drivers/pci.h"
#include "drivers/vtd.h"
#include "guest/config/config.h"
#include "guest/dev/vpci_pt.h"

#define PCI_ASSIGN_FIRST_SLOT 3 /* 00:03.0, 00:04.0, ... in the guest */
#define PCI_ASSIGN_MAX_MAPS 4   /* host BAR windows the hypervisor maps */

#define PCI_ASSIGN_MSIX_VECS 8  /* MSI-X entries delivered per function */

struct vm;
struct pci_assigned;

/* One message-signalled vector of a function: the host vector (devirq)
 * its host message names, through an IRTE with the function's source id
 * when VT-d remaps interrupts, and the guest's message it becomes. */
struct pci_assign_vec {
	struct pci_assigned *d;
	int slot;              /* devirq slot, -1: none */
	int irte;              /* VT-d IRTE, -1: compatibility format */
	uint32_t addr_lo, addr_hi, data; /* the host's message */
	struct vpci_pt_msg guest;
	bool live;             /* guest's message enabled and unmasked */
	uint64_t delivered;
};

struct pci_assigned {
	struct vm *vm;
	struct pci_func *host;
	pci_bdf_t bdf;
	uint16_t vbdf;       /* VPCI_BDF() of the guest's view */
	bool claimed;
	/* The guest's accesses may reach the host function (from its view's
	 * creation until the give-back starts; under the vplat lock). */
	bool guest_ok;
	bool resettable;
	bool io_open;        /* its I/O BARs' ports pass the I/O bitmap */
	struct vpci_pt cfg;
	struct vpci_pt_cfg init; /* what the view was built from (resets) */
	uint8_t ept_ok;      /* BARs whose EPT mapping went in */
	unsigned msi_warned; /* "entry not delivered" said once */
	struct pci_assign_vec msi_vec;
	struct pci_assign_vec msix_vec[PCI_ASSIGN_MSIX_VECS];
	/* The host BAR memory the hypervisor itself reaches (MSI-X table
	 * and PBA, sub-page BARs): BAR index -> virtual address, 0: none. */
	uint8_t *bar_va[PCI_NUM_BARS];
	char name[8];        /* "BB:DD.F" */
};

struct pci_assign {
	struct vm *vm;
	unsigned n;
	struct pci_assigned dev[VM_MAX_DEVICES];
	struct vtd_domain dom;
	bool has_dom;
	uint64_t next_bar;   /* where the next memory BAR goes */
	uint64_t dma_faults;
};

/* Why 'bdf' may not be given to VM 'vm_id' with the host table 't', or
 * NULL when it may: absent, the hypervisor's, a bridge, another VM's. */
const char *pci_assign_refusal(const struct pci_table *t, pci_bdf_t bdf,
			       int vm_id);

/* Take the VM's functions (cfg->devices): 0, or -1 after one pr_err line
 * saying why (nothing is then held). */
int pci_assign_attach(struct vm *vm);
/* Give them back (bus master off, reset, domain gone, claim released).
 * Idempotent. */
void pci_assign_detach(struct vm *vm);
/* Free what detach left for the virtual bus (vm_destroy, after the
 * virtual PC is gone or never ran). */
void pci_assign_free(struct vm *vm);
/* A guest reset, before the VM's RAM is cleared: bus master off, each
 * function reset.  After the virtual PC's power-on reset (which empties
 * its PCI bus): each view back to power-on and on the bus again. */
void pci_assign_reset(struct vm *vm);
void pci_assign_reset_end(struct vm *vm);

/* devirq_dispatch()'s poll (without the fault event interrupt): pending
 * VT-d faults, each given to the VM whose function it names. */
void pci_assign_poll_faults(void);
/* Act on one fault (exposed for the tests): true when a VM's function
 * caused it. */
bool pci_assign_fault(const struct vtd_fault *f);

#endif
