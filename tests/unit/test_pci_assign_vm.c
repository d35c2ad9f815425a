// UNIT-SOURCES: guest/vpc/pci_assign.c guest/vpc/pci_assign_rmrr.c guest/vpc/pci_assign_check.c guest/vpc/iomap.c drivers/pci.c
/* Assignment at a VM's creation (guest/vpc/pci_assign.c) against a fake
 * host: a host table with an e1000-like function (resettable or not), a
 * bridge, the host bridge; a fake VT-d (on or off) that records domains,
 * maps and attachments; the view, windows and vectors of
 * pci_assign_io.c and pci_assign_msi.c replaced by counters.  Checked:
 * every refusal is one line and leaves nothing held; with VT-d the VM's
 * RAM is mapped into one domain its functions are attached to; identity
 * says so loudly; BARs are placed in the hole, aligned, and a hole too
 * small refuses; INTx lines; I/O BAR ports opened and closed; the end
 * gives everything back. */
#include "guest/vpc/pci_assign.h"
#include "guest/vpc/pci_assign_internal.h"
#include "guest/vm/vm.h"
#include "guest/vpc/vplat.h"
#include "guest/load/acpi_build.h"
#include "drivers/devirq.h"
#include "mm/heap.h"
#include "lib/errno.h"
#include "tests/unit/fakes.h"
#include <stdlib.h>

#define E1000 PCI_BDF(0, 2, 0)
#define NIC2 PCI_BDF(0, 5, 0)
#define ISA PCI_BDF(0, 1, 0)
#define HB PCI_BDF(0, 0, 0)
#define IDE PCI_BDF(0, 1, 1)

static struct pci_func fns[5];
static struct pci_table table = { .f = fns, .cap = 5 };
static uint8_t cfgsp[5][PCI_CFG_SIZE] __aligned(4);
static struct vm vm;
static struct vm_config cfg;
static struct vplat plat;
static bool io_trapped[65536];
static struct vpci_pt_cfg added[VM_MAX_DEVICES];
static unsigned nadded, released, restarted, msi_setups, msi_releases;
static bool vtd_on;
static unsigned domains, domain_maps, attached, detached, destroyed;
static uint64_t mapped_bytes;
/* The fake DMAR's RMRRs: rmrr_bdf[i] is named in rmrr[i]'s scope. */
static struct phys_range rmrr[6];
static pci_bdf_t rmrr_bdf[6];
static unsigned nrmrr, rmrr_maps;
static uint64_t rmrr_mapped;
static int claims[5];

/* ---- fake host PCI -------------------------------------------------------- */

static int idx_of(pci_bdf_t bdf)
{
	for (unsigned i = 0; i < table.n; i++)
		if (fns[i].bdf == bdf)
			return (int)i;
	return -1;
}

static uint32_t f_read(void *ctx, pci_bdf_t bdf, unsigned off, unsigned size)
{
	int i = idx_of(bdf);
	uint32_t v = 0;

	(void)ctx;
	if (i < 0)
		return 0xffffffffu;
	memcpy(&v, &cfgsp[i][off], size);
	return v;
}

static void f_write(void *ctx, pci_bdf_t bdf, unsigned off, unsigned size, uint32_t val)
{
	int i = idx_of(bdf);

	(void)ctx;
	if (i >= 0)
		memcpy(&cfgsp[i][off], &val, size);
}

static const struct pci_cfg_ops ops = { .read = f_read, .write = f_write,
					.cfg_size = PCI_CFG_SIZE, .name = "fake" };

const struct pci_cfg_ops *pci_host_ops(void) { return &ops; }
struct pci_table *pci_host_table(void) { return &table; }

int pci_claim(pci_bdf_t bdf, enum pci_owner owner, int id, const char *name)
{
	struct pci_func *f = pci_table_find(&table, bdf);

	if (!f)
		return -ENOENT;
	if (f->owner != PCI_OWNER_NONE && (f->owner != owner || f->owner_id != id))
		return -EBUSY;
	f->owner = (uint8_t)owner;
	f->owner_id = id;
	f->owner_name = name;
	claims[idx_of(bdf)]++;
	return 0;
}

