// FUZZ-SOURCES: arch-x86/acpi.c arch-x86/acpi_madt.c arch-x86/acpi_fadt.c tests/unit/acpi_builder.c
/* The host ACPI parser (arch-x86/acpi*.c: RSDP, RSDT/XSDT, MADT, FADT,
 * the \_S5_ object in the DSDT and SSDTs) on tables laid out from the
 * fuzz input in the unit tests' fake RAM (tests/unit/acpi_builder.c).
 *
 * Input: a flags byte (FL_*), the boot CPU's APIC ID, with FL_EXTRA an
 * 8-byte root-table entry of the fuzzer's own (an offset into the
 * tables, reserved memory or a hole, or any address), then the tables, each
 * starting with its 36-byte header.  A table's length field is clamped to
 * the bytes left, then its checksum is fixed (unless FL_RAW_SUM), so the
 * fuzzer gets past the checks into the tables' bodies.  Every table but
 * a DSDT is listed by the root table; the FADT's DSDT pointers are set to
 * the first DSDT (unless FL_RAW_DSDT).  The DMAR and MCFG parsers have
 * targets of their own (fuzz_dmar.c, fuzz_mcfg.c). */
#include "arch-x86/acpi.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/acpi_builder.h"

#define FL_XSDT BIT(0)	   /* root table XSDT (RSDP revision 2), else RSDT */
#define FL_ROM BIT(1)	   /* RSDP in the BIOS area, else the loader's copy */
#define FL_RAW_SUM BIT(2)  /* checksums as given */
#define FL_RAW_DSDT BIT(3) /* the FADT's DSDT pointers as given */
#define FL_MAPPER BIT(4)   /* reserved memory readable through a mapper */
#define FL_EXTRA BIT(5)	   /* one more root entry, from the input */

#define TABLES AB_ACPI	      /* where the tables go, 16-byte aligned */
#define ROOT (AB_SCRATCH + 0x10000) /* the RSDT or XSDT */
#define MAX_TABLES 32

static struct acpi_info ai;

static bool map_any(paddr_t pa, uint64_t len)
{
	(void)pa;
	(void)len;
	return true;
}

static void put_dsdt(paddr_t fadt, paddr_t dsdt)
{
	struct acpi_header *h = ab_ptr(fadt);
	uint8_t *b = (uint8_t *)h;
	uint32_t d32 = (uint32_t)dsdt;

	if (h->length >= offsetof(struct acpi_fadt, dsdt) + 4)
		memcpy(b + offsetof(struct acpi_fadt, dsdt), &d32, 4);
	if (h->length >= offsetof(struct acpi_fadt, x_dsdt) + 8)
		memcpy(b + offsetof(struct acpi_fadt, x_dsdt), &dsdt, 8);
}

