/* Loading a Linux bzImage as a guest through the 64-bit boot protocol
 * (Documentation/arch/x86/boot.rst, "64-bit BOOT PROTOCOL", and
 * zero-page.rst).
 *
 * linux_parse() checks the setup header against the image; linux_load()
 * places the protected-mode kernel, the initrd, the command line and
 * struct boot_params (the "zero page") in guest RAM, with a GDT and an
 * identity-mapping page table in low memory, and says how the boot vCPU
 * must start.  The placement is decided and checked in full before the
 * first byte is written: a refused image leaves guest RAM untouched.
 *
 * Entry state (what the lead's VM setup must program; struct linux_boot
 * holds the values):
 *  - 64-bit mode: CR0 = PE|ET|NE|PG, CR4 = PAE, EFER = LME|LMA, CR3 =
 *    LINUX_PML4_GPA.  The page tables identity-map [0, 4 GiB) with 2 MiB
 *    pages (present, writable, supervisor); the protocol needs at least
 *    the kernel's init_size region, boot_params, the command line and the
 *    initrd mapped, all of which lie below 4 GiB.
 *  - GDT at LINUX_GDT_GPA, limit 0x1f: __BOOT_CS = 0x10 (64-bit code,
 *    flat, execute/read), __BOOT_DS = 0x18 (flat data, read/write).  CS =
 *    0x10; DS, ES, SS = 0x18 (FS and GS may be 0x18 too); no LDT; TR any
 *    valid busy TSS the VMCS needs (the kernel loads its own).
 *  - RFLAGS = 0x2 (interrupts off), RIP = kernel load address + 0x200,
 *    RSI = GPA of boot_params, other GPRs 0.  IDTR limit 0.
 *  - Only the boot vCPU starts here; the others wait for INIT-SIPI-SIPI
 *    (the kernel wakes them through the local APIC).
 */
#ifndef GUEST_LINUX_BOOT_H
#define GUEST_LINUX_BOOT_H

#include "guest/load/e820.h"

/* Setup header (boot.rst): offsets in the image file and in boot_params. */
#define LINUX_HDR_START 0x1f1
#define LINUX_BOOT_FLAG 0xaa55
#define LINUX_HDR_MAGIC 0x53726448u /* "HdrS" */

#define LINUX_PROTO(major, minor) (((major) << 8) | (minor))
#define LINUX_PROTO_MIN LINUX_PROTO(2, 6)
#define LINUX_PROTO_64BIT LINUX_PROTO(2, 12) /* xloadflags */

/* loadflags and xloadflags bits. */
#define LINUX_LOADED_HIGH BIT(0)
#define LINUX_CAN_USE_HEAP BIT(7)
#define LINUX_XLF_KERNEL_64 BIT(0)
#define LINUX_XLF_CAN_BE_LOADED_ABOVE_4G BIT(1)

#define LINUX_TYPE_OF_LOADER 0xff	/* "undefined" boot loader */
#define LINUX_ENTRY_64_OFFSET 0x200	/* startup_64 from the load address */
#define LINUX_E820_MAX 128		/* entries in boot_params */

/* Where linux_load() puts the boot structures (all in conventional
 * memory, which the kernel keeps reserved for itself). */
#define LINUX_PML4_GPA 0x1000u		/* then PDPT 0x2000, 4 PDs 0x3000-0x6fff */
#define LINUX_GDT_GPA 0x7000u
#define LINUX_BOOT_PARAMS_GPA 0x10000u	/* 4 KiB */
#define LINUX_CMDLINE_GPA 0x20000u
#define LINUX_CMDLINE_MAX 0x10000u	/* bytes, the NUL included */
#define LINUX_BOOT_AREA_END 0x30000u
#define LINUX_BOOT_CS 0x10
#define LINUX_BOOT_DS 0x18
#define LINUX_IDENT_MAP_END GUEST_4G

/* What the setup header says, checked against the image. */
struct linux_image {
	uint16_t version;	/* boot protocol, LINUX_PROTO(major, minor) */
	uint32_t hdr_end;	/* offset just past the setup header */
	uint32_t setup_size;	/* bytes before the protected-mode kernel */
	uint64_t kernel_size;	/* bytes of protected-mode kernel */
	uint8_t loadflags;
	uint16_t xloadflags;
	bool relocatable;
	uint32_t kernel_alignment;
	uint32_t initrd_addr_max;
	uint32_t cmdline_size;	/* longest command line, NUL excluded */
	uint64_t pref_address;
	uint32_t init_size;
};

/* Check the bzImage [image, image + size).  0, or -EINVAL with the reason in
 * err.  Never reads outside the image. */
int linux_parse(const void *image, size_t size, struct linux_image *li,
		char *err, size_t errlen);

struct linux_load_params {
	const void *kernel;
	size_t kernel_size;
	const void *initrd;	/* NULL or size 0: none */
	size_t initrd_size;
	const char *cmdline;	/* NULL: empty */
	uint64_t rsdp_gpa;	/* 0: none (guest/load/acpi_build.h) */
	const struct e820_map *map;	/* the guest's, handed on as is */
	const struct guest_mem_ops *mem;
};

struct linux_boot {
	struct linux_image img;
	uint64_t kernel_gpa;	/* load address (runtime address too) */
	uint64_t kernel_end;	/* load + init_size: the kernel's until it has read the map */
	uint64_t initrd_gpa;	/* 0 without an initrd */
	uint64_t initrd_size;
	uint64_t boot_params_gpa;
	uint64_t cmdline_gpa;
	/* Boot vCPU state (see the top of this file). */
	uint64_t rip, rsi;
	uint64_t cr0, cr3, cr4, efer;
	uint64_t gdt_base;
	uint16_t gdt_limit;
	uint16_t cs, ds;
	uint64_t ident_map_end;	/* the page tables map [0, this) 1:1 */
	uint64_t ident_needed;	/* the protocol needs [0, this) at least */
};

/* Load the kernel.  0, or -EINVAL with the reason in err and nothing written
 * (unless a write callback fails part way, which a correct map rules
 * out). */
int linux_load(const struct linux_load_params *p, struct linux_boot *out,
	       char *err, size_t errlen);

#endif
