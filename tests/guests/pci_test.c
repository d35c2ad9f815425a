/* pci_test: a virtual PC given a real PCI function (under Bochs its e1000,
 * "device = pci:..." with "dma = none"), which checks from inside what
 * the hypervisor shows of it (docs/passthrough.md, "The guest's view"):
 *   - CF8/CFC: the host bridge at 00:00.0, the function at 00:03.0 with
 *     the e1000's IDs and class, nothing else on bus 0;
 *   - BAR sizing: all ones read back the real size masks (BAR0 128 KiB of
 *     memory, BAR1 64 I/O ports), the addresses come back when restored;
 *     BAR0 lies in the guest's PCI hole;
 *   - the capability list holds only PM, MSI, MSI-X and PCIe and ends;
 *   - the expansion ROM BAR reads 0, also after a write of all ones;
 *   - the ACPI MCFG (found from the RSDP copy in the BIOS area) names the
 *     ECAM window; ECAM reads the same IDs, the extended space is an
 *     empty list;
 *   - through the relocated BAR0, the e1000's STATUS register reads a
 *     plausible value (link up) and CTRL is not all ones; the I/O BAR's
 *     ports (the host's, passed through) reach the device, the port past
 *     them does not;
 *   - INTx: a cause set through ICS interrupts the guest once on the
 *     line its interrupt line register names (host IOAPIC, hypervisor,
 *     virtual IOAPIC), and the handler reads the cause from ICR.
 * With "resets=N" on its command line it moves BAR0 (and reads STATUS
 * there), turns bus mastering on and resets its virtual PC, N times; after
 * each restart the hypervisor has reset the function and its view: BAR0
 * is back, bus mastering off.  It ends with "RESULT: n passed, m failed"
 * and exit code m. */
#include "lib/guest_rt.h"

#define CF8 0xcf8
#define CFC 0xcfc
#define FN_DEV 3
#define E1000_VENDOR 0x8086
#define E1000_DEVICE 0x100e
#define E1000_CLASS 0x020000
#define E1000_STATUS 0x08
#define E1000_STATUS_LU 0x2
#define E1000_BAR0_MASK 0xfffe0000u /* 128 KiB */
#define E1000_BAR1_MASK 0xffffffc0u /* 64 ports */
#define E1000_BAR1_SIZE 64
#define PCI_HOLE_LO 0xc0000000ull
#define PCI_HOLE_HI 0xe0000000ull
#define BIOS_LO 0xe0000ull
#define BIOS_HI 0x100000ull
#define ACPI_HDR 36
#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_BOOTS 0x42 /* a free byte of CMOS RAM */
#define RESET_CTRL 0xcf9
#define RESET_HARD 0x02
#define RESET_CPU 0x04
#define MOVED_BAR0 0xc8000000u
#define CMD_MEM 0x2
#define CMD_MASTER 0x4
/* INTx: the e1000's interrupt cause registers (8254x manual, 13.4.17-21):
 * ICR read-to-clear, ICS sets causes, IMS enables them, IMC disables. */
#define E1000_ICR 0xc0
#define E1000_ICS 0xc8
#define E1000_IMS 0xd0
#define E1000_IMC 0xd8
#define E1000_CAUSE_LSC 0x4
#define IOAPIC_MMIO 0xfec00000ull
#define IOAPIC_WIN 0x10
#define IOAPIC_REDIR(pin) (0x10 + 2 * (pin))
#define IOAPIC_LEVEL (1u << 15)
#define IOAPIC_MASKED (1u << 16)
#define LAPIC_MMIO 0xfee00000ull
#define REG_EOI 0x0b0
#define REG_SVR 0x0f0
#define REG_LVT_TIMER 0x320
#define REG_TMICT 0x380
#define REG_TDCR 0x3e0
#define SVR_ENABLE 0x100
#define TDCR_DIV1 0xb
#define VEC_NIC 0x61
#define VEC_WATCHDOG 0x6f
#define VEC_SPURIOUS 0xff

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}

static uint32_t cfg_addr(unsigned dev, unsigned reg)
{
	return 0x80000000u | dev << 11 | (reg & 0xfc);
}

static uint32_t cfg_rd(unsigned dev, unsigned reg)
{
	outl(CF8, cfg_addr(dev, reg));
	return inl(CFC);
}

static void cfg_wr(unsigned dev, unsigned reg, uint32_t v)
{
	outl(CF8, cfg_addr(dev, reg));
	outl(CFC, v);
}

static uint32_t mmio32(uint64_t pa)
{
	return *(volatile uint32_t *)(uintptr_t)pa;
}

