// UNIT-SOURCES: guest/dev/vpm.c guest/dev/vpci.c guest/dev/vpmtimer.c
/* PC system control: PM1 event and control registers (SCI_EN, S5 and the
 * refused sleep states), reset control at 0xcf9, the i8042, port 0x92,
 * the debug-exit port, hostile sizes and offsets, and how the ports
 * divide between vpm, vpci and the PM timer. */
#include "guest/dev/vpm.h"
#include "guest/load/acpi_build.h"
#include "guest/dev/vpci.h"
#include "guest/dev/vpmtimer.h"
#include "tests/unit/fakes.h"

#define PM GUEST_PM_BASE_DEFAULT
#define SLP(typ) ((uint32_t)(typ) << PM1_CNT_SLP_TYP_SHIFT | PM1_CNT_SLP_EN)

static struct vpm pm;
static unsigned poweroffs, resets, exits;
static const char *last_why;
static uint32_t last_status;

static void h_poweroff(void *ctx)
{
	assert_ptr_equal(ctx, &pm);
	poweroffs++;
}

static void h_reset(void *ctx, const char *why)
{
	assert_ptr_equal(ctx, &pm);
	assert_non_null(why);
	resets++;
	last_why = why;
}

static void h_debug_exit(void *ctx, uint32_t status)
{
	assert_ptr_equal(ctx, &pm);
	exits++;
	last_status = status;
}

static const struct vpm_hooks hooks = {
	.poweroff = h_poweroff,
	.reset = h_reset,
	.debug_exit = h_debug_exit,
};

static int setup(void **state)
{
	(void)state;
	poweroffs = resets = exits = 0;
	last_why = NULL;
	last_status = 0;
	vpm_init(&pm, &hooks, &pm, 0, true, 0);
	return 0;
}

static uint32_t in(uint16_t port, unsigned size)
{
	uint32_t v = 0x5a5a5a5a;

	assert_true(vpm_io_read(&pm, port, size, &v));
	return v;
}

static void out(uint16_t port, unsigned size, uint32_t v)
{
	assert_true(vpm_io_write(&pm, port, size, v));
}

/* ---- PM1 -------------------------------------------------------------- */

static void test_pm1_cnt_sci_en(void **state)
{
	(void)state;
	assert_int_equal(in(PM + 4, 2), PM1_CNT_SCI_EN);
	assert_int_equal(in(PM + 4, 1), 0x01);
	assert_int_equal(in(PM + 5, 1), 0x00);
	out(PM + 4, 2, 0); /* SCI_EN cannot be cleared: ACPI mode only */
	assert_int_equal(in(PM + 4, 2), PM1_CNT_SCI_EN);
	/* SLP_TYP and BM_RLD keep what is written; GBL_RLS reads 0. */
	out(PM + 4, 2, 3u << 10 | PM1_CNT_BM_RLD | PM1_CNT_GBL_RLS);
	assert_int_equal(in(PM + 4, 2), 0x0c03);
	out(PM + 4, 1, 0x00); /* low byte: BM_RLD off, SLP_TYP untouched */
	assert_int_equal(in(PM + 4, 2), 0x0c01);
	out(PM + 4, 2, 0xffff & ~PM1_CNT_SLP_EN);
	assert_int_equal(in(PM + 4, 2), 0x1c03);
	assert_int_equal(poweroffs + resets + pm.sleep_refused, 0);
}

static void test_s5_poweroff(void **state)
{
	(void)state;
	/* ACPICA: SLP_TYP first, then SLP_TYP | SLP_EN, SCI_EN preserved. */
	out(PM + 4, 2, GUEST_S5_SLP_TYP << 10 | PM1_CNT_SCI_EN);
	assert_int_equal(poweroffs, 0);
	out(PM + 4, 2, SLP(GUEST_S5_SLP_TYP) | PM1_CNT_SCI_EN);
	assert_int_equal(poweroffs, 1);
	assert_int_equal(in(PM + 4, 2), 0x1401); /* SLP_EN reads 0 */
	/* The high byte alone, and a dword covering the register. */
	out(PM + 5, 1, SLP(GUEST_S5_SLP_TYP) >> 8);
	assert_int_equal(poweroffs, 2);
	out(PM + 4, 4, 0xffff0000 | SLP(GUEST_S5_SLP_TYP));
	assert_int_equal(poweroffs, 3);
	/* A dword at the event block reaches PM1_CNT only in its lanes. */
	out(PM + 2, 4, SLP(GUEST_S5_SLP_TYP) << 16);
	assert_int_equal(poweroffs, 4);
	/* The hypervisor's own S5 path (drivers/emu_exit.c): no SCI_EN. */
	out(PM + 4, 2, SLP(GUEST_S5_SLP_TYP));
	assert_int_equal(poweroffs, 5);
	assert_int_equal(pm.last_slp_typ, GUEST_S5_SLP_TYP);
	assert_int_equal(pm.sleep_refused + resets, 0);
	assert_int_equal(in(PM, 2) & PM1_WAK_STS, 0);
}

