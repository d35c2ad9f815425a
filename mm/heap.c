/* Kernel heap: size-class slab pages plus whole-frame runs (see mm/heap.h).
 *
 * Every heap page or run starts with a struct heap_hdr, so kfree() finds
 * what it needs by rounding the pointer's physical address down to its
 * page: a slab page's objects all live in that page, and a large block is
 * always the first thing after its run's header. */
#include "mm/heap.h"
#include "lib/spinlock.h"
#include "mm/frame.h"
#include "mm/phys.h"
#include "lib/printk.h"
#include "lib/string.h"

#define HDR_SIZE 64
#define MIN_OBJ 16
#define NCLASSES 7 /* 16, 32, ..., 1024 */
#define SLAB_MAP_WORDS 4

#define MAGIC_SLAB 0x534c4142u  /* "SLAB" */
#define MAGIC_LARGE 0x4c415247u /* "LARG" */
#define MAGIC_DEAD 0x44454144u  /* freed; catches double frees */

struct heap_hdr {
	uint32_t magic;
	uint16_t cls;      /* slab: size class */
	uint16_t nfree;    /* slab: free objects */
	uint64_t npages;   /* large: pages in the run */
	struct heap_hdr *next, *prev; /* slab: partial list of its class */
	uint64_t used[SLAB_MAP_WORDS]; /* slab: 1 = object allocated */
};

_Static_assert(sizeof(struct heap_hdr) <= HDR_SIZE, "header fits its slot");
_Static_assert(MIN_OBJ << (NCLASSES - 1) == HEAP_SLAB_MAX,
	       "the largest class is HEAP_SLAB_MAX");
_Static_assert((PAGE_SIZE - HDR_SIZE) / MIN_OBJ <= SLAB_MAP_WORDS * 64,
	       "the used-map covers the smallest class");

static struct {
	struct heap_hdr *partial[NCLASSES]; /* pages with a free object */
	struct heap_stats stats;
} heap;

/* One lock for the heap; it nests outside the frame allocator's. */
static struct spinlock heap_lock = SPINLOCK_INIT;

/* A bad kfree() is a hypervisor bug: drop the lock, then panic. */
static __noreturn void heap_bug(const char *fmt, void *p)
{
	spin_unlock(&heap_lock);
	panic(fmt, p);
}

void heap_init(void)
{
	memset(&heap, 0, sizeof(heap));
}

static inline size_t class_size(unsigned cls)
{
	return (size_t)MIN_OBJ << cls;
}

static inline unsigned class_objs(unsigned cls)
{
	return (unsigned)((PAGE_SIZE - HDR_SIZE) / class_size(cls));
}

static unsigned class_of(size_t size)
{
	unsigned cls = 0;

	while (class_size(cls) < size)
		cls++;
	return cls;
}

static inline uint8_t *obj_base(struct heap_hdr *h)
{
	return (uint8_t *)h + HDR_SIZE;
}

static inline bool slot_used(const struct heap_hdr *h, unsigned i)
{
	return h->used[i / 64] & BIT(i % 64);
}

static inline void slot_set(struct heap_hdr *h, unsigned i, bool used)
{
	if (used)
		h->used[i / 64] |= BIT(i % 64);
	else
		h->used[i / 64] &= ~BIT(i % 64);
}

/* --- partial lists ---------------------------------------------------------- */

static void partial_add(struct heap_hdr *h)
{
	struct heap_hdr **head = &heap.partial[h->cls];

	h->prev = NULL;
	h->next = *head;
	if (*head)
		(*head)->prev = h;
	*head = h;
}

static void partial_del(struct heap_hdr *h)
{
	if (h->prev)
		h->prev->next = h->next;
	else
		heap.partial[h->cls] = h->next;
	if (h->next)
		h->next->prev = h->prev;
	h->next = h->prev = NULL;
}

/* --- slabs ------------------------------------------------------------------ */

