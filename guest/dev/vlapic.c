/* Virtual LAPIC: the register file, its xAPIC and x2APIC views, APIC_BASE,
 * priorities, acceptance, EOI and the local interrupt sources.  Timer in
 * vlapic_timer.c, IPIs and the bus in vlapic_ipi.c. */
#include "guest/dev/vlapic.h"

/* Which views an offset has, and what each may do with it. */
#define R_XR BIT(0)  /* xAPIC: readable (else reads 0) */
#define R_XW BIT(1)  /* xAPIC: writable (else writes are ignored) */
#define R_X2R BIT(2) /* x2APIC: RDMSR allowed (else #GP) */
#define R_X2W BIT(3) /* x2APIC: WRMSR allowed (else #GP) */
#define R_ALL (R_XR | R_XW | R_X2R | R_X2W)

/* Writable bits of each LVT entry (vector, delivery mode, polarity,
 * trigger, mask, timer mode) and the read-only ones (delivery status, and
 * remote IRR for LINT) that a WRMSR may carry without #GP. */
#define LVT_TIMER_BITS 0x000700ffu
#define LVT_DM_BITS 0x000107ffu   /* thermal, perf */
#define LVT_LINT_BITS 0x0001a7ffu
#define LVT_ERROR_BITS 0x000100ffu
#define LVT_RO_BITS 0x00005000u

static const uint32_t lvt_writable[LVT_COUNT] = {
	[LVT_TIMER] = LVT_TIMER_BITS, [LVT_THERMAL] = LVT_DM_BITS,
	[LVT_PERF] = LVT_DM_BITS,     [LVT_LINT0] = LVT_LINT_BITS,
	[LVT_LINT1] = LVT_LINT_BITS,  [LVT_ERROR] = LVT_ERROR_BITS,
};

#define SVR_WRITABLE 0x3ffu /* vector, software enable, focus checking */
#define TDCR_WRITABLE 0xbu
#define X2_ICR_RESERVED 0xfff32000u /* bits 31:20, 17:16, 13 */
#define X2_ICR_IGNORED BIT(12)      /* delivery status: ignored on write */
#define XAPIC_ID_MASK 0xff000000u
#define DFR_MODEL_MASK 0xf0000000u
#define APIC_BASE_RESERVED 0x2ffULL /* bits 7:0 and 9 */

struct reg_desc {
	uint8_t flags;
	uint32_t x2_allowed; /* bits a WRMSR may set; others #GP */
};

#define REG(off) ((off) >> 4)
#define REG_RANGE(off) [REG(off) ... REG(off) + 7]

static const struct reg_desc regs[REG(APIC_REG_END)] = {
	[REG(APIC_REG_ID)] = { R_XR | R_XW | R_X2R, 0 },
	[REG(APIC_REG_VER)] = { R_XR | R_X2R, 0 },
	[REG(APIC_REG_TPR)] = { R_ALL, 0xff },
	[REG(APIC_REG_APR)] = { R_XR, 0 },
	[REG(APIC_REG_PPR)] = { R_XR | R_X2R, 0 },
	[REG(APIC_REG_EOI)] = { R_XW | R_X2W, 0 },
	[REG(APIC_REG_RRD)] = { R_XR, 0 },
	[REG(APIC_REG_LDR)] = { R_XR | R_XW | R_X2R, 0 },
	[REG(APIC_REG_DFR)] = { R_XR | R_XW, 0 },
	[REG(APIC_REG_SVR)] = { R_ALL, SVR_WRITABLE },
	REG_RANGE(APIC_REG_ISR) = { R_XR | R_X2R, 0 },
	REG_RANGE(APIC_REG_TMR) = { R_XR | R_X2R, 0 },
	REG_RANGE(APIC_REG_IRR) = { R_XR | R_X2R, 0 },
	[REG(APIC_REG_ESR)] = { R_ALL, 0 },
	[REG(APIC_REG_ICR_LO)] = { R_ALL, 0 }, /* 64-bit in x2APIC mode */
	[REG(APIC_REG_ICR_HI)] = { R_XR | R_XW, 0 },
	[REG(APIC_REG_LVT_TIMER)] = { R_ALL, LVT_TIMER_BITS | LVT_RO_BITS },
	[REG(APIC_REG_LVT_THERMAL)] = { R_ALL, LVT_DM_BITS | LVT_RO_BITS },
	[REG(APIC_REG_LVT_PERF)] = { R_ALL, LVT_DM_BITS | LVT_RO_BITS },
	[REG(APIC_REG_LVT_LINT0)] = { R_ALL, LVT_LINT_BITS | LVT_RO_BITS },
	[REG(APIC_REG_LVT_LINT1)] = { R_ALL, LVT_LINT_BITS | LVT_RO_BITS },
	[REG(APIC_REG_LVT_ERROR)] = { R_ALL, LVT_ERROR_BITS | LVT_RO_BITS },
	[REG(APIC_REG_TMICT)] = { R_ALL, 0xffffffffu },
	[REG(APIC_REG_TMCCT)] = { R_XR | R_X2R, 0 },
	[REG(APIC_REG_TDCR)] = { R_ALL, TDCR_WRITABLE },
	[REG(APIC_REG_SELF_IPI)] = { R_X2W, 0xff },
};

