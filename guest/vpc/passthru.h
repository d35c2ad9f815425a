/* Host ports and interrupts a VM owns (the "ioport" and "irq" keys of its
 * description): the groundwork of device passthrough.
 *
 * Ports: cleared in the VM's I/O bitmap, so the guest's IN/OUT (string
 * forms too) reach the device without an exit.  Interrupts: the host
 * IOAPIC pin is claimed through drivers/devirq.c, and each time it fires
 * the VM's line is driven (guest/vpc/vplat.c's ISA line: PIC input and IOAPIC
 * pin, or the IOAPIC pin alone from 16 on):
 *   - edge-triggered pins: one pulse per host interrupt;
 *   - level-triggered pins: the host handler masks the pin, the line is
 *     raised and held; when the guest's EOI reaches it (passthru_line_eoi)
 *     the line drops and the host pin is unmasked: if the device still
 *     asserts, it fires again.  The EOI is the one of whichever chip the
 *     guest takes the line through, programmed level-triggered: the
 *     virtual IOAPIC's, when it clears the pin's remote IRR, or the
 *     virtual PIC's (ELCR bit set), when it takes the IRQ out of
 *     service.
 * An interrupt for a vCPU that does not run stays in the virtual IOAPIC
 * or LAPIC and the vCPU is kicked (vcpu_kick), as for any device of the
 * virtual PC.
 *
 * Life cycle: vm_create() attaches (checks the ports against the host's
 * and other VMs', claims the pins masked, opens the ports); the VM's
 * start unmasks the pins; a guest reset detaches and attaches again; the
 * end of the VM detaches (pins masked and released, ports trapped again)
 * and reports how many interrupts were forwarded.
 *
 * Locks: a VM's forwarding state is under its vplat lock.  The devirq
 * lock is taken before it (dispatch), never after it. */
#ifndef GUEST_PASSTHRU_H
#define GUEST_PASSTHRU_H

#include "lib/types.h"
#include "guest/config/config.h"
#include "guest/vm/passthru_state.h"

#define PASSTHRU_HOST_RANGES 8

struct vm;

/* Boot: host ports the hypervisor drives itself (its console, the ACPI
 * PM registers), which no VM may own. */
void passthru_reserve_host_ports(uint16_t first, uint16_t last,
				 const char *what);

/* Take the VM's ports and pins (pins masked).  0, or -1 after reporting
 * why (a port the host or another VM has, a pin without IOAPIC or owned
 * by another VM); then nothing is held. */
int passthru_attach(struct vm *vm);
/* The VM runs: unmask its pins. */
void passthru_start(struct vm *vm);
/* Mask and release the pins, trap the ports again; once the VM had
 * started, one line per IRQ with its counts.  Idempotent. */
void passthru_detach(struct vm *vm);
/* A guest reset: detach before the virtual PC is reset, then attach and
 * start again after it (unless the VM ended meanwhile).  0, or -1 after
 * reporting. */
void passthru_reset_begin(struct vm *vm);
int passthru_reset_end(struct vm *vm);

/* The guest's EOI of level-triggered 'line' (caller holds the vplat
 * lock): the virtual IOAPIC cleared remote IRR of pin 'line', or the
 * virtual PIC took IRQ 'line' out of service.  A level-triggered host pin
 * the VM owns on that line drops the line and the host pin is unmasked;
 * otherwise nothing happens. */
void passthru_line_eoi(struct vm *vm, unsigned line);

#endif
