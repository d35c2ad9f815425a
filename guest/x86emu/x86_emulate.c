/* x86 emulation of device-page accesses (see x86_emulate.h; the
 * page-table walker is in x86_walk.c).  Semantics from the Intel SDM
 * vol. 1 (flags, register widths) and vol. 2 (each instruction). */
#include "guest/x86emu/x86_emulate.h"
#include "arch-x86/regs.h"
#include "lib/string.h"

/* RFLAGS status flags (SDM vol. 1 §3.4.3.1). */

#define PAGE_OFFSET_MASK (PAGE_SIZE - 1)

struct emu {
	const struct x86_emu_ops *ops;
	void *ctx;
	const struct x86_insn *in;
	const struct x86_emu_req *req;
	struct x86_emu_fault *fault;
	uint64_t dev_page;  /* linear address of the device page, known
			     * before the first memory access */
};

static enum x86_emu_status fail(struct emu *em, enum x86_emu_status st,
				const char *why)
{
	em->fault->reason = why;
	return st;
}

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ULL : BIT(8 * size) - 1;
}

static uint64_t sign_extend(uint64_t v, unsigned size)
{
	unsigned shift = 64 - 8 * size;

	return (uint64_t)((int64_t)(v << shift) >> shift);
}

/* ---- registers -------------------------------------------------------- */

static uint64_t gpr_get(struct emu *em, unsigned reg, bool high8,
			unsigned size)
{
	uint64_t v = em->ops->read_gpr(em->ctx, reg);

	return high8 ? (v >> 8) & 0xff : v & size_mask(size);
}

/* SDM vol. 1 §3.4.1.1: 8- and 16-bit results leave the rest of the
 * register alone, 32-bit results are zero-extended to 64 bits.  (Outside
 * 64-bit mode the upper half is not visible, so zero-extending is as
 * good as anything.) */
static void gpr_set(struct emu *em, unsigned reg, bool high8, unsigned size,
		    uint64_t val)
{
	uint64_t old, v;

	if (size >= 4) {
		v = val & size_mask(size);
	} else {
		uint64_t m = high8 ? 0xff00 : size_mask(size);

		old = em->ops->read_gpr(em->ctx, reg);
		v = (old & ~m) | ((high8 ? val << 8 : val) & m);
	}
	em->ops->write_gpr(em->ctx, reg, v);
}

static void advance_rip(struct emu *em)
{
	uint64_t rip = em->ops->get_rip(em->ctx) + em->in->len;

	if (em->in->mode == X86_MODE_32)
		rip &= 0xffffffff;
	else if (em->in->mode == X86_MODE_16)
		rip &= 0xffff;
	em->ops->set_rip(em->ctx, rip);
}

/* ---- addresses -------------------------------------------------------- */

/* Offset within the segment, wrapped to the address size (SDM vol. 1
 * §3.7.5); RIP-relative is from the next instruction. */
static uint64_t effective_address(struct emu *em, const struct x86_mem *m)
{
	uint64_t off = (uint64_t)m->disp;

	if (m->base != X86_REG_NONE)
		off += em->ops->read_gpr(em->ctx, m->base);
	if (m->index != X86_REG_NONE)
		off += em->ops->read_gpr(em->ctx, m->index) * m->scale;
	if (m->rip_rel)
		off += em->ops->get_rip(em->ctx) + em->in->len;
	return off & size_mask(em->in->addr_size);
}

/* Linear address of 'size' bytes at seg:off.  In 64-bit mode only FS and
 * GS have a base, and the whole access must be canonical (#SS(0) for a
 * stack reference, #GP(0) otherwise; SDM vol. 3 §6.15).  Elsewhere linear
 * addresses are 32 bits. */
