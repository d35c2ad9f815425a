/* Multiboot and Multiboot2 kernels as guests; see mb_loader.h.  Facts
 * from the Multiboot 0.6.96 and Multiboot2 2.0 specifications and the ELF
 * format (System V ABI). */
#include "guest/mb_loader.h"
#include "guest/mb_elf.h"
#include "arch-x86/acpi_tables.h"
#include "arch-x86/regs.h"
#include "boot/multiboot2.h"
#include "lib/printk.h"
#include "lib/string.h"

/* ---- Multiboot v1 layouts (spec 3.1.1, 3.3) ---------------------------- */

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

#define MB1_INFO_MEMORY BIT(0)
#define MB1_INFO_CMDLINE BIT(2)
#define MB1_INFO_MODS BIT(3)
#define MB1_INFO_MMAP BIT(6)
#define MB1_INFO_LOADER_NAME BIT(9)

struct mb1_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;	/* KiB from 0 and from 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe_control_info, vbe_mode_info;
	uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
	uint64_t framebuffer_addr;
	uint32_t framebuffer_pitch, framebuffer_width, framebuffer_height;
	uint8_t framebuffer_bpp, framebuffer_type;
	uint8_t color_info[6];
} __packed;

struct mb1_module {
	uint32_t mod_start, mod_end, string, reserved;
};

/* 'size' counts the bytes after itself. */
struct mb1_mmap_entry {
	uint32_t size;
	uint64_t base_addr, length;
	uint32_t type;
} __packed;

_Static_assert(sizeof(struct mb1_header) == MB1_HDR_VIDEO_LEN, "v1 header");
_Static_assert(offsetof(struct mb1_info, mmap_length) == 44, "v1 info mmap");
_Static_assert(offsetof(struct mb1_info, boot_loader_name) == 64, "v1 info name");
_Static_assert(offsetof(struct mb1_info, framebuffer_addr) == 88, "v1 info fb");
_Static_assert(sizeof(struct mb1_info) == 116, "v1 info size");
_Static_assert(sizeof(struct mb1_module) == 16, "v1 module");
_Static_assert(sizeof(struct mb1_mmap_entry) == 24, "v1 mmap entry");

/* ---- Multiboot2 header (spec 3.1) -------------------------------------- */

#define MB2_HDR_ALIGN 8
#define MB2_TAG_ALIGN 8
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

/* Declared in mb_elf.h: the ELF and a.out readers report through it too. */
int mb_fail(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->err, c->errlen, "multiboot%s: ",
			 c->version == 2 ? "2" : "");

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < c->errlen)
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* ---- checks on the whole image ------------------------------------------ */

static int check_segments(const struct ctx *c, const struct kimage *k)
{
	bool entry_ok = false;

	for (unsigned i = 0; i < k->nseg; i++) {
		const struct seg *s = &k->seg[i];

		if (!e820_is_ram(c->p->map, s->paddr, s->memsz))
			return mb_fail(c, "segment [0x%llx, 0x%llx) is not in guest RAM",
				       (unsigned long long)s->paddr,
				       (unsigned long long)(s->paddr + s->memsz));
		for (unsigned j = 0; j < i; j++) {
			const struct seg *t = &k->seg[j];

			if (s->paddr < t->paddr + t->memsz && t->paddr < s->paddr + s->memsz)
				return mb_fail(c, "segments at 0x%llx and 0x%llx overlap",
					       (unsigned long long)t->paddr,
					       (unsigned long long)s->paddr);
		}
		if (k->entry >= s->paddr && k->entry - s->paddr < s->memsz)
			entry_ok = true;
	}
	if (!entry_ok)
		return mb_fail(c, "entry point 0x%llx is in no loaded segment",
			       (unsigned long long)k->entry);
	return 0;
}

/* ---- placing modules and the information block -------------------------- */

/* The kernel's whole span (gaps between its segments included: kernels
 * take [start, _end) as theirs) and everything placed so far are avoided,
 * so the search may fall back below earlier placements. */
struct placer {
	const struct e820_map *map;
	struct e820_range avoid[1 + MB_MAX_MODULES + 1]; /* kernel, modules, info */
	unsigned navoid;
	uint64_t cur;		/* next search starts here */
};

