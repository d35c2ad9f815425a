/* Shared fixture of the Linux boot loader tests (test_linux_boot*.c): a
 * fake guest RAM of RAM bytes behind guest_mem_ops (fake_guest_mem.h) with
 * its memory map, synthetic bzImages built from a struct bz (field offsets
 * from the boot protocol documentation), and linux_load() run on them.
 * Images live in heap blocks of exactly their size, so ASan catches any
 * read past the end. */
#ifndef TESTS_UNIT_LINUX_BOOT_FIXTURE_H
#define TESTS_UNIT_LINUX_BOOT_FIXTURE_H

#include "guest/load/linux_boot.h"
#include "tests/unit/fakes.h"

#define RAM MiB(64)

/* The fake guest RAM and what linux_load() places in it: writes counts
 * the successful writes; fail_writes fails them all, fail_after (>= 0)
 * all after that many. */
extern uint8_t *ram;
extern uint64_t ram_size;
extern unsigned writes;
extern bool fail_writes;
extern long fail_after;
extern struct guest_layout layout;
extern struct e820_map map;
extern char err[256];

/* Rebuild the memory map from 'layout'. */
void use_layout(void);
int setup(void **state);
int teardown(void **state);

/* Little-endian load/store of 'bytes' bytes. */
uint64_t rd(const uint8_t *p, unsigned bytes);
void wr(uint8_t *p, unsigned bytes, uint64_t v);

struct bz {
	uint16_t version;
	uint8_t setup_sects;
	uint32_t kernel_bytes;
	uint32_t syssize;	/* 0: kernel_bytes / 16 */
	uint8_t loadflags;
	uint16_t xloadflags;
	uint8_t relocatable;
	uint32_t align;
	uint64_t pref;
	uint32_t init_size;
	uint32_t cmdline_size;
	uint32_t initrd_max;
	uint8_t hdr_disp;	/* header ends at 0x202 + this */
};

struct bz bz_default(void);
size_t bz_size(const struct bz *o);
/* The image, in a heap block of exactly its size. */
uint8_t *bz_make(const struct bz *o, size_t *size);

/* The result of the last load(). */
extern struct linux_boot lb;

int load(const uint8_t *img, size_t size, const void *initrd,
	 size_t initrd_size, const char *cmdline, uint64_t rsdp);
void load_ok(const uint8_t *img, size_t size, const void *initrd,
	     size_t initrd_size, const char *cmdline, uint64_t rsdp);
/* Must fail with 'why' in the message and nothing written. */
void load_refused(const uint8_t *img, size_t size, const void *initrd,
		  size_t initrd_size, const char *cmdline, const char *why);
/* bz_make(o) must be refused with 'why'. */
void bz_refused(const struct bz *o, const char *why);

#endif
