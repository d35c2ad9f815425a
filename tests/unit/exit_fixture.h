/* Shared fixture of the exit-handler tests (test_exit_*.c): a VM of two
 * vCPUs on the fake backend (tests/unit/fake_hw.h) with 1 MiB of guest
 * RAM at GPA 0, and host stand-ins for what the handlers reach outside
 * guest/exit: the virtual PC (vplat_*), the instruction emulation of its
 * device pages (mmio_emulate, weak: test_exit_mmio links the real one),
 * APIC virtualization (apicv_*), the scheduler, device interrupts, the TSC rate, the per-CPU area
 * behind %gs, and the privileged instructions the handlers execute
 * (STI/CLI, XSETBV, MOV to CR2), which trap on the host and are
 * recorded and skipped.  setup() builds everything afresh per test. */
#ifndef TESTS_UNIT_EXIT_FIXTURE_H
#define TESTS_UNIT_EXIT_FIXTURE_H

#include "guest/exit/exit.h"
#include "guest/exit/emulate.h"
#include "guest/vpc/vplat.h"
#include "arch-x86/percpu.h"
#include "arch-x86/regs.h"
#include "tests/unit/fake_hw.h"
#include "tests/unit/fakes.h"

#define RAM_SIZE MiB(1)    /* guest RAM [0, RAM_SIZE) */
#define RAM_HPA MiB(16)    /* where the fake host memory backing it is */
#define START_RIP 0x1000
#define INSN_LEN 3
#define NVCPUS 2

struct exit_env {
	struct vm *vm;
	struct vm_config cfg;
	struct vcpu *v;      /* vCPU 0, whose exits the tests dispatch */
	struct hw_vcpu *hw;  /* its fake backend state */
};

/* What the stand-ins were asked and what they answer. */
struct fake_world {
	/* vplat_rdmsr / vplat_wrmsr: claim the MSR (and raise #GP)? */
	bool msr_claim, msr_gp;
	uint64_t msr_val;        /* what a claimed RDMSR reads */
	uint32_t msr_last;
	uint64_t wrmsr_last;
	unsigned msr_calls;
	/* vplat_io */
	enum vcpu_action io_act;
	uint32_t io_val;         /* what an IN reads */
	uint16_t io_port;
	unsigned io_size, io_calls;
	bool io_in;
	uint32_t io_out;         /* what an OUT wrote */
	/* vplat_is_mmio / mmio_emulate */
	bool is_mmio;
	enum vcpu_action mmio_act;
	gpa_t mmio_gpa;
	bool mmio_write;
	unsigned mmio_calls;
	/* vplat_next_irq / vplat_ack_irq: the vector the LAPIC or PIC
	 * presents, -1 for none (the ack takes it) */
	int pending_irq;
	/* vplat_wakeup_pending, vplat_may_wake */
	bool wakeup, may_wake;
	/* apicv_{write,eoi}_exit */
	enum vcpu_action apicv_act;
	unsigned apicv_write, apicv_eoi;
	struct hw_exit apicv_exit;
	/* scheduler and host interrupts */
	unsigned devirq_calls, wakes, kicks, yield_asks;
	unsigned dormant;        /* vCPUs given to sched_dormant(), a mask */
	bool should_yield;       /* what sched_should_yield() answers */
	struct sched_entity_stats stats;
	uint64_t tsc_hz;
	/* privileged instructions that trapped */
	unsigned sti, cli, xsetbv, cr2_writes;
	uint32_t xcr_index;
	uint64_t xcr_val, cr2;
};

extern struct exit_env X;
extern struct fake_world W;
extern struct percpu fake_pcpu; /* what this_cpu() returns */

int setup(void **state);
int teardown(void **state);

/* Give the VM a virtual PC (zeroed; the vplat_* stand-ins answer). */
struct vplat *use_plat(void);

/* Dispatch an exit of 'kind' (reason = kind, INSN_LEN) on vCPU 0. */
enum vcpu_action run_exit(unsigned kind);
/* Dispatch *e on vCPU 0. */
enum vcpu_action run(const struct hw_exit *e);

/* Have the privileged instructions recorded and skipped (on) until
 * called with off; run() does it around the dispatch.  Not across a
 * cmocka assertion that fails (cmocka puts its own handler back). */
void trap_privileged(bool on);

/* Register shorthands for vCPU 0. */
#define REG(r) (X.hw->gpr[GPR_##r])

/* The handler queued #GP(0) / #UD, flagged the vCPU (virq.any) for the
 * entry path to deliver it, and left RIP alone. */
#define assert_gp(act) assert_fault_at(__LINE__, (act), 13, true)
#define assert_ud(act) assert_fault_at(__LINE__, (act), 6, false)
void assert_fault_at(int line, enum vcpu_action act, unsigned vector,
		     bool has_error);
/* Nothing queued. */
void assert_no_event(void);
/* The VM was stopped by the hypervisor with a reason containing 'what'. */
void assert_stopped(enum vcpu_action act, const char *what);

/* Guest RAM at gpa. */
void *gram(gpa_t gpa);

#endif
