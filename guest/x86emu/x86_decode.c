/* x86 instruction decoder (see x86_decode.h).  Encoding facts from the
 * Intel SDM vol. 2: chapter 2 (instruction format) and appendix A (the
 * opcode map and its operand notation). */
#include "guest/x86emu/x86_decode.h"
#include "lib/string.h"

/* Operand forms in the opcode-map notation (SDM vol. 2 §A.2): E = ModRM
 * r/m, G = ModRM reg, I = immediate, O = moffs, AL/AX = the accumulator;
 * b = byte, w = word, d = dword, v = operand size, z = operand size but
 * at most 32 bits (the immediate is then sign-extended). */
enum form {
	F_NONE,
	F_EB_GB, F_EV_GV, F_GB_EB, F_GV_EV,
	F_GV_EB, F_GV_EW, F_GV_ED,
	F_AL_IB, F_AX_IZ,
	F_EB_IB, F_EV_IZ, F_EV_IB,
	F_AL_OB, F_AX_OV, F_OB_AL, F_OV_AX,
	F_STR_B, F_STR_V,
};

/* Opcode groups: the operation is chosen by ModRM.reg (SDM vol. 2
 * table A-6). */
enum group { G_NONE, G_1, G_11, G_3, G_8, G_COUNT };

#define OP_NONE 0xff

static const uint8_t group_ops[G_COUNT][8] = {
	[G_NONE] = { OP_NONE, OP_NONE, OP_NONE, OP_NONE,
		     OP_NONE, OP_NONE, OP_NONE, OP_NONE },
	[G_1] = { X86_OP_ADD, X86_OP_OR, X86_OP_ADC, X86_OP_SBB,
		  X86_OP_AND, X86_OP_SUB, X86_OP_XOR, X86_OP_CMP },
	/* C6/C7: /0 MOV; /7 is XABORT/XBEGIN, the rest undefined. */
	[G_11] = { X86_OP_MOV, OP_NONE, OP_NONE, OP_NONE,
		   OP_NONE, OP_NONE, OP_NONE, OP_NONE },
	/* F6/F7: /0 TEST; NOT, NEG, MUL, DIV are not emulated. */
	[G_3] = { X86_OP_TEST, OP_NONE, OP_NONE, OP_NONE,
		  OP_NONE, OP_NONE, OP_NONE, OP_NONE },
	/* 0F BA: /4-/7 BT, BTS, BTR, BTC with an imm8 bit offset. */
	[G_8] = { OP_NONE, OP_NONE, OP_NONE, OP_NONE,
		  X86_OP_BT, X86_OP_BTS, X86_OP_BTR, X86_OP_BTC },
};

#define NO64 BIT(0)   /* #UD in 64-bit mode */
#define ONLY64 BIT(1) /* this meaning only in 64-bit mode */

struct opdesc {
	uint8_t op;    /* enum x86_op, unless a group chooses it */
	uint8_t form;  /* enum form; F_NONE: not emulated */
	uint8_t group; /* enum group */
	uint8_t flags;
};

/* The eight ALU rows 00-3F: Eb,Gb  Ev,Gv  Gb,Eb  Gv,Ev  AL,Ib  rAX,Iz. */
#define ALU_ROW(b, o)                                                     \
	[(b) + 0] = { (o), F_EB_GB, G_NONE, 0 },                          \
	[(b) + 1] = { (o), F_EV_GV, G_NONE, 0 },                          \
	[(b) + 2] = { (o), F_GB_EB, G_NONE, 0 },                          \
	[(b) + 3] = { (o), F_GV_EV, G_NONE, 0 },                          \
	[(b) + 4] = { (o), F_AL_IB, G_NONE, 0 },                          \
	[(b) + 5] = { (o), F_AX_IZ, G_NONE, 0 }

