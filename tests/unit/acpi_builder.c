/* ACPI table builder for the parser tests; see acpi_builder.h. */
#include "tests/unit/acpi_builder.h"

struct boot_info ab_bi;

static void map_add(uint64_t base, uint64_t len, uint32_t type)
{
	ab_bi.mmap[ab_bi.mmap_count++] = (struct mem_region){ base, len, type };
}

void ab_setup(void)
{
	fake_phys_init(0, AB_RAM_END);
	memset(&ab_bi, 0, sizeof(ab_bi));
	map_add(0, 0x9fc00, MEM_USABLE);
	map_add(0x9fc00, 0x400, MEM_RESERVED);
	map_add(MiB(1), AB_RESV - MiB(1), MEM_USABLE);
	map_add(AB_RESV, AB_HOLE - AB_RESV, MEM_RESERVED);
	map_add(AB_ACPI, AB_RAM_END - AB_ACPI, MEM_ACPI_RECLAIM);
	acpi_set_mapper(NULL);
	fake_log_reset();
}

void ab_teardown(void)
{
	acpi_set_mapper(NULL);
	fake_phys_fini();
}

void *ab_ptr(paddr_t pa)
{
	return phys_to_virt(pa);
}

static uint8_t sum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *b++);
	return s;
}

paddr_t ab_table(paddr_t pa, const char *sig, uint8_t rev, const void *body,
		 uint32_t body_len)
{
	struct acpi_header *h = ab_ptr(pa);

	memset(h, 0, sizeof(*h));
	memcpy(h->sig, sig, 4);
	h->length = ACPI_HEADER_LEN + body_len;
	h->revision = rev;
	memcpy(h->oem_id, "HVTEST", 6);
	memcpy(h->oem_table_id, "UNITTEST", 8);
	h->oem_revision = 1;
	if (body_len)
		memcpy((uint8_t *)h + ACPI_HEADER_LEN, body, body_len);
	ab_fix_checksum(pa);
	return pa;
}

void ab_fix_checksum(paddr_t pa)
{
	struct acpi_header *h = ab_ptr(pa);

	h->checksum = 0;
	h->checksum = (uint8_t)-sum(h, h->length);
}

void ab_break_checksum(paddr_t pa)
{
	struct acpi_header *h = ab_ptr(pa);

	h->checksum ^= 0x5a;
}

paddr_t ab_rsdp(paddr_t pa, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	struct acpi_rsdp r;
	size_t len = rev >= 2 ? ACPI_RSDP_V2_LEN : ACPI_RSDP_V1_LEN;

	memset(&r, 0, sizeof(r));
	memcpy(r.sig, ACPI_RSDP_SIG, 8);
	memcpy(r.oem_id, "HVTEST", 6);
	r.revision = rev;
	r.rsdt = rsdt;
	if (rev >= 2) {
		r.length = ACPI_RSDP_V2_LEN;
		r.xsdt = xsdt;
	}
	r.checksum = (uint8_t)-sum(&r, ACPI_RSDP_V1_LEN);
	if (rev >= 2)
		r.ext_checksum = (uint8_t)-sum(&r, ACPI_RSDP_V2_LEN);
	memcpy(ab_ptr(pa), &r, len);
	return pa;
}

void ab_rsdp_copy(uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	ab_rsdp(AB_RSDP_COPY, rev, rsdt, xsdt);
	ab_bi.rsdp = AB_RSDP_COPY;
	ab_bi.rsdp_len = rev >= 2 ? ACPI_RSDP_V2_LEN : ACPI_RSDP_V1_LEN;
	ab_bi.rsdp_v2 = rev >= 2;
}

paddr_t ab_rsdt(paddr_t pa, const uint32_t *entries, unsigned n)
{
	return ab_table(pa, "RSDT", 1, entries, n * 4);
}

paddr_t ab_xsdt(paddr_t pa, const uint64_t *entries, unsigned n)
{
	return ab_table(pa, "XSDT", 1, entries, n * 8);
}

void madt_begin(struct ab_madt *m, uint32_t lapic_addr, uint32_t flags)
{
	m->len = 0;
	madt_raw(m, &lapic_addr, 4);
	madt_raw(m, &flags, 4);
}

void madt_raw(struct ab_madt *m, const void *p, uint32_t n)
{
	assert_true(m->len + n <= sizeof(m->buf));
	memcpy(m->buf + m->len, p, n);
	m->len += n;
}

void madt_lapic(struct ab_madt *m, uint8_t uid, uint8_t apic_id, uint32_t flags)
{
	struct acpi_madt_lapic e = { { ACPI_MADT_LAPIC, sizeof(e) }, uid, apic_id, flags };

	madt_raw(m, &e, sizeof(e));
}

void madt_x2apic(struct ab_madt *m, uint32_t x2apic_id, uint32_t flags, uint32_t uid)
{
	struct acpi_madt_x2apic e = { { ACPI_MADT_X2APIC, sizeof(e) }, 0,
				      x2apic_id, flags, uid };

	madt_raw(m, &e, sizeof(e));
}

void madt_ioapic(struct ab_madt *m, uint8_t id, uint32_t addr, uint32_t gsi_base)
{
	struct acpi_madt_ioapic e = { { ACPI_MADT_IOAPIC, sizeof(e) }, id, 0,
				      addr, gsi_base };

	madt_raw(m, &e, sizeof(e));
}

void madt_iso(struct ab_madt *m, uint8_t source, uint32_t gsi, uint16_t flags)
{
	struct acpi_madt_iso e = { { ACPI_MADT_ISO, sizeof(e) }, 0, source, gsi, flags };

	madt_raw(m, &e, sizeof(e));
}

