// FUZZ-SOURCES: guest/dev/vlapic.c guest/dev/vlapic_timer.c guest/dev/vlapic_ipi.c guest/dev/vlapic_page.c
/* The virtual LAPIC (guest/dev/vlapic*.c): two vCPUs on one bus driven by
 * a sequence of xAPIC MMIO and x2APIC/APIC_BASE/TSC_DEADLINE MSR
 * accesses, CR8 writes, interrupts arriving, the injector acknowledging
 * them, bus messages (IPIs, IOAPIC and MSI messages), LINT pins, INIT,
 * time passing with the timer firing, and the APIC-virtualization page
 * interface (load, what the CPU does to the page, store, APIC-write).
 *
 * Checked after each step (SDM vol. 3A ch. 10 and 30): vectors 0-15 are
 * never requested nor in service; PPR is TPR or the in-service class as
 * the SDM defines it; the current count never exceeds the initial count;
 * the x2APIC ID is the initial one; the pending vector is the highest
 * requested one
 * and only when its class beats PPR's; acknowledging moves it from IRR to
 * ISR; APIC_BASE writes fault exactly on reserved bits and the illegal
 * mode transitions; x2APIC MSRs fault outside x2APIC mode; CR8 faults on
 * bits above 3 and otherwise is TPR[7:4]; a fixed interrupt reported to
 * the deliver hook is already in that vCPU's IRR. */
#include "guest/dev/vlapic.h"
#include "tests/fuzz/fuzz.h"

#define NCPU 2
#define TSC_HZ 1000000000ULL
#define TIMER_HZ 100000000ULL

static struct vlapic_bus bus;
static struct vlapic cpu[NCPU];
static uint32_t page[NCPU][VLAPIC_PAGE_WORDS];
static uint64_t now;
static bool armed[NCPU];
static uint64_t deadline[NCPU];

static bool bit(const uint32_t *set, unsigned v)
{
	return set[v / 32] & (1u << (v % 32));
}

static int highest(const uint32_t *set)
{
	for (int i = 7; i >= 0; i--)
		if (set[i])
			return i * 32 + 31 - __builtin_clz(set[i]);
	return -1;
}

static uint64_t h_now(void *ctx)
{
	(void)ctx;
	return now;
}

static void h_arm(void *ctx, unsigned vcpu, uint64_t when)
{
	(void)ctx;
	FUZZ_CHECK(vcpu < NCPU);
	armed[vcpu] = true;
	deadline[vcpu] = when;
}

static void h_cancel(void *ctx, unsigned vcpu)
{
	(void)ctx;
	FUZZ_CHECK(vcpu < NCPU);
	armed[vcpu] = false;
}

static void h_deliver(void *ctx, unsigned vcpu, enum apic_dm mode, uint8_t vector)
{
	(void)ctx;
	FUZZ_CHECK(vcpu < NCPU);
	if (mode == APIC_DM_FIXED)
		FUZZ_CHECKF(vector >= 16 && bit(cpu[vcpu].irr, vector),
			    "fixed vector %#x for vCPU %u not in its IRR", vector, vcpu);
	if (mode == APIC_DM_INIT)
		vlapic_reset(&cpu[vcpu], false);
}

static void h_eoi(void *ctx, unsigned vcpu, uint8_t vector)
{
	(void)ctx;
	FUZZ_CHECK(vcpu < NCPU && vector >= 16);
}

static const struct vlapic_hooks hooks = {
	h_now, h_arm, h_cancel, h_deliver, h_eoi,
};

static void check(const struct vlapic *l)
{
	int isrv = highest(l->isr), irrv = highest(l->irr), p;
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;
	uint32_t ppr = (l->tpr & 0xf0) >= isr_class ? l->tpr : isr_class;

	FUZZ_CHECKF((l->irr[0] & 0xffff) == 0, "IRR %#x", l->irr[0]);
	FUZZ_CHECKF((l->isr[0] & 0xffff) == 0, "ISR %#x", l->isr[0]);
	FUZZ_CHECK(l->tpr <= 0xff);
	FUZZ_CHECKF(vlapic_ppr(l) == ppr, "PPR %#x, SDM says %#x", vlapic_ppr(l), ppr);
	p = vlapic_pending_vector(l);
	if (irrv >= 0 && ((uint32_t)irrv & 0xf0) > (ppr & 0xf0))
		FUZZ_CHECKF(p == irrv, "pending %d, IRR's highest %d", p, irrv);
	else
		FUZZ_CHECKF(p == -1, "pending %d, IRR's highest %d, PPR %#x", p, irrv, ppr);
}