void pci_release(pci_bdf_t bdf)
{
	struct pci_func *f = pci_table_find(&table, bdf);

	if (f) {
		f->owner = PCI_OWNER_NONE;
		claims[idx_of(bdf)]--;
	}
}

/* ---- fake VT-d, devirq, heap, time, VMX ----------------------------------- */

bool vtd_active(void) { return vtd_on; }

int vtd_domain_create(struct vtd_domain *d, const char *name)
{
	(void)name;
	d->did = (uint16_t)++domains;
	return 0;
}

void vtd_domain_destroy(struct vtd_domain *d) { (void)d; destroyed++; }

int vtd_domain_map(struct vtd_domain *d, uint64_t iova, paddr_t hpa, uint64_t size,
		   unsigned rights)
{
	(void)d;
	assert_int_equal(rights, IOMMU_RW);
	if (iova >= MiB(32)) { /* an RMRR: 1:1 */
		assert_int_equal(iova, hpa);
		rmrr_maps++;
		rmrr_mapped += size;
		return 0;
	}
	assert_int_equal(iova, hpa - 0x10000000); /* the fake RAM's offset */
	domain_maps++;
	mapped_bytes += size;
	return 0;
}

unsigned vtd_rmrr_of(pci_bdf_t bdf, struct phys_range *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < nrmrr; i++)
		if (rmrr_bdf[i] == bdf) {
			if (n < max)
				out[n] = rmrr[i];
			n++;
		}
	return n;
}

int vtd_attach(struct vtd_domain *d, pci_bdf_t bdf) { (void)d; (void)bdf; attached++; return 0; }
void vtd_detach(struct vtd_domain *d, pci_bdf_t bdf) { (void)d; (void)bdf; detached++; }
void devirq_set_poll(devirq_poll_fn fn) { (void)fn; }
void *kzalloc(size_t size) { return calloc(1, size); }
void kfree(void *p) { free(p); }
uint64_t tsc_hz(void) { return 1000000000ull; }

void hw_vm_io_intercept(struct hw_vm *hvm, uint16_t port, bool trap)
{
	(void)hvm;
	io_trapped[port] = trap;
}

/* ---- pci_assign_io.c and pci_assign_msi.c, as counters ----------------------- */

int pci_assign_map_host_bars(struct pci_assigned *d) { (void)d; return 0; }
void pci_assign_mask_msix(struct pci_assigned *d) { (void)d; }
int pci_assign_map_io(struct vm *v) { (void)v; return 0; }

int pci_assign_add_func(struct pci_assigned *d, const struct vpci_pt_cfg *c)
{
	d->init = *c;
	d->cfg.line = c->line;
	added[nadded++] = *c;
	return 0;
}

void pci_assign_release_func(struct pci_assigned *d) { (void)d; released++; }
void pci_assign_restart_func(struct pci_assigned *d) { (void)d; restarted++; }
void pci_assign_msi_init(struct pci_assigned *d) { (void)d; }
void pci_assign_msi_setup(struct pci_assigned *d) { (void)d; msi_setups++; }
void pci_assign_msi_release(struct pci_assigned *d) { (void)d; msi_releases++; }
void pci_assign_poll_faults(void) {}
void pci_assign_fault_irq(void) {}

/* ---- the fixture ------------------------------------------------------------ */

static void put(unsigned i, unsigned off, unsigned size, uint32_t v)
{
	memcpy(&cfgsp[i][off], &v, size);
}

