/* The Multiboot2 information parser: the one place that reads what the
 * boot loader handed over; everything after it reads struct boot_info. */
#ifndef BOOT_MULTIBOOT2_H
#define BOOT_MULTIBOOT2_H

#include "lib/multiboot2.h"
#include "lib/boot_info.h"

/*
 * Parse and check the Multiboot2 boot information at 'info' (the host's
 * view of it) whose physical address is 'info_pa'.  The two are the same
 * under the boot identity map; host tests keep them apart so physical
 * addresses in the result are predictable.
 *
 * On success returns 0 and fills *out completely.  On failure returns -EINVAL,
 * sets *err to a one-line message naming the problem and the offset/type of
 * the offending tag (valid until the next call), and leaves *out partially
 * filled, not to be used.
 *
 * Policy: anything malformed is an error, never silently clamped; that
 * includes more memory map entries or modules than boot_info holds, since
 * dropping part of the memory map or a guest image would only fail later
 * and less clearly.  Unknown tags are skipped, as the spec requires.
 */
int mb2_parse(const void *info, paddr_t info_pa, uint32_t magic,
	      struct boot_info *out, const char **err);

#endif
