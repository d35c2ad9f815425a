// UNIT-SOURCES: guest/dev/vpci.c
/* Virtual PCI mechanism #1: the address latch, the data window at any
 * offset and size, the read-only 440FX host bridge, absent functions,
 * partial and foreign accesses, and the function table. */
#include "guest/dev/vpci.h"
#include "tests/unit/fakes.h"

#define HB VPCI_BDF(0, 0, 0)

static struct vpci pci;

static int setup(void **state)
{
	(void)state;
	vpci_init(&pci);
	return 0;
}

static uint32_t in(uint16_t port, unsigned size)
{
	uint32_t v = 0x5a5a5a5a;

	assert_true(vpci_io_read(&pci, port, size, &v));
	return v;
}

static void out(uint16_t port, unsigned size, uint32_t v)
{
	assert_true(vpci_io_write(&pci, port, size, v));
}

static uint32_t cfg_addr(uint16_t bdf, unsigned reg)
{
	return (uint32_t)VPCI_ADDR_ENABLE | (uint32_t)bdf << 8 | (reg & 0xfc);
}

/* Config read of 'size' bytes at 'reg' of 'bdf', as a driver does it. */
static uint32_t cfg_rd(uint16_t bdf, unsigned reg, unsigned size)
{
	out(VPCI_PORT_ADDR, 4, cfg_addr(bdf, reg));
	return in((uint16_t)(VPCI_PORT_DATA + (reg & 3)), size);
}

static void cfg_wr(uint16_t bdf, unsigned reg, unsigned size, uint32_t v)
{
	out(VPCI_PORT_ADDR, 4, cfg_addr(bdf, reg));
	out((uint16_t)(VPCI_PORT_DATA + (reg & 3)), size, v);
}

static void test_address_latch(void **state)
{
	(void)state;
	assert_int_equal(in(VPCI_PORT_ADDR, 4), 0);
	out(VPCI_PORT_ADDR, 4, 0x80001234);
	assert_int_equal(in(VPCI_PORT_ADDR, 4), 0x80001234);
	/* Reserved bits 30:24 and 1:0 are not latched. */
	out(VPCI_PORT_ADDR, 4, 0xffffffff);
	assert_int_equal(in(VPCI_PORT_ADDR, 4), 0x80fffffc);
	out(VPCI_PORT_ADDR, 4, 0x7f000003);
	assert_int_equal(in(VPCI_PORT_ADDR, 4), 0);
}

static void test_host_bridge_identity(void **state)
{
	(void)state;
	assert_int_equal(cfg_rd(HB, 0x00, 4), 0x12378086);
	assert_int_equal(cfg_rd(HB, 0x00, 2), 0x8086);
	assert_int_equal(cfg_rd(HB, 0x02, 2), 0x1237);
	assert_int_equal(cfg_rd(HB, 0x03, 1), 0x12);
	assert_int_equal(cfg_rd(HB, 0x04, 4), 0x02800006);
	assert_int_equal(cfg_rd(HB, 0x08, 4), 0x06000002);
	assert_int_equal(cfg_rd(HB, 0x0a, 2), 0x0600); /* class: host bridge */
	assert_int_equal(cfg_rd(HB, 0x0b, 1), 0x06);
	assert_int_equal(cfg_rd(HB, 0x0e, 1), 0x00); /* header 0, one function */
	for (unsigned reg = 0x10; reg < VPCI_CFG_SIZE; reg += 4)
		assert_int_equal(cfg_rd(HB, reg, 4), 0); /* no BARs, no caps */
}

/* Data accesses at every offset; lanes past 0xcff are not config space. */
static void test_unaligned_data(void **state)
{
	(void)state;
	out(VPCI_PORT_ADDR, 4, cfg_addr(HB, 0));
	assert_int_equal(in(0xcfd, 1), 0x80);
	assert_int_equal(in(0xcfe, 1), 0x37);
	assert_int_equal(in(0xcfd, 2), 0x3780);
	assert_int_equal(in(0xcfe, 2), 0x1237);
	assert_int_equal(in(0xcff, 2), 0xff12);
	assert_int_equal(in(0xcfd, 4), 0xff123780);
	assert_int_equal(in(0xcfe, 4), 0xffff1237);
	assert_int_equal(in(0xcff, 4), 0xffffff12);
	/* The address does not move with the data port. */
	assert_int_equal(in(VPCI_PORT_ADDR, 4), cfg_addr(HB, 0));
}

