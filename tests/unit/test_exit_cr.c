// UNIT-SOURCES: guest/exit/exit.c guest/exit/cpuid.c guest/exit/cr.c guest/exit/msr.c guest/exit/io.c guest/exit/misc.c guest/exit/hypercall.c guest/exit/hc_conv.c guest/exit/hc_ring.c guest/exit/hc_stats.c guest/exit/hc_decode.c guest/vm/vm.c guest/dev/vlapic.c guest/dev/vlapic_timer.c guest/dev/vlapic_ipi.c mm/gmem.c mm/ept.c mm/pt.c mm/frame.c mm/range.c tests/unit/fake_hw.c tests/unit/exit_fixture.c guest/vpc/null.c guest/vpc/pc.c guest/vm/hang.c
/* Control-register exits: MOV to/from CR0, CR3, CR4 and CR8, CLTS and
 * LMSW, with the architectural #GP checks, on a VM without and with a
 * virtual PC (whose vLAPIC holds CR8 as its TPR). */
#include "arch-x86/cpu.h"
#include "tests/unit/exit_fixture.h"

#define CR0_BASE (CR0_PE | CR0_ET | CR0_NE)

static enum vcpu_action cr_exit(unsigned cr, unsigned access, unsigned gpr,
				uint16_t lmsw)
{
	struct hw_exit e = { .kind = HW_EXIT_CR, .reason = HW_EXIT_CR,
			     .insn_len = INSN_LEN,
			     .cr = { .cr = (uint8_t)cr, .access = (uint8_t)access,
				     .gpr = (uint8_t)gpr, .lmsw = lmsw } };

	memset(&X.v->event, 0, sizeof(X.v->event));
	return run(&e);
}

/* MOV CRn, <gpr> with the value in that register. */
static enum vcpu_action mov_to(unsigned cr, unsigned gpr, uint64_t val)
{
	X.hw->gpr[gpr] = val;
	return cr_exit(cr, HW_CR_MOV_TO, gpr, 0);
}

static uint64_t mov_from(unsigned cr, unsigned gpr)
{
	X.hw->gpr[gpr] = 0xdeadbeefdeadbeefULL;
	assert_int_equal(cr_exit(cr, HW_CR_MOV_FROM, gpr, 0), ACT_RESUME_ADVANCE);
	assert_no_event();
	return X.hw->gpr[gpr];
}

/* ---- CR0 ---- */

static void test_cr0_write(void **state)
{
	(void)state;
	X.hw->cr0 = CR0_BASE;
	assert_int_equal(mov_to(0, GPR_RBX, CR0_BASE | CR0_PG | CR0_WP),
			 ACT_RESUME_ADVANCE);
	assert_no_event();
	assert_int_equal(X.hw->cr0, CR0_BASE | CR0_PG | CR0_WP);
	assert_int_equal(X.v->exit_count[HW_EXIT_CR], 1);
}

/* Entering long mode: CR0.PG with EFER.LME and CR4.PAE sets LMA. */
static void test_cr0_enters_long_mode(void **state)
{
	(void)state;
	X.hw->cr0 = CR0_BASE;
	X.hw->cr4 = CR4_PAE;
	X.hw->efer = EFER_LME;
	assert_int_equal(mov_to(0, GPR_R9, CR0_BASE | CR0_PG), ACT_RESUME_ADVANCE);
	assert_true(X.hw->efer & EFER_LMA);
}

static void test_cr0_gp(void **state)
{
	(void)state;
	X.hw->cr0 = CR0_BASE;
	assert_gp(mov_to(0, GPR_RAX, CR0_BASE | BIT(32)));        /* reserved */
	assert_gp(mov_to(0, GPR_RAX, CR0_ET | CR0_PG));            /* PG without PE */
	assert_gp(mov_to(0, GPR_RAX, CR0_BASE | CR0_NW));          /* NW without CD */
	X.hw->efer = EFER_LME;
	assert_gp(mov_to(0, GPR_RAX, CR0_BASE | CR0_PG));          /* LME, no PAE */
	assert_int_equal(X.hw->cr0, CR0_BASE);
	assert_false(X.hw->efer & EFER_LMA);
	/* NW together with CD is fine. */
	assert_int_equal(mov_to(0, GPR_RAX, CR0_BASE | CR0_CD | CR0_NW),
			 ACT_RESUME_ADVANCE);
	assert_int_equal(X.hw->cr0, CR0_BASE | CR0_CD | CR0_NW);
}

