/* A VM's guest-physical memory map and checked access to guest memory.
 *
 * The map is a small sorted array of non-overlapping regions.  RAM and ROM
 * regions are backed by host memory: one contiguous host range, or a list
 * of host chunks laid end to end (guest RAM built from 2 MiB frames that
 * are not contiguous on the host).  MMIO regions are either passed through
 * to a host range or, with no backing, left for emulation.
 *
 * The hypervisor reads and writes guest memory only through
 * gmem_copy_from_guest()/gmem_copy_to_guest(), which refuse any access
 * that is not entirely inside guest RAM (ROM and MMIO included: the
 * hypervisor never writes a guest's ROM or touches devices on its behalf
 * through these paths).
 *
 * Policies:
 *  - A range may cross from one RAM region into the next when they touch.
 *  - A range whose end would pass 2^64 is refused (no wraparound), and so
 *    is one ending exactly at 2^64 (no region can contain the last byte).
 *  - A zero-length range is valid wherever it is, and copying 0 bytes
 *    succeeds without touching anything: nothing is accessed, so nothing
 *    can go wrong.  Callers that need a non-empty buffer check len. */
#ifndef MM_GMEM_H
#define MM_GMEM_H

#include "lib/types.h"
#include "mm/ept.h"

#define GMEM_MAX_REGIONS 64

enum gmem_type {
	GMEM_RAM = 1,
	GMEM_ROM = 2,
	GMEM_MMIO = 3,
};

/* One piece of host memory backing part of a region. */
struct gmem_chunk {
	paddr_t hpa;
	uint64_t size;
};

struct gmem_region {
	gpa_t gpa;
	uint64_t size;
	enum gmem_type type;
	/* Backing: nchunks == 0 means [hpa, hpa + size) on the host, hpa 0
	 * meaning none (only for MMIO); otherwise the chunks, in guest
	 * order, whose sizes add up to 'size'.  The chunk array belongs to
	 * the caller and must outlive the map. */
	paddr_t hpa;
	const struct gmem_chunk *chunks;
	unsigned nchunks;
};

struct gmem_map {
	struct gmem_region region[GMEM_MAX_REGIONS]; /* sorted by gpa */
	unsigned count;
};

void gmem_init(struct gmem_map *map);

/* Add a region (copied).  Everything page-aligned, size non-zero, no
 * wraparound, RAM/ROM backed, chunks adding up: else -EINVAL.  Overlap
 * with an existing region: -EEXIST.  Map full: -ENOSPC. */
int gmem_add(struct gmem_map *map, const struct gmem_region *r);

/* The region containing gpa, or NULL. */
const struct gmem_region *gmem_find(const struct gmem_map *map, gpa_t gpa);

/* Host address backing gpa, and how many bytes from there on are
 * contiguous on the host within the same region.  -EFAULT if gpa is in no
 * region or an unbacked one. */
int gmem_translate(const struct gmem_map *map, gpa_t gpa, paddr_t *hpa,
		   uint64_t *contig);

/* True when [gpa, gpa + len) lies entirely in RAM (see policies above). */
bool gmem_range_ok(const struct gmem_map *map, gpa_t gpa, uint64_t len);

/* Copy between guest RAM and a hypervisor buffer.  0, or -EFAULT with
 * nothing copied when any byte is outside RAM. */
int gmem_copy_from_guest(const struct gmem_map *map, void *dst, gpa_t gpa,
			 size_t len);
int gmem_copy_to_guest(const struct gmem_map *map, gpa_t gpa,
		       const void *src, size_t len);

/* Enter every backed region into an EPT: RAM read/write/execute and ROM
 * read/execute, both write-back; passed-through MMIO read/write,
 * uncached.  Unbacked MMIO stays unmapped so accesses exit.  Errors from
 * ept_map() are returned (the EPT may then be partly filled). */
int gmem_map_ept(const struct gmem_map *map, struct ept *ept);

#endif
