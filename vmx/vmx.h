/* VT-x mechanics: per-CPU VMX operation and per-vCPU VMCS state. */
#ifndef VMX_VMX_H
#define VMX_VMX_H

#include "lib/types.h"
#include "arch-x86/hwvirt.h"

/* Guest registers not kept in the VMCS; saved and restored by
 * vmx/vmx_run.S.  Offsets for assembly come from vmx/asm-offsets.c. */
struct guest_regs {
	union {
		struct hw_gprs gprs;
		struct {
			uint64_t rax, rcx, rdx, rbx, rsp_unused, rbp, rsi, rdi;
			uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
		};
		uint64_t gpr[16]; /* indexed by enum gpr_index */
	};
	uint64_t cr2;
	uint64_t host_rsp; /* last HOST_RSP written to this VMCS */
};

/* What vmx_run_guest() reports. */
enum vmx_run_result {
	VMX_RUN_EXIT = 0,          /* a VM exit happened */
	VMX_RUN_FAIL_INVALID = 1,  /* VMfailInvalid: no current VMCS */
	VMX_RUN_FAIL_VALID = 2,    /* VMfailValid: see VM_INSTRUCTION_ERROR */
	VMX_RUN_EXIT_APICV = 3,    /* a VM exit of a vCPU with APIC
				    * virtualization (vmx/apicv.c) */
	VMX_RUN_HANDLED = 4,       /* a VM exit the fast handler handled
				    * (HW_FAST_DONE, arch-x86/hwvirt.h) */
};

/* The VT-x state of a VM (arch-x86/hwvirt.h): what it traps, its EPT. */
struct hw_vm {
	char name[32];         /* for messages */
	struct ept *ept;
	paddr_t msr_bitmap, io_bitmap_a, io_bitmap_b;
	/* APIC virtualization (vmx/apicv.c): the APIC-access page, mapped at
	 * the LAPIC base, and the MSR bitmap of vCPUs in x2APIC mode. */
	bool apicv;
	gpa_t lapic_gpa;
	paddr_t apic_access_page, msr_bitmap_x2apic;
};

#define VMCS_INACTIVE (-1)

/* The VT-x state of a vCPU. */
struct hw_vcpu {
	struct hw_vm *vm;
	unsigned id;
	paddr_t vmcs;
	bool launched;
	uint16_t vpid;
	/* pCPU on which the VMCS is active, or VMCS_INACTIVE (vmx/vmcs.c). */
	int active_cpu;
	struct guest_regs regs;
	/* What vmx_run_guest() returns on a VM exit: VMX_RUN_EXIT, or
	 * VMX_RUN_EXIT_APICV when the virtual-APIC page must be read back
	 * first; this costs the exit path of other vCPUs nothing.  The stub
	 * finds it next to 'regs' (vmx/asm-offsets.c). */
	uint32_t exit_result;
	/* The fast exit handler (hw_vcpu_set_fast_exit()) and its argument,
	 * called by the exit stub after every exit; NULL for a vCPU with
	 * APIC virtualization (a test and a branch on its exits, where a
	 * handler that declines would cost a call).  Found from 'regs' by
	 * the stub. */
	hw_fast_exit_fn fast_fn;
	void *fast_ctx;
	/* Control values as programmed, so handlers can flip single bits. */
	uint32_t pin, proc, proc2, exit_ctls, entry_ctls;
	uint64_t cr0_mask, cr4_mask;
	uint64_t tsc_offset; /* guest TSC - host TSC, with PROC_TSC_OFFSETTING */
	unsigned last_cpu;   /* pCPU whose host state the VMCS holds */
	/* APIC virtualization (vmx/apicv.c), for hw_vm.apicv only: */
	bool apicv;
	uint8_t apic_mode;   /* enum hw_apic_mode the controls are set for */
	paddr_t vapic_page;  /* virtual-APIC page */
	uint32_t *vapic;     /* ... and where the hypervisor sees it */
	uint64_t eoi_exit[4]; /* EOI-exit bitmap as programmed */
	char fail[160];      /* why the last entry failed */
};

/* Per-CPU: check what we need, set IA32_FEATURE_CONTROL if unlocked, apply
 * the CR0/CR4 fixed bits and VMXON.  Returns 0 or a negative error after
 * printing why. */
int vmx_cpu_enable(void);
/* The required features once, with a message naming what is missing. */
bool vmx_check_required(void);


/* Drop cached translations of one EPT (after unmap/protect). */
void vmx_invept_single(uint64_t eptp);


/* ---- Programming a vCPU's VMCS (vmx/vmcs.c) ---------------------------- */

void vmx_msr_bitmap_set(paddr_t bitmap, uint32_t msr, bool read, bool write);
/* Host-state fields for this pCPU into the current VMCS. */
void vmx_setup_host_state(void);
/* Preempt with the LAPIC timer instead of the VMX-preemption timer. */
void vmx_use_lapic_timer(bool on);
/* APIC virtualization for the virtual PCs' LAPICs where the CPU has it
 * (cmdline apicv=on|off; on by default). */
void vmx_use_apicv(bool on);

/* The CR0/CR4 values to run with, for a given guest view. */
uint64_t vmx_guest_cr0(uint64_t guest_view);
uint64_t vmx_guest_cr4(uint64_t guest_view);

/* Entry failures (vmx/entry_fail.c): print the details, put one line
 * into x->fail. */
void vmx_report_entry_failure(struct hw_vcpu *x, int result, uint32_t reason);

#endif
