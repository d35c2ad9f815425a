/* Multiboot2 boot information parser.  Everything the loader hands over is
 * checked here, once, against the block's own size, so that nothing after
 * boot ever dereferences a loader-supplied length. */
#include "boot/multiboot2.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/report.h"
#include "lib/string.h"

struct mb2_parser {
	const uint8_t *base;	/* host view of the block */
	paddr_t pa;		/* its physical address */
	uint32_t total;		/* validated total_size */
	uint32_t seen;		/* bitmap of single-instance tags met */
	struct boot_info *out;
	/* ACPI: both tags may come; the new one wins whatever the order. */
	paddr_t rsdp_old, rsdp_new;
	uint32_t rsdp_old_len, rsdp_new_len;
	/* EFI: a 64-bit firmware gives tags 12 and 20; should 11 or 19 come
	 * as well, the 64-bit ones win. */
	paddr_t efi32_systab, efi32_handle;
	const char *err;
};

static char err_buf[192];

static int __printf(2, 3) fail(struct mb2_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_vfail(err_buf, sizeof(err_buf), -EINVAL, "multiboot2: ", fmt, ap);
	va_end(ap);
	p->err = err_buf;
	return -EINVAL;
}

static uint32_t rd32(const struct mb2_parser *p, uint32_t off)
{
	uint32_t v;

	memcpy(&v, p->base + off, sizeof(v));
	return v;
}

static uint64_t rd64(const struct mb2_parser *p, uint32_t off)
{
	uint64_t v;

	memcpy(&v, p->base + off, sizeof(v));
	return v;
}

/* A tag whose payload we read must be at least 'need' bytes long. */
static int need_size(struct mb2_parser *p, const struct mb2_tag *t,
		     uint32_t off, size_t need)
{
	if (t->size < need)
		return fail(p, "tag type %u at offset 0x%x has size %u, needs at least %u",
			    t->type, off, t->size, (unsigned)need);
	return 0;
}

/* Tags that describe one thing must come once: with two memory maps or two
 * command lines we could only guess which one the loader meant. */
static int once(struct mb2_parser *p, const struct mb2_tag *t, uint32_t off)
{
	uint32_t bit = 1u << t->type; /* only called for types < 32 */

	if (p->seen & bit)
		return fail(p, "duplicate tag type %u at offset 0x%x", t->type,
			    off);
	p->seen |= bit;
	return 0;
}

/* Strings (command lines, loader name) run from 'str_off' within the tag
 * to a NUL that must lie inside the tag. */
static int tag_string(struct mb2_parser *p, const struct mb2_tag *t,
		      uint32_t off, uint32_t str_off, const char **out)
{
	const char *s = (const char *)p->base + off + str_off;

	if (t->size <= str_off || strnlen(s, t->size - str_off) == t->size - str_off)
		return fail(p, "tag type %u at offset 0x%x: string not NUL-terminated within the tag",
			    t->type, off);
	*out = s;
	return 0;
}

static bool ranges_overlap(uint64_t a, uint64_t a_end, uint64_t b,
			   uint64_t b_end)
{
	return a < b_end && b < a_end;
}

