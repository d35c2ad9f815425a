// FUZZ-SOURCES: guest/dev/vrtc.c
/* The virtual RTC and CMOS RAM (guest/dev/vrtc.c) driven by a sequence of
 * index and data port writes and reads and time passing.  Checked after
 * each step: the index port keeps the NMI mask bit apart from the index;
 * CMOS RAM bytes (0x0e-0x7f but the century) read back as written;
 * register D says the battery is good; and while the clock runs (SET
 * clear) the time registers read as a valid date and time in the format
 * register B chooses, whatever was written before, and it is the
 * calendar date (worked out here independently) of the seconds the clock
 * keeps. */
#include "guest/dev/vrtc.h"
#include "tests/fuzz/fuzz.h"

#define TSC_HZ 1000000000ULL

static struct vrtc rtc;
static uint64_t now;

static uint64_t h_now(void *ctx)
{
	(void)ctx;
	return now;
}

static uint8_t rd(uint8_t index)
{
	vrtc_io_write(&rtc, VRTC_PORT_INDEX, index);
	return vrtc_io_read(&rtc, VRTC_PORT_DATA);
}

static unsigned field(uint8_t v, bool bcd, unsigned lo, unsigned hi,
		      const char *what)
{
	unsigned n = v;

	if (bcd) {
		FUZZ_CHECKF((v & 0x0f) <= 9 && (v >> 4) <= 9, "%s %#x not BCD", what, v);
		n = (v >> 4) * 10 + (v & 0x0f);
	}
	FUZZ_CHECKF(n >= lo && n <= hi, "%s %u not in %u..%u", what, n, lo, hi);
	return n;
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The calendar date of Unix time t (Gregorian, UTC), worked out by whole
 * 400-year cycles (146097 days) and then year by year. */
struct date {
	int64_t year;
	unsigned mon, mday, wday, hour, min, sec;
};

static struct date civil(int64_t t)
{
	static const unsigned mdays[12] = { 31, 28, 31, 30, 31, 30,
					    31, 31, 30, 31, 30, 31 };
	int64_t days = t / 86400, secs = t % 86400;
	struct date d;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	d.hour = (unsigned)(secs / 3600);
	d.min = (unsigned)(secs / 60 % 60);
	d.sec = (unsigned)(secs % 60);
	d.wday = (unsigned)(((days % 7) + 7 + 4) % 7) + 1; /* 1970-01-01: Thu; 1 = Sun */
	d.year = 1970 + 400 * (days / 146097);
	days %= 146097;
	if (days < 0) {
		days += 146097;
		d.year -= 400;
	}
	while (days >= 365 + leap(d.year))
		days -= 365 + leap(d.year++);
	for (d.mon = 1; days >= mdays[d.mon - 1] + (d.mon == 2 && leap(d.year)); d.mon++)
		days -= mdays[d.mon - 1] + (d.mon == 2 && leap(d.year));
	d.mday = (unsigned)days + 1;
	return d;
}

/* The clock keeps 1970-01-01 to 2199-12-31 (vrtc.c); time outside is
 * shown at the nearest end. */
static int64_t clamp_time(int64_t t)
{
	static int64_t last;

	if (!last) {
		int64_t days = 0;

		for (int64_t y = 1970; y < 2200; y++)
			days += 365 + leap(y);
		last = days * 86400 - 1;
	}
	return t < 0 ? 0 : t > last ? last : t;
}

static void check_clock(void)
{
	uint8_t b = rd(RTC_REG_B);
	bool bcd = !(b & RTC_B_BINARY);
	unsigned sec, min, hour, wday, mday, mon, year, century;
	uint8_t h;
	int64_t t0, t1;
	struct date d;

	if (b & RTC_B_SET)
		return;
	t0 = vrtc_time(&rtc);
	sec = field(rd(RTC_SEC), bcd, 0, 59, "seconds");
	min = field(rd(RTC_MIN), bcd, 0, 59, "minutes");
	h = rd(RTC_HOUR);
	if (b & RTC_B_24H) {
		hour = field(h, bcd, 0, 23, "hour");
	} else {
		hour = field(h & 0x7f, bcd, 1, 12, "hour (12h)") % 12;
		hour += h & 0x80 ? 12 : 0;
	}
	wday = field(rd(RTC_WDAY), bcd, 1, 7, "weekday");
	mday = field(rd(RTC_MDAY), bcd, 1, 31, "day");
	mon = field(rd(RTC_MONTH), bcd, 1, 12, "month");
	year = field(rd(RTC_YEAR), bcd, 0, 99, "year");
	century = field(rd(RTC_CENTURY), bcd, 19, 21, "century");
	t1 = vrtc_time(&rtc);
	FUZZ_CHECK(t0 == t1); /* no time passes here */
	/* The registers are the calendar date of the clock's seconds. */
	d = civil(clamp_time(t0));
	FUZZ_CHECKF(sec == d.sec && min == d.min && hour == d.hour &&
		    wday == d.wday && mday == d.mday && mon == d.mon &&
		    century * 100 + year == d.year,
		    "registers %u%02u-%02u-%02u (%u) %02u:%02u:%02u, time %lld is "
		    "%lld-%02u-%02u (%u) %02u:%02u:%02u", century, year, mon, mday,
		    wday, hour, min, sec, (long long)t0, (long long)d.year, d.mon,
		    d.mday, d.wday, d.hour, d.min, d.sec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);

	now = 5000000000ULL;
	/* 2025-01-01 00:00:00 UTC */
	vrtc_init(&rtc, h_now, NULL, TSC_HZ, 1735689600);
	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f);

		switch (op & 3) {
		case 0: {
			uint8_t v = fz_u8(&f);

			vrtc_io_write(&rtc, VRTC_PORT_INDEX, v);
			FUZZ_CHECK(rtc.index == (v & 0x7f));
			FUZZ_CHECK(rtc.nmi_masked == !!(v & 0x80));
			break;
		}
		case 1: {
			uint8_t idx = rtc.index, v = fz_u8(&f);

			vrtc_io_write(&rtc, VRTC_PORT_DATA, v);
			if (idx >= 0x0e && idx != RTC_CENTURY) {
				FUZZ_CHECK(vrtc_io_read(&rtc, VRTC_PORT_DATA) == v);
			}
			break;
		}
		case 2: {
			uint8_t idx = rtc.index, v = vrtc_io_read(&rtc, VRTC_PORT_DATA);

			if (idx == RTC_REG_D)
				FUZZ_CHECK(v & RTC_D_VRT);
			(void)vrtc_io_read(&rtc, (uint16_t)(0x72 + (op >> 7)));
			break;
		}
		default:
			now += (uint64_t)fz_u32(&f) << (op >> 5);
			break;
		}
		if (op & 0x10)
			check_clock();
	}
	check_clock();
	return 0;
}
