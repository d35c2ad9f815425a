// UNIT-SOURCES: guest/x86emu/x86_decode.c
/* The instruction decoder against a table of encodings, every one also cut
 * short at each length (into exact-size heap buffers, so that ASan catches
 * any read past the end) and padded with extra bytes: all operand forms,
 * prefixes, modes, the 15-byte limit, invalid and unsupported encodings.
 * The rest of the decoder's interface is in test_x86_decode_api.c. */
#include <stdlib.h>

#include "guest/x86emu/x86_decode.h"
#include "lib/printk.h"
#include "tests/unit/fakes.h"

#define NO X86_REG_NONE
#define M16 X86_MODE_16
#define M32 X86_MODE_32
#define M64 X86_MODE_64

#define RAX X86_RAX
#define RCX X86_RCX
#define RDX X86_RDX
#define RBX X86_RBX
#define RSP X86_RSP
#define RBP X86_RBP
#define RSI X86_RSI
#define RDI X86_RDI

#define ES X86_SEG_ES
#define CS X86_SEG_CS
#define SS X86_SEG_SS
#define DS X86_SEG_DS
#define FS X86_SEG_FS
#define GS X86_SEG_GS

#define LOCK X86_PFX_LOCK
#define REP X86_PFX_REP
#define REPNE X86_PFX_REPNE
#define OPSZ X86_PFX_OPSIZE
#define ADSZ X86_PFX_ADSIZE
#define SEG X86_PFX_SEG

struct xopnd {
	enum x86_opnd_kind kind;
	uint8_t size, reg;
	bool high8;
	uint8_t base, index, scale;
	bool rip_rel;
	enum x86_seg seg;
	int64_t disp;
};

struct dcase {
	const char *name;
	enum x86_mode mode;
	uint8_t bytes[24];
	uint8_t n;
	enum x86_decode_status st;
	uint8_t len, op_size, addr_size, prefixes;
	enum x86_op op;
	struct xopnd dst, src;
	uint64_t imm;
};

#define R(r, sz) { .kind = X86_OPND_REG, .size = (sz), .reg = (r) }
#define RH(r) { .kind = X86_OPND_REG, .size = 1, .reg = (r), .high8 = true }
#define IMM(sz) { .kind = X86_OPND_IMM, .size = (sz) }
#define MEM(sz, b, i, sc, d, sg)                                          \
	{ .kind = X86_OPND_MEM, .size = (sz), .base = (b), .index = (i),  \
	  .scale = (sc), .disp = (d), .seg = (sg) }
#define RIPREL(sz, d)                                                     \
	{ .kind = X86_OPND_MEM, .size = (sz), .base = NO, .index = NO,    \
	  .scale = 1, .rip_rel = true, .disp = (d), .seg = DS }
#define NOPND { .kind = X86_OPND_NONE }

#define BYTES(...) { __VA_ARGS__ }
#define NBYTES(...) sizeof((uint8_t[])BYTES(__VA_ARGS__))

/* OK(mode, name, (bytes), len, op, op_size, addr_size, prefixes, dst, src, imm) */
#define OK(m, nm, b, l, o, os, as, pf, d, s, im)                           \
	{ .name = (nm), .mode = (m), .bytes = BYTES b, .n = NBYTES b,       \
	  .st = X86_DECODE_OK, .len = (l), .op = X86_OP_##o,               \
	  .op_size = (os), .addr_size = (as), .prefixes = (pf),            \
	  .dst = d, .src = s, .imm = (im) }
