// UNIT-SOURCES: guest/exit/exit.c guest/exit/cpuid.c guest/exit/cr.c guest/exit/msr.c guest/exit/io.c guest/exit/misc.c guest/exit/hypercall.c guest/exit/hc_conv.c guest/exit/hc_ring.c guest/exit/hc_stats.c guest/exit/hc_decode.c guest/vm/vm.c guest/dev/vlapic.c guest/dev/vlapic_timer.c guest/dev/vlapic_ipi.c mm/gmem.c mm/ept.c mm/pt.c mm/frame.c mm/range.c tests/unit/fake_hw.c tests/unit/exit_fixture.c guest/vpc/null.c guest/vpc/pc.c guest/vm/hang.c
/* CPUID exits: the host's answers shaped to what is virtualized, the
 * hypervisor's own leaves, and the virtual PC's topology and TSC leaves.
 * The host CPU's real CPUID is the input, so the tests check the shaping
 * rules, not particular host values. */
#include "arch-x86/cpu.h"
#include "guest/include/hv_abi.h"
#include "tests/unit/exit_fixture.h"

struct regs4 {
	uint32_t a, b, c, d;
};

static struct regs4 do_cpuid(uint32_t leaf, uint32_t sub)
{
	REG(RAX) = 0xffffffff00000000ULL | leaf; /* upper half ignored */
	REG(RCX) = 0xffffffff00000000ULL | sub;
	REG(RBX) = REG(RDX) = 0x5555555555555555ULL;
	assert_int_equal(run_exit(HW_EXIT_CPUID), ACT_RESUME_ADVANCE);
	assert_no_event();
	/* Results are zero-extended into the 64-bit registers. */
	assert_int_equal(REG(RAX) >> 32, 0);
	assert_int_equal(REG(RBX) >> 32, 0);
	assert_int_equal(REG(RCX) >> 32, 0);
	assert_int_equal(REG(RDX) >> 32, 0);
	return (struct regs4){ (uint32_t)REG(RAX), (uint32_t)REG(RBX),
			       (uint32_t)REG(RCX), (uint32_t)REG(RDX) };
}

static void test_counted(void **state)
{
	(void)state;
	do_cpuid(0, 0);
	do_cpuid(0, 0);
	assert_int_equal(X.v->exit_count[HW_EXIT_CPUID], 2);
}

static void test_leaf0_is_host(void **state)
{
	struct cpuid_regs h = cpuid(0);
	struct regs4 r;

	(void)state;
	r = do_cpuid(0, 0);
	assert_int_equal(r.a, h.eax);
	assert_int_equal(r.b, h.ebx);
	assert_int_equal(r.c, h.ecx);
	assert_int_equal(r.d, h.edx);
}

static void test_leaf1_hides_and_marks(void **state)
{
	struct regs4 r;

	(void)state;
	r = do_cpuid(1, 0);
	assert_true(r.c & CPUID1_ECX_HYPERVISOR);
	assert_false(r.c & (CPUID1_ECX_VMX | CPUID1_ECX_SMX | BIT(3) /* MONITOR */ |
			    CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE | BIT(15)));
	assert_false(r.d & (BIT(7) | BIT(14) | BIT(22) | BIT(29))); /* MCE MCA ACPI TM */
	assert_int_equal(r.b >> 24, 0); /* initial APIC ID = vCPU 0 */
	assert_false(r.c & BIT(27));    /* guest CR4.OSXSAVE clear */
}

static void test_leaf1_follows_guest(void **state)
{
	struct regs4 r;

	(void)state;
	X.v = &X.vm->vcpu[1];
	X.hw = X.v->hw;
	X.hw->cr4 = CR4_OSXSAVE;
	r = do_cpuid(1, 0);
	assert_int_equal(r.b >> 24, 1);
	assert_true(r.c & BIT(27));
}

static void test_leaf1_plat(void **state)
{
	struct regs4 r;

	(void)state;
	use_plat();
	r = do_cpuid(1, 0);
	assert_true(r.c & CPUID1_ECX_X2APIC);
	assert_true(r.c & CPUID1_ECX_TSC_DEADLINE);
	assert_false(r.d & BIT(12)); /* no MTRRs */
	assert_int_equal((r.b >> 16) & 0xff, NVCPUS);
	assert_true(r.d & BIT(28)); /* HTT with more than one vCPU */

	X.vm->nr_vcpus = 1;
	r = do_cpuid(1, 0);
	assert_int_equal((r.b >> 16) & 0xff, 1);
	assert_false(r.d & BIT(28));
}