static void mmio_wr32(uint64_t pa, uint32_t v)
{
	__asm__ __volatile__("movl %0, (%1)" : : "r"(v), "r"((uintptr_t)pa) : "memory");
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	mmio_wr32(IOAPIC_MMIO, reg);
	mmio_wr32(IOAPIC_MMIO + IOAPIC_WIN, v);
}

static volatile unsigned nic_irqs, watchdog_irqs;
static volatile uint32_t nic_icr;
static volatile uint64_t nic_tsc; /* the handler's first instruction */
static uint64_t nic_bar0;

/* As a driver does: reading ICR ends the device's interrupt request. */
static void on_nic(unsigned vec)
{
	(void)vec;
	nic_tsc = rdtsc_ordered();
	nic_icr = mmio32(nic_bar0 + E1000_ICR);
	nic_irqs++;
	mmio_wr32(LAPIC_MMIO + REG_EOI, 0);
}

static void on_watchdog(unsigned vec)
{
	(void)vec;
	watchdog_irqs++;
	mmio_wr32(LAPIC_MMIO + REG_EOI, 0);
}

static void on_spurious(unsigned vec)
{
	(void)vec;
}

/* INTx: the function's interrupt line (the register says which pin of
 * the IOAPIC) raised by a cause the guest sets through ICS; it arrives
 * through the host IOAPIC, the hypervisor and the virtual IOAPIC. */
static void check_intx(uint64_t bar0)
{
	unsigned line = cfg_rd(FN_DEV, 0x3c) & 0xff, wd;
	int64_t hz = hv_time();
	uint64_t t0;

	nic_bar0 = bar0;
	printf("pci_test: INTx on line %u (pin %u)\n", line, cfg_rd(FN_DEV, 0x3c) >> 8 & 0xff);
	CHECK(line && line < 24, "the interrupt line names a pin of the IOAPIC");
	if (!line || line >= 24)
		return;
	irq_set_handler(VEC_NIC, on_nic);
	irq_set_handler(VEC_WATCHDOG, on_watchdog);
	irq_set_handler(VEC_SPURIOUS, on_spurious);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	mmio_wr32(LAPIC_MMIO + REG_SVR, SVR_ENABLE | VEC_SPURIOUS);
	mmio_wr32(LAPIC_MMIO + REG_TDCR, TDCR_DIV1);
	mmio_wr32(LAPIC_MMIO + REG_LVT_TIMER, VEC_WATCHDOG);
	/* Fixed to APIC ID 0, level-triggered, active high (as PCI INTx
	 * reaches an IOAPIC through an ACPI-routed pin). */
	ioapic_write(IOAPIC_REDIR(line) + 1, 0);
	ioapic_write(IOAPIC_REDIR(line), IOAPIC_LEVEL | VEC_NIC);
	mmio_wr32(bar0 + E1000_IMS, E1000_CAUSE_LSC);
	wd = watchdog_irqs;
	mmio_wr32(LAPIC_MMIO + REG_TMICT,
		  hz > 0 && hz / 2 < 0xffffffffll ? (uint32_t)(hz / 2) : 50000000u);
	t0 = rdtsc_ordered();
	mmio_wr32(bar0 + E1000_ICS, E1000_CAUSE_LSC);
	HALT_UNTIL(nic_irqs || watchdog_irqs != wd);
	mmio_wr32(LAPIC_MMIO + REG_TMICT, 0);
	irq_enable();
	CHECK_EQ(nic_irqs, 1, "one INTx interrupt from the e1000 reached the guest");
	CHECK(nic_icr & E1000_CAUSE_LSC, "its handler read the cause it set");
	/* Guest-visible latency (issue 13's benchmark): from the write that
	 * makes the device assert INTx to the handler's first instruction,
	 * through the host IOAPIC, the hypervisor's forwarding and the
	 * virtual IOAPIC and LAPIC (bench/run.sh). */
	if (nic_irqs == 1)
		printf("BENCH pci_intx_latency tsc=%lu\n", (unsigned long)(nic_tsc - t0));
	mmio_wr32(bar0 + E1000_IMC, 0xffffffffu);
	ioapic_write(IOAPIC_REDIR(line), IOAPIC_MASKED | VEC_NIC);
}

