/* oob_write: stores to a guest-physical address beyond its RAM.  The
 * start-of-day map covers 4 GiB, so the guest's own paging allows the
 * store and only EPT stands in the way: the hypervisor must stop this VM
 * ("vm oob_write: stopped: EPT violation ...") and keep the others. */
#include "lib/guest_rt.h"

#define TARGET 0x80000000ull

int guest_main(const struct hv_start_info *si)
{
	printf("oob_write: %lu MiB of RAM, writing to %#llx\n",
	       si->mem_size >> 20, TARGET);
	*(volatile uint64_t *)(uintptr_t)TARGET = 0x0bad0bad0bad0badull;
	printf("FAIL: oob_write: the write beyond RAM completed\n");
	return 1;
}
