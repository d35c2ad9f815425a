/* A fake virtualization backend behind arch-x86/hwvirt.h, for host tests
 * of what guest/ does with exits: struct hw_vcpu is a plain register file
 * that the test reads and writes directly, struct hw_vm keeps what is
 * trapped as arrays.  Each vCPU/VM comes from fake_hw_vcpu_new() /
 * fake_hw_vm_new() (or the contract's create functions) with everything
 * trapped and the registers as the test sets them.
 *
 * Exit reasons of the fake are the enum hw_exit_kind numbers; their
 * names (hw_exit_reason_name) are "KIND-<name>" for them, "fake-<n>"
 * for other numbers below HW_EXIT_REASONS and "fake-out-of-range" above
 * (raw numbers of HW_EXIT_UNKNOWN). */
#ifndef TESTS_UNIT_FAKE_HW_H
#define TESTS_UNIT_FAKE_HW_H

#include "arch-x86/hwvirt.h"

#define FAKE_MSR_RANGE 0x2000 /* MSRs 0-0x1fff and 0xc0000000-0xc0001fff */
#define FAKE_MSR_HIGH 0xc0000000u

struct hw_vm {
	struct ept *ept;
	gpa_t lapic_gpa;
	bool apicv;
	/* [0]: MSRs 0-0x1fff, [1]: 0xc0000000-0xc0001fff; true = exits. */
	bool msr_rd[2][FAKE_MSR_RANGE], msr_wr[2][FAKE_MSR_RANGE];
	bool x2apic_rd[2][FAKE_MSR_RANGE], x2apic_wr[2][FAKE_MSR_RANGE];
	bool io[65536];
	unsigned msr_calls, io_calls; /* intercept changes asked for */
};

struct hw_vcpu {
	struct hw_vm *vm;
	unsigned id;
	uint64_t gpr[16], rip, rflags, cr0, cr2, cr3, cr4, efer, pat, tsc_offset;
	uint64_t seg_base[6];
	uint32_t seg_ar[6];
	unsigned cpl;
	bool intr_window, interruptible, nmi_blocked, loaded;
	/* Calls guest/ made. */
	unsigned advances, set_states, dumps;
	struct vcpu_init_state state; /* the last one loaded */
	/* hw_vcpu_enter() returns this exit (kind HW_EXIT_NONE if unset). */
	struct hw_exit next_exit;
	struct hw_event last_event; /* the last hw_vcpu_inject() */
	uint64_t last_deadline;     /* the last hw_vcpu_set_deadline() */
	/* hw_vcpu_set_fast_exit(); hw_vcpu_decode_fast() hands out
	 * next_exit when it is an instruction exit. */
	hw_fast_exit_fn fast_fn;
	void *fast_ctx;
	/* [APIC virtualization] */
	uint32_t vapic[1024];
	bool x2apic;
	bool has_nmi_window; /* virtual NMIs: hw_vcpu_nmi_window() works */
	bool nmi_window;     /* NMI-window exiting on */
	int apic_mode; /* enum hw_apic_mode of the last apicv_sync */
	uint16_t intr_status;
	uint64_t eoi_exit[4];
};

/* A VM with everything trapped; freed with hw_vm_destroy(). */
struct hw_vm *fake_hw_vm_new(void);
/* A vCPU of 'hvm' with all registers zero (RFLAGS bit 1 set), PAT at its
 * power-on value, loaded; freed with hw_vcpu_destroy(). */
struct hw_vcpu *fake_hw_vcpu_new(struct hw_vm *hvm, unsigned id);

/* Whether an access to the MSR / port exits. */
bool fake_hw_msr_trapped(const struct hw_vm *hvm, uint32_t msr, bool write);
bool fake_hw_io_trapped(const struct hw_vm *hvm, uint16_t port);

#endif
