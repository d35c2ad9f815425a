/* Offsets of VT-x structures for vmx/vmx_run.S, generated at build time:
 * the Makefile compiles this file to assembly and turns the "->" markers
 * into build/gen/vmx/asm-offsets.h.  Never type an offset by hand. */
#include <stddef.h>
#include "vmx/vmx.h"
#include "vmx/vmcs_fields.h"

#define DEFINE(sym, val) \
	__asm__ volatile("\n.ascii \"->" #sym " %0\"" : : "i"(val))

void vmx_asm_offsets(void);
void vmx_asm_offsets(void)
{
	DEFINE(GR_RAX, offsetof(struct guest_regs, rax));
	DEFINE(GR_RCX, offsetof(struct guest_regs, rcx));
	DEFINE(GR_RDX, offsetof(struct guest_regs, rdx));
	DEFINE(GR_RBX, offsetof(struct guest_regs, rbx));
	DEFINE(GR_RBP, offsetof(struct guest_regs, rbp));
	DEFINE(GR_RSI, offsetof(struct guest_regs, rsi));
	DEFINE(GR_RDI, offsetof(struct guest_regs, rdi));
	DEFINE(GR_R8, offsetof(struct guest_regs, r8));
	DEFINE(GR_R9, offsetof(struct guest_regs, r9));
	DEFINE(GR_R10, offsetof(struct guest_regs, r10));
	DEFINE(GR_R11, offsetof(struct guest_regs, r11));
	DEFINE(GR_R12, offsetof(struct guest_regs, r12));
	DEFINE(GR_R13, offsetof(struct guest_regs, r13));
	DEFINE(GR_R14, offsetof(struct guest_regs, r14));
	DEFINE(GR_R15, offsetof(struct guest_regs, r15));
	DEFINE(GR_HOST_RSP, offsetof(struct guest_regs, host_rsp));
	DEFINE(GR_EXIT_RESULT, offsetof(struct hw_vcpu, exit_result) - offsetof(struct hw_vcpu, regs));
	DEFINE(GR_FAST_FN, offsetof(struct hw_vcpu, fast_fn) - offsetof(struct hw_vcpu, regs));
	DEFINE(GR_FAST_CTX, offsetof(struct hw_vcpu, fast_ctx) - offsetof(struct hw_vcpu, regs));
	DEFINE(VMCS_HOST_RSP, HOST_RSP);
	DEFINE(RUN_HANDLED, VMX_RUN_HANDLED);
	DEFINE(FAST_RESUME, HW_FAST_RESUME);
	DEFINE(FAST_NO, HW_FAST_NO);
}
