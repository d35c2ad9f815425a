/* apic_en_test: a LAPIC globally disabled and enabled again through
 * IA32_APIC_BASE.EN (SDM vol. 3 10.4.3 "Enabling or Disabling the Local
 * APIC", 10.4.7.1 "Local APIC State After Power-Up or Reset", 10.12.5
 * "State Changes From xAPIC Mode to x2APIC Mode"), from inside a
 * `platform = pc` VM with one vCPU:
 *  - disabled, CPUID.1:EDX.APIC[bit 9] reads 0, the xAPIC page at
 *    0xfee00000 answers no more (reads all ones, writes change nothing:
 *    not the TPR, not CR8), the x2APIC MSRs #GP, and nothing that was
 *    pending or programmed (a requested vector, a running periodic timer)
 *    is delivered;
 *  - enabled again, every register is in its reset state (ID, TPR, LDR,
 *    DFR, SVR, LVT masked, timer counts and divider, ISR/IRR/TMR, ESR,
 *    ICR) and the LAPIC works again once software-enabled;
 *  - the same from x2APIC mode (EN = EXTD = 0), back to xAPIC mode.
 * The VM description is tests/boot/vms/apic_en_test.vms.  Exits with the
 * number of failed checks. */
#include "lapic_test.h"

#define VEC_PENDING 0x60
#define VEC_AGAIN 0x61
#define PROBE_READ_ONES 0xffffffffu

static volatile unsigned irqs_pending, irqs_timer, irqs_again, irqs_spurious;

static void on_pending(unsigned vec)
{
	(void)vec;
	irqs_pending++;
	apic_eoi();
}

static void on_timer(unsigned vec)
{
	(void)vec;
	irqs_timer++;
	apic_eoi();
}

static void on_again(unsigned vec)
{
	(void)vec;
	irqs_again++;
	apic_eoi();
}

static void on_spurious(unsigned vec)
{
	(void)vec;
	irqs_spurious++;
}

static uint64_t read_cr8(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr8, %0" : "=r"(v) : : "memory");
	return v;
}

static uint32_t mmio_read(uint32_t off)
{
	uint32_t v;

	__asm__ __volatile__("movl (%1), %0"
			     : "=r"(v)
			     : "r"((uintptr_t)(LAPIC_MMIO + off))
			     : "memory");
	return v;
}

static void mmio_write(uint32_t off, uint32_t v)
{
	__asm__ __volatile__("movl %0, (%1)"
			     :
			     : "r"(v), "r"((uintptr_t)(LAPIC_MMIO + off))
			     : "memory");
}

static bool cpuid_apic(void)
{
	uint32_t a, b, c, d;

	hv_cpuid(1, 0, &a, &b, &c, &d);
	return d & CPUID1_EDX_APIC;
}

/* Everything a reset clears, set to something else; a vector left
 * requested (IF = 0) and a periodic timer running. */
