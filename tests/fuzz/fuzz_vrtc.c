// FUZZ-SOURCES: guest/dev/vrtc.c
/* The virtual RTC and CMOS RAM (guest/dev/vrtc.c) driven by a sequence of
 * index and data port writes and reads and time passing.  Checked after
 * each step: the index port keeps the NMI mask bit apart from the index;
 * CMOS RAM bytes (0x0e-0x7f but the century) read back as written;
 * register D says the battery is good; and while the clock runs (SET
 * clear) the time registers read as a valid date and time in the format
 * register B chooses, whatever was written before, as the clock is kept
 * as seconds. */
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

static void check_clock(void)
{
	uint8_t b = rd(RTC_REG_B);
	bool bcd = !(b & RTC_B_BINARY);
	uint8_t hour;

	if (b & RTC_B_SET)
		return;
	field(rd(RTC_SEC), bcd, 0, 59, "seconds");
	field(rd(RTC_MIN), bcd, 0, 59, "minutes");
	hour = rd(RTC_HOUR);
	if (b & RTC_B_24H)
		field(hour, bcd, 0, 23, "hour");
	else
		field(hour & 0x7f, bcd, 1, 12, "hour (12h)");
	field(rd(RTC_WDAY), bcd, 1, 7, "weekday");
	field(rd(RTC_MDAY), bcd, 1, 31, "day");
	field(rd(RTC_MONTH), bcd, 1, 12, "month");
	field(rd(RTC_YEAR), bcd, 0, 99, "year");
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
