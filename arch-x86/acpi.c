/* Host ACPI table parser (ACPI 6.5, chapter 5.2): the RSDP, the root table
 * and the checks every table passes; the MADT is read in acpi_madt.c, the
 * FADT and \_S5_ in acpi_fadt.c.  See acpi.h for what is trusted: nothing
 * from firmware is, so every range is checked readable before
 * phys_to_virt() and every length before the bytes it covers. */
#include "arch-x86/acpi_internal.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "lib/errno.h"
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
void acpi_sig_text(const char *sig, char out[5])
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
		acpi_sig_text(h->sig, sig);
	pr_warn("acpi: %s at 0x%llx%s%s%s: %s; skipped\n", what,
		(unsigned long long)pa, h ? " (\"" : "", sig, h ? "\")" : "",
		why);
}

/* The table at pa if it is readable, has signature 'sig' (any when NULL),
 * a sane length and a valid checksum; otherwise NULL, and a message
 * naming it 'what' (none when NULL). */
const struct acpi_header *acpi_map_table(paddr_t pa, const char *sig,
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
			       acpi_map_table(acpi.dsdt, "DSDT", NULL) : NULL;
	root = acpi_map_table(acpi.root, root_name(), NULL);
	if (!root)
		return NULL;
	for (unsigned i = 0; i < root_count(root); i++) {
		paddr_t pa = root_entry(root, i);
		const struct acpi_header *h =
			pa ? acpi_map_table(pa, sig, NULL) : NULL;

		if (h && instance-- == 0)
			return h;
	}
	return NULL;
}

/* Report every table the root lists, once, and count the valid ones. */
static void walk_root(struct acpi_info *out)
{
	const struct acpi_header *root = acpi_map_table(acpi.root, NULL, NULL);
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
		h = acpi_map_table(pa, NULL, what);
		if (!h)
			continue;
		out->ntables++;
		acpi_sig_text(h->sig, sig);
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
		if (acpi_map_table(xsdt, "XSDT", "XSDT")) {
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
	if (!acpi_map_table(rsdt, "RSDT", "RSDT"))
		return false;
	acpi.root = rsdt;
	acpi.xsdt = false;
	return true;
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
	acpi_madt_fallback(out, bsp_apic_id);
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
	acpi_find_madt(out, bsp_apic_id);

	fadt = acpi_find_table("FACP", 0);
	if (!fadt) {
		pr_warn("acpi: no usable FADT; no PM timer, S5 unknown\n");
		return 0;
	}
	acpi_fadt_parse(fadt, out);
	acpi.dsdt = out->dsdt;
	if (out->dsdt)
		acpi_find_s5(out);
	else
		pr_warn("acpi: FADT names no DSDT; S5 unknown\n");
	return 0;
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
