/* test=vtd (see drivers/vtd_selftest.h): the orchestration. */
#include "drivers/vtd_selftest.h"
#include "drivers/vtd.h"
#include "arch-x86/cpu.h"
#include "arch-x86/exception.h"
#include "arch-x86/lapic.h"
#include "arch-x86/tsc.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/phys.h"

#include <stdarg.h>

#define WINDOW_IOVA GiB(1)        /* the devices' view of the window */
#define WINDOW_SIZE MiB(2)
#define UNMAPPED_IOVA 0x70000000ull
#define TEST_VECTOR 0xd0
#define FAULT_VECTOR 0xd1 /* the fault event interrupt, for the test */
/* Offsets in the window. */
#define NVME_OFF 0x00000
#define IDENT_OFF 0x10000
#define READ_OFF 0x20000
#define WRITE_OFF 0x21000
#define BACK_OFF 0x22000
#define NIC_OFF 0x40000
#define WRITE_LBA 8u       /* the 4 KiB block the test writes */
#define BLOCKS 8u          /* 4 KiB in 512-byte blocks */

static const char *owner = "vtd-selftest";

/* ---- helpers shared with the device files -------------------------------- */

bool st_wait(bool (*cond)(void *ctx), void *ctx, unsigned ms)
{
	uint64_t end = rdtsc() + tsc_hz() / 1000 * ms;

	while (!cond(ctx)) {
		if (rdtsc() > end)
			return cond(ctx);
		cpu_relax();
	}
	return true;
}

void st_delay_us(unsigned us)
{
	uint64_t end = rdtsc() + tsc_hz() / 1000000 * us;

	while (rdtsc() < end)
		cpu_relax();
}

bool st_fail(const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("vtd-selftest: FAIL: %s\n", msg);
	return false;
}

/* ---- the devices ----------------------------------------------------------- */

struct devs {
	const struct pci_func *nvme, *nic[2];
};

static bool find_devices(struct devs *d)
{
	struct pci_table *t = pci_host_table();
	unsigned nics = 0;

	memset(d, 0, sizeof(*d));
	for (unsigned i = 0; t && i < t->n; i++) {
		const struct pci_func *f = &t->f[i];

		if (f->class_rev >> 8 == 0x010802 && !d->nvme)
			d->nvme = f;
		else if (f->vendor == 0x8086 && f->device == 0x100e && nics < 2)
			d->nic[nics++] = f;
	}
	if (!d->nvme || nics < 2)
		return st_fail("needs an NVMe controller and two e1000s (found %s, %u)",
			       d->nvme ? "nvme" : "no nvme", nics);
	return true;
}

static bool claim(const struct pci_func *f, struct vtd_domain *dom)
{
	char bdf[8];
	int err;

	pci_bdf_text(f->bdf, bdf);
	if (pci_claim(f->bdf, PCI_OWNER_HV, 0, owner) < 0)
		return st_fail("%s is owned by someone else", bdf);
	err = vtd_attach(dom, f->bdf);
	if (err)
		return st_fail("cannot attach %s (%d)", bdf, err);
	return true;
}

/* ---- the domain ---------------------------------------------------------- */

static bool setup_domain(struct vtd_domain *dom, struct st_dma *w)
{
	paddr_t hpa;
	unsigned level;
	int err;

	w->hpa = frame_zalloc_contig(WINDOW_SIZE / PAGE_SIZE, WINDOW_SIZE);
	if (!w->hpa)
		return st_fail("no 2 MiB of memory for the window");
	w->iova = WINDOW_IOVA;
	w->va = phys_to_virt(w->hpa);
	err = vtd_domain_create(dom, owner);
	if (err)
		return st_fail("no domain (%d)", err);
	err = vtd_domain_map(dom, w->iova, w->hpa, WINDOW_SIZE, IOMMU_RW);
	if (err)
		return st_fail("cannot map the window (%d)", err);
	if (iommu_pt_translate(&dom->pt, w->iova + 0x1234, &hpa, NULL, &level) ||
	    hpa != w->hpa + 0x1234)
		return st_fail("the window does not translate");
	pr_info("vtd-selftest: domain %u (%u-level): IOVA %#lx-%#lx -> host %#lx (%s page)\n",
		dom->did, dom->pt.levels, w->iova, w->iova + WINDOW_SIZE - 1, w->hpa,
		level == 2 ? "one 2 MiB" : level == 3 ? "1 GiB" : "4 KiB");
	return true;
}

/* ---- NVMe: identify, read, write, a remapped page, a blocked DMA ------ */

static bool check_pattern(const uint8_t *p, uint64_t img_off, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != st_disk_byte(img_off + i))
			return st_fail("data at image offset %#lx is %#x, expected %#x",
				       img_off + i, p[i], st_disk_byte(img_off + i));
	return true;
}

