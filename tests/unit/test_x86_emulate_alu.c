// UNIT-SOURCES: guest/x86emu/x86_emulate.c guest/x86emu/x86_walk.c guest/x86emu/x86_decode.c tests/unit/x86_emu_fixture.c
/* The emulator's ALU instructions on a fake device: ADD/OR/ADC/SBB/AND/
 * SUB/XOR/CMP/TEST with flags worked out by hand and against the host CPU
 * itself, the immediate forms, LOCKed read-modify-write order, XCHG and
 * BT/BTS/BTR/BTC.  The fake vCPU, RAM and device are in
 * x86_emu_fixture.c. */
#include "tests/unit/x86_emu_fixture.h"

/* ---- ALU and flags ---------------------------------------------------- */

struct alu_case {
	const char *name;
	uint8_t bytes[4];
	uint8_t n;
	unsigned size;
	uint64_t mem, reg, flags_in;
	uint64_t result; /* memory, or RCX for register destinations */
	uint64_t flags;  /* expected status flags */
	bool writes_mem;
	bool reg_dst;
};

/* Flags worked out by hand from the SDM's definitions. */
static const struct alu_case alu_cases[] = {
	{ "add carry out", { 0x01, 0x08 }, 2, 4, 0xffffffff, 1, 0, 0,
	  FL_CF | FL_PF | FL_AF | FL_ZF, true, false },
	{ "add signed overflow", { 0x01, 0x08 }, 2, 4, 0x7fffffff, 1, 0,
	  0x80000000, FL_OF | FL_SF | FL_AF | FL_PF, true, false },
	{ "add byte overflow", { 0x00, 0x08 }, 2, 1, 0x7f, 1, 0, 0x80,
	  FL_OF | FL_SF | FL_AF, true, false },
	{ "add qword both carries", { 0x48, 0x01, 0x08 }, 3, 8,
	  0x8000000000000000ULL, 0x8000000000000000ULL, 0, 0,
	  FL_CF | FL_OF | FL_ZF | FL_PF, true, false },
	{ "sub borrow", { 0x29, 0x08 }, 2, 4, 0, 1, 0, 0xffffffff,
	  FL_CF | FL_SF | FL_AF | FL_PF, true, false },
	{ "sub word overflow", { 0x66, 0x29, 0x08 }, 3, 2, 0x8000, 1, 0, 0x7fff,
	  FL_OF | FL_AF | FL_PF, true, false },
	{ "cmp equal", { 0x39, 0x08 }, 2, 4, 5, 5, 0, 5, FL_ZF | FL_PF,
	  false, false },
	{ "cmp below", { 0x39, 0x08 }, 2, 4, 3, 5, 0, 3,
	  FL_CF | FL_SF | FL_AF, false, false },
	{ "and to zero clears CF/OF", { 0x21, 0x08 }, 2, 4, 0xf0f0f0f0,
	  0x0f0f0f0f, FL_CF | FL_OF, 0, FL_ZF | FL_PF, true, false },
	{ "or byte", { 0x08, 0x08 }, 2, 1, 0x80, 0x01, FL_CF | FL_OF, 0x81,
	  FL_SF | FL_PF, true, false },
	{ "xor qword to zero", { 0x48, 0x31, 0x08 }, 3, 8, 0x123456789ULL,
	  0x123456789ULL, 0, 0, FL_ZF | FL_PF, true, false },
	{ "adc with carry in to zero", { 0x11, 0x08 }, 2, 4, 0xfffffffe, 1,
	  FL_CF, 0, FL_CF | FL_ZF | FL_PF | FL_AF, true, false },
	{ "adc with carry in overflows", { 0x11, 0x08 }, 2, 4, 0x7fffffff, 0,
	  FL_CF, 0x80000000, FL_OF | FL_SF | FL_AF | FL_PF, true, false },
	{ "sbb with borrow in", { 0x19, 0x08 }, 2, 4, 0, 0, FL_CF, 0xffffffff,
	  FL_CF | FL_SF | FL_AF | FL_PF, true, false },
	{ "sbb with borrow in to zero", { 0x19, 0x08 }, 2, 4, 5, 4, FL_CF, 0,
	  FL_ZF | FL_PF, true, false },
	{ "test sign", { 0x85, 0x08 }, 2, 4, 0x80000000, 0x80000000, FL_CF,
	  0x80000000, FL_SF | FL_PF, false, false },
	{ "sub to register", { 0x2b, 0x08 }, 2, 4, 3, 0xffffffff0000000aULL, 0,
	  7, 0, false, true },
	{ "add to word register", { 0x66, 0x03, 0x08 }, 3, 2, 0x0001,
	  0xaaaaaaaaaaaaffffULL, 0, 0xaaaaaaaaaaaa0000ULL,
	  FL_CF | FL_ZF | FL_PF | FL_AF, false, true },
	{ "cmp register with memory", { 0x3b, 0x08 }, 2, 4, 1, 0, 0, 0,
	  FL_CF | FL_SF | FL_AF | FL_PF, false, true },
};

