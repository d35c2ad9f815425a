/* Host device interrupts: IOAPIC pins with an owner (a VM, through
 * guest/vpc/passthru.c), each on a host vector of its own.
 *
 * A claimed pin is routed, fixed and physical, to one CPU (the boot CPU)
 * and stays masked until its owner unmasks it.  The interrupt handler does
 * as little as it can: a level-triggered pin is masked (its line stays
 * asserted until the owner's device is serviced, so it would fire again
 * at once), the pin is marked pending and counted, the LAPIC gets its EOI.
 * The owner's function runs later, in thread context, from
 * devirq_dispatch(): right after the interrupt window of an
 * external-interrupt VM exit (vmx/exit.c) and at every turn of the
 * scheduler loop (guest/vcpu_sched.c, so also after an idle HLT).  It may take
 * the locks a handler must not (the virtual PC's, the scheduler's).
 *
 * Locks: one for the slot table, held while owners' functions run; claim
 * and release take it, the handler and devirq_mask/unmask do not (they
 * only touch the IOAPIC), so an owner may unmask from under its own
 * locks. */
#ifndef ARCH_X86_DEVIRQ_H
#define ARCH_X86_DEVIRQ_H

#include "lib/types.h"
#include "drivers/ioapic.h"

#define DEVIRQ_VEC_FIRST 0x40
#define DEVIRQ_SLOTS 64 /* vectors 0x40-0x7f: one pending mask */

typedef void (*devirq_fn)(void *ctx);

struct devirq_info {
	uint32_t gsi;
	uint8_t vector;
	struct ioapic_wiring wiring;
};

/* After ioapic_init(): install the handler on every device vector; pins
 * will be routed to the CPU with APIC ID 'dest'. */
void devirq_init(uint32_t dest);

/* Claim host IRQ 'irq' (an ISA IRQ below 16, through the MADT's
 * overrides; otherwise a GSI) for 'owner' (a name kept for messages):
 * 'fn(ctx)' runs once per dispatch after it fired.  The pin is programmed
 * and left masked.  Returns the slot (>= 0), or -ENOENT (no IOAPIC pin),
 * -EBUSY (*busy names the owner), -ENOSPC (no vector left), -EINVAL (the
 * CPU cannot be addressed). */
int devirq_claim(unsigned irq, devirq_fn fn, void *ctx, const char *owner,
		 struct devirq_info *info, const char **busy);
/* The same for a PCI function's INTx on host IRQ 'irq' (the interrupt
 * line register): the pin is programmed as ioapic_pci_wiring() says
 * (level, active low without an override), whatever its ISA number. */
int devirq_claim_intx(unsigned irq, devirq_fn fn, void *ctx, const char *owner,
		      struct devirq_info *info, const char **busy);
/* A vector for message-signalled interrupts (MSI, MSI-X): no pin, the
 * device's message names the vector (info->vector) and the CPU with APIC
 * ID devirq_dest().  Slot, or -ENOSPC.  Mask and unmask do nothing for
 * it (the owner masks at the device); release frees it. */
#define DEVIRQ_NO_GSI 0xffffffffu
int devirq_claim_msi(devirq_fn fn, void *ctx, const char *owner,
		     struct devirq_info *info);
uint32_t devirq_dest(void);
void devirq_unmask(int slot);
void devirq_mask(int slot);
/* Mask the pin and forget the owner; a pending dispatch is dropped. */
void devirq_release(int slot);
/* Interrupts the handler took on this slot since it was claimed. */
uint64_t devirq_count(int slot);

/* Run the owners of pins that fired (thread context, no locks held). */
void devirq_dispatch(void);

/* One function devirq_dispatch() also calls every time (before the
 * pins' owners), for sources that are polled rather than wired: the
 * VT-d fault records of assigned devices (guest/vpc/pci_assign.c).  It
 * must be cheap when there is nothing to do.  NULL removes it. */
typedef void (*devirq_poll_fn)(void);
void devirq_set_poll(devirq_poll_fn fn);

#endif
