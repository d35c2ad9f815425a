/* fuzz_dev: random register reads and writes to every device of the
 * virtual PC (docs/testing.md, "Fuzz guests"; the devices of
 * docs/guest-platform.md section 0): UART, both PICs and the ELCR, PIT
 * and port 0x61, RTC/CMOS, PM1a event/control, PM timer, PCI
 * configuration mechanism #1, the IOAPIC page, the LAPIC page (xAPIC),
 * the x2APIC MSRs, IA32_APIC_BASE (xAPIC <-> x2APIC <-> disabled),
 * TSC_DEADLINE and CR8; random sizes (1, 2, 4, 8 bytes) and, for the two
 * pages, random offsets and the instructions the MMIO emulator performs
 * (MOV, OR, AND, XCHG, TEST, CMP).  Runs with APIC virtualization on and
 * off (the hypervisor's apicv= option).  A read may return anything, an
 * MSR access may #GP; what must hold: the hypervisor neither faults nor
 * stops the VM, nothing but an NMI or a vector from 32 up reaches the
 * guest, and the devices still answer (LAPIC and IOAPIC versions, the PCI
 * host bridge's ID) after the run.  Every few hundred operations the
 * guest opens an interrupt window and takes whatever the devices raised
 * (a handler that sees too many masks the sources: a fast periodic timer
 * would otherwise never let the window end).
 *
 * Filtered (each would end, reset or derail this guest rather than test
 * the hypervisor): delivery modes INIT and start-up in the ICR, the LVTs
 * and the IOAPIC's redirection entries become fixed; vectors 16-31
 * become 48-63 there and in the PICs' ICW2 (the CPU would take them as
 * exceptions; 0-15 stay: the LAPIC must refuse them); the reset ports
 * (0xcf9 bit 2, 0x92 bit 0, i8042 commands 0xf0-0xff) and S5 (SLP_EN in
 * PM1a_CNT) are never written; IA32_APIC_BASE keeps its base address;
 * accesses never cross the end of a device page (the next page is not
 * RAM: an access there stops the VM by design); the UART's data register
 * only gets lower-case letters (the log stays text) and the guest's own
 * console goes through HC_CONSOLE_WRITE.
 *
 * Command line: seed=N count=N progress=N.  The VM: platform = pc,
 * vcpus = 2 (vCPU 1 stays waiting for a start-up IPI: the target of IPIs
 * that must not reach anything). */
#include "fuzz_lib.h"

#define LAPIC_BASE 0xfee00000ull
#define IOAPIC_BASE 0xfec00000ull
#define MSR_APIC_BASE 0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define APIC_BASE_EN (1ull << 11)
#define APIC_BASE_EXTD (1ull << 10)
#define WINDOW_EVERY 256
#define STORM 64

static struct prng rng;
static uint64_t ops, fails, per_dev[16], irqs, storms, msr_gps;
static volatile uint64_t nmis __attribute__((used)); /* nmi_stub */
static volatile uint64_t window_irqs;
static unsigned ioregsel, icw_state[2];
static bool x2apic;
static uint64_t lapic_mode_ops[3]; /* LAPIC page operations: xAPIC, x2APIC, disabled */
static uint64_t apic_base_now;
static uint64_t trace_from = ~0ull; /* trace=N: print each operation from op N on */

#define fail(...) fuzz_fail(&fails, ops, __VA_ARGS__)

/* ---- Filters -------------------------------------------------------- */

/* A vector + delivery mode word (ICR low, LVT, redirection entry low):
 * no INIT or start-up, no vector 16-31. */
static uint32_t safe_delivery(uint32_t v)
{
	unsigned mode = (v >> 8) & 7, vec = v & 0xff;

	if (mode == 5 || mode == 6)
		v &= ~(7u << 8);
	if (vec >= 16 && vec < 32)
		v = (v & ~0xffu) | (vec + 32);
	return v;
}

