/* ACPI table layouts as firmware stores them (ACPI 6.5, chapter 5.2):
 * packed, little-endian, no alignment promised.  Shared by the host parser
 * (arch-x86/acpi.c), its tests and whatever builds tables for guests.
 *
 * Everything in these structures comes from firmware and is untrusted: a
 * reader checks a table's length before touching any field past the
 * header, and checks each sub-structure's length before reading it. */
#ifndef ARCH_X86_ACPI_TABLES_H
#define ARCH_X86_ACPI_TABLES_H

#include "lib/types.h"

/* Root System Description Pointer (5.2.5.3).  ACPI 1.0 defines the first
 * 20 bytes, with 'checksum' over them; revision >= 2 adds the rest, with
 * 'ext_checksum' over 'length' bytes. */
#define ACPI_RSDP_SIG "RSD PTR "
#define ACPI_RSDP_V1_LEN 20u
#define ACPI_RSDP_V2_LEN 36u

struct acpi_rsdp {
	char sig[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;	/* revision >= 2 from here on */
	uint64_t xsdt;
	uint8_t ext_checksum;
	uint8_t reserved[3];
} __packed;

/* The header every System Description Table starts with (5.2.6); its
 * checksum makes all 'length' bytes of the table sum to zero. */
struct acpi_header {
	char sig[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;

#define ACPI_HEADER_LEN 36u

/* Generic Address Structure (5.2.3.2). */
struct acpi_gas_raw {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __packed;

#define ACPI_SPACE_MEM 0u
#define ACPI_SPACE_IO 1u
#define ACPI_SPACE_PCI 2u

/* Fixed ACPI Description Table, signature "FACP" (5.2.9).  Older tables
 * are shorter: ACPI 1.0 ends after 'flags' (116 bytes), 2.0 after
 * 'x_gpe1_blk' (244), 5.0 after 'sleep_status_reg' (268). */
struct acpi_fadt {
	struct acpi_header hdr;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;		/* INT_MODEL in ACPI 1.0 */
	uint8_t pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	uint8_t acpi_disable;
	uint8_t s4bios_req;
	uint8_t pstate_cnt;
	uint32_t pm1a_evt_blk;
	uint32_t pm1b_evt_blk;
	uint32_t pm1a_cnt_blk;
	uint32_t pm1b_cnt_blk;
	uint32_t pm2_cnt_blk;
	uint32_t pm_tmr_blk;
	uint32_t gpe0_blk;
	uint32_t gpe1_blk;
	uint8_t pm1_evt_len;
	uint8_t pm1_cnt_len;
	uint8_t pm2_cnt_len;
	uint8_t pm_tmr_len;
	uint8_t gpe0_blk_len;
	uint8_t gpe1_blk_len;
	uint8_t gpe1_base;
	uint8_t cst_cnt;
	uint16_t p_lvl2_lat;
	uint16_t p_lvl3_lat;
	uint16_t flush_size;
	uint16_t flush_stride;
	uint8_t duty_offset;
	uint8_t duty_width;
	uint8_t day_alrm;
	uint8_t mon_alrm;
	uint8_t century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct acpi_gas_raw reset_reg;	/* ACPI 2.0 from here on */
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct acpi_gas_raw x_pm1a_evt_blk;
	struct acpi_gas_raw x_pm1b_evt_blk;
	struct acpi_gas_raw x_pm1a_cnt_blk;
	struct acpi_gas_raw x_pm1b_cnt_blk;
	struct acpi_gas_raw x_pm2_cnt_blk;
	struct acpi_gas_raw x_pm_tmr_blk;
	struct acpi_gas_raw x_gpe0_blk;
	struct acpi_gas_raw x_gpe1_blk;
	struct acpi_gas_raw sleep_control_reg;	/* ACPI 5.0 */
	struct acpi_gas_raw sleep_status_reg;
	uint64_t hypervisor_vendor_id;		/* ACPI 6.0 */
} __packed;

#define ACPI_FADT_V1_LEN 116u
#define ACPI_FADT_TMR_VAL_EXT BIT(8)	/* PM timer counts 32 bits, not 24 */
#define ACPI_FADT_RESET_REG_SUP BIT(10)

/* Multiple APIC Description Table, signature "APIC" (5.2.12): this
 * header, then variable-length entries that each start with type and
 * length. */
struct acpi_madt {
	struct acpi_header hdr;
	uint32_t lapic_addr;
	uint32_t flags;
} __packed;

#define ACPI_MADT_PCAT_COMPAT BIT(0) /* dual 8259 PICs present */

struct acpi_madt_entry {
	uint8_t type;
	uint8_t length;
} __packed;

enum acpi_madt_type {
	ACPI_MADT_LAPIC = 0,
	ACPI_MADT_IOAPIC = 1,
	ACPI_MADT_ISO = 2,
	ACPI_MADT_NMI_SRC = 3,
	ACPI_MADT_LAPIC_NMI = 4,
	ACPI_MADT_LAPIC_ADDR = 5,
	ACPI_MADT_X2APIC = 9,
	ACPI_MADT_X2APIC_NMI = 10,
};

/* Processor local APIC and x2APIC flags. */
#define ACPI_MADT_ENABLED BIT(0)
#define ACPI_MADT_ONLINE_CAPABLE BIT(1)

struct acpi_madt_lapic {
	struct acpi_madt_entry e;
	uint8_t uid;
	uint8_t apic_id;
	uint32_t flags;
} __packed;

struct acpi_madt_ioapic {
	struct acpi_madt_entry e;
	uint8_t id;
	uint8_t reserved;
	uint32_t addr;
	uint32_t gsi_base;
} __packed;

/* Interrupt source override: ISA IRQ 'source' arrives at 'gsi'. */
struct acpi_madt_iso {
	struct acpi_madt_entry e;
	uint8_t bus;
	uint8_t source;
	uint32_t gsi;
	uint16_t flags;	/* MPS INTI flags: polarity bits 1:0, trigger 3:2 */
} __packed;

struct acpi_madt_nmi_src {
	struct acpi_madt_entry e;
	uint16_t flags;
	uint32_t gsi;
} __packed;

struct acpi_madt_lapic_nmi {
	struct acpi_madt_entry e;
	uint8_t uid;
	uint16_t flags;
	uint8_t lint;
} __packed;

struct acpi_madt_lapic_addr {
	struct acpi_madt_entry e;
	uint16_t reserved;
	uint64_t addr;
} __packed;

struct acpi_madt_x2apic {
	struct acpi_madt_entry e;
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t uid;
} __packed;

struct acpi_madt_x2apic_nmi {
	struct acpi_madt_entry e;
	uint16_t flags;
	uint32_t uid;
	uint8_t lint;
	uint8_t reserved[3];
} __packed;

/* Sizes and offsets the spec fixes. */
_Static_assert(sizeof(struct acpi_rsdp) == ACPI_RSDP_V2_LEN, "RSDP size");
_Static_assert(offsetof(struct acpi_rsdp, length) == ACPI_RSDP_V1_LEN, "RSDP v1 part");
_Static_assert(sizeof(struct acpi_header) == ACPI_HEADER_LEN, "SDT header size");
_Static_assert(sizeof(struct acpi_gas_raw) == 12, "GAS size");
_Static_assert(offsetof(struct acpi_fadt, pm_tmr_blk) == 76, "FADT PM_TMR_BLK");
_Static_assert(offsetof(struct acpi_fadt, flags) == 112, "FADT flags");
_Static_assert(offsetof(struct acpi_fadt, reset_reg) == ACPI_FADT_V1_LEN, "FADT 1.0 end");
_Static_assert(offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT X_DSDT");
_Static_assert(offsetof(struct acpi_fadt, x_pm_tmr_blk) == 208, "FADT X_PM_TMR_BLK");
_Static_assert(offsetof(struct acpi_fadt, sleep_control_reg) == 244, "FADT 2.0 end");
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT 6.0 size");
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT header");
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "MADT type 0");
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "MADT type 1");
_Static_assert(sizeof(struct acpi_madt_iso) == 10, "MADT type 2");
_Static_assert(sizeof(struct acpi_madt_nmi_src) == 8, "MADT type 3");
_Static_assert(sizeof(struct acpi_madt_lapic_nmi) == 6, "MADT type 4");
_Static_assert(sizeof(struct acpi_madt_lapic_addr) == 12, "MADT type 5");
_Static_assert(sizeof(struct acpi_madt_x2apic) == 16, "MADT type 9");
_Static_assert(sizeof(struct acpi_madt_x2apic_nmi) == 12, "MADT type 10");

#endif
