/* The keys of a VM description that hand the VM parts of the host:
 * "device" (PCI functions, kept for VT-d), "ioport" (host I/O ports the
 * guest accesses directly) and "irq" (host interrupts delivered to the
 * guest's virtual IOAPIC and PICs).  Whatever a VM is given here belongs
 * to it alone: each value is checked against the VM's own list and the
 * VMs accepted earlier in the file (later VMs find this one in the set);
 * guest/vpc/passthru.c checks again across files when VMs are built. */
#include "guest/config/config_internal.h"
#include "guest/config/config_syntax.h"
#include "lib/printk.h"
#include "lib/string.h"


/* ---- device ------------------------------------------------------------ */

static bool same_pci(const struct vm_pci_dev *a, const struct vm_pci_dev *b)
{
	return a->bus == b->bus && a->dev == b->dev && a->fn == b->fn;
}

/* A device may belong to one VM only; earlier sections are final here. */
static bool device_taken(struct parser *p, const struct vm_pci_dev *d)
{
	const struct vm_config_set *set = p->set;

	for (unsigned i = 0; i < p->vm->ndevices; i++) {
		if (same_pci(&p->vm->devices[i], d)) {
			cfg_error(p, "device pci:%02x:%02x.%x is listed twice",
				  d->bus, d->dev, d->fn);
			return true;
		}
	}
	for (unsigned v = 0; v < set->count; v++) {
		for (unsigned i = 0; i < set->vm[v].ndevices; i++) {
			if (!same_pci(&set->vm[v].devices[i], d))
				continue;
			cfg_error(p, "device pci:%02x:%02x.%x already belongs to [vm %s]",
				  d->bus, d->dev, d->fn, set->vm[v].name);
			return true;
		}
	}
	return false;
}

void cfg_key_device(struct parser *p, const char *v, size_t n)
{
	struct vm_pci_dev d;
	char tok[CFG_SHOW_BUF];

	if (!cfg_pci(v, n, &d)) {
		cfg_error(p, "bad device '%s' (use pci:BB:DD.F in hex, device <= 1f, function <= 7)",
			  cfg_show(tok, v, n));
	} else if (p->vm->ndevices == VM_MAX_DEVICES) {
		cfg_error(p, "too many devices (max %u)", VM_MAX_DEVICES);
	} else if (!device_taken(p, &d)) {
		p->vm->devices[p->vm->ndevices++] = d;
	}
}

/* ---- lists ------------------------------------------------------------- */

/* Calls item() for each comma-separated item of [v, v + n); stops at the
 * first one it refuses. */
static void each_item(struct parser *p, const char *v, size_t n,
		      bool (*item)(struct parser *p, const char *s, size_t n))
{
	size_t i = 0;

	for (;;) {
		size_t end = i;

		while (end < n && v[end] != ',')
			end++;
		if (!item(p, v + i, end - i) || end == n)
			return;
		i = end + 1;
	}
}

/* ---- ioport ------------------------------------------------------------ */

static bool overlap(const struct vm_ioport_range *a, uint16_t first,
		    uint16_t last)
{
	return a->first <= last && first <= a->last;
}

/* Reported when r is the hypervisor's, the virtual PC's or taken. */
static bool port_taken(struct parser *p, const struct vm_ioport_range *r)
{
	const struct vm_config_set *set = p->set;
	char a[VM_IOPORT_STR_MAX], b[VM_IOPORT_STR_MAX];

	for (unsigned i = 0; p->reserved && i < p->reserved->count; i++) {
		const struct cfg_port_range *x = &p->reserved->range[i];

		if (!overlap(r, x->first, x->last))
			continue;
		cfg_error(p, "ioport %s overlaps %s (%s)",
			  vm_ioport_str(a, r->first, r->last), x->what,
			  vm_ioport_str(b, x->first, x->last));
		return true;
	}
	for (unsigned i = 0; i < p->vm->nioports; i++) {
		const struct vm_ioport_range *o = &p->vm->ioports[i];

		if (overlap(o, r->first, r->last)) {
			cfg_error(p, "ioport %s overlaps %s, listed before",
				  vm_ioport_str(a, r->first, r->last),
				  vm_ioport_str(b, o->first, o->last));
			return true;
		}
	}
	for (unsigned v = 0; v < set->count; v++) {
		for (unsigned i = 0; i < set->vm[v].nioports; i++) {
			const struct vm_ioport_range *o = &set->vm[v].ioports[i];

			if (!overlap(o, r->first, r->last))
				continue;
			cfg_error(p, "ioport %s overlaps %s of [vm %s]",
				  vm_ioport_str(a, r->first, r->last),
				  vm_ioport_str(b, o->first, o->last), set->vm[v].name);
			return true;
		}
	}
	return false;
}

