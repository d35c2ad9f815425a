// FUZZ-SOURCES: guest/x86emu/x86_walk.c guest/x86emu/x86_emulate.c guest/x86emu/x86_decode.c
/* The guest page-table walker (guest/x86emu/x86_walk.c), which reads
 * paging structures the guest controls.  Input: two bytes choosing the
 * paging state (CR0.PG/WP, CR4.PSE/PAE/LA57/SMEP/SMAP, EFER.LME/NXE), the
 * access (write, user, fetch, AC), MAXPHYADDR, CR3 and the linear
 * address, then 64 KiB of guest RAM at guest-physical 0 holding the
 * tables (the rest of guest RAM is absent).
 *
 * Checked: a translation keeps the page offset, and stays below
 * MAXPHYADDR; without paging the address is the physical one; a page
 * fault reports the address in CR2 and an error code whose W, U and I
 * bits say the access (I only for fetches with NX or SMEP on), RSVD only
 * with P; #GP only for a non-canonical address under 4- or 5-level
 * paging; a failed structure read gives a reason. */
#include "guest/x86emu/x86_emulate.h"
#include "tests/fuzz/fuzz.h"

#define RAM 0x10000
#define CR0_PE BIT(0)
#define CR0_WP BIT(16)
#define CR0_PG BIT(31)
#define CR4_PSE BIT(4)
#define CR4_PAE BIT(5)
#define CR4_LA57 BIT(12)
#define CR4_SMEP BIT(20)
#define CR4_SMAP BIT(21)
#define EFER_LME BIT(8)
#define EFER_LMA BIT(10)
#define EFER_NXE BIT(11)

static uint8_t ram[RAM];

static bool read_gpa(void *ctx, gpa_t gpa, void *buf, unsigned len)
{
	(void)ctx;
	FUZZ_CHECK(len == 4 || len == 8);
	FUZZ_CHECKF(gpa % len == 0, "entry read at %#llx/%u", (unsigned long long)gpa, len);
	if (gpa >= RAM || RAM - gpa < len)
		return false;
	memcpy(buf, ram + gpa, len);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	uint8_t m = fz_u8(&f), m2 = fz_u8(&f);
	unsigned access = fz_u8(&f) & 0xf;
	unsigned phys = fz_u8(&f) % 22;
	struct x86_paging pg = { .read_gpa = read_gpa };
	struct x86_emu_fault fault = { 0 };
	enum x86_emu_status st;
	gpa_t gpa = ~0ULL;
	uint64_t gla;
	bool long_mode;

	pg.maxphyaddr = phys ? 31 + phys : 0; /* 32..52, or 0 = 52 */
	pg.cr0 = CR0_PE | (m & 1 ? CR0_PG : 0) | (m & 2 ? CR0_WP : 0);
	pg.cr4 = (m & 4 ? CR4_PSE : 0) | (m & 8 ? CR4_PAE : 0) |
		 (m & 16 ? CR4_LA57 : 0) | (m & 32 ? CR4_SMEP : 0) |
		 (m & 64 ? CR4_SMAP : 0);
	long_mode = (m2 & 1) && (pg.cr0 & CR0_PG) && (pg.cr4 & CR4_PAE);
	pg.efer = (long_mode ? EFER_LME | EFER_LMA : 0) | (m2 & 2 ? EFER_NXE : 0);
	if (!long_mode)
		pg.cr4 &= ~(uint64_t)CR4_LA57;
	pg.cr3 = fz_u16(&f) & (m2 & 4 ? 0xffff : 0xf000);
	gla = fz_u64(&f);
	if (!long_mode)
		gla &= 0xffffffff;
	memset(ram, 0, sizeof(ram));
	memcpy(ram, f.p, f.n < RAM ? f.n : RAM);

	st = x86_walk(&pg, gla, access, &gpa, &fault);
	fuzz_note("x86walk: %s, gpa %#llx", x86_emu_status_name(st),
		  (unsigned long long)gpa);
	switch (st) {
	case X86_EMU_OK: {
		unsigned pa = pg.maxphyaddr ? pg.maxphyaddr : 52;

		FUZZ_CHECK((gpa & 0xfff) == (gla & 0xfff));
		FUZZ_CHECKF(pa >= 64 || gpa >> pa == 0, "gpa %#llx, MAXPHYADDR %u",
			    (unsigned long long)gpa, pa);
		if (!(pg.cr0 & CR0_PG))
			FUZZ_CHECK(gpa == gla);
		break;
	}
	case X86_EMU_PAGE_FAULT: {
		uint32_t e = fault.error_code;
		bool nx_or_smep = (pg.efer & EFER_NXE) || (pg.cr4 & CR4_SMEP);

		FUZZ_CHECK(pg.cr0 & CR0_PG);
		FUZZ_CHECK(fault.vector == X86_EXC_PF && fault.cr2 == gla);
		FUZZ_CHECK(!!(e & X86_PF_W) == !!(access & X86_ACC_WRITE));
		FUZZ_CHECK(!!(e & X86_PF_U) == !!(access & X86_ACC_USER));
		FUZZ_CHECK(!(e & X86_PF_I) || ((access & X86_ACC_FETCH) && nx_or_smep));
		FUZZ_CHECK(!(e & X86_PF_RSVD) || (e & X86_PF_P));
		break;
	}
	case X86_EMU_GP:
		FUZZ_CHECK(long_mode);
		FUZZ_CHECK(!x86_canonical(gla, pg.cr4 & CR4_LA57));
		break;
	case X86_EMU_MMIO_ERROR:
		FUZZ_CHECK(fault.reason != NULL);
		break;
	default:
		FUZZ_CHECKF(false, "status %d", st);
	}
	return 0;
}
