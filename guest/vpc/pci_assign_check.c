/* Which host functions a VM may be given; see pci_assign.h. */
#include "guest/vpc/pci_assign.h"

#define PCI_CLASS_BRIDGE 0x06 /* base class: host, ISA, PCI-to-PCI, ... */

const char *pci_assign_refusal(const struct pci_table *t, pci_bdf_t bdf,
			       int vm_id)
{
	const struct pci_func *f = NULL;

	for (unsigned i = 0; t && i < t->n; i++)
		if (t->f[i].bdf == bdf)
			f = &t->f[i];
	if (!f)
		return "there is no such function on the host";
	if (f->owner == PCI_OWNER_HV)
		return "the hypervisor uses it";
	/* A bridge forwards other functions' transactions: whoever holds it
	 * could reach (or reset) everything behind it and its host
	 * decode windows.  The base class catches host and ISA bridges,
	 * whose header is an ordinary one. */
	if ((f->hdr_type & PCI_HDR_TYPE_MASK) != PCI_HDR_NORMAL ||
	    (f->class_rev >> 24) == PCI_CLASS_BRIDGE)
		return "it is a bridge";
	if (f->owner == PCI_OWNER_VM && f->owner_id != vm_id)
		return "it belongs to another VM";
	return NULL;
}
