/* Host ports and interrupts owned by VMs; see passthru.h. */
#include "guest/vpc/passthru.h"
#include "guest/vm/vm.h"
#include "guest/vpc/vplat.h"
#include "drivers/devirq.h"
#include "lib/printk.h"
#include "lib/spinlock.h"
#include "lib/errno.h"


struct host_range {
	uint16_t first, last;
	const char *what;
};

/* The host's own ports, and which VMs hold ports now (for the checks
 * across description files the parser cannot make). */
static struct spinlock lock;
static struct host_range host_ports[PASSTHRU_HOST_RANGES];
static unsigned nhost_ports;
static struct vm *holders[MAX_VMS];

void passthru_reserve_host_ports(uint16_t first, uint16_t last,
				 const char *what)
{
	spin_lock(&lock);
	if (nhost_ports < PASSTHRU_HOST_RANGES && first <= last)
		host_ports[nhost_ports++] = (struct host_range){ first, last, what };
	spin_unlock(&lock);
}

static bool overlap(uint16_t a0, uint16_t a1, uint16_t b0, uint16_t b1)
{
	return a0 <= b1 && b0 <= a1;
}

/* ---- ports ------------------------------------------------------------- */

/* A VM's ranges: its "ioport" keys, then its IDE functions' ports. */
static unsigned nranges(const struct vm *vm)
{
	return vm->cfg->nioports + vm->npci_ports;
}

static const struct vm_ioport_range *range(const struct vm *vm, unsigned i)
{
	return i < vm->cfg->nioports ? &vm->cfg->ioports[i]
				     : &vm->pci_ports[i - vm->cfg->nioports];
}

/* Under the lock: is one of the VM's ranges the host's or another VM's? */
static bool ports_taken(const struct vm *vm)
{
	char a[VM_IOPORT_STR_MAX], b[VM_IOPORT_STR_MAX];

	for (unsigned i = 0; i < nranges(vm); i++) {
		const struct vm_ioport_range *r = range(vm, i);

		for (unsigned h = 0; h < nhost_ports; h++) {
			const struct host_range *hr = &host_ports[h];

			if (!overlap(r->first, r->last, hr->first, hr->last))
				continue;
			pr_err("vm %s: ioport %s overlaps %s (%s), which the hypervisor uses\n",
			       vm->name, vm_ioport_str(a, r->first, r->last), hr->what,
			       vm_ioport_str(b, hr->first, hr->last));
			return true;
		}
		for (unsigned v = 0; v < MAX_VMS; v++) {
			const struct vm *o = holders[v];

			if (!o || o == vm)
				continue;
			for (unsigned j = 0; j < nranges(o); j++) {
				const struct vm_ioport_range *q = range(o, j);

				if (!overlap(r->first, r->last, q->first, q->last))
					continue;
				pr_err("vm %s: ioport %s already belongs to vm %s (%s)\n",
				       vm->name, vm_ioport_str(a, r->first, r->last),
				       o->name, vm_ioport_str(b, q->first, q->last));
				return true;
			}
		}
	}
	return false;
}

static void set_holder(struct vm *vm, bool hold)
{
	for (unsigned v = 0; v < MAX_VMS; v++) {
		if (hold && !holders[v]) {
			holders[v] = vm;
			return;
		}
		if (!hold && holders[v] == vm)
			holders[v] = NULL;
	}
}

/* Open (trap = false) or close the VM's ports in its I/O bitmap. */
static void intercept_ports(struct vm *vm, bool trap)
{
	const struct vm_config *cfg = vm->cfg;

	for (unsigned i = 0; i < cfg->nioports; i++)
		for (uint32_t port = cfg->ioports[i].first;
		     port <= cfg->ioports[i].last; port++)
			hw_vm_io_intercept(vm->hw, (uint16_t)port, trap);
}

/* ---- interrupts -------------------------------------------------------- */