static void test_absent_functions(void **state)
{
	(void)state;
	static const uint16_t absent[] = {
		VPCI_BDF(0, 0, 1), VPCI_BDF(0, 1, 0), VPCI_BDF(0, 31, 7),
		VPCI_BDF(1, 0, 0), VPCI_BDF(255, 0, 0), VPCI_BDF(255, 31, 7),
	};

	for (unsigned i = 0; i < ARRAY_SIZE(absent); i++) {
		assert_int_equal(cfg_rd(absent[i], 0x00, 4), 0xffffffff);
		assert_int_equal(cfg_rd(absent[i], 0x0a, 2), 0xffff);
		assert_int_equal(cfg_rd(absent[i], 0xff, 1), 0xff);
		cfg_wr(absent[i], 0x04, 4, 0);
		cfg_wr(absent[i], 0x10, 4, 0xffffffff);
		assert_int_equal(cfg_rd(absent[i], 0x10, 4), 0xffffffff);
	}
	/* The host bridge saw none of it. */
	assert_int_equal(cfg_rd(HB, 0x04, 4), 0x02800006);
}

static void test_enable_bit_clear(void **state)
{
	(void)state;
	out(VPCI_PORT_ADDR, 4, cfg_addr(HB, 0) & ~(uint32_t)VPCI_ADDR_ENABLE);
	assert_int_equal(in(VPCI_PORT_DATA, 4), 0xffffffff);
	assert_int_equal(in(0xcfe, 2), 0xffff);
	assert_int_equal(in(0xcff, 1), 0xff);
	out(VPCI_PORT_ADDR, 4, 0x4 /* command, disabled */);
	out(VPCI_PORT_DATA, 2, VPCI_CMD_SERR | VPCI_CMD_PARITY);
	assert_int_equal(cfg_rd(HB, 0x04, 2), 0x0006);
}

static void test_host_bridge_read_only(void **state)
{
	(void)state;
	for (unsigned reg = 0; reg < VPCI_CFG_SIZE; reg += 4)
		cfg_wr(HB, reg, 4, 0xffffffff);
	assert_int_equal(cfg_rd(HB, 0x00, 4), 0x12378086);
	/* Only PERRE and SERRE took; MAE and BME stay on; status is fixed. */
	assert_int_equal(cfg_rd(HB, 0x04, 4), 0x02800146);
	assert_int_equal(cfg_rd(HB, 0x08, 4), 0x06000002);
	for (unsigned reg = 0x0c; reg < VPCI_CFG_SIZE; reg += 4)
		assert_int_equal(cfg_rd(HB, reg, 4), 0);
	cfg_wr(HB, 0x04, 4, 0);
	assert_int_equal(cfg_rd(HB, 0x04, 4), 0x02800006);
	/* Byte lanes: the high command byte alone, then the status word. */
	cfg_wr(HB, 0x05, 1, 0xff);
	assert_int_equal(cfg_rd(HB, 0x04, 2), 0x0106);
	cfg_wr(HB, 0x06, 2, 0xffff);
	assert_int_equal(cfg_rd(HB, 0x04, 4), 0x02800106);
	cfg_wr(HB, 0x04, 1, 0x40);
	assert_int_equal(cfg_rd(HB, 0x04, 2), 0x0146);
	cfg_wr(HB, 0x04, 1, 0x00); /* the low byte only: SERRE stays */
	assert_int_equal(cfg_rd(HB, 0x04, 2), 0x0106);
	/* A dword at 0xcfe reaches lanes 2-3 only. */
	cfg_wr(HB, 0x06, 4, 0);
	assert_int_equal(cfg_rd(HB, 0x04, 2), 0x0106);
}

