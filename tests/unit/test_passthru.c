// UNIT-SOURCES: guest/vpc/passthru.c guest/dev/vpic.c drivers/devirq.c drivers/ioapic.c tests/unit/fake_ioapic.c tests/unit/passthru_fixture.c guest/config/config_syntax.c lib/parse.c
/* Host ports and interrupts owned by VMs (guest/vpc/passthru.c) on the host
 * device-IRQ layer (drivers/devirq.c) and the IOAPIC driver, with fake
 * chips, a fake I/O bitmap and a log of the VM lines driven
 * (passthru_fixture.c):
 *   - edge pins: one pulse per dispatch, pin left unmasked;
 *   - level pins: masked by the handler, line held until the EOI of the
 *     virtual IOAPIC pin, then dropped and the host pin unmasked;
 *   - ownership: a pin or port of another VM or of the host is refused
 *     and nothing stays held; detach, guest resets, late interrupts.
 * The same through the guest's 8259s: test_passthru_pic.c. */
#include "tests/unit/passthru_fixture.h"

/* ---- tests ------------------------------------------------------------- */

static void test_edge_forward(void **state)
{
	struct vm *vm = make_vm(0, "ata");
	struct passthru_irq *q = &vm->passthru.irq[0];

	(void)state;
	add_irq(0, 14, 14);
	add_ports(0, 0x1f0, 0x1f7);
	add_ports(0, 0x3f6, 0x3f6);
	assert_int_equal(passthru_attach(vm), 0);
	assert_true(fake_log_contains("vm ata: owns ioport 0x1f0-0x1f7"));
	assert_true(fake_log_contains("vm ata: owns ioport 0x3f6"));
	assert_true(fake_log_contains("vm ata: owns irq 14 (GSI 14, edge, active high, host vector 0x40) on its line 14"));
	/* Ports open, neighbours still trapped. */
	for (unsigned port = 0x1f0; port <= 0x1f7; port++)
		assert_false(trapped[0][port]);
	assert_false(trapped[0][0x3f6]);
	assert_true(trapped[0][0x1ef]);
	assert_true(trapped[0][0x1f8]);
	assert_true(trapped[0][0x3f7]);
	/* Claimed and programmed, but masked until the VM starts. */
	assert_int_equal(q->gsi, 14);
	assert_int_equal(q->vector, DEVIRQ_VEC_FIRST);
	assert_false(q->level);
	assert_int_equal(rte_lo(14), FAKE_RTE_MASKED | DEVIRQ_VEC_FIRST);
	assert_int_equal(fake_ioapics[0].hi[14], 0);

	passthru_start(vm);
	assert_int_equal(rte_lo(14), DEVIRQ_VEC_FIRST);

	/* The handler only marks the pin; the dispatch drives the line. */
	fire(DEVIRQ_VEC_FIRST);
	assert_int_equal(eois, 1);
	assert_int_equal(nev, 0);
	assert_int_equal(rte_lo(14), DEVIRQ_VEC_FIRST); /* edge: stays open */
	devirq_dispatch();
	assert_int_equal(nev, 2);
	expect_ev(0, 0, 14, true, false);
	expect_ev(1, 0, 14, false, false);
	devirq_dispatch(); /* nothing pending: nothing happens */
	assert_int_equal(nev, 2);

	/* Two before a dispatch are one pulse, as in an IRR. */
	fire(DEVIRQ_VEC_FIRST);
	fire(DEVIRQ_VEC_FIRST);
	devirq_dispatch();
	assert_int_equal(nev, 4);
	assert_int_equal(eois, 3);
	assert_int_equal(devirq_count(q->slot), 3);
	assert_int_equal(q->forwarded, 2);

	passthru_detach(vm);
	assert_true(fake_log_contains("vm ata: irq 14 (GSI 14) released: 3 interrupt(s) taken, 2 forwarded to line 14"));
	assert_true(rte_lo(14) & FAKE_RTE_MASKED);
	for (unsigned port = 0x1f0; port <= 0x1f7; port++)
		assert_true(trapped[0][port]);
	assert_true(trapped[0][0x3f6]);
	/* A late interrupt on the released vector: EOI, nothing else. */
	fire(DEVIRQ_VEC_FIRST);
	devirq_dispatch();
	assert_int_equal(eois, 4);
	assert_int_equal(nev, 4);
	/* Detaching twice is harmless and says nothing more. */
	fake_log_reset();
	passthru_detach(vm);
	assert_string_equal(fake_log(), "");
}