static int setup(void **state)
{
	(void)state;
	memset(fns, 0, sizeof(fns));
	memset(cfgsp, 0, sizeof(cfgsp));
	memset(claims, 0, sizeof(claims));
	fns[0] = (struct pci_func){ .bdf = HB, .class_rev = 0x06000000,
				    .owner = PCI_OWNER_HV };
	fns[1] = (struct pci_func){ .bdf = ISA, .class_rev = 0x06010000 };
	fns[2] = (struct pci_func){ .bdf = E1000, .vendor = 0x8086, .device = 0x100e,
				    .class_rev = 0x02000000, .flr = true };
	fns[2].bar[0] = (struct pci_bar){ .base = 0xfeb80000, .size = KiB(128),
					  .kind = PCI_BAR_MEM32 };
	fns[2].bar[1] = (struct pci_bar){ .base = 0xc040, .size = 64, .kind = PCI_BAR_IO };
	fns[3] = (struct pci_func){ .bdf = NIC2, .class_rev = 0x02000000, .cap_pm = 0x40 };
	fns[3].bar[0] = (struct pci_bar){ .base = 0xfe000000, .size = MiB(1),
					  .kind = PCI_BAR_MEM64 };
	/* The PIIX's IDE: both channels in compatibility mode (programming
	 * interface 0x80), bus-master registers in BAR4, no INTx pin. */
	fns[4] = (struct pci_func){ .bdf = IDE, .vendor = 0x8086, .device = 0x7010,
				    .class_rev = 0x01018000, .flr = true };
	fns[4].bar[4] = (struct pci_bar){ .base = 0xc000, .size = 16, .kind = PCI_BAR_IO };
	table.n = 5;
	put(2, PCI_INT_LINE, 2, 0x010b); /* INTA on IRQ 11 */
	put(3, PCI_INT_LINE, 2, 0x0109); /* INTA on IRQ 9: the VM's SCI */
	memset(&vm, 0, sizeof(vm));
	memset(&cfg, 0, sizeof(cfg));
	memset(&plat, 0, sizeof(plat));
	vpc_iomap_init(&plat.iomap);
	strcpy(cfg.name, "v");
	strcpy(vm.name, "v");
	cfg.platform = true;
	vm.cfg = &cfg;
	vm.plat = &plat;
	vm.id = 1;
	/* Two RAM regions, host = guest + 256 MiB. */
	vm.mem.count = 2;
	vm.mem.region[0] = (struct gmem_region){ .gpa = 0, .size = MiB(16), .type = GMEM_RAM,
						 .hpa = 0x10000000 };
	vm.mem.region[1] = (struct gmem_region){ .gpa = MiB(16), .size = MiB(16),
						 .type = GMEM_RAM, .hpa = 0x11000000 };
	memset(io_trapped, 1, sizeof(io_trapped));
	nadded = released = restarted = msi_setups = msi_releases = 0;
	domains = domain_maps = attached = detached = destroyed = 0;
	mapped_bytes = 0;
	nrmrr = rmrr_maps = 0;
	rmrr_mapped = 0;
	vtd_on = false;
	fake_log_reset();
	return 0;
}

/* What vm_ident does for dma = identity before the VM is built. */
static void placed(void)
{
	vm.ident = (struct phys_range){ MiB(16), MiB(32) };
}

static void give(pci_bdf_t bdf)
{
	cfg.devices[cfg.ndevices++] = (struct vm_pci_dev){ PCI_BUS(bdf), PCI_DEV(bdf),
							   PCI_FN(bdf) };
}

/* Refused: one line naming why, nothing held. */
static void refused(const char *why)
{
	assert_int_equal(pci_assign_attach(&vm), -1);
	if (!fake_log_contains(why))
		fail_msg("no \"%s\" in:\n%s", why, fake_log());
	assert_null(vm.pci);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(claims[i], 0);
	assert_int_equal(fns[2].owner, PCI_OWNER_NONE);
	assert_true(io_trapped[0xc040]);
	assert_int_equal(attached, detached);
	assert_int_equal(domains, destroyed);
	pci_assign_free(&vm);
}