/* SDM 10.4.3: CPUID.1:EDX.APIC follows IA32_APIC_BASE.EN of the vCPU's
 * LAPIC (issue 12, defect 6: it stayed set). */
static void test_leaf1_apic_follows_enable(void **state)
{
	struct vplat *p;

	(void)state;
	p = use_plat();
	p->lapic[X.v->id].apic_base = VLAPIC_BASE_DEFAULT | VLAPIC_BASE_EN;
	assert_true(do_cpuid(1, 0).d & CPUID1_EDX_APIC);
	p->lapic[X.v->id].apic_base = VLAPIC_BASE_DEFAULT;
	assert_false(do_cpuid(1, 0).d & CPUID1_EDX_APIC);
	p->lapic[X.v->id].apic_base = VLAPIC_BASE_DEFAULT | VLAPIC_BASE_EN |
				      VLAPIC_BASE_EXTD;
	assert_true(do_cpuid(1, 0).d & CPUID1_EDX_APIC);
}

static void test_leaf7_hides(void **state)
{
	struct cpuid_regs h = cpuid_count(7, 0);
	struct regs4 r;

	(void)state;
	r = do_cpuid(7, 0);
	assert_false(r.b & BIT(2));                        /* SGX */
	assert_false(r.c & (BIT(3) | BIT(4) | BIT(7) | BIT(30)));
	assert_false(r.d & (BIT(18) | BIT(20) | BIT(26) | BIT(27) | BIT(28) |
			    BIT(29) | BIT(30) | BIT(31)));
	/* FSRM only together with ERMS. */
	if (r.d & BIT(4))
		assert_true(r.b & BIT(9));
	/* What is not hidden stays as the host has it. */
	assert_int_equal(r.a, h.eax);
	assert_int_equal(r.b, h.ebx & ~(uint32_t)BIT(2));
}

/* Issue 12: CPUID follows what the guest set in IA32_MISC_ENABLE. */
static void test_misc_enable_shapes_cpuid(void **state)
{
	struct cpuid_regs h0 = cpuid_count(0, 0);
	struct regs4 r;

	(void)state;
	X.v->misc_enable &= ~(uint64_t)MISC_ENABLE_FAST_STRINGS;
	r = do_cpuid(7, 0);
	assert_false(r.b & BIT(9));  /* ERMS */
	assert_false(r.d & BIT(4));  /* FSRM */
	X.v->misc_enable |= MISC_ENABLE_LIMIT_CPUID;
	r = do_cpuid(0, 0);
	assert_int_equal(r.a, h0.eax > 2 ? 2 : h0.eax);
	X.v->misc_enable = VCPU_MISC_ENABLE_RESET;
	r = do_cpuid(0, 0);
	assert_int_equal(r.a, h0.eax);
}

/* Subleaves other than 0 of leaf 7 pass as they are. */
static void test_leaf7_sub1_is_host(void **state)
{
	struct cpuid_regs h = cpuid_count(7, 1);
	struct regs4 r;

	(void)state;
	r = do_cpuid(7, 1);
	assert_int_equal(r.a, h.eax);
	assert_int_equal(r.b, h.ebx);
	assert_int_equal(r.c, h.ecx);
	assert_int_equal(r.d, h.edx);
}

/* Leaf 0DH subleaf 1: no supervisor state component for IA32_XSS
 * (guest/exit/msr.c takes only 0); the rest is the host's. */
static void test_leafd_sub1_no_supervisor_state(void **state)
{
	struct cpuid_regs h = cpuid_count(0xd, 1);
	struct regs4 r;

	(void)state;
	r = do_cpuid(0xd, 1);
	assert_int_equal(r.a, h.eax);
	assert_int_equal(r.b, h.ebx);
	assert_int_equal(r.c, 0);
	assert_int_equal(r.d, 0);
}

static void test_leaf6_only_arat(void **state)
{
	struct regs4 r;

	(void)state;
	r = do_cpuid(6, 0);
	assert_int_equal(r.a & ~(uint32_t)BIT(2), 0);
	assert_int_equal(r.a, cpuid(6).eax & BIT(2));
	assert_int_equal(r.b | r.c | r.d, 0);
}

static void test_leafa_no_pmu(void **state)
{
	struct regs4 r;

	(void)state;
	r = do_cpuid(0xa, 0);
	assert_int_equal(r.a | r.b | r.c | r.d, 0);
}

