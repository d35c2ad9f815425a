// FUZZ-SOURCES: guest/dev/vpci_pt.c guest/dev/vpci_pt_msi.c guest/dev/vpci.c
/* The config space a VM sees of a passed-through function
 * (guest/dev/vpci_pt.c), over a fake host function whose BAR sizes and
 * kinds, capability offsets and MSI-X geometry come from the input, and
 * the VM's DMA confined or not; then any sequence of config reads and
 * writes (CF8/CFC and ECAM, any size, any byte mask) and accesses to the
 * trapped MSI-X pages.  Checked: the host's BARs, ROM, capability bodies
 * and extended space are never written; the host's command register
 * changes only in its mediated bits and has bus master only with
 * confined DMA; every mapping lies inside the window, no two overlap,
 * and maps and unmaps alternate per BAR; the IDs, the ROM BAR and the
 * extended space read as they must. */
#include "guest/dev/vpci_pt.h"
#include "guest/dev/vpci.h"
#include "tests/fuzz/fuzz.h"

#define WIN_LO 0xc0000000ull
#define WIN_HI 0xe0000000ull
#define FN VPCI_BDF(0, 3, 0)

static uint8_t host[PCI_CFG_SIZE_EXT];
static uint8_t before[PCI_CFG_SIZE_EXT];
static bool dma_ok;
static struct pci_func hf;
static struct vpci_pt pt;
static struct vpci bus;
static struct { bool on; uint64_t gpa, size; } live[PCI_NUM_BARS];

static uint32_t h_read(void *ctx, unsigned off, unsigned size)
{
	uint32_t v = 0;

	(void)ctx;
	FUZZ_CHECK(off + size <= sizeof(host));
	memcpy(&v, &host[off], size);
	return v;
}

static void h_write(void *ctx, unsigned off, unsigned size, uint32_t val)
{
	(void)ctx;
	FUZZ_CHECKF(size == 2 && (off == PCI_COMMAND ||
				  (hf.cap_msix && off == hf.cap_msix + 2u)),
		    "host write of %u at %#x", size, off);
	if (off == PCI_COMMAND)
		FUZZ_CHECK(dma_ok || !(val & PCI_CMD_MASTER));
	memcpy(&host[off], &val, size);
}

static void h_map(void *ctx, unsigned bar, uint64_t gpa, uint64_t size, bool map)
{
	(void)ctx;
	FUZZ_CHECK(bar < PCI_NUM_BARS);
	FUZZ_CHECK(live[bar].on != map);
	if (map) {
		FUZZ_CHECKF(gpa >= WIN_LO && gpa + size <= WIN_HI && gpa + size > gpa,
			    "BAR %u at %#llx size %#llx", bar,
			    (unsigned long long)gpa, (unsigned long long)size);
		for (unsigned i = 0; i < PCI_NUM_BARS; i++)
			FUZZ_CHECK(!live[i].on || gpa + size <= live[i].gpa ||
				   live[i].gpa + live[i].size <= gpa);
	} else {
		FUZZ_CHECK(live[bar].gpa == gpa && live[bar].size == size);
	}
	live[bar].on = map;
	live[bar].gpa = gpa;
	live[bar].size = size;
}

static void h_msi(void *ctx, const struct vpci_pt_msg *m)
{
	(void)ctx;
	(void)m;
}

static void h_msix(void *ctx, unsigned e, const struct vpci_pt_msg *m)
{
	(void)ctx;
	(void)m;
	FUZZ_CHECK(e < pt.msix_n);
}

static uint64_t h_bar_read(void *ctx, unsigned bar, uint64_t off, unsigned len)
{
	(void)ctx;
	FUZZ_CHECK(bar < PCI_NUM_BARS && off + len <= hf.bar[bar].size);
	return 0;
}

static void h_bar_write(void *ctx, unsigned bar, uint64_t off, unsigned len,
			uint64_t val)
{
	(void)ctx;
	(void)val;
	FUZZ_CHECK(bar < PCI_NUM_BARS && off + len <= hf.bar[bar].size);
	/* Never into the MSI-X table. */
	FUZZ_CHECK(!pt.msix || bar != pt.msix_bir || off + len <= pt.msix_off ||
		   off >= pt.msix_off + 16ull * pt.msix_host_n);
}

static const struct vpci_pt_ops ops = {
	.cfg_read = h_read, .cfg_write = h_write, .bar_map = h_map,
	.msi_update = h_msi, .msix_update = h_msix, .bar_read = h_bar_read,
	.bar_write = h_bar_write,
};

