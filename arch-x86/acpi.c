/* Host ACPI table parser (ACPI 6.5, chapter 5.2 and, for \_S5_, the AML
 * encoding of chapter 20).  See acpi.h for what is trusted: nothing from
 * firmware is, so every range is checked readable before phys_to_virt()
 * and every length before the bytes it covers. */
#include "arch-x86/acpi.h"
#include "drivers/emu_exit.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/errno.h"
#include "mm/phys.h"

#include <stdarg.h>

/* Where a BIOS may keep the RSDP (5.2.5.1): the first KiB of the EBDA,
 * whose real-mode segment the BIOS data area holds at 0x40E, and the BIOS
 * ROM area; the RSDP sits on a 16-byte boundary. */
#define BDA_EBDA_SEG 0x40eu
#define EBDA_SCAN_LEN KiB(1)
#define EBDA_MIN 0x500u		/* above the BIOS data area */
#define EBDA_LIMIT 0xa0000u	/* below the VGA hole */
#define BIOS_ROM_START 0xe0000u
#define BIOS_ROM_END 0x100000u
#define RSDP_ALIGN 16u
#define RSDP_MAX_LEN PAGE_SIZE	/* a longer "extended" RSDP is corrupt */

/* What the direct map covers besides the memory map (mm/paging.c). */
#define LOW_MEM_END MiB(1)
#define READ_LIMIT BIT(47)

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

/* What acpi_find_table() needs after acpi_init(). */
static struct {
	const struct boot_info *bi;
	acpi_map_fn map;
	paddr_t root;		/* 0: acpi_init() found no root table */
	bool xsdt;
	paddr_t dsdt;
} acpi;

/* ---- which memory may be read ------------------------------------------ */

enum mem_kind { MEM_NONE, MEM_DIRECT, MEM_NEEDS_MAP };

static bool direct_type(uint32_t type)
{
	return type == MEM_USABLE || type == MEM_ACPI_RECLAIM ||
	       type == MEM_ACPI_NVS;
}

/* What kind of memory pa is in, and in *end where the longest stretch of
 * that kind containing pa ends; directly mapped memory wins over
 * reserved. */
static enum mem_kind mem_at(paddr_t pa, paddr_t *end)
{
	const struct boot_info *bi = acpi.bi;
	paddr_t direct_end = 0, resv_end = 0;

	if (pa < LOW_MEM_END)
		direct_end = LOW_MEM_END;
	if (bi && pa >= bi->info_start && pa < bi->info_end)
		direct_end = MAX(direct_end, bi->info_end);
	for (unsigned i = 0; bi && i < MIN(bi->mmap_count, BOOT_MAX_MMAP); i++) {
		const struct mem_region *m = &bi->mmap[i];
		paddr_t m_end = m->len > UINT64_MAX - m->base ? UINT64_MAX :
							       m->base + m->len;

		if (pa < m->base || pa >= m_end)
			continue;
		if (direct_type(m->type))
			direct_end = MAX(direct_end, m_end);
		else if (m->type == MEM_RESERVED)
			resv_end = MAX(resv_end, m_end);
	}
	if (direct_end) {
		*end = direct_end;
		return MEM_DIRECT;
	}
	*end = resv_end;
	return resv_end ? MEM_NEEDS_MAP : MEM_NONE;
}

/* May [pa, pa + len) be read through phys_to_virt()?  Stretches in
 * reserved memory are offered to the mapper one by one. */
static bool readable(paddr_t pa, uint64_t len)
{
	paddr_t cur = pa, end, stretch_end;

	if (len == 0 || pa >= READ_LIMIT || len > READ_LIMIT - pa)
		return false;
	end = pa + len;
	while (cur < end) {
		enum mem_kind kind = mem_at(cur, &stretch_end);

		if (kind == MEM_NONE)
			return false;
		stretch_end = MIN(stretch_end, end);
		if (kind == MEM_NEEDS_MAP &&
		    (!acpi.map || !acpi.map(cur, stretch_end - cur)))
			return false;
		cur = stretch_end;
	}
	return true;
}

/* ---- tables -------------------------------------------------------------- */

