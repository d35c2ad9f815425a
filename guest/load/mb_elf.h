/* Private to the Multiboot loader (see mb_internal.h): reading what a
 * kernel image puts where (struct kimage) from its ELF32/ELF64 program
 * headers or from the a.out-kludge address fields of its header
 * (mb_elf.c).  Nothing here is written to guest RAM; placement and the
 * checks against the guest's memory map are in mb_place.c. */
#ifndef GUEST_MB_ELF_H
#define GUEST_MB_ELF_H

#include "guest/load/mb_internal.h"

/* PT_LOAD segments at their physical addresses into k; the entry point,
 * unless k->has_entry, from the ELF header.  0, or -EINVAL via mb_fail(). */
int mb_elf_load_info(const struct ctx *c, struct kimage *k);

/* One range from the header's address fields: the header, at file offset
 * hdr_off, is loaded at header_addr.  0, or -EINVAL via mb_fail(). */
int mb_aout_load_info(const struct ctx *c, struct kimage *k, uint64_t hdr_off,
		      uint32_t header_addr, uint32_t load_addr,
		      uint32_t load_end, uint32_t bss_end);

#endif
