/* The second way into the hypervisor: a loader that has built the
 * `struct boot_info` itself (efi/, the UEFI application) jumps to the
 * 64-bit entry `_start64` (boot/entry.S) instead of the Multiboot2 one.
 *
 * Hand-over state (docs/architecture.md, "Booting from UEFI"):
 *   - 64-bit long mode, interrupts disabled, 4-level paging with every
 *     byte of the image, the hand-over block and the modules mapped 1:1
 *     (UEFI's own identity map does); CR4.LA57 clear;
 *   - the image's PT_LOAD segments copied to their physical (link)
 *     addresses, the rest of its range zeroed;
 *   - EDI = BOOT_HANDOVER_MAGIC, RSI = physical address of a
 *     `struct boot_handover` below 4 GiB;
 *   - any GDT, IDT, stack: the entry installs its own page tables, GDT
 *     and stack before it touches anything else.
 * The loader finds the entry through a `struct boot_entry64` record in the
 * first BOOT_ENTRY64_SEARCH bytes of the image (boot/header.S). */
#ifndef LIB_BOOT_HANDOVER_H
#define LIB_BOOT_HANDOVER_H

/* Passed where a Multiboot2 loader passes its magic (0x36d76289). */
#define BOOT_HANDOVER_MAGIC 0x55b0071fu

/* "uHV64BI" with its NUL: the 8 bytes that open the entry record. */
#define BOOT_ENTRY64_SIG 0x0049423436564875ULL
#define BOOT_ENTRY64_VERSION 1
#define BOOT_ENTRY64_SEARCH 32768

#ifndef __ASSEMBLER__
#include "lib/boot_info.h"

struct boot_entry64 {
	uint64_t sig;        /* BOOT_ENTRY64_SIG */
	uint32_t version;    /* BOOT_ENTRY64_VERSION */
	uint32_t info_size;  /* sizeof(struct boot_info) of the image */
	uint64_t entry;      /* physical address of _start64 */
};

/* The block the loader hands over.  Every string that bi points to lies
 * inside [bi.info_start, bi.info_end), and so does the block itself. */
struct boot_handover {
	uint32_t magic;     /* BOOT_HANDOVER_MAGIC again */
	uint32_t size;      /* sizeof(struct boot_info) the loader used */
	struct boot_info bi;
};
#endif /* !__ASSEMBLER__ */

#endif
