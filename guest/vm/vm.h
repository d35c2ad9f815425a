/* What a VM is: its memory, its vCPUs, its state and its exit status. */
#ifndef GUEST_VM_H
#define GUEST_VM_H

#include "lib/types.h"
#include "guest/config/config.h"
#include "mm/ept.h"
#include "mm/gmem.h"
#include "vmx/vmx.h"
#include "vmx/exit_reason.h"
#include "guest/vm/virq.h"
#include "guest/vpc/passthru.h"
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

/* One event waiting to be injected at the next VM entry. */
struct pending_event {
	bool valid;
	uint8_t vector;
	uint8_t type; /* enum intr_type */
	bool has_error;
	uint32_t error;
	uint32_t insn_len; /* software interrupts/exceptions */
};

struct vm;
struct vplat;

struct vcpu {
	struct vm *vm;
	unsigned id;
	enum vcpu_state state;
	struct vmx_vcpu vmx;
	struct pending_event event;
	struct virq_set virq;        /* virtual interrupts waiting */
	struct sched_entity se;
	char se_name[VM_NAME_MAX + 8]; /* "vm/n" for scheduler messages */
	uint64_t xcr0;
	paddr_t fpu_area;            /* XSAVE/FXSAVE image, one page */
	/* Syscall MSRs passed through to the guest; swapped on switches. */
	uint64_t msr_star, msr_lstar, msr_cstar, msr_sfmask, msr_kgs_base,
		msr_tsc_aux;
	uint64_t pcpu_mask;          /* pCPUs it ran on */
	uint64_t exit_count[EXIT_REASON_MAX];
	bool yield; /* leave the run loop after this exit (slice over) */
	uint64_t slice_end; /* TSC at which the current slice ends */
	/* Virtual platform (vm->plat) only: */
	bool wait_sipi;      /* an AP before its start-up IPI */
	bool init_pending;   /* INIT received, applied at the next entry */
	int sipi_vector;     /* start-up page received, -1: none */
	bool nmi_pending;
	uint64_t cr8;        /* CR8 of VMs without a platform */
	bool reload;         /* load the power-on state at the next run */
};

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
	paddr_t msr_bitmap, io_bitmap_a, io_bitmap_b;
	/* The virtual PC's LAPICs through APIC virtualization (vmx/apicv.c):
	 * the APIC-access page, mapped at the LAPIC base, and the MSR bitmap
	 * of vCPUs in x2APIC mode. */
	bool apicv;
	paddr_t apic_access_page, msr_bitmap_x2apic;

	struct vcpu vcpu[VM_MAX_VCPUS];
	unsigned nr_vcpus;
	unsigned vcpus_live; /* not stopped on their own (atomic) */

	struct vm_console_buf console;
	uint64_t first_entry_tsc;
	struct vplat *plat; /* the virtual PC, NULL without one */
	const void *image;  /* kept for a restart */
	size_t image_size;
	const void *initrd;
	size_t initrd_size;
	struct vcpu_init_state boot_state; /* linux/multiboot boot vCPU */
	bool restarting; /* a guest reset is being carried out */
	unsigned restarts;
	struct vm_passthru passthru; /* host ports and IRQs it owns */
};

/* What a VM is built from: its image and an optional initrd (boot
 * modules, kept for restarts). */
struct vm_image {
	const void *data;
	size_t size;
	const void *initrd;
	size_t initrd_size;
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

/* Sum of the vCPUs' exit counters for one reason. */
uint64_t vm_exit_count(const struct vm *vm, unsigned reason);

/* Raise a virtual interrupt in a vCPU (from any pCPU) and make sure it is
 * seen: wake the vCPU if it waits in HLT, make its pCPU exit if it runs. */
void vcpu_raise_irq(struct vcpu *v, uint8_t vector);

/* Make the vCPU look at its interrupts and timers again soon (any pCPU):
 * wake it if it waits, make its pCPU exit if it runs elsewhere. */
void vcpu_kick(struct vcpu *v);

/* Queue an exception for injection at the next entry. */
void vcpu_inject_exception(struct vcpu *v, unsigned vector, bool has_error,
			   uint32_t error);
static inline void vcpu_inject_gp(struct vcpu *v)
{
	vcpu_inject_exception(v, 13, true, 0);
}
static inline void vcpu_inject_ud(struct vcpu *v)
{
	vcpu_inject_exception(v, 6, false, 0);
}

#endif
