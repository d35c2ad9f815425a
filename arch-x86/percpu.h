/* Per-CPU data, reached through one accessor: GS base points at the CPU's
 * struct percpu, whose first field points at itself. */
#ifndef ARCH_X86_PERCPU_H
#define ARCH_X86_PERCPU_H

#include "lib/types.h"
#include "arch-x86/desc.h"

#define MAX_CPUS 64

struct vcpu;

struct percpu {
	struct percpu *self; /* must stay first: this_cpu() reads %gs:0 */
	unsigned cpu_id;
	uint32_t apic_id;
	bool online;

	uint64_t gdt[GDT_ENTRIES] __aligned(16);
	struct tss64 tss __aligned(16);
	uint8_t *ist_stack[IST_COUNT];
	uint64_t stack_top;
	uint64_t stack_bottom;

	/* VT-x state of this CPU. */
	paddr_t vmxon_region;
	bool vmx_on;
	struct hw_vcpu *current; /* vCPU whose VMCS is loaded, or NULL */
	/* Set by interrupt handlers, consumed by the vCPU run loop. */
	volatile bool need_resched; /* a kick IPI arrived */
	volatile bool slice_over;   /* the LAPIC timer ended the slice */
};

extern struct percpu percpu_area[MAX_CPUS];

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(p));
	return p;
}

void percpu_init(unsigned cpu_id, uint64_t stack_bottom, uint64_t stack_top);

#endif
