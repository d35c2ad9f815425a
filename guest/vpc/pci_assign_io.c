/* What the guest reaches of its PCI functions: the host configuration
 * space behind its views, the EPT mappings of their BARs, the BAR pages
 * that trap, the ECAM window, and the DMA faults they cause.  See
 * pci_assign.h. */
#include "guest/vpc/pci_assign_internal.h"
#include "guest/vm/vm.h"
#include "guest/vpc/vplat.h"
#include "guest/load/acpi_build.h"
#include "arch-x86/cpu.h"
#include "arch-x86/tsc.h"
#include "mm/ept.h"
#include "drivers/devirq.h"
#include "lib/printk.h"
#include "lib/errno.h"

#define MSIX_ENTRY 16
#define MSIX_VCTRL 12
#define MSIX_VCTRL_MASK 1u
#define HOST_BAR_MAP_MAX MiB(16) /* larger BARs are not mapped by the hypervisor */
#define FAULT_BATCH 8
#define FAULT_POLL_HZ 1000 /* at most this often */

/* ---- the host behind a view (struct vpci_pt_ops) ----------------------------- */

static uint32_t host_cfg_read(void *ctx, unsigned off, unsigned size)
{
	struct pci_assigned *d = ctx;

	if (!d->guest_ok)
		return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
	return pci_read(pci_host_ops(), d->bdf, off, size);
}

static void host_cfg_write(void *ctx, unsigned off, unsigned size, uint32_t val)
{
	struct pci_assigned *d = ctx;

	if (d->guest_ok)
		pci_write(pci_host_ops(), d->bdf, off, size, val);
}

static int ept_run(struct pci_assigned *d, uint64_t gpa, uint64_t hpa,
		   uint64_t len)
{
	int r;

	if (!len)
		return 0;
	r = ept_map(&d->vm->ept, gpa, hpa, len, EPT_R | EPT_W, EPT_MT_UC);
	if (r < 0)
		pr_warn("vm %s: pci:%s: EPT cannot map %#lx (+%#lx) to the BAR at %#lx (%d): it traps\n",
			d->vm->name, d->name, gpa, len, hpa, r);
	return r;
}

/* Does [gpa, gpa + size) meet a BAR of another of the VM's functions
 * that the EPT maps?  The guest moved one onto another: the later one
 * stays unmapped (its accesses trap) rather than take the other's
 * pages. */
static bool over_other(const struct pci_assigned *d, uint64_t gpa, uint64_t size)
{
	const struct pci_assign *a = d->vm->pci;

	for (unsigned i = 0; a && i < a->n; i++) {
		const struct pci_assigned *o = &a->dev[i];

		for (unsigned b = 0; o != d && b < PCI_NUM_BARS; b++) {
			const struct vpci_pt_bar *ob = &o->cfg.bar[b];

			if ((o->ept_ok & BIT(b)) && gpa < ob->at + ob->size &&
			    ob->at < gpa + size) {
				pr_warn("vm %s: pci:%s: a BAR moved onto pci:%s's at %#lx: not mapped\n",
					d->vm->name, d->name, o->name, ob->at);
				return true;
			}
		}
	}
	return false;
}

/* A memory BAR starts or stops decoding at gpa: the EPT maps it onto the
 * real BAR, UC, page by page runs that skip the MSI-X table and PBA
 * pages.  BARs smaller than a page, or not page aligned on the host, are
 * not mapped: every access traps and goes through bar_va. */
static void bar_map(void *ctx, unsigned bar, uint64_t gpa, uint64_t size, bool map)
{
	struct pci_assigned *d = ctx;
	uint64_t hpa = d->cfg.bar[bar].host, run = 0;
	int err = 0;

	if (!map) {
		if (d->ept_ok & BIT(bar))
			ept_unmap(&d->vm->ept, gpa, size);
		d->ept_ok &= (uint8_t)~BIT(bar);
		return;
	}
	if (!d->guest_ok || size < PAGE_SIZE || !IS_ALIGNED(hpa, PAGE_SIZE) ||
	    over_other(d, gpa, size))
		return;
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		if (!vpci_pt_trapped(&d->cfg, bar, off, PAGE_SIZE))
			continue;
		err |= ept_run(d, gpa + run, hpa + run, off - run);
		run = off + PAGE_SIZE;
	}
	err |= ept_run(d, gpa + run, hpa + run, size - run);
	if (err)
		ept_unmap(&d->vm->ept, gpa, size);
	else
		d->ept_ok |= (uint8_t)BIT(bar);
}