static void test_refusals(void **state)
{
	(void)state;
	give(E1000);
	refused("v: pci:00:02.0 refused: no IOMMU (VT-d) confines its DMA");
	cfg.dma = DMA_IDENTITY;
	cfg.ndevices = 0;
	give(HB);
	refused("v: pci:00:00.0 refused: the hypervisor uses it");
	cfg.ndevices = 0;
	give(ISA);
	refused("v: pci:00:01.0 refused: it is a bridge");
	cfg.ndevices = 0;
	give(PCI_BDF(0, 9, 0));
	refused("v: pci:00:09.0 refused: there is no such function on the host");
	/* Another VM's: named. */
	cfg.ndevices = 0;
	give(E1000);
	fns[2].owner = PCI_OWNER_VM;
	fns[2].owner_id = 7;
	fns[2].owner_name = "other";
	assert_int_equal(pci_assign_attach(&vm), -1);
	assert_true(fake_log_contains("v: pci:00:02.0 refused: it already belongs to vm other"));
	pci_assign_free(&vm);
	fns[2].owner = PCI_OWNER_NONE;
	/* The second function of the VM is refused: the first is given back. */
	give(ISA);
	refused("pci:00:01.0 refused: it is a bridge");
	/* Without a platform. */
	cfg.ndevices = 0;
	give(E1000);
	cfg.platform = false;
	vm.plat = NULL;
	assert_int_equal(pci_assign_attach(&vm), -1);
	assert_true(fake_log_contains("needs platform = pc"));
}

static void test_no_reset(void **state)
{
	(void)state;
	fns[2].flr = false;
	give(E1000);
	vtd_on = true;
	refused("pci:00:02.0 refused: it has neither FLR nor PM reset");
	/* dma = identity allows it, with a warning. */
	cfg.dma = DMA_IDENTITY;
	placed();
	assert_int_equal(pci_assign_attach(&vm), 0);
	assert_true(fake_log_contains("has neither FLR nor PM reset"));
	pci_assign_detach(&vm);
	assert_true(fake_log_contains("not reset (no FLR or PM)"));
	pci_assign_free(&vm);
	/* So does dma = none: the function never had bus mastering. */
	fake_log_reset();
	cfg.dma = DMA_NONE;
	assert_int_equal(pci_assign_attach(&vm), 0);
	assert_true(fake_log_contains("has neither FLR nor PM reset: only bus mastering is turned off when the VM ends (dma = none allows it)"));
	pci_assign_detach(&vm);
	pci_assign_free(&vm);
}

static void test_iommu(void **state)
{
	(void)state;
	vtd_on = true;
	give(E1000);
	give(NIC2);
	assert_int_equal(pci_assign_attach(&vm), 0);
	assert_non_null(vm.pci);
	assert_int_equal(domains, 1);
	assert_int_equal(domain_maps, 2);
	assert_int_equal(mapped_bytes, MiB(32));
	assert_int_equal(attached, 2);
	assert_int_equal(fns[2].owner, PCI_OWNER_VM);
	assert_int_equal(fns[3].owner_id, 1);
	assert_true(fake_log_contains("v: owns pci:00:02.0 (8086:100e) as 00:03.0, DMA through its VT-d domain"));
	assert_true(fake_log_contains("as 00:04.0"));
	assert_false(fake_log_contains("identity"));
	/* BARs in the hole, aligned, apart; bus master allowed. */
	assert_int_equal(nadded, 2);
	assert_int_equal(added[0].bar_gpa[0], GUEST_PCI_MEM_BASE);
	assert_int_equal(added[1].bar_gpa[0], GUEST_PCI_MEM_BASE + MiB(1));
	assert_true(added[0].dma_ok && added[1].dma_ok);
	assert_int_equal(added[0].win_lo, GUEST_PCI_MEM_BASE);
	assert_int_equal(added[0].win_hi, GUEST_PCI_MEM_END);
	/* INTx: IRQ 11 on line 11; IRQ 9 is the VM's SCI: the first free
	 * ISA line PC firmware gives PCI (11 taken: 10).  Each names its
	 * slot for the _PRT. */
	assert_int_equal(vm.npci_intx, 2);
	assert_int_equal(vm.pci_intx[0].host, 11);
	assert_int_equal(vm.pci_intx[0].line, 11);
	assert_int_equal(vm.pci_intx[0].slot, 3);
	assert_int_equal(vm.pci_intx[1].host, 9);
	assert_int_equal(vm.pci_intx[1].line, 10);
	assert_int_equal(vm.pci_intx[1].slot, 4);
	/* The I/O BAR's ports pass. */
	assert_false(io_trapped[0xc040]);
	assert_false(io_trapped[0xc07f]);
	assert_true(io_trapped[0xc080]);
	assert_int_equal(msi_setups, 2);
	/* A guest reset: functions reset, views restarted, nothing released. */
	pci_assign_reset(&vm);
	pci_assign_reset_end(&vm);
	assert_int_equal(restarted, 2);
	assert_int_equal(detached, 0);
	/* The end: everything back. */
	pci_assign_detach(&vm);
	assert_null(vm.pci);
	assert_int_equal(released, 2);
	assert_int_equal(detached, 2);
	assert_int_equal(destroyed, 1);
	assert_int_equal(msi_releases, 2);
	assert_int_equal(fns[2].owner, PCI_OWNER_NONE);
	assert_int_equal(fns[3].owner, PCI_OWNER_NONE);
	assert_true(io_trapped[0xc040]);
	assert_int_equal(cfgsp[2][PCI_COMMAND] & PCI_CMD_MASTER, 0);
	assert_true(fake_log_contains("v: pci:00:02.0 given back: bus master off"));
	pci_assign_detach(&vm); /* idempotent */
	assert_int_equal(destroyed, 1);
	pci_assign_free(&vm);
}

