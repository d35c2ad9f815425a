/* Shared by the host ACPI parser's files (acpi.c, acpi_madt.c,
 * acpi_fadt.c) only; the rest of the tree uses acpi.h. */
#ifndef ARCH_X86_ACPI_INTERNAL_H
#define ARCH_X86_ACPI_INTERNAL_H

#include "arch-x86/acpi.h"

/* acpi.c */

/* A firmware signature made printable, for messages. */
void acpi_sig_text(const char *sig, char out[5]);

/* The table at pa if it is readable, has signature 'sig' (any when NULL),
 * a sane length and a valid checksum; otherwise NULL, and a message
 * naming it 'what' (none when NULL). */
const struct acpi_header *acpi_map_table(paddr_t pa, const char *sig,
					 const char *what);

/* acpi_madt.c */

/* What is known without a usable MADT: the boot CPU and the default
 * local APIC address. */
void acpi_madt_fallback(struct acpi_info *out, uint32_t bsp);

/* Fill out's MADT part from the first valid MADT, or fall back (reported)
 * to acpi_madt_fallback(); apic_ids[0] is then the boot CPU. */
void acpi_find_madt(struct acpi_info *out, uint32_t bsp);

/* acpi_fadt.c */

/* Fill out's FADT part from a validated FADT (only fields within its
 * length are read). */
void acpi_fadt_parse(const struct acpi_header *h, struct acpi_info *out);

/* Look for \_S5_ in the DSDT at out->dsdt, then in the SSDTs. */
void acpi_find_s5(struct acpi_info *out);

#endif
