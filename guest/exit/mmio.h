/* Emulation of one guest instruction that touched an emulated device
 * page of the virtual PC (guest/exit/mmio.c). */
#ifndef GUEST_MMIO_H
#define GUEST_MMIO_H

#include "guest/vpc/vplat.h"

/* Emulate the instruction at the vCPU's RIP, which made an access
 * ('write' or read) to 'gpa', a page vplat_is_mmio() claims; its device
 * accesses go to vplat_mmio_read/write.  RIP is advanced on success
 * (ACT_RESUME). */
enum vcpu_action mmio_emulate(struct vcpu *v, gpa_t gpa, bool write);

#endif
