/* Virtual interrupts waiting for a vCPU: a 256-bit pending set, written
 * from any pCPU, drained highest vector first at VM entry. */
#ifndef GUEST_VIRQ_H
#define GUEST_VIRQ_H

#include "lib/types.h"

#define VIRQ_MIN_VECTOR 32 /* 0-31 are exceptions */

/* 'any' is the exit path's single test: non-zero when the vCPU loop must
 * look at something before the next entry.  VIRQ_ANY_RECHECK summarises
 * the bitmap (and anything else to deliver); it may be set while the
 * bitmap is empty (harmless), never clear while a bit is set: posting
 * sets the bit first, clearing re-checks after zeroing.
 * VIRQ_ANY_LEAVE asks the loop to leave (a yield, the VM's end) and is
 * taken back when it does, so that the next slice starts on the short
 * path. */
#define VIRQ_ANY_RECHECK 1u
#define VIRQ_ANY_LEAVE 2u

struct virq_set {
	uint64_t pending[4];
	uint32_t any;
};

static inline void virq_set_post(struct virq_set *s, uint8_t vec)
{
	__atomic_fetch_or(&s->pending[vec / 64], 1ULL << (vec % 64), __ATOMIC_SEQ_CST);
	__atomic_fetch_or(&s->any, VIRQ_ANY_RECHECK, __ATOMIC_SEQ_CST);
}

static inline int virq_set_highest(const struct virq_set *s);

static inline void virq_set_clear(struct virq_set *s, uint8_t vec)
{
	__atomic_fetch_and(&s->pending[vec / 64], ~(1ULL << (vec % 64)), __ATOMIC_SEQ_CST);
	__atomic_fetch_and(&s->any, ~VIRQ_ANY_RECHECK, __ATOMIC_SEQ_CST);
	if (virq_set_highest(s) >= 0)
		__atomic_fetch_or(&s->any, VIRQ_ANY_RECHECK, __ATOMIC_SEQ_CST);
}

/* Something may be pending. */
static inline bool virq_set_maybe(const struct virq_set *s)
{
	return __atomic_load_n(&s->any, __ATOMIC_RELAXED) & VIRQ_ANY_RECHECK;
}

/* Highest pending vector, or -1. */
static inline int virq_set_highest(const struct virq_set *s)
{
	for (int w = 3; w >= 0; w--) {
		uint64_t bits = __atomic_load_n(&s->pending[w], __ATOMIC_ACQUIRE);

		if (bits)
			return w * 64 + 63 - __builtin_clzll(bits);
	}
	return -1;
}

static inline bool virq_set_any(const struct virq_set *s)
{
	return virq_set_highest(s) >= 0;
}

#endif
