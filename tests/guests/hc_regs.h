/* hc_test's register-preservation probe (hc_regs.S). */
#ifndef HC_REGS_H
#define HC_REGS_H

/* The 14 GPRs besides RAX and RSP, in the order hc_regs_after holds them:
 * rbx rcx rdx rsi rdi rbp r8 r9 r10 r11 r12 r13 r14 r15.  Register i is
 * loaded with HC_REG_PATTERN(i) before the VMCALL. */
#define HC_NR_REGS 14
#ifdef __ASSEMBLER__
#define HC_REG_PATTERN(i) (0x1111111111111111 * ((i) + 1))
#else
#define HC_REG_PATTERN(i) (0x1111111111111111ull * (uint64_t)((i) + 1))
#endif

#ifndef __ASSEMBLER__
#include <stdint.h>

extern uint64_t hc_regs_after[HC_NR_REGS];
/* VMCALLs 'nr' with every other GPR holding its pattern; returns RAX. */
int64_t hc_regs_call(uint64_t nr);
#endif

#endif
