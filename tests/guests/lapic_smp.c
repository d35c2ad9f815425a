/* lapic_test, the second vCPU: vCPU 0 starts it the way a BIOS starts an
 * AP (INIT, SIPI, SIPI into the real-mode trampoline of lapic_ap.S), then
 * both exchange IPIs.  vCPU 1 waits in HLT for commands (ap_cmd), each
 * announced by a fixed IPI (VEC_KICK), and answers some with an IPI of
 * its own (VEC_BACK).  It joins the runtime's descriptor tables with
 * rt_init_secondary() but runs on a private copy of the IDT whose NMI
 * gate is its own (the runtime treats an NMI as a fault). */
#include "lapic_test.h"
#include "lapic_ap.h"

_Static_assert(AP_HV_SEL_CODE64 == HV_SEL_CODE64 && AP_HV_SEL_DATA == HV_SEL_DATA,
	       "lapic_ap.S selectors");
/* The trampoline page: real-mode reachable, in conventional memory, and
 * clear of the hypervisor's boot area and of every vCPU stack the long64
 * ABI may put below the default load address. */
_Static_assert(AP_TRAMP_BASE == AP_SIPI_VECTOR * 0x1000 && AP_SIPI_VECTOR < 0xa0,
	       "SIPI vector and page");
_Static_assert(AP_TRAMP_BASE >= HV_BOOT_CMDLINE + 256 && AP_TRAMP_BASE >= HV_BOOT_STACK_LOW,
	       "trampoline above the boot area");
_Static_assert(AP_TRAMP_BASE + AP_TRAMP_MAX <= 0x100000 - GRT_MAX_VCPUS * HV_VCPU_STACK,
	       "trampoline below the lowest vCPU stack");
_Static_assert(AP_MSR_EFER == MSR_EFER, "lapic_ap.S EFER");

extern const char ap_tramp_start[], ap_tramp_end[], ap_tramp_cs[], ap_tramp_cr0[];
extern const char ap_nmi_entry[];

/* Handed to the trampoline by vCPU 0 (lapic_ap.S reads them). */
uint32_t ap_boot_cr0, ap_boot_cr3, ap_boot_cr4, ap_boot_efer;
struct {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed)) ap_hv_gdtr;
uint8_t ap_stack[AP_STACK_SIZE] __attribute__((aligned(16)));

void ap_main(void);
void ap_nmi_handler(const uint64_t *frame);
void rt_init_secondary(unsigned vcpu); /* lib/exc.c */

/* What vCPU 1 saw of itself. */
static volatile struct {
	uint64_t apic_base;
	uint32_t svr_at_start, id, cpuid_id, ldr, x2_id, x2_ldr, x2_ver;
} ap_info;
static volatile unsigned ap_started;
static volatile uint64_t ap_started_tsc, sipi_tsc;

enum ap_cmd { CMD_NONE, CMD_PING, CMD_X2APIC, CMD_NMI_SPIN, CMD_NMIS_TO_0 };
static volatile uint32_t ap_cmd, ap_cmd_seq, ap_done_seq;
static volatile uint32_t ap_nmi_ready_seq, ap_nmi_result;
static volatile uint32_t ap_nmis_count;
static volatile uint64_t ap_nmis_delay;

static volatile unsigned ap_kicks, kick_wrong, kick_isr_bad;
static volatile unsigned back_irqs, back_wrong, nobody_irqs;
static volatile unsigned ap_nmis, ap_nmis_if_clear;

/* ---- Handlers -------------------------------------------------------------- */

static void on_kick(unsigned vec)
{
	if (this_vcpu() != 1) {
		kick_wrong++;
	} else {
		if (!apic_bit(REG_ISR, vec))
			kick_isr_bad++;
		__atomic_fetch_add(&ap_kicks, 1, __ATOMIC_RELEASE);
	}
	apic_eoi();
}

