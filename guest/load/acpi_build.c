/* Guest ACPI tables; see acpi_build.h.  Each table is built whole in a
 * small local buffer, checksummed, then stored; the layouts come from
 * arch-x86/acpi_tables.h, shared with the host parser that the unit tests
 * run on the result. */
#include "guest/load/acpi_build.h"
#include "arch-x86/acpi_tables.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/report.h"
#include "lib/string.h"

#define OEM_ID "UHV   "
#define OEM_TABLE_ID "UHVGUEST"
#define CREATOR_ID 0x20564855u	/* "UHV " */
#define TABLE_ALIGN 64u		/* FACS needs 64; the rest are kept alike */

#define RSDT_REV 1
#define XSDT_REV 1
#define FADT_REV 6
#define FADT_MINOR 0
#define MADT_REV 5
#define DSDT_REV 2		/* 64-bit AML integers */
#define FACS_VERSION 2

/* FADT flags (5.2.9, table 5.10). */
#define FADT_WBINVD BIT(0)
#define FADT_PROC_C1 BIT(2)
#define FADT_PWR_BUTTON BIT(4)	/* no fixed-feature power button */
#define FADT_SLP_BUTTON BIT(5)	/* no fixed-feature sleep button */
#define FADT_FIX_RTC BIT(6)	/* no RTC wake status in PM1 */
/* FADT IA-PC boot architecture flags (5.2.9.3). */
#define IAPC_LEGACY_DEVICES BIT(0)
#define IAPC_VGA_NOT_PRESENT BIT(2)
/* C2/C3 latencies above these mean "not supported". */
#define P_LVL2_NONE 101
#define P_LVL3_NONE 1001
/* GAS access sizes. */
#define GAS_BYTE 1
#define GAS_WORD 2
#define GAS_DWORD 3

#define PM_TMR_LEN 4
#define PM1_EVT_LEN 4
#define PM1_CNT_LEN 2

/* MPS INTI flags 0: polarity and trigger conform to the bus (ISA: edge,
 * active high). */
#define MPS_INTI_CONFORMS 0

#define BIOS_AREA_START 0xe0000ull
#define BIOS_AREA_END 0x100000ull

/* Firmware ACPI Control Structure (5.2.10): no checksum, 64-byte aligned. */
struct acpi_facs {
	char sig[4];
	uint32_t length;
	uint32_t hw_signature;
	uint32_t waking_vector;
	uint32_t global_lock;
	uint32_t flags;
	uint64_t x_waking_vector;
	uint8_t version;
	uint8_t reserved0[3];
	uint32_t ospm_flags;
	uint8_t reserved1[24];
} __packed;

_Static_assert(sizeof(struct acpi_facs) == 64, "FACS size");

/* The DSDT's AML (20.2): Name (\_S5_, Package (0x04) { 5, 5, 0, 0 }).
 *   08           NameOp
 *   5C 5F 53 35 5F  "\_S5_"  (RootChar, NameSeg)
 *   12           PackageOp
 *   08           PkgLength: one byte, counts itself and the 7 after it
 *   04           NumElements
 *   0A 05  0A 05 BytePrefix 5, BytePrefix 5  (SLP_TYPa, SLP_TYPb)
 *   00 00        ZeroOp, ZeroOp  (reserved) */
static const uint8_t dsdt_aml[] = {
	0x08, '\\', '_', 'S', '5', '_',
	0x12, 0x08, 0x04,
	0x0a, GUEST_S5_SLP_TYP, 0x0a, GUEST_S5_SLP_TYP, 0x00, 0x00,
};

/* ---- the PCI root bridge in AML (ACPI 6.4, 20.2) ---- */

/* _S5_, then at most: Scope (1 + 2 + 5) + Device (2 + 2 + 4) + _HID (10) +
 * _UID (6) + _CRS (5 + 3 + 2 + 102) + _PRT (5 + 3 + 1 + 12 per entry). */
#define DSDT_AML_MAX (sizeof(dsdt_aml) + 48 + 112 + 12 * ACPI_BUILD_MAX_PRT)

struct aml {
	uint8_t *b;
	size_t n;
};

static void emit(struct aml *a, const void *p, size_t n)
{
	memcpy(a->b + a->n, p, n);
	a->n += n;
}

/* op, PkgLength, then the 'len' bytes of 'body' (20.2.4: the length
 * counts its own bytes; two bytes from 63 on, this builder's maximum). */
