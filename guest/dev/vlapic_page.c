/* A virtual LAPIC as APIC virtualization sees it: the virtual-APIC page
 * (SDM vol. 3 ch. 30, "APIC Virtualization and Virtual Interrupts"), the
 * registers in the xAPIC layout, which the CPU reads in place of the
 * LAPIC.  struct vlapic stays the one source of truth: the page is
 * written from it before the guest runs and what the CPU changed is read
 * back after.
 *
 * What the CPU changes in the page by itself while the guest runs:
 *  - TPR: MOV to CR8, xAPIC writes to 0x80, WRMSR 0x808;
 *  - ISR: virtual-interrupt delivery sets a bit, a virtual EOI clears one;
 *  - IRR: delivery clears a bit; an xAPIC ICR write that describes a
 *    fixed, edge-triggered self-IPI sets one (self-IPI virtualization);
 *  - ICR in xAPIC mode: the low word on those self-IPIs, the high word on
 *    every write (SDM 30.4.3.2: neither exits).
 * Every other write the CPU puts in the page and then exits (APIC-write),
 * and the register file carries it out; the next load writes the result.
 *
 * Requested vectors change hands instead of being copied: the load moves
 * them from l->irr to the page (from then on the CPU delivers them), the
 * store moves back those still there.  Senders on other pCPUs meanwhile go
 * on setting bits in l->irr, so a vector posted again while its first
 * instance is delivered stays requested rather than being taken for the
 * one the CPU delivered. */
#include "guest/dev/vlapic.h"

#define WORD(off) ((off) / 4)
#define SET_WORD(base, i) (WORD(base) + (i) * 4) /* ISR/TMR/IRR word i */
#define X2APIC_ICR_HI 0x304 /* x2APIC: ICR bits 63:32 */

static int highest(const uint32_t *page, uint32_t base)
{
	for (int i = 7; i >= 0; i--) {
		uint32_t bits = page[SET_WORD(base, i)];

		if (bits)
			return i * 32 + 31 - __builtin_clz(bits);
	}
	return -1;
}

/* More than one vector requested? */
static bool several_requested(const uint32_t *page)
{
	bool one = false;

	for (unsigned i = 0; i < 8; i++) {
		uint32_t bits = page[SET_WORD(APIC_REG_IRR, i)];

		if (!bits)
			continue;
		if (one || (bits & (bits - 1)))
			return true;
		one = true;
	}
	return false;
}

static bool in_vector_sets(uint32_t off)
{
	return off >= APIC_REG_ISR && off < APIC_REG_ESR;
}

void vlapic_page_load(struct vlapic *l, uint32_t *page,
		      struct vlapic_page_status *st)
{
	bool x2 = vlapic_x2apic(l);
	int rvi, svi;

	/* Every register the guest may read, as a read would return it,
	 * the others 0.  TMCCT counts on its own: its reads always exit. */
	for (uint32_t off = 0; off < APIC_REG_END; off += 16) {
		if (in_vector_sets(off))
			continue;
		page[WORD(off)] = off != APIC_REG_TMCCT && vlapic_reg_readable(off, x2)
					  ? vlapic_reg_read(l, off) : 0;
	}
	page[WORD(X2APIC_ICR_HI)] = x2 ? l->icr_hi : 0;

	/* A LAPIC that is globally disabled delivers nothing; its IRR is
	 * empty anyway (disabling resets it). */
	for (unsigned i = 0; i < 8; i++)
		page[SET_WORD(APIC_REG_IRR, i)] =
			vlapic_enabled(l) ? __atomic_exchange_n(&l->irr[i], 0, __ATOMIC_SEQ_CST)
					  : 0;
	/* TMR after IRR: a sender sets a vector's TMR bit before its IRR
	 * bit, so every vector just handed over has its trigger mode here. */
	*st = (struct vlapic_page_status){ 0 };
	for (unsigned i = 0; i < 8; i++) {
		uint32_t tmr = __atomic_load_n(&l->tmr[i], __ATOMIC_ACQUIRE);

		page[SET_WORD(APIC_REG_TMR, i)] = tmr;
		page[SET_WORD(APIC_REG_ISR, i)] = l->isr[i];
		st->level[i / 2] |= (uint64_t)tmr << (32 * (i % 2));
	}
	rvi = highest(page, APIC_REG_IRR);
	svi = highest(page, APIC_REG_ISR);
	st->rvi = rvi < 0 ? 0 : (uint8_t)rvi;
	st->svi = svi < 0 ? 0 : (uint8_t)svi;
	/* EOIs that could let a requested vector through with the guest's
	 * interrupts off (vmx/apicv.c says why they exit). */
	if (several_requested(page) ||
	    (rvi >= 0 && ((uint32_t)rvi & 0xf0) <= (vlapic_ppr(l) & 0xf0)))
		for (unsigned i = 0; i < 8; i++)
			st->unblock[i / 2] |= (uint64_t)(page[SET_WORD(APIC_REG_ISR, i)] |
							 page[SET_WORD(APIC_REG_IRR, i)])
					      << (32 * (i % 2));
}

bool vlapic_page_store(struct vlapic *l, uint32_t *page)
{
	bool back = false;

	l->tpr = page[WORD(APIC_REG_TPR)] & 0xff;
	for (unsigned i = 0; i < 8; i++) {
		uint32_t irr = page[SET_WORD(APIC_REG_IRR, i)];

		__atomic_store_n(&l->isr[i], page[SET_WORD(APIC_REG_ISR, i)],
				 __ATOMIC_RELAXED);
		if (irr) {
			__atomic_fetch_or(&l->irr[i], irr, __ATOMIC_SEQ_CST);
			page[SET_WORD(APIC_REG_IRR, i)] = 0;
			back = true;
		}
	}
	if (vlapic_xapic(l)) {
		l->icr_lo = page[WORD(APIC_REG_ICR_LO)] & APIC_ICR_LO_WRITABLE;
		l->icr_hi = page[WORD(APIC_REG_ICR_HI)] & APIC_ICR_HI_DEST;
	}
	return back;
}

/* The CPU virtualizes a write only when it lies within bytes 3:0 of one
 * register, and has merged it into the register's word in the page. */
void vlapic_page_write(struct vlapic *l, const uint32_t *page, uint32_t offset)
{
	uint32_t off = offset & 0xff0;
	uint64_t val = page[WORD(off)];

	if (!vlapic_x2apic(l)) {
		vlapic_mmio_write(l, off, (uint32_t)val);
		return;
	}
	/* x2APIC writes that are not intercepted (vmx/apicv.c passes only
	 * TPR and EOI, which never come here) complete before the exit: a
	 * #GP can no longer be raised. */
	if (off == APIC_REG_ICR_LO)
		val |= (uint64_t)page[WORD(X2APIC_ICR_HI)] << 32;
	vlapic_wrmsr(l, VLAPIC_MSR_X2APIC_FIRST + off / 16, val);
}

bool vlapic_page_x2apic_readable(uint32_t msr)
{
	uint32_t off;

	if (msr < VLAPIC_MSR_X2APIC_FIRST || msr > VLAPIC_MSR_X2APIC_LAST)
		return false;
	off = (msr - VLAPIC_MSR_X2APIC_FIRST) << 4;
	return off != APIC_REG_TMCCT && vlapic_reg_readable(off, true);
}
