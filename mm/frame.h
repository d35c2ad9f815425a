/* Physical frame allocator.
 *
 * Built once from the boot memory map.  It manages MEM_USABLE RAM only,
 * minus everything that must never be handed out: the low 1 MiB, the
 * hypervisor image, the Multiboot2 information block, every boot module,
 * every range the map marks as anything other than usable (reserved wins
 * over usable where entries overlap) and any extra range the caller names.
 *
 * The managed RAM is kept as a sorted array of arenas, each with its own
 * allocation bitmap, so a sparse map (RAM far above 4 GiB, holes) costs one
 * bit per page that exists and nothing for the gaps: 64 GiB of RAM needs a
 * 2 MiB bitmap.  The bitmap lives in the lowest usable range large enough
 * for it (below FRAME_EARLY_LIMIT), which is then itself removed from the
 * managed RAM.
 *
 * Allocation is lowest address first, so early allocations (the bitmap, the
 * first page tables) land in the low 4 GiB that the boot page tables map.
 * Address 0 is never a valid frame (the low 1 MiB is excluded), so 0 means
 * failure.
 *
 * Not SMP-safe yet: the caller serialises (only the BSP allocates during
 * bring-up).  Freeing a frame that is not allocated, or that the allocator
 * does not own, is a hypervisor bug and panics. */
#ifndef MM_FRAME_H
#define MM_FRAME_H

#include "lib/types.h"
#include "lib/boot_info.h"
#include "mm/phys.h"

/* Nothing below this address is ever handed out (real-mode IVT, BDA, EBDA,
 * VGA and BIOS ROM areas, and the AP start-up trampoline). */
#define FRAME_LOW_LIMIT MiB(1)

/* Usable RAM above this is ignored (with a warning): it bounds the bitmap
 * at 32 MiB whatever a broken map claims. */
#define FRAME_PHYS_LIMIT GiB(1024)

/* The bitmap must be reachable before mm/paging.c builds the direct map,
 * on the boot page tables, which map the low 4 GiB (boot/entry.S). */
#define FRAME_EARLY_LIMIT GiB(4)

/* Disjoint pieces of managed RAM.  A map that fragments usable RAM into
 * more pieces than this loses the smallest pieces (never reserved ones). */
#define FRAME_MAX_ARENAS 256

struct frame_stats {
	uint64_t usable_bytes;   /* MEM_USABLE RAM in the map, page-trimmed, merged */
	unsigned usable_ranges;  /* disjoint usable ranges after merging */
	uint64_t managed_bytes;  /* usable minus reservations and the bitmap */
	uint64_t free_bytes;
	unsigned arenas;
	struct phys_range bitmap; /* where the allocator keeps its bitmap */
};

/* Build the allocator.  'image' is the hypervisor image [start, end) (from
 * the linker symbols); 'reserved' lists extra ranges to keep out (may be
 * NULL when nreserved is 0).  Ranges need not be page-aligned: reserved
 * ranges are widened, usable ranges narrowed, to whole pages.
 * Returns 0, -EINVAL for a malformed reserved range (end < start), or
 * -ENOMEM when no usable RAM is left or the bitmap does not fit. */
int frame_init(const struct boot_info *bi, struct phys_range image,
	       const struct phys_range *reserved, unsigned nreserved);

/* One 4 KiB frame; 0 when memory is exhausted.  frame_zalloc() zeroes it. */
paddr_t frame_alloc(void);
paddr_t frame_zalloc(void);

/* 'npages' physically contiguous frames whose first address is a multiple
 * of 'align' bytes (a power of two; 0 or anything below 4 KiB means 4 KiB).
 * Returns 0 on failure or when npages is 0. */
paddr_t frame_alloc_contig(size_t npages, size_t align);
paddr_t frame_zalloc_contig(size_t npages, size_t align);

/* The same run, lowest first, but lying inside [min, max_end) (min
 * rounded up, max_end down to whole pages): for memory that must sit at a
 * given host-physical place, as the RAM of a VM whose devices DMA to
 * guest-physical = host-physical addresses (dma = identity).  Not zeroed.
 * Returns 0 when no such run is free. */
paddr_t frame_alloc_contig_in(size_t npages, size_t align, paddr_t min,
			      paddr_t max_end);

/* Return frames; panics on a double free or a frame not owned. */
void frame_free(paddr_t pa);
void frame_free_contig(paddr_t pa, size_t npages);

uint64_t frame_free_bytes(void);
void frame_get_stats(struct frame_stats *st);

/* "mem: N MiB usable in K ranges, M MiB free" into buf (snprintf rules);
 * frame_print_summary() logs the same line at info level. */
int frame_format_summary(char *buf, size_t size);
void frame_print_summary(void);

#endif
