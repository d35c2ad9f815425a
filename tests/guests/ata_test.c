/* ata_test: a virtual PC that owns the machine's first ATA channel
 * (ports 0x1f0-0x1f7 and 0x3f6, ISA IRQ 14; under Bochs a CD-ROM drive is
 * its master) and drives it from inside with interrupts:
 *   - the ports reach the controller (passed through: no exit, no model);
 *   - IDENTIFY DEVICE (0xEC) to the ATAPI drive is aborted with the ATAPI
 *     signature 0x14/0xEB in the cylinder registers and raises IRQ 14;
 *   - IDENTIFY PACKET DEVICE (0xA1) with nIEN = 0: the vCPU waits in HLT
 *     for IRQ 14, which comes through the host IOAPIC, the hypervisor and
 *     pin 14 of the virtual IOAPIC; the 256 words are read with REP INSW
 *     (string I/O, passed through too) and checked: ATAPI, CD-ROM, the
 *     model string;
 *   - both commands several times, the data identical each time;
 *   - with nIEN = 1 the command completes and no interrupt comes.
 * With "resets=N" on its command line it then resets its virtual PC
 * (0xCF9) N times and does it all again after each restart, when the
 * hypervisor has released the port and pin and taken them anew (boots
 * are counted in CMOS RAM, which survives).  It ends through the
 * debug-exit port: exit code (failures << 1) | 1. */
#include "lib/guest_rt.h"

/* ATA task file of the primary channel (ATA/ATAPI-6, 7.x). */
#define ATA_DATA 0x1f0
#define ATA_ERROR 0x1f1
#define ATA_CYL_LO 0x1f4
#define ATA_CYL_HI 0x1f5
#define ATA_DEVSEL 0x1f6
#define ATA_CMD 0x1f7 /* status on reads; reading it ends INTRQ */
#define ATA_CTL 0x3f6 /* alternate status on reads */
#define ST_BSY 0x80
#define ST_DRQ 0x08
#define ST_ERR 0x01
#define ERR_ABRT 0x04
#define CTL_NIEN 0x02
#define DEV_MASTER 0xa0
#define CMD_IDENTIFY 0xec
#define CMD_IDENTIFY_PACKET 0xa1
#define ATAPI_SIG_LO 0x14
#define ATAPI_SIG_HI 0xeb
#define ID_WORDS 256
#define ID_MODEL 27 /* words 27-46: 40 characters, two per word */
#define ID_MODEL_CHARS 40
#define ID_TYPE_ATAPI 2  /* word 0 bits 15:14 */
#define ID_TYPE_CDROM 5  /* word 0 bits 12:8 */

#define IOAPIC_MMIO 0xfec00000ull
#define IOAPIC_WIN 0x10
#define IOAPIC_REDIR(pin) (0x10 + 2 * (pin))
#define LAPIC_MMIO 0xfee00000ull
#define REG_EOI 0x0b0
#define REG_SVR 0x0f0
#define REG_LVT_TIMER 0x320
#define REG_TMICT 0x380
#define REG_TDCR 0x3e0
#define SVR_ENABLE 0x100
#define TDCR_DIV1 0xb
#define ATA_PIN 14
#define VEC_ATA 0x5e
#define VEC_WATCHDOG 0x6f
#define VEC_SPURIOUS 0xff
#define ROUNDS 3
#define DEBUG_EXIT_PORT 0xf4
#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_BOOTS 0x41 /* a free byte of CMOS RAM */
#define RESET_CTRL 0xcf9
#define RESET_HARD 0x02
#define RESET_CPU 0x04
#define EXPECTED_MODEL "Generic 1234"

static volatile unsigned ata_irqs, watchdog_irqs;
static volatile uint8_t irq_status;
static uint32_t watchdog_ticks;
static uint16_t id_data[ID_WORDS], first_id[ID_WORDS];
/* Device pages are emulated by decoding the instruction: plain MOVs. */
static void mmio_write32(uint64_t addr, uint32_t v)
{
	__asm__ __volatile__("movl %0, (%1)" : : "r"(v), "r"((uintptr_t)addr)
			     : "memory");
}