bool acpi_checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + b[i]);
	return sum == 0;
}

/* A firmware signature made printable, for messages. */
static void sig_text(const char *sig, char out[5])
{
	for (unsigned i = 0; i < 4; i++)
		out[i] = sig[i] >= 0x20 && sig[i] < 0x7f ? sig[i] : '?';
	out[4] = '\0';
}

static void __printf(4, 5) table_bad(const char *what, paddr_t pa,
				     const struct acpi_header *h,
				     const char *fmt, ...)
{
	char why[96], sig[5] = "";
	va_list ap;

	if (!what)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (h)
		sig_text(h->sig, sig);
	pr_warn("acpi: %s at 0x%llx%s%s%s: %s; skipped\n", what,
		(unsigned long long)pa, h ? " (\"" : "", sig, h ? "\")" : "",
		why);
}

/* The table at pa if it is readable, has signature 'sig' (any when NULL),
 * a sane length and a valid checksum; otherwise NULL, and a message
 * naming it 'what' (none when NULL). */
static const struct acpi_header *map_table(paddr_t pa, const char *sig,
					   const char *what)
{
	const struct acpi_header *h;
	uint32_t len;

	if (!readable(pa, ACPI_HEADER_LEN)) {
		table_bad(what, pa, NULL, "not in memory the hypervisor can read");
		return NULL;
	}
	h = phys_to_virt(pa);
	if (sig && memcmp(h->sig, sig, 4)) {
		table_bad(what, pa, h, "signature is not \"%.4s\"", sig);
		return NULL;
	}
	len = h->length;
	if (len < ACPI_HEADER_LEN || len > ACPI_TABLE_MAX_LEN) {
		table_bad(what, pa, h, "absurd length %u", len);
		return NULL;
	}
	if (!readable(pa, len)) {
		table_bad(what, pa, h, "its %u bytes run outside readable memory",
			  len);
		return NULL;
	}
	if (!acpi_checksum_ok(h, len)) {
		table_bad(what, pa, h, "bad checksum");
		return NULL;
	}
	return h;
}

static const char *root_name(void)
{
	return acpi.xsdt ? "XSDT" : "RSDT";
}

static unsigned root_entry_size(void)
{
	return acpi.xsdt ? 8 : 4;
}

static unsigned root_count(const struct acpi_header *root)
{
	return (root->length - ACPI_HEADER_LEN) / root_entry_size();
}

/* Entry i of a validated root table: 32- or 64-bit, unaligned. */
static paddr_t root_entry(const struct acpi_header *root, unsigned i)
{
	unsigned size = root_entry_size();
	const uint8_t *p = (const uint8_t *)root + ACPI_HEADER_LEN + i * size;
	paddr_t pa = 0;

	for (unsigned b = 0; b < size; b++)
		pa |= (paddr_t)p[b] << (8 * b);
	return pa;
}

const struct acpi_header *acpi_find_table(const char sig[4], unsigned instance)
{
	const struct acpi_header *root;

	if (!acpi.root)
		return NULL;
	if (!memcmp(sig, "DSDT", 4))
		return instance == 0 && acpi.dsdt ?
			       map_table(acpi.dsdt, "DSDT", NULL) : NULL;
	root = map_table(acpi.root, root_name(), NULL);
	if (!root)
		return NULL;
	for (unsigned i = 0; i < root_count(root); i++) {
		paddr_t pa = root_entry(root, i);
		const struct acpi_header *h = pa ? map_table(pa, sig, NULL) : NULL;

		if (h && instance-- == 0)
			return h;
	}
	return NULL;
}

