// UNIT-SOURCES: guest/dev/vpci_pt.c guest/dev/vpci_pt_msi.c guest/dev/vpci.c
/* The guest's view of a passed-through function: identity, BAR sizing
 * (32-bit, 64-bit, I/O), BAR moves and their EPT mappings, the command
 * register and what reaches the host of it, the capability list
 * filtered, the ROM hidden, MSI and MSI-X kept virtual, the MSI-X table
 * trapped, the ECAM window, and hostile writes to every register. */
#include "guest/dev/vpci_pt.h"
#include "guest/dev/vpci.h"
#include "tests/unit/fakes.h"

#define WIN_LO 0xc0000000ull
#define WIN_HI 0xe0000000ull
#define G_BAR0 0xc0000000ull   /* 128 KiB memory */
#define G_BAR2 0xc1000000ull   /* 64-bit, 1 MiB, MSI-X table + PBA inside */
#define H_BAR0 0xfeb80000ull
#define H_BAR2 0x800000000ull
#define H_IO 0xc040u
#define CAP_PM 0x40
#define CAP_VNDR 0x50   /* vendor-specific: hidden */
#define CAP_MSI 0x60
#define CAP_MSIX 0x90
#define CAP_PCIE 0xa0
#define CAP_VPD 0xe0    /* hidden */
#define MSIX_TAB 0x2000
#define MSIX_PBA 0x3000
#define MSIX_N 8

static uint8_t host[PCI_CFG_SIZE_EXT] __aligned(4);
static unsigned host_writes;
static struct pci_func hf;
static struct vpci_pt pt;

struct map_call {
	unsigned bar;
	uint64_t gpa, size;
	bool map;
};
static struct map_call maps[64];
static unsigned nmaps;
static struct vpci_pt_msg msi_last;
static unsigned msi_calls;
static struct vpci_pt_msg msix_last[VPCI_PT_MSIX_MAX];
static unsigned msix_calls;
static uint64_t bar_reads, bar_writes, last_bar_write;

static uint32_t h_read(void *ctx, unsigned off, unsigned size)
{
	uint32_t v = 0;

	(void)ctx;
	assert_true(off + size <= sizeof(host));
	memcpy(&v, &host[off], size);
	return v;
}

static void h_write(void *ctx, unsigned off, unsigned size, uint32_t val)
{
	(void)ctx;
	assert_true(off + size <= sizeof(host));
	host_writes++;
	memcpy(&host[off], &val, size);
}

static void h_map(void *ctx, unsigned bar, uint64_t gpa, uint64_t size, bool map)
{
	(void)ctx;
	assert_true(nmaps < 64);
	maps[nmaps++] = (struct map_call){ bar, gpa, size, map };
}

static void h_msi(void *ctx, const struct vpci_pt_msg *m)
{
	(void)ctx;
	msi_last = *m;
	msi_calls++;
}

static void h_msix(void *ctx, unsigned e, const struct vpci_pt_msg *m)
{
	(void)ctx;
	assert_true(e < VPCI_PT_MSIX_MAX);
	msix_last[e] = *m;
	msix_calls++;
}

static uint64_t h_bar_read(void *ctx, unsigned bar, uint64_t off, unsigned len)
{
	(void)ctx;
	(void)len;
	bar_reads++;
	return 0xab000000u | bar << 16 | (uint32_t)off;
}

static void h_bar_write(void *ctx, unsigned bar, uint64_t off, unsigned len,
			uint64_t val)
{
	(void)ctx;
	(void)bar;
	(void)off;
	(void)len;
	bar_writes++;
	last_bar_write = val;
}

static const struct vpci_pt_ops ops = {
	.cfg_read = h_read, .cfg_write = h_write, .bar_map = h_map,
	.msi_update = h_msi, .msix_update = h_msix, .bar_read = h_bar_read,
	.bar_write = h_bar_write,
};

static void put(unsigned off, unsigned size, uint32_t v)
{
	memcpy(&host[off], &v, size);
}