static int parse_module(struct mb2_parser *p, const struct mb2_tag *t,
			uint32_t off)
{
	struct boot_info *bi = p->out;
	struct mb2_tag_module m;
	struct boot_module *mod;
	const char *cmdline = NULL;

	if (need_size(p, t, off, sizeof(m) + 1))
		return -EINVAL;
	memcpy(&m, p->base + off, sizeof(m));
	if (tag_string(p, t, off, sizeof(m), &cmdline))
		return -EINVAL;
	if (m.mod_start > m.mod_end)
		return fail(p, "module tag at offset 0x%x: start 0x%x > end 0x%x",
			    off, m.mod_start, m.mod_end);
	if (bi->module_count == BOOT_MAX_MODULES)
		return fail(p, "module tag at offset 0x%x: more than %u modules",
			    off, BOOT_MAX_MODULES);
	/* An empty module occupies nothing, so it cannot overlap. */
	if (m.mod_start != m.mod_end) {
		if (ranges_overlap(m.mod_start, m.mod_end, bi->info_start,
				   bi->info_end))
			return fail(p, "module tag at offset 0x%x: module 0x%x-0x%x overlaps the info block 0x%lx-0x%lx",
				    off, m.mod_start, m.mod_end,
				    bi->info_start, bi->info_end);
		for (unsigned i = 0; i < bi->module_count; i++) {
			const struct boot_module *o = &bi->modules[i];

			if (ranges_overlap(m.mod_start, m.mod_end, o->start,
					   o->end))
				return fail(p, "module tag at offset 0x%x: module 0x%x-0x%x overlaps module %u (0x%lx-0x%lx)",
					    off, m.mod_start, m.mod_end, i,
					    o->start, o->end);
		}
	}
	mod = &bi->modules[bi->module_count++];
	mod->start = m.mod_start;
	mod->end = m.mod_end;
	mod->cmdline = cmdline;
	return 0;
}

static int parse_mmap(struct mb2_parser *p, const struct mb2_tag *t,
		      uint32_t off)
{
	struct boot_info *bi = p->out;
	struct mb2_tag_mmap hdr;
	uint32_t bytes, n;

	if (need_size(p, t, off, sizeof(hdr)))
		return -EINVAL;
	memcpy(&hdr, p->base + off, sizeof(hdr));
	/* Spec 3.6.8: entry_size is a multiple of 8 and entries may grow in
	 * later versions, so we step by entry_size and read only our part. */
	if (hdr.entry_size < sizeof(struct mb2_mmap_entry))
		return fail(p, "mmap tag at offset 0x%x: entry_size %u is smaller than %u",
			    off, hdr.entry_size,
			    (unsigned)sizeof(struct mb2_mmap_entry));
	if (!IS_ALIGNED(hdr.entry_size, 8))
		return fail(p, "mmap tag at offset 0x%x: entry_size %u is not a multiple of 8",
			    off, hdr.entry_size);
	bytes = t->size - (uint32_t)sizeof(hdr);
	if (bytes % hdr.entry_size)
		return fail(p, "mmap tag at offset 0x%x: %u bytes of entries is not a multiple of entry_size %u (truncated entry)",
			    off, bytes, hdr.entry_size);
	n = bytes / hdr.entry_size;
	if (n == 0)
		return fail(p, "mmap tag at offset 0x%x has no entries", off);
	if (n > BOOT_MAX_MMAP)
		return fail(p, "mmap tag at offset 0x%x: %u entries, at most %u supported",
			    off, n, BOOT_MAX_MMAP);

	for (uint32_t i = 0; i < n; i++) {
		uint32_t eoff = off + (uint32_t)sizeof(hdr) + i * hdr.entry_size;
		struct mb2_mmap_entry e;
		struct mem_region *r;

		memcpy(&e, p->base + eoff, sizeof(e));
		/* A region reaching past 2^64 - 1 is corrupt (and base + len
		 * would wrap for every later user); a zero-length one says
		 * nothing and is dropped. */
		if (e.base > UINT64_MAX - e.len)
			return fail(p, "mmap entry %u at offset 0x%x: base 0x%lx + length 0x%lx wraps",
				    i, eoff, e.base, e.len);
		if (!e.len)
			continue;
		r = &bi->mmap[bi->mmap_count++];
		r->base = e.base;
		r->len = e.len;
		r->type = e.type;
	}
	if (!bi->mmap_count)
		return fail(p, "mmap tag at offset 0x%x has only empty entries", off);
	return 0;
}

static int parse_framebuffer(struct mb2_parser *p, const struct mb2_tag *t,
			     uint32_t off)
{
	struct boot_info *bi = p->out;
	struct mb2_tag_framebuffer fb;

	if (need_size(p, t, off, MB2_FB_TAG_MIN_SIZE))
		return -EINVAL;
	memset(&fb, 0, sizeof(fb));
	memcpy(&fb, p->base + off, MB2_FB_TAG_MIN_SIZE);
	bi->fb_addr = fb.addr;
	bi->fb_pitch = fb.pitch;
	bi->fb_width = fb.width;
	bi->fb_height = fb.height;
	bi->fb_bpp = fb.bpp;
	bi->fb_type = fb.type;
	return 0;
}

