/* The Multiboot2 boot information block (Multiboot2 2.0 section 3.6): the
 * guest's RSDP copied for the ACPI tags, the block's size and writing its
 * tags into guest RAM. */
#include "guest/load/mb_internal.h"
#include "lib/multiboot2.h"
#include "lib/string.h"

/* ---- the Multiboot2 information block ----------------------------------- */

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* The guest's RSDP, checked like an OS would before trusting it. */
int mb2_read_rsdp(const struct ctx *c, struct rsdp_copy *r)
{
	const struct mb_load_params *p = c->p;
	struct acpi_rsdp h;

	r->len = 0;
	if (!p->rsdp_gpa)
		return 0;
	if (p->mem->read(p->mem->ctx, p->rsdp_gpa, r->bytes, ACPI_RSDP_V1_LEN) < 0)
		return mb_fail(c, "cannot read the RSDP at 0x%llx",
			       (unsigned long long)p->rsdp_gpa);
	memcpy(&h, r->bytes, ACPI_RSDP_V1_LEN);
	if (memcmp(h.sig, ACPI_RSDP_SIG, 8) || sum8(r->bytes, ACPI_RSDP_V1_LEN))
		return mb_fail(c, "no valid RSDP at 0x%llx (signature or checksum)",
			       (unsigned long long)p->rsdp_gpa);
	r->len = ACPI_RSDP_V1_LEN;
	if (h.revision < 2)
		return 0;
	if (p->mem->read(p->mem->ctx, p->rsdp_gpa, r->bytes, ACPI_RSDP_V2_LEN) < 0 ||
	    sum8(r->bytes, ACPI_RSDP_V2_LEN))
		return mb_fail(c, "RSDP at 0x%llx: revision %u without a valid extended part",
			       (unsigned long long)p->rsdp_gpa, h.revision);
	r->len = ACPI_RSDP_V2_LEN;
	return 0;
}

static uint32_t tag_size(size_t payload)
{
	return (uint32_t)ALIGN_UP(sizeof(struct mb2_tag) + payload, (size_t)MB2_TAG_ALIGN);
}

uint32_t mb2_info_size(const struct ctx *c, const struct rsdp_copy *r)
{
	const struct mb_load_params *p = c->p;
	uint32_t n = sizeof(struct mb2_info_header) +
		     tag_size(str_size(p->cmdline)) +
		     tag_size(sizeof(MB_LOADER_NAME)) + tag_size(8) +
		     tag_size(8 + p->map->n * sizeof(struct mb2_mmap_entry)) +
		     tag_size(0);

	for (unsigned i = 0; i < p->nmods; i++)
		n += tag_size(8 + str_size(p->mods[i].cmdline));
	if (r->len)
		n += tag_size(ACPI_RSDP_V1_LEN);
	if (r->len == ACPI_RSDP_V2_LEN)
		n += tag_size(ACPI_RSDP_V2_LEN);
	return n;
}

/* Tags go one after the other from 'off'; padding stays zero. */
struct tagw {
	const struct ctx *c;
	uint64_t base;
	uint32_t off;
};

/* The header of a tag of 'payload' bytes, which go at *at; the cursor
 * moves past the tag and its padding. */
static int tag_begin(struct tagw *t, uint32_t type, size_t payload, uint64_t *at)
{
	struct mb2_tag h = { type, (uint32_t)(sizeof(h) + payload) };

	*at = t->base + t->off + sizeof(h);
	t->off += tag_size(payload);
	return put(t->c, *at - sizeof(h), &h, sizeof(h));
}

static int put_tag(struct tagw *t, uint32_t type, const void *a, size_t alen,
		   const void *b, size_t blen)
{
	uint64_t at;

	if (tag_begin(t, type, alen + blen, &at) || put(t->c, at, a, alen) ||
	    put(t->c, at + alen, b, blen))
		return -EINVAL;
	return 0;
}

static int mb2_put_mmap(struct tagw *t)
{
	const struct e820_map *m = t->c->p->map;
	const uint32_t hdr[2] = { sizeof(struct mb2_mmap_entry), 0 }; /* size, version */
	uint64_t at;

	if (tag_begin(t, MB2_TAG_MMAP, sizeof(hdr) + m->n * sizeof(struct mb2_mmap_entry),
		      &at) ||
	    put(t->c, at, hdr, sizeof(hdr)))
		return -EINVAL;
	at += sizeof(hdr);
	for (unsigned i = 0; i < m->n; i++) {
		struct mb2_mmap_entry e = { m->e[i].addr, m->e[i].size, m->e[i].type, 0 };

		if (put(t->c, at + i * sizeof(e), &e, sizeof(e)))
			return -EINVAL;
	}
	return 0;
}

int mb2_put_info(const struct ctx *c, const struct mb_boot *b,
			const struct rsdp_copy *r)
{
	const struct mb_load_params *p = c->p;
	struct tagw t = { c, b->info_gpa, sizeof(struct mb2_info_header) };
	const struct mb2_info_header ih = { b->info_size, 0 };
	const uint32_t meminfo[2] = {
		ram_kib(p->map, 0, KiB(640)),
		ram_kib(p->map, GUEST_BIOS_END, GUEST_4G - KiB(1)),
	};

	if (put_tag(&t, MB2_TAG_CMDLINE, str_or_empty(p->cmdline),
		    str_size(p->cmdline), NULL, 0) ||
	    put_tag(&t, MB2_TAG_LOADER_NAME, MB_LOADER_NAME,
		    sizeof(MB_LOADER_NAME), NULL, 0) ||
	    put_tag(&t, MB2_TAG_BASIC_MEMINFO, meminfo, sizeof(meminfo), NULL, 0) ||
	    mb2_put_mmap(&t))
		return -EINVAL;
	for (unsigned i = 0; i < p->nmods; i++) {
		const uint32_t range[2] = {
			(uint32_t)b->mod_gpa[i],
			(uint32_t)(b->mod_gpa[i] + p->mods[i].size),
		};

		if (put_tag(&t, MB2_TAG_MODULE, range, sizeof(range),
			    str_or_empty(p->mods[i].cmdline),
			    str_size(p->mods[i].cmdline)))
			return -EINVAL;
	}
	if (r->len && put_tag(&t, MB2_TAG_ACPI_OLD, r->bytes, ACPI_RSDP_V1_LEN,
			      NULL, 0))
		return -EINVAL;
	if (r->len == ACPI_RSDP_V2_LEN &&
	    put_tag(&t, MB2_TAG_ACPI_NEW, r->bytes, ACPI_RSDP_V2_LEN, NULL, 0))
		return -EINVAL;
	if (put_tag(&t, MB2_TAG_END, NULL, 0, NULL, 0))
		return -EINVAL;
	return put(c, b->info_gpa, &ih, sizeof(ih));
}
