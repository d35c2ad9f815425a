/* The virtual PC's ports, device pages and LAPIC MSRs: which model owns
 * which access (docs/guest-platform.md has the map). */
#include "guest/vpc/vplat.h"
#include "guest/exit/mmio.h"
#include "arch-x86/cpu.h"
#include "lib/printk.h"

#define COM1_PORTS 8
#define POST_PORT 0x80

static uint32_t all_ones(unsigned size)
{
	return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

/* Byte-wide devices see wider accesses as consecutive bytes. */
typedef uint8_t (*byte_rd)(struct vplat *p, uint16_t port);
typedef void (*byte_wr)(struct vplat *p, uint16_t port, uint8_t val);

static uint8_t pic_rd(struct vplat *p, uint16_t port)
{
	return vpic_io_read(&p->pic, port);
}

static void pic_wr(struct vplat *p, uint16_t port, uint8_t val)
{
	vpic_io_write(&p->pic, port, val);
}

static uint8_t pit_rd(struct vplat *p, uint16_t port)
{
	return vpit_io_read(&p->pit, port);
}

static void pit_wr(struct vplat *p, uint16_t port, uint8_t val)
{
	vpit_io_write(&p->pit, port, val);
	vplat_pit_changed(p);
}

static uint8_t rtc_rd(struct vplat *p, uint16_t port)
{
	return vrtc_io_read(&p->rtc, port);
}

static void rtc_wr(struct vplat *p, uint16_t port, uint8_t val)
{
	vrtc_io_write(&p->rtc, port, val);
}

static uint8_t uart_rd(struct vplat *p, uint16_t port)
{
	uint8_t val = vuart_read(&p->uart, port - VPLAT_COM1_BASE);

	vplat_feed_uart(p);
	return val;
}

static void uart_wr(struct vplat *p, uint16_t port, uint8_t val)
{
	vuart_write(&p->uart, port - VPLAT_COM1_BASE, val);
	vplat_feed_uart(p);
}

static bool byte_device(uint16_t port, byte_rd *rd, byte_wr *wr)
{
	switch (port) {
	case VPIC_MASTER_CMD:
	case VPIC_MASTER_DATA:
	case VPIC_SLAVE_CMD:
	case VPIC_SLAVE_DATA:
	case VPIC_ELCR_MASTER:
	case VPIC_ELCR_SLAVE:
		*rd = pic_rd;
		*wr = pic_wr;
		return true;
	case VPIT_PORT_CH0:
	case VPIT_PORT_CH0 + 1:
	case VPIT_PORT_CH0 + 2:
	case VPIT_PORT_CTRL:
	case VPIT_PORT_NMI_SC:
		*rd = pit_rd;
		*wr = pit_wr;
		return true;
	case VRTC_PORT_INDEX:
	case VRTC_PORT_DATA:
		*rd = rtc_rd;
		*wr = rtc_wr;
		return true;
	default:
		if (port >= VPLAT_COM1_BASE && port < VPLAT_COM1_BASE + COM1_PORTS) {
			*rd = uart_rd;
			*wr = uart_wr;
			return true;
		}
		return false;
	}
}

static void io_locked(struct vplat *p, uint16_t port, unsigned size, bool in,
		      uint32_t *val)
{
	byte_rd rd;
	byte_wr wr;

	if (in && vpmtimer_io_read(&p->pmtimer, port, size, val))
		return;
	if (in ? vpci_io_read(&p->pci, port, size, val)
	       : vpci_io_write(&p->pci, port, size, *val))
		return;
	if (in ? vpm_io_read(&p->pm, port, size, val)
	       : vpm_io_write(&p->pm, port, size, *val))
		return;
	if (in)
		*val = all_ones(size);
	for (unsigned i = 0; i < size; i++) {
		uint16_t pt = (uint16_t)(port + i);

		if (!byte_device(pt, &rd, &wr))
			continue;
		if (in) {
			*val &= ~(0xffu << (i * 8));
			*val |= (uint32_t)rd(p, pt) << (i * 8);
		} else {
			wr(p, pt, (uint8_t)(*val >> (i * 8)));
		}
	}
}

static enum vcpu_action carry_out(struct vcpu *v, enum vplat_action act,
				  const char *why, uint32_t status)
{
	struct vm *vm = v->vm;

	switch (act) {
	case VPLAT_ACT_POWEROFF:
		return vm_guest_poweroff(v);
	case VPLAT_ACT_DEBUG_EXIT:
		pr_info("vm %s: debug-exit port: status %u\n", vm->name, status);
		vm_exit(vm, (int)status);
		return ACT_KILL_VM;
	case VPLAT_ACT_RESET:
		return vm_guest_reset(v, why);
	default:
		return ACT_RESUME_ADVANCE;
	}
}

enum vcpu_action vplat_io(struct vcpu *v, uint16_t port, unsigned size,
			  bool in, uint32_t *val)
{
	struct vplat *p = v->vm->plat;
	enum vplat_action act;
	const char *why;
	uint32_t status;

	if (port == POST_PORT) {
		if (in)
			*val = all_ones(size);
		return ACT_RESUME_ADVANCE;
	}
	spin_lock(&p->lock);
	io_locked(p, port, size, in, val);
	act = p->action;
	why = p->action_why;
	status = p->action_status;
	p->action = VPLAT_ACT_NONE;
	spin_unlock(&p->lock);
	/* An EOI to the PIC, an unmask: look for interrupts again. */
	__atomic_store_n(&v->virq.any, 1, __ATOMIC_SEQ_CST);
	return carry_out(v, act, why, status);
}

/* ---- device pages ---- */

static bool in_page(gpa_t gpa, uint64_t base)
{
	return (gpa & ~(gpa_t)(PAGE_SIZE - 1)) == base;
}

bool vplat_is_mmio(struct vcpu *v, gpa_t gpa)
{
	struct vlapic *l = vcpu_vlapic(v);

	return in_page(gpa, VPLAT_IOAPIC_BASE) ||
	       (vlapic_xapic(l) && in_page(gpa, vlapic_mmio_base(l)));
}

/* 32-bit registers; narrower or unaligned accesses see part of one. */
static int dev_read(struct vcpu *v, gpa_t gpa, unsigned len, uint64_t *val)
{
	struct vplat *p = v->vm->plat;
	uint32_t off = gpa & (PAGE_SIZE - 1), reg = off & ~3u, r;

	if (in_page(gpa, VPLAT_IOAPIC_BASE)) {
		spin_lock(&p->lock);
		r = vioapic_mmio_read(&p->ioapic, reg);
		spin_unlock(&p->lock);
	} else {
		r = vlapic_mmio_read(&p->lapic[v->id], reg & ~0xfu);
	}
	*val = len == 8 ? r : (r >> ((off & 3) * 8)) & (len >= 4 ? 0xffffffffu
							   : (1u << (len * 8)) - 1);
	return 0;
}

static int dev_write(struct vcpu *v, gpa_t gpa, unsigned len, uint64_t val)
{
	struct vplat *p = v->vm->plat;
	uint32_t off = gpa & (PAGE_SIZE - 1);

	if (len < 4 || (off & 3))
		return 0; /* ignored, like the chips do */
	if (in_page(gpa, VPLAT_IOAPIC_BASE)) {
		spin_lock(&p->lock);
		vioapic_mmio_write(&p->ioapic, off, (uint32_t)val);
		spin_unlock(&p->lock);
	} else {
		vlapic_mmio_write(&p->lapic[v->id], off, (uint32_t)val);
	}
	return 0;
}

static const struct mmio_dev_ops dev_ops = { .read = dev_read, .write = dev_write };

enum vcpu_action vplat_mmio(struct vcpu *v, gpa_t gpa, bool write)
{
	enum vcpu_action act = mmio_emulate(v, gpa, write, &dev_ops);

	/* EOI, TPR, an unmasked pin: interrupts may have become
	 * deliverable. */
	__atomic_store_n(&v->virq.any, 1, __ATOMIC_SEQ_CST);
	return act;
}

/* ---- MSRs ---- */

static bool lapic_msr(uint32_t msr)
{
	return msr == VLAPIC_MSR_APIC_BASE || msr == VLAPIC_MSR_TSC_DEADLINE ||
	       (msr >= VLAPIC_MSR_X2APIC_FIRST && msr <= VLAPIC_MSR_X2APIC_LAST);
}

bool vplat_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val, bool *gp)
{
	if (!v->vm->plat || !lapic_msr(msr))
		return false;
	*gp = vlapic_rdmsr(vcpu_vlapic(v), msr, val) == VLAPIC_GP;
	return true;
}

bool vplat_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val, bool *gp)
{
	if (!v->vm->plat || !lapic_msr(msr))
		return false;
	*gp = vlapic_wrmsr(vcpu_vlapic(v), msr, val) == VLAPIC_GP;
	__atomic_store_n(&v->virq.any, 1, __ATOMIC_SEQ_CST);
	return true;
}