static uint8_t written_byte(size_t i)
{
	return (uint8_t)(0xa5 ^ (i * 3));
}

static bool nvme_data(struct st_nvme *n, const struct st_dma *w)
{
	uint8_t *out = st_ptr(w, WRITE_OFF), *back = st_ptr(w, BACK_OFF);
	int st;

	st = st_nvme_rw(n, false, 0, BLOCKS, st_iova(w, READ_OFF));
	if (st)
		return st_fail("nvme read status %#x", st);
	if (!check_pattern(st_ptr(w, READ_OFF), 0, PAGE_SIZE))
		return false;
	pr_info("vtd-selftest: nvme read LBA 0-7 to IOVA %#lx landed in host page %#lx: pattern ok\n",
		st_iova(w, READ_OFF), w->hpa + READ_OFF);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		out[i] = written_byte(i);
	memset(back, 0, PAGE_SIZE);
	st = st_nvme_rw(n, true, WRITE_LBA, BLOCKS, st_iova(w, WRITE_OFF));
	if (st)
		return st_fail("nvme write status %#x", st);
	st = st_nvme_rw(n, false, WRITE_LBA, BLOCKS, st_iova(w, BACK_OFF));
	if (st)
		return st_fail("nvme read-back status %#x", st);
	if (memcmp(out, back, PAGE_SIZE))
		return st_fail("nvme: the block read back differs from the one written");
	pr_info("vtd-selftest: nvme wrote LBA %u-%u from IOVA %#lx and read it back: ok\n",
		WRITE_LBA, WRITE_LBA + BLOCKS - 1, st_iova(w, WRITE_OFF));
	return true;
}

/* IOVA = the physical address of page 'decoy', mapped to page 'target':
 * identity would put the data into the decoy. */
static bool nvme_remapped(struct st_nvme *n, struct vtd_domain *dom)
{
	paddr_t decoy = frame_alloc(), target = frame_zalloc();
	uint8_t *dv, *tv;
	int st;

	if (!decoy || !target)
		return st_fail("no memory for the remapping check");
	dv = phys_to_virt(decoy);
	tv = phys_to_virt(target);
	memset(dv, 0x5a, PAGE_SIZE);
	if (vtd_domain_map(dom, decoy, target, PAGE_SIZE, IOMMU_WRITE))
		return st_fail("cannot map IOVA %#lx", decoy);
	st = st_nvme_rw(n, false, 0, BLOCKS, decoy);
	if (st)
		return st_fail("nvme read to the remapped page: status %#x", st);
	if (!check_pattern(tv, 0, PAGE_SIZE))
		return false;
	for (size_t i = 0; i < PAGE_SIZE; i++)
		if (dv[i] != 0x5a)
			return st_fail("the page at host %#lx (= the IOVA) was written", decoy);
	pr_info("vtd-selftest: nvme read to IOVA %#lx landed in host page %#lx, host page %#lx untouched\n",
		decoy, target, decoy);
	vtd_domain_unmap(dom, decoy, PAGE_SIZE);
	frame_free(decoy);
	frame_free(target);
	return true;
}

static volatile unsigned fault_irqs;

static void fault_irq(struct exc_frame *f)
{
	(void)f;
	fault_irqs++;
	lapic_eoi();
}

static bool nvme_blocked(struct st_nvme *n, pci_bdf_t bdf)
{
	struct vtd_fault f[4];
	unsigned nf;
	char want[8], got[8];
	int st;

	vtd_fault_poll(NULL, 0);
	/* The fault event interrupt, as assignment wires it for VMs. */
	irq_register(FAULT_VECTOR, fault_irq);
	fault_irqs = 0;
	if (vtd_fault_event_route(FAULT_VECTOR, lapic_id()) < 0)
		return st_fail("cannot route the fault event interrupt");
	/* QEMU's NVMe may still complete the command with success: what
	 * counts is that the unit blocked the write and reported it. */
	st = st_nvme_rw(n, false, 0, BLOCKS, UNMAPPED_IOVA);
	if (st < 0)
		return false;
	irq_enable();
	st_delay_us(2000);
	irq_disable();
	nf = vtd_fault_poll(f, ARRAY_SIZE(f));
	if (fault_irqs == 0)
		return st_fail("no fault event interrupt on vector %#x", FAULT_VECTOR);
	pr_info("vtd-selftest: fault event interrupt on vector %#x (%u)\n", FAULT_VECTOR,
		fault_irqs);
	pci_bdf_text(bdf, want);
	if (nf == 0)
		return st_fail("no fault recorded for the DMA to IOVA %#llx", UNMAPPED_IOVA);
	pci_bdf_text(f[0].sid, got);
	if (f[0].sid != bdf || f[0].addr != UNMAPPED_IOVA || !f[0].write)
		return st_fail("fault names %s %s %#lx, expected %s write %#llx", got,
			       f[0].write ? "write" : "read", f[0].addr, want,
			       UNMAPPED_IOVA);
	pr_info("vtd-selftest: nvme DMA to unmapped IOVA %#llx blocked (command status %#x), fault reported: %s write %#lx reason %#x\n",
		UNMAPPED_IOVA, st, got, f[0].addr, f[0].reason);
	return true;
}

