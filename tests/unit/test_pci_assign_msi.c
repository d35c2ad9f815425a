// UNIT-SOURCES: guest/vpc/pci_assign_msi.c drivers/pci.c
/* MSI and MSI-X of an assigned function (guest/vpc/pci_assign_msi.c)
 * against fakes: host vectors (devirq), IRTEs (VT-d on or off), the
 * host's config space and MSI-X table, the virtual LAPIC bus.  Checked:
 * each vector gets a host vector and, with VT-d, an IRTE naming the
 * function's source id; the host's MSI/MSI-X entry carries the host's
 * message and is enabled/unmasked only while the guest's is live; an
 * interrupt goes out as the guest's message (destination, mode, vector),
 * nothing when not live, the VM over, or an unsupported mode; entries
 * past the delivered ones stay masked; release frees everything. */
#include "guest/vpc/pci_assign_internal.h"
#include "guest/vm/vm.h"
#include "guest/vpc/vplat.h"
#include "drivers/devirq.h"
#include "lib/errno.h"
#include "tests/unit/fakes.h"

#define BDF PCI_BDF(0, 2, 0)
#define CAP_MSI 0x50
#define TAB_OFF 0x2000
#define NSLOTS 16

static uint8_t space[PCI_CFG_SIZE] __aligned(4);
static uint8_t bar[0x4000] __aligned(16);
static struct vm vm;
static struct vm_config cfg;
static struct vplat plat;
static struct pci_assigned dev;
static bool vtd_on;
static unsigned slots_used, slot_limit, irtes, irtes_freed, releases;
static struct { devirq_fn fn; void *ctx; bool used; } slot[NSLOTS];
static int irte_sid[64];
static struct vlapic_msg sent[8];
static unsigned nsent;

static uint32_t f_read(void *ctx, pci_bdf_t bdf, unsigned off, unsigned size)
{
	uint32_t v = 0;

	(void)ctx;
	assert_int_equal(bdf, BDF);
	memcpy(&v, &space[off], size);
	return v;
}

static void f_write(void *ctx, pci_bdf_t bdf, unsigned off, unsigned size, uint32_t val)
{
	(void)ctx;
	assert_int_equal(bdf, BDF);
	memcpy(&space[off], &val, size);
}

static const struct pci_cfg_ops ops = { .read = f_read, .write = f_write,
					.cfg_size = PCI_CFG_SIZE, .name = "fake" };

const struct pci_cfg_ops *pci_host_ops(void) { return &ops; }

int devirq_claim_msi(devirq_fn fn, void *ctx, const char *owner, struct devirq_info *info)
{
	(void)owner;
	if (slots_used >= slot_limit)
		return -ENOSPC;
	slot[slots_used] = (typeof(slot[0])){ fn, ctx, true };
	*info = (struct devirq_info){ .gsi = DEVIRQ_NO_GSI,
				      .vector = (uint8_t)(DEVIRQ_VEC_FIRST + slots_used) };
	return (int)slots_used++;
}

uint32_t devirq_dest(void) { return 3; }

void devirq_release(int s)
{
	assert_true(s >= 0 && s < NSLOTS && slot[s].used);
	slot[s].used = false;
	releases++;
}

int vtd_irq_alloc(void) { return vtd_on ? (int)irtes++ : -ENODEV; }

int vtd_irq_set(int idx, uint8_t vector, uint32_t dest, pci_bdf_t sid)
{
	assert_int_equal(dest, 3);
	assert_true(vector >= DEVIRQ_VEC_FIRST);
	irte_sid[idx] = sid;
	return 0;
}

void vtd_irq_msi(int idx, uint32_t *lo, uint32_t *hi, uint32_t *data)
{
	*lo = 0xfee00000u | (uint32_t)idx << 5 | 0x18; /* remappable format */
	*hi = 0;
	*data = 0;
}

void vtd_irq_free(int idx) { (void)idx; irtes_freed++; }

unsigned vlapic_bus_send(struct vlapic_bus *bus, const struct vlapic_msg *m)
{
	(void)bus;
	assert_true(nsent < 8);
	sent[nsent++] = *m;
	return 1;
}

