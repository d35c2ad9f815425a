/* Ticket spinlock and relaxed atomic accessors.
 *
 * A ticket lock hands the lock out in arrival order, so no CPU can starve
 * while others keep re-taking it.  Only gcc __atomic builtins are used, so
 * the same header works in the freestanding hypervisor and in host unit
 * tests (where pthreads stand in for pCPUs).
 *
 * Interrupts are the caller's business: these functions neither disable
 * nor restore them.  A lock that an interrupt or IPI handler may also take
 * must be taken with interrupts off (save RFLAGS.IF, cli, lock ... unlock,
 * restore), otherwise the handler can spin forever on a lock that the code
 * it interrupted holds.  The scheduler's locks are only taken from thread
 * context in the hypervisor (kick IPIs just set a flag), so it needs none.
 */
#ifndef LIB_SPINLOCK_H
#define LIB_SPINLOCK_H

#include "lib/types.h"

/* Single-copy-atomic access to a field that other CPUs read or write
 * without holding its lock (statistics, load estimates, flags). */
#define READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* 'next' is the next ticket to hand out, 'owner' the ticket being served;
 * the lock is free when they are equal.  Both wrap at 2^32, which only
 * matters for equality. */
struct spinlock {
	uint32_t next;
	uint32_t owner;
};

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_init(struct spinlock *l)
{
	__atomic_store_n(&l->next, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&l->owner, 0, __ATOMIC_RELAXED);
}

static inline void cpu_relax(void)
{
	__builtin_ia32_pause();
}

static inline void spin_lock(struct spinlock *l)
{
	uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	/* Acquire pairs with the release in spin_unlock(): everything the
	 * previous holder wrote is visible once our ticket is served. */
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		cpu_relax();
}

/* Takes the lock only if nobody holds or waits for it. */
static inline bool spin_trylock(struct spinlock *l)
{
	uint32_t owner = __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE);
	uint32_t expect = owner;

	/* owner never passes next, so if next still equals the owner we
	 * read, the lock is free and our ticket is served at once. */
	return __atomic_compare_exchange_n(&l->next, &expect, owner + 1, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(struct spinlock *l)
{
	/* Only the holder writes 'owner', so a plain read is enough. */
	uint32_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);

	__atomic_store_n(&l->owner, owner + 1, __ATOMIC_RELEASE);
}

/* True while someone holds the lock (for assertions only: it cannot say
 * who). */
static inline bool spin_is_locked(struct spinlock *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}

#endif
