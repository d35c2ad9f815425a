/* Virtual RTC: calendar arithmetic and the register encodings. */
#include "guest/dev/vrtc.h"
#include "guest/dev/vpmtimer.h"

#define SECS_PER_DAY 86400
#define UIP_US 244  /* UIP is set this long before each update */
#define REG_A_WRITABLE 0x7f
#define REG_A_RESET 0x26 /* 32.768 kHz time base, 1024 Hz rate */
#define FIRST_YEAR 1970
#define LAST_YEAR 2199
#define MAX_TIME (84006LL * SECS_PER_DAY - 1) /* 2199-12-31 23:59:59 */

struct rtc_tm {
	unsigned sec, min, hour, wday, mday, mon, year;
};

static bool leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(unsigned y, unsigned m)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30,
					  31, 31, 30, 31, 30, 31 };

	return days[m - 1] + (m == 2 && leap(y));
}

static void to_tm(int64_t t, struct rtc_tm *tm)
{
	uint64_t days, secs;

	t = MIN(MAX(t, 0), MAX_TIME);
	days = (uint64_t)t / SECS_PER_DAY;
	secs = (uint64_t)t % SECS_PER_DAY;
	tm->sec = secs % 60;
	tm->min = secs / 60 % 60;
	tm->hour = (unsigned)(secs / 3600);
	tm->wday = (unsigned)((days + 4) % 7) + 1; /* 1970-01-01: Thursday */
	for (tm->year = FIRST_YEAR; days >= 365u + leap(tm->year); tm->year++)
		days -= 365 + leap(tm->year);
	for (tm->mon = 1; days >= month_days(tm->year, tm->mon); tm->mon++)
		days -= month_days(tm->year, tm->mon);
	tm->mday = (unsigned)days + 1;
}

/* Out-of-range fields from the guest are clamped, not trusted. */
static int64_t from_tm(const struct rtc_tm *tm)
{
	unsigned year = MIN(MAX(tm->year, FIRST_YEAR), LAST_YEAR);
	unsigned mon = MIN(MAX(tm->mon, 1u), 12u);
	int64_t days = 0;

	for (unsigned y = FIRST_YEAR; y < year; y++)
		days += 365 + leap(y);
	for (unsigned m = 1; m < mon; m++)
		days += month_days(year, m);
	days += MIN(MAX(tm->mday, 1u), month_days(year, mon)) - 1;
	return days * SECS_PER_DAY + MIN(tm->hour, 23u) * 3600 +
	       MIN(tm->min, 59u) * 60 + MIN(tm->sec, 59u);
}

static uint8_t enc(const struct vrtc *r, unsigned v)
{
	if (r->cmos[RTC_REG_B] & RTC_B_BINARY)
		return (uint8_t)v;
	return (uint8_t)((v / 10 % 10) << 4 | v % 10);
}

static unsigned dec(const struct vrtc *r, uint8_t v)
{
	if (r->cmos[RTC_REG_B] & RTC_B_BINARY)
		return v;
	return (v >> 4) * 10 + (v & 0xf);
}

static uint8_t enc_hour(const struct vrtc *r, unsigned h)
{
	unsigned h12 = h % 12 ? h % 12 : 12;

	if (r->cmos[RTC_REG_B] & RTC_B_24H)
		return enc(r, h);
	return (uint8_t)(enc(r, h12) | (h >= 12 ? 0x80 : 0));
}

static unsigned dec_hour(const struct vrtc *r, uint8_t v)
{
	if (r->cmos[RTC_REG_B] & RTC_B_24H)
		return dec(r, v);
	return dec(r, v & 0x7f) % 12 + (v & 0x80 ? 12 : 0);
}

int64_t vrtc_time(const struct vrtc *r)
{
	uint64_t ticks = r->now(r->ctx) - r->origin;

	return r->base + (int64_t)(ticks / r->tsc_hz);
}

static void set_time(struct vrtc *r, int64_t t)
{
	r->origin = r->now(r->ctx);
	r->base = t;
}

/* Encode the running clock into the time bytes of 'cmos'. */
static void store_tm(struct vrtc *r, const struct rtc_tm *tm)
{
	r->cmos[RTC_SEC] = enc(r, tm->sec);
	r->cmos[RTC_MIN] = enc(r, tm->min);
	r->cmos[RTC_HOUR] = enc_hour(r, tm->hour);
	r->cmos[RTC_WDAY] = enc(r, tm->wday);
	r->cmos[RTC_MDAY] = enc(r, tm->mday);
	r->cmos[RTC_MONTH] = enc(r, tm->mon);
	r->cmos[RTC_YEAR] = enc(r, tm->year % 100);
	r->cmos[RTC_CENTURY] = enc(r, tm->year / 100);
}

