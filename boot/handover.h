/* Where the boot information comes from: a Multiboot2 loader (GRUB) or
 * a boot_info loader (efi/hypervisor.efi, lib/boot_handover.h).  After
 * boot_info_take nothing knows which one it was, except the loader name
 * the boot report prints. */
#ifndef BOOT_HANDOVER_H
#define BOOT_HANDOVER_H

#include "lib/boot_info.h"

/*
 * Fill *out from what the entry received: 'magic' is the loader's magic
 * and 'info' the physical (= boot identity-mapped) address of its block.
 * Returns 0, or -EINVAL with *err set to one line naming the problem.
 */
int boot_info_take(uint32_t magic, uint64_t info, struct boot_info *out,
		   const char **err);

/* Check a boot_info built by a boot_info loader and copy it to *out:
 * counts in range, every string inside the block it names, no module
 * ending before it starts, a non-empty memory map. */
int boot_handover_check(const void *block, paddr_t block_pa,
			struct boot_info *out, const char **err);

/* At loglevel=debug, one line a module: name, size, address and an
 * FNV-1a hash of its bytes, so that two loaders can be compared. */
void boot_modules_print(const struct boot_info *bi);
/* At loglevel=debug, the memory map as the loader gave it. */
void boot_mmap_print(const struct boot_info *bi);

#endif