/* ---- 256-bit vector sets (IRR and TMR may change under us) ---- */

static int highest_bit(const uint32_t *set)
{
	for (int w = 7; w >= 0; w--) {
		uint32_t bits = __atomic_load_n(&set[w], __ATOMIC_ACQUIRE);

		if (bits)
			return w * 32 + 31 - __builtin_clz(bits);
	}
	return -1;
}

static bool test_bit(const uint32_t *set, uint8_t v)
{
	return __atomic_load_n(&set[v / 32], __ATOMIC_ACQUIRE) & (1u << (v % 32));
}

static void set_bit(uint32_t *set, uint8_t v)
{
	__atomic_fetch_or(&set[v / 32], 1u << (v % 32), __ATOMIC_SEQ_CST);
}

static void clear_bit(uint32_t *set, uint8_t v)
{
	__atomic_fetch_and(&set[v / 32], ~(1u << (v % 32)), __ATOMIC_SEQ_CST);
}

/* ---- priorities (SDM 10.8.3) ---- */

uint32_t vlapic_ppr(const struct vlapic *l)
{
	int isrv = highest_bit(l->isr);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

	return (l->tpr & 0xf0) >= isr_class ? l->tpr : isr_class;
}

uint32_t vlapic_apr(const struct vlapic *l)
{
	int isrv = highest_bit(l->isr), irrv = highest_bit(l->irr);
	uint32_t tpr_c = l->tpr >> 4;
	uint32_t isr_c = isrv < 0 ? 0 : (uint32_t)isrv >> 4;
	uint32_t irr_c = irrv < 0 ? 0 : (uint32_t)irrv >> 4;

	if (tpr_c >= irr_c && tpr_c > isr_c)
		return l->tpr;
	return MAX(tpr_c, MAX(isr_c, irr_c)) << 4;
}

int vlapic_pending_vector(const struct vlapic *l)
{
	int irrv;

	if (!vlapic_enabled(l))
		return -1;
	irrv = highest_bit(l->irr);
	if (irrv < 0 || ((uint32_t)irrv & 0xf0) <= (vlapic_ppr(l) & 0xf0))
		return -1;
	return irrv;
}

bool vlapic_ack(struct vlapic *l, uint8_t vector)
{
	if (!test_bit(l->irr, vector))
		return false;
	set_bit(l->isr, vector);
	clear_bit(l->irr, vector);
	return true;
}

/* No EOI-broadcast suppression: every level-triggered EOI is reported. */
void vlapic_eoi_vector(struct vlapic *l, uint8_t vector)
{
	const struct vlapic_hooks *h = l->bus->hooks;

	clear_bit(l->isr, vector);
	if (test_bit(l->tmr, vector) && h->eoi)
		h->eoi(l->bus->ctx, l->index, vector);
}

