// UNIT-SOURCES: guest/x86_emulate.c guest/x86_walk.c guest/x86_decode.c
/* The emulator against a fake vCPU (register file, RIP, RFLAGS, segment
 * bases), fake guest RAM by linear address and a fake device that records
 * every access; the ALU flags also against the host CPU itself; and the
 * page-table walker against page tables in fake guest-physical memory. */
#include "guest/x86_emulate.h"
#include "tests/unit/fakes.h"

#define FL_FIXED 0x202ULL /* bit 1 and IF */

#define DEV_GPA 0xfee00000ULL
#define DEV_LA 0xffff800000200000ULL /* where the guest maps the device */
#define RAM_LA 0xffff800000100000ULL /* a window of ordinary guest RAM */
#define RAM_SIZE 0x3000
#define BAD_LA 0xffff800000400000ULL /* read_mem/write_mem fail here */

#define RAX X86_RAX
#define RCX X86_RCX
#define RDX X86_RDX
#define RBX X86_RBX
#define RSP X86_RSP
#define RSI X86_RSI
#define RDI X86_RDI

struct access {
	bool write;
	gpa_t gpa;
	unsigned len;
	uint64_t val;
};

static struct fake {
	uint64_t gpr[X86_NR_GPRS], rip, rflags, seg[6];
	unsigned seg_queries[6];
	gpa_t dev_gpa;     /* the device page */
	uint8_t dev[4096];
	bool dev_fail, dev_fail_write;
	struct access log[64];
	unsigned nlog;
	uint8_t ram[RAM_SIZE];
	uint64_t ram_la;
	unsigned ram_reads, ram_writes;
	uint64_t last_ram_la;
} f;

static struct x86_emu_fault fault;
static bool la57;

static uint64_t read_gpr(void *ctx, unsigned reg)
{
	assert_ptr_equal(ctx, &f);
	assert_true(reg < X86_NR_GPRS);
	return f.gpr[reg];
}

static void write_gpr(void *ctx, unsigned reg, uint64_t val)
{
	(void)ctx;
	assert_true(reg < X86_NR_GPRS);
	f.gpr[reg] = val;
}

static uint64_t get_rflags(void *ctx)
{
	(void)ctx;
	return f.rflags;
}

static void set_rflags(void *ctx, uint64_t v)
{
	(void)ctx;
	f.rflags = v;
}

static uint64_t get_rip(void *ctx)
{
	(void)ctx;
	return f.rip;
}

static void set_rip(void *ctx, uint64_t v)
{
	(void)ctx;
	f.rip = v;
}

static uint64_t seg_base(void *ctx, enum x86_seg seg)
{
	(void)ctx;
	assert_true((unsigned)seg < 6);
	f.seg_queries[seg]++;
	return f.seg[seg];
}

static enum x86_emu_status ram_access(uint64_t la, unsigned len, bool write,
				      struct x86_emu_fault *fl, uint8_t **p)
{
	f.last_ram_la = la;
	if (la >= BAD_LA && la < BAD_LA + 0x800)
		return X86_EMU_MMIO_ERROR; /* no reason: the emulator adds one */
	if (la >= BAD_LA + 0x800 && la < BAD_LA + PAGE_SIZE) {
		fl->reason = "another device";
		return X86_EMU_UNSUPPORTED;
	}
	if (la < f.ram_la || la + len > f.ram_la + RAM_SIZE) {
		fl->vector = X86_EXC_PF;
		fl->error_code = write ? X86_PF_W : 0;
		fl->cr2 = la < f.ram_la ? la : MAX(la, f.ram_la + RAM_SIZE);
		return X86_EMU_PAGE_FAULT;
	}
	*p = &f.ram[la - f.ram_la];
	return X86_EMU_OK;
}

static enum x86_emu_status read_mem(void *ctx, uint64_t la, void *buf,
				    unsigned len, struct x86_emu_fault *fl)
{
	uint8_t *p;
	enum x86_emu_status st = ram_access(la, len, false, fl, &p);

	(void)ctx;
	f.ram_reads++;
	if (st == X86_EMU_OK)
		memcpy(buf, p, len);
	return st;
}

static enum x86_emu_status write_mem(void *ctx, uint64_t la, const void *buf,
				     unsigned len, struct x86_emu_fault *fl)
{
	uint8_t *p;
	enum x86_emu_status st = ram_access(la, len, true, fl, &p);

	(void)ctx;
	f.ram_writes++;
	if (st == X86_EMU_OK)
		memcpy(p, buf, len);
	return st;
}

static void dev_check(gpa_t gpa, unsigned len)
{
	assert_true(len == 1 || len == 2 || len == 4 || len == 8);
	assert_true(gpa >= f.dev_gpa && gpa + len <= f.dev_gpa + PAGE_SIZE);
	assert_true(f.nlog < ARRAY_SIZE(f.log));
}

static uint64_t le_get(const uint8_t *p, unsigned len)
{
	uint64_t v = 0;

	for (unsigned i = len; i-- > 0;)
		v = (v << 8) | p[i];
	return v;
}

