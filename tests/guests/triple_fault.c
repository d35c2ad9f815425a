/* triple_fault: with an empty IDT, UD2's #UD cannot be delivered (#GP),
 * nor can that (#DF), which makes a triple fault: the hypervisor must stop
 * this VM ("vm triple_fault: stopped: triple fault ...") and keep the
 * others.  It yields a few times first so that, in the containment case,
 * the VM before it in the description has certainly had its turn. */
#include "lib/guest_rt.h"

int guest_main(const struct hv_start_info *si)
{
	struct dt_reg empty = { 0, 0 };
	int i;

	(void)si;
	for (i = 0; i < 3; i++)
		hv_yield();
	printf("triple_fault: loading an empty IDT and executing ud2\n");
	__asm__ __volatile__("lidt %0\n\tud2" : : "m"(empty) : "memory");
	printf("FAIL: triple_fault: execution continued after ud2\n");
	return 1;
}
