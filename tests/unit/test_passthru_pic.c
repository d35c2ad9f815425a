// UNIT-SOURCES: guest/vpc/passthru.c guest/dev/vpic.c drivers/devirq.c drivers/ioapic.c tests/unit/fake_ioapic.c tests/unit/passthru_fixture.c guest/config/config_syntax.c lib/parse.c
/* Level-triggered host pins a VM owns, taken through the guest's virtual
 * 8259s instead of its IOAPIC (passthru_fixture.c: real PIC models on the
 * VM's ISA lines, their EOI hook wired as in guest/vpc/vplat.c):
 *   - with the ELCR bit set, the PIC's EOI of the IRQ (non-specific or
 *     specific; on the slave, before or after the master's EOI of the
 *     cascade) drops the line before the PIC looks again and unmasks the
 *     host pin, and only that EOI does; a device still asserting is
 *     delivered again;
 *   - Linux's order (mask, EOI, handle, unmask) and auto-EOI;
 *   - left edge in the ELCR, the input sees the first edge only. */
#include "tests/unit/passthru_fixture.h"

#define VEC_ISA 0x40 /* host vectors, in claim order */
#define VEC_PCI 0x41

/* A started VM with host IRQ 9 (level by its override) on line 5, master
 * IR5, and GSI 20 (PCI: level, active low) on line 11, slave IR3; its
 * guest has set up the 8259s and made both inputs level in the ELCR. */
static struct vm *legacy_vm(void)
{
	struct vm *vm = make_vm(0, "legacy");

	add_irq(0, 9, 5);
	add_irq(0, 20, 11);
	assert_int_equal(passthru_attach(vm), 0);
	passthru_start(vm);
	pic_init(vm);
	pic_out(vm, 0x4d0, 0x20);
	pic_out(vm, 0x4d1, 0x08);
	return vm;
}

/* The device asserts and the host forwards it. */
static void assert_and_forward(uint8_t vector)
{
	fire(vector);
	devirq_dispatch();
}

static void test_master(void **state)
{
	struct vm *vm = legacy_vm();
	struct vpic *pic = &vm->plat->pic;
	struct passthru_irq *q = &vm->passthru.irq[0];

	(void)state;
	/* The host pin is masked, the PIC requests. */
	assert_and_forward(VEC_ISA);
	assert_true(q->asserted);
	assert_true(rte_lo(9) & FAKE_RTE_MASKED);
	assert_int_equal(vpic_pending(pic), 0x35);
	assert_int_equal(pic_inta(vm), 0x35);
	/* In service, line still held: no second delivery, pin masked. */
	assert_int_equal(vpic_pending(pic), -1);
	devirq_dispatch();
	assert_true(rte_lo(9) & FAKE_RTE_MASKED);
	assert_true(q->asserted);
	/* EOIs of other IRQs, or of nothing, open nothing. */
	pic_out(vm, 0x20, 0x63);
	pic_out(vm, 0xa0, 0x20);
	pic_out(vm, 0xa0, 0x63);
	assert_int_equal(pic_eois, 0);
	assert_true(rte_lo(9) & FAKE_RTE_MASKED);
	/* The guest's non-specific EOI: the line drops before the PIC looks
	 * again (the old request is not repeated), the host pin opens. */
	pic_out(vm, 0x20, 0x20);
	assert_int_equal(pic_eois, 1);
	assert_false(q->asserted);
	assert_false(rte_lo(9) & FAKE_RTE_MASKED);
	expect_ev(nev - 1, 0, 5, false, false);
	assert_int_equal(vpic_pending(pic), -1);
	assert_false(pic->output);
	/* The device still asserts: the pin fires again and the guest gets
	 * its second interrupt; a specific EOI ends it the same way. */
	assert_and_forward(VEC_ISA);
	assert_true(rte_lo(9) & FAKE_RTE_MASKED);
	assert_int_equal(pic_inta(vm), 0x35);
	assert_true(rte_lo(9) & FAKE_RTE_MASKED);
	pic_out(vm, 0x20, 0x65);
	assert_int_equal(pic_eois, 2);
	assert_false(rte_lo(9) & FAKE_RTE_MASKED);
	/* A further EOI finds nothing in service. */
	pic_out(vm, 0x20, 0x65);
	pic_out(vm, 0x20, 0x20);
	assert_int_equal(pic_eois, 2);
	assert_int_equal(q->forwarded, 2);
	passthru_detach(vm);
	assert_true(fake_log_contains("vm legacy: irq 9 (GSI 9) released: 2 interrupt(s) taken, 2 forwarded to line 5"));
}

