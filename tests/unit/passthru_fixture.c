/* Shared fixture of the passthrough tests (test_passthru*.c); see
 * passthru_fixture.h. */
#include "tests/unit/passthru_fixture.h"
#include "arch-x86/desc.h"
#include "arch-x86/exception.h"
#include "lib/printk.h"

/* ---- fakes of what passthru.c and devirq.c call ----------------------- */

static irq_handler_fn handlers[NR_VECTORS];
unsigned eois;

void irq_register(unsigned vector, irq_handler_fn fn)
{
	assert_true(vector >= 32 && vector < NR_VECTORS);
	handlers[vector] = fn;
}

void lapic_eoi(void)
{
	eois++;
}

struct vm vms[NVMS];
struct vm_config cfgs[NVMS];
struct vplat plats[NVMS];
bool trapped[NVMS][65536];

/* The backend's VM state, as far as these tests need it. */
struct hw_vm {
	unsigned id;
};
static struct hw_vm hws[NVMS];

void hw_vm_io_intercept(struct hw_vm *hvm, uint16_t port, bool trap)
{
	trapped[hvm->id][port] = trap;
}

struct line_ev ev[MAX_EV];
unsigned nev;

static void log_line(const struct vplat *p, unsigned line, bool level,
		     bool ioapic_only)
{
	assert_true(nev < MAX_EV);
	/* The forwarding state is the vplat lock's. */
	assert_true(spin_is_locked((struct spinlock *)&p->lock));
	ev[nev++] = (struct line_ev){ (unsigned)(p - plats), line, level, ioapic_only };
}

/* ISA lines reach the VM's real PIC model too (and its IOAPIC, which is
 * only logged). */
void vplat_isa_irq(struct vplat *p, unsigned irq, bool level)
{
	log_line(p, irq, level, false);
	vpic_set_irq(&p->pic, irq, level);
}

void vioapic_set_irq(struct vioapic *io, unsigned pin, bool level)
{
	log_line(container_of(io, struct vplat, ioapic), pin, level, true);
}

/* The PIC's EOI hook, wired as guest/vpc/vplat.c does. */
unsigned pic_eois;

static void pic_eoi(void *ctx, unsigned irq)
{
	struct vplat *p = ctx;

	assert_true(spin_is_locked(&p->lock));
	pic_eois++;
	passthru_line_eoi(p->vm, irq);
}

static const struct vpic_hooks pic_hooks = { .eoi = pic_eoi };

/* ---- helpers ----------------------------------------------------------- */

struct acpi_info ai;

struct vm *make_vm(unsigned i, const char *name)
{
	struct vm *vm = &vms[i];

	memset(vm, 0, sizeof(*vm));
	memset(&cfgs[i], 0, sizeof(cfgs[i]));
	memset(&plats[i], 0, sizeof(plats[i]));
	vm->id = i;
	hws[i].id = i;
	vm->hw = &hws[i];
	snprintf(vm->name, sizeof(vm->name), "%s", name);
	snprintf(cfgs[i].name, sizeof(cfgs[i].name), "%s", name);
	cfgs[i].platform = true;
	vm->cfg = &cfgs[i];
	vm->plat = &plats[i];
	vm->state = VM_RUNNING;
	plats[i].vm = vm;
	spin_init(&plats[i].lock);
	vpic_init(&plats[i].pic, &pic_hooks, &plats[i]);
	for (unsigned port = 0; port < 65536; port++)
		trapped[i][port] = true;
	return vm;
}

void add_irq(unsigned i, uint16_t host, uint8_t line)
{
	cfgs[i].irqs[cfgs[i].nirqs++] = (struct vm_irq){ .host = host, .line = line };
}

void add_ports(unsigned i, uint16_t first, uint16_t last)
{
	cfgs[i].ioports[cfgs[i].nioports++] = (struct vm_ioport_range){ first, last };
}

/* The host pin of a GSI on the one fake chip. */
uint32_t rte_lo(unsigned gsi)
{
	return fake_ioapics[0].lo[gsi];
}

/* The host handler for 'vector', as the IDT would call it. */
void fire(uint8_t vector)
{
	struct exc_frame f = { .vector = vector };

	assert_non_null(handlers[vector]);
	handlers[vector](&f);
}

/* The guest's EOI of 'pin', as the virtual IOAPIC's hook passes it on
 * (guest/vpc/vplat.c): under the vplat lock. */
void guest_eoi(struct vm *vm, unsigned pin)
{
	spin_lock(&vm->plat->lock);
	passthru_line_eoi(vm, pin);
	spin_unlock(&vm->plat->lock);
}

/* The guest at its PIC ports, and the INTA of vCPU 0 (guest/vpc/vplat_io.c,
 * guest/vpc/vplat.c): under the vplat lock. */
void pic_out(struct vm *vm, uint16_t port, uint8_t val)
{
	spin_lock(&vm->plat->lock);
	vpic_io_write(&vm->plat->pic, port, val);
	spin_unlock(&vm->plat->lock);
}

int pic_inta(struct vm *vm)
{
	int vec;

	spin_lock(&vm->plat->lock);
	vec = vm->plat->pic.output ? vpic_ack(&vm->plat->pic) : -1;
	spin_unlock(&vm->plat->lock);
	return vec;
}

/* A legacy guest's 8259 set-up: vectors 0x30 and 0x38, all unmasked. */
void pic_init(struct vm *vm)
{
	static const uint8_t seq[][2] = {
		{ 0x20, 0x11 }, { 0x21, 0x30 }, { 0x21, 0x04 }, { 0x21, 0x01 },
		{ 0xa0, 0x11 }, { 0xa1, 0x38 }, { 0xa1, 0x02 }, { 0xa1, 0x01 },
		{ 0x21, 0x00 }, { 0xa1, 0x00 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(seq); i++)
		pic_out(vm, seq[i][0], seq[i][1]);
}

void expect_ev(unsigned k, unsigned vm, unsigned line, bool level,
	       bool ioapic_only)
{
	assert_true(k < nev);
	assert_int_equal(ev[k].vm, vm);
	assert_int_equal(ev[k].line, line);
	assert_int_equal(ev[k].level, level);
	assert_int_equal(ev[k].ioapic_only, ioapic_only);
}

int setup(void **state)
{
	(void)state;
	fake_ioapic_reset(&ai);
	fake_ioapic_add(&ai, 0, 2, 0xfec00000, 0, 24);
	fake_ioapic_override(&ai, 0, 2, 0);
	fake_ioapic_override(&ai, 9, 9, 0xd); /* level, active high */
	assert_int_equal(ioapic_init(&ai, &fake_ioapic_ops), 1);
	memset(handlers, 0, sizeof(handlers));
	devirq_init(0);
	eois = 0;
	pic_eois = 0;
	nev = 0;
	fake_log_reset();
	return 0;
}

int teardown(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NVMS; i++)
		if (vms[i].cfg)
			passthru_detach(&vms[i]);
	memset(vms, 0, sizeof(vms));
	return 0;
}