static void placer_init(struct placer *pl, const struct ctx *c,
			const struct kimage *k, uint64_t *kstart, uint64_t *kend)
{
	*kstart = UINT64_MAX;
	*kend = 0;
	for (unsigned i = 0; i < k->nseg; i++) {
		*kstart = MIN(*kstart, k->seg[i].paddr);
		*kend = MAX(*kend, k->seg[i].paddr + k->seg[i].memsz);
	}
	pl->map = c->p->map;
	pl->avoid[0] = (struct e820_range){ *kstart, *kend };
	pl->navoid = 1;
	pl->cur = MAX(*kend, GUEST_BIOS_END);
}

/* 'size' bytes, page-aligned, above what was placed before, else from
 * 1 MiB up; E820_NOT_FOUND if there is no room. */
static uint64_t place(struct placer *pl, uint64_t size)
{
	struct e820_find_req r = {
		.size = ALIGN_UP(MAX(size, (uint64_t)1), (uint64_t)PAGE_SIZE),
		.align = PAGE_SIZE, .min = pl->cur, .max_end = GUEST_4G,
		.avoid = pl->avoid, .navoid = pl->navoid,
	};
	uint64_t a = e820_find(pl->map, &r);

	if (a == E820_NOT_FOUND && pl->cur > GUEST_BIOS_END) {
		r.min = GUEST_BIOS_END;
		a = e820_find(pl->map, &r);
	}
	if (a != E820_NOT_FOUND) {
		pl->cur = a + r.size;
		pl->avoid[pl->navoid++] = (struct e820_range){ a, a + r.size };
	}
	return a;
}

static size_t str_size(const char *s)
{
	return (s ? strnlen(s, MB_STRING_MAX) : 0) + 1;
}

static int check_strings(const struct ctx *c)
{
	const struct mb_load_params *p = c->p;

	if (str_size(p->cmdline) > MB_STRING_MAX)
		return mb_fail(c, "command line is longer than %u bytes", MB_STRING_MAX - 1);
	if (p->nmods > MB_MAX_MODULES || (p->nmods && !p->mods))
		return mb_fail(c, "%u modules (at most %u, and a list needed)", p->nmods,
			       MB_MAX_MODULES);
	for (unsigned i = 0; i < p->nmods; i++) {
		if (str_size(p->mods[i].cmdline) > MB_STRING_MAX)
			return mb_fail(c, "module %u: command line is longer than %u bytes",
				       i, MB_STRING_MAX - 1);
		if (p->mods[i].size && !p->mods[i].data)
			return mb_fail(c, "module %u: size without data", i);
		if (p->mods[i].size > GUEST_4G)
			return mb_fail(c, "module %u of 0x%zx bytes is larger than 4 GiB",
				       i, p->mods[i].size);
	}
	return 0;
}

static int place_all(const struct ctx *c, struct placer *pl, uint32_t info_size,
		     struct mb_boot *b)
{
	const struct mb_load_params *p = c->p;

	for (unsigned i = 0; i < p->nmods; i++) {
		b->mod_gpa[i] = place(pl, p->mods[i].size);
		if (b->mod_gpa[i] == E820_NOT_FOUND)
			return mb_fail(c, "no room below 4 GiB for module %u (0x%zx bytes)",
				       i, p->mods[i].size);
	}
	b->info_gpa = place(pl, info_size);
	if (b->info_gpa == E820_NOT_FOUND)
		return mb_fail(c, "no room below 4 GiB for the boot information (%u bytes)",
			       info_size);
	b->info_size = info_size;
	return 0;
}

/* ---- writing ------------------------------------------------------------ */

static int put(const struct ctx *c, uint64_t gpa, const void *src, size_t len)
{
	if (len && c->p->mem->write(c->p->mem->ctx, gpa, src, len) < 0)
		return mb_fail(c, "cannot write guest RAM at 0x%llx (+0x%zx)",
			       (unsigned long long)gpa, len);
	return 0;
}

static int zero(const struct ctx *c, uint64_t gpa, uint64_t len)
{
	if (guest_mem_zero(c->p->mem, gpa, len) < 0)
		return mb_fail(c, "cannot write guest RAM at 0x%llx (+0x%llx)",
			       (unsigned long long)gpa, (unsigned long long)len);
	return 0;
}

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