/* EOI retires the highest in-service vector. */
static void eoi(struct vlapic *l)
{
	int v = highest_bit(l->isr);

	if (v >= 0)
		vlapic_eoi_vector(l, (uint8_t)v);
}

/* ---- interrupt sources ---- */

static void hook_deliver(struct vlapic *l, enum apic_dm mode, uint8_t vector)
{
	const struct vlapic_hooks *h = l->bus->hooks;

	if (h->deliver)
		h->deliver(l->bus->ctx, l->index, mode, vector);
}

bool vlapic_accept_irq(struct vlapic *l, uint8_t vector, bool level)
{
	uint32_t svr = __atomic_load_n(&l->svr, __ATOMIC_RELAXED);

	/* A software-disabled LAPIC takes only NMI, INIT, SMI and SIPI. */
	if (!vlapic_enabled(l) || !(svr & APIC_SVR_ENABLE))
		return false;
	if (vector < 16) {
		vlapic_esr_raise(l, APIC_ESR_RECV_ILLEGAL);
		return false;
	}
	if (level)
		set_bit(l->tmr, vector);
	else
		clear_bit(l->tmr, vector);
	set_bit(l->irr, vector);
	hook_deliver(l, APIC_DM_FIXED, vector);
	return true;
}

/* Errors accumulate until the next ESR write; each new one raises the
 * LVT error interrupt. */
void vlapic_esr_raise(struct vlapic *l, uint32_t bits)
{
	uint32_t old = __atomic_fetch_or(&l->esr_pending, bits, __ATOMIC_SEQ_CST);

	if ((old & bits) != bits)
		vlapic_lvt_fire(l, LVT_ERROR);
}

void vlapic_lvt_fire(struct vlapic *l, enum vlapic_lvt which)
{
	uint32_t lvt = __atomic_load_n(&l->lvt[which], __ATOMIC_RELAXED);
	unsigned mode = APIC_ICR_DM(lvt);

	if (lvt & APIC_LVT_MASKED)
		return;
	if (which == LVT_TIMER || which == LVT_ERROR)
		mode = APIC_DM_FIXED; /* no delivery-mode field */
	switch (mode) {
	case APIC_DM_FIXED:
		vlapic_accept_irq(l, (uint8_t)lvt, false);
		break;
	case APIC_DM_SMI:
	case APIC_DM_NMI:
	case APIC_DM_INIT:
	case APIC_DM_EXTINT:
		hook_deliver(l, (enum apic_dm)mode, (uint8_t)lvt);
		break;
	default: /* reserved encodings deliver nothing */
		break;
	}
}

void vlapic_lint(struct vlapic *l, unsigned pin)
{
	if (pin > 1)
		return;
	/* Globally disabled, LINT0/1 are the core's INTR and NMI pins. */
	if (!vlapic_enabled(l))
		hook_deliver(l, pin ? APIC_DM_NMI : APIC_DM_EXTINT, 0);
	else
		vlapic_lvt_fire(l, pin ? LVT_LINT1 : LVT_LINT0);
}

bool vlapic_extint_allowed(const struct vlapic *l)
{
	uint32_t lint0 = l->lvt[LVT_LINT0];

	if (!vlapic_enabled(l))
		return true;
	return !(lint0 & APIC_LVT_MASKED) && APIC_ICR_DM(lint0) == APIC_DM_EXTINT;
}

void vlapic_virtual_wire(struct vlapic *l)
{
	l->svr |= APIC_SVR_ENABLE;
	l->lvt[LVT_LINT0] = APIC_DM_EXTINT << 8;
	l->lvt[LVT_LINT1] = APIC_DM_NMI << 8;
}

/* ---- reset ---- */

void vlapic_reset(struct vlapic *l, bool power_on)
{
	vlapic_timer_stop(l);
	if (power_on) {
		l->apic_base = VLAPIC_BASE_DEFAULT | VLAPIC_BASE_EN |
			       (l->index == 0 ? VLAPIC_BASE_BSP : 0);
		l->id = l->initial_id << 24;
	}
	l->tpr = l->ldr = 0;
	l->dfr = 0xffffffffu;
	l->svr = 0xff;
	l->esr = l->esr_pending = 0;
	l->icr_lo = l->icr_hi = 0;
	for (unsigned i = 0; i < 8; i++)
		l->irr[i] = l->isr[i] = l->tmr[i] = 0;
	for (unsigned i = 0; i < LVT_COUNT; i++)
		l->lvt[i] = APIC_LVT_MASKED;
	l->tmict = l->tdcr = 0;
	l->timer = (struct vlapic_timer){ 0 };
}

