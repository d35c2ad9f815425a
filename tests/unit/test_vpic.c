// UNIT-SOURCES: guest/vpic.c
/* Virtual 8259A pair: init sequence, priorities and EOI, cascade, edge and
 * level inputs, auto-EOI, rotation, poll and special mask modes. */
#include "guest/vpic.h"
#include "tests/unit/fakes.h"

static struct vpic pic;
static unsigned intr_calls;
static bool intr_level;

static void h_intr(void *ctx, bool level)
{
	assert_ptr_equal(ctx, &pic);
	intr_calls++;
	intr_level = level;
}

static const struct vpic_hooks hooks = { .intr = h_intr };

static void out(uint16_t port, uint8_t v)
{
	vpic_io_write(&pic, port, v);
}

static uint8_t in(uint16_t port)
{
	return vpic_io_read(&pic, port);
}

/* What Linux's init_8259A() writes (ICW4 0x01, or 0x03 for auto-EOI). */
static void linux_init(uint8_t icw4)
{
	out(0x21, 0xff);
	out(0xa1, 0xff);
	out(0x20, 0x11);
	out(0x21, 0x30);
	out(0x21, 0x04);
	out(0x21, icw4);
	out(0xa0, 0x11);
	out(0xa1, 0x38);
	out(0xa1, 0x02);
	out(0xa1, icw4 & ~0x10);
	out(0x21, 0x00);
	out(0xa1, 0x00);
}

static int setup(void **state)
{
	(void)state;
	intr_calls = 0;
	intr_level = false;
	vpic_init(&pic, &hooks, &pic);
	return 0;
}

static void pulse(unsigned irq)
{
	vpic_set_irq(&pic, irq, true);
	vpic_set_irq(&pic, irq, false);
}

static void test_reset_and_init_sequence(void **state)
{
	(void)state;
	assert_int_equal(in(0x21), 0xff); /* all masked at power-on */
	pulse(1);
	assert_int_equal(vpic_pending(&pic), -1);
	out(0x21, 0xfd);
	assert_int_equal(vpic_pending(&pic), 0x09); /* BIOS base 0x08 */

	linux_init(0x01);
	assert_int_equal(in(0x21), 0x00);
	assert_int_equal(in(0xa1), 0x00);
	assert_int_equal(in(0x20), 0); /* ICW1 cleared the latched edge */
	assert_int_equal(vpic_pending(&pic), -1);
	assert_false(pic.output);
	pulse(4);
	assert_int_equal(vpic_pending(&pic), 0x34);
	assert_true(intr_level);
	assert_int_equal(vpic_ack(&pic), 0x34);
	assert_false(intr_level);
	pulse(12);
	assert_int_equal(vpic_ack(&pic), 0x3c);
	/* ICW1 without IC4 skips ICW4; single mode skips ICW3. */
	out(0x20, 0x12); /* single, no ICW4 */
	out(0x21, 0x50);
	out(0x21, 0xfe); /* already OCW1 */
	assert_int_equal(in(0x21), 0xfe);
	pulse(0);
	assert_int_equal(vpic_ack(&pic), 0x50);
	pulse(10); /* no cascade in single mode */
	assert_int_equal(vpic_pending(&pic), -1);
}

static void test_priority_and_eoi(void **state)
{
	(void)state;
	linux_init(0x01);
	pulse(3);
	pulse(1);
	assert_int_equal(vpic_ack(&pic), 0x31);
	assert_int_equal(vpic_pending(&pic), -1); /* IR3 below IR1 in service */
	pulse(0);
	assert_int_equal(vpic_ack(&pic), 0x30); /* IR0 preempts */
	out(0x20, 0x0b); /* OCW3: read ISR */
	assert_int_equal(in(0x20), 0x03);
	out(0x20, 0x0a); /* read IRR */
	assert_int_equal(in(0x20), 0x08);
	out(0x20, 0x20); /* non-specific EOI: IR0 */
	assert_int_equal(vpic_pending(&pic), -1);
	out(0x20, 0x20); /* IR1 */
	assert_int_equal(vpic_ack(&pic), 0x33);
	out(0x20, 0x63); /* specific EOI IR3 */
	out(0x20, 0x0b);
	assert_int_equal(in(0x20), 0);
	out(0x20, 0x20); /* nothing in service: harmless */
	out(0x20, 0x40); /* OCW2 no-op */
	assert_int_equal(vpic_pending(&pic), -1);
	/* Nothing requested: spurious IRQ7, nothing in service. */
	assert_int_equal(vpic_ack(&pic), 0x37);
	assert_int_equal(pic.spurious, 1);
	out(0x20, 0x0b);
	assert_int_equal(in(0x20), 0);
}