/* The VM's line as the device means it (true: requesting). */
static void set_line(struct vplat *p, unsigned line, bool level)
{
	if (line < IOAPIC_ISA_IRQS)
		vplat_isa_irq(p, line, level);
	else
		vioapic_set_irq(&p->ioapic, line, level);
}

/* devirq dispatch (thread context, devirq lock held): the host pin
 * fired. */
static void forward(void *ctx)
{
	struct passthru_irq *q = ctx;
	struct vplat *p = q->vm->plat;

	if (!p)
		return;
	spin_lock(&p->lock);
	if (q->active && !vm_is_over(q->vm)) {
		q->forwarded++;
		if (q->level) {
			/* Held until the guest's EOI (passthru_line_eoi). */
			q->asserted = true;
			set_line(p, q->line, true);
		} else {
			set_line(p, q->line, true);
			set_line(p, q->line, false);
		}
	}
	spin_unlock(&p->lock);
}

/* From the virtual IOAPIC (pin) or PIC (IRQ): for every line a VM can
 * own the two numbers are the line's own, since lines 0 and 2 (the
 * PIT's pin) are never given (guest/config/config_dev.c). */
void passthru_line_eoi(struct vm *vm, unsigned line)
{
	struct vm_passthru *pt = &vm->passthru;

	for (unsigned i = 0; i < pt->nirqs; i++) {
		struct passthru_irq *q = &pt->irq[i];

		if (q->line != line || !q->level || !q->asserted || !q->active)
			continue;
		q->asserted = false;
		set_line(vm->plat, q->line, false);
		devirq_unmask(q->slot);
	}
}

static const char *claim_error(int r)
{
	switch (r) {
	case -ENOENT:
		return "the host has no IOAPIC pin for it";
	case -ENOSPC:
		return "no host vector is left for it";
	default:
		return "the boot CPU cannot be addressed by the IOAPIC";
	}
}

static void release_irqs(struct vm *vm)
{
	struct vm_passthru *pt = &vm->passthru;

	for (unsigned i = 0; i < pt->nirqs; i++) {
		struct passthru_irq *q = &pt->irq[i];

		if (q->slot < 0)
			continue;
		q->taken += devirq_count(q->slot);
		devirq_release(q->slot);
		q->slot = -1;
	}
}

/* Claim every pin, masked; on failure none stays claimed. */
static int claim_irqs(struct vm *vm)
{
	struct vm_passthru *pt = &vm->passthru;

	for (unsigned i = 0; i < pt->nirqs; i++) {
		struct passthru_irq *q = &pt->irq[i];
		struct devirq_info info;
		const char *busy = "?";
		int r = q->pci_intx ?
			devirq_claim_intx(q->host, forward, q, vm->name, &info, &busy) :
			devirq_claim(q->host, forward, q, vm->name, &info, &busy);

		if (r < 0) {
			if (r == -EBUSY)
				pr_err("vm %s: irq %u already belongs to vm %s\n",
				       vm->name, q->host, busy);
			else
				pr_err("vm %s: irq %u: %s\n", vm->name, q->host,
				       claim_error(r));
			release_irqs(vm);
			return -1;
		}
		q->slot = r;
		q->gsi = info.gsi;
		q->vector = info.vector;
		q->level = info.wiring.level;
		q->active_low = info.wiring.active_low;
		q->asserted = false;
	}
	return 0;
}

/* ---- life cycle -------------------------------------------------------- */

static int attach(struct vm *vm)
{
	struct vm_passthru *pt = &vm->passthru;
	bool taken;

	spin_lock(&lock);
	taken = ports_taken(vm);
	if (!taken)
		set_holder(vm, true);
	spin_unlock(&lock);
	if (taken)
		return -1;
	if (claim_irqs(vm) < 0) {
		spin_lock(&lock);
		set_holder(vm, false);
		spin_unlock(&lock);
		return -1;
	}
	intercept_ports(vm, false);
	__atomic_store_n(&pt->attached, true, __ATOMIC_RELEASE);
	return 0;
}