static void test_identity(void **state)
{
	(void)state;
	cfg.dma = DMA_IDENTITY;
	give(E1000);
	/* RAM not placed by vm_ident (vm->ident empty): a device's DMA would
	 * miss the guest's buffers, so the function is refused. */
	refused("v: dma = identity, but its RAM is not at guest-physical == host-physical: its devices are refused");
	fake_log_reset();
	placed();
	/* The VM's own "irq" keys hold lines 11, 10, 5, 7 (every ISA line
	 * for PCI) and pin 16: the next pin. */
	cfg.irqs[0] = (struct vm_irq){ .host = 14, .line = 11 };
	cfg.irqs[1] = (struct vm_irq){ .host = 15, .line = 16 };
	cfg.irqs[2] = (struct vm_irq){ .host = 3, .line = 10 };
	cfg.irqs[3] = (struct vm_irq){ .host = 5, .line = 5 };
	cfg.irqs[4] = (struct vm_irq){ .host = 7, .line = 7 };
	cfg.nirqs = 5;
	assert_int_equal(pci_assign_attach(&vm), 0);
	assert_int_equal(vm.npci_intx, 1);
	assert_int_equal(vm.pci_intx[0].line, 17);
	assert_int_equal(domains, 0);
	assert_true(fake_log_contains("v: dma = identity: pci:00:02.0 can reach ALL host memory (bring-up mode, no isolation)"));
	assert_false(fake_log_contains("its devices are refused"));
	assert_true(fake_log_contains("DMA identity (unconfined)"));
	assert_true(added[0].dma_ok);
	pci_assign_detach(&vm);
	pci_assign_free(&vm);
}

/* A compatibility-mode IDE controller brings its ISA ports and IRQs
 * 14 and 15 (edge, on the same lines, no _PRT slot) with it; an "irq"
 * key that already gives one is left alone. */
static void test_ide_compat(void **state)
{
	(void)state;
	cfg.dma = DMA_NONE;
	give(IDE);
	assert_int_equal(pci_assign_attach(&vm), 0);
	for (unsigned p = 0x1f0; p <= 0x1f7; p++)
		assert_false(io_trapped[p]);
	for (unsigned p = 0x170; p <= 0x177; p++)
		assert_false(io_trapped[p]);
	assert_false(io_trapped[0x3f6]);
	assert_false(io_trapped[0x376]);
	assert_true(io_trapped[0x3f7]);
	assert_true(io_trapped[0x1f8]);
	assert_false(io_trapped[0xc000]);
	/* Recorded for passthru's check against other VMs' ports. */
	assert_int_equal(vm.npci_ports, 4);
	assert_int_equal(vm.pci_ports[0].first, 0x1f0);
	assert_int_equal(vm.pci_ports[3].last, 0x376);
	assert_int_equal(vm.npci_intx, 2);
	assert_int_equal(vm.pci_intx[0].host, 14);
	assert_int_equal(vm.pci_intx[0].line, 14);
	assert_true(vm.pci_intx[0].isa);
	assert_int_equal(vm.pci_intx[1].host, 15);
	assert_true(vm.pci_intx[1].isa);
	pci_assign_detach(&vm);
	assert_true(io_trapped[0x1f0]);
	assert_true(io_trapped[0x376]);
	pci_assign_free(&vm);
	/* The secondary in native mode (bit 2): only the primary's; IRQ 14
	 * already an "irq" key. */
	fns[4].class_rev = 0x01018400;
	cfg.irqs[0] = (struct vm_irq){ .host = 14, .line = 14 };
	cfg.nirqs = 1;
	assert_int_equal(pci_assign_attach(&vm), 0);
	assert_false(io_trapped[0x1f0]);
	assert_true(io_trapped[0x170]);
	assert_int_equal(vm.npci_ports, 2);
	assert_int_equal(vm.npci_intx, 0);
	pci_assign_detach(&vm);
	pci_assign_free(&vm);
}

