// UNIT-SOURCES: guest/dev/vrtc.c guest/dev/vpmtimer.c
/* Virtual RTC/CMOS and the ACPI PM timer on a fake clock. */
#include "guest/dev/vrtc.h"
#include "guest/dev/vpmtimer.h"
#include "tests/unit/fakes.h"

#define HZ 1000000000ULL
#define T_LEAP 1709251198 /* 2024-02-29 23:59:58 UTC, a Thursday */

static struct vrtc rtc;
static uint64_t now;

static uint64_t h_now(void *ctx)
{
	(void)ctx;
	return now;
}

static int setup(void **state)
{
	(void)state;
	now = 123456789;
	vrtc_init(&rtc, h_now, NULL, HZ, T_LEAP);
	return 0;
}

static uint8_t cmos(uint8_t i)
{
	vrtc_io_write(&rtc, VRTC_PORT_INDEX, i);
	return vrtc_io_read(&rtc, VRTC_PORT_DATA);
}

static void cmos_wr(uint8_t i, uint8_t v)
{
	vrtc_io_write(&rtc, VRTC_PORT_INDEX, i);
	vrtc_io_write(&rtc, VRTC_PORT_DATA, v);
}

static void expect_date(unsigned cen, unsigned yy, unsigned mon, unsigned mday,
			unsigned wday, unsigned h, unsigned m, unsigned s)
{
	assert_int_equal(cmos(RTC_CENTURY), cen);
	assert_int_equal(cmos(RTC_YEAR), yy);
	assert_int_equal(cmos(RTC_MONTH), mon);
	assert_int_equal(cmos(RTC_MDAY), mday);
	assert_int_equal(cmos(RTC_WDAY), wday);
	assert_int_equal(cmos(RTC_HOUR), h);
	assert_int_equal(cmos(RTC_MIN), m);
	assert_int_equal(cmos(RTC_SEC), s);
}

static void test_bcd_clock_runs(void **state)
{
	(void)state;
	expect_date(0x20, 0x24, 0x02, 0x29, 5, 0x23, 0x59, 0x58);
	now += 2 * HZ; /* across midnight into March */
	expect_date(0x20, 0x24, 0x03, 0x01, 6, 0x00, 0x00, 0x00);
	now += 306 * 86400 * HZ; /* 2025-01-01 */
	expect_date(0x20, 0x25, 0x01, 0x01, 4, 0x00, 0x00, 0x00);
	assert_int_equal(cmos(RTC_REG_D), RTC_D_VRT);
	assert_int_equal(cmos(RTC_REG_A) & 0x7f, 0x26);
}

static void test_binary_and_12h(void **state)
{
	(void)state;
	cmos_wr(RTC_REG_B, RTC_B_BINARY); /* binary, 12-hour */
	assert_int_equal(cmos(RTC_HOUR), 0x80 | 11); /* 11 PM */
	assert_int_equal(cmos(RTC_MIN), 59);
	assert_int_equal(cmos(RTC_YEAR), 24);
	now += 2 * HZ;
	assert_int_equal(cmos(RTC_HOUR), 12); /* midnight is 12 AM */
	now += 13 * 3600 * HZ;
	assert_int_equal(cmos(RTC_HOUR), 0x80 | 1);
	cmos_wr(RTC_HOUR, 0x80 | 3); /* 3 PM, binary */
	assert_int_equal(cmos(RTC_HOUR), 0x80 | 3);
	cmos_wr(RTC_MIN, 7);
	assert_int_equal(cmos(RTC_MIN), 7);
	cmos_wr(RTC_HOUR, 0x80 | 1);
	cmos_wr(RTC_REG_B, 0); /* BCD 12-hour */
	assert_int_equal(cmos(RTC_HOUR), 0x81);
	now += 11 * 3600 * HZ;
	assert_int_equal(cmos(RTC_HOUR), 0x12);
}

static void test_uip_and_update_flag(void **state)
{
	(void)state;
	uint64_t sec0 = now; /* the clock ticks at origin + k seconds */

	assert_false(cmos(RTC_REG_A) & RTC_A_UIP);
	now = sec0 + HZ - 245000;
	assert_false(cmos(RTC_REG_A) & RTC_A_UIP);
	now = sec0 + HZ - 244000;
	assert_true(cmos(RTC_REG_A) & RTC_A_UIP);
	now = sec0 + HZ;
	assert_false(cmos(RTC_REG_A) & RTC_A_UIP);
	/* Register C: update-ended once per second, cleared by reading. */
	assert_int_equal(cmos(RTC_REG_C), RTC_C_UF);
	assert_int_equal(cmos(RTC_REG_C), 0);
	cmos_wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE);
	now += HZ;
	assert_int_equal(cmos(RTC_REG_C), RTC_C_UF | RTC_C_IRQF);
	/* C, D and the UIP bit are read-only. */
	cmos_wr(RTC_REG_C, 0xff);
	cmos_wr(RTC_REG_D, 0);
	cmos_wr(RTC_REG_A, 0xa6);
	assert_int_equal(cmos(RTC_REG_D), RTC_D_VRT);
	assert_int_equal(cmos(RTC_REG_A), 0x26);
}