static void print_attached(const struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	const struct vm_passthru *pt = &vm->passthru;
	char r[VM_IOPORT_STR_MAX];

	for (unsigned i = 0; i < cfg->nioports; i++)
		pr_info("vm %s: owns ioport %s\n", vm->name,
			vm_ioport_str(r, cfg->ioports[i].first, cfg->ioports[i].last));
	for (unsigned i = 0; i < pt->nirqs; i++) {
		const struct passthru_irq *q = &pt->irq[i];

		pr_info("vm %s: owns irq %u (GSI %u, %s, active %s, host vector %#x) on its line %u\n",
			vm->name, q->host, q->gsi, q->level ? "level" : "edge",
			q->active_low ? "low" : "high", q->vector, q->line);
	}
}

int passthru_attach(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	struct vm_passthru *pt = &vm->passthru;

	*pt = (struct vm_passthru){ .nirqs = cfg->nirqs + vm->npci_intx };
	if (!cfg->nioports && !pt->nirqs && !vm->npci_ports)
		return 0;
	for (unsigned i = 0; i < pt->nirqs; i++) {
		const struct vm_irq *q = i < cfg->nirqs ? &cfg->irqs[i]
							: &vm->pci_intx[i - cfg->nirqs];

		pt->irq[i] = (struct passthru_irq){ .vm = vm, .host = q->host,
						    .line = q->line, .slot = -1,
						    .pci_intx = i >= cfg->nirqs && !q->isa };
	}
	if (attach(vm) < 0)
		return -1;
	print_attached(vm);
	return 0;
}

static void set_active(struct vm *vm, bool on)
{
	struct vm_passthru *pt = &vm->passthru;
	struct vplat *p = vm->plat;

	if (!p)
		return;
	spin_lock(&p->lock);
	for (unsigned i = 0; i < pt->nirqs; i++) {
		struct passthru_irq *q = &pt->irq[i];

		q->active = on;
		if (!on && q->asserted) {
			q->asserted = false;
			set_line(p, q->line, false);
		}
	}
	spin_unlock(&p->lock);
}

void passthru_start(struct vm *vm)
{
	struct vm_passthru *pt = &vm->passthru;

	if (!__atomic_load_n(&pt->attached, __ATOMIC_ACQUIRE))
		return;
	pt->started = true;
	set_active(vm, true);
	for (unsigned i = 0; i < pt->nirqs; i++)
		devirq_unmask(pt->irq[i].slot);
}

/* Forwarding off first (no EOI unmasks a pin after this), then the pins
 * masked and released, then the ports. */
static bool detach(struct vm *vm)
{
	struct vm_passthru *pt = &vm->passthru;

	if (!__atomic_exchange_n(&pt->attached, false, __ATOMIC_ACQ_REL))
		return false;
	set_active(vm, false);
	release_irqs(vm);
	intercept_ports(vm, true);
	spin_lock(&lock);
	set_holder(vm, false);
	spin_unlock(&lock);
	return true;
}

void passthru_detach(struct vm *vm)
{
	struct vm_passthru *pt = &vm->passthru;

	if (!detach(vm) || !pt->started)
		return;
	for (unsigned i = 0; i < pt->nirqs; i++) {
		const struct passthru_irq *q = &pt->irq[i];

		pr_info("vm %s: irq %u (GSI %u) released: %lu interrupt(s) taken, %lu forwarded to line %u\n",
			vm->name, q->host, q->gsi, q->taken, q->forwarded, q->line);
	}
}

void passthru_reset_begin(struct vm *vm)
{
	vm->passthru.resetting = detach(vm);
}

int passthru_reset_end(struct vm *vm)
{
	struct vm_passthru *pt = &vm->passthru;

	if (!pt->resetting)
		return 0;
	pt->resetting = false;
	if (vm_is_over(vm))
		return 0;
	if (attach(vm) < 0) {
		pr_err("vm %s: its ports and IRQs cannot be taken again after the reset\n",
		       vm->name);
		return -1;
	}
	passthru_start(vm);
	return 0;
}
