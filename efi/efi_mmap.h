/* The UEFI memory map (GetMemoryMap) turned into struct boot_info's
 * E820-style regions, the ones a Multiboot2 loader hands over.  Pure data:
 * builds for the EFI application and the host unit tests. */
#ifndef EFI_EFI_MMAP_H
#define EFI_EFI_MMAP_H

#include "lib/boot_info.h"

/* UEFI 2.10, 7.2 (EFI_MEMORY_TYPE) */
enum efi_mem_type {
	EFI_MT_RESERVED = 0,
	EFI_MT_LOADER_CODE = 1,
	EFI_MT_LOADER_DATA = 2,
	EFI_MT_BS_CODE = 3,
	EFI_MT_BS_DATA = 4,
	EFI_MT_RT_CODE = 5,
	EFI_MT_RT_DATA = 6,
	EFI_MT_CONVENTIONAL = 7,
	EFI_MT_UNUSABLE = 8,
	EFI_MT_ACPI_RECLAIM = 9,
	EFI_MT_ACPI_NVS = 10,
	EFI_MT_MMIO = 11,
	EFI_MT_MMIO_PORT = 12,
	EFI_MT_PAL_CODE = 13,
	EFI_MT_PERSISTENT = 14,
	EFI_MT_UNACCEPTED = 15,
};

/* EFI_MEMORY_RUNTIME: the firmware keeps using the range after
 * ExitBootServices, whatever its type says. */
#define EFI_MEM_ATTR_RUNTIME (1ULL << 63)
#define EFI_PAGE_SHIFT 12

/* EFI_MEMORY_DESCRIPTOR as the spec lays it out; the firmware's entries
 * are desc_size apart, which may be more than this. */
struct efi_mem_desc {
	uint32_t type;
	uint32_t pad;
	uint64_t phys_start;
	uint64_t virt_start;
	uint64_t pages;
	uint64_t attr;
};

/* The boot_info type of one descriptor: boot-services and loader memory,
 * free once boot services are gone, is usable; runtime services memory,
 * ACPI NVS, MMIO, reserved, persistent, unaccepted and unknown types are
 * reserved; ACPI reclaim stays MEM_ACPI_RECLAIM, which the frame
 * allocator never takes (so the tables stay readable for good). */
uint32_t efi_mem_type_to_boot(uint32_t efi_type, uint64_t attr);

/*
 * Convert 'map_size' bytes of descriptors 'desc_size' apart into
 * bi->mmap / bi->mmap_count: sorted by base, adjacent or overlapping
 * ranges of one type merged, empty ones dropped.  Returns 0, or -1 with
 * *err naming the problem (descriptor size too small, unaligned or
 * wrapping range, more than BOOT_MAX_MMAP regions after merging, or
 * more than EFI_MMAP_MAX_DESC descriptors).
 */
#define EFI_MMAP_MAX_DESC 1024
int efi_mmap_convert(const void *map, size_t map_size, size_t desc_size,
		     struct boot_info *bi, const char **err);

#endif
