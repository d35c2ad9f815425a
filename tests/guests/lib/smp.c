/* Several vCPUs in one guest: the hand-over from the entry stub of a
 * secondary vCPU (lib/entry.S) to guest_vcpu_main, and vCPU 0's side of
 * starting and ending them.  Every vCPU of a VM starts at _start; the
 * secondaries wait there, halted, for rt_smp_go, which vCPU 0 sets (and
 * wakes them) once .bss is clear and the descriptor tables are built. */
#include "lib/guest_rt.h"
#include "lib/layout.h"

_Static_assert(RT_MAX_VCPUS == GRT_MAX_VCPUS, "entry.S vCPU limit");
_Static_assert(RT_VEC_WAKE == GRT_VEC_WAKE, "entry.S wake-up vector");
_Static_assert(RT_SEL_CODE64 == HV_SEL_CODE64, "entry.S code selector");
_Static_assert(sizeof(struct smp_boot) == 1u << SB_SHIFT &&
		       offsetof(struct smp_boot, rsp) == SB_RSP &&
		       offsetof(struct smp_boot, rdi) == SB_RDI &&
		       offsetof(struct smp_boot, rflags) == SB_RFLAGS &&
		       offsetof(struct smp_boot, tsc) == SB_TSC,
	       "entry.S smp_boot layout");

/* In .data: written by the entry stubs before vCPU 0 clears .bss. */
struct smp_boot rt_smp_boot[GRT_MAX_VCPUS] __attribute__((section(".data")));
volatile uint32_t rt_smp_go __attribute__((section(".data")));

struct vcpu_local vcpu_local[GRT_MAX_VCPUS];
static volatile uint32_t online; /* secondaries in guest_vcpu_main */

void rt_init_secondary(unsigned vcpu); /* lib/exc.c */
GRT_NORETURN void rt_secondary_main(unsigned vcpu);

__attribute__((weak)) int guest_vcpu_main(unsigned vcpu)
{
	(void)vcpu;
	return 0;
}

unsigned smp_nr_vcpus(void)
{
	unsigned n = start_info ? start_info->nr_vcpus : 1;

	if (n < 1)
		n = 1;
	return n > GRT_MAX_VCPUS ? GRT_MAX_VCPUS : n;
}

void smp_start(void)
{
	unsigned v;

	__atomic_store_n(&rt_smp_go, 1, __ATOMIC_RELEASE);
	/* They wait in HLT (lib/entry.S); one that has not got there yet
	 * finds the vector pending, or rt_smp_go set, when it does. */
	for (v = 1; v < smp_nr_vcpus(); v++)
		hv_send_ipi(v, GRT_VEC_WAKE);
}

void smp_wait_online(void)
{
	while (__atomic_load_n(&online, __ATOMIC_ACQUIRE) + 1 < smp_nr_vcpus()) {
		cpu_relax();
		hv_yield();
	}
}

static unsigned count_done(void)
{
	unsigned i, n = 0;

	for (i = 1; i < smp_nr_vcpus(); i++)
		n += __atomic_load_n(&vcpu_local[i].done, __ATOMIC_ACQUIRE) != 0;
	return n;
}

unsigned smp_wait_done(void)
{
	unsigned i, bad = 0;
	uint64_t flags = irq_save();

	HALT_UNTIL(count_done() + 1 == smp_nr_vcpus());
	irq_restore(flags);
	for (i = 1; i < smp_nr_vcpus(); i++)
		bad += vcpu_local[i].exit_code != 0;
	return bad;
}

void rt_secondary_main(unsigned vcpu)
{
	struct vcpu_local *v;

	rt_init_secondary(vcpu);
	v = this_vcpu_local();
	/* smp_start's wake-up may still be pending (this vCPU found
	 * rt_smp_go set without halting): take it now, not as a spurious
	 * wake-up of guest_vcpu_main's first HLT. */
	__asm__ __volatile__("sti; nop; cli" : : : "memory");
	__atomic_fetch_add(&online, 1, __ATOMIC_RELEASE);
	v->exit_code = guest_vcpu_main(vcpu);
	__atomic_store_n(&v->done, 1, __ATOMIC_RELEASE);
	hv_send_ipi(0, GRT_VEC_WAKE);
	/* Parked with interrupts on: blocked in the hypervisor, not stopped,
	 * until the VM ends. */
	for (;;)
		safe_halt();
}
