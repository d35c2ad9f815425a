/* Linux 64-bit boot protocol loader; see linux_boot.h.  Facts from the
 * kernel's boot protocol documentation (boot.rst, zero-page.rst). */
#include "guest/load/linux_boot.h"
#include "arch-x86/regs.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/report.h"
#include "lib/string.h"

/* The setup header as it sits in the image at LINUX_HDR_START and in
 * boot_params at the same offset (boot.rst, "THE REAL-MODE KERNEL
 * HEADER"), up to protocol 2.15. */
struct setup_header {
	uint8_t setup_sects;
	uint16_t root_flags;
	uint32_t syssize;		/* protected-mode code, 16-byte units */
	uint16_t ram_size;
	uint16_t vid_mode;
	uint16_t root_dev;
	uint16_t boot_flag;
	uint16_t jump;			/* byte 0x201 + 0x202: header end */
	uint32_t header;
	uint16_t version;
	uint32_t realmode_swtch;
	uint16_t start_sys_seg;
	uint16_t kernel_version;
	uint8_t type_of_loader;
	uint8_t loadflags;
	uint16_t setup_move_size;
	uint32_t code32_start;
	uint32_t ramdisk_image;
	uint32_t ramdisk_size;
	uint32_t bootsect_kludge;
	uint16_t heap_end_ptr;
	uint8_t ext_loader_ver;
	uint8_t ext_loader_type;
	uint32_t cmd_line_ptr;
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	uint8_t relocatable_kernel;
	uint8_t min_alignment;
	uint16_t xloadflags;
	uint32_t cmdline_size;
	uint32_t hardware_subarch;
	uint64_t hardware_subarch_data;
	uint32_t payload_offset;
	uint32_t payload_length;
	uint64_t setup_data;
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t handover_offset;
	uint32_t kernel_info_offset;
} __packed;

#define HDR_OFF(f) (LINUX_HDR_START + offsetof(struct setup_header, f))
#define HDR_END_OF(f) (HDR_OFF(f) + sizeof(((struct setup_header *)0)->f))

_Static_assert(HDR_OFF(boot_flag) == 0x1fe, "boot_flag");
_Static_assert(HDR_OFF(header) == 0x202, "header");
_Static_assert(HDR_OFF(type_of_loader) == 0x210, "type_of_loader");
_Static_assert(HDR_OFF(ramdisk_image) == 0x218, "ramdisk_image");
_Static_assert(HDR_OFF(heap_end_ptr) == 0x224, "heap_end_ptr");
_Static_assert(HDR_OFF(cmd_line_ptr) == 0x228, "cmd_line_ptr");
_Static_assert(HDR_OFF(kernel_alignment) == 0x230, "kernel_alignment");
_Static_assert(HDR_OFF(xloadflags) == 0x236, "xloadflags");
_Static_assert(HDR_OFF(setup_data) == 0x250, "setup_data");
_Static_assert(HDR_OFF(pref_address) == 0x258, "pref_address");
_Static_assert(HDR_OFF(init_size) == 0x260, "init_size");
_Static_assert(HDR_END_OF(kernel_info_offset) == 0x26c, "2.15 header end");

/* The jump at 0x200 is a short jump whose displacement byte says where
 * the header ends. */
#define HDR_JUMP_DISP 0x201
#define HDR_JUMP_END 0x202
#define SECTOR 512u
#define SETUP_SECTS_DEFAULT 4	/* a 0 in setup_sects means 4 */
#define SYSSIZE_UNIT 16u
#define INITRD_ADDR_MAX_OLD 0x37ffffffu
/* Real-mode heap end (offset from the setup code) minus 0x200, for
 * protocols 2.02+; only the 16-bit entry uses it. */
#define HEAP_END_PTR 0xde00u

