/* The guest page-table walker (see x86_walk.h).  Paging structures,
 * access rights and fault error codes from the Intel SDM vol. 3 chapter 4. */
#include "guest/x86emu/x86_walk.h"
#include "arch-x86/regs.h"
#include "lib/string.h"

#define PAGE_OFFSET_MASK (PAGE_SIZE - 1)

#define PDE32_PSE36_RSVD BIT(21) /* 4-MByte PDE: reserved under PSE-36 */
#define PTE_XD BIT(63)            /* execute-disable (with EFER.NXE) */

struct walk {
	const struct x86_paging *pg;
	uint64_t gla;
	unsigned access;
	struct x86_emu_fault *fault;
	unsigned maxphyaddr;
	uint64_t addr_mask; /* physical-address bits of an entry, 12 and up */
	uint64_t rsvd;      /* reserved bits of any 8-byte entry */
	bool nx;            /* XD bits count (EFER.NXE) */
	/* Rights combined over the levels walked (SDM vol. 3 §4.6.1). */
	bool user, writable, xd;
};

static enum x86_emu_status page_fault(struct walk *w, uint32_t ec)
{
	const struct x86_paging *pg = w->pg;

	if (w->access & X86_ACC_WRITE)
		ec |= X86_PF_W;
	if (w->access & X86_ACC_USER)
		ec |= X86_PF_U;
	/* SDM vol. 3 §4.7: I/D is reported only with SMEP, or with NXE
	 * under PAE or 4-level paging. */
	if ((w->access & X86_ACC_FETCH) &&
	    ((pg->cr4 & CR4_SMEP) ||
	     ((pg->cr4 & CR4_PAE) && (pg->efer & EFER_NXE))))
		ec |= X86_PF_I;
	w->fault->vector = X86_EXC_PF;
	w->fault->error_code = ec;
	w->fault->cr2 = w->gla;
	return X86_EMU_PAGE_FAULT;
}

static enum x86_emu_status read_entry(struct walk *w, gpa_t gpa,
				      unsigned len, uint64_t *e)
{
	uint8_t b[8];

	if (!w->pg->read_gpa(w->pg->ctx, gpa, b, len)) {
		w->fault->reason = "guest paging structure outside guest memory";
		return X86_EMU_MMIO_ERROR;
	}
	*e = 0;
	for (unsigned i = len; i-- > 0;)
		*e = (*e << 8) | b[i];
	if (!(*e & PTE_P))
		return page_fault(w, 0);
	w->user = w->user && (*e & PTE_US);
	w->writable = w->writable && (*e & PTE_RW);
	return X86_EMU_OK;
}

/* SDM vol. 3 §4.6: access rights of the translation. */
static enum x86_emu_status check_access(struct walk *w)
{
	unsigned acc = w->access;
	uint64_t cr4 = w->pg->cr4;
	bool ok;

	if (acc & X86_ACC_USER) {
		ok = w->user && (!(acc & X86_ACC_WRITE) || w->writable);
	} else {
		bool smep = (acc & X86_ACC_FETCH) && (cr4 & CR4_SMEP);
		bool smap = !(acc & X86_ACC_FETCH) && (cr4 & CR4_SMAP) &&
			    !(acc & X86_ACC_AC);

		ok = !(w->user && (smep || smap)) &&
		     !((acc & X86_ACC_WRITE) && !w->writable &&
		       (w->pg->cr0 & CR0_WP));
	}
	if ((acc & X86_ACC_FETCH) && w->xd)
		ok = false;
	return ok ? X86_EMU_OK : page_fault(w, X86_PF_P);
}

/* PAE and 4/5-level tables: 512 8-byte entries a level, starting with
 * the level translating bits shift+8..shift. */