/* Only a dword at 0xcf8 is CONFIG_ADDRESS; a byte at 0xcf9 is not ours. */
static void test_partial_address_accesses(void **state)
{
	(void)state;
	uint32_t v = 0x5a5a5a5a;

	out(VPCI_PORT_ADDR, 4, 0x80000000);
	out(0xcfb, 1, 0x01); /* Linux's mechanism #1 probe */
	out(0xcf8, 1, 0x55);
	out(0xcf8, 2, 0x5555);
	out(0xcfa, 2, 0x5555);
	out(0xcf9, 2, 0xffff);
	out(0xcfb, 4, 0);
	assert_int_equal(in(VPCI_PORT_ADDR, 4), 0x80000000);
	assert_int_equal(in(0xcf8, 1), 0xff);
	assert_int_equal(in(0xcf8, 2), 0xffff);
	assert_int_equal(in(0xcfa, 2), 0xffff);
	assert_int_equal(in(0xcf9, 4), 0xffffffff);
	assert_int_equal(in(0xcfb, 1), 0xff);
	assert_false(vpci_io_read(&pci, VPCI_PORT_RESET, 1, &v));
	assert_false(vpci_io_write(&pci, VPCI_PORT_RESET, 1, 0x06));
	assert_int_equal(v, 0x5a5a5a5a);
	assert_int_equal(in(VPCI_PORT_ADDR, 4), 0x80000000);
}

static void test_foreign_ports_and_sizes(void **state)
{
	(void)state;
	static const uint16_t ports[] = { 0, 0x80, 0xcf7, 0xd00, 0xcfb + 5,
					  0xffff };
	static const unsigned sizes[] = { 0, 3, 5, 8, 0xffffffffu };
	uint32_t v = 0x5a5a5a5a;

	for (unsigned i = 0; i < ARRAY_SIZE(ports); i++) {
		assert_false(vpci_io_read(&pci, ports[i], 4, &v));
		assert_false(vpci_io_write(&pci, ports[i], 1, 0));
	}
	for (uint16_t port = 0xcf8; port < 0xd00; port++)
		for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
			assert_false(vpci_io_read(&pci, port, sizes[i], &v));
			assert_false(vpci_io_write(&pci, port, sizes[i], 0));
		}
	assert_int_equal(v, 0x5a5a5a5a);
	assert_int_equal(in(VPCI_PORT_ADDR, 4), 0);
}

/* What Linux's pci_check_type1() and pci_sanity_check() do. */
static void test_linux_probe(void **state)
{
	(void)state;
	uint32_t saved;

	out(0xcfb, 1, 0x01);
	saved = in(VPCI_PORT_ADDR, 4);
	out(VPCI_PORT_ADDR, 4, 0x80000000);
	assert_int_equal(in(VPCI_PORT_ADDR, 4), 0x80000000);
	out(VPCI_PORT_ADDR, 4, saved);
	assert_int_equal(cfg_rd(HB, 0x0a, 2), 0x0600);
	assert_int_equal(cfg_rd(HB, 0x00, 2), 0x8086);
	/* Bus scan: device 0 is there, single function; 1-31 are not. */
	for (unsigned dev = 1; dev < 32; dev++)
		assert_int_equal(cfg_rd(VPCI_BDF(0, dev, 0), 0, 2), 0xffff);
}

/* ---- the function table -------------------------------------------- */

struct fake_fn {
	uint32_t regs[VPCI_CFG_SIZE / 4];
	unsigned writes, last_reg;
	uint32_t last_val, last_mask;
};

static uint32_t fake_read(void *ctx, unsigned reg)
{
	struct fake_fn *f = ctx;

	assert_true(reg % 4 == 0 && reg < VPCI_CFG_SIZE);
	return f->regs[reg / 4];
}

static void fake_write(void *ctx, unsigned reg, uint32_t val, uint32_t mask)
{
	struct fake_fn *f = ctx;

	assert_true(reg % 4 == 0 && reg < VPCI_CFG_SIZE);
	assert_int_not_equal(mask, 0);
	assert_int_equal(val & ~mask, 0);
	f->writes++;
	f->last_reg = reg;
	f->last_val = val;
	f->last_mask = mask;
	f->regs[reg / 4] = (f->regs[reg / 4] & ~mask) | val;
}

