/* What the fuzz guests (fuzz_hc, fuzz_priv, fuzz_dev) share: a
 * deterministic PRNG seeded from the command line, so that a failing run
 * is reproduced by booting the same guest with the same seed= and
 * count=, and the common start/progress lines. */
#ifndef FUZZ_LIB_H
#define FUZZ_LIB_H

#include "lib/guest_rt.h"

/* splitmix64 (Steele, Lea, Flood 2014): one 64-bit state word, every seed
 * is a good one, fast enough that the PRNG is noise next to a VM exit. */
struct prng {
	uint64_t s;
};

static inline uint64_t prng_next(struct prng *p)
{
	uint64_t z = (p->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform enough in [0, n) for the small n used here; n > 0. */
static inline uint64_t prng_below(struct prng *p, uint64_t n)
{
	return prng_next(p) % n;
}

/* True with probability 1 / n. */
static inline bool prng_one_in(struct prng *p, uint64_t n)
{
	return prng_below(p, n) == 0;
}

/* A value biased towards the interesting ones: small numbers, powers of
 * two and their neighbours, all ones, sign-bit patterns, or 64 random
 * bits. */
static inline uint64_t prng_value(struct prng *p)
{
	uint64_t r = prng_next(p);

	switch (r & 7) {
	case 0:
		return (r >> 8) & 0xff;
	case 1:
		return (1ull << ((r >> 8) & 63)) + ((r >> 16) % 3) - 1;
	case 2:
		return ~0ull - ((r >> 8) & 0xf);
	case 3:
		return (uint64_t)(int64_t)(int32_t)(r >> 8);
	case 4:
		return (r >> 8) & 0xffffffffull;
	default:
		return prng_next(p);
	}
}

/* seed= and count= from the VM's command line (lib/args.c), with
 * defaults; prints "NAME: seed=0x... count=N" first thing. */
static inline void fuzz_args(const char *name, uint64_t dflt_count,
			     uint64_t *seed, uint64_t *count)
{
	*seed = arg_u64_or("seed", 0x5eed);
	*count = arg_u64_or("count", dflt_count);
	printf("%s: seed=%#lx count=%lu\n", name, *seed, *count);
}

/* The fuzz guests stop after this many failures. */
#define FUZZ_MAX_FAILS 10

/* Counts a failure in *fails and prints it as "FAIL: op N: ..." (only
 * the first FUZZ_MAX_FAILS are printed). */
static inline void fuzz_fail(uint64_t *fails, uint64_t op, const char *fmt,
			     ...) GRT_PRINTF(3, 4);
static inline void fuzz_fail(uint64_t *fails, uint64_t op, const char *fmt,
			     ...)
{
	va_list ap;
	char buf[200];

	if (++*fails > FUZZ_MAX_FAILS)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("FAIL: op %lu: %s\n", op, buf);
}

#endif
