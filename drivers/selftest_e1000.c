/* A minimal e1000 (82540EM) transmit and receive for the VT-d self-test:
 * legacy descriptors, polled, no interrupts.  Register layout from the
 * PCI/PCI-X Family of Gigabit Ethernet Controllers Software Developer's
 * Manual (317453), chapter 13; descriptors from 3.2.3 and 3.3.3. */
#include "drivers/vtd_selftest.h"
#include "lib/printk.h"
#include "lib/string.h"

#define E_CTRL 0x0000
#define E_STATUS 0x0008
#define E_IMC 0x00d8
#define E_RCTL 0x0100
#define E_TCTL 0x0400
#define E_TIPG 0x0410
#define E_RDBAL 0x2800
#define E_RDBAH 0x2804
#define E_RDLEN 0x2808
#define E_RDH 0x2810
#define E_RDT 0x2818
#define E_TDBAL 0x3800
#define E_TDBAH 0x3804
#define E_TDLEN 0x3808
#define E_TDH 0x3810
#define E_TDT 0x3818

#define CTRL_SLU BIT(6)
#define CTRL_RST BIT(26)
#define STATUS_LU BIT(1)
#define RCTL_EN BIT(1)
#define RCTL_UPE BIT(3)
#define RCTL_MPE BIT(4)
#define RCTL_BAM BIT(15)
#define RCTL_SECRC BIT(26)
#define TCTL_EN BIT(1)
#define TCTL_PSP BIT(3)
#define TCTL_CT (0x10u << 4)
#define TCTL_COLD (0x40u << 12)
#define TXD_EOP BIT(0)
#define TXD_IFCS BIT(1)
#define TXD_RS BIT(3)
#define DESC_DD BIT(0)

#define NDESC 8u
#define RX_BUF 2048u
/* Offsets from the caller's base in the DMA window. */
#define TX_RING 0x0000
#define RX_RING 0x1000
#define TX_BUF 0x2000
#define RX_BUFS 0x3000 /* NDESC * RX_BUF */

#define FRAME_LEN 78u
#define ETHERTYPE_TEST 0x88b5 /* IEEE local experimental */

struct txd {
	uint64_t addr;
	uint16_t len;
	uint8_t cso, cmd, status, css;
	uint16_t special;
};

struct rxd {
	uint64_t addr;
	uint16_t len, csum;
	uint8_t status, errors;
	uint16_t special;
};

_Static_assert(sizeof(struct txd) == 16 && sizeof(struct rxd) == 16,
	       "legacy descriptors");

struct nic {
	const struct pci_func *f;
	volatile uint8_t *regs;
};

static uint32_t rd(struct nic *n, unsigned off)
{
	return *(volatile uint32_t *)(n->regs + off);
}

static void wr(struct nic *n, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(n->regs + off) = v;
}

static bool link_up(void *ctx)
{
	return rd(ctx, E_STATUS) & STATUS_LU;
}

static bool reset_done(void *ctx)
{
	return !(rd(ctx, E_CTRL) & CTRL_RST);
}

static bool nic_open(struct nic *n, const struct pci_func *f)
{
	n->f = f;
	if (f->bar[0].kind != PCI_BAR_MEM32 && f->bar[0].kind != PCI_BAR_MEM64)
		return st_fail("e1000 %04x: BAR0 unusable", f->bdf);
	n->regs = pci_host_mapper()(f->bar[0].base, f->bar[0].size);
	if (!n->regs)
		return st_fail("e1000: cannot map BAR0");
	pci_command(pci_host_ops(), f->bdf, PCI_CMD_MEM | PCI_CMD_MASTER, true);
	wr(n, E_IMC, 0xffffffffu);
	wr(n, E_CTRL, rd(n, E_CTRL) | CTRL_RST);
	st_delay_us(1000);
	if (!st_wait(reset_done, n, 100))
		return st_fail("e1000: reset does not end");
	wr(n, E_IMC, 0xffffffffu);
	wr(n, E_CTRL, rd(n, E_CTRL) | CTRL_SLU);
	if (!st_wait(link_up, n, 3000))
		return st_fail("e1000: no link");
	return true;
}