static void check_result(uint32_t bsp)
{
	struct acpi_s5 s5;

	FUZZ_CHECK(ai.ncpus >= 1 && ai.ncpus <= ACPI_MAX_CPUS);
	FUZZ_CHECK(ai.apic_ids[0] == bsp);
	for (unsigned i = 0; i < ai.ncpus; i++)
		for (unsigned j = 0; j < i; j++)
			FUZZ_CHECKF(ai.apic_ids[i] != ai.apic_ids[j],
				    "APIC ID %u twice", ai.apic_ids[i]);
	FUZZ_CHECK(ai.nioapics <= ACPI_MAX_IOAPICS);
	FUZZ_CHECK(ai.noverrides <= ACPI_MAX_OVERRIDES);
	FUZZ_CHECK(ai.pm_tmr_bits == 0 || ai.pm_tmr_bits == 24 ||
		   ai.pm_tmr_bits == 32);
	FUZZ_CHECK((ai.pm_tmr_bits == 0) == (ai.pm_tmr_port == 0));
	if (!ai.has_madt)
		FUZZ_CHECK(ai.ncpus == 1 && ai.nioapics == 0 &&
			   ai.noverrides == 0);
	if (acpi_get_s5(&ai, &s5))
		FUZZ_CHECK(s5.pm1a_cnt != 0 && ai.has_s5);
	else
		FUZZ_CHECK(s5.pm1a_cnt == 0);
	/* What acpi_find_table() hands out passed the checks. */
	for (unsigned i = 0; i < 4; i++) {
		const struct acpi_header *h = acpi_find_table(i ? "APIC" : "FACP", 0);

		if (i == 2)
			h = acpi_find_table("DSDT", 0);
		else if (i == 3)
			h = acpi_find_table("SSDT", 1);
		if (h)
			FUZZ_CHECK(h->length >= ACPI_HEADER_LEN &&
				   h->length <= ACPI_TABLE_MAX_LEN);
	}
	acpi_print(&ai);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct fz f = fz_init(data, size);
	uint8_t flags = fz_u8(&f);
	uint32_t bsp = fz_u8(&f);
	uint64_t entries[MAX_TABLES + 1];
	uint32_t entries32[MAX_TABLES + 1];
	paddr_t at = TABLES, fadt = 0, dsdt = 0;
	unsigned n = 0;

	if (!ready) {
		ab_setup();
		ready = true;
	}
	if (flags & FL_EXTRA) {
		/* Into the tables (misaligned, overlapping, a wrong
		 * signature), reserved memory, a hole in the map, or anywhere. */
		static const paddr_t bases[4] = { TABLES, AB_RESV, AB_HOLE, 0 };
		uint64_t e = fz_u64(&f);

		entries[n++] = bases[e & 3] ? bases[e & 3] + ((e >> 2) & 0xffff) : e;
	}
	while (f.n >= ACPI_HEADER_LEN && n < MAX_TABLES &&
	       at + ACPI_HEADER_LEN <= AB_SCRATCH) {
		struct acpi_header *h = ab_ptr(at);
		uint32_t len;

		memcpy(&len, f.p + 4, 4);
		if (len < ACPI_HEADER_LEN || len > f.n)
			len = (uint32_t)f.n;
		if (len > AB_SCRATCH - at)
			len = (uint32_t)(AB_SCRATCH - at);
		memcpy(h, f.p, len);
		h->length = len;
		f.p += len;
		f.n -= len;
		if (!memcmp(h->sig, "DSDT", 4) && !dsdt)
			dsdt = at;
		else
			entries[n++] = at;
		if (!memcmp(h->sig, "FACP", 4) && !fadt)
			fadt = at;
		at = ALIGN_UP(at + len, 16);
	}
	if (fadt && dsdt && !(flags & FL_RAW_DSDT))
		put_dsdt(fadt, dsdt);
	if (!(flags & FL_RAW_SUM))
		for (paddr_t p = TABLES; p < at;
		     p = ALIGN_UP(p + ((struct acpi_header *)ab_ptr(p))->length, 16))
			ab_fix_checksum(p);

	if (flags & FL_XSDT) {
		ab_xsdt(ROOT, entries, n);
	} else {
		for (unsigned i = 0; i < n; i++)
			entries32[i] = (uint32_t)entries[i];
		ab_rsdt(ROOT, entries32, n);
	}
	ab_bi.rsdp = 0;
	ab_bi.rsdp_len = 0;
	ab_bi.rsdp_v2 = false;
	if (flags & FL_ROM)
		ab_rsdp(AB_RSDP_ROM, flags & FL_XSDT ? 2 : 0, (uint32_t)ROOT, ROOT);
	else
		ab_rsdp_copy(flags & FL_XSDT ? 2 : 0, (uint32_t)ROOT, ROOT);
	acpi_set_mapper(flags & FL_MAPPER ? map_any : NULL);

	memset(&ai, 0xa5, sizeof(ai));
	acpi_init(&ab_bi, bsp, &ai);
	check_result(bsp);
	fuzz_note("acpi: %s", fake_log());
	fuzz_log_reset();

	/* Back to zeros for the next input. */
	memset(ab_ptr(TABLES), 0, at - TABLES);
	memset(ab_ptr(ROOT), 0, ACPI_HEADER_LEN + 8 * (MAX_TABLES + 1));
	memset(ab_ptr(AB_RSDP_ROM), 0, ACPI_RSDP_V2_LEN);
	memset(ab_ptr(AB_RSDP_COPY), 0, ACPI_RSDP_V2_LEN);
	return 0;
}
