/* What a VM is: its memory, its vCPUs, its state and its exit status. */
#ifndef GUEST_VM_H
#define GUEST_VM_H

#include "lib/types.h"
#include "guest/config/config.h"
#include "mm/ept.h"
#include "mm/gmem.h"
#include "mm/phys.h"
#include "arch-x86/hwvirt.h"
#include "arch-x86/regs.h"
#include "lib/x86_vectors.h"
#include "guest/vm/virq.h"
#include "guest/include/hv_abi.h"
#include "guest/vm/passthru_state.h"
#include "sched/sched_core.h"
#include "lib/spinlock.h"

#define MAX_VMS VM_CONFIG_MAX_VMS
#define VM_CONSOLE_LINE 160
#define VM_MAX_RAM_CHUNKS GMEM_MAX_REGIONS

enum vcpu_state {
	VCPU_RUNNABLE,
	VCPU_RUNNING,
	VCPU_BLOCKED,
	VCPU_STOPPED,
};

enum vm_state {
	VM_EMPTY,
	VM_READY,
	VM_RUNNING,
	VM_EXITED,  /* the guest asked to end (hypercall, power-off) */
	VM_STOPPED, /* the hypervisor ended it (fault, bad state) */
};

/* What an exit handler asks for; one result type for all handlers. */
enum vcpu_action {
	ACT_RESUME,         /* re-enter as is (RIP unchanged) */
	ACT_RESUME_ADVANCE, /* skip the exiting instruction, then re-enter */
	ACT_BLOCK,          /* skip the instruction, wait for an event */
	ACT_KILL_VM,        /* the VM is stopped; vm->stop_reason says why */
};

#include "guest/vm/platform.h"

struct vm;
struct vplat;
struct pci_assign;
struct hc_stats;

/* A vCPU's exitless hypercall ring (HC_RING_SETUP): the hypervisor's own
 * copies of the indices it owns, never read back from the guest. */
struct hc_ring_state {
	uint64_t gpa;      /* struct hv_ring_hdr, then SQ, then CQ */
	uint8_t *host;     /* the same bytes through the hypervisor's map */
	uint32_t entries;  /* power of two, 0: no ring */
	uint32_t sq_head;
	uint32_t cq_tail;
	uint8_t vector;    /* completion interrupt, 0: none */
	bool broken;
	uint64_t drained;
};

