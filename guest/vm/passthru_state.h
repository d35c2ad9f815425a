/* What a VM owns of the host's interrupts, as struct vm holds it; the
 * behaviour is guest/vpc/passthru.c's. */
#ifndef GUEST_VM_PASSTHRU_STATE_H
#define GUEST_VM_PASSTHRU_STATE_H

#include "lib/types.h"
#include "guest/config/config.h"

struct vm;

struct passthru_irq {
	struct vm *vm;
	uint16_t host;      /* as configured: ISA IRQ or GSI */
	uint8_t line;       /* the VM's line */
	bool pci_intx;      /* a PCI function's INTx (level, active low) */
	int slot;           /* drivers/devirq.c slot, -1: not claimed */
	uint32_t gsi;
	uint8_t vector;     /* host vector */
	bool level;
	bool active_low;
	bool active;        /* forwarding on (vplat lock) */
	bool asserted;      /* level: line up, host pin masked until the EOI */
	uint64_t taken;     /* host interrupts, over all attachments */
	uint64_t forwarded; /* of those, delivered to the VM's line */
};

struct vm_passthru {
	bool attached;
	bool started;
	bool resetting; /* detached for a guest reset */
	unsigned nirqs;
	/* the "irq" keys, then the INTx of its PCI functions */
	struct passthru_irq irq[VM_MAX_IRQS + VM_MAX_PCI_IRQS];
};

#endif
