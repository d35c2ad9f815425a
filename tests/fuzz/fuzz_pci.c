// FUZZ-SOURCES: drivers/pci.c
/* Host PCI enumeration (drivers/pci.c) against a hostile configuration
 * space: up to 8 functions whose 256 (or 4096) bytes come from the fuzz
 * input, each placed at a BDF the input chooses, with BARs that answer a
 * sizing write through a writable mask the input gives; every other BDF
 * reads all ones.  Bridges point anywhere, capability lists loop, BARs
 * size to nonsense.
 *
 * Checked: enumeration ends (a bound on configuration reads); it finds
 * only functions that exist, each once; every BAR it kept is a power of
 * two at least as big as its kind's minimum and aligned, or marked bad;
 * capability offsets lie in the capability area; the command register
 * and BARs read as before the probe (decode was restored); the reset of a
 * found function returns 0 or -ENOTSUP and leaves bus mastering off. */
#include "drivers/pci.h"
#include "lib/errno.h"
#include "tests/fuzz/fuzz.h"

#define NFN 8
#define MAX_READS 200000u

struct fn {
	pci_bdf_t bdf;
	uint8_t cfg[4096];
	uint32_t bar_wmask[PCI_NUM_BARS]; /* bits a BAR write may change */
};

static struct fn fns[NFN];
static unsigned nfns, reads;
static bool ecam;

static struct fn *lookup(pci_bdf_t bdf)
{
	for (unsigned i = 0; i < nfns; i++)
		if (fns[i].bdf == bdf)
			return &fns[i];
	return NULL;
}

static uint32_t rd(void *ctx, pci_bdf_t bdf, unsigned off, unsigned size)
{
	struct fn *f = lookup(bdf);
	uint32_t v = 0;

	(void)ctx;
	reads++;
	FUZZ_CHECKF(size == 1 || size == 2 || size == 4, "read of %u bytes", size);
	FUZZ_CHECKF(off % size == 0 && off + size <= (ecam ? 4096u : 256u),
		    "read at %#x, %u bytes", off, size);
	if (!f)
		return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
	memcpy(&v, f->cfg + off, size);
	return v;
}

static void wr(void *ctx, pci_bdf_t bdf, unsigned off, unsigned size, uint32_t val)
{
	struct fn *f = lookup(bdf);

	(void)ctx;
	FUZZ_CHECKF(off % size == 0 && off + size <= (ecam ? 4096u : 256u),
		    "write at %#x, %u bytes", off, size);
	if (!f)
		return;
	if (off >= 0x10 && off < 0x28 && size == 4 && (f->cfg[0xe] & 0x7f) == 0) {
		unsigned i = (off - 0x10) / 4;
		uint32_t old;

		memcpy(&old, f->cfg + off, 4);
		val = (old & ~f->bar_wmask[i]) | (val & f->bar_wmask[i]);
	}
	memcpy(f->cfg + off, &val, size);
}

static struct pci_cfg_ops ops = { .read = rd, .write = wr, .name = "fuzz" };

static void no_delay(unsigned us)
{
	(void)us;
}

