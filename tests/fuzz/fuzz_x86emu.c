// FUZZ-SOURCES: guest/x86emu/x86_decode.c guest/x86emu/x86_emulate.c guest/x86emu/x86_walk.c
/* The x86 instruction decoder and the MMIO emulator (guest/x86emu/).
 *
 * Input: the CPU mode (byte 0, mod 3), a flags byte (the exit was a
 * write, CR4.LA57, the device fails reads or writes, aim the exit's
 * address at the decoded operand), 15 instruction bytes, then values of
 * the sixteen GPRs, RFLAGS and FS/GS bases (8 bytes each, zero when the
 * input ends).  The decoder sees exactly the bytes given (ASan catches a
 * read past them); the emulator runs the decoded instruction against a
 * fake vCPU, a device page and a window of guest RAM.
 *
 * Invariants: a decoded length within 1..15 and within the bytes given,
 * and the same instruction decoded again from exactly its bytes (fewer
 * are TRUNCATED); operand sizes and registers in range; device accesses
 * of 1, 2, 4 or 8 bytes inside the faulting page; on success only the
 * arithmetic flags change and RIP advances by the length (modulo the
 * mode's width) unless a REP instruction stopped part way; MOV, MOVZX and
 * MOVSX move the device's bytes into the register (zero- or
 * sign-extended, merged as the operand size says) and the register's or
 * immediate's bytes to the device; the ALU instructions give the result
 * and flags the SDM defines; on failure RIP and RFLAGS are
 * unchanged. */
#include "guest/x86emu/x86_emulate.h"
#include "tests/fuzz/fuzz.h"

#define DEV_GPA 0xfee00000ULL
#define RAM_LA 0x100000ULL
#define RAM_SIZE 0x4000

#define F_WRITE BIT(0)
#define F_LA57 BIT(1)
#define F_DEV_FAIL_RD BIT(2)
#define F_DEV_FAIL_WR BIT(3)
#define F_AIM BIT(4)

static struct cpu {
	uint64_t gpr[X86_NR_GPRS], rip, rflags, fs, gs;
	uint8_t flags;
	uint8_t dev[4096];
	uint8_t ram[RAM_SIZE];
	unsigned dev_accesses;
	uint64_t last_read, last_write; /* values of the last device accesses */
	unsigned last_read_len, last_write_len;
} c;

static uint64_t read_gpr(void *ctx, unsigned reg)
{
	(void)ctx;
	FUZZ_CHECK(reg < X86_NR_GPRS);
	return c.gpr[reg];
}

static void write_gpr(void *ctx, unsigned reg, uint64_t val)
{
	(void)ctx;
	FUZZ_CHECK(reg < X86_NR_GPRS);
	c.gpr[reg] = val;
}

static uint64_t get_rflags(void *ctx) { (void)ctx; return c.rflags; }
static void set_rflags(void *ctx, uint64_t v) { (void)ctx; c.rflags = v; }
static uint64_t get_rip(void *ctx) { (void)ctx; return c.rip; }
static void set_rip(void *ctx, uint64_t v) { (void)ctx; c.rip = v; }

static uint64_t seg_base(void *ctx, enum x86_seg seg)
{
	(void)ctx;
	FUZZ_CHECK((unsigned)seg <= X86_SEG_GS);
	return seg == X86_SEG_FS ? c.fs : seg == X86_SEG_GS ? c.gs : 0;
}

static enum x86_emu_status ram(uint64_t la, unsigned len, bool write,
			       struct x86_emu_fault *f, uint8_t **p)
{
	FUZZ_CHECK(len >= 1 && len <= 8);
	if (la < RAM_LA || la - RAM_LA > RAM_SIZE - len) {
		f->vector = X86_EXC_PF;
		f->error_code = write ? X86_PF_W : 0;
		f->cr2 = la;
		return X86_EMU_PAGE_FAULT;
	}
	*p = &c.ram[la - RAM_LA];
	return X86_EMU_OK;
}