static bool ioport_item(struct parser *p, const char *s, size_t n)
{
	struct vm_ioport_range r;
	const char *why = cfg_port_range(s, n, &r);
	char tok[CFG_SHOW_BUF];

	if (why) {
		cfg_error(p, "bad I/O port list '%s' for ioport: %s",
			  cfg_show(tok, p->val, strlen(p->val)), why);
		return false;
	}
	if (p->vm->nioports == VM_MAX_IOPORT_RANGES) {
		cfg_error(p, "too many ioport ranges (max %u)",
			  VM_MAX_IOPORT_RANGES);
		return false;
	}
	if (port_taken(p, &r))
		return false;
	p->vm->ioports[p->vm->nioports++] = r;
	return true;
}

void cfg_key_ioport(struct parser *p, const char *v, size_t n)
{
	each_item(p, v, n, ioport_item);
}

/* ---- irq --------------------------------------------------------------- */

/* Host IRQs the hypervisor does not give away, and the lines the virtual
 * PC drives itself (guest/vpc/vplat.c: PIT on 0 = pin 2, COM1 on 4, the SCI
 * on 9). */
static const char *host_irq_reserved(unsigned irq)
{
	switch (irq) {
	case 0:
		return "is the system timer's";
	case 2:
		return "is the 8259 cascade";
	case 4:
		return "is COM1's, which the hypervisor keeps";
	default:
		return NULL;
	}
}

static const char *line_reserved(unsigned line)
{
	switch (line) {
	case 0:
	case 2:
		return "the virtual PC's PIT";
	case 4:
		return "the virtual PC's COM1";
	case 9:
		return "the virtual PC's SCI";
	default:
		return NULL;
	}
}

static bool irq_taken(struct parser *p, const struct vm_irq *q)
{
	const struct vm_config_set *set = p->set;

	for (unsigned i = 0; i < p->vm->nirqs; i++) {
		const struct vm_irq *o = &p->vm->irqs[i];

		if (o->host == q->host) {
			cfg_error(p, "irq %u is listed twice", q->host);
			return true;
		}
		if (o->line == q->line) {
			cfg_error(p, "irq %u: guest line %u already carries irq %u",
				  q->host, q->line, o->host);
			return true;
		}
	}
	for (unsigned v = 0; v < set->count; v++) {
		for (unsigned i = 0; i < set->vm[v].nirqs; i++) {
			if (set->vm[v].irqs[i].host != q->host)
				continue;
			cfg_error(p, "irq %u already belongs to [vm %s]", q->host,
				  set->vm[v].name);
			return true;
		}
	}
	return false;
}

static bool irq_item(struct parser *p, const char *s, size_t n)
{
	struct vm_irq q;
	bool given;
	const char *why = cfg_irq_item(s, n, &q, &given);
	char tok[CFG_SHOW_BUF];

	if (why) {
		cfg_error(p, "bad irq '%s': %s", cfg_show(tok, s, n), why);
		return false;
	}
	if (p->vm->nirqs == VM_MAX_IRQS) {
		cfg_error(p, "too many irqs (max %u)", VM_MAX_IRQS);
		return false;
	}
	why = host_irq_reserved(q.host);
	if (why) {
		cfg_error(p, "irq %u %s", q.host, why);
		return false;
	}
	if (!given && q.host > VM_IRQ_LINE_MAX) {
		cfg_error(p, "irq %u needs a guest line up to %u (irq = %u>N)",
			  q.host, VM_IRQ_LINE_MAX, q.host);
		return false;
	}
	why = line_reserved(q.line);
	if (why) {
		cfg_error(p, "irq %u: guest line %u is %s (give another: irq = %u>N)",
			  q.host, q.line, why, q.host);
		return false;
	}
	if (irq_taken(p, &q))
		return false;
	p->vm->irqs[p->vm->nirqs++] = q;
	return true;
}

void cfg_key_irq(struct parser *p, const char *v, size_t n)
{
	each_item(p, v, n, irq_item);
}

void cfg_finish_dev(struct parser *p)
{
	if (p->key_line[K_IRQ] && !p->vm->platform)
		cfg_error_at(p, p->key_line[K_IRQ],
			     "irq needs platform = pc (its virtual IOAPIC and PICs receive it)");
	if (p->key_line[K_DMA] && p->vm->dma == DMA_IDENTITY && !p->vm->ndevices)
		cfg_error_at(p, p->key_line[K_DMA],
			     "dma = identity needs a device (it only changes where a passed-through device's DMA lands)");
	if (p->key_line[K_DMA] && p->vm->dma == DMA_NONE && !p->vm->ndevices)
		cfg_error_at(p, p->key_line[K_DMA],
			     "dma = none needs a device (it only keeps a passed-through device from DMA)");
}
