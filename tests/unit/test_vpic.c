// UNIT-SOURCES: guest/dev/vpic.c
/* Virtual 8259A pair: init sequence, priorities and EOI, cascade, edge and
 * level inputs, the ELCR, the EOI hook of level inputs, auto-EOI,
 * rotation, poll and special mask modes. */
#include "guest/dev/vpic.h"
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

/* The EOI hook: which IRQs it heard of, in order; with 'eoi_drops' it
 * drops the line, as the owner of a passthrough line does. */
#define MAX_EOIS 16
static unsigned eoi_irq[MAX_EOIS];
static unsigned neois;
static bool eoi_drops;

static void h_eoi(void *ctx, unsigned irq)
{
	assert_ptr_equal(ctx, &pic);
	assert_true(neois < MAX_EOIS);
	eoi_irq[neois++] = irq;
	if (eoi_drops)
		vpic_set_irq(&pic, irq, false);
}

static const struct vpic_hooks eoi_hooks = { .intr = h_intr, .eoi = h_eoi };

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

static int setup_eoi(void **state)
{
	(void)state;
	intr_calls = 0;
	intr_level = false;
	neois = 0;
	eoi_drops = false;
	vpic_init(&pic, &eoi_hooks, &pic);
	return 0;
}

static void expect_eois(unsigned n, const unsigned *irqs)
{
	assert_int_equal(neois, n);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(eoi_irq[i], irqs[i]);
}

#define EXPECT_EOIS(...)                                                     \
	do {                                                                 \
		const unsigned want_[] = { __VA_ARGS__ };                    \
		expect_eois(ARRAY_SIZE(want_), want_);                       \
	} while (0)

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

static void test_elcr(void **state)
{
	(void)state;
	/* Power-on: every input edge-triggered. */
	assert_int_equal(in(0x4d0), 0x00);
	assert_int_equal(in(0x4d1), 0x00);
	/* IRQ 0, 1, 2 (master) and 8, 13 (slave) are always edge. */
	out(0x4d0, 0x07);
	out(0x4d1, 0x21);
	assert_int_equal(in(0x4d0), 0x00);
	assert_int_equal(in(0x4d1), 0x00);
	out(0x4d0, 0xff);
	out(0x4d1, 0xff);
	assert_int_equal(in(0x4d0), 0xf8);
	assert_int_equal(in(0x4d1), 0xde);
	/* Bits are independent and read back as written. */
	out(0x4d0, 0x28); /* IRQ 3, 5 */
	out(0x4d1, 0x0c); /* IRQ 10, 11 */
	assert_int_equal(in(0x4d0), 0x28);
	assert_int_equal(in(0x4d1), 0x0c);
	/* The init sequence leaves the ELCR alone. */
	linux_init(0x01);
	assert_int_equal(in(0x4d0), 0x28);
	assert_int_equal(in(0x4d1), 0x0c);
	/* IRQ 1 cannot be made level: held high, it requests once. */
	out(0x4d0, 0xff);
	vpic_set_irq(&pic, 1, true);
	assert_int_equal(vpic_ack(&pic), 0x31);
	out(0x20, 0x20);
	assert_int_equal(vpic_pending(&pic), -1);
	/* IRQ 3 is: held high, it requests again after the EOI. */
	vpic_set_irq(&pic, 3, true);
	assert_int_equal(vpic_ack(&pic), 0x33);
	out(0x20, 0x20);
	assert_int_equal(vpic_pending(&pic), 0x33);
	/* Back to edge: what is requested stays latched, as after a rising
	 * edge, and is taken once. */
	out(0x4d0, 0x00);
	assert_int_equal(vpic_ack(&pic), 0x33);
	out(0x20, 0x20);
	assert_int_equal(vpic_pending(&pic), -1);
	/* A reset of the virtual PC clears it. */
	out(0x4d0, 0xf8);
	vpic_init(&pic, &hooks, &pic);
	assert_int_equal(in(0x4d0), 0x00);
	assert_int_equal(in(0x4d1), 0x00);
}