void madt_lapic_nmi(struct ab_madt *m, uint8_t uid, uint8_t lint)
{
	struct acpi_madt_lapic_nmi e = { { ACPI_MADT_LAPIC_NMI, sizeof(e) }, uid, 0, lint };

	madt_raw(m, &e, sizeof(e));
}

paddr_t madt_end(struct ab_madt *m, paddr_t pa)
{
	return ab_table(pa, "APIC", 4, m->buf, m->len);
}

paddr_t ab_fadt(paddr_t pa, const struct acpi_fadt *f, uint32_t len, uint8_t rev)
{
	assert_true(len >= ACPI_HEADER_LEN && len <= sizeof(*f));
	return ab_table(pa, "FACP", rev, (const uint8_t *)f + ACPI_HEADER_LEN,
			len - ACPI_HEADER_LEN);
}

struct acpi_gas_raw ab_io(uint64_t port, uint8_t bits)
{
	return (struct acpi_gas_raw){ ACPI_SPACE_IO, bits, 0, 0, port };
}

uint32_t aml_s5(uint8_t *out, bool root, uint8_t n, const uint8_t *elems,
		uint32_t elems_len, unsigned pkglen_bytes)
{
	uint32_t o = 0, pkglen = pkglen_bytes + 1 + elems_len;

	out[o++] = 0x08; /* NameOp */
	if (root)
		out[o++] = '\\';
	memcpy(out + o, "_S5_", 4);
	o += 4;
	out[o++] = 0x12; /* PackageOp */
	if (pkglen_bytes == 1) {
		assert_true(pkglen < 0x40);
		out[o++] = (uint8_t)pkglen;
	} else {
		out[o++] = (uint8_t)(((pkglen_bytes - 1) << 6) | (pkglen & 0x0f));
		for (unsigned k = 1; k < pkglen_bytes; k++)
			out[o++] = (uint8_t)(pkglen >> (4 + 8 * (k - 1)));
	}
	out[o++] = n;
	memcpy(out + o, elems, elems_len);
	return o + elems_len;
}

/* AML-looking bytes around \_S5_ to make the scan work: a string and a
 * method that mention _S5_ without being Name(_S5_, ...).  The method's
 * PkgLength is 8, the value of NameOp, so a scan that trusts the byte
 * before "_S5_" alone would stop there. */
static const uint8_t filler_before[] = {
	0x10, 0x0c, '\\', '_', 'S', 'B', '_',		/* Scope(\_SB) ... */
	0x0d, '_', 'S', '5', '_', 0x00,			/* "_S5_" */
	0x14, 0x08, '_', 'S', '5', '_', 0x00, 0xa4, 0x00, /* Method(_S5_) */
	0x08, '_', 'S', '4', '_', 0x12, 0x04, 0x02, 0x00, 0x00, /* Name(_S4_) */
};
static const uint8_t filler_after[] = {
	0x08, 'P', 'I', 'C', 'F', 0x00,			/* Name(PICF, 0) */
};

paddr_t ab_aml_table(paddr_t pa, const char *sig, const uint8_t *aml,
		     uint32_t n)
{
	uint8_t body[1024];
	uint32_t o = 0;

	assert_true(sizeof(filler_before) + n + sizeof(filler_after) <= sizeof(body));
	memcpy(body + o, filler_before, sizeof(filler_before));
	o += sizeof(filler_before);
	memcpy(body + o, aml, n);
	o += n;
	memcpy(body + o, filler_after, sizeof(filler_after));
	o += sizeof(filler_after);
	return ab_table(pa, sig, 2, body, o);
}

void ab_qemu(void)
{
	static const uint8_t zeros[] = { 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t hpet[20] = { 0x01, 0xa2, 0x86, 0x80 };
	struct acpi_fadt f;
	struct ab_madt m;
	uint8_t aml[64];
	uint32_t n;
	uint32_t root[] = { AB_FADT, AB_MADT, AB_SCRATCH + 0x8000 };

	memset(&f, 0, sizeof(f));
	f.dsdt = AB_DSDT;
	f.sci_int = 9;
	f.pm1a_evt_blk = 0xb000;
	f.pm1a_cnt_blk = 0xb004;
	f.pm_tmr_blk = 0xb008;
	f.pm1_evt_len = 4;
	f.pm1_cnt_len = 2;
	f.pm_tmr_len = 4;
	f.flags = BIT(0) | BIT(4) | BIT(5);
	ab_fadt(AB_FADT, &f, ACPI_FADT_V1_LEN, 1);

	madt_begin(&m, 0xfee00000, ACPI_MADT_PCAT_COMPAT);
	madt_lapic(&m, 0, 0, ACPI_MADT_ENABLED);
	madt_lapic(&m, 1, 1, ACPI_MADT_ENABLED);
	madt_ioapic(&m, 0, 0xfec00000, 0);
	madt_iso(&m, 0, 2, 0);
	madt_iso(&m, 9, 9, 0x000d);
	madt_lapic_nmi(&m, 0xff, 1);
	madt_end(&m, AB_MADT);

	n = aml_s5(aml, false, 4, zeros, sizeof(zeros), 1);
	ab_aml_table(AB_DSDT, "DSDT", aml, n);
	ab_table(AB_SCRATCH + 0x8000, "HPET", 1, hpet, sizeof(hpet));

	ab_rsdt(AB_RSDT, root, 3);
	ab_rsdp(AB_RSDP_ROM, 0, AB_RSDT, 0);
}