/* Report every table the root lists, once, and count the valid ones. */
static void walk_root(struct acpi_info *out)
{
	const struct acpi_header *root = map_table(acpi.root, NULL, NULL);
	char what[32], sig[5];
	unsigned n;

	if (!root) /* checked just before: cannot happen */
		return;
	n = root_count(root);
	if ((root->length - ACPI_HEADER_LEN) % root_entry_size())
		pr_warn("acpi: %s length %u ends in a partial entry; ignored\n",
			root_name(), root->length);
	for (unsigned i = 0; i < n; i++) {
		paddr_t pa = root_entry(root, i);
		const struct acpi_header *h;

		if (!pa) {
			pr_warn("acpi: %s entry %u is null; skipped\n",
				root_name(), i);
			continue;
		}
		snprintf(what, sizeof(what), "%s entry %u", root_name(), i);
		h = map_table(pa, NULL, what);
		if (!h)
			continue;
		out->ntables++;
		sig_text(h->sig, sig);
		pr_debug("acpi: %s at 0x%llx, %u bytes, revision %u\n", sig,
			 (unsigned long long)pa, h->length, h->revision);
	}
}

/* ---- RSDP ---------------------------------------------------------------- */

/* Check an RSDP candidate of which 'avail' bytes may be read.  Returns 2
 * when its XSDT address may be used, 1 when only the ACPI 1.0 part is
 * valid (RSDT), 0 with *why set when it is no RSDP. */
static int rsdp_check(paddr_t pa, uint64_t avail, const char **why)
{
	const struct acpi_rsdp *r;
	uint32_t len;

	if (avail < ACPI_RSDP_V1_LEN || !readable(pa, ACPI_RSDP_V1_LEN)) {
		*why = "too short or unreadable";
		return 0;
	}
	r = phys_to_virt(pa);
	if (memcmp(r->sig, ACPI_RSDP_SIG, sizeof(r->sig))) {
		*why = "no \"RSD PTR \" signature";
		return 0;
	}
	if (!acpi_checksum_ok(r, ACPI_RSDP_V1_LEN)) {
		*why = "bad checksum";
		return 0;
	}
	if (r->revision < 2)
		return 1;
	if (avail < ACPI_RSDP_V2_LEN || !readable(pa, ACPI_RSDP_V2_LEN)) {
		pr_warn("acpi: RSDP at 0x%llx: revision %u, but only its ACPI 1.0 part is there; using the RSDT\n",
			(unsigned long long)pa, r->revision);
		return 1;
	}
	len = r->length;
	if (len < ACPI_RSDP_V2_LEN || len > MIN(avail, RSDP_MAX_LEN) ||
	    !readable(pa, len) || !acpi_checksum_ok(r, len)) {
		pr_warn("acpi: RSDP at 0x%llx: revision %u with a bad length (%u) or extended checksum; using the RSDT\n",
			(unsigned long long)pa, r->revision, len);
		return 1;
	}
	return 2;
}

/* The first valid RSDP on a 16-byte boundary in [start, start + len). */
static paddr_t scan_area(paddr_t start, uint64_t len, int *cls)
{
	const char *base, *why;

	if (!readable(start, len))
		return 0;
	base = phys_to_virt(start);
	for (uint64_t off = 0; off + ACPI_RSDP_V1_LEN <= len; off += RSDP_ALIGN) {
		if (memcmp(base + off, ACPI_RSDP_SIG, 8))
			continue;
		*cls = rsdp_check(start + off, len - off, &why);
		if (*cls)
			return start + off;
		pr_debug("acpi: RSDP candidate at 0x%llx: %s\n",
			 (unsigned long long)(start + off), why);
	}
	return 0;
}

static paddr_t scan_bios(int *cls)
{
	paddr_t pa, ebda = 0;

	if (readable(BDA_EBDA_SEG, 2)) {
		const uint8_t *seg = phys_to_virt(BDA_EBDA_SEG);

		ebda = (paddr_t)(seg[0] | seg[1] << 8) << 4;
	}
	if (ebda >= EBDA_MIN && ebda + EBDA_SCAN_LEN <= EBDA_LIMIT) {
		pa = scan_area(ebda, EBDA_SCAN_LEN, cls);
		if (pa) {
			pr_debug("acpi: RSDP found in the EBDA\n");
			return pa;
		}
	}
	pa = scan_area(BIOS_ROM_START, BIOS_ROM_END - BIOS_ROM_START, cls);
	if (pa)
		pr_debug("acpi: RSDP found in the BIOS ROM area\n");
	return pa;
}

