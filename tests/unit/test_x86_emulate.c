// UNIT-SOURCES: guest/x86emu/x86_emulate.c guest/x86emu/x86_walk.c guest/x86emu/x86_decode.c tests/unit/x86_emu_fixture.c
/* The emulator's MOV family (MOV in every size and form, high-byte
 * registers, immediates, moffs, MOVZX/MOVSX/MOVSXD) and what every
 * instruction shares: effective addresses in the three modes, RIP
 * wrapping, non-canonical addresses, the refusals and the status names.
 * The fake vCPU, RAM and device are in x86_emu_fixture.c. */
#include "tests/unit/x86_emu_fixture.h"

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
		T(test_effective_addresses),
		T(test_rip_wraps_with_mode),
		T(test_non_canonical),
		T(test_refusals),
		T(test_status_names),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