static void test_slave(void **state)
{
	struct vm *vm = legacy_vm();
	struct vpic *pic = &vm->plat->pic;
	struct passthru_irq *q = &vm->passthru.irq[1];

	(void)state;
	/* Linux's order: the slave's EOI of IRQ 11 opens the host pin; the
	 * master's, of the cascade, does nothing more. */
	assert_and_forward(VEC_PCI);
	assert_true(rte_lo(20) & FAKE_RTE_MASKED);
	assert_int_equal(pic_inta(vm), 0x3b);
	pic_out(vm, 0xa0, 0x20);
	assert_int_equal(pic_eois, 1);
	assert_false(q->asserted);
	assert_false(rte_lo(20) & FAKE_RTE_MASKED);
	expect_ev(nev - 1, 0, 11, false, false);
	pic_out(vm, 0x20, 0x20);
	assert_int_equal(pic_eois, 1);
	assert_int_equal(vpic_pending(pic), -1);
	/* The master's specific EOI first: the pin stays masked until the
	 * slave's. */
	assert_and_forward(VEC_PCI);
	assert_int_equal(pic_inta(vm), 0x3b);
	pic_out(vm, 0x20, 0x62);
	assert_true(rte_lo(20) & FAKE_RTE_MASKED);
	pic_out(vm, 0xa0, 0x63);
	assert_false(rte_lo(20) & FAKE_RTE_MASKED);
	assert_int_equal(pic_eois, 2);
	assert_int_equal(q->forwarded, 2);
	/* The other line was never raised. */
	assert_int_equal(vm->passthru.irq[0].forwarded, 0);
}

static void test_linux_order(void **state)
{
	struct vm *vm = legacy_vm();
	struct vpic *pic = &vm->plat->pic;

	(void)state;
	/* handle_level_irq() with the 8259: mask the input and EOI it
	 * before the handler runs. */
	assert_and_forward(VEC_ISA);
	assert_int_equal(pic_inta(vm), 0x35);
	pic_out(vm, 0x21, 0x20);
	pic_out(vm, 0x20, 0x65);
	assert_false(rte_lo(9) & FAKE_RTE_MASKED);
	/* The device, not serviced yet, still asserts: the line is up again
	 * but the masked input keeps it from the vCPU. */
	assert_and_forward(VEC_ISA);
	assert_true(vm->passthru.irq[0].asserted);
	assert_int_equal(vpic_pending(pic), -1);
	/* The handler services it and unmasks: one more interrupt, which
	 * the handler finds nothing for; its EOI opens the pin, and the
	 * quiet device fires no more. */
	pic_out(vm, 0x21, 0x00);
	assert_int_equal(pic_inta(vm), 0x35);
	pic_out(vm, 0x21, 0x20);
	pic_out(vm, 0x20, 0x65);
	pic_out(vm, 0x21, 0x00);
	assert_false(rte_lo(9) & FAKE_RTE_MASKED);
	assert_false(vm->passthru.irq[0].asserted);
	assert_int_equal(vpic_pending(pic), -1);
	assert_int_equal(pic_eois, 2);
}

static void test_auto_eoi(void **state)
{
	struct vm *vm = legacy_vm();

	(void)state;
	/* ICW4 with AEOI on both chips: the INTA is the EOI. */
	pic_out(vm, 0x20, 0x11);
	pic_out(vm, 0x21, 0x30);
	pic_out(vm, 0x21, 0x04);
	pic_out(vm, 0x21, 0x03);
	pic_out(vm, 0xa0, 0x11);
	pic_out(vm, 0xa1, 0x38);
	pic_out(vm, 0xa1, 0x02);
	pic_out(vm, 0xa1, 0x03);
	assert_and_forward(VEC_ISA);
	assert_true(rte_lo(9) & FAKE_RTE_MASKED);
	assert_int_equal(pic_inta(vm), 0x35);
	assert_int_equal(pic_eois, 1);
	assert_false(rte_lo(9) & FAKE_RTE_MASKED);
	assert_int_equal(pic_inta(vm), -1);
	assert_and_forward(VEC_PCI);
	assert_int_equal(pic_inta(vm), 0x3b);
	assert_int_equal(pic_eois, 2);
	assert_false(rte_lo(20) & FAKE_RTE_MASKED);
	assert_false(vm->passthru.irq[1].asserted);
}

static void test_edge_in_elcr(void **state)
{
	struct vm *vm = legacy_vm();
	struct passthru_irq *q = &vm->passthru.irq[0];

	(void)state;
	/* Left edge-triggered, the PIC input never ends the level: the
	 * guest gets the rising edge and the host pin stays masked (the
	 * guest must program the ELCR, as the IOAPIC's trigger mode). */
	pic_out(vm, 0x4d0, 0x00);
	assert_and_forward(VEC_ISA);
	assert_int_equal(pic_inta(vm), 0x35);
	pic_out(vm, 0x20, 0x20);
	assert_int_equal(pic_eois, 0);
	assert_true(q->asserted);
	assert_true(rte_lo(9) & FAKE_RTE_MASKED);
	assert_int_equal(pic_inta(vm), -1);
	/* The IOAPIC's EOI of the same line still ends it. */
	guest_eoi(vm, 5);
	assert_false(q->asserted);
	assert_false(rte_lo(9) & FAKE_RTE_MASKED);
	/* Detached while asserted: a late PIC EOI opens nothing. */
	pic_out(vm, 0x4d0, 0x20);
	assert_and_forward(VEC_ISA);
	assert_int_equal(pic_inta(vm), 0x35);
	passthru_detach(vm);
	assert_true(rte_lo(9) & FAKE_RTE_MASKED);
	pic_out(vm, 0x20, 0x20);
	assert_true(rte_lo(9) & FAKE_RTE_MASKED);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_master),
		T(test_slave),
		T(test_linux_order),
		T(test_auto_eoi),
		T(test_edge_in_elcr),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