static paddr_t find_rsdp(const struct boot_info *bi, int *cls)
{
	const char *why;

	if (bi && bi->rsdp) {
		*cls = rsdp_check(bi->rsdp, bi->rsdp_len, &why);
		if (*cls)
			return bi->rsdp;
		pr_warn("acpi: the loader's RSDP copy at 0x%llx is invalid (%s); scanning the BIOS areas\n",
			(unsigned long long)bi->rsdp, why);
	}
	return scan_bios(cls);
}

/* The XSDT when the RSDP allows it and it is valid, else the RSDT. */
static bool choose_root(paddr_t rsdp, int cls, struct acpi_info *out)
{
	const struct acpi_rsdp *r = phys_to_virt(rsdp);
	uint64_t xsdt = cls == 2 ? r->xsdt : 0;
	uint32_t rsdt = r->rsdt;

	out->rsdp = rsdp;
	out->rsdp_revision = r->revision;
	if (xsdt) {
		if (map_table(xsdt, "XSDT", "XSDT")) {
			acpi.root = xsdt;
			acpi.xsdt = true;
			return true;
		}
		if (rsdt)
			pr_warn("acpi: falling back to the RSDT\n");
	}
	if (!rsdt) {
		if (!xsdt)
			pr_warn("acpi: RSDP at 0x%llx names no root table\n",
				(unsigned long long)rsdp);
		return false;
	}
	if (!map_table(rsdt, "RSDT", "RSDT"))
		return false;
	acpi.root = rsdt;
	acpi.xsdt = false;
	return true;
}

/* ---- MADT ---------------------------------------------------------------- */

/* Smallest valid length of each entry type this parser reads. */
static const uint8_t madt_min_len[] = {
	[ACPI_MADT_LAPIC] = sizeof(struct acpi_madt_lapic),
	[ACPI_MADT_IOAPIC] = sizeof(struct acpi_madt_ioapic),
	[ACPI_MADT_ISO] = sizeof(struct acpi_madt_iso),
	[ACPI_MADT_NMI_SRC] = sizeof(struct acpi_madt_nmi_src),
	[ACPI_MADT_LAPIC_NMI] = sizeof(struct acpi_madt_lapic_nmi),
	[ACPI_MADT_LAPIC_ADDR] = sizeof(struct acpi_madt_lapic_addr),
	[ACPI_MADT_X2APIC] = sizeof(struct acpi_madt_x2apic),
	[ACPI_MADT_X2APIC_NMI] = sizeof(struct acpi_madt_x2apic_nmi),
};

/* While the MADT is parsed. */
struct madt_ctx {
	struct acpi_info *out;
	uint32_t bsp;
};

/* An enabled CPU past the limit is dropped, unless it is the boot CPU,
 * which takes the last slot instead. */
static void add_cpu(const struct madt_ctx *c, uint32_t id, uint32_t flags,
		    bool x2apic)
{
	struct acpi_info *out = c->out;
	unsigned slot;

	if (!(flags & ACPI_MADT_ENABLED)) {
		if (flags & ACPI_MADT_ONLINE_CAPABLE)
			out->cpus_hotplug++;
		else
			out->cpus_disabled++;
		return;
	}
	for (unsigned i = 0; i < out->ncpus; i++) {
		if (out->apic_ids[i] == id) {
			pr_warn("acpi: MADT lists APIC ID %u twice; the copy is ignored\n",
				id);
			return;
		}
	}
	if (out->ncpus == ACPI_MAX_CPUS) {
		out->cpus_dropped++;
		if (id != c->bsp)
			return;
		slot = ACPI_MAX_CPUS - 1;
	} else {
		slot = out->ncpus++;
	}
	out->apic_ids[slot] = id;
	out->cpu_x2apic[slot] = x2apic;
}

static void add_ioapic(struct acpi_info *out, const struct acpi_madt_ioapic *io)
{
	if (out->nioapics == ACPI_MAX_IOAPICS) {
		pr_warn("acpi: MADT: IOAPIC id %u beyond the %u supported; ignored\n",
			io->id, ACPI_MAX_IOAPICS);
		return;
	}
	out->ioapic[out->nioapics++] = (struct acpi_ioapic){
		.id = io->id, .addr = io->addr, .gsi_base = io->gsi_base,
	};
}

