/* PCI functions given to VMs: taking them at the VM's creation, giving
 * them back at its end or reset; see pci_assign.h.  The guest's accesses
 * (config space, BAR pages that trap, ECAM) and the DMA faults are in
 * pci_assign_io.c. */
#include "guest/vpc/pci_assign.h"
#include "guest/vpc/pci_assign_internal.h"
#include "guest/vm/vm.h"
#include "guest/vpc/vplat.h"
#include "guest/load/acpi_build.h"
#include "drivers/devirq.h"
#include "arch-x86/cpu.h"
#include "arch-x86/tsc.h"
#include "mm/heap.h"
#include "lib/printk.h"
#include "lib/errno.h"
#include "lib/spinlock.h"
#include "lib/string.h"

/* A function's INTx goes to its host line's number in the VM, or to
 * the first free virtual IOAPIC pin from here. */
#define GUEST_INTX_FIRST_PIN 16
#define MSI_CTRL_OFF 2

static struct spinlock lock; /* the owners table and pci_claim() */
static struct pci_assign *owners[MAX_VMS];
static unsigned ndomains; /* VMs with a VT-d domain (atomic) */

struct pci_assign *pci_assign_owner_of(pci_bdf_t bdf, struct pci_assigned **dev)
{
	for (unsigned v = 0; v < MAX_VMS; v++) {
		struct pci_assign *a = owners[v];

		for (unsigned i = 0; a && i < a->n; i++)
			if (a->dev[i].bdf == bdf) {
				*dev = &a->dev[i];
				return a;
			}
	}
	return NULL;
}

void pci_assign_lock(void)
{
	spin_lock(&lock);
}

void pci_assign_unlock(void)
{
	spin_unlock(&lock);
}

bool pci_assign_any_domain(void)
{
	return __atomic_load_n(&ndomains, __ATOMIC_RELAXED) != 0;
}

static void delay_us(unsigned us)
{
	uint64_t end = rdtsc() + tsc_hz() / 1000000 * us;

	while (rdtsc() < end)
		cpu_relax();
}

/* ---- taking a function ----------------------------------------------------- */

static pci_bdf_t cfg_bdf(const struct vm_pci_dev *d)
{
	return PCI_BDF(d->bus, d->dev, d->fn);
}

/* Under the lock: the checks, then the claim. */
static int claim(struct vm *vm, struct pci_assigned *d)
{
	struct pci_table *t = pci_host_table();
	const char *why;
	int r = 0;

	spin_lock(&lock);
	why = pci_assign_refusal(t, d->bdf, (int)vm->id);
	if (!why && pci_claim(d->bdf, PCI_OWNER_VM, (int)vm->id, vm->name) < 0)
		why = "it belongs to another VM";
	if (why) {
		struct pci_func *f = t ? pci_table_find(t, d->bdf) : NULL;

		if (f && f->owner == PCI_OWNER_VM && f->owner_name &&
		    f->owner_id != (int)vm->id)
			pr_err("vm %s: pci:%s refused: it already belongs to vm %s\n",
			       vm->name, d->name, f->owner_name);
		else
			pr_err("vm %s: pci:%s refused: %s\n", vm->name, d->name, why);
		r = -1;
	} else {
		d->host = pci_table_find(t, d->bdf);
		d->claimed = true;
	}
	spin_unlock(&lock);
	return r;
}

/* Memory BARs in the guest's hole, each aligned to its size (at least a
 * page, so that no two functions share one). */
static int place_bars(struct pci_assign *a, struct pci_assigned *d,
		      struct vpci_pt_cfg *c)
{
	for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
		const struct pci_bar *b = &d->host->bar[i];
		uint64_t size = MAX(b->size, (uint64_t)PAGE_SIZE), at;

		if (b->kind != PCI_BAR_MEM32 && b->kind != PCI_BAR_MEM64)
			continue;
		at = ALIGN_UP(a->next_bar, size);
		if (size > GUEST_PCI_MEM_END - GUEST_PCI_MEM_BASE ||
		    at > GUEST_PCI_MEM_END - size) {
			pr_err("vm %s: pci:%s refused: BAR%u (%#lx bytes) does not fit the guest's PCI hole\n",
			       a->vm->name, d->name, i, b->size);
			return -1;
		}
		c->bar_gpa[i] = at;
		a->next_bar = at + size;
	}
	return 0;
}

