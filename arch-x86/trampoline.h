/* Layout shared by arch-x86/trampoline.S and arch-x86/smp.c. */
#ifndef ARCH_X86_TRAMPOLINE_H
#define ARCH_X86_TRAMPOLINE_H

/* Page below 1 MiB the APs start at (SIPI vector = base >> 12). */
#define TRAMPOLINE_BASE 0x8000
#define TR_SEL_CODE32 0x08
#define TR_SEL_DATA 0x10
#define TR_SEL_CODE64 0x18

#ifndef __ASSEMBLER__
#include "lib/types.h"

/* The last bytes of the trampoline. */
struct trampoline_params {
	uint64_t cr3;
	uint64_t efer_bits; /* ORed into EFER: LME, and NXE when supported */
	uint64_t stack;
	uint64_t entry;
	uint64_t cpu;
};

extern const char trampoline_start[], trampoline_end[];
#endif

#endif
