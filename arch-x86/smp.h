/* Bringing up the application processors. */
#ifndef ARCH_X86_SMP_H
#define ARCH_X86_SMP_H

#include "lib/types.h"
#include "arch-x86/percpu.h"

/* Called on each AP once its per-CPU state, IDT and LAPIC are up; returns
 * 0 when the CPU is usable (e.g. VMX root entered). */
typedef int (*ap_init_fn)(unsigned cpu);
/* Called on each usable AP afterwards, never returns (its idle loop). */
typedef void (*ap_main_fn)(unsigned cpu);

/* Start every CPU in apic_ids[] other than the BSP, one at a time, up to
 * 'maxcpus' CPUs in total (0 = all).  A CPU that does not come up within
 * the timeout is reported and left out.  Returns the number of CPUs
 * online, the BSP included; CPU numbers are dense from 0 (the BSP). */
unsigned smp_boot_aps(const uint32_t *apic_ids, unsigned n, unsigned maxcpus,
		      ap_init_fn init, ap_main_fn main);
unsigned smp_cpus_online(void);
uint32_t smp_apic_id(unsigned cpu);
/* Stop every other online CPU: each gets an NMI and parks (smp_park from
 * its NMI handler); wait up to 100 ms for them.  Returns how many did not
 * park in time. */
unsigned smp_stop_others(void);
/* Whether smp_stop_others() was called: the NMI handler then parks. */
bool smp_stop_requested(void);
/* Interrupts off, mark this CPU parked, halt for good. */
__noreturn void smp_park(void);
/* Make 'cpu' look at its run queue (a reschedule IPI). */
void smp_kick(unsigned cpu);

#endif