/* Issue 11: clearing PG in 64-bit mode was accepted and the vCPU went on
 * running 64-bit code as 16/32-bit code.  In 64-bit mode (LMA and CS.L)
 * and with PCIDE it is #GP; from compatibility mode it leaves IA-32e
 * mode. */
static void test_cr0_clear_pg_in_64bit_mode(void **state)
{
	const uint64_t on = CR0_BASE | CR0_PG;

	(void)state;
	X.hw->cr0 = on;
	X.hw->cr4 = CR4_PAE;
	X.hw->efer = EFER_LME | EFER_LMA;
	X.hw->seg_ar[1] = SEG_AR_L | SEG_AR_P | SEG_AR_S | SEG_AR_TYPE(SEG_TYPE_CODE_RX_A);
	assert_gp(mov_to(0, GPR_RAX, CR0_BASE));
	assert_int_equal(X.hw->cr0, on);
	assert_true(X.hw->efer & EFER_LMA);
	/* With PCIDE, even from compatibility mode. */
	X.hw->seg_ar[1] = SEG_AR_DB | SEG_AR_P | SEG_AR_S | SEG_AR_TYPE(SEG_TYPE_CODE_RX_A);
	X.hw->cr4 = CR4_PAE | CR4_PCIDE;
	assert_gp(mov_to(0, GPR_RAX, CR0_BASE));
	/* From compatibility mode without PCIDE: allowed, IA-32e mode ends. */
	X.hw->cr4 = CR4_PAE;
	assert_int_equal(mov_to(0, GPR_RAX, CR0_BASE), ACT_RESUME_ADVANCE);
	assert_false(X.hw->efer & EFER_LMA);
}

static void test_clts(void **state)
{
	(void)state;
	X.hw->cr0 = CR0_BASE | CR0_TS | CR0_MP;
	assert_int_equal(cr_exit(0, HW_CR_CLTS, 0, 0), ACT_RESUME_ADVANCE);
	assert_int_equal(X.hw->cr0, CR0_BASE | CR0_MP);
}

/* LMSW loads CR0 bits 0-3 only and cannot clear PE. */
static void test_lmsw(void **state)
{
	(void)state;
	X.hw->cr0 = CR0_ET | CR0_NE | CR0_PG | CR0_PE | CR0_MP;
	assert_int_equal(cr_exit(0, HW_CR_LMSW, 0, 0xfff8 | CR0_TS | CR0_EM),
			 ACT_RESUME_ADVANCE);
	assert_int_equal(X.hw->cr0, CR0_ET | CR0_NE | CR0_PG | CR0_PE |
					    CR0_TS | CR0_EM);
	/* From real mode, LMSW may set PE. */
	X.hw->cr0 = CR0_ET;
	assert_int_equal(cr_exit(0, HW_CR_LMSW, 0, CR0_PE), ACT_RESUME_ADVANCE);
	assert_int_equal(X.hw->cr0, CR0_ET | CR0_PE);
}

static void test_cr0_read(void **state)
{
	(void)state;
	X.hw->cr0 = CR0_BASE | CR0_PG;
	assert_int_equal(mov_from(0, GPR_RSI), CR0_BASE | CR0_PG);
}

/* ---- CR3, CR4 ---- */

static void test_cr3(void **state)
{
	(void)state;
	assert_int_equal(mov_to(3, GPR_R15, 0x123000), ACT_RESUME_ADVANCE);
	assert_int_equal(X.hw->cr3, 0x123000);
	assert_int_equal(mov_from(3, GPR_RDX), 0x123000);
}

