/* Local APIC of the host CPUs, in x2APIC mode when the CPU has it, else
 * xAPIC through MMIO (SDM vol. 3, ch. 11). */
#ifndef ARCH_X86_LAPIC_H
#define ARCH_X86_LAPIC_H

#include "lib/types.h"

#define LAPIC_DEFAULT_BASE 0xfee00000ULL

/* Host interrupt vectors. */
#define VEC_RESCHED 0xf0  /* IPI: look at the run queue again */
#define VEC_TIMER 0xf1    /* LAPIC timer */
#define VEC_SPURIOUS 0xff

/* Per CPU: enable the LAPIC (x2APIC mode if available), mask LVTs. */
void lapic_init(void);
bool lapic_x2apic(void);
uint32_t lapic_id(void);
void lapic_eoi(void);
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
/* An NMI (delivery mode NMI; the vector field is ignored). */
void lapic_send_nmi(uint32_t apic_id);
void lapic_send_init(uint32_t apic_id);
void lapic_send_sipi(uint32_t apic_id, uint8_t page);
/* Busy-wait for the ICR to be idle (xAPIC); true when delivered. */
bool lapic_icr_idle(void);

/* Timer: calibrated against the TSC once on the BSP. */
void lapic_timer_calibrate(void);
uint64_t lapic_timer_hz(void);
void lapic_timer_oneshot(uint64_t tsc_ticks, uint8_t vector);
void lapic_timer_stop(void);

#endif
