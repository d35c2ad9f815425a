/* Loading Multiboot (specification 0.6.96) and Multiboot2 (2.0) kernels as
 * guests: find and check the image's header, load its ELF32/ELF64
 * PT_LOAD segments (or the a.out-kludge range the header gives), place the
 * modules and build the boot information block in guest RAM.
 *
 * Everything is decided and checked before the first byte is written: a
 * refused kernel leaves guest RAM untouched (only a write callback that
 * fails part way can leave part of it written).  Modules and the information
 * block go above the kernel (below it when nothing fits above), each
 * page-aligned, all below 4 GiB, in RAM of the guest's memory map.
 *
 * Entry state (the lead's VM setup programs it; struct mb_boot holds the
 * values), the same for both versions (Multiboot 0.6.96 section 3.2,
 * Multiboot2 section 3.3):
 *  - 32-bit protected mode, paging off: CR0 = PE|ET, CR4 = 0, EFER = 0.
 *  - CS: 32-bit code, execute/read, base 0, limit 0xffffffff (selector
 *    MB_ENTRY_CS); DS, ES, FS, GS, SS: data, read/write, base 0, limit
 *    0xffffffff (selector MB_ENTRY_DS).  No GDT in guest memory: the
 *    specifications let GDTR be invalid (the kernel loads its own before
 *    touching a segment register); IDTR limit 0.  A20 is on.
 *  - EFLAGS = 0x2 (IF and VM clear).  EIP = the entry point.
 *  - EAX = MB1_BOOTLOADER_MAGIC or MB2_BOOTLOADER_MAGIC, EBX = GPA of the
 *    information block; the other GPRs 0; ESP undefined (0).
 *  - Only the boot vCPU starts; others wait for INIT-SIPI-SIPI.
 */
#ifndef GUEST_MB_LOADER_H
#define GUEST_MB_LOADER_H

#include "guest/load/e820.h"

#define MB1_HEADER_MAGIC 0x1badb002u
#define MB1_BOOTLOADER_MAGIC 0x2badb002u
#define MB1_SEARCH_LEN 8192u	/* the header lies in the first 8 KiB */
#define MB2_SEARCH_LEN 32768u	/* the Multiboot2 header in the first 32 KiB */

#define MB_MAX_MODULES 16
#define MB_MAX_SEGMENTS 16	/* PT_LOAD segments */
#define MB_STRING_MAX 4096	/* command lines, NUL included */
#define MB_LOADER_NAME "uHV"

#define MB_ENTRY_CS 0x08
#define MB_ENTRY_DS 0x10

struct mb_module {
	const void *data;
	size_t size;		/* may be 0 */
	const char *cmdline;	/* NULL: "" */
};

struct mb_load_params {
	const void *image;
	size_t image_size;
	const char *cmdline;	/* NULL: "" */
	const struct mb_module *mods;
	unsigned nmods;
	uint64_t rsdp_gpa;	/* 0: none; else copied into the info (MB2) */
	const struct e820_map *map;
	const struct guest_mem_ops *mem;
};

struct mb_boot {
	unsigned version;	/* 1 or 2 */
	uint32_t eax, ebx, eip;
	uint64_t cr0;
	uint64_t kernel_start;	/* lowest byte of a loaded segment */
	uint64_t kernel_end;	/* one past the highest, bss included */
	uint64_t info_gpa;
	uint32_t info_size;
	uint64_t mod_gpa[MB_MAX_MODULES];
};

/* A Multiboot2 header if the image has a valid one, else a Multiboot
 * one.  0, or -EINVAL with the reason in err. */
int mb_load(const struct mb_load_params *p, struct mb_boot *out, char *err,
	    size_t errlen);
/* One version only. */
int mb1_load(const struct mb_load_params *p, struct mb_boot *out, char *err,
	     size_t errlen);
int mb2_load(const struct mb_load_params *p, struct mb_boot *out, char *err,
	     size_t errlen);

#endif
