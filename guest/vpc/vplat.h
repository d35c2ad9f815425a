/* The virtual PC of a VM ("platform = pc"): a local APIC per vCPU, an
 * IOAPIC, two 8259s, the 8254, RTC/CMOS, the ACPI PM timer and PM1
 * registers, COM1 as a 16550 with its interrupt, a PCI host bridge and the
 * reset/power-off/debug-exit ports.  The device models are pure state
 * machines (guest/v*.c); this file ties them to vCPUs, time and the exit
 * handlers.  docs/guest-platform.md describes what a guest sees.
 *
 * Threads: a vCPU's LAPIC is touched only by that vCPU's thread (plus the
 * atomic interrupt acceptance of guest/dev/vlapic.h).  The shared devices are
 * under vplat.lock.  Timers: each vCPU has one deadline (its LAPIC timer;
 * vCPU 0 also carries the PIT and the UART), checked at VM entry and by
 * the VMX-preemption timer while it runs, and by a scheduler timer
 * (vplat_vcpu_blocked) while it waits in HLT. */
#ifndef GUEST_VPLAT_H
#define GUEST_VPLAT_H

#include "guest/vm/vm.h"
#include "guest/dev/vlapic.h"
#include "guest/dev/vioapic.h"
#include "guest/dev/vpic.h"
#include "guest/dev/vpit.h"
#include "guest/dev/vrtc.h"
#include "guest/dev/vpmtimer.h"
#include "guest/dev/vuart.h"
#include "guest/dev/vpci.h"
#include "guest/dev/vpm.h"
#include "guest/vpc/map.h"
#include "guest/vpc/iomap.h"
#include "lib/spinlock.h"
#include "sched/timer.h"

#define VPLAT_NO_DEADLINE UINT64_MAX
#define VPLAT_INQ_SIZE 512
#define VPLAT_INPUT_HOLD_DIV 20 /* receive interrupt on for 1/20 s first */

/* What a port write asked for, carried out once the device lock is
 * dropped. */
enum vplat_action {
	VPLAT_ACT_NONE,
	VPLAT_ACT_POWEROFF,
	VPLAT_ACT_RESET,
	VPLAT_ACT_DEBUG_EXIT,
};

/* What the VM's owner does when the guest asks the platform to reset or
 * power off (guest/vm.c): called on the vCPU's thread with no platform
 * lock held; the result is the exit's. */
struct vplat_hooks {
	enum vcpu_action (*reset)(struct vcpu *v, const char *why);
	enum vcpu_action (*poweroff)(struct vcpu *v);
};

struct vplat {
	struct vm *vm;
	const struct vplat_hooks *hooks;
	struct vpc_iomap iomap; /* filled by vplat_map_io(), then read-only */
	struct spinlock lock; /* everything below but the LAPICs */
	struct vlapic_bus bus;
	struct vlapic lapic[VM_MAX_VCPUS];
	struct vioapic ioapic;
	struct vpic pic;
	struct vpit pit;
	struct vrtc rtc;
	struct vpmtimer pmtimer;
	struct vuart uart;
	struct vpci pci;
	struct vpm pm;
	uint64_t tsc_hz;
	uint64_t pit_deadline;  /* channel 0's next edge (vCPU 0's timer) */
	uint64_t lapic_deadline[VM_MAX_VCPUS];
	/* Console input waiting for room in the UART's receiver. */
	uint8_t inq[VPLAT_INQ_SIZE];
	unsigned inq_head, inq_len;
	uint64_t input_at; /* TSC from which input may go in (vCPU 0's timer) */
	/* Wakes a vCPU halted in HLT at its deadline (vplat_vcpu_blocked). */
	struct sched_timer wake[VM_MAX_VCPUS];
	enum vplat_action action;
	const char *action_why;
	uint32_t action_status;
};

static inline struct vlapic *vcpu_vlapic(struct vcpu *v)
{
	return v->vm->plat ? &v->vm->plat->lapic[v->id] : NULL;
}

