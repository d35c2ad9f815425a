/* Shared fixture of the passthrough tests (test_passthru*.c): guest/
 * passthru.c on the host device-IRQ layer (drivers/devirq.c) and the
 * IOAPIC driver, with one fake host IOAPIC (GSI 0-23; IRQ 0 on GSI 2, IRQ
 * 9 level by its override), fake VMs, a fake I/O bitmap per VM, a log of
 * the VM lines driven, and each VM's real virtual PICs on its ISA lines
 * (their EOI hook wired to passthru_line_eoi() as guest/vpc/vplat.c does).
 * setup() builds it afresh for every test, teardown() detaches. */
#ifndef TESTS_UNIT_PASSTHRU_FIXTURE_H
#define TESTS_UNIT_PASSTHRU_FIXTURE_H

#include "guest/vpc/passthru.h"
#include "guest/vm/vm.h"
#include "guest/vpc/vplat.h"
#include "drivers/devirq.h"
#include "lib/errno.h"
#include "tests/unit/fake_ioapic.h"
#include "tests/unit/fakes.h"

#define NVMS 2
#define MAX_EV 64

/* One drive of a VM's line. */
struct line_ev {
	unsigned vm;
	unsigned line;
	bool level;
	bool ioapic_only;
};

extern struct vm vms[NVMS];
extern struct vm_config cfgs[NVMS];
extern struct vplat plats[NVMS];
extern bool trapped[NVMS][65536]; /* the I/O bitmaps: true = exits */
extern struct line_ev ev[MAX_EV];
extern unsigned nev;
extern unsigned eois;     /* host LAPIC EOIs */
extern unsigned pic_eois; /* calls of the virtual PICs' EOI hook */
extern struct acpi_info ai;

int setup(void **state);
int teardown(void **state);

/* VM 'i' afresh, running, with its virtual PC (PICs at power-on). */
struct vm *make_vm(unsigned i, const char *name);
void add_irq(unsigned i, uint16_t host, uint8_t line);
void add_ports(unsigned i, uint16_t first, uint16_t last);
/* The low word of a GSI's entry on the fake chip. */
uint32_t rte_lo(unsigned gsi);
/* The host handler for 'vector', as the IDT would call it. */
void fire(uint8_t vector);
/* The guest's EOI of IOAPIC pin 'pin' as the vIOAPIC's hook passes it. */
void guest_eoi(struct vm *vm, unsigned pin);
/* The guest at its PIC ports; vCPU 0's INTA (the vector, or -1 when the
 * PIC's INT is low); a legacy set-up (vectors 0x30/0x38, all unmasked).
 * All under the vplat lock, as in guest/vpc/vplat_io.c and guest/vpc/vplat.c. */
void pic_out(struct vm *vm, uint16_t port, uint8_t val);
int pic_inta(struct vm *vm);
void pic_init(struct vm *vm);
/* Event k of the line log is this drive. */
void expect_ev(unsigned k, unsigned vm, unsigned line, bool level,
	       bool ioapic_only);

#endif