static void add_override(struct acpi_info *out, const struct acpi_madt_iso *iso)
{
	if (out->noverrides == ACPI_MAX_OVERRIDES) {
		pr_warn("acpi: MADT: override of IRQ %u beyond the %u supported; ignored\n",
			iso->source, ACPI_MAX_OVERRIDES);
		return;
	}
	out->override[out->noverrides++] = (struct acpi_override){
		.bus_irq = iso->source, .gsi = iso->gsi, .flags = iso->flags,
	};
}

/* One entry, whose length lies within the table. */
static bool madt_entry(const struct acpi_madt_entry *e, uint32_t off,
		       const struct madt_ctx *c)
{
	struct acpi_info *out = c->out;

	if (e->type < ARRAY_SIZE(madt_min_len) &&
	    e->length < madt_min_len[e->type]) {
		pr_warn("acpi: MADT entry at offset %u: type %u needs %u bytes, has %u\n",
			off, e->type, madt_min_len[e->type], e->length);
		return false;
	}
	switch (e->type) {
	case ACPI_MADT_LAPIC: {
		const struct acpi_madt_lapic *l = (const void *)e;

		if (l->apic_id != 0xff) /* the xAPIC broadcast ID: a filler */
			add_cpu(c, l->apic_id, l->flags, false);
		break;
	}
	case ACPI_MADT_X2APIC: {
		const struct acpi_madt_x2apic *x = (const void *)e;

		if (x->x2apic_id != UINT32_MAX)
			add_cpu(c, x->x2apic_id, x->flags, true);
		break;
	}
	case ACPI_MADT_IOAPIC:
		add_ioapic(out, (const void *)e);
		break;
	case ACPI_MADT_ISO:
		add_override(out, (const void *)e);
		break;
	case ACPI_MADT_NMI_SRC:
		out->nmi_sources++;
		break;
	case ACPI_MADT_LAPIC_NMI:
	case ACPI_MADT_X2APIC_NMI:
		out->lapic_nmis++;
		break;
	case ACPI_MADT_LAPIC_ADDR: {
		const struct acpi_madt_lapic_addr *a = (const void *)e;

		if (a->addr)
			out->lapic_base = a->addr;
		break;
	}
	default: /* entries for other interrupt controllers */
		break;
	}
	return true;
}

/* The whole MADT, or false (reported) when its entry list is malformed. */
static bool madt_parse(const struct acpi_header *h, struct acpi_info *out,
		       uint32_t bsp)
{
	const struct madt_ctx c = { out, bsp };
	const struct acpi_madt *m = (const void *)h;
	const uint8_t *base = (const uint8_t *)h;
	uint32_t len = h->length, off;

	if (len < sizeof(*m)) {
		pr_warn("acpi: MADT of %u bytes is shorter than its header\n", len);
		return false;
	}
	out->lapic_base = m->lapic_addr;
	out->pcat_compat = m->flags & ACPI_MADT_PCAT_COMPAT;
	for (off = sizeof(*m); off < len;) {
		const struct acpi_madt_entry *e = (const void *)(base + off);

		if (len - off < sizeof(*e)) {
			pr_warn("acpi: MADT entry at offset %u: header cut off by the table end\n",
				off);
			return false;
		}
		if (e->length < sizeof(*e) || e->length > len - off) {
			pr_warn("acpi: MADT entry at offset %u: length %u %s\n", off,
				e->length, e->length < sizeof(*e) ?
				"is too small" : "runs past the table end");
			return false;
		}
		if (!madt_entry(e, off, &c))
			return false;
		off += e->length;
	}
	out->has_madt = true;
	if (out->cpus_dropped)
		pr_warn("acpi: MADT lists %u enabled CPUs beyond the %u supported; ignored\n",
			out->cpus_dropped, ACPI_MAX_CPUS);
	return true;
}

/* What is known without a usable MADT: the boot CPU and the default
 * local APIC address. */