static const struct opdesc one_byte[256] = {
	ALU_ROW(0x00, X86_OP_ADD), ALU_ROW(0x08, X86_OP_OR),
	ALU_ROW(0x10, X86_OP_ADC), ALU_ROW(0x18, X86_OP_SBB),
	ALU_ROW(0x20, X86_OP_AND), ALU_ROW(0x28, X86_OP_SUB),
	ALU_ROW(0x30, X86_OP_XOR), ALU_ROW(0x38, X86_OP_CMP),
	[0x63] = { X86_OP_MOVSX, F_GV_ED, G_NONE, ONLY64 }, /* MOVSXD */
	[0x80] = { 0, F_EB_IB, G_1, 0 },
	[0x81] = { 0, F_EV_IZ, G_1, 0 },
	[0x82] = { 0, F_EB_IB, G_1, NO64 }, /* alias of 80 */
	[0x83] = { 0, F_EV_IB, G_1, 0 },
	[0x84] = { X86_OP_TEST, F_EB_GB, G_NONE, 0 },
	[0x85] = { X86_OP_TEST, F_EV_GV, G_NONE, 0 },
	[0x86] = { X86_OP_XCHG, F_EB_GB, G_NONE, 0 },
	[0x87] = { X86_OP_XCHG, F_EV_GV, G_NONE, 0 },
	[0x88] = { X86_OP_MOV, F_EB_GB, G_NONE, 0 },
	[0x89] = { X86_OP_MOV, F_EV_GV, G_NONE, 0 },
	[0x8a] = { X86_OP_MOV, F_GB_EB, G_NONE, 0 },
	[0x8b] = { X86_OP_MOV, F_GV_EV, G_NONE, 0 },
	[0xa0] = { X86_OP_MOV, F_AL_OB, G_NONE, 0 },
	[0xa1] = { X86_OP_MOV, F_AX_OV, G_NONE, 0 },
	[0xa2] = { X86_OP_MOV, F_OB_AL, G_NONE, 0 },
	[0xa3] = { X86_OP_MOV, F_OV_AX, G_NONE, 0 },
	[0xa4] = { X86_OP_MOVS, F_STR_B, G_NONE, 0 },
	[0xa5] = { X86_OP_MOVS, F_STR_V, G_NONE, 0 },
	[0xa8] = { X86_OP_TEST, F_AL_IB, G_NONE, 0 },
	[0xa9] = { X86_OP_TEST, F_AX_IZ, G_NONE, 0 },
	[0xaa] = { X86_OP_STOS, F_STR_B, G_NONE, 0 },
	[0xab] = { X86_OP_STOS, F_STR_V, G_NONE, 0 },
	[0xac] = { X86_OP_LODS, F_STR_B, G_NONE, 0 },
	[0xad] = { X86_OP_LODS, F_STR_V, G_NONE, 0 },
	[0xc6] = { 0, F_EB_IB, G_11, 0 },
	[0xc7] = { 0, F_EV_IZ, G_11, 0 },
	[0xf6] = { 0, F_EB_IB, G_3, 0 },
	[0xf7] = { 0, F_EV_IZ, G_3, 0 },
};

static const struct opdesc two_byte[256] = {
	[0xa3] = { X86_OP_BT, F_EV_GV, G_NONE, 0 },
	[0xab] = { X86_OP_BTS, F_EV_GV, G_NONE, 0 },
	[0xb3] = { X86_OP_BTR, F_EV_GV, G_NONE, 0 },
	[0xb6] = { X86_OP_MOVZX, F_GV_EB, G_NONE, 0 },
	[0xb7] = { X86_OP_MOVZX, F_GV_EW, G_NONE, 0 },
	[0xba] = { 0, F_EV_IB, G_8, 0 },
	[0xbb] = { X86_OP_BTC, F_EV_GV, G_NONE, 0 },
	[0xbe] = { X86_OP_MOVSX, F_GV_EB, G_NONE, 0 },
	[0xbf] = { X86_OP_MOVSX, F_GV_EW, G_NONE, 0 },
};

/* 16-bit addressing (SDM vol. 2 table 2-1), by ModRM.rm; rm 6 with
 * mod 00 is disp16 alone. */
static const uint8_t mem16_base[8] = {
	X86_RBX, X86_RBX, X86_RBP, X86_RBP, X86_RSI, X86_RDI, X86_RBP, X86_RBX,
};
static const uint8_t mem16_index[8] = {
	X86_RSI, X86_RDI, X86_RSI, X86_RDI,
	X86_REG_NONE, X86_REG_NONE, X86_REG_NONE, X86_REG_NONE,
};

