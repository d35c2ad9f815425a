/* test=vtd: the VT-d self-test for QEMU (q35, intel-iommu with
 * intremap=on and caching-mode=on, an NVMe controller with the disk image
 * tests/boot/cases/qemu-vtd*.case makes, two e1000s on one hub).  The
 * hypervisor drives the devices itself in a test domain whose IOVAs are
 * not their host addresses, checks that the data landed in the right host
 * pages, that a DMA to an unmapped IOVA is blocked and reported with the
 * right requester and address, and that an MSI through its IRTE arrives
 * on the expected vector while one with a wrong source id is blocked.
 * See docs/passthrough.md. */
#ifndef DRIVERS_VTD_SELFTEST_H
#define DRIVERS_VTD_SELFTEST_H

#include "lib/types.h"
#include "drivers/pci.h"

/* Runs the test; true when everything passed. */
bool vtd_selftest(void);

/* ---- shared by the self-test's files ------------------------------------- */

/* The test domain's DMA window: 2 MiB of host memory at 'hpa', seen by
 * the devices at IOVA 'iova' (one 2 MiB page where the unit has them). */
struct st_dma {
	paddr_t hpa;
	uint64_t iova;
	uint8_t *va;
};

static inline uint64_t st_iova(const struct st_dma *d, size_t off)
{
	return d->iova + off;
}

static inline void *st_ptr(const struct st_dma *d, size_t off)
{
	return d->va + off;
}

/* Poll 'cond(ctx)' for up to 'ms' milliseconds. */
bool st_wait(bool (*cond)(void *ctx), void *ctx, unsigned ms);
void st_delay_us(unsigned us);
bool st_fail(const char *fmt, ...) __printf(1, 2);

/* The disk image's known pattern (tests/boot/vtd_disk.py): byte at image
 * offset o. */
static inline uint8_t st_disk_byte(uint64_t o)
{
	return (uint8_t)((o % 251) ^ ((o >> 9) & 0xff));
}

/* NVMe (drivers/selftest_nvme.c). */
struct st_nvme;
/* Starts the controller with MSI-X vector 0 programmed with msi[]
 * (address low, high, data) and masked. */
struct st_nvme *st_nvme_open(const struct pci_func *f, const struct st_dma *dma,
			     size_t off, const uint32_t msi[3]);
bool st_nvme_identify(struct st_nvme *n, size_t buf_off);
bool st_nvme_io_queues(struct st_nvme *n);
/* Read/write 'nlb' 512-byte blocks at 'lba' from/to IOVA 'iova'; returns
 * the NVMe status field (0: success), or -1 on a timeout. */
int st_nvme_rw(struct st_nvme *n, bool write, uint64_t lba, unsigned nlb,
	       uint64_t iova);
/* An admin command that only completes (Get Features): raises the admin
 * queue's interrupt.  NVMe status or -1. */
int st_nvme_ping(struct st_nvme *n);
/* Mask or unmask MSI-X vector 0 (a message pending while masked is
 * sent on unmasking). */
void st_nvme_msix_mask(struct st_nvme *n, bool masked);

/* e1000 (drivers/selftest_e1000.c): transmit one frame from 'tx', receive
 * it on 'rx' (same hub); buffers in the DMA window from 'off'. */
bool st_e1000_loop(const struct pci_func *tx, const struct pci_func *rx,
		   const struct st_dma *dma, size_t off);

#endif
