// UNIT-SOURCES: guest/exit/exit.c guest/exit/cpuid.c guest/exit/cr.c guest/exit/msr.c guest/exit/io.c guest/exit/misc.c guest/exit/hypercall.c guest/exit/hc_conv.c guest/exit/hc_ring.c guest/exit/hc_stats.c guest/exit/hc_decode.c guest/vm/vm.c guest/dev/vlapic.c guest/dev/vlapic_timer.c guest/dev/vlapic_ipi.c mm/gmem.c mm/ept.c mm/pt.c mm/frame.c mm/range.c tests/unit/fake_hw.c tests/unit/exit_fixture.c guest/vpc/null.c guest/vpc/pc.c guest/vm/hang.c
/* RDMSR/WRMSR exits: EDX:EAX as the instructions define them, the MSRs
 * emulated here, #GP for the rest and for bad values, the virtual PC's
 * MSRs first, and which MSRs are left to the guest (guest_msr_setup). */
#include "arch-x86/cpu.h"
#include "tests/unit/exit_fixture.h"

#define MSR_UCODE_REV 0x8b
#define GARBAGE 0xa5a5a5a5a5a5a5a5ULL

static enum vcpu_action rdmsr_exit(uint32_t msr)
{
	REG(RCX) = 0xffffffff00000000ULL | msr; /* ECX only */
	REG(RAX) = REG(RDX) = GARBAGE;
	memset(&X.v->event, 0, sizeof(X.v->event));
	return run_exit(HW_EXIT_RDMSR);
}

/* RDMSR that must succeed: the value from EDX:EAX, upper halves zero. */
static uint64_t rdmsr_ok(uint32_t msr)
{
	assert_int_equal(rdmsr_exit(msr), ACT_RESUME_ADVANCE);
	assert_no_event();
	assert_int_equal(REG(RAX) >> 32, 0);
	assert_int_equal(REG(RDX) >> 32, 0);
	return REG(RDX) << 32 | REG(RAX);
}

static enum vcpu_action wrmsr_exit(uint32_t msr, uint64_t val)
{
	REG(RCX) = msr;
	REG(RAX) = 0xffffffff00000000ULL | (uint32_t)val; /* EAX only */
	REG(RDX) = 0xeeeeeeee00000000ULL | (val >> 32);   /* EDX only */
	memset(&X.v->event, 0, sizeof(X.v->event));
	return run_exit(HW_EXIT_WRMSR);
}

/* ---- RDMSR ---- */

static void test_rdmsr_splits_edx_eax(void **state)
{
	(void)state;
	use_plat();
	X.hw->pat = 0x0007010600070406ULL;
	assert_int_equal(rdmsr_ok(MSR_IA32_PAT), 0x0007010600070406ULL);
	assert_int_equal(REG(RAX), 0x00070406);
	assert_int_equal(REG(RDX), 0x00070106);
	assert_int_equal(X.v->exit_count[HW_EXIT_RDMSR], 1);
	assert_int_equal(W.msr_last, MSR_IA32_PAT); /* asked the PC first */
}

static void test_rdmsr_emulated(void **state)
{
	(void)state;
	X.hw->efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
	assert_int_equal(rdmsr_ok(MSR_EFER), EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE);
	assert_int_equal(rdmsr_ok(MSR_IA32_MISC_ENABLE), 1 | BIT(11) | BIT(12));
	assert_int_equal(rdmsr_ok(0x179), 0); /* MCG_CAP: no banks */
	assert_int_equal(rdmsr_ok(0x17a), 0); /* MCG_STATUS */
	assert_int_equal(rdmsr_ok(MSR_IA32_TSC_ADJUST), 0);
	assert_int_equal(rdmsr_ok(MSR_IA32_FEATURE_CONTROL), FEATURE_CONTROL_LOCK);
	assert_int_equal(rdmsr_ok(MSR_UCODE_REV), 0);
	assert_true(rdmsr_ok(MSR_IA32_TSC) != 0);
}

static void test_rdmsr_apic_base(void **state)
{
	(void)state;
	assert_int_equal(rdmsr_ok(MSR_IA32_APIC_BASE), 0xfee00000ULL | BIT(11) | BIT(8));
	X.v = &X.vm->vcpu[1];
	X.hw = X.v->hw;
	assert_int_equal(rdmsr_ok(MSR_IA32_APIC_BASE), 0xfee00000ULL | BIT(11));
}

