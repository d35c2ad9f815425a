/* What machine a VM is: one set of operations every VM has, so that the
 * vCPU loop and the exit handlers ask the machine instead of branching on
 * the kind of VM.  Two machines implement it: the virtual PC
 * (guest/vpc/pc.c: LAPICs, IOAPIC, PIC, timers, UART, ...) and the
 * minimal machine of VMs without one (guest/vpc/null.c: a pending-vector
 * set, a COM1 that only prints, nothing else). */
#ifndef GUEST_VM_PLATFORM_H
#define GUEST_VM_PLATFORM_H

#include "lib/types.h"

struct cpuid_regs;

struct vm;
struct vcpu;
struct vcpu_init_state;

/* Operations marked optional may be NULL: the machine has nothing to do
 * there, and its VMs pay no call. */
struct platform_ops {
	const char *name;
	/* Optional.  Before a slice: INIT/SIPI and restarts.  < 0: the vCPU waits
	 * (blocked); > 0: *st is the state to load; 0: run on. */
	int (*vcpu_start)(struct vcpu *v, struct vcpu_init_state *st);
	/* Optional.  Before an entry that has something to look at: true
	 * when the vCPU must leave the loop first (an INIT, a restart). */
	bool (*must_leave)(struct vcpu *v);
	/* Choose what to deliver at the next entry (v->event) and whether
	 * to exit at the interrupt window. */
	void (*inject)(struct vcpu *v);
	/* Optional.  TSC of the vCPU's next guest timer, UINT64_MAX for
	 * none. */
	uint64_t (*deadline)(struct vcpu *v);
	/* Optional.  The scheduler runs the vCPU / the vCPU blocked on
	 * pCPU 'cpu'. */
	void (*running)(struct vcpu *v);
	void (*blocked)(struct vcpu *v, unsigned cpu);

	/* Exits whose meaning depends on the machine. */
	enum vcpu_action (*hlt)(struct vcpu *v);
	enum vcpu_action (*io)(struct vcpu *v, uint16_t port, unsigned size,
			       bool in, uint32_t *val);
	/* Optional.  MSRs of the machine's devices: true when taken (*gp:
	 * #GP). */
	bool (*rdmsr)(struct vcpu *v, uint32_t msr, uint64_t *val, bool *gp);
	bool (*wrmsr)(struct vcpu *v, uint32_t msr, uint64_t val, bool *gp);
	/* Optional.  A device page at gpa: the access is emulated. */
	bool (*is_mmio)(struct vcpu *v, gpa_t gpa);
	/* Optional.  The machine's part of CPUID, after the generic
	 * shaping. */
	struct cpuid_regs (*cpuid)(struct vcpu *v, uint32_t leaf, uint32_t sub,
				   struct cpuid_regs r);
	/* CR8, the task-priority register: < 0 for #GP. */
	int (*cr8_write)(struct vcpu *v, uint64_t val);
	uint64_t (*cr8_read)(struct vcpu *v);
	/* Optional.  Back to the power-on state for a guest reset; without
	 * it the machine has no reset (the VM ends instead). */
	void (*reset)(struct vm *vm);
	/* Optional.  True when a device of the machine may still send a
	 * vCPU an NMI, INIT or SIPI (an IOAPIC pin routed so): the VM is not
	 * hung while every vCPU waits for one.  NULL: nothing can. */
	bool (*may_wake)(struct vm *vm);
};

extern const struct platform_ops pc_platform;
extern const struct platform_ops null_platform;

#endif
