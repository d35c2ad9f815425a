// UNIT-SOURCES: drivers/pci.c drivers/pci_mcfg.c
/* PCI enumeration, capability walks, BAR sizing and reset on a fake
 * configuration space, with hostile devices: all ones, BARs that do not
 * size, capability lists that loop, bridges whose buses loop. */
#include "drivers/pci.h"
#include "drivers/pci_mcfg.h"
#include "lib/errno.h"
#include "tests/unit/fakes.h"

#define MAX_FAKE 16

struct fake_fn {
	pci_bdf_t bdf;
	uint8_t cfg[PCI_CFG_SIZE_EXT] __aligned(4);
	uint32_t bar_wmask[PCI_NUM_BARS]; /* writable bits of each BAR */
	unsigned decode_writes_while_on;   /* BAR writes with decode enabled */
	unsigned writes;
};

static struct fake_fn fns[MAX_FAKE];
static unsigned nfns;
static unsigned delays;

static struct fake_fn *lookup(pci_bdf_t bdf)
{
	for (unsigned i = 0; i < nfns; i++)
		if (fns[i].bdf == bdf)
			return &fns[i];
	return NULL;
}

static uint32_t fake_read(void *ctx, pci_bdf_t bdf, unsigned off, unsigned size)
{
	struct fake_fn *f = lookup(bdf);
	uint32_t v = 0;

	(void)ctx;
	if (!f)
		return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
	memcpy(&v, &f->cfg[off], size);
	return v;
}

static void fake_write(void *ctx, pci_bdf_t bdf, unsigned off, unsigned size,
		       uint32_t val)
{
	struct fake_fn *f = lookup(bdf);
	uint16_t cmd;

	(void)ctx;
	if (!f)
		return;
	f->writes++;
	if (off >= PCI_BAR0 && off < PCI_BAR0 + 24 && size == 4) {
		unsigned i = (off - PCI_BAR0) / 4;
		uint32_t old;

		memcpy(&cmd, &f->cfg[PCI_COMMAND], 2);
		if (cmd & (PCI_CMD_MEM | PCI_CMD_IO))
			f->decode_writes_while_on++;
		memcpy(&old, &f->cfg[off], 4);
		val = (old & ~f->bar_wmask[i]) | (val & f->bar_wmask[i]);
	}
	memcpy(&f->cfg[off], &val, size);
}

static struct pci_cfg_ops ops = {
	.read = fake_read, .write = fake_write, .cfg_size = PCI_CFG_SIZE_EXT,
	.name = "fake",
};

static struct pci_func funcs[PCI_MAX_FUNCS];
static struct pci_table table = { .f = funcs, .cap = PCI_MAX_FUNCS };

static void put16(struct fake_fn *f, unsigned off, uint16_t v)
{
	memcpy(&f->cfg[off], &v, 2);
}

static void put32(struct fake_fn *f, unsigned off, uint32_t v)
{
	memcpy(&f->cfg[off], &v, 4);
}

static struct fake_fn *add(pci_bdf_t bdf, uint16_t vendor, uint16_t device,
			   uint32_t class, uint8_t hdr)
{
	struct fake_fn *f = &fns[nfns++];

	memset(f, 0, sizeof(*f));
	f->bdf = bdf;
	put16(f, PCI_VENDOR_ID, vendor);
	put16(f, PCI_DEVICE_ID, device);
	put32(f, PCI_CLASS_REV, class << 8);
	f->cfg[PCI_HEADER_TYPE] = hdr;
	put16(f, PCI_COMMAND, PCI_CMD_MEM | PCI_CMD_IO);
	return f;
}

/* A standard capability at 'pos' with 'id', pointing to 'next'. */
static void cap(struct fake_fn *f, unsigned pos, uint8_t id, uint8_t next)
{
	uint16_t st;

	memcpy(&st, &f->cfg[PCI_STATUS], 2);
	st |= PCI_STATUS_CAPS;
	put16(f, PCI_STATUS, st);
	if (!f->cfg[PCI_CAP_PTR])
		f->cfg[PCI_CAP_PTR] = (uint8_t)pos;
	f->cfg[pos] = id;
	f->cfg[pos + 1] = next;
}

static void bar(struct fake_fn *f, unsigned i, uint32_t val, uint32_t wmask)
{
	put32(f, PCI_BAR0 + 4 * i, val);
	f->bar_wmask[i] = wmask;
}

