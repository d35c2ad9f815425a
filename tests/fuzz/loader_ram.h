/* A fake guest RAM for the kernel loader harnesses (fuzz_bzimage.c,
 * fuzz_mbloader.c): one buffer of LOADER_RAM_MAX bytes behind the unit
 * tests' guest_mem_ops (tests/unit/fake_guest_mem.h), of which an input
 * picks how much the guest has; the guest's memory map for that size. */
#ifndef TESTS_FUZZ_LOADER_RAM_H
#define TESTS_FUZZ_LOADER_RAM_H

#include "guest/load/e820.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/fake_guest_mem.h"

#define LOADER_RAM_MAX MiB(64)

static uint8_t *ram;
static uint64_t ram_size;
static unsigned writes;
static bool fail_writes;
static long fail_after = -1;
static struct fake_guest_mem fgm = {
	&ram, &ram_size, &writes, &fail_writes, &fail_after
};
static const struct guest_mem_ops mem = FAKE_GUEST_MEM_OPS(&fgm);
static struct guest_layout layout;
static struct e820_map map;

/* RAM of 8, 16, 32 or 64 MiB by 'pick'; writes counted from 0. */
static inline void loader_ram_reset(uint8_t pick)
{
	char why[128];

	if (!ram)
		ram = calloc(1, LOADER_RAM_MAX);
	ram_size = MiB(8) << (pick & 3);
	guest_layout_default(&layout, ram_size);
	FUZZ_CHECK(e820_build(&layout, &map, why, sizeof(why)) == 0);
	writes = 0;
}

/* [gpa, gpa + len) is guest RAM by the map. */
static inline bool in_ram(uint64_t gpa, uint64_t len)
{
	return len == 0 || e820_is_ram(&map, gpa, len);
}

static inline bool disjoint(uint64_t a, uint64_t alen, uint64_t b,
			    uint64_t blen)
{
	return a + alen <= b || b + blen <= a;
}

#endif