struct dec {
	const uint8_t *buf;
	size_t avail;
	unsigned pos;
	struct x86_insn *in;
	enum x86_decode_status st;
};

static bool fail(struct dec *d, enum x86_decode_status st, const char *why)
{
	d->st = st;
	d->in->reason = why;
	return false;
}

/* The next n bytes, little-endian.  The length limit is checked first:
 * an instruction that cannot fit in 15 bytes is too long whatever else
 * the buffer holds. */
static bool take(struct dec *d, unsigned n, uint64_t *val)
{
	uint64_t v = 0;

	if (d->pos + n > X86_MAX_INSN_LEN)
		return fail(d, X86_DECODE_TOO_LONG,
			    "instruction longer than 15 bytes");
	if (d->pos + n > d->avail)
		return fail(d, X86_DECODE_TRUNCATED,
			    "instruction continues past the bytes given");
	for (unsigned i = n; i-- > 0;)
		v = (v << 8) | d->buf[d->pos + i];
	d->pos += n;
	*val = v;
	return true;
}

static uint64_t sign_extend(uint64_t v, unsigned bytes)
{
	unsigned shift = 64 - 8 * bytes;

	return (uint64_t)((int64_t)(v << shift) >> shift);
}

static bool is_64(const struct dec *d)
{
	return d->in->mode == X86_MODE_64;
}

static bool rex(const struct dec *d, unsigned bit)
{
	return d->in->rex & bit;
}

/* Legacy prefixes and REX, up to the first opcode byte. */
static bool prefixes(struct dec *d, uint8_t *opc)
{
	struct x86_insn *in = d->in;
	uint64_t b;

	for (;;) {
		if (!take(d, 1, &b))
			return false;
		switch (b) {
		case 0xf0:
			in->prefixes |= X86_PFX_LOCK;
			break;
		case 0xf2:
			in->prefixes = (in->prefixes & ~X86_PFX_REP) | X86_PFX_REPNE;
			break;
		case 0xf3:
			in->prefixes = (in->prefixes & ~X86_PFX_REPNE) | X86_PFX_REP;
			break;
		case 0x66:
			in->prefixes |= X86_PFX_OPSIZE;
			break;
		case 0x67:
			in->prefixes |= X86_PFX_ADSIZE;
			break;
		case 0x26: case 0x2e: case 0x36: case 0x3e:
			in->prefixes |= X86_PFX_SEG;
			in->seg_pfx = (enum x86_seg)((b >> 3) & 3);
			break;
		case 0x64: case 0x65:
			in->prefixes |= X86_PFX_SEG;
			in->seg_pfx = b == 0x64 ? X86_SEG_FS : X86_SEG_GS;
			break;
		default:
			if (is_64(d) && (b & 0xf0) == 0x40) {
				in->rex = (uint8_t)b;
				continue;
			}
			*opc = (uint8_t)b;
			return true;
		}
		/* SDM vol. 2 §2.2.1: a REX prefix counts only right before
		 * the opcode; one followed by a legacy prefix is ignored. */
		in->rex = 0;
	}
}

/* Operand and address size from the mode, 66, 67 and REX.W (SDM vol. 1
 * §3.6 and table 3-4). */
static void sizes(struct x86_insn *in, uint8_t *v)
{
	bool o = in->prefixes & X86_PFX_OPSIZE;
	bool a = in->prefixes & X86_PFX_ADSIZE;

	switch (in->mode) {
	case X86_MODE_64:
		*v = (in->rex & X86_REX_W) ? 8 : o ? 2 : 4;
		in->addr_size = a ? 4 : 8;
		break;
	case X86_MODE_32:
		*v = o ? 2 : 4;
		in->addr_size = a ? 2 : 4;
		break;
	default:
		*v = o ? 4 : 2;
		in->addr_size = a ? 4 : 2;
		break;
	}
}

/* A register operand by its 4-bit number.  Byte registers 4-7 are AH, CH,
 * DH, BH unless a REX prefix is in effect (then SPL, BPL, SIL, DIL). */