/* Unknown MSRs: #GP, registers untouched, RIP not moved. */
static void test_rdmsr_unknown_gp(void **state)
{
	(void)state;
	assert_gp(rdmsr_exit(MSR_IA32_VMX_BASIC));
	assert_int_equal(REG(RAX), GARBAGE);
	assert_int_equal(REG(RDX), GARBAGE);
	assert_gp(rdmsr_exit(0x12345678));
	assert_gp(rdmsr_exit(0x17b));  /* MCG_CTL: MCG_CAP.MCG_CTL_P = 0 */
	assert_gp(rdmsr_exit(0x401));  /* MC0_STATUS: no banks */
}

static void test_rdmsr_plat_first(void **state)
{
	(void)state;
	use_plat();
	W.msr_claim = true;
	W.msr_val = 0x1122334455667788ULL;
	/* The PC answers even for an MSR emulated here. */
	assert_int_equal(rdmsr_ok(MSR_IA32_APIC_BASE), 0x1122334455667788ULL);
	assert_int_equal(W.msr_last, MSR_IA32_APIC_BASE);
	W.msr_gp = true;
	assert_gp(rdmsr_exit(0x800));
	assert_int_equal(REG(RAX), GARBAGE);
	assert_int_equal(W.msr_calls, 2);
}

/* IA32_XSS exists as CPUID.(0DH,1):EAX.XSAVES says; it reads 0 and
 * takes only 0 (no supervisor state is offered).  Before sdm_conf it was
 * #GP although CPUID offered XSAVES. */
static bool host_has_xsaves(void)
{
	return (cpuid(1).ecx & CPUID1_ECX_XSAVE) && (cpuid_count(0xd, 1).eax & BIT(3));
}

static void test_xss(void **state)
{
	(void)state;
	if (!host_has_xsaves()) {
		assert_gp(rdmsr_exit(MSR_IA32_XSS));
		assert_gp(wrmsr_exit(MSR_IA32_XSS, 0));
		return;
	}
	assert_int_equal(rdmsr_ok(MSR_IA32_XSS), 0);
	assert_int_equal(wrmsr_exit(MSR_IA32_XSS, 0), ACT_RESUME_ADVANCE);
	assert_no_event();
	assert_gp(wrmsr_exit(MSR_IA32_XSS, BIT(8)));  /* PT: supervisor, not offered */
	assert_gp(wrmsr_exit(MSR_IA32_XSS, BIT(0)));  /* x87: user state */
	assert_gp(wrmsr_exit(MSR_IA32_XSS, BIT(63)));
}

/* ---- WRMSR ---- */

static void test_wrmsr_efer(void **state)
{
	(void)state;
	assert_int_equal(wrmsr_exit(MSR_EFER, EFER_SCE | EFER_LME | EFER_NXE),
			 ACT_RESUME_ADVANCE);
	assert_no_event();
	assert_int_equal(X.hw->efer, EFER_SCE | EFER_LME | EFER_NXE);
	/* LMA is not written by software; the backend derives it. */
	assert_int_equal(wrmsr_exit(MSR_EFER, EFER_LMA), ACT_RESUME_ADVANCE);
	assert_int_equal(X.hw->efer, 0);
	assert_int_equal(X.v->exit_count[HW_EXIT_WRMSR], 2);
}

static void test_wrmsr_efer_gp(void **state)
{
	(void)state;
	X.hw->efer = EFER_SCE;
	assert_gp(wrmsr_exit(MSR_EFER, EFER_SCE | BIT(1)));   /* reserved */
	assert_gp(wrmsr_exit(MSR_EFER, EFER_SCE | BIT(32)));
	assert_int_equal(X.hw->efer, EFER_SCE);
	/* LME may not change while paging is on ... */
	X.hw->cr0 = CR0_PE | CR0_PG;
	assert_gp(wrmsr_exit(MSR_EFER, EFER_SCE | EFER_LME));
	assert_int_equal(X.hw->efer, EFER_SCE);
	/* ... but the other bits may. */
	assert_int_equal(wrmsr_exit(MSR_EFER, EFER_NXE), ACT_RESUME_ADVANCE);
	assert_int_equal(X.hw->efer, EFER_NXE);
}

