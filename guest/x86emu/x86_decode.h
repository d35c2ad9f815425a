/* x86 instruction decoder for the guest accesses the hypervisor emulates:
 * loads, stores and read-modify-writes that hit an emulated device page
 * (EPT violation on a virtual LAPIC/IOAPIC page or a PCI BAR).
 *
 * It decodes one instruction from a byte buffer in 16-, 32- or 64-bit
 * mode: legacy prefixes, REX, the 0F map, ModRM/SIB with every addressing
 * form, displacements and immediates.  Only the instructions guests use on
 * device memory are accepted (see x86_decode()); anything else is reported
 * as unsupported, with a reason, before its operands are looked at. */
#ifndef GUEST_X86_DECODE_H
#define GUEST_X86_DECODE_H

#include "lib/types.h"

/* SDM vol. 2 §2.3.11: a longer instruction raises #GP(0). */
#define X86_MAX_INSN_LEN 15

/* Decoding mode: the default operand and address size (CS.D), or 64-bit
 * mode (IA32_EFER.LMA and CS.L).  Real and virtual-8086 mode are 16-bit. */
enum x86_mode { X86_MODE_16, X86_MODE_32, X86_MODE_64 };

/* SDM vol. 3 §3.4.5 and §5.2.1: 64-bit mode needs LMA and CS.L; otherwise
 * CS.D picks 32 over 16 bits, except in real and virtual-8086 mode. */
static inline enum x86_mode x86_mode_of(bool cr0_pe, bool rflags_vm,
					bool efer_lma, bool cs_l, bool cs_d)
{
	if (!cr0_pe || rflags_vm)
		return X86_MODE_16;
	if (efer_lma && cs_l)
		return X86_MODE_64;
	return cs_d ? X86_MODE_32 : X86_MODE_16;
}

/* General-purpose registers in ModRM/REX numbering. */
enum x86_reg {
	X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
	X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
	X86_NR_GPRS,
};
#define X86_REG_NONE 0xff

/* Segment registers in the Sreg encoding (SDM vol. 2 §3.1.1.1). */
enum x86_seg {
	X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS,
};

/* What an instruction does.  ADD..CMP are in the order of the ALU opcode
 * rows (00-3F) and of ModRM.reg in group 1 (80-83). */
enum x86_op {
	X86_OP_ADD, X86_OP_OR, X86_OP_ADC, X86_OP_SBB,
	X86_OP_AND, X86_OP_SUB, X86_OP_XOR, X86_OP_CMP,
	X86_OP_TEST,
	X86_OP_MOV,
	X86_OP_MOVZX,
	X86_OP_MOVSX, /* also MOVSXD (63) */
	X86_OP_XCHG,
	X86_OP_BT, X86_OP_BTS, X86_OP_BTR, X86_OP_BTC,
	X86_OP_MOVS, X86_OP_STOS, X86_OP_LODS,
};

enum x86_opnd_kind { X86_OPND_NONE, X86_OPND_REG, X86_OPND_MEM, X86_OPND_IMM };

/* A memory operand: offset = base + index * scale + disp (+ the address
 * of the next instruction when rip_rel), wrapped to the address size,
 * in segment 'seg' (default or override, as the SDM resolves it: in
 * 64-bit mode ES/CS/SS/DS overrides are ignored). */
struct x86_mem {
	uint8_t base;  /* enum x86_reg or X86_REG_NONE */
	uint8_t index; /* enum x86_reg or X86_REG_NONE */
	uint8_t scale; /* 1, 2, 4 or 8 */
	bool rip_rel;
	enum x86_seg seg;
	int64_t disp;  /* sign-extended; moffs: the offset, zero-extended */
};

struct x86_operand {
	enum x86_opnd_kind kind;
	uint8_t size;        /* bytes: 1, 2, 4 or 8 */
	uint8_t reg;         /* REG: enum x86_reg */
	bool high8;          /* REG, size 1: AH, CH, DH, BH (reg is 0-3) */
	struct x86_mem mem;  /* MEM */
};

/* Prefixes seen (the last of F2/F3 is the one in effect). */
#define X86_PFX_LOCK BIT(0)
#define X86_PFX_REP BIT(1)   /* F3 */
#define X86_PFX_REPNE BIT(2) /* F2 */
#define X86_PFX_OPSIZE BIT(3) /* 66 */
#define X86_PFX_ADSIZE BIT(4) /* 67 */
#define X86_PFX_SEG BIT(5)    /* a segment override, see x86_insn.seg_pfx */

/* REX bits (SDM vol. 2 §2.2.1). */
#define X86_REX_B BIT(0)
#define X86_REX_X BIT(1)
#define X86_REX_R BIT(2)
#define X86_REX_W BIT(3)

/* Opcode numbering in x86_insn.opcode: one-byte opcodes as they are,
 * two-byte ones (0F xx) as 0x0fxx. */
#define X86_OPCODE_0F(b) (0x0f00 | (b))

struct x86_insn {
	enum x86_op op;
	enum x86_mode mode;
	uint16_t opcode;
	uint8_t modrm;       /* when the instruction has one */
	uint8_t len;         /* bytes, prefixes included */
	uint8_t op_size;     /* operation size: 1, 2, 4 or 8 */
	uint8_t addr_size;   /* 2, 4 or 8 */
	uint8_t prefixes;    /* X86_PFX_* */
	uint8_t rex;         /* REX byte in effect, 0 without one */
	enum x86_seg seg_pfx; /* with X86_PFX_SEG: the last override */
	/* Destination (for TEST, CMP and BT*: the first source) and source.
	 * MOVS has two memory operands (src DS:rSI, dst ES:rDI), STOS a
	 * memory destination and rAX, LODS the reverse. */
	struct x86_operand dst, src;
	uint64_t imm;        /* IMM: sign-extended to 64 bits */
	const char *reason;  /* why, when the status is not X86_DECODE_OK */
};

enum x86_decode_status {
	X86_DECODE_OK,
	X86_DECODE_TRUNCATED,   /* the buffer ends inside the instruction */
	X86_DECODE_TOO_LONG,    /* more than 15 bytes: #GP(0) */
	X86_DECODE_INVALID,     /* architecturally undefined here: #UD */
	X86_DECODE_UNSUPPORTED, /* valid, but not one we emulate */
};

/* Decode the instruction at buf[0..avail).  Never reads past
 * min(avail, X86_MAX_INSN_LEN) bytes.  On X86_DECODE_TRUNCATED, retry
 * with more bytes.  Any status but OK sets insn->reason; insn->opcode and
 * insn->prefixes are valid once the opcode was reached. */
enum x86_decode_status x86_decode(const uint8_t *buf, size_t avail,
				  enum x86_mode mode, struct x86_insn *insn);

const char *x86_decode_status_name(enum x86_decode_status st);

/* Whether the instruction touches memory (MOVS has two operands there). */
static inline bool x86_insn_has_mem(const struct x86_insn *insn)
{
	return insn->dst.kind == X86_OPND_MEM || insn->src.kind == X86_OPND_MEM;
}

#endif
