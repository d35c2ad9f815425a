/* INIT-SIPI-SIPI start-up of the APs (SDM vol. 3 §9.4.4, "MP
 * initialization example"), one CPU at a time. */
#include "arch-x86/smp.h"
#include "arch-x86/cpu.h"
#include "arch-x86/lapic.h"
#include "arch-x86/stack.h"
#include "arch-x86/tsc.h"
#include "arch-x86/trampoline.h"
#include "mm/frame.h"
#include "mm/phys.h"
#include "lib/printk.h"
#include "lib/string.h"

#define AP_STACK_PAGES 4
#define AP_IST_PAGES (IST_STACK_SIZE / PAGE_SIZE)
#define INIT_DELAY_US 10000
#define SIPI_DELAY_US 200
#define ONLINE_TIMEOUT_US 200000
#define STOP_TIMEOUT_US 100000

static unsigned ncpus = 1;
static uint32_t apic_of[MAX_CPUS];
static ap_init_fn ap_init;
static ap_main_fn ap_main;
static volatile int ap_result;
static volatile int stop_requested;
static volatile bool parked[MAX_CPUS];

static void udelay(uint64_t us)
{
	uint64_t t0 = rdtsc(), wait = tsc_hz() / 1000000 * us;

	while (rdtsc() - t0 < wait)
		cpu_relax();
}

unsigned smp_cpus_online(void)
{
	return ncpus;
}

uint32_t smp_apic_id(unsigned cpu)
{
	return cpu < ncpus ? apic_of[cpu] : 0;
}

void smp_kick(unsigned cpu)
{
	if (cpu < ncpus && cpu != this_cpu()->cpu_id)
		lapic_send_ipi(apic_of[cpu], VEC_RESCHED);
}

bool smp_stop_requested(void)
{
	return __atomic_load_n(&stop_requested, __ATOMIC_ACQUIRE);
}

void smp_park(void)
{
	struct percpu *pc = this_cpu();

	irq_disable();
	if (pc && pc->cpu_id < MAX_CPUS)
		__atomic_store_n(&parked[pc->cpu_id], true, __ATOMIC_RELEASE);
	cpu_halt_forever();
}

static unsigned cpus_running(unsigned self)
{
	unsigned n = 0;

	for (unsigned cpu = 0; cpu < ncpus; cpu++)
		if (cpu != self && !__atomic_load_n(&parked[cpu], __ATOMIC_ACQUIRE))
			n++;
	return n;
}

/* An NMI reaches a CPU whatever it does: interrupts off, spinning on a
 * lock, or running a guest (NMI exiting hands it to the host handler). */
unsigned smp_stop_others(void)
{
	struct percpu *pc = this_cpu();
	unsigned self = pc ? pc->cpu_id : 0, left;
	uint64_t waited = 0;

	__atomic_store_n(&stop_requested, 1, __ATOMIC_SEQ_CST);
	for (unsigned cpu = 0; cpu < ncpus; cpu++)
		if (cpu != self && !__atomic_load_n(&parked[cpu], __ATOMIC_ACQUIRE))
			lapic_send_nmi(apic_of[cpu]);
	while ((left = cpus_running(self)) && waited < STOP_TIMEOUT_US) {
		udelay(100);
		waited += 100;
	}
	return left;
}

/* First C code on an AP: the trampoline left us on the BSP's page tables
 * with the stack smp.c prepared. */
static void __noreturn ap_entry(unsigned cpu)
{
	struct percpu *pc = &percpu_area[cpu];
	int r;

	percpu_init(cpu, pc->stack_bottom, pc->stack_top);
	idt_load();
	lapic_init();
	pc->apic_id = lapic_id();
	r = ap_init ? ap_init(cpu) : 0;
	__atomic_store_n(&ap_result, r == 0 ? 1 : -1, __ATOMIC_RELEASE);
	if (r != 0)
		cpu_halt_forever();
	ap_main(cpu);
	cpu_halt_forever();
}

static bool prepare_cpu(unsigned cpu)
{
	struct percpu *pc = &percpu_area[cpu];
	uint8_t *stack = stack_alloc(AP_STACK_PAGES);

	if (!stack)
		return false;
	pc->stack_bottom = (uint64_t)(uintptr_t)stack;
	pc->stack_top = pc->stack_bottom + AP_STACK_PAGES * PAGE_SIZE;
	for (unsigned i = 0; i < IST_COUNT; i++) {
		pc->ist_stack[i] = stack_alloc(AP_IST_PAGES);
		if (!pc->ist_stack[i])
			return false;
	}
	return true;
}

static bool start_cpu(unsigned cpu, uint32_t apic_id)
{
	struct trampoline_params *tp;
	size_t len = (size_t)((uintptr_t)trampoline_end - (uintptr_t)trampoline_start);
	uint8_t *tramp = phys_to_virt(TRAMPOLINE_BASE);
	uint64_t waited = 0;

	memcpy(tramp, trampoline_start, len);
	tp = (struct trampoline_params *)(tramp + len - sizeof(*tp));
	tp->cr3 = read_cr3();
	tp->efer_bits = EFER_LME | (boot_cpu.nx ? EFER_NXE : 0);
	tp->stack = percpu_area[cpu].stack_top;
	tp->entry = (uint64_t)(uintptr_t)ap_entry;
	tp->cpu = cpu;
	__atomic_store_n(&ap_result, 0, __ATOMIC_RELEASE);

	lapic_send_init(apic_id);
	udelay(INIT_DELAY_US);
	for (unsigned sipi = 0; sipi < 2; sipi++) {
		lapic_send_sipi(apic_id, TRAMPOLINE_BASE >> 12);
		udelay(SIPI_DELAY_US);
		if (__atomic_load_n(&ap_result, __ATOMIC_ACQUIRE))
			break;
	}
	while (!__atomic_load_n(&ap_result, __ATOMIC_ACQUIRE) &&
	       waited < ONLINE_TIMEOUT_US) {
		udelay(100);
		waited += 100;
	}
	return __atomic_load_n(&ap_result, __ATOMIC_ACQUIRE) > 0;
}

unsigned smp_boot_aps(const uint32_t *apic_ids, unsigned n, unsigned maxcpus,
		      ap_init_fn init, ap_main_fn main)
{
	uint32_t bsp = lapic_id();

	_Static_assert(sizeof(struct trampoline_params) == 40, "trampoline params");
	ap_init = init;
	ap_main = main;
	apic_of[0] = bsp;
	percpu_area[0].apic_id = bsp;
	ncpus = 1;
	if (maxcpus == 0 || maxcpus > MAX_CPUS)
		maxcpus = MAX_CPUS;
	for (unsigned i = 0; i < n && ncpus < maxcpus; i++) {
		unsigned cpu = ncpus;

		if (apic_ids[i] == bsp)
			continue;
		if (!prepare_cpu(cpu)) {
			pr_err("smp: no memory for CPU %u's stacks\n", cpu);
			break;
		}
		if (!start_cpu(cpu, apic_ids[i])) {
			pr_err("smp: CPU with APIC ID %u did not come up; left out\n",
			       apic_ids[i]);
			continue;
		}
		apic_of[cpu] = apic_ids[i];
		ncpus++;
	}
	if (maxcpus < n)
		pr_info("smp: maxcpus=%u limits the CPUs used\n", maxcpus);
	return ncpus;
}