int vlapic_init(struct vlapic *l, struct vlapic_bus *bus, unsigned index)
{
	if (index >= VLAPIC_MAX_VCPUS || bus->cpu[index])
		return -1;
	*l = (struct vlapic){ .bus = bus, .index = index, .initial_id = index };
	vlapic_reset(l, true);
	bus->cpu[index] = l;
	return 0;
}

/* ---- register file ---- */

uint32_t vlapic_ldr(const struct vlapic *l)
{
	/* x2APIC logical ID: cluster in 31:16, one bit of 16 in 15:0. */
	if (vlapic_x2apic(l))
		return ((l->initial_id >> 4) << 16) | (1u << (l->initial_id & 0xf));
	return l->ldr;
}

bool vlapic_reg_readable(uint32_t off, bool x2apic)
{
	return !(off & 0xf) && off < APIC_REG_END &&
	       (regs[REG(off)].flags & (x2apic ? R_X2R : R_XR));
}

uint32_t vlapic_reg_read(struct vlapic *l, uint32_t off)
{
	unsigned i = (off >> 4) & 7;

	switch (off & ~0x70u) {
	case APIC_REG_ISR:
		return l->isr[i];
	case APIC_REG_TMR:
		return __atomic_load_n(&l->tmr[i], __ATOMIC_ACQUIRE);
	case APIC_REG_IRR:
		return __atomic_load_n(&l->irr[i], __ATOMIC_ACQUIRE);
	}
	switch (off) {
	case APIC_REG_ID:
		return vlapic_x2apic(l) ? l->initial_id : l->id;
	case APIC_REG_VER:
		return VLAPIC_VERSION;
	case APIC_REG_TPR:
		return l->tpr;
	case APIC_REG_APR:
		return vlapic_apr(l);
	case APIC_REG_PPR:
		return vlapic_ppr(l);
	case APIC_REG_LDR:
		return vlapic_ldr(l);
	case APIC_REG_DFR:
		return l->dfr;
	case APIC_REG_SVR:
		return l->svr;
	case APIC_REG_ESR:
		return l->esr;
	case APIC_REG_ICR_LO:
		return l->icr_lo;
	case APIC_REG_ICR_HI:
		return l->icr_hi;
	case APIC_REG_TMICT:
		return l->tmict;
	case APIC_REG_TMCCT:
		return vlapic_timer_current(l);
	case APIC_REG_TDCR:
		return l->tdcr;
	}
	if (off >= APIC_REG_LVT_TIMER && off <= APIC_REG_LVT_ERROR)
		return l->lvt[(off - APIC_REG_LVT_TIMER) >> 4];
	return 0; /* RRD: no remote reads */
}

static void svr_write(struct vlapic *l, uint32_t val)
{
	l->svr = val & SVR_WRITABLE;
	/* SDM 10.4.7.2: software disabling masks every LVT entry. */
	if (!(l->svr & APIC_SVR_ENABLE))
		for (unsigned i = 0; i < LVT_COUNT; i++)
			l->lvt[i] |= APIC_LVT_MASKED;
}

static void lvt_write(struct vlapic *l, enum vlapic_lvt which, uint32_t val)
{
	uint32_t old = l->lvt[which];
	uint32_t v = val & lvt_writable[which];

	/* Timer mode 3 is reserved: keep the mode we had. */
	if (which == LVT_TIMER && (v & APIC_TIMER_MODE_MASK) == APIC_TIMER_MODE_MASK)
		v = (v & ~APIC_TIMER_MODE_MASK) | (old & APIC_TIMER_MODE_MASK);
	/* While software disabled, mask bits cannot be cleared. */
	if (!(l->svr & APIC_SVR_ENABLE))
		v |= APIC_LVT_MASKED;
	__atomic_store_n(&l->lvt[which], v, __ATOMIC_RELAXED);
	if (which == LVT_TIMER)
		vlapic_timer_lvt_written(l, old);
}

