/* Structure offsets for assembly, generated at build time: the Makefile
 * compiles this file to assembly and turns the "->" markers into
 * build/gen/arch-x86/asm-offsets.h.  Never type an offset by hand in a .S file. */
#include <stddef.h>
#include "arch-x86/exception.h"
#include "arch-x86/percpu.h"

#define DEFINE(sym, val) \
	__asm__ volatile("\n.ascii \"->" #sym " %0\"" : : "i"(val))

void asm_offsets(void);
void asm_offsets(void)
{
	DEFINE(EXC_FRAME_SIZE, sizeof(struct exc_frame));
	DEFINE(EXC_FRAME_RBP, offsetof(struct exc_frame, rbp));
	DEFINE(EXC_FRAME_RIP, offsetof(struct exc_frame, rip));
	DEFINE(EXC_FRAME_ERROR, offsetof(struct exc_frame, error));
	DEFINE(PERCPU_SELF, offsetof(struct percpu, self));
}