static void check_bar(const struct pci_bar *b)
{
	uint64_t min;

	if (b->kind == PCI_BAR_NONE || b->kind == PCI_BAR_BAD)
		return;
	FUZZ_CHECK(b->kind == PCI_BAR_MEM32 || b->kind == PCI_BAR_MEM64 ||
		   b->kind == PCI_BAR_IO);
	min = b->kind == PCI_BAR_IO ? 4 : 16;
	FUZZ_CHECKF(b->size >= min && !(b->size & (b->size - 1)),
		    "BAR of kind %u sized %#lx", b->kind, (unsigned long)b->size);
	FUZZ_CHECKF(!(b->base & (b->size - 1)), "BAR at %#lx of size %#lx",
		    (unsigned long)b->base, (unsigned long)b->size);
	if (b->kind == PCI_BAR_MEM32)
		FUZZ_CHECK(b->base + b->size <= BIT(32));
	if (b->kind == PCI_BAR_IO)
		FUZZ_CHECK(b->base + b->size <= BIT(32));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	static struct pci_func table[16];
	static uint8_t before[NFN][256];
	struct pci_table t = { .f = table, .cap = 16 };
	unsigned n, root;

	ecam = fz_u8(&f) & 1;
	ops.cfg_size = ecam ? 4096 : 256;
	root = fz_u8(&f) & 3;
	nfns = 0;
	reads = 0;
	while (fz_more(&f) && nfns < NFN) {
		struct fn *fn = &fns[nfns];
		pci_bdf_t bdf = (pci_bdf_t)(fz_u16(&f) & 0x03ff); /* buses 0-3 */
		unsigned len = ecam ? (fz_u8(&f) & 1 ? 4096 : 256) : 256;

		if (lookup(bdf))
			continue;
		memset(fn->cfg, 0xff, sizeof(fn->cfg));
		for (unsigned i = 0; i < len && fz_more(&f); i++)
			fn->cfg[i] = fz_u8(&f);
		for (unsigned i = 0; i < PCI_NUM_BARS; i++)
			fn->bar_wmask[i] = fz_u32(&f);
		fn->bdf = bdf;
		nfns++;
	}
	for (unsigned i = 0; i < nfns; i++)
		memcpy(before[i], fns[i].cfg, 256);

	n = pci_enumerate(&ops, root, &t);
	FUZZ_CHECKF(reads < MAX_READS, "%u configuration reads", reads);
	FUZZ_CHECK(n == t.n && t.n <= t.cap);
	for (unsigned i = 0; i < t.n; i++) {
		const struct pci_func *p = &t.f[i];
		struct fn *fn = lookup(p->bdf);
		unsigned k = (unsigned)(fn - fns);

		FUZZ_CHECKF(fn != NULL, "found %04x, which does not exist", p->bdf);
		FUZZ_CHECK(p->vendor != 0xffff);
		for (unsigned j = 0; j < i; j++)
			FUZZ_CHECKF(t.f[j].bdf != p->bdf, "%04x found twice", p->bdf);
		for (unsigned b = 0; b < PCI_NUM_BARS; b++)
			check_bar(&p->bar[b]);
		FUZZ_CHECK(!p->cap_pm || (p->cap_pm >= 0x40 && p->cap_pm <= 0xfc));
		FUZZ_CHECK(!p->cap_msi || (p->cap_msi >= 0x40 && p->cap_msi <= 0xfc));
		FUZZ_CHECK(!p->cap_msix || (p->cap_msix >= 0x40 && p->cap_msix <= 0xfc));
		FUZZ_CHECK(!p->cap_pcie || (p->cap_pcie >= 0x40 && p->cap_pcie <= 0xfc));
		/* The probe gave decode and the BARs back as they were. */
		FUZZ_CHECKF(!memcmp(fn->cfg + 4, before[k] + 4, 2),
			    "%04x: command %02x%02x, was %02x%02x", p->bdf,
			    fn->cfg[5], fn->cfg[4], before[k][5], before[k][4]);
		if ((fn->cfg[0xe] & 0x7f) == 0)
			FUZZ_CHECK(!memcmp(fn->cfg + 0x10, before[k] + 0x10, 24));
	}
	/* A reset of one function found: bounded, and no bus master after. */
	if (t.n) {
		const struct pci_func *p = &t.f[data[0] % t.n];
		int r;

		reads = 0;
		r = pci_reset_function(&ops, p, no_delay);
		FUZZ_CHECK(r == 0 || r == -ENOTSUP || r == -EIO || r == -ETIMEDOUT);
		FUZZ_CHECK(reads < MAX_READS);
		if (r == 0)
			FUZZ_CHECK(!(lookup(p->bdf)->cfg[4] & PCI_CMD_MASTER));
	}
	fuzz_log_reset();
	return 0;
}