/* ---- Port I/O ------------------------------------------------------- */

static void out_n(uint16_t port, unsigned size, uint32_t v)
{
	if (size == 1)
		__asm__ __volatile__("outb %%al, %%dx" : : "a"(v), "d"(port));
	else if (size == 2)
		__asm__ __volatile__("outw %%ax, %%dx" : : "a"(v), "d"(port));
	else
		__asm__ __volatile__("outl %%eax, %%dx" : : "a"(v), "d"(port));
}

static uint32_t in_n(uint16_t port, unsigned size)
{
	uint32_t v = 0;

	if (size == 1)
		__asm__ __volatile__("inb %%dx, %%al" : "+a"(v) : "d"(port));
	else if (size == 2)
		__asm__ __volatile__("inw %%dx, %%ax" : "+a"(v) : "d"(port));
	else
		__asm__ __volatile__("inl %%dx, %%eax" : "+a"(v) : "d"(port));
	return v;
}

static unsigned rand_size(void)
{
	return 1u << prng_below(&rng, 3);
}

/* A port of [base, base + n) and a size that keeps the access there. */
static void port_access(uint16_t base, unsigned n, uint32_t (*filter)(uint16_t, uint32_t))
{
	unsigned size = rand_size(), off;
	uint32_t v = (uint32_t)prng_value(&rng);
	uint16_t port;

	while (size > n)
		size >>= 1;
	off = (unsigned)prng_below(&rng, n - size + 1);
	port = (uint16_t)(base + off);
	if (prng_one_in(&rng, 2)) {
		(void)in_n(port, size);
		return;
	}
	if (filter) {
		/* Filters look at bytes: write byte by byte. */
		for (unsigned i = 0; i < size; i++)
			out_n((uint16_t)(port + i), 1,
			      filter((uint16_t)(port + i), (v >> (8 * i)) & 0xff));
		return;
	}
	out_n(port, size, v);
}

static uint32_t uart_filter(uint16_t port, uint32_t v)
{
	/* THR (or DLL with DLAB set): a letter, so that the log stays
	 * text; the guest itself prints by hypercall. */
	if (port == 0x3f8)
		return 'a' + v % 26;
	return v;
}

static uint32_t pic_filter(uint16_t port, uint32_t v)
{
	unsigned pic = port >= 0xa0;

	if ((port & 1) == 0) { /* command: ICW1 starts the sequence */
		if (v & 0x10)
			icw_state[pic] = 1;
		return v;
	}
	if (icw_state[pic] == 1) { /* ICW2: the vector base */
		icw_state[pic] = 0;
		if (v < 0x20)
			v |= 0x30;
	}
	return v;
}

static uint32_t kbc_filter(uint16_t port, uint32_t v)
{
	if (port == 0x64 && (v >= 0xf0 || v == 0xd1))
		return 0x20; /* pulse or write-output-port commands: never */
	return v;
}

static uint32_t sysctl_filter(uint16_t port, uint32_t v)
{
	(void)port;
	return v & ~1u; /* bit 0: fast reset */
}

static uint32_t pm_filter(uint16_t port, uint32_t v)
{
	if (port == 0x605)
		return v & ~0x20u; /* PM1a_CNT bit 13 (SLP_EN) is bit 5 of its high byte */
	return v;
}

static uint32_t reset_filter(uint16_t port, uint32_t v)
{
	(void)port;
	return v & ~4u; /* bit 2: reset */
}

static uint32_t reset_filter_cf9(uint16_t port, uint32_t v)
{
	return port == 0xcf9 ? reset_filter(port, v) : v;
}