static enum x86_emu_status walk_levels(struct walk *w, uint64_t table,
				       unsigned shift, gpa_t *gpa)
{
	for (;; shift -= 9) {
		gpa_t slot = table + ((w->gla >> shift) & 511) * 8;
		uint64_t e, rsvd = w->rsvd, mask = BIT(shift) - 1;
		enum x86_emu_status st = read_entry(w, slot, 8, &e);
		bool leaf;

		if (st != X86_EMU_OK)
			return st;
		leaf = shift == PAGE_SHIFT || (e & PTE_PS);
		/* PS is reserved above the 1-GByte level; a large page's
		 * address bits below its size (except PAT, bit 12) are
		 * reserved. */
		if (shift > 30)
			rsvd |= PTE_PS;
		else if (leaf && shift > PAGE_SHIFT)
			rsvd |= mask & ~(BIT(13) - 1);
		if (e & rsvd)
			return page_fault(w, X86_PF_P | X86_PF_RSVD);
		w->xd = w->xd || (w->nx && (e & PTE_XD));
		if (leaf) {
			*gpa = (e & w->addr_mask & ~mask) | (w->gla & mask);
			return check_access(w);
		}
		table = e & w->addr_mask;
	}
}

/* 32-bit paging: 1024 4-byte entries a level, 4-MByte pages with
 * CR4.PSE, their address bits 39:32 in PDE bits 20:13 (PSE-36). */
static enum x86_emu_status walk_32(struct walk *w, gpa_t *gpa)
{
	uint32_t gla = (uint32_t)w->gla;
	uint64_t pde, pte, hi;
	enum x86_emu_status st;

	st = read_entry(w, (w->pg->cr3 & 0xfffff000) + (gla >> 22) * 4, 4, &pde);
	if (st != X86_EMU_OK)
		return st;
	if ((pde & PTE_PS) && (w->pg->cr4 & CR4_PSE)) {
		hi = (pde >> 13) & 0xff;
		if ((pde & PDE32_PSE36_RSVD) ||
		    (w->maxphyaddr < 40 &&
		     (hi >> (w->maxphyaddr > 32 ? w->maxphyaddr - 32 : 0))))
			return page_fault(w, X86_PF_P | X86_PF_RSVD);
		*gpa = (pde & 0xffc00000) | (hi << 32) | (gla & 0x3fffff);
		return check_access(w);
	}
	st = read_entry(w, (pde & 0xfffff000) + ((gla >> 12) & 0x3ff) * 4, 4,
			&pte);
	if (st != X86_EMU_OK)
		return st;
	*gpa = (pte & 0xfffff000) | (gla & PAGE_OFFSET_MASK);
	return check_access(w);
}

enum x86_emu_status x86_walk(const struct x86_paging *pg, uint64_t gla,
			     unsigned access, gpa_t *gpa,
			     struct x86_emu_fault *fault)
{
	struct walk w = {
		.pg = pg, .gla = gla, .access = access, .fault = fault,
		.maxphyaddr = pg->maxphyaddr ? pg->maxphyaddr : 52,
		.user = true, .writable = true,
		.nx = pg->efer & EFER_NXE,
	};
	uint64_t pdpte;
	enum x86_emu_status st;
	bool la57 = pg->cr4 & CR4_LA57;

	memset(fault, 0, sizeof(*fault));
	w.addr_mask = (BIT(w.maxphyaddr) - 1) & ~PAGE_OFFSET_MASK;
	if (!(pg->cr0 & CR0_PG)) {
		*gpa = gla & 0xffffffff;
		return X86_EMU_OK;
	}
	if (!(pg->cr4 & CR4_PAE))
		return walk_32(&w, gpa);
	/* Reserved: address bits from MAXPHYADDR up (to 51 in 4-level
	 * paging, 62 in PAE paging), and XD without EFER.NXE. */
	w.rsvd = (pg->efer & EFER_LMA ? BIT(52) : BIT(63)) - BIT(w.maxphyaddr);
	if (!w.nx)
		w.rsvd |= PTE_XD;
	if (!(pg->efer & EFER_LMA)) {
		/* The four PDPTEs carry no access rights. */
		st = read_entry(&w, (pg->cr3 & 0xffffffe0) + ((gla >> 30) & 3) * 8,
				8, &pdpte);
		w.user = w.writable = true;
		if (st != X86_EMU_OK)
			return st;
		return walk_levels(&w, pdpte & w.addr_mask, 21, gpa);
	}
	if (!x86_canonical(gla, la57)) {
		fault->vector = X86_EXC_GP;
		fault->reason = "non-canonical address";
		return X86_EMU_GP;
	}
	return walk_levels(&w, pg->cr3 & w.addr_mask, la57 ? 48 : 39, gpa);
}
