/* MSI and MSI-X of the functions VMs own; see pci_assign.h.
 *
 * Every vector gets its host vector when the function is taken (devirq's
 * lock is taken before the vplat lock, never under it, and the guest's
 * writes arrive under the vplat lock).  The host's message is fixed: the
 * IRTE (or compatibility-format address and data) names the host vector
 * on the boot CPU.  The guest's message only decides whether the host's
 * entry is unmasked and where each interrupt goes. */
#include "guest/vpc/pci_assign_internal.h"
#include "guest/vm/vm.h"
#include "guest/vpc/vplat.h"
#include "drivers/devirq.h"
#include "lib/printk.h"

/* MSI address and data (SDM vol. 3, 11.11): destination ID 19:12,
 * destination mode 2 (logical), the fee prefix 31:20; vector 7:0,
 * delivery mode 10:8. */
#define MSI_ADDR_BASE 0xfee00000u
#define MSI_ADDR_DEST_SHIFT 12
#define MSI_ADDR_LOGICAL BIT(2)
#define MSI_DATA_MODE_SHIFT 8
#define MSI_CTRL 2
#define MSI_CTRL_MME (7u << 4)
#define MSIX_ENTRY 16
#define MSIX_VCTRL_MASK 1u

/* devirq dispatch (thread context, devirq lock held): the host vector
 * fired; the guest's message goes to its LAPICs. */
static void forward(void *ctx)
{
	struct pci_assign_vec *v = ctx;
	struct vm *vm = v->d->vm;
	struct vplat *p = vm->plat;
	struct vlapic_msg m;
	unsigned mode;

	if (!p)
		return;
	spin_lock(&p->lock);
	mode = (v->guest.data >> MSI_DATA_MODE_SHIFT) & 7;
	if (v->live && !vm_is_over(vm) &&
	    (mode == APIC_DM_FIXED || mode == APIC_DM_LOWPRI || mode == APIC_DM_NMI)) {
		m = (struct vlapic_msg){
			.dest = (uint32_t)(v->guest.addr >> MSI_ADDR_DEST_SHIFT) & 0xff,
			.vector = (uint8_t)v->guest.data,
			.mode = (uint8_t)mode,
			.logical = v->guest.addr & MSI_ADDR_LOGICAL,
			.src = -1,
		};
		vlapic_bus_send(&p->bus, &m);
		v->delivered++;
	}
	spin_unlock(&p->lock);
}

static void setup_vec(struct pci_assigned *d, struct pci_assign_vec *v)
{
	struct devirq_info info;
	uint32_t dest = devirq_dest();

	*v = (struct pci_assign_vec){ .d = d, .slot = -1, .irte = -1 };
	v->slot = devirq_claim_msi(forward, v, d->vm->name, &info);
	if (v->slot < 0)
		return;
	v->irte = vtd_irq_alloc();
	if (v->irte >= 0 && vtd_irq_set(v->irte, info.vector, dest, d->bdf) == 0) {
		vtd_irq_msi(v->irte, &v->addr_lo, &v->addr_hi, &v->data);
		return;
	}
	if (v->irte >= 0)
		vtd_irq_free(v->irte);
	v->irte = -1;
	v->addr_lo = MSI_ADDR_BASE | (dest & 0xff) << MSI_ADDR_DEST_SHIFT;
	v->addr_hi = 0;
	v->data = info.vector; /* fixed, edge */
}

static unsigned msix_vecs(const struct pci_assigned *d)
{
	return d->cfg.msix ? MIN(d->cfg.msix_n, (unsigned)PCI_ASSIGN_MSIX_VECS) : 0;
}

void pci_assign_msi_init(struct pci_assigned *d)
{
	d->msi_vec = (struct pci_assign_vec){ .d = d, .slot = -1, .irte = -1 };
	for (unsigned e = 0; e < PCI_ASSIGN_MSIX_VECS; e++)
		d->msix_vec[e] = (struct pci_assign_vec){ .d = d, .slot = -1, .irte = -1 };
}

