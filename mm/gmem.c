/* Guest-physical memory map and checked copies (see mm/gmem.h). */
#include "mm/gmem.h"
#include "lib/errno.h"
#include "mm/phys.h"
#include "lib/string.h"

static inline gpa_t region_end(const struct gmem_region *r)
{
	return r->gpa + r->size; /* gmem_add() made sure this does not wrap */
}

static inline bool region_backed(const struct gmem_region *r)
{
	return r->nchunks > 0 || r->hpa != 0;
}

void gmem_init(struct gmem_map *map)
{
	memset(map, 0, sizeof(*map));
}

/* --- building the map ------------------------------------------------------ */

static bool chunks_ok(const struct gmem_region *r)
{
	uint64_t total = 0;

	if (!r->chunks)
		return false;
	for (unsigned i = 0; i < r->nchunks; i++) {
		const struct gmem_chunk *c = &r->chunks[i];

		if (c->size == 0 || !IS_ALIGNED(c->hpa | c->size, PAGE_SIZE) ||
		    c->hpa > UINT64_MAX - c->size ||
		    c->size > r->size - total)
			return false;
		total += c->size;
	}
	return total == r->size;
}

static bool region_ok(const struct gmem_region *r)
{
	if (r->type != GMEM_RAM && r->type != GMEM_ROM && r->type != GMEM_MMIO)
		return false;
	if (r->size == 0 || !IS_ALIGNED(r->gpa | r->size, PAGE_SIZE) ||
	    r->gpa > UINT64_MAX - r->size)
		return false;
	if (r->nchunks)
		return chunks_ok(r);
	if (!region_backed(r))
		return r->type == GMEM_MMIO;
	return IS_ALIGNED(r->hpa, PAGE_SIZE) && r->hpa <= UINT64_MAX - r->size;
}

int gmem_add(struct gmem_map *map, const struct gmem_region *r)
{
	unsigned i;

	if (!region_ok(r))
		return -EINVAL;
	for (i = 0; i < map->count; i++) {
		const struct gmem_region *o = &map->region[i];

		if (r->gpa < region_end(o) && o->gpa < region_end(r))
			return -EEXIST;
		if (o->gpa > r->gpa)
			break;
	}
	if (map->count == GMEM_MAX_REGIONS)
		return -ENOSPC;
	for (unsigned j = map->count; j > i; j--)
		map->region[j] = map->region[j - 1];
	map->region[i] = *r;
	map->count++;
	return 0;
}

/* --- lookups --------------------------------------------------------------- */

static int find_index(const struct gmem_map *map, gpa_t gpa)
{
	unsigned lo = 0, hi = map->count;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		const struct gmem_region *r = &map->region[mid];

		if (gpa < r->gpa)
			hi = mid;
		else if (gpa >= region_end(r))
			lo = mid + 1;
		else
			return (int)mid;
	}
	return -1;
}

const struct gmem_region *gmem_find(const struct gmem_map *map, gpa_t gpa)
{
	int i = find_index(map, gpa);

	return i < 0 ? NULL : &map->region[i];
}

/* Host address of byte 'off' of a backed region, and the host-contiguous
 * bytes from there to the end of its chunk. */
static paddr_t backing_at(const struct gmem_region *r, uint64_t off,
			  uint64_t *contig)
{
	if (r->nchunks == 0) {
		*contig = r->size - off;
		return r->hpa + off;
	}
	for (unsigned i = 0;; i++) {
		const struct gmem_chunk *c = &r->chunks[i];

		if (off < c->size) {
			*contig = c->size - off;
			return c->hpa + off;
		}
		off -= c->size;
	}
}

int gmem_translate(const struct gmem_map *map, gpa_t gpa, paddr_t *hpa,
		   uint64_t *contig)
{
	const struct gmem_region *r = gmem_find(map, gpa);
	uint64_t n;

	if (!r || !region_backed(r))
		return -EFAULT;
	*hpa = backing_at(r, gpa - r->gpa, &n);
	if (contig)
		*contig = n;
	return 0;
}

bool gmem_range_ok(const struct gmem_map *map, gpa_t gpa, uint64_t len)
{
	uint64_t end;
	int i;

	if (len == 0)
		return true;
	if (len > UINT64_MAX - gpa)
		return false;
	end = gpa + len;
	i = find_index(map, gpa);
	if (i < 0)
		return false;
	/* Regions are sorted and disjoint: walk on while they touch. */
	for (;;) {
		const struct gmem_region *r = &map->region[i];

		if (r->type != GMEM_RAM)
			return false;
		if (end <= region_end(r))
			return true;
		if ((unsigned)++i == map->count ||
		    map->region[i].gpa != region_end(r))
			return false;
	}
}

/* --- copies ------------------------------------------------------------------ */

/* Copy [gpa, gpa + len), already checked to be RAM, in host-contiguous
 * pieces: into 'out' when it is non-NULL, else from 'in' into the guest. */
static void copy_pieces(const struct gmem_map *map, gpa_t gpa, size_t len,
			uint8_t *out, const uint8_t *in)
{
	while (len > 0) {
		const struct gmem_region *r = gmem_find(map, gpa);
		uint64_t contig;
		paddr_t hpa = backing_at(r, gpa - r->gpa, &contig);
		size_t n = (size_t)MIN((uint64_t)len, contig);
		void *host = phys_to_virt(hpa);

		if (out) {
			memcpy(out, host, n);
			out += n;
		} else {
			memcpy(host, in, n);
			in += n;
		}
		gpa += n;
		len -= n;
	}
}

int gmem_copy_from_guest(const struct gmem_map *map, void *dst, gpa_t gpa,
			 size_t len)
{
	if (!gmem_range_ok(map, gpa, len))
		return -EFAULT;
	copy_pieces(map, gpa, len, dst, NULL);
	return 0;
}

int gmem_copy_to_guest(const struct gmem_map *map, gpa_t gpa,
		       const void *src, size_t len)
{
	if (!gmem_range_ok(map, gpa, len))
		return -EFAULT;
	copy_pieces(map, gpa, len, NULL, src);
	return 0;
}

/* --- EPT ----------------------------------------------------------------------- */

static int map_region(struct ept *ept, const struct gmem_region *r,
		      unsigned perms, enum ept_memtype mt)
{
	gpa_t gpa = r->gpa;
	int err;

	if (r->nchunks == 0)
		return ept_map(ept, gpa, r->hpa, r->size, perms, mt);
	for (unsigned i = 0; i < r->nchunks; i++) {
		err = ept_map(ept, gpa, r->chunks[i].hpa, r->chunks[i].size,
			      perms, mt);
		if (err)
			return err;
		gpa += r->chunks[i].size;
	}
	return 0;
}

int gmem_map_ept(const struct gmem_map *map, struct ept *ept)
{
	for (unsigned i = 0; i < map->count; i++) {
		const struct gmem_region *r = &map->region[i];
		int err = 0;

		if (!region_backed(r))
			continue;
		switch (r->type) {
		case GMEM_RAM:
			err = map_region(ept, r, EPT_RWX, EPT_MT_WB);
			break;
		case GMEM_ROM:
			err = map_region(ept, r, EPT_R | EPT_X, EPT_MT_WB);
			break;
		case GMEM_MMIO:
			err = map_region(ept, r, EPT_R | EPT_W, EPT_MT_UC);
			break;
		}
		if (err)
			return err;
	}
	return 0;
}
