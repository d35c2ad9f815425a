/* A guest's E820 memory map and the block allocator the loaders place
 * things with; see e820.h. */
#include "guest/load/e820.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/report.h"
#include "lib/string.h"

/* A bound for ram_size that keeps every sum below 2^64 with room to spare
 * (the VM description allows 64 GiB). */
#define GUEST_RAM_MAX (1ull << 46)

static uint64_t entry_end(const struct e820_entry *e)
{
	return e->addr + e->size;
}

void guest_layout_default(struct guest_layout *l, uint64_t ram_size)
{
	uint64_t low_end = MIN(ram_size, GUEST_MMIO_HOLE);

	memset(l, 0, sizeof(*l));
	l->ram_size = ram_size;
	if (low_end >= GUEST_BIOS_END + GUEST_ACPI_DEFAULT_SIZE) {
		l->acpi_base = ALIGN_DOWN(low_end, PAGE_SIZE) - GUEST_ACPI_DEFAULT_SIZE;
		l->acpi_size = GUEST_ACPI_DEFAULT_SIZE;
	}
}

void guest_layout_identity(struct guest_layout *l, uint64_t ident_base)
{
	uint64_t above = l->ram_size > GUEST_BIOS_END ? l->ram_size - GUEST_BIOS_END : 0;

	l->ident_base = ident_base;
	l->acpi_base = l->acpi_size = 0;
	if (above >= GUEST_ACPI_DEFAULT_SIZE && ident_base <= GUEST_RAM_MAX) {
		l->acpi_base = ALIGN_DOWN(ident_base + above, PAGE_SIZE) -
			       GUEST_ACPI_DEFAULT_SIZE;
		l->acpi_size = GUEST_ACPI_DEFAULT_SIZE;
	}
}

/* Append [addr, addr + size) unless it is empty. */
static void add(struct e820_map *m, uint64_t addr, uint64_t size, uint32_t type)
{
	if (size && m->n < E820_MAX_ENTRIES)
		m->e[m->n++] = (struct e820_entry){ addr, size, type };
}

/* Put a reserved [addr, addr + size) in address order; e820_check()
 * then rejects it if it overlaps a neighbour. */
static bool insert(struct e820_map *m, uint64_t addr, uint64_t size)
{
	unsigned at = 0;

	if (m->n == E820_MAX_ENTRIES)
		return false;
	while (at < m->n && m->e[at].addr < addr)
		at++;
	memmove(&m->e[at + 1], &m->e[at], (m->n - at) * sizeof(m->e[0]));
	m->e[at] = (struct e820_entry){ addr, size, E820_RESERVED };
	m->n++;
	return true;
}

static int check_layout(const struct guest_layout *l, uint64_t low_max,
			char *err, size_t errlen)
{
	if (l->ram_size < GUEST_BIOS_END || l->ram_size > GUEST_RAM_MAX ||
	    !IS_ALIGNED(l->ram_size, PAGE_SIZE))
		return report_fail(err, errlen, -EINVAL,
			    "e820: RAM size 0x%llx is not a multiple of 4 KiB from 1 MiB to 64 TiB",
			    (unsigned long long)l->ram_size);
	if (low_max < GUEST_BIOS_END || low_max > GUEST_MMIO_HOLE ||
	    !IS_ALIGNED(low_max, PAGE_SIZE))
		return report_fail(err, errlen, -EINVAL,
			    "e820: low RAM limit 0x%llx is not a page boundary from 1 MiB to 0x%llx",
			    (unsigned long long)low_max, GUEST_MMIO_HOLE);
	if (l->ecam_size && (l->ecam_base < low_max || l->ecam_size > GUEST_MMIO_HOLE ||
			     l->ecam_base > GUEST_MMIO_HOLE - l->ecam_size))
		return report_fail(err, errlen, -EINVAL,
			    "e820: ECAM window 0x%llx (+0x%llx) is not between low RAM and 0x%llx",
			    (unsigned long long)l->ecam_base,
			    (unsigned long long)l->ecam_size, GUEST_MMIO_HOLE);
	return 0;
}