static void test_hv_leaves(void **state)
{
	struct regs4 r;

	(void)state;
	r = do_cpuid(HV_CPUID_BASE, 0);
	assert_int_equal(r.a, HV_CPUID_MAX);
	assert_int_equal(r.b, HV_SIGNATURE_EBX);
	assert_int_equal(r.c, HV_SIGNATURE_ECX);
	assert_int_equal(r.d, HV_SIGNATURE_EDX);
	assert_memory_equal(&r.b, "uHV-", 4);

	r = do_cpuid(HV_CPUID_FEATURES, 0);
	assert_int_equal(r.a, HV_ABI_VERSION);
	assert_int_equal(r.b, HV_FEAT_CONSOLE | HV_FEAT_TIME | HV_FEAT_YIELD |
				      HV_FEAT_IDENTITY | HV_FEAT_IPI | HV_FEAT_STATS);
	assert_int_equal(r.c, HC_NR_CALLS - 1);
	assert_int_equal(r.d, 0);

	/* The rest of the hypervisor range reads as zeros. */
	r = do_cpuid(HV_CPUID_BASE + 0x100, 0);
	assert_int_equal(r.a | r.b | r.c | r.d, 0);
	r = do_cpuid(0x4fffffff, 0);
	assert_int_equal(r.a | r.b | r.c | r.d, 0);
}

/* Without a virtual PC, leaves 0xb and 0x15 are the host's. */
static void test_no_plat_topology_is_host(void **state)
{
	struct cpuid_regs h = cpuid_count(0xb, 0);
	struct regs4 r;

	(void)state;
	r = do_cpuid(0xb, 0);
	assert_int_equal(r.a, h.eax);
	assert_int_equal(r.c, h.ecx);
}

static void test_plat_leaf0_reaches_tsc_leaf(void **state)
{
	struct regs4 r;

	(void)state;
	use_plat();
	r = do_cpuid(0, 0);
	assert_true(r.a >= 0x15);
	if (cpuid(0).eax >= 0x15)
		assert_int_equal(r.a, cpuid(0).eax);
}

static void test_plat_topology(void **state)
{
	struct regs4 r;

	(void)state;
	use_plat();
	X.vm->nr_vcpus = 3;
	X.v = &X.vm->vcpu[1];
	X.hw = X.v->hw;
	r = do_cpuid(0xb, 0); /* SMT level: one thread per core */
	assert_int_equal(r.a, 0);
	assert_int_equal(r.b, 1);
	assert_int_equal(r.c, (1 << 8) | 0);
	assert_int_equal(r.d, 1);
	r = do_cpuid(0xb, 1); /* core level: 3 cores, 2 ID bits */
	assert_int_equal(r.a, 2);
	assert_int_equal(r.b, 3);
	assert_int_equal(r.c, (2 << 8) | 1);
	assert_int_equal(r.d, 1);
	r = do_cpuid(0xb, 2); /* invalid level */
	assert_int_equal(r.a, 0);
	assert_int_equal(r.b, 0);
	assert_int_equal(r.c, 2);
	assert_int_equal(r.d, 1);
}

static void test_plat_tsc_leaf(void **state)
{
	struct regs4 r;

	(void)state;
	use_plat();
	W.tsc_hz = 2500000000ULL;
	r = do_cpuid(0x15, 0);
	assert_int_equal(r.a, 1);
	assert_int_equal(r.b, 1);
	assert_int_equal(r.c, 2500000000u);
	assert_int_equal(r.d, 0);
	/* A rate that does not fit in ECX is not offered. */
	W.tsc_hz = 5000000000ULL;
	r = do_cpuid(0x15, 0);
	assert_int_equal(r.c, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_counted),
		T(test_leaf0_is_host),
		T(test_leaf1_hides_and_marks),
		T(test_leaf1_follows_guest),
		T(test_leaf1_plat),
		T(test_leaf1_apic_follows_enable),
		T(test_leaf7_hides),
		T(test_misc_enable_shapes_cpuid),
		T(test_leaf7_sub1_is_host),
		T(test_leafd_sub1_no_supervisor_state),
		T(test_leaf6_only_arat),
		T(test_leafa_no_pmu),
		T(test_hv_leaves),
		T(test_no_plat_topology_is_host),
		T(test_plat_leaf0_reaches_tsc_leaf),
		T(test_plat_topology),
		T(test_plat_tsc_leaf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
