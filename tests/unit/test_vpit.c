// UNIT-SOURCES: guest/dev/vpit.c
/* Virtual 8254 on a fake clock: modes 0-5, access modes, latch and
 * read-back, BCD, channel 2 gate and OUT2 through port 0x61, IRQ 0
 * scheduling and coalescing. */
#include "guest/dev/vpit.h"
#include "tests/unit/fakes.h"

#define K 1000ULL /* TSC ticks per PIT clock */
#define TSC_HZ (VPIT_HZ * K)

static struct vpit pit;
static uint64_t now;
static unsigned irqs;

static uint64_t h_now(void *ctx)
{
	(void)ctx;
	return now;
}

static void h_irq0(void *ctx)
{
	assert_ptr_equal(ctx, &pit);
	irqs++;
}

static const struct vpit_hooks hooks = { .now = h_now, .irq0 = h_irq0 };

static int setup(void **state)
{
	(void)state;
	now = 5000000;
	irqs = 0;
	vpit_init(&pit, &hooks, &pit, TSC_HZ);
	return 0;
}

static void out(uint16_t port, uint8_t v)
{
	vpit_io_write(&pit, port, v);
}

static uint8_t in(uint16_t port)
{
	return vpit_io_read(&pit, port);
}

static void program(unsigned ch, unsigned mode, uint16_t count)
{
	out(0x43, (uint8_t)(ch << 6 | 0x30 | mode << 1));
	out(0x40 + ch, (uint8_t)count);
	out(0x40 + ch, (uint8_t)(count >> 8));
}

/* Counter latch, then the two bytes. */
static uint16_t read_count(unsigned ch)
{
	uint16_t lo;

	out(0x43, (uint8_t)(ch << 6));
	lo = in(0x40 + ch);
	return (uint16_t)(lo | in(0x40 + ch) << 8);
}

static void test_mode0_oneshot(void **state)
{
	(void)state;
	uint64_t t0 = now;

	assert_int_equal(vpit_next_event(&pit), VPIT_NO_EVENT);
	out(0x43, 0x30);
	assert_false(vpit_out(&pit, 0, now)); /* low from the control word */
	out(0x40, 0x10);
	out(0x40, 0x27); /* 10000 */
	assert_int_equal(vpit_next_event(&pit), t0 + 10000 * K);
	now = t0 + 2500 * K;
	assert_int_equal(read_count(0), 7500);
	vpit_timer_expired(&pit, now); /* early: nothing */
	assert_int_equal(irqs, 0);
	now = t0 + 10000 * K - 1;
	assert_false(vpit_out(&pit, 0, now));
	now++;
	assert_true(vpit_out(&pit, 0, now));
	vpit_timer_expired(&pit, now);
	assert_int_equal(irqs, 1);
	assert_int_equal(vpit_next_event(&pit), VPIT_NO_EVENT);
	/* The counter wraps and keeps counting; OUT stays high. */
	now += 5 * K;
	assert_int_equal(read_count(0), 0xfffb);
	assert_true(vpit_out(&pit, 0, now));
	vpit_timer_expired(&pit, now);
	assert_int_equal(irqs, 1);
}

static void test_mode0_first_byte_stops(void **state)
{
	(void)state;
	uint64_t t0 = now;

	program(0, 0, 1000);
	now = t0 + 100 * K;
	out(0x40, 0x00); /* first byte: counting stops */
	now += 300 * K;
	assert_int_equal(vpit_next_event(&pit), VPIT_NO_EVENT);
	out(0x40, 0x02); /* 512, from now */
	assert_int_equal(vpit_next_event(&pit), now + 512 * K);
}