static void test_level_mask_until_eoi(void **state)
{
	struct vm *vm = make_vm(0, "nic");
	struct passthru_irq *pci, *sci;

	(void)state;
	add_irq(0, 20, 20); /* a PCI line: level, active low */
	add_irq(0, 9, 5);   /* ISA IRQ 9, level by its override */
	assert_int_equal(passthru_attach(vm), 0);
	pci = &vm->passthru.irq[0];
	sci = &vm->passthru.irq[1];
	assert_true(fake_log_contains("owns irq 20 (GSI 20, level, active low, host vector 0x40) on its line 20"));
	assert_true(fake_log_contains("owns irq 9 (GSI 9, level, active high, host vector 0x41) on its line 5"));
	assert_int_equal(rte_lo(20), FAKE_RTE_MASKED | FAKE_RTE_LEVEL |
					     FAKE_RTE_ACTIVE_LOW | 0x40);
	passthru_start(vm);
	assert_int_equal(rte_lo(20), FAKE_RTE_LEVEL | FAKE_RTE_ACTIVE_LOW | 0x40);

	/* Masked by the handler, before its EOI: the line is still up. */
	fire(0x40);
	assert_true(rte_lo(20) & FAKE_RTE_MASKED);
	assert_int_equal(eois, 1);
	devirq_dispatch();
	assert_int_equal(nev, 1);
	expect_ev(0, 0, 20, true, true); /* pin 20: the IOAPIC alone */
	assert_true(pci->asserted);
	/* Held: no more events until the EOI. */
	devirq_dispatch();
	assert_int_equal(nev, 1);
	/* The EOI of another pin changes nothing. */
	guest_eoi(vm, 5);
	assert_int_equal(nev, 1);
	assert_true(rte_lo(20) & FAKE_RTE_MASKED);
	/* The EOI of its pin: line down, host pin open again. */
	guest_eoi(vm, 20);
	assert_int_equal(nev, 2);
	expect_ev(1, 0, 20, false, true);
	assert_false(pci->asserted);
	assert_false(rte_lo(20) & FAKE_RTE_MASKED);
	/* A second EOI finds nothing asserted. */
	guest_eoi(vm, 20);
	assert_int_equal(nev, 2);
	assert_false(rte_lo(20) & FAKE_RTE_MASKED);

	/* The ISA one goes to the VM's PIC and IOAPIC line 5. */
	fire(0x41);
	assert_true(rte_lo(9) & FAKE_RTE_MASKED);
	devirq_dispatch();
	expect_ev(2, 0, 5, true, false);
	guest_eoi(vm, 5);
	expect_ev(3, 0, 5, false, false);
	assert_false(rte_lo(9) & FAKE_RTE_MASKED);
	assert_int_equal(sci->forwarded, 1);

	/* Detached while asserted: the line drops, the pin stays masked,
	 * and a late EOI does not open it. */
	fire(0x40);
	devirq_dispatch();
	assert_true(pci->asserted);
	passthru_detach(vm);
	expect_ev(nev - 1, 0, 20, false, true);
	assert_true(rte_lo(20) & FAKE_RTE_MASKED);
	guest_eoi(vm, 20);
	assert_true(rte_lo(20) & FAKE_RTE_MASKED);
	assert_true(fake_log_contains("vm nic: irq 20 (GSI 20) released: 2 interrupt(s) taken, 2 forwarded to line 20"));
}

static void test_ownership(void **state)
{
	struct vm *a = make_vm(0, "a"), *b = make_vm(1, "b");

	(void)state;
	add_irq(0, 14, 14);
	add_ports(0, 0x1f0, 0x1f7);
	assert_int_equal(passthru_attach(a), 0);

	/* The same IRQ: refused, and b holds nothing. */
	add_irq(1, 15, 15);
	add_irq(1, 14, 7);
	add_ports(1, 0x170, 0x177);
	assert_int_equal(passthru_attach(b), -1);
	assert_true(fake_log_contains("vm b: irq 14 already belongs to vm a"));
	assert_true(trapped[1][0x170]);
	assert_true(rte_lo(15) & FAKE_RTE_MASKED);
	/* GSI 15 was released again: a third owner could take it. */
	cfgs[1].nirqs = 0;
	add_irq(1, 15, 15);

	/* An overlapping port range: refused before any pin is claimed. */
	add_ports(1, 0x1f7, 0x1f8);
	assert_int_equal(passthru_attach(b), -1);
	assert_true(fake_log_contains("vm b: ioport 0x1f7-0x1f8 already belongs to vm a (0x1f0-0x1f7)"));
	assert_true(trapped[1][0x170]);

	/* The host's own ports. */
	passthru_reserve_host_ports(0x2f8, 0x2ff, "the console UART");
	cfgs[1].nioports = 0;
	add_ports(1, 0x2fc, 0x2fc);
	assert_int_equal(passthru_attach(b), -1);
	assert_true(fake_log_contains("vm b: ioport 0x2fc overlaps the console UART (0x2f8-0x2ff), which the hypervisor uses"));

	/* With its own things it works; after a detaches, its IRQ and
	 * ports are free for b. */
	cfgs[1].nioports = 0;
	add_ports(1, 0x170, 0x177);
	assert_int_equal(passthru_attach(b), 0);
	assert_false(trapped[1][0x170]);
	passthru_detach(b);
	passthru_detach(a);
	cfgs[1].nirqs = 0;
	add_irq(1, 14, 14);
	add_ports(1, 0x1f0, 0x1f7);
	assert_int_equal(passthru_attach(b), 0);
	assert_false(trapped[1][0x1f0]);
	/* Not started: nothing reported at the end. */
	fake_log_reset();
	passthru_detach(b);
	assert_false(fake_log_contains("released"));
}

