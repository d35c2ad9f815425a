/* lapic_test: the virtual local APIC of a `platform = pc` VM, from inside.
 *
 * vCPU 0 runs every check twice, first in xAPIC mode (MMIO at 0xfee00000)
 * and then in x2APIC mode (APIC_BASE.EXTD, MSRs 0x800-0x8ff):
 *  - APIC_BASE, CPUID bits, ID, version, LDR/DFR, SVR, TPR/PPR (and CR8);
 *  - the timer: one-shot with divide 1, 2, 16 and 128 (TMCCT counts down
 *    at TSC rate / divide, one interrupt, not early), periodic (several
 *    interrupts, the count reloads, also while halted), TSC-deadline
 *    (not before the deadline, the MSR clears, 0 disarms), masked (counts,
 *    no interrupt);
 *  - self-IPIs (ICR shorthand "self", the SELF IPI MSR), EOI, ISR/IRR: of
 *    two vectors raised while IF = 0 the higher class comes first; a TPR
 *    above a pending vector holds it back until lowered;
 *  - a level-triggered IOAPIC interrupt (COM1's THR-empty line): TMR set,
 *    and the EOI reaches the IOAPIC (with APIC virtualization through the
 *    EOI-exit bitmap), which sends the vector again while the line stays
 *    up.
 * Between the two rounds vCPU 0 starts vCPU 1 the way a BIOS starts an AP
 * (INIT, SIPI, SIPI; the trampoline is lapic_ap.S) and, in both modes,
 * sends it fixed IPIs (physical, logical, all-but-self), gets IPIs back,
 * sends it NMIs (taken with IF = 0, and while it halts) and sends IPIs to
 * APIC ID 7, which does not exist.
 *
 * In such a VM only vCPU 0 enters at _start; vCPU 1 never goes through
 * the runtime's secondary-vCPU path (lib/entry.S, lib/smp.c): see
 * lapic_smp.c.  LAPIC access in either mode is in lapic_apic.c.
 *
 * The VM description is tests/boot/vms/lapic_test.vms: 16 MiB, 2 vCPUs.
 * Exits with the number of failed checks. */
#include "lapic_test.h"

static volatile unsigned timer_irqs, timer_wrong;
static volatile uint64_t timer_tsc[MAX_TICKS];
static volatile unsigned order_n, isr_bad;
static volatile uint32_t order_vec[8], order_ppr[8], ppr_tpr75;
static volatile unsigned spurious_irqs;

static uint64_t read_cr8(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr8, %0" : "=r"(v) : : "memory");
	return v;
}

static void write_cr8(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr8" : : "r"(v) : "memory");
}

/* ---- Interrupt handlers (vCPU 0's; one table for both vCPUs) ----------- */

static void on_timer(unsigned vec)
{
	unsigned n = timer_irqs;

	(void)vec;
	if (n < MAX_TICKS)
		timer_tsc[n] = rdtsc_ordered();
	if (this_vcpu() != 0)
		timer_wrong++;
	timer_irqs = n + 1;
	apic_eoi();
}

/* Records the order of delivery and the PPR while each vector is in
 * service; during VEC_HIGH also the PPR with a TPR above its class. */
static void on_order(unsigned vec)
{
	unsigned i = order_n;

	if (i < 8) {
		order_vec[i] = vec;
		order_ppr[i] = apic_read(REG_PPR);
	}
	if (!apic_bit(REG_ISR, vec))
		isr_bad++;
	if (vec == VEC_HIGH) {
		apic_write(REG_TPR, 0x75);
		ppr_tpr75 = apic_read(REG_PPR);
		apic_write(REG_TPR, 0);
	}
	order_n = i + 1;
	apic_eoi();
}

/* A spurious interrupt is not in service: no EOI. */
static void on_spurious(unsigned vec)
{
	(void)vec;
	spurious_irqs++;
}

/* ---- Registers ----------------------------------------------------------- */