static bool host_bar_ok(const struct pci_assigned *d, unsigned bar, uint64_t off,
			unsigned len)
{
	return bar < PCI_NUM_BARS && d->bar_va[bar] && d->guest_ok &&
	       off < d->cfg.bar[bar].size && len <= d->cfg.bar[bar].size - off &&
	       IS_ALIGNED(off, len);
}

static uint64_t host_bar_read(void *ctx, unsigned bar, uint64_t off, unsigned len)
{
	struct pci_assigned *d = ctx;
	volatile uint8_t *p;

	if (!host_bar_ok(d, bar, off, len))
		return len >= 8 ? ~0ull : (1ull << (8 * len)) - 1;
	p = d->bar_va[bar] + off;
	switch (len) {
	case 1: return *p;
	case 2: return *(volatile uint16_t *)p;
	case 4: return *(volatile uint32_t *)p;
	default: return *(volatile uint64_t *)p;
	}
}

static void host_bar_write(void *ctx, unsigned bar, uint64_t off, unsigned len,
			   uint64_t val)
{
	struct pci_assigned *d = ctx;
	volatile uint8_t *p;

	if (!host_bar_ok(d, bar, off, len))
		return;
	p = d->bar_va[bar] + off;
	switch (len) {
	case 1: *p = (uint8_t)val; break;
	case 2: *(volatile uint16_t *)p = (uint16_t)val; break;
	case 4: *(volatile uint32_t *)p = (uint32_t)val; break;
	default: *(volatile uint64_t *)p = val; break;
	}
}

static void view_init(struct pci_assigned *d)
{
	const struct vpci_pt_ops ops = {
		.cfg_read = host_cfg_read, .cfg_write = host_cfg_write,
		.bar_map = bar_map, .msi_update = pci_assign_msi_update,
		.msix_update = pci_assign_msix_update, .bar_read = host_bar_read,
		.bar_write = host_bar_write, .ctx = d,
	};

	vpci_pt_init(&d->cfg, &d->init, &ops);
}

/* ---- host BAR memory the hypervisor touches ---------------------------------- */

static bool holds_msix(const struct pci_func *f, unsigned bar)
{
	const struct pci_cfg_ops *ops = pci_host_ops();

	if (!f->cap_msix)
		return false;
	return (pci_read(ops, f->bdf, f->cap_msix + PCI_MSIX_TABLE, 4) & PCI_MSIX_BIR_MASK) == bar ||
	       (pci_read(ops, f->bdf, f->cap_msix + PCI_MSIX_TABLE + 4, 4) & PCI_MSIX_BIR_MASK) == bar;
}

int pci_assign_map_host_bars(struct pci_assigned *d)
{
	for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
		const struct pci_bar *b = &d->host->bar[i];
		bool msix = holds_msix(d->host, i);

		if (b->kind != PCI_BAR_MEM32 && b->kind != PCI_BAR_MEM64)
			continue;
		if (b->size >= PAGE_SIZE && IS_ALIGNED(b->base, PAGE_SIZE) && !msix)
			continue;
		if (b->size <= HOST_BAR_MAP_MAX)
			d->bar_va[i] = pci_host_mapper()(b->base, b->size);
		if (!d->bar_va[i] && msix)
			return -1;
	}
	return 0;
}

void pci_assign_mask_msix(struct pci_assigned *d)
{
	const struct pci_func *f = d->host;
	const struct pci_cfg_ops *ops = pci_host_ops();
	uint32_t tab, n;
	uint8_t *va;

	if (!f->cap_msix)
		return;
	tab = pci_read(ops, d->bdf, f->cap_msix + PCI_MSIX_TABLE, 4);
	n = (pci_read(ops, d->bdf, f->cap_msix + PCI_MSIX_CTRL, 2) & PCI_MSIX_CTRL_SIZE) + 1;
	va = d->bar_va[tab & PCI_MSIX_BIR_MASK];
	if (!va || (tab & ~PCI_MSIX_BIR_MASK) + (uint64_t)n * MSIX_ENTRY >
			   f->bar[tab & PCI_MSIX_BIR_MASK].size)
		return;
	for (uint32_t e = 0; e < n; e++) {
		volatile uint32_t *vc = (volatile uint32_t *)(va + (tab & ~PCI_MSIX_BIR_MASK) +
							     e * MSIX_ENTRY + MSIX_VCTRL);

		*vc |= MSIX_VCTRL_MASK;
	}
}