static void make_host(struct fz *f)
{
	memset(&hf, 0, sizeof(hf));
	for (unsigned i = 0; i < sizeof(host); i += 8) {
		uint64_t v = fz_more(f) && i < 0x100 ? fz_u64(f) : 0x0123456789abcdefull * i;

		memcpy(&host[i], &v, 8);
	}
	for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
		uint8_t k = fz_u8(f);

		hf.bar[i].kind = k % 5;
		hf.bar[i].size = 1ull << ((k >> 3) % 40);
		hf.bar[i].base = fz_u64(f);
		hf.bar[i].prefetch = k & 0x80;
	}
	hf.cap_pm = fz_u8(f);
	hf.cap_msi = fz_u8(f);
	hf.cap_msix = fz_u8(f);
	hf.cap_pcie = fz_u8(f);
	/* The host table only records dword-aligned offsets past the header. */
	if (hf.cap_pm < 0x40 || hf.cap_pm > 0xf8) hf.cap_pm = 0;
	if (hf.cap_msi < 0x40 || hf.cap_msi > 0xe8) hf.cap_msi = 0;
	if (hf.cap_msix < 0x40 || hf.cap_msix > 0xf0) hf.cap_msix = 0;
	if (hf.cap_pcie < 0x40 || hf.cap_pcie > 0xf8) hf.cap_pcie = 0;
	hf.cap_pm &= 0xfc;
	hf.cap_msi &= 0xfc;
	hf.cap_msix &= 0xfc;
	hf.cap_pcie &= 0xfc;
	host[PCI_COMMAND + 1] &= 0x7; /* a device keeps its reserved bits 0 */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	struct vpci_pt_cfg cfg = { .host = &hf, .win_lo = WIN_LO, .win_hi = WIN_HI };
	struct vpci_func vf = { FN, &pt, vpci_pt_read, vpci_pt_write };
	uint32_t id;

	memset(live, 0, sizeof(live));
	dma_ok = fz_u8(&f) & 1;
	make_host(&f);
	cfg.dma_ok = dma_ok;
	cfg.line = fz_u8(&f);
	for (unsigned i = 0; i < PCI_NUM_BARS; i++)
		cfg.bar_gpa[i] = WIN_LO + ((uint64_t)fz_u16(&f) << 16);
	memcpy(before, host, sizeof(host));
	vpci_pt_init(&pt, &cfg, &ops);
	id = vpci_pt_read(&pt, 0);
	vpci_init(&bus);
	FUZZ_CHECK(vpci_add_func(&bus, &vf) == 0);
	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f);
		unsigned len = 1u << (op & 3);
		uint32_t val = fz_u32(&f);
		uint16_t off = fz_u16(&f);

		switch ((op >> 2) & 3) {
		case 0:
			vpci_ecam_write(&bus, (uint32_t)FN << 12 | (off & 0xfff),
					len > 4 ? 4 : len, val);
			break;
		case 1:
			(void)vpci_ecam_read(&bus, (uint32_t)FN << 12 | (off & 0xfff),
					     len > 4 ? 4 : len);
			break;
		case 2:
			vpci_pt_mmio_write(&pt, (op >> 4) % PCI_NUM_BARS,
					   (uint64_t)off << ((op >> 7) * 4) & ~(uint64_t)(len - 1),
					   len, (uint64_t)val * 0x100000001ull);
			break;
		default:
			(void)vpci_pt_mmio_read(&pt, (op >> 4) % PCI_NUM_BARS,
						(uint64_t)off << ((op >> 7) * 4) &
							~(uint64_t)(len - 1), len);
			break;
		}
		FUZZ_CHECK(vpci_pt_read(&pt, 0) == id);
		FUZZ_CHECK(vpci_pt_read(&pt, PCI_ROM_TYPE0) == 0);
		FUZZ_CHECK(vpci_pt_read(&pt, 0x100 + (off & 0xefc)) == 0);
	}
	for (unsigned i = 0; i < sizeof(host); i++) {
		if (i == PCI_COMMAND || i == PCI_COMMAND + 1 ||
		    (hf.cap_msix && pt.msix && (i == hf.cap_msix + 2u || i == hf.cap_msix + 3u)))
			continue;
		FUZZ_CHECKF(host[i] == before[i], "host byte %#x changed", i);
	}
	vpci_pt_fini(&pt);
	for (unsigned i = 0; i < PCI_NUM_BARS; i++)
		FUZZ_CHECK(!live[i].on);
	return 0;
}