static int setup(void **state)
{
	(void)state;
	nfns = 0;
	delays = 0;
	memset(funcs, 0, sizeof(funcs));
	ops.cfg_size = PCI_CFG_SIZE_EXT;
	return 0;
}

static void fake_delay(unsigned us)
{
	delays += us;
}

static void test_empty_bus(void **state)
{
	(void)state;
	assert_int_equal(pci_enumerate(&ops, 0, &table), 0);
	assert_int_equal(table.reads, 32); /* one probe per device slot */
}

/* A QEMU-like bus: host bridge, NVMe with a 64-bit BAR, a NIC with a
 * 32-bit BAR and an I/O BAR, a multi-function device. */
static void test_enumerate_and_size(void **state)
{
	struct fake_fn *f;
	const struct pci_func *p;

	(void)state;
	add(PCI_BDF(0, 0, 0), 0x8086, 0x29c0, 0x060000, 0);
	f = add(PCI_BDF(0, 2, 0), 0x1b36, 0x0010, 0x010802, 0);
	bar(f, 0, 0xfebd0004, 0xffffc000); /* 64-bit, 16 KiB */
	bar(f, 1, 0, 0xffffffff);
	cap(f, 0x40, PCI_CAP_MSIX, 0x80);
	cap(f, 0x80, PCI_CAP_PCIE, 0);
	put32(f, 0x80 + PCI_EXP_DEVCAP, PCI_EXP_DEVCAP_FLR);
	put32(f, 0x100, 0x00010001u | (0x140u << 20)); /* AER -> next */
	put32(f, 0x140, 0x0000000eu);                    /* ARI, last */
	f = add(PCI_BDF(0, 3, 0), 0x8086, 0x100e, 0x020000, 0);
	bar(f, 0, 0xfeb80000, 0xfffe0000); /* 128 KiB */
	bar(f, 1, 0xc001, 0xffffffc0);     /* I/O, 64 bytes */
	bar(f, 2, 0xe0000008, 0xf0000000); /* prefetchable 256 MiB */
	add(PCI_BDF(0, 0x1f, 0), 0x8086, 0x2918, 0x060100, PCI_HDR_MULTIFN);
	add(PCI_BDF(0, 0x1f, 3), 0x8086, 0x2930, 0x0c0500, 0);

	assert_int_equal(pci_enumerate(&ops, 0, &table), 5);
	p = pci_table_find(&table, PCI_BDF(0, 2, 0));
	assert_non_null(p);
	assert_int_equal(p->vendor, 0x1b36);
	assert_int_equal(p->class_rev >> 8, 0x010802);
	assert_int_equal(p->bar[0].kind, PCI_BAR_MEM64);
	assert_int_equal(p->bar[0].base, 0xfebd0000);
	assert_int_equal(p->bar[0].size, 0x4000);
	assert_int_equal(p->bar[1].kind, PCI_BAR_NONE); /* upper half */
	assert_int_equal(p->cap_msix, 0x40);
	assert_int_equal(p->cap_pcie, 0x80);
	assert_true(p->flr);
	assert_int_equal(p->ext_caps, 2);
	assert_false(p->cap_loop);
	assert_int_equal(pci_find_ext_cap(&ops, p->bdf, 0xe), 0x140);
	assert_int_equal(pci_find_ext_cap(&ops, p->bdf, 0x2), 0);

	p = pci_table_find(&table, PCI_BDF(0, 3, 0));
	assert_int_equal(p->bar[0].kind, PCI_BAR_MEM32);
	assert_int_equal(p->bar[0].size, 0x20000);
	assert_int_equal(p->bar[1].kind, PCI_BAR_IO);
	assert_int_equal(p->bar[1].base, 0xc000);
	assert_int_equal(p->bar[1].size, 0x40);
	assert_int_equal(p->bar[2].kind, PCI_BAR_MEM32);
	assert_true(p->bar[2].prefetch);
	assert_int_equal(p->bar[2].size, MiB(256));
	assert_non_null(pci_table_find(&table, PCI_BDF(0, 0x1f, 3)));
	assert_null(pci_table_find(&table, PCI_BDF(0, 0x1f, 1)));

	/* Decode was off whenever a BAR was written, and restored after;
	 * the BARs hold their old values. */
	for (unsigned i = 0; i < nfns; i++)
		assert_int_equal(fns[i].decode_writes_while_on, 0);
	f = lookup(PCI_BDF(0, 3, 0));
	assert_int_equal(f->cfg[PCI_COMMAND], PCI_CMD_MEM | PCI_CMD_IO);
	assert_int_equal(*(uint32_t *)&f->cfg[PCI_BAR0], 0xfeb80000);
}