static void test_masking(void **state)
{
	(void)state;
	linux_init(0x01);
	out(0x21, 0x20);
	pulse(5);
	assert_int_equal(vpic_pending(&pic), -1);
	out(0x21, 0x00); /* the latched edge waited */
	assert_int_equal(vpic_ack(&pic), 0x35);
}

static void test_cascade(void **state)
{
	(void)state;
	linux_init(0x01);
	pulse(10);
	assert_true(pic.output);
	assert_int_equal(vpic_pending(&pic), 0x3a);
	assert_int_equal(vpic_ack(&pic), 0x3a);
	out(0x20, 0x0b);
	out(0xa0, 0x0b);
	assert_int_equal(in(0x20), 0x04); /* master IR2 in service */
	assert_int_equal(in(0xa0), 0x04); /* slave IR2 (IRQ 10) */
	pulse(5);  /* below IR2: waits */
	pulse(9);  /* above IRQ 10 on the slave, but master IR2 busy */
	assert_int_equal(vpic_pending(&pic), -1);
	pulse(1);  /* above IR2: goes */
	assert_int_equal(vpic_ack(&pic), 0x31);
	out(0x20, 0x20);
	out(0xa0, 0x20); /* Linux EOIs the slave ... */
	assert_int_equal(vpic_pending(&pic), -1);
	out(0x20, 0x20); /* ... then the master */
	assert_int_equal(vpic_ack(&pic), 0x39);
	out(0xa0, 0x20);
	out(0x20, 0x20);
	assert_int_equal(vpic_ack(&pic), 0x35);
	/* Master IR2 without a slave request (a glitch): the slave's
	 * spurious IRQ 15 vector, master IR2 in service. */
	out(0x20, 0x20);
	pic.chip[0].irr |= 1u << 2;
	assert_int_equal(vpic_pending(&pic), 0x3f);
	assert_int_equal(vpic_ack(&pic), 0x3f);
	assert_int_equal(pic.spurious, 1);
	out(0x20, 0x0b);
	assert_int_equal(in(0x20), 0x04);
	/* Slave masked: its request never reaches the master. */
	out(0x20, 0x20);
	out(0xa1, 0x08);
	pulse(11);
	assert_int_equal(vpic_pending(&pic), -1);
	/* The cascade input cannot be driven from outside; nor can 16+. */
	vpic_set_irq(&pic, 2, true);
	vpic_set_irq(&pic, 16, true);
	assert_int_equal(vpic_pending(&pic), -1);
}

static void test_special_fully_nested(void **state)
{
	(void)state;
	linux_init(0x11);
	pulse(12);
	assert_int_equal(vpic_ack(&pic), 0x3c);
	pulse(9); /* higher on the slave: passes master IR2 in service */
	assert_int_equal(vpic_ack(&pic), 0x39);
}

static void test_edge_and_level(void **state)
{
	(void)state;
	linux_init(0x01);
	out(0x4d0, 0xff);
	out(0x4d1, 0xff);
	assert_int_equal(in(0x4d0), 0xf8);
	assert_int_equal(in(0x4d1), 0xde);
	/* Level IRQ 11: requests while high, even after EOI. */
	vpic_set_irq(&pic, 11, true);
	assert_int_equal(vpic_ack(&pic), 0x3b);
	out(0xa0, 0x20);
	out(0x20, 0x20);
	assert_int_equal(vpic_pending(&pic), 0x3b);
	vpic_set_irq(&pic, 11, false);
	assert_int_equal(vpic_pending(&pic), -1);
	assert_false(pic.output);
	/* Edge IRQ 4: held high requests once. */
	out(0x4d0, 0x00);
	vpic_set_irq(&pic, 4, true);
	assert_int_equal(vpic_ack(&pic), 0x34);
	out(0x20, 0x20);
	vpic_set_irq(&pic, 4, true);
	assert_int_equal(vpic_pending(&pic), -1);
	vpic_set_irq(&pic, 4, false);
	vpic_set_irq(&pic, 4, true);
	assert_int_equal(vpic_pending(&pic), 0x34);
	/* ELCR set while a level input is high: it requests at once. */
	vpic_set_irq(&pic, 6, true);
	assert_int_equal(vpic_ack(&pic), 0x34);
	out(0x20, 0x20);
	assert_int_equal(vpic_ack(&pic), 0x36);
	out(0x20, 0x20);
	assert_int_equal(vpic_pending(&pic), -1);
	out(0x4d0, 0x40);
	assert_int_equal(vpic_pending(&pic), 0x36);
	/* ICW1 with LTIM makes every input level-triggered; inputs high
	 * at ICW1 keep requesting. */
	vpic_set_irq(&pic, 6, false);
	out(0x20, 0x19);
	out(0x21, 0x30);
	out(0x21, 0x04);
	out(0x21, 0x01);
	assert_int_equal(vpic_ack(&pic), 0x34);
	vpic_set_irq(&pic, 4, false);
	out(0x20, 0x20);
	vpic_set_irq(&pic, 5, true);
	assert_int_equal(vpic_ack(&pic), 0x35);
	out(0x20, 0x20);
	assert_int_equal(vpic_ack(&pic), 0x35);
}