static void on_back(unsigned vec)
{
	(void)vec;
	if (this_vcpu() != 0)
		back_wrong++;
	__atomic_fetch_add(&back_irqs, 1, __ATOMIC_RELEASE);
	apic_eoi();
}

static void on_nobody(unsigned vec)
{
	(void)vec;
	nobody_irqs++;
	apic_eoi();
}

/* vCPU 1's NMI handler (lapic_ap.S ap_nmi_entry); frame[2] is RFLAGS. */
void ap_nmi_handler(const uint64_t *frame)
{
	if (!(frame[2] & RFLAGS_IF))
		__atomic_fetch_add(&ap_nmis_if_clear, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&ap_nmis, 1, __ATOMIC_RELEASE);
}

void ap_install_handlers(void)
{
	irq_set_handler(VEC_KICK, on_kick);
	irq_set_handler(VEC_BACK, on_back);
	irq_set_handler(VEC_NOBODY, on_nobody);
}

/* ---- vCPU 1 ---------------------------------------------------------------- */

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, reserved;
};
static struct idt_gate ap_idt[256] __attribute__((aligned(16)));

/* The runtime's IDT, but with vCPU 1's own NMI gate. */
static void ap_idt_init(void)
{
	struct dt_reg r;
	uint64_t h = (uint64_t)(uintptr_t)ap_nmi_entry;

	__asm__ __volatile__("sidt %0" : "=m"(r));
	memcpy(ap_idt, (const void *)(uintptr_t)r.base, sizeof(ap_idt));
	ap_idt[2] = (struct idt_gate){
		.off_lo = (uint16_t)h, .sel = HV_SEL_CODE64, .ist = 0, .type = 0x8e,
		.off_mid = (uint16_t)(h >> 16), .off_hi = (uint32_t)(h >> 32),
	};
	r.limit = sizeof(ap_idt) - 1;
	r.base = (uint64_t)(uintptr_t)ap_idt;
	__asm__ __volatile__("lidt %0" : : "m"(r) : "memory");
}

static void ap_do(uint32_t cmd, uint32_t seq)
{
	uint64_t end;

	switch (cmd) {
	case CMD_PING:
		apic_ipi(0, VEC_BACK);
		break;
	case CMD_X2APIC:
		wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_EXTD);
		x2apic_on[1] = true;
		ap_info.x2_id = apic_read(REG_ID);
		ap_info.x2_ldr = apic_read(REG_LDR);
		ap_info.x2_ver = apic_read(REG_VER);
		break;
	case CMD_NMI_SPIN:
		/* Interrupts stay off: only an NMI can end this early. */
		ap_nmi_result = 0;
		end = rdtsc() + ap_timeout;
		{
			unsigned before = ap_nmis;

			__atomic_store_n(&ap_nmi_ready_seq, seq, __ATOMIC_RELEASE);
			while (ap_nmis == before && rdtsc() < end) {
				cpu_relax();
				hv_yield();
			}
			ap_nmi_result = ap_nmis != before;
		}
		break;
	case CMD_NMIS_TO_0:
		/* Back to back, as one CPU can send them. */
		spin_ticks(ap_nmis_delay);
		for (uint32_t i = 0; i < ap_nmis_count; i++)
			apic_icr(0, ICR_NMI);
		break;
	default:
		break;
	}
}