static void test_other_sleep_states(void **state)
{
	(void)state;
	unsigned n = 0;

	for (unsigned typ = 0; typ < 8; typ++) {
		if (typ == GUEST_S5_SLP_TYP)
			continue;
		out(PM + 4, 2, SLP(typ) | PM1_CNT_SCI_EN);
		n++;
		assert_int_equal(pm.sleep_refused, n);
		assert_int_equal(pm.last_slp_typ, typ);
		/* "Woke up" at once, so a guest waiting for WAK_STS goes on. */
		assert_int_equal(in(PM, 2), PM1_WAK_STS);
		out(PM, 2, PM1_WAK_STS);
		assert_int_equal(in(PM, 2), 0);
	}
	/* SLP_TYP shares the high byte with SLP_EN: a byte write sets both. */
	out(PM + 4, 2, GUEST_S5_SLP_TYP << 10);
	out(PM + 5, 1, PM1_CNT_SLP_EN >> 8);
	assert_int_equal(pm.sleep_refused, n + 1);
	assert_int_equal(pm.last_slp_typ, 0);
	out(PM + 5, 1, SLP(3) >> 8);
	assert_int_equal(pm.sleep_refused, n + 2);
	assert_int_equal(pm.last_slp_typ, 3);
	assert_int_equal(poweroffs + resets, 0);
	assert_false(vpm_sci_level(&pm)); /* WAK_STS raises no SCI */
}

static void test_pm1_status_enable(void **state)
{
	(void)state;
	assert_int_equal(in(PM, 4), 0);
	vpm_pm1_event(&pm, PM1_PWRBTN | PM1_TMR | BIT(1) | BIT(3));
	assert_int_equal(in(PM, 2), PM1_PWRBTN | PM1_TMR); /* reserved: no */
	assert_false(vpm_sci_level(&pm)); /* nothing enabled */
	out(PM + 2, 2, 0xffff);
	assert_int_equal(in(PM + 2, 2), PM1_EN_BITS);
	assert_true(vpm_sci_level(&pm));
	assert_int_equal(in(PM, 4), (uint32_t)PM1_EN_BITS << 16 | 0x0101);
	/* Write 1 to clear, per bit and per lane; 0s change nothing. */
	out(PM, 2, 0);
	assert_int_equal(in(PM, 2), 0x0101);
	out(PM, 1, 0xff);
	assert_int_equal(in(PM, 2), PM1_PWRBTN);
	assert_true(vpm_sci_level(&pm));
	out(PM + 1, 1, PM1_PWRBTN >> 8);
	assert_int_equal(in(PM, 2), 0);
	assert_false(vpm_sci_level(&pm));
	/* Enable by byte; a dword writes status (W1C) and enable at once. */
	out(PM + 3, 1, 0);
	assert_int_equal(in(PM + 2, 2), PM1_EN_BITS & 0xff);
	vpm_pm1_event(&pm, PM1_RTC | PM1_GBL);
	out(PM, 4, (uint32_t)PM1_RTC << 16 | PM1_GBL);
	assert_int_equal(in(PM, 4), (uint32_t)PM1_RTC << 16 | PM1_RTC);
	assert_true(vpm_sci_level(&pm));
	/* Wake-only events never raise the SCI. */
	out(PM, 4, 0xffff | (uint32_t)0xffff << 16);
	vpm_pm1_event(&pm, PM1_PCIEXP_WAKE | PM1_WAK_STS);
	assert_false(vpm_sci_level(&pm));
}

