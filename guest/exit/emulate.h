/* What guest accesses mean: the emulation entry points the exit table
 * (guest/exit/exit.c) calls with what the backend decoded.  Each returns
 * the one handler result type. */
#ifndef GUEST_EMULATE_H
#define GUEST_EMULATE_H

#include "guest/vm/vm.h"

/* Access kinds for guest_ept_violation. */
#define ACCESS_READ BIT(0)
#define ACCESS_WRITE BIT(1)
#define ACCESS_FETCH BIT(2)

enum vcpu_action guest_cpuid(struct vcpu *v);
enum vcpu_action guest_hlt(struct vcpu *v);
enum vcpu_action guest_hypercall(struct vcpu *v);
enum vcpu_action guest_cr_write(struct vcpu *v, unsigned cr, uint64_t val);
uint64_t guest_cr_read(struct vcpu *v, unsigned cr);
enum vcpu_action guest_io(struct vcpu *v, uint16_t port, unsigned size,
			  bool in, uint32_t *val);
enum vcpu_action guest_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val);
enum vcpu_action guest_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val);
enum vcpu_action guest_xsetbv(struct vcpu *v, uint32_t index, uint64_t val);
/* Would XSETBV accept 'val' for XCR0 on a CPU supporting 'supported'? */
bool guest_xcr0_valid(uint64_t val, uint64_t supported);
enum vcpu_action guest_ept_violation(struct vcpu *v, gpa_t gpa,
				     unsigned access, uint64_t gla,
				     bool gla_valid);

/* The name of hypercall nr in the table, or NULL (statistics). */
const char *hypercall_name(unsigned nr);

/* Per-VM setup of what is trapped (MSR/I/O bitmaps). */
void guest_msr_setup(struct vm *vm);
void guest_io_setup(struct vm *vm);

#endif