struct vcpu {
	struct vm *vm;
	unsigned id;
	enum vcpu_state state;
	struct hw_vcpu *hw;          /* the backend's state (arch-x86/hwvirt.h) */
	struct hw_event event;       /* delivered at the next entry */
	struct virq_set virq;        /* virtual interrupts waiting */
	struct sched_entity se;
	char se_name[VM_NAME_MAX + 8]; /* "vm/n" for scheduler messages */
	uint64_t xcr0;
	paddr_t fpu_area;            /* XSAVE/FXSAVE image, one page */
	/* Syscall MSRs passed through to the guest; swapped on switches. */
	uint64_t msr_star, msr_lstar, msr_cstar, msr_sfmask, msr_kgs_base,
		msr_tsc_aux;
	uint64_t pcpu_mask;          /* pCPUs it ran on */
	uint64_t exit_count[HW_EXIT_REASONS]; /* by the backend's reason */
	uint64_t hc_count[HC_NR_CALLS];       /* hypercalls by number */
	/* The hypercall lab (guest/exit/hc_*.c): */
	uint64_t hc_err[HC_NR_CALLS]; /* calls that returned an error
				       * (counted where stats are on) */
	uint64_t hc_denied;           /* calls refused by the allow-list */
	uint64_t hc_allow;            /* the VM's allow-list (cfg->hc_allow),
				       * next to the counters for the null
				       * call's path */
	uint64_t hc_conv_count[4];    /* records run per convention */
	/* The exit table exit_dispatch uses (guest/exit/exit.c,
	 * exit_watch): the plain one, or the one through hc_watch_exit
	 * (statistics or a ring). */
	enum vcpu_action (*const *exit_handlers)(struct vcpu *v,
						  const struct hw_exit *e);
	struct hc_ring_state hcring;
	struct hc_stats *hcstats;     /* histograms (trace = on), or NULL */
	bool yield; /* leave the run loop after this exit (slice over) */
	/* The last exit, decoded: the run loop's record, which the fast
	 * exit path (guest/exit/exit.c) fills too, and what the fast handler
	 * decided when the loop must act on it (HW_FAST_DONE). */
	struct hw_exit exit;
	enum vcpu_action fast_act;
	uint64_t slice_end; /* TSC at which the current slice ends */
	/* Without an exit timer: the host LAPIC timer is armed for a guest
	 * timer due before the slice ends (guest/vcpu_run.c). */
	bool lapic_for_guest;
	/* Virtual platform (vm->plat) only: */
	bool wait_sipi;      /* an AP before its start-up IPI */
	bool init_pending;   /* INIT received, applied at the next entry */
	int sipi_vector;     /* start-up page received, -1: none */
	/* NMIs received and not yet delivered (atomic: any pCPU adds one);
	 * the vCPU keeps at most two, the one it delivers next and one
	 * latched behind it, and one while the guest blocks NMIs
	 * (guest/vpc/pc.c). */
	uint32_t nmi_pending;
	uint64_t cr8;        /* CR8 of VMs without a platform */
	uint64_t misc_enable; /* IA32_MISC_ENABLE as the guest set it */
	uint64_t tsc_adjust;  /* IA32_TSC_ADJUST: what writes moved the TSC by */
	bool reload;         /* load the power-on state at the next run */
	/* Hang detection (guest/vm/hang.c): */
	bool halt_if_off;    /* in HLT with IF = 0: only NMI/INIT/SIPI end it */
	uint64_t halt_rip;   /* RIP of that HLT, for the report */
	bool dead_wait;      /* blocked in such a wait or for a SIPI (atomic) */
};

/* IA32_MISC_ENABLE at power-on: fast strings on (ERMS/FSRM are offered),
 * no BTS or PEBS (there is no PMU). */
#define VCPU_MISC_ENABLE_RESET (MISC_ENABLE_FAST_STRINGS | \
				MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL)

struct vm_console_buf {
	char line[VM_CONSOLE_LINE];
	unsigned len;
};

struct vm {
	struct spinlock lock; /* state, exit code, console */
	unsigned id;
	char name[VM_NAME_MAX + 1];
	const struct vm_config *cfg;
	enum vm_state state;
	int exit_code;
	char stop_reason[192];

	struct ept ept;
	struct gmem_map mem;
	struct gmem_chunk ram_chunks[VM_MAX_RAM_CHUNKS];
	unsigned nr_ram_chunks;
	/* dma = identity: RAM above the first MiB at guest-physical ==
	 * host-physical [start, end) (guest/vm_ident.c); empty otherwise. */
	struct phys_range ident;
	struct hw_vm *hw;  /* the backend's state (arch-x86/hwvirt.h) */
	/* The virtual PC's LAPICs go through APIC virtualization
	 * (guest/vpc/apicv.c). */
	bool apicv;
	/* The end of the VM reaches the levels above through this hook
	 * (guest/vm.c: release its devices, tell the scheduler). */
	void (*ended)(struct vm *vm);

	struct vcpu vcpu[VM_MAX_VCPUS];
	unsigned nr_vcpus;
	unsigned vcpus_live; /* not stopped on their own (atomic) */