static void pci_access(void)
{
	uint64_t r = prng_next(&rng);

	if (r % 3 == 0) {
		uint32_t addr = (uint32_t)prng_value(&rng);

		if (r & 8) /* mostly enabled, bus 0, device 0 */
			addr = 0x80000000u | ((uint32_t)(r >> 8) & 0xfc) |
			       ((r & 16) ? ((uint32_t)(r >> 16) & 0xffff00) : 0);
		out_n(0xcf8, 4, addr);
		return;
	}
	/* The data window, any size; 0xcf9 alone is the reset register. */
	port_access(0xcfc, 4, NULL);
	if (r % 3 == 1)
		port_access(0xcf8, 4, reset_filter_cf9);
}

/* ---- MMIO ------------------------------------------------------------ */

static uint64_t mmio_op(uint64_t addr, unsigned size, unsigned kind, uint64_t v)
{
	volatile uint8_t *p8 = (volatile uint8_t *)(uintptr_t)addr;
	volatile uint16_t *p16 = (volatile uint16_t *)(uintptr_t)addr;
	volatile uint32_t *p32 = (volatile uint32_t *)(uintptr_t)addr;
	volatile uint64_t *p64 = (volatile uint64_t *)(uintptr_t)addr;
	uint32_t x = (uint32_t)v;

	switch (kind) {
	case 0: /* read */
		switch (size) {
		case 1: return *p8;
		case 2: return *p16;
		case 4: return *p32;
		default: return *p64;
		}
	case 1: /* write */
		switch (size) {
		case 1: *p8 = (uint8_t)v; break;
		case 2: *p16 = (uint16_t)v; break;
		case 4: *p32 = (uint32_t)v; break;
		default: *p64 = v; break;
		}
		return 0;
	case 2:
		__asm__ __volatile__("orl %1, %0" : "+m"(*p32) : "r"(x));
		return 0;
	case 3:
		__asm__ __volatile__("andl %1, %0" : "+m"(*p32) : "r"(x));
		return 0;
	case 4:
		__asm__ __volatile__("xchgl %1, %0" : "+m"(*p32), "+r"(x));
		return x;
	case 5:
		__asm__ __volatile__("testl %1, %0" : : "m"(*p32), "r"(x) : "cc");
		return 0;
	default:
		__asm__ __volatile__("cmpl %1, %0" : : "m"(*p32), "r"(x) : "cc");
		return 0;
	}
}

static void ioapic_access(void)
{
	uint64_t r = prng_next(&rng), v = prng_value(&rng);
	unsigned size, off;

	switch (r % 5) {
	case 0: /* IOREGSEL: mostly a valid index */
		ioregsel = (r & 8) ? (unsigned)(r >> 8) % 0x40 : (unsigned)v & 0xff;
		mmio_op(IOAPIC_BASE, 4, 1, ioregsel);
		return;
	case 1: /* IOWIN write: a redirection entry's low half is filtered */
		if (ioregsel >= 0x10 && ioregsel < 0x40 && !(ioregsel & 1))
			v = safe_delivery((uint32_t)v);
		mmio_op(IOAPIC_BASE + 0x10, 4, 1, (uint32_t)v);
		return;
	case 2:
		(void)mmio_op(IOAPIC_BASE + 0x10, 4, 0, 0);
		return;
	case 3: /* the EOI register (version 0x20 IOAPICs) */
		mmio_op(IOAPIC_BASE + 0x40, 4, 1, v & 0xff);
		return;
	default: /* anywhere in the page, any size; writes away from IOWIN */
		size = 1u << prng_below(&rng, 4);
		off = (unsigned)prng_below(&rng, 0x1000 - size + 1);
		if (!(r & 8) && (off + size <= 0x10 || off >= 0x14)) {
			if (off < 4) /* IOREGSEL's bytes: track it */
				ioregsel = 0xff;
			mmio_op(IOAPIC_BASE + off, size, 1, v);
		} else {
			(void)mmio_op(IOAPIC_BASE + off, size, 0, 0);
		}
	}
}

/* ICR low (0x300) and the LVTs (0x320-0x370) get filtered values. */
static bool lapic_filtered_reg(unsigned off)
{
	return off == 0x300 || (off >= 0x320 && off <= 0x370);
}

