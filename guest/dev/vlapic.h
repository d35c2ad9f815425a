/* Virtual local APIC: one per vCPU, xAPIC (MMIO) and x2APIC (MSR) views
 * of one register file, interrupt acceptance and priorities, the timer
 * (one-shot, periodic, TSC-deadline) and IPIs.  A pure state machine: time
 * comes from a clock hook, and everything it does to the outside world
 * (arm a host timer, wake a vCPU, tell the IOAPIC about an EOI, start a
 * vCPU) goes through the hooks of its bus, so host tests can drive it.
 *
 * The bus (struct vlapic_bus, one per VM) knows every vCPU's LAPIC and
 * resolves destinations for IPIs, IOAPIC and MSI messages.
 *
 * Concurrency: a LAPIC belongs to its vCPU.  Every function taking a
 * struct vlapic must run on that vCPU's thread (or under its lock), except
 * vlapic_accept_irq() and vlapic_bus_send(), which any pCPU may call: they
 * touch another LAPIC's IRR, TMR and pending errors only with atomics, and
 * read its priority without a lock for lowest-priority arbitration (an
 * approximation real hardware makes too).  Hooks are called from the
 * thread that caused the event and must be safe there.
 *
 * Facts from the Intel SDM vol. 3A chapter 10 (APIC). */
#ifndef GUEST_VLAPIC_H
#define GUEST_VLAPIC_H

#include "lib/types.h"

#define VLAPIC_MAX_VCPUS 64 /* destination sets are one uint64_t */
#define VLAPIC_GP (-1)      /* MSR access result: inject #GP(0) */

#define VLAPIC_MSR_APIC_BASE 0x1b
#define VLAPIC_MSR_TSC_DEADLINE 0x6e0
#define VLAPIC_MSR_X2APIC_FIRST 0x800
#define VLAPIC_MSR_X2APIC_LAST 0x8ff

#define VLAPIC_BASE_BSP BIT(8)
#define VLAPIC_BASE_EXTD BIT(10) /* x2APIC mode */
#define VLAPIC_BASE_EN BIT(11)
#define VLAPIC_BASE_DEFAULT 0xfee00000ULL

/* Version register: version 0x14, max LVT entry 5 (timer, thermal, perf,
 * LINT0, LINT1, error; no CMCI), no EOI-broadcast suppression. */
#define VLAPIC_VERSION 0x00050014u

/* xAPIC register offsets (the x2APIC MSR is 0x800 + offset / 16). */
enum {
	APIC_REG_ID = 0x020,
	APIC_REG_VER = 0x030,
	APIC_REG_TPR = 0x080,
	APIC_REG_APR = 0x090,
	APIC_REG_PPR = 0x0a0,
	APIC_REG_EOI = 0x0b0,
	APIC_REG_RRD = 0x0c0,
	APIC_REG_LDR = 0x0d0,
	APIC_REG_DFR = 0x0e0,
	APIC_REG_SVR = 0x0f0,
	APIC_REG_ISR = 0x100, /* 8 registers of 32 bits, 16 bytes apart */
	APIC_REG_TMR = 0x180,
	APIC_REG_IRR = 0x200,
	APIC_REG_ESR = 0x280,
	APIC_REG_CMCI = 0x2f0,
	APIC_REG_ICR_LO = 0x300,
	APIC_REG_ICR_HI = 0x310,
	APIC_REG_LVT_TIMER = 0x320,
	APIC_REG_LVT_THERMAL = 0x330,
	APIC_REG_LVT_PERF = 0x340,
	APIC_REG_LVT_LINT0 = 0x350,
	APIC_REG_LVT_LINT1 = 0x360,
	APIC_REG_LVT_ERROR = 0x370,
	APIC_REG_TMICT = 0x380,
	APIC_REG_TMCCT = 0x390,
	APIC_REG_TDCR = 0x3e0,
	APIC_REG_SELF_IPI = 0x3f0, /* x2APIC only */
	APIC_REG_END = 0x400,
};

/* The six LVT entries, in register order from APIC_REG_LVT_TIMER. */
enum vlapic_lvt {
	LVT_TIMER,
	LVT_THERMAL,
	LVT_PERF,
	LVT_LINT0,
	LVT_LINT1,
	LVT_ERROR,
	LVT_COUNT,
};

