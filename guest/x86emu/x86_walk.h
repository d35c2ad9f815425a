/* Guest page-table walk (SDM vol. 3 chapter 4): translate a guest linear
 * address to a guest-physical one with the guest's own paging state and
 * permission checks.  Results and faults use the emulator's types
 * (x86_emulate.h, which includes this header). */
#ifndef GUEST_X86_WALK_H
#define GUEST_X86_WALK_H

#include "guest/x86emu/x86_emulate.h"

/* Canonical in 48 bits, or 57 with CR4.LA57 (SDM vol. 1 §3.3.7.1). */
static inline bool x86_canonical(uint64_t la, bool la57)
{
	unsigned shift = 64 - (la57 ? 57 : 48);

	return (uint64_t)((int64_t)(la << shift) >> shift) == la;
}

/* Kind of access checked by x86_walk(). */
#define X86_ACC_WRITE BIT(0)
#define X86_ACC_USER BIT(1)  /* at CPL 3 */
#define X86_ACC_FETCH BIT(2)
#define X86_ACC_AC BIT(3)    /* RFLAGS.AC=1: SMAP allows this supervisor
			      * data access to a user page */

/* The guest's paging state and access to its physical memory. */
struct x86_paging {
	uint64_t cr0, cr3, cr4, efer;
	unsigned maxphyaddr; /* CPUID 0x80000008 EAX[7:0]; 0 means 52 */
	/* Read 'len' (4 or 8) bytes of a paging-structure entry at a
	 * guest-physical address; false if that is not guest RAM. */
	bool (*read_gpa)(void *ctx, gpa_t gpa, void *buf, unsigned len);
	void *ctx;
};

/* Translate a linear address: 32-bit paging (4K, 4M with CR4.PSE and
 * PSE-36), PAE paging (4K, 2M), 4- and 5-level paging (4K, 2M, 1G), or
 * none when CR0.PG=0.  Permissions follow CR0.WP, EFER.NXE, CR4.SMEP and
 * CR4.SMAP.  Returns X86_EMU_OK with *gpa, X86_EMU_PAGE_FAULT with the
 * error code and CR2 in *fault, X86_EMU_GP for a non-canonical address,
 * or X86_EMU_MMIO_ERROR when a paging structure is not in guest RAM.
 * Accessed and dirty flags are not set; protection keys are ignored. */
enum x86_emu_status x86_walk(const struct x86_paging *pg, uint64_t gla,
			     unsigned access, gpa_t *gpa,
			     struct x86_emu_fault *fault);

#endif
