/* Physical addresses and the pointers that reach them.
 *
 * The hypervisor runs on an identity map of all RAM, but nothing outside
 * mm/phys.c may rely on that: every physical-to-pointer conversion goes
 * through these two functions, so the host unit tests can substitute a fake
 * RAM window (tests/unit/fakes.c) and catch any stray access.
 * Physically contiguous RAM is virtually contiguous behind phys_to_virt. */
#ifndef MM_PHYS_H
#define MM_PHYS_H

#include "lib/types.h"

/* A half-open physical range [start, end). */
struct phys_range {
	paddr_t start;
	paddr_t end;
};

void *phys_to_virt(paddr_t pa);
paddr_t virt_to_phys(const void *va);

#endif
