/* The MADT (ACPI 6.5, 5.2.12): CPUs, IOAPICs, interrupt source
 * overrides.  The table has passed acpi_map_table()'s checks; each entry's
 * length is checked against the table before it is read. */
#include "arch-x86/acpi_internal.h"
#include "lib/printk.h"

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
void acpi_madt_fallback(struct acpi_info *out, uint32_t bsp)
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

void acpi_find_madt(struct acpi_info *out, uint32_t bsp)
{
	const struct acpi_header *h = acpi_find_table("APIC", 0);

	out->ncpus = 0; /* drop the fallback's boot CPU; bsp_first() adds it */
	if (h && madt_parse(h, out, bsp)) {
		bsp_first(out, bsp);
		return;
	}
	acpi_madt_fallback(out, bsp);
	pr_warn("acpi: %s; running on the boot CPU only (APIC ID %u)\n",
		h ? "MADT ignored" : "no usable MADT", bsp);
}