/* Bridges: the bus behind is scanned once; a bridge pointing back to its
 * own bus or to an already scanned one is not followed again. */
static void test_bridges(void **state)
{
	struct fake_fn *f;

	(void)state;
	f = add(PCI_BDF(0, 1, 0), 0x8086, 0x1111, 0x060400, PCI_HDR_BRIDGE);
	f->cfg[PCI_SECONDARY_BUS] = 1;
	f->cfg[PCI_SUBORDINATE_BUS] = 2;
	f = add(PCI_BDF(1, 0, 0), 0x8086, 0x2222, 0x060400, PCI_HDR_BRIDGE);
	f->cfg[PCI_SECONDARY_BUS] = 2;
	f = add(PCI_BDF(2, 5, 0), 0x10ec, 0x8139, 0x020000, 0);
	f = add(PCI_BDF(2, 6, 0), 0x8086, 0x3333, 0x060400, PCI_HDR_BRIDGE);
	f->cfg[PCI_SECONDARY_BUS] = 1; /* a loop back up */
	f = add(PCI_BDF(0, 2, 0), 0x8086, 0x4444, 0x060400, PCI_HDR_BRIDGE);
	f->cfg[PCI_SECONDARY_BUS] = 0; /* unconfigured */

	assert_int_equal(pci_enumerate(&ops, 0, &table), 5);
	assert_non_null(pci_table_find(&table, PCI_BDF(2, 5, 0)));
	assert_int_equal(pci_table_find(&table, PCI_BDF(1, 0, 0))->secondary, 2);
	/* Buses 0, 1, 2: 32 probes each plus the functions' own reads. */
	assert_true(table.reads < 3 * 32 + 5 * 4);
}

/* A device answering all ones everywhere (a dead function behind a
 * reachable slot) is not a function; vendor 0 neither. */
static void test_all_ones_and_zero_vendor(void **state)
{
	struct fake_fn *f;

	(void)state;
	f = add(PCI_BDF(0, 4, 0), 0xffff, 0xffff, 0xffffff, 0xff);
	memset(f->cfg, 0xff, sizeof(f->cfg));
	add(PCI_BDF(0, 5, 0), 0x0000, 0x1234, 0x020000, 0);
	assert_int_equal(pci_enumerate(&ops, 0, &table), 0);
}

/* A header that looks like a function, but whose capability pointer and
 * every register read all ones: no capability, BARs not trusted. */
static void test_hostile_registers(void **state)
{
	struct fake_fn *f;
	const struct pci_func *p;

	(void)state;
	f = add(PCI_BDF(0, 6, 0), 0x1234, 0x5678, 0x020000, 0);
	bar(f, 0, 0xfe000000, 0xff00ff00); /* a hole in the writable bits */
	bar(f, 1, 0xfd000002, 0xfff00000); /* type 01: reserved encoding */
	bar(f, 2, 0xfc000004, 0xfff00000); /* 64-bit ... */
	bar(f, 3, 0xffffffff, 0xffffffff); /* ... whose upper half is all ones */
	bar(f, 5, 0xfb000004, 0xfff00000); /* 64-bit in the last slot */
	put16(f, PCI_STATUS, PCI_STATUS_CAPS);
	f->cfg[PCI_CAP_PTR] = 0xff;        /* points outside */
	assert_int_equal(pci_enumerate(&ops, 0, &table), 1);
	p = &table.f[0];
	assert_int_equal(p->bar[0].kind, PCI_BAR_BAD);
	assert_int_equal(p->bar[1].kind, PCI_BAR_BAD);
	assert_int_equal(p->bar[2].kind, PCI_BAR_BAD);
	assert_int_equal(p->bar[5].kind, PCI_BAR_BAD);
	assert_int_equal(p->cap_msi + p->cap_msix + p->cap_pm + p->cap_pcie, 0);
	assert_int_equal(pci_find_cap(&ops, p->bdf, PCI_CAP_MSI), 0);
}