static void rx_setup(struct nic *n, const struct st_dma *d, size_t off)
{
	struct rxd *ring = st_ptr(d, off + RX_RING);
	uint64_t iova = st_iova(d, off + RX_RING);

	memset(ring, 0, PAGE_SIZE);
	for (unsigned i = 0; i < NDESC; i++)
		ring[i].addr = st_iova(d, off + RX_BUFS + i * RX_BUF);
	memset(st_ptr(d, off + RX_BUFS), 0, NDESC * RX_BUF);
	wr(n, E_RDBAL, (uint32_t)iova);
	wr(n, E_RDBAH, (uint32_t)(iova >> 32));
	wr(n, E_RDLEN, NDESC * sizeof(struct rxd));
	wr(n, E_RDH, 0);
	wr(n, E_RDT, NDESC - 1);
	wr(n, E_RCTL, RCTL_EN | RCTL_UPE | RCTL_MPE | RCTL_BAM | RCTL_SECRC);
}

static void tx_setup(struct nic *n, const struct st_dma *d, size_t off)
{
	uint64_t iova = st_iova(d, off + TX_RING);

	memset(st_ptr(d, off + TX_RING), 0, PAGE_SIZE);
	wr(n, E_TDBAL, (uint32_t)iova);
	wr(n, E_TDBAH, (uint32_t)(iova >> 32));
	wr(n, E_TDLEN, NDESC * sizeof(struct txd));
	wr(n, E_TDH, 0);
	wr(n, E_TDT, 0);
	wr(n, E_TIPG, 10 | 8u << 10 | 6u << 20);
	wr(n, E_TCTL, TCTL_EN | TCTL_PSP | TCTL_CT | TCTL_COLD);
}

static void build_frame(uint8_t *p)
{
	static const uint8_t src[6] = { 0x52, 0x54, 0x00, 0x76, 0x74, 0x64 };

	memset(p, 0xff, 6); /* broadcast */
	memcpy(p + 6, src, 6);
	p[12] = ETHERTYPE_TEST >> 8;
	p[13] = ETHERTYPE_TEST & 0xff;
	for (unsigned i = 14; i < FRAME_LEN; i++)
		p[i] = (uint8_t)(i * 13 + 7);
	memcpy(p + 14, "uHV VT-d self-test", 18);
}

static bool desc_done(void *ctx)
{
	return *(volatile uint8_t *)ctx & DESC_DD;
}

bool st_e1000_loop(const struct pci_func *txf, const struct pci_func *rxf,
		   const struct st_dma *d, size_t off)
{
	struct nic tx, rx;
	struct txd *td = st_ptr(d, off + TX_RING);
	struct rxd *rd0 = st_ptr(d, off + RX_RING);
	uint8_t *frame = st_ptr(d, off + TX_BUF);
	const uint8_t *got = st_ptr(d, off + RX_BUFS);

	if (!nic_open(&tx, txf) || !nic_open(&rx, rxf))
		return false;
	rx_setup(&rx, d, off);
	tx_setup(&tx, d, off);
	build_frame(frame);
	td[0].addr = st_iova(d, off + TX_BUF);
	td[0].len = FRAME_LEN;
	td[0].cmd = TXD_EOP | TXD_IFCS | TXD_RS;
	__asm__ volatile("" ::: "memory");
	wr(&tx, E_TDT, 1);
	if (!st_wait(desc_done, &td[0].status, 2000))
		return st_fail("e1000: transmit descriptor not written back (TDH %u)",
			       rd(&tx, E_TDH));
	if (!st_wait(desc_done, &rd0[0].status, 2000))
		return st_fail("e1000: nothing received (RDH %u)", rd(&rx, E_RDH));
	pr_info("vtd-selftest: e1000 %02x:%02x.%x sent %u bytes from IOVA %#lx, e1000 %02x:%02x.%x received %u bytes at IOVA %#lx (host %#lx)\n",
		PCI_BUS(txf->bdf), PCI_DEV(txf->bdf), PCI_FN(txf->bdf), FRAME_LEN,
		td[0].addr, PCI_BUS(rxf->bdf), PCI_DEV(rxf->bdf), PCI_FN(rxf->bdf),
		rd0[0].len, rd0[0].addr, d->hpa + off + RX_BUFS);
	if (rd0[0].len != FRAME_LEN || memcmp(got, frame, FRAME_LEN))
		return st_fail("e1000: received frame differs from the one sent");
	/* Quiesce: no more DMA from these two. */
	wr(&rx, E_RCTL, 0);
	wr(&tx, E_TCTL, 0);
	return true;
}