static void test_cpuid_and_base(void)
{
	uint32_t a, b, c, d;
	uint64_t base = rdmsr(MSR_APIC_BASE);

	hv_cpuid(1, 0, &a, &b, &c, &d);
	CHECK(d & CPUID1_EDX_APIC, "CPUID.1:EDX.APIC[bit 9] set");
	CHECK(c & CPUID1_ECX_X2APIC, "CPUID.1:ECX.x2APIC[bit 21] set");
	CHECK(c & CPUID1_ECX_TSC_DEADLINE, "CPUID.1:ECX.TSC-deadline[bit 24] set");
	CHECK_EQ(b >> 24, 0, "CPUID.1:EBX initial APIC ID of vCPU 0 is 0");
	printf("lapic_test: APIC_BASE %#lx\n", base);
	CHECK_HEX(base & APIC_BASE_ADDR_MASK, LAPIC_MMIO, "APIC_BASE: base 0xfee00000");
	CHECK(base & APIC_BASE_EN, "APIC_BASE: enabled");
	CHECK(base & APIC_BASE_BSP, "APIC_BASE: vCPU 0 is the BSP");
	CHECK(!(base & APIC_BASE_EXTD), "APIC_BASE: starts in xAPIC mode");
}

/* xAPIC only: the SVR software enable, with what it does to the LVT. */
static void test_svr_enable(void)
{
	uint32_t svr = apic_read(REG_SVR);

	printf("lapic_test: SVR at start %#x\n", svr);
	apic_write(REG_SVR, VEC_SPURIOUS); /* software disabled */
	CHECK_HEX(apic_read(REG_SVR), VEC_SPURIOUS, "xapic: SVR software-disabled");
	apic_write(REG_LVT_TIMER, VEC_TIMER);
	CHECK(apic_read(REG_LVT_TIMER) & LVT_MASKED,
	      "xapic: LVT mask bits stay set while software-disabled");
	apic_write(REG_SVR, SVR_ENABLE | VEC_SPURIOUS);
	CHECK_HEX(apic_read(REG_SVR), SVR_ENABLE | VEC_SPURIOUS,
		  "xapic: SVR software-enabled, spurious vector 0xff");
}

static void test_regs(void)
{
	const char *m = mode();
	bool x2m = x2apic_on[0];

	CHECK_HEX(apic_read(REG_ID), 0, nm("%s: APIC ID of vCPU 0 is 0", m));
	CHECK_HEX(apic_read(REG_VER), APIC_VERSION, nm("%s: version 0x00050014", m));
	if (!x2m) {
		CHECK_HEX(apic_read(REG_DFR), 0xffffffffu, "xapic: DFR flat model after reset");
		apic_write(REG_LDR, 0x01000000);
		CHECK_HEX(apic_read(REG_LDR), 0x01000000, "xapic: LDR reads back logical ID 1");
		apic_write(REG_DFR, 0x0fffffff);
		CHECK_HEX(apic_read(REG_DFR), 0x0fffffffu, "xapic: DFR cluster model");
		apic_write(REG_DFR, 0xffffffff);
		CHECK_HEX(apic_read(REG_DFR), 0xffffffffu, "xapic: DFR flat model again");
	} else {
		uint64_t v;

		CHECK_HEX(apic_read(REG_LDR), 1, "x2apic: LDR = cluster 0, bit 0 (from the ID)");
		CHECK_EQ(try_rdmsr(MSR_OF(REG_DFR), &v), VEC_GP, "x2apic: DFR MSR 0x80e: #GP");
		CHECK_EQ(try_wrmsr(MSR_OF(REG_LDR), 2), VEC_GP, "x2apic: LDR is read-only: #GP");
		CHECK_EQ(try_wrmsr(MSR_OF(REG_ID), 5), VEC_GP, "x2apic: ID is read-only: #GP");
		CHECK_EQ(try_rdmsr(MSR_OF(REG_ICR_HI), &v), VEC_GP,
			 "x2apic: no ICR high half (MSR 0x831): #GP");
		CHECK_EQ(try_wrmsr(MSR_OF(REG_EOI), 1), VEC_GP, "x2apic: EOI of non-zero: #GP");
		CHECK_EQ(try_wrmsr(MSR_OF(REG_TPR), 0x100), VEC_GP,
			 "x2apic: TPR with a reserved bit: #GP");
		CHECK_HEX(apic_read(REG_SVR), SVR_ENABLE | VEC_SPURIOUS,
			  "x2apic: SVR kept across the switch");
	}

	/* SDM 10.8.3.1: PPR = TPR when TPR[7:4] >= ISRV[7:4]. */
	apic_write(REG_TPR, 0x35);
	CHECK_HEX(apic_read(REG_TPR), 0x35, nm("%s: TPR reads back 0x35", m));
	CHECK_HEX(apic_read(REG_PPR), 0x35, nm("%s: PPR = TPR with nothing in service", m));
	CHECK_EQ(read_cr8(), 3, nm("%s: CR8 = TPR[7:4]", m));
	write_cr8(2);
	CHECK_HEX(apic_read(REG_TPR), 0x20, nm("%s: CR8 write sets TPR[7:4]", m));
	write_cr8(0);
	CHECK_HEX(apic_read(REG_TPR), 0, nm("%s: TPR 0 again", m));
	CHECK_HEX(apic_read(REG_PPR), 0, nm("%s: PPR 0", m));
	CHECK(isr_empty(), nm("%s: ISR empty", m));
}

