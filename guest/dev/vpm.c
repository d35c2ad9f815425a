/* PC system control: ACPI PM1 registers, reset control, i8042, port 0x92
 * and the debug-exit port. */
#include "guest/dev/vpm.h"

#define PM1_STS_OFF VPM_PM1_EVT_OFF
#define PM1_EN_OFF 2
#define PM1_CNT_OFF VPM_PM1_CNT_OFF
#define PM1_REG_BYTES 2
/* PM1_CNT bits that hold what is written; SCI_EN is fixed at 1 and
 * GBL_RLS and SLP_EN read as zero. */
#define PM1_CNT_RW (PM1_CNT_BM_RLD | PM1_CNT_SLP_TYP)

#define RCR_STORED (RCR_SYS_RST | RCR_FULL_RST)
#define SYSCTL_A_STORED (SYSCTL_A_RESET | SYSCTL_A_A20)

/* i8042 controller commands. */
#define KBC_READ_CB 0x20
#define KBC_WRITE_CB 0x60
#define KBC_AUX_DISABLE 0xa7
#define KBC_AUX_ENABLE 0xa8
#define KBC_AUX_TEST 0xa9
#define KBC_SELF_TEST 0xaa
#define KBC_KBD_TEST 0xab
#define KBC_KBD_DISABLE 0xad
#define KBC_KBD_ENABLE 0xae
#define KBC_READ_OUTPORT 0xd0
#define KBC_WRITE_OUTPORT 0xd1
#define KBC_WRITE_KBD_OBUF 0xd2
#define KBC_WRITE_AUX_OBUF 0xd3
#define KBC_WRITE_AUX 0xd4
#define KBC_PULSE_FIRST 0xf0 /* 0xf0-0xff: pulse output port bits 3:0 */
#define KBC_SELF_TEST_OK 0x55
#define KBC_TEST_OK 0x00

static uint32_t lanes(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

static bool valid_size(unsigned size)
{
	return size == 1 || size == 2 || size == 4;
}

static void do_reset(struct vpm *pm, const char *why)
{
	if (pm->hooks && pm->hooks->reset)
		pm->hooks->reset(pm->ctx, why);
}

/* ---- PM1 block --------------------------------------------------------
 * An access at byte 'off' of the block meets a 16-bit register at 'reg'
 * in some byte lanes; these give the register's view of that overlap. */

struct overlap {
	unsigned shift_acc, shift_reg; /* bit offset in the access, register */
	uint32_t bytes;                /* lanes(n) for n overlapping bytes */
};

static bool overlap(unsigned off, unsigned size, unsigned reg,
		    struct overlap *o)
{
	unsigned lo = MAX(off, reg), hi = MIN(off + size, reg + PM1_REG_BYTES);

	if (lo >= hi)
		return false;
	o->shift_acc = (lo - off) * 8;
	o->shift_reg = (lo - reg) * 8;
	o->bytes = lanes(hi - lo);
	return true;
}

static uint16_t pm1_cnt_read(const struct vpm *pm)
{
	return (uint16_t)(pm->pm1_cnt | PM1_CNT_SCI_EN);
}

static uint32_t pm1_read(const struct vpm *pm, unsigned off, unsigned size)
{
	static const unsigned regs[] = { PM1_STS_OFF, PM1_EN_OFF, PM1_CNT_OFF };
	uint32_t v = lanes(size), val[3];
	struct overlap o;

	val[0] = pm->pm1_sts;
	val[1] = pm->pm1_en;
	val[2] = pm1_cnt_read(pm);
	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++) {
		if (!overlap(off, size, regs[i], &o))
			continue;
		v &= ~(o.bytes << o.shift_acc);
		v |= (val[i] >> o.shift_reg & o.bytes) << o.shift_acc;
	}
	return v;
}

/* SLP_EN was written: S5 powers off, anything else is refused. */
static void sleep_request(struct vpm *pm)
{
	unsigned typ = (pm->pm1_cnt & PM1_CNT_SLP_TYP) >> PM1_CNT_SLP_TYP_SHIFT;

	pm->last_slp_typ = (uint8_t)typ;
	if (typ == VPM_S5_SLP_TYP) {
		if (pm->hooks && pm->hooks->poweroff)
			pm->hooks->poweroff(pm->ctx);
		return;
	}
	pm->sleep_refused++;
	pm->pm1_sts |= PM1_WAK_STS;
}

static void pm1_cnt_write(struct vpm *pm, uint16_t val, uint16_t mask)
{
	pm->pm1_cnt = (uint16_t)((pm->pm1_cnt & ~(mask & PM1_CNT_RW)) |
				 (val & mask & PM1_CNT_RW));
	if (val & mask & PM1_CNT_SLP_EN)
		sleep_request(pm);
}