static void emit_pkg(struct aml *a, const uint8_t *op, size_t oplen,
		     const uint8_t *body, size_t len)
{
	uint8_t pl[2];
	size_t total;

	emit(a, op, oplen);
	if (len + 1 < 64) {
		pl[0] = (uint8_t)(len + 1);
		emit(a, pl, 1);
	} else {
		total = len + 2;
		pl[0] = (uint8_t)(0x40 | (total & 0xf));
		pl[1] = (uint8_t)(total >> 4);
		emit(a, pl, 2);
	}
	emit(a, body, len);
}

/* Name (_PRT, Package { Package { (slot << 16) | 0xffff, 0 (INTA),
 * 0 (no link: a GSI), gsi }, ... }) */
static void emit_prt(struct aml *a, const struct acpi_build_cfg *cfg)
{
	static const uint8_t name[] = { 0x08, '_', 'P', 'R', 'T' };
	static const uint8_t pkg_op = 0x12;
	uint8_t body[1 + 12 * ACPI_BUILD_MAX_PRT];
	struct aml b = { body, 0 };
	unsigned n = cfg->nprt < ACPI_BUILD_MAX_PRT ? cfg->nprt : ACPI_BUILD_MAX_PRT;
	uint8_t count = (uint8_t)n;

	emit(&b, &count, 1);
	for (unsigned i = 0; i < n; i++) {
		uint32_t adr = ((uint32_t)cfg->prt[i].slot << 16) | 0xffff;
		uint8_t e[10] = { 0x04, 0x0c, (uint8_t)adr, (uint8_t)(adr >> 8),
				  (uint8_t)(adr >> 16), (uint8_t)(adr >> 24),
				  0x00, 0x00, 0x0a, cfg->prt[i].gsi };

		emit_pkg(&b, &pkg_op, 1, e, sizeof(e));
	}
	emit(a, name, sizeof(name));
	emit_pkg(a, &pkg_op, 1, body, b.n);
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

/* Word address space descriptor (6.4.3.5.3), a producer with fixed
 * bounds: bus numbers (type 2) or I/O (type 1, ISA and non-ISA). */
static void crs_word(struct aml *a, uint8_t type, uint32_t min, uint32_t max)
{
	uint8_t d[16] = { 0x88, 13, 0, type, 0x0c, type == 1 ? 0x03 : 0x00 };

	put16(d + 8, min);
	put16(d + 10, max);
	put16(d + 14, max - min + 1);
	emit(a, d, sizeof(d));
}

/* DWord memory descriptor (6.4.3.5.2): a read/write, non-cacheable
 * window the bridge forwards. */
static void crs_mem(struct aml *a, uint32_t min, uint32_t max)
{
	uint8_t d[26] = { 0x87, 23, 0, 0x00, 0x0c, 0x01 };

	put32(d + 10, min);
	put32(d + 14, max);
	put32(d + 22, max - min + 1);
	emit(a, d, sizeof(d));
}

/* Name (_CRS, ResourceTemplate () { buses 0-255, I/O 0-0xcf7 and
 * 0xd00-0xffff (the configuration ports are the bridge's own), the VGA
 * window, the PCI hole }): what the guest may give BARs, and where the
 * hypervisor put them. */
static void emit_crs(struct aml *a)
{
	static const uint8_t name[] = { 0x08, '_', 'C', 'R', 'S' };
	static const uint8_t buf_op = 0x11;
	static const uint8_t end[] = { 0x79, 0x00 };
	uint8_t body[2 + 16 * 3 + 26 * 2 + 2];
	struct aml b = { body, 2 };

	crs_word(&b, 2, 0, 0xff);
	crs_word(&b, 1, 0, 0xcf7);
	crs_word(&b, 1, 0xd00, 0xffff);
	crs_mem(&b, 0xa0000, 0xbffff);
	crs_mem(&b, (uint32_t)GUEST_PCI_MEM_BASE, (uint32_t)(GUEST_PCI_MEM_END - 1));
	emit(&b, end, sizeof(end));
	body[0] = 0x0a; /* BufferSize: BytePrefix, the bytes that follow */
	body[1] = (uint8_t)(b.n - 2);
	emit(a, name, sizeof(name));
	emit_pkg(a, &buf_op, 1, body, b.n);
}

/* Scope (\_SB) { Device (PCI0) { Name (_HID, EisaId ("PNP0A03"));
 * Name (_UID, 0); Name (_CRS, ...); Name (_PRT, ...) } } */
static void emit_pci_root(struct aml *a, const struct acpi_build_cfg *cfg)
{
	static const uint8_t hid[] = { 0x08, '_', 'H', 'I', 'D', 0x0c,
				       0x41, 0xd0, 0x0a, 0x03 };
	static const uint8_t uid[] = { 0x08, '_', 'U', 'I', 'D', 0x00 };
	static const uint8_t dev_op[] = { 0x5b, 0x82 };
	static const uint8_t scope_op = 0x10;
	uint8_t dbody[DSDT_AML_MAX], sbody[DSDT_AML_MAX];
	struct aml d = { dbody, 0 }, sc = { sbody, 0 };

	emit(&d, "PCI0", 4);
	emit(&d, hid, sizeof(hid));
	emit(&d, uid, sizeof(uid));
	emit_crs(&d);
	emit_prt(&d, cfg);
	emit(&sc, "\\_SB_", 5);
	emit_pkg(&sc, dev_op, sizeof(dev_op), dbody, d.n);
	emit_pkg(a, &scope_op, 1, sbody, sc.n);
}

/* The DSDT's AML; its length. */
static size_t build_dsdt_aml(uint8_t *out, const struct acpi_build_cfg *cfg)
{
	struct aml a = { out, 0 };

	emit(&a, dsdt_aml, sizeof(dsdt_aml));
	if (cfg->pci_root)
		emit_pci_root(&a, cfg);
	return a.n;
}

#define RSDT_ENTRIES 3		/* FADT, MADT, and MCFG with an ECAM window */
#define MCFG_REV 1
/* MCFG (PCI Firmware 3.2, 4.1.2): the header, 8 reserved bytes, one
 * 16-byte allocation per segment: base, segment, start and end bus. */
#define MCFG_LEN (ACPI_HEADER_LEN + 8 + 16)
#define DSDT_LEN (ACPI_HEADER_LEN + DSDT_AML_MAX)
#define MADT_MAX_LEN                                                       \
	(sizeof(struct acpi_madt) +                                        \
	 ACPI_BUILD_MAX_CPUS * sizeof(struct acpi_madt_lapic) +             \
	 sizeof(struct acpi_madt_ioapic) + sizeof(struct acpi_madt_iso))

static uint32_t madt_len(unsigned ncpus)
{
	return (uint32_t)(sizeof(struct acpi_madt) +
			  ncpus * sizeof(struct acpi_madt_lapic) +
			  sizeof(struct acpi_madt_ioapic) +
			  sizeof(struct acpi_madt_iso));
}

/* Offsets of the tables from the area's base, in this order. */
struct plan {
	uint64_t rsdp, rsdt, xsdt, facs, fadt, dsdt, mcfg, madt, end;
};

static uint64_t take(uint64_t *cur, uint64_t len)
{
	uint64_t at = *cur;

	*cur = ALIGN_UP(at + len, (uint64_t)TABLE_ALIGN);
	return at;
}

static void make_plan(unsigned ncpus, struct plan *p)
{
	uint64_t cur = 0;

	p->rsdp = take(&cur, ACPI_RSDP_V2_LEN);
	p->rsdt = take(&cur, ACPI_HEADER_LEN + RSDT_ENTRIES * 4);
	p->xsdt = take(&cur, ACPI_HEADER_LEN + RSDT_ENTRIES * 8);
	p->facs = take(&cur, sizeof(struct acpi_facs));
	p->fadt = take(&cur, sizeof(struct acpi_fadt));
	p->dsdt = take(&cur, DSDT_LEN);
	p->mcfg = take(&cur, MCFG_LEN);
	p->madt = cur;
	p->end = cur + madt_len(ncpus);
}

uint64_t acpi_build_size(unsigned ncpus)
{
	struct plan p;

	make_plan(ncpus, &p);
	return p.end;
}

static uint8_t sum8(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	for (size_t i = 0; i < len; i++)
		s = (uint8_t)(s + b[i]);
	return s;
}

/* Fill the header of the table in buf (len bytes) and its checksum;
 * everything after the header must already be in place. */
static void seal(void *buf, const char *sig, uint32_t len, uint8_t rev)
{
	struct acpi_header *h = buf;

	memcpy(h->sig, sig, 4);
	h->length = len;
	h->revision = rev;
	h->checksum = 0;
	memcpy(h->oem_id, OEM_ID, 6);
	memcpy(h->oem_table_id, OEM_TABLE_ID, 8);
	h->oem_revision = 1;
	h->creator_id = CREATOR_ID;
	h->creator_revision = 1;
	h->checksum = (uint8_t)-sum8(buf, len);
}

static struct acpi_gas_raw gas_io(uint16_t port, uint8_t bytes, uint8_t access)
{
	return (struct acpi_gas_raw){
		.space_id = ACPI_SPACE_IO, .bit_width = (uint8_t)(bytes * 8),
		.bit_offset = 0, .access_size = access, .address = port,
	};
}

static void build_rsdp(struct acpi_rsdp *r, uint64_t rsdt, uint64_t xsdt)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->sig, ACPI_RSDP_SIG, 8);
	memcpy(r->oem_id, OEM_ID, 6);
	r->revision = 2;
	r->rsdt = (uint32_t)rsdt;
	r->length = ACPI_RSDP_V2_LEN;
	r->xsdt = xsdt;
	r->checksum = (uint8_t)-sum8(r, ACPI_RSDP_V1_LEN);
	r->ext_checksum = (uint8_t)-sum8(r, ACPI_RSDP_V2_LEN);
}

