// UNIT-SOURCES: guest/config/config.c guest/config/config_keys.c guest/config/config_hc.c guest/config/config_dev.c guest/config/config_resolve.c guest/config/config_syntax.c lib/parse.c tests/unit/config_fixture.c guest/vpc/ports.c
/* VM description parser, the keys that hand a VM parts of the host
 * (guest/config/config_dev.c): "device", "ioport" and "irq" with their syntax,
 * the ports and lines the virtual PC and the hypervisor keep, limits,
 * and ownership by one VM of the file only. */
#include <stdio.h>

#include "tests/unit/config_fixture.h"

static void test_devices(void **state)
{
	char extra[512] = "";

	(void)state;
	expect_bad("device = pci:00:20.0", "config:4: bad device 'pci:00:20.0'");
	expect_bad("device = pci:00:03.8", "config:4: bad device 'pci:00:03.8'");
	expect_bad("device = pci:100:03.0", "config:4: bad device");
	expect_bad("device = 00:03.0", "config:4: bad device '00:03.0'");
	expect_bad("device = pci:00:03", "config:4: bad device");
	expect_bad("device = pci:00:03.0\ndevice = pci:00:03.0",
		   "config:5: device pci:00:03.0 is listed twice");
	for (unsigned i = 0; i < 9; i++)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 "device = pci:00:%02x.0\n", i);
	expect_bad(extra, "config:12: too many devices (max 8)");
	/* A function belongs to one VM: the second claimant is refused. */
	assert_int_equal(parse("[vm a]\nmemory=8M\nimage=a\ndevice=pci:02:00.1\n"
			       "[vm b]\nmemory=8M\nimage=b\ndevice=pci:02:00.1\n"), 1);
	expect_msg("config:8: device pci:02:00.1 already belongs to [vm a]");
	assert_int_equal(set.count, 1);
}

static void test_dma_keys(void **state)
{
	const struct vm_config *vm;

	(void)state;
	parse_ok("[vm a]\nmemory=8M\nimage=a\ndevice=pci:00:03.0\n");
	vm = vm_named("a");
	assert_int_equal(vm->dma, DMA_IOMMU);
	assert_int_equal(vm->on_dma_fault, ON_DMA_FAULT_STOP);
	parse_ok("[vm a]\nmemory=8M\nimage=a\ndevice=pci:00:03.0\n"
		 "dma = identity\non_dma_fault = report\n");
	vm = vm_named("a");
	assert_int_equal(vm->dma, DMA_IDENTITY);
	assert_int_equal(vm->on_dma_fault, ON_DMA_FAULT_REPORT);
	/* identity without a device to use it is a mistake, not a no-op. */
	expect_bad("dma = identity", "config:4: dma = identity needs a device");
	parse_ok("[vm a]\nmemory=8M\nimage=a\ndevice=pci:00:03.0\ndma = none\n");
	assert_int_equal(vm_named("a")->dma, DMA_NONE);
	expect_bad("dma = none", "config:4: dma = none needs a device");
	expect_bad("dma = direct", "config:4: bad value 'direct' for dma (expected iommu or identity or none)");
}

static void test_ioports(void **state)
{
	const struct vm_config *vm;
	char extra[512];
	size_t n = 0;

	(void)state;
	parse_ok("[vm a]\nmemory = 8M\nimage = a\n"
		 "ioport = 0x1f0-0x1f7, 0x3f6\n"
		 "ioport = 0x170 - 0x177,0x376\n"
		 "[vm b]\nmemory = 8M\nimage = b\nioport = 0xffff\n");
	vm = vm_named("a");
	assert_int_equal(vm->nioports, 4);
	assert_int_equal(vm->ioports[0].first, 0x1f0);
	assert_int_equal(vm->ioports[0].last, 0x1f7);
	assert_int_equal(vm->ioports[1].first, 0x3f6);
	assert_int_equal(vm->ioports[1].last, 0x3f6);
	assert_int_equal(vm->ioports[2].first, 0x170);
	assert_int_equal(vm->ioports[3].last, 0x376);
	assert_int_equal(vm_named("b")->ioports[0].first, 0xffff);
	/* Decimal 496 is 0x1f0: the VM's own ranges may not overlap. */
	assert_int_equal(parse("[vm a]\nmemory = 8M\nimage = a\n"
			       "ioport = 0x1f0-0x1f7\nioport = 496-500\n"), 1);
	expect_msg("config:5: ioport 0x1f0-0x1f4 overlaps 0x1f0-0x1f7, listed before");

	expect_bad("ioport = 0x1f7-0x1f0", "config:4: bad I/O port list '0x1f7-0x1f0' for ioport: range is reversed");
	expect_bad("ioport = 0x10000", "ports stop at 0xffff");
	expect_bad("ioport = 0x1f0-", "use e.g. 0x1f0-0x1f7,0x3f6");
	expect_bad("ioport = 0x1f0,,0x3f6", "use e.g.");
	expect_bad("ioport = ata", "use e.g.");
	/* The virtual PC's ports and the hypervisor's. */
	expect_bad("ioport = 0x3f8", "config:4: ioport 0x3f8 overlaps COM1 (the hypervisor's console, the virtual PC's UART) (0x3f8-0x3ff)");
	expect_bad("ioport = 0x3f0-0x3f8", "ioport 0x3f0-0x3f8 overlaps COM1");
	expect_bad("ioport = 0x20", "overlaps the virtual PC's master 8259 (0x20-0x21)");
	expect_bad("ioport = 0x40-0x5f", "overlaps the virtual PC's PIT (0x40-0x43)");
	expect_bad("ioport = 0x70", "the virtual PC's RTC and CMOS");
	expect_bad("ioport = 0xcf9", "the PCI configuration ports and reset control (0xcf8-0xcff)");
	expect_bad("ioport = 0x604", "the virtual PC's ACPI PM block (0x600-0x60b)");
	expect_bad("ioport = 0xf4", "the debug-exit port (0xf4-0xf7)");
	expect_bad("ioport = 0x8a00", "Bochs' iodebug port (0x8a00-0x8a01)");
	expect_bad("ioport = 0x8900", "Bochs' shutdown port (0x8900)");
	expect_bad("ioport = 0x4d1", "the virtual PC's ELCR");
	expect_bad("ioport = 0x80", "the POST port");
	/* Too many. */
	for (unsigned i = 0; i <= VM_MAX_IOPORT_RANGES; i++)
		n += (size_t)snprintf(extra + n, sizeof(extra) - n,
				      "ioport = %#x\n", 0x100 + 2 * i);
	extra[n - 1] = '\0';
	expect_bad(extra, "config:12: too many ioport ranges (max 8)");
	/* Another VM's. */
	assert_int_equal(parse("[vm a]\nmemory=8M\nimage=a\nioport=0x1f0-0x1f7\n"
			       "[vm b]\nmemory=8M\nimage=b\nioport=0x1e0-0x1f0\n"), 1);
	expect_msg("config:8: ioport 0x1e0-0x1f0 overlaps 0x1f0-0x1f7 of [vm a]");
	assert_non_null(vm_named("a"));
	assert_null(vm_named("b"));
}

