/* A minimal NVMe driver for the VT-d self-test: admin queue, Identify,
 * one I/O queue pair, polled reads and writes, MSI-X vector 0.  Register
 * and command layouts from the NVM Express Base Specification 1.4
 * (3.1 registers, 4.2/4.6 queue entries, 5.3/5.4/5.15 admin commands,
 * 6.9/6.15 NVM read and write). */
#include "drivers/vtd_selftest.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/heap.h"

#define NVME_CAP 0x00
#define NVME_CC 0x14
#define NVME_CSTS 0x1c
#define NVME_AQA 0x24
#define NVME_ASQ 0x28
#define NVME_ACQ 0x30
#define NVME_DB 0x1000

#define NVME_CC_EN BIT(0)
#define NVME_CC_IOSQES (6u << 16) /* 64-byte submission entries */
#define NVME_CC_IOCQES (4u << 20) /* 16-byte completion entries */
#define NVME_CSTS_RDY BIT(0)
#define NVME_CSTS_CFS BIT(1)
#define NVME_CAP_DSTRD(c) ((unsigned)(((c) >> 32) & 0xf))

#define OPC_CREATE_SQ 0x01
#define OPC_CREATE_CQ 0x05
#define OPC_IDENTIFY 0x06
#define OPC_GET_FEATURES 0x0a
#define OPC_WRITE 0x01
#define OPC_READ 0x02
#define FEAT_NUM_QUEUES 0x07

#define QDEPTH 8u
/* Offsets of the queues in the DMA window, from the driver's base. */
#define ASQ_OFF 0x0000
#define ACQ_OFF 0x1000
#define IOSQ_OFF 0x2000
#define IOCQ_OFF 0x3000

