// FUZZ-SOURCES: guest/dev/vpm.c
/* The PC's system control devices (guest/dev/vpm.c: ACPI PM1 event and
 * control blocks, the 0xcf9 reset register, the i8042 stub, port 0x92,
 * isa-debug-exit) driven by a sequence of port reads and writes of any
 * size at ports around theirs, and PM1 events.  Checked after each step:
 * a port and size is claimed exactly as the header lists; unclaimed reads
 * leave the value alone; PM1 status and enable read back only their
 * defined bits, PM1 control always has SCI_EN and never the write-only
 * bits; the SCI follows enabled status bits; power-off comes only from
 * SLP_EN with the S5 type, a refused sleep sets WAK_STS; debug-exit
 * reports the value written; the 8042 status says whether a byte waits. */
#include "guest/dev/vpm.h"
#include "tests/fuzz/fuzz.h"

#define PM_BASE 0x600
#define DBG_PORT 0xf4

static struct vpm pm;
static unsigned poweroffs, resets, exits;
static uint32_t exit_status;

static void h_poweroff(void *ctx) { (void)ctx; poweroffs++; }

static void h_reset(void *ctx, const char *why)
{
	(void)ctx;
	FUZZ_CHECK(why && *why);
	resets++;
}

static void h_exit(void *ctx, uint32_t status)
{
	(void)ctx;
	exits++;
	exit_status = status;
}

static const struct vpm_hooks hooks = { h_poweroff, h_reset, h_exit };

static const uint16_t ports[16] = {
	PM_BASE, PM_BASE + 1, PM_BASE + 2, PM_BASE + 4, PM_BASE + 5,
	PM_BASE + 6, PM_BASE - 1, VPM_PORT_RESET, VPM_PORT_KBC_DATA,
	VPM_PORT_KBC_CMD, VPM_PORT_SYSCTL_A, DBG_PORT, DBG_PORT + 3,
	DBG_PORT + 4, 0xcf8, 0x61,
};

static bool claims(uint16_t port, unsigned size, bool dbg)
{
	if (size != 1 && size != 2 && size != 4)
		return false;
	if (port >= PM_BASE && port < PM_BASE + VPM_PM_PORTS)
		return true;
	if (dbg && port >= DBG_PORT && port < DBG_PORT + VPM_DEBUG_EXIT_PORTS)
		return true;
	return size == 1 && (port == VPM_PORT_RESET || port == VPM_PORT_KBC_DATA ||
			     port == VPM_PORT_KBC_CMD || port == VPM_PORT_SYSCTL_A);
}

/* The bits of PM1 control a write of 'size' bytes at 'port' carries
 * (its lanes that fall on PM1a_CNT's two bytes). */
static uint16_t cnt_written(uint16_t port, unsigned size, uint32_t val)
{
	uint16_t w = 0;

	for (unsigned i = 0; i < size && i < 4; i++) {
		unsigned at = port + i;

		if (at == PM_BASE + VPM_PM1_CNT_OFF)
			w |= (uint8_t)(val >> (8 * i));
		else if (at == PM_BASE + VPM_PM1_CNT_OFF + 1)
			w |= (uint16_t)((uint8_t)(val >> (8 * i)) << 8);
	}
	return w;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	bool dbg = fz_u8(&f) & 1;

	poweroffs = resets = exits = 0;
	vpm_init(&pm, &hooks, NULL, PM_BASE, dbg, DBG_PORT);
	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f);
		uint16_t port = ports[op & 15];
		unsigned sz = 1u << ((op >> 4) & 3); /* 1, 2, 4, 8 */
		unsigned off0 = poweroffs, exits0 = exits, refused0 = pm.sleep_refused;
		uint32_t val;
		bool mine;

		if (op & 0x80) {
			val = fz_u32(&f);
			if ((op & 0x40) && port == PM_BASE) {
				vpm_pm1_event(&pm, (uint16_t)val);
				continue;
			}
			mine = vpm_io_write(&pm, port, sz, val);
			FUZZ_CHECKF(mine == claims(port, sz, dbg), "write %#x/%u", port, sz);
			if (mine && (cnt_written(port, sz, val) & PM1_CNT_SLP_EN)) {
				unsigned typ = (cnt_written(port, sz, val) & PM1_CNT_SLP_TYP) >>
					       PM1_CNT_SLP_TYP_SHIFT;

				FUZZ_CHECK(poweroffs == off0 + (typ == VPM_S5_SLP_TYP));
				if (typ != VPM_S5_SLP_TYP)
					FUZZ_CHECK(pm.sleep_refused == refused0 + 1 &&
						   (pm.pm1_sts & PM1_WAK_STS));
			} else {
				FUZZ_CHECK(poweroffs == off0);
			}
			if (mine && dbg && port >= DBG_PORT && port < DBG_PORT + 4) {
				FUZZ_CHECK(exits == exits0 + 1);
			} else {
				FUZZ_CHECK(exits == exits0);
			}
		} else {
			val = 0x5a5a5a5a;
			mine = vpm_io_read(&pm, port, sz, &val);
			FUZZ_CHECKF(mine == claims(port, sz, dbg), "read %#x/%u", port, sz);
			if (!mine)
				FUZZ_CHECK(val == 0x5a5a5a5a);
			else if (sz < 4)
				FUZZ_CHECKF(val >> (8 * sz) == 0, "read %#x/%u = %#x",
					    port, sz, val);
			if (mine && port == PM_BASE + VPM_PM1_CNT_OFF) {
				FUZZ_CHECK(val & PM1_CNT_SCI_EN);
				FUZZ_CHECK(!(val & (PM1_CNT_SLP_EN | PM1_CNT_GBL_RLS)));
			}
			if (mine && port == VPM_PORT_KBC_CMD)
				FUZZ_CHECK(!!(val & KBC_STS_OBF) == pm.kbc.obf);
		}
		FUZZ_CHECK((pm.pm1_sts & ~PM1_STS_BITS) == 0);
		FUZZ_CHECK((pm.pm1_en & ~PM1_EN_BITS) == 0);
		FUZZ_CHECK(vpm_sci_level(&pm) ==
			   !!(pm.pm1_sts & pm.pm1_en & PM1_SCI_BITS));
	}
	return 0;
}
