/* Multiboot and Multiboot2 kernels as guests; see mb_loader.h.  This file
 * holds the entry points and the headers: finding a header by magic and
 * checksum, the Multiboot v1 header fields and the Multiboot2 header tags,
 * down to the kernel image they describe.  Reading ELF and a.out images is
 * in mb_elf.c, placing and writing everything in mb_place.c, the
 * information blocks in mb1_info.c and mb2_info.c.  Facts from the
 * Multiboot 0.6.96 and Multiboot2 2.0 specifications. */
#include "guest/load/mb_loader.h"
#include "guest/load/mb_elf.h"
#include "lib/errno.h"
#include "lib/multiboot2.h"
#include "lib/printk.h"
#include "lib/report.h"
#include "lib/string.h"

/* ---- Multiboot v1 header (spec 3.1.1) ----------------------------------- */

#define MB1_HDR_ALIGN 4
#define MB1_FLAG_PAGE_ALIGN BIT(0)	/* modules page-aligned: always */
#define MB1_FLAG_MEMORY BIT(1)		/* mem_* and mmap: always given */
#define MB1_FLAG_VIDEO BIT(2)		/* a preference; text mode it is */
#define MB1_FLAG_AOUT BIT(16)		/* the address fields are valid */
#define MB1_FLAGS_REQUIRED 0xffffu	/* a loader must know all of these */
#define MB1_FLAGS_KNOWN (MB1_FLAG_PAGE_ALIGN | MB1_FLAG_MEMORY | MB1_FLAG_VIDEO)

struct mb1_header {
	uint32_t magic, flags, checksum;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
	uint32_t mode_type, width, height, depth;
};

#define MB1_HDR_MIN 12u
#define MB1_HDR_AOUT_LEN 32u
#define MB1_HDR_VIDEO_LEN 48u

_Static_assert(sizeof(struct mb1_header) == MB1_HDR_VIDEO_LEN, "v1 header");

/* ---- Multiboot2 header (spec 3.1) -------------------------------------- */

#define MB2_HDR_ALIGN 8
#define MB2_CONSOLE_REQUIRED BIT(0)
#define MB2_LOAD_FROM_START 0xffffffffu	/* address tag: load_addr -1 */

struct mb2_header {
	uint32_t magic, architecture, header_length, checksum;
};

struct mb2_htag {
	uint16_t type, flags;
	uint32_t size;
};

struct mb2_htag_address {
	struct mb2_htag t;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr;
};

/* Information tags this loader produces, for the information request. */
static const uint32_t mb2_provided[] = {
	MB2_TAG_CMDLINE, MB2_TAG_LOADER_NAME, MB2_TAG_MODULE,
	MB2_TAG_BASIC_MEMINFO, MB2_TAG_MMAP, MB2_TAG_ACPI_OLD, MB2_TAG_ACPI_NEW,
};

_Static_assert(sizeof(struct mb2_htag_address) == 24, "address tag");

/* ---- common ------------------------------------------------------------- */

/* Declared in mb_internal.h: the other files of the loader report through
 * it too. */
