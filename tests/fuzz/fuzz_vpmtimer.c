// FUZZ-SOURCES: guest/dev/vpmtimer.c
/* The ACPI PM timer (guest/dev/vpmtimer.c) read at any port and size
 * while time passes in steps from the input, 24 or 32 bits wide, at a TSC
 * rate from the input.  Checked: only its own four ports are claimed; a
 * 24-bit timer never shows bits above 23; narrower reads are the low
 * bytes of the byte-addressed register; the counter only moves forward
 * (modulo its width) and by what the time passed says at 3.579545 MHz
 * (within one count of rounding); vclock_scale() never divides by more
 * than it may. */
#include "guest/dev/vpmtimer.h"
#include "tests/fuzz/fuzz.h"

#define PORT 0x608

static uint64_t now;

static uint64_t h_now(void *ctx)
{
	(void)ctx;
	return now;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	uint8_t cfg = fz_u8(&f);
	uint64_t hz = 1000000ULL + fz_u32(&f) * 16ULL; /* 1 MHz .. ~70 GHz */
	bool wide = cfg & 1;
	uint64_t mask = wide ? 0xffffffffULL : 0xffffffULL;
	struct vpmtimer t;
	uint32_t last;

	now = fz_u64(&f) >> 8;
	vpmtimer_init(&t, h_now, NULL, hz, PORT, wide);
	last = vpmtimer_value(&t, now);
	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f);
		uint16_t port = (uint16_t)(PORT - 2 + (op & 7));
		unsigned sz = 1u << ((op >> 3) & 3); /* 1, 2, 4, 8 */
		uint64_t step = fz_u32(&f) >> (op >> 5), before = now;
		uint32_t val = 0xdeadbeef, v;
		bool mine;

		now += step;
		v = vpmtimer_value(&t, now);
		FUZZ_CHECK((v & ~mask) == 0);
		/* Forward by the time passed, within rounding. */
		{
			uint64_t want = vclock_scale(now - t.origin, VPMTIMER_HZ, hz, false) -
					vclock_scale(before - t.origin, VPMTIMER_HZ, hz, false);
			uint64_t got = (v - last) & mask;

			if (want < mask)
				FUZZ_CHECKF(got == want, "counter moved %llu, time says %llu",
					    (unsigned long long)got, (unsigned long long)want);
		}
		last = v;
		mine = vpmtimer_io_read(&t, port, sz, &val);
		if (port < PORT || port >= PORT + 4 || sz > 4) {
			FUZZ_CHECK(!mine || (port >= PORT && port < PORT + 4));
			if (!mine)
				FUZZ_CHECK(val == 0xdeadbeef);
			continue;
		}
		if (!mine)
			continue;
		if (sz < 4)
			FUZZ_CHECK((val >> (8 * sz)) == 0);
		FUZZ_CHECKF(val == (uint32_t)(((uint64_t)v >> (8 * (port - PORT))) &
					      (sz == 4 ? 0xffffffffULL : (1ULL << (8 * sz)) - 1)),
			    "read %#x at +%u/%u, counter %#x", val, port - PORT, sz, v);
	}
	return 0;
}