static void test_alu_known_flags(void **state)
{
	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(alu_cases); i++) {
		const struct alu_case *c = &alu_cases[i];
		struct x86_insn in;
		struct x86_emu_req req = { .gpa = DEV_GPA + 0x40 };
		uint64_t got;

		f.gpr[RAX] = DEV_LA + 0x40;
		f.gpr[RCX] = c->reg;
		dev_set(0x40, 8, 0);
		dev_set(0x40, c->size, c->mem);
		f.rflags = FL_FIXED | FL_DF | c->flags_in;
		f.nlog = 0;
		assert_int_equal(x86_decode(c->bytes, c->n, X86_MODE_64, &in),
				 X86_DECODE_OK);
		assert_int_equal(x86_emulate(&ops, &f, &in, &req, &fault), X86_EMU_OK);
		got = c->reg_dst ? f.gpr[RCX] : dev_get(0x40, 8);
		if (got != c->result)
			fail_msg("%s: result %#llx, expected %#llx", c->name,
				 (unsigned long long)got,
				 (unsigned long long)c->result);
		if ((f.rflags & FL_ARITH) != c->flags)
			fail_msg("%s: flags %#llx, expected %#llx", c->name,
				 (unsigned long long)(f.rflags & FL_ARITH),
				 (unsigned long long)c->flags);
		if ((f.rflags & ~FL_ARITH) != (FL_FIXED | FL_DF))
			fail_msg("%s: other flags changed", c->name);
		if (f.nlog != 1u + c->writes_mem)
			fail_msg("%s: %u device accesses", c->name, f.nlog);
		expect_access(0, false, DEV_GPA + 0x40, c->size,
			      c->mem & ((c->size == 8) ? ~0ULL : BIT(8 * c->size) - 1));
	}
}

/* The host CPU as the reference: every ALU operation at every size on
 * edge and pseudo-random values, with and without carry in. */
#ifdef __x86_64__
#define NATIVE(fn, mnem, type)                                             \
	static uint64_t fn(uint64_t a, uint64_t b, uint64_t *fl)            \
	{                                                                  \
		type x = (type)a, y = (type)b;                             \
		uint64_t fv = (*fl & FL_CF) | FL_FIXED;                    \
		__asm__ volatile("sub $128, %%rsp\n\t"                     \
				 "push %[f]\n\tpopfq\n\t"                  \
				 mnem " %[y], %[x]\n\t"                    \
				 "pushfq\n\tpop %[f]\n\t"                  \
				 "add $128, %%rsp"                         \
				 : [x] "+q"(x), [f] "+r"(fv)               \
				 : [y] "q"(y)                              \
				 : "cc", "memory");                        \
		*fl = fv;                                                  \
		return x;                                                  \
	}
