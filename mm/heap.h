/* Kernel heap: kmalloc/kzalloc/kfree on top of the frame allocator.
 *
 * Requests up to HEAP_SLAB_MAX bytes come from per-size-class slab pages
 * (classes 16..1024 bytes, 16-byte aligned); larger ones get a run of
 * whole frames of their own (64-byte aligned, one header in front, so a
 * request of exactly N pages takes N + 1).  Slab pages and runs go back to
 * the frame allocator as soon as they are empty.
 *
 * kfree() of a pointer that kmalloc() did not return, or of one already
 * freed, is a hypervisor bug and panics (detected exactly for slab objects
 * and for runs until their frames are reused).
 *
 * Not SMP-safe yet: the caller serialises. */
#ifndef MM_HEAP_H
#define MM_HEAP_H

#include "lib/types.h"

#define HEAP_SLAB_MAX 1024
#define HEAP_MAX_ALLOC MiB(1)

struct heap_stats {
	size_t slab_pages;  /* pages holding small objects */
	size_t large_pages; /* pages in large runs, headers included */
	size_t objects;     /* live allocations of either kind */
};

/* Forget all heap state; call once after frame_init(). */
void heap_init(void);

/* NULL when size is 0, above HEAP_MAX_ALLOC, or memory is exhausted. */
void *kmalloc(size_t size);
void *kzalloc(size_t size);

/* NULL is ignored. */
void kfree(void *p);

void heap_get_stats(struct heap_stats *st);

#endif
