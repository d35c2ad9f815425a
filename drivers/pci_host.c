/* The host's PCI segment 0: configuration access through ECAM when the
 * MCFG describes it (and it maps), else through the legacy CF8/CFC ports;
 * the table of functions and their owners; the boot report. */
#include "drivers/pci.h"
#include "drivers/pci_mcfg.h"
#include "arch-x86/acpi.h"
#include "arch-x86/cpu.h"
#include "arch-x86/tsc.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "mm/heap.h"

#define CF8_ADDR 0xcf8
#define CF8_DATA 0xcfc
#define CF8_ENABLE BIT(31)

static struct spinlock cf8_lock = SPINLOCK_INIT;

/* Mechanism #1: the register number in bits 7:2 of the address, the byte
 * within the dword through the data port's low bits. */
static uint32_t cf8_read(void *ctx, pci_bdf_t bdf, unsigned off, unsigned size)
{
	uint16_t port = (uint16_t)(CF8_DATA + (off & 3));
	uint32_t v;

	(void)ctx;
	spin_lock(&cf8_lock);
	outl(CF8_ADDR, (uint32_t)(CF8_ENABLE | ((uint32_t)bdf << 8) | (off & 0xfc)));
	v = size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
	spin_unlock(&cf8_lock);
	return v;
}

static void cf8_write(void *ctx, pci_bdf_t bdf, unsigned off, unsigned size,
		      uint32_t val)
{
	uint16_t port = (uint16_t)(CF8_DATA + (off & 3));

	(void)ctx;
	spin_lock(&cf8_lock);
	outl(CF8_ADDR, (uint32_t)(CF8_ENABLE | ((uint32_t)bdf << 8) | (off & 0xfc)));
	if (size == 1)
		outb(port, (uint8_t)val);
	else if (size == 2)
		outw(port, (uint16_t)val);
	else
		outl(port, val);
	spin_unlock(&cf8_lock);
}

static struct {
	struct pci_mcfg_region ecam;
	uint8_t *window; /* ECAM of bus ecam.start_bus; NULL: none */
	struct pci_cfg_ops ops;
	struct pci_table table;
	pci_map_fn map;
	bool ready;
} host;

static volatile void *ecam_addr(pci_bdf_t bdf, unsigned off)
{
	return host.window + ((uint64_t)(PCI_BUS(bdf) - host.ecam.start_bus) << 20) +
	       ((uint64_t)PCI_DEVFN(bdf) << 12) + off;
}

static bool ecam_covers(pci_bdf_t bdf)
{
	return PCI_BUS(bdf) >= host.ecam.start_bus &&
	       PCI_BUS(bdf) <= host.ecam.end_bus;
}

static uint32_t ecam_read(void *ctx, pci_bdf_t bdf, unsigned off, unsigned size)
{
	volatile void *p;

	(void)ctx;
	if (!ecam_covers(bdf))
		return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
	p = ecam_addr(bdf, off);
	if (size == 1)
		return *(volatile uint8_t *)p;
	if (size == 2)
		return *(volatile uint16_t *)p;
	return *(volatile uint32_t *)p;
}

static void ecam_write(void *ctx, pci_bdf_t bdf, unsigned off, unsigned size,
		       uint32_t val)
{
	volatile void *p;

	(void)ctx;
	if (!ecam_covers(bdf))
		return;
	p = ecam_addr(bdf, off);
	if (size == 1)
		*(volatile uint8_t *)p = (uint8_t)val;
	else if (size == 2)
		*(volatile uint16_t *)p = (uint16_t)val;
	else
		*(volatile uint32_t *)p = val;
}

static void setup_access(void)
{
	const struct acpi_header *mcfg = acpi_find_table("MCFG", 0);
	char err[96];

	host.ops = (struct pci_cfg_ops){ .read = cf8_read, .write = cf8_write,
					 .cfg_size = PCI_CFG_SIZE,
					 .name = "CF8/CFC" };
	if (!mcfg)
		return;
	if (pci_mcfg_parse(mcfg, mcfg->length, 0, &host.ecam, err, sizeof(err)) < 0) {
		pr_warn("pci: MCFG unusable (%s); using CF8/CFC\n", err);
		return;
	}
	host.window = host.map(host.ecam.base, host.ecam.size);
	if (!host.window) {
		pr_warn("pci: cannot map ECAM at %#lx; using CF8/CFC\n", host.ecam.base);
		return;
	}
	host.ops = (struct pci_cfg_ops){ .read = ecam_read, .write = ecam_write,
					 .cfg_size = PCI_CFG_SIZE_EXT,
					 .name = "ECAM" };
}