static enum x86_emu_status linear(struct emu *em, enum x86_seg seg,
				  uint64_t off, unsigned size, uint64_t *la)
{
	uint64_t base = 0, l;

	if (em->in->mode != X86_MODE_64) {
		*la = (em->ops->seg_base(em->ctx, seg) + off) & 0xffffffff;
		return X86_EMU_OK;
	}
	if (seg == X86_SEG_FS || seg == X86_SEG_GS)
		base = em->ops->seg_base(em->ctx, seg);
	l = base + off;
	if (!x86_canonical(l, em->req->la57) ||
	    !x86_canonical(l + size - 1, em->req->la57)) {
		em->fault->vector = seg == X86_SEG_SS ? X86_EXC_SS : X86_EXC_GP;
		em->fault->error_code = 0;
		return fail(em, X86_EMU_GP, "non-canonical address");
	}
	*la = l;
	return X86_EMU_OK;
}

/* The first access to the device fixes which linear page is the device
 * page; it must be the access that faulted (same offset in the page),
 * otherwise the bytes decoded are not the instruction that ran. */
static enum x86_emu_status anchor(struct emu *em, uint64_t la)
{
	if ((la & PAGE_OFFSET_MASK) != (em->req->gpa & PAGE_OFFSET_MASK))
		return fail(em, X86_EMU_UNSUPPORTED,
			    "decoded access does not match the faulting address");
	em->dev_page = la & ~PAGE_OFFSET_MASK;
	return X86_EMU_OK;
}

static bool on_dev_page(const struct emu *em, uint64_t la)
{
	return (la & ~PAGE_OFFSET_MASK) == em->dev_page;
}

/* Read or write 'size' bytes at linear 'la': the device when on the
 * device page, guest memory through the caller otherwise. */
static enum x86_emu_status mem_rw(struct emu *em, uint64_t la, unsigned size,
				  bool write, uint64_t *val)
{
	const struct x86_emu_ops *ops = em->ops;
	enum x86_emu_status st;
	uint8_t buf[8];

	if (on_dev_page(em, la)) {
		gpa_t gpa = (em->req->gpa & ~PAGE_OFFSET_MASK) |
			    (la & PAGE_OFFSET_MASK);

		if ((la & PAGE_OFFSET_MASK) + size > PAGE_SIZE)
			return fail(em, X86_EMU_UNSUPPORTED,
				    "device access crosses a page boundary");
		if (write ? ops->mmio_write(em->ctx, gpa, size,
					    *val & size_mask(size))
			  : ops->mmio_read(em->ctx, gpa, size, val))
			return fail(em, X86_EMU_MMIO_ERROR,
				    write ? "device write failed"
					  : "device read failed");
		*val &= size_mask(size);
		return X86_EMU_OK;
	}
	/* Guest memory is little-endian. */
	if (write) {
		for (unsigned i = 0; i < size; i++)
			buf[i] = (uint8_t)(*val >> (8 * i));
		st = ops->write_mem(em->ctx, la, buf, size, em->fault);
	} else {
		st = ops->read_mem(em->ctx, la, buf, size, em->fault);
		*val = 0;
		for (unsigned i = size; st == X86_EMU_OK && i-- > 0;)
			*val = (*val << 8) | buf[i];
	}
	if (st != X86_EMU_OK && !em->fault->reason)
		em->fault->reason = write ? "guest memory write failed"
					  : "guest memory read failed";
	return st;
}

/* ---- flags ------------------------------------------------------------ */

/* SF, ZF and PF of a result (PF: even number of ones in the low byte). */
static uint64_t flags_szp(uint64_t r, unsigned size)
{
	uint64_t f = 0, p = r & 0xff;

	p ^= p >> 4;
	p ^= p >> 2;
	p ^= p >> 1;
	if (!(p & 1))
		f |= FL_PF;
	if (r == 0)
		f |= FL_ZF;
	if (r & BIT(8 * size - 1))
		f |= FL_SF;
	return f;
}

/* ADD..CMP and TEST on 'size'-byte values; updates the status flags in
 * *rflags as the SDM describes each (logical operations clear CF and OF;
 * their AF is undefined and left 0 here). */