static void load_tm(const struct vrtc *r, struct rtc_tm *tm)
{
	tm->sec = dec(r, r->cmos[RTC_SEC]);
	tm->min = dec(r, r->cmos[RTC_MIN]);
	tm->hour = dec_hour(r, r->cmos[RTC_HOUR]);
	tm->mday = dec(r, r->cmos[RTC_MDAY]);
	tm->mon = dec(r, r->cmos[RTC_MONTH]);
	tm->year = dec(r, r->cmos[RTC_CENTURY]) * 100 + dec(r, r->cmos[RTC_YEAR]);
}

static bool is_time_reg(uint8_t i)
{
	return i == RTC_SEC || i == RTC_MIN || i == RTC_HOUR || i == RTC_WDAY ||
	       i == RTC_MDAY || i == RTC_MONTH || i == RTC_YEAR ||
	       i == RTC_CENTURY;
}

static bool frozen(const struct vrtc *r)
{
	return r->cmos[RTC_REG_B] & RTC_B_SET;
}

/* Bring the time bytes up to date (unless the guest holds them). */
static void refresh(struct vrtc *r)
{
	struct rtc_tm tm;

	if (frozen(r))
		return;
	to_tm(vrtc_time(r), &tm);
	store_tm(r, &tm);
}

void vrtc_init(struct vrtc *r, uint64_t (*now)(void *ctx), void *ctx,
	       uint64_t tsc_hz, int64_t epoch)
{
	*r = (struct vrtc){ .now = now, .ctx = ctx, .tsc_hz = tsc_hz ? tsc_hz : 1 };
	r->cmos[RTC_REG_A] = REG_A_RESET;
	r->cmos[RTC_REG_B] = RTC_B_24H;
	r->cmos[RTC_REG_D] = RTC_D_VRT;
	set_time(r, epoch);
	r->last_uf = vrtc_time(r);
}

void vrtc_cmos_set(struct vrtc *r, uint8_t index, uint8_t val)
{
	if (index > RTC_REG_D && index < RTC_CMOS_SIZE && index != RTC_CENTURY)
		r->cmos[index] = val;
}

static uint8_t reg_read(struct vrtc *r, uint8_t i)
{
	uint64_t frac, uip_ticks;
	int64_t t;
	uint8_t c = 0;

	switch (i) {
	case RTC_REG_A:
		frac = (r->now(r->ctx) - r->origin) % r->tsc_hz;
		uip_ticks = vclock_scale(r->tsc_hz, UIP_US, 1000000, false);
		if (!frozen(r) && frac >= r->tsc_hz - uip_ticks)
			return r->cmos[i] | RTC_A_UIP;
		return r->cmos[i];
	case RTC_REG_C:
		/* Reading C acknowledges: report updates since the last. */
		t = vrtc_time(r);
		if (t != r->last_uf && !frozen(r))
			c = RTC_C_UF;
		if ((c & RTC_C_UF) && (r->cmos[RTC_REG_B] & RTC_B_UIE))
			c |= RTC_C_IRQF;
		r->last_uf = t;
		return c;
	default:
		if (is_time_reg(i))
			refresh(r);
		return r->cmos[i];
	}
}

static void reg_write(struct vrtc *r, uint8_t i, uint8_t val)
{
	struct rtc_tm tm;
	uint8_t old_b = r->cmos[RTC_REG_B];

	switch (i) {
	case RTC_REG_A:
		r->cmos[i] = val & REG_A_WRITABLE;
		return;
	case RTC_REG_B:
		/* The time bytes follow a format change while they run. */
		refresh(r);
		if (val & RTC_B_SET)
			val &= ~RTC_B_UIE;
		r->cmos[i] = val;
		if (!(old_b & RTC_B_SET) && !(val & RTC_B_SET))
			refresh(r);
		else if ((old_b & RTC_B_SET) && !(val & RTC_B_SET)) {
			load_tm(r, &tm);
			set_time(r, from_tm(&tm));
		}
		return;
	case RTC_REG_C:
	case RTC_REG_D:
		return; /* read-only */
	}
	if (!is_time_reg(i)) {
		r->cmos[i] = val;
		return;
	}
	/* Outside SET the new field applies at once. */
	refresh(r);
	r->cmos[i] = val;
	if (!frozen(r)) {
		load_tm(r, &tm);
		set_time(r, from_tm(&tm));
	}
}

uint8_t vrtc_io_read(struct vrtc *r, uint16_t port)
{
	if (port == VRTC_PORT_DATA)
		return reg_read(r, r->index);
	return 0xff; /* the index port is write-only */
}

void vrtc_io_write(struct vrtc *r, uint16_t port, uint8_t val)
{
	if (port == VRTC_PORT_INDEX) {
		r->index = val & 0x7f;
		r->nmi_masked = val & 0x80;
	} else if (port == VRTC_PORT_DATA) {
		reg_write(r, r->index, val);
	}
}