/* Lines the virtual PC's own devices use (PIT on 0 and pin 2, the
 * cascade, COM1, the RTC, the SCI, the FPU's 13) or the VM's "irq" keys
 * or an earlier function already have. */
static bool line_taken(const struct vm *vm, unsigned line)
{
	static const uint16_t vpc_lines = BIT(0) | BIT(1) | BIT(2) | BIT(4) |
					  BIT(8) | BIT(9) | BIT(13);

	if (line < 16 && (vpc_lines & BIT(line)))
		return true;
	for (unsigned i = 0; i < vm->cfg->nirqs; i++)
		if (vm->cfg->irqs[i].line == line)
			return true;
	for (unsigned i = 0; i < vm->npci_intx; i++)
		if (vm->pci_intx[i].line == line)
			return true;
	return false;
}

/* The guest's INTx line: the one firmware gave the function when it is
 * an ISA line nobody else has, else the first free of the ISA lines PC
 * firmware gives PCI functions, else the first free IOAPIC pin from 16
 * (0: none left).  An ISA number first because the virtual PC's DSDT has
 * no _PRT: Linux then takes the interrupt line register only when it
 * names an IRQ below 16 (and programs it level-triggered, active low, as
 * PCI INTx is); a line from 16 on suits guests that read the register
 * and program the IOAPIC pin themselves. */
static uint8_t guest_line(const struct vm *vm, unsigned host_line)
{
	static const uint8_t pci_isa_lines[] = { 11, 10, 5, 7 };

	if (host_line < 16 && !line_taken(vm, host_line))
		return (uint8_t)host_line;
	for (unsigned i = 0; i < ARRAY_SIZE(pci_isa_lines); i++)
		if (!line_taken(vm, pci_isa_lines[i]))
			return pci_isa_lines[i];
	for (unsigned pin = GUEST_INTX_FIRST_PIN; pin <= VM_IRQ_LINE_MAX; pin++)
		if (!line_taken(vm, pin))
			return (uint8_t)pin;
	return 0;
}

static void take_intx(struct vm *vm, struct pci_assigned *d)
{
	const struct pci_cfg_ops *ops = pci_host_ops();
	unsigned pin = pci_read(ops, d->bdf, PCI_INT_LINE + 1, 1);
	unsigned line = pci_read(ops, d->bdf, PCI_INT_LINE, 1);
	uint8_t g;

	if (!pin || !line || line == 0xff || line > VM_IRQ_HOST_MAX) {
		d->cfg.line = 0;
		return; /* no INTx, or firmware did not route it */
	}
	g = guest_line(vm, line);
	d->cfg.line = g;
	if (!g) {
		pr_warn("vm %s: pci:%s: no free line for its INTx\n", vm->name, d->name);
		return;
	}
	vm->pci_intx[vm->npci_intx++] = (struct vm_irq){ .host = (uint16_t)line,
							 .line = g,
							 .slot = (uint8_t)PCI_DEV(d->vbdf) };
}

/* The host's MSI and MSI-X off, every MSI-X entry masked: until the
 * hypervisor programs them, the function can signal nothing. */
static void quiet_msi(struct pci_assigned *d)
{
	const struct pci_cfg_ops *ops = pci_host_ops();
	const struct pci_func *f = d->host;

	if (f->cap_msi) {
		uint16_t c = (uint16_t)pci_read(ops, d->bdf, f->cap_msi + MSI_CTRL_OFF, 2);

		pci_write(ops, d->bdf, f->cap_msi + MSI_CTRL_OFF, 2,
			  c & (uint16_t)~PCI_MSI_CTRL_ENABLE);
	}
	if (f->cap_msix) {
		uint16_t c = (uint16_t)pci_read(ops, d->bdf, f->cap_msix + PCI_MSIX_CTRL, 2);

		pci_write(ops, d->bdf, f->cap_msix + PCI_MSIX_CTRL, 2,
			  c & (uint16_t)~(PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL));
	}
	pci_assign_mask_msix(d);
}

