/* demo1: the first demo guest of `make run` (tests/boot/demo.vms). */
#include "lib/guest_rt.h"

int guest_main(const struct hv_start_info *si)
{
	struct hv_identity id;
	int i;

	com1_puts("hello from demo1 via COM1\n");
	hv_console_puts("hello from demo1 via hypercall\n");
	if (hv_identity(&id) >= 0)
		printf("demo1: I am VM %u \"%s\" with %lu MiB, TSC at %ld kHz\n",
		       id.vm_id, id.name, si->mem_size >> 20, hv_time() / 1000);
	for (i = 1; i <= 3; i++) {
		printf("demo1: tick %d\n", i);
		hv_yield();
	}
	hv_console_puts("demo1: done, exiting with code 0\n");
	return 0;
}
