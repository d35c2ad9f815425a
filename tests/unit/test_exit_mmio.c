// UNIT-SOURCES: guest/exit/exit.c guest/exit/cpuid.c guest/exit/cr.c guest/exit/msr.c guest/exit/io.c guest/exit/misc.c guest/exit/hypercall.c guest/exit/hc_conv.c guest/exit/hc_ring.c guest/exit/hc_stats.c guest/exit/hc_decode.c guest/vm/vm.c guest/dev/vlapic.c guest/dev/vlapic_timer.c guest/dev/vlapic_ipi.c mm/gmem.c mm/ept.c mm/pt.c mm/frame.c mm/range.c tests/unit/fake_hw.c tests/unit/exit_fixture.c guest/vpc/null.c guest/vpc/pc.c guest/exit/mmio.c guest/x86emu/x86_emulate.c guest/x86emu/x86_walk.c guest/x86emu/x86_decode.c guest/vm/hang.c
/* Emulated device pages (guest/exit/mmio.c): the instruction at RIP is
 * fetched through the guest's paging from its RAM, decoded and performed
 * against a fake device (the virtual PC's vplat_mmio_read/write, defined
 * here); faults of the guest's own memory are injected
 * (#PF with CR2, #GP), anything else stops the VM with the bytes. */
#include "guest/exit/mmio.h"
#include "guest/x86emu/x86_emulate.h"
#include "tests/unit/exit_fixture.h"

#define DEV_GPA 0xfee00000ULL
#define DEV_LA 0x7f000000ULL  /* where a 64-bit guest has it (not walked) */

#define PML4 0x10000
#define PDPT 0x11000
#define PD 0x12000
#define PT 0x13000
#define G_P BIT(0)
#define G_RW BIT(1)
#define G_US BIT(2)
#define HOLE 0x21000    /* not present */
#define SUPER 0x22000   /* supervisor only */
#define MAPPED_END 0x80000

#define CS_32 (SEG_AR_TYPE(SEG_TYPE_CODE_RX_A) | SEG_AR_S | SEG_AR_P | SEG_AR_DB | SEG_AR_G)
#define CS_64 (SEG_AR_TYPE(SEG_TYPE_CODE_RX_A) | SEG_AR_S | SEG_AR_P | SEG_AR_L | SEG_AR_G)

struct dev_access {
	bool write;
	gpa_t gpa;
	unsigned len;
	uint64_t val;
};

static struct dev_access acc[8];
static unsigned nacc;
static uint64_t dev_val;
static bool dev_fail;

static int dev_record(gpa_t gpa, unsigned len, uint64_t val, bool write)
{
	assert_true(nacc < ARRAY_SIZE(acc));
	acc[nacc++] = (struct dev_access){ write, gpa, len, val };
	return dev_fail ? -1 : 0;
}

int vplat_mmio_read(struct vcpu *v, gpa_t gpa, unsigned len, uint64_t *val)
{
	assert_ptr_equal(v, X.v);
	*val = dev_val;
	return dev_record(gpa, len, 0, false);
}

int vplat_mmio_write(struct vcpu *v, gpa_t gpa, unsigned len, uint64_t val)
{
	assert_ptr_equal(v, X.v);
	return dev_record(gpa, len, val, true);
}

static int mmio_setup(void **state)
{
	setup(state);
	nacc = 0;
	dev_val = 0;
	dev_fail = false;
	return 0;
}

/* 32-bit protected mode, flat, no paging. */
static void mode32(void)
{
	X.hw->cr0 = CR0_PE | CR0_ET;
	X.hw->seg_ar[X86_SEG_CS] = CS_32;
}

/* 64-bit mode; 4 KiB pages map [0, MAPPED_END) identically, user and
 * writable, but for a hole and a supervisor-only page. */
static void mode64(void)
{
	uint64_t *pml4 = gram(PML4), *pdpt = gram(PDPT), *pd = gram(PD), *pt = gram(PT);
	const uint64_t flags = G_P | G_RW | G_US;

	pml4[0] = PDPT | flags;
	pdpt[0] = PD | flags;
	pd[0] = PT | flags;
	for (uint64_t pa = 0; pa < MAPPED_END; pa += PAGE_SIZE)
		pt[pa / PAGE_SIZE] = pa | flags;
	pt[HOLE / PAGE_SIZE] = 0;
	pt[SUPER / PAGE_SIZE] &= ~(uint64_t)G_US;
	X.hw->cr0 = CR0_PE | CR0_ET | CR0_PG;
	X.hw->cr3 = PML4;
	X.hw->cr4 = CR4_PAE;
	X.hw->efer = EFER_LME | EFER_LMA;
	X.hw->seg_ar[X86_SEG_CS] = CS_64;
}