/* An e1000-like function with every kind of BAR and capability. */
static void make_host(void)
{
	memset(host, 0, sizeof(host));
	put(0x00, 4, 0x100e8086);
	put(0x04, 2, PCI_CMD_MEM | PCI_CMD_IO | PCI_CMD_MASTER);
	put(0x06, 2, PCI_STATUS_CAPS | BIT(8) /* parity error */ | BIT(3) | BIT(9));
	put(0x08, 4, 0x02000003);
	put(0x2c, 4, 0x11223344);
	put(0x30, 4, 0xfff00001); /* a ROM the guest must not see */
	put(0x34, 1, CAP_PM);
	put(0x3c, 2, 0x010b);
	put(CAP_PM, 4, 0x0002u << 16 | CAP_VNDR << 8 | PCI_CAP_PM);
	put(CAP_PM + 4, 4, 0); /* PMCSR: D0 */
	put(CAP_VNDR, 4, CAP_MSI << 8 | 0x09);
	put(CAP_MSI, 4, (uint32_t)(PCI_MSI_CTRL_64 | BIT(8) | 0x6 /* 8 vectors */) << 16 |
			CAP_MSIX << 8 | PCI_CAP_MSI);
	put(CAP_MSIX, 4, (uint32_t)(MSIX_N - 1) << 16 | CAP_PCIE << 8 | PCI_CAP_MSIX);
	put(CAP_MSIX + 4, 4, MSIX_TAB | 2);
	put(CAP_MSIX + 8, 4, MSIX_PBA | 2);
	put(CAP_PCIE, 4, 0x0002u << 16 | CAP_VPD << 8 | PCI_CAP_PCIE);
	put(CAP_PCIE + 8, 2, 0x2810); /* device control */
	put(CAP_VPD, 4, 0 << 8 | 0x03);
	put(0x100, 4, 0x00010001); /* AER, which stays hidden */
	memset(&hf, 0, sizeof(hf));
	hf.bdf = PCI_BDF(0, 3, 0);
	hf.cap_pm = CAP_PM;
	hf.cap_msi = CAP_MSI;
	hf.cap_msix = CAP_MSIX;
	hf.cap_pcie = CAP_PCIE;
	hf.bar[0] = (struct pci_bar){ .base = H_BAR0, .size = KiB(128), .kind = PCI_BAR_MEM32 };
	hf.bar[1] = (struct pci_bar){ .base = H_IO, .size = 64, .kind = PCI_BAR_IO };
	hf.bar[2] = (struct pci_bar){ .base = H_BAR2, .size = MiB(1), .kind = PCI_BAR_MEM64,
				      .prefetch = true };
	hf.bar[5] = (struct pci_bar){ .base = 0x1234, .size = 3, .kind = PCI_BAR_BAD };
}

static void start(bool dma_ok)
{
	struct vpci_pt_cfg cfg = {
		.host = &hf, .win_lo = WIN_LO, .win_hi = WIN_HI, .line = 11,
		.dma_ok = dma_ok,
	};

	cfg.bar_gpa[0] = G_BAR0;
	cfg.bar_gpa[2] = G_BAR2;
	nmaps = msi_calls = msix_calls = 0;
	bar_reads = bar_writes = 0;
	vpci_pt_init(&pt, &cfg, &ops);
}

static int setup(void **state)
{
	(void)state;
	make_host();
	start(true);
	return 0;
}

static uint32_t rd(unsigned reg)
{
	return vpci_pt_read(&pt, reg);
}

static void wr(unsigned reg, uint32_t v)
{
	vpci_pt_write(&pt, reg, v, 0xffffffffu);
}

static uint16_t host_cmd(void)
{
	return (uint16_t)h_read(NULL, PCI_COMMAND, 2);
}

