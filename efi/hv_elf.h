/* The hypervisor's ELF image as hypervisor.efi carries it: checks and the
 * plan for putting it at its link address.  Pure data: builds for the
 * EFI application and the host unit tests. */
#ifndef EFI_HV_ELF_H
#define EFI_HV_ELF_H

#include "lib/types.h"

#define HV_ELF_MAX_SEGMENTS 8
/* The image must lie in the boot identity map (the low 4 GiB). */
#define APP_LOAD_LIMIT 0x100000000ULL

struct hv_elf_segment {
	uint64_t paddr;  /* where it goes */
	uint64_t offset; /* where its bytes are in the file */
	uint64_t filesz; /* bytes to copy; the rest up to memsz is zero */
	uint64_t memsz;
};

struct hv_elf_plan {
	uint64_t start, end; /* page-aligned physical range of all segments */
	struct hv_elf_segment seg[HV_ELF_MAX_SEGMENTS];
	unsigned nseg;
};

/* Check an ELF64 x86-64 executable of 'size' bytes and list its PT_LOAD
 * segments.  Returns 0, or -1 with *err set. */
int hv_elf_plan(const void *elf, size_t size, struct hv_elf_plan *plan,
		const char **err);

/* Find the boot_info entry record (lib/boot_handover.h) in the first
 * BOOT_ENTRY64_SEARCH bytes of the loaded image ('image' is the host view
 * of plan->start).  Returns 0 and the entry's address, or -1 with *err. */
int hv_elf_find_entry(const void *image, const struct hv_elf_plan *plan,
		      uint64_t *entry, const char **err);

#endif