/* CR3 in IA-32e mode: reserved bits from MAXPHYADDR up are #GP; bit 63
 * with PCIDE asks not to flush and is not kept. */
static void test_cr3_reserved_in_long_mode(void **state)
{
	(void)state;
	X.hw->cr3 = 0x1000;
	X.hw->efer = EFER_LME | EFER_LMA;
	X.hw->cr4 = CR4_PAE;
	assert_gp(mov_to(3, GPR_RAX, BIT(62) | 0x2000));
	assert_gp(mov_to(3, GPR_RAX, BIT(63) | 0x2000));   /* no PCIDE */
	assert_int_equal(X.hw->cr3, 0x1000);
	X.hw->cr4 = CR4_PAE | CR4_PCIDE;
	assert_int_equal(mov_to(3, GPR_RAX, BIT(63) | 0x2005), ACT_RESUME_ADVANCE);
	assert_int_equal(X.hw->cr3, 0x2005);
	/* Outside IA-32e mode the register takes the value as it is. */
	X.hw->efer = 0;
	X.hw->cr4 = 0;
	assert_int_equal(mov_to(3, GPR_RAX, 0x3000), ACT_RESUME_ADVANCE);
	assert_int_equal(X.hw->cr3, 0x3000);
}

static bool host_has(uint32_t leaf, unsigned reg, unsigned bit)
{
	struct cpuid_regs r = cpuid_count(leaf, 0);
	uint32_t v = reg == 1 ? r.ebx : reg == 2 ? r.ecx : r.edx;

	return v & BIT(bit);
}

/* Setting PCIDE needs IA-32e mode and CR3[11:0] = 0 (and PCID). */
static void test_cr4_pcide(void **state)
{
	(void)state;
	if (!host_has(1, 2, 17))
		skip();
	X.hw->cr4 = CR4_PAE;
	X.hw->cr3 = 0x5000;
	assert_gp(mov_to(4, GPR_RAX, CR4_PAE | CR4_PCIDE));  /* not IA-32e */
	X.hw->efer = EFER_LME | EFER_LMA;
	X.hw->cr3 = 0x5001;
	assert_gp(mov_to(4, GPR_RAX, CR4_PAE | CR4_PCIDE));  /* PCID 1 in CR3 */
	assert_int_equal(X.hw->cr4, CR4_PAE);
	X.hw->cr3 = 0x5000;
	assert_int_equal(mov_to(4, GPR_RAX, CR4_PAE | CR4_PCIDE), ACT_RESUME_ADVANCE);
	assert_int_equal(X.hw->cr4, CR4_PAE | CR4_PCIDE);
}

static void test_cr4(void **state)
{
	uint64_t val = CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXSAVE;

	(void)state;
	if (host_has(7, 1, 7))
		val |= CR4_SMEP;
	assert_int_equal(mov_to(4, GPR_RCX, val), ACT_RESUME_ADVANCE);
	assert_int_equal(X.hw->cr4, val);
	assert_int_equal(mov_from(4, GPR_RDI), val);
}

static void test_cr4_gp(void **state)
{
	(void)state;
	X.hw->cr4 = CR4_PAE;
	assert_gp(mov_to(4, GPR_RAX, CR4_PAE | CR4_VMXE)); /* not offered */
	assert_gp(mov_to(4, GPR_RAX, CR4_PAE | CR4_LA57)); /* not known */
	assert_gp(mov_to(4, GPR_RAX, CR4_PAE | BIT(40)));
	/* Clearing PAE in long mode. */
	X.hw->efer = EFER_LME | EFER_LMA;
	assert_gp(mov_to(4, GPR_RAX, CR4_PGE));
	assert_int_equal(X.hw->cr4, CR4_PAE);
	/* Outside long mode it is allowed. */
	X.hw->efer = 0;
	assert_int_equal(mov_to(4, GPR_RAX, CR4_PGE), ACT_RESUME_ADVANCE);
	assert_int_equal(X.hw->cr4, CR4_PGE);
}