static void test_identity(void **state)
{
	(void)state;
	assert_int_equal(rd(0x00), 0x100e8086);
	assert_int_equal(rd(0x08), 0x02000003);
	assert_int_equal(rd(0x2c), 0x11223344);
	assert_int_equal(rd(0x0c) >> 16, 0); /* header type 0, no BIST */
	assert_int_equal(rd(0x3c), 0x010b); /* pin INTA, the VM's line 11 */
	assert_int_equal(rd(0x30), 0);     /* ROM hidden */
	assert_int_equal(rd(0x28), 0);
	/* Status: informational bits, capabilities, never error bits. */
	assert_int_equal(rd(0x04) >> 16, PCI_STATUS_CAPS | BIT(3) | BIT(9));
	/* Decode on, bus master off until the driver asks. */
	assert_int_equal(rd(0x04) & 0xffff, PCI_CMD_MEM | PCI_CMD_IO);
	assert_int_equal(host_cmd() & PCI_CMD_MASTER, 0);
}

static void test_bar_sizing(void **state)
{
	(void)state;
	assert_int_equal(rd(0x10), (uint32_t)G_BAR0);
	assert_int_equal(rd(0x14), H_IO | 1);
	assert_int_equal(rd(0x18), (uint32_t)G_BAR2 | 0xc);
	assert_int_equal(rd(0x1c), 0);
	assert_int_equal(rd(0x20), 0);
	assert_int_equal(rd(0x24), 0); /* the host's BAD BAR is not shown */
	wr(0x10, 0xffffffff);
	assert_int_equal(rd(0x10), 0xfffe0000);
	wr(0x14, 0xffffffff);
	assert_int_equal(rd(0x14), 0xffffffc1);
	wr(0x18, 0xffffffff);
	wr(0x1c, 0xffffffff);
	assert_int_equal(rd(0x18), 0xfff0000c);
	assert_int_equal(rd(0x1c), 0xffffffff);
	wr(0x20, 0xffffffff);
	assert_int_equal(rd(0x20), 0);
	wr(0x24, 0xffffffff);
	assert_int_equal(rd(0x24), 0);
	/* Restored: the guest's addresses again, the host's BARs never
	 * written. */
	wr(0x10, (uint32_t)G_BAR0);
	wr(0x14, H_IO);
	wr(0x18, (uint32_t)G_BAR2);
	wr(0x1c, 0);
	assert_int_equal(rd(0x10), (uint32_t)G_BAR0);
	assert_int_equal(rd(0x18), (uint32_t)G_BAR2 | 0xc);
	for (unsigned off = 0x10; off < 0x28; off += 4)
		assert_int_equal(h_read(NULL, off, 4), 0);
}

static const struct map_call *last_map(unsigned bar)
{
	for (unsigned i = nmaps; i > 0; i--)
		if (maps[i - 1].bar == bar)
			return &maps[i - 1];
	return NULL;
}

static void test_bar_mapping(void **state)
{
	const struct map_call *m;

	(void)state;
	/* Both memory BARs mapped at init, the I/O BAR never. */
	assert_int_equal(nmaps, 2);
	assert_true(last_map(0)->map && last_map(0)->gpa == G_BAR0 &&
		    last_map(0)->size == KiB(128));
	assert_true(last_map(2)->map && last_map(2)->gpa == G_BAR2);
	/* Sizing moves BAR0 out of the window: unmapped. */
	wr(0x10, 0xffffffff);
	assert_false(last_map(0)->map);
	wr(0x10, 0xc8000000);
	m = last_map(0);
	assert_true(m->map && m->gpa == 0xc8000000);
	/* Memory decode off: everything unmapped; on again: mapped. */
	wr(0x04, PCI_CMD_IO);
	assert_false(last_map(0)->map);
	assert_false(last_map(2)->map);
	assert_int_equal(host_cmd() & PCI_CMD_MEM, 0);
	wr(0x04, PCI_CMD_IO | PCI_CMD_MEM);
	assert_true(last_map(0)->map && last_map(2)->map);
	/* 64-bit BAR above 4 GiB: outside the window, not mapped. */
	wr(0x1c, 1);
	assert_false(last_map(2)->map);
	assert_int_equal(rd(0x1c), 1);
	wr(0x1c, 0);
	assert_true(last_map(2)->map && last_map(2)->gpa == G_BAR2);
	/* bar_at finds the BAR of a guest address. */
	{
		uint64_t off = 0;

		assert_int_equal(vpci_pt_bar_at(&pt, G_BAR2 + 0x2008, &off), 2);
		assert_int_equal(off, 0x2008);
		assert_int_equal(vpci_pt_bar_at(&pt, 0xd0000000, &off), -1);
	}
	vpci_pt_fini(&pt);
	assert_false(last_map(0)->map);
	assert_false(last_map(2)->map);
}

