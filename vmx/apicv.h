/* APIC virtualization (SDM vol. 3 ch. 30): the VT-x side of running the
 * virtual PC's LAPICs with TPR shadow, virtualized APIC accesses (xAPIC)
 * or virtualized x2APIC mode, APIC-register virtualization and
 * virtual-interrupt delivery.  What the registers mean stays in
 * guest/vlapic*.c; the page layout is guest/dev/vlapic_page.c. */
#ifndef VMX_APICV_H
#define VMX_APICV_H

#include "guest/vm/vm.h"

/* At VM creation (vmx_vm_init): decide whether the VM's LAPICs use APIC
 * virtualization (platform VMs, apicv=on, the CPU has every control),
 * say which path it takes, and set up the APIC-access page and the
 * x2APIC MSR bitmap.  0, or -1 when out of memory. */
int vmx_apicv_vm_init(struct vm *vm);
void vmx_apicv_vm_destroy(struct vm *vm);
/* A vCPU's virtual-APIC page and controls; VMCS loaded.  False when out
 * of memory. */
bool vmx_apicv_vcpu_init(struct vcpu *v);
void vmx_apicv_vcpu_destroy(struct vcpu *v);

/* Before VM entry (v->vmx.apicv): the vLAPIC into the virtual-APIC page,
 * RVI/SVI and the EOI-exit bitmap, controls for the LAPIC's mode.  True
 * when the entry must turn interrupt-window exiting on (the guest has
 * IF = 0; see vmx/apicv.c). */
bool vmx_apicv_load(struct vcpu *v);
/* After every exit (vmx_run_guest() returns VMX_RUN_EXIT_APICV for these
 * vCPUs): what the CPU changed back into the vLAPIC. */
void vmx_apicv_store(struct vcpu *v);

/* Exit handlers: APIC access (44), virtualized EOI (45), APIC write (56). */
enum vcpu_action vmx_apicv_access_exit(struct vcpu *v);
enum vcpu_action vmx_apicv_eoi_exit(struct vcpu *v);
enum vcpu_action vmx_apicv_write_exit(struct vcpu *v);

#endif