#define APIC_LVT_MASKED BIT(16)
#define APIC_LVT_LEVEL BIT(15)
#define APIC_TIMER_MODE_SHIFT 17
#define APIC_TIMER_MODE_MASK (3u << APIC_TIMER_MODE_SHIFT)
enum { APIC_TIMER_ONESHOT, APIC_TIMER_PERIODIC, APIC_TIMER_TSC_DEADLINE };

#define APIC_SVR_ENABLE BIT(8)

/* ESR bits (SDM figure 10-9). */
#define APIC_ESR_SEND_ACCEPT BIT(2)
#define APIC_ESR_REDIR_IPI BIT(4)
#define APIC_ESR_SEND_ILLEGAL BIT(5)
#define APIC_ESR_RECV_ILLEGAL BIT(6)
#define APIC_ESR_ILLEGAL_REG BIT(7)

/* ICR fields. */
#define APIC_ICR_VECTOR(lo) ((lo) & 0xff)
#define APIC_ICR_DM(lo) (((lo) >> 8) & 7)
#define APIC_ICR_LOGICAL BIT(11)
#define APIC_ICR_ASSERT BIT(14)
#define APIC_ICR_LEVEL BIT(15)
#define APIC_ICR_SHORTHAND(lo) (((lo) >> 18) & 3)
#define APIC_ICR_LO_WRITABLE 0x000ccfffu /* all but delivery status, reserved */
#define APIC_ICR_HI_DEST 0xff000000u    /* xAPIC destination field */

/* Delivery modes of ICRs, LVT entries, IOAPIC entries and MSIs. */
enum apic_dm {
	APIC_DM_FIXED = 0,
	APIC_DM_LOWPRI = 1,
	APIC_DM_SMI = 2,
	APIC_DM_NMI = 4,
	APIC_DM_INIT = 5,
	APIC_DM_SIPI = 6,
	APIC_DM_EXTINT = 7,
};

enum apic_shorthand {
	APIC_SH_NONE,
	APIC_SH_SELF,
	APIC_SH_ALL,    /* all including self */
	APIC_SH_OTHERS, /* all excluding self */
};

/* One interrupt message on the APIC bus: an IPI, an IOAPIC redirection
 * or an MSI. */
struct vlapic_msg {
	uint32_t dest;     /* APIC ID or logical destination */
	uint8_t vector;    /* SIPI: the start-up page */
	uint8_t mode;      /* enum apic_dm */
	uint8_t shorthand; /* enum apic_shorthand (IPIs only) */
	bool logical;      /* logical destination mode */
	bool level;        /* level-triggered: TMR set, EOI reported */
	bool wide;         /* 32-bit (x2APIC) destination: broadcast is
			    * 0xffffffff rather than 0xff */
	int src;           /* sending vCPU index (shorthands), or -1 */
};

/* Called with the bus's ctx.  All but now() may be NULL. */
struct vlapic_hooks {
	/* Current time in TSC ticks. */
	uint64_t (*now)(void *ctx);
	/* Make vlapic_timer_expired() run for 'vcpu' at TSC 'deadline' (or
	 * at once if it has passed); replaces any earlier arming. */
	void (*timer_arm)(void *ctx, unsigned vcpu, uint64_t deadline);
	void (*timer_cancel)(void *ctx, unsigned vcpu);
	/* An event for 'vcpu'.  APIC_DM_FIXED: 'vector' is already in its
	 * IRR, the hook only has to wake or kick it.  NMI, SMI, ExtINT (ask
	 * the PIC for the vector), INIT (reset with vlapic_reset(l, false)
	 * and wait for SIPI) and SIPI ('vector' is the start-up page) are
	 * the caller's to carry out. */
	void (*deliver)(void *ctx, unsigned vcpu, enum apic_dm mode,
			uint8_t vector);
	/* EOI of a level-triggered vector (TMR set): for the IOAPIC. */
	void (*eoi)(void *ctx, unsigned vcpu, uint8_t vector);
};

struct vlapic;

struct vlapic_bus {
	const struct vlapic_hooks *hooks;
	void *ctx;
	uint64_t tsc_hz;
	uint64_t timer_hz;  /* LAPIC timer input clock before the divider */
	uint8_t phys_bits;  /* guest MAXPHYADDR for APIC_BASE checks */
	struct vlapic *cpu[VLAPIC_MAX_VCPUS];
	uint64_t undelivered; /* messages no LAPIC accepted */
};

