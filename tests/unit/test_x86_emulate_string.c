// UNIT-SOURCES: guest/x86emu/x86_emulate.c guest/x86emu/x86_walk.c guest/x86emu/x86_decode.c tests/unit/x86_emu_fixture.c
/* The emulator's string instructions: STOS, MOVS (device to RAM, RAM to
 * device, within the device page, backwards, with segment overrides) and
 * LODS, with and without REP, in every address size, and how a RAM fault
 * or the end of the device page stops a repeat.  The fake vCPU, RAM and
 * device are in x86_emu_fixture.c. */
#include "tests/unit/x86_emu_fixture.h"

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

int main(void)
{
#define T(fn) cmocka_unit_test_setup(fn, setup)
	const struct CMUnitTest tests[] = {
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
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