static void set_reg(const struct dec *d, struct x86_operand *o,
		    unsigned num, unsigned size)
{
	o->kind = X86_OPND_REG;
	o->size = (uint8_t)size;
	o->high8 = size == 1 && !d->in->rex && num >= 4; /* 8-15 need REX */
	o->reg = (uint8_t)(o->high8 ? num - 4 : num);
}

/* A memory operand's segment: the default, unless overridden.  In 64-bit
 * mode only FS and GS overrides have an effect (SDM vol. 1 §3.3.7.1). */
static void set_seg(const struct dec *d, struct x86_mem *m,
		    enum x86_seg dflt, bool override_ok)
{
	const struct x86_insn *in = d->in;

	m->seg = dflt;
	if (!override_ok || !(in->prefixes & X86_PFX_SEG))
		return;
	if (is_64(d) && in->seg_pfx != X86_SEG_FS && in->seg_pfx != X86_SEG_GS)
		return;
	m->seg = in->seg_pfx;
}

static void mem_init(struct x86_operand *o, unsigned size)
{
	o->kind = X86_OPND_MEM;
	o->size = (uint8_t)size;
	o->mem.base = X86_REG_NONE;
	o->mem.index = X86_REG_NONE;
	o->mem.scale = 1;
	o->mem.rip_rel = false;
	o->mem.disp = 0;
}

static bool disp(struct dec *d, struct x86_mem *m, unsigned bytes)
{
	uint64_t v;

	if (!take(d, bytes, &v))
		return false;
	m->disp = (int64_t)sign_extend(v, bytes);
	return true;
}

/* 16-bit forms: [BX+SI] ... [BX], with disp8/disp16. */
static bool mem16(struct dec *d, struct x86_mem *m, unsigned mod, unsigned rm)
{
	if (mod == 0 && rm == 6) {
		set_seg(d, m, X86_SEG_DS, true);
		return disp(d, m, 2);
	}
	m->base = mem16_base[rm];
	m->index = mem16_index[rm];
	set_seg(d, m, m->base == X86_RBP ? X86_SEG_SS : X86_SEG_DS, true);
	return mod == 0 || disp(d, m, mod == 1 ? 1 : 2);
}

/* 32/64-bit forms (SDM vol. 2 tables 2-2 and 2-3, §2.2.1.3-6).  The
 * "no base" encodings (rm 101 with mod 00, SIB base 101 with mod 00) and
 * "no index" (SIB index 100) are decided on the 3-bit fields, before
 * REX.B/REX.X extend them: R13 as base still needs a displacement, and
 * R12 is a valid index. */
static bool mem32(struct dec *d, struct x86_mem *m, unsigned mod, unsigned rm)
{
	bool no_base = false;
	uint64_t sib;

	if (rm == 4) {
		unsigned idx;

		if (!take(d, 1, &sib))
			return false;
		idx = ((sib >> 3) & 7) | (rex(d, X86_REX_X) ? 8 : 0);
		if (idx != 4)
			m->index = (uint8_t)idx;
		m->scale = (uint8_t)(1u << (sib >> 6));
		if ((sib & 7) == 5 && mod == 0)
			no_base = true;
		else
			m->base = (uint8_t)((sib & 7) | (rex(d, X86_REX_B) ? 8 : 0));
	} else if (rm == 5 && mod == 0) {
		/* disp32 alone; in 64-bit mode relative to the next RIP. */
		no_base = true;
		m->rip_rel = is_64(d);
	} else {
		m->base = (uint8_t)(rm | (rex(d, X86_REX_B) ? 8 : 0));
	}
	set_seg(d, m, m->base == X86_RSP || m->base == X86_RBP ? X86_SEG_SS
							      : X86_SEG_DS, true);
	if (no_base)
		return disp(d, m, 4);
	return mod == 0 || disp(d, m, mod == 1 ? 1 : 4);
}