static void test_mode2_rate_generator(void **state)
{
	(void)state;
	uint64_t t0 = now, p = 1193 * K;

	out(0x43, 0x34); /* ch0, lohi, mode 2: Linux's HZ tick */
	out(0x40, 1193 & 0xff);
	out(0x40, 1193 >> 8);
	for (unsigned k = 1; k <= 3; k++) {
		assert_int_equal(vpit_next_event(&pit), t0 + k * p);
		now = t0 + k * p;
		vpit_timer_expired(&pit, now);
		assert_int_equal(irqs, k);
	}
	/* OUT low only in the clock before reload; the count runs N..1. */
	now = t0 + 3 * p + 1192 * K;
	assert_false(vpit_out(&pit, 0, now));
	assert_int_equal(read_count(0), 1);
	now = t0 + 3 * p + 1191 * K;
	assert_true(vpit_out(&pit, 0, now));
	now = t0 + 3 * p;
	assert_int_equal(read_count(0), 1193);
	/* Late by 2.5 periods: one pulse, next edge in phase. */
	now = t0 + 6 * p + p / 2;
	vpit_timer_expired(&pit, now);
	assert_int_equal(irqs, 4);
	assert_int_equal(vpit_next_event(&pit), t0 + 7 * p);
	/* A new count applies from the end of the running period. */
	out(0x40, 100);
	out(0x40, 0);
	assert_int_equal(vpit_next_event(&pit), t0 + 7 * p);
	assert_int_equal(read_count(0), 1193 - p / 2 / K);
	now = t0 + 7 * p;
	vpit_timer_expired(&pit, now);
	assert_int_equal(vpit_next_event(&pit), t0 + 7 * p + 100 * K);
	now += 10 * K;
	assert_int_equal(read_count(0), 90);
}

static void test_mode3_square_wave(void **state)
{
	(void)state;
	uint64_t t0 = now;

	out(0x43, 0x36); /* mode 3 */
	out(0x40, 100);
	out(0x40, 0);
	assert_true(vpit_out(&pit, 0, now));
	assert_int_equal(read_count(0), 100);
	now = t0 + 10 * K;
	assert_int_equal(read_count(0), 80); /* two per clock */
	assert_true(vpit_out(&pit, 0, t0 + 49 * K));
	assert_false(vpit_out(&pit, 0, t0 + 50 * K));
	assert_false(vpit_out(&pit, 0, t0 + 99 * K));
	assert_true(vpit_out(&pit, 0, t0 + 100 * K));
	now = t0 + 60 * K;
	assert_int_equal(read_count(0), 80);
	assert_int_equal(vpit_next_event(&pit), t0 + 100 * K);
	/* Odd count: high one clock longer than low. */
	out(0x43, 0x36);
	out(0x40, 5);
	out(0x40, 0);
	t0 = now;
	assert_true(vpit_out(&pit, 0, t0 + 2 * K));
	assert_false(vpit_out(&pit, 0, t0 + 3 * K));
	assert_true(vpit_out(&pit, 0, t0 + 5 * K));
}

static void test_mode4_and_flood(void **state)
{
	(void)state;
	uint64_t t0 = now;

	out(0x43, 0x38); /* mode 4 */
	out(0x40, 50);
	out(0x40, 0);
	assert_true(vpit_out(&pit, 0, t0 + 49 * K));
	assert_false(vpit_out(&pit, 0, t0 + 50 * K));
	assert_true(vpit_out(&pit, 0, t0 + 51 * K));
	assert_int_equal(vpit_next_event(&pit), t0 + 51 * K);
	now = t0 + 51 * K;
	vpit_timer_expired(&pit, now);
	assert_int_equal(irqs, 1);
	assert_int_equal(vpit_next_event(&pit), VPIT_NO_EVENT);
	/* Mode 2 with count 2 (~600 kHz): pulses no closer than 50 us. */
	out(0x43, 0x34);
	out(0x40, 2);
	out(0x40, 0);
	now = vpit_next_event(&pit);
	vpit_timer_expired(&pit, now);
	assert_true(vpit_next_event(&pit) >= now + VPIT_HZ / 20000 * K);
	assert_true(vpit_next_event(&pit) <= now + (VPIT_HZ / 20000 + 2) * K);
}