static void apic_write(uint32_t off, uint32_t v)
{
	mmio_write32(LAPIC_MMIO + off, v);
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(IOAPIC_MMIO, reg);
	mmio_write32(IOAPIC_MMIO + IOAPIC_WIN, v);
}

static void insw(uint16_t port, void *buf, size_t words)
{
	__asm__ __volatile__("rep insw" : "+D"(buf), "+c"(words) : "d"(port)
			     : "memory");
}

/* The handler acknowledges the device as a driver does: reading the
 * status register ends its interrupt request. */
static void on_ata(unsigned vec)
{
	(void)vec;
	irq_status = inb(ATA_CMD);
	ata_irqs++;
	apic_write(REG_EOI, 0);
}

static void on_watchdog(unsigned vec)
{
	(void)vec;
	watchdog_irqs++;
	apic_write(REG_EOI, 0);
}

static void on_spurious(unsigned vec)
{
	(void)vec;
}

/* Halt until IRQ 14 comes (true) or the LAPIC timer gives up (false).
 * Called with interrupts off, so nothing arrives between the check and
 * the HLT. */
static bool wait_irq(unsigned before)
{
	unsigned wd = watchdog_irqs;

	apic_write(REG_TMICT, watchdog_ticks);
	HALT_UNTIL(ata_irqs != before || watchdog_irqs != wd);
	apic_write(REG_TMICT, 0);
	return ata_irqs != before;
}

/* Busy-wait on the alternate status (which leaves INTRQ alone). */
static uint8_t wait_status(uint8_t mask, uint8_t want)
{
	uint64_t end = rdtsc() + watchdog_ticks;
	uint8_t st;

	do
		st = inb(ATA_CTL);
	while ((st & mask) != want && rdtsc() < end);
	return st;
}

