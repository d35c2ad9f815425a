/* reset_test: a guest that resets its virtual PC and counts its boots in
 * battery-backed CMOS RAM (which survives the reset, unlike guest RAM).
 *   boot 1: reset through the PCI reset control register (0xCF9)
 *   boot 2: reset through the keyboard controller (command 0xFE)
 *   boot 3: power off through ACPI PM1a_CNT (SLP_TYP S5 | SLP_EN)
 * With on_reset = restart the VM comes back each time and finally powers
 * off (exit code 0); with on_reset = stop it ends at the first reset. */
#include "lib/guest_rt.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_BOOTS 0x40 /* a free byte of CMOS RAM */
#define RESET_CTRL 0xcf9
#define RESET_CPU 0x04
#define RESET_HARD 0x02
#define KBC_CMD 0x64
#define KBC_PULSE_RESET 0xfe
#define PM1A_CNT 0x604
#define SLP_TYP_S5 (5u << 10)
#define SLP_EN (1u << 13)

static uint8_t cmos_read(uint8_t idx)
{
	outb(CMOS_INDEX, idx);
	return inb(CMOS_DATA);
}

static void cmos_write(uint8_t idx, uint8_t val)
{
	outb(CMOS_INDEX, idx);
	outb(CMOS_DATA, val);
}

static void outw(uint16_t port, uint16_t v)
{
	__asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port));
}

int guest_main(const struct hv_start_info *si)
{
	uint8_t boots = cmos_read(CMOS_BOOTS);

	(void)si;
	cmos_write(CMOS_BOOTS, (uint8_t)(boots + 1));
	printf("reset_test: boot %u\n", boots + 1);
	switch (boots) {
	case 0:
		printf("reset_test: resetting through 0xcf9\n");
		outb(RESET_CTRL, RESET_HARD);
		outb(RESET_CTRL, RESET_HARD | RESET_CPU);
		break;
	case 1:
		printf("reset_test: resetting through the keyboard controller\n");
		outb(KBC_CMD, KBC_PULSE_RESET);
		break;
	default:
		printf("reset_test: powering off (ACPI S5)\n");
		outw(PM1A_CNT, SLP_TYP_S5 | SLP_EN);
		break;
	}
	printf("FAIL: reset_test: still running after boot %u's request\n",
	       boots + 1);
	return 1;
}
