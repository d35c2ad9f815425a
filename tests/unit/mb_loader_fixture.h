/* Shared fixture of the Multiboot loader tests (test_mb_loader*.c): a
 * fake guest RAM of RAM bytes behind 'mem' with the default layout and
 * E820 map, rebuilt by setup() for every test; a builder of synthetic
 * kernel images in 'ib' (ELF32, ELF64, a.out-kludge binaries, Multiboot
 * and Multiboot2 headers laid out from the specifications); loading from
 * a heap copy of exactly the bytes built (ASan), and readers of what the
 * loader left in guest RAM: segments, modules, the Multiboot v1
 * information by a reader written from the specification, Multiboot2
 * information by the hypervisor's own parser (mb2_parse). */
#ifndef TESTS_UNIT_MB_LOADER_FIXTURE_H
#define TESTS_UNIT_MB_LOADER_FIXTURE_H

#include "guest/load/mb_loader.h"
#include "boot/multiboot2.h"
#include "tests/unit/fakes.h"
#include "tests/unit/fake_guest_mem.h"

#define RAM MiB(32)

/* ---- fake guest RAM ---------------------------------------------------- */

extern uint8_t *ram;
extern unsigned writes;	/* successful writes, see fake_guest_mem.h */
extern bool fail_writes;
extern long fail_after;	/* writes that succeed before all fail */
extern const struct guest_mem_ops mem;
extern struct guest_layout layout;
extern struct e820_map map;
extern char err[256];
extern struct mb_boot mb;	/* result of the last load */
extern unsigned nmods;		/* inputs of the next load */
extern const char *cmdline;
extern uint64_t rsdp_gpa;

int setup(void **state);
int teardown(void **state);

/* ---- image builder ------------------------------------------------------ */

extern uint8_t ib[0x40000];
extern size_t ilen;

/* Stores the 'bytes' low bytes of v at ib[off], little-endian, and grows
 * ilen to cover them. */
void wr(size_t off, unsigned bytes, uint64_t v);
void img_reset(void);

struct eseg {
	uint64_t vaddr, paddr, filesz, memsz;
	uint32_t type; /* 0: PT_LOAD */
};

#define SEG_DATA 0x2000 /* file offset of the first segment's bytes */
#define MB_HDR_OFF 0x800

/* ELF header and program headers; segment bytes from SEG_DATA on, each
 * at a page-aligned offset, nothing after the last. */
void elf(unsigned cls, uint16_t machine, uint64_t entry,
	 const struct eseg *s, unsigned n);
void mb1_header(size_t off, uint32_t flags);
void mb1_aout(size_t off, uint32_t header_addr, uint32_t load,
	      uint32_t load_end, uint32_t bss_end, uint32_t entry);

/* Multiboot2 header tags, built in order then sealed by mb2_end(). */
extern size_t mb2_cur;
void mb2_begin(size_t off);
void mb2_tag(uint16_t type, uint16_t flags, const uint32_t *payload,
	     unsigned nwords);
void mb2_seal(void);
void mb2_end(void);

/* A kernel of two segments at 1 MiB: text, then data + bss. */
extern const struct eseg two_segs[2];

/* ---- loading ------------------------------------------------------------ */

enum which { ANY, V1, V2 };

extern struct mb_module mods[MB_MAX_MODULES + 1];

/* The first len bytes of the image through mb1_load, mb2_load or mb_load. */
int load_n(enum which w, size_t len);
void load_ok(enum which w);
/* Refused with 'why' in the message, nothing written. */
void refused(enum which w, const char *why);

/* A segment's bytes and zeroed bss in guest RAM. */
void assert_segment(const struct eseg *s);

extern uint8_t mod_b[12];
void two_modules(void);
void assert_modules_placed(void);

/* Multiboot v1 information, read as the specification lays it out. */
void check_mb1_info(void);

/* Multiboot2 information, read back by the hypervisor's parser into bi. */
extern struct boot_info bi;
void parse_mb2_info(void);
/* The basic memory information tag, found by walking the tags. */
void check_meminfo(void);

/* ACPI tables for a guest of 2 CPUs in the layout's ACPI area; rsdp_gpa
 * set to their RSDP. */
void build_acpi(void);

#endif