static void test_hostile_bars(void **state)
{
	(void)state;
	/* Into guest RAM, onto the hypervisor's LAPIC page, misaligned,
	 * over another BAR, straddling the window's end: never mapped. */
	wr(0x10, 0x00100000);
	assert_false(last_map(0)->map);
	wr(0x10, 0xfee00000);
	assert_false(last_map(0)->map);
	wr(0x10, 0xc0001000); /* low bits dropped: 0xc0000000 */
	assert_int_equal(rd(0x10), 0xc0000000);
	assert_true(last_map(0)->map);
	wr(0x10, (uint32_t)G_BAR2); /* onto BAR2 (BAR0 comes first) */
	assert_true(last_map(0)->map && last_map(0)->gpa == G_BAR2);
	assert_false(last_map(2)->map);
	wr(0x10, (uint32_t)WIN_HI);
	assert_false(last_map(0)->map);
	assert_true(last_map(2)->map);
	/* Byte writes into a BAR merge with its value. */
	wr(0x10, (uint32_t)G_BAR0);
	vpci_pt_write(&pt, 0x10, 0x00ff0000, 0x00ff0000);
	assert_int_equal(rd(0x10), 0xc0fe0000);
	for (unsigned off = 0x10; off < 0x28; off += 4)
		assert_int_equal(h_read(NULL, off, 4), 0);
}

static void test_command(void **state)
{
	(void)state;
	wr(0x04, 0xffff);
	assert_int_equal(rd(0x04) & 0xffff, PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER |
			 BIT(6) | BIT(8) | PCI_CMD_INTX_DISABLE);
	assert_int_equal(host_cmd(), PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER |
			 PCI_CMD_INTX_DISABLE);
	/* The status half of the dword never reaches the host (its RW1C
	 * bits would clear the host's record). */
	wr(0x04, 0xffff0000u | PCI_CMD_MEM);
	assert_int_equal(h_read(NULL, PCI_STATUS, 2),
			 PCI_STATUS_CAPS | BIT(8) | BIT(3) | BIT(9));
	assert_int_equal(host_cmd(), PCI_CMD_MEM);
	/* Without DMA confinement bus master never reaches the host. */
	make_host();
	start(false);
	wr(0x04, PCI_CMD_MEM | PCI_CMD_MASTER);
	assert_int_equal(rd(0x04) & 0xffff, PCI_CMD_MEM | PCI_CMD_MASTER);
	assert_int_equal(host_cmd(), PCI_CMD_MEM);
}

static void test_caps_filtered(void **state)
{
	unsigned p, ids[8], n = 0;

	(void)state;
	assert_int_equal(rd(0x34), CAP_PM);
	for (p = rd(0x34) & 0xff; p && n < 8; p = (rd(p) >> 8) & 0xff)
		ids[n++] = rd(p) & 0xff;
	assert_int_equal(n, 4);
	assert_int_equal(ids[0], PCI_CAP_PM);
	assert_int_equal(ids[1], PCI_CAP_MSI);
	assert_int_equal(ids[2], PCI_CAP_MSIX);
	assert_int_equal(ids[3], PCI_CAP_PCIE);
	/* The hidden ones' bytes read 0. */
	assert_int_equal(rd(CAP_VNDR), 0);
	assert_int_equal(rd(CAP_VPD), 0);
	/* PM and PCIe read the host's, take no writes. */
	assert_int_equal(rd(CAP_PCIE + 8) & 0xffff, 0x2810);
	host_writes = 0;
	wr(CAP_PM + 4, 3);                   /* D3hot */
	wr(CAP_PCIE + 8, PCI_EXP_DEVCTL_FLR); /* FLR */
	wr(CAP_VPD, 0xffffffff);
	wr(0x40 + 0xbc, 0xffffffff);
	assert_int_equal(host_writes, 0);
	assert_int_equal(h_read(NULL, CAP_PM + 4, 4), 0);
	/* Extended space: an empty list, read-only. */
	assert_int_equal(rd(0x100), 0);
	wr(0x100, 0xffffffff);
	assert_int_equal(host_writes, 0);
	/* No capability left: the status bit goes too. */
	memset(&hf.cap_pm, 0, 4);
	start(true);
	assert_int_equal(rd(0x34), 0);
	assert_int_equal(rd(0x04) >> 16 & PCI_STATUS_CAPS, 0);
}