/* ---- interrupt remapping ---------------------------------------------- */

static volatile unsigned irq_count, irq_vector;

static void test_irq(struct exc_frame *f)
{
	irq_count++;
	irq_vector = (unsigned)f->vector;
	lapic_eoi();
}

/* One admin completion, then a window with interrupts on. */
static bool ping_and_take(struct st_nvme *n)
{
	if (st_nvme_ping(n) != 0)
		return st_fail("nvme Get Features failed");
	irq_enable();
	st_delay_us(2000);
	irq_disable();
	return true;
}

/* The IRTE was allocated (pointing nowhere) before the controller
 * started, and vector 0 was programmed with its message, masked. */
static bool msi_remap(struct st_nvme *n, int idx, pci_bdf_t nvme, pci_bdf_t other)
{
	char bdf[8];

	irq_register(TEST_VECTOR, test_irq);
	vtd_irq_set(idx, TEST_VECTOR, lapic_id(), nvme);
	/* Completions so far left the vector pending: take that one first. */
	st_nvme_msix_mask(n, false);
	irq_enable();
	st_delay_us(2000);
	irq_disable();
	irq_count = 0;
	irq_vector = 0;
	if (!ping_and_take(n))
		return false;
	if (irq_count != 1 || irq_vector != TEST_VECTOR)
		return st_fail("MSI-X through IRTE %d: %u interrupt(s), vector %#x; expected 1 on %#x",
			       idx, irq_count, irq_vector, TEST_VECTOR);
	pci_bdf_text(nvme, bdf);
	pr_info("vtd-selftest: MSI-X of %s (address %#x) through IRTE %d arrived on vector %#x\n",
		bdf, vtd_msi_addr((uint16_t)idx), idx, irq_vector);
	/* The same message, but the IRTE only accepts another requester. */
	vtd_fault_poll(NULL, 0);
	vtd_irq_set(idx, TEST_VECTOR, lapic_id(), other);
	irq_count = 0;
	if (!ping_and_take(n))
		return false;
	if (irq_count != 0)
		return st_fail("MSI with a wrong source id was delivered");
	pci_bdf_text(other, bdf);
	pr_info("vtd-selftest: the same MSI with IRTE %d expecting source %s was blocked (%u fault(s) recorded)\n",
		idx, bdf, vtd_fault_poll(NULL, 0));
	st_nvme_msix_mask(n, true);
	vtd_irq_free(idx);
	return true;
}

bool vtd_selftest(void)
{
	static struct vtd_domain dom;
	struct st_dma w;
	struct devs d;
	struct st_nvme *n;
	uint32_t msi[3];
	int irte;
	bool ok;

	pr_info("vtd-selftest: start\n");
	if (!vtd_active())
		return st_fail("VT-d is not active");
	ok = find_devices(&d) && setup_domain(&dom, &w) && claim(d.nvme, &dom) &&
	     claim(d.nic[0], &dom) && claim(d.nic[1], &dom);
	irte = ok ? vtd_irq_alloc() : -1;
	if (ok && irte < 0)
		ok = st_fail("no interrupt remapping (%d)", irte);
	if (ok)
		vtd_irq_msi(irte, &msi[0], &msi[1], &msi[2]);
	n = ok ? st_nvme_open(d.nvme, &w, NVME_OFF, msi) : NULL;
	ok = n && st_nvme_identify(n, IDENT_OFF) && st_nvme_io_queues(n) &&
	     nvme_data(n, &w) && nvme_remapped(n, &dom) && nvme_blocked(n, d.nvme->bdf) &&
	     st_e1000_loop(d.nic[0], d.nic[1], &w, NIC_OFF) &&
	     msi_remap(n, irte, d.nvme->bdf, d.nic[0]->bdf);
	if (ok) {
		struct vtd_stats s;

		vtd_get_stats(&s);
		pr_info("vtd-selftest: invalidations: %lu context, %lu IOTLB, %lu interrupt entry, %lu queue waits; %lu lines flushed; %lu fault(s) in all\n",
			s.ctx_inv, s.iotlb_inv, s.iec_inv, s.qi_waits, s.clflush_lines,
			vtd_fault_count());
	}
	pr_info("vtd-selftest: %s\n", ok ? "PASSED" : "FAILED");
	return ok;
}