/* vCPU 1, in 64-bit mode from lapic_ap.S on its own stack. */
void ap_main(void)
{
	uint32_t a, b, c, d, done = 0;

	rt_init_secondary(1);
	ap_idt_init();
	x2apic_on[1] = false;
	hv_cpuid(1, 0, &a, &b, &c, &d);
	ap_info.cpuid_id = b >> 24;
	ap_info.apic_base = rdmsr(MSR_APIC_BASE);
	ap_info.svr_at_start = apic_read(REG_SVR);
	ap_info.id = apic_read(REG_ID);
	apic_write(REG_SVR, SVR_ENABLE | VEC_SPURIOUS);
	mask_lvts();
	apic_write(REG_DFR, 0xffffffff);
	apic_write(REG_LDR, 0x02000000); /* flat logical ID: bit 1 */
	ap_info.ldr = apic_read(REG_LDR);
	ap_started_tsc = rdtsc_ordered();
	__atomic_fetch_add(&ap_started, 1, __ATOMIC_RELEASE);
	for (;;) {
		uint32_t seq;

		HALT_UNTIL(__atomic_load_n(&ap_cmd_seq, __ATOMIC_ACQUIRE) != done);
		seq = __atomic_load_n(&ap_cmd_seq, __ATOMIC_ACQUIRE);
		ap_do(ap_cmd, seq);
		done = seq;
		__atomic_store_n(&ap_done_seq, seq, __ATOMIC_RELEASE);
	}
}

/* Posts a command and kicks vCPU 1 (a fixed IPI, which also ends its
 * HLT); returns the command's sequence number. */
static uint32_t ap_post(uint32_t cmd)
{
	uint32_t seq = ap_cmd_seq + 1;

	ap_cmd = cmd;
	__atomic_store_n(&ap_cmd_seq, seq, __ATOMIC_RELEASE);
	apic_ipi(1, VEC_KICK);
	return seq;
}

static bool ap_wait(volatile uint32_t *what, uint32_t seq)
{
	uint64_t end = rdtsc() + ap_timeout;

	irq_enable();
	while (__atomic_load_n(what, __ATOMIC_ACQUIRE) != seq && rdtsc() < end) {
		cpu_relax();
		hv_yield();
	}
	irq_disable();
	return __atomic_load_n(what, __ATOMIC_ACQUIRE) == seq;
}

static bool ap_command(uint32_t cmd)
{
	return ap_wait(&ap_done_seq, ap_post(cmd));
}

void ap_send_nmis_to_0(unsigned n, uint64_t delay)
{
	ap_nmis_count = n;
	ap_nmis_delay = delay;
	ap_post(CMD_NMIS_TO_0);
}