static void le_put(uint8_t *p, unsigned len, uint64_t v)
{
	for (unsigned i = 0; i < len; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int mmio_read(void *ctx, gpa_t gpa, unsigned len, uint64_t *val)
{
	(void)ctx;
	dev_check(gpa, len);
	*val = le_get(&f.dev[gpa - f.dev_gpa], len);
	f.log[f.nlog++] = (struct access){ false, gpa, len, *val };
	return f.dev_fail ? -1 : 0;
}

static int mmio_write(void *ctx, gpa_t gpa, unsigned len, uint64_t val)
{
	(void)ctx;
	dev_check(gpa, len);
	assert_true(len == 8 || val <= (1ULL << (8 * len)) - 1);
	f.log[f.nlog++] = (struct access){ true, gpa, len, val };
	if (f.dev_fail || f.dev_fail_write)
		return -1;
	le_put(&f.dev[gpa - f.dev_gpa], len, val);
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

static int setup(void **state)
{
	(void)state;
	memset(&f, 0, sizeof(f));
	memset(&fault, 0, sizeof(fault));
	la57 = false;
	for (unsigned i = 0; i < X86_NR_GPRS; i++)
		f.gpr[i] = 0x0101010101010101ULL * (0xa0 + i);
	f.rip = 0xffffffff81000000ULL;
	f.rflags = FL_FIXED;
	f.dev_gpa = DEV_GPA;
	f.ram_la = RAM_LA;
	return 0;
}

static enum x86_emu_status emu_bytes(enum x86_mode mode, const uint8_t *b,
				     size_t n, gpa_t gpa, bool write)
{
	struct x86_insn in;
	struct x86_emu_req req = { .gpa = gpa, .write = write, .la57 = la57 };

	assert_int_equal(x86_decode(b, n, mode, &in), X86_DECODE_OK);
	assert_int_equal(in.len, n);
	f.nlog = 0;
	return x86_emulate(&ops, &f, &in, &req, &fault);
}

#define EMU(mode, gpa, write, ...)                                         \
	emu_bytes((mode), (const uint8_t[]){ __VA_ARGS__ },                \
		  sizeof((const uint8_t[]){ __VA_ARGS__ }), (gpa), (write))
#define EMU64(gpa, ...) EMU(X86_MODE_64, (gpa), false, __VA_ARGS__)

static void dev_set(unsigned off, unsigned len, uint64_t v)
{
	le_put(&f.dev[off], len, v);
}

static uint64_t dev_get(unsigned off, unsigned len)
{
	return le_get(&f.dev[off], len);
}

#define expect_access(i, w, g, l, v) expect_access_at(__LINE__, i, w, g, l, v)

static void expect_access_at(int line, unsigned i, bool write, gpa_t gpa,
			     unsigned len, uint64_t val)
{
	if (i >= f.nlog)
		fail_msg("line %d: access %u missing (%u logged)", line, i, f.nlog);
	if (f.log[i].write != write || f.log[i].gpa != gpa ||
	    f.log[i].len != len || f.log[i].val != val)
		fail_msg("line %d: access %u is %s %#llx/%u = %#llx, expected "
			 "%s %#llx/%u = %#llx", line, i,
			 f.log[i].write ? "write" : "read",
			 (unsigned long long)f.log[i].gpa, f.log[i].len,
			 (unsigned long long)f.log[i].val, write ? "write" : "read",
			 (unsigned long long)gpa, len, (unsigned long long)val);
}

/* ---- MOV ------------------------------------------------------------ */

static void test_mov_store_sizes(void **state)
{
	uint64_t rip = f.rip;

	(void)state;
	f.gpr[RAX] = DEV_LA + 0x300;
	f.gpr[RCX] = 0x1122334455667788ULL;
	assert_int_equal(EMU64(DEV_GPA + 0x300, 0x88, 0x08), X86_EMU_OK);
	expect_access(0, true, DEV_GPA + 0x300, 1, 0x88);
	assert_int_equal(f.nlog, 1);
	assert_int_equal(f.rip, rip + 2);
	assert_int_equal(EMU64(DEV_GPA + 0x300, 0x66, 0x89, 0x08), X86_EMU_OK);
	expect_access(0, true, DEV_GPA + 0x300, 2, 0x7788);
	assert_int_equal(f.rip, rip + 5);
	assert_int_equal(EMU64(DEV_GPA + 0x300, 0x89, 0x08), X86_EMU_OK);
	expect_access(0, true, DEV_GPA + 0x300, 4, 0x55667788);
	assert_int_equal(EMU64(DEV_GPA + 0x300, 0x48, 0x89, 0x08), X86_EMU_OK);
	expect_access(0, true, DEV_GPA + 0x300, 8, 0x1122334455667788ULL);
	assert_int_equal(dev_get(0x300, 8), 0x1122334455667788ULL);
	assert_int_equal(f.rip, rip + 10);
	/* Nothing else moved. */
	assert_int_equal(f.gpr[RAX], DEV_LA + 0x300);
	assert_int_equal(f.gpr[RCX], 0x1122334455667788ULL);
	assert_int_equal(f.rflags, FL_FIXED);
	assert_int_equal(f.ram_reads + f.ram_writes, 0);
}

static void test_mov_load_sizes(void **state)
{
	(void)state;
	f.gpr[RAX] = DEV_LA + 0x300;
	dev_set(0x300, 8, 0x8877665544332211ULL);
	f.gpr[RCX] = 0xaaaaaaaaaaaaaaaaULL;
	assert_int_equal(EMU64(DEV_GPA + 0x300, 0x8a, 0x08), X86_EMU_OK);
	expect_access(0, false, DEV_GPA + 0x300, 1, 0x11);
	assert_int_equal(f.gpr[RCX], 0xaaaaaaaaaaaaaa11ULL);
	assert_int_equal(EMU64(DEV_GPA + 0x300, 0x66, 0x8b, 0x08), X86_EMU_OK);
	assert_int_equal(f.gpr[RCX], 0xaaaaaaaaaaaa2211ULL);
	/* 32-bit destination: zero-extended into the whole register. */
	assert_int_equal(EMU64(DEV_GPA + 0x300, 0x8b, 0x08), X86_EMU_OK);
	assert_int_equal(f.gpr[RCX], 0x44332211ULL);
	assert_int_equal(EMU64(DEV_GPA + 0x300, 0x48, 0x8b, 0x08), X86_EMU_OK);
	assert_int_equal(f.gpr[RCX], 0x8877665544332211ULL);
	/* REX.R: r9 */
	f.gpr[9] = ~0ULL;
	assert_int_equal(EMU64(DEV_GPA + 0x300, 0x44, 0x8b, 0x08), X86_EMU_OK);
	assert_int_equal(f.gpr[9], 0x44332211ULL);
	assert_int_equal(f.nlog, 1);
}

static void test_high_byte_registers(void **state)
{
	(void)state;
	f.gpr[RBX] = DEV_LA + 0x10;
	f.gpr[RAX] = 0xffffffffffff1234ULL;
	assert_int_equal(EMU64(DEV_GPA + 0x10, 0x88, 0x23), X86_EMU_OK); /* mov [rbx],ah */
	expect_access(0, true, DEV_GPA + 0x10, 1, 0x12);
	dev_set(0x10, 1, 0xab);
	assert_int_equal(EMU64(DEV_GPA + 0x10, 0x8a, 0x23), X86_EMU_OK); /* mov ah,[rbx] */
	assert_int_equal(f.gpr[RAX], 0xffffffffffffab34ULL);
	f.gpr[RSP] = 0x7fffffffe000ULL;
	assert_int_equal(EMU64(DEV_GPA + 0x10, 0x40, 0x8a, 0x23), X86_EMU_OK); /* spl */
	assert_int_equal(f.gpr[RSP], 0x7fffffffe0abULL);
	assert_int_equal(f.gpr[RAX], 0xffffffffffffab34ULL);
	f.gpr[12] = 0x1111111111111111ULL;
	assert_int_equal(EMU64(DEV_GPA + 0x10, 0x44, 0x8a, 0x23), X86_EMU_OK); /* r12b */
	assert_int_equal(f.gpr[12], 0x11111111111111abULL);
	/* mov bh,[rcx]: BH, not DIL */
	f.gpr[RCX] = DEV_LA + 0x10;
	f.gpr[RBX] = 0x5555;
	f.gpr[RDI] = 0x7777;
	assert_int_equal(EMU64(DEV_GPA + 0x10, 0x8a, 0x39), X86_EMU_OK);
	assert_int_equal(f.gpr[RBX], 0xab55);
	assert_int_equal(f.gpr[RDI], 0x7777);
	/* mov [rcx],dh and xchg [rcx],ch */
	f.gpr[RDX] = 0xfe00;
	assert_int_equal(EMU64(DEV_GPA + 0x10, 0x88, 0x31), X86_EMU_OK);
	assert_int_equal(dev_get(0x10, 1), 0xfe);
	f.gpr[RCX] = DEV_LA + 0x10; /* CH is 0x00 */
	assert_int_equal(EMU64(DEV_GPA + 0x10, 0x86, 0x29), X86_EMU_OK);
	assert_int_equal(dev_get(0x10, 1), 0x00);
	assert_int_equal(f.gpr[RCX], DEV_LA + 0xfe10);
}

static void test_mov_imm_sizes(void **state)
{
	(void)state;
	f.gpr[RAX] = DEV_LA + 0x20;
	assert_int_equal(EMU64(DEV_GPA + 0x20, 0xc6, 0x00, 0xab), X86_EMU_OK);
	expect_access(0, true, DEV_GPA + 0x20, 1, 0xab);
	assert_int_equal(EMU64(DEV_GPA + 0x20, 0x66, 0xc7, 0x00, 0x34, 0x12),
			 X86_EMU_OK);
	expect_access(0, true, DEV_GPA + 0x20, 2, 0x1234);
	assert_int_equal(EMU64(DEV_GPA + 0x20, 0xc7, 0x00, 0x78, 0x56, 0x34, 0x12),
			 X86_EMU_OK);
	expect_access(0, true, DEV_GPA + 0x20, 4, 0x12345678);
	/* imm32 sign-extended to 64 bits */
	assert_int_equal(EMU64(DEV_GPA + 0x20, 0x48, 0xc7, 0x00, 0, 0, 0, 0x80),
			 X86_EMU_OK);
	expect_access(0, true, DEV_GPA + 0x20, 8, 0xffffffff80000000ULL);
	assert_int_equal(EMU64(DEV_GPA + 0x20, 0x48, 0xc7, 0x00, 0x01, 0, 0, 0),
			 X86_EMU_OK);
	expect_access(0, true, DEV_GPA + 0x20, 8, 1);
}

static void test_moffs(void **state)
{
	(void)state;
	dev_set(0x20, 8, 0x0123456789abcdefULL);
	/* mov rax,[DEV_LA+0x20] */
	assert_int_equal(EMU64(DEV_GPA + 0x20, 0x48, 0xa1, 0x20, 0, 0x20, 0, 0,
			       0x80, 0xff, 0xff), X86_EMU_OK);
	assert_int_equal(f.gpr[RAX], 0x0123456789abcdefULL);
	/* mov [DEV_LA+0x28],al */
	assert_int_equal(EMU64(DEV_GPA + 0x28, 0xa2, 0x28, 0, 0x20, 0, 0, 0x80,
			       0xff, 0xff), X86_EMU_OK);
	expect_access(0, true, DEV_GPA + 0x28, 1, 0xef);
	/* 67: a 32-bit offset, zero-extended: linear 0xfee00030 */
	f.gpr[RAX] = 0x99999999cafef00dULL;
	assert_int_equal(EMU64(DEV_GPA + 0x30, 0x67, 0xa3, 0x30, 0, 0xe0, 0xfe),
			 X86_EMU_OK);
	expect_access(0, true, DEV_GPA + 0x30, 4, 0xcafef00d);
	/* fs:moffs with FS based at the device page */
	f.seg[X86_SEG_FS] = DEV_LA;
	assert_int_equal(EMU64(DEV_GPA + 0x20, 0x64, 0x66, 0xa1, 0x20, 0, 0, 0,
			       0, 0, 0, 0), X86_EMU_OK);
	assert_int_equal(f.gpr[RAX] & 0xffff, 0xcdef);
	assert_int_equal(f.gpr[RAX] >> 16, 0x99999999cafeULL);
}

static void test_movzx_movsx(void **state)
{
	(void)state;
	f.gpr[RAX] = DEV_LA;
	dev_set(0, 4, 0x80000080);
	f.gpr[RCX] = ~0ULL;
	assert_int_equal(EMU64(DEV_GPA, 0x0f, 0xb6, 0x08), X86_EMU_OK);
	assert_int_equal(f.gpr[RCX], 0x80);
	expect_access(0, false, DEV_GPA, 1, 0x80);
	assert_int_equal(EMU64(DEV_GPA, 0x0f, 0xbe, 0x08), X86_EMU_OK);
	assert_int_equal(f.gpr[RCX], 0xffffff80ULL);
	assert_int_equal(EMU64(DEV_GPA, 0x48, 0x0f, 0xbe, 0x08), X86_EMU_OK);
	assert_int_equal(f.gpr[RCX], 0xffffffffffffff80ULL);
	f.gpr[RCX] = 0xaaaaaaaaaaaaaaaaULL;
	assert_int_equal(EMU64(DEV_GPA, 0x66, 0x0f, 0xbe, 0x08), X86_EMU_OK);
	assert_int_equal(f.gpr[RCX], 0xaaaaaaaaaaaaff80ULL);
	assert_int_equal(EMU64(DEV_GPA, 0x66, 0x0f, 0xb6, 0x08), X86_EMU_OK);
	assert_int_equal(f.gpr[RCX], 0xaaaaaaaaaaaa0080ULL);

	dev_set(0, 4, 0x80008000);
	assert_int_equal(EMU64(DEV_GPA, 0x0f, 0xb7, 0x08), X86_EMU_OK);
	expect_access(0, false, DEV_GPA, 2, 0x8000);
	assert_int_equal(f.gpr[RCX], 0x8000);
	assert_int_equal(EMU64(DEV_GPA, 0x0f, 0xbf, 0x08), X86_EMU_OK);
	assert_int_equal(f.gpr[RCX], 0xffff8000ULL);
	assert_int_equal(EMU64(DEV_GPA, 0x48, 0x0f, 0xbf, 0x08), X86_EMU_OK);
	assert_int_equal(f.gpr[RCX], 0xffffffffffff8000ULL);

	/* MOVSXD with and without REX.W */
	assert_int_equal(EMU64(DEV_GPA, 0x48, 0x63, 0x08), X86_EMU_OK);
	expect_access(0, false, DEV_GPA, 4, 0x80008000);
	assert_int_equal(f.gpr[RCX], 0xffffffff80008000ULL);
	assert_int_equal(EMU64(DEV_GPA, 0x63, 0x08), X86_EMU_OK);
	assert_int_equal(f.gpr[RCX], 0x80008000ULL);
}

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

/* ---- string instructions ---------------------------------------------- */

static void test_stos_single(void **state)
{
	uint64_t rip = f.rip;

	(void)state;
	f.gpr[RDI] = DEV_LA + 0x40;
	f.gpr[RAX] = 0x1122334455667788ULL;
	f.gpr[RCX] = 77;
	assert_int_equal(EMU64(DEV_GPA + 0x40, 0xaa), X86_EMU_OK);
	expect_access(0, true, DEV_GPA + 0x40, 1, 0x88);
	assert_int_equal(f.gpr[RDI], DEV_LA + 0x41);
	assert_int_equal(f.gpr[RCX], 77); /* no REP: RCX untouched */
	assert_int_equal(f.rip, rip + 1);
	assert_int_equal(EMU64(DEV_GPA + 0x41, 0x66, 0xab), X86_EMU_OK);
	expect_access(0, true, DEV_GPA + 0x41, 2, 0x7788);
	assert_int_equal(f.gpr[RDI], DEV_LA + 0x43);
	assert_int_equal(EMU64(DEV_GPA + 0x43, 0xab), X86_EMU_OK);
	expect_access(0, true, DEV_GPA + 0x43, 4, 0x55667788);
	assert_int_equal(EMU64(DEV_GPA + 0x47, 0x48, 0xab), X86_EMU_OK);
	expect_access(0, true, DEV_GPA + 0x47, 8, 0x1122334455667788ULL);
	assert_int_equal(f.gpr[RDI], DEV_LA + 0x4f);
	f.rflags |= FL_DF;
	assert_int_equal(EMU64(DEV_GPA + 0x4f, 0xab), X86_EMU_OK);
	assert_int_equal(f.gpr[RDI], DEV_LA + 0x4b);
	assert_int_equal(f.gpr[RCX], 77);
}

static void test_rep_stos(void **state)
{
	uint64_t rip = f.rip;

	(void)state;
	f.gpr[RDI] = DEV_LA + 0x80;
	f.gpr[RAX] = 0xdeadbeef;
	f.gpr[RCX] = 4;
	assert_int_equal(EMU64(DEV_GPA + 0x80, 0xf3, 0xab), X86_EMU_OK);
	assert_int_equal(f.nlog, 4);
	for (unsigned i = 0; i < 4; i++)
		expect_access(i, true, DEV_GPA + 0x80 + 4 * i, 4, 0xdeadbeef);
	assert_int_equal(f.gpr[RCX], 0);
	assert_int_equal(f.gpr[RDI], DEV_LA + 0x90);
	assert_int_equal(f.rip, rip + 2);

	/* downwards */
	f.rflags |= FL_DF;
	f.gpr[RCX] = 3;
	f.gpr[RDI] = DEV_LA + 0x8c;
	assert_int_equal(EMU64(DEV_GPA + 0x8c, 0xf3, 0xab), X86_EMU_OK);
	expect_access(0, true, DEV_GPA + 0x8c, 4, 0xdeadbeef);
	expect_access(1, true, DEV_GPA + 0x88, 4, 0xdeadbeef);
	expect_access(2, true, DEV_GPA + 0x84, 4, 0xdeadbeef);
	assert_int_equal(f.nlog, 3);
	assert_int_equal(f.gpr[RDI], DEV_LA + 0x80);

	/* F2 repeats MOVS/STOS like F3 */
	f.rflags &= ~FL_DF;
	f.gpr[RCX] = 3;
	f.gpr[RDI] = DEV_LA;
	assert_int_equal(EMU64(DEV_GPA, 0xf2, 0xaa), X86_EMU_OK);
	assert_int_equal(f.nlog, 3);
	assert_int_equal(f.gpr[RCX], 0);
}

static void test_rep_zero_count(void **state)
{
	uint64_t rip = f.rip;

	(void)state;
	f.gpr[RCX] = 0;
	f.gpr[RDI] = DEV_LA + 0x123;
	/* Not even the faulting address is checked: nothing is accessed. */
	assert_int_equal(EMU64(DEV_GPA, 0xf3, 0x48, 0xab), X86_EMU_OK);
	assert_int_equal(f.nlog, 0);
	assert_int_equal(f.rip, rip + 3);
	assert_int_equal(f.gpr[RDI], DEV_LA + 0x123);
	assert_int_equal(f.gpr[RCX], 0);
}

/* The device side leaving the device page ends this round; the guest
 * runs the instruction again from where it stopped. */
static void test_rep_stops_at_page_end(void **state)
{
	uint64_t rip = f.rip;

	(void)state;
	f.gpr[RCX] = 4;
	f.gpr[RDI] = DEV_LA + 0xff8;
	assert_int_equal(EMU64(DEV_GPA + 0xff8, 0xf3, 0xab), X86_EMU_OK);
	assert_int_equal(f.nlog, 2);
	expect_access(1, true, DEV_GPA + 0xffc, 4, f.gpr[RAX] & 0xffffffff);
	assert_int_equal(f.gpr[RCX], 2);
	assert_int_equal(f.gpr[RDI], DEV_LA + 0x1000);
	assert_int_equal(f.rip, rip);

	f.rflags |= FL_DF;
	f.gpr[RCX] = 4;
	f.gpr[RDI] = DEV_LA + 0x4;
	assert_int_equal(EMU64(DEV_GPA + 0x4, 0xf3, 0xab), X86_EMU_OK);
	assert_int_equal(f.nlog, 2);
	expect_access(1, true, DEV_GPA, 4, f.gpr[RAX] & 0xffffffff);
	assert_int_equal(f.gpr[RCX], 2);
	assert_int_equal(f.gpr[RDI], DEV_LA - 4);
	assert_int_equal(f.rip, rip);

	/* An element straddling the end stops too. */
	f.rflags &= ~FL_DF;
	f.gpr[RCX] = 2;
	f.gpr[RDI] = DEV_LA + 0xffa;
	assert_int_equal(EMU64(DEV_GPA + 0xffa, 0xf3, 0xab), X86_EMU_OK);
	assert_int_equal(f.nlog, 1);
	assert_int_equal(f.gpr[RCX], 1);
	assert_int_equal(f.rip, rip);
}

static void test_rep_address_size(void **state)
{
	(void)state;
	/* 67 in 64-bit mode: ECX and EDI, written back zero-extended */
	f.gpr[RCX] = 0xffffffff00000002ULL;
	f.gpr[RDI] = 0x12345678fee00010ULL;
	assert_int_equal(EMU64(DEV_GPA + 0x10, 0x67, 0xf3, 0xab), X86_EMU_OK);
	assert_int_equal(f.nlog, 2);
	expect_access(1, true, DEV_GPA + 0x14, 4, f.gpr[RAX] & 0xffffffff);
	assert_int_equal(f.gpr[RCX], 0);
	assert_int_equal(f.gpr[RDI], 0xfee00018ULL);

	/* 16-bit mode: CX and DI, the rest of the registers kept */
	f.dev_gpa = 0xb8000;
	f.seg[X86_SEG_ES] = 0xb8000;
	f.gpr[RCX] = 0xabcd000000010002ULL;
	f.gpr[RDI] = 0x55550010;
	f.rip = 0x7c00;
	assert_int_equal(EMU(X86_MODE_16, 0xb8010, false, 0xf3, 0xab), X86_EMU_OK);
	assert_int_equal(f.nlog, 2);
	expect_access(0, true, 0xb8010, 2, f.gpr[RAX] & 0xffff);
	expect_access(1, true, 0xb8012, 2, f.gpr[RAX] & 0xffff);
	assert_int_equal(f.gpr[RCX], 0xabcd000000010000ULL);
	assert_int_equal(f.gpr[RDI], 0x55550014);
	assert_int_equal(f.rip, 0x7c02);
	assert_true(f.seg_queries[X86_SEG_ES] > 0);

	/* DI wraps at 64K: the next element is off the device page */
	f.dev_gpa = 0xbf000;
	f.seg[X86_SEG_ES] = 0xb0000;
	f.gpr[RCX] = 2;
	f.gpr[RDI] = 0xfffe;
	assert_int_equal(EMU(X86_MODE_16, 0xbfffe, false, 0xf3, 0xab), X86_EMU_OK);
	assert_int_equal(f.nlog, 1);
	assert_int_equal(f.gpr[RDI], 0);
	assert_int_equal(f.gpr[RCX], 1);
	assert_int_equal(f.rip, 0x7c02);
}

static void test_movs_device_to_ram(void **state)
{
	(void)state;
	f.gpr[RSI] = DEV_LA + 0x200;
	f.gpr[RDI] = RAM_LA + 0x100;
	f.gpr[RCX] = 3;
	for (unsigned i = 0; i < 3; i++)
		dev_set(0x200 + 4 * i, 4, 0xa0 + i);
	assert_int_equal(EMU(X86_MODE_64, DEV_GPA + 0x200, false, 0xf3, 0xa5),
			 X86_EMU_OK);
	assert_int_equal(f.nlog, 3);
	for (unsigned i = 0; i < 3; i++) {
		expect_access(i, false, DEV_GPA + 0x200 + 4 * i, 4, 0xa0 + i);
		assert_int_equal(le_get(&f.ram[0x100 + 4 * i], 4), 0xa0 + i);
	}
	assert_int_equal(f.ram_writes, 3);
	assert_int_equal(f.ram_reads, 0);
	assert_int_equal(f.gpr[RSI], DEV_LA + 0x20c);
	assert_int_equal(f.gpr[RDI], RAM_LA + 0x10c);
	assert_int_equal(f.gpr[RCX], 0);
}

static void test_movs_ram_to_device(void **state)
{
	(void)state;
	f.gpr[RSI] = RAM_LA + 0x10;
	f.gpr[RDI] = DEV_LA + 0x300;
	f.gpr[RCX] = 2;
	le_put(&f.ram[0x10], 8, 0x1111111111111111ULL);
	le_put(&f.ram[0x18], 8, 0x2222222222222222ULL);
	assert_int_equal(EMU(X86_MODE_64, DEV_GPA + 0x300, true, 0xf3, 0x48, 0xa5),
			 X86_EMU_OK);
	expect_access(0, true, DEV_GPA + 0x300, 8, 0x1111111111111111ULL);
	expect_access(1, true, DEV_GPA + 0x308, 8, 0x2222222222222222ULL);
	assert_int_equal(f.nlog, 2);
	assert_int_equal(f.ram_reads, 2);
	assert_int_equal(f.last_ram_la, RAM_LA + 0x18);
	assert_int_equal(f.gpr[RSI], RAM_LA + 0x20);
	assert_int_equal(f.gpr[RDI], DEV_LA + 0x310);

	/* The same bytes, but the exit says the read faulted: the source is
	 * then taken as the device side, which does not match. */
	f.gpr[RSI] = RAM_LA + 0x10;
	f.gpr[RDI] = DEV_LA + 0x300;
	assert_int_equal(EMU(X86_MODE_64, DEV_GPA + 0x300, false, 0x48, 0xa5),
			 X86_EMU_UNSUPPORTED);
	assert_int_equal(f.nlog, 0);
}

static void test_movs_backwards(void **state)
{
	(void)state;
	f.rflags |= FL_DF;
	f.gpr[RSI] = DEV_LA + 0x12;
	f.gpr[RDI] = RAM_LA + 0x22;
	f.gpr[RCX] = 3;
	dev_set(0x10, 4, 0x00332211);
	assert_int_equal(EMU(X86_MODE_64, DEV_GPA + 0x12, false, 0xf3, 0xa4),
			 X86_EMU_OK);
	expect_access(0, false, DEV_GPA + 0x12, 1, 0x33);
	expect_access(1, false, DEV_GPA + 0x11, 1, 0x22);
	expect_access(2, false, DEV_GPA + 0x10, 1, 0x11);
	assert_int_equal(le_get(&f.ram[0x20], 3), 0x332211);
	assert_int_equal(f.gpr[RSI], DEV_LA + 0xf);
	assert_int_equal(f.gpr[RDI], RAM_LA + 0x1f);
}

/* A fault on the RAM side stops after the elements done: they stay done,
 * the registers say so, RIP stays on the instruction, and the #PF is the
 * one the memory callback reported. */
static void test_movs_ram_fault(void **state)
{
	uint64_t rip = f.rip;

	(void)state;
	f.gpr[RSI] = DEV_LA;
	f.gpr[RDI] = RAM_LA + RAM_SIZE - 8;
	f.gpr[RCX] = 4;
	assert_int_equal(EMU(X86_MODE_64, DEV_GPA, false, 0xf3, 0xa5),
			 X86_EMU_PAGE_FAULT);
	assert_int_equal(fault.vector, X86_EXC_PF);
	assert_int_equal(fault.error_code, X86_PF_W);
	assert_int_equal(fault.cr2, RAM_LA + RAM_SIZE);
	assert_int_equal(f.gpr[RCX], 2);
	assert_int_equal(f.gpr[RSI], DEV_LA + 8);
	assert_int_equal(f.gpr[RDI], RAM_LA + RAM_SIZE);
	assert_int_equal(f.rip, rip);
	assert_int_equal(f.nlog, 3); /* the third read happened */

	/* A failure on the RAM side without a reason gets one. */
	f.gpr[RSI] = DEV_LA;
	f.gpr[RDI] = BAD_LA;
	assert_int_equal(EMU(X86_MODE_64, DEV_GPA, false, 0xa5), X86_EMU_MMIO_ERROR);
	assert_string_equal(fault.reason, "guest memory write failed");
	f.gpr[RSI] = BAD_LA;
	f.gpr[RDI] = DEV_LA;
	assert_int_equal(EMU(X86_MODE_64, DEV_GPA, true, 0xa5), X86_EMU_MMIO_ERROR);
	assert_string_equal(fault.reason, "guest memory read failed");
	f.gpr[RSI] = BAD_LA + 0x800;
	assert_int_equal(EMU(X86_MODE_64, DEV_GPA, true, 0xa5), X86_EMU_UNSUPPORTED);
	assert_string_equal(fault.reason, "another device");
	/* the source side non-canonical */
	f.gpr[RSI] = 0x0000900000000000ULL;
	assert_int_equal(EMU(X86_MODE_64, DEV_GPA, true, 0xa5), X86_EMU_GP);
	assert_int_equal(fault.vector, X86_EXC_GP);
	assert_int_equal(f.nlog, 0);
	assert_int_equal(f.rip, rip);
}

static void test_movs_within_device_page(void **state)
{
	(void)state;
	f.gpr[RSI] = DEV_LA + 0x10;
	f.gpr[RDI] = DEV_LA + 0x20;
	f.gpr[RCX] = 2;
	dev_set(0x10, 8, 0x4444444433333333ULL);
	assert_int_equal(EMU(X86_MODE_64, DEV_GPA + 0x10, false, 0xf3, 0xa5),
			 X86_EMU_OK);
	assert_int_equal(f.ram_reads + f.ram_writes, 0);
	expect_access(0, false, DEV_GPA + 0x10, 4, 0x33333333);
	expect_access(1, true, DEV_GPA + 0x20, 4, 0x33333333);
	expect_access(2, false, DEV_GPA + 0x14, 4, 0x44444444);
	expect_access(3, true, DEV_GPA + 0x24, 4, 0x44444444);
}

static void test_movs_segments(void **state)
{
	(void)state;
	/* gs:[rsi] is RAM at GS base + RSI */
	f.seg[X86_SEG_GS] = RAM_LA;
	f.seg[X86_SEG_DS] = 0x5000; /* must be ignored in 64-bit mode */
	f.gpr[RSI] = 0x40;
	f.gpr[RDI] = DEV_LA + 0x60;
	le_put(&f.ram[0x40], 4, 0xfeedface);
	assert_int_equal(EMU(X86_MODE_64, DEV_GPA + 0x60, true, 0x65, 0xa5),
			 X86_EMU_OK);
	assert_int_equal(f.last_ram_la, RAM_LA + 0x40);
	expect_access(0, true, DEV_GPA + 0x60, 4, 0xfeedface);
	/* ds: (and es:) have base 0 in 64-bit mode and are not asked for */
	f.gpr[RSI] = RAM_LA + 0x40;
	assert_int_equal(EMU(X86_MODE_64, DEV_GPA + 0x64, true, 0x3e, 0xa5),
			 X86_EMU_OK);
	assert_int_equal(f.last_ram_la, RAM_LA + 0x40);
	assert_int_equal(f.seg_queries[X86_SEG_DS], 0);
	assert_int_equal(f.seg_queries[X86_SEG_ES], 0);

	/* 32-bit mode: DS base added, wrapped to 32 bits */
	f.ram_la = 0x00100000;
	f.seg[X86_SEG_DS] = 0x10000000;
	f.seg[X86_SEG_ES] = 0;
	f.gpr[RSI] = 0xf0100040;
	f.gpr[RDI] = 0xfee00068;
	f.rip = 0x1000;
	assert_int_equal(EMU(X86_MODE_32, DEV_GPA + 0x68, true, 0xa5), X86_EMU_OK);
	assert_int_equal(f.last_ram_la, 0x00100040);
	expect_access(0, true, DEV_GPA + 0x68, 4, 0xfeedface);
	assert_int_equal(f.gpr[RSI], 0xf0100044);
	assert_int_equal(f.rip, 0x1001);

	/* 16-bit mode: DS:SI with a real-mode base */
	f.ram_la = 0x20000;
	f.seg[X86_SEG_DS] = 0x20000;
	f.seg[X86_SEG_ES] = 0xb8000;
	f.dev_gpa = 0xb8000;
	f.gpr[RSI] = 0x40;
	f.gpr[RDI] = 0x10;
	le_put(&f.ram[0x40], 2, 0xbeef);
	assert_int_equal(EMU(X86_MODE_16, 0xb8010, true, 0xa5), X86_EMU_OK);
	assert_int_equal(f.last_ram_la, 0x20040);
	expect_access(0, true, 0xb8010, 2, 0xbeef);
}

static void test_lods(void **state)
{
	(void)state;
	f.gpr[RSI] = DEV_LA + 0x70;
	f.gpr[RAX] = 0xffffffffffffffffULL;
	dev_set(0x70, 8, 0x8877665544332211ULL);
	assert_int_equal(EMU64(DEV_GPA + 0x70, 0xac), X86_EMU_OK);
	assert_int_equal(f.gpr[RAX], 0xffffffffffffff11ULL);
	assert_int_equal(f.gpr[RSI], DEV_LA + 0x71);
	assert_int_equal(EMU64(DEV_GPA + 0x71, 0xad), X86_EMU_OK);
	assert_int_equal(f.gpr[RAX], 0x55443322ULL);
	f.gpr[RCX] = 2;
	f.gpr[RSI] = DEV_LA + 0x70;
	assert_int_equal(EMU64(DEV_GPA + 0x70, 0xf3, 0x66, 0xad), X86_EMU_OK);
	assert_int_equal(f.nlog, 2);
	assert_int_equal(f.gpr[RAX], 0x4433ULL | 0x55440000ULL);
	assert_int_equal(f.gpr[RCX], 0);
}

/* ---- addresses, modes and failures ------------------------------------ */

static void test_effective_addresses(void **state)
{
	(void)state;
	/* RIP-relative, from the next instruction */
	f.rip = 0xffff800000100000ULL;
	assert_int_equal(EMU64(DEV_GPA + 0x40, 0x8b, 0x05, 0x3a, 0x00, 0x10, 0x00),
			 X86_EMU_OK);
	assert_int_equal(f.rip, 0xffff800000100006ULL);
	/* EIP-relative (67): wrapped to 32 bits */
	f.rip = 0x100000000ULL + 0xfee00000ULL - 7 - 0x10;
	assert_int_equal(EMU64(DEV_GPA + 0x10, 0x67, 0x8b, 0x05, 0x20, 0, 0, 0),
			 X86_EMU_OK);
	/* base + index * scale + disp8 */
	f.gpr[RAX] = DEV_LA;
	f.gpr[RCX] = 8;
	assert_int_equal(EMU64(DEV_GPA + 0x30, 0x8b, 0x44, 0x88, 0x10), X86_EMU_OK);
	expect_access(0, false, DEV_GPA + 0x30, 4, 0);
	/* index only (r12 * 8), no base */
	f.gpr[12] = (DEV_LA + 0x48) / 8;
	assert_int_equal(EMU64(DEV_GPA + 0x48, 0x42, 0x8b, 0x04, 0xe5, 0, 0, 0, 0),
			 X86_EMU_OK);
	/* 32-bit address size: the sum wraps at 4G */
	f.gpr[RAX] = 0xfffffff0;
	assert_int_equal(EMU64(DEV_GPA + 0x10, 0x67, 0x8b, 0x40, 0x20), X86_EMU_OK);
	/* Wrong sum: a different offset in the page is refused */
	assert_int_equal(EMU64(DEV_GPA + 0x10, 0x8b, 0x40, 0x20),
			 X86_EMU_UNSUPPORTED);
	/* 32-bit mode, [disp32] */
	f.rip = 0x1000;
	assert_int_equal(EMU(X86_MODE_32, DEV_GPA + 0x300, false,
			     0x8b, 0x05, 0x00, 0x03, 0xe0, 0xfe), X86_EMU_OK);
	assert_int_equal(f.rip, 0x1006);
	/* 16-bit, [bx+si+0x10] wraps at 64K */
	f.dev_gpa = 0xb8000;
	f.seg[X86_SEG_DS] = 0xb8000;
	f.gpr[RBX] = 0xfff0;
	f.gpr[RSI] = 0x20;
	f.gpr[RAX] = 0x1234;
	f.rip = 0x100;
	assert_int_equal(EMU(X86_MODE_16, 0xb8020, false, 0x89, 0x40, 0x10),
			 X86_EMU_OK);
	expect_access(0, true, 0xb8020, 2, 0x1234);
	/* [bp+2] is SS-relative */
	f.seg[X86_SEG_SS] = 0xb7ff0;
	f.gpr[5] = 0x0e;
	assert_int_equal(EMU(X86_MODE_16, 0xb8000, false, 0x89, 0x46, 0x02),
			 X86_EMU_OK);
	assert_true(f.seg_queries[X86_SEG_SS] > 0);
}

static void test_rip_wraps_with_mode(void **state)
{
	(void)state;
	f.gpr[RAX] = DEV_LA;
	f.rip = 0xfffe;
	f.seg[X86_SEG_DS] = DEV_LA & 0xffffffff;
	f.gpr[RBX] = 0;
	assert_int_equal(EMU(X86_MODE_16, DEV_GPA, false, 0x89, 0x07), X86_EMU_OK);
	assert_int_equal(f.rip, 0);
	f.rip = 0xffffffff;
	assert_int_equal(EMU(X86_MODE_32, DEV_GPA, false, 0x89, 0x03), X86_EMU_OK);
	assert_int_equal(f.rip, 1);
}

static void test_non_canonical(void **state)
{
	uint64_t rip = f.rip;

	(void)state;
	f.gpr[RAX] = 0x0000800000000000ULL;
	assert_int_equal(EMU64(DEV_GPA, 0x8b, 0x00), X86_EMU_GP);
	assert_int_equal(fault.vector, X86_EXC_GP);
	assert_int_equal(fault.error_code, 0);
	assert_non_null(fault.reason);
	/* stack reference: #SS */
	f.gpr[RSP] = 0x0000800000000000ULL;
	assert_int_equal(EMU64(DEV_GPA, 0x8b, 0x04, 0x24), X86_EMU_GP);
	assert_int_equal(fault.vector, X86_EXC_SS);
	/* the last byte crosses into the hole */
	f.gpr[RAX] = 0x00007ffffffffffeULL;
	assert_int_equal(EMU64(DEV_GPA + 0xffe, 0x8b, 0x00), X86_EMU_GP);
	/* FS base pushing it out */
	f.seg[X86_SEG_FS] = 0x00007fffffffff00ULL;
	f.gpr[RAX] = 0x100;
	assert_int_equal(EMU64(DEV_GPA, 0x64, 0x8b, 0x00), X86_EMU_GP);
	assert_int_equal(f.nlog, 0);
	assert_int_equal(f.rip, rip);
	/* with 57-bit linear addresses it is fine */
	la57 = true;
	f.gpr[RAX] = 0x0000800000000000ULL;
	assert_int_equal(EMU64(DEV_GPA, 0x8b, 0x00), X86_EMU_OK);
	f.gpr[RAX] = 0x0100000000000000ULL;
	assert_int_equal(EMU64(DEV_GPA, 0x8b, 0x00), X86_EMU_GP);
	/* MOVS: the RAM side non-canonical */
	la57 = false;
	f.gpr[RSI] = DEV_LA;
	f.gpr[RDI] = 0x8000000000000000ULL;
	assert_int_equal(EMU64(DEV_GPA, 0xa5), X86_EMU_GP);
	assert_int_equal(fault.vector, X86_EXC_GP);
	assert_int_equal(f.gpr[RSI], DEV_LA);
}

static void test_refusals(void **state)
{
	uint64_t rip = f.rip, rcx;

	(void)state;
	/* the decoded operand is not where the exit says */
	f.gpr[RAX] = DEV_LA + 0x10;
	assert_int_equal(EMU64(DEV_GPA + 0x20, 0x89, 0x08), X86_EMU_UNSUPPORTED);
	assert_string_equal(fault.reason,
			    "decoded access does not match the faulting address");
	/* no memory operand at all */
	assert_int_equal(EMU64(DEV_GPA, 0x89, 0xc8), X86_EMU_UNSUPPORTED);
	assert_string_equal(fault.reason, "instruction does not access memory");
	assert_int_equal(EMU64(DEV_GPA, 0x0f, 0xa3, 0xc8), X86_EMU_UNSUPPORTED);
	/* a device access across the end of the page */
	f.gpr[RAX] = DEV_LA + 0xffe;
	assert_int_equal(EMU64(DEV_GPA + 0xffe, 0x89, 0x08), X86_EMU_UNSUPPORTED);
	assert_string_equal(fault.reason, "device access crosses a page boundary");
	assert_int_equal(f.nlog, 0);
	assert_int_equal(f.rip, rip);
	/* the device fails a read: nothing written back */
	f.gpr[RAX] = DEV_LA;
	f.dev_fail = true;
	f.gpr[RCX] = 5;
	rcx = f.gpr[RCX];
	assert_int_equal(EMU64(DEV_GPA, 0x8b, 0x08), X86_EMU_MMIO_ERROR);
	assert_string_equal(fault.reason, "device read failed");
	assert_int_equal(f.gpr[RCX], rcx);
	assert_int_equal(EMU64(DEV_GPA, 0x89, 0x08), X86_EMU_MMIO_ERROR);
	assert_string_equal(fault.reason, "device write failed");
	assert_int_equal(EMU64(DEV_GPA, 0x87, 0x08), X86_EMU_MMIO_ERROR);
	assert_int_equal(f.nlog, 1);
	assert_int_equal(EMU64(DEV_GPA, 0x0f, 0xa3, 0x08), X86_EMU_MMIO_ERROR);
	assert_int_equal(EMU64(DEV_GPA, 0x2b, 0x08), X86_EMU_MMIO_ERROR);
	assert_int_equal(f.nlog, 1);
	assert_int_equal(EMU64(DEV_GPA, 0x01, 0x08), X86_EMU_MMIO_ERROR);
	assert_int_equal(f.nlog, 1);
	f.gpr[RDI] = DEV_LA;
	assert_int_equal(EMU64(DEV_GPA, 0xf3, 0xab), X86_EMU_MMIO_ERROR);
	assert_int_equal(f.gpr[RDI], DEV_LA);
	assert_int_equal(f.gpr[RCX], rcx);
	/* read-modify-writes whose write fails: registers and flags as
	 * they were */
	f.dev_fail = false;
	f.dev_fail_write = true;
	f.rflags = FL_FIXED | FL_CF;
	assert_int_equal(EMU64(DEV_GPA, 0x01, 0x08), X86_EMU_MMIO_ERROR);
	assert_int_equal(f.nlog, 2);
	assert_int_equal(EMU64(DEV_GPA, 0x0f, 0xab, 0x08), X86_EMU_MMIO_ERROR);
	assert_int_equal(f.nlog, 2);
	assert_int_equal(EMU64(DEV_GPA, 0x87, 0x08), X86_EMU_MMIO_ERROR);
	assert_int_equal(f.nlog, 2);
	assert_int_equal(f.rflags, FL_FIXED | FL_CF);
	assert_int_equal(f.gpr[RCX], rcx);
	assert_int_equal(f.rip, rip);
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(x86_emu_status_name(X86_EMU_OK), "ok");
	assert_string_equal(x86_emu_status_name(X86_EMU_UNSUPPORTED), "unsupported");
	assert_string_equal(x86_emu_status_name(X86_EMU_PAGE_FAULT), "page fault");
	assert_string_equal(x86_emu_status_name(X86_EMU_GP), "general protection");
	assert_string_equal(x86_emu_status_name(X86_EMU_MMIO_ERROR), "MMIO error");
	assert_string_equal(x86_emu_status_name((enum x86_emu_status)42), "?");
}

/* ---- page-table walker ------------------------------------------------ */

#define PMEM_SIZE 0x20000
#define P BIT(0)
#define W BIT(1)
#define U BIT(2)
#define PS BIT(7)
#define XD BIT(63)
#define PRW (P | W | U)

#define CR0_PG_ BIT(31)
#define CR0_WP_ BIT(16)
#define CR4_PSE_ BIT(4)
#define CR4_PAE_ BIT(5)
#define CR4_LA57_ BIT(12)
#define CR4_SMEP_ BIT(20)
#define CR4_SMAP_ BIT(21)
#define EFER_LMA_ BIT(10)
#define EFER_NXE_ BIT(11)

static uint8_t pmem[PMEM_SIZE];
static struct x86_paging pg;

static bool read_gpa(void *ctx, gpa_t gpa, void *buf, unsigned len)
{
	assert_ptr_equal(ctx, pmem);
	assert_true(len == 4 || len == 8);
	if (gpa + len > PMEM_SIZE)
		return false;
	memcpy(buf, &pmem[gpa], len);
	return true;
}

static void put64(gpa_t table, unsigned idx, uint64_t e)
{
	le_put(&pmem[table + 8 * idx], 8, e);
}

static void put32(gpa_t table, unsigned idx, uint32_t e)
{
	le_put(&pmem[table + 4 * idx], 4, e);
}

/* 4-level: PML4 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000. */
#define GLA4 0x00007f8040201123ULL /* indices 255, 1, 1, 1 */
static void build_4level(uint64_t l4, uint64_t l3, uint64_t l2, uint64_t l1)
{
	memset(pmem, 0, sizeof(pmem));
	put64(0x1000, 255, 0x2000 | l4);
	put64(0x2000, 1, 0x3000 | l3);
	put64(0x3000, 1, 0x4000 | l2);
	put64(0x4000, 1, 0xabc000 | l1);
	pg = (struct x86_paging){
		.cr0 = CR0_PG_ | CR0_WP_ | 1, .cr3 = 0x1000, .cr4 = CR4_PAE_,
		.efer = EFER_LMA_ | EFER_NXE_ | BIT(8),
		.read_gpa = read_gpa, .ctx = pmem,
	};
}

static enum x86_emu_status walk(uint64_t gla, unsigned acc, gpa_t *gpa)
{
	*gpa = 0xdead;
	return x86_walk(&pg, gla, acc, gpa, &fault);
}

#define expect_pf(gla, acc, ec) expect_pf_at(__LINE__, gla, acc, ec)

static void expect_pf_at(int line, uint64_t gla, unsigned acc, uint32_t ec)
{
	gpa_t gpa;
	enum x86_emu_status st = walk(gla, acc, &gpa);

	if (st != X86_EMU_PAGE_FAULT)
		fail_msg("line %d: %s, expected a page fault", line,
			 x86_emu_status_name(st));
	if (fault.error_code != ec || fault.vector != X86_EXC_PF ||
	    fault.cr2 != gla)
		fail_msg("line %d: #%u error code %#x cr2 %#llx, expected "
			 "#PF %#x cr2 %#llx", line, fault.vector,
			 fault.error_code, (unsigned long long)fault.cr2, ec,
			 (unsigned long long)gla);
}

#define expect_gpa(gla, acc, want) expect_gpa_at(__LINE__, gla, acc, want)

static void expect_gpa_at(int line, uint64_t gla, unsigned acc, gpa_t want)
{
	gpa_t gpa;
	enum x86_emu_status st = walk(gla, acc, &gpa);

	if (st != X86_EMU_OK || gpa != want)
		fail_msg("line %d: %s gpa %#llx (error code %#x), expected "
			 "%#llx", line, x86_emu_status_name(st),
			 (unsigned long long)gpa, fault.error_code,
			 (unsigned long long)want);
}

static void test_walk_4level_sizes(void **state)
{
	(void)state;
	build_4level(PRW, PRW, PRW, PRW);
	expect_gpa(GLA4, 0, 0xabc123);
	expect_gpa(GLA4, X86_ACC_WRITE | X86_ACC_USER, 0xabc123);
	expect_gpa(GLA4, X86_ACC_FETCH | X86_ACC_USER, 0xabc123);
	/* 2M page at the PD: offset is the low 21 bits */
	put64(0x3000, 1, 0x40000000 | PS | PRW);
	expect_gpa(GLA4, 0, 0x40001123);
	/* PAT (bit 12) of a large page is not an address bit */
	put64(0x3000, 1, 0x40000000 | BIT(12) | PS | PRW);
	expect_gpa(GLA4, 0, 0x40001123);
	/* 1G page at the PDPT */
	put64(0x2000, 1, 0x80000000 | PS | PRW);
	expect_gpa(GLA4, 0, 0x80201123);
	/* kernel half of the address space */
	build_4level(PRW, PRW, PRW, PRW);
	put64(0x1000, 511, 0x2000 | PRW);
	expect_gpa(0xffffff8040201123ULL, 0, 0xabc123);
	/* paging off: the linear address, 32 bits of it */
	pg.cr0 = 1;
	expect_gpa(0x123456789ULL, X86_ACC_WRITE, 0x23456789);
}

static void test_walk_not_present(void **state)
{
	(void)state;
	build_4level(W | U, PRW, PRW, PRW);
	expect_pf(GLA4, 0, 0);
	build_4level(PRW, W | U, PRW, PRW);
	expect_pf(GLA4, X86_ACC_WRITE, X86_PF_W);
	build_4level(PRW, PRW, W | U, PRW);
	expect_pf(GLA4, X86_ACC_USER, X86_PF_U);
	build_4level(PRW, PRW, PRW, W | U);
	expect_pf(GLA4, X86_ACC_USER | X86_ACC_WRITE, X86_PF_U | X86_PF_W);
	/* fetch: I/D with NXE under 4-level paging */
	expect_pf(GLA4, X86_ACC_FETCH, X86_PF_I);
	pg.efer &= ~EFER_NXE_;
	expect_pf(GLA4, X86_ACC_FETCH, 0);
	pg.cr4 |= CR4_SMEP_;
	expect_pf(GLA4, X86_ACC_FETCH, X86_PF_I);
	/* an unmapped PML4 slot */
	expect_pf(0x1000, 0, 0);
}

static void test_walk_write_protect(void **state)
{
	(void)state;
	build_4level(PRW, PRW, PRW, P | U);
	expect_gpa(GLA4, 0, 0xabc123);
	/* supervisor write to a read-only page: only with CR0.WP */
	expect_pf(GLA4, X86_ACC_WRITE, X86_PF_P | X86_PF_W);
	pg.cr0 &= ~CR0_WP_;
	expect_gpa(GLA4, X86_ACC_WRITE, 0xabc123);
	/* user write: always */
	expect_pf(GLA4, X86_ACC_WRITE | X86_ACC_USER,
		  X86_PF_P | X86_PF_W | X86_PF_U);
	expect_gpa(GLA4, X86_ACC_USER, 0xabc123);
	/* R/W clear at any level counts */
	build_4level(PRW, P | U, PRW, PRW);
	expect_pf(GLA4, X86_ACC_WRITE, X86_PF_P | X86_PF_W);
	put64(0x2000, 1, 0x80000000 | PS | P | U); /* read-only 1G page */
	expect_pf(GLA4, X86_ACC_WRITE, X86_PF_P | X86_PF_W);
}

static void test_walk_user_supervisor(void **state)
{
	(void)state;
	build_4level(PRW, PRW, P | W, PRW);
	expect_gpa(GLA4, X86_ACC_WRITE, 0xabc123);
	expect_pf(GLA4, X86_ACC_USER, X86_PF_P | X86_PF_U);
	expect_pf(GLA4, X86_ACC_USER | X86_ACC_FETCH,
		  X86_PF_P | X86_PF_U | X86_PF_I);
	/* SMEP: no supervisor fetch from a user page */
	build_4level(PRW, PRW, PRW, PRW);
	expect_gpa(GLA4, X86_ACC_FETCH, 0xabc123);
	pg.cr4 |= CR4_SMEP_;
	expect_pf(GLA4, X86_ACC_FETCH, X86_PF_P | X86_PF_I);
	expect_gpa(GLA4, X86_ACC_WRITE, 0xabc123);
	/* SMAP: no supervisor data access to a user page unless RFLAGS.AC */
	pg.cr4 = CR4_PAE_ | CR4_SMAP_;
	expect_pf(GLA4, 0, X86_PF_P);
	expect_pf(GLA4, X86_ACC_WRITE, X86_PF_P | X86_PF_W);
	expect_gpa(GLA4, X86_ACC_AC | X86_ACC_WRITE, 0xabc123);
	expect_gpa(GLA4, X86_ACC_FETCH, 0xabc123);
	expect_gpa(GLA4, X86_ACC_USER, 0xabc123);
	/* a supervisor page is fine for supervisor accesses under SMAP */
	put64(0x4000, 1, 0xabc000 | P | W);
	expect_gpa(GLA4, 0, 0xabc123);
}

static void test_walk_nx(void **state)
{
	(void)state;
	build_4level(PRW, PRW, PRW, PRW | XD);
	expect_gpa(GLA4, X86_ACC_WRITE, 0xabc123);
	expect_pf(GLA4, X86_ACC_FETCH, X86_PF_P | X86_PF_I);
	expect_pf(GLA4, X86_ACC_FETCH | X86_ACC_USER,
		  X86_PF_P | X86_PF_I | X86_PF_U);
	/* XD at a higher level covers everything below */
	build_4level(PRW | XD, PRW, PRW, PRW);
	expect_pf(GLA4, X86_ACC_FETCH, X86_PF_P | X86_PF_I);
	/* without EFER.NXE, bit 63 is reserved */
	pg.efer &= ~EFER_NXE_;
	expect_pf(GLA4, 0, X86_PF_P | X86_PF_RSVD);
}

static void test_walk_reserved_bits(void **state)
{
	(void)state;
	build_4level(PRW, PRW, PRW, PRW | BIT(40));
	pg.maxphyaddr = 36;
	expect_pf(GLA4, X86_ACC_WRITE, X86_PF_P | X86_PF_RSVD | X86_PF_W);
	pg.maxphyaddr = 46;
	expect_gpa(GLA4, 0, BIT(40) | 0xabc123);
	/* bits 62:52 are ignored in 4-level paging */
	put64(0x4000, 1, 0xabc000 | BIT(62) | BIT(52) | PRW);
	expect_gpa(GLA4, 0, 0xabc123);
	/* a 2M page with address bits below 2M */
	put64(0x3000, 1, 0x40000000 | BIT(13) | PS | PRW);
	expect_pf(GLA4, 0, X86_PF_P | X86_PF_RSVD);
	/* a 1G page with bit 29 */
	put64(0x2000, 1, 0x80000000 | BIT(29) | PS | PRW);
	expect_pf(GLA4, 0, X86_PF_P | X86_PF_RSVD);
	/* PS in a PML4 entry (whatever its address) */
	put64(0x1000, 255, PS | PRW);
	expect_pf(GLA4, X86_ACC_USER, X86_PF_P | X86_PF_RSVD | X86_PF_U);
}

static void test_walk_canonical_and_la57(void **state)
{
	gpa_t gpa;

	(void)state;
	build_4level(PRW, PRW, PRW, PRW);
	assert_int_equal(walk(0x0000800000000000ULL, 0, &gpa), X86_EMU_GP);
	assert_int_equal(fault.vector, X86_EXC_GP);
	assert_int_equal(walk(0xfffe800000000000ULL, 0, &gpa), X86_EMU_GP);
	/* 5-level: PML5 at 0x5000, slot 1 -> the same PML4 */
	put64(0x5000, 1, 0x1000 | PRW);
	pg.cr3 = 0x5000;
	pg.cr4 |= CR4_LA57_;
	expect_gpa(BIT(48) | GLA4, 0, 0xabc123);
	expect_pf(GLA4, 0, 0); /* PML5 slot 0 is empty */
	assert_int_equal(walk(BIT(56), 0, &gpa), X86_EMU_GP);
}

static void test_walk_table_outside_memory(void **state)
{
	gpa_t gpa;

	(void)state;
	build_4level(PRW, PRW, PRW, PRW);
	put64(0x2000, 1, 0x10000000 | PRW);
	assert_int_equal(walk(GLA4, 0, &gpa), X86_EMU_MMIO_ERROR);
	assert_string_equal(fault.reason,
			    "guest paging structure outside guest memory");
}

/* PAE: four PDPTEs at CR3 (32-byte aligned), then 512-entry PD and PT. */
static void test_walk_pae(void **state)
{
	const uint64_t gla = 0xc0201123; /* 3, 1, 1 */
	gpa_t gpa;

	(void)state;
	memset(pmem, 0, sizeof(pmem));
	put64(0x6020, 3, 0x7000 | P);
	put64(0x7000, 1, 0x8000 | PRW);
	put64(0x8000, 1, 0xabc000 | PRW);
	pg = (struct x86_paging){
		.cr0 = CR0_PG_ | CR0_WP_ | 1, .cr3 = 0x6020, .cr4 = CR4_PAE_,
		.efer = EFER_NXE_, .maxphyaddr = 36,
		.read_gpa = read_gpa, .ctx = pmem,
	};
	expect_gpa(gla, X86_ACC_USER | X86_ACC_WRITE, 0xabc123);
	/* 2M page */
	put64(0x7000, 1, 0x400000 | PS | PRW);
	expect_gpa(gla, 0, 0x401123);
	/* read-only 4K page, user write */
	put64(0x7000, 1, 0x8000 | PRW);
	put64(0x8000, 1, 0xabc000 | P | U);
	expect_pf(gla, X86_ACC_USER | X86_ACC_WRITE, X86_PF_P | X86_PF_W | X86_PF_U);
	/* XD with NXE */
	put64(0x8000, 1, 0xabc000 | PRW | XD);
	expect_pf(gla, X86_ACC_FETCH, X86_PF_P | X86_PF_I);
	/* bits 62:MAXPHYADDR are reserved in PAE paging */
	put64(0x8000, 1, 0xabc000 | PRW | BIT(62));
	expect_pf(gla, 0, X86_PF_P | X86_PF_RSVD);
	/* PDPTE not present */
	expect_pf(0x00201123, 0, 0);
	/* PD outside memory */
	put64(0x6020, 0, 0x7fff0000 | P);
	assert_int_equal(walk(0x00201123, 0, &gpa), X86_EMU_MMIO_ERROR);
}

/* 32-bit paging: 4-byte entries, 4M pages with CR4.PSE and PSE-36. */
static void test_walk_32bit(void **state)
{
	const uint64_t gla = 0x00401123; /* 1, 1 */

	(void)state;
	memset(pmem, 0, sizeof(pmem));
	put32(0xa000, 1, 0xb000 | PRW | PS); /* PS means nothing without PSE */
	put32(0xb000, 1, 0xabc000 | PRW);
	pg = (struct x86_paging){
		.cr0 = CR0_PG_ | CR0_WP_ | 1, .cr3 = 0xa000,
		.efer = EFER_NXE_, .maxphyaddr = 36,
		.read_gpa = read_gpa, .ctx = pmem,
	};
	expect_gpa(gla, X86_ACC_WRITE, 0xabc123);
	/* no NX in 32-bit paging, and no I/D bit without SMEP */
	expect_pf(0x00801123, X86_ACC_FETCH, 0);
	/* 4M page */
	pg.cr4 = CR4_PSE_;
	put32(0xa000, 1, 0x00c00000 | PS | PRW);
	expect_gpa(gla, 0, 0xc01123);
	/* PSE-36: address bits 35:32 in PDE bits 16:13 */
	put32(0xa000, 1, 0x00c00000 | (0x5 << 13) | PS | PRW);
	expect_gpa(gla, 0, 0x500c01123ULL);
	put32(0xa000, 1, 0x00c00000 | (0x15 << 13) | PS | PRW);
	expect_pf(gla, 0, X86_PF_P | X86_PF_RSVD);
	pg.maxphyaddr = 40;
	expect_gpa(gla, 0, 0x1500c01123ULL);
	pg.maxphyaddr = 36;
	put32(0xa000, 1, 0x00c00000 | BIT(21) | PS | PRW);
	expect_pf(gla, 0, X86_PF_P | X86_PF_RSVD);
	/* supervisor 4M page */
	put32(0xa000, 1, 0x00c00000 | PS | P | W);
	expect_pf(gla, X86_ACC_USER, X86_PF_P | X86_PF_U);
	/* PTE not present */
	put32(0xa000, 1, 0xb000 | PRW);
	put32(0xb000, 1, 0xabc000);
	expect_pf(gla, X86_ACC_WRITE, X86_PF_W);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup(fn, setup)
	const struct CMUnitTest tests[] = {
		T(test_mov_store_sizes),
		T(test_mov_load_sizes),
		T(test_high_byte_registers),
		T(test_mov_imm_sizes),
		T(test_moffs),
		T(test_movzx_movsx),
		T(test_alu_known_flags),
		T(test_alu_against_host_cpu),
		T(test_alu_immediate_forms),
		T(test_locked_rmw_order),
		T(test_xchg),
		T(test_bit_ops),
		T(test_stos_single),
		T(test_rep_stos),
		T(test_rep_zero_count),
		T(test_rep_stops_at_page_end),
		T(test_rep_address_size),
		T(test_movs_device_to_ram),
		T(test_movs_ram_to_device),
		T(test_movs_backwards),
		T(test_movs_ram_fault),
		T(test_movs_within_device_page),
		T(test_movs_segments),
		T(test_lods),
		T(test_effective_addresses),
		T(test_rip_wraps_with_mode),
		T(test_non_canonical),
		T(test_refusals),
		T(test_status_names),
		T(test_walk_4level_sizes),
		T(test_walk_not_present),
		T(test_walk_write_protect),
		T(test_walk_user_supervisor),
		T(test_walk_nx),
		T(test_walk_reserved_bits),
		T(test_walk_canonical_and_la57),
		T(test_walk_table_outside_memory),
		T(test_walk_pae),
		T(test_walk_32bit),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
