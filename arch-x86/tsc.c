/* TSC frequency. */
#include "arch-x86/tsc.h"
#include "arch-x86/cpu.h"

#define PIT_HZ 1193182
#define PIT_CH2_DATA 0x42
#define PIT_CMD 0x43
#define PIT_CMD_CH2_LOHI_MODE0 0xb0
#define PORT_B 0x61
#define PORT_B_GATE2 0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2 0x20
#define CAL_MS 10

static uint64_t hz;
static const char *source = "unknown";

static uint64_t from_cpuid(void)
{
	struct cpuid_regs r;

	if (boot_cpu.max_leaf >= 0x15) {
		r = cpuid(0x15);
		/* SDM: TSC = crystal (ECX) * EBX / EAX, when all are known. */
		if (r.eax && r.ebx && r.ecx) {
			source = "CPUID.15h";
			return (uint64_t)r.ecx * r.ebx / r.eax;
		}
	}
	if (boot_cpu.max_leaf >= 0x16) {
		r = cpuid(0x16);
		if (r.eax & 0xffff) {
			source = "CPUID.16h";
			return (uint64_t)(r.eax & 0xffff) * 1000000;
		}
	}
	return 0;
}

static uint64_t from_pit(void)
{
	uint16_t count = PIT_HZ * CAL_MS / 1000;
	uint8_t b = inb(PORT_B);
	uint64_t t0, t1;
	unsigned long spins = 0;

	/* Gate low while programming, speaker off. */
	outb(PORT_B, (uint8_t)(b & ~(PORT_B_GATE2 | PORT_B_SPEAKER)));
	outb(PIT_CMD, PIT_CMD_CH2_LOHI_MODE0);
	outb(PIT_CH2_DATA, count & 0xff);
	outb(PIT_CH2_DATA, count >> 8);
	/* Mode 0: OUT2 rises when the count, started by the gate, ends. */
	outb(PORT_B, (uint8_t)((b & ~PORT_B_SPEAKER) | PORT_B_GATE2));
	t0 = rdtsc();
	while (!(inb(PORT_B) & PORT_B_OUT2))
		if (++spins > 100000000UL)
			return 0;
	t1 = rdtsc();
	outb(PORT_B, b);
	source = "PIT calibration";
	return (t1 - t0) * (1000 / CAL_MS);
}

void tsc_init(void)
{
	hz = from_cpuid();
	if (!hz)
		hz = from_pit();
	if (!hz) {
		/* Keep time arithmetic sane; say we guessed. */
		hz = 1000000000ULL;
		source = "guess (no CPUID leaf, PIT did not answer)";
	}
}

uint64_t tsc_hz(void)
{
	return hz;
}

const char *tsc_source(void)
{
	return source;
}

uint64_t tsc_to_us(uint64_t ticks)
{
	return hz ? ticks / (hz / 1000000 ? hz / 1000000 : 1) : 0;
}
