/* Physical <-> virtual conversion on the hypervisor's identity map.  The host
 * unit tests link tests/unit/fakes.c instead of this file. */
#include "mm/phys.h"

void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)pa;
}

paddr_t virt_to_phys(const void *va)
{
	return (paddr_t)(uintptr_t)va;
}
