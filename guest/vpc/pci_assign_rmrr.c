/* The reserved memory regions (DMAR RMRRs, VT-d specification 8.4) of
 * the functions a VM is given.  Firmware names, for some devices (USB
 * controllers doing legacy keyboard emulation, integrated graphics), a
 * host-physical range the device keeps DMAing to after the OS has taken
 * over; the device only works if that range stays reachable at the same
 * address.
 *
 * dma = iommu: the VM's domain maps the range 1:1 (IOVA == HPA), the
 * guest's e820 marks that guest-physical range reserved, and the VM's
 * RAM must not cover it (the guest would hand out as buffers pages the
 * device writes on its own): such a function is refused.  The guest's
 * PCI window, ECAM and local APIC/IOAPIC hole [GUEST_PCI_MEM_BASE, 4 GiB)
 * cannot hold it either.
 * dma = identity: the device reaches host memory natively, RMRR
 * included; the range is firmware-reserved host memory, so it lies in no
 * RAM vm_ident gave the VM (still checked) and nothing is mapped or
 * marked.
 * dma = none: the device never masters the bus; nothing to do. */
#include "guest/vpc/pci_assign_internal.h"
#include "guest/vm/vm.h"
#include "guest/load/acpi_build.h"
#include "guest/load/e820.h"
#include "lib/printk.h"

static bool overlaps(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return a < d && c < b;
}

static const char *conflict(const struct vm *vm, const struct phys_range *r)
{
	for (unsigned i = 0; i < vm->mem.count; i++) {
		const struct gmem_region *g = &vm->mem.region[i];

		if (g->type == GMEM_RAM &&
		    overlaps(r->start, r->end, g->gpa, g->gpa + g->size))
			return "the VM's RAM";
	}
	if (vm->cfg->dma == DMA_IOMMU && overlaps(r->start, r->end, GUEST_PCI_MEM_BASE, GUEST_4G))
		return "the guest's PCI window and APIC hole";
	return NULL;
}

/* Record r for the domain and the e820 map, once however many functions
 * share it. */
static int keep(struct vm *vm, const struct phys_range *r)
{
	for (unsigned i = 0; i < vm->npci_resv; i++)
		if (vm->pci_resv[i].start == r->start && vm->pci_resv[i].end == r->end)
			return 0;
	if (vm->npci_resv == VM_MAX_PCI_RESV)
		return -1;
	vm->pci_resv[vm->npci_resv++] = *r;
	return 0;
}

int pci_assign_rmrr(struct vm *vm, const struct pci_assigned *d)
{
	struct phys_range r[VM_MAX_PCI_RESV];
	unsigned n;

	if (vm->cfg->dma == DMA_NONE)
		return 0;
	n = vtd_rmrr_of(d->bdf, r, VM_MAX_PCI_RESV);
	if (n > VM_MAX_PCI_RESV) {
		pr_err("vm %s: pci:%s refused: more than %u RMRRs in the VM\n",
		       vm->name, d->name, VM_MAX_PCI_RESV);
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		const char *what = conflict(vm, &r[i]);

		if (what) {
			pr_err("vm %s: pci:%s refused: its RMRR [%#lx, %#lx) overlaps %s\n",
			       vm->name, d->name, r[i].start, r[i].end, what);
			return -1;
		}
		if (vm->cfg->dma == DMA_IDENTITY) {
			pr_info("vm %s: pci:%s: its RMRR [%#lx, %#lx) is reached at its host address (dma = identity)\n",
				vm->name, d->name, r[i].start, r[i].end);
			continue;
		}
		if (keep(vm, &r[i]) < 0) {
			pr_err("vm %s: pci:%s refused: more than %u RMRRs in the VM\n",
			       vm->name, d->name, VM_MAX_PCI_RESV);
			return -1;
		}
	}
	return 0;
}

int pci_assign_rmrr_map(struct pci_assign *a)
{
	struct vm *vm = a->vm;

	for (unsigned i = 0; i < vm->npci_resv; i++) {
		const struct phys_range *r = &vm->pci_resv[i];
		int e = vtd_domain_map(&a->dom, r->start, r->start, r->end - r->start, IOMMU_RW);

		if (e < 0) {
			pr_err("vm %s: VT-d domain: cannot map RMRR [%#lx, %#lx) (%d)\n",
			       vm->name, r->start, r->end, e);
			return -1;
		}
		pr_info("vm %s: RMRR [%#lx, %#lx) mapped 1:1 in its VT-d domain, reserved in its e820 map\n",
			vm->name, r->start, r->end);
	}
	return 0;
}