static void lapic_access(void)
{
	uint64_t r = prng_next(&rng), v = prng_value(&rng);
	unsigned off, size, kind;

	lapic_mode_ops[x2apic ? 1 : (apic_base_now & APIC_BASE_EN) ? 0 : 2]++;
	if (x2apic) { /* the page is not the LAPIC now: reads only */
		off = (unsigned)prng_below(&rng, 0x100) * 16;
		(void)mmio_op(LAPIC_BASE + off, 4, 0, 0);
		return;
	}
	if (r % 4) { /* a register, 32 bits, mostly MOV */
		off = (unsigned)(r >> 8) % 0x40 * 16;
		kind = (r >> 16) % 8 < 5 ? (unsigned)(r >> 20) % 2 : (unsigned)(r >> 20) % 7;
		if (kind && lapic_filtered_reg(off)) {
			kind = 1;
			v = safe_delivery((uint32_t)v);
		}
		if (kind && off == 0x310) /* ICR high: the destination, any */
			kind = 1;
		(void)mmio_op(LAPIC_BASE + off, 4, kind, v);
		return;
	}
	/* Anywhere, any size: writes only away from the ICR and LVTs. */
	size = 1u << prng_below(&rng, 4);
	off = (unsigned)prng_below(&rng, 0x1000 - size + 1);
	if ((r & 8) && (off + size <= 0x300 || off >= 0x380))
		mmio_op(LAPIC_BASE + off, size, 1, v);
	else
		(void)mmio_op(LAPIC_BASE + off, size, 0, 0);
}

static void x2apic_msr_access(void)
{
	uint32_t msr = 0x800 + (uint32_t)prng_below(&rng, 0x100);
	uint64_t v = prng_value(&rng);

	if (prng_one_in(&rng, 2)) {
		if (try_rdmsr(msr, &v) >= 0)
			msr_gps++;
		return;
	}
	if (msr == 0x830 || (msr >= 0x832 && msr <= 0x837))
		v = (v & ~0xffffffffull) | safe_delivery((uint32_t)v);
	if (msr == 0x83f && (v & 0xff) >= 16 && (v & 0xff) < 32)
		v += 32;
	if (try_wrmsr(msr, v) >= 0)
		msr_gps++;
}

static void apic_base_access(void)
{
	uint64_t cur, v;
	uint64_t r = prng_next(&rng);

	if (try_rdmsr(MSR_APIC_BASE, &cur) >= 0) {
		fail("rdmsr APIC_BASE faulted");
		return;
	}
	v = cur;
	switch (r % 6) {
	case 0: /* single flips: some are the transitions the SDM forbids */
		v ^= APIC_BASE_EXTD;
		break;
	case 1:
		v ^= APIC_BASE_EN;
		break;
	case 2: /* to an enabled xAPIC, through disabled if need be */
		v &= ~(APIC_BASE_EN | APIC_BASE_EXTD);
		if (cur & APIC_BASE_EXTD)
			try_wrmsr(MSR_APIC_BASE, v);
		v |= APIC_BASE_EN;
		break;
	case 3: /* to x2APIC, through xAPIC if need be */
		if (!(cur & APIC_BASE_EN))
			try_wrmsr(MSR_APIC_BASE, v | APIC_BASE_EN);
		v |= APIC_BASE_EN | APIC_BASE_EXTD;
		break;
	case 4: /* disabled */
		v &= ~(APIC_BASE_EN | APIC_BASE_EXTD);
		break;
	default:
		v ^= 1ull << prng_below(&rng, 12); /* reserved and BSP bits */
	}
	if (try_wrmsr(MSR_APIC_BASE, v) >= 0)
		msr_gps++;
	if (try_rdmsr(MSR_APIC_BASE, &cur) >= 0)
		fail("rdmsr APIC_BASE faulted");
	if ((cur & ~0xfffull) != LAPIC_BASE)
		fail("APIC_BASE %#lx: the base moved", cur);
	x2apic = (cur & (APIC_BASE_EN | APIC_BASE_EXTD)) == (APIC_BASE_EN | APIC_BASE_EXTD);
	apic_base_now = cur;
}