static void build_fadt(struct acpi_fadt *f, const struct acpi_build_out *o,
		       uint16_t pm)
{
	uint16_t evt = pm + GUEST_PM1_EVT_OFF, cnt = pm + GUEST_PM1_CNT_OFF;
	uint16_t tmr = pm + GUEST_PM_TMR_OFF;

	memset(f, 0, sizeof(*f));
	/* Both forms of each pointer, equal: everything lies below 4 GiB. */
	f->firmware_ctrl = (uint32_t)o->facs;
	f->x_firmware_ctrl = o->facs;
	f->dsdt = (uint32_t)o->dsdt;
	f->x_dsdt = o->dsdt;
	f->sci_int = GUEST_SCI_IRQ;
	f->pm1a_evt_blk = evt;
	f->pm1a_cnt_blk = cnt;
	f->pm_tmr_blk = tmr;
	f->pm1_evt_len = PM1_EVT_LEN;
	f->pm1_cnt_len = PM1_CNT_LEN;
	f->pm_tmr_len = PM_TMR_LEN;
	f->p_lvl2_lat = P_LVL2_NONE;
	f->p_lvl3_lat = P_LVL3_NONE;
	f->iapc_boot_arch = IAPC_LEGACY_DEVICES | IAPC_VGA_NOT_PRESENT;
	f->flags = FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON |
		   FADT_SLP_BUTTON | FADT_FIX_RTC | ACPI_FADT_TMR_VAL_EXT |
		   ACPI_FADT_RESET_REG_SUP;
	f->reset_reg = gas_io(GUEST_RESET_PORT, 1, GAS_BYTE);
	f->reset_value = GUEST_RESET_VALUE;
	f->minor_version = FADT_MINOR;
	f->x_pm1a_evt_blk = gas_io(evt, PM1_EVT_LEN, GAS_WORD);
	f->x_pm1a_cnt_blk = gas_io(cnt, PM1_CNT_LEN, GAS_WORD);
	f->x_pm_tmr_blk = gas_io(tmr, PM_TMR_LEN, GAS_DWORD);
	memcpy(&f->hypervisor_vendor_id, "uHV\0\0\0\0\0", 8);
	seal(f, "FACP", sizeof(*f), FADT_REV);
}

