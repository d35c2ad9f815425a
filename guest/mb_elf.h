/* Private to the Multiboot loader (mb_loader.c): what a kernel image puts
 * where, and reading that from its ELF32/ELF64 program headers or from the
 * a.out-kludge address fields of its header (mb_elf.c).  Nothing here is
 * written to guest RAM; placement and the checks against the guest's
 * memory map stay in mb_loader.c. */
#ifndef GUEST_MB_ELF_H
#define GUEST_MB_ELF_H

#include "guest/mb_loader.h"

/* What the image puts where: file bytes [off, off + filesz) at paddr,
 * zeros up to paddr + memsz. */
struct seg {
	uint64_t off, filesz, paddr, memsz;
};

struct kimage {
	struct seg seg[MB_MAX_SEGMENTS];
	unsigned nseg;
	uint64_t entry;
	bool has_entry;		/* MB2 entry tag given */
};

struct ctx {
	const struct mb_load_params *p;
	const uint8_t *img;
	size_t size;
	unsigned version;
	char *err;
	size_t errlen;
};

/* Formats "multiboot: ..." or "multiboot2: ..." into c->err; returns -1. */
int __printf(2, 3) mb_fail(const struct ctx *c, const char *fmt, ...);

/* [off, off + len) lies in the image. */
static inline bool in_image(const struct ctx *c, uint64_t off, uint64_t len)
{
	return off <= c->size && len <= c->size - off;
}

/* PT_LOAD segments at their physical addresses into k; the entry point,
 * unless k->has_entry, from the ELF header.  0, or -1 via mb_fail(). */
int mb_elf_load_info(const struct ctx *c, struct kimage *k);

/* One range from the header's address fields: the header, at file offset
 * hdr_off, is loaded at header_addr.  0, or -1 via mb_fail(). */
int mb_aout_load_info(const struct ctx *c, struct kimage *k, uint64_t hdr_off,
		      uint32_t header_addr, uint32_t load_addr,
		      uint32_t load_end, uint32_t bss_end);

#endif