/* ---- Interrupts ----------------------------------------------------- */

extern char nmi_stub[];
__asm__(".text\n"
	"nmi_stub:\n\t"
	"lock incq nmis(%rip)\n\t"
	"iretq\n");

static void install_nmi(void)
{
	struct dt_reg idtr;
	uint8_t *gate;
	uint64_t h = (uint64_t)(uintptr_t)nmi_stub;

	__asm__ __volatile__("sidt %0" : "=m"(idtr));
	gate = (uint8_t *)(uintptr_t)(idtr.base + 2 * 16);
	gate[0] = (uint8_t)h;
	gate[1] = (uint8_t)(h >> 8);
	gate[6] = (uint8_t)(h >> 16);
	gate[7] = (uint8_t)(h >> 24);
	memcpy(gate + 8, (uint32_t[]){ (uint32_t)(h >> 32) }, 4);
}

/* Too many in one window (e.g. a level-triggered UART line through a PIC
 * whose ELCR says level, as real hardware would storm): silence every
 * source so that the window ends.  The PICs are initialised again, since
 * a random ICW1 may be waiting for its ICW2, which would eat a mask. */
static void quiet(void)
{
	static const uint8_t pic_init[2][4] = { { 0x11, 0x30, 0x04, 0x01 },
						{ 0x11, 0x38, 0x02, 0x01 } };

	for (unsigned p = 0; p < 2; p++) {
		uint16_t cmd = p ? 0xa0 : 0x20;

		outb(cmd, pic_init[p][0]);
		for (unsigned i = 1; i < 4; i++)
			outb((uint16_t)(cmd + 1), pic_init[p][i]);
		outb((uint16_t)(cmd + 1), 0xff);
		icw_state[p] = 0;
	}
	outb(0x4d0, 0);
	outb(0x4d1, 0);
	outb(0x3f9, 0); /* UART IER */
	for (unsigned pin = 0; pin < 24; pin++) {
		*(volatile uint32_t *)(uintptr_t)IOAPIC_BASE = 0x10 + 2 * pin;
		*(volatile uint32_t *)(uintptr_t)(IOAPIC_BASE + 0x10) = 1u << 16;
	}
	ioregsel = 0xff;
	if (x2apic) {
		try_wrmsr(0x808, 0xff);    /* TPR */
		try_wrmsr(0x832, 1u << 16); /* LVT timer masked */
	} else if (apic_base_now & APIC_BASE_EN) {
		*(volatile uint32_t *)(uintptr_t)(LAPIC_BASE + 0x80) = 0xff;
		*(volatile uint32_t *)(uintptr_t)(LAPIC_BASE + 0x320) = 1u << 16;
	}
	__asm__ __volatile__("mov %0, %%cr8" : : "r"(15ull));
	storms++;
}

/* Takes the vector and EOIs it (LAPIC and both PICs), so that the next
 * ones can come. */
static void dev_irq(unsigned vec)
{
	irqs++;
	if (++window_irqs == STORM)
		quiet();
	if (ops >= trace_from && (window_irqs < 4 || window_irqs % 1000 == 0))
		printf("irq %#x (%lu in this window, %lu NMIs)\n", vec, window_irqs, nmis);
	if (x2apic)
		try_wrmsr(0x80b, 0);
	else if (apic_base_now & APIC_BASE_EN)
		*(volatile uint32_t *)(uintptr_t)(LAPIC_BASE + 0xb0) = 0;
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
}

static void irq_window(void)
{
	if (ops >= trace_from)
		printf("window at op %lu\n", ops);
	window_irqs = 0;
	__asm__ __volatile__("sti; nop; nop; nop; nop; nop; nop; nop; nop; cli" : : : "memory");
}