void pci_assign_msi_setup(struct pci_assigned *d)
{
	unsigned missing = 0;

	if (d->cfg.msi) {
		setup_vec(d, &d->msi_vec);
		missing += d->msi_vec.slot < 0;
	}
	for (unsigned e = 0; e < PCI_ASSIGN_MSIX_VECS; e++) {
		struct pci_assign_vec *v = &d->msix_vec[e];

		if (e < msix_vecs(d)) {
			setup_vec(d, v);
			missing += v->slot < 0;
		}
	}
	if (missing)
		pr_warn("vm %s: pci:%s: no host vector for %u of its MSI/MSI-X vectors: they stay masked\n",
			d->vm->name, d->name, missing);
}

static void release_vec(struct pci_assign_vec *v)
{
	v->live = false;
	if (v->slot >= 0)
		devirq_release(v->slot);
	if (v->irte >= 0)
		vtd_irq_free(v->irte);
	v->slot = v->irte = -1;
}

void pci_assign_msi_release(struct pci_assigned *d)
{
	release_vec(&d->msi_vec);
	for (unsigned e = 0; e < PCI_ASSIGN_MSIX_VECS; e++)
		release_vec(&d->msix_vec[e]);
}

void pci_assign_msi_restart(struct pci_assigned *d)
{
	d->msi_vec.live = false;
	for (unsigned e = 0; e < PCI_ASSIGN_MSIX_VECS; e++)
		d->msix_vec[e].live = false;
}

/* The host's MSI: programmed and enabled (one vector) while the guest's
 * is live, disabled otherwise. */
void pci_assign_msi_update(void *ctx, const struct vpci_pt_msg *m)
{
	struct pci_assigned *d = ctx;
	struct pci_assign_vec *v = &d->msi_vec;
	const struct pci_cfg_ops *ops = pci_host_ops();
	unsigned cap = d->cfg.msi, data = d->cfg.msi_64 ? 0xc : 0x8;
	uint16_t ctrl;

	if (!d->guest_ok || !cap)
		return;
	v->guest = *m;
	v->live = m->live && v->slot >= 0;
	ctrl = (uint16_t)pci_read(ops, d->bdf, cap + MSI_CTRL, 2) & (uint16_t)~MSI_CTRL_MME;
	if (v->live) {
		pci_write(ops, d->bdf, cap + 4, 4, v->addr_lo);
		if (d->cfg.msi_64)
			pci_write(ops, d->bdf, cap + 8, 4, v->addr_hi);
		pci_write(ops, d->bdf, cap + data, 2, v->data);
		ctrl |= PCI_MSI_CTRL_ENABLE;
	} else {
		ctrl &= (uint16_t)~PCI_MSI_CTRL_ENABLE;
	}
	pci_write(ops, d->bdf, cap + MSI_CTRL, 2, ctrl);
}

/* The host's MSI-X entry: the host's message, unmasked while the guest's
 * entry is live. */
void pci_assign_msix_update(void *ctx, unsigned entry, const struct vpci_pt_msg *m)
{
	struct pci_assigned *d = ctx;
	struct pci_assign_vec *v;
	volatile uint32_t *e;
	uint8_t *va = d->bar_va[d->cfg.msix_bir];

	if (!d->guest_ok || !va)
		return;
	if (entry >= msix_vecs(d)) {
		if (m->live && !d->msi_warned++)
			pr_warn("vm %s: pci:%s: MSI-X entry %u is past the %u delivered; it stays masked\n",
				d->vm->name, d->name, entry, msix_vecs(d));
		return;
	}
	v = &d->msix_vec[entry];
	v->guest = *m;
	v->live = m->live && v->slot >= 0;
	e = (volatile uint32_t *)(va + d->cfg.msix_off + (uint64_t)entry * MSIX_ENTRY);
	e[3] |= MSIX_VCTRL_MASK;
	if (!v->live)
		return;
	e[0] = v->addr_lo;
	e[1] = v->addr_hi;
	e[2] = v->data;
	e[3] &= ~MSIX_VCTRL_MASK;
}
