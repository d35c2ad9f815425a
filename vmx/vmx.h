/* VT-x mechanics: per-CPU VMX operation and per-vCPU VMCS state. */
#ifndef VMX_VMX_H
#define VMX_VMX_H

#include "lib/types.h"

/* Guest registers not kept in the VMCS; saved and restored by
 * vmx/vmx_run.S.  Offsets for assembly come from asm-offsets. */
struct guest_regs {
	union {
		struct {
			uint64_t rax, rcx, rdx, rbx, rsp_unused, rbp, rsi, rdi;
			uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
		};
		uint64_t gpr[16]; /* indexed by enum gpr_index */
	};
	uint64_t cr2;
	uint64_t host_rsp; /* last HOST_RSP written to this VMCS */
};

enum gpr_index {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
};

/* What vmx_run_guest() reports. */
enum vmx_run_result {
	VMX_RUN_EXIT = 0,          /* a VM exit happened */
	VMX_RUN_FAIL_INVALID = 1,  /* VMfailInvalid: no current VMCS */
	VMX_RUN_FAIL_VALID = 2,    /* VMfailValid: see VM_INSTRUCTION_ERROR */
	VMX_RUN_EXIT_APICV = 3,    /* a VM exit of a vCPU with APIC
				    * virtualization (vmx/apicv.c) */
};

struct vmx_vcpu {
	paddr_t vmcs;
	bool launched;
	uint16_t vpid;
	struct guest_regs regs;
	/* What vmx_run_guest() returns on a VM exit: VMX_RUN_EXIT, or
	 * VMX_RUN_EXIT_APICV when the virtual-APIC page must be read back
	 * first; this costs the exit path of other vCPUs nothing.  The stub
	 * finds it next to 'regs' (vmx/asm-offsets.c). */
	uint32_t exit_result;
	/* Control values as programmed, so handlers can flip single bits. */
	uint32_t pin, proc, proc2, exit_ctls, entry_ctls;
	uint64_t cr0_mask, cr4_mask;
	unsigned last_cpu;   /* pCPU whose host state the VMCS holds */
	uint64_t slice_tsc;  /* length of the current time slice */
	/* Without the VMX-preemption timer: the host LAPIC timer is armed
	 * for a guest timer due before the slice ends (vmx/run.c). */
	bool lapic_for_guest;
	/* APIC virtualization (vmx/apicv.c), for vm->apicv only: */
	bool apicv;
	bool apicv_x2apic;   /* controls and MSR bitmap set for x2APIC mode */
	paddr_t vapic_page;  /* virtual-APIC page */
	uint32_t *vapic;     /* ... and where the hypervisor sees it */
	uint64_t eoi_exit[4]; /* EOI-exit bitmap as programmed */
};

/* Per-CPU: check what we need, set IA32_FEATURE_CONTROL if unlocked, apply
 * the CR0/CR4 fixed bits and VMXON.  Returns 0 or a negative error after
 * printing why. */
int vmx_cpu_enable(void);
/* The required features once, with a message naming what is missing. */
bool vmx_check_required(void);


/* Drop cached translations of one EPT (after unmap/protect). */
void vmx_invept_single(uint64_t eptp);


/* ---- Programming a vCPU's VMCS ---------------------------------------- */

/* Segment access rights as in the VMCS (SDM vol. 3 §24.4.1). */
#define SEG_AR_TYPE(t) ((t)&0xf)
#define SEG_AR_S BIT(4)
#define SEG_AR_DPL(d) (((d)&3) << 5)
#define SEG_AR_P BIT(7)
#define SEG_AR_L BIT(13)
#define SEG_AR_DB BIT(14)
#define SEG_AR_G BIT(15)
#define SEG_AR_UNUSABLE BIT(16)
#define SEG_TYPE_DATA_RW_A 0x3
#define SEG_TYPE_CODE_RX_A 0xb
#define SEG_TYPE_TSS_BUSY 0xb
#define SEG_TYPE_LDT 0x2

struct seg_state {
	uint16_t sel;
	uint64_t base;
	uint32_t limit;
	uint32_t ar;
};

/* The architectural state a vCPU starts in; guest/ decides it, vmx/
 * writes it to the VMCS. */
struct vcpu_init_state {
	struct seg_state cs, ss, ds, es, fs, gs, tr, ldtr;
	uint64_t gdtr_base, idtr_base;
	uint32_t gdtr_limit, idtr_limit;
	uint64_t cr0, cr3, cr4, efer, pat;
	uint64_t rip, rsp, rflags;
	struct guest_regs regs;
};

struct vcpu;
struct vm;

/* Per-VM VT-x resources (MSR and I/O bitmaps); freed by vmx_vm_destroy. */
int vmx_vm_init(struct vm *vm);
void vmx_vm_destroy(struct vm *vm);
/* Allow or trap one MSR / I/O port for the whole VM. */
void vmx_msr_intercept(struct vm *vm, uint32_t msr, bool read, bool write);
/* The same in one MSR bitmap page. */
void vmx_msr_bitmap_set(paddr_t bitmap, uint32_t msr, bool read, bool write);
void vmx_io_intercept(struct vm *vm, uint16_t port, bool trap);

/* Create the VMCS of a vCPU and program controls, host and guest state. */
int vmx_vcpu_init(struct vcpu *v, const struct vcpu_init_state *st);
void vmx_vcpu_destroy(struct vcpu *v);
/* Load a whole new guest state (a SIPI, a restart); VMCS loaded. */
void vmx_vcpu_set_state(struct vcpu *v, const struct vcpu_init_state *st);
/* Make the vCPU's VMCS current on this CPU / clear it after a slice. */
void vmx_vcpu_load(struct vcpu *v);
void vmx_vcpu_put(struct vcpu *v);
/* Host-state fields for this pCPU into the current VMCS. */
void vmx_setup_host_state(void);

/* Run the vCPU for at most slice_tsc (0: no limit) until something needs
 * the scheduler: the VM ended, the vCPU blocked or yielded, or its slice
 * ran out. */
void vmx_vcpu_run(struct vcpu *v, uint64_t slice_tsc);
/* Preempt with the LAPIC timer instead of the VMX-preemption timer. */
void vmx_use_lapic_timer(bool on);
/* APIC virtualization for the virtual PCs' LAPICs where the CPU has it
 * (cmdline apicv=on|off; on by default). */
void vmx_use_apicv(bool on);
bool vmx_has_preemption_timer(void);

/* The CR0/CR4 values to run with, for a given guest view. */
uint64_t vmx_guest_cr0(const struct vmx_vcpu *x, uint64_t guest_view);
uint64_t vmx_guest_cr4(const struct vmx_vcpu *x, uint64_t guest_view);

/* Queue the event whose delivery the last exit interrupted, if any. */
void vmx_save_vectoring_event(struct vcpu *v);

/* Print the interesting guest-state and control fields. */
void vmx_dump_vmcs(struct vcpu *v);

#endif
