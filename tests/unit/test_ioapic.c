// UNIT-SOURCES: drivers/ioapic.c tests/unit/fake_ioapic.c
/* Host IOAPIC driver against fake chips behind the register window
 * (tests/unit/fake_ioapic.c): masking at start, programming, masking and
 * unmasking entries, ISA overrides and every kind of bad MADT input. */
#include "drivers/ioapic.h"
#include "lib/errno.h"
#include "tests/unit/fake_ioapic.h"
#include "tests/unit/fakes.h"

#define RTE_MASKED FAKE_RTE_MASKED
#define RTE_LEVEL FAKE_RTE_LEVEL
#define RTE_ACTIVE_LOW FAKE_RTE_ACTIVE_LOW

static struct acpi_info ai;

static void add_chip(unsigned i, uint8_t id, paddr_t addr, uint32_t gsi_base,
		     unsigned pins)
{
	fake_ioapic_add(&ai, i, id, addr, gsi_base, pins);
}

static void add_override(uint8_t irq, uint32_t gsi, uint16_t flags)
{
	fake_ioapic_override(&ai, irq, gsi, flags);
}

static int setup(void **state)
{
	(void)state;
	fake_ioapic_reset(&ai);
	fake_log_reset();
	return 0;
}

/* The PC's usual tables: a 24-pin chip at 0xfec00000 and IRQ 0 on GSI 2,
 * plus a second chip of 8 pins from GSI 24. */
static void pc_tables(void)
{
	add_chip(0, 2, 0xfec00000, 0, 24);
	add_chip(1, 3, 0xfec01000, 24, 8);
	add_override(0, 2, 0);
	add_override(9, 9, 0xd); /* level, active high: ACPI's SCI */
}

static void test_init_masks_everything(void **state)
{
	(void)state;
	pc_tables();
	assert_int_equal(ioapic_init(&ai, &fake_ioapic_ops), 2);
	assert_int_equal(ioapic_count(), 2);
	assert_int_equal(ioapic_pins(), 32);
	for (unsigned c = 0; c < 2; c++) {
		unsigned pins = c ? 8 : 24;

		for (unsigned p = 0; p < pins; p++) {
			assert_true(fake_ioapics[c].lo[p] & RTE_MASKED);
			assert_int_equal(fake_ioapics[c].hi[p], 0);
		}
		assert_int_equal(fake_ioapics[c].unmasked_writes, 0);
	}
	/* Pins beyond the version register's count are not touched. */
	assert_int_equal(fake_ioapics[1].lo[8], 0x30 + 8);
	assert_true(ioapic_has_gsi(0));
	assert_true(ioapic_has_gsi(31));
	assert_false(ioapic_has_gsi(32));
	ioapic_print();
	assert_true(fake_log_contains("ioapic: id 2 at 0xfec00000, version 0x11, GSI 0-23"));
	assert_true(fake_log_contains("ioapic: id 3 at 0xfec01000, version 0x11, GSI 24-31"));
	assert_true(fake_log_contains("ioapic: ISA IRQ 0 is GSI 2 (edge, active high)"));
	assert_true(fake_log_contains("ioapic: ISA IRQ 9 is GSI 9 (level, active high)"));
}

static void test_isa_overrides(void **state)
{
	struct ioapic_wiring w;
	uint32_t gsi = 99;

	(void)state;
	pc_tables();
	add_override(5, 26, 0xf); /* level, active low, on the second chip */
	ioapic_init(&ai, &fake_ioapic_ops);

	assert_int_equal(ioapic_isa_gsi(0, &gsi), 0);
	assert_int_equal(gsi, 2);
	/* GSI 2 is IRQ 0's now: ISA IRQ 2 has no pin. */
	assert_int_equal(ioapic_isa_gsi(2, &gsi), -ENOENT);
	assert_int_equal(ioapic_isa_gsi(14, &gsi), 0);
	assert_int_equal(gsi, 14);
	assert_int_equal(ioapic_isa_gsi(5, &gsi), 0);
	assert_int_equal(gsi, 26);
	assert_int_equal(ioapic_isa_gsi(16, &gsi), -EINVAL);

	assert_int_equal(ioapic_gsi_wiring(14, &w), 0);
	assert_false(w.level);
	assert_false(w.active_low);
	assert_int_equal(ioapic_gsi_wiring(2, &w), 0); /* "conforms": ISA */
	assert_false(w.level);
	assert_false(w.active_low);
	assert_int_equal(ioapic_gsi_wiring(9, &w), 0);
	assert_true(w.level);
	assert_false(w.active_low);
	assert_int_equal(ioapic_gsi_wiring(26, &w), 0);
	assert_true(w.level);
	assert_true(w.active_low);
	/* Above the ISA range with no override: PCI, level, active low. */
	assert_int_equal(ioapic_gsi_wiring(20, &w), 0);
	assert_true(w.level);
	assert_true(w.active_low);
	assert_int_equal(ioapic_gsi_wiring(32, &w), -ENOENT);
}