/* A compatibility-mode IDE channel (PCI IDE Controller Specification
 * 1.0: programming interface bit 0 clear for the primary, bit 2 for the
 * secondary) decodes the fixed ISA ports and raises its ISA IRQ instead
 * of using BARs and INTx: giving the function gives those too. */
struct ide_channel {
	uint16_t cmd, ctl; /* 8 command-block ports, the control port */
	uint8_t irq;
	uint8_t native; /* programming interface bit: native mode */
};

static const struct ide_channel ide_channels[2] = {
	{ 0x1f0, 0x3f6, 14, BIT(0) },
	{ 0x170, 0x376, 15, BIT(2) },
};

static bool ide_compat(const struct pci_func *f, unsigned ch)
{
	return (f->class_rev >> 16) == PCI_CLASS_IDE &&
	       !((f->class_rev >> 8) & ide_channels[ch].native);
}

struct io_range {
	uint32_t first, last;
	int bar; /* -1: a compatibility-mode IDE port */
};

/* The function's I/O BARs, then its compatibility-mode IDE ports. */
static unsigned io_ranges(const struct pci_func *f, struct io_range *r)
{
	unsigned n = 0;

	for (unsigned b = 0; b < PCI_NUM_BARS; b++) {
		const struct pci_bar *bar = &f->bar[b];
		uint32_t first = (uint32_t)bar->base, last = first + (uint32_t)bar->size - 1;

		if (bar->kind != PCI_BAR_IO || !bar->size || last > 0xffff || last < first)
			continue;
		r[n++] = (struct io_range){ first, last, (int)b };
	}
	for (unsigned ch = 0; ch < 2; ch++) {
		if (!ide_compat(f, ch))
			continue;
		r[n++] = (struct io_range){ ide_channels[ch].cmd, ide_channels[ch].cmd + 7u, -1 };
		r[n++] = (struct io_range){ ide_channels[ch].ctl, ide_channels[ch].ctl, -1 };
	}
	return n;
}

/* I/O BARs (and compatibility-mode IDE ports): the guest sees the host's
 * port addresses, so the VM's I/O bitmap passes those ports; one that the
 * virtual PC emulates would be shadowed, so the function is refused.
 * open = false traps them again. */
