// FUZZ-SOURCES: efi/efi_mmap.c
/* The UEFI memory map -> boot_info conversion (efi/efi_mmap.c): a
 * descriptor size, then descriptors.  Accepted: regions sorted, non-empty,
 * not wrapping, neighbours of one kind not touching, and every byte of
 * every descriptor covered by a region of the kind its type maps to
 * (nothing the firmware keeps turns usable, nothing is lost). */
#include "efi/efi_mmap.h"
#include "tests/fuzz/fuzz.h"

static bool covered(const struct boot_info *bi, uint64_t base, uint64_t end,
		    uint32_t kind)
{
	for (unsigned i = 0; i < bi->mmap_count; i++) {
		const struct mem_region *r = &bi->mmap[i];

		if (r->type == kind && r->base <= base && end <= r->base + r->len)
			return true;
	}
	return false;
}

static void check_regions(const struct boot_info *bi)
{
	FUZZ_CHECK(bi->mmap_count >= 1 && bi->mmap_count <= BOOT_MAX_MMAP);
	for (unsigned i = 0; i < bi->mmap_count; i++) {
		const struct mem_region *r = &bi->mmap[i];

		FUZZ_CHECK(r->len && r->base <= UINT64_MAX - r->len);
		if (i) {
			const struct mem_region *p = &bi->mmap[i - 1];

			FUZZ_CHECK(p->base <= r->base);
			FUZZ_CHECK(p->type != r->type || p->base + p->len < r->base);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	size_t dsize = sizeof(struct efi_mem_desc) + (fz_bytes(&f, 1) % 4) * 8;
	static struct boot_info bi;
	const char *err = NULL;
	uint8_t *map = malloc(f.n ? f.n : 1);
	size_t n = f.n;

	memcpy(map, f.p, n);
	if (efi_mmap_convert(map, n, dsize, &bi, &err) == 0) {
		check_regions(&bi);
		for (size_t off = 0; off + dsize <= n; off += dsize) {
			struct efi_mem_desc d;

			memcpy(&d, map + off, sizeof(d));
			if (d.pages)
				FUZZ_CHECK(covered(&bi, d.phys_start,
						   d.phys_start + (d.pages << EFI_PAGE_SHIFT),
						   efi_mem_type_to_boot(d.type, d.attr)));
		}
	} else {
		FUZZ_CHECK(err && strlen(err) < 128);
	}
	free(map);
	return 0;
}
