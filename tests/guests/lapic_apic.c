/* lapic_test: access to the calling vCPU's LAPIC in either mode (xAPIC
 * MMIO at 0xfee00000 with plain 32-bit MOVs, or the x2APIC MSRs) and the
 * small helpers every part of the test uses. */
#include "lapic_test.h"

volatile bool x2apic_on[NVCPU];
uint64_t tsc_hz, slack, ap_timeout;

uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return (uint64_t)hi << 32 | lo;
}

void wrmsr(uint32_t msr, uint64_t val)
{
	__asm__ __volatile__("wrmsr"
			     :
			     : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
			     : "memory");
}

void spin_ticks(uint64_t ticks)
{
	uint64_t end = rdtsc() + ticks;

	while (rdtsc() < end)
		cpu_relax();
}

void irq_window(uint64_t ticks)
{
	irq_enable();
	spin_ticks(ticks);
	irq_disable();
}

bool wait_count(volatile unsigned *ctr, unsigned want, uint64_t ticks, bool yield)
{
	uint64_t end = rdtsc() + ticks;

	irq_enable();
	while (__atomic_load_n(ctr, __ATOMIC_ACQUIRE) < want && rdtsc() < end) {
		cpu_relax();
		if (yield)
			hv_yield();
	}
	irq_disable();
	return __atomic_load_n(ctr, __ATOMIC_ACQUIRE) >= want;
}

const char *mode(void)
{
	return x2apic_on[this_vcpu()] ? "x2apic" : "xapic";
}

/* ---- LAPIC access in either mode ---------------------------------------- */

uint32_t apic_read(uint32_t off)
{
	uint32_t v;

	if (x2apic_on[this_vcpu()])
		return (uint32_t)rdmsr(MSR_OF(off));
	__asm__ __volatile__("movl (%1), %0"
			     : "=r"(v)
			     : "r"((uintptr_t)(LAPIC_MMIO + off))
			     : "memory");
	return v;
}

void apic_write(uint32_t off, uint32_t v)
{
	if (x2apic_on[this_vcpu()]) {
		wrmsr(MSR_OF(off), v);
		return;
	}
	__asm__ __volatile__("movl %0, (%1)"
			     :
			     : "r"(v), "r"((uintptr_t)(LAPIC_MMIO + off))
			     : "memory");
}

void apic_eoi(void)
{
	apic_write(REG_EOI, 0);
}

bool apic_bit(uint32_t base, unsigned vec)
{
	return (apic_read(base + (vec / 32) * 0x10) >> (vec % 32)) & 1;
}

bool isr_empty(void)
{
	for (unsigned i = 0; i < 8; i++)
		if (apic_read(REG_ISR + i * 0x10))
			return false;
	return true;
}

void apic_icr(uint32_t dest, uint32_t lo)
{
	if (x2apic_on[this_vcpu()]) {
		wrmsr(MSR_OF(REG_ICR_LO), (uint64_t)dest << 32 | lo);
		return;
	}
	while (apic_read(REG_ICR_LO) & ICR_BUSY)
		cpu_relax();
	apic_write(REG_ICR_HI, dest << 24);
	apic_write(REG_ICR_LO, lo);
}

void apic_ipi(uint32_t apic_id, unsigned vec)
{
	apic_icr(apic_id, ICR_FIXED | vec);
}

void send_self(unsigned vec)
{
	if (x2apic_on[this_vcpu()])
		wrmsr(MSR_OF(REG_SELF_IPI), vec);
	else
		apic_icr(0, ICR_SELF | ICR_FIXED | vec);
}

uint32_t esr_latch(void)
{
	apic_write(REG_ESR, 0);
	return apic_read(REG_ESR);
}

void mask_lvts(void)
{
	apic_write(REG_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	apic_write(REG_LVT_LINT0, LVT_MASKED);
	apic_write(REG_LVT_LINT1, LVT_MASKED);
	apic_write(REG_LVT_ERROR, LVT_MASKED);
}