static void dirty(void)
{
	apic_write(REG_SVR, SVR_ENABLE | 0xef);
	apic_write(REG_TPR, 0x20);
	if (!x2apic_on[0]) {
		apic_write(REG_LDR, 0x01000000);
		apic_write(REG_DFR, 0x0fffffff);
	}
	apic_write(REG_LVT_LINT0, 0x700);
	apic_write(REG_LVT_ERROR, LVT_MASKED | 0xfe);
	apic_write(REG_TDCR, TDCR_DIV16);
	apic_write(REG_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	apic_write(REG_TMICT, (uint32_t)(TIMER_SPAN / 16 / 4));
	send_self(VEC_PENDING);
}

static void check_disabled(const char *m)
{
	uint64_t v;

	CHECK(!cpuid_apic(), nm("%s disabled: CPUID.1:EDX.APIC reads 0", m));
	CHECK_HEX(mmio_read(REG_VER), PROBE_READ_ONES,
		  nm("%s disabled: the version register's address reads all ones", m));
	CHECK_HEX(mmio_read(REG_TPR), PROBE_READ_ONES,
		  nm("%s disabled: the TPR's address reads all ones", m));
	mmio_write(REG_TPR, 0x50);
	CHECK_EQ(read_cr8(), 0, nm("%s disabled: a write to the TPR's address leaves CR8 0", m));
	mmio_write(REG_ICR_HI, 0);
	mmio_write(REG_ICR_LO, ICR_SELF | VEC_AGAIN); /* would be a self-IPI */
	CHECK_EQ(try_rdmsr(MSR_OF(REG_VER), &v), VEC_GP,
		 nm("%s disabled: x2APIC MSR 0x803: #GP", m));
	irq_window(TIMER_SPAN);
	CHECK_EQ(irqs_pending, 0, nm("%s disabled: the requested vector is dropped", m));
	CHECK_EQ(irqs_timer, 0, nm("%s disabled: the timer stopped", m));
	CHECK_EQ(irqs_again, 0, nm("%s disabled: a write to the ICR's address sends nothing", m));
}

/* SDM 10.4.7.1: the state after power-up or reset. */
static void check_reset_state(const char *m)
{
	bool ok = true;

	CHECK(cpuid_apic(), nm("%s enabled again: CPUID.1:EDX.APIC reads 1", m));
	CHECK_HEX(apic_read(REG_ID), 0, nm("%s enabled again: ID 0", m));
	CHECK_HEX(apic_read(REG_VER), APIC_VERSION, nm("%s enabled again: version", m));
	CHECK_HEX(apic_read(REG_TPR), 0, nm("%s enabled again: TPR 0", m));
	CHECK_EQ(read_cr8(), 0, nm("%s enabled again: CR8 0", m));
	CHECK_HEX(apic_read(REG_PPR), 0, nm("%s enabled again: PPR 0", m));
	CHECK_HEX(apic_read(REG_LDR), 0, nm("%s enabled again: LDR 0", m));
	CHECK_HEX(apic_read(REG_DFR), 0xffffffffu, nm("%s enabled again: DFR all ones", m));
	CHECK_HEX(apic_read(REG_SVR), 0xff, nm("%s enabled again: SVR 0xff (software-disabled)", m));
	CHECK_HEX(apic_read(REG_LVT_TIMER), LVT_MASKED, nm("%s enabled again: LVT timer masked, 0", m));
	CHECK_HEX(apic_read(REG_LVT_LINT0), LVT_MASKED, nm("%s enabled again: LVT LINT0 masked, 0", m));
	CHECK_HEX(apic_read(REG_LVT_LINT1), LVT_MASKED, nm("%s enabled again: LVT LINT1 masked, 0", m));
	CHECK_HEX(apic_read(REG_LVT_ERROR), LVT_MASKED, nm("%s enabled again: LVT error masked, 0", m));
	CHECK_HEX(apic_read(REG_TMICT), 0, nm("%s enabled again: initial count 0", m));
	CHECK_HEX(apic_read(REG_TMCCT), 0, nm("%s enabled again: current count 0", m));
	CHECK_HEX(apic_read(REG_TDCR), 0, nm("%s enabled again: divide configuration 0", m));
	CHECK_HEX(apic_read(REG_ICR_LO), 0, nm("%s enabled again: ICR 0", m));
	CHECK_HEX(apic_read(REG_ESR), 0, nm("%s enabled again: ESR 0", m));
	for (unsigned i = 0; i < 8; i++)
		ok &= !apic_read(REG_ISR + i * 16) && !apic_read(REG_IRR + i * 16) &&
		      !apic_read(REG_TMR + i * 16);
	CHECK(ok, nm("%s enabled again: ISR, IRR and TMR empty", m));
	irq_window(TIMER_SPAN);
	CHECK_EQ(irqs_pending + irqs_timer + irqs_again + irqs_spurious, 0,
		 nm("%s enabled again: no interrupt", m));
	/* Software-enabled, it takes interrupts again. */
	apic_write(REG_SVR, SVR_ENABLE | VEC_SPURIOUS);
	send_self(VEC_AGAIN);
	irq_window(TIMER_SPAN / 8);
	CHECK_EQ(irqs_again, 1, nm("%s enabled again: a self-IPI is taken", m));
	irqs_again = 0;
}

static void test_from(bool x2)
{
	const char *m = x2 ? "x2apic" : "xapic";
	uint64_t base;

	dirty();
	base = rdmsr(MSR_APIC_BASE);
	wrmsr(MSR_APIC_BASE, base & ~(APIC_BASE_EN | APIC_BASE_EXTD));
	x2apic_on[0] = false;
	CHECK_HEX(rdmsr(MSR_APIC_BASE), LAPIC_MMIO | APIC_BASE_BSP,
		  nm("%s disabled: APIC_BASE keeps the base and BSP, EN 0", m));
	check_disabled(m);
	CHECK_EQ(try_wrmsr(MSR_APIC_BASE, LAPIC_MMIO | APIC_BASE_BSP | APIC_BASE_EN |
					  APIC_BASE_EXTD),
		 VEC_GP, nm("%s disabled: straight to x2APIC mode: #GP", m));
	wrmsr(MSR_APIC_BASE, LAPIC_MMIO | APIC_BASE_BSP | APIC_BASE_EN);
	CHECK_HEX(rdmsr(MSR_APIC_BASE), LAPIC_MMIO | APIC_BASE_BSP | APIC_BASE_EN,
		  nm("%s enabled again: APIC_BASE 0xfee00900", m));
	check_reset_state(m);
}

int guest_main(const struct hv_start_info *si)
{
	int64_t hz;

	(void)si;
	rt_init();
	printf("apic_en_test: starting\n");
	irq_set_handler(VEC_PENDING, on_pending);
	irq_set_handler(VEC_TIMER, on_timer);
	irq_set_handler(VEC_AGAIN, on_again);
	irq_set_handler(VEC_SPURIOUS, on_spurious);
	irq_set_handler(0xef, on_spurious);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	hz = hv_time();
	tsc_hz = hz > 0 ? (uint64_t)hz : 50000000;
	CHECK(cpuid_apic(), "CPUID.1:EDX.APIC reads 1 at start");

	test_from(false);
	/* Once more from x2APIC mode. */
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_EXTD);
	x2apic_on[0] = true;
	test_from(true);
	test_finish();
}
