/* Which device of the virtual PC answers a port or a device page: ranges
 * the devices register when the platform is created (guest/vpc/vplat_io.c),
 * looked up on every access.  Ranges never overlap; the table is
 * written only before the VM's vCPUs run, so lookups take no lock.
 *
 * Ports are kept sorted, with a bucket index (the first range that ends
 * at or after each 16-port block) so that a lookup visits one or two
 * ranges: the port-I/O exit path is benchmarked (bench/guest/bench.c). */
#ifndef GUEST_VPC_IOMAP_H
#define GUEST_VPC_IOMAP_H

#include "lib/types.h"

#define VPC_PIO_MAX 32
#define VPC_MMIO_MAX 8
#define VPC_PIO_BUCKET_SHIFT 4
#define VPC_PIO_BUCKETS (0x10000u >> VPC_PIO_BUCKET_SHIFT)

/* A port handler: true when the device took the access ('size' 1, 2 or
 * 4 bytes at 'port'); false leaves *val alone and the access to the
 * byte-wide devices (as if nothing decoded it as a whole).  A NULL
 * handler refuses every access (byte-wide ranges need both). */
typedef bool (*vpc_pio_in_fn)(void *dev, uint16_t port, unsigned size,
			      uint32_t *val);
typedef bool (*vpc_pio_out_fn)(void *dev, uint16_t port, unsigned size,
			       uint32_t val);

enum {
	/* Byte-wide ISA device: a wider access reaches it one byte per
	 * port, each byte going to whichever byte-wide range holds it. */
	VPC_PIO_BYTES = BIT(0),
	/* Needs no device lock and changes no interrupt state. */
	VPC_PIO_LOCKLESS = BIT(1),
	/* Raises interrupts only through its line (which kicks the vCPUs
	 * it reaches), and whatever else an access changes cannot make an
	 * interrupt deliverable: the next entry need not look for one.
	 * Byte accesses only. */
	VPC_PIO_NO_RECHECK = BIT(2),
};

struct vpc_pio_range {
	uint16_t first, last; /* inclusive */
	unsigned flags;       /* VPC_PIO_* */
	vpc_pio_in_fn in;
	vpc_pio_out_fn out;
	void *dev;
};

/* A device page (or pages): 'off' is from base, 'len' 1, 2, 4 or 8 and
 * within the range; nonzero return values stop the VM. */
struct vpc_mmio_range {
	uint64_t base, size;
	int (*read)(void *dev, uint64_t off, unsigned len, uint64_t *val);
	int (*write)(void *dev, uint64_t off, unsigned len, uint64_t val);
	void *dev;
};

struct vpc_iomap {
	unsigned npio, nmmio;
	struct vpc_pio_range pio[VPC_PIO_MAX];     /* sorted by port */
	uint8_t bucket[VPC_PIO_BUCKETS];          /* index into pio[] */
	struct vpc_mmio_range mmio[VPC_MMIO_MAX];
};

void vpc_iomap_init(struct vpc_iomap *m);
/* Add a range: 0, -EINVAL (empty, no handler at all, or a byte-wide
 * range without both), -EBUSY (it
 * overlaps a registered one) or -ENOSPC (table full). */
int vpc_pio_register(struct vpc_iomap *m, const struct vpc_pio_range *r);
int vpc_mmio_register(struct vpc_iomap *m, const struct vpc_mmio_range *r);

/* The range holding 'port', or NULL. */
static inline const struct vpc_pio_range *
vpc_pio_find(const struct vpc_iomap *m, uint16_t port)
{
	const struct vpc_pio_range *r = &m->pio[m->bucket[port >> VPC_PIO_BUCKET_SHIFT]];
	const struct vpc_pio_range *end = &m->pio[m->npio];

	for (; r < end && r->first <= port; r++)
		if (port <= r->last)
			return r;
	return NULL;
}

/* The range holding 'gpa', or NULL. */
const struct vpc_mmio_range *vpc_mmio_find(const struct vpc_iomap *m,
					   uint64_t gpa);

#endif