static void test_route_mask_unmask(void **state)
{
	struct ioapic_wiring edge = { false, false }, pci = { true, true };

	(void)state;
	pc_tables();
	ioapic_init(&ai, &fake_ioapic_ops);

	assert_int_equal(ioapic_route(14, 0x41, 3, &edge), 0);
	assert_int_equal(fake_ioapics[0].lo[14], RTE_MASKED | 0x41);
	assert_int_equal(fake_ioapics[0].hi[14], 3u << 24);
	assert_int_equal(ioapic_rte(14), (3ULL << 56) | RTE_MASKED | 0x41);
	/* Programming never leaves a half-written entry able to deliver. */
	assert_int_equal(fake_ioapics[0].unmasked_writes, 0);

	assert_int_equal(ioapic_unmask(14), 0);
	assert_int_equal(fake_ioapics[0].lo[14], 0x41);
	assert_int_equal(fake_ioapics[0].hi[14], 3u << 24);
	assert_int_equal(ioapic_mask(14), 0);
	assert_int_equal(fake_ioapics[0].lo[14], RTE_MASKED | 0x41);

	/* The second chip: GSI 29 is its pin 5. */
	assert_int_equal(ioapic_route(29, 0x7f, 0, &pci), 0);
	assert_int_equal(fake_ioapics[1].lo[5], RTE_MASKED | RTE_LEVEL | RTE_ACTIVE_LOW | 0x7f);
	assert_int_equal(ioapic_unmask(29), 0);
	assert_int_equal(fake_ioapics[1].lo[5], RTE_LEVEL | RTE_ACTIVE_LOW | 0x7f);
	/* Read-only bits the chip sets survive a mask. */
	fake_ioapics[1].lo[5] |= 1u << 14;
	assert_int_equal(ioapic_mask(29), 0);
	assert_int_equal(fake_ioapics[1].lo[5] & ~(1u << 14),
			 RTE_MASKED | RTE_LEVEL | RTE_ACTIVE_LOW | 0x7f);
	/* Neighbours untouched. */
	assert_true(fake_ioapics[1].lo[4] & RTE_MASKED);
	assert_true(fake_ioapics[1].lo[6] & RTE_MASKED);

	/* Refused: vectors below 16, destinations beyond 8 bits, no pin. */
	assert_int_equal(ioapic_route(14, 0x0f, 0, &edge), -EINVAL);
	assert_int_equal(ioapic_route(14, 0x40, 256, &edge), -EINVAL);
	assert_int_equal(ioapic_route(32, 0x40, 0, &edge), -ENOENT);
	assert_int_equal(ioapic_mask(32), -ENOENT);
	assert_int_equal(ioapic_unmask(1000), -ENOENT);
	assert_int_equal(ioapic_rte(32), 0);
	assert_int_equal(fake_ioapics[0].lo[14], RTE_MASKED | 0x41);
}

static void test_bad_chips(void **state)
{
	(void)state;
	add_chip(0, 1, 0, 0, 24);                 /* no address */
	add_chip(1, 2, 0xfec00010, 0, 24);        /* not 1 KiB aligned */
	add_chip(2, 3, 0xfec00000, 0, 24);        /* good */
	ai.ioapic[ai.nioapics++] = (struct acpi_ioapic){ .id = 3, .addr = 0xfec02000 };
	ai.ioapic[ai.nioapics++] = (struct acpi_ioapic){ .id = 4, .addr = 0xfec00000,
							  .gsi_base = 64 };
	add_chip(3, 5, 0xfec03000, 16, 8);        /* GSIs 16-23 taken */
	assert_int_equal(ioapic_init(&ai, &fake_ioapic_ops), 1);
	assert_true(fake_log_contains("IOAPIC id 1 at 0x0: no address; ignored"));
	assert_true(fake_log_contains("IOAPIC id 2 at 0xfec00010: address not 1 KiB aligned; ignored"));
	assert_true(fake_log_contains("IOAPIC id 3 at 0xfec02000: same ID as IOAPIC id 3"));
	assert_true(fake_log_contains("IOAPIC id 4 at 0xfec00000: same address as IOAPIC id 3"));
	assert_true(fake_log_contains("IOAPIC id 5: GSIs 16-23 overlap IOAPIC id 3's 0-23; ignored"));
	/* The ignored chips were never touched. */
	assert_int_equal(fake_ioapics[0].maps + fake_ioapics[1].maps, 0);
	assert_int_equal(fake_ioapics[3].lo[0], 0x30);
	assert_int_equal(ioapic_pins(), 24);

	/* One that does not answer, one that cannot be mapped, one whose
	 * GSI range wraps. */
	setup(NULL);
	add_chip(0, 1, 0xfec00000, 0, 24);
	fake_ioapics[0].absent = true;
	add_chip(1, 2, 0xfec01000, 0, 24);
	fake_ioapics[1].unmappable = true;
	add_chip(2, 3, 0xfec02000, 0xfffffff0u, 24);
	add_chip(3, 4, 0xfec03000, 100, 24);
	assert_int_equal(ioapic_init(&ai, &fake_ioapic_ops), 1);
	assert_true(fake_log_contains("IOAPIC id 1 at 0xfec00000 does not answer (version register 0xffffffff); ignored"));
	assert_true(fake_log_contains("IOAPIC id 2 at 0xfec01000 cannot be mapped; ignored"));
	assert_true(fake_log_contains("IOAPIC id 3: GSI base 4294967280 with 24 pins wraps; ignored"));
	assert_false(ioapic_has_gsi(0));
	assert_true(ioapic_has_gsi(100));
	assert_true(ioapic_has_gsi(123));

	/* A count beyond the table (a corrupt acpi_info) is capped. */
	setup(NULL);
	add_chip(0, 1, 0xfec00000, 0, 24);
	ai.nioapics = 200;
	ai.noverrides = 200;
	assert_int_equal(ioapic_init(&ai, &fake_ioapic_ops), 1);
}