static void apic_base(struct vlapic *l, uint64_t val)
{
	uint64_t mode = VLAPIC_BASE_EN | VLAPIC_BASE_EXTD;
	uint64_t old = l->apic_base & mode, new = val & mode;
	uint64_t rsvd = 0x2ffULL | ~((1ULL << 36) - 1);
	bool gp = (val & rsvd) || new == VLAPIC_BASE_EXTD ||
		  (old == mode && new == VLAPIC_BASE_EN) || (old == 0 && new == mode);
	uint64_t bsp = l->apic_base & VLAPIC_BASE_BSP, back = 0;
	int rc = vlapic_wrmsr(l, VLAPIC_MSR_APIC_BASE, val);

	FUZZ_CHECKF((rc == VLAPIC_GP) == gp, "APIC_BASE %#llx -> %#llx gave %d",
		    (unsigned long long)old, (unsigned long long)val, rc);
	FUZZ_CHECK(vlapic_rdmsr(l, VLAPIC_MSR_APIC_BASE, &back) == 0);
	if (!gp)
		FUZZ_CHECK(back == ((val & ~VLAPIC_BASE_BSP) | bsp));
}

/* One guest run with APIC virtualization: load the page, let "the CPU"
 * change TPR, deliver and retire vectors in it as VMX does, store. */
