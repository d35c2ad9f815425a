/* Hypervisor stacks, each with an unmapped guard page right under it.
 *
 * The stacks are the boot stack (the BSP's stack for good), the per-CPU
 * stacks of the APs and the IST stacks of every CPU (#DF, NMI, #MC).  vCPUs
 * have no hypervisor stack of their own: the run loop and every exit
 * handler run on the stack of the physical CPU.  A frame that runs off the
 * bottom of a stack touches the guard page, the #PF cannot be delivered on
 * that stack, and the CPU switches to the #DF IST stack, where the fault
 * report names the stack that overflowed (instead of silently writing
 * over whatever lies below, as the boot stack once did to the boot page
 * directory). */
#ifndef ARCH_X86_STACK_H
#define ARCH_X86_STACK_H

#include "lib/types.h"
#include "mm/paging.h"

/* The BSP's IST stack of IST slot 'slot' + 1 (lowest usable byte); static,
 * so that #DF is reported from the first instruction on. */
uint8_t *stack_bsp_ist(unsigned slot);

/* The host page tables are live: unmap the guard pages of the static
 * stacks (the boot stack, whose guard page is 'boot_stack_guard', and the
 * BSP's IST stacks) and remember the tables for stack_alloc().  -ENOMEM
 * when a large page cannot be split. */
int stack_guards_init(struct paging *host, const void *boot_stack_guard);

/* A stack of 'pages' pages from the frame allocator with a guard page
 * under it; the lowest usable address, or NULL (no memory, or called
 * before stack_guards_init()). */
void *stack_alloc(size_t pages);

/* Which stack 'addr' (a faulting address) is the guard page of: fills
 * *cpu and *what ("stack", "#DF IST stack", ...) and returns true. */
bool stack_guard_hit(uint64_t addr, unsigned *cpu, const char **what);

#endif