static uint64_t alu(enum x86_op op, uint64_t a, uint64_t b, unsigned size,
		    uint64_t *rflags)
{
	uint64_t m = size_mask(size), sign = BIT(8 * size - 1);
	uint64_t c = 0, r, f = 0;

	a &= m;
	b &= m;
	switch (op) {
	case X86_OP_ADC:
		c = *rflags & FL_CF;
		/* fall through */
	case X86_OP_ADD:
		r = (a + b + c) & m;
		if (r < a || (c && r == a))
			f |= FL_CF;
		if ((a ^ r) & (b ^ r) & sign)
			f |= FL_OF;
		f |= (a ^ b ^ r) & FL_AF;
		break;
	case X86_OP_SBB:
		c = *rflags & FL_CF;
		/* fall through */
	case X86_OP_SUB:
	case X86_OP_CMP:
		r = (a - b - c) & m;
		if (a < b || (c && a == b))
			f |= FL_CF;
		if ((a ^ b) & (a ^ r) & sign)
			f |= FL_OF;
		f |= (a ^ b ^ r) & FL_AF;
		break;
	case X86_OP_OR:
		r = a | b;
		break;
	case X86_OP_XOR:
		r = a ^ b;
		break;
	default: /* AND, TEST */
		r = a & b;
		break;
	}
	*rflags = (*rflags & ~FL_ARITH) | f | flags_szp(r, size);
	return r;
}

/* ---- one instruction, one memory operand ------------------------------ */

static enum x86_emu_status opnd_read(struct emu *em,
				     const struct x86_operand *o, uint64_t la,
				     uint64_t *v)
{
	switch (o->kind) {
	case X86_OPND_REG:
		*v = gpr_get(em, o->reg, o->high8, o->size);
		return X86_EMU_OK;
	case X86_OPND_IMM:
		*v = em->in->imm & size_mask(o->size);
		return X86_EMU_OK;
	default:
		return mem_rw(em, la, o->size, false, v);
	}
}

static enum x86_emu_status opnd_write(struct emu *em,
				      const struct x86_operand *o, uint64_t la,
				      uint64_t v)
{
	if (o->kind == X86_OPND_REG) {
		gpr_set(em, o->reg, o->high8, o->size, v);
		return X86_EMU_OK;
	}
	return mem_rw(em, la, o->size, true, &v);
}

static bool is_bit_op(enum x86_op op)
{
	return op == X86_OP_BT || op == X86_OP_BTS || op == X86_OP_BTR ||
	       op == X86_OP_BTC;
}

/* BT* on memory (the destination; with a register destination there is
 * no memory operand) with a register bit offset address a bit string: the
 * operand accessed is the one holding the bit, offset in signed units of
 * the operand size (SDM vol. 2 "BT").  Returns the byte adjustment and
 * the bit within the operand. */
static uint64_t bit_string_adjust(struct emu *em, unsigned *bit)
{
	const struct x86_insn *in = em->in;
	unsigned size = in->dst.size, bits = 8 * size;
	uint64_t off;

	if (in->src.kind == X86_OPND_IMM) {
		*bit = (unsigned)(in->imm & (bits - 1));
		return 0;
	}
	off = gpr_get(em, in->src.reg, in->src.high8, size);
	*bit = (unsigned)(off & (bits - 1));
	/* Arithmetic shift: floor division of the signed offset. */
	return (uint64_t)((int64_t)sign_extend(off, size) >>
			  __builtin_ctz(bits)) * size;
}

static enum x86_emu_status bit_op(struct emu *em, uint64_t la, unsigned bit)
{
	const struct x86_insn *in = em->in;
	uint64_t v, rf, mask = BIT(bit);
	enum x86_emu_status st;

	st = opnd_read(em, &in->dst, la, &v);
	if (st != X86_EMU_OK)
		return st;
	rf = em->ops->get_rflags(em->ctx);
	/* CF is the bit; OF, SF, AF, PF are undefined and ZF unaffected:
	 * all are left as they were. */
	rf = (v & mask) ? rf | FL_CF : rf & ~FL_CF;
	if (in->op != X86_OP_BT) {
		v = in->op == X86_OP_BTS ? v | mask
		    : in->op == X86_OP_BTR ? v & ~mask : v ^ mask;
		st = opnd_write(em, &in->dst, la, v);
		if (st != X86_EMU_OK)
			return st;
	}
	em->ops->set_rflags(em->ctx, rf);
	return X86_EMU_OK;
}