/* ---- Timer ----------------------------------------------------------------- */

static void timer_reset(void)
{
	apic_write(REG_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	apic_write(REG_TMICT, 0);
	/* An expiry that was already pending goes now, not into a test. */
	irq_window(1000);
	timer_irqs = 0;
}

/* One-shot with divide 'div': TMCCT starts at TMICT and falls at the TSC
 * rate / div, one interrupt comes, not before TMICT * div ticks. */
static void timer_oneshot(uint32_t tdcr, uint32_t div)
{
	const char *m = mode();
	uint32_t count = (uint32_t)(TIMER_SPAN / div);
	uint32_t first, c, prev, last;
	uint64_t t0, t_first, t_last, end, a, b;
	bool went_up = false;

	timer_reset();
	apic_write(REG_TDCR, tdcr);
	CHECK_HEX(apic_read(REG_TDCR), tdcr, nm("%s: TDCR reads back divide %u", m, div));
	apic_write(REG_LVT_TIMER, LVT_ONESHOT | VEC_TIMER);
	t0 = rdtsc_ordered();
	apic_write(REG_TMICT, count);
	a = rdtsc_ordered();
	first = apic_read(REG_TMCCT);
	b = rdtsc_ordered();
	t_first = t_last = a + (b - a) / 2;
	CHECK_EQ(apic_read(REG_TMICT), count, nm("%s: one-shot /%u: TMICT reads back", m, div));
	CHECK(first > 0 && first <= count,
	      nm("%s: one-shot /%u: TMCCT starts at TMICT", m, div));
	prev = last = first;
	end = t0 + TIMER_SPAN + slack;
	irq_enable();
	while (timer_irqs == 0 && rdtsc() < end) {
		spin_ticks(TIMER_SPAN / 16);
		a = rdtsc_ordered();
		c = apic_read(REG_TMCCT);
		b = rdtsc_ordered();
		if (c > prev)
			went_up = true;
		prev = c;
		if (c) {
			last = c;
			t_last = a + (b - a) / 2;
		}
	}
	irq_disable();
	CHECK(timer_irqs >= 1, nm("%s: one-shot /%u: interrupt arrived", m, div));
	CHECK(!went_up, nm("%s: one-shot /%u: TMCCT never goes up", m, div));
	if (t_last - t_first >= TIMER_SPAN / 4) {
		uint64_t permille = (uint64_t)(first - last) * div * 1000 / (t_last - t_first);

		printf("lapic_test: %s /%u: TMCCT fell %u in %lu TSC ticks (%lu per mille of TSC/div)\n",
		       m, div, first - last, t_last - t_first, permille);
		CHECK(permille >= 900 && permille <= 1100,
		      nm("%s: one-shot /%u: TMCCT falls at TSC rate / %u", m, div, div));
	} else {
		CHECK(false, nm("%s: one-shot /%u: TMCCT seen counting for a quarter of the span",
				m, div));
	}
	if (timer_irqs >= 1) {
		uint64_t took = timer_tsc[0] - t0;

		printf("lapic_test: %s /%u: interrupt %lu TSC ticks after TMICT = %u\n",
		       m, div, took, count);
		CHECK(took >= (uint64_t)count * div * 99 / 100,
		      nm("%s: one-shot /%u: not before TMICT * %u TSC ticks", m, div, div));
	}
	CHECK_EQ(apic_read(REG_TMCCT), 0, nm("%s: one-shot /%u: TMCCT 0 after expiry", m, div));
	irq_window(TIMER_SPAN);
	CHECK_EQ(timer_irqs, 1, nm("%s: one-shot /%u: exactly one interrupt", m, div));
}

static void timer_periodic(void)
{
	const char *m = mode();
	const uint64_t period = TIMER_SPAN / 2;
	const uint32_t count = (uint32_t)(period / 2); /* divide 2 */
	uint64_t t0;
	uint32_t c;
	unsigned n;

	timer_reset();
	apic_write(REG_TDCR, TDCR_DIV2);
	apic_write(REG_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	t0 = rdtsc_ordered();
	apic_write(REG_TMICT, count);
	wait_count(&timer_irqs, 4, 4 * period + slack, false);
	CHECK(timer_irqs >= 4, nm("%s: periodic: 4 interrupts", m));
	c = apic_read(REG_TMCCT);
	CHECK(c > 0 && c <= count, nm("%s: periodic: TMCCT reloads after each interrupt", m));
	if (timer_irqs >= 4) {
		uint64_t avg = (timer_tsc[3] - timer_tsc[0]) / 3;

		printf("lapic_test: %s periodic: period %lu, mean interval %lu TSC ticks\n",
		       m, period, avg);
		CHECK(timer_tsc[3] - t0 >= 4 * period * 99 / 100,
		      nm("%s: periodic: 4th interrupt not before 4 periods", m));
		CHECK(avg >= period * 3 / 4 && avg <= period * 3 / 2,
		      nm("%s: periodic: interval close to the period", m));
		/* A halted vCPU must be woken by its own timer. */
		printf("lapic_test: %s periodic: waiting in HLT for 2 more ticks\n", m);
		n = timer_irqs;
		HALT_UNTIL(timer_irqs >= n + 2);
		CHECK(timer_irqs >= n + 2, nm("%s: periodic: ticks wake a halted vCPU", m));
	}
	apic_write(REG_TMICT, 0);
	CHECK_EQ(apic_read(REG_TMCCT), 0, nm("%s: periodic: TMICT 0 stops the count", m));
	irq_window(1000);
	n = timer_irqs;
	irq_window(2 * period + slack / 4);
	CHECK_EQ(timer_irqs, n, nm("%s: periodic: no interrupt after TMICT 0", m));
	apic_write(REG_LVT_TIMER, LVT_MASKED | VEC_TIMER);
}

static void timer_tsc_deadline(void)
{
	const char *m = mode();
	uint64_t dl, t0;

	timer_reset();
	apic_write(REG_LVT_TIMER, LVT_TSC_DEADLINE | VEC_TIMER);
	CHECK_HEX(apic_read(REG_LVT_TIMER), LVT_TSC_DEADLINE | VEC_TIMER,
		  nm("%s: LVT timer in TSC-deadline mode", m));
	apic_write(REG_TMICT, 12345);
	CHECK_EQ(apic_read(REG_TMICT), 0, nm("%s: TSC-deadline: TMICT writes ignored", m));
	CHECK_EQ(apic_read(REG_TMCCT), 0, nm("%s: TSC-deadline: TMCCT reads 0", m));

	dl = rdtsc_ordered() + TIMER_SPAN;
	wrmsr(MSR_TSC_DEADLINE, dl);
	CHECK_HEX(rdmsr(MSR_TSC_DEADLINE), dl, nm("%s: IA32_TSC_DEADLINE reads back", m));
	wait_count(&timer_irqs, 1, TIMER_SPAN + slack, false);
	CHECK(timer_irqs >= 1, nm("%s: TSC-deadline: interrupt arrived", m));
	if (timer_irqs >= 1) {
		printf("lapic_test: %s TSC-deadline: interrupt %lu TSC ticks after the deadline\n",
		       m, timer_tsc[0] - dl);
		CHECK(timer_tsc[0] >= dl, nm("%s: TSC-deadline: not before the deadline", m));
	}
	CHECK_HEX(rdmsr(MSR_TSC_DEADLINE), 0, nm("%s: IA32_TSC_DEADLINE 0 once it fired", m));
	irq_window(TIMER_SPAN);
	CHECK_EQ(timer_irqs, 1, nm("%s: TSC-deadline: exactly one interrupt", m));

	timer_irqs = 0;
	wrmsr(MSR_TSC_DEADLINE, rdtsc_ordered() + TIMER_SPAN / 2);
	wrmsr(MSR_TSC_DEADLINE, 0);
	CHECK_HEX(rdmsr(MSR_TSC_DEADLINE), 0, nm("%s: IA32_TSC_DEADLINE 0 after writing 0", m));
	irq_window(TIMER_SPAN + slack / 4);
	CHECK_EQ(timer_irqs, 0, nm("%s: TSC-deadline: writing 0 disarms", m));

	timer_irqs = 0;
	t0 = rdtsc_ordered();
	wrmsr(MSR_TSC_DEADLINE, t0 - TIMER_SPAN);
	wait_count(&timer_irqs, 1, slack, false);
	CHECK_EQ(timer_irqs, 1, nm("%s: TSC-deadline: a deadline in the past fires at once", m));
	apic_write(REG_LVT_TIMER, LVT_MASKED | VEC_TIMER);
}

static void timer_masked(void)
{
	const char *m = mode();
	uint32_t c;

	timer_reset();
	apic_write(REG_TDCR, TDCR_DIV1);
	apic_write(REG_LVT_TIMER, LVT_MASKED | LVT_ONESHOT | VEC_TIMER);
	apic_write(REG_TMICT, (uint32_t)TIMER_SPAN);
	irq_window(TIMER_SPAN / 2);
	c = apic_read(REG_TMCCT);
	CHECK(c > 0 && c < TIMER_SPAN, nm("%s: masked: the count still runs", m));
	irq_window(TIMER_SPAN + slack / 4);
	CHECK_EQ(timer_irqs, 0, nm("%s: masked: no interrupt", m));
	CHECK(!apic_bit(REG_IRR, VEC_TIMER), nm("%s: masked: nothing in IRR", m));
	CHECK_EQ(apic_read(REG_TMCCT), 0, nm("%s: masked: TMCCT reached 0", m));
}

static void test_timer(void)
{
	static const struct {
		uint32_t tdcr, div;
	} divs[] = { { TDCR_DIV1, 1 }, { TDCR_DIV2, 2 }, { TDCR_DIV16, 16 }, { TDCR_DIV128, 128 } };

	for (unsigned i = 0; i < sizeof(divs) / sizeof(divs[0]); i++)
		timer_oneshot(divs[i].tdcr, divs[i].div);
	timer_periodic();
	timer_tsc_deadline();
	timer_masked();
	timer_reset();
	CHECK_EQ(timer_wrong, 0, nm("%s: timer interrupts only on vCPU 0", mode()));
}

/* ---- Self-IPIs, EOI, priorities ------------------------------------------ */

static void order_reset(void)
{
	order_n = 0;
	isr_bad = 0;
	for (unsigned i = 0; i < 8; i++)
		order_vec[i] = order_ppr[i] = 0;
	ppr_tpr75 = 0;
}

static void test_priorities(void)
{
	const char *m = mode();

	order_reset();
	irq_disable();
	send_self(VEC_LOW);
	send_self(VEC_HIGH);
	CHECK_EQ(order_n, 0, nm("%s: self-IPIs wait while IF = 0", m));
	CHECK(apic_bit(REG_IRR, VEC_LOW) && apic_bit(REG_IRR, VEC_HIGH),
	      nm("%s: both self-IPIs pending in IRR", m));
	__asm__ __volatile__("sti; nop; nop; nop; nop; cli" : : : "memory");
	CHECK_EQ(order_n, 2, nm("%s: both delivered after STI", m));
	CHECK_HEX(order_vec[0], VEC_HIGH, nm("%s: higher class (0x62) delivered first", m));
	CHECK_HEX(order_vec[1], VEC_LOW, nm("%s: lower class (0x51) delivered second", m));
	CHECK_EQ(isr_bad, 0, nm("%s: the vector is in ISR while its handler runs", m));
	CHECK_HEX(order_ppr[0], 0x60, nm("%s: PPR = 0x60 while 0x62 is in service", m));
	CHECK_HEX(order_ppr[1], 0x50, nm("%s: PPR = 0x50 while 0x51 is in service", m));
	CHECK_HEX(ppr_tpr75, 0x75, nm("%s: PPR = TPR 0x75 above the ISR class", m));
	CHECK(!apic_bit(REG_IRR, VEC_LOW) && !apic_bit(REG_IRR, VEC_HIGH) && isr_empty(),
	      nm("%s: IRR and ISR clear after EOI", m));

	/* A TPR above a pending vector's class holds it back. */
	order_reset();
	apic_write(REG_TPR, 0x60);
	CHECK_HEX(apic_read(REG_PPR), 0x60, nm("%s: PPR follows TPR 0x60", m));
	irq_enable();
	send_self(VEC_BLK_LOW);
	send_self(VEC_BLK_HIGH);
	spin_ticks(TIMER_SPAN / 8);
	irq_disable();
	CHECK_EQ(order_n, 0, nm("%s: TPR 0x60 holds back 0x55 and 0x66", m));
	CHECK(apic_bit(REG_IRR, VEC_BLK_LOW) && apic_bit(REG_IRR, VEC_BLK_HIGH),
	      nm("%s: held-back vectors stay in IRR", m));
	irq_enable();
	apic_write(REG_TPR, 0x50);
	spin_ticks(TIMER_SPAN / 16);
	irq_disable();
	CHECK_EQ(order_n, 1, nm("%s: TPR 0x50 lets one through", m));
	CHECK_HEX(order_vec[0], VEC_BLK_HIGH, nm("%s: TPR 0x50 lets 0x66 through", m));
	irq_enable();
	apic_write(REG_TPR, 0);
	spin_ticks(TIMER_SPAN / 16);
	irq_disable();
	CHECK_EQ(order_n, 2, nm("%s: TPR 0 lets the other through", m));
	CHECK_HEX(order_vec[1], VEC_BLK_LOW, nm("%s: TPR 0 lets 0x55 through", m));
	CHECK(isr_empty(), nm("%s: ISR clear again", m));

	if (!x2apic_on[0]) {
		uint32_t esr;

		/* SDM 10.5.3: vectors 0-15 are illegal; ESR says so (the
		 * sending side, or for a self-IPI perhaps the receiving one). */
		esr_latch();
		send_self(VEC_ILLEGAL);
		esr = esr_latch();
		printf("lapic_test: xapic: ESR after a self-IPI with vector 5: %#x\n", esr);
		CHECK(esr & (ESR_SEND_ILLEGAL | ESR_RECV_ILLEGAL),
		      "xapic: self-IPI vector 5: ESR reports an illegal vector");
		irq_window(1000);
		CHECK(!apic_bit(REG_IRR, VEC_ILLEGAL), "xapic: vector 5 not in IRR");
		CHECK_EQ(esr_latch(), 0, "xapic: ESR clear after the next ESR write");
	}
}

/* ---- A level-triggered interrupt from the IOAPIC ------------------------- */

#define IOAPIC_MMIO 0xfec00000ull
#define IOAPIC_REDIR(pin) (0x10 + 2 * (pin))
#define RTE_LEVEL (1u << 15)
#define RTE_MASKED (1u << 16)
#define COM1_IER 0x3f9
#define COM1_MCR 0x3fc
#define IER_ETBEI 0x02
#define MCR_OUT2 0x08
#define COM1_IRQ 4

static volatile unsigned level_irqs, level_tmr_bad;

static void ioapic_write(uint32_t reg, uint32_t val)
{
	volatile uint32_t *io = (volatile uint32_t *)(uintptr_t)IOAPIC_MMIO;

	io[0] = reg;
	io[4] = val; /* IOWIN at 0x10 */
}

/* THR empty keeps the line up until IER drops it: the first EOI must
 * clear the pin's remote IRR, and the IOAPIC sends the vector again; the
 * second handler drops the line. */
static void on_level(unsigned vec)
{
	unsigned n = level_irqs + 1;

	if (!apic_bit(REG_TMR, vec))
		level_tmr_bad++;
	if (n >= 2)
		outb(COM1_IER, 0);
	level_irqs = n;
	apic_eoi();
}

static void test_level_eoi(void)
{
	const char *m = mode();
	uint8_t mcr = inb(COM1_MCR);

	level_irqs = level_tmr_bad = 0;
	ioapic_write(IOAPIC_REDIR(COM1_IRQ) + 1, 0); /* APIC ID 0 */
	ioapic_write(IOAPIC_REDIR(COM1_IRQ), RTE_LEVEL | VEC_LEVEL);
	outb(COM1_MCR, mcr | MCR_OUT2);
	outb(COM1_IER, IER_ETBEI);
	wait_count(&level_irqs, 2, slack, false);
	irq_window(TIMER_SPAN / 8);
	ioapic_write(IOAPIC_REDIR(COM1_IRQ), RTE_MASKED | RTE_LEVEL | VEC_LEVEL);
	outb(COM1_IER, 0);
	outb(COM1_MCR, mcr);
	CHECK_EQ(level_irqs, 2,
		 nm("%s: level-triggered IOAPIC interrupt: the EOI re-arms the pin", m));
	CHECK_EQ(level_tmr_bad, 0, nm("%s: level-triggered vector set in TMR", m));
	CHECK(isr_empty(), nm("%s: ISR clear after the level-triggered EOIs", m));
}

/* The transitions SDM 10.12.5 forbids, last: should one go through, the
 * LAPIC would be reset under the other tests. */
static void test_illegal_transitions(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	CHECK_EQ(try_wrmsr(MSR_APIC_BASE, base & ~APIC_BASE_EXTD), VEC_GP,
		 "APIC_BASE: x2APIC -> xAPIC: #GP");
	CHECK_EQ(try_wrmsr(MSR_APIC_BASE, base & ~APIC_BASE_EN), VEC_GP,
		 "APIC_BASE: EXTD without EN: #GP");
	CHECK_HEX(rdmsr(MSR_APIC_BASE), base, "APIC_BASE unchanged by the refused writes");
}

static void install_handlers(void)
{
	irq_set_handler(VEC_TIMER, on_timer);
	irq_set_handler(VEC_LOW, on_order);
	irq_set_handler(VEC_HIGH, on_order);
	irq_set_handler(VEC_BLK_LOW, on_order);
	irq_set_handler(VEC_BLK_HIGH, on_order);
	irq_set_handler(VEC_SPURIOUS, on_spurious);
	irq_set_handler(VEC_LEVEL, on_level);
	ap_install_handlers();
}

int guest_main(const struct hv_start_info *si)
{
	int64_t hz;
	bool ap_up;

	rt_init();
	printf("lapic_test: starting\n");
	install_handlers();
	/* Both 8259s masked: nothing from the legacy PIC in this test. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	hz = hv_time();
	tsc_hz = hz > 0 ? (uint64_t)hz : 50000000;
	/* 250 ms and 2 s, but in emulators (where the TSC may count
	 * instructions, not time) no more ticks than a failing check is
	 * worth waiting for. */
	slack = tsc_hz / 4 < MAX_SLACK ? tsc_hz / 4 : MAX_SLACK;
	ap_timeout = 2 * tsc_hz < MAX_AP_WAIT ? 2 * tsc_hz : MAX_AP_WAIT;
	printf("lapic_test: TSC %lu Hz, %u vCPUs\n", tsc_hz,
	       si && si->magic == HV_START_MAGIC ? si->nr_vcpus : 0);
	CHECK(hz > 0, "HC_TIME gives the TSC rate");

	printf("lapic_test: xAPIC mode\n");
	test_cpuid_and_base();
	test_svr_enable();
	mask_lvts();
	test_regs();
	test_timer();
	test_priorities();
	test_level_eoi();
	ap_up = start_ap();
	if (ap_up)
		test_ipis();

	switch_to_x2apic(ap_up);
	test_regs();
	test_timer();
	test_priorities();
	test_level_eoi();
	if (ap_up)
		test_ipis();
	test_illegal_transitions();
	printf("lapic_test: spurious interrupts: %u\n", spurious_irqs);
	test_finish();
}
