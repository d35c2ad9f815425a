/* Multiboot2 (specification version 2.0): the layouts of the information
 * block and the remaining constants, shared by the hypervisor's own
 * parser (boot/multiboot2.c) and the Multiboot loader for guests.  The
 * numbers the assembly header needs live in lib/mb2_defs.h. */
#ifndef LIB_MULTIBOOT2_H
#define LIB_MULTIBOOT2_H

#include "lib/mb2_defs.h"

/* Header tag types not already in mb2_defs.h (spec 3.1.3 - 3.1.13). */
#define MB2_HDR_TAG_ADDRESS 2
#define MB2_HDR_TAG_ENTRY 3
#define MB2_HDR_TAG_CONSOLE_FLAGS 4
#define MB2_HDR_TAG_FRAMEBUFFER 5
#define MB2_HDR_TAG_EFI_BS 7
#define MB2_HDR_TAG_ENTRY_EFI32 8
#define MB2_HDR_TAG_ENTRY_EFI64 9
#define MB2_HDR_TAG_RELOCATABLE 10

/* The header checksum makes magic + architecture + length + checksum wrap
 * to 0 in 32 bits; written as a positive value so both C and gas accept it
 * in a 32-bit slot. */
#define MB2_HEADER_CHECKSUM(arch, len) \
	(0x100000000 - (MB2_HEADER_MAGIC + (arch) + (len)))

/* Memory map entry types (spec 3.6.8), the same numbers as E820. */
#define MB2_MEM_AVAILABLE 1
#define MB2_MEM_RESERVED 2
#define MB2_MEM_ACPI_RECLAIM 3
#define MB2_MEM_NVS 4
#define MB2_MEM_BAD 5

/* We refuse an information block larger than this: GRUB's are a few KiB,
 * so a bigger total_size means the pointer or the block is garbage. */
#define MB2_INFO_MAX_SIZE 0x100000

#ifndef __ASSEMBLER__

#include "lib/types.h"
#include "lib/boot_info.h"

/* Layouts of the parts of the information block we read.  The block is
 * 8-byte aligned and every tag starts on an 8-byte boundary, so these
 * natural layouts match the wire format; the parser copies them out with
 * memcpy after checking the tag is long enough. */
struct mb2_info_header {
	uint32_t total_size; /* includes this header and the end tag */
	uint32_t reserved;   /* must be 0 */
};

struct mb2_tag {
	uint32_t type;
	uint32_t size; /* header included, padding to 8 bytes excluded */
};

struct mb2_tag_module {
	struct mb2_tag tag;
	uint32_t mod_start;
	uint32_t mod_end; /* one past the last byte */
	/* NUL-terminated command line follows */
};

struct mb2_tag_mmap {
	struct mb2_tag tag;
	uint32_t entry_size; /* a multiple of 8, at least sizeof(entry) */
	uint32_t entry_version;
	/* entries follow, entry_size bytes apart */
};

struct mb2_mmap_entry {
	uint64_t base;
	uint64_t len;
	uint32_t type;
	uint32_t reserved;
};

struct mb2_tag_framebuffer {
	struct mb2_tag tag;
	uint64_t addr;
	uint32_t pitch;
	uint32_t width;
	uint32_t height;
	uint8_t bpp;
	uint8_t type;
	/* reserved and colour information follow; we do not use them */
};

/* Bytes of the framebuffer tag we read (through 'type'). */
#define MB2_FB_TAG_MIN_SIZE (offsetof(struct mb2_tag_framebuffer, type) + 1)

_Static_assert(sizeof(struct mb2_info_header) == 8, "fixed part");
_Static_assert(sizeof(struct mb2_tag) == 8, "tag header");
_Static_assert(sizeof(struct mb2_tag_module) == 16, "module tag");
_Static_assert(sizeof(struct mb2_tag_mmap) == 16, "mmap tag");
_Static_assert(sizeof(struct mb2_mmap_entry) == 24, "mmap entry");
_Static_assert(MB2_FB_TAG_MIN_SIZE == 30, "framebuffer tag");

#endif /* __ASSEMBLER__ */

#endif