static enum x86_emu_status xchg(struct emu *em, uint64_t la)
{
	const struct x86_insn *in = em->in;
	uint64_t a, b;
	enum x86_emu_status st;

	st = opnd_read(em, &in->dst, la, &a);
	if (st == X86_EMU_OK)
		st = opnd_read(em, &in->src, la, &b);
	if (st == X86_EMU_OK)
		st = opnd_write(em, &in->dst, la, b);
	if (st == X86_EMU_OK)
		st = opnd_write(em, &in->src, la, a);
	return st;
}

static enum x86_emu_status arith(struct emu *em, uint64_t la)
{
	const struct x86_insn *in = em->in;
	uint64_t a, b, r, rf;
	enum x86_emu_status st;

	st = opnd_read(em, &in->dst, la, &a);
	if (st == X86_EMU_OK)
		st = opnd_read(em, &in->src, la, &b);
	if (st != X86_EMU_OK)
		return st;
	rf = em->ops->get_rflags(em->ctx);
	r = alu(in->op, a, b, in->op_size, &rf);
	if (in->op != X86_OP_CMP && in->op != X86_OP_TEST) {
		st = opnd_write(em, &in->dst, la, r);
		if (st != X86_EMU_OK)
			return st;
	}
	em->ops->set_rflags(em->ctx, rf);
	return X86_EMU_OK;
}

static enum x86_emu_status emulate_single(struct emu *em)
{
	const struct x86_insn *in = em->in;
	const struct x86_operand *mop;
	enum x86_emu_status st;
	unsigned bit = 0;
	uint64_t adj = 0, la, v;

	mop = in->dst.kind == X86_OPND_MEM ? &in->dst
	      : in->src.kind == X86_OPND_MEM ? &in->src : NULL;
	if (!mop)
		return fail(em, X86_EMU_UNSUPPORTED,
			    "instruction does not access memory");
	if (is_bit_op(in->op))
		adj = bit_string_adjust(em, &bit);
	st = linear(em, mop->mem.seg,
		    (effective_address(em, &mop->mem) + adj) &
			    size_mask(in->addr_size),
		    mop->size, &la);
	if (st == X86_EMU_OK)
		st = anchor(em, la);
	if (st != X86_EMU_OK)
		return st;

	switch (in->op) {
	case X86_OP_MOV:
	case X86_OP_MOVZX:
	case X86_OP_MOVSX:
		st = opnd_read(em, &in->src, la, &v);
		if (st != X86_EMU_OK)
			return st;
		if (in->op == X86_OP_MOVSX)
			v = sign_extend(v, in->src.size);
		st = opnd_write(em, &in->dst, la, v);
		break;
	case X86_OP_XCHG:
		st = xchg(em, la);
		break;
	case X86_OP_BT:
	case X86_OP_BTS:
	case X86_OP_BTR:
	case X86_OP_BTC:
		st = bit_op(em, la, bit);
		break;
	default:
		st = arith(em, la);
		break;
	}
	if (st == X86_EMU_OK)
		advance_rip(em);
	return st;
}

/* ---- string instructions ---------------------------------------------- */

struct str_state {
	uint64_t si, di;   /* offsets, wrapped to the address size */
	uint64_t step;     /* +size or -size (RFLAGS.DF) */
	const struct x86_operand *dev; /* the operand on the device page */
};

/* One element of MOVS/STOS/LODS.  *stop is set, with nothing done, when
 * the device side has left the device page: the guest executes the
 * instruction again from there. */
