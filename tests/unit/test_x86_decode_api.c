// UNIT-SOURCES: guest/x86emu/x86_decode.c
/* The instruction decoder beyond its table of encodings: the 15-byte
 * limit whatever the buffer holds, what it reports about an instruction it
 * cannot emulate, no state carried from one call into the next, the mode
 * from the segment and control registers (x86_mode_of), and the status
 * names. */
#include "guest/x86emu/x86_decode.h"
#include "tests/unit/fakes.h"

/* A too-long instruction is too long however many bytes are available
 * beyond 15, and a TRUNCATED verdict never comes from a 15-byte buffer. */
static void test_length_limit(void **state)
{
	uint8_t buf[64];
	struct x86_insn in;

	(void)state;
	memset(buf, 0x66, sizeof(buf));
	for (size_t n = 15; n <= sizeof(buf); n++)
		assert_int_equal(x86_decode(buf, n, X86_MODE_64, &in),
				 X86_DECODE_TOO_LONG);
	for (size_t n = 0; n < 15; n++)
		assert_int_equal(x86_decode(buf, n, X86_MODE_64, &in),
				 X86_DECODE_TRUNCATED);
	/* 12 prefixes + mov [rip+disp32], imm32 = 22 bytes. */
	memset(buf, 0x2e, 12);
	memcpy(buf + 12, (const uint8_t[]){ 0xc7, 0x05, 1, 2, 3, 4, 5, 6, 7, 8 }, 10);
	assert_int_equal(x86_decode(buf, 22, X86_MODE_64, &in),
			 X86_DECODE_TOO_LONG);
	assert_string_equal(in.reason, "instruction longer than 15 bytes");
}

/* What the caller can report about an instruction it cannot emulate. */
static void test_unsupported_reports_opcode(void **state)
{
	struct x86_insn in;

	(void)state;
	assert_int_equal(x86_decode((const uint8_t[]){ 0xf3, 0x0f, 0x05 }, 3,
				    X86_MODE_64, &in),
			 X86_DECODE_UNSUPPORTED);
	assert_int_equal(in.opcode, X86_OPCODE_0F(0x05));
	assert_int_equal(in.prefixes, X86_PFX_REP);
	assert_string_equal(in.reason, "opcode not emulated");

	assert_int_equal(x86_decode((const uint8_t[]){ 0x66, 0xf7, 0x18 }, 3,
				    X86_MODE_64, &in),
			 X86_DECODE_UNSUPPORTED);
	assert_int_equal(in.opcode, 0xf7);
	assert_int_equal(in.modrm, 0x18);
	assert_string_equal(in.reason, "opcode group member not emulated");

	assert_int_equal(x86_decode((const uint8_t[]){ 0xf0, 0x89, 0x08 }, 3,
				    X86_MODE_64, &in),
			 X86_DECODE_INVALID);
	assert_string_equal(in.reason, "LOCK prefix not allowed here");
	assert_int_equal(in.opcode, 0x89);
}

/* Decoding state never leaks from one call into the next. */
static void test_no_stale_state(void **state)
{
	struct x86_insn in;

	(void)state;
	assert_int_equal(x86_decode((const uint8_t[]){ 0xf0, 0x65, 0x48, 0x01, 0x08 },
				    5, X86_MODE_64, &in),
			 X86_DECODE_OK);
	assert_int_equal(in.rex, 0x48);
	assert_int_equal(in.seg_pfx, X86_SEG_GS);
	assert_int_equal(x86_decode((const uint8_t[]){ 0x89, 0x08 }, 2,
				    X86_MODE_64, &in),
			 X86_DECODE_OK);
	assert_int_equal(in.rex, 0);
	assert_int_equal(in.prefixes, 0);
	assert_int_equal(in.dst.mem.seg, X86_SEG_DS);
	assert_int_equal(in.modrm, 0x08);
	assert_int_equal(in.opcode, 0x89);
}

static void test_mode_of(void **state)
{
	(void)state;
	/* real mode, whatever CS says */
	assert_int_equal(x86_mode_of(false, false, false, false, true), X86_MODE_16);
	/* virtual-8086 */
	assert_int_equal(x86_mode_of(true, true, false, false, true), X86_MODE_16);
	assert_int_equal(x86_mode_of(true, false, false, false, false), X86_MODE_16);
	assert_int_equal(x86_mode_of(true, false, false, false, true), X86_MODE_32);
	/* compatibility mode: LMA without CS.L */
	assert_int_equal(x86_mode_of(true, false, true, false, true), X86_MODE_32);
	assert_int_equal(x86_mode_of(true, false, true, false, false), X86_MODE_16);
	assert_int_equal(x86_mode_of(true, false, true, true, false), X86_MODE_64);
	/* CS.L without LMA means nothing */
	assert_int_equal(x86_mode_of(true, false, false, true, true), X86_MODE_32);
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(x86_decode_status_name(X86_DECODE_OK), "ok");
	assert_string_equal(x86_decode_status_name(X86_DECODE_TRUNCATED), "truncated");
	assert_string_equal(x86_decode_status_name(X86_DECODE_TOO_LONG), "too long");
	assert_string_equal(x86_decode_status_name(X86_DECODE_INVALID), "invalid");
	assert_string_equal(x86_decode_status_name(X86_DECODE_UNSUPPORTED),
			    "unsupported");
	assert_string_equal(x86_decode_status_name((enum x86_decode_status)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_length_limit),
		cmocka_unit_test(test_unsupported_reports_opcode),
		cmocka_unit_test(test_no_stale_state),
		cmocka_unit_test(test_mode_of),
		cmocka_unit_test(test_status_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