/* ---- the guest's windows ---------------------------------------------------- */

static uint64_t ones(unsigned len)
{
	return len >= 8 ? ~0ull : (1ull << (8 * len)) - 1;
}

/* A trapped access in the BAR window (under the platform lock): the
 * function whose BAR holds guest-physical 'gpa', with the BAR's number and
 * the offset in it, or NULL. */
static struct vpci_pt *bar_owner(const struct vm *vm, uint64_t gpa,
				 unsigned *bar, uint64_t *boff)
{
	struct pci_assign *a = vm->pci;

	for (unsigned i = 0; a && i < a->n; i++) {
		int b = vpci_pt_bar_at(&a->dev[i].cfg, gpa, boff);

		if (b >= 0) {
			*bar = (unsigned)b;
			return &a->dev[i].cfg;
		}
	}
	return NULL;
}

/* No function's BAR: all ones, like a master abort. */
static int bars_read(void *dev, uint64_t off, unsigned len, uint64_t *val)
{
	struct vm *vm = dev;
	struct vpci_pt *pt;
	uint64_t boff;
	unsigned bar;

	spin_lock(&vm->plat->lock);
	pt = bar_owner(vm, GUEST_PCI_MEM_BASE + off, &bar, &boff);
	*val = pt ? vpci_pt_mmio_read(pt, bar, boff, len) : ones(len);
	spin_unlock(&vm->plat->lock);
	return 0;
}

static int bars_write(void *dev, uint64_t off, unsigned len, uint64_t val)
{
	struct vm *vm = dev;
	struct vpci_pt *pt;
	uint64_t boff;
	unsigned bar;

	spin_lock(&vm->plat->lock);
	pt = bar_owner(vm, GUEST_PCI_MEM_BASE + off, &bar, &boff);
	if (pt)
		vpci_pt_mmio_write(pt, bar, boff, len, val);
	spin_unlock(&vm->plat->lock);
	return 0;
}

/* ECAM: 8-byte accesses are two dwords (PCIe 4.0 7.2.2.2 lets a root
 * complex refuse them; answering them costs nothing). */
static int ecam_read(void *dev, uint64_t off, unsigned len, uint64_t *val)
{
	struct vplat *p = dev;

	spin_lock(&p->lock);
	if (len == 8 && !(off & 7))
		*val = vpci_ecam_read(&p->pci, (uint32_t)off, 4) |
		       (uint64_t)vpci_ecam_read(&p->pci, (uint32_t)off + 4, 4) << 32;
	else
		*val = len == 8 ? ~0ull : vpci_ecam_read(&p->pci, (uint32_t)off, len);
	spin_unlock(&p->lock);
	return 0;
}

static int ecam_write(void *dev, uint64_t off, unsigned len, uint64_t val)
{
	struct vplat *p = dev;

	spin_lock(&p->lock);
	if (len == 8 && !(off & 7)) {
		vpci_ecam_write(&p->pci, (uint32_t)off, 4, (uint32_t)val);
		vpci_ecam_write(&p->pci, (uint32_t)off + 4, 4, (uint32_t)(val >> 32));
	} else if (len < 8) {
		vpci_ecam_write(&p->pci, (uint32_t)off, len, (uint32_t)val);
	}
	spin_unlock(&p->lock);
	return 0;
}

int pci_assign_map_io(struct vm *vm)
{
	struct vpc_mmio_range bars = {
		.base = GUEST_PCI_MEM_BASE, .size = GUEST_PCI_MEM_END - GUEST_PCI_MEM_BASE,
		.read = bars_read, .write = bars_write, .dev = vm,
	};
	struct vpc_mmio_range ecam = {
		.base = GUEST_ECAM_BASE, .size = GUEST_ECAM_SIZE,
		.read = ecam_read, .write = ecam_write, .dev = vm->plat,
	};

	if (vpc_mmio_register(&vm->plat->iomap, &bars) < 0 ||
	    vpc_mmio_register(&vm->plat->iomap, &ecam) < 0) {
		pr_err("vm %s: no room for its PCI windows in the virtual PC\n", vm->name);
		return -1;
	}
	return 0;
}