/* MADT (5.2.12) into buf, which holds MADT_MAX_LEN bytes. */
static uint32_t build_madt(uint8_t *buf, const struct acpi_build_cfg *cfg)
{
	struct acpi_madt m = {
		.lapic_addr = GUEST_LAPIC_ADDR,
		.flags = cfg->legacy_pic ? ACPI_MADT_PCAT_COMPAT : 0,
	};
	struct acpi_madt_ioapic io = {
		.e = { ACPI_MADT_IOAPIC, sizeof(io) }, .id = GUEST_IOAPIC_ID,
		.addr = GUEST_IOAPIC_ADDR, .gsi_base = GUEST_IOAPIC_GSI_BASE,
	};
	struct acpi_madt_iso iso = {
		.e = { ACPI_MADT_ISO, sizeof(iso) }, .bus = 0, .source = 0,
		.gsi = GUEST_PIT_GSI, .flags = MPS_INTI_CONFORMS,
	};
	uint32_t off = sizeof(m);

	memcpy(buf, &m, sizeof(m));
	for (unsigned i = 0; i < cfg->ncpus; i++) {
		struct acpi_madt_lapic l = {
			.e = { ACPI_MADT_LAPIC, sizeof(l) }, .uid = (uint8_t)i,
			.apic_id = (uint8_t)i, .flags = ACPI_MADT_ENABLED,
		};

		memcpy(buf + off, &l, sizeof(l));
		off += sizeof(l);
	}
	memcpy(buf + off, &io, sizeof(io));
	off += sizeof(io);
	memcpy(buf + off, &iso, sizeof(iso));
	off += sizeof(iso);
	seal(buf, "APIC", off, MADT_REV);
	return off;
}

