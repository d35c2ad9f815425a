/* A fake guest RAM behind struct guest_mem_ops (guest/load/e820.h), for the
 * tests of code that stores into a guest through those callbacks (guest
 * loaders, the ACPI table builder).
 *
 * The test owns the state -- the buffer, its size, the write counter and
 * the failure switches -- as its own variables, so that its assertions
 * name them directly; a struct fake_guest_mem points at them and is the
 * ctx of the ops:
 *
 *	static uint8_t *ram;
 *	static const uint64_t ram_size = RAM;
 *	static unsigned writes;
 *	static bool fail_writes;
 *	static long fail_after = -1;
 *	static struct fake_guest_mem fgm = {
 *		&ram, &ram_size, &writes, &fail_writes, &fail_after };
 *	static const struct guest_mem_ops mem = FAKE_GUEST_MEM_OPS(&fgm);
 *
 * Guest physical address gpa is (*ram)[gpa].  An access that does not lie
 * entirely within [0, *size) fails (returns -1) without touching anything;
 * *size is read on every access, so a test may shrink it.  A write also
 * fails while *fail_writes is set, or once *writes has reached
 * *fail_after (when that is >= 0, i.e. *fail_after writes succeed, then
 * all fail).  Each successful write adds one to *writes; reads are not
 * counted. */
#ifndef TESTS_UNIT_FAKE_GUEST_MEM_H
#define TESTS_UNIT_FAKE_GUEST_MEM_H

#include "guest/load/e820.h"

struct fake_guest_mem {
	uint8_t *const *ram;	/* the buffer standing for guest RAM */
	const uint64_t *size;	/* bytes of it the guest may touch */
	unsigned *writes;	/* successful writes, counted */
	const bool *fail_writes; /* every write fails while set */
	const long *fail_after;	/* >= 0: writes that succeed before all fail */
};

/* The guest_mem_ops callbacks; ctx is a struct fake_guest_mem *. */
int fake_guest_mem_write(void *ctx, uint64_t gpa, const void *src, size_t len);
int fake_guest_mem_read(void *ctx, uint64_t gpa, void *dst, size_t len);

/* Initializer of a struct guest_mem_ops on the fake 'fgm'. */
#define FAKE_GUEST_MEM_OPS(fgm) \
	{ (fgm), fake_guest_mem_write, fake_guest_mem_read }

#endif