/* struct boot_params (zero-page.rst). */
#define BP_SIZE 0x1000u
#define BP_ACPI_RSDP_ADDR 0x070
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE 0x0c4
#define BP_EXT_CMD_LINE_PTR 0x0c8
#define BP_E820_ENTRIES 0x1e8
#define BP_HDR_END 0x290	/* edd_mbr_sig_buffer follows the header */
#define BP_E820_TABLE 0x2d0

struct boot_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __packed;

_Static_assert(sizeof(struct boot_e820_entry) == 20, "e820 entry");
_Static_assert(BP_E820_TABLE + LINUX_E820_MAX * 20 <= 0xd00, "e820 table");
_Static_assert(E820_MAX_ENTRIES <= LINUX_E820_MAX, "map fits boot_params");

/* Boot page tables: PML4, one PDPT, PDs of 2 MiB pages. */
#define PDPT_GPA (LINUX_PML4_GPA + PAGE_SIZE)
#define PD_GPA (LINUX_PML4_GPA + 2 * PAGE_SIZE)
#define PD_COUNT (LINUX_IDENT_MAP_END / GiB(1))
#define PT_ENTRIES 512u
#define PT_CHUNK 64u		/* entries built at a time */
#define BOOT_PTE (PTE_P | PTE_RW)
#define GDT_ENTRIES 4		/* null, unused, __BOOT_CS, __BOOT_DS */
#define GDT_ACCESSED BIT(40)

_Static_assert(PD_GPA + PD_COUNT * PAGE_SIZE <= LINUX_GDT_GPA, "tables below GDT");
_Static_assert(LINUX_GDT_GPA + GDT_ENTRIES * 8 <= LINUX_BOOT_PARAMS_GPA, "GDT");
_Static_assert(LINUX_BOOT_PARAMS_GPA + BP_SIZE <= LINUX_CMDLINE_GPA, "zero page");
_Static_assert(LINUX_CMDLINE_GPA + LINUX_CMDLINE_MAX <= LINUX_BOOT_AREA_END, "cmdline");
_Static_assert(LINUX_BOOT_AREA_END <= GUEST_CONV_END, "boot area in low RAM");
_Static_assert(LINUX_BOOT_CS == 2 * 8 && LINUX_BOOT_DS == 3 * 8, "selectors");