/* The write semantics both views share; 'val' has passed the view's
 * checks.  Read-only registers never get here. */
static void reg_write(struct vlapic *l, uint32_t off, uint32_t val)
{
	switch (off) {
	case APIC_REG_ID:
		l->id = val & XAPIC_ID_MASK;
		break;
	case APIC_REG_TPR:
		l->tpr = val & 0xff;
		break;
	case APIC_REG_EOI:
		eoi(l);
		break;
	case APIC_REG_LDR:
		l->ldr = val & XAPIC_ID_MASK;
		break;
	case APIC_REG_DFR:
		l->dfr = (val & DFR_MODEL_MASK) | ~DFR_MODEL_MASK;
		break;
	case APIC_REG_SVR:
		svr_write(l, val);
		break;
	case APIC_REG_ESR:
		/* A write latches the errors seen since the last one. */
		l->esr = __atomic_exchange_n(&l->esr_pending, 0, __ATOMIC_SEQ_CST);
		break;
	case APIC_REG_ICR_LO:
		l->icr_lo = val & APIC_ICR_LO_WRITABLE;
		vlapic_ipi_send(l, l->icr_lo, l->icr_hi >> 24, false);
		break;
	case APIC_REG_ICR_HI:
		l->icr_hi = val & XAPIC_ID_MASK;
		break;
	case APIC_REG_TMICT:
		vlapic_timer_set_initial(l, val);
		break;
	case APIC_REG_TDCR:
		vlapic_timer_set_divide(l, val & TDCR_WRITABLE);
		break;
	case APIC_REG_SELF_IPI:
		vlapic_ipi_send(l, (val & 0xff) | (APIC_SH_SELF << 18), 0, true);
		break;
	default:
		if (off >= APIC_REG_LVT_TIMER && off <= APIC_REG_LVT_ERROR)
			lvt_write(l, (enum vlapic_lvt)((off - APIC_REG_LVT_TIMER) >> 4), val);
		break;
	}
}

/* Offsets that name no register set "illegal register address". */
static const struct reg_desc *xapic_reg(struct vlapic *l, uint32_t offset)
{
	const struct reg_desc *d;

	if (!vlapic_xapic(l) || (offset & 0xf) || offset >= 0x1000)
		return NULL;
	d = offset < APIC_REG_END ? &regs[REG(offset)] : NULL;
	if (!d || !(d->flags & (R_XR | R_XW))) {
		vlapic_esr_raise(l, APIC_ESR_ILLEGAL_REG);
		return NULL;
	}
	return d;
}

uint32_t vlapic_mmio_read(struct vlapic *l, uint32_t offset)
{
	const struct reg_desc *d;

	/* SDM 10.4.3: globally disabled, the LAPIC does not decode its
	 * page; nothing answers there, and the bus reads all ones. */
	if (!vlapic_enabled(l))
		return 0xffffffffu;
	d = xapic_reg(l, offset);

	return d && (d->flags & R_XR) ? vlapic_reg_read(l, offset) : 0;
}

void vlapic_mmio_write(struct vlapic *l, uint32_t offset, uint32_t val)
{
	const struct reg_desc *d = xapic_reg(l, offset);

	if (d && (d->flags & R_XW))
		reg_write(l, offset, val);
}

/* SDM 10.12.5: EN=0 with EXTD=1 is invalid; x2APIC -> xAPIC and
 * disabled -> x2APIC are illegal transitions.  Disabling resets the
 * LAPIC (SDM 10.4.3), and so does enabling it again, so that it comes
 * back in its power-up state (SDM 10.4.7.1) whatever happened while it
 * was off (a CR8 write); the BSP flag is not the guest's to change. */