static void test_eoi_hook_master(void **state)
{
	(void)state;
	linux_init(0x01);
	out(0x4d0, 0x28); /* IRQ 3 and 5 level; 4 and 6 edge */
	/* Non-specific EOI of a level IRQ: the hook hears IRQ 5, only at
	 * the EOI; the line still high requests again (as on the chip). */
	vpic_set_irq(&pic, 5, true);
	assert_int_equal(vpic_ack(&pic), 0x35);
	assert_int_equal(neois, 0);
	out(0x20, 0x20);
	EXPECT_EOIS(5);
	assert_int_equal(vpic_pending(&pic), 0x35);
	/* Specific EOI: the same. */
	assert_int_equal(vpic_ack(&pic), 0x35);
	out(0x20, 0x65);
	EXPECT_EOIS(5, 5);
	/* EOIs that find nothing (or not that IRQ) in service: silent. */
	assert_int_equal(vpic_ack(&pic), 0x35);
	out(0x20, 0x63); /* specific EOI of IRQ 3, not in service */
	out(0x20, 0x0b);
	assert_int_equal(in(0x20), 0x20);
	EXPECT_EOIS(5, 5);
	/* A hook that drops the line: the IRQ does not come back, and INT
	 * never rises in between. */
	eoi_drops = true;
	intr_calls = 0;
	out(0x20, 0x20);
	EXPECT_EOIS(5, 5, 5);
	assert_int_equal(vpic_pending(&pic), -1);
	assert_false(pic.output);
	assert_int_equal(intr_calls, 0);
	out(0x20, 0x20); /* nothing in service */
	out(0x20, 0x65);
	EXPECT_EOIS(5, 5, 5);
	/* Edge IRQ 4 and 6: no hook, whatever the EOI. */
	pulse(4);
	assert_int_equal(vpic_ack(&pic), 0x34);
	out(0x20, 0x20);
	pulse(6);
	assert_int_equal(vpic_ack(&pic), 0x36);
	out(0x20, 0x66);
	EXPECT_EOIS(5, 5, 5);
	/* Nested: the non-specific EOI ends the highest in service first. */
	vpic_set_irq(&pic, 5, true);
	assert_int_equal(vpic_ack(&pic), 0x35);
	vpic_set_irq(&pic, 3, true);
	assert_int_equal(vpic_ack(&pic), 0x33);
	out(0x20, 0x20);
	EXPECT_EOIS(5, 5, 5, 3);
	out(0x20, 0x20);
	EXPECT_EOIS(5, 5, 5, 3, 5);
	/* The rotating EOIs are EOIs too. */
	vpic_set_irq(&pic, 3, true);
	assert_int_equal(vpic_ack(&pic), 0x33);
	out(0x20, 0xa0); /* rotate on non-specific EOI */
	vpic_set_irq(&pic, 5, true);
	assert_int_equal(vpic_ack(&pic), 0x35);
	out(0x20, 0xe5); /* rotate on specific EOI */
	EXPECT_EOIS(5, 5, 5, 3, 5, 3, 5);
	assert_false(pic.output);
}