	struct vm_console_buf console;
	uint64_t first_entry_tsc;
	const struct platform_ops *platform; /* the machine it is */
	struct vplat *plat; /* the virtual PC's state (pc_platform only) */
	const void *image;  /* kept for a restart */
	size_t image_size;
	const void *initrd;
	size_t initrd_size;
	struct vcpu_init_state boot_state; /* linux/multiboot boot vCPU */
	bool restarting; /* a guest reset is being carried out */
	bool hung;       /* reported hung, no vCPU ran since (atomic) */
	unsigned restarts;
	struct vm_passthru passthru; /* host ports and IRQs it owns */
	/* Its PCI functions (guest/vpc/pci_assign.c), and their INTx, which
	 * passthru_attach() takes like the "irq" keys. */
	struct pci_assign *pci;
	struct pci_assign *pci_retired; /* given back, still allocated */
	struct vm_irq pci_intx[VM_MAX_PCI_IRQS];
	unsigned npci_intx;
	/* The fixed ports its compatibility-mode IDE functions decode
	 * (opened by pci_assign), which passthru_attach() checks against
	 * other VMs' ports as it checks the "ioport" keys. */
	struct vm_ioport_range pci_ports[4];
	unsigned npci_ports;
	/* The RMRRs of its functions with dma = iommu (pci_assign_rmrr.c):
	 * mapped 1:1 in its domain, reserved in its e820 map. */
	struct phys_range pci_resv[VM_MAX_PCI_RESV];
	unsigned npci_resv;
};

/* What a VM is built from: its image and an optional initrd (boot
 * modules, kept for restarts). */
struct vm_image {
	const void *data;
	size_t size;
	const void *initrd;
	size_t initrd_size;
	/* dma = identity: the host range vm_ident_reserve() set aside; the
	 * VM owns it from vm_create() on (freed with its RAM). */
	struct phys_range ram_ident;
};

/* Build a VM from its description and image: memory, EPT, loader, vCPUs.
 * On failure nothing is left allocated, the reason is printed, and a
 * negative value is returned. */
int vm_create(struct vm *vm, unsigned id, const struct vm_config *cfg,
	      const struct vm_image *img);
void vm_destroy(struct vm *vm);

/* End the VM: the guest's own request (exit) or a stop by the hypervisor,
 * with a printf-style reason that is printed once. */
void vm_exit(struct vm *vm, int code);
void vm_stop(struct vm *vm, const char *fmt, ...) __printf(2, 3);
static inline bool vm_is_over(const struct vm *vm)
{
	enum vm_state st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);

	return st == VM_EXITED || st == VM_STOPPED;
}

/* The guest reset its machine (0xCF9, keyboard controller): the VM starts
 * over or ends, as its on_reset says. */
enum vcpu_action vm_guest_reset(struct vcpu *v, const char *why);
/* ACPI S5: the VM ends, or starts over with on_poweroff = restart. */
enum vcpu_action vm_guest_poweroff(struct vcpu *v);

/* Guest console: bytes from COM1 or the console hypercall, printed per
 * line with a "[name] " prefix. */
void vm_console_put(struct vm *vm, char c);
void vm_console_flush(struct vm *vm);

/* " NAME=count" for each exit reason the vCPU met, into buf. */
int vcpu_format_exits(const struct vcpu *v, char *buf, size_t size);

/* Sum of the vCPUs' exit counters for one reason. */
uint64_t vm_exit_count(const struct vm *vm, unsigned reason);

/* Raise a virtual interrupt in a vCPU (from any pCPU) and make sure it is
 * seen: wake the vCPU if it waits in HLT, make its pCPU exit if it runs. */
void vcpu_raise_irq(struct vcpu *v, uint8_t vector);

/* Make the vCPU look at its interrupts and timers again soon (any pCPU):
 * wake it if it waits, make its pCPU exit if it runs elsewhere. */
void vcpu_kick(struct vcpu *v);

/* Hang detection (guest/vm/hang.c).  The loaded vCPU executed HLT with
 * interrupts disabled and nothing to wake it: it waits for an NMI, INIT
 * or SIPI (vcpu_run() keeps it waiting until one comes). */
void vcpu_halt_if_off(struct vcpu *v);
/* The vCPU just blocked in HLT with IF = 0 or waiting for its SIPI: when
 * no vCPU of its VM can ever run again, report the VM once and act on its
 * on_hang (stop it, or keep it without holding the run open). */
void vm_hang_check(struct vcpu *v);
/* The vCPU is halted with IF = 0 (halt_if_off): true, and the halt over,
 * when an NMI, INIT, SIPI or reset has come; false while it must stay
 * halted. */
