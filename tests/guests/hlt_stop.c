/* hlt_stop: HLT with interrupts disabled and nothing pending can never
 * end, so the hypervisor must stop this VM with a report ("vm hlt_stop:
 * stopped: vCPU 0 halted with interrupts disabled ...") instead of
 * keeping a dead vCPU around.  It yields more often than triple_fault so
 * that, in the containment case, the reports keep the description's
 * order under round-robin scheduling too. */
#include "lib/guest_rt.h"

int guest_main(const struct hv_start_info *si)
{
	int i;

	(void)si;
	for (i = 0; i < 6; i++)
		hv_yield();
	printf("hlt_stop: cli; hlt\n");
	__asm__ __volatile__("cli; hlt" : : : "memory");
	printf("FAIL: hlt_stop: execution continued after hlt\n");
	return 1;
}