static int io_ports(struct pci_assigned *d, bool open)
{
	struct io_range r[PCI_NUM_BARS + 4];
	unsigned n = io_ranges(d->host, r);
	struct vm *vm = d->vm;

	for (unsigned i = 0; open && i < n; i++) {
		for (uint32_t port = r[i].first; port <= r[i].last; port++) {
			if (!vpc_pio_find(&vm->plat->iomap, (uint16_t)port))
				continue;
			if (r[i].bar >= 0)
				pr_err("vm %s: pci:%s refused: its I/O BAR%d (%#x-%#x) overlaps a port of the virtual PC\n",
				       vm->name, d->name, r[i].bar, r[i].first, r[i].last);
			else
				pr_err("vm %s: pci:%s refused: its compatibility-mode IDE ports (%#x-%#x) overlap a port of the virtual PC\n",
				       vm->name, d->name, r[i].first, r[i].last);
			return -1;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		for (uint32_t port = r[i].first; port <= r[i].last; port++)
			hw_vm_io_intercept(vm->hw, (uint16_t)port, !open);
		/* For passthru_attach's check against other VMs' ports. */
		if (open && r[i].bar < 0 && vm->npci_ports < ARRAY_SIZE(vm->pci_ports))
			vm->pci_ports[vm->npci_ports++] = (struct vm_ioport_range){
				(uint16_t)r[i].first, (uint16_t)r[i].last };
	}
	d->io_open = open;
	return 0;
}

/* The ISA IRQs of its compatibility-mode IDE channels, on the same lines
 * (a driver in compatibility mode knows no other), unless an "irq" key
 * of the VM already gives that IRQ. */
static void take_ide_irqs(struct vm *vm, struct pci_assigned *d)
{
	for (unsigned ch = 0; ch < 2; ch++) {
		uint8_t irq = ide_channels[ch].irq;
		bool keyed = false;

		if (!ide_compat(d->host, ch))
			continue;
		for (unsigned i = 0; i < vm->cfg->nirqs; i++)
			keyed |= vm->cfg->irqs[i].host == irq && vm->cfg->irqs[i].line == irq;
		if (keyed)
			continue;
		if (line_taken(vm, irq) || vm->npci_intx == VM_MAX_PCI_IRQS) {
			pr_warn("vm %s: pci:%s: its line %u is taken: that IDE channel gets no interrupt\n",
				vm->name, d->name, irq);
			continue;
		}
		vm->pci_intx[vm->npci_intx++] = (struct vm_irq){ .host = irq, .line = irq,
								 .isa = true };
	}
}

static int take(struct pci_assign *a, unsigned i, struct vpci_pt_cfg *c)
{
	struct vm *vm = a->vm;
	struct pci_assigned *d = &a->dev[i];

	d->vm = vm;
	pci_assign_msi_init(d);
	d->bdf = cfg_bdf(&vm->cfg->devices[i]);
	d->vbdf = VPCI_BDF(0, PCI_ASSIGN_FIRST_SLOT + i, 0);
	pci_bdf_text(d->bdf, d->name);
	a->n = i + 1;
	if (claim(vm, d) < 0)
		return -1;
	d->resettable = d->host->flr || d->host->cap_pm;
	if (!d->resettable && vm->cfg->dma == DMA_IOMMU) {
		pr_err("vm %s: pci:%s refused: it has neither FLR nor PM reset, so what the VM leaves in it could not be cleared\n",
		       vm->name, d->name);
		return -1;
	}
	/* Without DMA (none) what the VM leaves cannot reach memory; with
	 * identity the VM could reach it anyway. */
	if (!d->resettable)
		pr_warn("vm %s: pci:%s has neither FLR nor PM reset: only bus mastering is turned off when the VM ends (dma = %s allows it)\n",
			vm->name, d->name,
			vm->cfg->dma == DMA_NONE ? "none" : "identity");
	*c = (struct vpci_pt_cfg){ .host = d->host, .win_lo = GUEST_PCI_MEM_BASE,
				   .win_hi = GUEST_PCI_MEM_END };
	/* An IDE controller's channel enable and timing registers (the
	 * PIIX's IDETIM, SIDETIM, UDMA at 0x40-0x4b): drivers check that a
	 * channel is enabled before they probe it. */
	if ((d->host->class_rev >> 16) == PCI_CLASS_IDE) {
		c->raw_lo = 0x40;
		c->raw_hi = 0x50;
	}
	if (place_bars(a, d, c) < 0 || pci_assign_rmrr(vm, d) < 0)
		return -1;
	pci_command(pci_host_ops(), d->bdf, PCI_CMD_MASTER, false);
	if (io_ports(d, true) < 0)
		return -1;
	if (pci_assign_map_host_bars(d) < 0) {
		pr_err("vm %s: pci:%s refused: its MSI-X table cannot be mapped\n",
		       vm->name, d->name);
		return -1;
	}
	quiet_msi(d);
	return 0;
}

/* ---- DMA ----------------------------------------------------------------- */

/* A domain with the VM's RAM at its guest-physical addresses. */
static int make_domain(struct pci_assign *a)
{
	struct vm *vm = a->vm;
	int r = vtd_domain_create(&a->dom, vm->name);

	if (r < 0) {
		pr_err("vm %s: pci:%s refused: no VT-d domain (%d)\n", vm->name,
		       a->dev[0].name, r);
		return -1;
	}
	a->has_dom = true;
	__atomic_fetch_add(&ndomains, 1, __ATOMIC_SEQ_CST);
	devirq_set_poll(pci_assign_poll_faults);
	pci_assign_fault_irq();
	for (unsigned i = 0; i < vm->mem.count; i++) {
		const struct gmem_region *g = &vm->mem.region[i];

		if (g->type != GMEM_RAM || g->nchunks || !g->hpa)
			continue;
		r = vtd_domain_map(&a->dom, g->gpa, g->hpa, g->size, IOMMU_RW);
		if (r < 0) {
			pr_err("vm %s: VT-d domain: cannot map RAM at %#lx (%d)\n",
			       vm->name, g->gpa, r);
			return -1;
		}
	}
	if (pci_assign_rmrr_map(a) < 0)
		return -1;
	for (unsigned i = 0; i < a->n; i++) {
		r = vtd_attach(&a->dom, a->dev[i].bdf);
		if (r < 0) {
			pr_err("vm %s: pci:%s refused: VT-d attach failed (%d)\n",
			       vm->name, a->dev[i].name, r);
			return -1;
		}
	}
	return 0;
}

/* guest/vm_ident.c placed the VM's RAM above its first MiB at
 * guest-physical == host-physical (vm->ident) before the VM was built;
 * without that placement a device's DMA would miss the guest's buffers
 * and land in someone else's memory, so the function is refused. */
static bool identity_placed(const struct vm *vm)
{
	if (vm->ident.end > vm->ident.start)
		return true;
	pr_err("vm %s: dma = identity, but its RAM is not at guest-physical == host-physical: its devices are refused\n",
	       vm->name);
	return false;
}

static int setup_dma(struct pci_assign *a)
{
	struct vm *vm = a->vm;

	if (vm->cfg->dma == DMA_NONE) {
		for (unsigned i = 0; i < a->n; i++)
			pr_info("vm %s: dma = none: pci:%s gets no DMA (bus mastering never reaches the host function)\n",
				vm->name, a->dev[i].name);
		return 0;
	}
	if (vm->cfg->dma == DMA_IDENTITY) {
		for (unsigned i = 0; i < a->n; i++)
			pr_warn("vm %s: dma = identity: pci:%s can reach ALL host memory (bring-up mode, no isolation)\n",
				vm->name, a->dev[i].name);
		return identity_placed(vm) ? 0 : -1;
	}
	return make_domain(a);
}

/* ---- the VM's life --------------------------------------------------------- */

static const char *dma_text(const struct pci_assign *a)
{
	if (a->has_dom)
		return "DMA through its VT-d domain";
	return a->vm->cfg->dma == DMA_NONE ? "no DMA (bus master kept off)"
					   : "DMA identity (unconfined)";
}

static void report(const struct pci_assign *a)
{
	for (unsigned i = 0; i < a->n; i++) {
		const struct pci_assigned *d = &a->dev[i];

		if (d->cfg.line)
			pr_info("vm %s: owns pci:%s (%04x:%04x) as 00:%02x.0, %s, INTx on line %u\n",
				a->vm->name, d->name, d->host->vendor, d->host->device,
				PCI_DEV(d->vbdf), dma_text(a), d->cfg.line);
		else
			pr_info("vm %s: owns pci:%s (%04x:%04x) as 00:%02x.0, %s, INTx none\n",
				a->vm->name, d->name, d->host->vendor, d->host->device,
				PCI_DEV(d->vbdf), dma_text(a));
	}
}

int pci_assign_attach(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	struct vpci_pt_cfg c[VM_MAX_DEVICES];
	struct pci_assign *a;

	vm->npci_intx = 0;
	vm->npci_ports = 0;
	vm->npci_resv = 0;
	if (!cfg->ndevices)
		return 0;
	if (!vm->plat) {
		pr_err("vm %s: device = pci:%02x:%02x.%x needs platform = pc\n", vm->name,
		       cfg->devices[0].bus, cfg->devices[0].dev, cfg->devices[0].fn);
		return -1;
	}
	if (cfg->dma == DMA_IOMMU && !vtd_active()) {
		pr_err("vm %s: pci:%02x:%02x.%x refused: no IOMMU (VT-d) confines its DMA; dma = identity assigns it without isolation (bring-up only)\n",
		       vm->name, cfg->devices[0].bus, cfg->devices[0].dev,
		       cfg->devices[0].fn);
		return -1;
	}
	a = kzalloc(sizeof(*a));
	if (!a) {
		pr_err("vm %s: no memory for its PCI functions\n", vm->name);
		return -1;
	}
	a->vm = vm;
	a->next_bar = GUEST_PCI_MEM_BASE;
	vm->pci = a;
	for (unsigned i = 0; i < cfg->ndevices; i++)
		if (take(a, i, &c[i]) < 0)
			goto fail;
	if (setup_dma(a) < 0 || pci_assign_map_io(vm) < 0)
		goto fail;
	for (unsigned i = 0; i < a->n; i++) {
		struct pci_assigned *d = &a->dev[i];

		take_intx(vm, d);
		take_ide_irqs(vm, d);
		c[i].line = d->cfg.line;
		/* its domain, or identity by choice; never with dma = none */
		c[i].dma_ok = cfg->dma != DMA_NONE;
		if (pci_assign_add_func(d, &c[i]) < 0)
			goto fail;
		pci_assign_msi_setup(d);
	}
	spin_lock(&lock);
	owners[vm->id % MAX_VMS] = a;
	spin_unlock(&lock);
	report(a);
	return 0;
fail:
	pci_assign_detach(vm);
	return -1;
}

static const char *reset_one(struct pci_assigned *d)
{
	const struct pci_cfg_ops *ops = pci_host_ops();

	pci_command(ops, d->bdf, PCI_CMD_MASTER, false);
	quiet_msi(d);
	if (!d->resettable)
		return "not reset (no FLR or PM)";
	if (pci_reset_function(ops, d->host, delay_us) < 0)
		return "reset failed";
	return d->host->flr ? "reset (FLR)" : "reset (D3hot -> D0)";
}

void pci_assign_detach(struct vm *vm)
{
	struct pci_assign *a = __atomic_exchange_n(&vm->pci, NULL, __ATOMIC_ACQ_REL);

	if (!a)
		return;
	spin_lock(&lock);
	if (owners[vm->id % MAX_VMS] == a)
		owners[vm->id % MAX_VMS] = NULL;
	spin_unlock(&lock);
	/* First cut the guest off: a vCPU still running elsewhere must not
	 * turn bus mastering on again behind the reset below. */
	if (vm->plat) {
		spin_lock(&vm->plat->lock);
		for (unsigned i = 0; i < a->n; i++)
			a->dev[i].guest_ok = false;
		spin_unlock(&vm->plat->lock);
	}
	for (unsigned i = 0; i < a->n; i++) {
		struct pci_assigned *d = &a->dev[i];
		const char *how;

		if (!d->claimed)
			continue;
		pci_assign_release_func(d);
		if (d->io_open)
			io_ports(d, false);
		how = reset_one(d);
		pci_assign_msi_release(d);
		if (a->has_dom)
			vtd_detach(&a->dom, d->bdf);
		spin_lock(&lock);
		pci_release(d->bdf);
		spin_unlock(&lock);
		d->claimed = false;
		pr_info("vm %s: pci:%s given back: bus master off, %s%s, %lu DMA fault(s)\n",
			vm->name, d->name, how, a->has_dom ? ", detached from its domain" : "",
			a->dma_faults);
	}
	if (a->has_dom) {
		vtd_domain_destroy(&a->dom);
		a->has_dom = false;
		__atomic_fetch_sub(&ndomains, 1, __ATOMIC_SEQ_CST);
	}
	/* The virtual bus keeps pointing at the views: 'a' stays allocated
	 * with the VM (its host accesses are cut off by 'claimed'). */
	vm->pci_retired = a;
}

void pci_assign_reset(struct vm *vm)
{
	struct pci_assign *a = vm->pci;

	for (unsigned i = 0; a && i < a->n; i++) {
		struct pci_assigned *d = &a->dev[i];

		if (d->claimed)
			pr_info("vm %s: pci:%s %s for the guest's reset\n", vm->name,
				d->name, reset_one(d));
	}
}

void pci_assign_reset_end(struct vm *vm)
{
	struct pci_assign *a = vm->pci;

	for (unsigned i = 0; a && i < a->n; i++)
		pci_assign_restart_func(&a->dev[i]);
}

void pci_assign_free(struct vm *vm)
{
	struct pci_assign *a = vm->pci_retired;

	vm->pci_retired = NULL;
	kfree(a);
}
