/* panic(): the one way the hypervisor stops on its own bugs. */
#include "lib/printk.h"
#include "arch-x86/cpu.h"
#include "arch-x86/exception.h"
#include "drivers/emu_exit.h"
#include "drivers/uart.h"

static volatile int panicking;

void panic(const char *fmt, ...)
{
	va_list ap;
	uint64_t rbp;

	irq_disable();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST)) {
		/* A panic while panicking: stop quietly. */
		cpu_halt_forever();
	}
	printk_emergency();
	printk(LOG_ERR, "\nPANIC: ");
	va_start(ap, fmt);
	vprintk(LOG_ERR, fmt, ap);
	va_end(ap);
	printk(LOG_ERR, "\n");
	__asm__ volatile("movq %%rbp, %0" : "=r"(rbp));
	dump_backtrace(rbp);
	printk(LOG_ERR, "hypervisor halted\n");
	uart_drain();
	if (machine_exit_on_finish())
		machine_exit(false);
	cpu_halt_forever();
}