#define NATIVE4(op)                                                        \
	NATIVE(native_##op##1, #op, uint8_t)                               \
	NATIVE(native_##op##2, #op, uint16_t)                              \
	NATIVE(native_##op##4, #op, uint32_t)                              \
	NATIVE(native_##op##8, #op, uint64_t)
NATIVE4(add) NATIVE4(or) NATIVE4(adc) NATIVE4(sbb) NATIVE4(and)
NATIVE4(sub) NATIVE4(xor) NATIVE4(cmp) NATIVE4(test)

typedef uint64_t (*native_fn)(uint64_t, uint64_t, uint64_t *);

static const struct {
	const char *name;
	uint8_t opcode;   /* the Ev,Gv form; Eb,Gb is one less */
	bool logical;     /* AF undefined */
	native_fn native[4];
} alu_ops[] = {
#define ROW(op, opc, lg) { #op, opc, lg, { native_##op##1, native_##op##2, \
					       native_##op##4, native_##op##8 } }
	ROW(add, 0x01, false), ROW(or, 0x09, true), ROW(adc, 0x11, false),
	ROW(sbb, 0x19, false), ROW(and, 0x21, true), ROW(sub, 0x29, false),
	ROW(xor, 0x31, true), ROW(cmp, 0x39, false), ROW(test, 0x85, true),
#undef ROW
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_alu_against_host_cpu(void **state)
{
	static const uint64_t edges[] = {
		0, 1, 2, 0x0f, 0x10, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
		0x7fffffff, 0x80000000, 0xffffffff, 0x7fffffffffffffffULL,
		0x8000000000000000ULL, ~0ULL,
	};
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	unsigned checked = 0;

	(void)state;
	f.gpr[RAX] = DEV_LA;
	for (unsigned o = 0; o < ARRAY_SIZE(alu_ops); o++) {
		for (unsigned s = 0; s < 4; s++) {
			unsigned size = sizes[s];
			uint64_t m = size == 8 ? ~0ULL : BIT(8 * size) - 1;
			uint8_t code[3];
			unsigned n = 0;

			if (size == 2)
				code[n++] = 0x66;
			if (size == 8)
				code[n++] = 0x48;
			code[n++] = alu_ops[o].opcode - (size == 1);
			code[n++] = 0x08; /* [rax], cl/cx/ecx/rcx */
			for (unsigned k = 0; k < 600; k++) {
				unsigned e = ARRAY_SIZE(edges);
				uint64_t a = k < e * e ? edges[k % e] : rng();
				uint64_t b = k < e * e ? edges[k / e] : rng();
				uint64_t cf = (k / 3) & 1, want_fl = cf;
				uint64_t want = alu_ops[o].native[s](a, b, &want_fl);
				uint64_t mask = FL_ARITH & ~(alu_ops[o].logical ? FL_AF : 0);
				enum x86_emu_status st;

				dev_set(0, 8, a);
				f.gpr[RCX] = b;
				f.rflags = FL_FIXED | cf;
				st = emu_bytes(X86_MODE_64, code, n, DEV_GPA, false);
				assert_int_equal(st, X86_EMU_OK);
				if ((dev_get(0, 8) & m) != (want & m) ||
				    (f.rflags & mask) != (want_fl & mask))
					fail_msg("%s/%u %#llx,%#llx cf=%llu: got %#llx "
						 "flags %#llx, host %#llx flags %#llx",
						 alu_ops[o].name, size,
						 (unsigned long long)(a & m),
						 (unsigned long long)(b & m),
						 (unsigned long long)cf,
						 (unsigned long long)(dev_get(0, 8) & m),
						 (unsigned long long)(f.rflags & mask),
						 (unsigned long long)(want & m),
						 (unsigned long long)(want_fl & mask));
				checked++;
			}
		}
	}
	assert_int_equal(checked, ARRAY_SIZE(alu_ops) * 4 * 600);
}
#else
static void test_alu_against_host_cpu(void **state)
{
	(void)state;
	skip(); /* needs an x86-64 host */
}
#endif

static void test_alu_immediate_forms(void **state)
{
	(void)state;
	f.gpr[RAX] = DEV_LA + 0x80;
	dev_set(0x80, 4, 5);
	assert_int_equal(EMU64(DEV_GPA + 0x80, 0x83, 0x00, 0xff), X86_EMU_OK);
	assert_int_equal(dev_get(0x80, 4), 4); /* add -1 */
	assert_true(f.rflags & FL_CF);
	dev_set(0x80, 1, 0);
	assert_int_equal(EMU64(DEV_GPA + 0x80, 0x80, 0x28, 0x01), X86_EMU_OK);
	assert_int_equal(dev_get(0x80, 1), 0xff); /* sub 1 */
	assert_int_equal(f.rflags & FL_ARITH, FL_CF | FL_SF | FL_AF | FL_PF);
	dev_set(0x80, 4, 0x12345678);
	assert_int_equal(EMU64(DEV_GPA + 0x80, 0x81, 0x20, 0xff, 0, 0, 0),
			 X86_EMU_OK);
	assert_int_equal(dev_get(0x80, 4), 0x78);
	dev_set(0x80, 2, 0x0001);
	assert_int_equal(EMU64(DEV_GPA + 0x80, 0x66, 0x83, 0x08, 0x80), X86_EMU_OK);
	assert_int_equal(dev_get(0x80, 2), 0xff81);
	expect_access(1, true, DEV_GPA + 0x80, 2, 0xff81);
	dev_set(0x80, 8, 0);
	assert_int_equal(EMU64(DEV_GPA + 0x80, 0x48, 0x81, 0x30, 0, 0, 0, 0x80),
			 X86_EMU_OK);
	assert_int_equal(dev_get(0x80, 8), 0xffffffff80000000ULL);
	/* adc/sbb with an immediate and CF in */
	dev_set(0x80, 8, 0x10);
	f.rflags = FL_FIXED | FL_CF;
	assert_int_equal(EMU64(DEV_GPA + 0x80, 0x83, 0x10, 0x01), X86_EMU_OK);
	assert_int_equal(dev_get(0x80, 4), 0x12);
	f.rflags = FL_FIXED | FL_CF;
	assert_int_equal(EMU64(DEV_GPA + 0x80, 0x80, 0x18, 0x02), X86_EMU_OK);
	assert_int_equal(dev_get(0x80, 1), 0x0f);
	/* cmp and test with immediates never write */
	dev_set(0x80, 8, 0xfe);
	assert_int_equal(EMU64(DEV_GPA + 0x80, 0x83, 0x38, 0x05), X86_EMU_OK);
	assert_int_equal(f.nlog, 1);
	assert_int_equal(EMU64(DEV_GPA + 0x80, 0xf6, 0x00, 0x01), X86_EMU_OK);
	assert_int_equal(f.nlog, 1);
	assert_int_equal(f.rflags & FL_ARITH, FL_ZF | FL_PF);
	assert_int_equal(EMU64(DEV_GPA + 0x80, 0xf7, 0x00, 0xfe, 0, 0, 0),
			 X86_EMU_OK);
	assert_int_equal(f.rflags & FL_ARITH, 0);
	assert_int_equal(EMU64(DEV_GPA + 0x80, 0x48, 0xf7, 0x00, 0, 0, 0, 0x80),
			 X86_EMU_OK);
	expect_access(0, false, DEV_GPA + 0x80, 8, 0xfe);
	assert_int_equal(f.rflags & FL_ARITH, FL_ZF | FL_PF);
	assert_int_equal(dev_get(0x80, 8), 0xfe);
}

static void test_locked_rmw_order(void **state)
{
	(void)state;
	f.gpr[RAX] = DEV_LA + 0x8;
	f.gpr[RCX] = 0x10;
	dev_set(0x8, 4, 0x01);
	assert_int_equal(EMU64(DEV_GPA + 0x8, 0xf0, 0x09, 0x08), X86_EMU_OK);
	assert_int_equal(f.nlog, 2);
	expect_access(0, false, DEV_GPA + 0x8, 4, 0x01);
	expect_access(1, true, DEV_GPA + 0x8, 4, 0x11);
}

static void test_xchg(void **state)
{
	(void)state;
	f.gpr[RAX] = DEV_LA + 0x50;
	dev_set(0x50, 8, 0x1111111111111111ULL);
	f.gpr[RCX] = 0xffffffff22222222ULL;
	assert_int_equal(EMU64(DEV_GPA + 0x50, 0x87, 0x08), X86_EMU_OK);
	assert_int_equal(dev_get(0x50, 8), 0x1111111122222222ULL);
	assert_int_equal(f.gpr[RCX], 0x11111111ULL); /* zero-extended */
	expect_access(0, false, DEV_GPA + 0x50, 4, 0x11111111);
	expect_access(1, true, DEV_GPA + 0x50, 4, 0x22222222);
	f.gpr[RCX] = 0x3333333333333333ULL;
	assert_int_equal(EMU64(DEV_GPA + 0x50, 0xf0, 0x48, 0x87, 0x08), X86_EMU_OK);
	assert_int_equal(dev_get(0x50, 8), 0x3333333333333333ULL);
	assert_int_equal(f.gpr[RCX], 0x1111111122222222ULL);
	f.gpr[RCX] = 0xaaaaaaaaaaaaaa44ULL;
	assert_int_equal(EMU64(DEV_GPA + 0x50, 0x86, 0x08), X86_EMU_OK);
	assert_int_equal(dev_get(0x50, 8), 0x3333333333333344ULL);
	assert_int_equal(f.gpr[RCX], 0xaaaaaaaaaaaaaa33ULL);
	assert_int_equal(f.rflags, FL_FIXED); /* no flags */
}

static void test_bit_ops(void **state)
{
	(void)state;
	f.gpr[RAX] = DEV_LA + 0x100;
	f.rflags = FL_FIXED | FL_ZF | FL_OF;
	/* bt [rax],ecx with 35: the dword at +4, bit 3 */
	dev_set(0x104, 4, 0x8);
	f.gpr[RCX] = 35;
	assert_int_equal(EMU(X86_MODE_64, DEV_GPA + 0x104, false, 0x0f, 0xa3, 0x08),
			 X86_EMU_OK);
	assert_int_equal(f.nlog, 1);
	expect_access(0, false, DEV_GPA + 0x104, 4, 0x8);
	assert_int_equal(f.rflags, FL_FIXED | FL_ZF | FL_OF | FL_CF);
	/* -1: the dword at -4, bit 31 */
	f.gpr[RCX] = 0xffffffff;
	dev_set(0xfc, 4, 0x7fffffff);
	assert_int_equal(EMU64(DEV_GPA + 0xfc, 0x0f, 0xa3, 0x08), X86_EMU_OK);
	assert_int_equal(f.rflags, FL_FIXED | FL_ZF | FL_OF);
	/* bts [rax],ecx with 0 */
	f.gpr[RCX] = 0;
	dev_set(0x100, 4, 0x2);
	assert_int_equal(EMU64(DEV_GPA + 0x100, 0x0f, 0xab, 0x08), X86_EMU_OK);
	assert_int_equal(dev_get(0x100, 4), 0x3);
	assert_false(f.rflags & FL_CF);
	/* btr [rax],cx with 17: the word at +2, bit 1 */
	f.gpr[RCX] = 0xffff0011;
	dev_set(0x102, 2, 0xffff);
	assert_int_equal(EMU64(DEV_GPA + 0x102, 0x66, 0x0f, 0xb3, 0x08), X86_EMU_OK);
	assert_int_equal(dev_get(0x102, 2), 0xfffd);
	assert_true(f.rflags & FL_CF);
	/* lock btc [rax],rcx with 127: the qword at +8, bit 63 */
	f.gpr[RCX] = 127;
	dev_set(0x108, 8, 0);
	assert_int_equal(EMU64(DEV_GPA + 0x108, 0xf0, 0x48, 0x0f, 0xbb, 0x08),
			 X86_EMU_OK);
	assert_int_equal(dev_get(0x108, 8), 0x8000000000000000ULL);
	assert_false(f.rflags & FL_CF);
	/* 16-bit offset -17: the word at -4, bit 15 */
	f.gpr[RCX] = 0xffef;
	dev_set(0xfc, 2, 0x8000);
	assert_int_equal(EMU64(DEV_GPA + 0xfc, 0x66, 0x0f, 0xa3, 0x08), X86_EMU_OK);
	assert_true(f.rflags & FL_CF);
	/* immediate offsets stay in the operand: 35 & 31 = 3 */
	dev_set(0x100, 4, 0x8);
	assert_int_equal(EMU64(DEV_GPA + 0x100, 0x0f, 0xba, 0x20, 35), X86_EMU_OK);
	assert_true(f.rflags & FL_CF);
	assert_int_equal(EMU64(DEV_GPA + 0x100, 0x0f, 0xba, 0x30, 3), X86_EMU_OK);
	assert_int_equal(dev_get(0x100, 4), 0);
	assert_true(f.rflags & FL_CF);
	assert_int_equal(EMU64(DEV_GPA + 0x100, 0x0f, 0xba, 0x28, 4), X86_EMU_OK);
	assert_int_equal(dev_get(0x100, 4), 0x10);
	assert_false(f.rflags & FL_CF);
	assert_int_equal(EMU64(DEV_GPA + 0x100, 0x0f, 0xba, 0x38, 4), X86_EMU_OK);
	assert_int_equal(dev_get(0x100, 4), 0);
	assert_true(f.rflags & FL_CF);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup(fn, setup)
	const struct CMUnitTest tests[] = {
		T(test_alu_known_flags),
		T(test_alu_against_host_cpu),
		T(test_alu_immediate_forms),
		T(test_locked_rmw_order),
		T(test_xchg),
		T(test_bit_ops),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