static void test_wrmsr_pat(void **state)
{
	(void)state;
	assert_int_equal(wrmsr_exit(MSR_IA32_PAT, 0x0706050401000706ULL),
			 ACT_RESUME_ADVANCE);
	assert_int_equal(X.hw->pat, 0x0706050401000706ULL);
	/* Types 2, 3 and above 7 are reserved, in any entry. */
	assert_gp(wrmsr_exit(MSR_IA32_PAT, 0x0000000000000002ULL));
	assert_gp(wrmsr_exit(MSR_IA32_PAT, 0x0300000000000000ULL));
	assert_gp(wrmsr_exit(MSR_IA32_PAT, 0x0000000800000000ULL));
	assert_int_equal(X.hw->pat, 0x0706050401000706ULL);
}

/* Issue 12: what a kernel writes back with bits changed is taken. */
static void test_wrmsr_misc_enable(void **state)
{
	(void)state;
	/* Fast strings off, the CPUID limit and xTPR disable on: kept. */
	assert_int_equal(wrmsr_exit(MSR_IA32_MISC_ENABLE, BIT(22) | BIT(23) | BIT(11) | BIT(12)),
			 ACT_RESUME_ADVANCE);
	assert_int_equal(rdmsr_ok(MSR_IA32_MISC_ENABLE), BIT(22) | BIT(23) | BIT(11) | BIT(12));
	/* Read-only bits keep their value whatever is written. */
	assert_int_equal(wrmsr_exit(MSR_IA32_MISC_ENABLE, 1 | BIT(34) | BIT(7)), ACT_RESUME_ADVANCE);
	assert_int_equal(rdmsr_ok(MSR_IA32_MISC_ENABLE), 1 | BIT(11) | BIT(12));
	/* Reserved bits: #GP, nothing changes. */
	assert_gp(wrmsr_exit(MSR_IA32_MISC_ENABLE, 1 | BIT(63)));
	assert_gp(wrmsr_exit(MSR_IA32_MISC_ENABLE, BIT(1)));
	assert_int_equal(X.v->misc_enable, 1 | BIT(11) | BIT(12));
}

static void test_wrmsr_mcg_status(void **state)
{
	(void)state;
	assert_int_equal(wrmsr_exit(0x17a, 0), ACT_RESUME_ADVANCE);
	assert_gp(wrmsr_exit(0x17a, 1));
	assert_gp(wrmsr_exit(0x179, 0)); /* MCG_CAP is read-only */
}

/* TSC_ADJUST moves the TSC by its change, and a TSC write moves
 * TSC_ADJUST by as much (SDM vol. 3 18.17.3). */
static void test_tsc_adjust(void **state)
{
	uint64_t off0 = X.hw->tsc_offset, adj;

	(void)state;
	assert_int_equal(wrmsr_exit(MSR_IA32_TSC_ADJUST, 1ULL << 40), ACT_RESUME_ADVANCE);
	assert_int_equal(X.hw->tsc_offset - off0, 1ULL << 40);
	assert_int_equal(rdmsr_ok(MSR_IA32_TSC_ADJUST), 1ULL << 40);
	assert_int_equal(wrmsr_exit(MSR_IA32_TSC_ADJUST, 5), ACT_RESUME_ADVANCE);
	assert_int_equal(X.hw->tsc_offset - off0, 5);
	off0 = X.hw->tsc_offset;
	assert_int_equal(wrmsr_exit(MSR_IA32_TSC, rdtsc() + X.hw->tsc_offset + (1ULL << 36)),
			 ACT_RESUME_ADVANCE);
	adj = rdmsr_ok(MSR_IA32_TSC_ADJUST);
	assert_int_equal(adj - 5, X.hw->tsc_offset - off0);
	assert_true(adj - 5 > (1ULL << 35) && adj - 5 <= (1ULL << 36));
}

static void test_wrmsr_ucode_rev_ignored(void **state)
{
	(void)state;
	assert_int_equal(wrmsr_exit(MSR_UCODE_REV, 0), ACT_RESUME_ADVANCE);
	assert_no_event();
	assert_int_equal(rdmsr_ok(MSR_UCODE_REV), 0);
}