static void madt_fallback(struct acpi_info *out, uint32_t bsp)
{
	out->has_madt = false;
	out->ncpus = 1;
	out->apic_ids[0] = bsp;
	out->cpu_x2apic[0] = false;
	out->cpus_disabled = out->cpus_hotplug = out->cpus_dropped = 0;
	out->lapic_base = ACPI_LAPIC_DEFAULT;
	out->pcat_compat = false;
	out->nioapics = out->noverrides = 0;
	out->nmi_sources = out->lapic_nmis = 0;
}

/* apic_ids[0] is the boot CPU: move it there, or add it. */
static void bsp_first(struct acpi_info *out, uint32_t bsp)
{
	unsigned i = 0;
	bool x2;

	while (i < out->ncpus && out->apic_ids[i] != bsp)
		i++;
	if (i == out->ncpus) {
		if (out->ncpus)
			pr_warn("acpi: MADT does not list the boot CPU (APIC ID %u); added\n",
				bsp);
		else
			pr_warn("acpi: MADT lists no enabled CPU; using the boot CPU (APIC ID %u)\n",
				bsp);
		if (out->ncpus == ACPI_MAX_CPUS) {
			out->ncpus--;
			out->cpus_dropped++;
		}
		i = out->ncpus++;
		out->apic_ids[i] = bsp;
		out->cpu_x2apic[i] = false;
	}
	x2 = out->cpu_x2apic[i];
	for (; i > 0; i--) {
		out->apic_ids[i] = out->apic_ids[i - 1];
		out->cpu_x2apic[i] = out->cpu_x2apic[i - 1];
	}
	out->apic_ids[0] = bsp;
	out->cpu_x2apic[0] = x2;
}

static void find_madt(struct acpi_info *out, uint32_t bsp)
{
	const struct acpi_header *h = acpi_find_table("APIC", 0);

	out->ncpus = 0; /* drop the fallback's boot CPU; bsp_first() adds it */
	if (h && madt_parse(h, out, bsp)) {
		bsp_first(out, bsp);
		return;
	}
	madt_fallback(out, bsp);
	pr_warn("acpi: %s; running on the boot CPU only (APIC ID %u)\n",
		h ? "MADT ignored" : "no usable MADT", bsp);
}

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
static void fadt_parse(const struct acpi_header *h, struct acpi_info *out)
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
		sig_text(h->sig, sig);
		if (i + 4 >= len || b[i + 4] != AML_PACKAGE) {
			pr_debug("acpi: %s: _S5_ at offset 0x%x is no package; passed over\n",
				 sig, op);
			continue;
		}
		why = aml_s5_package(b, i + 5, len, typ);
		if (why) {
			pr_warn("acpi: %s: \\_S5_ at offset 0x%x: %s; S5 unknown\n",
				sig, op, why);
			return -1;
		}
		out->has_s5 = true;
		out->slp_typa = typ[0];
		out->slp_typb = typ[1];
		return 1;
	}
	return 0;
}

