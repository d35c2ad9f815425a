/* nmi_test: NMI delivery as a CPU does it (SDM vol. 3 6.7.1 "Handling
 * Multiple NMIs", 6.9 "Priority Among Simultaneous Exceptions and
 * Interrupts"), from inside a `platform = pc` VM.
 *
 * vCPU 0 sends NMIs to itself through its LAPIC (ICR, physical
 * destination 0) and logs what runs in which order:
 *  - an NMI sent inside the NMI handler waits for the handler's IRET and
 *    is taken right after it, before the interrupted code goes on; it is
 *    never taken inside the handler (which prints, so exits happen there);
 *  - of two NMIs sent inside the handler only one is kept: a CPU latches
 *    at most one NMI behind the one in service;
 *  - an NMI and a maskable interrupt both pending when the handler's
 *    IRET sets IF again: the NMI is taken first;
 *  - two NMIs that vCPU 1 sends back to back while vCPU 0 halts are two
 *    NMIs, not one.
 * The tests run in xAPIC mode and again in x2APIC mode.  vCPU 1 is
 * started as lapic_test starts it (lapic_smp.c, lapic_ap.S).  The VM
 * description is tests/boot/vms/nmi_test.vms.  Exits with the number of
 * failed checks. */
#include "lapic_test.h"

#define VEC_FIX 0x60   /* a maskable self-IPI */
#define LOG_MAX 16

enum {
	EV_MAIN = 0x100, /* the interrupted code went on */
	EV_START = 0x200, /* | n: the n-th NMI handler started */
	EV_END = 0x300,   /* | n: ... returns */
	EV_FIX = 0x400,   /* the maskable interrupt */
};

enum nmi_plan { PLAN_NONE, PLAN_ONE_MORE, PLAN_TWO_MORE, PLAN_NMI_AND_IRQ };

extern const char nmi_entry[];
void nmi_handler(const uint64_t *frame);

static volatile enum nmi_plan plan;
static volatile unsigned nmis, depth, nested, timer_fired;
static volatile uint32_t evlog[LOG_MAX];
static volatile unsigned evn;

static void log_ev(uint32_t ev)
{
	unsigned i = evn;

	if (i < LOG_MAX)
		evlog[i] = ev;
	evn = i + 1;
}

/* Called from nmi_entry with NMIs blocked until its IRETQ. */
void nmi_handler(const uint64_t *frame)
{
	unsigned n = ++nmis;

	(void)frame;
	if (++depth > 1)
		nested++;
	log_ev(EV_START | n);
	if (n == 1) {
		switch (plan) {
		case PLAN_ONE_MORE:
			apic_icr(0, ICR_NMI);
			/* Exits while the second NMI waits. */
			printf("nmi_test: in the first NMI handler, one NMI sent\n");
			spin_ticks(TIMER_SPAN / 16);
			break;
		case PLAN_TWO_MORE:
			apic_icr(0, ICR_NMI);
			apic_icr(0, ICR_NMI);
			printf("nmi_test: in the first NMI handler, two NMIs sent\n");
			break;
		case PLAN_NMI_AND_IRQ:
			/* IF = 0 here; the IRET sets it again. */
			send_self(VEC_FIX);
			apic_icr(0, ICR_NMI);
			break;
		default:
			break;
		}
	}
	log_ev(EV_END | n);
	depth--;
}

static void on_fix(unsigned vec)
{
	(void)vec;
	log_ev(EV_FIX);
	apic_eoi();
}

static void on_timer(unsigned vec)
{
	(void)vec;
	timer_fired++;
	apic_eoi();
}

/* vCPU 0's NMI gate (vCPU 1 has its own IDT, lapic_smp.c). */
static void install_nmi_gate(void)
{
	struct dt_reg r;
	uint64_t h = (uint64_t)(uintptr_t)nmi_entry;
	volatile uint32_t *g;

	__asm__ __volatile__("sidt %0" : "=m"(r));
	g = (volatile uint32_t *)(uintptr_t)(r.base + 2 * 16);
	g[0] = (uint32_t)(h & 0xffff) | (uint32_t)HV_SEL_CODE64 << 16;
	g[1] = (uint32_t)(h & 0xffff0000) | 0x8e00; /* present interrupt gate */
	g[2] = (uint32_t)(h >> 32);
	g[3] = 0;
}

static void reset_log(enum nmi_plan p)
{
	nmis = depth = nested = evn = 0;
	for (unsigned i = 0; i < LOG_MAX; i++)
		evlog[i] = 0;
	plan = p;
}

static void print_log(const char *what)
{
	printf("nmi_test: %s: %s log:", mode(), what);
	for (unsigned i = 0; i < evn && i < LOG_MAX; i++)
		printf(" %#x", evlog[i]);
	printf("\n");
}