/* dma = none: no IOMMU needed, no domain, and bus mastering never
 * reaches the host function (dma_ok false in its view). */
static void test_dma_none(void **state)
{
	(void)state;
	cfg.dma = DMA_NONE;
	give(E1000);
	assert_int_equal(pci_assign_attach(&vm), 0);
	assert_int_equal(domains, 0);
	assert_false(added[0].dma_ok);
	assert_true(fake_log_contains("v: dma = none: pci:00:02.0 gets no DMA (bus mastering never reaches the host function)"));
	assert_true(fake_log_contains("no DMA (bus master kept off)"));
	pci_assign_detach(&vm);
	pci_assign_free(&vm);
}

static void test_hole_too_small(void **state)
{
	(void)state;
	cfg.dma = DMA_IDENTITY;
	fns[3].bar[0].size = GUEST_PCI_MEM_END - GUEST_PCI_MEM_BASE;
	give(E1000);
	give(NIC2);
	refused("pci:00:05.0 refused: BAR0 (0x20000000 bytes) does not fit the guest's PCI hole");
}

static bool pio_in_stub(void *dev, uint16_t port, unsigned size, uint32_t *val)
{
	(void)dev;
	(void)port;
	(void)size;
	*val = 0;
	return true;
}

static bool pio_out_stub(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	(void)dev;
	(void)port;
	(void)size;
	(void)val;
	return true;
}

static void test_io_bar_over_vpc_port(void **state)
{
	struct vpc_pio_range r = { .first = 0xc050, .last = 0xc051,
				   .in = pio_in_stub, .out = pio_out_stub };

	(void)state;
	cfg.dma = DMA_IDENTITY;
	assert_int_equal(vpc_pio_register(&plat.iomap, &r), 0);
	give(E1000);
	refused("pci:00:02.0 refused: its I/O BAR1 (0xc040-0xc07f) overlaps a port of the virtual PC");
}

static void add_rmrr(pci_bdf_t bdf, uint64_t start, uint64_t end)
{
	rmrr_bdf[nrmrr] = bdf;
	rmrr[nrmrr++] = (struct phys_range){ start, end };
}

/* dma = iommu: the RMRRs of the VM's functions are mapped 1:1 in its
 * domain (one shared by two functions once) and recorded for its e820
 * map; functions without one are unaffected. */
static void test_rmrr_iommu(void **state)
{
	(void)state;
	vtd_on = true;
	add_rmrr(E1000, 0x7c000000, 0x7c800000);
	add_rmrr(NIC2, 0x7c000000, 0x7c800000);
	add_rmrr(NIC2, 0x7d000000, 0x7d001000);
	add_rmrr(IDE, 0x7e000000, 0x7e001000); /* not given to the VM */
	give(E1000);
	give(NIC2);
	assert_int_equal(pci_assign_attach(&vm), 0);
	assert_int_equal(vm.npci_resv, 2);
	assert_int_equal(vm.pci_resv[0].start, 0x7c000000);
	assert_int_equal(vm.pci_resv[0].end, 0x7c800000);
	assert_int_equal(vm.pci_resv[1].start, 0x7d000000);
	assert_int_equal(vm.pci_resv[1].end, 0x7d001000);
	assert_int_equal(rmrr_maps, 2);
	assert_int_equal(rmrr_mapped, MiB(8) + KiB(4));
	assert_int_equal(domain_maps, 2); /* the RAM, as before */
	assert_true(fake_log_contains("v: RMRR [0x7c000000, 0x7c800000) mapped 1:1 in its VT-d domain, reserved in its e820 map"));
	assert_false(fake_log_contains("0x7e000000"));
	pci_assign_detach(&vm);
	pci_assign_free(&vm);
	/* A second attach (the VM restarted) starts its list over. */
	assert_int_equal(pci_assign_attach(&vm), 0);
	assert_int_equal(vm.npci_resv, 2);
	pci_assign_detach(&vm);
	pci_assign_free(&vm);
}

