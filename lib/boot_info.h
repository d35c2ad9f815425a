/* What the boot loader told us, in one loader-independent structure.
 * boot/multiboot2.c fills it; nothing after boot reads Multiboot2 directly. */
#ifndef BOOT_BOOT_INFO_H
#define BOOT_BOOT_INFO_H

#include "lib/types.h"

#define BOOT_MAX_MMAP 128
#define BOOT_MAX_MODULES 32

/* Memory region types, numbered as in E820 / Multiboot2. */
enum mem_type {
	MEM_USABLE = 1,
	MEM_RESERVED = 2,
	MEM_ACPI_RECLAIM = 3,
	MEM_ACPI_NVS = 4,
	MEM_BAD = 5,
};

struct mem_region {
	uint64_t base;
	uint64_t len;
	uint32_t type; /* enum mem_type; unknown values are kept as given */
};

struct boot_module {
	paddr_t start; /* first byte */
	paddr_t end;   /* one past the last byte */
	const char *cmdline; /* NUL-terminated, points into the info block */
};

struct boot_info {
	const char *cmdline;     /* "" when the loader gave none */
	const char *loader_name; /* "" when the loader gave none */

	struct mem_region mmap[BOOT_MAX_MMAP];
	unsigned mmap_count;

	struct boot_module modules[BOOT_MAX_MODULES];
	unsigned module_count;

	/* ACPI RSDP copied by the loader into the info block; 0 if absent.
	 * rsdp_v2 tells whether it came from the "new" (ACPI 2.0+) tag. */
	paddr_t rsdp;
	uint32_t rsdp_len;
	bool rsdp_v2;

	/* EFI boot: system table pointer (0 when booted by BIOS). */
	paddr_t efi_systab;
	bool efi64;

	/* Framebuffer, when the loader set one up (fb_addr 0 otherwise). */
	paddr_t fb_addr;
	uint32_t fb_pitch, fb_width, fb_height;
	uint8_t fb_bpp, fb_type;

	/* EFI boot services still running (the loader did not call
	 * ExitBootServices) and the image handle to call them with; 0/false
	 * otherwise. */
	bool efi_boot_services;
	paddr_t efi_image_handle;

	/* Physical address the loader relocated the image to; 0 when it gave
	 * no load-base tag (the image runs where it was linked). */
	paddr_t load_base;

	/* The info block itself, so the frame allocator keeps it. */
	paddr_t info_start;
	paddr_t info_end;
};

#endif
