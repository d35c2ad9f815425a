/* Host exception frames and handlers. */
#ifndef ARCH_X86_EXCEPTION_H
#define ARCH_X86_EXCEPTION_H

#include "lib/types.h"

/* Layout built by arch-x86/exc_entry.S: GPRs pushed by the stub (r15 at the
 * lowest address), then vector and error code, then the CPU's frame. */
struct exc_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

enum exc_vector {
	EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4,
	EXC_BR = 5, EXC_UD = 6, EXC_NM = 7, EXC_DF = 8, EXC_TS = 10,
	EXC_NP = 11, EXC_SS = 12, EXC_GP = 13, EXC_PF = 14, EXC_MF = 16,
	EXC_AC = 17, EXC_MC = 18, EXC_XM = 19, EXC_VE = 20, EXC_CP = 21,
};

const char *exception_name(unsigned vector);
bool exception_has_error_code(unsigned vector);
void exception_dispatch(struct exc_frame *f);
void dump_backtrace(uint64_t rbp);

/* An interrupt handler (vectors >= 32) registered by a driver. */
typedef void (*irq_handler_fn)(struct exc_frame *f);
void irq_register(unsigned vector, irq_handler_fn fn);

#endif
