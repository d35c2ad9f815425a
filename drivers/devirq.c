/* Host device interrupts; see devirq.h. */
#include "drivers/devirq.h"
#include "arch-x86/exception.h"
#include "arch-x86/lapic.h"
#include "lib/printk.h"
#include "lib/spinlock.h"
#include "lib/errno.h"

_Static_assert(DEVIRQ_SLOTS <= 64, "one 64-bit pending mask");
_Static_assert(DEVIRQ_VEC_FIRST + DEVIRQ_SLOTS <= VEC_RESCHED,
	       "device vectors stay below the scheduler's");

struct slot {
	bool in_use;
	bool msi; /* a message-signalled vector: no IOAPIC pin behind it */
	struct devirq_info info;
	devirq_fn fn;
	void *ctx;
	const char *owner;
	uint64_t count;
};

static struct spinlock lock; /* the table; held while owners run */
static struct slot slots[DEVIRQ_SLOTS];
static uint64_t pending;     /* slots whose pin fired, atomic */
static uint32_t dest_apic;

static void devirq_isr(struct exc_frame *f)
{
	unsigned s = (unsigned)f->vector - DEVIRQ_VEC_FIRST;
	struct slot *sl = s < DEVIRQ_SLOTS ? &slots[s] : NULL;

	if (sl && __atomic_load_n(&sl->in_use, __ATOMIC_ACQUIRE)) {
		/* The level stays up until the owner's device is serviced:
		 * masked until then, or the pin fires again after the EOI. */
		if (sl->info.wiring.level && !sl->msi)
			ioapic_mask(sl->info.gsi);
		__atomic_add_fetch(&sl->count, 1, __ATOMIC_RELAXED);
		__atomic_or_fetch(&pending, BIT(s), __ATOMIC_RELEASE);
	}
	lapic_eoi();
}

void devirq_init(uint32_t dest)
{
	spin_init(&lock);
	pending = 0;
	dest_apic = dest;
	for (unsigned s = 0; s < DEVIRQ_SLOTS; s++) {
		slots[s] = (struct slot){ .in_use = false };
		irq_register(DEVIRQ_VEC_FIRST + s, devirq_isr);
	}
	if (dest > IOAPIC_DEST_MAX)
		pr_warn("devirq: the boot CPU's APIC ID %u is out of the IOAPIC's reach; no device interrupt can be routed\n",
			dest);
}

static int find_gsi(unsigned irq, uint32_t *gsi)
{
	if (irq < IOAPIC_ISA_IRQS)
		return ioapic_isa_gsi(irq, gsi);
	if (!ioapic_has_gsi(irq))
		return -ENOENT;
	*gsi = irq;
	return 0;
}

/* Under the lock: the slot that owns 'gsi', or a free one (-1: none). */
static int pick_slot(uint32_t gsi, int *owner)
{
	int free_slot = -1;

	*owner = -1;
	for (unsigned s = 0; s < DEVIRQ_SLOTS; s++) {
		if (slots[s].in_use && !slots[s].msi && slots[s].info.gsi == gsi)
			*owner = (int)s;
		else if (!slots[s].in_use && free_slot < 0)
			free_slot = (int)s;
	}
	return free_slot;
}

static int claim(unsigned irq, bool intx, devirq_fn fn, void *ctx,
		 const char *owner, struct devirq_info *info, const char **busy)
{
	struct devirq_info in;
	int s, taken, r;

	if (dest_apic > IOAPIC_DEST_MAX)
		return -EINVAL;
	r = find_gsi(irq, &in.gsi);
	if (r < 0)
		return r;
	if (intx)
		ioapic_pci_wiring(in.gsi, &in.wiring);
	else
		ioapic_gsi_wiring(in.gsi, &in.wiring);
	spin_lock(&lock);
	s = pick_slot(in.gsi, &taken);
	if (taken >= 0) {
		*busy = slots[taken].owner;
		spin_unlock(&lock);
		return -EBUSY;
	}
	if (s < 0) {
		spin_unlock(&lock);
		return -ENOSPC;
	}
	in.vector = (uint8_t)(DEVIRQ_VEC_FIRST + s);
	r = ioapic_route(in.gsi, in.vector, dest_apic, &in.wiring);
	if (r < 0) {
		spin_unlock(&lock);
		return r;
	}
	slots[s] = (struct slot){ .info = in, .fn = fn, .ctx = ctx,
				  .owner = owner };
	__atomic_and_fetch(&pending, ~BIT(s), __ATOMIC_RELAXED);
	__atomic_store_n(&slots[s].in_use, true, __ATOMIC_RELEASE);
	spin_unlock(&lock);
	*info = in;
	return s;
}

