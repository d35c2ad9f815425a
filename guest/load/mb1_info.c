/* The Multiboot v1 boot information block (Multiboot 0.6.96 section 3.3):
 * its layout, its size and writing it into guest RAM. */
#include "guest/load/mb_internal.h"

/* ---- Multiboot v1 information layout (spec 3.3) ------------------------- */

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

_Static_assert(offsetof(struct mb1_info, mmap_length) == 44, "v1 info mmap");
_Static_assert(offsetof(struct mb1_info, boot_loader_name) == 64, "v1 info name");
_Static_assert(offsetof(struct mb1_info, framebuffer_addr) == 88, "v1 info fb");
_Static_assert(sizeof(struct mb1_info) == 116, "v1 info size");
_Static_assert(sizeof(struct mb1_module) == 16, "v1 module");
_Static_assert(sizeof(struct mb1_mmap_entry) == 24, "v1 mmap entry");

/* ---- the Multiboot v1 information block --------------------------------- */

/* Layout: struct mb1_info, the module list, the memory map, then the
 * strings: command line, loader name, module command lines. */
uint32_t mb1_info_size(const struct ctx *c)
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

int mb1_put_info(const struct ctx *c, const struct mb_boot *b)
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
		return -EINVAL;
	str += str_size(p->cmdline);
	info.boot_loader_name = (uint32_t)str;
	if (put(c, str, MB_LOADER_NAME, sizeof(MB_LOADER_NAME)))
		return -EINVAL;
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
			return -EINVAL;
		str += str_size(p->mods[i].cmdline);
	}
	for (unsigned i = 0; i < p->map->n; i++) {
		struct mb1_mmap_entry e = {
			.size = sizeof(e) - sizeof(e.size),
			.base_addr = p->map->e[i].addr,
			.length = p->map->e[i].size, .type = p->map->e[i].type,
		};

		if (put(c, mmap + i * sizeof(e), &e, sizeof(e)))
			return -EINVAL;
	}
	return put(c, base, &info, sizeof(info));
}
