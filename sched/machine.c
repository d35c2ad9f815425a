/* The scheduler on this machine: the TSC as its clock, kick IPIs, the
 * LAPIC timer and HLT for idling, and the two interrupt handlers, which
 * only set per-CPU flags for the code they interrupted (the vCPU exit
 * path reads them; a halted idle loop just wakes up). */
#include "sched/sched.h"
#include "arch-x86/cpu.h"
#include "arch-x86/exception.h"
#include "arch-x86/lapic.h"
#include "arch-x86/percpu.h"
#include "arch-x86/smp.h"
#include "arch-x86/tsc.h"
#include "drivers/devirq.h"
#include "drivers/uart.h"
#include "lib/printk.h"

static uint64_t hook_now(void)
{
	return rdtsc();
}

static unsigned hook_this_cpu(void)
{
	return this_cpu()->cpu_id;
}

/* An idle pCPU with console output still to send wakes up this often to
 * refill the UART's FIFO.  16 characters take 1.4 ms at 115200 baud on
 * hardware, but emulators send faster than the baud rate (Bochs: about
 * 16 characters per 70 us of its TSC), and waking early only costs a
 * look at LSR. */
#define CONSOLE_REFILL_US 50

/* Interrupts stay off but across HLT itself ("sti; hlt" takes a pending
 * one), so a kick sent after the loop looked at its queues still ends
 * the halt. */
static void hook_idle(unsigned cpu, uint64_t until)
{
	struct percpu *pc = this_cpu();
	uint64_t now = rdtsc();

	(void)cpu;
	uart_pump();
	if (uart_tx_pending()) {
		uint64_t refill = now + tsc_hz() / 1000000 * CONSOLE_REFILL_US;

		if (refill < until)
			until = refill;
	}
	if (until != UINT64_MAX)
		lapic_timer_oneshot(until > now ? until - now : 1, VEC_TIMER);
	__asm__ volatile("sti; hlt; cli" ::: "memory");
	lapic_timer_stop();
	pc->slice_over = false;
	pc->need_resched = false;
}

static const struct sched_hooks hooks = {
	.now = hook_now,
	.kick = smp_kick,
	.this_cpu = hook_this_cpu,
	.idle = hook_idle,
	/* Device interrupts taken while idle go to their VMs. */
	.irqs = devirq_dispatch,
};

static void resched_irq(struct exc_frame *f)
{
	(void)f;
	this_cpu()->need_resched = true;
	lapic_eoi();
}

static void timer_irq(struct exc_frame *f)
{
	(void)f;
	this_cpu()->slice_over = true;
	lapic_eoi();
}

void sched_irq_init(void)
{
	irq_register(VEC_RESCHED, resched_irq);
	irq_register(VEC_TIMER, timer_irq);
}

int sched_setup(const char *policy, uint64_t slice_tsc, unsigned ncpus,
		const char *preemption)
{
	const struct sched_ops *ops = sched_policy_by_name(policy);

	if (!ops) {
		pr_err("sched: unknown policy '%s' (rr, fair)\n", policy);
		return -1;
	}
	if (sched_core_init(ops, &hooks, ncpus, slice_tsc) < 0 ||
	    sched_timers_init(ncpus, &hooks) < 0 ||
	    sched_loop_init(&hooks, ncpus, slice_tsc) < 0) {
		pr_err("sched: cannot set up %u run queues\n", ncpus);
		return -1;
	}
	pr_info("sched: policy %s, time slice %lu TSC ticks, %u pCPU(s), preemption by %s\n",
		sched_policy_name(), slice_tsc, ncpus, preemption);
	return 0;
}