static void test_irqs(void **state)
{
	const struct vm_config *vm;
	char extra[512];
	size_t n = 0;

	(void)state;
	parse_ok("[vm a]\nmemory = 8M\nimage = a\nplatform = pc\n"
		 "irq = 14\nirq = 15>5, 0x14\nirq = 200 > 23\n"
		 "[vm l]\nmemory = 8M\nimage = l\nentry = linux\nirq = 3\n");
	vm = vm_named("a");
	assert_int_equal(vm->nirqs, 4);
	assert_int_equal(vm->irqs[0].host, 14);
	assert_int_equal(vm->irqs[0].line, 14);
	assert_int_equal(vm->irqs[1].host, 15);
	assert_int_equal(vm->irqs[1].line, 5);
	assert_int_equal(vm->irqs[2].host, 20);
	assert_int_equal(vm->irqs[2].line, 20);
	assert_int_equal(vm->irqs[3].host, 200);
	assert_int_equal(vm->irqs[3].line, 23);
	/* entry = linux brings the platform with it. */
	assert_int_equal(vm_named("l")->nirqs, 1);

	expect_bad("irq = 14", "config:4: irq needs platform = pc");
	expect_bad("platform = pc\nirq = 0", "config:5: irq 0 is the system timer's");
	expect_bad("platform = pc\nirq = 2>5", "irq 2 is the 8259 cascade");
	expect_bad("platform = pc\nirq = 4>5", "irq 4 is COM1's, which the hypervisor keeps");
	expect_bad("platform = pc\nirq = 5>4", "config:5: irq 5: guest line 4 is the virtual PC's COM1 (give another: irq = 5>N)");
	expect_bad("platform = pc\nirq = 9", "irq 9: guest line 9 is the virtual PC's SCI");
	expect_bad("platform = pc\nirq = 6>2", "guest line 2 is the virtual PC's PIT");
	expect_bad("platform = pc\nirq = 30", "config:5: irq 30 needs a guest line up to 23 (irq = 30>N)");
	expect_bad("platform = pc\nirq = 256", "bad irq '256': host IRQs stop at 255");
	expect_bad("platform = pc\nirq = 14>24", "guest lines stop at 23");
	expect_bad("platform = pc\nirq = 14>", "bad irq '14>': use e.g. 14 or 14>5");
	expect_bad("platform = pc\nirq = -1", "use e.g. 14 or 14>5");
	expect_bad("platform = pc\nirq = 14\nirq = 14>5", "config:6: irq 14 is listed twice");
	expect_bad("platform = pc\nirq = 14, 15>14", "irq 15: guest line 14 already carries irq 14");
	for (unsigned i = 0; i <= VM_MAX_IRQS; i++)
		n += (size_t)snprintf(extra + n, sizeof(extra) - n, "irq = %u\n",
				      i < 3 ? 5 + i : 7 + i);
	snprintf(extra + n - 1, sizeof(extra) - n + 1, "\nplatform = pc");
	expect_bad(extra, "config:12: too many irqs (max 8)");
	/* An IRQ belongs to one VM only; the first keeps it. */
	assert_int_equal(parse("[vm a]\nmemory=8M\nimage=a\nplatform=pc\nirq=14\n"
			       "[vm b]\nmemory=8M\nimage=b\nplatform=pc\nirq=14>15\n"
			       "[vm c]\nmemory=8M\nimage=c\nplatform=pc\nirq=15\n"), 1);
	expect_msg("config:10: irq 14 already belongs to [vm a]");
	expect_msg("config:6: [vm b] skipped because of 1 error(s)");
	assert_non_null(vm_named("a"));
	assert_null(vm_named("b"));
	assert_non_null(vm_named("c"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_dma_keys),
		cmocka_unit_test(test_ioports),
		cmocka_unit_test(test_irqs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
