/* The FADT (ACPI 6.5, 5.2.9) and, for powering off, \_S5_ in the DSDT or
 * an SSDT (the AML encoding of chapter 20).  Tables have passed
 * acpi_map_table()'s checks; every field and AML byte is read only within
 * the table's length. */
#include "arch-x86/acpi_internal.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/string.h"

/* AML opcodes and prefixes (20.2). */
#define AML_ZERO 0x00
#define AML_ONE 0x01
#define AML_NAME 0x08
#define AML_BYTE 0x0a
#define AML_WORD 0x0b
#define AML_DWORD 0x0c
#define AML_QWORD 0x0e
#define AML_PACKAGE 0x12
#define AML_ROOT '\\'
#define AML_ONES 0xff
#define SLP_TYP_MAX 7		/* SLP_TYPx is 3 bits of PM1x_CNT */

/* ---- FADT ---------------------------------------------------------------- */

/* Whether a FADT of 'len' bytes holds all of 'field'. */
#define FADT_HAS(len, field)                                       \
	(offsetof(struct acpi_fadt, field) +                       \
		 sizeof(((const struct acpi_fadt *)0)->field) <= (len))

/* An I/O port block: the X_ form when given (ACPI 2.0+ says it wins),
 * else the legacy 32-bit field; 0 when neither is an I/O port. */
static uint16_t fadt_port(const char *name, uint32_t legacy,
			  const struct acpi_gas_raw *x)
{
	if (x && x->address) {
		if (x->space_id == ACPI_SPACE_IO && x->address <= UINT16_MAX)
			return (uint16_t)x->address;
		pr_warn("acpi: FADT X_%s 0x%llx in address space %u is not an I/O port; ignored\n",
			name, (unsigned long long)x->address, x->space_id);
	}
	if (legacy > UINT16_MAX) {
		pr_warn("acpi: FADT %s 0x%x is not an I/O port; ignored\n", name,
			legacy);
		return 0;
	}
	return (uint16_t)legacy;
}

static void fadt_reset(const struct acpi_fadt *f, struct acpi_info *out)
{
	const struct acpi_gas_raw *g = &f->reset_reg;

	if (!g->address || g->space_id > ACPI_SPACE_PCI) {
		pr_warn("acpi: FADT reset register 0x%llx in address space %u is unusable; ignored\n",
			(unsigned long long)g->address, g->space_id);
		return;
	}
	out->has_reset = true;
	out->reset_reg = (struct acpi_gas){
		.space = g->space_id, .bit_width = g->bit_width,
		.bit_offset = g->bit_offset, .access_size = g->access_size,
		.addr = g->address,
	};
	out->reset_value = f->reset_value;
}

/* Only fields that lie within the table's length are read. */
void acpi_fadt_parse(const struct acpi_header *h, struct acpi_info *out)
{
	const struct acpi_fadt *f = (const void *)h;
	uint32_t len = h->length;
	uint32_t flags = FADT_HAS(len, flags) ? f->flags : 0;

	out->has_fadt = true;
	out->fadt_revision = h->revision;
	if (len < ACPI_FADT_V1_LEN)
		pr_warn("acpi: FADT of %u bytes is shorter than ACPI 1.0's %u; using what it holds\n",
			len, ACPI_FADT_V1_LEN);
	if (FADT_HAS(len, sci_int))
		out->sci_irq = f->sci_int;
	if (FADT_HAS(len, x_dsdt) && f->x_dsdt)
		out->dsdt = f->x_dsdt;
	else if (FADT_HAS(len, dsdt))
		out->dsdt = f->dsdt;
	if (FADT_HAS(len, pm1a_cnt_blk))
		out->pm1a_cnt = fadt_port("PM1a_CNT_BLK", f->pm1a_cnt_blk,
					  FADT_HAS(len, x_pm1a_cnt_blk) ?
						  &f->x_pm1a_cnt_blk : NULL);
	if (FADT_HAS(len, pm1b_cnt_blk))
		out->pm1b_cnt = fadt_port("PM1b_CNT_BLK", f->pm1b_cnt_blk,
					  FADT_HAS(len, x_pm1b_cnt_blk) ?
						  &f->x_pm1b_cnt_blk : NULL);
	if (FADT_HAS(len, pm_tmr_blk))
		out->pm_tmr_port = fadt_port("PM_TMR_BLK", f->pm_tmr_blk,
					     FADT_HAS(len, x_pm_tmr_blk) ?
						     &f->x_pm_tmr_blk : NULL);
	if (out->pm_tmr_port)
		out->pm_tmr_bits = flags & ACPI_FADT_TMR_VAL_EXT ? 32 : 24;
	if ((flags & ACPI_FADT_RESET_REG_SUP) && FADT_HAS(len, reset_value))
		fadt_reset(f, out);
}

/* ---- \_S5_ in AML -------------------------------------------------------- */

/* A cursor over AML bytes [pos, end). */
struct aml {
	const uint8_t *b;
	uint32_t pos, end;
};

/* PkgLength (20.2.4): bits 7:6 of the lead byte count the bytes that
 * follow it (0-3).  Alone, its bits 5:0 are the length; otherwise its
 * bits 3:0 are the low nibble and each following byte gives 8 more bits.
 * The length counts from the lead byte.  Narrows the cursor to the
 * package. */