/* The identity layout: RAM from ident_base on, all of it below low_max. */
static int check_ident(const struct guest_layout *l, uint64_t low_max,
		       char *err, size_t errlen)
{
	if (!l->ident_base)
		return 0;
	if (!IS_ALIGNED(l->ident_base, PAGE_SIZE) || l->ident_base < GUEST_BIOS_END ||
	    l->ident_base > low_max ||
	    l->ram_size - GUEST_BIOS_END > low_max - l->ident_base)
		return report_fail(err, errlen, -EINVAL,
			    "e820: identity RAM [0x%llx, +0x%llx) is not page-aligned between 1 MiB and the low RAM limit 0x%llx",
			    (unsigned long long)l->ident_base,
			    (unsigned long long)(l->ram_size - GUEST_BIOS_END),
			    (unsigned long long)low_max);
	return 0;
}

static int check_acpi(const struct guest_layout *l, uint64_t ram_start,
		      uint64_t low_end, char *err, size_t errlen)
{
	if (!l->acpi_size)
		return 0;
	if (!IS_ALIGNED(l->acpi_base, PAGE_SIZE) ||
	    !IS_ALIGNED(l->acpi_size, PAGE_SIZE) || l->acpi_base < ram_start ||
	    l->acpi_base >= low_end || l->acpi_size > low_end - l->acpi_base)
		return report_fail(err, errlen, -EINVAL,
			    "e820: ACPI area [0x%llx, +0x%llx) is not page-aligned inside low RAM [0x%llx, 0x%llx)",
			    (unsigned long long)l->acpi_base,
			    (unsigned long long)l->acpi_size,
			    (unsigned long long)ram_start,
			    (unsigned long long)low_end);
	return 0;
}

int e820_build(const struct guest_layout *l, struct e820_map *m, char *err,
	       size_t errlen)
{
	uint64_t low_max = l->low_ram_max ? l->low_ram_max : GUEST_MMIO_HOLE;
	uint64_t low_end, high, ram_start = GUEST_BIOS_END;

	memset(m, 0, sizeof(*m));
	if (check_layout(l, low_max, err, errlen) ||
	    check_ident(l, low_max, err, errlen))
		return -EINVAL;
	low_end = MIN(l->ram_size, low_max);
	high = l->ram_size - low_end;
	if (l->ident_base) {
		ram_start = l->ident_base;
		low_end = l->ident_base + (l->ram_size - GUEST_BIOS_END);
		high = 0;
	}
	if (check_acpi(l, ram_start, low_end, err, errlen))
		return -EINVAL;

	add(m, 0, GUEST_CONV_END, E820_RAM);
	add(m, GUEST_CONV_END, GUEST_BIOS_END - GUEST_CONV_END, E820_RESERVED);
	/* The identity hole: host memory this VM has no business with. */
	add(m, GUEST_BIOS_END, ram_start - GUEST_BIOS_END, E820_RESERVED);
	if (l->acpi_size) {
		uint64_t acpi_end = l->acpi_base + l->acpi_size;

		add(m, ram_start, l->acpi_base - ram_start, E820_RAM);
		add(m, l->acpi_base, l->acpi_size, E820_ACPI);
		add(m, acpi_end, low_end - acpi_end, E820_RAM);
	} else {
		add(m, ram_start, low_end - ram_start, E820_RAM);
	}
	if (l->ecam_size)
		add(m, l->ecam_base, l->ecam_size, E820_RESERVED);
	add(m, GUEST_MMIO_HOLE, GUEST_4G - GUEST_MMIO_HOLE, E820_RESERVED);
	add(m, GUEST_4G, high, E820_RAM);
	if (l->nresv > E820_MAX_RESV)
		return report_fail(err, errlen, -EINVAL, "e820: %u reserved ranges (%u allowed)",
				   l->nresv, E820_MAX_RESV);
	for (unsigned i = 0; i < l->nresv; i++) {
		if (l->resv[i].end <= l->resv[i].start)
			return report_fail(err, errlen, -EINVAL,
					   "e820: reserved range %u is empty", i);
		if (!insert(m, l->resv[i].start, l->resv[i].end - l->resv[i].start))
			return report_fail(err, errlen, -EINVAL,
					   "e820: no entry left for reserved range %u", i);
	}
	m->low_ram_end = low_end;
	m->high_ram_end = high ? GUEST_4G + high : 0;
	m->hole_end = ram_start > GUEST_BIOS_END ? ram_start : 0;
	return e820_check(m, err, errlen);
}