static void test_latch_and_access_modes(void **state)
{
	(void)state;
	uint64_t t0 = now;

	program(1, 2, 1000);
	now = t0 + 10 * K;
	out(0x43, 0x40); /* latch channel 1 */
	now += 100 * K;
	out(0x43, 0x40); /* ignored: the first latch holds */
	assert_int_equal(in(0x41), 990 & 0xff);
	now += 100 * K;
	assert_int_equal(in(0x41), 990 >> 8);
	assert_int_equal(read_count(1), 790); /* live again */
	/* lsb only and msb only. */
	out(0x43, 0x54); /* ch1, lsb, mode 2 */
	out(0x41, 200);
	assert_int_equal(in(0x41), 200);
	assert_int_equal(in(0x41), 200);
	out(0x43, 0x64); /* ch1, msb, mode 2: count 0x0200 */
	out(0x41, 0x02);
	now += 2 * K;
	assert_int_equal(in(0x41), 0x01); /* 0x1fe */
	/* The control port is write-only; stray ports are empty. */
	assert_int_equal(in(0x43), 0xff);
	assert_int_equal(in(0x44), 0xff);
	out(0x44, 0);
	/* Modes 6 and 7 are 2 and 3. */
	out(0x43, 0x3e);
	assert_int_equal(pit.ch[0].mode, 3);
	out(0x43, 0x3c);
	assert_int_equal(pit.ch[0].mode, 2);
}

static void test_read_back(void **state)
{
	(void)state;
	/* Status right after the control word: OUT low, null count. */
	out(0x43, 0xb0); /* ch2, lohi, mode 0 */
	out(0x43, 0xe8); /* read-back status of ch2 */
	out(0x42, 5);
	out(0x42, 0); /* loaded: no longer null */
	out(0x43, 0xe8); /* ignored: the first status holds until read */
	assert_int_equal(in(0x42), 0x40 | 0x30);
	out(0x43, 0xe8);
	assert_int_equal(in(0x42), 0x30);
	program(2, 3, 0x1234);
	out(0x61, PORT61_GATE2);
	now += 4 * K;
	out(0x43, 0xc8); /* count and status of ch2 */
	assert_int_equal(in(0x42), 0x80 | 0x30 | 3 << 1);
	assert_int_equal(in(0x42), (0x1234 - 8) & 0xff);
	assert_int_equal(in(0x42), (0x1234 - 8) >> 8);
	/* Count only, channels 0 and 1 (0 unprogrammed reads its count). */
	program(1, 2, 500);
	out(0x43, 0xd6);
	assert_int_equal(in(0x41), 500 & 0xff);
	assert_int_equal(in(0x41), 500 >> 8);
}

static void test_bcd(void **state)
{
	(void)state;
	out(0x43, 0x31); /* ch0, lohi, mode 0, BCD */
	out(0x40, 0x00);
	out(0x40, 0x10); /* 1000 */
	now += 1 * K;
	assert_int_equal(read_count(0), 0x0999);
	now += 999 * K;
	assert_int_equal(read_count(0), 0x0000);
	now += 1 * K;
	assert_int_equal(read_count(0), 0x9999); /* wraps modulo 10000 */
	/* 0 is the largest count: 10000 in BCD. */
	out(0x43, 0x31);
	out(0x40, 0);
	out(0x40, 0);
	assert_int_equal(vpit_next_event(&pit), now + 10000 * K);
}

/* What Linux's pit_calibrate_tsc() does with channel 2. */
static void test_port61_gate_and_out2(void **state)
{
	(void)state;
	uint64_t t0;

	assert_int_equal(in(0x61) & (PORT61_GATE2 | PORT61_OUT2), 0);
	out(0x61, (in(0x61) & ~PORT61_SPKR) | PORT61_GATE2);
	out(0x43, 0xb0);
	out(0x42, 11932 & 0xff);
	out(0x42, 11932 >> 8);
	t0 = now;
	assert_int_equal(in(0x61) & 0x0f, PORT61_GATE2);
	now = t0 + 11931 * K;
	assert_false(in(0x61) & PORT61_OUT2);
	now = t0 + 11932 * K;
	assert_true(in(0x61) & PORT61_OUT2);
	/* Channel 2 never schedules IRQ 0. */
	assert_int_equal(vpit_next_event(&pit), VPIT_NO_EVENT);

	/* Mode 0 pauses while the gate is low. */
	program(2, 0, 100);
	t0 = now;
	now += 40 * K;
	out(0x61, 0);
	now += 1000 * K;
	assert_int_equal(read_count(2), 60);
	assert_false(in(0x61) & PORT61_OUT2);
	out(0x61, PORT61_GATE2);
	now += 60 * K;
	assert_true(in(0x61) & PORT61_OUT2);

	/* Refresh toggles every 18 clocks. */
	now = 0;
	uint8_t a = in(0x61) & PORT61_REFRESH;
	now = 18 * K;
	assert_int_not_equal(in(0x61) & PORT61_REFRESH, a);
}