static void test_msi(void **state)
{
	(void)state;
	/* One vector offered, 64-bit and per-vector masking kept. */
	assert_int_equal(rd(CAP_MSI) >> 16, PCI_MSI_CTRL_64 | BIT(8));
	wr(CAP_MSI + 4, 0xfee01003); /* low bits dropped */
	wr(CAP_MSI + 8, 0);
	wr(CAP_MSI + 12, 0x4041);
	assert_int_equal(rd(CAP_MSI + 4), 0xfee01000);
	assert_int_equal(rd(CAP_MSI + 12), 0x4041);
	assert_false(msi_last.live);
	wr(CAP_MSI, (uint32_t)(0x70 | PCI_MSI_CTRL_ENABLE) << 16); /* MME ignored */
	assert_int_equal(rd(CAP_MSI) >> 16, PCI_MSI_CTRL_64 | BIT(8) | 1);
	assert_true(msi_last.live);
	assert_int_equal(msi_last.addr, 0xfee01000);
	assert_int_equal(msi_last.data, 0x4041);
	wr(CAP_MSI + 16, 0xffffffff); /* mask: bit 0 only */
	assert_int_equal(rd(CAP_MSI + 16), 1);
	assert_false(msi_last.live);
	wr(CAP_MSI + 16, 0);
	assert_true(msi_last.live);
	/* Nothing of it reached the host's registers. */
	assert_int_equal(h_read(NULL, CAP_MSI + 4, 4), 0);
	assert_int_equal(h_read(NULL, CAP_MSI + 2, 2) & PCI_MSI_CTRL_ENABLE, 0);
}

