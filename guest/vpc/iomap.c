/* The virtual PC's port and device-page table (guest/vpc/iomap.h). */
#include "guest/vpc/iomap.h"
#include "lib/errno.h"

_Static_assert(VPC_PIO_MAX <= 255, "bucket entries are bytes");

/* bucket[b]: the first range that ends at or after block b's first port
 * (npio when none does). */
static void index_buckets(struct vpc_iomap *m)
{
	unsigned i = 0;

	for (unsigned b = 0; b < VPC_PIO_BUCKETS; b++) {
		uint32_t start = b << VPC_PIO_BUCKET_SHIFT;

		while (i < m->npio && m->pio[i].last < start)
			i++;
		m->bucket[b] = (uint8_t)i;
	}
}

void vpc_iomap_init(struct vpc_iomap *m)
{
	m->npio = m->nmmio = 0;
	index_buckets(m);
}

int vpc_pio_register(struct vpc_iomap *m, const struct vpc_pio_range *r)
{
	unsigned i = 0;

	if (r->first > r->last || (!r->in && !r->out) ||
	    ((r->flags & VPC_PIO_BYTES) && (!r->in || !r->out)))
		return -EINVAL;
	while (i < m->npio && m->pio[i].last < r->first)
		i++;
	if (i < m->npio && m->pio[i].first <= r->last)
		return -EBUSY;
	if (m->npio == VPC_PIO_MAX)
		return -ENOSPC;
	for (unsigned k = m->npio; k > i; k--)
		m->pio[k] = m->pio[k - 1];
	m->pio[i] = *r;
	m->npio++;
	index_buckets(m);
	return 0;
}

static bool mmio_overlap(const struct vpc_mmio_range *a,
			 const struct vpc_mmio_range *b)
{
	return a->base < b->base + b->size && b->base < a->base + a->size;
}

int vpc_mmio_register(struct vpc_iomap *m, const struct vpc_mmio_range *r)
{
	if (!r->size || r->base + r->size < r->base || !r->read || !r->write)
		return -EINVAL;
	for (unsigned i = 0; i < m->nmmio; i++)
		if (mmio_overlap(&m->mmio[i], r))
			return -EBUSY;
	if (m->nmmio == VPC_MMIO_MAX)
		return -ENOSPC;
	m->mmio[m->nmmio++] = *r;
	return 0;
}

const struct vpc_mmio_range *vpc_mmio_find(const struct vpc_iomap *m,
					   uint64_t gpa)
{
	for (unsigned i = 0; i < m->nmmio; i++)
		if (gpa - m->mmio[i].base < m->mmio[i].size)
			return &m->mmio[i];
	return NULL;
}
