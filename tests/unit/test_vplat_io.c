// UNIT-SOURCES: guest/vpc/vplat_io.c guest/vpc/iomap.c guest/dev/vuart.c
/* The virtual PC's port dispatch (guest/vpc/vplat_io.c) with the real
 * 16550 model and the other devices stubbed: a COM1 byte access does not
 * make the next entry look at every interrupt source (its interrupt goes
 * through its line), while the PIC's ports and wider accesses still do;
 * THR bytes reach the VM's console, LSR reads the ready bits. */
#include "guest/vpc/vplat.h"
#include "tests/unit/fakes.h"
#include <string.h>

static struct vm vm;
static struct vm_config cfg;
static struct vplat plat;
static unsigned pic_writes, feeds;
static char tx[64];
static unsigned ntx;

/* ---- the rest of the machine ---- */
uint8_t vpic_io_read(struct vpic *pic, uint16_t port) { (void)pic; (void)port; return 0; }
void vpic_io_write(struct vpic *pic, uint16_t port, uint8_t val) { (void)pic; (void)port; (void)val; pic_writes++; }
uint8_t vpit_io_read(struct vpit *pit, uint16_t port) { (void)pit; (void)port; return 0; }
void vpit_io_write(struct vpit *pit, uint16_t port, uint8_t val) { (void)pit; (void)port; (void)val; }
uint8_t vrtc_io_read(struct vrtc *rtc, uint16_t port) { (void)rtc; (void)port; return 0; }
void vrtc_io_write(struct vrtc *rtc, uint16_t port, uint8_t val) { (void)rtc; (void)port; (void)val; }
bool vpm_io_read(struct vpm *pm, uint16_t port, unsigned size, uint32_t *val) { (void)pm; (void)port; (void)size; (void)val; return false; }
bool vpm_io_write(struct vpm *pm, uint16_t port, unsigned size, uint32_t val) { (void)pm; (void)port; (void)size; (void)val; return false; }
bool vpmtimer_io_read(const struct vpmtimer *t, uint16_t port, unsigned size, uint32_t *val) { (void)t; (void)port; (void)size; (void)val; return false; }
bool vpci_io_read(struct vpci *p, uint16_t port, unsigned size, uint32_t *val) { (void)p; (void)port; (void)size; (void)val; return false; }
bool vpci_io_write(struct vpci *p, uint16_t port, unsigned size, uint32_t val) { (void)p; (void)port; (void)size; (void)val; return false; }
uint32_t vioapic_mmio_read(struct vioapic *io, uint32_t offset) { (void)io; (void)offset; return 0; }
void vioapic_mmio_write(struct vioapic *io, uint32_t offset, uint32_t val) { (void)io; (void)offset; (void)val; }
uint32_t vlapic_mmio_read(struct vlapic *l, uint32_t offset) { (void)l; (void)offset; return 0; }
void vlapic_mmio_write(struct vlapic *l, uint32_t offset, uint32_t val) { (void)l; (void)offset; (void)val; }
int vlapic_rdmsr(struct vlapic *l, uint32_t msr, uint64_t *val) { (void)l; (void)msr; *val = 0; return 0; }
int vlapic_wrmsr(struct vlapic *l, uint32_t msr, uint64_t val) { (void)l; (void)msr; (void)val; return 0; }
uint64_t hw_tsc_offset(struct hw_vcpu *hw) { (void)hw; return 0; }
void vplat_pit_changed(struct vplat *p) { (void)p; }
void vplat_feed_uart(struct vplat *p) { (void)p; feeds++; }
void vm_exit(struct vm *v, int code) { (void)v; (void)code; }

static void tx_hook(void *ctx, uint8_t byte)
{
	assert_ptr_equal(ctx, &plat);
	assert_true(ntx < sizeof(tx));
	tx[ntx++] = (char)byte;
}

static void irq_hook(void *ctx, bool level)
{
	(void)ctx;
	(void)level;
}

static const struct vuart_hooks uart_hooks = { .tx = tx_hook, .irq = irq_hook };

static int setup(void **state)
{
	(void)state;
	memset(&vm, 0, sizeof(vm));
	memset(&cfg, 0, sizeof(cfg));
	memset(&plat, 0, sizeof(plat));
	cfg.platform = true;
	vm.cfg = &cfg;
	vm.plat = &plat;
	vm.nr_vcpus = 1;
	vm.vcpu[0].vm = &vm;
	vm.state = VM_RUNNING;
	plat.vm = &vm;
	spin_init(&plat.lock);
	vuart_init(&plat.uart, &uart_hooks, &plat);
	assert_int_equal(vplat_map_io(&plat), 0);
	pic_writes = feeds = ntx = 0;
	return 0;
}

static bool rechecks(void)
{
	uint32_t any = __atomic_exchange_n(&vm.vcpu[0].virq.any, 0, __ATOMIC_SEQ_CST);

	return any & VIRQ_ANY_RECHECK;
}

static void test_com1_bytes_no_recheck(void **state)
{
	uint32_t val;

	(void)state;
	for (const char *s = "hi\n"; *s; s++) {
		val = (uint8_t)*s;
		assert_int_equal(vplat_io(&vm.vcpu[0], 0x3f8, 1, false, &val),
				 ACT_RESUME_ADVANCE);
		assert_false(rechecks());
	}
	assert_int_equal(ntx, 3);
	assert_memory_equal(tx, "hi\n", 3);
	assert_int_equal(vplat_io(&vm.vcpu[0], 0x3fd, 1, true, &val),
			 ACT_RESUME_ADVANCE);
	assert_int_equal(val & 0x60, 0x60); /* THRE, TEMT */
	assert_false(rechecks());
	/* Every access still lets queued console input in. */
	assert_int_equal(feeds, 4);
}

static void test_pic_and_wide_recheck(void **state)
{
	uint32_t val = 0xff;

	(void)state;
	vplat_io(&vm.vcpu[0], 0x21, 1, false, &val); /* the PIC's mask */
	assert_int_equal(pic_writes, 1);
	assert_true(rechecks());
	/* A word at COM1 is not a byte access: looked at as before. */
	val = 0;
	vplat_io(&vm.vcpu[0], 0x3f8, 2, true, &val);
	assert_true(rechecks());
	/* Nothing decodes the port: as before too. */
	vplat_io(&vm.vcpu[0], 0x2f8, 1, true, &val);
	assert_true(rechecks());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_com1_bytes_no_recheck, setup),
		cmocka_unit_test_setup(test_pic_and_wide_recheck, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