static int check_cfg(const struct acpi_build_cfg *cfg, uint64_t need,
		     char *err, size_t errlen)
{
	if (cfg->ncpus < 1 || cfg->ncpus > ACPI_BUILD_MAX_CPUS)
		return report_fail(err, errlen, -EINVAL, "acpi: %u CPUs (1 to %u supported)",
			    cfg->ncpus, ACPI_BUILD_MAX_CPUS);
	if (!IS_ALIGNED(cfg->base, (uint64_t)TABLE_ALIGN) || !cfg->base ||
	    cfg->base >= GUEST_4G || cfg->size > GUEST_4G - cfg->base)
		return report_fail(err, errlen, -EINVAL,
			    "acpi: area [0x%llx, +0x%llx) is not 64-byte aligned below 4 GiB",
			    (unsigned long long)cfg->base,
			    (unsigned long long)cfg->size);
	if (cfg->size < need)
		return report_fail(err, errlen, -EINVAL,
			    "acpi: area of 0x%llx bytes is too small; %u CPUs need 0x%llx",
			    (unsigned long long)cfg->size, cfg->ncpus,
			    (unsigned long long)need);
	if (cfg->rsdp_copy &&
	    (!IS_ALIGNED(cfg->rsdp_copy, 16) || cfg->rsdp_copy < BIOS_AREA_START ||
	     cfg->rsdp_copy > BIOS_AREA_END - ACPI_RSDP_V2_LEN))
		return report_fail(err, errlen, -EINVAL,
			    "acpi: RSDP copy at 0x%llx is not 16-byte aligned in [0xe0000, 0x100000)",
			    (unsigned long long)cfg->rsdp_copy);
	if ((uint32_t)(cfg->pm_base ? cfg->pm_base : GUEST_PM_BASE_DEFAULT) +
		    GUEST_PM_BLOCK_LEN > 0x10000u)
		return report_fail(err, errlen, -EINVAL, "acpi: PM block at port 0x%x runs past port 0xffff",
			    cfg->pm_base);
	return 0;
}

static int put(const struct guest_mem_ops *mem, uint64_t gpa, const void *p,
	       size_t len, char *err, size_t errlen)
{
	if (mem->write(mem->ctx, gpa, p, len) < 0)
		return report_fail(err, errlen, -EINVAL, "acpi: cannot write guest RAM at 0x%llx (+0x%zx)",
			    (unsigned long long)gpa, len);
	return 0;
}

/* The pointer tables: RSDT (32-bit entries) and XSDT (64-bit). */
static int put_roots(const struct guest_mem_ops *mem,
		     const struct acpi_build_out *o, char *err, size_t errlen)
{
	const uint64_t tables[RSDT_ENTRIES] = { o->fadt, o->madt, o->mcfg };
	unsigned n = o->mcfg ? RSDT_ENTRIES : RSDT_ENTRIES - 1;
	uint8_t rsdt[ACPI_HEADER_LEN + RSDT_ENTRIES * 4] = { 0 };
	uint8_t xsdt[ACPI_HEADER_LEN + RSDT_ENTRIES * 8] = { 0 };

	for (unsigned i = 0; i < n; i++) {
		uint32_t t32 = (uint32_t)tables[i];

		memcpy(rsdt + ACPI_HEADER_LEN + 4 * i, &t32, 4);
		memcpy(xsdt + ACPI_HEADER_LEN + 8 * i, &tables[i], 8);
	}
	seal(rsdt, "RSDT", ACPI_HEADER_LEN + n * 4, RSDT_REV);
	seal(xsdt, "XSDT", ACPI_HEADER_LEN + n * 8, XSDT_REV);
	if (put(mem, o->rsdt, rsdt, ACPI_HEADER_LEN + n * 4, err, errlen) ||
	    put(mem, o->xsdt, xsdt, ACPI_HEADER_LEN + n * 8, err, errlen))
		return -EINVAL;
	return 0;
}