static void check_bus(void)
{
	unsigned found = 0;

	CHECK_HEX(cfg_rd(0, 0), 0x12378086u, "00:00.0 is the 440FX host bridge");
	for (unsigned d = 1; d < 32; d++)
		if ((cfg_rd(d, 0) & 0xffff) != 0xffff) {
			found++;
			CHECK_EQ(d, FN_DEV, nm("a function at 00:%02x.0", d));
		}
	CHECK_EQ(found, 1, "one function besides the host bridge");
	CHECK_HEX(cfg_rd(FN_DEV, 0), (uint32_t)E1000_DEVICE << 16 | E1000_VENDOR,
		  "00:03.0 has the e1000's vendor and device IDs");
	CHECK_HEX(cfg_rd(FN_DEV, 8) >> 8, E1000_CLASS, "class: Ethernet controller");
	CHECK_HEX(cfg_rd(FN_DEV, 0x0c) >> 16 & 0x7f, 0, "header type 0");
	CHECK(cfg_rd(FN_DEV, 4) & 2, "memory decode on");
}

static uint32_t size_bar(unsigned reg)
{
	uint32_t old = cfg_rd(FN_DEV, reg), mask;

	cfg_wr(FN_DEV, reg, 0xffffffffu);
	mask = cfg_rd(FN_DEV, reg);
	cfg_wr(FN_DEV, reg, old);
	CHECK_HEX(cfg_rd(FN_DEV, reg), old, nm("BAR at %#x restored", reg));
	return mask;
}

static uint64_t check_bars(void)
{
	uint32_t bar0 = cfg_rd(FN_DEV, 0x10);
	uint16_t cmd = (uint16_t)cfg_rd(FN_DEV, 4);

	CHECK(bar0 >= PCI_HOLE_LO && bar0 < PCI_HOLE_HI,
	      nm("BAR0 %#x lies in the guest's PCI hole", bar0));
	cfg_wr(FN_DEV, 4, cmd & ~3u); /* decode off while sizing */
	CHECK_HEX(size_bar(0x10), E1000_BAR0_MASK, "BAR0 sizes to 128 KiB of memory");
	CHECK_HEX(size_bar(0x14), E1000_BAR1_MASK | 1, "BAR1 sizes to 64 I/O ports");
	cfg_wr(FN_DEV, 4, cmd);
	return bar0 & ~0xfull;
}

static void check_caps_and_rom(void)
{
	unsigned p = cfg_rd(FN_DEV, 0x34) & 0xff, steps = 0, bad = 0;

	if (!(cfg_rd(FN_DEV, 4) >> 16 & 0x10))
		p = 0;
	for (; p && steps < 48; steps++) {
		unsigned id = cfg_rd(FN_DEV, p) & 0xff;

		if (id != 0x01 && id != 0x05 && id != 0x10 && id != 0x11)
			bad++;
		p = cfg_rd(FN_DEV, p) >> 8 & 0xfc;
	}
	printf("pci_test: %u capabilities shown\n", steps);
	CHECK(steps < 48, "the capability list ends");
	CHECK_EQ(bad, 0, "only PM, MSI, MSI-X and PCIe capabilities");
	CHECK_HEX(cfg_rd(FN_DEV, 0x30), 0, "the ROM BAR reads 0");
	cfg_wr(FN_DEV, 0x30, 0xffffffffu);
	CHECK_HEX(cfg_rd(FN_DEV, 0x30), 0, "the ROM BAR reads 0 after a write");
}

static bool sig_is(uint64_t pa, const char *s)
{
	const char *p = (const char *)(uintptr_t)pa;

	return p[0] == s[0] && p[1] == s[1] && p[2] == s[2] && p[3] == s[3];
}

static uint64_t find_mcfg(void)
{
	for (uint64_t a = BIOS_LO; a < BIOS_HI; a += 16) {
		const char *p = (const char *)(uintptr_t)a;
		uint32_t rsdt, len;

		if (!sig_is(a, "RSD ") || p[4] != 'P' || p[5] != 'T' || p[6] != 'R')
			continue;
		rsdt = *(const uint32_t *)(p + 16);
		len = *(const uint32_t *)(uintptr_t)(rsdt + 4);
		for (uint32_t o = ACPI_HDR; o + 4 <= len; o += 4) {
			uint32_t t = *(const uint32_t *)(uintptr_t)(rsdt + o);

			if (sig_is(t, "MCFG"))
				return t;
		}
		return 0;
	}
	return 0;
}

