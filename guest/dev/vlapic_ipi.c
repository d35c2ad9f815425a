/* The APIC bus of one VM: destination decoding (physical, logical flat and
 * cluster, x2APIC cluster), lowest-priority arbitration, and the IPIs a
 * LAPIC sends through its ICR or SELF IPI register (SDM 10.6). */
#include "guest/dev/vlapic.h"

#define XAPIC_BROADCAST 0xffu
#define X2APIC_BROADCAST 0xffffffffu
#define DFR_FLAT 0xfu
#define CLUSTER_ALL 0xfu

void vlapic_bus_init(struct vlapic_bus *bus, const struct vlapic_hooks *hooks,
		     void *ctx, uint64_t tsc_hz, uint64_t timer_hz)
{
	*bus = (struct vlapic_bus){
		.hooks = hooks,
		.ctx = ctx,
		.tsc_hz = tsc_hz,
		.timer_hz = timer_hz,
		.phys_bits = 36,
	};
}

/* Does 'l' see itself in the destination of 'm' (no shorthand)? */
static bool dest_match(const struct vlapic *l, const struct vlapic_msg *m)
{
	uint32_t ldr = vlapic_ldr(l);

	if (m->dest == (m->wide ? X2APIC_BROADCAST : XAPIC_BROADCAST))
		return true;
	if (vlapic_x2apic(l)) {
		if (!m->logical)
			return m->dest == l->initial_id;
		/* Cluster in 31:16 must match, then any of the 16 bits. */
		return (m->dest >> 16) == (ldr >> 16) && (m->dest & ldr & 0xffff);
	}
	if (m->dest > XAPIC_BROADCAST)
		return false;
	if (!m->logical)
		return m->dest == l->id >> 24;
	ldr >>= 24;
	if ((l->dfr >> 28) == DFR_FLAT)
		return m->dest & ldr;
	/* Cluster model: cluster number in the high nibble (15 = all),
	 * one bit per member in the low one. */
	if ((m->dest >> 4) != CLUSTER_ALL && (m->dest >> 4) != (ldr >> 4))
		return false;
	return m->dest & ldr & 0xf;
}

static bool is_target(const struct vlapic *l, const struct vlapic_msg *m)
{
	switch (m->shorthand) {
	case APIC_SH_SELF:
		return (int)l->index == m->src;
	case APIC_SH_ALL:
		return true;
	case APIC_SH_OTHERS:
		return (int)l->index != m->src;
	default:
		return dest_match(l, m);
	}
}

/* Lowest arbitration priority wins; the first (lowest index) on a tie. */
static uint64_t lowest_priority(const struct vlapic_bus *bus, uint64_t set)
{
	unsigned best = 0;
	uint32_t best_apr = UINT32_MAX;

	for (unsigned i = 0; i < VLAPIC_MAX_VCPUS; i++) {
		uint32_t apr;

		if (!(set & BIT(i)))
			continue;
		apr = vlapic_apr(bus->cpu[i]);
		if (apr < best_apr) {
			best_apr = apr;
			best = i;
		}
	}
	return BIT(best);
}

static bool deliver_one(struct vlapic *l, const struct vlapic_msg *m)
{
	const struct vlapic_hooks *h = l->bus->hooks;

	switch (m->mode) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWPRI:
		return vlapic_accept_irq(l, m->vector, m->level);
	case APIC_DM_SMI:
	case APIC_DM_NMI:
	case APIC_DM_INIT:
	case APIC_DM_SIPI:
	case APIC_DM_EXTINT:
		if (h->deliver)
			h->deliver(l->bus->ctx, l->index, (enum apic_dm)m->mode,
				   m->vector);
		return true;
	default:
		return false;
	}
}

unsigned vlapic_bus_send(struct vlapic_bus *bus, const struct vlapic_msg *m)
{
	uint64_t set = 0;
	unsigned n = 0;

	for (unsigned i = 0; i < VLAPIC_MAX_VCPUS; i++) {
		const struct vlapic *l = bus->cpu[i];

		if (l && vlapic_enabled(l) && is_target(l, m))
			set |= BIT(i);
	}
	if (set && m->mode == APIC_DM_LOWPRI)
		set = lowest_priority(bus, set);
	for (unsigned i = 0; i < VLAPIC_MAX_VCPUS; i++)
		if ((set & BIT(i)) && deliver_one(bus->cpu[i], m))
			n++;
	if (!n && m->shorthand == APIC_SH_NONE)
		__atomic_fetch_add(&bus->undelivered, 1, __ATOMIC_RELAXED);
	return n;
}

/* Send what the ICR says.  Errors go to the sender's ESR: an illegal
 * vector is never sent, lowest priority is reserved in x2APIC mode
 * ("redirectible IPI"), and an xAPIC IPI nobody accepts is a send accept
 * error. */
void vlapic_ipi_send(struct vlapic *l, uint32_t icr_lo, uint32_t dest,
		     bool x2apic)
{
	struct vlapic_msg m = {
		.dest = dest,
		.vector = (uint8_t)APIC_ICR_VECTOR(icr_lo),
		.mode = (uint8_t)APIC_ICR_DM(icr_lo),
		.shorthand = (uint8_t)APIC_ICR_SHORTHAND(icr_lo),
		.logical = icr_lo & APIC_ICR_LOGICAL,
		.wide = x2apic,
		.src = (int)l->index,
	};

	switch (m.mode) {
	case APIC_DM_LOWPRI:
		if (x2apic) {
			vlapic_esr_raise(l, APIC_ESR_REDIR_IPI);
			return;
		}
		/* fall through */
	case APIC_DM_FIXED:
		if (m.vector < 16) {
			vlapic_esr_raise(l, APIC_ESR_SEND_ILLEGAL);
			return;
		}
		break;
	case APIC_DM_INIT:
		/* INIT level de-assert: a no-op since the Pentium 4. */
		if ((icr_lo & APIC_ICR_LEVEL) && !(icr_lo & APIC_ICR_ASSERT))
			return;
		break;
	case APIC_DM_SMI:
	case APIC_DM_NMI:
	case APIC_DM_SIPI:
		break;
	default: /* 3 and ExtINT are reserved in the ICR */
		return;
	}
	if (!vlapic_bus_send(l->bus, &m) && m.shorthand == APIC_SH_NONE &&
	    !x2apic)
		vlapic_esr_raise(l, APIC_ESR_SEND_ACCEPT);
}