static void pm1_write(struct vpm *pm, unsigned off, unsigned size,
		      uint32_t val)
{
	struct overlap o;
	uint16_t v, m;

	if (overlap(off, size, PM1_STS_OFF, &o)) {
		v = (uint16_t)((val >> o.shift_acc & o.bytes) << o.shift_reg);
		pm->pm1_sts &= (uint16_t)~(v & PM1_STS_BITS); /* write 1 to clear */
	}
	if (overlap(off, size, PM1_EN_OFF, &o)) {
		v = (uint16_t)((val >> o.shift_acc & o.bytes) << o.shift_reg);
		m = (uint16_t)((o.bytes << o.shift_reg) & PM1_EN_BITS);
		pm->pm1_en = (uint16_t)((pm->pm1_en & ~m) | (v & m));
	}
	if (overlap(off, size, PM1_CNT_OFF, &o)) {
		v = (uint16_t)((val >> o.shift_acc & o.bytes) << o.shift_reg);
		m = (uint16_t)(o.bytes << o.shift_reg);
		pm1_cnt_write(pm, v, m);
	}
}

void vpm_pm1_event(struct vpm *pm, uint16_t sts)
{
	pm->pm1_sts |= sts & PM1_STS_BITS;
}

bool vpm_sci_level(const struct vpm *pm)
{
	return (pm->pm1_sts & pm->pm1_en & PM1_SCI_BITS) != 0 &&
	       (pm1_cnt_read(pm) & PM1_CNT_SCI_EN);
}

/* ---- reset control (0xcf9) and port 0x92 ------------------------------ */

static void rcr_write(struct vpm *pm, uint8_t val)
{
	pm->rcr = val & RCR_STORED;
	if (!(val & RCR_RST_CPU))
		return;
	if (val & RCR_FULL_RST)
		do_reset(pm, "0xcf9 full reset");
	else if (val & RCR_SYS_RST)
		do_reset(pm, "0xcf9 hard reset");
	else
		do_reset(pm, "0xcf9 soft reset");
}

static void sysctl_a_write(struct vpm *pm, uint8_t val)
{
	bool rising = (val & SYSCTL_A_RESET) && !(pm->sysctl_a & SYSCTL_A_RESET);

	pm->sysctl_a = val & SYSCTL_A_STORED;
	if (rising)
		do_reset(pm, "port 0x92 fast reset");
}

/* ---- i8042 ------------------------------------------------------------ */

static void kbc_output(struct vpm_kbc *k, uint8_t v)
{
	k->obuf = v;
	k->obf = true;
}

static uint8_t kbc_status(const struct vpm_kbc *k)
{
	/* The input buffer is always empty: bytes are taken as written. */
	return (uint8_t)((k->obf ? KBC_STS_OBF : 0) |
			 (k->cmd_byte & KBC_CB_SYS ? KBC_STS_SYS : 0) |
			 (k->last_cmd ? KBC_STS_CMD : 0) | KBC_STS_UNLOCKED);
}

static void kbc_outport_write(struct vpm *pm, uint8_t val)
{
	pm->kbc.outport = val;
	if (!(val & KBC_OUT_RESET))
		do_reset(pm, "i8042 output port reset");
}

static void kbc_command(struct vpm *pm, uint8_t cmd)
{
	struct vpm_kbc *k = &pm->kbc;

	k->last_cmd = true;
	k->pending = 0;
	switch (cmd) {
	case KBC_READ_CB:
		kbc_output(k, k->cmd_byte);
		break;
	case KBC_WRITE_CB:
	case KBC_WRITE_OUTPORT:
	case KBC_WRITE_KBD_OBUF:
	case KBC_WRITE_AUX_OBUF:
	case KBC_WRITE_AUX:
		k->pending = cmd;
		break;
	case KBC_AUX_DISABLE:
		k->cmd_byte |= KBC_CB_AUX_OFF;
		break;
	case KBC_AUX_ENABLE:
		k->cmd_byte &= (uint8_t)~KBC_CB_AUX_OFF;
		break;
	case KBC_SELF_TEST:
		k->cmd_byte |= KBC_CB_SYS;
		kbc_output(k, KBC_SELF_TEST_OK);
		break;
	case KBC_AUX_TEST:
	case KBC_KBD_TEST:
		kbc_output(k, KBC_TEST_OK); /* the lines test fine */
		break;
	case KBC_KBD_DISABLE:
		k->cmd_byte |= KBC_CB_KBD_OFF;
		break;
	case KBC_KBD_ENABLE:
		k->cmd_byte &= (uint8_t)~KBC_CB_KBD_OFF;
		break;
	case KBC_READ_OUTPORT:
		kbc_output(k, k->outport);
		break;
	default:
		/* 0xf0-0xff pulse the output port lines whose bit is 0;
		 * line 0 is the CPU reset (0xfe is the classic reboot). */
		if (cmd >= KBC_PULSE_FIRST && !(cmd & KBC_OUT_RESET))
			do_reset(pm, "i8042 reset pulse");
		break;
	}
}