/* Capability lists that loop (standard and extended) end, flagged. */
static void test_cap_loops(void **state)
{
	struct fake_fn *f;
	const struct pci_func *p;

	(void)state;
	f = add(PCI_BDF(0, 7, 0), 0x1234, 0x1, 0x020000, 0);
	cap(f, 0x40, PCI_CAP_PM, 0x50);
	cap(f, 0x50, PCI_CAP_MSI, 0x40); /* back to the first */
	f = add(PCI_BDF(0, 8, 0), 0x1234, 0x2, 0x020000, 0);
	cap(f, 0x60, PCI_CAP_PCIE, 0x60); /* points to itself */
	put32(f, 0x100, 0x00010001u | (0x100u << 20)); /* ext. to itself */
	assert_int_equal(pci_enumerate(&ops, 0, &table), 2);
	p = pci_table_find(&table, PCI_BDF(0, 7, 0));
	assert_true(p->cap_loop);
	assert_int_equal(p->cap_pm, 0x40);
	assert_int_equal(p->cap_msi, 0x50);
	assert_int_equal(pci_find_cap(&ops, p->bdf, PCI_CAP_MSIX), 0);
	p = pci_table_find(&table, PCI_BDF(0, 8, 0));
	assert_true(p->cap_loop);
	assert_int_equal(pci_find_ext_cap(&ops, p->bdf, 0x2), 0);
}

/* Without ECAM (CF8/CFC: 256 bytes) there is no extended space. */
static void test_no_ext_space_on_cf8(void **state)
{
	struct fake_fn *f;

	(void)state;
	ops.cfg_size = PCI_CFG_SIZE;
	f = add(PCI_BDF(0, 2, 0), 0x1b36, 0x0010, 0x010802, 0);
	cap(f, 0x80, PCI_CAP_PCIE, 0);
	put32(f, 0x100, 0x00010001u);
	assert_int_equal(pci_enumerate(&ops, 0, &table), 1);
	assert_int_equal(table.f[0].ext_caps, 0);
	assert_int_equal(pci_read(&ops, f->bdf, 0x100, 4), 0xffffffffu);
}

static void test_table_full(void **state)
{
	struct pci_func small[2];
	struct pci_table t = { .f = small, .cap = 2 };

	(void)state;
	for (unsigned d = 0; d < 4; d++)
		add(PCI_BDF(0, d, 0), 0x1234, (uint16_t)d, 0x020000, 0);
	assert_int_equal(pci_enumerate(&ops, 0, &t), 2);
	assert_int_equal(t.dropped, 2);
}

static void test_reset_flr_pm_none(void **state)
{
	struct fake_fn *f;
	struct pci_func *p;
	uint16_t v;

	(void)state;
	f = add(PCI_BDF(0, 2, 0), 0x1b36, 0x0010, 0x010802, 0);
	put16(f, PCI_COMMAND, PCI_CMD_MEM | PCI_CMD_MASTER);
	cap(f, 0x80, PCI_CAP_PCIE, 0);
	put32(f, 0x80 + PCI_EXP_DEVCAP, PCI_EXP_DEVCAP_FLR);
	f = add(PCI_BDF(0, 3, 0), 0x8086, 0x100e, 0x020000, 0);
	cap(f, 0xdc, PCI_CAP_PM, 0);
	f = add(PCI_BDF(0, 4, 0), 0x8086, 0x100f, 0x020000, 0);
	cap(f, 0xdc, PCI_CAP_PM, 0);
	put16(f, 0xdc + PCI_PM_CTRL, PCI_PM_NO_SOFT_RESET);
	add(PCI_BDF(0, 5, 0), 0x8086, 0x1010, 0x020000, 0);
	assert_int_equal(pci_enumerate(&ops, 0, &table), 4);

	p = pci_table_find(&table, PCI_BDF(0, 2, 0));
	assert_int_equal(pci_reset_function(&ops, p, fake_delay), 0);
	f = lookup(p->bdf);
	memcpy(&v, &f->cfg[0x80 + PCI_EXP_DEVCTL], 2);
	assert_true(v & PCI_EXP_DEVCTL_FLR);
	memcpy(&v, &f->cfg[PCI_COMMAND], 2);
	assert_false(v & PCI_CMD_MASTER);
	assert_true(delays >= 100000);

	p = pci_table_find(&table, PCI_BDF(0, 3, 0));
	assert_int_equal(pci_reset_function(&ops, p, fake_delay), 0);
	f = lookup(p->bdf);
	memcpy(&v, &f->cfg[0xdc + PCI_PM_CTRL], 2);
	assert_int_equal(v & PCI_PM_STATE_MASK, 0); /* back in D0 */

	p = pci_table_find(&table, PCI_BDF(0, 4, 0));
	assert_int_equal(pci_reset_function(&ops, p, fake_delay), -ENOTSUP);
	p = pci_table_find(&table, PCI_BDF(0, 5, 0));
	assert_int_equal(pci_reset_function(&ops, p, fake_delay), -ENOTSUP);
}