/* Before the random part: the LAPIC page while the LAPIC is globally
 * disabled and in x2APIC mode, where the SDM has no APIC there any more
 * (guest/vpc/vplat_io.c, lapic_page); such accesses used to stop the VM
 * with apicv=off. */
static void lapic_page_off_modes(void)
{
	static const uint64_t modes[] = { LAPIC_BASE | (1u << 8),
					  LAPIC_BASE | (1u << 8) | APIC_BASE_EN,
					  LAPIC_BASE | (1u << 8) | APIC_BASE_EN | APIC_BASE_EXTD };
	volatile uint32_t *ver = (volatile uint32_t *)(uintptr_t)(LAPIC_BASE + 0x30);
	volatile uint32_t *tpr = (volatile uint32_t *)(uintptr_t)(LAPIC_BASE + 0x80);

	for (unsigned i = 0; i < 3; i++) {
		if (try_wrmsr(MSR_APIC_BASE, modes[i]) >= 0)
			fail("APIC_BASE %#lx: #GP", modes[i]);
		if (i != 1) {
			(void)*ver;
			*tpr = 0;
		}
	}
	try_wrmsr(MSR_APIC_BASE, modes[0]);
	if (try_wrmsr(MSR_APIC_BASE, modes[1]) >= 0 || *ver != 0x00050014)
		fail("the LAPIC is not back in xAPIC mode");
}

/* ---- The loop --------------------------------------------------------- */

enum dev {
	D_UART, D_PIC, D_ELCR, D_PIT, D_RTC, D_PM, D_PMTMR, D_PCI, D_RESET,
	D_IOAPIC, D_LAPIC, D_X2APIC, D_APIC_BASE, D_DEADLINE, D_CR8, D_COUNT
};
static const char *const dev_names[D_COUNT] = {
	"uart", "pic", "elcr", "pit", "rtc", "pm", "pmtmr", "pci", "reset",
	"ioapic", "lapic", "x2apic", "apic_base", "deadline", "cr8",
};

static void one_op(void)
{
	/* The MMIO pages and the LAPIC MSRs get more than their share. */
	static const uint8_t weights[D_COUNT] = { 2, 3, 1, 2, 2, 1, 1, 2, 1, 5, 6, 4, 1, 1, 1 };
	unsigned total = 0, pick, d;

	for (d = 0; d < D_COUNT; d++)
		total += weights[d];
	pick = (unsigned)prng_below(&rng, total);
	for (d = 0; pick >= weights[d]; d++)
		pick -= weights[d];
	per_dev[d]++;
	if (ops >= trace_from)
		printf("op %lu: %s\n", ops, dev_names[d]);
	switch ((enum dev)d) {
	case D_UART:
		port_access(0x3f8, 8, uart_filter);
		break;
	case D_PIC:
		port_access(prng_one_in(&rng, 2) ? 0x20 : 0xa0, 2, pic_filter);
		break;
	case D_ELCR:
		port_access(0x4d0, 2, NULL);
		break;
	case D_PIT:
		if (prng_one_in(&rng, 4))
			port_access(0x61, 1, NULL);
		else
			port_access(0x40, 4, NULL);
		break;
	case D_RTC:
		port_access(0x70, 2, NULL);
		break;
	case D_PM:
		port_access(0x600, 6, pm_filter);
		break;
	case D_PMTMR:
		port_access(0x608, 4, NULL);
		break;
	case D_PCI:
		pci_access();
		break;
	case D_RESET:
		switch (prng_below(&rng, 3)) {
		case 0:
			port_access(0xcf9, 1, reset_filter);
			break;
		case 1:
			port_access(0x92, 1, sysctl_filter);
			break;
		default:
			port_access(0x60, 5, kbc_filter);
		}
		break;
	case D_IOAPIC:
		ioapic_access();
		break;
	case D_LAPIC:
		lapic_access();
		break;
	case D_X2APIC:
		x2apic_msr_access();
		break;
	case D_APIC_BASE:
		apic_base_access();
		break;
	case D_DEADLINE: {
		uint64_t v = prng_one_in(&rng, 2) ? rdtsc() + prng_below(&rng, 100000)
						  : prng_value(&rng);

		if (try_wrmsr(MSR_TSC_DEADLINE, v) >= 0)
			msr_gps++;
		break;
	}
	default: {
		uint64_t v = prng_below(&rng, 16);

		__asm__ __volatile__("mov %0, %%cr8" : : "r"(v));
		break;
	}
	}
	ops++;
}