struct nvme_sqe {
	uint32_t cdw0;  /* opcode 7:0, command id 31:16 */
	uint32_t nsid;
	uint64_t rsvd;
	uint64_t mptr;
	uint64_t prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

struct nvme_cqe {
	uint32_t dw0, dw1;
	uint16_t sqhd, sqid, cid, status; /* status: phase bit 0 */
};

_Static_assert(sizeof(struct nvme_sqe) == 64, "NVMe submission entry");
_Static_assert(sizeof(struct nvme_cqe) == 16, "NVMe completion entry");

struct st_queue {
	struct nvme_sqe *sq;
	volatile struct nvme_cqe *cq;
	unsigned tail, head, phase, qid;
};

struct st_nvme {
	const struct pci_func *f;
	volatile uint8_t *regs;
	unsigned dstrd;
	const struct st_dma *dma;
	size_t off;
	struct st_queue admin, io;
	uint16_t cid;
	volatile uint32_t *msix; /* table entry 0 */
};

#define PCI_MSIX_ENTRY_MASKED 1u

static uint32_t rd32(struct st_nvme *n, unsigned off)
{
	return *(volatile uint32_t *)(n->regs + off);
}

static void wr32(struct st_nvme *n, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(n->regs + off) = v;
}

static void wr64(struct st_nvme *n, unsigned off, uint64_t v)
{
	wr32(n, off, (uint32_t)v);
	wr32(n, off + 4, (uint32_t)(v >> 32));
}

static unsigned doorbell(struct st_nvme *n, unsigned qid, bool cq)
{
	return NVME_DB + (2 * qid + (cq ? 1 : 0)) * (4u << n->dstrd);
}

struct rdy_wait {
	struct st_nvme *n;
	bool want;
};

static bool rdy_is(void *ctx)
{
	struct rdy_wait *w = ctx;

	return !!(rd32(w->n, NVME_CSTS) & NVME_CSTS_RDY) == w->want;
}

static bool cqe_ready(void *ctx)
{
	struct st_queue *q = ctx;

	return (q->cq[q->head].status & 1) == q->phase;
}

/* Submit and poll for the completion; the NVMe status or -1. */
static int submit(struct st_nvme *n, struct st_queue *q, struct nvme_sqe *cmd)
{
	uint16_t status;

	cmd->cdw0 |= (uint32_t)(++n->cid) << 16;
	q->sq[q->tail] = *cmd;
	q->tail = (q->tail + 1) % QDEPTH;
	__asm__ volatile("" ::: "memory");
	wr32(n, doorbell(n, q->qid, false), q->tail);
	if (!st_wait(cqe_ready, q, 2000)) {
		st_fail("nvme: command %#x timed out (CSTS %#x)", cmd->cdw0 & 0xff,
			rd32(n, NVME_CSTS));
		return -1;
	}
	status = q->cq[q->head].status;
	q->head = (q->head + 1) % QDEPTH;
	if (q->head == 0)
		q->phase ^= 1;
	wr32(n, doorbell(n, q->qid, true), q->head);
	return status >> 1;
}

static void queue_init(struct st_nvme *n, struct st_queue *q, unsigned qid,
		       size_t sq_off, size_t cq_off)
{
	q->sq = st_ptr(n->dma, n->off + sq_off);
	q->cq = st_ptr(n->dma, n->off + cq_off);
	memset(q->sq, 0, PAGE_SIZE);
	memset((void *)q->cq, 0, PAGE_SIZE);
	q->tail = q->head = 0;
	q->phase = 1;
	q->qid = qid;
}

static bool msix_setup(struct st_nvme *n, const uint32_t msg[3]);

struct st_nvme *st_nvme_open(const struct pci_func *f, const struct st_dma *dma,
			     size_t off, const uint32_t msi[3])
{
	struct st_nvme *n = kzalloc(sizeof(*n));
	struct rdy_wait w;
	uint64_t cap;

	if (!n)
		return NULL;
	n->f = f;
	n->dma = dma;
	n->off = off;
	n->regs = pci_host_mapper()(f->bar[0].base, f->bar[0].size);
	if (!n->regs || f->bar[0].kind != PCI_BAR_MEM64) {
		st_fail("nvme: BAR0 unusable");
		return NULL;
	}
	pci_command(pci_host_ops(), f->bdf, PCI_CMD_MEM | PCI_CMD_MASTER, true);
	cap = rd32(n, NVME_CAP) | (uint64_t)rd32(n, NVME_CAP + 4) << 32;
	n->dstrd = NVME_CAP_DSTRD(cap);
	wr32(n, NVME_CC, 0);
	w = (struct rdy_wait){ n, false };
	if (!st_wait(rdy_is, &w, 2000)) {
		st_fail("nvme: controller does not stop");
		return NULL;
	}
	if (!msix_setup(n, msi))
		return NULL;
	queue_init(n, &n->admin, 0, ASQ_OFF, ACQ_OFF);
	wr32(n, NVME_AQA, (QDEPTH - 1) | (QDEPTH - 1) << 16);
	wr64(n, NVME_ASQ, st_iova(dma, off + ASQ_OFF));
	wr64(n, NVME_ACQ, st_iova(dma, off + ACQ_OFF));
	wr32(n, NVME_CC, NVME_CC_EN | NVME_CC_IOSQES | NVME_CC_IOCQES);
	w.want = true;
	if (!st_wait(rdy_is, &w, 2000) || (rd32(n, NVME_CSTS) & NVME_CSTS_CFS)) {
		st_fail("nvme: controller does not start (CSTS %#x)", rd32(n, NVME_CSTS));
		return NULL;
	}
	return n;
}

bool st_nvme_identify(struct st_nvme *n, size_t buf_off)
{
	struct nvme_sqe c = { .cdw0 = OPC_IDENTIFY, .cdw10 = 1 /* controller */ };
	const uint8_t *id = st_ptr(n->dma, buf_off);
	char sn[21], mn[41];
	uint16_t vid;
	int st;

	memset(st_ptr(n->dma, buf_off), 0, PAGE_SIZE);
	c.prp1 = st_iova(n->dma, buf_off);
	st = submit(n, &n->admin, &c);
	if (st)
		return st_fail("nvme: Identify failed, status %#x", st);
	memcpy(&vid, id, 2);
	memcpy(sn, id + 4, 20);
	sn[20] = 0;
	memcpy(mn, id + 24, 40);
	mn[40] = 0;
	for (int i = 39; i >= 0 && mn[i] == ' '; i--)
		mn[i] = 0;
	for (int i = 19; i >= 0 && sn[i] == ' '; i--)
		sn[i] = 0;
	pr_info("vtd-selftest: nvme Identify through IOVA %#lx: vendor %04x, model \"%s\", serial \"%s\"\n",
		c.prp1, vid, mn, sn);
	if (vid != n->f->vendor || strcmp(sn, "VTDTEST"))
		return st_fail("nvme: Identify data wrong (vendor %04x, serial \"%s\")",
			       vid, sn);
	return true;
}

bool st_nvme_io_queues(struct st_nvme *n)
{
	struct nvme_sqe cq = { .cdw0 = OPC_CREATE_CQ }, sq = { .cdw0 = OPC_CREATE_SQ };
	int st;

	queue_init(n, &n->io, 1, IOSQ_OFF, IOCQ_OFF);
	cq.prp1 = st_iova(n->dma, n->off + IOCQ_OFF);
	cq.cdw10 = 1 | (QDEPTH - 1) << 16;
	cq.cdw11 = 1; /* physically contiguous, no interrupts */
	st = submit(n, &n->admin, &cq);
	if (st)
		return st_fail("nvme: Create I/O CQ failed, status %#x", st);
	sq.prp1 = st_iova(n->dma, n->off + IOSQ_OFF);
	sq.cdw10 = 1 | (QDEPTH - 1) << 16;
	sq.cdw11 = 1 | 1u << 16; /* contiguous, CQ 1 */
	st = submit(n, &n->admin, &sq);
	if (st)
		return st_fail("nvme: Create I/O SQ failed, status %#x", st);
	return true;
}

int st_nvme_rw(struct st_nvme *n, bool write, uint64_t lba, unsigned nlb,
	       uint64_t iova)
{
	struct nvme_sqe c = { .cdw0 = write ? OPC_WRITE : OPC_READ, .nsid = 1 };

	c.prp1 = iova; /* at most one page: no PRP2 */
	c.cdw10 = (uint32_t)lba;
	c.cdw11 = (uint32_t)(lba >> 32);
	c.cdw12 = nlb - 1;
	return submit(n, &n->io, &c);
}

int st_nvme_ping(struct st_nvme *n)
{
	struct nvme_sqe c = { .cdw0 = OPC_GET_FEATURES, .cdw10 = FEAT_NUM_QUEUES };

	return submit(n, &n->admin, &c);
}

/* MSI-X vector 0 gets the message, masked.  QEMU's NVMe only signals
 * vectors that were in use when their queue was created, so this comes
 * before the controller starts. */
static bool msix_setup(struct st_nvme *n, const uint32_t msg[3])
{
	const struct pci_cfg_ops *ops = pci_host_ops();
	unsigned cap = n->f->cap_msix;
	uint32_t tbl;
	const struct pci_bar *bar;
	volatile uint8_t *base;
	uint16_t ctl;

	if (!cap)
		return st_fail("nvme: no MSI-X capability");
	tbl = pci_read(ops, n->f->bdf, cap + PCI_MSIX_TABLE, 4);
	bar = &n->f->bar[tbl & PCI_MSIX_BIR_MASK];
	if (bar->kind != PCI_BAR_MEM64 && bar->kind != PCI_BAR_MEM32)
		return st_fail("nvme: MSI-X table in an unusable BAR");
	base = pci_host_mapper()(bar->base, bar->size);
	if (!base || (tbl & ~PCI_MSIX_BIR_MASK) + 16 > bar->size)
		return st_fail("nvme: MSI-X table out of its BAR");
	n->msix = (volatile uint32_t *)(base + (tbl & ~PCI_MSIX_BIR_MASK));
	ctl = (uint16_t)pci_read(ops, n->f->bdf, cap + PCI_MSIX_CTRL, 2);
	pci_write(ops, n->f->bdf, cap + PCI_MSIX_CTRL, 2,
		  ctl | PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL);
	n->msix[3] = PCI_MSIX_ENTRY_MASKED;
	n->msix[0] = msg[0];
	n->msix[1] = msg[1];
	n->msix[2] = msg[2];
	pci_write(ops, n->f->bdf, cap + PCI_MSIX_CTRL, 2,
		  (ctl | PCI_MSIX_CTRL_ENABLE) & ~PCI_MSIX_CTRL_MASKALL);
	return true;
}

void st_nvme_msix_mask(struct st_nvme *n, bool masked)
{
	n->msix[3] = masked ? PCI_MSIX_ENTRY_MASKED : 0;
}