/* The ports a VM's compatibility-mode IDE function decodes (recorded by
 * pci_assign in vm->pci_ports) are checked like "ioport" keys, both
 * ways. */
static void test_ide_ports(void **state)
{
	struct vm *a = make_vm(0, "a"), *b = make_vm(1, "b");

	(void)state;
	a->pci_ports[a->npci_ports++] = (struct vm_ioport_range){ 0x1f0, 0x1f7 };
	assert_int_equal(passthru_attach(a), 0);
	add_ports(1, 0x1f7, 0x1f7);
	assert_int_equal(passthru_attach(b), -1);
	assert_true(fake_log_contains("vm b: ioport 0x1f7 already belongs to vm a (0x1f0-0x1f7)"));
	passthru_detach(a);
	/* The other way: b's key first, then a's function. */
	assert_int_equal(passthru_attach(b), 0);
	assert_int_equal(passthru_attach(a), -1);
	assert_true(fake_log_contains("vm a: ioport 0x1f0-0x1f7 already belongs to vm b (0x1f7)"));
	passthru_detach(b);
}

static void test_no_pin(void **state)
{
	struct vm *vm = make_vm(0, "x");

	(void)state;
	/* ISA IRQ 2: GSI 2 is IRQ 0's.  GSI 40: no chip has it. */
	add_irq(0, 2, 3);
	assert_int_equal(passthru_attach(vm), -1);
	assert_true(fake_log_contains("vm x: irq 2: the host has no IOAPIC pin for it"));
	cfgs[0].nirqs = 0;
	add_irq(0, 5, 5);
	add_irq(0, 40, 10);
	assert_int_equal(passthru_attach(vm), -1);
	assert_true(fake_log_contains("vm x: irq 40: the host has no IOAPIC pin for it"));
	/* IRQ 5 was claimed first and is free again. */
	assert_true(rte_lo(5) & FAKE_RTE_MASKED);
	cfgs[0].nirqs = 0;
	add_irq(0, 5, 5);
	assert_int_equal(passthru_attach(vm), 0);
	passthru_detach(vm);

	/* A boot CPU the IOAPIC cannot address. */
	devirq_init(300);
	assert_true(fake_log_contains("APIC ID 300 is out of the IOAPIC's reach"));
	assert_int_equal(passthru_attach(vm), -1);
	assert_true(fake_log_contains("vm x: irq 5: the boot CPU cannot be addressed by the IOAPIC"));
}

static void test_vectors_run_out(void **state)
{
	struct devirq_info info;
	const char *busy = NULL;
	int slots[DEVIRQ_SLOTS];
	unsigned pins = 0;

	(void)state;
	/* More pins than vectors: a second chip of 64 pins. */
	fake_ioapic_add(&ai, 1, 3, 0xfec01000, 24, 64);
	assert_int_equal(ioapic_init(&ai, &fake_ioapic_ops), 2);
	for (unsigned gsi = 24; pins < DEVIRQ_SLOTS; gsi++, pins++) {
		slots[pins] = devirq_claim(gsi, NULL, NULL, "t", &info, &busy);
		assert_int_equal(slots[pins], (int)pins);
		assert_int_equal(info.vector, DEVIRQ_VEC_FIRST + pins);
	}
	assert_int_equal(devirq_claim(14, NULL, NULL, "t", &info, &busy), -ENOSPC);
	assert_int_equal(devirq_claim(24, NULL, NULL, "u", &info, &busy), -EBUSY);
	assert_string_equal(busy, "t");
	devirq_release(slots[7]);
	assert_int_equal(devirq_claim(14, NULL, NULL, "t", &info, &busy), 7);
	for (unsigned i = 0; i < DEVIRQ_SLOTS; i++)
		devirq_release(slots[i]);
}

