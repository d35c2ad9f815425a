/* A small builder of Multiboot2 information blocks in host memory, shared
 * by the parser tests.  Blocks are built in 'mbb' and parsed from a heap
 * copy of exactly the bytes built, so ASan catches any read past what the
 * loader provided. */
#ifndef TESTS_UNIT_MB2_BUILDER_H
#define TESTS_UNIT_MB2_BUILDER_H

#include "boot/multiboot2.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "tests/unit/fakes.h"

/* Physical address the blocks pretend to live at. */
#define INFO_PA 0x10000ull

struct mb {
	uint8_t buf[8192] __aligned(8);
	uint32_t len;
};

extern struct mb mbb;		/* block under construction */
extern struct boot_info bi;	/* result of the last parse */
extern const char *err;		/* its error message */

void mb_put32(uint32_t off, uint32_t v);
void mb_put64(uint32_t off, uint64_t v);

/* Start a block: just the fixed part, total_size set by mb_end(). */
void mb_begin(void);
/* Append a tag with 'n' payload bytes; returns its offset.  The size field
 * excludes the padding to the next 8-byte boundary, as the spec says. */
uint32_t mb_tag(uint32_t type, const void *payload, uint32_t n);
uint32_t mb_string(uint32_t type, const char *s);
uint32_t mb_module(uint32_t start, uint32_t end, const char *cmdline);
/* A memory map with 'n' entries 'entry_size' apart: entry i is 1 MiB at
 * i * 16 MiB, alternately usable and reserved. */
uint32_t mb_mmap_n(unsigned n, uint32_t entry_size);
uint32_t mb_mmap(void); /* four entries */
uint32_t mb_rsdp(bool v2);
void mb_u64_tag(uint32_t type, uint64_t v);
void mb_u32_tag(uint32_t type, uint32_t v);
/* End tag, and total_size covering everything built. */
void mb_end(void);

/* Parse the block at physical 'pa' (default INFO_PA) with 'magic'. */
int mb_parse_at(paddr_t pa, uint32_t magic);
int mb_parse(void);
/* Group teardown: frees the last parsed copy. */
int mb_free_copy(void **state);

/* The parse must fail and the message must name the problem. */
#define assert_parse_error(substr)                                           \
	do {                                                                 \
		assert_int_equal(mb_parse(), -EINVAL);                       \
		assert_non_null(err);                                        \
		if (!strstr(err, (substr)))                                  \
			fail_msg("error \"%s\" lacks \"%s\"", err, (substr)); \
		assert_non_null(strstr(err, "multiboot2: "));                \
	} while (0)

#endif