struct vlapic_timer {
	bool armed;
	uint64_t start;        /* TSC at which counting from TMICT began */
	uint64_t period;       /* TMICT in TSC ticks at the current divider */
	uint64_t deadline;     /* TSC of the next expiry while armed */
	uint64_t tsc_deadline; /* IA32_TSC_DEADLINE as the guest reads it */
	uint64_t fired;        /* expiries, delivered or masked */
	uint64_t coalesced;    /* periodic expiries missed by a late caller */
};

struct vlapic {
	struct vlapic_bus *bus;
	unsigned index;      /* vCPU index on the bus */
	uint32_t initial_id; /* x2APIC ID, initial xAPIC ID */
	uint64_t apic_base;
	uint32_t id;         /* xAPIC ID register (ID in bits 31:24) */
	uint32_t tpr, ldr, dfr, svr;
	uint32_t esr;          /* as last latched by an ESR write */
	uint32_t esr_pending;  /* errors since (atomic) */
	uint32_t icr_lo, icr_hi;
	uint32_t irr[8], isr[8], tmr[8]; /* IRR and TMR atomic */
	uint32_t lvt[LVT_COUNT];
	uint32_t tmict, tdcr;
	struct vlapic_timer timer;
};

/* ---- set-up ---- */
void vlapic_bus_init(struct vlapic_bus *bus, const struct vlapic_hooks *hooks,
		     void *ctx, uint64_t tsc_hz, uint64_t timer_hz);
/* Attach 'l' as vCPU 'index' (APIC ID = index; vCPU 0 is the BSP) in its
 * power-on state.  Returns -1 for a bad or taken index. */
int vlapic_init(struct vlapic *l, struct vlapic_bus *bus, unsigned index);
/* Power-on reset, or INIT (keeps APIC_BASE, the x2APIC mode and the ID). */
void vlapic_reset(struct vlapic *l, bool power_on);

/* ---- guest accesses ---- */
/* xAPIC MMIO: 32-bit accesses at 16-byte aligned 'offset' in the page;
 * others read 0 and are ignored.  In x2APIC mode: reads 0, ignored;
 * globally disabled: reads all ones, ignored. */
uint32_t vlapic_mmio_read(struct vlapic *l, uint32_t offset);
void vlapic_mmio_write(struct vlapic *l, uint32_t offset, uint32_t val);
/* APIC_BASE, TSC_DEADLINE and the x2APIC MSRs; 0 or VLAPIC_GP. */
int vlapic_rdmsr(struct vlapic *l, uint32_t msr, uint64_t *val);
int vlapic_wrmsr(struct vlapic *l, uint32_t msr, uint64_t val);
/* MOV from/to CR8 (TPR bits 7:4); VLAPIC_GP for reserved bits. */
uint64_t vlapic_cr8_read(const struct vlapic *l);
int vlapic_cr8_write(struct vlapic *l, uint64_t val);

static inline bool vlapic_enabled(const struct vlapic *l)
{
	return l->apic_base & VLAPIC_BASE_EN;
}
static inline bool vlapic_x2apic(const struct vlapic *l)
{
	return (l->apic_base & (VLAPIC_BASE_EN | VLAPIC_BASE_EXTD)) ==
	       (VLAPIC_BASE_EN | VLAPIC_BASE_EXTD);
}
static inline bool vlapic_xapic(const struct vlapic *l)
{
	return (l->apic_base & (VLAPIC_BASE_EN | VLAPIC_BASE_EXTD)) == VLAPIC_BASE_EN;
}
/* Guest-physical page of the xAPIC registers. */
static inline uint64_t vlapic_mmio_base(const struct vlapic *l)
{
	return l->apic_base & ~0xfffULL;
}

/* ---- the injector ---- */
/* Highest IRR vector whose priority class beats the PPR's, or -1. */
int vlapic_pending_vector(const struct vlapic *l);
/* The vector was injected: IRR -> ISR.  False if it was not requested. */
bool vlapic_ack(struct vlapic *l, uint8_t vector);
uint32_t vlapic_ppr(const struct vlapic *l);
/* Arbitration priority (lowest-priority delivery picks the lowest). */
uint32_t vlapic_apr(const struct vlapic *l);
/* 'vector' left the ISR: a level-triggered one is reported to the IOAPIC.
 * EOI does this for the highest in-service vector; with APIC
 * virtualization the CPU retires it itself and the EOI-exit bitmap
 * brings the level-triggered ones here. */