/* The devices still answer. */
static void final_checks(void)
{
	uint64_t base;
	uint32_t v;

	/* Back to a plain xAPIC: disable, then enable without EXTD. */
	try_wrmsr(MSR_APIC_BASE, LAPIC_BASE | (1u << 8));
	if (try_wrmsr(MSR_APIC_BASE, LAPIC_BASE | (1u << 8) | APIC_BASE_EN) >= 0 ||
	    try_rdmsr(MSR_APIC_BASE, &base) >= 0 ||
	    base != (LAPIC_BASE | (1u << 8) | APIC_BASE_EN))
		fail("APIC_BASE cannot be put back to an enabled xAPIC");
	v = *(volatile uint32_t *)(uintptr_t)(LAPIC_BASE + 0x30);
	if (v != 0x00050014)
		fail("LAPIC version %#x after the run", v);
	*(volatile uint32_t *)(uintptr_t)IOAPIC_BASE = 1;
	v = *(volatile uint32_t *)(uintptr_t)(IOAPIC_BASE + 0x10);
	if ((v & 0xff) != 0x11 || ((v >> 16) & 0xff) != 23)
		fail("IOAPIC version %#x after the run", v);
	out_n(0xcf8, 4, 0x80000000u);
	v = in_n(0xcfc, 4);
	if (v != 0x12378086u)
		fail("PCI 00:00.0 ID %#x after the run", v);
}

int guest_main(const struct hv_start_info *si)
{
	uint64_t seed, count, progress;
	unsigned v;

	(void)si;
	rt_init();
	console_set_sink(SINK_HYPERCALL);
	fuzz_args("fuzz_dev", 20000, &seed, &count);
	progress = arg_u64_or("progress", 100000);
	trace_from = arg_u64_or("trace", ~0ull);
	rng.s = seed;
	install_nmi();
	try_rdmsr(MSR_APIC_BASE, &apic_base_now);
	for (v = 32; v < 256; v++)
		irq_set_handler(v, dev_irq);

	lapic_page_off_modes();
	while (ops < count && fails < FUZZ_MAX_FAILS) {
		one_op();
		if (ops % WINDOW_EVERY == 0)
			irq_window();
		if (ops % progress == 0)
			printf("fuzz_dev: progress: %lu ops, %lu interrupts, %lu NMIs, %lu failures\n",
			       ops, irqs, nmis, fails);
	}
	final_checks();
	printf("fuzz_dev: by device:");
	for (unsigned d = 0; d < D_COUNT; d++)
		printf(" %s %lu", dev_names[d], per_dev[d]);
	printf("\n");
	printf("fuzz_dev: %lu interrupts, %lu NMIs, %lu storms quieted, %lu MSR #GPs; LAPIC page operations: %lu xAPIC, %lu x2APIC, %lu disabled\n",
	       irqs, nmis, storms, msr_gps, lapic_mode_ops[0], lapic_mode_ops[1],
	       lapic_mode_ops[2]);
	printf("RESULT: fuzz_dev seed=%#lx ops=%lu hypercalls=0 failures=%lu\n",
	       seed, ops, fails);
	return fails ? 1 : 0;
}