/* Accesses straddling the registers, and where the block ends. */
static void test_pm_block_edges(void **state)
{
	(void)state;
	uint32_t v = 0x5a5a5a5a;

	out(PM + 2, 2, PM1_PWRBTN);
	assert_int_equal(in(PM + 1, 2), 0x0000);
	assert_int_equal(in(PM + 3, 1), 0x01);
	assert_int_equal(in(PM + 3, 2), 0x0101);
	assert_int_equal(in(PM + 3, 4), 0xff000101);
	assert_int_equal(in(PM + 5, 1), 0x00);
	assert_int_equal(in(PM + 5, 4), 0xffffff00); /* +6.. are not PM1 */
	assert_int_equal(in(PM + 4, 4), 0xffff0001);
	out(PM + 5, 4, 0xffffff00); /* lanes past the block are dropped */
	assert_int_equal(in(PM + 4, 2), 0x0001);
	for (uint16_t port = PM + 6; port < PM + GUEST_PM_BLOCK_LEN; port++) {
		assert_false(vpm_io_read(&pm, port, 1, &v));
		assert_false(vpm_io_write(&pm, port, 4, SLP(GUEST_S5_SLP_TYP)));
	}
	assert_false(vpm_io_read(&pm, PM - 1, 1, &v));
	assert_false(vpm_io_write(&pm, PM - 1, 2, 0xffff));
	assert_int_equal(v, 0x5a5a5a5a);
	assert_int_equal(poweroffs, 0);
	assert_int_equal(in(PM + 2, 2), PM1_PWRBTN);
	/* Another base moves the whole block. */
	vpm_init(&pm, &hooks, &pm, 0xb000, false, 0);
	assert_false(vpm_io_read(&pm, PM + 4, 2, &v));
	assert_int_equal(in(0xb004, 2), PM1_CNT_SCI_EN);
	out(0xb004, 2, SLP(GUEST_S5_SLP_TYP));
	assert_int_equal(poweroffs, 1);
}

/* ---- reset control and port 0x92 ------------------------------------- */

static void test_reset_control(void **state)
{
	(void)state;
	uint32_t cf9;

	assert_int_equal(in(VPM_PORT_RESET, 1), 0);
	out(VPM_PORT_RESET, 1, RCR_SYS_RST); /* type only: no reset */
	assert_int_equal(resets, 0);
	assert_int_equal(in(VPM_PORT_RESET, 1), RCR_SYS_RST);
	out(VPM_PORT_RESET, 1, GUEST_RESET_VALUE); /* the FADT's RESET_REG */
	assert_int_equal(resets, 1);
	assert_string_equal(last_why, "0xcf9 hard reset");
	assert_int_equal(in(VPM_PORT_RESET, 1), RCR_SYS_RST); /* bit 2 reads 0 */
	out(VPM_PORT_RESET, 1, RCR_RST_CPU);
	assert_int_equal(resets, 2);
	assert_string_equal(last_why, "0xcf9 soft reset");
	out(VPM_PORT_RESET, 1, RCR_RST_CPU | RCR_SYS_RST | RCR_FULL_RST);
	assert_int_equal(resets, 3);
	assert_string_equal(last_why, "0xcf9 full reset");
	assert_int_equal(in(VPM_PORT_RESET, 1), 0x0a);
	/* Without RST_CPU nothing happens, whatever else is set. */
	out(VPM_PORT_RESET, 1, 0xfb);
	out(VPM_PORT_RESET, 1, 0x00);
	out(VPM_PORT_RESET, 1, 0x1fb); /* bit 8 is not in a byte */
	assert_int_equal(resets, 3);
	assert_int_equal(in(VPM_PORT_RESET, 1), 0x0a);
	/* Linux's reboot=pci: read, request hard, then reset. */
	cf9 = in(VPM_PORT_RESET, 1) & ~0x06u;
	out(VPM_PORT_RESET, 1, cf9 | 0x02);
	assert_int_equal(resets, 3);
	out(VPM_PORT_RESET, 1, cf9 | 0x06);
	assert_int_equal(resets, 4);
	assert_int_equal(poweroffs + exits, 0);
}

