/* Structure offsets shared by the runtime's assembly and C.  The C side
 * checks every one with _Static_assert (state.c, exc.c), so a mismatch
 * fails the build instead of the guest. */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

/* struct entry_state */
#define ES_RDI 0
#define ES_RSP 8
#define ES_RFLAGS 16
#define ES_CR0 24
#define ES_CR3 32
#define ES_CR4 40
#define ES_CS 48
#define ES_DS 50
#define ES_ES 52
#define ES_SS 54
#define ES_FS 56
#define ES_GS 58
#define ES_GDTR 60 /* SGDT's 10-byte image: limit, then base */
#define ES_IDTR 70
#define ES_SIZE 80

/* struct exc_frame: 15 GPRs pushed by exc_common, then the vector and
 * error code pushed by the stubs, then the CPU's interrupt frame. */
#define EF_VECTOR 120
#define EF_SIZE 176
/* Bytes per interrupt stub (vectors 32..255) in exc_entry.S. */
#define IRQ_STUB_SIZE 16

/* struct user_ctx: what run_user's caller needs back. */
#define UC_RBX 0
#define UC_RBP 8
#define UC_R12 16
#define UC_R13 24
#define UC_R14 32
#define UC_R15 40
#define UC_RSP 48
#define UC_RIP 56

/* struct smp_boot: what a vCPU's entry stub records (lib/smp.c). */
#define SB_RSP 0
#define SB_RDI 8
#define SB_RFLAGS 16
#define SB_TSC 24
#define SB_SHIFT 5 /* sizeof(struct smp_boot) == 1 << SB_SHIFT */

/* For the entry stub: the runtime's vCPU limit (GRT_MAX_VCPUS), the
 * wake-up vector (GRT_VEC_WAKE) and the start-of-day code selector
 * (HV_SEL_CODE64); lib/smp.c checks them against the C definitions.
 * A secondary vCPU waits for smp_start() under a private IDT of
 * RT_VEC_WAKE + 1 gates whose last one is a 64-bit interrupt gate. */
#define RT_MAX_VCPUS 8
#define RT_VEC_WAKE 0x20
#define RT_SEL_CODE64 0x08
#define PARK_IDT_SIZE ((RT_VEC_WAKE + 1) * 16)
#define PARK_GATE_TYPE 0x8e /* P, DPL 0, type 0xe */

#endif
