// UNIT-SOURCES: guest/x86emu/x86_emulate.c guest/x86emu/x86_walk.c guest/x86emu/x86_decode.c tests/unit/x86_emu_fixture.c
/* The guest page-table walker (x86_walk) against page tables in fake
 * guest-physical memory: 4- and 5-level, PAE and 32-bit paging, large
 * pages, and every #PF error code and #GP it must produce. */
#include "tests/unit/x86_emu_fixture.h"

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