static enum x86_emu_status read_mem(void *ctx, uint64_t la, void *buf,
				    unsigned len, struct x86_emu_fault *f)
{
	uint8_t *p;
	enum x86_emu_status st = ram(la, len, false, f, &p);

	(void)ctx;
	if (st == X86_EMU_OK)
		memcpy(buf, p, len);
	return st;
}

static enum x86_emu_status write_mem(void *ctx, uint64_t la, const void *buf,
				     unsigned len, struct x86_emu_fault *f)
{
	uint8_t *p;
	enum x86_emu_status st = ram(la, len, true, f, &p);

	(void)ctx;
	if (st == X86_EMU_OK)
		memcpy(p, buf, len);
	return st;
}

static void dev_check(gpa_t gpa, unsigned len)
{
	FUZZ_CHECKF(len == 1 || len == 2 || len == 4 || len == 8, "len %u", len);
	FUZZ_CHECKF(gpa >= DEV_GPA && gpa - DEV_GPA <= 4096 - len,
		    "device access at %#llx/%u", (unsigned long long)gpa, len);
	c.dev_accesses++;
}

static int mmio_read(void *ctx, gpa_t gpa, unsigned len, uint64_t *val)
{
	(void)ctx;
	dev_check(gpa, len);
	*val = 0;
	memcpy(val, &c.dev[gpa - DEV_GPA], len);
	c.last_read = *val;
	c.last_read_len = len;
	return c.flags & F_DEV_FAIL_RD ? -1 : 0;
}

static int mmio_write(void *ctx, gpa_t gpa, unsigned len, uint64_t val)
{
	(void)ctx;
	dev_check(gpa, len);
	FUZZ_CHECK(len == 8 || val >> (8 * len) == 0);
	c.last_write = val;
	c.last_write_len = len;
	if (c.flags & F_DEV_FAIL_WR)
		return -1;
	memcpy(&c.dev[gpa - DEV_GPA], &val, len);
	return 0;
}

static const struct x86_emu_ops ops = {
	.read_gpr = read_gpr, .write_gpr = write_gpr,
	.get_rflags = get_rflags, .set_rflags = set_rflags,
	.get_rip = get_rip, .set_rip = set_rip,
	.seg_base = seg_base,
	.read_mem = read_mem, .write_mem = write_mem,
	.mmio_read = mmio_read, .mmio_write = mmio_write,
};

static void check_operand(const struct x86_operand *o)
{
	switch (o->kind) {
	case X86_OPND_NONE:
		return;
	case X86_OPND_REG:
		FUZZ_CHECK(o->reg < X86_NR_GPRS);
		if (o->high8)
			FUZZ_CHECK(o->size == 1 && o->reg < 4);
		break;
	case X86_OPND_MEM:
		FUZZ_CHECK(o->mem.base < X86_NR_GPRS || o->mem.base == X86_REG_NONE);
		FUZZ_CHECK(o->mem.index < X86_NR_GPRS || o->mem.index == X86_REG_NONE);
		FUZZ_CHECK(o->mem.index != X86_RSP);
		FUZZ_CHECK(o->mem.scale == 1 || o->mem.scale == 2 ||
			   o->mem.scale == 4 || o->mem.scale == 8);
		FUZZ_CHECK((unsigned)o->mem.seg <= X86_SEG_GS);
		break;
	case X86_OPND_IMM:
		break;
	default:
		FUZZ_CHECK(!"operand kind");
	}
	FUZZ_CHECK(o->size == 1 || o->size == 2 || o->size == 4 || o->size == 8);
}

/* The decoded instruction's first memory operand's address, as the CPU
 * forms it (segment base only for FS/GS in 64-bit mode, and all of them
 * zero here otherwise) on the device's side, for aiming the exit at it. */
static uint64_t operand_la(const struct x86_insn *in, bool write)
{
	const struct x86_operand *o = in->dst.kind == X86_OPND_MEM ? &in->dst : &in->src;

	/* MOVS: the device is the destination of a write, else the source. */
	if (in->dst.kind == X86_OPND_MEM && in->src.kind == X86_OPND_MEM)
		o = write ? &in->dst : &in->src;
	const struct x86_mem *m = &o->mem;
	uint64_t a = (uint64_t)m->disp;

	if (m->rip_rel)
		a += c.rip + in->len;
	if (m->base != X86_REG_NONE)
		a += c.gpr[m->base];
	if (m->index != X86_REG_NONE)
		a += c.gpr[m->index] * m->scale;
	if (in->addr_size < 8)
		a &= (1ULL << (8 * in->addr_size)) - 1;
	return a + seg_base(NULL, m->seg);
}