static void code(uint64_t gpa, const uint8_t *b, size_t n)
{
	memcpy(gram(gpa), b, n);
}

#define CODE(gpa, ...)                                                     \
	code((gpa), (const uint8_t[]){ __VA_ARGS__ },                      \
	     sizeof((const uint8_t[]){ __VA_ARGS__ }))

static enum vcpu_action emulate(gpa_t gpa, bool write)
{
	memset(&X.v->event, 0, sizeof(X.v->event));
	return mmio_emulate(X.v, gpa, write);
}

/* The same with the privileged MOV to CR2 of a #PF trapped. */
static enum vcpu_action emulate_trapping(gpa_t gpa, bool write);

/* ---- 32-bit, no paging ---- */

static void test_read32(void **state)
{
	(void)state;
	mode32();
	CODE(START_RIP, 0x8b, 0x05, 0x20, 0x00, 0xe0, 0xfe); /* mov eax, [0xfee00020] */
	REG(RAX) = 0xffffffff00000000ULL;
	dev_val = 0x12345678;
	assert_int_equal(emulate(DEV_GPA + 0x20, false), ACT_RESUME);
	assert_no_event();
	assert_int_equal(nacc, 1);
	assert_false(acc[0].write);
	assert_int_equal(acc[0].gpa, DEV_GPA + 0x20);
	assert_int_equal(acc[0].len, 4);
	assert_int_equal(REG(RAX), 0x12345678); /* 32-bit result zero-extends */
	assert_int_equal(X.hw->rip, START_RIP + 6);
}

static void test_write32(void **state)
{
	(void)state;
	mode32();
	CODE(START_RIP, 0x89, 0x05, 0x00, 0x03, 0xe0, 0xfe); /* mov [0xfee00300], eax */
	REG(RAX) = 0xcafebabe;
	assert_int_equal(emulate(DEV_GPA + 0x300, true), ACT_RESUME);
	assert_int_equal(nacc, 1);
	assert_true(acc[0].write);
	assert_int_equal(acc[0].gpa, DEV_GPA + 0x300);
	assert_int_equal(acc[0].val, 0xcafebabe);
	assert_int_equal(X.hw->rip, START_RIP + 6);
}

/* The instruction is at CS.base + RIP, wrapping at 4 GiB outside 64-bit
 * mode. */
static void test_cs_base_wraps(void **state)
{
	(void)state;
	mode32();
	CODE(0x3000, 0x8b, 0x05, 0x20, 0x00, 0xe0, 0xfe);
	X.hw->seg_base[X86_SEG_CS] = 0xfffff000;
	X.hw->rip = 0x4000;
	dev_val = 7;
	assert_int_equal(emulate(DEV_GPA + 0x20, false), ACT_RESUME);
	assert_int_equal(REG(RAX), 7);
	assert_int_equal(X.hw->rip, 0x4006);
}

static void test_fetch_outside_ram_stops(void **state)
{
	(void)state;
	mode32();
	X.hw->rip = RAM_SIZE + 0x1000;
	assert_stopped(emulate(DEV_GPA, false),
		       "cannot emulate the access to device GPA 0xfee00000 at RIP 0x101000: instruction fetch failed []");
	assert_int_equal(nacc, 0);
}

static void test_undecodable_stops(void **state)
{
	(void)state;
	mode32();
	CODE(START_RIP, 0xf4); /* HLT */
	assert_stopped(emulate(DEV_GPA, false), "opcode not emulated [f4 00 00");
	assert_int_equal(nacc, 0);
	assert_int_equal(X.hw->rip, START_RIP);
}

/* The decoded operand is not the access that exited. */
static void test_mismatch_stops(void **state)
{
	(void)state;
	mode32();
	CODE(START_RIP, 0x8b, 0x05, 0x24, 0x00, 0xe0, 0xfe);
	assert_stopped(emulate(DEV_GPA + 0x20, false),
		       "decoded access does not match the faulting address [8b 05 24 00 e0 fe]");
}