static void test_command_and_bdf_text(void **state)
{
	struct fake_fn *f;
	char buf[8];

	(void)state;
	f = add(PCI_BDF(3, 0x1f, 7), 0x1234, 0x1, 0x020000, 0);
	pci_command(&ops, f->bdf, PCI_CMD_MASTER, true);
	assert_true(f->cfg[PCI_COMMAND] & PCI_CMD_MASTER);
	pci_command(&ops, f->bdf, PCI_CMD_MEM | PCI_CMD_MASTER, false);
	assert_int_equal(f->cfg[PCI_COMMAND], PCI_CMD_IO);
	pci_bdf_text(f->bdf, buf);
	assert_string_equal(buf, "03:1f.7");
}

/* MCFG: QEMU's one entry, and broken tables. */
static void test_mcfg(void **state)
{
	uint8_t t[MCFG_ENTRIES_OFF + 2 * MCFG_ENTRY_LEN];
	struct acpi_header *h = (struct acpi_header *)t;
	struct acpi_mcfg_entry e = { .base = 0xb0000000, .segment = 0,
				     .start_bus = 0, .end_bus = 0xff };
	struct pci_mcfg_region r;
	char err[96];

	(void)state;
	memset(t, 0, sizeof(t));
	memcpy(h->sig, "MCFG", 4);
	h->length = MCFG_ENTRIES_OFF + MCFG_ENTRY_LEN;
	memcpy(t + MCFG_ENTRIES_OFF, &e, sizeof(e));
	assert_int_equal(pci_mcfg_parse(t, sizeof(t), 0, &r, err, sizeof(err)), 0);
	assert_int_equal(r.base, 0xb0000000);
	assert_int_equal(r.size, MiB(256));
	/* The segment is not there. */
	assert_int_equal(pci_mcfg_parse(t, sizeof(t), 1, &r, err, sizeof(err)), -EINVAL);
	/* A length beyond what is readable, or shorter than the header. */
	h->length = sizeof(t) + 16;
	assert_int_equal(pci_mcfg_parse(t, sizeof(t), 0, &r, err, sizeof(err)), -EINVAL);
	h->length = 20;
	assert_int_equal(pci_mcfg_parse(t, sizeof(t), 0, &r, err, sizeof(err)), -EINVAL);
	/* Buses backwards; base not 1 MiB aligned. */
	h->length = MCFG_ENTRIES_OFF + MCFG_ENTRY_LEN;
	e.start_bus = 9;
	e.end_bus = 8;
	memcpy(t + MCFG_ENTRIES_OFF, &e, sizeof(e));
	assert_int_equal(pci_mcfg_parse(t, sizeof(t), 0, &r, err, sizeof(err)), -EINVAL);
	e.start_bus = 0;
	e.base = 0xb0001000;
	memcpy(t + MCFG_ENTRIES_OFF, &e, sizeof(e));
	assert_int_equal(pci_mcfg_parse(t, sizeof(t), 0, &r, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "make no sense"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_empty_bus, setup),
		cmocka_unit_test_setup(test_enumerate_and_size, setup),
		cmocka_unit_test_setup(test_bridges, setup),
		cmocka_unit_test_setup(test_all_ones_and_zero_vendor, setup),
		cmocka_unit_test_setup(test_hostile_registers, setup),
		cmocka_unit_test_setup(test_cap_loops, setup),
		cmocka_unit_test_setup(test_no_ext_space_on_cf8, setup),
		cmocka_unit_test_setup(test_table_full, setup),
		cmocka_unit_test_setup(test_reset_flr_pm_none, setup),
		cmocka_unit_test_setup(test_command_and_bdf_text, setup),
		cmocka_unit_test(test_mcfg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