/* \_S5_ lives in the DSDT, rarely in an SSDT; its absence is no error. */
static void find_s5(struct acpi_info *out)
{
	const struct acpi_header *h = map_table(out->dsdt, "DSDT", "DSDT");
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

/* ---- entry points -------------------------------------------------------- */

void acpi_set_mapper(acpi_map_fn map)
{
	acpi.map = map;
}

int acpi_init(const struct boot_info *bi, uint32_t bsp_apic_id,
	      struct acpi_info *out)
{
	const struct acpi_header *fadt;
	paddr_t rsdp;
	int cls = 0;

	memset(out, 0, sizeof(*out));
	madt_fallback(out, bsp_apic_id);
	acpi.bi = bi;
	acpi.root = 0;
	acpi.xsdt = false;
	acpi.dsdt = 0;

	rsdp = find_rsdp(bi, &cls);
	if (!rsdp) {
		pr_warn("acpi: no RSDP found; no ACPI tables, running on the boot CPU only (APIC ID %u)\n",
			bsp_apic_id);
		return -ENOENT;
	}
	if (!choose_root(rsdp, cls, out)) {
		pr_warn("acpi: no usable RSDT or XSDT; no ACPI tables, running on the boot CPU only (APIC ID %u)\n",
			bsp_apic_id);
		return -ENOENT;
	}
	out->root = acpi.root;
	out->xsdt = acpi.xsdt;
	walk_root(out);
	find_madt(out, bsp_apic_id);

	fadt = acpi_find_table("FACP", 0);
	if (!fadt) {
		pr_warn("acpi: no usable FADT; no PM timer, S5 unknown\n");
		return 0;
	}
	fadt_parse(fadt, out);
	acpi.dsdt = out->dsdt;
	if (out->dsdt)
		find_s5(out);
	else
		pr_warn("acpi: FADT names no DSDT; S5 unknown\n");
	return 0;
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

/* ---- report -------------------------------------------------------------- */

#define PRINT_MAX_IDS 16

struct line {
	char buf[768];
	size_t len;
};

static void __printf(2, 3) put(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len = MIN(l->len + (size_t)n, sizeof(l->buf) - 1);
}

static const char *plural(unsigned n)
{
	return n == 1 ? "" : "s";
}

static void print_madt(struct line *l, const struct acpi_info *ai)
{
	unsigned shown = MIN(ai->ncpus, PRINT_MAX_IDS);

	put(l, "%s", ai->has_madt ? "MADT: " : "no MADT: ");
	put(l, "%u CPU%s (APIC ID%s ", ai->ncpus, plural(ai->ncpus),
	    plural(ai->ncpus));
	for (unsigned i = 0; i < shown; i++)
		put(l, "%s%u", i ? "," : "", ai->apic_ids[i]);
	if (shown < ai->ncpus)
		put(l, ",... +%u", ai->ncpus - shown);
	put(l, ")");
	if (ai->cpus_disabled || ai->cpus_hotplug || ai->cpus_dropped)
		put(l, " + %u disabled, %u hot-plug, %u over the limit",
		    ai->cpus_disabled, ai->cpus_hotplug, ai->cpus_dropped);
	put(l, ", %u IOAPIC%s", ai->nioapics, plural(ai->nioapics));
	for (unsigned i = 0; i < ai->nioapics; i++)
		put(l, "%sid %u at 0x%llx, GSI %u", i ? "; " : " (",
		    ai->ioapic[i].id, (unsigned long long)ai->ioapic[i].addr,
		    ai->ioapic[i].gsi_base);
	put(l, "%s, %u override%s", ai->nioapics ? ")" : "", ai->noverrides,
	    plural(ai->noverrides));
}

static void print_fadt(struct line *l, const struct acpi_info *ai)
{
	if (!ai->has_fadt) {
		put(l, "; no FADT");
		return;
	}
	put(l, "; FADT: ");
	if (ai->pm_tmr_port)
		put(l, "PM timer 0x%x (%u-bit)", ai->pm_tmr_port, ai->pm_tmr_bits);
	else
		put(l, "no PM timer");
	put(l, ", PM1a_CNT 0x%x", ai->pm1a_cnt);
	if (ai->pm1b_cnt)
		put(l, ", PM1b_CNT 0x%x", ai->pm1b_cnt);
	if (ai->has_reset)
		put(l, ", reset %s 0x%llx=0x%x",
		    ai->reset_reg.space == ACPI_SPACE_IO ? "port" :
		    ai->reset_reg.space == ACPI_SPACE_MEM ? "mem" : "pci",
		    (unsigned long long)ai->reset_reg.addr, ai->reset_value);
	if (ai->has_s5)
		put(l, ", S5 = %u/%u", ai->slp_typa, ai->slp_typb);
	else
		put(l, ", S5 unknown");
}

void acpi_print(const struct acpi_info *ai)
{
	struct line l = { .len = 0 };

	put(&l, "acpi: ");
	if (ai->rsdp)
		put(&l, "RSDP v%u at 0x%llx, ", ai->rsdp_revision >= 2 ? 2 : 1,
		    (unsigned long long)ai->rsdp);
	if (ai->root)
		put(&l, "%s with %u table%s; ", ai->xsdt ? "XSDT" : "RSDT",
		    ai->ntables, plural(ai->ntables));
	else
		put(&l, "no usable tables; ");
	print_madt(&l, ai);
	print_fadt(&l, ai);
	pr_info("%s\n", l.buf);
}
