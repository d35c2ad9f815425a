/* The virtual PC's LAPICs under APIC virtualization: moving the vLAPIC
 * model's state in and out of the backend's virtual-APIC page, and the
 * exits that need the model (guest/vpc/apicv.c). */
#ifndef GUEST_VPC_APICV_H
#define GUEST_VPC_APICV_H

#include "guest/vm/vm.h"

/* At VM creation, for vm->apicv: let x2APIC-mode reads of the registers
 * kept in the page through. */
void apicv_vm_setup(struct vm *vm);
/* Before an entry: the vLAPIC into the page and the backend.  True when
 * the interrupt window must stay on (see apicv.c). */
bool apicv_load(struct vcpu *v);
/* After every exit of such a vCPU: what the CPU changed, back into the
 * vLAPIC. */
void apicv_store(struct vcpu *v);

enum vcpu_action apicv_write_exit(struct vcpu *v, const struct hw_exit *e);
enum vcpu_action apicv_eoi_exit(struct vcpu *v, const struct hw_exit *e);

#endif
