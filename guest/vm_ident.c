/* dma = identity: guest RAM at guest-physical == host-physical, so that a
 * passed-through device's DMA lands in the VM's own memory on a machine
 * without an IOMMU (Bochs).  A bring-up mode, not an isolation mode: the
 * device can reach every byte of host memory.
 *
 * The host range is taken from the frame allocator at boot, before any VM
 * is built, so that it can never overlap the hypervisor image, its heap
 * and page tables, the boot modules, another VM, or what the firmware's
 * map does not call usable RAM (ACPI tables, reserved areas): the
 * allocator manages nothing else.  The VM keeps it for its whole life; a
 * guest reset clears it and starts over in the same place. */
#include "guest/vm_ident.h"
#include "guest/vm/vm.h"
#include "guest/load/e820.h"
#include "guest/load/pc_boot.h"
#include "mm/frame.h"
#include "lib/printk.h"
#include "lib/string.h"

#define IDENT_ALIGN MiB(2) /* EPT large pages when possible */
#define LOW_PAGES (GUEST_BIOS_END / PAGE_SIZE)

static bool ident_entry_ok(const struct vm_config *cfg)
{
	return cfg->platform &&
	       (cfg->entry == ENTRY_LINUX || cfg->entry == ENTRY_MULTIBOOT);
}

int vm_ident_reserve(const struct vm_config *cfg, struct phys_range *r)
{
	uint64_t size;
	paddr_t base;

	memset(r, 0, sizeof(*r));
	if (cfg->dma != DMA_IDENTITY)
		return 0;
	if (!ident_entry_ok(cfg)) {
		pr_err("vm %s: dma = identity needs entry = linux or multiboot (a kernel that reads its memory map around the hole): not started\n",
		       cfg->name);
		return -1;
	}
	if (cfg->mem_size <= GUEST_BIOS_END || cfg->mem_size > PC_LOW_RAM_MAX) {
		pr_err("vm %s: dma = identity needs memory from 1 MiB + 4 KiB to 3 GiB (all of it below the PCI hole), not %lu KiB: not started\n",
		       cfg->name, cfg->mem_size >> 10);
		return -1;
	}
	size = cfg->mem_size - GUEST_BIOS_END;
	base = frame_alloc_contig_in(size / PAGE_SIZE, IDENT_ALIGN,
				     GUEST_BIOS_END, PC_LOW_RAM_MAX);
	if (!base)
		base = frame_alloc_contig_in(size / PAGE_SIZE, PAGE_SIZE,
					     GUEST_BIOS_END, PC_LOW_RAM_MAX);
	if (!base) {
		pr_err("vm %s: dma = identity: no free host range of %lu KiB below 3 GiB (clear of the hypervisor, its heap, boot modules, other VMs, ACPI and reserved areas): not started\n",
		       cfg->name, size >> 10);
		return -1;
	}
	*r = (struct phys_range){ base, base + size };
	pr_warn("vms: WARNING: vm %s: dma = identity: host-physical [%#lx, %#lx) set aside for its RAM; its devices can reach ALL memory, the hypervisor's included (bring-up mode, no isolation)\n",
		cfg->name, r->start, r->end);
	return 0;
}

void vm_ident_release(struct phys_range *r)
{
	if (r->end > r->start)
		frame_free_contig(r->start, (r->end - r->start) / PAGE_SIZE);
	memset(r, 0, sizeof(*r));
}

static int add_ram(struct vm *vm, gpa_t gpa, paddr_t hpa, uint64_t size)
{
	struct gmem_region reg = { .gpa = gpa, .size = size, .type = GMEM_RAM,
				   .hpa = hpa };

	return gmem_add(&vm->mem, &reg);
}

int vm_ident_alloc_ram(struct vm *vm)
{
	uint64_t size = vm->ident.end - vm->ident.start;
	paddr_t low;

	/* vm_create recorded the range as the VM's first RAM chunk. */
	memset(phys_to_virt(vm->ident.start), 0, size);
	if (add_ram(vm, vm->ident.start, vm->ident.start, size) < 0)
		goto fail;
	/* The first MiB (real-mode area, boot data) may lie anywhere: no
	 * driver points a device there. */
	low = frame_zalloc_contig(LOW_PAGES, PAGE_SIZE);
	if (!low || vm->nr_ram_chunks == VM_MAX_RAM_CHUNKS) {
		if (low)
			frame_free_contig(low, LOW_PAGES);
		goto fail;
	}
	vm->ram_chunks[vm->nr_ram_chunks++] = (struct gmem_chunk){ low, GUEST_BIOS_END };
	if (add_ram(vm, 0, low, GUEST_BIOS_END) < 0)
		goto fail;
	pr_warn("vm %s: dma = identity: RAM at host-physical %#lx == guest-physical (%lu KiB, the first MiB remapped to %#lx); its devices can reach ALL memory (bring-up mode, no isolation)\n",
		vm->name, vm->ident.start, size >> 10, low);
	return 0;
fail:
	pr_err("vm %s: dma = identity: cannot build guest RAM at %#lx\n",
	       vm->name, vm->ident.start);
	return -1;
}

int vm_ident_check_ept(const struct vm *vm)
{
	const struct phys_range *r = &vm->ident;
	gpa_t sample[3] = { r->start,
			    ALIGN_DOWN(r->start + (r->end - r->start) / 2, PAGE_SIZE),
			    r->end - PAGE_SIZE };
	paddr_t hpa[3];
	bool ok = true;

	for (unsigned i = 0; i < 3; i++) {
		if (ept_translate(&vm->ept, sample[i], &hpa[i], NULL, NULL, NULL) < 0)
			hpa[i] = 0;
		ok &= hpa[i] == sample[i];
	}
	pr_info("vm %s: dma = identity: EPT maps GPA %#lx -> HPA %#lx, %#lx -> %#lx, %#lx -> %#lx: %s\n",
		vm->name, sample[0], hpa[0], sample[1], hpa[1], sample[2],
		hpa[2], ok ? "GPA == HPA" : "NOT IDENTITY");
	return ok ? 0 : -1;
}