static void kbc_data(struct vpm *pm, uint8_t val)
{
	struct vpm_kbc *k = &pm->kbc;
	uint8_t cmd = k->pending;

	k->last_cmd = false;
	k->pending = 0;
	switch (cmd) {
	case KBC_WRITE_CB:
		k->cmd_byte = val;
		break;
	case KBC_WRITE_OUTPORT:
		kbc_outport_write(pm, val);
		break;
	case KBC_WRITE_KBD_OBUF:
	case KBC_WRITE_AUX_OBUF:
		kbc_output(k, val);
		break;
	default:
		/* For the keyboard or (0xd4) the mouse: neither exists. */
		break;
	}
}

static uint8_t kbc_data_read(struct vpm_kbc *k)
{
	k->obf = false;
	return k->obuf; /* an empty buffer repeats its last byte */
}

/* ---- ports ------------------------------------------------------------- */

static bool in_range(uint16_t port, uint16_t base, unsigned n)
{
	return port >= base && (unsigned)(port - base) < n;
}

static bool debug_exit_port(const struct vpm *pm, uint16_t port)
{
	return pm->debug_exit &&
	       in_range(port, pm->debug_exit_port, VPM_DEBUG_EXIT_PORTS);
}

void vpm_init(struct vpm *pm, const struct vpm_hooks *h, void *ctx,
	      uint16_t pm_base, bool debug_exit, uint16_t debug_exit_port)
{
	*pm = (struct vpm){
		.hooks = h,
		.ctx = ctx,
		.pm_base = pm_base ? pm_base : VPM_PM_BASE_DEFAULT,
		.debug_exit = debug_exit,
		.debug_exit_port = debug_exit_port ? debug_exit_port :
			VPM_DEBUG_EXIT_PORT_DEFAULT,
		.sysctl_a = SYSCTL_A_A20,
		.kbc = {
			.cmd_byte = KBC_CB_KBD_INT | KBC_CB_SYS | KBC_CB_XLATE,
			.outport = KBC_OUT_RESET | KBC_OUT_A20,
		},
	};
}

bool vpm_io_read(struct vpm *pm, uint16_t port, unsigned size, uint32_t *val)
{
	if (!valid_size(size))
		return false;
	if (in_range(port, pm->pm_base, VPM_PM_PORTS)) {
		*val = pm1_read(pm, port - pm->pm_base, size);
		return true;
	}
	if (debug_exit_port(pm, port)) {
		*val = lanes(size);
		return true;
	}
	if (size != 1)
		return false;
	switch (port) {
	case VPM_PORT_RESET:
		*val = pm->rcr;
		return true;
	case VPM_PORT_KBC_DATA:
		*val = kbc_data_read(&pm->kbc);
		return true;
	case VPM_PORT_KBC_CMD:
		*val = kbc_status(&pm->kbc);
		return true;
	case VPM_PORT_SYSCTL_A:
		*val = pm->sysctl_a;
		return true;
	default:
		return false;
	}
}

bool vpm_io_write(struct vpm *pm, uint16_t port, unsigned size, uint32_t val)
{
	if (!valid_size(size))
		return false;
	val &= lanes(size);
	if (in_range(port, pm->pm_base, VPM_PM_PORTS)) {
		pm1_write(pm, port - pm->pm_base, size, val);
		return true;
	}
	if (debug_exit_port(pm, port)) {
		/* As QEMU computes it, in 32 bits: a dword's bit 31 is lost. */
		if (pm->hooks && pm->hooks->debug_exit)
			pm->hooks->debug_exit(pm->ctx, val << 1 | 1);
		return true;
	}
	if (size != 1)
		return false;
	switch (port) {
	case VPM_PORT_RESET:
		rcr_write(pm, (uint8_t)val);
		return true;
	case VPM_PORT_KBC_DATA:
		kbc_data(pm, (uint8_t)val);
		return true;
	case VPM_PORT_KBC_CMD:
		kbc_command(pm, (uint8_t)val);
		return true;
	case VPM_PORT_SYSCTL_A:
		sysctl_a_write(pm, (uint8_t)val);
		return true;
	default:
		return false;
	}
}
