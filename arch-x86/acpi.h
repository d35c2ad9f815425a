/* Host ACPI tables: find the RSDP, walk the XSDT or RSDT, and extract what
 * the hypervisor needs from the MADT (CPUs, IOAPICs, IRQ overrides), the
 * FADT (PM timer, PM1 control ports, reset register) and the DSDT (the S5
 * sleep type, for powering off).
 *
 * Every address firmware gives is untrusted.  Before a byte is read the
 * parser checks that the whole range is memory it may read (see
 * acpi_set_mapper()); each table is then checked for signature, length
 * (header size to ACPI_TABLE_MAX_LEN) and checksum, and a bad one is
 * reported and skipped.  Whatever goes wrong, acpi_init() leaves a usable
 * struct acpi_info: at worst the boot CPU alone and no IOAPIC. */
#ifndef ARCH_X86_ACPI_H
#define ARCH_X86_ACPI_H

#include "lib/types.h"
#include "lib/boot_info.h"
#include "arch-x86/acpi_tables.h"

#define ACPI_MAX_CPUS 64
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16
#define ACPI_TABLE_MAX_LEN MiB(1) /* a longer table is taken as corrupt */
#define ACPI_LAPIC_DEFAULT 0xfee00000ULL /* architectural reset value */

/* A register named by a Generic Address Structure (ACPI_SPACE_*). */
struct acpi_gas {
	uint8_t space;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t addr;
};

struct acpi_ioapic {
	uint8_t id;
	paddr_t addr;
	uint32_t gsi_base;
};

/* ISA IRQ 'bus_irq' is wired to 'gsi' with MPS INTI 'flags'. */
struct acpi_override {
	uint8_t bus_irq;
	uint32_t gsi;
	uint16_t flags;
};

struct acpi_info {
	/* Where the tables came from (rsdp 0: no ACPI at all). */
	paddr_t rsdp;
	uint8_t rsdp_revision;
	paddr_t root;		/* the XSDT or RSDT in use; 0: none usable */
	bool xsdt;		/* root is the XSDT, else the RSDT */
	unsigned ntables;	/* valid tables the root table lists */

	/* MADT.  Without a usable one: has_madt false, ncpus 1 (the boot
	 * CPU), lapic_base ACPI_LAPIC_DEFAULT, no IOAPIC and no override.
	 * apic_ids[0] is always the boot CPU; the others follow in MADT
	 * order.  Disabled and online-capable (hot-plug) entries are not
	 * CPUs here, only counted. */
	bool has_madt;
	unsigned ncpus;
	uint32_t apic_ids[ACPI_MAX_CPUS];
	bool cpu_x2apic[ACPI_MAX_CPUS];	/* listed by a local x2APIC entry */
	unsigned cpus_disabled;		/* neither enabled nor online-capable */
	unsigned cpus_hotplug;		/* online-capable, not enabled */
	unsigned cpus_dropped;		/* enabled, beyond ACPI_MAX_CPUS */
	paddr_t lapic_base;
	bool pcat_compat;		/* legacy 8259 PICs present */
	unsigned nioapics;
	struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];
	unsigned noverrides;
	struct acpi_override override[ACPI_MAX_OVERRIDES];
	unsigned nmi_sources;		/* MADT type 3 */
	unsigned lapic_nmis;		/* MADT types 4 and 10 */

	/* FADT.  Ports are 0 when absent (or not in I/O space). */
	bool has_fadt;
	uint8_t fadt_revision;
	uint16_t sci_irq;
	uint16_t pm_tmr_port;
	uint8_t pm_tmr_bits;		/* 24 or 32; 0 without a PM timer */
	uint16_t pm1a_cnt, pm1b_cnt;
	bool has_reset;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	paddr_t dsdt;			/* 0 when unknown */

	/* \_S5_ from the DSDT (or an SSDT): SLP_TYPa/b for PM1a/PM1b_CNT. */
	bool has_s5;
	uint8_t slp_typa, slp_typb;
};

/* Find and parse the tables: the RSDP from bi (the loader's copy) or, if
 * absent or invalid, from the BIOS areas.  Always fills *out (see above);
 * returns 0 when a valid root table was found, -ENOENT when no ACPI
 * table could be used at all.  'bi' must stay valid for later
 * acpi_find_table() calls (it tells which memory is readable). */
int acpi_init(const struct boot_info *bi, uint32_t bsp_apic_id,
	      struct acpi_info *out);

/* One line: RSDP, root table, CPUs, IOAPICs, PM timer, S5. */
void acpi_print(const struct acpi_info *ai);

/* The 'instance'-th (from 0) valid table with signature 'sig' listed by
 * the root table acpi_init() chose, re-validated; "DSDT" gives the DSDT
 * the FADT points to.  NULL when there is none (or before acpi_init()).
 * The table's hdr.length bytes may be read. */
const struct acpi_header *acpi_find_table(const char sig[4], unsigned instance);

/* The bytes [p, p + len) sum to zero modulo 256. */
bool acpi_checksum_ok(const void *p, size_t len);

/* Power-off parameters for drivers/emu_exit (emu_exit_set_s5()).  Returns
 * false, with s5->pm1a_cnt 0 ("unknown"), when the FADT's PM1a control
 * port or \_S5_ is missing. */
struct acpi_s5 {
	uint16_t pm1a_cnt, pm1b_cnt;
	uint16_t slp_typa, slp_typb;
};
bool acpi_get_s5(const struct acpi_info *ai, struct acpi_s5 *s5);

/* Which memory the parser reads.  By default, only what the hypervisor's
 * direct map covers according to bi (mm/paging.c): the low 1 MiB, the
 * boot information block, and memory-map entries of type usable, ACPI
 * reclaimable or ACPI NVS.  Firmware often keeps tables in *reserved*
 * entries (SeaBIOS does, so QEMU's are there): a range that needs a
 * reserved entry is read only if a mapper is set and returns true, having
 * made [pa, pa + len) readable through phys_to_virt().  Ranges that touch
 * a hole in the memory map, or anything at or above 2^47, are never read.
 * NULL removes the mapper. */
typedef bool (*acpi_map_fn)(paddr_t pa, uint64_t len);
void acpi_set_mapper(acpi_map_fn map);

#endif