static int apic_base_write(struct vlapic *l, uint64_t val)
{
	unsigned pb = l->bus->phys_bits;
	uint64_t rsvd;
	uint64_t mode_bits = VLAPIC_BASE_EN | VLAPIC_BASE_EXTD;
	uint64_t old = l->apic_base & mode_bits, new = val & mode_bits;

	if (pb < 32 || pb > 52)
		pb = 36;
	rsvd = APIC_BASE_RESERVED | ~((1ULL << pb) - 1);
	if ((val & rsvd) || new == VLAPIC_BASE_EXTD ||
	    (old == mode_bits && new == VLAPIC_BASE_EN) ||
	    (old == 0 && new == mode_bits))
		return VLAPIC_GP;
	if (!old != !new)
		vlapic_reset(l, false);
	if (!new)
		l->id = l->initial_id << 24;
	l->apic_base = (val & ~VLAPIC_BASE_BSP) | (l->apic_base & VLAPIC_BASE_BSP);
	return 0;
}

static const struct reg_desc *x2apic_reg(const struct vlapic *l, uint32_t msr,
					 uint8_t need)
{
	const struct reg_desc *d;

	if (msr < VLAPIC_MSR_X2APIC_FIRST || msr > VLAPIC_MSR_X2APIC_LAST ||
	    !vlapic_x2apic(l) || msr - VLAPIC_MSR_X2APIC_FIRST >= REG(APIC_REG_END))
		return NULL;
	d = &regs[msr - VLAPIC_MSR_X2APIC_FIRST];
	return d->flags & need ? d : NULL;
}

int vlapic_rdmsr(struct vlapic *l, uint32_t msr, uint64_t *val)
{
	uint32_t off = (msr - VLAPIC_MSR_X2APIC_FIRST) << 4;

	if (msr == VLAPIC_MSR_APIC_BASE) {
		*val = l->apic_base;
		return 0;
	}
	if (msr == VLAPIC_MSR_TSC_DEADLINE) {
		*val = vlapic_tsc_deadline_read(l);
		return 0;
	}
	if (!x2apic_reg(l, msr, R_X2R))
		return VLAPIC_GP;
	if (off == APIC_REG_ICR_LO)
		*val = ((uint64_t)l->icr_hi << 32) | l->icr_lo;
	else
		*val = vlapic_reg_read(l, off);
	return 0;
}

int vlapic_wrmsr(struct vlapic *l, uint32_t msr, uint64_t val)
{
	uint32_t off = (msr - VLAPIC_MSR_X2APIC_FIRST) << 4;
	const struct reg_desc *d;

	if (msr == VLAPIC_MSR_APIC_BASE)
		return apic_base_write(l, val);
	if (msr == VLAPIC_MSR_TSC_DEADLINE) {
		vlapic_tsc_deadline_write(l, val);
		return 0;
	}
	d = x2apic_reg(l, msr, R_X2W);
	if (!d)
		return VLAPIC_GP;
	if (off == APIC_REG_ICR_LO) {
		if ((uint32_t)val & X2_ICR_RESERVED)
			return VLAPIC_GP;
		l->icr_lo = (uint32_t)val & ~X2_ICR_IGNORED;
		l->icr_hi = (uint32_t)(val >> 32);
		vlapic_ipi_send(l, l->icr_lo, l->icr_hi, true);
		return 0;
	}
	/* SDM 10.12.1.3: setting a reserved bit is #GP in x2APIC mode. */
	if ((val >> 32) || ((uint32_t)val & ~d->x2_allowed))
		return VLAPIC_GP;
	if (off == APIC_REG_LVT_TIMER &&
	    (val & APIC_TIMER_MODE_MASK) == APIC_TIMER_MODE_MASK)
		return VLAPIC_GP;
	reg_write(l, off, (uint32_t)val);
	return 0;
}

uint64_t vlapic_cr8_read(const struct vlapic *l)
{
	return (l->tpr >> 4) & 0xf;
}

int vlapic_cr8_write(struct vlapic *l, uint64_t val)
{
	if (val & ~0xfULL)
		return VLAPIC_GP;
	l->tpr = (uint32_t)val << 4;
	return 0;
}
