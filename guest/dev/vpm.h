/* System control devices of a PIIX-like PC, the ones a guest uses to
 * power off, reset or end itself:
 *
 *  - the ACPI PM1a event block (PM1 status, write 1 to clear; PM1 enable)
 *    and PM1a control at pm_base (ACPI 6.5, 4.8.3.1-2).  The FADT has no
 *    SMI command port, so the platform is always in ACPI mode: SCI_EN
 *    reads 1.  SLP_EN with SLP_TYP = VPM_S5_SLP_TYP powers off; other
 *    sleep types are refused: counted, and WAK_STS set at once, as if the
 *    machine had slept and woken, so that a guest waiting for it goes on.
 *    The PM timer (pm_base + 8) is guest/dev/vpmtimer.c's;
 *  - the reset control register at 0xcf9 (PIIX3/ICH "RC"): a write with
 *    RST_CPU resets, SYS_RST and FULL_RST choosing the kind;
 *  - a minimal i8042 keyboard controller at 0x60/0x64 with no keyboard or
 *    mouse behind it: command byte, self-test, output port (reset line
 *    and A20) and the 0xfe reset pulse.  The FADT says "no 8042", so only
 *    guests that ignore it (reset fallbacks, A20 code) come here;
 *  - system control port A at 0x92: fast reset and fast A20;
 *  - a QEMU-compatible isa-debug-exit port, 4 ports wide, when enabled.
 *
 * A20 is remembered and read back but never masks addresses.  Nothing
 * here raises interrupts: vpm_sci_level() says how the SCI line stands.
 *
 * Not thread-safe: the caller serialises all calls. */
#ifndef GUEST_VPM_H
#define GUEST_VPM_H

#include "lib/types.h"

#define VPM_PM_BASE_DEFAULT 0x600
#define VPM_PM_PORTS 6 /* PM1a_EVT (4) and PM1a_CNT (2); the timer follows */
#define VPM_PM1_EVT_OFF 0
#define VPM_PM1_CNT_OFF 4
#define VPM_PM_TMR_OFF 8 /* guest/dev/vpmtimer.c's, 4 bytes */
#define VPM_PM_BLOCK_LEN 12
#define VPM_S5_SLP_TYP 5 /* \_S5_ in the guest's DSDT */
#define VPM_SCI_IRQ 9    /* ISA line of the SCI (FADT SCI_INT) */
#define VPM_PORT_RESET 0xcf9
#define VPM_PORT_KBC_DATA 0x60
#define VPM_PORT_KBC_CMD 0x64 /* status on reads */
#define VPM_PORT_SYSCTL_A 0x92
#define VPM_DEBUG_EXIT_PORT_DEFAULT 0xf4
#define VPM_DEBUG_EXIT_PORTS 4

/* PM1 status and enable (ACPI 6.5, tables 4.16 and 4.17). */
#define PM1_TMR BIT(0)
#define PM1_BM_STS BIT(4)
#define PM1_GBL BIT(5)
#define PM1_PWRBTN BIT(8)
#define PM1_SLPBTN BIT(9)
#define PM1_RTC BIT(10)
#define PM1_PCIEXP_WAKE BIT(14) /* PCIEXP_WAKE_STS; PCIEXP_WAKE_DIS in enable */
#define PM1_WAK_STS BIT(15)
#define PM1_STS_BITS (PM1_TMR | PM1_BM_STS | PM1_GBL | PM1_PWRBTN | \
		      PM1_SLPBTN | PM1_RTC | PM1_PCIEXP_WAKE | PM1_WAK_STS)
#define PM1_EN_BITS (PM1_TMR | PM1_GBL | PM1_PWRBTN | PM1_SLPBTN | PM1_RTC | \
		     PM1_PCIEXP_WAKE)
/* The events that raise an SCI when enabled (PCIEXP_WAKE and WAK_STS only
 * wake). */
#define PM1_SCI_BITS (PM1_TMR | PM1_GBL | PM1_PWRBTN | PM1_SLPBTN | PM1_RTC)