static int put_kernel_and_modules(const struct ctx *c, const struct kimage *k,
				  const struct mb_boot *b)
{
	const struct mb_load_params *p = c->p;

	for (unsigned i = 0; i < k->nseg; i++) {
		const struct seg *s = &k->seg[i];

		if (put(c, s->paddr, c->img + s->off, s->filesz) ||
		    zero(c, s->paddr + s->filesz, s->memsz - s->filesz))
			return -1;
	}
	for (unsigned i = 0; i < p->nmods; i++)
		if (put(c, b->mod_gpa[i], p->mods[i].data, p->mods[i].size))
			return -1;
	return zero(c, b->info_gpa, b->info_size);
}

/* ---- the Multiboot v1 information block --------------------------------- */

/* Layout: struct mb1_info, the module list, the memory map, then the
 * strings: command line, loader name, module command lines. */
static uint32_t mb1_info_size(const struct ctx *c)
{
	const struct mb_load_params *p = c->p;
	size_t n = ALIGN_UP(sizeof(struct mb1_info), (size_t)8) +
		   p->nmods * sizeof(struct mb1_module) +
		   p->map->n * sizeof(struct mb1_mmap_entry) +
		   str_size(p->cmdline) + sizeof(MB_LOADER_NAME);

	for (unsigned i = 0; i < p->nmods; i++)
		n += str_size(p->mods[i].cmdline);
	return (uint32_t)n;
}

/* Bytes of RAM from 'addr' on, in KiB, as the v1 info counts them. */
static uint32_t ram_kib(const struct e820_map *m, uint64_t addr, uint64_t cap)
{
	return (uint32_t)(MIN(e820_ram_run(m, addr), cap) / KiB(1));
}

static int mb1_put_info(const struct ctx *c, const struct mb_boot *b)
{
	const struct mb_load_params *p = c->p;
	const uint64_t base = b->info_gpa;
	uint64_t mods = base + ALIGN_UP(sizeof(struct mb1_info), (size_t)8);
	uint64_t mmap = mods + p->nmods * sizeof(struct mb1_module);
	uint64_t str = mmap + p->map->n * sizeof(struct mb1_mmap_entry);
	struct mb1_info info = {
		.flags = MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODS |
			 MB1_INFO_MMAP | MB1_INFO_LOADER_NAME,
		.mem_lower = ram_kib(p->map, 0, KiB(640)),
		.mem_upper = ram_kib(p->map, GUEST_BIOS_END, GUEST_4G - KiB(1)),
		.mods_count = p->nmods,
		.mods_addr = p->nmods ? (uint32_t)mods : 0,
		.mmap_length = p->map->n * sizeof(struct mb1_mmap_entry),
		.mmap_addr = (uint32_t)mmap,
	};

	info.cmdline = (uint32_t)str;
	if (put(c, str, str_or_empty(p->cmdline), str_size(p->cmdline)))
		return -1;
	str += str_size(p->cmdline);
	info.boot_loader_name = (uint32_t)str;
	if (put(c, str, MB_LOADER_NAME, sizeof(MB_LOADER_NAME)))
		return -1;
	str += sizeof(MB_LOADER_NAME);
	for (unsigned i = 0; i < p->nmods; i++) {
		struct mb1_module m = {
			.mod_start = (uint32_t)b->mod_gpa[i],
			.mod_end = (uint32_t)(b->mod_gpa[i] + p->mods[i].size),
			.string = (uint32_t)str,
		};

		if (put(c, str, str_or_empty(p->mods[i].cmdline),
			str_size(p->mods[i].cmdline)) ||
		    put(c, mods + i * sizeof(m), &m, sizeof(m)))
			return -1;
		str += str_size(p->mods[i].cmdline);
	}
	for (unsigned i = 0; i < p->map->n; i++) {
		struct mb1_mmap_entry e = {
			.size = sizeof(e) - sizeof(e.size),
			.base_addr = p->map->e[i].addr,
			.length = p->map->e[i].size, .type = p->map->e[i].type,
		};

		if (put(c, mmap + i * sizeof(e), &e, sizeof(e)))
			return -1;
	}
	return put(c, base, &info, sizeof(info));
}

/* ---- the Multiboot2 information block ----------------------------------- */

struct rsdp_copy {
	uint8_t bytes[ACPI_RSDP_V2_LEN];
	uint32_t len;		/* 0: none; 20: ACPI 1.0; 36: 2.0+ */
};

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* The guest's RSDP, checked like an OS would before trusting it. */
static int read_rsdp(const struct ctx *c, struct rsdp_copy *r)
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