int devirq_claim(unsigned irq, devirq_fn fn, void *ctx, const char *owner,
		 struct devirq_info *info, const char **busy)
{
	return claim(irq, false, fn, ctx, owner, info, busy);
}

int devirq_claim_intx(unsigned irq, devirq_fn fn, void *ctx, const char *owner,
		      struct devirq_info *info, const char **busy)
{
	return claim(irq, true, fn, ctx, owner, info, busy);
}

static bool valid(int s)
{
	return s >= 0 && s < DEVIRQ_SLOTS &&
	       __atomic_load_n(&slots[s].in_use, __ATOMIC_ACQUIRE);
}

void devirq_unmask(int s)
{
	if (valid(s) && !slots[s].msi)
		ioapic_unmask(slots[s].info.gsi);
}

void devirq_mask(int s)
{
	if (valid(s) && !slots[s].msi)
		ioapic_mask(slots[s].info.gsi);
}

int devirq_claim_msi(devirq_fn fn, void *ctx, const char *owner,
		     struct devirq_info *info)
{
	int s, unused;

	spin_lock(&lock);
	s = pick_slot(DEVIRQ_NO_GSI, &unused);
	if (s < 0) {
		spin_unlock(&lock);
		return -ENOSPC;
	}
	slots[s] = (struct slot){
		.msi = true, .fn = fn, .ctx = ctx, .owner = owner,
		.info = { .gsi = DEVIRQ_NO_GSI,
			  .vector = (uint8_t)(DEVIRQ_VEC_FIRST + s) },
	};
	__atomic_and_fetch(&pending, ~BIT(s), __ATOMIC_RELAXED);
	__atomic_store_n(&slots[s].in_use, true, __ATOMIC_RELEASE);
	spin_unlock(&lock);
	*info = slots[s].info;
	return s;
}

uint32_t devirq_dest(void)
{
	return dest_apic;
}

void devirq_release(int s)
{
	if (s < 0 || s >= DEVIRQ_SLOTS)
		return;
	spin_lock(&lock);
	if (slots[s].in_use) {
		if (!slots[s].msi)
			ioapic_mask(slots[s].info.gsi);
		__atomic_store_n(&slots[s].in_use, false, __ATOMIC_RELEASE);
		__atomic_and_fetch(&pending, ~BIT(s), __ATOMIC_RELAXED);
		slots[s].fn = NULL;
		slots[s].ctx = NULL;
	}
	spin_unlock(&lock);
}

uint64_t devirq_count(int s)
{
	if (s < 0 || s >= DEVIRQ_SLOTS)
		return 0;
	return __atomic_load_n(&slots[s].count, __ATOMIC_RELAXED);
}

static devirq_poll_fn poll_fn;

void devirq_set_poll(devirq_poll_fn fn)
{
	__atomic_store_n(&poll_fn, fn, __ATOMIC_RELEASE);
}

void devirq_dispatch(void)
{
	devirq_poll_fn poll = __atomic_load_n(&poll_fn, __ATOMIC_ACQUIRE);
	uint64_t p;

	if (poll)
		poll();
	if (!__atomic_load_n(&pending, __ATOMIC_RELAXED))
		return;
	spin_lock(&lock);
	p = __atomic_exchange_n(&pending, 0, __ATOMIC_ACQUIRE);
	while (p) {
		unsigned s = (unsigned)__builtin_ctzll(p);

		p &= p - 1;
		if (slots[s].in_use)
			slots[s].fn(slots[s].ctx);
	}
	spin_unlock(&lock);
}
