/* The architectural exception vectors (SDM vol. 3 6.3.1, table 6-1; AMD
 * APM vol. 2 8.2 for #HV, #VC, #SX): one set of names for the whole tree,
 * host exceptions and injected guest ones alike, and one name table.
 * Usable from assembly (the entry stubs). */
#ifndef LIB_X86_VECTORS_H
#define LIB_X86_VECTORS_H

#define X86_EXC_DE   0   /* divide error */
#define X86_EXC_DB   1   /* debug */
#define X86_EXC_NMI  2   /* non-maskable interrupt */
#define X86_EXC_BP   3   /* breakpoint (INT3) */
#define X86_EXC_OF   4   /* overflow (INTO) */
#define X86_EXC_BR   5   /* BOUND range exceeded */
#define X86_EXC_UD   6   /* invalid opcode */
#define X86_EXC_NM   7   /* device not available */
#define X86_EXC_DF   8   /* double fault */
#define X86_EXC_TS   10  /* invalid TSS */
#define X86_EXC_NP   11  /* segment not present */
#define X86_EXC_SS   12  /* stack-segment fault */
#define X86_EXC_GP   13  /* general protection */
#define X86_EXC_PF   14  /* page fault */
#define X86_EXC_MF   16  /* x87 floating-point error */
#define X86_EXC_AC   17  /* alignment check */
#define X86_EXC_MC   18  /* machine check */
#define X86_EXC_XM   19  /* SIMD floating-point */
#define X86_EXC_VE   20  /* virtualization exception */
#define X86_EXC_CP   21  /* control protection */
#define X86_EXC_HV   28  /* hypervisor injection (AMD) */
#define X86_EXC_VC   29  /* VMM communication (AMD) */
#define X86_EXC_SX   30  /* security exception (AMD) */

/* Vectors 0-31 are exceptions; the rest are interrupts. */
#define X86_NR_EXCEPTIONS 32

#ifndef __ASSEMBLER__
#include "lib/types.h"

/* "#PF page fault" and so on; "reserved exception" for an unnamed vector
 * below 32, "interrupt" above. */
const char *x86_exc_name(unsigned vector);
/* Whether the CPU pushes an error code for this exception. */
bool x86_exc_has_error_code(unsigned vector);
#endif

#endif
