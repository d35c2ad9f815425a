/* Builds ACPI tables in the fake physical RAM for the ACPI parser tests:
 * every helper fills in lengths and checksums, so a test only spells out
 * what it is about (and breaks a checksum or a length on purpose). */
#ifndef TESTS_UNIT_ACPI_BUILDER_H
#define TESTS_UNIT_ACPI_BUILDER_H

#include "arch-x86/acpi.h"
#include "tests/unit/fakes.h"

/* Fake RAM is [0, AB_RAM_END).  The memory map in ab_bi says:
 *   [1 MiB, AB_RESV)         usable
 *   [AB_RESV, AB_HOLE)       reserved (readable only through a mapper)
 *   [AB_HOLE, AB_ACPI)       not in the map at all (but backed by fake RAM,
 *                            so only the parser's own check keeps it out)
 *   [AB_ACPI, AB_RAM_END)    ACPI reclaimable: where tables normally go
 * The low 1 MiB (BIOS areas, EBDA) is readable without a map entry. */
#define AB_RAM_END 0x400000ull
#define AB_RESV 0x300000ull
#define AB_HOLE 0x340000ull
#define AB_ACPI 0x380000ull

/* Usual homes of the tables in these tests. */
#define AB_RSDP_ROM 0xf5a40ull	/* where SeaBIOS puts it */
#define AB_RSDP_COPY 0x200000ull /* "the loader's copy" */
#define AB_RSDT 0x380000ull
#define AB_XSDT 0x380400ull
#define AB_FADT 0x381000ull
#define AB_MADT 0x382000ull
#define AB_DSDT 0x384000ull
#define AB_SSDT 0x386000ull
#define AB_SSDT2 0x387000ull
#define AB_SCRATCH 0x390000ull	/* garbage and odd tables */

extern struct boot_info ab_bi;

/* Fresh fake RAM, memory map, log; no mapper. */
void ab_setup(void);
void ab_teardown(void);

void *ab_ptr(paddr_t pa);

/* Header + body at pa; length and checksum computed.  Returns pa. */
paddr_t ab_table(paddr_t pa, const char *sig, uint8_t rev, const void *body,
		 uint32_t body_len);
/* Recompute the checksum of the table at pa after editing it. */
void ab_fix_checksum(paddr_t pa);
/* Make the table at pa fail its checksum. */
void ab_break_checksum(paddr_t pa);

/* RSDP at pa: revision < 2 writes the 20-byte ACPI 1.0 form, else the
 * 36-byte one with both checksums. */
paddr_t ab_rsdp(paddr_t pa, uint8_t rev, uint32_t rsdt, uint64_t xsdt);
/* The same in the loader's copy: sets ab_bi.rsdp, rsdp_len, rsdp_v2. */
void ab_rsdp_copy(uint8_t rev, uint32_t rsdt, uint64_t xsdt);

paddr_t ab_rsdt(paddr_t pa, const uint32_t *entries, unsigned n);
paddr_t ab_xsdt(paddr_t pa, const uint64_t *entries, unsigned n);

/* MADT under construction. */
struct ab_madt {
	uint8_t buf[8192];
	uint32_t len;
};

void madt_begin(struct ab_madt *m, uint32_t lapic_addr, uint32_t flags);
void madt_raw(struct ab_madt *m, const void *p, uint32_t n);
void madt_lapic(struct ab_madt *m, uint8_t uid, uint8_t apic_id, uint32_t flags);
void madt_x2apic(struct ab_madt *m, uint32_t x2apic_id, uint32_t flags, uint32_t uid);
void madt_ioapic(struct ab_madt *m, uint8_t id, uint32_t addr, uint32_t gsi_base);
void madt_iso(struct ab_madt *m, uint8_t source, uint32_t gsi, uint16_t flags);
void madt_lapic_nmi(struct ab_madt *m, uint8_t uid, uint8_t lint);
paddr_t madt_end(struct ab_madt *m, paddr_t pa);

/* FADT: the first 'len' bytes of *f (header filled in here). */
paddr_t ab_fadt(paddr_t pa, const struct acpi_fadt *f, uint32_t len, uint8_t rev);
struct acpi_gas_raw ab_io(uint64_t port, uint8_t bits);

/* AML for Name([\]_S5_, Package(n){elems}) into out; the PkgLength takes
 * 'pkglen_bytes' bytes (1-4).  Returns the bytes written. */
uint32_t aml_s5(uint8_t *out, bool root, uint8_t n, const uint8_t *elems,
		uint32_t elems_len, unsigned pkglen_bytes);

/* A DSDT (or SSDT) at pa whose AML is some filler, 'aml', more filler. */
paddr_t ab_aml_table(paddr_t pa, const char *sig, const uint8_t *aml,
		     uint32_t n);

/* The QEMU-like machine: RSDP (v1 in the BIOS ROM area) -> RSDT -> FADT
 * (PM timer 0xb008, PM1a_CNT 0xb004, DSDT with \_S5_ = {0, 0}), MADT
 * (CPUs 0 and 1, IOAPIC 0 at 0xfec00000, IRQ0->GSI2 and IRQ9 level). */
void ab_qemu(void);

#endif