int e820_check(const struct e820_map *m, char *err, size_t errlen)
{
	if (m->n == 0 || m->n > E820_MAX_ENTRIES)
		return report_fail(err, errlen, -EINVAL, "e820: %u entries (1 to %u allowed)",
			    m->n, E820_MAX_ENTRIES);
	for (unsigned i = 0; i < m->n; i++) {
		const struct e820_entry *e = &m->e[i];

		if (!e->size || e->size > UINT64_MAX - e->addr)
			return report_fail(err, errlen, -EINVAL,
				    "e820: entry %u [0x%llx, +0x%llx) is empty or wraps",
				    i, (unsigned long long)e->addr,
				    (unsigned long long)e->size);
		if (e->type < E820_RAM || e->type > E820_UNUSABLE)
			return report_fail(err, errlen, -EINVAL, "e820: entry %u has unknown type %u",
				    i, e->type);
		if (i && e->addr < entry_end(&m->e[i - 1]))
			return report_fail(err, errlen, -EINVAL,
				    "e820: entry %u at 0x%llx overlaps or precedes entry %u",
				    i, (unsigned long long)e->addr, i - 1);
	}
	return 0;
}

static const struct e820_entry *ram_at(const struct e820_map *m, uint64_t addr)
{
	for (unsigned i = 0; i < m->n && i < E820_MAX_ENTRIES; i++) {
		const struct e820_entry *e = &m->e[i];

		if (e->type == E820_RAM && addr >= e->addr &&
		    addr - e->addr < e->size)
			return e;
	}
	return NULL;
}

bool e820_is_ram(const struct e820_map *m, uint64_t addr, uint64_t len)
{
	const struct e820_entry *e = ram_at(m, addr);

	return e && len && len <= entry_end(e) - addr;
}

uint64_t e820_ram_run(const struct e820_map *m, uint64_t addr)
{
	const struct e820_entry *e = ram_at(m, addr);
	uint64_t end;

	if (!e)
		return 0;
	end = entry_end(e);
	while ((e = ram_at(m, end)) != NULL)
		end = entry_end(e);
	return end - addr;
}

/* The first avoided range that overlaps [a, a + size), or NULL. */
static const struct e820_range *clash(const struct e820_find_req *r,
				      uint64_t a)
{
	for (unsigned i = 0; i < r->navoid; i++) {
		const struct e820_range *v = &r->avoid[i];

		if (v->start < v->end && v->start < a + r->size && a < v->end)
			return v;
	}
	return NULL;
}

/* Within [lo, hi), which holds at least r->size bytes.  Each step moves
 * the candidate strictly past the range it hit, so the loops end. */
static uint64_t find_in(const struct e820_find_req *r, uint64_t align,
			uint64_t lo, uint64_t hi)
{
	const struct e820_range *v;
	uint64_t a;

	if (r->top_down) {
		a = ALIGN_DOWN(hi - r->size, align);
		while (a >= lo) {
			v = clash(r, a);
			if (!v)
				return a;
			if (v->start < r->size)
				break;
			a = ALIGN_DOWN(v->start - r->size, align);
		}
		return E820_NOT_FOUND;
	}
	if (lo > UINT64_MAX - align)
		return E820_NOT_FOUND;
	a = ALIGN_UP(lo, align);
	while (a <= hi - r->size) {
		v = clash(r, a);
		if (!v)
			return a;
		if (v->end > UINT64_MAX - align)
			break;
		a = ALIGN_UP(v->end, align);
	}
	return E820_NOT_FOUND;
}

uint64_t e820_find(const struct e820_map *m, const struct e820_find_req *r)
{
	uint64_t align = r->align > 1 ? r->align : 1;
	unsigned n = MIN(m->n, (unsigned)E820_MAX_ENTRIES);

	if (!r->size || (align & (align - 1)))
		return E820_NOT_FOUND;
	for (unsigned k = 0; k < n; k++) {
		const struct e820_entry *e = &m->e[r->top_down ? n - 1 - k : k];
		uint64_t lo = MAX(e->addr, r->min), hi = entry_end(e), a;

		if (r->max_end)
			hi = MIN(hi, r->max_end);
		if (e->type != E820_RAM || lo >= hi || hi - lo < r->size)
			continue;
		a = find_in(r, align, lo, hi);
		if (a != E820_NOT_FOUND)
			return a;
	}
	return E820_NOT_FOUND;
}

int guest_mem_zero(const struct guest_mem_ops *ops, uint64_t gpa, uint64_t len)
{
	static const uint8_t zeros[PAGE_SIZE];

	while (len) {
		size_t n = (size_t)MIN(len, (uint64_t)sizeof(zeros));
		int r = ops->write(ops->ctx, gpa, zeros, n);

		if (r < 0)
			return r;
		gpa += n;
		len -= n;
	}
	return 0;
}
