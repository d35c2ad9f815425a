/* The virtual PC's ports and device pages: each device registers its
 * ranges in p->iomap when the platform is created, and every access goes
 * to the range that holds it (guest/vpc/map.h has the map,
 * docs/guest-platform.md what a guest sees); the LAPIC MSRs. */
#include "guest/vpc/vplat.h"
#include "arch-x86/cpu.h"
#include "lib/printk.h"

static uint32_t all_ones(unsigned size)
{
	return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

/* ---- port handlers (under p->lock but for VPC_PIO_LOCKLESS) ----
 * Byte-wide devices (VPC_PIO_BYTES) see size 1 only. */

static bool pic_in(void *dev, uint16_t port, unsigned size, uint32_t *val)
{
	(void)size;
	*val = vpic_io_read(dev, port);
	return true;
}

static bool pic_out(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	(void)size;
	vpic_io_write(dev, port, (uint8_t)val);
	return true;
}

static bool pit_in(void *dev, uint16_t port, unsigned size, uint32_t *val)
{
	struct vplat *p = dev;

	(void)size;
	*val = vpit_io_read(&p->pit, port);
	return true;
}

static bool pit_out(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	struct vplat *p = dev;

	(void)size;
	vpit_io_write(&p->pit, port, (uint8_t)val);
	vplat_pit_changed(p);
	return true;
}

static bool rtc_in(void *dev, uint16_t port, unsigned size, uint32_t *val)
{
	(void)size;
	*val = vrtc_io_read(dev, port);
	return true;
}

static bool rtc_out(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	(void)size;
	vrtc_io_write(dev, port, (uint8_t)val);
	return true;
}

static bool uart_in(void *dev, uint16_t port, unsigned size, uint32_t *val)
{
	struct vplat *p = dev;

	(void)size;
	*val = vuart_read(&p->uart, port - VPC_COM1);
	vplat_feed_uart(p);
	/* LSR polls: the guest waits for its own transmitter. */
	console_pump();
	return true;
}

static bool uart_out(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	struct vplat *p = dev;

	(void)size;
	vuart_write(&p->uart, port - VPC_COM1, (uint8_t)val);
	vplat_feed_uart(p);
	return true;
}

static bool post_in(void *dev, uint16_t port, unsigned size, uint32_t *val)
{
	(void)dev;
	(void)port;
	*val = all_ones(size);
	return true;
}

static bool post_out(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	(void)dev;
	(void)port;
	(void)size;
	(void)val;
	return true;
}

static bool pmtimer_in(void *dev, uint16_t port, unsigned size, uint32_t *val)
{
	return vpmtimer_io_read(dev, port, size, val);
}

/* PM1 block, i8042, port 0x92, debug exit (guest/dev/vpm.h says which
 * sizes it takes). */
static bool pm_in(void *dev, uint16_t port, unsigned size, uint32_t *val)
{
	return vpm_io_read(dev, port, size, val);
}

static bool pm_out(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	return vpm_io_write(dev, port, size, val);
}

/* 0xcf8-0xcff: PCI configuration, but for a byte at 0xcf9, which the
 * PIIX decodes as its reset control register. */
static bool pci_in(void *dev, uint16_t port, unsigned size, uint32_t *val)
{
	struct vplat *p = dev;

	return vpci_io_read(&p->pci, port, size, val) ||
	       vpm_io_read(&p->pm, port, size, val);
}

static bool pci_out(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	struct vplat *p = dev;

	return vpci_io_write(&p->pci, port, size, val) ||
	       vpm_io_write(&p->pm, port, size, val);
}

/* ---- device pages ---- */

/* 32-bit registers; narrower or unaligned reads see part of one. */
static uint64_t reg_part(uint32_t r, uint64_t off, unsigned len)
{
	return len == 8 ? r : (r >> ((off & 3) * 8)) & (len >= 4 ? 0xffffffffu
							 : (1u << (len * 8)) - 1);
}

static int ioapic_read(void *dev, uint64_t off, unsigned len, uint64_t *val)
{
	struct vplat *p = dev;
	uint32_t r;

	spin_lock(&p->lock);
	r = vioapic_mmio_read(&p->ioapic, (uint32_t)off & ~3u);
	spin_unlock(&p->lock);
	*val = reg_part(r, off, len);
	return 0;
}

static int ioapic_write(void *dev, uint64_t off, unsigned len, uint64_t val)
{
	struct vplat *p = dev;

	if (len < 4 || (off & 3))
		return 0; /* ignored, like the chip does */
	spin_lock(&p->lock);
	vioapic_mmio_write(&p->ioapic, (uint32_t)off, (uint32_t)val);
	spin_unlock(&p->lock);
	return 0;
}

/* ---- the map ---- */

struct pio_dev {
	uint16_t first, count;
	unsigned flags;
	vpc_pio_in_fn in;
	vpc_pio_out_fn out;
	size_t dev; /* offset of the device in struct vplat, or SELF */
};

#define SELF ((size_t)-1) /* the handler gets the struct vplat */
#define PIO(port, n, fl, i, o, member) \
	{ (port), (n), (fl), (i), (o), offsetof(struct vplat, member) }
#define PIO_SELF(port, n, fl, i, o) { (port), (n), (fl), (i), (o), SELF }

static const struct pio_dev pc_ports[] = {
	PIO(VPC_PIC_MASTER, VPC_PIC_PORTS, VPC_PIO_BYTES, pic_in, pic_out, pic),
	PIO(VPC_PIC_SLAVE, VPC_PIC_PORTS, VPC_PIO_BYTES, pic_in, pic_out, pic),
	PIO(VPC_ELCR, VPC_ELCR_PORTS, VPC_PIO_BYTES, pic_in, pic_out, pic),
	PIO_SELF(VPC_PIT, VPC_PIT_PORTS, VPC_PIO_BYTES, pit_in, pit_out),
	PIO_SELF(VPC_PIT_NMI_SC, 1, VPC_PIO_BYTES, pit_in, pit_out),
	PIO(VPC_RTC, VPC_RTC_PORTS, VPC_PIO_BYTES, rtc_in, rtc_out, rtc),
	/* The 16550's interrupt goes through its line (vplat_isa_irq); a
	 * console byte must not cost a look at every interrupt source. */
	PIO_SELF(VPC_COM1, VPC_COM1_PORTS, VPC_PIO_BYTES | VPC_PIO_NO_RECHECK,
		 uart_in, uart_out),
	PIO_SELF(VPC_POST, 1, VPC_PIO_LOCKLESS, post_in, post_out),
	PIO(VPC_KBC_DATA, 1, 0, pm_in, pm_out, pm),
	PIO(VPC_KBC_CMD, 1, 0, pm_in, pm_out, pm),
	PIO(VPC_SYSCTL_A, 1, 0, pm_in, pm_out, pm),
	PIO(VPC_PM, VPC_PM_PORTS, 0, pm_in, pm_out, pm),
	PIO(VPC_PM_TMR, VPC_PM_TMR_PORTS, 0, pmtimer_in, NULL, pmtimer),
	PIO_SELF(VPC_PCI, VPC_PCI_PORTS, 0, pci_in, pci_out),
};

static void *dev_of(struct vplat *p, const struct pio_dev *d)
{
	return d->dev == SELF ? (void *)p : (void *)((char *)p + d->dev);
}

int vplat_map_io(struct vplat *p)
{
	struct vpc_iomap *m = &p->iomap;
	struct vpc_mmio_range ioapic = {
		.base = VPC_IOAPIC_BASE, .size = VPC_IOAPIC_SIZE,
		.read = ioapic_read, .write = ioapic_write, .dev = p,
	};
	int err = 0;

	vpc_iomap_init(m);
	for (unsigned i = 0; i < ARRAY_SIZE(pc_ports) && !err; i++) {
		const struct pio_dev *d = &pc_ports[i];
		struct vpc_pio_range r = {
			.first = d->first, .last = (uint16_t)(d->first + d->count - 1),
			.flags = d->flags, .in = d->in, .out = d->out,
			.dev = dev_of(p, d),
		};

		err = vpc_pio_register(m, &r);
	}
	if (!err && p->vm->cfg->debug_exit) {
		struct vpc_pio_range r = {
			.first = VPC_DEBUG_EXIT,
			.last = VPC_DEBUG_EXIT + VPC_DEBUG_EXIT_PORTS - 1,
			.in = pm_in, .out = pm_out, .dev = &p->pm,
		};

		err = vpc_pio_register(m, &r);
	}
	if (!err)
		err = vpc_mmio_register(m, &ioapic);
	return err;
}

/* ---- port dispatch ---- */

/* What no device took as a whole goes to the byte-wide devices byte by
 * byte; bytes nothing decodes read as all ones, like an empty ISA bus. */
static void io_bytes(struct vplat *p, const struct vpc_pio_range *r,
		     uint16_t port, unsigned size, bool in, uint32_t *val)
{
	if (in)
		*val = all_ones(size);
	for (unsigned i = 0; i < size; i++) {
		uint16_t pt = (uint16_t)(port + i);
		uint32_t byte;

		if (i)
			r = vpc_pio_find(&p->iomap, pt);
		if (!r || !(r->flags & VPC_PIO_BYTES))
			continue;
		if (!in) {
			r->out(r->dev, pt, 1, (uint8_t)(*val >> (i * 8)));
		} else if (r->in(r->dev, pt, 1, &byte)) {
			*val &= ~(0xffu << (i * 8));
			*val |= (byte & 0xff) << (i * 8);
		}
	}
}

static void io_locked(struct vplat *p, const struct vpc_pio_range *r,
		      uint16_t port, unsigned size, bool in, uint32_t *val)
{
	if (r && !(r->flags & VPC_PIO_BYTES)) {
		if (in ? r->in && r->in(r->dev, port, size, val)
		       : r->out && r->out(r->dev, port, size, *val))
			return;
	}
	io_bytes(p, r, port, size, in, val);
}

static enum vcpu_action carry_out(struct vcpu *v, enum vplat_action act,
				  const char *why, uint32_t status)
{
	struct vm *vm = v->vm;
	const struct vplat_hooks *h = vm->plat->hooks;

	switch (act) {
	case VPLAT_ACT_POWEROFF:
		return h->poweroff(v);
	case VPLAT_ACT_DEBUG_EXIT:
		pr_info("vm %s: debug-exit port: status %u\n", vm->name, status);
		vm_exit(vm, (int)status);
		return ACT_KILL_VM;
	case VPLAT_ACT_RESET:
		return h->reset(v, why);
	default:
		return ACT_RESUME_ADVANCE;
	}
}

enum vcpu_action vplat_io(struct vcpu *v, uint16_t port, unsigned size,
			  bool in, uint32_t *val)
{
	struct vplat *p = v->vm->plat;
	const struct vpc_pio_range *r = vpc_pio_find(&p->iomap, port);
	enum vplat_action act;
	const char *why;
	uint32_t status;

	if (r && (r->flags & VPC_PIO_LOCKLESS)) {
		io_locked(p, r, port, size, in, val);
		return ACT_RESUME_ADVANCE;
	}
	spin_lock(&p->lock);
	io_locked(p, r, port, size, in, val);
	act = p->action;
	why = p->action_why;
	status = p->action_status;
	p->action = VPLAT_ACT_NONE;
	spin_unlock(&p->lock);
	/* An EOI to the PIC, an unmask: look for interrupts again. */
	if (!r || !(r->flags & VPC_PIO_NO_RECHECK) || size != 1)
		vcpu_recheck(v);
	return carry_out(v, act, why, status);
}

/* ---- device-page dispatch ---- */

/* The page at the vCPU's APIC base stays the LAPIC's in every mode.  Out
 * of xAPIC mode (globally disabled, or x2APIC) the SDM says the processor
 * acts as one without an APIC there (vol. 3 11.4.3, 11.12.1): the access
 * goes to a bus where nothing answers, so reads are all ones and writes
 * are dropped, as for the ports nothing decodes.  It used to be an EPT
 * violation that stopped the VM (found by fuzz_dev with apicv=off; with
 * APIC virtualization the page was always mapped). */
static bool lapic_page(struct vcpu *v, gpa_t gpa)
{
	return (gpa & ~(gpa_t)(PAGE_SIZE - 1)) == vlapic_mmio_base(vcpu_vlapic(v));
}

bool vplat_is_mmio(struct vcpu *v, gpa_t gpa)
{
	return vpc_mmio_find(&v->vm->plat->iomap, gpa) || lapic_page(v, gpa);
}

/* The table's pages first (they win over a LAPIC moved onto them), then
 * the vCPU's own LAPIC, which is not in the shared table: its page moves
 * with the vCPU's IA32_APIC_BASE (and APICv's APIC-access exits arrive
 * at the default base). */
int vplat_mmio_read(struct vcpu *v, gpa_t gpa, unsigned len, uint64_t *val)
{
	const struct vpc_mmio_range *r = vpc_mmio_find(&v->vm->plat->iomap, gpa);
	uint32_t off = gpa & (PAGE_SIZE - 1);
	int err = 0;

	if (r)
		err = r->read(r->dev, gpa - r->base, len, val);
	else if (!vlapic_xapic(vcpu_vlapic(v)))
		*val = len >= 8 ? ~0ULL : (1ULL << (len * 8)) - 1;
	else
		*val = reg_part(vlapic_mmio_read(vcpu_vlapic(v), off & ~0xfu),
				off, len);
	/* TPR, an unmasked pin: interrupts may have become deliverable. */
	vcpu_recheck(v);
	return err;
}

int vplat_mmio_write(struct vcpu *v, gpa_t gpa, unsigned len, uint64_t val)
{
	const struct vpc_mmio_range *r = vpc_mmio_find(&v->vm->plat->iomap, gpa);
	uint32_t off = gpa & (PAGE_SIZE - 1);
	int err = 0;

	if (r)
		err = r->write(r->dev, gpa - r->base, len, val);
	else if (len >= 4 && !(off & 3) && vlapic_xapic(vcpu_vlapic(v)))
		/* else ignored, like the chip or, out of xAPIC mode, the bus */
		vlapic_mmio_write(vcpu_vlapic(v), off, (uint32_t)val);
	/* EOI, TPR, an unmasked pin: interrupts may have become
	 * deliverable. */
	vcpu_recheck(v);
	return err;
}

/* ---- MSRs ---- */

static bool lapic_msr(uint32_t msr)
{
	return msr == VLAPIC_MSR_APIC_BASE || msr == VLAPIC_MSR_TSC_DEADLINE ||
	       (msr >= VLAPIC_MSR_X2APIC_FIRST && msr <= VLAPIC_MSR_X2APIC_LAST);
}

/* The LAPIC model keeps its TSC deadline in host time; the guest's TSC
 * is the host's plus the vCPU's offset (after a write to IA32_TSC).  0
 * stays 0 (disarmed); a deadline that maps to host time 0 is already in
 * the past, so 1 does the same. */
static uint64_t deadline_to_host(struct vcpu *v, uint64_t val)
{
	uint64_t host = val - vcpu_tsc_offset(v);

	return !val ? 0 : host ? host : 1;
}

bool vplat_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val, bool *gp)
{
	if (!lapic_msr(msr))
		return false;
	*gp = vlapic_rdmsr(vcpu_vlapic(v), msr, val) == VLAPIC_GP;
	if (msr == VLAPIC_MSR_TSC_DEADLINE && *val)
		*val += vcpu_tsc_offset(v);
	return true;
}

bool vplat_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val, bool *gp)
{
	if (!lapic_msr(msr))
		return false;
	if (msr == VLAPIC_MSR_TSC_DEADLINE)
		val = deadline_to_host(v, val);
	*gp = vlapic_wrmsr(vcpu_vlapic(v), msr, val) == VLAPIC_GP;
	vcpu_recheck(v);
	return true;
}