/* An RMRR in the VM's RAM, or in its PCI window: the function is
 * refused, the VM with it, and nothing is held. */
static void test_rmrr_overlap(void **state)
{
	(void)state;
	vtd_on = true;
	add_rmrr(NIC2, MiB(20), MiB(20) + KiB(4));
	give(E1000);
	give(NIC2);
	refused("vm v: pci:00:05.0 refused: its RMRR [0x1400000, 0x1401000) overlaps the VM's RAM");
	assert_int_equal(rmrr_maps, 0);
	/* Straddling the end of RAM. */
	fake_log_reset();
	rmrr[0] = (struct phys_range){ MiB(32) - KiB(4), MiB(32) + KiB(4) };
	refused("pci:00:05.0 refused: its RMRR [0x1fff000, 0x2001000) overlaps the VM's RAM");
	fake_log_reset();
	rmrr[0] = (struct phys_range){ GUEST_PCI_MEM_BASE + MiB(1), GUEST_PCI_MEM_BASE + MiB(2) };
	refused("pci:00:05.0 refused: its RMRR [0xc0100000, 0xc0200000) overlaps the guest's PCI window and APIC hole");
	/* Just past the RAM: taken. */
	fake_log_reset();
	rmrr[0] = (struct phys_range){ MiB(32), MiB(32) + KiB(4) };
	assert_int_equal(pci_assign_attach(&vm), 0);
	assert_int_equal(rmrr_maps, 1);
	pci_assign_detach(&vm);
	pci_assign_free(&vm);
	/* A function in more RMRRs than a VM records. */
	fake_log_reset();
	for (unsigned i = 1; i <= VM_MAX_PCI_RESV; i++)
		add_rmrr(NIC2, MiB(64) * (i + 1), MiB(64) * (i + 1) + KiB(4));
	refused("pci:00:05.0 refused: more than 4 RMRRs in the VM");
}

/* dma = identity: the device reaches its RMRR at the host address
 * natively; nothing is mapped or reserved, but RAM over it still
 * refuses the function.  dma = none: no DMA, the RMRR does not matter. */
static void test_rmrr_identity_none(void **state)
{
	(void)state;
	cfg.dma = DMA_IDENTITY;
	placed();
	add_rmrr(E1000, 0x7c000000, 0x7c800000);
	give(E1000);
	assert_int_equal(pci_assign_attach(&vm), 0);
	assert_int_equal(vm.npci_resv, 0);
	assert_true(fake_log_contains("v: pci:00:02.0: its RMRR [0x7c000000, 0x7c800000) is reached at its host address (dma = identity)"));
	pci_assign_detach(&vm);
	pci_assign_free(&vm);
	rmrr[0] = (struct phys_range){ MiB(16), MiB(16) + KiB(4) };
	refused("pci:00:02.0 refused: its RMRR [0x1000000, 0x1001000) overlaps the VM's RAM");
	cfg.dma = DMA_NONE;
	fake_log_reset();
	assert_int_equal(pci_assign_attach(&vm), 0);
	assert_int_equal(vm.npci_resv, 0);
	assert_false(fake_log_contains("RMRR"));
	pci_assign_detach(&vm);
	pci_assign_free(&vm);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_refusals),
		T(test_no_reset),
		T(test_iommu),
		T(test_identity),
		T(test_dma_none),
		T(test_ide_compat),
		T(test_hole_too_small),
		T(test_io_bar_over_vpc_port),
		T(test_rmrr_iommu),
		T(test_rmrr_overlap),
		T(test_rmrr_identity_none),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
