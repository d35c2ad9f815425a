/* Shared fixture of the x86 emulator tests; see x86_emu_fixture.h. */
#include "tests/unit/x86_emu_fixture.h"

struct fake f;
struct x86_emu_fault fault;
bool la57;

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

uint64_t le_get(const uint8_t *p, unsigned len)
{
	uint64_t v = 0;

	for (unsigned i = len; i-- > 0;)
		v = (v << 8) | p[i];
	return v;
}

void le_put(uint8_t *p, unsigned len, uint64_t v)
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

const struct x86_emu_ops ops = {
	.read_gpr = read_gpr, .write_gpr = write_gpr,
	.get_rflags = get_rflags, .set_rflags = set_rflags,
	.get_rip = get_rip, .set_rip = set_rip,
	.seg_base = seg_base,
	.read_mem = read_mem, .write_mem = write_mem,
	.mmio_read = mmio_read, .mmio_write = mmio_write,
};

int setup(void **state)
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

enum x86_emu_status emu_bytes(enum x86_mode mode, const uint8_t *b,
				     size_t n, gpa_t gpa, bool write)
{
	struct x86_insn in;
	struct x86_emu_req req = { .gpa = gpa, .write = write, .la57 = la57 };

	assert_int_equal(x86_decode(b, n, mode, &in), X86_DECODE_OK);
	assert_int_equal(in.len, n);
	f.nlog = 0;
	return x86_emulate(&ops, &f, &in, &req, &fault);
}

void dev_set(unsigned off, unsigned len, uint64_t v)
{
	le_put(&f.dev[off], len, v);
}

uint64_t dev_get(unsigned off, unsigned len)
{
	return le_get(&f.dev[off], len);
}

void expect_access_at(int line, unsigned i, bool write, gpa_t gpa,
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