static int setup(void **state)
{
	(void)state;
	memset(space, 0, sizeof(space));
	memset(bar, 0, sizeof(bar));
	memset(&vm, 0, sizeof(vm));
	memset(&cfg, 0, sizeof(cfg));
	memset(&dev, 0, sizeof(dev));
	memset(slot, 0, sizeof(slot));
	strcpy(vm.name, "v");
	vm.cfg = &cfg;
	vm.plat = &plat;
	vm.state = VM_RUNNING;
	dev.vm = &vm;
	dev.bdf = BDF;
	dev.claimed = dev.guest_ok = true;
	strcpy(dev.name, "00:02.0");
	dev.cfg.msi = CAP_MSI;
	dev.cfg.msi_64 = true;
	dev.cfg.msix = 0x70;
	dev.cfg.msix_n = 10;
	dev.cfg.msix_bir = 0;
	dev.cfg.msix_off = TAB_OFF;
	dev.bar_va[0] = bar;
	for (unsigned e = 0; e < 10; e++)
		bar[TAB_OFF + 16 * e + 12] = 1; /* masked, as the give-over left it */
	vtd_on = true;
	slots_used = irtes = irtes_freed = releases = nsent = 0;
	slot_limit = NSLOTS;
	fake_log_reset();
	pci_assign_msi_init(&dev);
	return 0;
}

static uint32_t tab(unsigned e, unsigned dw)
{
	uint32_t v;

	memcpy(&v, &bar[TAB_OFF + 16 * e + 4 * dw], 4);
	return v;
}

static uint32_t cfg32(unsigned off)
{
	uint32_t v;

	memcpy(&v, &space[off], 4);
	return v;
}

static void test_setup_and_release(void **state)
{
	(void)state;
	pci_assign_msi_setup(&dev);
	/* MSI plus the first 8 MSI-X entries, each with its IRTE. */
	assert_int_equal(slots_used, 1 + PCI_ASSIGN_MSIX_VECS);
	assert_int_equal(irtes, 1 + PCI_ASSIGN_MSIX_VECS);
	for (unsigned i = 0; i < irtes; i++)
		assert_int_equal(irte_sid[i], BDF);
	pci_assign_msi_release(&dev);
	assert_int_equal(releases, 9);
	assert_int_equal(irtes_freed, 9);
	pci_assign_msi_release(&dev); /* idempotent */
	assert_int_equal(releases, 9);
}

static void test_msi(void **state)
{
	struct vpci_pt_msg m = { .addr = 0xfee01000, .data = 0x4041, .live = true };

	(void)state;
	pci_assign_msi_setup(&dev);
	pci_assign_msi_update(&dev, &m);
	/* The host's message (the IRTE's), enabled, one vector. */
	assert_int_equal(cfg32(CAP_MSI + 4), dev.msi_vec.addr_lo);
	assert_int_equal(dev.msi_vec.addr_lo & 0xfff00000u, 0xfee00000u);
	assert_int_equal(space[CAP_MSI + 2] & PCI_MSI_CTRL_ENABLE, PCI_MSI_CTRL_ENABLE);
	assert_int_equal(space[CAP_MSI + 2] & 0x70, 0);
	/* It fires: the guest's message, to APIC ID 1, vector 0x41. */
	slot[dev.msi_vec.slot].fn(slot[dev.msi_vec.slot].ctx);
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0].dest, 1);
	assert_int_equal(sent[0].vector, 0x41);
	assert_int_equal(sent[0].mode, APIC_DM_FIXED);
	assert_false(sent[0].logical);
	assert_false(sent[0].level);
	/* Off: the host's disabled, nothing delivered any more. */
	m.live = false;
	pci_assign_msi_update(&dev, &m);
	assert_int_equal(space[CAP_MSI + 2] & PCI_MSI_CTRL_ENABLE, 0);
	slot[dev.msi_vec.slot].fn(slot[dev.msi_vec.slot].ctx);
	assert_int_equal(nsent, 1);
	/* Logical destination, lowest priority. */
	m = (struct vpci_pt_msg){ .addr = 0xfee0300c, .data = 0x0152, .live = true };
	pci_assign_msi_update(&dev, &m);
	slot[dev.msi_vec.slot].fn(slot[dev.msi_vec.slot].ctx);
	assert_int_equal(nsent, 2);
	assert_int_equal(sent[1].dest, 3);
	assert_true(sent[1].logical);
	assert_int_equal(sent[1].mode, APIC_DM_LOWPRI);
	assert_int_equal(sent[1].vector, 0x52);
	/* INIT or SIPI by MSI: not delivered; nor to a VM that ended. */
	m.data = 0x0500;
	pci_assign_msi_update(&dev, &m);
	slot[dev.msi_vec.slot].fn(slot[dev.msi_vec.slot].ctx);
	m.data = 0x0041;
	pci_assign_msi_update(&dev, &m);
	vm.state = VM_STOPPED;
	slot[dev.msi_vec.slot].fn(slot[dev.msi_vec.slot].ctx);
	assert_int_equal(nsent, 2);
	/* After the give-back starts the guest reaches nothing. */
	vm.state = VM_RUNNING;
	dev.guest_ok = false;
	m.live = true;
	memset(space, 0, sizeof(space));
	pci_assign_msi_update(&dev, &m);
	assert_int_equal(cfg32(CAP_MSI + 4), 0);
}