static void test_port92(void **state)
{
	(void)state;
	assert_int_equal(in(VPM_PORT_SYSCTL_A, 1), SYSCTL_A_A20);
	/* Linux's fast A20 enable: set A20, keep the reset bit clear. */
	out(VPM_PORT_SYSCTL_A, 1, (in(VPM_PORT_SYSCTL_A, 1) | 2) & ~1u);
	assert_int_equal(resets, 0);
	out(VPM_PORT_SYSCTL_A, 1, 0x00);
	assert_int_equal(in(VPM_PORT_SYSCTL_A, 1), 0x00);
	out(VPM_PORT_SYSCTL_A, 1, 0xfc); /* reserved bits are not kept */
	assert_int_equal(in(VPM_PORT_SYSCTL_A, 1), 0x00);
	out(VPM_PORT_SYSCTL_A, 1, SYSCTL_A_RESET | SYSCTL_A_A20);
	assert_int_equal(resets, 1);
	assert_string_equal(last_why, "port 0x92 fast reset");
	out(VPM_PORT_SYSCTL_A, 1, SYSCTL_A_RESET); /* already 1: no edge */
	assert_int_equal(resets, 1);
	assert_int_equal(in(VPM_PORT_SYSCTL_A, 1), SYSCTL_A_RESET);
	out(VPM_PORT_SYSCTL_A, 1, 0);
	out(VPM_PORT_SYSCTL_A, 1, SYSCTL_A_RESET);
	assert_int_equal(resets, 2);
}

/* ---- i8042 ------------------------------------------------------------ */

static void kbc_cmd(uint8_t c)
{
	out(VPM_PORT_KBC_CMD, 1, c);
}

static uint8_t kbc_status(void)
{
	return (uint8_t)in(VPM_PORT_KBC_CMD, 1);
}

static uint8_t kbc_read(void)
{
	assert_true(kbc_status() & KBC_STS_OBF);
	return (uint8_t)in(VPM_PORT_KBC_DATA, 1);
}

static void test_kbc_status_and_self_test(void **state)
{
	(void)state;
	assert_int_equal(kbc_status(), KBC_STS_SYS | KBC_STS_UNLOCKED);
	kbc_cmd(0xaa);
	assert_int_equal(kbc_status(), KBC_STS_OBF | KBC_STS_SYS | KBC_STS_CMD |
					       KBC_STS_UNLOCKED);
	assert_int_equal(kbc_read(), 0x55);
	assert_int_equal(kbc_status() & (KBC_STS_OBF | KBC_STS_IBF), 0);
	/* An empty buffer repeats its last byte. */
	assert_int_equal(in(VPM_PORT_KBC_DATA, 1), 0x55);
	kbc_cmd(0xab);
	assert_int_equal(kbc_read(), 0x00);
	kbc_cmd(0xa9);
	assert_int_equal(kbc_read(), 0x00);
	/* Unknown commands and stray data bytes produce nothing. */
	kbc_cmd(0xc0);
	out(VPM_PORT_KBC_DATA, 1, 0xff); /* keyboard reset: no keyboard */
	assert_int_equal(kbc_status(), KBC_STS_SYS | KBC_STS_UNLOCKED);
	kbc_cmd(0xd4); /* to the mouse: none */
	out(VPM_PORT_KBC_DATA, 1, 0xf4);
	assert_false(kbc_status() & KBC_STS_OBF);
	kbc_cmd(0xd2); /* echo as if from the keyboard */
	out(VPM_PORT_KBC_DATA, 1, 0x1c);
	assert_int_equal(kbc_read(), 0x1c);
	assert_int_equal(resets, 0);
}

static void test_kbc_command_byte(void **state)
{
	(void)state;
	kbc_cmd(0x20);
	assert_int_equal(kbc_read(), KBC_CB_KBD_INT | KBC_CB_SYS | KBC_CB_XLATE);
	kbc_cmd(0x60);
	out(VPM_PORT_KBC_DATA, 1, 0x00);
	assert_int_equal(kbc_status(), KBC_STS_UNLOCKED); /* SYS follows */
	kbc_cmd(0x20);
	assert_int_equal(kbc_read(), 0x00);
	kbc_cmd(0xad);
	kbc_cmd(0xa7);
	kbc_cmd(0x20);
	assert_int_equal(kbc_read(), KBC_CB_KBD_OFF | KBC_CB_AUX_OFF);
	kbc_cmd(0xae);
	kbc_cmd(0xa8);
	kbc_cmd(0x20);
	assert_int_equal(kbc_read(), 0x00);
	kbc_cmd(0xaa); /* self-test sets the system flag */
	assert_int_equal(kbc_read(), 0x55);
	assert_true(kbc_status() & KBC_STS_SYS);
	/* A command in place of the expected data byte replaces it. */
	kbc_cmd(0x60);
	kbc_cmd(0x20);
	out(VPM_PORT_KBC_DATA, 1, 0x77);
	assert_int_equal(kbc_read(), KBC_CB_SYS);
}