static void test_gate_triggered_modes(void **state)
{
	(void)state;
	/* Mode 1: no trigger without a count; the same gate twice is no
	 * edge; then OUT low for N clocks after a trigger. */
	out(0x43, 0xb2);
	out(0x61, PORT61_GATE2);
	assert_false(pit.ch[2].loaded);
	out(0x61, 0);
	out(0x61, 0);
	program(2, 1, 30);
	assert_true(vpit_out(&pit, 2, now));
	out(0x61, PORT61_GATE2);
	uint64_t t0 = now;
	assert_false(vpit_out(&pit, 2, t0 + 29 * K));
	assert_true(vpit_out(&pit, 2, t0 + 30 * K));
	/* Retrigger restarts it; the gate falling does not matter. */
	now = t0 + 20 * K;
	out(0x61, 0);
	out(0x61, PORT61_GATE2);
	assert_false(vpit_out(&pit, 2, now + 29 * K));
	assert_true(vpit_out(&pit, 2, now + 30 * K));
	/* Mode 5: a one-clock low strobe N clocks after the trigger. */
	out(0x61, 0);
	program(2, 5, 10);
	out(0x61, PORT61_GATE2);
	assert_true(vpit_out(&pit, 2, now + 9 * K));
	assert_false(vpit_out(&pit, 2, now + 10 * K));
	assert_true(vpit_out(&pit, 2, now + 11 * K));
	/* Mode 2 with the gate low: stopped, OUT high; rising reloads. */
	out(0x61, 0);
	program(2, 2, 10);
	now += 9 * K;
	assert_true(vpit_out(&pit, 2, now));
	assert_int_equal(read_count(2), 10);
	out(0x61, PORT61_GATE2);
	assert_false(vpit_out(&pit, 2, now + 9 * K));
	now += 5 * K;
	out(0x61, 0);
	now += 100 * K;
	assert_int_equal(read_count(2), 5);
	assert_true(vpit_out(&pit, 2, now));
	out(0x61, PORT61_GATE2);
	assert_int_equal(read_count(2), 10);
	/* A channel 0 in mode 1 never triggers (its gate is tied high). */
	program(0, 1, 10);
	assert_int_equal(vpit_next_event(&pit), VPIT_NO_EVENT);
	assert_false(vpit_out(&pit, 3, now)); /* no channel 3 */
}

static void test_uneven_clock(void **state)
{
	(void)state;
	/* 3 GHz TSC: the edge is exactly where OUT first reads high. */
	vpit_init(&pit, &hooks, &pit, 3000000000ULL);
	program(0, 0, 1000);
	uint64_t e = vpit_next_event(&pit);
	assert_false(vpit_out(&pit, 0, e - 1));
	assert_true(vpit_out(&pit, 0, e));
	assert_true(e - now >= 2514000 && e - now <= 2515000); /* ~838 us */
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_mode0_oneshot),
		T(test_mode0_first_byte_stops),
		T(test_mode2_rate_generator),
		T(test_mode3_square_wave),
		T(test_mode4_and_flood),
		T(test_latch_and_access_modes),
		T(test_read_back),
		T(test_bcd),
		T(test_port61_gate_and_out2),
		T(test_gate_triggered_modes),
		T(test_uneven_clock),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