static void model_of(const uint16_t *id, char out[ID_MODEL_CHARS + 1])
{
	int n = ID_MODEL_CHARS;

	for (unsigned i = 0; i < ID_MODEL_CHARS / 2; i++) {
		out[2 * i] = (char)(id[ID_MODEL + i] >> 8);
		out[2 * i + 1] = (char)id[ID_MODEL + i];
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

static void identify_device(unsigned round)
{
	unsigned before = ata_irqs;
	bool irq;

	outb(ATA_CMD, CMD_IDENTIFY);
	irq = wait_irq(before);
	CHECK(irq, nm("round %u: IDENTIFY DEVICE: IRQ 14 woke the halted vCPU", round));
	CHECK_HEX(irq_status & (ST_ERR | ST_BSY | ST_DRQ), ST_ERR,
		  nm("round %u: IDENTIFY DEVICE aborted by the ATAPI drive", round));
	CHECK(inb(ATA_ERROR) & ERR_ABRT, nm("round %u: error register says ABRT", round));
	CHECK_HEX((unsigned)inb(ATA_CYL_HI) << 8 | inb(ATA_CYL_LO),
		  ATAPI_SIG_HI << 8 | ATAPI_SIG_LO,
		  nm("round %u: ATAPI signature 0xeb14", round));
}

static void identify_packet(unsigned round)
{
	char model[ID_MODEL_CHARS + 1];
	unsigned before = ata_irqs;
	bool irq;

	outb(ATA_CMD, CMD_IDENTIFY_PACKET);
	irq = wait_irq(before);
	CHECK(irq, nm("round %u: IDENTIFY PACKET DEVICE: IRQ 14 woke the halted vCPU", round));
	CHECK_HEX(irq_status & (ST_ERR | ST_BSY | ST_DRQ), ST_DRQ,
		  nm("round %u: data ready (DRQ) when the interrupt came", round));
	insw(ATA_DATA, id_data, ID_WORDS);
	CHECK_HEX(inb(ATA_CTL) & (ST_BSY | ST_DRQ), 0,
		  nm("round %u: all 256 words read by REP INSW", round));
	model_of(id_data, model);
	if (round == 1) {
		printf("ata_test: word 0 %#x, model \"%s\"\n", id_data[0], model);
		memcpy(first_id, id_data, sizeof(first_id));
		CHECK_EQ(id_data[0] >> 14, ID_TYPE_ATAPI, "word 0: an ATAPI device");
		CHECK_EQ((id_data[0] >> 8) & 0x1f, ID_TYPE_CDROM, "word 0: a CD-ROM drive");
		CHECK(!strcmp(model, EXPECTED_MODEL),
		      "model string \"" EXPECTED_MODEL "\", as Bochs reports its drive");
	} else {
		CHECK(!memcmp(id_data, first_id, sizeof(first_id)),
		      nm("round %u: the same 512 bytes as round 1", round));
	}
}

/* nIEN = 1: the command completes by polling and no interrupt comes
 * (the watchdog ends the wait). */
static void no_irq_with_nien(void)
{
	unsigned before = ata_irqs;
	uint8_t st;

	outb(ATA_CTL, CTL_NIEN);
	outb(ATA_CMD, CMD_IDENTIFY_PACKET);
	st = wait_status(ST_BSY | ST_DRQ, ST_DRQ);
	CHECK_HEX(st & (ST_BSY | ST_DRQ | ST_ERR), ST_DRQ, "nIEN = 1: data ready by polling");
	CHECK(!wait_irq(before), "nIEN = 1: no interrupt (only the watchdog ended the HLT)");
	insw(ATA_DATA, id_data, ID_WORDS);
	CHECK(!memcmp(id_data, first_id, sizeof(first_id)), "nIEN = 1: the same 512 bytes");
	inb(ATA_CMD);
	outb(ATA_CTL, 0);
}

static void setup_interrupts(void)
{
	int64_t hz = hv_time();

	irq_set_handler(VEC_ATA, on_ata);
	irq_set_handler(VEC_WATCHDOG, on_watchdog);
	irq_set_handler(VEC_SPURIOUS, on_spurious);
	/* The 8259s stay masked: IRQ 14 comes through the IOAPIC alone. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	/* A quarter second of TSC, at most 2^32 - 1 LAPIC ticks. */
	watchdog_ticks = hz > 0 && hz / 4 < 0xffffffffll ? (uint32_t)(hz / 4) : 50000000u;
	apic_write(REG_SVR, SVR_ENABLE | VEC_SPURIOUS);
	apic_write(REG_TDCR, TDCR_DIV1);
	apic_write(REG_LVT_TIMER, VEC_WATCHDOG); /* one-shot */
	/* Pin 14: fixed, physical APIC ID 0, edge, active high. */
	ioapic_write(IOAPIC_REDIR(ATA_PIN) + 1, 0);
	ioapic_write(IOAPIC_REDIR(ATA_PIN), VEC_ATA);
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

int guest_main(const struct hv_start_info *si)
{
	unsigned boot;
	uint8_t st;

	(void)si;
	rt_init();
	boot = boot_count();
	printf("ata_test: starting, boot %u\n", boot);
	setup_interrupts();
	/* A status read also ends an interrupt request left from before. */
	st = inb(ATA_CMD);
	CHECK(st != 0xff, nm("ports 0x1f0-0x1f7 reach the ATA controller (status %#x)", st));
	outb(ATA_DEVSEL, DEV_MASTER);
	st = wait_status(ST_BSY, 0);
	CHECK(!(st & ST_BSY), "master selected and not busy");
	outb(ATA_CTL, 0); /* nIEN = 0: interrupts on */
	for (unsigned round = 1; round <= ROUNDS; round++) {
		identify_device(round);
		identify_packet(round);
	}
	no_irq_with_nien();
	ioapic_write(IOAPIC_REDIR(ATA_PIN), 1u << 16 | VEC_ATA); /* masked */
	printf("ata_test: %u interrupt(s) from IRQ 14, %u watchdog expiries\n",
	       ata_irqs, watchdog_irqs);
	CHECK_EQ(ata_irqs, 2 * ROUNDS, "one interrupt per command with nIEN = 0");
	printf("RESULT: %u passed, %u failed\n", test_passes(), test_failures());
	if (boot <= arg_u64_or("resets", 0) && !test_failures()) {
		printf("ata_test: resetting through 0xcf9\n");
		outb(RESET_CTRL, RESET_HARD);
		outb(RESET_CTRL, RESET_HARD | RESET_CPU);
		printf("FAIL: still running after the reset\n");
		guest_exit(1);
	}
	outb(DEBUG_EXIT_PORT, (uint8_t)test_failures());
	printf("FAIL: still running after the debug-exit port\n");
	guest_exit(1);
}