/* A CR4 bit whose feature CPUID does not report is reserved: #GP (the
 * build machines lack some of these; before sdm_conf they were taken). */
static void test_cr4_feature_absent_gp(void **state)
{
	static const struct { uint32_t leaf; unsigned reg, bit; uint64_t cr4; } f[] = {
		{ 1, 2, 17, CR4_PCIDE }, { 1, 2, 26, CR4_OSXSAVE },
		{ 7, 1, 0, CR4_FSGSBASE }, { 7, 1, 7, CR4_SMEP },
		{ 7, 1, 20, CR4_SMAP }, { 7, 2, 2, CR4_UMIP },
	};
	unsigned absent = 0;

	(void)state;
	X.hw->efer = EFER_LME | EFER_LMA;
	X.hw->cr4 = CR4_PAE;
	for (unsigned i = 0; i < ARRAY_SIZE(f); i++) {
		enum vcpu_action a = mov_to(4, GPR_RAX, CR4_PAE | f[i].cr4);

		if (host_has(f[i].leaf, f[i].reg, f[i].bit)) {
			assert_int_equal(a, ACT_RESUME_ADVANCE);
			X.hw->cr4 = CR4_PAE;
			continue;
		}
		assert_gp(a);
		assert_int_equal(X.hw->cr4, CR4_PAE);
		absent++;
	}
	print_message("CR4: %u of %zu features absent on this host\n", absent, ARRAY_SIZE(f));
}

/* ---- CR8 ---- */

static void test_cr8_without_plat(void **state)
{
	(void)state;
	assert_int_equal(mov_to(8, GPR_RAX, 9), ACT_RESUME_ADVANCE);
	assert_int_equal(X.v->cr8, 9);
	assert_int_equal(mov_from(8, GPR_R12), 9);
	assert_gp(mov_to(8, GPR_RAX, 0x10));
	assert_int_equal(X.v->cr8, 9);
}

static void test_cr8_plat_is_tpr(void **state)
{
	struct vplat *p;

	(void)state;
	p = use_plat();
	X.v->virq.any = 0;
	assert_int_equal(mov_to(8, GPR_RAX, 0xc), ACT_RESUME_ADVANCE);
	assert_int_equal(p->lapic[0].tpr, 0xc0);
	assert_int_equal(X.v->cr8, 0);
	/* A lower TPR may let an interrupt through: look again. */
	assert_int_equal(X.v->virq.any, 1);
	assert_int_equal(mov_from(8, GPR_RBX), 0xc);

	/* A rejected write leaves the TPR; the #GP is queued (virq.any set
	 * for the entry path to deliver it, checked by assert_gp). */
	X.v->virq.any = 0;
	assert_gp(mov_to(8, GPR_RAX, 0x100));
	assert_int_equal(p->lapic[0].tpr, 0xc0);
}

/* ---- other control registers ---- */

static void test_cr_other_write_stops_vm(void **state)
{
	(void)state;
	assert_stopped(mov_to(2, GPR_RAX, 0x1000), "write to CR2 is not virtualized");
}

static void test_cr_other_read_is_zero(void **state)
{
	(void)state;
	assert_int_equal(mov_from(2, GPR_RAX), 0);
	assert_int_equal(X.vm->state, VM_RUNNING);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_cr0_write),
		T(test_cr0_enters_long_mode),
		T(test_cr0_gp),
		T(test_cr0_clear_pg_in_64bit_mode),
		T(test_cr3_reserved_in_long_mode),
		T(test_cr4_pcide),
		T(test_clts),
		T(test_lmsw),
		T(test_cr0_read),
		T(test_cr3),
		T(test_cr4),
		T(test_cr4_gp),
		T(test_cr4_feature_absent_gp),
		T(test_cr8_without_plat),
		T(test_cr8_plat_is_tpr),
		T(test_cr_other_write_stops_vm),
		T(test_cr_other_read_is_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