static uint64_t mask_of(unsigned size)
{
	return size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* What a register operand of 'size' bytes holds. */
static uint64_t reg_value(const uint64_t *gpr, const struct x86_operand *o)
{
	if (o->high8)
		return (gpr[o->reg] >> 8) & 0xff;
	return gpr[o->reg] & mask_of(o->size);
}

/* SDM vol. 1 3.4.1.1: in 64-bit mode a 32-bit result is zero-extended
 * into the 64-bit register, 8- and 16-bit results leave the other bits
 * alone; AH..BH are bits 15:8.  Outside 64-bit mode the upper half is
 * undefined (3.4.1.1), so only the low 32 bits are compared. */
static uint64_t merged(uint64_t old, const struct x86_operand *o, uint64_t v,
		       enum x86_mode mode)
{
	if (o->high8)
		return (old & ~0xff00ULL) | (v & 0xff) << 8;
	if (o->size == 8 || (o->size == 4 && mode == X86_MODE_64))
		return v & mask_of(o->size);
	return (old & ~mask_of(o->size)) | (v & mask_of(o->size));
}

/* The data moves of MOV, MOVZX and MOVSX between a register and the
 * device, against the SDM's definitions. */
static void check_moves(const struct x86_insn *in, const uint64_t *gpr0,
			bool dev_is_mem)
{
	if (!dev_is_mem)
		return;
	if (in->dst.kind == X86_OPND_REG && in->src.kind == X86_OPND_MEM &&
	    (in->op == X86_OP_MOV || in->op == X86_OP_MOVZX ||
	     in->op == X86_OP_MOVSX)) {
		uint64_t v = c.last_read;
		uint64_t low = in->mode == X86_MODE_64 ? ~0ULL : 0xffffffffULL;
		unsigned ss = in->src.size;

		FUZZ_CHECKF(c.last_read_len == ss, "read %u bytes for a %u-byte operand",
			    c.last_read_len, ss);
		if (in->op == X86_OP_MOVSX && ss < 8 && (v >> (8 * ss - 1)) & 1)
			v |= ~mask_of(ss);
		FUZZ_CHECKF((c.gpr[in->dst.reg] & low) ==
			    (merged(gpr0[in->dst.reg], &in->dst, v, in->mode) & low),
			    "register %u: %#llx -> %#llx after a %u-byte read of %#llx",
			    in->dst.reg, (unsigned long long)gpr0[in->dst.reg],
			    (unsigned long long)c.gpr[in->dst.reg], ss,
			    (unsigned long long)c.last_read);
	}
	if (in->op == X86_OP_MOV && in->dst.kind == X86_OPND_MEM &&
	    (in->src.kind == X86_OPND_REG || in->src.kind == X86_OPND_IMM)) {
		uint64_t want = in->src.kind == X86_OPND_REG ?
				reg_value(gpr0, &in->src) : in->imm & mask_of(in->dst.size);

		FUZZ_CHECK(c.last_write_len == in->dst.size);
		FUZZ_CHECKF(c.last_write == want, "wrote %#llx, source %#llx",
			    (unsigned long long)c.last_write,
			    (unsigned long long)want);
	}
}

static bool msb(uint64_t v, unsigned size)
{
	return (v >> (8 * size - 1)) & 1;
}

/* The result and RFLAGS the SDM defines for the ALU instructions the
 * emulator runs on a device operand (vol. 2 ADD, OR, ADC, SBB, AND, SUB,
 * XOR, CMP, TEST; AF is undefined after the logical ones). */
static void check_alu(const struct x86_insn *in, const uint64_t *gpr0,
		      uint64_t fl0)
{
	unsigned size = in->op_size;
	uint64_t m = mask_of(size), a, b, r, fl = 0, defined = FL_ARITH;
	bool cin = fl0 & FL_CF, sub = false, logic = false, writes = true;
	unsigned __int128 wide;

	if (in->op > X86_OP_TEST)
		return;
	if (in->dst.kind == X86_OPND_MEM) {
		FUZZ_CHECK(c.last_read_len == size);
		a = c.last_read;
		b = in->src.kind == X86_OPND_REG ? reg_value(gpr0, &in->src) : in->imm & m;
	} else if (in->dst.kind == X86_OPND_REG && in->src.kind == X86_OPND_MEM) {
		FUZZ_CHECK(c.last_read_len == size);
		a = reg_value(gpr0, &in->dst);
		b = c.last_read;
	} else {
		return;
	}
	switch (in->op) {
	case X86_OP_ADD: wide = (unsigned __int128)a + b; break;
	case X86_OP_ADC: wide = (unsigned __int128)a + b + cin; break;
	case X86_OP_SUB: case X86_OP_CMP:
		wide = (unsigned __int128)a - b; sub = true; break;
	case X86_OP_SBB: wide = (unsigned __int128)a - b - cin; sub = true; break;
	case X86_OP_OR: wide = a | b; logic = true; break;
	case X86_OP_AND: case X86_OP_TEST: wide = a & b; logic = true; break;
	default: wide = a ^ b; logic = true; break; /* XOR */
	}
	writes = in->op != X86_OP_CMP && in->op != X86_OP_TEST;
	r = (uint64_t)wide & m;
	if (!logic) {
		/* Borrow or carry out of the operand size. */
		if ((wide >> (8 * size)) & 1)
			fl |= FL_CF;
		if (sub ? msb((a ^ b) & (a ^ r), size) : msb((a ^ r) & (b ^ r), size))
			fl |= FL_OF;
		if ((a ^ b ^ r) & 0x10)
			fl |= FL_AF;
	} else {
		defined &= ~(uint64_t)FL_AF;
	}
	if (!r)
		fl |= FL_ZF;
	if (msb(r, size))
		fl |= FL_SF;
	if (!(__builtin_popcount((unsigned)(r & 0xff)) & 1))
		fl |= FL_PF;
	fuzz_note("x86emu: ALU op %d, %u bytes: %#llx, %#llx -> %#llx", in->op,
		  size, (unsigned long long)a, (unsigned long long)b,
		  (unsigned long long)r);
	FUZZ_CHECKF((c.rflags & defined) == fl,
		    "op %d size %u: %#llx, %#llx -> %#llx: RFLAGS %#llx, SDM %#llx",
		    in->op, size, (unsigned long long)a, (unsigned long long)b,
		    (unsigned long long)r, (unsigned long long)(c.rflags & defined),
		    (unsigned long long)fl);
	if (!writes)
		return;
	if (in->dst.kind == X86_OPND_MEM) {
		FUZZ_CHECK(c.last_write_len == size);
		FUZZ_CHECKF(c.last_write == r, "wrote %#llx, result %#llx",
			    (unsigned long long)c.last_write, (unsigned long long)r);
	} else {
		uint64_t low = in->mode == X86_MODE_64 ? ~0ULL : 0xffffffffULL;

		FUZZ_CHECK((c.gpr[in->dst.reg] & low) ==
			   (merged(gpr0[in->dst.reg], &in->dst, r, in->mode) & low));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	enum x86_mode mode = (enum x86_mode)(fz_u8(&f) % 3);
	uint8_t flags = fz_u8(&f);
	size_t n = f.n < X86_MAX_INSN_LEN ? f.n : X86_MAX_INSN_LEN;
	uint8_t *bytes = malloc(n ? n : 1);
	struct x86_insn in, again;
	struct x86_emu_req req = { 0 };
	struct x86_emu_fault fault = { 0 };
	enum x86_decode_status ds;
	enum x86_emu_status st;
	uint64_t rip0, fl0, mask, gpr0[X86_NR_GPRS];

	memcpy(bytes, f.p, n);
	f.p += n;
	f.n -= n;
	memset(&c, 0, sizeof(c));
	c.flags = flags;
	for (unsigned i = 0; i < X86_NR_GPRS; i++)
		c.gpr[i] = fz_u64(&f);
	c.rflags = (fz_u64(&f) & (FL_ARITH | FL_DF)) | 0x202;
	c.fs = fz_u64(&f);
	c.gs = fz_u64(&f);
	mask = mode == X86_MODE_64 ? ~0ULL : mode == X86_MODE_32 ? 0xffffffffULL : 0xffff;
	c.rip = 0x1000 & mask;

	ds = x86_decode(bytes, n, mode, &in);
	if (ds != X86_DECODE_OK) {
		FUZZ_CHECK(ds <= X86_DECODE_UNSUPPORTED && in.reason);
		free(bytes);
		return 0;
	}
	FUZZ_CHECK(in.len >= 1 && in.len <= n);
	FUZZ_CHECK(in.mode == mode);
	FUZZ_CHECK(in.op_size == 1 || in.op_size == 2 || in.op_size == 4 ||
		   in.op_size == 8);
	FUZZ_CHECK(in.addr_size == 2 || in.addr_size == 4 || in.addr_size == 8);
	if (mode != X86_MODE_64)
		FUZZ_CHECK(in.rex == 0 && in.op_size != 8 && in.addr_size != 8);
	check_operand(&in.dst);
	check_operand(&in.src);
	/* The same instruction from exactly its bytes; fewer are cut off. */
	FUZZ_CHECK(x86_decode(bytes, in.len, mode, &again) == X86_DECODE_OK);
	FUZZ_CHECK(again.len == in.len && again.op == in.op &&
		   again.opcode == in.opcode && again.op_size == in.op_size);
	FUZZ_CHECK(x86_decode(bytes, in.len - 1, mode, &again) ==
		   X86_DECODE_TRUNCATED);

	req.write = flags & F_WRITE;
	req.la57 = flags & F_LA57;
	req.gpa = DEV_GPA + (((uint64_t)flags << 4) & 0xff0);
	if ((flags & F_AIM) && x86_insn_has_mem(&in))
		req.gpa = DEV_GPA + (operand_la(&in, req.write) & 0xfff);
	rip0 = c.rip;
	fl0 = c.rflags;
	memcpy(gpr0, c.gpr, sizeof(gpr0));
	st = x86_emulate(&ops, NULL, &in, &req, &fault);
	fuzz_note("x86emu: %s, %s%s%s", x86_emu_status_name(st),
		  st == X86_EMU_OK ? "" : "reason ",
		  st == X86_EMU_OK ? "" : fault.reason ? fault.reason : "-",
		  "");
	FUZZ_CHECK(st <= X86_EMU_MMIO_ERROR);
	FUZZ_CHECKF(((c.rflags ^ fl0) & ~(uint64_t)FL_ARITH) == 0,
		    "RFLAGS %#llx -> %#llx", (unsigned long long)fl0,
		    (unsigned long long)c.rflags);
	if (st == X86_EMU_OK) {
		uint64_t next = (rip0 + in.len) & mask;
		bool rep = in.prefixes & (X86_PFX_REP | X86_PFX_REPNE);

		FUZZ_CHECKF(c.rip == next || (rep && c.rip == rip0),
			    "RIP %#llx -> %#llx, length %u",
			    (unsigned long long)rip0,
			    (unsigned long long)c.rip, in.len);
		check_moves(&in, gpr0, c.dev_accesses != 0);
		if (c.dev_accesses && !(flags & (F_DEV_FAIL_RD | F_DEV_FAIL_WR)))
			check_alu(&in, gpr0, fl0);
	} else {
		FUZZ_CHECK(c.rip == rip0);
		if (st == X86_EMU_UNSUPPORTED || st == X86_EMU_MMIO_ERROR)
			FUZZ_CHECK(fault.reason != NULL);
		if (st == X86_EMU_PAGE_FAULT)
			FUZZ_CHECK(fault.vector == X86_EXC_PF);
		if (st == X86_EMU_GP)
			FUZZ_CHECK(fault.vector == X86_EXC_GP ||
				   fault.vector == X86_EXC_SS);
	}
	fuzz_log_reset();
	free(bytes);
	return 0;
}
