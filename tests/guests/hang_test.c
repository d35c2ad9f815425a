/* hang_test: a VM that can never run again (issue 11).  The hypervisor
 * must report it once, with every vCPU's state, and stop or keep it as
 * its on_hang says; a maskable interrupt must not end HLT with IF = 0.
 *
 * Command line: mode=N
 *   0  vCPU 0: cli; hlt.  With platform = pc the other vCPUs wait for a
 *      SIPI that never comes.
 *   1  (platform = pc) the LAPIC timer fires every few microseconds, then
 *      cli; hlt: the pending timer interrupt must not wake the vCPU.
 *   2  (platform = none) every vCPU: cli; hlt, vCPU 0 last. */
#include "lib/guest_rt.h"

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_EN (1ULL << 11)
#define APIC_BASE_EXTD (1ULL << 10)
#define X2APIC_SVR 0x80f
#define X2APIC_LVT_TIMER 0x832
#define X2APIC_TMICT 0x838
#define X2APIC_TDCR 0x83e
#define LVT_PERIODIC (1u << 17)

static void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32)));
}

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static void cli_hlt(void)
{
	__asm__ volatile("cli; hlt" : : : "memory");
	printf("FAIL: hang_test: vCPU %u ran on after cli; hlt\n", this_vcpu());
}

int guest_vcpu_main(unsigned vcpu)
{
	(void)vcpu;
	cli_hlt();
	return 1;
}

int guest_main(const struct hv_start_info *si)
{
	uint64_t mode = arg_u64_or("mode", 0);

	(void)si;
	rt_init();
	printf("hang_test: mode %lu, %u vCPU(s)\n", (unsigned long)mode,
	       smp_nr_vcpus());
	if (mode == 1) {
		wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_EN | APIC_BASE_EXTD);
		wrmsr(X2APIC_SVR, 0x1ff);
		wrmsr(X2APIC_TDCR, 0xb); /* divide by 1 */
		wrmsr(X2APIC_LVT_TIMER, LVT_PERIODIC | 0x40);
		wrmsr(X2APIC_TMICT, 20000);
		printf("hang_test: LAPIC timer periodic, vector 0x40\n");
	} else if (mode == 2) {
		smp_start();
		smp_wait_online();
	}
	printf("hang_test: cli; hlt\n");
	cli_hlt();
	return 1;
}