static void test_kbc_output_port_and_reset(void **state)
{
	(void)state;
	kbc_cmd(0xd0);
	assert_int_equal(kbc_read(), KBC_OUT_RESET | KBC_OUT_A20);
	kbc_cmd(0xd1); /* the classic A20 enable */
	out(VPM_PORT_KBC_DATA, 1, 0xdf);
	kbc_cmd(0xff); /* the null pulse */
	kbc_cmd(0xd0);
	assert_int_equal(kbc_read(), 0xdf);
	kbc_cmd(0xd1);
	out(VPM_PORT_KBC_DATA, 1, 0xdd); /* A20 off */
	kbc_cmd(0xd0);
	assert_int_equal(kbc_read(), 0xdd);
	assert_int_equal(resets, 0);
	kbc_cmd(0xfe); /* what reboot=kbd does */
	assert_int_equal(resets, 1);
	assert_string_equal(last_why, "i8042 reset pulse");
	kbc_cmd(0xf0);
	assert_int_equal(resets, 2);
	kbc_cmd(0xf1); /* lines 1-3 only */
	kbc_cmd(0xfd);
	assert_int_equal(resets, 2);
	kbc_cmd(0xd1); /* the reset line driven low */
	out(VPM_PORT_KBC_DATA, 1, 0xfe);
	assert_int_equal(resets, 3);
	assert_string_equal(last_why, "i8042 output port reset");
	/* 0xfe as a data byte (keyboard resend) is not a reset. */
	out(VPM_PORT_KBC_DATA, 1, 0xfe);
	assert_int_equal(resets, 3);
}

/* ---- debug exit ------------------------------------------------------- */

static void test_debug_exit(void **state)
{
	(void)state;
	uint32_t v = 0x5a5a5a5a;

	out(0xf4, 1, 0);
	assert_int_equal(exits, 1);
	assert_int_equal(last_status, 1);
	out(0xf4, 1, 0x10); /* the harness's "pass" */
	assert_int_equal(last_status, 33);
	out(0xf4, 1, 0xff);
	assert_int_equal(last_status, 0x1ff);
	out(0xf4, 1, 0x1ff); /* only the byte is written */
	assert_int_equal(last_status, 0x1ff);
	out(0xf4, 2, 0xffff);
	assert_int_equal(last_status, 0x1ffff);
	out(0xf4, 4, 0xffffffff);
	assert_int_equal(last_status, 0xffffffff);
	out(0xf4, 4, 0x80000000);
	assert_int_equal(last_status, 1);
	out(0xf7, 1, 2); /* any port of the four */
	assert_int_equal(last_status, 5);
	assert_int_equal(exits, 8);
	assert_int_equal(in(0xf4, 1), 0xff);
	assert_int_equal(in(0xf6, 2), 0xffff);
	assert_int_equal(in(0xf5, 4), 0xffffffff);
	assert_false(vpm_io_read(&pm, 0xf3, 1, &v));
	assert_false(vpm_io_write(&pm, 0xf8, 1, 0));
	assert_int_equal(exits, 8);
	/* Another port. */
	vpm_init(&pm, &hooks, &pm, 0, true, 0x501);
	assert_false(vpm_io_write(&pm, 0xf4, 1, 0));
	out(0x501, 2, 0x21);
	assert_int_equal(last_status, 0x43);
	assert_int_equal(exits, 9);
	assert_int_equal(poweroffs + resets, 0);
}

static void test_debug_exit_disabled(void **state)
{
	(void)state;
	uint32_t v = 0x5a5a5a5a;

	vpm_init(&pm, &hooks, &pm, 0, false, 0xf4);
	for (uint16_t port = 0xf4; port < 0xf8; port++) {
		assert_false(vpm_io_read(&pm, port, 1, &v));
		assert_false(vpm_io_write(&pm, port, 1, 0));
		assert_false(vpm_io_write(&pm, port, 4, 0xffffffff));
	}
	assert_int_equal(v, 0x5a5a5a5a);
	assert_int_equal(exits, 0);
}

/* ---- hostile accesses and port ownership ------------------------------ */