static void test_msix(void **state)
{
	(void)state;
	assert_int_equal(rd(CAP_MSIX) >> 16, MSIX_N - 1);
	assert_int_equal(rd(CAP_MSIX + 4), MSIX_TAB | 2);
	assert_int_equal(rd(CAP_MSIX + 8), MSIX_PBA | 2);
	/* The table and PBA pages trap, the rest of the BAR does not. */
	assert_true(vpci_pt_trapped(&pt, 2, MSIX_TAB, PAGE_SIZE));
	assert_true(vpci_pt_trapped(&pt, 2, MSIX_PBA, PAGE_SIZE));
	assert_false(vpci_pt_trapped(&pt, 2, 0, PAGE_SIZE));
	assert_false(vpci_pt_trapped(&pt, 0, MSIX_TAB, PAGE_SIZE));
	/* Entries start masked. */
	assert_int_equal(vpci_pt_mmio_read(&pt, 2, MSIX_TAB + 12, 4), 1);
	vpci_pt_mmio_write(&pt, 2, MSIX_TAB + 16, 8, 0x00000000fee00000ull);
	vpci_pt_mmio_write(&pt, 2, MSIX_TAB + 24, 4, 0x55);
	vpci_pt_mmio_write(&pt, 2, MSIX_TAB + 28, 4, 0xfffffffe); /* reserved bits */
	assert_int_equal(vpci_pt_mmio_read(&pt, 2, MSIX_TAB + 28, 4), 0);
	assert_int_equal(vpci_pt_mmio_read(&pt, 2, MSIX_TAB + 16, 8), 0xfee00000ull);
	assert_int_equal(vpci_pt_mmio_read(&pt, 2, MSIX_TAB + 24, 1), 0x55);
	assert_false(msix_last[1].live); /* MSI-X not enabled yet */
	wr(CAP_MSIX, (uint32_t)PCI_MSIX_CTRL_ENABLE << 16);
	assert_true(msix_last[1].live);
	assert_false(msix_last[0].live);
	assert_int_equal(msix_last[1].addr, 0xfee00000);
	assert_int_equal(msix_last[1].data, 0x55);
	/* The host's enable follows; its table is the hypervisor's. */
	assert_true(h_read(NULL, CAP_MSIX + 2, 2) & PCI_MSIX_CTRL_ENABLE);
	assert_int_equal(bar_writes, 0);
	/* Function mask and the entry's mask. */
	wr(CAP_MSIX, (uint32_t)(PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL) << 16);
	assert_false(msix_last[1].live);
	wr(CAP_MSIX, (uint32_t)PCI_MSIX_CTRL_ENABLE << 16);
	vpci_pt_mmio_write(&pt, 2, MSIX_TAB + 28, 1, 1);
	assert_false(msix_last[1].live);
	/* Table size is read-only. */
	wr(CAP_MSIX, 0xffffffffu);
	assert_int_equal(rd(CAP_MSIX) >> 16 & PCI_MSIX_CTRL_SIZE, MSIX_N - 1);
	/* PBA: the device's, read-only; the rest of the page: the device's. */
	assert_int_equal(vpci_pt_mmio_read(&pt, 2, MSIX_PBA, 8), 0xab023000u);
	vpci_pt_mmio_write(&pt, 2, MSIX_PBA, 8, ~0ull);
	assert_int_equal(bar_writes, 0);
	vpci_pt_mmio_write(&pt, 2, MSIX_TAB + 0x800, 4, 0x77);
	assert_int_equal(bar_writes, 1);
	assert_int_equal(last_bar_write, 0x77);
	/* Past the BAR: all ones, writes dropped. */
	assert_int_equal(vpci_pt_mmio_read(&pt, 2, MiB(1), 4), 0xffffffffu);
	vpci_pt_mmio_write(&pt, 2, MiB(1) - 2, 4, 1);
	assert_int_equal(bar_writes, 1);
	/* A table in a BAR the guest cannot see hides the capability. */
	put(CAP_MSIX + 4, 4, MSIX_TAB | 1); /* the I/O BAR */
	start(true);
	assert_int_equal(pt.ncaps, 3);
	assert_false(vpci_pt_trapped(&pt, 1, MSIX_TAB, 4));
}

/* Every register, every byte mask, any value: the host sees only the
 * command register's mediated bits and the MSI-X enable/mask bits, and
 * bus master never without dma_ok. */
static void test_hostile_everything(void **state)
{
	static const uint32_t vals[] = { 0, 0xffffffff, 0x5a5a5a5a, 0xa5a5a5a5,
					 0x80000000, 0x00000001 };
	uint8_t before[PCI_CFG_SIZE_EXT];

	(void)state;
	start(false);
	memcpy(before, host, sizeof(host));
	for (unsigned reg = 0; reg < 0x200; reg += 4)
		for (unsigned m = 1; m < 16; m++)
			for (unsigned v = 0; v < ARRAY_SIZE(vals); v++) {
				uint32_t mask = 0;

				for (unsigned b = 0; b < 4; b++)
					if (m & (1u << b))
						mask |= 0xffu << (8 * b);
				vpci_pt_write(&pt, reg, vals[v], mask);
				assert_int_equal(host_cmd() & PCI_CMD_MASTER, 0);
			}
	for (unsigned off = 0; off < sizeof(host); off++) {
		if (off == PCI_COMMAND || off == CAP_MSIX + 3)
			continue;
		assert_int_equal(host[off], before[off]);
	}
	for (unsigned i = 0; i < nmaps; i++)
		if (maps[i].map)
			assert_true(maps[i].gpa >= WIN_LO &&
				    maps[i].gpa + maps[i].size <= WIN_HI);
	assert_int_equal(rd(0x00), 0x100e8086);
	assert_int_equal(rd(0x30), 0);
}

/* A raw window (an IDE controller's timing registers): its dwords read
 * the host's and take the guest's bytes, byte by byte; a kept capability
 * inside it (PM at 0x40 here) stays mediated; outside it nothing
 * changes. */
