/* Multiboot2 header: GRUB finds it in the first 32 KiB of the image. */
#include "lib/mb2_defs.h"
#include "lib/boot_handover.h"
#include "boot/asm-offsets.h"

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	/* Ask for the tags we rely on.  The flag bit 0 marks the request
	 * optional, so an old loader that cannot give e.g. the EFI system
	 * table still boots us; the parser insists on the memory map itself. */
	.balign 8
info_req:
	.short MB2_HDR_TAG_INFO_REQ
	.short MB2_HDR_TAG_OPTIONAL
	.long info_req_end - info_req
	.long MB2_TAG_MMAP
	.long MB2_TAG_ACPI_OLD
	.long MB2_TAG_ACPI_NEW
	.long MB2_TAG_EFI64
	.long MB2_TAG_CMDLINE
	.long MB2_TAG_MODULE
info_req_end:

	/* Modules page-aligned: guest images are mapped straight from them. */
	.balign 8
	.short MB2_HDR_TAG_MODULE_ALIGN
	.short 0
	.long 8

	.balign 8
	.short MB2_HDR_TAG_END
	.short 0
	.long 8
mb2_header_end:

	/* The record a boot_info loader (efi/, lib/boot_handover.h) looks
	 * for in the first 32 KiB of the loaded image: where the 64-bit
	 * entry is and which struct boot_info it expects. */
	.balign 8
	.globl boot_entry64_record
boot_entry64_record:
	.quad BOOT_ENTRY64_SIG
	.long BOOT_ENTRY64_VERSION
	.long BOOT_INFO_SIZE
	.quad _start64