/* Tags 14 and 15 carry a copy of the RSDP (ACPI 1.0: 20 bytes; 2.0+: 36
 * bytes), which the ACPI code will checksum; we check only that it is
 * long enough and is an RSDP at all. */
static int parse_rsdp(struct mb2_parser *p, const struct mb2_tag *t,
		      uint32_t off, bool v2)
{
	static const char sig[8] = { 'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ' };
	size_t need = sizeof(*t) + (v2 ? 36 : 20);

	if (need_size(p, t, off, need))
		return -EINVAL;
	if (memcmp(p->base + off + sizeof(*t), sig, sizeof(sig)))
		return fail(p, "ACPI tag type %u at offset 0x%x: no \"RSD PTR \" signature",
			    t->type, off);
	if (v2) {
		p->rsdp_new = p->pa + off + sizeof(*t);
		p->rsdp_new_len = t->size - (uint32_t)sizeof(*t);
	} else {
		p->rsdp_old = p->pa + off + sizeof(*t);
		p->rsdp_old_len = t->size - (uint32_t)sizeof(*t);
	}
	return 0;
}

/* Tags whose payload is one address: 32-bit (EFI32 system table and image
 * handle, load base) or 64-bit (EFI64 ones). */
static int tag_addr(struct mb2_parser *p, const struct mb2_tag *t,
		    uint32_t off, bool wide, paddr_t *out)
{
	uint32_t payload = off + (uint32_t)sizeof(*t);

	if (once(p, t, off) ||
	    need_size(p, t, off, sizeof(*t) + (wide ? 8 : 4)))
		return -EINVAL;
	*out = wide ? rd64(p, payload) : rd32(p, payload);
	return 0;
}

static int parse_tag(struct mb2_parser *p, const struct mb2_tag *t,
		     uint32_t off)
{
	struct boot_info *bi = p->out;

	switch (t->type) {
	case MB2_TAG_CMDLINE:
		if (once(p, t, off))
			return -EINVAL;
		return tag_string(p, t, off, sizeof(*t), &bi->cmdline);
	case MB2_TAG_LOADER_NAME:
		if (once(p, t, off))
			return -EINVAL;
		return tag_string(p, t, off, sizeof(*t), &bi->loader_name);
	case MB2_TAG_MODULE:
		return parse_module(p, t, off);
	case MB2_TAG_MMAP:
		if (once(p, t, off))
			return -EINVAL;
		return parse_mmap(p, t, off);
	case MB2_TAG_FRAMEBUFFER:
		if (once(p, t, off))
			return -EINVAL;
		return parse_framebuffer(p, t, off);
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		if (once(p, t, off))
			return -EINVAL;
		return parse_rsdp(p, t, off, t->type == MB2_TAG_ACPI_NEW);
	case MB2_TAG_EFI32:
		return tag_addr(p, t, off, false, &p->efi32_systab);
	case MB2_TAG_EFI64:
		bi->efi64 = true;
		return tag_addr(p, t, off, true, &bi->efi_systab);
	case MB2_TAG_EFI32_IH:
		return tag_addr(p, t, off, false, &p->efi32_handle);
	case MB2_TAG_EFI64_IH:
		return tag_addr(p, t, off, true, &bi->efi_image_handle);
	case MB2_TAG_LOAD_BASE:
		return tag_addr(p, t, off, false, &bi->load_base);
	case MB2_TAG_EFI_BS:
		/* No payload: its presence says ExitBootServices was not
		 * called (the image asked for that in its header). */
		bi->efi_boot_services = true;
		return 0;
	default:
		/* Basic meminfo (superseded by the memory map), EFI memory
		 * map (GRUB already folded it into tag 6) and any tag we do
		 * not know: the spec says to skip them. */
		return 0;
	}
}

