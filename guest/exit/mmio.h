/* Emulation of one guest instruction that touched an emulated device
 * page (guest/exit/mmio.c). */
#ifndef GUEST_MMIO_H
#define GUEST_MMIO_H

#include "guest/vm/vm.h"

/* The device side: 'len' is 1, 2, 4 or 8 and stays within one page;
 * nonzero return values stop the VM. */
struct mmio_dev_ops {
	int (*read)(struct vcpu *v, gpa_t gpa, unsigned len, uint64_t *val);
	int (*write)(struct vcpu *v, gpa_t gpa, unsigned len, uint64_t val);
};

/* Emulate the instruction at the vCPU's RIP, which made an access
 * ('write' or read) to 'gpa'.  RIP is advanced on success (ACT_RESUME). */
enum vcpu_action mmio_emulate(struct vcpu *v, gpa_t gpa, bool write,
			      const struct mmio_dev_ops *dev);

#endif
