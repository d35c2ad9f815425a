/* Saving and loading a vCPU's x87/SSE/AVX state.  The hypervisor itself
 * never touches these registers (-mgeneral-regs-only), so a vCPU's state
 * stays live in the CPU while it runs and is switched with the vCPU. */
#ifndef ARCH_X86_FPU_H
#define ARCH_X86_FPU_H

#include "lib/types.h"

/* Enable XSAVE/FXSAVE use on this CPU (CR4.OSFXSR, CR4.OSXSAVE). */
void fpu_cpu_init(void);
/* A fresh area in the architectural reset state (one page, 64-aligned). */
void fpu_init_area(void *area);
/* Save this CPU's state into area (XSAVE with XCR0 = xcr0, or FXSAVE). */
void fpu_save(void *area, uint64_t xcr0);
/* Load area and set XCR0 = xcr0. */
void fpu_load(const void *area, uint64_t xcr0);

#endif