/* Create/free the devices of vm (vm->cfg->platform).  0 or -1. */
int vplat_create(struct vm *vm, const struct vplat_hooks *hooks);
void vplat_destroy(struct vm *vm);
/* Power-on state again (restart after a guest reset). */
void vplat_reset(struct vm *vm);

/* At VM entry (vCPU thread): fire expired timers, then the vector the
 * vCPU would take next, or -1.  vplat_ack_irq() takes it (IRR -> ISR, or
 * the PIC's acknowledge cycle) and returns the vector to inject.  With
 * APIC virtualization (vm->apicv) only the PIC's: the CPU delivers the
 * LAPIC's. */
int vplat_next_irq(struct vcpu *v, uint64_t now);
int vplat_ack_irq(struct vcpu *v);
/* Before running a vCPU: applies a pending INIT or SIPI.  Returns -1
 * while it waits for a start-up IPI (it stays blocked), 1 when it starts
 * now from *st (real mode at the SIPI page), 0 to run on as it is. */
int vplat_vcpu_start(struct vcpu *v, struct vcpu_init_state *st);
/* A PIT port write may have moved channel 0's next edge. */
void vplat_pit_changed(struct vplat *p);
/* Move queued console input into the UART; caller holds p->lock. */
void vplat_feed_uart(struct vplat *p);
/* HLT: is there anything that would end it now? */
bool vplat_wakeup_pending(struct vcpu *v);
/* Nearest timer deadline of a vCPU (VPLAT_NO_DEADLINE for none). */
uint64_t vplat_deadline(const struct vcpu *v);
/* Scheduler side, on the vCPU's pCPU: it blocked (HLT), so arm its
 * wake-up timer on pCPU 'cpu' for its deadline; it runs again, so the
 * timer is not needed.  A deadline that changes while it waits re-arms
 * the timer (console input for vCPU 0); a PIT change wakes vCPU 0. */
void vplat_vcpu_blocked(struct vcpu *v, unsigned cpu);
/* An IOAPIC pin is routed, unmasked, to deliver an NMI, INIT or SMI: a
 * device may still wake vCPUs that only such an event can wake. */
bool vplat_may_wake(struct vm *vm);
void vplat_vcpu_running(struct vcpu *v);

/* Print the state of every virtual PC (cmdline vmstats=N). */
void vplat_dump_all(void);

/* Register every device's ports and pages in p->iomap (at creation). */
int vplat_map_io(struct vplat *p);

/* Exit handlers. */
enum vcpu_action vplat_io(struct vcpu *v, uint16_t port, unsigned size,
			  bool in, uint32_t *val);
/* Device pages: the vCPU's LAPIC page (xAPIC mode) and p->iomap's. */
bool vplat_is_mmio(struct vcpu *v, gpa_t gpa);
/* One access of 'len' (1, 2, 4 or 8) bytes within a device page, for
 * the instruction emulator (guest/exit/mmio.c); nonzero stops the VM. */
int vplat_mmio_read(struct vcpu *v, gpa_t gpa, unsigned len, uint64_t *val);
int vplat_mmio_write(struct vcpu *v, gpa_t gpa, unsigned len, uint64_t val);
/* MSRs of the LAPIC (APIC_BASE, TSC_DEADLINE, x2APIC): true if handled,
 * *gp set when the access must raise #GP. */
bool vplat_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val, bool *gp);
bool vplat_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val, bool *gp);

/* A line of the ISA bus (PIC input and IOAPIC pin, IRQ 0 on pin 2);
 * caller holds plat->lock. */
void vplat_isa_irq(struct vplat *p, unsigned irq, bool level);
/* Console input for the VM's UART (any pCPU): queued, and passed on
 * while the guest has its receive interrupt enabled and the FIFO has
 * room.  False when the queue is full. */
bool vplat_console_input(struct vm *vm, uint8_t byte);

#endif
