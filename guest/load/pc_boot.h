/* Kernels on the virtual PC: Linux bzImage and Multiboot (guest/load/pc_boot.c). */
#ifndef GUEST_PC_BOOT_H
#define GUEST_PC_BOOT_H

#include "guest/vm/vm.h"
#include "guest/load/e820.h"

/* RAM below 4 GiB ends here at the latest (the rest continues at 4 GiB):
 * [3 GiB, 4 GiB) is left for PCI, the IOAPIC and the LAPIC. */
#define PC_LOW_RAM_MAX GiB(3)

/* The guest-physical layout of a platform VM. */
void pc_layout(const struct vm_config *cfg, struct guest_layout *l);
/* The memory map and ACPI tables (with an RSDP copy in the BIOS area)
 * of a platform VM, written to its RAM. */
struct acpi_build_out;
int pc_boot_acpi(struct vm *vm, struct e820_map *map, struct acpi_build_out *aout);
/* Place the kernel (vm->image), its initrd, boot information, e820 and
 * ACPI tables in guest RAM; vm->boot_state gets the boot vCPU's state. */
int pc_boot_load(struct vm *vm);

#endif