bool vcpu_halt_ends(struct vcpu *v);
/* A vCPU that was in such a wait (dead_wait) enters the guest again: its
 * VM is no longer hung. */
void vcpu_runs_again(struct vcpu *v);

/* Queue an exception for injection at the next entry. */
void vcpu_inject_exception(struct vcpu *v, unsigned vector, bool has_error,
			   uint32_t error);

/* Registers of a vCPU whose state is loaded (while its exits are
 * handled), through the backend. */
static inline uint64_t vcpu_gpr(struct vcpu *v, unsigned idx) { return hw_gpr(v->hw, idx); }
static inline void vcpu_set_gpr(struct vcpu *v, unsigned idx, uint64_t val) { hw_set_gpr(v->hw, idx, val); }
static inline uint64_t vcpu_rip(struct vcpu *v) { return hw_rip(v->hw); }
static inline void vcpu_set_rip(struct vcpu *v, uint64_t rip) { hw_set_rip(v->hw, rip); }
static inline uint64_t vcpu_rflags(struct vcpu *v) { return hw_rflags(v->hw); }
static inline unsigned vcpu_cpl(struct vcpu *v) { return hw_cpl(v->hw); }
static inline uint64_t vcpu_cr0(struct vcpu *v) { return hw_cr0(v->hw); }
static inline uint64_t vcpu_cr3(struct vcpu *v) { return hw_cr3(v->hw); }
static inline uint64_t vcpu_cr4(struct vcpu *v) { return hw_cr4(v->hw); }
static inline uint64_t vcpu_efer(struct vcpu *v) { return hw_efer(v->hw); }
static inline bool vcpu_long_mode(struct vcpu *v) { return hw_efer(v->hw) & EFER_LMA; }
static inline void vcpu_set_cr0(struct vcpu *v, uint64_t val) { hw_set_cr0(v->hw, val); }
static inline void vcpu_set_cr3(struct vcpu *v, uint64_t val) { hw_set_cr3(v->hw, val); }
static inline void vcpu_set_cr4(struct vcpu *v, uint64_t val) { hw_set_cr4(v->hw, val); }
static inline void vcpu_set_efer(struct vcpu *v, uint64_t val) { hw_set_efer(v->hw, val); }
static inline uint64_t vcpu_pat(struct vcpu *v) { return hw_pat(v->hw); }
static inline void vcpu_set_pat(struct vcpu *v, uint64_t val) { hw_set_pat(v->hw, val); }
static inline uint64_t vcpu_tsc_offset(struct vcpu *v) { return hw_tsc_offset(v->hw); }
static inline bool vcpu_set_tsc_offset(struct vcpu *v, uint64_t off) { return hw_set_tsc_offset(v->hw, off); }

/* Make the vCPU look at its interrupts and timers at its next entry. */
static inline void vcpu_recheck(struct vcpu *v)
{
	__atomic_fetch_or(&v->virq.any, VIRQ_ANY_RECHECK, __ATOMIC_SEQ_CST);
}

/* Make the vCPU leave its loop before its next entry (the VM ended, a
 * yield). */
static inline void vcpu_leave(struct vcpu *v)
{
	__atomic_fetch_or(&v->virq.any, VIRQ_ANY_LEAVE, __ATOMIC_SEQ_CST);
}

/* The entry path is about to look at everything pending: whatever
 * arrives from now on sets 'any' again (posting sets its bit first). */
static inline void vcpu_recheck_begin(struct vcpu *v)
{
	__atomic_fetch_and(&v->virq.any, ~VIRQ_ANY_RECHECK, __ATOMIC_SEQ_CST);
}

/* Leave the vCPU loop before the next entry (slice over, a yield), on
 * the vCPU's own pCPU. */
static inline void vcpu_yield(struct vcpu *v)
{
	v->yield = true;
	vcpu_leave(v);
}
static inline void vcpu_inject_gp(struct vcpu *v)
{
	vcpu_inject_exception(v, X86_EXC_GP, true, 0);
}
static inline void vcpu_inject_ud(struct vcpu *v)
{
	vcpu_inject_exception(v, X86_EXC_UD, false, 0);
}

#endif