static bool log_is(const uint32_t *want, unsigned n)
{
	if (evn != n)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (evlog[i] != want[i])
			return false;
	return true;
}

/* One self-NMI from the main code; 'plan' says what its handler does. */
static void self_nmi(bool irqs_on)
{
	if (irqs_on)
		irq_enable();
	apic_icr(0, ICR_NMI);
	log_ev(EV_MAIN);
	irq_disable();
	/* Whatever came late arrives here, after EV_MAIN. */
	irq_window(TIMER_SPAN / 8);
}

static void test_nested(void)
{
	static const uint32_t want[] = { EV_START | 1, EV_END | 1, EV_START | 2,
					 EV_END | 2, EV_MAIN };
	const char *m = mode();

	reset_log(PLAN_ONE_MORE);
	self_nmi(false);
	print_log("NMI inside the NMI handler");
	CHECK_EQ(nested, 0, nm("%s: no NMI inside the NMI handler", m));
	CHECK_EQ(nmis, 2, nm("%s: the NMI sent inside the handler is taken", m));
	CHECK(log_is(want, 5),
	      nm("%s: the second NMI comes right after the first handler's IRET", m));
}

static void test_one_latched(void)
{
	static const uint32_t want[] = { EV_START | 1, EV_END | 1, EV_START | 2,
					 EV_END | 2, EV_MAIN };
	const char *m = mode();

	reset_log(PLAN_TWO_MORE);
	self_nmi(false);
	print_log("two NMIs inside the NMI handler");
	CHECK_EQ(nmis, 2, nm("%s: two NMIs sent while one is handled: one more is taken", m));
	CHECK(log_is(want, 5), nm("%s: ... right after the IRET", m));
}

static void test_nmi_before_irq(void)
{
	static const uint32_t want[] = { EV_START | 1, EV_END | 1, EV_START | 2,
					 EV_END | 2, EV_FIX, EV_MAIN };
	const char *m = mode();

	reset_log(PLAN_NMI_AND_IRQ);
	self_nmi(true);
	print_log("NMI and interrupt pending at the IRET");
	CHECK_EQ(nmis, 2, nm("%s: NMI and interrupt pending: both taken", m));
	CHECK(log_is(want, 6),
	      nm("%s: NMI and interrupt pending at the IRET: the NMI first", m));
}

/* vCPU 1 sends two NMIs while vCPU 0 halts (the LAPIC timer ends the
 * wait if they never come). */
static void test_two_from_ap(void)
{
	const char *m = mode();

	reset_log(PLAN_NONE);
	timer_fired = 0;
	ap_send_nmis_to_0(2, TIMER_SPAN / 8);
	apic_write(REG_TDCR, TDCR_DIV1);
	apic_write(REG_LVT_TIMER, LVT_ONESHOT | VEC_TIMER);
	apic_write(REG_TMICT, (uint32_t)(slack < 0xffffffffull ? slack : 0xffffffffu));
	HALT_UNTIL(nmis >= 2 || timer_fired);
	irq_window(TIMER_SPAN / 4);
	apic_write(REG_TMICT, 0);
	apic_write(REG_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	print_log("two NMIs from vCPU 1");
	CHECK_EQ(nmis, 2, nm("%s: two NMIs sent back to back by vCPU 1: two taken", m));
	CHECK_EQ(nested, 0, nm("%s: ... one after the other", m));
}

static void run_tests(bool ap_up)
{
	test_nested();
	test_one_latched();
	test_nmi_before_irq();
	if (ap_up)
		test_two_from_ap();
}

int guest_main(const struct hv_start_info *si)
{
	int64_t hz;
	bool ap_up;

	(void)si;
	rt_init();
	printf("nmi_test: starting\n");
	install_nmi_gate();
	irq_set_handler(VEC_FIX, on_fix);
	irq_set_handler(VEC_TIMER, on_timer);
	ap_install_handlers();
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	hz = hv_time();
	tsc_hz = hz > 0 ? (uint64_t)hz : 50000000;
	slack = tsc_hz / 4 < MAX_SLACK ? tsc_hz / 4 : MAX_SLACK;
	ap_timeout = 2 * tsc_hz < MAX_AP_WAIT ? 2 * tsc_hz : MAX_AP_WAIT;
	apic_write(REG_SVR, SVR_ENABLE | VEC_SPURIOUS);
	mask_lvts();

	printf("nmi_test: xAPIC mode\n");
	ap_up = start_ap();
	run_tests(ap_up);
	switch_to_x2apic(ap_up);
	run_tests(ap_up);
	test_finish();
}
