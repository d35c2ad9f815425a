/* APIC virtualization (SDM vol. 3 ch. 30): the VT-x side of running the
 * virtual PC's LAPICs with TPR shadow, virtualized APIC accesses (xAPIC)
 * or virtualized x2APIC mode, APIC-register virtualization and
 * virtual-interrupt delivery.  What the registers mean stays in the
 * vLAPIC model (guest/dev/vlapic*.c); guest/vpc/apicv.c moves its state
 * in and out of the virtual-APIC page. */
#ifndef VMX_APICV_H
#define VMX_APICV_H

#include "vmx/vmx.h"

/* At VM creation: decide whether the VM's LAPICs (at lapic_gpa; 0: it has
 * none) use APIC virtualization (apicv=on, the CPU has every control),
 * say which path it takes, set up the APIC-access page and the x2APIC
 * MSR bitmap.  0, or -1 when out of memory. */
int vmx_apicv_vm_init(struct hw_vm *hvm, gpa_t lapic_gpa);
void vmx_apicv_vm_destroy(struct hw_vm *hvm);
/* A vCPU's virtual-APIC page and controls; VMCS loaded.  False when out
 * of memory. */
bool vmx_apicv_vcpu_init(struct hw_vcpu *x);
void vmx_apicv_vcpu_destroy(struct hw_vcpu *x);

#endif