void vlapic_eoi_vector(struct vlapic *l, uint8_t vector);

/* ---- interrupt sources ---- */
/* Request a fixed interrupt (any pCPU).  Dropped (false) when the LAPIC
 * is disabled or the vector is illegal (0-15: "receive illegal vector"). */
bool vlapic_accept_irq(struct vlapic *l, uint8_t vector, bool level);
/* Deliver a message to every LAPIC it names; returns how many took it. */
unsigned vlapic_bus_send(struct vlapic_bus *bus, const struct vlapic_msg *m);
/* LINT0/LINT1 (pin 0/1) asserted: acts as its LVT entry says. */
void vlapic_lint(struct vlapic *l, unsigned pin);
/* May the PIC's INTR reach the CPU: LINT0 unmasked in ExtINT mode, or the
 * LAPIC globally disabled (then INTR goes straight to the core). */
bool vlapic_extint_allowed(const struct vlapic *l);
/* What firmware does before handing over to an OS: software-enable the
 * LAPIC with LINT0 = ExtINT (the PIC) and LINT1 = NMI, both unmasked. */
void vlapic_virtual_wire(struct vlapic *l);

/* ---- timer ---- */
/* The host timer armed through timer_arm() fired at TSC 'now'. */
void vlapic_timer_expired(struct vlapic *l, uint64_t now);

/* ---- APIC virtualization: the register page (guest/dev/vlapic_page.c) ---- */
/* The CPU reads the registers from a 4-KiB page in the xAPIC layout (in
 * x2APIC mode ICR is one 64-bit register at 0x300) and changes TPR, ISR,
 * IRR and ICR there itself; see guest/dev/vlapic_page.c. */
#define VLAPIC_PAGE_WORDS 1024

struct vlapic_page_status {
	uint8_t rvi;         /* highest requested vector, 0 for none */
	uint8_t svi;         /* highest vector in service, 0 for none */
	uint64_t level[4];   /* level-triggered vectors (TMR): EOIs that
			      * must reach the IOAPIC */
	uint64_t unblock[4]; /* vectors in service or requested whose EOI
			      * may let another requested vector through;
			      * none when at most one is requested and it
			      * can be delivered at once */
};

/* Before the guest runs: the register file into 'page', and the requested
 * vectors handed to the CPU (moved from l->irr to the page). */
void vlapic_page_load(struct vlapic *l, uint32_t *page,
		      struct vlapic_page_status *st);
/* After the guest ran: take back what the CPU changed.  True when vectors
 * it did not deliver came back to l->irr: load again before the next
 * entry. */
bool vlapic_page_store(struct vlapic *l, uint32_t *page);
/* A write the CPU put in the page and left to us (APIC-write exit, page
 * offset 'offset'): carry it out with the value it wrote. */
void vlapic_page_write(struct vlapic *l, const uint32_t *page, uint32_t offset);
/* May RDMSR of this x2APIC MSR read the page without an exit: a register
 * that exists in x2APIC mode and whose value changes only by writes
 * (not TMCCT, which counts). */
bool vlapic_page_x2apic_readable(uint32_t msr);

/* ---- between guest/vlapic*.c only ---- */
uint32_t vlapic_reg_read(struct vlapic *l, uint32_t off);
bool vlapic_reg_readable(uint32_t off, bool x2apic);
void vlapic_esr_raise(struct vlapic *l, uint32_t bits);
void vlapic_lvt_fire(struct vlapic *l, enum vlapic_lvt which);
uint32_t vlapic_ldr(const struct vlapic *l);
void vlapic_ipi_send(struct vlapic *l, uint32_t icr_lo, uint32_t dest,
		     bool x2apic);
void vlapic_timer_stop(struct vlapic *l);
void vlapic_timer_lvt_written(struct vlapic *l, uint32_t old);
void vlapic_timer_set_initial(struct vlapic *l, uint32_t count);
void vlapic_timer_set_divide(struct vlapic *l, uint32_t dcr);
uint32_t vlapic_timer_current(struct vlapic *l);
uint64_t vlapic_tsc_deadline_read(const struct vlapic *l);
void vlapic_tsc_deadline_write(struct vlapic *l, uint64_t val);
unsigned vlapic_timer_mode(const struct vlapic *l);

#endif
