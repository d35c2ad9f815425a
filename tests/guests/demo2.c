/* demo2: the second demo guest of `make run` (tests/boot/demo.vms); it
 * ends with a nonzero code to show that exit codes reach the console. */
#include "lib/guest_rt.h"

#define EXIT_CODE 7

int guest_main(const struct hv_start_info *si)
{
	int i;

	(void)si;
	com1_puts("hello from demo2 via COM1\n");
	hv_console_puts("hello from demo2 via hypercall\n");
	console_set_sink(SINK_HYPERCALL);
	for (i = 1; i <= 3; i++) {
		printf("demo2: tock %d (printf through HC_CONSOLE_WRITE)\n", i);
		hv_yield();
	}
	printf("demo2: done, exiting with code %d\n", EXIT_CODE);
	return EXIT_CODE;
}
