/* dma = identity (docs/passthrough.md, guest/vm_ident.c): the RAM of a VM
 * whose passed-through devices DMA without an IOMMU lies at
 * guest-physical == host-physical above its first MiB. */
#ifndef GUEST_VM_IDENT_H
#define GUEST_VM_IDENT_H

#include "lib/types.h"
#include "mm/phys.h"

struct vm;
struct vm_config;

/* At boot, before any VM is built: for a VM with dma = identity, set
 * aside (frame allocator) the host range its RAM above the first MiB will
 * occupy, [r.start, r.start + memory - 1 MiB), 2 MiB aligned where
 * possible, below the virtual PC's PCI hole (3 GiB), and say loudly what
 * that means.  *r is empty for other VMs.  -1 (reported) when the VM
 * cannot have one: it is then refused, the others go on. */
int vm_ident_reserve(const struct vm_config *cfg, struct phys_range *r);
/* Give a reserved range back (a VM refused before vm_create took it). */
void vm_ident_release(struct phys_range *r);

/* vm_create: the VM's RAM from its reserved range (vm->ident): the first
 * MiB anywhere, the rest identity-mapped.  -1 (reported) on failure; the
 * chunks recorded so far are freed by the caller. */
int vm_ident_alloc_ram(struct vm *vm);
/* Walk the VM's EPT at sample addresses of the identity range and print
 * what they map to; -1 (reported) when one is not GPA == HPA. */
int vm_ident_check_ept(const struct vm *vm);

#endif