static const char *owner_text(const struct pci_func *f, char *buf, size_t n)
{
	switch (f->owner) {
	case PCI_OWNER_HV:
		snprintf(buf, n, "hypervisor%s%s", f->owner_name ? " " : "",
			 f->owner_name ? f->owner_name : "");
		return buf;
	case PCI_OWNER_VM:
		snprintf(buf, n, "vm %s", f->owner_name ? f->owner_name : "?");
		return buf;
	}
	return "nobody";
}

void pci_print_table(void)
{
	for (unsigned i = 0; i < host.table.n; i++) {
		const struct pci_func *f = &host.table.f[i];
		char bdf[8], own[48];

		pci_bdf_text(f->bdf, bdf);
		pr_info("pci: %s %04x:%04x class %06x%s%s%s%s%s%s owner %s\n", bdf,
			f->vendor, f->device, f->class_rev >> 8,
			f->hdr_type == PCI_HDR_BRIDGE ? " bridge" : "",
			f->cap_pcie ? " pcie" : "", f->cap_msi ? " msi" : "",
			f->cap_msix ? " msix" : "",
			f->flr ? " flr" : f->cap_pm ? " pm-reset" : "",
			f->cap_loop ? " CAP-LOOP" : "", owner_text(f, own, sizeof(own)));
		for (unsigned b = 0; b < PCI_NUM_BARS; b++) {
			const struct pci_bar *bar = &f->bar[b];
			static const char *const kind[] = { "", "mem32", "mem64",
							    "io", "BAD" };

			if (bar->kind == PCI_BAR_NONE)
				continue;
			pr_debug("pci: %s   bar%u %s %#lx size %#lx%s\n", bdf, b,
				 kind[bar->kind], bar->base, bar->size,
				 bar->prefetch ? " prefetchable" : "");
		}
	}
}

/* Host bridges (class 06, subclass 00) are the hypervisor's: they
 * decode its memory and configuration cycles, no VM may have them. */
static void claim_host_bridges(void)
{
	for (unsigned i = 0; i < host.table.n; i++) {
		struct pci_func *f = &host.table.f[i];

		if ((f->class_rev >> 16) == PCI_CLASS_HOST_BRIDGE)
			pci_claim(f->bdf, PCI_OWNER_HV, 0, "(host bridge)");
	}
}

void pci_host_init(pci_map_fn map)
{
	uint64_t t0 = rdtsc();
	unsigned root = 0;

	host.map = map;
	setup_access();
	if (host.window)
		root = host.ecam.start_bus;
	host.table.cap = PCI_MAX_FUNCS;
	host.table.f = kzalloc(sizeof(struct pci_func) * PCI_MAX_FUNCS);
	if (!host.table.f) {
		pr_err("pci: no memory for the device table\n");
		return;
	}
	pci_enumerate(&host.ops, root, &host.table);
	host.ready = true;
	claim_host_bridges();
	if (host.window)
		pr_info("pci: ECAM at %#lx for buses %02x-%02x (MCFG)\n",
			host.ecam.base, host.ecam.start_bus, host.ecam.end_bus);
	pr_info("pci: %u function(s) via %s, %u bus-scan reads, %lu us%s\n",
		host.table.n, host.ops.name, host.table.reads,
		tsc_to_us(rdtsc() - t0),
		host.table.dropped ? " (table full: some dropped)" : "");
	pci_print_table();
}

const struct pci_cfg_ops *pci_host_ops(void)
{
	return &host.ops;
}

struct pci_table *pci_host_table(void)
{
	return host.ready ? &host.table : NULL;
}

pci_map_fn pci_host_mapper(void)
{
	return host.map;
}

int pci_claim(pci_bdf_t bdf, enum pci_owner owner, int id, const char *name)
{
	struct pci_func *f = host.ready ? pci_table_find(&host.table, bdf) : NULL;

	if (!f)
		return -ENOENT;
	if (f->owner != PCI_OWNER_NONE &&
	    (f->owner != owner || f->owner_id != id))
		return -EBUSY;
	f->owner = (uint8_t)owner;
	f->owner_id = id;
	f->owner_name = name;
	return 0;
}

void pci_release(pci_bdf_t bdf)
{
	struct pci_func *f = host.ready ? pci_table_find(&host.table, bdf) : NULL;

	if (f) {
		f->owner = PCI_OWNER_NONE;
		f->owner_id = 0;
		f->owner_name = NULL;
	}
}