static void test_wrmsr_unknown_gp(void **state)
{
	(void)state;
	assert_gp(wrmsr_exit(MSR_IA32_APIC_BASE, 0xfee00900));
	assert_gp(wrmsr_exit(MSR_IA32_FEATURE_CONTROL, 5));
}

/* WRMSR IA32_TSC (writable, SDM vol. 2 WRMSR) sets the vCPU's TSC offset:
 * the guest's TSC reads the value written and counts on.  It was #GP
 * before sdm_conf. */
static void test_wrmsr_tsc(void **state)
{
	uint64_t want = 1ULL << 50, got;

	(void)state;
	assert_int_equal(wrmsr_exit(MSR_IA32_TSC, want), ACT_RESUME_ADVANCE);
	assert_no_event();
	assert_int_equal(X.hw->tsc_offset + rdtsc() - want < (1ULL << 32), true);
	got = rdmsr_ok(MSR_IA32_TSC);
	assert_true(got >= want && got - want < (1ULL << 32));
	/* Back to the host's TSC. */
	assert_int_equal(wrmsr_exit(MSR_IA32_TSC, rdtsc()), ACT_RESUME_ADVANCE);
	assert_true(X.hw->tsc_offset + (1ULL << 32) < (1ULL << 33));
}

static void test_wrmsr_plat_first(void **state)
{
	(void)state;
	use_plat();
	W.msr_claim = true;
	assert_int_equal(wrmsr_exit(0x808, 0x1234567800000010ULL), ACT_RESUME_ADVANCE);
	assert_no_event();
	assert_int_equal(W.msr_last, 0x808);
	assert_int_equal(W.wrmsr_last, 0x1234567800000010ULL);
	W.msr_gp = true;
	X.hw->efer = EFER_SCE;
	assert_gp(wrmsr_exit(MSR_EFER, EFER_NXE));
	/* The PC's answer stands: EFER was not written. */
	assert_int_equal(W.wrmsr_last, EFER_NXE);
	assert_int_equal(X.hw->efer, EFER_SCE);
}

/* ---- what traps ---- */

static void test_msr_setup(void **state)
{
	static const uint32_t passed[] = {
		0xc0000100, 0xc0000101, 0xc0000102, /* FS, GS, KERNEL_GS base */
		MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
		MSR_STAR, 0xc0000082, 0xc0000083, 0xc0000084, 0xc0000103,
	};
	const struct hw_vm *hvm = X.vm->hw;

	(void)state;
	guest_msr_setup(X.vm);
	for (unsigned i = 0; i < ARRAY_SIZE(passed); i++) {
		assert_false(fake_hw_msr_trapped(hvm, passed[i], false));
		assert_false(fake_hw_msr_trapped(hvm, passed[i], true));
	}
	assert_false(fake_hw_msr_trapped(hvm, MSR_IA32_TSC, false));
	assert_true(fake_hw_msr_trapped(hvm, MSR_IA32_TSC, true));
	assert_true(fake_hw_msr_trapped(hvm, MSR_EFER, false));
	assert_true(fake_hw_msr_trapped(hvm, MSR_IA32_PAT, true));
	assert_true(fake_hw_msr_trapped(hvm, MSR_IA32_APIC_BASE, false));
	assert_true(fake_hw_msr_trapped(hvm, 0x40000000, false));
	assert_int_equal(hvm->msr_calls, ARRAY_SIZE(passed) + 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_rdmsr_splits_edx_eax),
		T(test_rdmsr_emulated),
		T(test_rdmsr_apic_base),
		T(test_rdmsr_unknown_gp),
		T(test_rdmsr_plat_first),
		T(test_xss),
		T(test_wrmsr_efer),
		T(test_wrmsr_efer_gp),
		T(test_wrmsr_pat),
		T(test_wrmsr_misc_enable),
		T(test_wrmsr_ucode_rev_ignored),
		T(test_wrmsr_unknown_gp),
		T(test_wrmsr_tsc),
		T(test_wrmsr_mcg_status),
		T(test_tsc_adjust),
		T(test_wrmsr_plat_first),
		T(test_msr_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
