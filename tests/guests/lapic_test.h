/* lapic_test: what its files share (lapic_test.c: the tests vCPU 0 runs
 * on its own LAPIC and main; lapic_apic.c: LAPIC access in either mode and
 * small helpers; lapic_smp.c: starting vCPU 1 and the IPIs between the
 * two).  See lapic_test.c for what is checked. */
#ifndef LAPIC_TEST_H
#define LAPIC_TEST_H

#include "lib/guest_rt.h"

/* ---- The platform ------------------------------------------------------ */

#define LAPIC_MMIO 0xfee00000ull
#define MSR_APIC_BASE 0x1bu
#define MSR_TSC_DEADLINE 0x6e0u
#define MSR_X2APIC_FIRST 0x800u
#define MSR_EFER 0xc0000080u
#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10)
#define APIC_BASE_EN (1ull << 11)
#define APIC_BASE_ADDR_MASK 0xfffffffff000ull
#define APIC_VERSION 0x00050014u
#define EFER_LME (1ull << 8)
#define EFER_NXE (1ull << 11)
#define CR4_PAE (1ull << 5)

#define CPUID1_EDX_APIC (1u << 9)
#define CPUID1_ECX_X2APIC (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

/* Register offsets in the xAPIC page; the x2APIC MSR is 0x800 + off/16. */
enum {
	REG_ID = 0x020,
	REG_VER = 0x030,
	REG_TPR = 0x080,
	REG_PPR = 0x0a0,
	REG_EOI = 0x0b0,
	REG_LDR = 0x0d0,
	REG_DFR = 0x0e0,
	REG_SVR = 0x0f0,
	REG_ISR = 0x100,
	REG_TMR = 0x180,
	REG_IRR = 0x200,
	REG_ESR = 0x280,
	REG_ICR_LO = 0x300,
	REG_ICR_HI = 0x310,
	REG_LVT_TIMER = 0x320,
	REG_LVT_LINT0 = 0x350,
	REG_LVT_LINT1 = 0x360,
	REG_LVT_ERROR = 0x370,
	REG_TMICT = 0x380,
	REG_TMCCT = 0x390,
	REG_TDCR = 0x3e0,
	REG_SELF_IPI = 0x3f0,
};

#define MSR_OF(off) (MSR_X2APIC_FIRST + ((off) >> 4))

#define LVT_MASKED (1u << 16)
#define LVT_ONESHOT (0u << 17)
#define LVT_PERIODIC (1u << 17)
#define LVT_TSC_DEADLINE (2u << 17)
#define SVR_ENABLE (1u << 8)

#define ICR_FIXED (0u << 8)
#define ICR_NMI (4u << 8)
#define ICR_INIT (5u << 8)
#define ICR_SIPI (6u << 8)
#define ICR_LOGICAL (1u << 11)
#define ICR_BUSY (1u << 12)
#define ICR_ASSERT (1u << 14)
#define ICR_LEVEL (1u << 15)
#define ICR_SELF (1u << 18)
#define ICR_ALL_BUT_SELF (3u << 18)

#define ESR_SEND_ACCEPT (1u << 2)
#define ESR_SEND_ILLEGAL (1u << 5)
#define ESR_RECV_ILLEGAL (1u << 6)

/* Divide configuration (SDM vol. 3 figure 10-10): bits 3, 1:0. */
#define TDCR_DIV1 0xbu
#define TDCR_DIV2 0x0u
#define TDCR_DIV16 0x3u
#define TDCR_DIV128 0xau

/* ---- Vectors ----------------------------------------------------------- */

#define VEC_TIMER 0x40
#define VEC_LOW 0x51      /* class 5 */
#define VEC_HIGH 0x62     /* class 6 */
#define VEC_BLK_LOW 0x55  /* class 5 */
#define VEC_BLK_HIGH 0x66 /* class 6 */
#define VEC_KICK 0x70     /* to vCPU 1: "look at ap_cmd" */
#define VEC_BACK 0x71     /* vCPU 1's answer to vCPU 0 */
#define VEC_NOBODY 0x73   /* sent to APIC ID 7 */
#define VEC_LEVEL 0x90    /* IOAPIC pin 4, level-triggered */
#define VEC_ILLEGAL 0x05  /* below 16: never sent */
#define VEC_SPURIOUS 0xff

#define ID_ABSENT 7
#define NVCPU 2

/* Every timer test waits about this many TSC ticks. */
#define TIMER_SPAN 2000000ull
/* Caps of 'slack' and 'ap_timeout' (below), in TSC ticks. */
#define MAX_SLACK 50000000ull
#define MAX_AP_WAIT 300000000ull
#define MAX_TICKS 16

/* ---- Shared state --------------------------------------------------------- */

extern volatile bool x2apic_on[NVCPU]; /* that vCPU's LAPIC is in x2APIC mode */
extern uint64_t tsc_hz;		/* TSC ticks per second */
extern uint64_t slack;		/* how late a timer interrupt may come */
extern uint64_t ap_timeout;	/* how long vCPU 1 may take to answer */

/* ---- lapic_apic.c --------------------------------------------------------- */

/* Check names with a parameter; printed at once, so one buffer does. */
uint64_t rdmsr(uint32_t msr);
void wrmsr(uint32_t msr, uint64_t val);
void spin_ticks(uint64_t ticks);
/* Interrupts on for 'ticks', then off again. */
void irq_window(uint64_t ticks);
/* Waits, interrupts on, until *ctr >= want or 'ticks' pass; 'yield' gives
 * the pCPU away meanwhile (when vCPU 1 has to do something).  Returns with
 * interrupts off. */
bool wait_count(volatile unsigned *ctr, unsigned want, uint64_t ticks, bool yield);
/* "xapic" or "x2apic": this vCPU's mode, for check names. */
const char *mode(void);

/* The LAPIC of the calling vCPU, through MMIO or MSRs as its mode says. */
uint32_t apic_read(uint32_t off);
void apic_write(uint32_t off, uint32_t v);
void apic_eoi(void);
/* Is 'vec' set in the 256-bit register starting at 'base' (ISR, IRR)? */
bool apic_bit(uint32_t base, unsigned vec);
bool isr_empty(void);
/* Sends an IPI: ICR low word 'lo', destination 'dest' (an APIC ID or a
 * logical destination; ignored with a shorthand). */
void apic_icr(uint32_t dest, uint32_t lo);
void apic_ipi(uint32_t apic_id, unsigned vec);
/* ICR shorthand "self" in xAPIC mode, the SELF IPI MSR in x2APIC mode. */
void send_self(unsigned vec);
/* Latches the errors seen since the last ESR write and returns them. */
uint32_t esr_latch(void);
/* LINT0/LINT1 (the PIC, NMI), the error LVT and the timer masked. */
void mask_lvts(void);

/* ---- lapic_smp.c ---------------------------------------------------------- */

void ap_install_handlers(void);
/* INIT-SIPI-SIPI; true once vCPU 1 runs its C code. */
bool start_ap(void);
/* IPIs both ways, NMIs, IPIs to an absent APIC ID, in the current mode. */
void test_ipis(void);
/* vCPU 1 waits 'delay' TSC ticks, then sends 'n' NMIs to APIC ID 0 back
 * to back (nmi_test); returns at once. */
void ap_send_nmis_to_0(unsigned n, uint64_t delay);
/* vCPU 1 (if it runs) and then vCPU 0 into x2APIC mode. */
void switch_to_x2apic(bool ap_up);

#endif