static void test_auto_eoi_and_rotation(void **state)
{
	(void)state;
	linux_init(0x03); /* auto-EOI */
	pulse(6);
	assert_int_equal(vpic_ack(&pic), 0x36);
	out(0x20, 0x0b);
	assert_int_equal(in(0x20), 0); /* never in service */
	pulse(7);
	assert_int_equal(vpic_ack(&pic), 0x37);
	/* Rotate in auto-EOI: the IR just served becomes the lowest. */
	out(0x20, 0x80);
	pulse(3);
	pulse(5);
	assert_int_equal(vpic_ack(&pic), 0x33);
	assert_int_equal(pic.chip[0].top, 4);
	pulse(3);
	assert_int_equal(vpic_ack(&pic), 0x35); /* 5 now outranks 3 */
	assert_int_equal(vpic_ack(&pic), 0x33);
	out(0x20, 0x00); /* rotate in auto-EOI off */
	pulse(1);
	vpic_ack(&pic);
	assert_int_equal(pic.chip[0].top, 4);
}

static void test_rotation_commands(void **state)
{
	(void)state;
	linux_init(0x01);
	out(0x20, 0xc4); /* set priority: IR4 lowest, IR5 highest */
	pulse(4);
	pulse(6);
	pulse(5);
	assert_int_equal(vpic_ack(&pic), 0x35);
	out(0x20, 0xa0); /* rotate on non-specific EOI: IR5 lowest */
	assert_int_equal(pic.chip[0].top, 6);
	assert_int_equal(vpic_ack(&pic), 0x36);
	out(0x20, 0xe6); /* rotate on specific EOI of IR6 */
	assert_int_equal(pic.chip[0].top, 7);
	assert_int_equal(vpic_ack(&pic), 0x34);
	out(0x20, 0x64);
	out(0x20, 0x0b);
	assert_int_equal(in(0x20), 0);
}

static void test_poll_and_special_mask(void **state)
{
	(void)state;
	linux_init(0x01);
	out(0x20, 0x0c); /* poll */
	assert_int_equal(in(0x20), 0); /* nothing */
	pulse(3);
	out(0x20, 0x0c);
	assert_int_equal(in(0x20), 0x83);
	out(0x20, 0x0b);
	assert_int_equal(in(0x20), 0x08); /* poll put IR3 in service */
	/* IR3 in service blocks IR5 ... */
	pulse(5);
	assert_int_equal(vpic_pending(&pic), -1);
	/* ... unless IR3 is masked in special mask mode. */
	out(0x21, 0x08);
	out(0x20, 0x68);
	assert_int_equal(vpic_ack(&pic), 0x35);
	out(0x20, 0x48); /* leave special mask mode */
	out(0x20, 0x65);
	pulse(6);
	assert_int_equal(vpic_pending(&pic), -1);
	assert_true(intr_calls >= 4);
}

static void test_bad_ports(void **state)
{
	(void)state;
	assert_int_equal(in(0x22), 0xff);
	out(0x22, 0);
	out(0x4d2, 0xff);
	assert_int_equal(in(0x4d0), 0);
	assert_int_equal(in(0x21), 0xff);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_reset_and_init_sequence),
		T(test_priority_and_eoi),
		T(test_masking),
		T(test_cascade),
		T(test_special_fully_nested),
		T(test_edge_and_level),
		T(test_auto_eoi_and_rotation),
		T(test_rotation_commands),
		T(test_poll_and_special_mask),
		T(test_bad_ports),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