static void check_ecam(void)
{
	uint64_t mcfg = find_mcfg(), base, fn;

	CHECK(mcfg, "an MCFG table in the RSDT");
	if (!mcfg)
		return;
	base = *(const uint64_t *)(uintptr_t)(mcfg + ACPI_HDR + 8);
	printf("pci_test: MCFG: ECAM at %#lx, buses %u-%u\n", (unsigned long)base,
	       *(const uint8_t *)(uintptr_t)(mcfg + ACPI_HDR + 18),
	       *(const uint8_t *)(uintptr_t)(mcfg + ACPI_HDR + 19));
	CHECK(base >= PCI_HOLE_HI && base < 0xfec00000ull, "the ECAM window is above the BAR hole");
	fn = base + ((uint64_t)FN_DEV << 15);
	CHECK_HEX(mmio32(base), 0x12378086u, "ECAM: the host bridge's IDs");
	CHECK_HEX(mmio32(fn), cfg_rd(FN_DEV, 0), "ECAM: the function's IDs as CF8/CFC reads them");
	CHECK_HEX(mmio32(fn + 0x10), cfg_rd(FN_DEV, 0x10), "ECAM: BAR0 as CF8/CFC reads it");
	CHECK_HEX(mmio32(fn + 0x100), 0, "ECAM: an empty extended capability list");
	CHECK_HEX(mmio32(base + (5u << 15)), 0xffffffffu, "ECAM: an absent function reads all ones");
}

static void check_registers(uint64_t bar0)
{
	uint32_t status = mmio32(bar0 + E1000_STATUS), ctrl = mmio32(bar0);
	uint16_t io = (uint16_t)(cfg_rd(FN_DEV, 0x14) & ~3u);
	uint32_t in_bar, past_bar;

	/* The I/O BAR's ports are the device's (Bochs' e1000 answers 0 on
	 * all of them: it has no IOADDR/IODATA); the port past the BAR is
	 * nobody's: trapped, it reads all ones. */
	outl(io, E1000_STATUS);
	in_bar = inl((uint16_t)(io + 4));
	past_bar = inl((uint16_t)(io + E1000_BAR1_SIZE));
	printf("pci_test: I/O BAR at %#x: +4 reads %#x, +%#x reads %#x\n", io, in_bar,
	       E1000_BAR1_SIZE, past_bar);
	CHECK(in_bar != 0xffffffffu, "the I/O BAR's ports reach the device");
	CHECK_HEX(past_bar, 0xffffffffu, "the port past the I/O BAR is trapped");

	printf("pci_test: e1000 CTRL %#x STATUS %#x through BAR0 at %#lx\n", ctrl,
	       status, (unsigned long)bar0);
	CHECK(status != 0xffffffffu, "STATUS is not all ones");
	CHECK(status & E1000_STATUS_LU, "STATUS: link up");
	CHECK(ctrl != 0xffffffffu, "CTRL is not all ones");
}

static uint8_t boot_count(void)
{
	uint8_t boots;

	outb(CMOS_INDEX, CMOS_BOOTS);
	boots = inb(CMOS_DATA);
	outb(CMOS_INDEX, CMOS_BOOTS);
	outb(CMOS_DATA, (uint8_t)(boots + 1));
	return (uint8_t)(boots + 1);
}

/* Before a reset: BAR0 moved, bus mastering on; the reset must bring
 * back the view the hypervisor built. */
static void disturb_and_reset(void)
{
	cfg_wr(FN_DEV, 0x10, MOVED_BAR0);
	cfg_wr(FN_DEV, 4, cfg_rd(FN_DEV, 4) | CMD_MASTER);
	CHECK_HEX(cfg_rd(FN_DEV, 0x10), MOVED_BAR0, "BAR0 moved");
	CHECK(mmio32(MOVED_BAR0 + E1000_STATUS) & E1000_STATUS_LU,
	      "STATUS through the moved BAR0");
	printf("RESULT: %u passed, %u failed\n", test_passes(), test_failures());
	printf("pci_test: resetting through 0xcf9\n");
	outb(RESET_CTRL, RESET_HARD);
	outb(RESET_CTRL, RESET_HARD | RESET_CPU);
	printf("FAIL: still running after the reset\n");
	guest_exit(1);
}

static void check_after_reset(void)
{
	CHECK_HEX(cfg_rd(FN_DEV, 0x10), PCI_HOLE_LO, "after the reset: BAR0 where the hypervisor put it");
	CHECK_EQ(cfg_rd(FN_DEV, 4) & (CMD_MEM | CMD_MASTER), CMD_MEM,
		 "after the reset: memory decode on, bus master off");
}

int guest_main(const struct hv_start_info *si)
{
	uint64_t bar0;
	unsigned boot;

	(void)si;
	rt_init();
	boot = boot_count();
	printf("pci_test: starting, boot %u\n", boot);
	if (boot > 1)
		check_after_reset();
	check_bus();
	bar0 = check_bars();
	check_caps_and_rom();
	check_ecam();
	check_registers(bar0);
	check_intx(bar0);
	CHECK_HEX(cfg_rd(FN_DEV, 0), (uint32_t)E1000_DEVICE << 16 | E1000_VENDOR,
		  "the IDs are unchanged at the end");
	if (boot <= arg_u64_or("resets", 0) && !test_failures())
		disturb_and_reset();
	test_finish();
}