static void test_guest_sets_time(void **state)
{
	(void)state;
	/* The SET bit freezes the bytes; clearing it starts the new time. */
	cmos_wr(RTC_REG_B, RTC_B_SET | RTC_B_24H | RTC_B_UIE);
	assert_false(cmos(RTC_REG_B) & RTC_B_UIE); /* SET clears UIE */
	cmos_wr(RTC_SEC, 0x30);
	cmos_wr(RTC_MIN, 0x15);
	cmos_wr(RTC_HOUR, 0x08);
	cmos_wr(RTC_MDAY, 0x31);
	cmos_wr(RTC_MONTH, 0x12);
	cmos_wr(RTC_YEAR, 0x99);
	cmos_wr(RTC_CENTURY, 0x19);
	now += 10 * HZ;
	assert_int_equal(cmos(RTC_SEC), 0x30); /* frozen */
	assert_false(cmos(RTC_REG_A) & RTC_A_UIP);
	cmos_wr(RTC_REG_B, RTC_B_24H);
	assert_int_equal(vrtc_time(&rtc), 946628130); /* 1999-12-31 08:15:30 */
	now += 30 * HZ;
	expect_date(0x19, 0x99, 0x12, 0x31, 6, 0x08, 0x16, 0x00);
	/* Without SET a field write applies at once. */
	cmos_wr(RTC_HOUR, 0x23);
	cmos_wr(RTC_MIN, 0x59);
	cmos_wr(RTC_SEC, 0x59);
	now += HZ;
	expect_date(0x20, 0x00, 0x01, 0x01, 7, 0x00, 0x00, 0x00);
	/* Nonsense is clamped, not trusted. */
	cmos_wr(RTC_MONTH, 0x13);
	cmos_wr(RTC_MDAY, 0x45);
	assert_int_equal(cmos(RTC_MONTH), 0x12);
	assert_int_equal(cmos(RTC_MDAY), 0x31);
	cmos_wr(RTC_CENTURY, 0x99);
	assert_int_equal(cmos(RTC_CENTURY), 0x21);
	assert_int_equal(cmos(RTC_YEAR), 0x99);
	cmos_wr(RTC_CENTURY, 0x10);
	assert_int_equal(cmos(RTC_YEAR), 0x70);
}

static void test_cmos_ram_and_ports(void **state)
{
	(void)state;
	vrtc_cmos_set(&rtc, 0x34, 0xab);
	vrtc_cmos_set(&rtc, RTC_REG_B, 0xff); /* not RAM: ignored */
	assert_int_equal(cmos(0x34), 0xab);
	assert_int_equal(cmos(RTC_REG_B), RTC_B_24H);
	cmos_wr(0x50, 0x5a);
	assert_int_equal(cmos(0x50), 0x5a);
	cmos_wr(RTC_SEC_ALARM, 0x07);
	assert_int_equal(cmos(RTC_SEC_ALARM), 0x07);
	vrtc_io_write(&rtc, VRTC_PORT_INDEX, 0x80 | 0x50);
	assert_true(rtc.nmi_masked);
	assert_int_equal(vrtc_io_read(&rtc, VRTC_PORT_DATA), 0x5a);
	assert_int_equal(vrtc_io_read(&rtc, VRTC_PORT_INDEX), 0xff);
	vrtc_io_write(&rtc, 0x72, 1);
	assert_int_equal(cmos(0x50), 0x5a);
	/* The far future saturates. */
	vrtc_init(&rtc, h_now, NULL, HZ, INT64_MAX / 2);
	expect_date(0x21, 0x99, 0x12, 0x31, 3, 0x23, 0x59, 0x59);
}

/* ---- PM timer ---- */

static void test_pmtimer(void **state)
{
	(void)state;
	struct vpmtimer t;
	uint32_t v;

	vpmtimer_init(&t, h_now, NULL, VPMTIMER_HZ * 10, 0x608, false);
	assert_false(vpmtimer_io_read(&t, 0x607, 4, &v));
	assert_false(vpmtimer_io_read(&t, 0x60c, 1, &v));
	assert_false(vpmtimer_io_read(&t, 0x60a, 4, &v)); /* runs past */
	assert_true(vpmtimer_io_read(&t, 0x608, 4, &v));
	assert_int_equal(v, 0);
	now += 10 * 0x123456;
	assert_true(vpmtimer_io_read(&t, 0x608, 4, &v));
	assert_int_equal(v, 0x123456);
	assert_true(vpmtimer_io_read(&t, 0x609, 2, &v));
	assert_int_equal(v, 0x1234);
	/* 24 bits wrap; 32 bits do not yet. */
	now = t.origin + 10 * 0x1000005ULL;
	assert_int_equal(vpmtimer_value(&t, now), 5);
	t.wide = true;
	assert_int_equal(vpmtimer_value(&t, now), 0x1000005);
	assert_int_equal(vpmtimer_value(&t, t.origin - 1), 0);
	/* The scaling helper saturates instead of faulting. */
	assert_int_equal(vclock_scale(UINT64_MAX, 4, 2, false), UINT64_MAX);
	assert_int_equal(vclock_scale(10, 1, 3, true), 4);
	assert_int_equal(vclock_scale(10, 1, 3, false), 3);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_bcd_clock_runs),
		T(test_binary_and_12h),
		T(test_uip_and_update_flag),
		T(test_guest_sets_time),
		T(test_cmos_ram_and_ports),
		T(test_pmtimer),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
