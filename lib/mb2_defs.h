/* Multiboot2 numbers shared by the assembly header and the C parser
 * (Multiboot2 specification, version 2.0). */
#ifndef BOOT_MB2_DEFS_H
#define BOOT_MB2_DEFS_H

#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define MB2_ARCH_I386 0

/* Header tags (in our image). */
#define MB2_HDR_TAG_END 0
#define MB2_HDR_TAG_INFO_REQ 1
#define MB2_HDR_TAG_MODULE_ALIGN 6
#define MB2_HDR_TAG_OPTIONAL 1

/* Boot information tags (from the loader). */
#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER_NAME 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_BOOTDEV 5
#define MB2_TAG_MMAP 6
#define MB2_TAG_VBE 7
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_ELF_SECTIONS 9
#define MB2_TAG_APM 10
#define MB2_TAG_EFI32 11
#define MB2_TAG_EFI64 12
#define MB2_TAG_SMBIOS 13
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_TAG_NETWORK 16
#define MB2_TAG_EFI_MMAP 17
#define MB2_TAG_EFI_BS 18
#define MB2_TAG_EFI32_IH 19
#define MB2_TAG_EFI64_IH 20
#define MB2_TAG_LOAD_BASE 21

#endif