static void test_eoi_hook_slave(void **state)
{
	(void)state;
	linux_init(0x01);
	out(0x4d1, 0x0c); /* IRQ 10 and 11 level */
	eoi_drops = true;
	/* Linux's order: slave first, then master.  The hook hears IRQ 10
	 * at the slave's EOI; the master's EOI of the cascade is silent. */
	vpic_set_irq(&pic, 10, true);
	assert_int_equal(vpic_ack(&pic), 0x3a);
	out(0xa0, 0x20);
	EXPECT_EOIS(10);
	out(0x20, 0x20);
	EXPECT_EOIS(10);
	assert_int_equal(vpic_pending(&pic), -1);
	/* Specific EOIs, master first: still IRQ 11 at the slave's. */
	vpic_set_irq(&pic, 11, true);
	assert_int_equal(vpic_ack(&pic), 0x3b);
	out(0x20, 0x62);
	EXPECT_EOIS(10);
	out(0xa0, 0x63);
	EXPECT_EOIS(10, 11);
	assert_int_equal(vpic_pending(&pic), -1);
	/* Held high (a hook that does not drop it): the slave asks again
	 * once both EOIs are done. */
	eoi_drops = false;
	vpic_set_irq(&pic, 11, true);
	assert_int_equal(vpic_ack(&pic), 0x3b);
	out(0xa0, 0x20);
	assert_int_equal(vpic_pending(&pic), -1); /* master IR2 busy */
	out(0x20, 0x20);
	assert_int_equal(vpic_pending(&pic), 0x3b);
	EXPECT_EOIS(10, 11, 11);
	/* Edge IRQ 12 on the slave: nothing. */
	vpic_set_irq(&pic, 11, false);
	pulse(12);
	assert_int_equal(vpic_ack(&pic), 0x3c);
	out(0xa0, 0x20);
	out(0x20, 0x20);
	EXPECT_EOIS(10, 11, 11);
	/* The master's cascade input is not a line, even with LTIM. */
	out(0x20, 0x19);
	out(0x21, 0x30);
	out(0x21, 0x04);
	out(0x21, 0x01);
	out(0x21, 0x00);
	vpic_set_irq(&pic, 10, true);
	assert_int_equal(vpic_ack(&pic), 0x3a);
	out(0x20, 0x20);
	out(0xa0, 0x20);
	EXPECT_EOIS(10, 11, 11, 10);
}

static void test_eoi_hook_auto_eoi_and_ltim(void **state)
{
	(void)state;
	/* Auto-EOI: the end of the INTA is the EOI. */
	linux_init(0x03);
	out(0x4d0, 0x20);
	out(0x4d1, 0x08);
	eoi_drops = true;
	vpic_set_irq(&pic, 5, true);
	assert_int_equal(vpic_ack(&pic), 0x35);
	EXPECT_EOIS(5);
	assert_int_equal(vpic_pending(&pic), -1);
	vpic_set_irq(&pic, 11, true);
	assert_int_equal(vpic_ack(&pic), 0x3b);
	EXPECT_EOIS(5, 11);
	pulse(4);
	assert_int_equal(vpic_ack(&pic), 0x34);
	out(0x20, 0x20);
	EXPECT_EOIS(5, 11);
	/* Poll in auto-EOI: the read is the INTA. */
	vpic_set_irq(&pic, 5, true);
	out(0x20, 0x0c);
	assert_int_equal(in(0x20), 0x85);
	EXPECT_EOIS(5, 11, 5);
	/* ICW1 LTIM: every input is level, whatever the ELCR says. */
	out(0x4d0, 0x00);
	out(0x20, 0x19);
	out(0x21, 0x30);
	out(0x21, 0x04);
	out(0x21, 0x01);
	out(0x21, 0x00);
	vpic_set_irq(&pic, 4, true);
	assert_int_equal(vpic_ack(&pic), 0x34);
	out(0x20, 0x64);
	EXPECT_EOIS(5, 11, 5, 4);
	assert_int_equal(vpic_pending(&pic), -1);
	/* No eoi hook at all: level EOIs work as before. */
	vpic_init(&pic, &hooks, &pic);
	linux_init(0x01);
	out(0x4d0, 0x20);
	vpic_set_irq(&pic, 5, true);
	assert_int_equal(vpic_ack(&pic), 0x35);
	out(0x20, 0x20);
	assert_int_equal(vpic_pending(&pic), 0x35);
	EXPECT_EOIS(5, 11, 5, 4);
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
		T(test_elcr),
		cmocka_unit_test_setup(test_eoi_hook_master, setup_eoi),
		cmocka_unit_test_setup(test_eoi_hook_slave, setup_eoi),
		cmocka_unit_test_setup(test_eoi_hook_auto_eoi_and_ltim, setup_eoi),
		T(test_auto_eoi_and_rotation),
		T(test_rotation_commands),
		T(test_poll_and_special_mask),
		T(test_bad_ports),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
