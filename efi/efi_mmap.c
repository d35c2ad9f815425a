/* UEFI memory map -> boot_info regions (efi/efi_mmap.h). */
#include "efi/efi_mmap.h"

uint32_t efi_mem_type_to_boot(uint32_t efi_type, uint64_t attr)
{
	switch (efi_type) {
	case EFI_MT_LOADER_CODE:
	case EFI_MT_LOADER_DATA:
	case EFI_MT_BS_CODE:
	case EFI_MT_BS_DATA:
	case EFI_MT_CONVENTIONAL:
		return (attr & EFI_MEM_ATTR_RUNTIME) ? MEM_RESERVED : MEM_USABLE;
	case EFI_MT_UNUSABLE:
		return MEM_BAD;
	case EFI_MT_ACPI_RECLAIM:
		return MEM_ACPI_RECLAIM;
	case EFI_MT_ACPI_NVS:
		return MEM_ACPI_NVS;
	default:
		return MEM_RESERVED;
	}
}

/* The firmware's map before merging; static so that a big map does not
 * sit on the application's stack. */
static struct mem_region scratch[EFI_MMAP_MAX_DESC];

static void sort_by_base(struct mem_region *r, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		struct mem_region x = r[i];
		unsigned j = i;

		while (j && (r[j - 1].base > x.base ||
			     (r[j - 1].base == x.base && r[j - 1].type > x.type))) {
			r[j] = r[j - 1];
			j--;
		}
		r[j] = x;
	}
}

/* Merge ranges of one type that touch or overlap; ranges of different
 * types are kept as they are (the frame allocator lets every type but
 * usable win where they overlap). */
static unsigned merge(struct mem_region *r, unsigned n)
{
	unsigned out = 0;

	for (unsigned i = 0; i < n; i++) {
		if (out) {
			struct mem_region *last = &r[out - 1];
			uint64_t end = last->base + last->len;

			if (last->type == r[i].type && r[i].base <= end) {
				uint64_t e2 = r[i].base + r[i].len;

				if (e2 > end)
					last->len = e2 - last->base;
				continue;
			}
		}
		r[out++] = r[i];
	}
	return out;
}

static int read_descs(const void *map, size_t map_size, size_t desc_size,
		      unsigned *np, const char **err)
{
	const uint8_t *p = map;
	unsigned n = 0;

	if (desc_size < sizeof(struct efi_mem_desc)) {
		*err = "descriptor size smaller than EFI_MEMORY_DESCRIPTOR";
		return -1;
	}
	if (map_size / desc_size > EFI_MMAP_MAX_DESC) {
		*err = "more than 1024 memory map descriptors";
		return -1;
	}
	for (size_t off = 0; off + desc_size <= map_size; off += desc_size) {
		struct efi_mem_desc d;

		/* Descriptors need not be aligned for our structure. */
		__builtin_memcpy(&d, p + off, sizeof(d));
		if (!d.pages)
			continue;
		if (d.phys_start & ((1u << EFI_PAGE_SHIFT) - 1)) {
			*err = "a memory map range does not start on a 4 KiB page";
			return -1;
		}
		if (d.pages > (UINT64_MAX - d.phys_start) >> EFI_PAGE_SHIFT) {
			*err = "a memory map range wraps past 2^64";
			return -1;
		}
		scratch[n].base = d.phys_start;
		scratch[n].len = d.pages << EFI_PAGE_SHIFT;
		scratch[n].type = efi_mem_type_to_boot(d.type, d.attr);
		n++;
	}
	*np = n;
	return 0;
}

int efi_mmap_convert(const void *map, size_t map_size, size_t desc_size,
		     struct boot_info *bi, const char **err)
{
	unsigned n;

	if (read_descs(map, map_size, desc_size, &n, err))
		return -1;
	if (!n) {
		*err = "the memory map is empty";
		return -1;
	}
	sort_by_base(scratch, n);
	n = merge(scratch, n);
	if (n > BOOT_MAX_MMAP) {
		*err = "more than 128 memory regions after merging";
		return -1;
	}
	for (unsigned i = 0; i < n; i++)
		bi->mmap[i] = scratch[i];
	bi->mmap_count = n;
	return 0;
}