static void test_not_running(void **state)
{
	struct vm *vm = make_vm(0, "idle");

	(void)state;
	add_irq(0, 14, 14);
	assert_int_equal(passthru_attach(vm), 0);
	/* Before the start the pin is masked; should one arrive anyway, it
	 * is counted but goes nowhere. */
	fire(0x40);
	devirq_dispatch();
	assert_int_equal(nev, 0);
	passthru_start(vm);
	/* A VM that has ended takes nothing more. */
	vm->state = VM_EXITED;
	fire(0x40);
	devirq_dispatch();
	assert_int_equal(nev, 0);
	vm->state = VM_RUNNING;
	fire(0x40);
	devirq_dispatch();
	assert_int_equal(nev, 2);
	assert_int_equal(vm->passthru.irq[0].forwarded, 1);
}

static void test_guest_reset(void **state)
{
	struct vm *vm = make_vm(0, "rst");
	struct passthru_irq *q = &vm->passthru.irq[0];

	(void)state;
	add_irq(0, 20, 20);
	add_ports(0, 0x1f0, 0x1f7);
	assert_int_equal(passthru_attach(vm), 0);
	passthru_start(vm);
	fire(0x40);
	devirq_dispatch();
	assert_true(q->asserted);

	/* During the reset: pin masked and released, line down, ports
	 * trapped, and another owner could take them. */
	passthru_reset_begin(vm);
	assert_true(rte_lo(20) & FAKE_RTE_MASKED);
	assert_false(q->asserted);
	expect_ev(nev - 1, 0, 20, false, true);
	assert_true(trapped[0][0x1f0]);
	assert_int_equal(q->slot, -1);
	/* After it: taken again and open; the counts go on. */
	assert_int_equal(passthru_reset_end(vm), 0);
	assert_false(trapped[0][0x1f0]);
	assert_false(rte_lo(20) & FAKE_RTE_MASKED);
	fire(0x40);
	devirq_dispatch();
	guest_eoi(vm, 20);
	assert_false(rte_lo(20) & FAKE_RTE_MASKED);
	passthru_detach(vm);
	assert_true(fake_log_contains("vm rst: irq 20 (GSI 20) released: 2 interrupt(s) taken, 2 forwarded to line 20"));

	/* A VM without ports or IRQs has nothing to do. */
	vm = make_vm(1, "plain");
	assert_int_equal(passthru_attach(vm), 0);
	passthru_reset_begin(vm);
	assert_int_equal(passthru_reset_end(vm), 0);
	passthru_start(vm);
	assert_false(vm->passthru.attached);
}

static unsigned msi_calls, polls;

static void on_msi(void *ctx)
{
	(void)ctx;
	msi_calls++;
}

static void on_poll(void)
{
	polls++;
}

/* A message-signalled vector: a slot with no IOAPIC pin behind it, next
 * to a pin's; mask and unmask leave the chip alone; it fires and is
 * dispatched like a pin; released, it is gone.  The poll hook runs at
 * every dispatch until removed. */
static void test_devirq_msi(void **state)
{
	struct devirq_info info, pin;
	const char *busy = NULL;
	uint32_t rte;
	int s, p;

	(void)state;
	msi_calls = polls = 0;
	s = devirq_claim_msi(on_msi, NULL, "msi", &info);
	assert_true(s >= 0);
	assert_int_equal(info.vector, DEVIRQ_VEC_FIRST + s);
	assert_int_equal(info.gsi, DEVIRQ_NO_GSI);
	p = devirq_claim(14, NULL, NULL, "pin", &pin, &busy);
	assert_true(p >= 0 && p != s);
	rte = rte_lo(14);
	devirq_unmask(s);
	devirq_mask(s);
	assert_int_equal(rte_lo(14), rte);
	fire(info.vector);
	devirq_dispatch();
	assert_int_equal(msi_calls, 1);
	assert_int_equal(devirq_count(s), 1);
	devirq_set_poll(on_poll);
	devirq_dispatch();
	devirq_dispatch();
	assert_int_equal(polls, 2);
	devirq_set_poll(NULL);
	devirq_dispatch();
	assert_int_equal(polls, 2);
	devirq_release(s);
	fire(info.vector);
	devirq_dispatch();
	assert_int_equal(msi_calls, 1);
	assert_int_equal(rte_lo(14), rte);
	devirq_release(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_edge_forward, setup, teardown),
		cmocka_unit_test_setup_teardown(test_level_mask_until_eoi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ownership, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ide_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_pin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vectors_run_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_devirq_msi, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