/* ModRM.r/m as an operand of 'size' bytes. */
static bool op_e(struct dec *d, struct x86_operand *o, unsigned size)
{
	unsigned mod = d->in->modrm >> 6, rm = d->in->modrm & 7;

	if (mod == 3) {
		set_reg(d, o, rm | (rex(d, X86_REX_B) ? 8 : 0), size);
		return true;
	}
	mem_init(o, size);
	if (d->in->addr_size == 2)
		return mem16(d, &o->mem, mod, rm);
	return mem32(d, &o->mem, mod, rm);
}

/* ModRM.reg as a register operand. */
static void op_g(struct dec *d, struct x86_operand *o, unsigned size)
{
	unsigned num = ((d->in->modrm >> 3) & 7) | (rex(d, X86_REX_R) ? 8 : 0);

	set_reg(d, o, num, size);
}

static void op_acc(struct dec *d, struct x86_operand *o, unsigned size)
{
	set_reg(d, o, X86_RAX, size);
}

/* An immediate of 'bytes' bytes for an operation of 'size' bytes. */
static bool op_imm(struct dec *d, struct x86_operand *o, unsigned bytes,
		   unsigned size)
{
	uint64_t v;

	if (!take(d, bytes, &v))
		return false;
	o->kind = X86_OPND_IMM;
	o->size = (uint8_t)size;
	d->in->imm = sign_extend(v, bytes);
	return true;
}

/* moffs: an offset of address size, no ModRM (SDM vol. 2 §A.2.1 "O"). */
static bool op_moffs(struct dec *d, struct x86_operand *o, unsigned size)
{
	uint64_t v;

	mem_init(o, size);
	set_seg(d, &o->mem, X86_SEG_DS, true);
	if (!take(d, d->in->addr_size, &v))
		return false;
	o->mem.disp = (int64_t)v;
	return true;
}

/* String operands: DS:rSI (segment override allowed) and ES:rDI (never
 * overridden). */
static void op_str(struct dec *d, struct x86_operand *o, unsigned size,
		   bool source)
{
	mem_init(o, size);
	o->mem.base = source ? X86_RSI : X86_RDI;
	set_seg(d, &o->mem, source ? X86_SEG_DS : X86_SEG_ES, source);
}

static bool string_ops(struct dec *d, unsigned size)
{
	struct x86_insn *in = d->in;

	switch (in->op) {
	case X86_OP_MOVS:
		op_str(d, &in->src, size, true);
		op_str(d, &in->dst, size, false);
		break;
	case X86_OP_STOS:
		op_acc(d, &in->src, size);
		op_str(d, &in->dst, size, false);
		break;
	default: /* LODS */
		op_str(d, &in->src, size, true);
		op_acc(d, &in->dst, size);
		break;
	}
	return true;
}

static bool operands(struct dec *d, enum form form, unsigned v)
{
	struct x86_insn *in = d->in;
	unsigned z = v == 2 ? 2 : 4;

	switch (form) {
	case F_EB_GB:
		op_g(d, &in->src, 1);
		return op_e(d, &in->dst, 1);
	case F_EV_GV:
		op_g(d, &in->src, v);
		return op_e(d, &in->dst, v);
	case F_GB_EB:
		op_g(d, &in->dst, 1);
		return op_e(d, &in->src, 1);
	case F_GV_EV:
		op_g(d, &in->dst, v);
		return op_e(d, &in->src, v);
	case F_GV_EB:
		op_g(d, &in->dst, v);
		return op_e(d, &in->src, 1);
	case F_GV_EW:
		op_g(d, &in->dst, v);
		return op_e(d, &in->src, 2);
	case F_GV_ED:
		op_g(d, &in->dst, v);
		return op_e(d, &in->src, v == 8 ? 4 : v);
	case F_AL_IB:
		op_acc(d, &in->dst, 1);
		return op_imm(d, &in->src, 1, 1);
	case F_AX_IZ:
		op_acc(d, &in->dst, v);
		return op_imm(d, &in->src, z, v);
	case F_EB_IB:
		return op_e(d, &in->dst, 1) && op_imm(d, &in->src, 1, 1);
	case F_EV_IZ:
		return op_e(d, &in->dst, v) && op_imm(d, &in->src, z, v);
	case F_EV_IB:
		return op_e(d, &in->dst, v) && op_imm(d, &in->src, 1, v);
	case F_AL_OB:
		op_acc(d, &in->dst, 1);
		return op_moffs(d, &in->src, 1);
	case F_AX_OV:
		op_acc(d, &in->dst, v);
		return op_moffs(d, &in->src, v);
	case F_OB_AL:
		op_acc(d, &in->src, 1);
		return op_moffs(d, &in->dst, 1);
	case F_OV_AX:
		op_acc(d, &in->src, v);
		return op_moffs(d, &in->dst, v);
	case F_STR_B:
		return string_ops(d, 1);
	default: /* F_STR_V */
		return string_ops(d, v);
	}
}