static bool aml_pkg_length(struct aml *a)
{
	uint32_t start = a->pos, follow, len;

	if (a->pos >= a->end)
		return false;
	follow = a->b[start] >> 6;
	if (a->end - start < 1 + follow)
		return false;
	if (follow == 0) {
		len = a->b[start] & 0x3f;
	} else {
		len = a->b[start] & 0x0f;
		for (uint32_t k = 1; k <= follow; k++)
			len |= (uint32_t)a->b[start + k] << (4 + 8 * (k - 1));
	}
	if (len < 1 + follow || len > a->end - start)
		return false;
	a->pos = start + 1 + follow;
	a->end = start + len;
	return true;
}

/* A constant integer: ZeroOp, OneOp, OnesOp, or a Byte/Word/DWord/QWord
 * prefix and its value.  NULL on success, else why not. */
static const char *aml_integer(struct aml *a, uint64_t *v)
{
	unsigned size;

	if (a->pos >= a->end)
		return "package ends early";
	switch (a->b[a->pos++]) {
	case AML_ZERO: *v = 0; return NULL;
	case AML_ONE: *v = 1; return NULL;
	case AML_ONES: *v = UINT64_MAX; return NULL;
	case AML_BYTE: size = 1; break;
	case AML_WORD: size = 2; break;
	case AML_DWORD: size = 4; break;
	case AML_QWORD: size = 8; break;
	default: return "element is not an integer constant";
	}
	if (a->end - a->pos < size)
		return "package ends inside an integer";
	*v = 0;
	for (unsigned k = 0; k < size; k++)
		*v |= (uint64_t)a->b[a->pos + k] << (8 * k);
	a->pos += size;
	return NULL;
}

/* Package(n) { SLP_TYPa, SLP_TYPb, ... } whose PkgLength is at 'pos'.
 * NULL or why not. */
static const char *aml_s5_package(const uint8_t *b, uint32_t pos,
				  uint32_t end, uint8_t typ[2])
{
	struct aml a = { b, pos, end };
	const char *why;
	uint64_t v;

	if (!aml_pkg_length(&a))
		return "bad package length";
	if (a.pos >= a.end)
		return "package ends early";
	if (b[a.pos++] < 2)
		return "package has fewer than 2 elements";
	for (unsigned i = 0; i < 2; i++) {
		why = aml_integer(&a, &v);
		if (why)
			return why;
		if (v > SLP_TYP_MAX)
			return "value does not fit SLP_TYP";
		typ[i] = (uint8_t)v;
	}
	return NULL;
}

/* Name(_S5_, Package...) or Name(\_S5_, ...) in a table of AML: 1 found,
 * 0 absent, -1 malformed (reported).  A raw byte scan can take other
 * bytes for NameOp (a PkgLength of 8 before Method(_S5_), say), so a
 * candidate not followed by PackageOp is passed over; one that is, is
 * the answer, right or malformed. */
static int aml_find_s5(const struct acpi_header *h, struct acpi_info *out)
{
	const uint8_t *b = (const uint8_t *)h;
	uint32_t len = h->length;
	char sig[5];

	for (uint32_t i = ACPI_HEADER_LEN + 1; len >= 4 && i <= len - 4; i++) {
		uint32_t op = i - 1;
		uint8_t typ[2];
		const char *why;

		if (memcmp(b + i, "_S5_", 4))
			continue;
		if (b[op] == AML_ROOT) {
			if (op == ACPI_HEADER_LEN)
				continue;
			op--;
		}
		if (b[op] != AML_NAME)
			continue;
		acpi_sig_text(h->sig, sig);
		if (i + 4 >= len || b[i + 4] != AML_PACKAGE) {
			pr_debug("acpi: %s: _S5_ at offset 0x%x is no package; passed over\n",
				 sig, op);
			continue;
		}
		why = aml_s5_package(b, i + 5, len, typ);
		if (why) {
			pr_warn("acpi: %s: \\_S5_ at offset 0x%x: %s; S5 unknown\n",
				sig, op, why);
			return -EINVAL;
		}
		out->has_s5 = true;
		out->slp_typa = typ[0];
		out->slp_typb = typ[1];
		return 1;
	}
	return 0;
}

/* \_S5_ lives in the DSDT, rarely in an SSDT; its absence is no error. */
void acpi_find_s5(struct acpi_info *out)
{
	const struct acpi_header *h = acpi_map_table(out->dsdt, "DSDT", "DSDT");
	int found = h ? aml_find_s5(h, out) : 0;

	for (unsigned i = 0; found == 0; i++) {
		h = acpi_find_table("SSDT", i);
		if (!h)
			break;
		found = aml_find_s5(h, out);
	}
	if (found == 0)
		pr_info("acpi: no \\_S5_ object; S5 unknown\n");
}

bool acpi_get_s5(const struct acpi_info *ai, struct acpi_s5 *s5)
{
	memset(s5, 0, sizeof(*s5));
	if (!ai->has_s5 || !ai->pm1a_cnt)
		return false;
	s5->pm1a_cnt = ai->pm1a_cnt;
	s5->pm1b_cnt = ai->pm1b_cnt;
	s5->slp_typa = ai->slp_typa;
	s5->slp_typb = ai->slp_typb;
	return true;
}