static void test_added_function(void **state)
{
	(void)state;
	static struct fake_fn fn;
	uint16_t bdf = VPCI_BDF(0, 3, 0);
	struct vpci_func f = {
		.bdf = bdf, .ctx = &fn, .read = fake_read, .write = fake_write,
	};

	memset(&fn, 0, sizeof(fn));
	fn.regs[0] = 0xabcd1af4;
	assert_null(vpci_find(&pci, bdf));
	assert_int_equal(vpci_add_func(&pci, &f), 0);
	assert_ptr_equal(vpci_find(&pci, bdf)->ctx, &fn);
	assert_int_equal(cfg_rd(bdf, 0, 4), 0xabcd1af4);
	assert_int_equal(cfg_rd(bdf, 2, 2), 0xabcd);
	/* Byte enables reach the hook, lanes in place. */
	cfg_wr(bdf, 0x12, 1, 0x1ab);
	assert_int_equal(fn.last_reg, 0x10);
	assert_int_equal(fn.last_mask, 0x00ff0000);
	assert_int_equal(fn.last_val, 0x00ab0000);
	cfg_wr(bdf, 0x11, 4, 0x44332211);
	assert_int_equal(fn.last_mask, 0xffffff00);
	assert_int_equal(fn.last_val, 0x33221100);
	cfg_wr(bdf, 0x3c, 2, 0xbeef);
	assert_int_equal(fn.last_mask, 0x0000ffff);
	assert_int_equal(cfg_rd(bdf, 0x3c, 4), 0x0000beef);
	assert_int_equal(fn.writes, 3);
	/* Disabled cycles and other functions do not reach it. */
	out(VPCI_PORT_ADDR, 4, cfg_addr(bdf, 0x10) & ~(uint32_t)VPCI_ADDR_ENABLE);
	out(VPCI_PORT_DATA, 4, 0);
	cfg_wr(VPCI_BDF(0, 3, 1), 0x10, 4, 0);
	cfg_wr(VPCI_BDF(1, 3, 0), 0x10, 4, 0);
	assert_int_equal(fn.writes, 3);
	assert_int_equal(cfg_rd(HB, 0, 4), 0x12378086);
}

static void test_table_limits(void **state)
{
	(void)state;
	static struct fake_fn fn;
	struct vpci_func f = { .ctx = &fn, .read = fake_read, .write = fake_write };

	f.bdf = HB; /* taken by the host bridge */
	assert_int_equal(vpci_add_func(&pci, &f), -1);
	f.bdf = VPCI_BDF(0, 1, 0);
	f.write = NULL;
	assert_int_equal(vpci_add_func(&pci, &f), -1);
	f.write = fake_write;
	f.read = NULL;
	assert_int_equal(vpci_add_func(&pci, &f), -1);
	f.read = fake_read;
	for (unsigned i = 1; i < VPCI_MAX_FUNCS; i++) {
		f.bdf = VPCI_BDF(2, i, 0);
		assert_int_equal(vpci_add_func(&pci, &f), 0);
	}
	assert_int_equal(vpci_add_func(&pci, &f), -1); /* duplicate */
	f.bdf = VPCI_BDF(3, 0, 0);
	assert_int_equal(vpci_add_func(&pci, &f), -1); /* full */
	assert_null(vpci_find(&pci, f.bdf));
	assert_non_null(vpci_find(&pci, VPCI_BDF(2, VPCI_MAX_FUNCS - 1, 0)));
	assert_int_equal(cfg_rd(HB, 0, 4), 0x12378086);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_address_latch),
		T(test_host_bridge_identity),
		T(test_unaligned_data),
		T(test_absent_functions),
		T(test_enable_bit_clear),
		T(test_host_bridge_read_only),
		T(test_partial_address_accesses),
		T(test_foreign_ports_and_sizes),
		T(test_linux_probe),
		T(test_added_function),
		T(test_table_limits),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