static uint32_t mb2_info_size(const struct ctx *c, const struct rsdp_copy *r)
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
		return -1;
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
		return -1;
	at += sizeof(hdr);
	for (unsigned i = 0; i < m->n; i++) {
		struct mb2_mmap_entry e = { m->e[i].addr, m->e[i].size, m->e[i].type, 0 };

		if (put(t->c, at + i * sizeof(e), &e, sizeof(e)))
			return -1;
	}
	return 0;
}

static int mb2_put_info(const struct ctx *c, const struct mb_boot *b,
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
		return -1;
	for (unsigned i = 0; i < p->nmods; i++) {
		const uint32_t range[2] = {
			(uint32_t)b->mod_gpa[i],
			(uint32_t)(b->mod_gpa[i] + p->mods[i].size),
		};

		if (put_tag(&t, MB2_TAG_MODULE, range, sizeof(range),
			    str_or_empty(p->mods[i].cmdline),
			    str_size(p->mods[i].cmdline)))
			return -1;
	}
	if (r->len && put_tag(&t, MB2_TAG_ACPI_OLD, r->bytes, ACPI_RSDP_V1_LEN,
			      NULL, 0))
		return -1;
	if (r->len == ACPI_RSDP_V2_LEN &&
	    put_tag(&t, MB2_TAG_ACPI_NEW, r->bytes, ACPI_RSDP_V2_LEN, NULL, 0))
		return -1;
	if (put_tag(&t, MB2_TAG_END, NULL, 0, NULL, 0))
		return -1;
	return put(c, b->info_gpa, &ih, sizeof(ih));
}

/* ---- the two loaders ---------------------------------------------------- */

/* Checks, placement, then writes: shared by both versions once the header
 * gave the kernel image 'k'. */
static int finish(const struct ctx *c, const struct kimage *k, struct mb_boot *out)
{
	struct mb_boot b = { .version = c->version, .cr0 = CR0_PE | CR0_ET };
	struct rsdp_copy rsdp = { .len = 0 };
	struct placer pl;
	uint32_t info_size;

	if (check_segments(c, k) || check_strings(c) ||
	    (c->version == 2 && read_rsdp(c, &rsdp)))
		return -1;
	placer_init(&pl, c, k, &b.kernel_start, &b.kernel_end);
	info_size = c->version == 2 ? mb2_info_size(c, &rsdp) : mb1_info_size(c);
	if (place_all(c, &pl, info_size, &b) || put_kernel_and_modules(c, k, &b))
		return -1;
	if (c->version == 2 ? mb2_put_info(c, &b, &rsdp) : mb1_put_info(c, &b))
		return -1;
	b.eax = c->version == 2 ? MB2_BOOTLOADER_MAGIC : MB1_BOOTLOADER_MAGIC;
	b.ebx = (uint32_t)b.info_gpa;
	b.eip = (uint32_t)k->entry;
	*out = b;
	return 0;
}

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
		return -1;
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
			return -1;
	} else if (mb_elf_load_info(&c, &k)) {
		return -1;
	}
	return finish(&c, &k, out);
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
			return -1;
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
		return -1;
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
		return -1;
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
			return -1;
	} else if (mb_elf_load_info(&c, &k)) {
		return -1;
	}
	return finish(&c, &k, out);
}

int mb_load(const struct mb_load_params *p, struct mb_boot *out, char *err,
	    size_t errlen)
{
	struct ctx c;
	bool bad_sum;

	if (init_ctx(&c, p, 1, err, errlen))
		return -1;
	if (find_header(&c, MB2_HEADER_MAGIC, MB2_HDR_ALIGN, MB2_SEARCH_LEN,
			sizeof(struct mb2_header), &bad_sum) >= 0)
		return mb2_load(p, out, err, errlen);
	if (find_header(&c, MB1_HEADER_MAGIC, MB1_HDR_ALIGN, MB1_SEARCH_LEN,
			MB1_HDR_MIN, &bad_sum) >= 0)
		return mb1_load(p, out, err, errlen);
	return mb_fail(&c, "no valid Multiboot2 header in the first 32 KiB, nor a Multiboot header in the first 8 KiB");
}