/* PM1 control (table 4.18). */
#define PM1_CNT_SCI_EN BIT(0)
#define PM1_CNT_BM_RLD BIT(1)
#define PM1_CNT_GBL_RLS BIT(2) /* write-only */
#define PM1_CNT_SLP_TYP_SHIFT 10
#define PM1_CNT_SLP_TYP (7u << PM1_CNT_SLP_TYP_SHIFT)
#define PM1_CNT_SLP_EN BIT(13) /* write-only */

/* Reset control register. */
#define RCR_SYS_RST BIT(1) /* hard (1) or soft (0) reset */
#define RCR_RST_CPU BIT(2)
#define RCR_FULL_RST BIT(3)

/* i8042 status, command byte and output port. */
#define KBC_STS_OBF BIT(0)
#define KBC_STS_IBF BIT(1)
#define KBC_STS_SYS BIT(2)
#define KBC_STS_CMD BIT(3) /* the last write was to 0x64 */
#define KBC_STS_UNLOCKED BIT(4)
#define KBC_CB_KBD_INT BIT(0)
#define KBC_CB_SYS BIT(2)
#define KBC_CB_KBD_OFF BIT(4)
#define KBC_CB_AUX_OFF BIT(5)
#define KBC_CB_XLATE BIT(6)
#define KBC_OUT_RESET BIT(0) /* active low: 0 holds the CPU in reset */
#define KBC_OUT_A20 BIT(1)

/* System control port A. */
#define SYSCTL_A_RESET BIT(0)
#define SYSCTL_A_A20 BIT(1)

struct vpm_hooks {
	void (*poweroff)(void *ctx);
	void (*reset)(void *ctx, const char *why); /* why: e.g. "0xcf9 hard reset" */
	void (*debug_exit)(void *ctx, uint32_t status);
};

struct vpm_kbc {
	uint8_t cmd_byte;
	uint8_t outport;
	uint8_t obuf;    /* last byte placed in the output buffer */
	bool obf;        /* ... and not read yet */
	uint8_t pending; /* command waiting for its data byte, or 0 */
	bool last_cmd;   /* KBC_STS_CMD */
};

struct vpm {
	const struct vpm_hooks *hooks; /* any hook may be NULL */
	void *ctx;
	uint16_t pm_base;
	bool debug_exit;
	uint16_t debug_exit_port;
	uint16_t pm1_sts, pm1_en, pm1_cnt;
	uint8_t rcr;    /* SYS_RST and FULL_RST as last written */
	uint8_t sysctl_a;
	struct vpm_kbc kbc;
	unsigned sleep_refused; /* SLP_EN writes with a type other than S5 */
	uint8_t last_slp_typ;   /* type of the last SLP_EN write */
};

/* Reset state.  pm_base 0 means VPM_PM_BASE_DEFAULT; debug_exit_port 0
 * means VPM_DEBUG_EXIT_PORT_DEFAULT (only used when debug_exit). */
void vpm_init(struct vpm *pm, const struct vpm_hooks *h, void *ctx,
	      uint16_t pm_base, bool debug_exit, uint16_t debug_exit_port);

/* Port access of 'size' bytes (1, 2 or 4).  Claimed (true):
 *   pm_base .. pm_base+5  any size; lanes past pm_base+5 read 0xff
 *   0xcf9, 0x60, 0x64, 0x92  bytes only
 *   debug_exit_port .. +3  any size, when enabled: a write of V ends the
 *                          VM with status (V << 1) | 1; reads all ones
 * Other ports and sizes: false, *val untouched. */
bool vpm_io_read(struct vpm *pm, uint16_t port, unsigned size, uint32_t *val);
bool vpm_io_write(struct vpm *pm, uint16_t port, unsigned size, uint32_t val);

/* Set PM1 status bits (an event happened), e.g. PM1_PWRBTN. */
void vpm_pm1_event(struct vpm *pm, uint16_t sts);
/* The SCI (VPM_SCI_IRQ, level, active high) is asserted. */
bool vpm_sci_level(const struct vpm *pm);

#endif