/* INIT, SIPI, SIPI (SDM vol. 3 9.4.4.1) with the trampoline in place. */
bool start_ap(void)
{
	size_t n = (uintptr_t)ap_tramp_end - (uintptr_t)ap_tramp_start;
	uint64_t efer = rdmsr(MSR_EFER);
	uintptr_t page = AP_TRAMP_BASE, start = (uintptr_t)ap_tramp_start;
	uint16_t cs;
	uint32_t cr0;
	bool ok;

	CHECK(n <= AP_TRAMP_MAX, "AP trampoline fits in its page");
	CHECK_HEX(entry_state.cr3, HV_BOOT_PML4, "vCPU 0 started on the boot page tables");
	CHECK_HEX(entry_state.gdtr.base, HV_BOOT_GDT, "vCPU 0 started on the boot GDT");
	memcpy((void *)page, ap_tramp_start, n);
	ap_boot_cr0 = (uint32_t)entry_state.cr0;
	ap_boot_cr3 = HV_BOOT_PML4;
	ap_boot_cr4 = (uint32_t)CR4_PAE;
	ap_boot_efer = (uint32_t)(EFER_LME | (efer & EFER_NXE));
	ap_hv_gdtr.limit = entry_state.gdtr.limit;
	ap_hv_gdtr.base = (uint32_t)entry_state.gdtr.base;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	printf("lapic_test: starting vCPU 1: INIT, SIPI vector %#x, SIPI\n", AP_SIPI_VECTOR);
	esr_latch();
	apic_icr(1, ICR_INIT | ICR_LEVEL | ICR_ASSERT);
	apic_icr(1, ICR_INIT | ICR_LEVEL); /* de-assert */
	spin_ticks(tsc_hz / 100);	   /* 10 ms */
	sipi_tsc = rdtsc_ordered();
	apic_icr(1, ICR_SIPI | AP_SIPI_VECTOR);
	spin_ticks(tsc_hz / 5000);	   /* 200 us */
	apic_icr(1, ICR_SIPI | AP_SIPI_VECTOR);
	CHECK_EQ(esr_latch(), 0, "xapic: no ESR error from INIT and SIPI to APIC ID 1");
	ok = wait_count(&ap_started, 1, ap_timeout, true);
	CHECK(ok, "vCPU 1 started by INIT-SIPI-SIPI and reached 64-bit C code");
	if (!ok)
		return false;
	printf("lapic_test: vCPU 1 reached C %lu TSC ticks after the first SIPI\n",
	       ap_started_tsc - sipi_tsc);
	/* A CPU that has started ignores a later SIPI. */
	spin_ticks(tsc_hz / 100);
	CHECK_EQ(ap_started, 1, "vCPU 1 started once (second SIPI ignored)");
	cs = *(volatile uint16_t *)(page + ((uintptr_t)ap_tramp_cs - start));
	cr0 = *(volatile uint32_t *)(page + ((uintptr_t)ap_tramp_cr0 - start));
	printf("lapic_test: vCPU 1 started at CS %#x with CR0 %#x\n", cs, cr0);
	CHECK_HEX(cs, AP_SIPI_VECTOR << 8, "vCPU 1: real mode, CS = SIPI vector << 8");
	CHECK_EQ(cr0 & 0x80000001u, 0, "vCPU 1: CR0.PE and CR0.PG clear at the SIPI");
	CHECK_EQ(ap_info.cpuid_id, 1, "vCPU 1: CPUID.1:EBX initial APIC ID 1");
	CHECK_HEX(ap_info.apic_base, LAPIC_MMIO | APIC_BASE_EN,
		  "vCPU 1: APIC_BASE 0xfee00800 (enabled, not the BSP)");
	CHECK(!(ap_info.svr_at_start & SVR_ENABLE), "vCPU 1: LAPIC software-disabled after INIT");
	CHECK_HEX(ap_info.id, 1u << 24, "vCPU 1: xAPIC ID register 0x01000000");
	CHECK_HEX(ap_info.ldr, 0x02000000, "vCPU 1: LDR reads back logical ID 2");
	return true;
}

/* ---- IPIs between the vCPUs --------------------------------------------- */