static bool has_modrm(enum form form)
{
	return form <= F_EV_IB && form != F_AL_IB && form != F_AX_IZ;
}

/* SDM vol. 2 §2.1.1 (LOCK): only these, and only with a memory
 * destination; anything else is #UD. */
static bool lock_ok(const struct x86_insn *in)
{
	switch (in->op) {
	case X86_OP_ADD: case X86_OP_OR: case X86_OP_ADC: case X86_OP_SBB:
	case X86_OP_AND: case X86_OP_SUB: case X86_OP_XOR:
	case X86_OP_XCHG: case X86_OP_BTS: case X86_OP_BTR: case X86_OP_BTC:
		return in->dst.kind == X86_OPND_MEM;
	default:
		return false;
	}
}

static bool decode(struct dec *d)
{
	struct x86_insn *in = d->in;
	const struct opdesc *desc;
	uint8_t opc, v;
	uint64_t b;

	if (!prefixes(d, &opc))
		return false;
	if (opc == 0x0f) {
		if (!take(d, 1, &b))
			return false;
		in->opcode = X86_OPCODE_0F((uint16_t)b);
		desc = &two_byte[b];
	} else {
		in->opcode = opc;
		desc = &one_byte[opc];
	}
	if (desc->form == F_NONE)
		return fail(d, X86_DECODE_UNSUPPORTED, "opcode not emulated");
	if ((desc->flags & NO64) && is_64(d))
		return fail(d, X86_DECODE_INVALID, "opcode invalid in 64-bit mode");
	if ((desc->flags & ONLY64) && !is_64(d))
		return fail(d, X86_DECODE_UNSUPPORTED,
			    "opcode not emulated outside 64-bit mode");
	in->op = (enum x86_op)desc->op;
	if (has_modrm(desc->form)) {
		if (!take(d, 1, &b))
			return false;
		in->modrm = (uint8_t)b;
		if (desc->group != G_NONE) {
			uint8_t op = group_ops[desc->group][(b >> 3) & 7];

			if (op == OP_NONE)
				return fail(d, X86_DECODE_UNSUPPORTED,
					    "opcode group member not emulated");
			in->op = (enum x86_op)op;
		}
	}
	sizes(in, &v);
	if (!operands(d, (enum form)desc->form, v))
		return false;
	in->op_size = in->dst.size;
	in->len = (uint8_t)d->pos;
	if ((in->prefixes & X86_PFX_LOCK) && !lock_ok(in))
		return fail(d, X86_DECODE_INVALID, "LOCK prefix not allowed here");
	return true;
}

enum x86_decode_status x86_decode(const uint8_t *buf, size_t avail,
				  enum x86_mode mode, struct x86_insn *insn)
{
	struct dec d = { .buf = buf, .avail = avail, .in = insn,
			 .st = X86_DECODE_OK };

	memset(insn, 0, sizeof(*insn));
	insn->mode = mode;
	if (!decode(&d))
		return d.st;
	return X86_DECODE_OK;
}

const char *x86_decode_status_name(enum x86_decode_status st)
{
	static const char *const names[] = {
		[X86_DECODE_OK] = "ok",
		[X86_DECODE_TRUNCATED] = "truncated",
		[X86_DECODE_TOO_LONG] = "too long",
		[X86_DECODE_INVALID] = "invalid",
		[X86_DECODE_UNSUPPORTED] = "unsupported",
	};

	if ((unsigned)st < ARRAY_SIZE(names))
		return names[st];
	return "?";
}