int mb_fail(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_vfail(c->err, c->errlen, -EINVAL,
		     c->version == 2 ? "multiboot2: " : "multiboot: ", fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* ---- the two loaders ---------------------------------------------------- */

static int init_ctx(struct ctx *c, const struct mb_load_params *p, unsigned version,
		    char *err, size_t errlen)
{
	*c = (struct ctx){ p, p->image, p->image ? p->image_size : 0, version,
			   err, errlen };
	return e820_check(p->map, err, errlen);
}

/* The first header with a valid checksum at an 'align'-byte boundary in
 * the first 'limit' bytes, that needs 'min' bytes; -1 if none. */
static int64_t find_header(const struct ctx *c, uint32_t magic, unsigned align,
			   uint32_t limit, unsigned min, bool *bad_sum)
{
	*bad_sum = false;
	for (uint64_t off = 0; off + min <= MIN((uint64_t)limit, c->size); off += align) {
		const uint8_t *h = c->img + off;
		uint32_t sum = 0;

		if (rd32(h) != magic)
			continue;
		/* v1: magic + flags + checksum; v2: magic + architecture +
		 * header_length + checksum; both wrap to 0. */
		for (unsigned i = 0; i < min / 4; i++)
			sum += rd32(h + 4 * i);
		if (sum == 0)
			return (int64_t)off;
		*bad_sum = true;
	}
	return -1;
}

int mb1_load(const struct mb_load_params *p, struct mb_boot *out, char *err,
	     size_t errlen)
{
	struct kimage k = { .nseg = 0 };
	struct mb1_header h = { 0 };
	struct ctx c;
	bool bad_sum;
	int64_t off;
	unsigned need = MB1_HDR_MIN;

	if (init_ctx(&c, p, 1, err, errlen))
		return -EINVAL;
	off = find_header(&c, MB1_HEADER_MAGIC, MB1_HDR_ALIGN, MB1_SEARCH_LEN,
			  MB1_HDR_MIN, &bad_sum);
	if (off < 0)
		return mb_fail(&c, bad_sum ? "header magic found, but every candidate has a bad checksum" :
					     "no header (magic 0x1badb002) in the first 8 KiB");
	memcpy(&h, c.img + off, MB1_HDR_MIN);
	if (h.flags & MB1_FLAGS_REQUIRED & ~MB1_FLAGS_KNOWN)
		return mb_fail(&c, "header at 0x%llx requires features 0x%llx this loader does not know",
			       (unsigned long long)off,
			       (unsigned long long)(h.flags & MB1_FLAGS_REQUIRED & ~MB1_FLAGS_KNOWN));
	if (h.flags & MB1_FLAG_AOUT)
		need = MB1_HDR_AOUT_LEN;
	if (h.flags & MB1_FLAG_VIDEO)
		need = MB1_HDR_VIDEO_LEN;
	if (!in_image(&c, (uint64_t)off, need))
		return mb_fail(&c, "header at 0x%llx: its %u bytes run past the image end",
			       (unsigned long long)off, need);
	memcpy(&h, c.img + off, need);
	if (h.flags & MB1_FLAG_AOUT) {
		k.entry = h.entry_addr;
		if (mb_aout_load_info(&c, &k, (uint64_t)off, h.header_addr, h.load_addr,
				      h.load_end_addr, h.bss_end_addr))
			return -EINVAL;
	} else if (mb_elf_load_info(&c, &k)) {
		return -EINVAL;
	}
	return mb_finish(&c, &k, out);
}

static bool mb2_can_provide(uint32_t type)
{
	for (unsigned i = 0; i < ARRAY_SIZE(mb2_provided); i++)
		if (mb2_provided[i] == type)
			return true;
	return false;
}

/* What the header's tags ask for. */
struct mb2_req {
	const struct mb2_htag_address *addr;
	struct mb2_htag_address addr_copy;
	bool has_entry;
	uint32_t entry;
};

static int mb2_tag(const struct ctx *c, const uint8_t *t, const struct mb2_htag *h,
		   uint64_t off, struct mb2_req *q)
{
	bool optional = h->flags & MB2_HDR_TAG_OPTIONAL;

	switch (h->type) {
	case MB2_HDR_TAG_INFO_REQ:
		if ((h->size - sizeof(*h)) % 4)
			return mb_fail(c, "information request tag at 0x%llx: size %u is not 8 + 4n",
				       (unsigned long long)off, h->size);
		for (uint32_t i = sizeof(*h); i < h->size; i += 4) {
			uint32_t want = rd32(t + i);

			if (!optional && !mb2_can_provide(want))
				return mb_fail(c, "header asks for information tag %u, which this loader cannot provide",
					       want);
		}
		return 0;
	case MB2_HDR_TAG_ADDRESS:
		if (h->size < sizeof(q->addr_copy) || q->addr)
			return mb_fail(c, "address tag at 0x%llx: size %u (needs 24) or given twice",
				       (unsigned long long)off, h->size);
		memcpy(&q->addr_copy, t, sizeof(q->addr_copy));
		q->addr = &q->addr_copy;
		return 0;
	case MB2_HDR_TAG_ENTRY:
		if (h->size < sizeof(*h) + 4 || q->has_entry)
			return mb_fail(c, "entry address tag at 0x%llx: size %u (needs 12) or given twice",
				       (unsigned long long)off, h->size);
		q->has_entry = true;
		q->entry = rd32(t + sizeof(*h));
		return 0;
	case MB2_HDR_TAG_CONSOLE_FLAGS:
		if (h->size < sizeof(*h) + 4)
			return mb_fail(c, "console flags tag at 0x%llx: size %u (needs 12)",
				       (unsigned long long)off, h->size);
		if (!optional && (rd32(t + sizeof(*h)) & MB2_CONSOLE_REQUIRED))
			return mb_fail(c, "header requires a console, which this loader cannot describe");
		return 0;
	case MB2_HDR_TAG_MODULE_ALIGN:	/* modules are always page-aligned */
	case MB2_HDR_TAG_ENTRY_EFI32:	/* only for loaders running on EFI */
	case MB2_HDR_TAG_ENTRY_EFI64:
	case MB2_HDR_TAG_RELOCATABLE:	/* loading where linked is allowed */
		return 0;
	default:
		if (optional)
			return 0;
		return mb_fail(c, "header tag %u at 0x%llx is required but not supported%s",
			       h->type, (unsigned long long)off,
			       h->type == MB2_HDR_TAG_FRAMEBUFFER ? " (no framebuffer)" :
			       h->type == MB2_HDR_TAG_EFI_BS ? " (no EFI boot services)" : "");
	}
}

static int mb2_tags(const struct ctx *c, uint64_t hoff, uint32_t hlen,
		    struct mb2_req *q)
{
	uint64_t off = hoff + sizeof(struct mb2_header), end = hoff + hlen;

	while (off + sizeof(struct mb2_htag) <= end) {
		struct mb2_htag h;

		memcpy(&h, c->img + off, sizeof(h));
		if (h.size < sizeof(h) || h.size > end - off)
			return mb_fail(c, "header tag %u at 0x%llx: size %u runs outside the header",
				       h.type, (unsigned long long)off, h.size);
		if (h.type == MB2_HDR_TAG_END)
			return 0;
		if (mb2_tag(c, c->img + off, &h, off, q))
			return -EINVAL;
		off += ALIGN_UP((uint64_t)h.size, (uint64_t)MB2_TAG_ALIGN);
	}
	return mb_fail(c, "header at 0x%llx has no end tag", (unsigned long long)hoff);
}

int mb2_load(const struct mb_load_params *p, struct mb_boot *out, char *err,
	     size_t errlen)
{
	struct kimage k = { .nseg = 0 };
	struct mb2_req q = { .addr = NULL };
	struct mb2_header h;
	struct ctx c;
	bool bad_sum;
	int64_t off;

	if (init_ctx(&c, p, 2, err, errlen))
		return -EINVAL;
	off = find_header(&c, MB2_HEADER_MAGIC, MB2_HDR_ALIGN, MB2_SEARCH_LEN,
			  sizeof(h), &bad_sum);
	if (off < 0)
		return mb_fail(&c, bad_sum ? "header magic found, but every candidate has a bad checksum" :
					     "no header (magic 0xe85250d6) in the first 32 KiB");
	memcpy(&h, c.img + off, sizeof(h));
	if (h.architecture != MB2_ARCH_I386)
		return mb_fail(&c, "header at 0x%llx is for architecture %u, not i386 (0)",
			       (unsigned long long)off, h.architecture);
	if (h.header_length < sizeof(h) + sizeof(struct mb2_htag) ||
	    !in_image(&c, (uint64_t)off, h.header_length))
		return mb_fail(&c, "header at 0x%llx: header_length %u is too small or runs past the image end",
			       (unsigned long long)off, h.header_length);
	if (mb2_tags(&c, (uint64_t)off, h.header_length, &q))
		return -EINVAL;
	k.has_entry = q.has_entry;
	k.entry = q.entry;
	if (q.addr) {
		uint32_t load = q.addr->load_addr;

		if (!q.has_entry)
			return mb_fail(&c, "address tag without an entry address tag");
		if (load == MB2_LOAD_FROM_START) {
			if (q.addr->header_addr < (uint64_t)off)
				return mb_fail(&c, "address tag: header_addr 0x%x is below the header's file offset",
					       q.addr->header_addr);
			load = q.addr->header_addr - (uint32_t)off;
		}
		if (mb_aout_load_info(&c, &k, (uint64_t)off, q.addr->header_addr, load,
				      q.addr->load_end_addr, q.addr->bss_end_addr))
			return -EINVAL;
	} else if (mb_elf_load_info(&c, &k)) {
		return -EINVAL;
	}
	return mb_finish(&c, &k, out);
}

int mb_load(const struct mb_load_params *p, struct mb_boot *out, char *err,
	    size_t errlen)
{
	struct ctx c;
	bool bad_sum;

	if (init_ctx(&c, p, 1, err, errlen))
		return -EINVAL;
	if (find_header(&c, MB2_HEADER_MAGIC, MB2_HDR_ALIGN, MB2_SEARCH_LEN,
			sizeof(struct mb2_header), &bad_sum) >= 0)
		return mb2_load(p, out, err, errlen);
	if (find_header(&c, MB1_HEADER_MAGIC, MB1_HDR_ALIGN, MB1_SEARCH_LEN,
			MB1_HDR_MIN, &bad_sum) >= 0)
		return mb1_load(p, out, err, errlen);
	return mb_fail(&c, "no valid Multiboot2 header in the first 32 KiB, nor a Multiboot header in the first 8 KiB");
}