static void test_msix(void **state)
{
	struct vpci_pt_msg m = { .addr = 0xfee00000, .data = 0x61, .live = true };

	(void)state;
	pci_assign_msi_setup(&dev);
	pci_assign_msix_update(&dev, 2, &m);
	assert_int_equal(tab(2, 0), dev.msix_vec[2].addr_lo);
	assert_int_equal(tab(2, 2), dev.msix_vec[2].data);
	assert_int_equal(tab(2, 3) & 1, 0);
	assert_int_equal(tab(1, 3) & 1, 1);
	slot[dev.msix_vec[2].slot].fn(slot[dev.msix_vec[2].slot].ctx);
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0].vector, 0x61);
	assert_int_equal(sent[0].dest, 0);
	/* Masked by the guest: masked on the host, nothing delivered. */
	m.live = false;
	pci_assign_msix_update(&dev, 2, &m);
	assert_int_equal(tab(2, 3) & 1, 1);
	slot[dev.msix_vec[2].slot].fn(slot[dev.msix_vec[2].slot].ctx);
	assert_int_equal(nsent, 1);
	/* Past the delivered entries: stays masked, said once. */
	m.live = true;
	pci_assign_msix_update(&dev, 9, &m);
	pci_assign_msix_update(&dev, 8, &m);
	assert_int_equal(tab(9, 3) & 1, 1);
	assert_int_equal(tab(8, 3) & 1, 1);
	assert_true(fake_log_contains("MSI-X entry 9 is past the 8 delivered"));
	assert_false(fake_log_contains("MSI-X entry 8 is past"));
}

static void test_without_vtd(void **state)
{
	struct vpci_pt_msg m = { .addr = 0xfee00000, .data = 0x61, .live = true };

	(void)state;
	vtd_on = false;
	pci_assign_msi_setup(&dev);
	assert_int_equal(irtes, 0);
	assert_int_equal(dev.msix_vec[0].irte, -1);
	/* Compatibility format: fixed, physical, to the host CPU 3. */
	pci_assign_msix_update(&dev, 0, &m);
	assert_int_equal(tab(0, 0), 0xfee00000u | 3u << 12);
	assert_int_equal(tab(0, 2), dev.msix_vec[0].data);
	assert_true(dev.msix_vec[0].data >= DEVIRQ_VEC_FIRST);
}

static void test_out_of_vectors(void **state)
{
	(void)state;
	slot_limit = 4;
	pci_assign_msi_setup(&dev);
	assert_true(fake_log_contains("no host vector for 5 of its MSI/MSI-X vectors"));
	{
		struct vpci_pt_msg m = { .addr = 0xfee00000, .data = 0x61, .live = true };

		pci_assign_msix_update(&dev, 7, &m);
		assert_int_equal(tab(7, 3) & 1, 1); /* no vector: stays masked */
	}
	pci_assign_msi_release(&dev);
	assert_int_equal(releases, 4);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_setup_and_release),
		T(test_msi),
		T(test_msix),
		T(test_without_vtd),
		T(test_out_of_vectors),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
