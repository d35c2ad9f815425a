/* Shared by the Multiboot loader's files only; the rest of the tree uses
 * mb_loader.h.  mb_loader.c finds and checks the header, mb_elf.c reads
 * the ELF or a.out image (mb_elf.h), mb_place.c checks, places and writes
 * everything, mb1_info.c and mb2_info.c build the information blocks. */
#ifndef GUEST_MB_INTERNAL_H
#define GUEST_MB_INTERNAL_H

#include "guest/load/mb_loader.h"
#include "arch-x86/acpi_tables.h"
#include "lib/errno.h"
#include "lib/string.h"

#define MB2_TAG_ALIGN 8		/* header and information tags alike */

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

/* Formats "multiboot: ..." or "multiboot2: ..." into c->err; returns -EINVAL. */
int __printf(2, 3) mb_fail(const struct ctx *c, const char *fmt, ...);

/* [off, off + len) lies in the image. */
static inline bool in_image(const struct ctx *c, uint64_t off, uint64_t len)
{
	return off <= c->size && len <= c->size - off;
}

/* ---- small helpers of the writers --------------------------------------- */

static inline size_t str_size(const char *s)
{
	return (s ? strnlen(s, MB_STRING_MAX) : 0) + 1;
}

static inline int put(const struct ctx *c, uint64_t gpa, const void *src,
		      size_t len)
{
	if (len && c->p->mem->write(c->p->mem->ctx, gpa, src, len) < 0)
		return mb_fail(c, "cannot write guest RAM at 0x%llx (+0x%zx)",
			       (unsigned long long)gpa, len);
	return 0;
}

static inline const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

/* Bytes of RAM from 'addr' on, in KiB, as the v1 info counts them. */
static inline uint32_t ram_kib(const struct e820_map *m, uint64_t addr,
			       uint64_t cap)
{
	return (uint32_t)(MIN(e820_ram_run(m, addr), cap) / KiB(1));
}

/* ---- mb_place.c ---------------------------------------------------------- */

/* Everything after the header, for both versions: the kernel image 'k'
 * checked, placed and written with the modules and the information block;
 * *out filled in.  0, or -EINVAL via mb_fail(). */
int mb_finish(const struct ctx *c, const struct kimage *k, struct mb_boot *out);

/* ---- mb1_info.c ---------------------------------------------------------- */

uint32_t mb1_info_size(const struct ctx *c);
int mb1_put_info(const struct ctx *c, const struct mb_boot *b);

/* ---- mb2_info.c ---------------------------------------------------------- */

struct rsdp_copy {
	uint8_t bytes[ACPI_RSDP_V2_LEN];
	uint32_t len;		/* 0: none; 20: ACPI 1.0; 36: 2.0+ */
};

int mb2_read_rsdp(const struct ctx *c, struct rsdp_copy *r);
uint32_t mb2_info_size(const struct ctx *c, const struct rsdp_copy *r);
int mb2_put_info(const struct ctx *c, const struct mb_boot *b,
		 const struct rsdp_copy *r);

#endif
