/* The minimal machine of a VM without a virtual PC (platform = none):
 * virtual interrupts come from a pending-vector set (HC_SEND_IPI) and go
 * in as external interrupts; COM1 is a write-only console that is always
 * ready; every other port reads as all ones and ignores writes, like an
 * empty ISA bus; CR8 is a plain register; no device MSRs or pages, no
 * reset. */
#include "guest/vm/vm.h"
#include "guest/vpc/map.h"
#include "guest/dev/vuart.h"
#include "arch-x86/regs.h"
#include "lib/printk.h"

#define LSR_THRE_TEMT (VUART_LSR_THRE | VUART_LSR_TEMT)
#define MSR_DCD_DSR_CTS (VUART_MSR_DCD | VUART_MSR_DSR | VUART_MSR_CTS)

/* The highest pending virtual interrupt goes in as an external interrupt
 * when the guest can take one; otherwise ask for an exit as soon as it
 * can (interrupt-window exiting). */
static void null_inject(struct vcpu *v)
{
	int vec;

	if (v->event.valid)
		return; /* 'any' stays set: the vector goes in at a later entry */
	vcpu_recheck_begin(v);
	vec = virq_set_highest(&v->virq);
	if (vec < 0) {
		hw_vcpu_intr_window(v->hw, false);
		return;
	}
	if (!hw_vcpu_interruptible(v->hw)) {
		vcpu_recheck(v);
		hw_vcpu_intr_window(v->hw, true);
		return;
	}
	virq_set_clear(&v->virq, (uint8_t)vec);
	v->event = (struct hw_event){ .valid = true, .vector = (uint8_t)vec,
				      .type = HW_EV_EXT_INTR };
	hw_vcpu_intr_window(v->hw, virq_set_maybe(&v->virq));
}

/* HLT with interrupts on waits for the next virtual interrupt.  With them
 * off and nothing pending it never ends (this machine sends no NMI): a
 * dead vCPU, reported and stopped rather than kept around (the VM ends
 * with its last vCPU), unless the VM's on_hang is report. */
static enum vcpu_action null_hlt(struct vcpu *v)
{
	struct vm *vm = v->vm;

	if (vcpu_rflags(v) & RFLAGS_IF)
		return virq_set_maybe(&v->virq) ? ACT_RESUME_ADVANCE : ACT_BLOCK;
	if (v->event.valid)
		return ACT_RESUME_ADVANCE;
	if (vm->cfg->on_hang == ON_HANG_REPORT) {
		vcpu_halt_if_off(v); /* waits, reported with the VM's last */
		return ACT_BLOCK;
	}
	v->state = VCPU_STOPPED;
	if (__atomic_sub_fetch(&vm->vcpus_live, 1, __ATOMIC_SEQ_CST) == 0) {
		vm_stop(vm, "vCPU %u halted with interrupts disabled at RIP %#lx",
			v->id, vcpu_rip(v));
		return ACT_KILL_VM;
	}
	pr_err("vm %s: vCPU %u stopped: halted with interrupts disabled at RIP %#lx\n",
	       vm->name, v->id, vcpu_rip(v));
	return ACT_KILL_VM;
}

static uint32_t com1_read(unsigned reg)
{
	switch (reg) {
	case VUART_LSR:
		return LSR_THRE_TEMT;
	case VUART_IIR:
		return VUART_IIR_NONE;
	case VUART_MSR:
		return MSR_DCD_DSR_CTS;
	default:
		return 0;
	}
}

static enum vcpu_action null_io(struct vcpu *v, uint16_t port, unsigned size,
				bool in, uint32_t *val)
{
	if (port >= VPC_COM1 && port < VPC_COM1 + VPC_COM1_PORTS) {
		unsigned reg = port - VPC_COM1;

		if (in)
			*val = com1_read(reg);
		else if (reg == VUART_THR)
			vm_console_put(v->vm, (char)(*val & 0xff));
		return ACT_RESUME_ADVANCE;
	}
	if (in)
		*val = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
	return ACT_RESUME_ADVANCE;
}

/* CR8 is TPR[7:4]; bits 63:4 are reserved (SDM vol. 3 §10.8.6.1). */
static int null_cr8_write(struct vcpu *v, uint64_t val)
{
	if (val & ~0xfULL)
		return -1;
	v->cr8 = val;
	return 0;
}

static uint64_t null_cr8_read(struct vcpu *v)
{
	return v->cr8;
}

/* No start-up protocol, nothing that makes a vCPU leave its loop, no
 * guest timers, nothing to do when the scheduler runs or parks a vCPU:
 * those operations are left out. */
const struct platform_ops null_platform = {
	.name = "none",
	.inject = null_inject,
	.hlt = null_hlt,
	.io = null_io,
	/* no device MSRs, no device pages, nothing to add to CPUID */
	.cr8_write = null_cr8_write,
	.cr8_read = null_cr8_read,
	.reset = NULL,
};