static void test_sizes_and_foreign_ports(void **state)
{
	(void)state;
	static const uint16_t ports[] = { PM, PM + 4, PM + 5, 0xcf9, 0x60, 0x64,
					  0x92, 0xf4 };
	static const unsigned bad_sizes[] = { 0, 3, 5, 8, 0xffffffffu };
	static const uint16_t byte_only[] = { 0xcf9, 0x60, 0x64, 0x92 };
	static const uint16_t foreign[] = { 0x61, 0x65, 0x5f, 0x93, 0xcf8,
					    0xcfa, 0xcfc, 0x70, 0x0 };
	uint32_t v = 0x5a5a5a5a;

	for (unsigned i = 0; i < ARRAY_SIZE(ports); i++)
		for (unsigned j = 0; j < ARRAY_SIZE(bad_sizes); j++) {
			assert_false(vpm_io_read(&pm, ports[i], bad_sizes[j], &v));
			assert_false(vpm_io_write(&pm, ports[i], bad_sizes[j],
						  0xffffffff));
		}
	for (unsigned i = 0; i < ARRAY_SIZE(byte_only); i++) {
		/* A word at 0x60 would also be port 0x61 (the PIT's). */
		assert_false(vpm_io_read(&pm, byte_only[i], 2, &v));
		assert_false(vpm_io_write(&pm, byte_only[i], 4, 0xffffffff));
	}
	for (unsigned i = 0; i < ARRAY_SIZE(foreign); i++) {
		assert_false(vpm_io_read(&pm, foreign[i], 1, &v));
		assert_false(vpm_io_write(&pm, foreign[i], 1, 0xfe));
	}
	assert_int_equal(v, 0x5a5a5a5a);
	assert_int_equal(poweroffs + resets + exits, 0);
}

static void test_no_hooks(void **state)
{
	(void)state;
	static const struct vpm_hooks none = { 0 };

	vpm_init(&pm, NULL, NULL, 0, true, 0);
	out(PM + 4, 2, SLP(GUEST_S5_SLP_TYP));
	out(VPM_PORT_RESET, 1, 0x06);
	out(VPM_PORT_KBC_CMD, 1, 0xfe);
	out(0xf4, 1, 1);
	vpm_init(&pm, &none, NULL, 0, true, 0);
	out(VPM_PORT_SYSCTL_A, 1, 1);
	out(0xf4, 4, 1);
	out(PM + 4, 2, SLP(1));
	assert_int_equal(pm.sleep_refused, 1);
	assert_int_equal(poweroffs + resets + exits, 0);
}

static uint64_t fake_now(void *ctx)
{
	(void)ctx;
	return 1000000;
}

/* Each access to 0xcf8-0xcff belongs to exactly one of vpci and vpm; in
 * the PM block, to at most one of vpm and the PM timer. */
static void test_port_ownership(void **state)
{
	(void)state;
	static const unsigned sizes[] = { 1, 2, 4 };
	struct vpci pci;
	struct vpmtimer tmr;
	uint32_t v;

	vpci_init(&pci);
	vpmtimer_init(&tmr, fake_now, NULL, 1000000000, PM + GUEST_PM_TMR_OFF,
		      true);
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (uint16_t port = 0xcf8; port < 0xd00; port++) {
			bool a = vpci_io_read(&pci, port, sizes[i], &v);
			bool b = vpm_io_read(&pm, port, sizes[i], &v);

			assert_true(a != b);
		}
		for (uint16_t port = PM; port < PM + GUEST_PM_BLOCK_LEN; port++) {
			bool a = vpm_io_read(&pm, port, sizes[i], &v);
			bool b = vpmtimer_io_read(&tmr, port, sizes[i], &v);

			assert_false(a && b);
		}
	}
	assert_true(vpm_io_read(&pm, VPM_PORT_RESET, 1, &v));
	assert_false(vpci_io_read(&pci, VPM_PORT_RESET, 1, &v));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_pm1_cnt_sci_en),
		T(test_s5_poweroff),
		T(test_other_sleep_states),
		T(test_pm1_status_enable),
		T(test_pm_block_edges),
		T(test_reset_control),
		T(test_port92),
		T(test_kbc_status_and_self_test),
		T(test_kbc_command_byte),
		T(test_kbc_output_port_and_reset),
		T(test_debug_exit),
		T(test_debug_exit_disabled),
		T(test_sizes_and_foreign_ports),
		T(test_no_hooks),
		T(test_port_ownership),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