static enum x86_emu_status string_element(struct emu *em, struct str_state *s,
					  bool first, bool *stop)
{
	const struct x86_insn *in = em->in;
	unsigned size = in->op_size;
	uint64_t sla = 0, dla = 0, dev_la, v;
	enum x86_emu_status st = X86_EMU_OK;

	if (in->src.kind == X86_OPND_MEM)
		st = linear(em, in->src.mem.seg, s->si, size, &sla);
	if (st == X86_EMU_OK && in->dst.kind == X86_OPND_MEM)
		st = linear(em, in->dst.mem.seg, s->di, size, &dla);
	if (st != X86_EMU_OK)
		return st;
	dev_la = s->dev == &in->src ? sla : dla;
	if (first) {
		st = anchor(em, dev_la);
		if (st != X86_EMU_OK)
			return st;
	} else if (!on_dev_page(em, dev_la) ||
		   (dev_la & PAGE_OFFSET_MASK) + size > PAGE_SIZE) {
		*stop = true;
		return X86_EMU_OK;
	}
	st = opnd_read(em, &in->src, sla, &v);
	if (st == X86_EMU_OK)
		st = opnd_write(em, &in->dst, dla, v);
	return st;
}

/* MOVS, STOS, LODS, with REP (F3, or F2 which acts the same on these):
 * RCX counts at the address size; each element steps rSI/rDI by the
 * operand size, down with RFLAGS.DF (SDM vol. 2 "REP").  Elements are
 * done until the count runs out or the device side leaves the device
 * page; then the registers show the progress, and RIP moves on only if
 * the count ran out. */
static enum x86_emu_status emulate_string(struct emu *em)
{
	const struct x86_insn *in = em->in;
	unsigned as = in->addr_size;
	uint64_t am = size_mask(as);
	bool rep = in->prefixes & (X86_PFX_REP | X86_PFX_REPNE);
	uint64_t count = rep ? em->ops->read_gpr(em->ctx, X86_RCX) & am : 1;
	uint64_t done = 0;
	enum x86_emu_status st = X86_EMU_OK;
	bool stop = false;
	struct str_state s = {
		.si = em->ops->read_gpr(em->ctx, X86_RSI) & am,
		.di = em->ops->read_gpr(em->ctx, X86_RDI) & am,
		.step = (em->ops->get_rflags(em->ctx) & FL_DF)
				? -(uint64_t)in->op_size : in->op_size,
	};

	if (in->op == X86_OP_MOVS)
		s.dev = em->req->write ? &in->dst : &in->src;
	else
		s.dev = in->op == X86_OP_STOS ? &in->dst : &in->src;

	for (; done < count; done++) {
		st = string_element(em, &s, done == 0, &stop);
		if (st != X86_EMU_OK || stop)
			break;
		if (in->src.kind == X86_OPND_MEM)
			s.si = (s.si + s.step) & am;
		if (in->dst.kind == X86_OPND_MEM)
			s.di = (s.di + s.step) & am;
	}
	if (done > 0) {
		if (in->src.kind == X86_OPND_MEM)
			gpr_set(em, X86_RSI, false, as, s.si);
		if (in->dst.kind == X86_OPND_MEM)
			gpr_set(em, X86_RDI, false, as, s.di);
		if (rep)
			gpr_set(em, X86_RCX, false, as, count - done);
	}
	if (st == X86_EMU_OK && done == count)
		advance_rip(em);
	return st;
}

enum x86_emu_status x86_emulate(const struct x86_emu_ops *ops, void *ctx,
				const struct x86_insn *insn,
				const struct x86_emu_req *req,
				struct x86_emu_fault *fault)
{
	struct emu em = {
		.ops = ops, .ctx = ctx, .in = insn, .req = req, .fault = fault,
	};

	memset(fault, 0, sizeof(*fault));
	switch (insn->op) {
	case X86_OP_MOVS:
	case X86_OP_STOS:
	case X86_OP_LODS:
		return emulate_string(&em);
	default:
		return emulate_single(&em);
	}
}

const char *x86_emu_status_name(enum x86_emu_status st)
{
	static const char *const names[] = {
		[X86_EMU_OK] = "ok",
		[X86_EMU_UNSUPPORTED] = "unsupported",
		[X86_EMU_PAGE_FAULT] = "page fault",
		[X86_EMU_GP] = "general protection",
		[X86_EMU_MMIO_ERROR] = "MMIO error",
	};

	if ((unsigned)st < ARRAY_SIZE(names))
		return names[st];
	return "?";
}