static void test_raw_window(void **state)
{
	struct vpci_pt_cfg cfg = { .host = &hf, .win_lo = WIN_LO, .win_hi = WIN_HI };
	uint8_t pm[8];

	(void)state;
	cfg.raw_lo = 0x40;
	cfg.raw_hi = 0x58;
	vpci_pt_init(&pt, &cfg, &ops);
	/* 0x50 (the hidden vendor capability) lies in the window: host. */
	host[0x54] = 0x77;
	assert_int_equal(rd(0x54) & 0xff, 0x77);
	vpci_pt_write(&pt, 0x54, 0x8000a307, 0x00ff00ff);
	assert_int_equal(host[0x54], 0x07);
	assert_int_equal(host[0x55], 0x00);
	assert_int_equal(host[0x56], 0x00);
	memcpy(pm, &host[CAP_PM], sizeof(pm));
	wr(CAP_PM + 4, 0xffffffff);
	assert_memory_equal(&host[CAP_PM], pm, sizeof(pm));
	/* Past the window: hidden as before. */
	host[0x58] = 0x55;
	assert_int_equal(rd(0x58), 0);
	wr(0x58, 0x12345678);
	assert_int_equal(host[0x58], 0x55);
}

static struct vpci bus;

static void test_ecam(void **state)
{
	struct vpci_func f = { .bdf = VPCI_BDF(0, 3, 0), .ctx = &pt,
			       .read = vpci_pt_read, .write = vpci_pt_write };
	uint32_t base = 3u << 15;

	(void)state;
	vpci_init(&bus);
	assert_int_equal(vpci_add_func(&bus, &f), 0);
	assert_int_equal(vpci_ecam_read(&bus, base, 4), 0x100e8086);
	assert_int_equal(vpci_ecam_read(&bus, base + 2, 2), 0x100e);
	assert_int_equal(vpci_ecam_read(&bus, base + 0x3c, 1), 11);
	assert_int_equal(vpci_ecam_read(&bus, base + 0x100, 4), 0);
	assert_int_equal(vpci_ecam_read(&bus, base + 0xffc, 4), 0);
	/* The host bridge at 00:00.0, absent functions, bad sizes. */
	assert_int_equal(vpci_ecam_read(&bus, 0, 4), 0x12378086);
	assert_int_equal(vpci_ecam_read(&bus, 4u << 15, 4), 0xffffffffu);
	assert_int_equal(vpci_ecam_read(&bus, base + 1 * 4096, 2), 0xffff);
	assert_int_equal(vpci_ecam_read(&bus, base + 2, 4), 0xffffffffu);
	assert_int_equal(vpci_ecam_read(&bus, base, 3), 0xffffffu);
	assert_int_equal(vpci_ecam_read(&bus, VPCI_ECAM_BUS_SIZE, 4), 0xffffffffu);
	/* A BAR sized through ECAM, a byte write of the line. */
	vpci_ecam_write(&bus, base + 0x10, 4, 0xffffffff);
	assert_int_equal(vpci_ecam_read(&bus, base + 0x10, 4), 0xfffe0000);
	vpci_ecam_write(&bus, base + 0x3c, 1, 5);
	assert_int_equal(vpci_ecam_read(&bus, base + 0x3c, 2), 0x0105);
	vpci_ecam_write(&bus, base + 0x3e, 4, 0); /* crosses: dropped */
	assert_int_equal(vpci_ecam_read(&bus, base + 0x3c, 2), 0x0105);
	/* CF8/CFC sees the same function. */
	assert_true(vpci_io_write(&bus, VPCI_PORT_ADDR, 4, VPCI_ADDR_ENABLE | 3u << 11));
	{
		uint32_t v = 0;

		assert_true(vpci_io_read(&bus, VPCI_PORT_DATA, 4, &v));
		assert_int_equal(v, 0x100e8086);
	}
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_identity),
		T(test_bar_sizing),
		T(test_bar_mapping),
		T(test_hostile_bars),
		T(test_command),
		T(test_caps_filtered),
		T(test_msi),
		T(test_msix),
		T(test_hostile_everything),
		T(test_raw_window),
		T(test_ecam),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