static void test_device_error_stops(void **state)
{
	(void)state;
	mode32();
	CODE(START_RIP, 0x8b, 0x05, 0x20, 0x00, 0xe0, 0xfe);
	dev_fail = true;
	assert_stopped(emulate(DEV_GPA + 0x20, false), "device read failed");
	assert_int_equal(nacc, 1);
	assert_int_equal(X.hw->rip, START_RIP);
}

/* ---- 64-bit with paging ---- */

static void test_read64_paged(void **state)
{
	(void)state;
	mode64();
	CODE(START_RIP, 0x48, 0x8b, 0x03); /* mov rax, [rbx] */
	REG(RBX) = DEV_LA + 0x10;
	dev_val = 0x1122334455667788ULL;
	assert_int_equal(emulate(DEV_GPA + 0x10, false), ACT_RESUME);
	assert_int_equal(REG(RAX), 0x1122334455667788ULL);
	assert_int_equal(acc[0].len, 8);
	assert_int_equal(X.hw->rip, START_RIP + 3);
}

/* The instruction ends right before a page that is not mapped: what was
 * fetched is enough. */
static void test_fetch_up_to_hole(void **state)
{
	(void)state;
	mode64();
	CODE(HOLE - 2, 0x8b, 0x03); /* mov eax, [rbx] */
	X.hw->rip = HOLE - 2;
	REG(RBX) = DEV_LA + 0x30;
	dev_val = 0xabcdef01;
	assert_int_equal(emulate(DEV_GPA + 0x30, false), ACT_RESUME);
	assert_int_equal(REG(RAX), 0xabcdef01);
	assert_int_equal(X.hw->rip, HOLE);
	assert_no_event();
}

/* An instruction that runs into the hole cannot be decoded. */
static void test_fetch_truncated_stops(void **state)
{
	(void)state;
	mode64();
	CODE(HOLE - 2, 0x48, 0x8b);
	X.hw->rip = HOLE - 2;
	assert_stopped(emulate(DEV_GPA, false), "[48 8b]");
}

static void test_fetch_page_fault_injected(void **state)
{
	(void)state;
	mode64();
	X.hw->rip = HOLE + 0x10;
	assert_int_equal(emulate_trapping(DEV_GPA, false), ACT_RESUME);
	assert_true(X.v->event.valid);
	assert_int_equal(X.v->event.vector, 14);
	assert_true(X.v->event.has_error);
	assert_int_equal(X.v->event.error & 1, 0); /* not present */
	assert_int_equal(W.cr2_writes, 1);
	assert_int_equal(W.cr2, HOLE + 0x10);
	assert_int_equal(X.hw->rip, HOLE + 0x10);
	assert_int_equal(X.vm->state, VM_RUNNING);
}

/* CPL 3 fetching from a supervisor page: #PF with P and U set. */
static void test_user_fetch_supervisor_page(void **state)
{
	(void)state;
	mode64();
	X.hw->cpl = 3;
	X.hw->rip = SUPER;
	assert_int_equal(emulate_trapping(DEV_GPA, false), ACT_RESUME);
	assert_int_equal(X.v->event.vector, 14);
	assert_int_equal(X.v->event.error & 5, 5);
	assert_int_equal(W.cr2, SUPER);
	/* The same from CPL 0 runs. */
	X.hw->cpl = 0;
	CODE(SUPER, 0x8b, 0x03);
	REG(RBX) = DEV_LA;
	assert_int_equal(emulate(DEV_GPA, false), ACT_RESUME);
	assert_no_event();
	assert_int_equal(X.hw->rip, SUPER + 2);
}

static void test_noncanonical_rip_gp(void **state)
{
	(void)state;
	mode64();
	X.hw->rip = 0x0000800000000000ULL;
	assert_int_equal(emulate(DEV_GPA, false), ACT_RESUME);
	assert_true(X.v->event.valid);
	assert_int_equal(X.v->event.vector, 13);
	assert_true(X.v->event.has_error);
	assert_int_equal(X.v->event.error, 0);
	assert_int_equal(W.cr2_writes, 0);
}

/* Page tables outside guest RAM: nothing can be fetched. */
static void test_page_tables_outside_ram_stop(void **state)
{
	(void)state;
	mode64();
	X.hw->cr3 = RAM_SIZE * 4;
	assert_stopped(emulate(DEV_GPA, false), "instruction fetch failed");
}