static int __printf(3, 4) fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_vfail(err, errlen, -EINVAL, "linux: ", fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static unsigned major(uint16_t v)
{
	return v >> 8;
}

static unsigned minor(uint16_t v)
{
	return v & 0xff;
}

static int check_version(const struct setup_header *h, const uint8_t *img,
			 size_t size, char *err, size_t errlen)
{
	size_t end = HDR_JUMP_END + (size_t)img[HDR_JUMP_DISP];

	if (h->header != LINUX_HDR_MAGIC)
		return fail(err, errlen,
			    "no \"HdrS\" magic at 0x202: not a Linux kernel, or one older than boot protocol 2.00");
	if (h->version < LINUX_PROTO_MIN)
		return fail(err, errlen,
			    "boot protocol %u.%02u is too old (2.06 or later needed)",
			    major(h->version), minor(h->version));
	if (h->version < LINUX_PROTO_64BIT)
		return fail(err, errlen,
			    "boot protocol %u.%02u has no 64-bit entry point (2.12 or later needed)",
			    major(h->version), minor(h->version));
	if (end < HDR_END_OF(init_size))
		return fail(err, errlen,
			    "setup header ends at 0x%zx, before the end of init_size (0x%zx), which protocol %u.%02u has",
			    end, HDR_END_OF(init_size), major(h->version),
			    minor(h->version));
	if (end > size)
		return fail(err, errlen,
			    "image of 0x%zx bytes ends inside the setup header (which ends at 0x%zx)",
			    size, end);
	return 0;
}

/* Fields every later step relies on; the header is whole in the image. */
static int check_fields(const struct setup_header *h, size_t size,
			struct linux_image *li, char *err, size_t errlen)
{
	unsigned sects = h->setup_sects ? h->setup_sects : SETUP_SECTS_DEFAULT;
	uint32_t setup_size = (sects + 1) * SECTOR;
	uint32_t align = h->kernel_alignment;

	if (!(h->xloadflags & LINUX_XLF_KERNEL_64))
		return fail(err, errlen,
			    "kernel has no 64-bit entry point (XLF_KERNEL_64 clear in xloadflags 0x%x)",
			    h->xloadflags);
	if (!(h->loadflags & LINUX_LOADED_HIGH))
		return fail(err, errlen,
			    "not a bzImage: LOADED_HIGH is clear (a zImage loads at 0x10000)");
	if (setup_size >= size)
		return fail(err, errlen,
			    "setup_sects %u puts the kernel at 0x%x, at or past the image end (0x%zx)",
			    h->setup_sects, setup_size, size);
	if (!h->syssize)
		return fail(err, errlen, "syssize is 0: no protected-mode kernel");
	if ((uint64_t)h->syssize * SYSSIZE_UNIT > size - setup_size)
		return fail(err, errlen,
			    "syssize says 0x%llx bytes of kernel, the image holds 0x%zx after the setup code: truncated",
			    (unsigned long long)h->syssize * SYSSIZE_UNIT,
			    size - setup_size);
	if (h->relocatable_kernel && (!align || (align & (align - 1))))
		return fail(err, errlen,
			    "kernel_alignment 0x%x is not a power of two", align);
	*li = (struct linux_image){
		.version = h->version,
		.setup_size = setup_size,
		.kernel_size = size - setup_size,
		.loadflags = h->loadflags,
		.xloadflags = h->xloadflags,
		.relocatable = h->relocatable_kernel != 0,
		.kernel_alignment = align,
		.initrd_addr_max = h->initrd_addr_max ? h->initrd_addr_max :
							INITRD_ADDR_MAX_OLD,
		.cmdline_size = h->cmdline_size,
		.pref_address = h->pref_address,
		.init_size = h->init_size,
	};
	return 0;
}

/* The part of the setup header present in an image of 'size' bytes
 * (>= LINUX_HDR_START), the rest zero. */
static void read_header(const uint8_t *img, size_t size, struct setup_header *h)
{
	memset(h, 0, sizeof(*h));
	memcpy(h, img + LINUX_HDR_START,
	       MIN(size - LINUX_HDR_START, sizeof(*h)));
}

int linux_parse(const void *image, size_t size, struct linux_image *li,
		char *err, size_t errlen)
{
	const uint8_t *img = image;
	struct setup_header h;

	if (!img || size < HDR_END_OF(boot_flag))
		return fail(err, errlen,
			    "image of %zu bytes is too small for a boot sector (0x200 bytes)",
			    size);
	read_header(img, size, &h);
	if (h.boot_flag != LINUX_BOOT_FLAG)
		return fail(err, errlen,
			    "no boot sector signature 0xaa55 at 0x1fe (found 0x%04x)",
			    h.boot_flag);
	if (size < HDR_END_OF(version))
		return fail(err, errlen,
			    "image of 0x%zx bytes ends inside the setup header", size);
	if (check_version(&h, img, size, err, errlen) ||
	    check_fields(&h, size, li, err, errlen))
		return -EINVAL;
	li->hdr_end = HDR_JUMP_END + img[HDR_JUMP_DISP];
	return 0;
}

/* ---- placement ----------------------------------------------------------- */

/* A relocatable 64-bit kernel runs at its load address rounded up to
 * kernel_alignment, but never below pref_address (LOAD_PHYSICAL_ADDR): it
 * moves itself up there.  So the block [load, load + init_size) is looked
 * for at pref_address and above only; one lower down would leave the
 * kernel decompressing over whatever sits at pref_address. */
static int place_kernel(const struct linux_image *li, const struct e820_map *map,
			uint64_t *load, uint64_t *need, char *err, size_t errlen)
{
	uint64_t pref = MAX(li->pref_address, GUEST_BIOS_END);
	uint64_t align = MAX((uint64_t)li->kernel_alignment, (uint64_t)PAGE_SIZE);
	struct e820_find_req r;

	*need = ALIGN_UP(MAX((uint64_t)li->init_size, li->kernel_size),
			 (uint64_t)PAGE_SIZE);
	if (!li->relocatable) {
		if (pref >= GUEST_4G || *need > GUEST_4G - pref ||
		    !e820_is_ram(map, pref, *need))
			return fail(err, errlen,
				    "kernel is not relocatable and needs [0x%llx, 0x%llx) in guest RAM below 4 GiB",
				    (unsigned long long)pref,
				    (unsigned long long)(pref + *need));
		*load = pref;
		return 0;
	}
	r = (struct e820_find_req){ .size = *need, .align = align, .min = pref,
				    .max_end = GUEST_4G };
	*load = e820_find(map, &r);
	if (*load == E820_NOT_FOUND)
		return fail(err, errlen,
			    "no room for the kernel: it needs 0x%llx bytes (init_size) of guest RAM at or above 0x%llx, aligned to 0x%llx, below 4 GiB",
			    (unsigned long long)*need, (unsigned long long)pref,
			    (unsigned long long)align);
	return 0;
}

/* As high as allowed, page-aligned, clear of the kernel's init_size
 * region and of the boot area. */
static int place_initrd(const struct linux_image *li, const struct e820_map *map,
			uint64_t size, const struct e820_range *kernel,
			uint64_t *at, char *err, size_t errlen)
{
	uint64_t limit = MIN((uint64_t)li->initrd_addr_max + 1, GUEST_4G);
	struct e820_find_req r = {
		.align = PAGE_SIZE, .min = GUEST_BIOS_END, .max_end = limit,
		.avoid = kernel, .navoid = 1, .top_down = true,
	};

	if (size > GUEST_4G)
		return fail(err, errlen, "initrd of 0x%llx bytes is larger than 4 GiB",
			    (unsigned long long)size);
	r.size = ALIGN_UP(size, (uint64_t)PAGE_SIZE);
	*at = e820_find(map, &r);
	if (*at == E820_NOT_FOUND)
		return fail(err, errlen,
			    "initrd of 0x%llx bytes does not fit in guest RAM below 0x%llx (initrd_addr_max + 1) outside the kernel [0x%llx, 0x%llx)",
			    (unsigned long long)size, (unsigned long long)limit,
			    (unsigned long long)kernel->start,
			    (unsigned long long)kernel->end);
	return 0;
}

/* ---- writing ------------------------------------------------------------- */

struct writer {
	const struct guest_mem_ops *mem;
	char *err;
	size_t errlen;
};

static int put(const struct writer *w, uint64_t gpa, const void *src, size_t len)
{
	if (w->mem->write(w->mem->ctx, gpa, src, len) < 0)
		return fail(w->err, w->errlen,
			    "cannot write guest RAM at 0x%llx (+0x%zx)",
			    (unsigned long long)gpa, len);
	return 0;
}

static int put32(const struct writer *w, uint64_t gpa, uint32_t v)
{
	return put(w, gpa, &v, sizeof(v));
}

static int put_e820(const struct writer *w, const struct e820_map *map)
{
	uint8_t n = (uint8_t)map->n;

	for (unsigned i = 0; i < map->n; i++) {
		struct boot_e820_entry e = {
			map->e[i].addr, map->e[i].size, map->e[i].type,
		};

		if (put(w, LINUX_BOOT_PARAMS_GPA + BP_E820_TABLE + i * sizeof(e),
			&e, sizeof(e)))
			return -EINVAL;
	}
	return put(w, LINUX_BOOT_PARAMS_GPA + BP_E820_ENTRIES, &n, 1);
}

/* boot_params: zeroed, the image's setup header copied in, then the
 * fields a boot loader writes. */
static int put_boot_params(const struct writer *w, const uint8_t *img,
			   const struct linux_load_params *p,
			   const struct linux_boot *b)
{
	const uint64_t bp = LINUX_BOOT_PARAMS_GPA;
	uint32_t copy = MIN(b->img.hdr_end, (uint32_t)BP_HDR_END) - LINUX_HDR_START;
	struct setup_header h;

	read_header(img, p->kernel_size, &h);
	h.type_of_loader = LINUX_TYPE_OF_LOADER;
	h.loadflags |= LINUX_LOADED_HIGH | LINUX_CAN_USE_HEAP;
	h.code32_start = (uint32_t)b->kernel_gpa;
	h.ramdisk_image = (uint32_t)b->initrd_gpa;
	h.ramdisk_size = (uint32_t)b->initrd_size;
	h.heap_end_ptr = HEAP_END_PTR;
	h.ext_loader_ver = 0;
	h.ext_loader_type = 0;
	h.cmd_line_ptr = (uint32_t)b->cmdline_gpa;
	h.hardware_subarch = 0;		/* a PC */
	h.hardware_subarch_data = 0;
	h.setup_data = 0;

	if (guest_mem_zero(w->mem, bp, BP_SIZE) < 0)
		return fail(w->err, w->errlen, "cannot write guest RAM at 0x%llx",
			    (unsigned long long)bp);
	if (put(w, bp + LINUX_HDR_START, img + LINUX_HDR_START, copy) ||
	    put(w, bp + LINUX_HDR_START, &h, MIN((size_t)copy, sizeof(h))) ||
	    put32(w, bp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(b->initrd_gpa >> 32)) ||
	    put32(w, bp + BP_EXT_RAMDISK_SIZE, (uint32_t)(b->initrd_size >> 32)) ||
	    put32(w, bp + BP_EXT_CMD_LINE_PTR, (uint32_t)(b->cmdline_gpa >> 32)) ||
	    put(w, bp + BP_ACPI_RSDP_ADDR, &p->rsdp_gpa, sizeof(p->rsdp_gpa)))
		return -EINVAL;
	return put_e820(w, p->map);
}

static int put_gdt(const struct writer *w)
{
	const uint64_t gdt[GDT_ENTRIES] = {
		0, 0, GDT_CODE64 | GDT_ACCESSED, GDT_DATA | GDT_ACCESSED,
	};

	return put(w, LINUX_GDT_GPA, gdt, sizeof(gdt));
}

/* PML4[0] -> PDPT; PDPT[i] -> PD i; PD entries map 2 MiB each, 1:1. */
static int put_page_tables(const struct writer *w)
{
	uint64_t chunk[PT_CHUNK];

	if (guest_mem_zero(w->mem, LINUX_PML4_GPA, 2 * PAGE_SIZE) < 0)
		return fail(w->err, w->errlen, "cannot write guest RAM at 0x%x",
			    LINUX_PML4_GPA);
	chunk[0] = PDPT_GPA | BOOT_PTE;
	if (put(w, LINUX_PML4_GPA, chunk, sizeof(chunk[0])))
		return -EINVAL;
	for (unsigned i = 0; i < PD_COUNT; i++)
		chunk[i] = (PD_GPA + i * PAGE_SIZE) | BOOT_PTE;
	if (put(w, PDPT_GPA, chunk, PD_COUNT * sizeof(chunk[0])))
		return -EINVAL;
	for (unsigned i = 0; i < PD_COUNT * PT_ENTRIES; i += PT_CHUNK) {
		for (unsigned k = 0; k < PT_CHUNK; k++)
			chunk[k] = ((uint64_t)(i + k) << 21) | BOOT_PTE | PTE_PS;
		if (put(w, PD_GPA + i * sizeof(uint64_t), chunk, sizeof(chunk)))
			return -EINVAL;
	}
	return 0;
}

static int put_all(const struct writer *w, const struct linux_load_params *p,
		   const struct linux_boot *b, size_t cmdline_len)
{
	const uint8_t *img = p->kernel;
	const char *cmdline = p->cmdline ? p->cmdline : "";

	if (put(w, b->kernel_gpa, img + b->img.setup_size, b->img.kernel_size) ||
	    (b->initrd_size && put(w, b->initrd_gpa, p->initrd, b->initrd_size)) ||
	    put(w, b->cmdline_gpa, cmdline, cmdline_len) ||
	    put(w, b->cmdline_gpa + cmdline_len, "", 1) ||
	    put_boot_params(w, img, p, b) || put_gdt(w) || put_page_tables(w))
		return -EINVAL;
	return 0;
}

static int check_inputs(const struct linux_load_params *p,
			const struct linux_image *li, size_t *cmdline_len,
			char *err, size_t errlen)
{
	size_t len = p->cmdline ? strnlen(p->cmdline, LINUX_CMDLINE_MAX) : 0;

	if (e820_check(p->map, err, errlen) < 0)
		return -EINVAL;
	if (len >= LINUX_CMDLINE_MAX)
		return fail(err, errlen, "command line is longer than %u bytes",
			    LINUX_CMDLINE_MAX - 1);
	if (len > li->cmdline_size)
		return fail(err, errlen,
			    "command line of %zu bytes is longer than the kernel takes (cmdline_size %u)",
			    len, li->cmdline_size);
	if (p->initrd_size && !p->initrd)
		return fail(err, errlen, "initrd size given without initrd data");
	if (!e820_is_ram(p->map, LINUX_PML4_GPA, LINUX_BOOT_AREA_END - LINUX_PML4_GPA))
		return fail(err, errlen, "boot area [0x%x, 0x%x) is not guest RAM",
			    LINUX_PML4_GPA, LINUX_BOOT_AREA_END);
	*cmdline_len = len;
	return 0;
}

int linux_load(const struct linux_load_params *p, struct linux_boot *out,
	       char *err, size_t errlen)
{
	const struct writer w = { p->mem, err, errlen };
	struct linux_boot b = { .boot_params_gpa = LINUX_BOOT_PARAMS_GPA,
				.cmdline_gpa = LINUX_CMDLINE_GPA };
	struct e820_range kernel;
	size_t cmdline_len = 0;
	uint64_t need;

	if (linux_parse(p->kernel, p->kernel_size, &b.img, err, errlen) ||
	    check_inputs(p, &b.img, &cmdline_len, err, errlen) ||
	    place_kernel(&b.img, p->map, &b.kernel_gpa, &need, err, errlen))
		return -EINVAL;
	b.kernel_end = b.kernel_gpa + need;
	kernel = (struct e820_range){ b.kernel_gpa, b.kernel_end };
	b.ident_needed = MAX(b.kernel_end, (uint64_t)LINUX_BOOT_AREA_END);
	if (p->initrd && p->initrd_size) {
		if (place_initrd(&b.img, p->map, p->initrd_size, &kernel,
				 &b.initrd_gpa, err, errlen))
			return -EINVAL;
		b.initrd_size = p->initrd_size;
		b.ident_needed = MAX(b.ident_needed, b.initrd_gpa + b.initrd_size);
	}
	b.rip = b.kernel_gpa + LINUX_ENTRY_64_OFFSET;
	b.rsi = LINUX_BOOT_PARAMS_GPA;
	b.cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
	b.cr3 = LINUX_PML4_GPA;
	b.cr4 = CR4_PAE;
	b.efer = EFER_LME | EFER_LMA;
	b.gdt_base = LINUX_GDT_GPA;
	b.gdt_limit = GDT_ENTRIES * 8 - 1;
	b.cs = LINUX_BOOT_CS;
	b.ds = LINUX_BOOT_DS;
	b.ident_map_end = LINUX_IDENT_MAP_END;
	if (put_all(&w, p, &b, cmdline_len))
		return -EINVAL;
	*out = b;
	return 0;
}