/* The ECAM window of segment 0, buses 0 to ecam_end_bus. */
static int put_mcfg(const struct guest_mem_ops *mem,
		    const struct acpi_build_cfg *cfg,
		    const struct acpi_build_out *o, char *err, size_t errlen)
{
	uint8_t mcfg[MCFG_LEN] = { 0 };
	uint8_t *a = mcfg + ACPI_HEADER_LEN + 8;

	if (!o->mcfg)
		return 0;
	memcpy(a, &cfg->ecam_base, 8);
	a[11] = cfg->ecam_end_bus; /* segment 0 (8-9), start bus 0 (10) */
	seal(mcfg, "MCFG", sizeof(mcfg), MCFG_REV);
	return put(mem, o->mcfg, mcfg, sizeof(mcfg), err, errlen);
}

static int put_tables(const struct guest_mem_ops *mem,
		      const struct acpi_build_cfg *cfg,
		      const struct acpi_build_out *o, char *err, size_t errlen)
{
	uint16_t pm = cfg->pm_base ? cfg->pm_base : GUEST_PM_BASE_DEFAULT;
	struct acpi_facs facs = { .length = sizeof(facs), .version = FACS_VERSION };
	uint8_t dsdt[DSDT_LEN] = { 0 };
	uint8_t madt[MADT_MAX_LEN];
	struct acpi_fadt fadt;
	struct acpi_rsdp rsdp;
	uint32_t mlen;
	size_t dlen;

	memcpy(facs.sig, "FACS", 4);
	build_rsdp(&rsdp, o->rsdt, o->xsdt);
	build_fadt(&fadt, o, pm);
	dlen = ACPI_HEADER_LEN + build_dsdt_aml(dsdt + ACPI_HEADER_LEN, cfg);
	seal(dsdt, "DSDT", (uint32_t)dlen, DSDT_REV);
	mlen = build_madt(madt, cfg);

	if (guest_mem_zero(mem, cfg->base, o->end - cfg->base) < 0)
		return report_fail(err, errlen, -EINVAL, "acpi: cannot write guest RAM at 0x%llx",
			    (unsigned long long)cfg->base);
	if (put(mem, o->rsdp, &rsdp, sizeof(rsdp), err, errlen) ||
	    put_roots(mem, o, err, errlen) ||
	    put(mem, o->facs, &facs, sizeof(facs), err, errlen) ||
	    put(mem, o->fadt, &fadt, sizeof(fadt), err, errlen) ||
	    put(mem, o->dsdt, dsdt, dlen, err, errlen) ||
	    put(mem, o->madt, madt, mlen, err, errlen) ||
	    put_mcfg(mem, cfg, o, err, errlen))
		return -EINVAL;
	if (cfg->rsdp_copy)
		return put(mem, cfg->rsdp_copy, &rsdp, sizeof(rsdp), err, errlen);
	return 0;
}

int acpi_build(const struct guest_mem_ops *mem, const struct acpi_build_cfg *cfg,
	       struct acpi_build_out *out, char *err, size_t errlen)
{
	struct plan p;

	make_plan(cfg->ncpus, &p);
	if (check_cfg(cfg, p.end, err, errlen))
		return -EINVAL;
	*out = (struct acpi_build_out){
		.rsdp = cfg->base + p.rsdp, .rsdt = cfg->base + p.rsdt,
		.xsdt = cfg->base + p.xsdt, .facs = cfg->base + p.facs,
		.fadt = cfg->base + p.fadt, .dsdt = cfg->base + p.dsdt,
		.madt = cfg->base + p.madt, .end = cfg->base + p.end,
		.mcfg = cfg->ecam_base ? cfg->base + p.mcfg : 0,
	};
	return put_tables(mem, cfg, out, err, errlen);
}