static struct heap_hdr *slab_new(unsigned cls)
{
	paddr_t pa = frame_alloc();
	struct heap_hdr *h;
	unsigned n = class_objs(cls);

	if (!pa)
		return NULL;
	h = phys_to_virt(pa);
	memset(h, 0, HDR_SIZE);
	h->magic = MAGIC_SLAB;
	h->cls = (uint16_t)cls;
	h->nfree = (uint16_t)n;
	/* Slots past the last object read as used. */
	for (unsigned i = n; i < SLAB_MAP_WORDS * 64; i++)
		slot_set(h, i, true);
	partial_add(h);
	heap.stats.slab_pages++;
	return h;
}

static void *slab_alloc(unsigned cls)
{
	struct heap_hdr *h = heap.partial[cls];
	unsigned i;

	if (!h)
		h = slab_new(cls);
	if (!h)
		return NULL;
	for (i = 0; slot_used(h, i); i++)
		;
	slot_set(h, i, true);
	if (--h->nfree == 0)
		partial_del(h);
	return obj_base(h) + i * class_size(h->cls);
}

static void slab_free(struct heap_hdr *h, void *p)
{
	size_t off = (size_t)((uint8_t *)p - obj_base(h));
	size_t size = class_size(h->cls);
	unsigned i = (unsigned)(off / size);

	if ((uint8_t *)p < obj_base(h) || off % size || i >= class_objs(h->cls))
		heap_bug("kfree: %p is not a heap object", p);
	if (!slot_used(h, i))
		heap_bug("kfree: double free of %p", p);
	slot_set(h, i, false);
	if (h->nfree++ == 0)
		partial_add(h);
	if (h->nfree == class_objs(h->cls)) {
		partial_del(h);
		h->magic = MAGIC_DEAD;
		heap.stats.slab_pages--;
		frame_free(virt_to_phys(h));
	}
}

/* --- large runs --------------------------------------------------------------- */

static void *large_alloc(size_t size)
{
	size_t npages = ALIGN_UP(size + HDR_SIZE, PAGE_SIZE) >> PAGE_SHIFT;
	paddr_t pa = frame_alloc_contig(npages, PAGE_SIZE);
	struct heap_hdr *h;

	if (!pa)
		return NULL;
	h = phys_to_virt(pa);
	memset(h, 0, HDR_SIZE);
	h->magic = MAGIC_LARGE;
	h->npages = npages;
	heap.stats.large_pages += npages;
	return obj_base(h);
}

static void large_free(struct heap_hdr *h, void *p)
{
	if ((uint8_t *)p != obj_base(h))
		heap_bug("kfree: %p is not a heap object", p);
	h->magic = MAGIC_DEAD;
	heap.stats.large_pages -= h->npages;
	frame_free_contig(virt_to_phys(h), h->npages);
}

/* --- interface ----------------------------------------------------------------- */

void *kmalloc(size_t size)
{
	void *p;

	if (size == 0 || size > HEAP_MAX_ALLOC)
		return NULL;
	spin_lock(&heap_lock);
	if (size <= HEAP_SLAB_MAX)
		p = slab_alloc(class_of(size));
	else
		p = large_alloc(size);
	if (p)
		heap.stats.objects++;
	spin_unlock(&heap_lock);
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	struct heap_hdr *h;

	if (!p)
		return;
	spin_lock(&heap_lock);
	h = phys_to_virt(ALIGN_DOWN(virt_to_phys(p), PAGE_SIZE));
	switch (h->magic) {
	case MAGIC_SLAB:
		slab_free(h, p);
		break;
	case MAGIC_LARGE:
		large_free(h, p);
		break;
	case MAGIC_DEAD:
		heap_bug("kfree: double free of %p", p);
	default:
		heap_bug("kfree: %p is not a heap object", p);
	}
	heap.stats.objects--;
	spin_unlock(&heap_lock);
}

void heap_get_stats(struct heap_stats *st)
{
	*st = heap.stats;
}