#define BAD(m, nm, b, status)                                              \
	{ .name = (nm), .mode = (m), .bytes = BYTES b, .n = NBYTES b,       \
	  .st = X86_DECODE_##status }

static const struct dcase cases[] = {
	/* ---- MOV, all sizes, REX and prefix combinations (64-bit) ---- */
	OK(M64, "mov [rax],ecx", (0x89, 0x08), 2, MOV, 4, 8, 0,
	   MEM(4, RAX, NO, 1, 0, DS), R(RCX, 4), 0),
	OK(M64, "mov [rax],rcx", (0x48, 0x89, 0x08), 3, MOV, 8, 8, 0,
	   MEM(8, RAX, NO, 1, 0, DS), R(RCX, 8), 0),
	OK(M64, "mov [rax],cx", (0x66, 0x89, 0x08), 3, MOV, 2, 8, OPSZ,
	   MEM(2, RAX, NO, 1, 0, DS), R(RCX, 2), 0),
	OK(M64, "mov [rax],ah", (0x88, 0x20), 2, MOV, 1, 8, 0,
	   MEM(1, RAX, NO, 1, 0, DS), RH(RAX), 0),
	OK(M64, "mov [rax],spl (REX 40)", (0x40, 0x88, 0x20), 3, MOV, 1, 8, 0,
	   MEM(1, RAX, NO, 1, 0, DS), R(RSP, 1), 0),
	OK(M64, "mov [rax],r12b (REX.R)", (0x44, 0x88, 0x20), 3, MOV, 1, 8, 0,
	   MEM(1, RAX, NO, 1, 0, DS), R(X86_R12, 1), 0),
	OK(M64, "mov bh,[rax]", (0x8a, 0x38), 2, MOV, 1, 8, 0,
	   RH(RBX), MEM(1, RAX, NO, 1, 0, DS), 0),
	OK(M64, "mov dil,[rax] (REX 40)", (0x40, 0x8a, 0x38), 3, MOV, 1, 8, 0,
	   R(RDI, 1), MEM(1, RAX, NO, 1, 0, DS), 0),
	OK(M64, "mov ecx,[rax]", (0x8b, 0x08), 2, MOV, 4, 8, 0,
	   R(RCX, 4), MEM(4, RAX, NO, 1, 0, DS), 0),
	OK(M64, "mov r9,[r10] (REX.WRB)", (0x4d, 0x8b, 0x0a), 3, MOV, 8, 8, 0,
	   R(X86_R9, 8), MEM(8, X86_R10, NO, 1, 0, DS), 0),
	OK(M64, "mov al,ah (registers)", (0x88, 0xe0), 2, MOV, 1, 8, 0,
	   R(RAX, 1), RH(RAX), 0),
	OK(M64, "mov r12b,dil (REX.B)", (0x41, 0x88, 0xfc), 3, MOV, 1, 8, 0,
	   R(X86_R12, 1), R(RDI, 1), 0),
	OK(M64, "mov eax,ecx", (0x89, 0xc8), 2, MOV, 4, 8, 0,
	   R(RAX, 4), R(RCX, 4), 0),
	/* REX then a legacy prefix: the REX is ignored; 66 then REX.W: W wins. */
	OK(M64, "REX.W 66 mov: REX ignored", (0x48, 0x66, 0x89, 0x08), 4, MOV,
	   2, 8, OPSZ, MEM(2, RAX, NO, 1, 0, DS), R(RCX, 2), 0),
	OK(M64, "66 REX.W mov: qword", (0x66, 0x48, 0x89, 0x08), 4, MOV, 8, 8,
	   OPSZ, MEM(8, RAX, NO, 1, 0, DS), R(RCX, 8), 0),
	OK(M64, "REX.B REX.W mov: last REX only", (0x41, 0x48, 0x89, 0x08), 4,
	   MOV, 8, 8, 0, MEM(8, RAX, NO, 1, 0, DS), R(RCX, 8), 0),
	OK(M64, "40 66 mov [rax],ah: the REX is lost, AH again",
	   (0x40, 0x66, 0x88, 0x20), 4, MOV, 1, 8, OPSZ,
	   MEM(1, RAX, NO, 1, 0, DS), RH(RAX), 0),

	/* ---- addressing forms (64-bit) ---- */
	OK(M64, "mov eax,[rip+0x12345678]",
	   (0x8b, 0x05, 0x78, 0x56, 0x34, 0x12), 6, MOV, 4, 8, 0,
	   R(RAX, 4), RIPREL(4, 0x12345678), 0),
	OK(M64, "mov ecx,[rip-16]", (0x8b, 0x0d, 0xf0, 0xff, 0xff, 0xff), 6,
	   MOV, 4, 8, 0, R(RCX, 4), RIPREL(4, -16), 0),
	OK(M64, "mov eax,[eip+16] (67)",
	   (0x67, 0x8b, 0x05, 0x10, 0, 0, 0), 7, MOV, 4, 4, ADSZ,
	   R(RAX, 4), RIPREL(4, 16), 0),
	OK(M64, "mov r8d,[rip+0] (REX.B does not make it r13)",
	   (0x45, 0x8b, 0x05, 0, 0, 0, 0), 7, MOV, 4, 8, 0,
	   R(X86_R8, 4), RIPREL(4, 0), 0),
	OK(M64, "mov eax,[0xfee01000] (SIB, no base, no index)",
	   (0x8b, 0x04, 0x25, 0x00, 0x10, 0xe0, 0xfe), 7, MOV, 4, 8, 0,
	   R(RAX, 4), MEM(4, NO, NO, 1, (int32_t)0xfee01000, DS), 0),
	OK(M64, "mov eax,[0x100] (REX.B, SIB base 101 mod 00)",
	   (0x41, 0x8b, 0x04, 0x25, 0x00, 0x01, 0, 0), 8, MOV, 4, 8, 0,
	   R(RAX, 4), MEM(4, NO, NO, 1, 0x100, DS), 0),
	OK(M64, "mov eax,[rcx*4+0x100]",
	   (0x8b, 0x04, 0x8d, 0x00, 0x01, 0, 0), 7, MOV, 4, 8, 0,
	   R(RAX, 4), MEM(4, NO, RCX, 4, 0x100, DS), 0),
	OK(M64, "mov eax,[rsp+8]", (0x8b, 0x44, 0x24, 0x08), 4, MOV, 4, 8, 0,
	   R(RAX, 4), MEM(4, RSP, NO, 1, 8, SS), 0),
	OK(M64, "mov eax,[rbp-8]", (0x8b, 0x45, 0xf8), 3, MOV, 4, 8, 0,
	   R(RAX, 4), MEM(4, RBP, NO, 1, -8, SS), 0),
	OK(M64, "mov eax,[r13+0]", (0x41, 0x8b, 0x45, 0x00), 4, MOV, 4, 8, 0,
	   R(RAX, 4), MEM(4, X86_R13, NO, 1, 0, DS), 0),
	OK(M64, "mov eax,[r12]", (0x41, 0x8b, 0x04, 0x24), 4, MOV, 4, 8, 0,
	   R(RAX, 4), MEM(4, X86_R12, NO, 1, 0, DS), 0),
	OK(M64, "mov eax,[rax+r12] (REX.X)", (0x42, 0x8b, 0x04, 0x20), 4, MOV,
	   4, 8, 0, R(RAX, 4), MEM(4, RAX, X86_R12, 1, 0, DS), 0),
	OK(M64, "mov rax,[r12*8] (REX.WX, no base)",
	   (0x4a, 0x8b, 0x04, 0xe5, 0, 0, 0, 0), 8, MOV, 8, 8, 0,
	   R(RAX, 8), MEM(8, NO, X86_R12, 8, 0, DS), 0),
	OK(M64, "mov r8,[r8+rcx*8+0x10] (REX.WRB)",
	   (0x4d, 0x8b, 0x44, 0xc8, 0x10), 5, MOV, 8, 8, 0,
	   R(X86_R8, 8), MEM(8, X86_R8, RCX, 8, 0x10, DS), 0),
	OK(M64, "mov r9,[rcx+rdx*4+0x100] (disp32)",
	   (0x4c, 0x8b, 0x8c, 0x91, 0x00, 0x01, 0, 0), 8, MOV, 8, 8, 0,
	   R(X86_R9, 8), MEM(8, RCX, RDX, 4, 0x100, DS), 0),
	OK(M64, "mov eax,[r15+r14*2-128]",
	   (0x43, 0x8b, 0x44, 0x77, 0x80), 5, MOV, 4, 8, 0,
	   R(RAX, 4), MEM(4, X86_R15, X86_R14, 2, -128, DS), 0),
	OK(M64, "mov eax,[rbp+8] (SIB base 101, mod 01)",
	   (0x8b, 0x44, 0x25, 0x08), 4, MOV, 4, 8, 0,
	   R(RAX, 4), MEM(4, RBP, NO, 1, 8, SS), 0),
	OK(M64, "mov eax,[r13+rsi*2+0x100] (SIB base 101, mod 10, REX.B)",
	   (0x41, 0x8b, 0x84, 0x75, 0x00, 0x01, 0, 0), 8, MOV, 4, 8, 0,
	   R(RAX, 4), MEM(4, X86_R13, RSI, 2, 0x100, DS), 0),
	OK(M64, "mov eax,[ecx] (67)", (0x67, 0x8b, 0x01), 3, MOV, 4, 4, ADSZ,
	   R(RAX, 4), MEM(4, RCX, NO, 1, 0, DS), 0),

	/* ---- segment overrides (64-bit: only FS/GS count) ---- */
	OK(M64, "mov eax,fs:[rax]", (0x64, 0x8b, 0x00), 3, MOV, 4, 8, SEG,
	   R(RAX, 4), MEM(4, RAX, NO, 1, 0, FS), 0),
	OK(M64, "mov eax,gs:[rax] 67", (0x65, 0x67, 0x8b, 0x00), 4, MOV, 4, 4,
	   SEG | ADSZ, R(RAX, 4), MEM(4, RAX, NO, 1, 0, GS), 0),
	OK(M64, "mov eax,es:[rax] (ignored)", (0x26, 0x8b, 0x00), 3, MOV, 4, 8,
	   SEG, R(RAX, 4), MEM(4, RAX, NO, 1, 0, DS), 0),
	OK(M64, "mov eax,ds:[rbp] (ignored, stays SS)",
	   (0x3e, 0x8b, 0x45, 0x00), 4, MOV, 4, 8, SEG,
	   R(RAX, 4), MEM(4, RBP, NO, 1, 0, SS), 0),
	OK(M64, "mov eax,ss:[rax] (ignored)", (0x36, 0x8b, 0x00), 3, MOV, 4,
	   8, SEG, R(RAX, 4), MEM(4, RAX, NO, 1, 0, DS), 0),

	/* ---- immediates ---- */
	OK(M64, "mov dword [rax],0x12345678",
	   (0xc7, 0x00, 0x78, 0x56, 0x34, 0x12), 6, MOV, 4, 8, 0,
	   MEM(4, RAX, NO, 1, 0, DS), IMM(4), 0x12345678),
	OK(M64, "mov qword [rax],-1", (0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff),
	   7, MOV, 8, 8, 0, MEM(8, RAX, NO, 1, 0, DS), IMM(8), ~0ULL),
	OK(M64, "mov word [rax],0x1234", (0x66, 0xc7, 0x00, 0x34, 0x12), 5,
	   MOV, 2, 8, OPSZ, MEM(2, RAX, NO, 1, 0, DS), IMM(2), 0x1234),
	OK(M64, "mov byte [rax],0xab", (0xc6, 0x00, 0xab), 3, MOV, 1, 8, 0,
	   MEM(1, RAX, NO, 1, 0, DS), IMM(1), (uint64_t)(int8_t)0xab),
	OK(M64, "mov dword [rsp+4],1 (SIB + disp8 + imm32)",
	   (0xc7, 0x44, 0x24, 0x04, 0x01, 0, 0, 0), 8, MOV, 4, 8, 0,
	   MEM(4, RSP, NO, 1, 4, SS), IMM(4), 1),
	OK(M64, "mov dword [rip+0x10],7 (imm after disp)",
	   (0xc7, 0x05, 0x10, 0, 0, 0, 0x07, 0, 0, 0), 10, MOV, 4, 8, 0,
	   RIPREL(4, 0x10), IMM(4), 7),

	/* ---- moffs ---- */
	OK(M64, "mov eax,[moffs64]",
	   (0xa1, 0x00, 0x03, 0xe0, 0xfe, 0, 0, 0, 0), 9, MOV, 4, 8, 0,
	   R(RAX, 4), MEM(4, NO, NO, 1, 0xfee00300, DS), 0),
	OK(M64, "mov eax,[moffs32] (67)", (0x67, 0xa1, 0x00, 0x03, 0xe0, 0xfe),
	   6, MOV, 4, 4, ADSZ, R(RAX, 4), MEM(4, NO, NO, 1, 0xfee00300, DS), 0),
	OK(M64, "mov [moffs64],rax",
	   (0x48, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11), 10,
	   MOV, 8, 8, 0, MEM(8, NO, NO, 1, 0x1122334455667788, DS), R(RAX, 8),
	   0),
	OK(M64, "mov fs:[moffs64],al",
	   (0x64, 0xa2, 0x10, 0, 0, 0, 0, 0, 0, 0), 10, MOV, 1, 8, SEG,
	   MEM(1, NO, NO, 1, 0x10, FS), R(RAX, 1), 0),
	OK(M64, "mov al,[moffs64]", (0xa0, 0x08, 0, 0, 0, 0, 0, 0, 0x80), 9,
	   MOV, 1, 8, 0, R(RAX, 1),
	   MEM(1, NO, NO, 1, (int64_t)0x8000000000000008ULL, DS), 0),
	OK(M64, "mov [moffs64],ax", (0x66, 0xa3, 1, 2, 3, 4, 5, 6, 7, 8), 10,
	   MOV, 2, 8, OPSZ, MEM(2, NO, NO, 1, 0x0807060504030201, DS),
	   R(RAX, 2), 0),

	/* ---- MOVZX, MOVSX, MOVSXD ---- */
	OK(M64, "movzx ecx,byte [rax]", (0x0f, 0xb6, 0x08), 3, MOVZX, 4, 8, 0,
	   R(RCX, 4), MEM(1, RAX, NO, 1, 0, DS), 0),
	OK(M64, "movzx rcx,word [rax]", (0x48, 0x0f, 0xb7, 0x08), 4, MOVZX, 8,
	   8, 0, R(RCX, 8), MEM(2, RAX, NO, 1, 0, DS), 0),
	OK(M64, "movzx cx,byte [rax]", (0x66, 0x0f, 0xb6, 0x08), 4, MOVZX, 2,
	   8, OPSZ, R(RCX, 2), MEM(1, RAX, NO, 1, 0, DS), 0),
	OK(M64, "movsx ecx,byte [rax]", (0x0f, 0xbe, 0x08), 3, MOVSX, 4, 8, 0,
	   R(RCX, 4), MEM(1, RAX, NO, 1, 0, DS), 0),
	OK(M64, "movsx r11,word [rax] (REX.WR)", (0x4c, 0x0f, 0xbf, 0x18), 4,
	   MOVSX, 8, 8, 0, R(X86_R11, 8), MEM(2, RAX, NO, 1, 0, DS), 0),
	OK(M64, "movsxd rcx,dword [rax]", (0x48, 0x63, 0x08), 3, MOVSX, 8, 8,
	   0, R(RCX, 8), MEM(4, RAX, NO, 1, 0, DS), 0),
	OK(M64, "movsxd ecx,dword [rax] (no REX.W)", (0x63, 0x08), 2, MOVSX, 4,
	   8, 0, R(RCX, 4), MEM(4, RAX, NO, 1, 0, DS), 0),

	/* ---- string instructions ---- */
	OK(M64, "stosb", (0xaa), 1, STOS, 1, 8, 0,
	   MEM(1, RDI, NO, 1, 0, ES), R(RAX, 1), 0),
	OK(M64, "rep stosq", (0xf3, 0x48, 0xab), 3, STOS, 8, 8, REP,
	   MEM(8, RDI, NO, 1, 0, ES), R(RAX, 8), 0),
	OK(M64, "rep stosd a32", (0x67, 0xf3, 0xab), 3, STOS, 4, 4, REP | ADSZ,
	   MEM(4, RDI, NO, 1, 0, ES), R(RAX, 4), 0),
	OK(M64, "rep movsb", (0xf3, 0xa4), 2, MOVS, 1, 8, REP,
	   MEM(1, RDI, NO, 1, 0, ES), MEM(1, RSI, NO, 1, 0, DS), 0),
	OK(M64, "rep movsw", (0xf3, 0x66, 0xa5), 3, MOVS, 2, 8, REP | OPSZ,
	   MEM(2, RDI, NO, 1, 0, ES), MEM(2, RSI, NO, 1, 0, DS), 0),
	OK(M64, "movsd gs:[rsi]", (0x65, 0xa5), 2, MOVS, 4, 8, SEG,
	   MEM(4, RDI, NO, 1, 0, ES), MEM(4, RSI, NO, 1, 0, GS), 0),
	OK(M64, "movsd cs:[rsi] (ignored)", (0x2e, 0xa5), 2, MOVS, 4, 8, SEG,
	   MEM(4, RDI, NO, 1, 0, ES), MEM(4, RSI, NO, 1, 0, DS), 0),
	OK(M64, "repne movsb", (0xf2, 0xa4), 2, MOVS, 1, 8, REPNE,
	   MEM(1, RDI, NO, 1, 0, ES), MEM(1, RSI, NO, 1, 0, DS), 0),
	OK(M64, "f2 f3 movsb: last wins", (0xf2, 0xf3, 0xa4), 3, MOVS, 1, 8,
	   REP, MEM(1, RDI, NO, 1, 0, ES), MEM(1, RSI, NO, 1, 0, DS), 0),
	OK(M64, "f3 f2 movsb: last wins", (0xf3, 0xf2, 0xa4), 3, MOVS, 1, 8,
	   REPNE, MEM(1, RDI, NO, 1, 0, ES), MEM(1, RSI, NO, 1, 0, DS), 0),
	OK(M64, "lodsb", (0xac), 1, LODS, 1, 8, 0,
	   R(RAX, 1), MEM(1, RSI, NO, 1, 0, DS), 0),
	OK(M64, "lodsq", (0x48, 0xad), 2, LODS, 8, 8, 0,
	   R(RAX, 8), MEM(8, RSI, NO, 1, 0, DS), 0),

	/* ---- ALU ---- */
	OK(M64, "add [rax],ecx", (0x01, 0x08), 2, ADD, 4, 8, 0,
	   MEM(4, RAX, NO, 1, 0, DS), R(RCX, 4), 0),
	OK(M64, "lock add [rax],ecx", (0xf0, 0x01, 0x08), 3, ADD, 4, 8, LOCK,
	   MEM(4, RAX, NO, 1, 0, DS), R(RCX, 4), 0),
	OK(M64, "or [rax],cl", (0x08, 0x08), 2, OR, 1, 8, 0,
	   MEM(1, RAX, NO, 1, 0, DS), R(RCX, 1), 0),
	OK(M64, "adc ecx,[rax]", (0x13, 0x08), 2, ADC, 4, 8, 0,
	   R(RCX, 4), MEM(4, RAX, NO, 1, 0, DS), 0),
	OK(M64, "sbb dh,[rax]", (0x1a, 0x30), 2, SBB, 1, 8, 0,
	   RH(RDX), MEM(1, RAX, NO, 1, 0, DS), 0),
	OK(M64, "and [rax],rcx", (0x48, 0x21, 0x08), 3, AND, 8, 8, 0,
	   MEM(8, RAX, NO, 1, 0, DS), R(RCX, 8), 0),
	OK(M64, "sub ecx,[rax]", (0x2b, 0x08), 2, SUB, 4, 8, 0,
	   R(RCX, 4), MEM(4, RAX, NO, 1, 0, DS), 0),
	OK(M64, "xor [rax],cx", (0x66, 0x31, 0x08), 3, XOR, 2, 8, OPSZ,
	   MEM(2, RAX, NO, 1, 0, DS), R(RCX, 2), 0),
	OK(M64, "cmp cl,[rax]", (0x3a, 0x08), 2, CMP, 1, 8, 0,
	   R(RCX, 1), MEM(1, RAX, NO, 1, 0, DS), 0),
	OK(M64, "cmp al,5", (0x3c, 0x05), 2, CMP, 1, 8, 0, R(RAX, 1), IMM(1), 5),
	OK(M64, "cmp eax,0x12345678", (0x3d, 0x78, 0x56, 0x34, 0x12), 5, CMP,
	   4, 8, 0, R(RAX, 4), IMM(4), 0x12345678),
	OK(M64, "cmp ax,0x1234", (0x66, 0x3d, 0x34, 0x12), 4, CMP, 2, 8, OPSZ,
	   R(RAX, 2), IMM(2), 0x1234),
	OK(M64, "add rax,-1 (imm32 sign-extended)",
	   (0x48, 0x05, 0xff, 0xff, 0xff, 0xff), 6, ADD, 8, 8, 0,
	   R(RAX, 8), IMM(8), ~0ULL),
	OK(M64, "or byte [rax],1 (80 /1)", (0x80, 0x08, 0x01), 3, OR, 1, 8, 0,
	   MEM(1, RAX, NO, 1, 0, DS), IMM(1), 1),
	OK(M64, "and dword [rax+4],0xff (81 /4)",
	   (0x81, 0x60, 0x04, 0xff, 0, 0, 0), 7, AND, 4, 8, 0,
	   MEM(4, RAX, NO, 1, 4, DS), IMM(4), 0xff),
	OK(M64, "and dword [rax+4],1 (83 /4 disp8)", (0x83, 0x60, 0x04, 0x01), 4,
	   AND, 4, 8, 0, MEM(4, RAX, NO, 1, 4, DS), IMM(4), 1),
	OK(M64, "sub dword [rax],1 (83 /5)", (0x83, 0x28, 0x01), 3, SUB, 4, 8,
	   0, MEM(4, RAX, NO, 1, 0, DS), IMM(4), 1),
	OK(M64, "cmp dword [rax],-1 (83 /7)", (0x83, 0x38, 0xff), 3, CMP, 4, 8,
	   0, MEM(4, RAX, NO, 1, 0, DS), IMM(4), ~0ULL),
	OK(M64, "xor qword [rax],-128 (83 /6)", (0x48, 0x83, 0x30, 0x80), 4,
	   XOR, 8, 8, 0, MEM(8, RAX, NO, 1, 0, DS), IMM(8),
	   (uint64_t)-128),
	OK(M64, "adc word [rax],0x1234 (81 /2)",
	   (0x66, 0x81, 0x10, 0x34, 0x12), 5, ADC, 2, 8, OPSZ,
	   MEM(2, RAX, NO, 1, 0, DS), IMM(2), 0x1234),
	OK(M64, "sbb byte [rax],2 (80 /3)", (0x80, 0x18, 0x02), 3, SBB, 1, 8,
	   0, MEM(1, RAX, NO, 1, 0, DS), IMM(1), 2),
	OK(M64, "test [rax],ecx", (0x85, 0x08), 2, TEST, 4, 8, 0,
	   MEM(4, RAX, NO, 1, 0, DS), R(RCX, 4), 0),
	OK(M64, "test [rax],bh", (0x84, 0x38), 2, TEST, 1, 8, 0,
	   MEM(1, RAX, NO, 1, 0, DS), RH(RBX), 0),
	OK(M64, "test byte [rax],0x80", (0xf6, 0x00, 0x80), 3, TEST, 1, 8, 0,
	   MEM(1, RAX, NO, 1, 0, DS), IMM(1), (uint64_t)(int8_t)0x80),
	OK(M64, "test dword [rax],0x80000000",
	   (0xf7, 0x00, 0, 0, 0, 0x80), 6, TEST, 4, 8, 0,
	   MEM(4, RAX, NO, 1, 0, DS), IMM(4), 0xffffffff80000000ULL),
	OK(M64, "test al,0x40", (0xa8, 0x40), 2, TEST, 1, 8, 0,
	   R(RAX, 1), IMM(1), 0x40),
	OK(M64, "test rax,0x100", (0x48, 0xa9, 0, 1, 0, 0), 6, TEST, 8, 8, 0,
	   R(RAX, 8), IMM(8), 0x100),

	/* ---- XCHG, BT* ---- */
	OK(M64, "xchg [rax],cl", (0x86, 0x08), 2, XCHG, 1, 8, 0,
	   MEM(1, RAX, NO, 1, 0, DS), R(RCX, 1), 0),
	OK(M64, "lock xchg [rax],rcx", (0xf0, 0x48, 0x87, 0x08), 4, XCHG, 8, 8,
	   LOCK, MEM(8, RAX, NO, 1, 0, DS), R(RCX, 8), 0),
	OK(M64, "bt [rax],ecx", (0x0f, 0xa3, 0x08), 3, BT, 4, 8, 0,
	   MEM(4, RAX, NO, 1, 0, DS), R(RCX, 4), 0),
	OK(M64, "lock bts [rax],rcx", (0xf0, 0x48, 0x0f, 0xab, 0x08), 5, BTS,
	   8, 8, LOCK, MEM(8, RAX, NO, 1, 0, DS), R(RCX, 8), 0),
	OK(M64, "btr [rax],cx", (0x66, 0x0f, 0xb3, 0x08), 4, BTR, 2, 8, OPSZ,
	   MEM(2, RAX, NO, 1, 0, DS), R(RCX, 2), 0),
	OK(M64, "btc [rax],ecx", (0x0f, 0xbb, 0x08), 3, BTC, 4, 8, 0,
	   MEM(4, RAX, NO, 1, 0, DS), R(RCX, 4), 0),
	OK(M64, "bt dword [rax],5 (0f ba /4)", (0x0f, 0xba, 0x20, 0x05), 4, BT,
	   4, 8, 0, MEM(4, RAX, NO, 1, 0, DS), IMM(4), 5),
	OK(M64, "btc dword [rax],31 (0f ba /7)", (0x0f, 0xba, 0x38, 0x1f), 4,
	   BTC, 4, 8, 0, MEM(4, RAX, NO, 1, 0, DS), IMM(4), 31),

	/* ---- 32-bit mode ---- */
	OK(M32, "32: mov [eax],ecx", (0x89, 0x08), 2, MOV, 4, 4, 0,
	   MEM(4, RAX, NO, 1, 0, DS), R(RCX, 4), 0),
	OK(M32, "32: mov [eax],cx", (0x66, 0x89, 0x08), 3, MOV, 2, 4, OPSZ,
	   MEM(2, RAX, NO, 1, 0, DS), R(RCX, 2), 0),
	OK(M32, "32: mov [bx+si],ecx (67)", (0x67, 0x89, 0x08), 3, MOV, 4, 2,
	   ADSZ, MEM(4, RBX, RSI, 1, 0, DS), R(RCX, 4), 0),
	OK(M32, "32: mov eax,[0xfee00000] (not RIP-relative)",
	   (0x8b, 0x05, 0x00, 0x00, 0xe0, 0xfe), 6, MOV, 4, 4, 0,
	   R(RAX, 4), MEM(4, NO, NO, 1, (int32_t)0xfee00000, DS), 0),
	OK(M32, "32: mov eax,[moffs32]", (0xa1, 0x00, 0x00, 0xe0, 0xfe), 5,
	   MOV, 4, 4, 0, R(RAX, 4), MEM(4, NO, NO, 1, 0xfee00000, DS), 0),
	OK(M32, "32: mov eax,es:[eax]", (0x26, 0x8b, 0x00), 3, MOV, 4, 4, SEG,
	   R(RAX, 4), MEM(4, RAX, NO, 1, 0, ES), 0),
	OK(M32, "32: mov eax,ss:[eax]", (0x36, 0x8b, 0x00), 3, MOV, 4, 4, SEG,
	   R(RAX, 4), MEM(4, RAX, NO, 1, 0, SS), 0),
	OK(M32, "32: mov eax,cs:[eax]", (0x2e, 0x8b, 0x00), 3, MOV, 4, 4, SEG,
	   R(RAX, 4), MEM(4, RAX, NO, 1, 0, CS), 0),
	OK(M32, "32: mov eax,ds:[ebp-4]", (0x3e, 0x8b, 0x45, 0xfc), 4, MOV, 4,
	   4, SEG, R(RAX, 4), MEM(4, RBP, NO, 1, -4, DS), 0),
	OK(M32, "32: mov eax,[ebp-4]", (0x8b, 0x45, 0xfc), 3, MOV, 4, 4, 0,
	   R(RAX, 4), MEM(4, RBP, NO, 1, -4, SS), 0),
	OK(M32, "32: mov [eax+ecx*4+0x100],0x12345678",
	   (0xc7, 0x84, 0x88, 0x00, 0x01, 0, 0, 0x78, 0x56, 0x34, 0x12), 11,
	   MOV, 4, 4, 0, MEM(4, RAX, RCX, 4, 0x100, DS), IMM(4), 0x12345678),
	OK(M32, "32: add byte [eax],1 (82 alias)", (0x82, 0x00, 0x01), 3, ADD,
	   1, 4, 0, MEM(1, RAX, NO, 1, 0, DS), IMM(1), 1),
	OK(M32, "32: rep stosd", (0xf3, 0xab), 2, STOS, 4, 4, REP,
	   MEM(4, RDI, NO, 1, 0, ES), R(RAX, 4), 0),
	OK(M32, "32: mov [eax],ah (no REX in 32-bit)", (0x88, 0x20), 2, MOV,
	   1, 4, 0, MEM(1, RAX, NO, 1, 0, DS), RH(RAX), 0),

	/* ---- 16-bit mode and 16-bit addressing ---- */
	OK(M16, "16: mov [bx+si],ax", (0x89, 0x00), 2, MOV, 2, 2, 0,
	   MEM(2, RBX, RSI, 1, 0, DS), R(RAX, 2), 0),
	OK(M16, "16: mov [bx+di],ax", (0x89, 0x01), 2, MOV, 2, 2, 0,
	   MEM(2, RBX, RDI, 1, 0, DS), R(RAX, 2), 0),
	OK(M16, "16: mov [bp+si],ax", (0x89, 0x02), 2, MOV, 2, 2, 0,
	   MEM(2, RBP, RSI, 1, 0, SS), R(RAX, 2), 0),
	OK(M16, "16: mov [bp+di],ax", (0x89, 0x03), 2, MOV, 2, 2, 0,
	   MEM(2, RBP, RDI, 1, 0, SS), R(RAX, 2), 0),
	OK(M16, "16: mov [si],ax", (0x89, 0x04), 2, MOV, 2, 2, 0,
	   MEM(2, RSI, NO, 1, 0, DS), R(RAX, 2), 0),
	OK(M16, "16: mov [di],ax", (0x89, 0x05), 2, MOV, 2, 2, 0,
	   MEM(2, RDI, NO, 1, 0, DS), R(RAX, 2), 0),
	OK(M16, "16: mov [0x1234],ax", (0x89, 0x06, 0x34, 0x12), 4, MOV, 2, 2,
	   0, MEM(2, NO, NO, 1, 0x1234, DS), R(RAX, 2), 0),
	OK(M16, "16: mov [bx],ax", (0x89, 0x07), 2, MOV, 2, 2, 0,
	   MEM(2, RBX, NO, 1, 0, DS), R(RAX, 2), 0),
	OK(M16, "16: mov [bp-2],ax", (0x89, 0x46, 0xfe), 3, MOV, 2, 2, 0,
	   MEM(2, RBP, NO, 1, -2, SS), R(RAX, 2), 0),
	OK(M16, "16: mov [bx+si+0x1000],ax", (0x89, 0x80, 0x00, 0x10), 4, MOV,
	   2, 2, 0, MEM(2, RBX, RSI, 1, 0x1000, DS), R(RAX, 2), 0),
	OK(M16, "16: mov [bp+0] seg es", (0x26, 0x89, 0x46, 0x00), 4, MOV, 2, 2,
	   SEG, MEM(2, RBP, NO, 1, 0, ES), R(RAX, 2), 0),
	OK(M16, "16: mov [bx],eax (66)", (0x66, 0x89, 0x07), 3, MOV, 4, 2, OPSZ,
	   MEM(4, RBX, NO, 1, 0, DS), R(RAX, 4), 0),
	OK(M16, "16: mov [edi],ax (67)", (0x67, 0x89, 0x07), 3, MOV, 2, 4, ADSZ,
	   MEM(2, RDI, NO, 1, 0, DS), R(RAX, 2), 0),
	OK(M16, "16: mov ax,[moffs16]", (0xa1, 0x34, 0x12), 3, MOV, 2, 2, 0,
	   R(RAX, 2), MEM(2, NO, NO, 1, 0x1234, DS), 0),
	OK(M16, "16: mov byte [0x1000],5", (0xc6, 0x06, 0x00, 0x10, 0x05), 5,
	   MOV, 1, 2, 0, MEM(1, NO, NO, 1, 0x1000, DS), IMM(1), 5),
	OK(M16, "16: mov word [bx],0x1234", (0xc7, 0x07, 0x34, 0x12), 4, MOV,
	   2, 2, 0, MEM(2, RBX, NO, 1, 0, DS), IMM(2), 0x1234),
	OK(M16, "16: mov dword [bx],imm32 (66)",
	   (0x66, 0xc7, 0x07, 1, 2, 3, 4), 7, MOV, 4, 2, OPSZ,
	   MEM(4, RBX, NO, 1, 0, DS), IMM(4), 0x04030201),
	OK(M16, "16: rep movsb", (0xf3, 0xa4), 2, MOVS, 1, 2, REP,
	   MEM(1, RDI, NO, 1, 0, ES), MEM(1, RSI, NO, 1, 0, DS), 0),
	OK(M16, "16: mov eax,[ecx*2+8] (66 67 SIB)",
	   (0x66, 0x67, 0x8b, 0x04, 0x4d, 0x08, 0, 0, 0), 9, MOV, 4, 4,
	   OPSZ | ADSZ, R(RAX, 4), MEM(4, NO, RCX, 2, 8, DS), 0),

	/* ---- the 15-byte limit ---- */
	OK(M64, "15 bytes: 13 x 66 + mov",
	   (0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x66, 0x89, 0x08), 15, MOV, 2, 8, OPSZ,
	   MEM(2, RAX, NO, 1, 0, DS), R(RCX, 2), 0),
	BAD(M64, "16 bytes: 14 x 66 + mov",
	    (0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	     0x66, 0x66, 0x66, 0x89, 0x08), TOO_LONG),
	BAD(M64, "15 prefixes", (0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
				 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66),
	    TOO_LONG),
	BAD(M64, "imm32 crossing byte 15",
	    (0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0xc7,
	     0x00, 0x01, 0x02, 0x03, 0x04), TOO_LONG),
	BAD(M64, "imm32 crossing byte 15, buffer of 15",
	    (0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0xc7,
	     0x00, 0x01, 0x02, 0x03), TOO_LONG),
	BAD(M64, "15 REX prefixes", (0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48,
				     0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48,
				     0x48, 0x89, 0x08), TOO_LONG),

	/* ---- LOCK where it is #UD ---- */
	BAD(M64, "lock mov", (0xf0, 0x89, 0x08), INVALID),
	BAD(M64, "lock add to a register", (0xf0, 0x01, 0xc8), INVALID),
	BAD(M64, "lock add reg,mem", (0xf0, 0x03, 0x08), INVALID),
	BAD(M64, "lock cmp", (0xf0, 0x39, 0x08), INVALID),
	BAD(M64, "lock test", (0xf0, 0x85, 0x08), INVALID),
	BAD(M64, "lock bt", (0xf0, 0x0f, 0xa3, 0x08), INVALID),
	BAD(M64, "lock xchg registers", (0xf0, 0x87, 0xc8), INVALID),
	BAD(M64, "lock stos", (0xf0, 0xab), INVALID),
	BAD(M64, "82 in 64-bit mode", (0x82, 0x00, 0x01), INVALID),

	/* ---- not emulated ---- */
	BAD(M64, "syscall", (0x0f, 0x05), UNSUPPORTED),
	BAD(M64, "nop", (0x90), UNSUPPORTED),
	BAD(M64, "inc dword [rax]", (0xff, 0x00), UNSUPPORTED),
	BAD(M64, "not byte [rax] (f6 /2)", (0xf6, 0x10), UNSUPPORTED),
	BAD(M64, "neg dword [rax] (f7 /3)", (0xf7, 0x18), UNSUPPORTED),
	BAD(M64, "c6 /1", (0xc6, 0x08, 0x00), UNSUPPORTED),
	BAD(M64, "0f ba /0", (0x0f, 0xba, 0x00, 0x01), UNSUPPORTED),
	BAD(M64, "VEX vmovdqu", (0xc5, 0xfe, 0x6f, 0x00), UNSUPPORTED),
	BAD(M64, "movdqa (66 0f 6f)", (0x66, 0x0f, 0x6f, 0x00), UNSUPPORTED),
	BAD(M64, "mov ds,ax", (0x8e, 0xd8), UNSUPPORTED),
	BAD(M64, "cmpsb", (0xa6), UNSUPPORTED),
	BAD(M32, "32: inc eax (40 is not REX)", (0x40), UNSUPPORTED),
	BAD(M32, "32: dec eax + mov (48 is not REX)", (0x48, 0x89, 0x08),
	    UNSUPPORTED),
	BAD(M32, "32: arpl (63)", (0x63, 0x08), UNSUPPORTED),
	BAD(M16, "16: 0f 0b ud2", (0x0f, 0x0b), UNSUPPORTED),

	/* ---- truncated (more below: every valid case cut short) ---- */
	BAD(M64, "prefixes only", (0xf3, 0x66, 0x48), TRUNCATED),
	BAD(M64, "0f alone", (0x0f), TRUNCATED),
	BAD(M64, "group opcode without ModRM", (0x81), TRUNCATED),
};

#define EXPECT_FIELD(c, what, got, want)                                   \
	do {                                                               \
		if ((uint64_t)(got) != (uint64_t)(want))                   \
			fail_msg("%s: %s is %#llx, expected %#llx", (c)->name, \
				 what, (unsigned long long)(got),          \
				 (unsigned long long)(want));              \
	} while (0)

static void check_opnd(const struct dcase *c, const char *which,
		       const struct x86_operand *o, const struct xopnd *x)
{
	char what[32];

	snprintf(what, sizeof(what), "%s.kind", which);
	EXPECT_FIELD(c, what, o->kind, x->kind);
	if (x->kind == X86_OPND_NONE)
		return;
	snprintf(what, sizeof(what), "%s.size", which);
	EXPECT_FIELD(c, what, o->size, x->size);
	if (x->kind == X86_OPND_REG) {
		snprintf(what, sizeof(what), "%s.reg", which);
		EXPECT_FIELD(c, what, o->reg, x->reg);
		snprintf(what, sizeof(what), "%s.high8", which);
		EXPECT_FIELD(c, what, o->high8, x->high8);
	}
	if (x->kind == X86_OPND_MEM) {
		snprintf(what, sizeof(what), "%s.base", which);
		EXPECT_FIELD(c, what, o->mem.base, x->base);
		snprintf(what, sizeof(what), "%s.index", which);
		EXPECT_FIELD(c, what, o->mem.index, x->index);
		snprintf(what, sizeof(what), "%s.scale", which);
		EXPECT_FIELD(c, what, o->mem.scale, x->scale);
		snprintf(what, sizeof(what), "%s.rip_rel", which);
		EXPECT_FIELD(c, what, o->mem.rip_rel, x->rip_rel);
		snprintf(what, sizeof(what), "%s.seg", which);
		EXPECT_FIELD(c, what, o->mem.seg, x->seg);
		snprintf(what, sizeof(what), "%s.disp", which);
		EXPECT_FIELD(c, what, o->mem.disp, x->disp);
	}
}

/* Decode from a heap copy of exactly 'n' bytes: ASan reports any read
 * past them. */
static enum x86_decode_status decode_exact(const struct dcase *c, size_t n,
					   struct x86_insn *in)
{
	uint8_t *buf = malloc(n ? n : 1);
	enum x86_decode_status st;

	assert_non_null(buf);
	memcpy(buf, c->bytes, n);
	st = x86_decode(n ? buf : buf + 1, n, c->mode, in);
	free(buf);
	return st;
}

static void check_case(const struct dcase *c)
{
	struct x86_insn in;
	enum x86_decode_status st = decode_exact(c, c->n, &in);

	if (st != c->st)
		fail_msg("%s: status %s (%s), expected %s", c->name,
			 x86_decode_status_name(st),
			 in.reason ? in.reason : "-",
			 x86_decode_status_name(c->st));
	if (st != X86_DECODE_OK) {
		if (!in.reason || !in.reason[0])
			fail_msg("%s: no reason given", c->name);
		return;
	}
	if (in.reason)
		fail_msg("%s: reason \"%s\" on success", c->name, in.reason);
	EXPECT_FIELD(c, "mode", in.mode, c->mode);
	EXPECT_FIELD(c, "len", in.len, c->len);
	EXPECT_FIELD(c, "op", in.op, c->op);
	EXPECT_FIELD(c, "op_size", in.op_size, c->op_size);
	EXPECT_FIELD(c, "addr_size", in.addr_size, c->addr_size);
	EXPECT_FIELD(c, "prefixes", in.prefixes, c->prefixes);
	check_opnd(c, "dst", &in.dst, &c->dst);
	check_opnd(c, "src", &in.src, &c->src);
	if (c->src.kind == X86_OPND_IMM)
		EXPECT_FIELD(c, "imm", in.imm, c->imm);
	EXPECT_FIELD(c, "has_mem", x86_insn_has_mem(&in),
		     c->dst.kind == X86_OPND_MEM || c->src.kind == X86_OPND_MEM);
}

static void test_table(void **state)
{
	unsigned ok = 0;

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		check_case(&cases[i]);
		ok += cases[i].st == X86_DECODE_OK;
	}
	/* The table is the specification: keep it large. */
	assert_true(ARRAY_SIZE(cases) >= 150);
	assert_true(ok >= 100);
}

/* Every valid encoding cut short at every length is TRUNCATED (never
 * read past: the buffer is exact), and extra bytes after it change
 * nothing. */
static void test_truncated_and_padded(void **state)
{
	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct dcase *c = &cases[i];
		struct x86_insn in;
		uint8_t padded[32];

		if (c->st != X86_DECODE_OK)
			continue;
		for (size_t n = 0; n < c->len; n++) {
			enum x86_decode_status st = decode_exact(c, n, &in);

			if (st != X86_DECODE_TRUNCATED)
				fail_msg("%s cut to %zu bytes: %s", c->name, n,
					 x86_decode_status_name(st));
			assert_non_null(in.reason);
		}
		memset(padded, 0x90, sizeof(padded));
		memcpy(padded, c->bytes, c->len);
		assert_int_equal(x86_decode(padded, sizeof(padded), c->mode, &in),
				 X86_DECODE_OK);
		EXPECT_FIELD(c, "padded len", in.len, c->len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_truncated_and_padded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