static void page_run(struct vlapic *l, uint32_t *pg, struct fz *f)
{
	struct vlapic_page_status st;
	unsigned n = fz_u8(f) % 6;
	int eoi_exit = -1;

	vlapic_page_load(l, pg, &st);
	FUZZ_CHECK(pg[APIC_REG_TPR / 4] == l->tpr);
	FUZZ_CHECK(st.rvi == 0 || st.rvi >= 16);
	for (unsigned i = 0; i < n && eoi_exit < 0; i++) {
		uint8_t a = fz_u8(f);
		uint32_t irr[8], isr[8];
		int v, s;

		for (unsigned k = 0; k < 8; k++) {
			irr[k] = pg[(APIC_REG_IRR + 16 * k) / 4];
			isr[k] = pg[(APIC_REG_ISR + 16 * k) / 4];
		}
		v = highest(irr);
		s = highest(isr);
		switch (a & 3) {
		case 0: /* MOV to CR8 / TPR write, virtualized */
			pg[APIC_REG_TPR / 4] = a & 0xf0;
			break;
		case 1: { /* virtual-interrupt delivery (SDM 30.2.2) */
			uint32_t vppr = pg[APIC_REG_TPR / 4] & 0xf0;

			if (s >= 0 && (uint32_t)(s & 0xf0) > vppr)
				vppr = (uint32_t)s & 0xf0;
			if (v >= 16 && (uint32_t)(v & 0xf0) > vppr) {
				pg[(APIC_REG_IRR + 16 * (v / 32)) / 4] &= ~(1u << (v % 32));
				pg[(APIC_REG_ISR + 16 * (v / 32)) / 4] |= 1u << (v % 32);
			}
			break;
		}
		case 2: /* EOI virtualization (SDM 30.1.4) */
			if (s >= 0) {
				pg[(APIC_REG_ISR + 16 * (s / 32)) / 4] &= ~(1u << (s % 32));
				if (st.level[s / 64] & (1ULL << (s % 64)))
					eoi_exit = s;
			}
			break;
		default: /* a write the CPU leaves to us: APIC-write exit */
			if (!vlapic_x2apic(l)) {
				uint32_t off = (uint32_t)(a & 0xfc) << 2;

				if (off == APIC_REG_TPR || off == APIC_REG_EOI ||
				    off == APIC_REG_ICR_LO || off == APIC_REG_ICR_HI ||
				    (off >= APIC_REG_LVT_TIMER && off <= APIC_REG_TDCR) ||
				    off == APIC_REG_SVR || off == APIC_REG_ESR ||
				    off == APIC_REG_LDR || off == APIC_REG_DFR) {
					pg[off / 4] = fz_u32(f);
					(void)vlapic_page_store(l, pg);
					vlapic_page_write(l, pg, off);
					check(l);
					vlapic_page_load(l, pg, &st);
				}
			}
			break;
		}
	}
	(void)vlapic_page_store(l, pg);
	if (eoi_exit >= 0)
		vlapic_eoi_vector(l, (uint8_t)eoi_exit);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);

	now = 1000000;
	memset(armed, 0, sizeof(armed));
	memset(page, 0, sizeof(page));
	vlapic_bus_init(&bus, &hooks, NULL, TSC_HZ, TIMER_HZ);
	for (unsigned i = 0; i < NCPU; i++)
		FUZZ_CHECK(vlapic_init(&cpu[i], &bus, i) == 0);
	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f);
		unsigned c = op & 1;
		struct vlapic *l = &cpu[c];

		switch ((op >> 1) % 14) {
		case 0: {
			uint32_t off = (uint32_t)fz_u8(&f) << 4 & 0x3f0;

			vlapic_mmio_write(l, off | (op & 0x80 ? 4 : 0), fz_u32(&f));
			break;
		}
		case 1: {
			uint32_t off = (uint32_t)fz_u8(&f) << 4 & 0x3f0;
			uint32_t v = vlapic_mmio_read(l, off);

			/* Globally disabled, nothing decodes the page: the
			 * bus reads all ones (SDM 10.4.3); in x2APIC mode
			 * the page reads 0. */
			if (!vlapic_enabled(l))
				FUZZ_CHECK(v == 0xffffffffu);
			else if (!vlapic_xapic(l))
				FUZZ_CHECK(v == 0);
			/* The current count runs from the initial count down. */
			if (off == APIC_REG_TMCCT && vlapic_xapic(l))
				FUZZ_CHECKF(v <= l->tmict, "TMCCT %#x > TMICT %#x", v, l->tmict);
			if (off == APIC_REG_VER && vlapic_xapic(l))
				FUZZ_CHECK(v == VLAPIC_VERSION);
			break;
		}
		case 2: {
			uint32_t msr = VLAPIC_MSR_X2APIC_FIRST + fz_u8(&f);
			int rc = vlapic_wrmsr(l, msr, fz_u64(&f) >> (op & 0x80 ? 32 : 0));

			if (!vlapic_x2apic(l))
				FUZZ_CHECK(rc == VLAPIC_GP);
			break;
		}
		case 3: {
			uint32_t msr = VLAPIC_MSR_X2APIC_FIRST + fz_u8(&f);
			uint64_t v = 0;
			int rc = vlapic_rdmsr(l, msr, &v);

			if (!vlapic_x2apic(l))
				FUZZ_CHECK(rc == VLAPIC_GP);
			if (rc == 0 && msr == VLAPIC_MSR_X2APIC_FIRST + APIC_REG_TMCCT / 16)
				FUZZ_CHECK(v <= l->tmict);
			/* x2APIC: the ID is the initial APIC ID, read-only. */
			if (rc == 0 && msr == VLAPIC_MSR_X2APIC_FIRST + APIC_REG_ID / 16)
				FUZZ_CHECK(v == l->initial_id);
			break;
		}
		case 4: {
			/* Mostly the mode bits on the default base. */
			uint64_t v = fz_u8(&f);

			v = op & 0x80 ? v << 8 | VLAPIC_BASE_DEFAULT : fz_u64(&f) ^ v;
			apic_base(l, v);
			break;
		}
		case 5: {
			uint64_t v = fz_u8(&f) & 0x1f;
			int rc = vlapic_cr8_write(l, v);

			FUZZ_CHECK((rc == VLAPIC_GP) == (v > 15));
			if (rc == 0)
				FUZZ_CHECK(vlapic_cr8_read(l) == v &&
					   (l->tpr & 0xf0) == v << 4);
			break;
		}
		case 6: {
			uint8_t v = fz_u8(&f);
			bool took = vlapic_accept_irq(l, v, op & 0x80);

			if (took)
				FUZZ_CHECK(v >= 16 && bit(l->irr, v));
			if (v < 16)
				FUZZ_CHECK(!took);
			break;
		}
		case 7: {
			int v = vlapic_pending_vector(l);

			if (v >= 0) {
				FUZZ_CHECK(vlapic_ack(l, (uint8_t)v));
				FUZZ_CHECK(bit(l->isr, (unsigned)v) && !bit(l->irr, (unsigned)v));
			}
			break;
		}
		case 8: {
			struct vlapic_msg m = {
				.dest = fz_u32(&f) >> (op & 0x80 ? 24 : 0),
				.vector = fz_u8(&f),
				.mode = fz_u8(&f) & 7,
				.shorthand = (op >> 5) & 3,
				.logical = op & 0x40,
				.level = fz_u8(&f) & 1,
				.wide = op & 0x80,
				.src = (int)c,
			};

			FUZZ_CHECK(vlapic_bus_send(&bus, &m) <= NCPU);
			break;
		}
		case 9:
			vlapic_lint(l, (op >> 7) & 1);
			break;
		case 10:
			now += fz_u32(&f) << (op >> 6);
			break;
		case 11:
			if (armed[c]) {
				if (now < deadline[c])
					now = deadline[c];
				armed[c] = false;
				vlapic_timer_expired(l, now);
			}
			break;
		case 12:
			page_run(l, page[c], &f);
			break;
		default:
			if (op & 0x80)
				vlapic_virtual_wire(l);
			else
				vlapic_reset(l, false);
			break;
		}
		for (unsigned i = 0; i < NCPU; i++)
			check(&cpu[i]);
	}
	return 0;
}
