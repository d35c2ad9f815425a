/* Host exception frames and handlers. */
#ifndef ARCH_X86_EXCEPTION_H
#define ARCH_X86_EXCEPTION_H

#include "lib/types.h"
#include "lib/x86_vectors.h" /* X86_EXC_*, x86_exc_name() */

/* Layout built by arch-x86/exc_entry.S: GPRs pushed by the stub (r15 at the
 * lowest address), then vector and error code, then the CPU's frame. */
struct exc_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

void exception_dispatch(struct exc_frame *f);
void dump_backtrace(uint64_t rbp);

/* An interrupt handler (vectors >= 32) registered by a driver. */
typedef void (*irq_handler_fn)(struct exc_frame *f);
void irq_register(unsigned vector, irq_handler_fn fn);

#endif