static void test_bad_overrides(void **state)
{
	struct ioapic_wiring w;
	uint32_t gsi;

	(void)state;
	add_chip(0, 2, 0xfec00000, 0, 24);
	add_override(16, 16, 0);     /* not an ISA IRQ */
	add_override(3, 40, 0);      /* no pin */
	add_override(4, 4, 0x2);     /* reserved polarity */
	add_override(6, 6, 0x8);     /* reserved trigger */
	add_override(7, 12, 0x1f);   /* bits beyond the INTI flags: kept */
	add_override(0, 2, 0);       /* good */
	add_override(0, 5, 0);       /* IRQ 0 again */
	add_override(1, 2, 0);       /* GSI 2 again */
	assert_int_equal(ioapic_init(&ai, &fake_ioapic_ops), 1);
	assert_true(fake_log_contains("override of IRQ 16 to GSI 16: not an ISA IRQ (0-15); ignored"));
	assert_true(fake_log_contains("override of ISA IRQ 3 to GSI 40: no IOAPIC has that pin; ignored"));
	assert_true(fake_log_contains("override of ISA IRQ 4 to GSI 4: reserved polarity or trigger in flags 0x2; ignored"));
	assert_true(fake_log_contains("override of ISA IRQ 6 to GSI 6: reserved polarity or trigger in flags 0x8; ignored"));
	assert_true(fake_log_contains("override of ISA IRQ 7 to GSI 12: reserved flag bits 0x10 ignored"));
	assert_true(fake_log_contains("overrides ISA IRQ 0 twice (GSI 2, then 5); the second is ignored"));
	assert_true(fake_log_contains("override of ISA IRQ 1 to GSI 2: that GSI is ISA IRQ 0's already; ignored"));
	/* What stands: IRQ 0 on GSI 2; the others keep their own pins. */
	assert_int_equal(ioapic_isa_gsi(0, &gsi), 0);
	assert_int_equal(gsi, 2);
	assert_int_equal(ioapic_isa_gsi(1, &gsi), 0);
	assert_int_equal(gsi, 1);
	assert_int_equal(ioapic_isa_gsi(3, &gsi), 0);
	assert_int_equal(gsi, 3);
	assert_int_equal(ioapic_isa_gsi(4, &gsi), 0);
	assert_int_equal(gsi, 4);
	/* The one with stray bits stands: IRQ 7 on GSI 12, level, low. */
	assert_int_equal(ioapic_isa_gsi(7, &gsi), 0);
	assert_int_equal(gsi, 12);
	assert_int_equal(ioapic_isa_gsi(12, &gsi), -ENOENT);
	assert_int_equal(ioapic_gsi_wiring(12, &w), 0);
	assert_true(w.level);
	assert_true(w.active_low);
}

static void test_no_ioapic(void **state)
{
	struct ioapic_wiring w = { false, false };
	uint32_t gsi;

	(void)state;
	assert_int_equal(ioapic_init(&ai, &fake_ioapic_ops), 0);
	assert_int_equal(ioapic_pins(), 0);
	assert_int_equal(ioapic_isa_gsi(14, &gsi), -ENOENT);
	assert_int_equal(ioapic_gsi_wiring(14, &w), -ENOENT);
	assert_int_equal(ioapic_route(14, 0x40, 0, &w), -ENOENT);
	ioapic_print();
	assert_true(fake_log_contains("no usable IOAPIC"));
	/* A second init forgets the first. */
	pc_tables();
	assert_int_equal(ioapic_init(&ai, &fake_ioapic_ops), 2);
	memset(&ai, 0, sizeof(ai));
	assert_int_equal(ioapic_init(&ai, &fake_ioapic_ops), 0);
	assert_false(ioapic_has_gsi(0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_masks_everything, setup),
		cmocka_unit_test_setup(test_isa_overrides, setup),
		cmocka_unit_test_setup(test_route_mask_unmask, setup),
		cmocka_unit_test_setup(test_bad_chips, setup),
		cmocka_unit_test_setup(test_bad_overrides, setup),
		cmocka_unit_test_setup(test_no_ioapic, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