int pci_assign_add_func(struct pci_assigned *d, const struct vpci_pt_cfg *c)
{
	struct vplat *p = d->vm->plat;
	struct vpci_func f = { .bdf = d->vbdf, .ctx = &d->cfg,
			       .read = vpci_pt_read, .write = vpci_pt_write };
	int r;

	d->init = *c;
	spin_lock(&p->lock);
	d->guest_ok = true;
	view_init(d);
	r = vpci_add_func(&p->pci, &f);
	spin_unlock(&p->lock);
	if (r < 0)
		pr_err("vm %s: pci:%s: no room on the virtual bus\n", d->vm->name, d->name);
	return r;
}

void pci_assign_release_func(struct pci_assigned *d)
{
	vpci_pt_fini(&d->cfg);
}

void pci_assign_restart_func(struct pci_assigned *d)
{
	struct vplat *p = d->vm->plat;

	if (!d->claimed)
		return;
	spin_lock(&p->lock);
	vpci_pt_fini(&d->cfg);
	pci_assign_msi_restart(d);
	view_init(d);
	if (vpci_add_func(&p->pci, &(struct vpci_func){ .bdf = d->vbdf, .ctx = &d->cfg,
							.read = vpci_pt_read,
							.write = vpci_pt_write }) < 0)
		pr_err("vm %s: pci:%s: no room on the virtual bus after the reset\n",
		       d->vm->name, d->name);
	spin_unlock(&p->lock);
}

/* ---- DMA faults ---------------------------------------------------------- */

bool pci_assign_fault(const struct vtd_fault *f)
{
	struct pci_assigned *d = NULL;
	struct pci_assign *a;
	struct vm *vm;
	char name[8];
	uint64_t count;
	bool stop;

	pci_assign_lock();
	a = pci_assign_owner_of(f->sid, &d);
	if (!a) {
		pci_assign_unlock();
		return false;
	}
	vm = a->vm;
	count = ++a->dma_faults;
	stop = vm->cfg->on_dma_fault == ON_DMA_FAULT_STOP;
	pci_bdf_text(d->bdf, name);
	pci_assign_unlock();
	pr_err("vm %s: DMA fault from pci:%s: %s at %#lx, %s (reason %#x, %lu so far)%s\n",
	       vm->name, name, f->write ? "write" : "read", f->addr,
	       vtd_fault_reason(f->reason), f->reason, count,
	       stop ? ": stopping the VM (on_dma_fault = stop)" : "");
	if (stop)
		vm_stop(vm, "DMA fault from pci:%s at %#lx", name, f->addr);
	return true;
}

static void take_faults(void)
{
	struct vtd_fault f[FAULT_BATCH];
	unsigned n = vtd_fault_poll(f, FAULT_BATCH);

	for (unsigned i = 0; i < MIN(n, (unsigned)FAULT_BATCH); i++)
		pci_assign_fault(&f[i]);
}

/* The fault event interrupt, dispatched by devirq (thread context). */
static void fault_event(void *ctx)
{
	(void)ctx;
	take_faults();
}

static bool fault_irq_on;

/* Once, with the first domain: the units' fault event interrupt on a
 * host vector of its own.  Should that fail, faults are polled. */
void pci_assign_fault_irq(void)
{
	static bool tried;
	struct devirq_info info;
	int slot;

	if (tried)
		return;
	tried = true;
	slot = devirq_claim_msi(fault_event, NULL, "VT-d faults", &info);
	if (slot >= 0 && vtd_fault_event_route(info.vector, devirq_dest()) == 0) {
		__atomic_store_n(&fault_irq_on, true, __ATOMIC_RELEASE);
		pr_info("pci: VT-d fault events interrupt on vector %#x\n", info.vector);
		return;
	}
	if (slot >= 0)
		devirq_release(slot);
	pr_warn("pci: VT-d fault events cannot interrupt: polled every %u us\n",
		1000000 / FAULT_POLL_HZ);
}

/* Without the fault event interrupt: the fault records are read from
 * devirq_dispatch(), at most FAULT_POLL_HZ times a second and only
 * while some VM has a domain. */
void pci_assign_poll_faults(void)
{
	static uint64_t next;
	uint64_t now;

	if (!pci_assign_any_domain() || __atomic_load_n(&fault_irq_on, __ATOMIC_ACQUIRE))
		return;
	now = rdtsc();
	if (now < __atomic_load_n(&next, __ATOMIC_RELAXED))
		return;
	__atomic_store_n(&next, now + tsc_hz() / FAULT_POLL_HZ, __ATOMIC_RELAXED);
	take_faults();
}