/* MOVS from the device into guest memory. */
static void test_movs_to_memory(void **state)
{
	(void)state;
	mode64();
	CODE(START_RIP, 0xa5); /* movsd */
	REG(RSI) = DEV_LA + 0x40;
	REG(RDI) = 0x5000;
	dev_val = 0x89abcdef;
	assert_int_equal(emulate(DEV_GPA + 0x40, false), ACT_RESUME);
	assert_int_equal(*(uint32_t *)gram(0x5000), 0x89abcdef);
	assert_int_equal(REG(RSI), DEV_LA + 0x44);
	assert_int_equal(REG(RDI), 0x5004);
	assert_int_equal(X.hw->rip, START_RIP + 1);
}

/* MOVS from guest memory to the device. */
static void test_movs_to_device(void **state)
{
	(void)state;
	mode64();
	CODE(START_RIP, 0xa5);
	*(uint32_t *)gram(0x6000) = 0x0badf00d;
	REG(RSI) = 0x6000;
	REG(RDI) = DEV_LA + 0x80;
	assert_int_equal(emulate(DEV_GPA + 0x80, true), ACT_RESUME);
	assert_int_equal(nacc, 1);
	assert_true(acc[0].write);
	assert_int_equal(acc[0].gpa, DEV_GPA + 0x80);
	assert_int_equal(acc[0].val, 0x0badf00d);
	assert_int_equal(REG(RSI), 0x6004);
	assert_int_equal(X.hw->rip, START_RIP + 1);
}

/* A read-modify-write of the device sets the guest's flags. */
static void test_and_sets_flags(void **state)
{
	(void)state;
	mode64();
	CODE(START_RIP, 0x21, 0x03); /* and [rbx], eax */
	REG(RBX) = DEV_LA + 0x20;
	REG(RAX) = 0xf0;
	dev_val = 0x0f;
	X.hw->rflags = RFLAGS_FIXED | RFLAGS_IF;
	assert_int_equal(emulate(DEV_GPA + 0x20, true), ACT_RESUME);
	assert_int_equal(nacc, 2);
	assert_false(acc[0].write);
	assert_true(acc[1].write);
	assert_int_equal(acc[1].val, 0);
	assert_true(X.hw->rflags & BIT(6)); /* ZF */
	assert_true(X.hw->rflags & RFLAGS_IF);
	assert_int_equal(X.hw->rip, START_RIP + 2);
}

/* ... whose destination is not mapped: #PF for the destination. */
static void test_movs_page_fault_injected(void **state)
{
	(void)state;
	mode64();
	CODE(START_RIP, 0xa5);
	REG(RSI) = DEV_LA + 0x40;
	REG(RDI) = HOLE + 8;
	assert_int_equal(emulate_trapping(DEV_GPA + 0x40, false), ACT_RESUME);
	assert_int_equal(X.v->event.vector, 14);
	assert_int_equal(X.v->event.error & 3, 2); /* not present, write */
	assert_int_equal(W.cr2, HOLE + 8);
	assert_int_equal(X.hw->rip, START_RIP);
	assert_int_equal(REG(RDI), HOLE + 8);
}

/* ... whose destination is not guest RAM (mapped, but past it). */
static void test_movs_to_non_ram_stops(void **state)
{
	uint64_t *pt = gram(PT);

	(void)state;
	mode64();
	pt[0x30] = (RAM_SIZE + 0x3000) | G_P | G_RW | G_US;
	CODE(START_RIP, 0xa5);
	REG(RSI) = DEV_LA + 0x40;
	REG(RDI) = 0x30000;
	assert_stopped(emulate(DEV_GPA + 0x40, false), "the other operand is not guest RAM");
}

static enum vcpu_action emulate_trapping(gpa_t gpa, bool write)
{
	enum vcpu_action act;

	memset(&X.v->event, 0, sizeof(X.v->event));
	trap_privileged(true);
	act = mmio_emulate(X.v, gpa, write);
	trap_privileged(false);
	return act;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, mmio_setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_read32),
		T(test_write32),
		T(test_cs_base_wraps),
		T(test_fetch_outside_ram_stops),
		T(test_undecodable_stops),
		T(test_mismatch_stops),
		T(test_device_error_stops),
		T(test_read64_paged),
		T(test_fetch_up_to_hole),
		T(test_fetch_truncated_stops),
		T(test_fetch_page_fault_injected),
		T(test_user_fetch_supervisor_page),
		T(test_noncanonical_rip_gp),
		T(test_page_tables_outside_ram_stop),
		T(test_movs_to_memory),
		T(test_movs_to_device),
		T(test_and_sets_flags),
		T(test_movs_page_fault_injected),
		T(test_movs_to_non_ram_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