static int check_header(struct mb2_parser *p, const void *info,
			uint32_t magic)
{
	struct mb2_info_header h;

	if (magic != MB2_BOOTLOADER_MAGIC)
		return fail(p, "bad loader magic 0x%x (expected 0x%x): not booted by a Multiboot2 loader",
			    magic, MB2_BOOTLOADER_MAGIC);
	if (!info)
		return fail(p, "no boot information (NULL pointer)");
	/* Spec 3.6.1: the information block is 8-byte aligned, and tag
	 * alignment is defined relative to it. */
	if (!IS_ALIGNED(p->pa, 8) || !IS_ALIGNED((uintptr_t)info, 8))
		return fail(p, "boot information at 0x%lx is not 8-byte aligned",
			    p->pa);
	memcpy(&h, info, sizeof(h));
	if (h.total_size < sizeof(h) + sizeof(struct mb2_tag))
		return fail(p, "total_size 0x%x is smaller than the fixed part plus an end tag (0x10)",
			    h.total_size);
	if (h.total_size > MB2_INFO_MAX_SIZE)
		return fail(p, "total_size 0x%x is larger than 0x%x: corrupt block or pointer",
			    h.total_size, MB2_INFO_MAX_SIZE);
	if (h.reserved)
		return fail(p, "reserved field is 0x%x, must be 0", h.reserved);
	if (p->pa > UINT64_MAX - h.total_size)
		return fail(p, "boot information at 0x%lx wraps the address space",
			    p->pa);
	p->total = h.total_size;
	return 0;
}

static int walk_tags(struct mb2_parser *p)
{
	uint32_t off = sizeof(struct mb2_info_header);

	for (;;) {
		struct mb2_tag t;

		/* Each tag starts 8-aligned; total <= 1 MiB keeps the sums
		 * below from overflowing. */
		if (p->total - off < sizeof(t))
			return fail(p, "no end tag: next tag at offset 0x%x does not fit in total_size 0x%x",
				    off, p->total);
		memcpy(&t, p->base + off, sizeof(t));
		if (t.size < sizeof(t))
			return fail(p, "tag type %u at offset 0x%x has size %u (< 8)",
				    t.type, off, t.size);
		if (t.size > p->total - off)
			return fail(p, "tag type %u at offset 0x%x runs past total_size 0x%x (size 0x%x)",
				    t.type, off, p->total, t.size);
		if (t.type == MB2_TAG_END) {
			if (t.size != sizeof(t))
				return fail(p, "end tag at offset 0x%x has size %u, must be 8",
					    off, t.size);
			return 0;
		}
		if (parse_tag(p, &t, off))
			return -EINVAL;
		off += ALIGN_UP(t.size, 8u);
		if (off > p->total)
			return fail(p, "no end tag: padding after tag type %u runs past total_size 0x%x",
				    t.type, p->total);
	}
}

int mb2_parse(const void *info, paddr_t info_pa, uint32_t magic,
	      struct boot_info *out, const char **err)
{
	struct mb2_parser p = { .base = info, .pa = info_pa, .out = out };

	memset(out, 0, sizeof(*out));
	out->cmdline = "";
	out->loader_name = "";
	if (check_header(&p, info, magic))
		goto failed;
	out->info_start = info_pa;
	out->info_end = info_pa + p.total;
	if (walk_tags(&p))
		goto failed;
	if (!(p.seen & (1u << MB2_TAG_MMAP))) {
		fail(&p, "no memory map tag (type %u): cannot tell RAM from holes",
		     MB2_TAG_MMAP);
		goto failed;
	}
	if (p.rsdp_new) {
		out->rsdp = p.rsdp_new;
		out->rsdp_len = p.rsdp_new_len;
		out->rsdp_v2 = true;
	} else if (p.rsdp_old) {
		out->rsdp = p.rsdp_old;
		out->rsdp_len = p.rsdp_old_len;
	}
	if (!out->efi64 && p.efi32_systab)
		out->efi_systab = p.efi32_systab;
	if (!out->efi_image_handle)
		out->efi_image_handle = p.efi32_handle;
	*err = NULL;
	return 0;

failed:
	*err = p.err;
	return -EINVAL;
}