void test_ipis(void)
{
	const char *m = mode();
	unsigned k, b, nmis, nmis_if_clear;
	/* vCPU 1's logical ID: bit 1 in the flat model (its LDR 0x02000000),
	 * cluster 0 bit 1 in x2APIC mode (LDR 0x00000002). */
	const uint32_t logical = 0x2;
	uint32_t seq, esr;
	bool ok;

	k = ap_kicks;
	apic_ipi(1, VEC_KICK);
	CHECK(wait_count(&ap_kicks, k + 1, ap_timeout, true),
	      nm("%s: fixed IPI to APIC ID 1 handled on vCPU 1", m));
	CHECK_EQ(kick_isr_bad, 0, nm("%s: vCPU 1 sees the vector in its ISR", m));

	b = back_irqs;
	ok = ap_command(CMD_PING);
	CHECK(ok, nm("%s: vCPU 1 ran the ping command", m));
	CHECK(wait_count(&back_irqs, b + 1, ap_timeout, true),
	      nm("%s: IPI from vCPU 1 to APIC ID 0 handled on vCPU 0", m));

	k = ap_kicks;
	apic_icr(logical, ICR_FIXED | ICR_LOGICAL | VEC_KICK);
	CHECK(wait_count(&ap_kicks, k + 1, ap_timeout, true),
	      nm("%s: logical-destination IPI reaches vCPU 1", m));

	k = ap_kicks;
	apic_icr(0, ICR_ALL_BUT_SELF | ICR_FIXED | VEC_KICK);
	CHECK(wait_count(&ap_kicks, k + 1, ap_timeout, true),
	      nm("%s: all-but-self IPI reaches vCPU 1", m));
	irq_window(1000);
	CHECK_EQ(kick_wrong, 0, nm("%s: ... and not vCPU 0", m));

	/* NMI while vCPU 1 spins with interrupts off, then while it halts. */
	nmis = ap_nmis;
	nmis_if_clear = ap_nmis_if_clear;
	seq = ap_post(CMD_NMI_SPIN);
	ok = ap_wait(&ap_nmi_ready_seq, seq);
	CHECK(ok, nm("%s: vCPU 1 spins with IF = 0", m));
	apic_icr(1, ICR_NMI);
	ok = ap_wait(&ap_done_seq, seq);
	CHECK(ok && ap_nmi_result, nm("%s: NMI IPI reaches vCPU 1 with IF = 0", m));
	CHECK_EQ(ap_nmis, nmis + 1, nm("%s: vCPU 1's NMI handler ran once", m));
	CHECK_EQ(ap_nmis_if_clear, nmis_if_clear + 1, nm("%s: the NMI came with IF = 0", m));
	spin_ticks(TIMER_SPAN / 8); /* let it get back into HLT */
	apic_icr(1, ICR_NMI);
	CHECK(wait_count(&ap_nmis, nmis + 2, ap_timeout, true),
	      nm("%s: NMI IPI to a halted vCPU 1 handled", m));

	/* Nobody has APIC ID 7: fixed, NMI and INIT there change nothing. */
	k = ap_kicks;
	b = back_irqs;
	nmis = ap_nmis;
	esr_latch();
	apic_ipi(ID_ABSENT, VEC_NOBODY);
	apic_icr(ID_ABSENT, ICR_NMI);
	apic_icr(ID_ABSENT, ICR_INIT | ICR_LEVEL | ICR_ASSERT);
	esr = esr_latch();
	printf("lapic_test: %s: ESR after IPIs to APIC ID 7: %#x\n", m, esr);
	CHECK_HEX(esr & ~ESR_SEND_ACCEPT, 0, nm("%s: APIC ID 7: at most a send-accept error", m));
	irq_window(TIMER_SPAN / 4);
	CHECK_EQ(nobody_irqs, 0, nm("%s: APIC ID 7: nobody took the vector", m));
	CHECK_EQ(ap_nmis, nmis, nm("%s: APIC ID 7: vCPU 1 got no NMI", m));
	CHECK_EQ(ap_kicks, k, nm("%s: APIC ID 7: vCPU 1 got nothing", m));
	ok = ap_command(CMD_PING);
	CHECK(ok && wait_count(&back_irqs, b + 1, ap_timeout, true),
	      nm("%s: vCPU 1 still answers after IPIs to APIC ID 7", m));
	CHECK_EQ(back_wrong, 0, nm("%s: answers only on vCPU 0", m));
}

/* ---- Mode switch --------------------------------------------------------- */

/* vCPU 1 first (when it runs), then vCPU 0. */
void switch_to_x2apic(bool ap_up)
{
	uint64_t base;
	bool ok;

	if (ap_up) {
		ok = ap_command(CMD_X2APIC);
		CHECK(ok, "vCPU 1 switched to x2APIC mode");
		if (ok) {
			CHECK_HEX(ap_info.x2_id, 1, "vCPU 1: x2APIC ID 1");
			CHECK_HEX(ap_info.x2_ldr, 2, "vCPU 1: x2APIC LDR = cluster 0, bit 1");
			CHECK_HEX(ap_info.x2_ver, APIC_VERSION, "vCPU 1: x2APIC version");
		}
	}
	base = rdmsr(MSR_APIC_BASE);
	wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
	x2apic_on[0] = true;
	CHECK_HEX(rdmsr(MSR_APIC_BASE), base | APIC_BASE_EXTD,
		  "APIC_BASE: EN and EXTD set (x2APIC mode)");
	printf("lapic_test: x2APIC mode\n");
}
