/* x86 emulation of guest accesses to emulated device pages.  The guest
 * page-table walker is in x86_walk.h, included at the end.
 *
 * After an EPT violation on a device page the caller fetches the bytes at
 * the guest's RIP, decodes them (x86_decode()) and calls x86_emulate()
 * with the faulting guest-physical address.  The emulator performs the
 * instruction through callbacks: registers, RFLAGS and RIP of the vCPU,
 * the device (mmio_read/mmio_write) for bytes on the faulting page, and
 * ordinary guest memory by linear address (read_mem/write_mem) for the
 * other side of a MOVS.  On X86_EMU_OK the instruction is complete and
 * RIP has been advanced (or, for a REP string instruction stopped at the
 * end of the device page, left in place with RCX/RSI/RDI showing the
 * progress, as the CPU does when it interrupts one): resume the guest
 * without skipping anything. */
#ifndef GUEST_X86_EMULATE_H
#define GUEST_X86_EMULATE_H

#include "guest/x86emu/x86_decode.h"
#include "lib/x86_vectors.h" /* X86_EXC_SS, _GP, _PF in faults */

/* RFLAGS bits the emulated instructions read or write. */
#define FL_CF BIT(0)
#define FL_PF BIT(2)
#define FL_AF BIT(4)
#define FL_ZF BIT(6)
#define FL_SF BIT(7)
#define FL_DF BIT(10)
#define FL_OF BIT(11)
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

enum x86_emu_status {
	X86_EMU_OK,
	X86_EMU_UNSUPPORTED, /* cannot be emulated (fault.reason): #UD or
			      * stop the VM */
	X86_EMU_PAGE_FAULT,  /* inject #PF: fault.error_code, CR2 = fault.cr2 */
	X86_EMU_GP,          /* inject fault.vector (#GP, or #SS for a stack
			      * reference) with error code 0 */
	X86_EMU_MMIO_ERROR,  /* the device or guest memory failed an access
			      * (fault.reason): stop the VM */
};

/* #PF error code bits (SDM vol. 3 §4.7). */
#define X86_PF_P BIT(0)    /* protection violation (0: not present) */
#define X86_PF_W BIT(1)    /* write access */
#define X86_PF_U BIT(2)    /* CPL 3 access */
#define X86_PF_RSVD BIT(3) /* reserved bit set in a paging entry */
#define X86_PF_I BIT(4)    /* instruction fetch */

struct x86_emu_fault {
	uint8_t vector;      /* PAGE_FAULT and GP: the exception to inject */
	uint32_t error_code;
	uint64_t cr2;        /* PAGE_FAULT: the faulting linear address */
	const char *reason;  /* UNSUPPORTED, MMIO_ERROR: what went wrong */
};

/* Registers use enum x86_reg numbers.  Register, RFLAGS and RIP access
 * cannot fail. */
struct x86_emu_ops {
	uint64_t (*read_gpr)(void *ctx, unsigned reg);
	void (*write_gpr)(void *ctx, unsigned reg, uint64_t val);
	uint64_t (*get_rflags)(void *ctx);
	void (*set_rflags)(void *ctx, uint64_t val);
	uint64_t (*get_rip)(void *ctx);
	void (*set_rip)(void *ctx, uint64_t val);
	/* Segment base.  In 64-bit mode only asked for FS and GS (the others
	 * are zero there).  Segment limits are not checked. */
	uint64_t (*seg_base)(void *ctx, enum x86_seg seg);
	/* Guest memory off the faulting device page, by linear address (the
	 * caller walks the guest page tables, e.g. with x86_walk(), at the
	 * vCPU's CPL).  Returns X86_EMU_OK, or PAGE_FAULT/GP with the fault
	 * filled in, or MMIO_ERROR/UNSUPPORTED with a reason (e.g. the
	 * address is another device's page). */
	enum x86_emu_status (*read_mem)(void *ctx, uint64_t gla, void *buf,
					unsigned len, struct x86_emu_fault *f);
	enum x86_emu_status (*write_mem)(void *ctx, uint64_t gla,
					 const void *buf, unsigned len,
					 struct x86_emu_fault *f);
	/* The device: 'len' is 1, 2, 4 or 8 and never crosses a page.  A
	 * nonzero return fails the emulation with X86_EMU_MMIO_ERROR. */
	int (*mmio_read)(void *ctx, gpa_t gpa, unsigned len, uint64_t *val);
	int (*mmio_write)(void *ctx, gpa_t gpa, unsigned len, uint64_t val);
};

/* What the VM exit reported about the access. */
struct x86_emu_req {
	gpa_t gpa;  /* guest-physical address of the faulting access */
	bool write; /* it was a write: for MOVS, the destination is the
		     * device side, otherwise the source */
	bool la57;  /* CR4.LA57: linear addresses are canonical in 57 bits */
};

/* Execute 'insn' (decoded for the vCPU's current mode).  The memory
 * operand must lie at req->gpa's offset within its page, or the
 * instruction is not the one that faulted (X86_EMU_UNSUPPORTED).  On any
 * status but OK no register, flag or RIP is changed, except for the
 * elements a REP string instruction completed; device reads already made
 * (a read-modify-write whose write failed, a MOVS element whose RAM
 * write faulted) stay made. */
enum x86_emu_status x86_emulate(const struct x86_emu_ops *ops, void *ctx,
				const struct x86_insn *insn,
				const struct x86_emu_req *req,
				struct x86_emu_fault *fault);

const char *x86_emu_status_name(enum x86_emu_status st);

/* The guest page-table walker, x86_walk() (the emulator's callers use it
 * for read_mem/write_mem); it shares the status and fault types above. */
#include "guest/x86emu/x86_walk.h"

#endif
