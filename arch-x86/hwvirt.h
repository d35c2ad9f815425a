/* The contract between what a VM is (guest/) and the hardware that runs
 * it: one vendor-neutral vCPU API that a virtualization backend
 * implements.  vmx/ implements it with Intel VT-x; an AMD SVM backend
 * would sit beside vmx/ with the same functions and leave guest/ alone.
 *
 * The backend owns the hardware state of a VM (struct hw_vm: bitmaps,
 * EPT pointer, APIC pages) and of a vCPU (struct hw_vcpu: VMCS, register
 * file, controls).  guest/ sees them only through the functions below.
 * It runs a vCPU with hw_vcpu_enter(), which injects the event it is
 * given, arms the exit timer, runs the guest until the next exit and
 * returns a decoded, vendor-neutral exit record. */
#ifndef ARCH_X86_HWVIRT_H
#define ARCH_X86_HWVIRT_H

#include "lib/types.h"
#include "mm/ept.h"

struct hw_vm;
struct hw_vcpu;

/* ---- Registers ---------------------------------------------------------- */

/* General-purpose registers in instruction-encoding order. */
enum gpr_index {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
};

struct hw_gprs {
	union {
		struct {
			uint64_t rax, rcx, rdx, rbx, rsp_unused, rbp, rsi, rdi;
			uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
		};
		uint64_t gpr[16]; /* indexed by enum gpr_index */
	};
};

/* Segment access rights in the layout of the descriptor's bits 40-55
 * with "unusable" in bit 16 (the VMCS's; SDM vol. 3 §24.4.1).  A backend
 * with another layout converts. */
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

/* The architectural state a vCPU starts in: guest/ decides it, the
 * backend loads it. */
struct vcpu_init_state {
	struct seg_state cs, ss, ds, es, fs, gs, tr, ldtr;
	uint64_t gdtr_base, idtr_base;
	uint32_t gdtr_limit, idtr_limit;
	uint64_t cr0, cr3, cr4, efer, pat;
	uint64_t rip, rsp, rflags;
	struct hw_gprs regs;
};

/* ---- Events -------------------------------------------------------------- */

/* Event types as x86 delivers them (the numbers VT-x uses in its
 * interruption-information fields). */
enum hw_event_type {
	HW_EV_EXT_INTR = 0,
	HW_EV_NMI = 2,
	HW_EV_HW_EXCEPTION = 3,
	HW_EV_SW_INTR = 4,
	HW_EV_PRIV_SW_EXCEPTION = 5,
	HW_EV_SW_EXCEPTION = 6,
};

/* One event to deliver at the next entry. */
struct hw_event {
	bool valid;
	uint8_t vector;
	uint8_t type; /* enum hw_event_type */
	bool has_error;
	uint32_t error;
	uint32_t insn_len; /* software interrupts and exceptions */
};

/* ---- Exits --------------------------------------------------------------- */

enum hw_exit_kind {
	HW_EXIT_NONE,          /* handled by the backend (a host NMI): resume */
	HW_EXIT_EXTINT,        /* a host interrupt is pending: take it */
	HW_EXIT_EXCEPTION,     /* a guest exception the backend intercepted */
	HW_EXIT_TRIPLE_FAULT,
	HW_EXIT_INTR_WINDOW,   /* the guest can take an interrupt now */
	HW_EXIT_NMI_WINDOW,    /* the guest can take an NMI now */
	HW_EXIT_TIMER,         /* the deadline given to hw_vcpu_enter() passed */
	HW_EXIT_CPUID,
	HW_EXIT_HLT,
	HW_EXIT_CACHE_FLUSH,   /* INVD, WBINVD */
	HW_EXIT_HYPERCALL,     /* VMCALL (VMMCALL) */
	HW_EXIT_VIRT_INSN,     /* an instruction of nested virtualization */
	HW_EXIT_MONITOR,       /* MONITOR, MWAIT */
	HW_EXIT_RDPMC,
	HW_EXIT_GETSEC,
	HW_EXIT_RDMSR,
	HW_EXIT_WRMSR,
	HW_EXIT_XSETBV,
	HW_EXIT_CR,            /* CR and I/O come last of the instruction */
	HW_EXIT_IO,            /* exits: their operands are decoded too */
	HW_EXIT_NPF,           /* nested (EPT) page fault */
	HW_EXIT_APIC_ACCESS,   /* [APIC virtualization] a register not in the page */
	HW_EXIT_APIC_WRITE,    /* ... a write that needs the model (trap-like) */
	HW_EXIT_APIC_EOI,      /* ... an EOI the model must hear of (trap-like) */
	HW_EXIT_UNKNOWN,       /* an exit the contract has no name for */
	HW_EXIT_ENTRY_FAIL,    /* the entry failed; 'fail' says why */
	HW_EXIT_KINDS
};

/* I/O exits: IN (else OUT), INS/OUTS, with a REP prefix. */
#define HW_IO_IN BIT(0)
#define HW_IO_STRING BIT(1)
#define HW_IO_REP BIT(2)

/* Kinds of CR access. */
enum hw_cr_access { HW_CR_MOV_TO, HW_CR_MOV_FROM, HW_CR_CLTS, HW_CR_LMSW };

/* Access bits of a nested page fault. */
#define HW_ACCESS_READ BIT(0)
#define HW_ACCESS_WRITE BIT(1)
#define HW_ACCESS_FETCH BIT(2)

/* What one exit was, decoded.  Only the part of the union that belongs
 * to 'kind' is filled in. */
struct hw_exit {
	uint16_t kind;       /* enum hw_exit_kind */
	uint16_t reason;     /* the backend's own number, < HW_EXIT_REASONS
			      * (statistics, reports) */
	uint32_t insn_len;   /* of the exiting instruction, for a backend whose
			      * hw_vcpu_advance() needs it (VT-x's takes it
			      * from the VMCS and leaves this 0) */
	union {
		struct {
			uint16_t port;
			uint8_t size;  /* 1, 2 or 4 */
			uint8_t flags; /* HW_IO_* */
		} io;
		struct {
			uint8_t cr;
			uint8_t access; /* enum hw_cr_access */
			uint8_t gpr;    /* MOV: the register */
			uint16_t lmsw;  /* LMSW: the source operand */
		} cr;
		struct {
			gpa_t gpa;
			uint64_t gla;
			uint8_t access; /* HW_ACCESS_* */
			bool gla_valid;
		} npf;
		struct {
			uint32_t offset; /* in the APIC page */
			bool write;
			bool linear;    /* a linear access (not by event delivery or
					 * a page walk) */
			uint8_t type;   /* the backend's access type, for reports */
		} apic;
		struct {
			uint8_t vector;
		} eoi;
		struct {
			uint8_t vector;
			uint8_t type;   /* enum hw_event_type */
		} exc;
		struct {
			uint32_t reason; /* the backend's raw number */
			uint64_t qual;   /* ... and its qualification */
		} unknown;              /* HW_EXIT_UNKNOWN */
		const char *fail;       /* HW_EXIT_ENTRY_FAIL: one line */
	};
	/* With HW_EXIT_F_VECTORING: the event whose delivery the exit
	 * interrupted, to be delivered again at the next entry. */
	struct hw_event vectoring;
};

/* What hw_vcpu_enter() returns besides the record (0 in the common case):
 * the vCPU has a virtual-APIC page the CPU wrote to while the guest ran,
 * to be read back before anything looks at the LAPIC; */
#define HW_EXIT_F_VAPIC BIT(0)
/* 'vectoring' holds an interrupted event. */
#define HW_EXIT_F_VECTORING BIT(1)
/* The fast handler handled the exit (HW_FAST_DONE, below). */
#define HW_EXIT_F_HANDLED BIT(2)

/* ---- The backend --------------------------------------------------------- */

/* Global: the EPT format the hardware takes, its flush, the timer. */
int hw_ept_config(struct ept_config *cfg);
/* True when hw_vcpu_enter() can end the guest at a deadline by itself;
 * otherwise the caller arms a host timer interrupt. */
bool hw_has_exit_timer(void);
/* Names for statistics: of a backend reason, and the number of them (the
 * last one collects reasons the backend has no number for). */
const char *hw_exit_reason_name(unsigned reason);
#define HW_EXIT_REASONS 81

/* A VM: what is trapped, its EPT, and with 'lapic_gpa' != 0 APIC
 * virtualization for LAPICs at that guest-physical page, where the CPU
 * has it and it is wanted.  NULL (reason printed) when out of memory. */
struct hw_vm *hw_vm_create(const char *name, struct ept *ept, gpa_t lapic_gpa);
void hw_vm_destroy(struct hw_vm *hvm);
/* Whether the VM's LAPICs go through APIC virtualization. */
bool hw_vm_apicv(const struct hw_vm *hvm);
void hw_vm_msr_intercept(struct hw_vm *hvm, uint32_t msr, bool read, bool write);
/* [APIC virtualization] the same for vCPUs in x2APIC mode only. */
void hw_vm_x2apic_msr_intercept(struct hw_vm *hvm, uint32_t msr, bool read,
				bool write);
void hw_vm_io_intercept(struct hw_vm *hvm, uint16_t port, bool trap);

/* A vCPU in its initial state; NULL (reason printed) on failure. */
struct hw_vcpu *hw_vcpu_create(struct hw_vm *hvm, unsigned id,
			       const struct vcpu_init_state *st);
void hw_vcpu_destroy(struct hw_vcpu *hw);
/* Make the vCPU current on this pCPU for a while / give it up again (it
 * may then run on another pCPU).  The backend may keep the vCPU's state
 * on this pCPU after put, for a cheaper load here next time; then a load
 * elsewhere waits until this pCPU calls hw_cpu_release() or loads
 * another vCPU, so a pCPU calls hw_cpu_release() before it idles. */
void hw_vcpu_load(struct hw_vcpu *hw);
void hw_vcpu_put(struct hw_vcpu *hw);
/* Give up whatever vCPU state this pCPU still keeps (before idling, at
 * the end of a VM). */
void hw_cpu_release(void);
/* Load a whole new architectural state (INIT/SIPI, a restart); loaded. */
void hw_vcpu_set_state(struct hw_vcpu *hw, const struct vcpu_init_state *st);

/* Deliver this event at the next entry (the vCPU is loaded). */
void hw_vcpu_inject(struct hw_vcpu *hw, const struct hw_event *ev);
/* End the guest with HW_EXIT_TIMER at 'deadline' (TSC; UINT64_MAX: none)
 * where hw_has_exit_timer(); armed now, from the time of this call. */
void hw_vcpu_set_deadline(struct hw_vcpu *hw, uint64_t deadline);
/* Run the loaded vCPU until its next exit and decode it into *exit: the
 * event given with hw_vcpu_inject() is delivered, the deadline given with
 * hw_vcpu_set_deadline() is in force.  Returns the HW_EXIT_F_* flags (0
 * in the common case), or a negative value when the entry failed
 * (exit->kind == HW_EXIT_ENTRY_FAIL, exit->fail says why and the details
 * are printed).  The event and the deadline are
 * separate calls so that the common entry (nothing to deliver, the same
 * deadline) pays nothing for them. */
int hw_vcpu_enter(struct hw_vcpu *hw, struct hw_exit *exit);
/* Skip the instruction that exited (and end an STI / MOV SS shadow). */
void hw_vcpu_advance(struct hw_vcpu *hw, const struct hw_exit *exit);

/* The fast exit path (docs/PERFORMANCE.md).  After every exit the
 * backend first calls the vCPU's fast handler fn(ctx), before it has
 * saved the whole register file and before hw_vcpu_enter() returns.
 * The handler decodes with hw_vcpu_decode_fast(); it returns
 *  HW_FAST_RESUME: handled and advanced: the guest runs again at once;
 *  HW_FAST_NO:     not handled: hw_vcpu_enter() decodes and returns as
 *                  usual;
 *  HW_FAST_DONE:   handled (the record it decoded says what), but the
 *                  caller's loop must act: hw_vcpu_enter() returns
 *                  HW_EXIT_F_HANDLED and the record as decoded.
 * While it runs, hw_gpr() and hw_set_gpr() reach only the registers the
 * C calling convention does not preserve (RAX, RCX, RDX, RSI, RDI,
 * R8-R11) and RBX; the others still hold the guest's values in the CPU
 * and are saved after it returns.  A vCPU with APIC virtualization takes
 * no fast path (its virtual-APIC page is read back first). */
enum { HW_FAST_RESUME, HW_FAST_NO, HW_FAST_DONE };
typedef int (*hw_fast_exit_fn)(void *ctx);
void hw_vcpu_set_fast_exit(struct hw_vcpu *hw, hw_fast_exit_fn fn, void *ctx);
/* In a fast handler: an exit caused by an instruction, decoded into
 * *exit; false for every other exit (left to hw_vcpu_enter()). */
bool hw_vcpu_decode_fast(struct hw_vcpu *hw, struct hw_exit *exit);
/* Exit at the next instruction boundary where the guest can take an
 * interrupt (interrupt-window exiting). */
void hw_vcpu_intr_window(struct hw_vcpu *hw, bool on);
/* Exit at the next instruction boundary where the guest can take an
 * NMI: after the IRET that ends its NMI handler (NMI-window exiting).
 * False when the backend cannot (no virtual NMIs): the caller then looks
 * again at every exit. */
bool hw_vcpu_nmi_window(struct hw_vcpu *hw, bool on);
/* RFLAGS.IF set and no STI or MOV SS shadow. */
bool hw_vcpu_interruptible(struct hw_vcpu *hw);
/* NMIs blocked (in an NMI handler, or a MOV SS shadow). */
bool hw_vcpu_nmi_blocked(struct hw_vcpu *hw);

/* Registers; the vCPU must be loaded. */
uint64_t hw_gpr(struct hw_vcpu *hw, unsigned idx);
void hw_set_gpr(struct hw_vcpu *hw, unsigned idx, uint64_t val);
uint64_t hw_rip(struct hw_vcpu *hw);
void hw_set_rip(struct hw_vcpu *hw, uint64_t rip);
uint64_t hw_rflags(struct hw_vcpu *hw);
void hw_set_rflags(struct hw_vcpu *hw, uint64_t val);
/* Segment registers in encoding order: 0 ES, 1 CS, 2 SS, 3 DS, 4 FS, 5 GS. */
uint64_t hw_seg_base(struct hw_vcpu *hw, unsigned seg);
uint32_t hw_seg_ar(struct hw_vcpu *hw, unsigned seg); /* SEG_AR_* layout */
unsigned hw_cpl(struct hw_vcpu *hw);
/* Control registers as the guest sees them. */
uint64_t hw_cr0(struct hw_vcpu *hw);
uint64_t hw_cr3(struct hw_vcpu *hw);
uint64_t hw_cr4(struct hw_vcpu *hw);
uint64_t hw_efer(struct hw_vcpu *hw);
/* A new guest view of CR0/CR4/EFER; LMA follows (SDM vol. 3 §10.8.5). */
void hw_set_cr0(struct hw_vcpu *hw, uint64_t val);
void hw_set_cr3(struct hw_vcpu *hw, uint64_t val);
void hw_set_cr4(struct hw_vcpu *hw, uint64_t val);
void hw_set_efer(struct hw_vcpu *hw, uint64_t val);
uint64_t hw_pat(struct hw_vcpu *hw);
void hw_set_pat(struct hw_vcpu *hw, uint64_t val);
/* The guest's TSC is the host's plus this offset (0 until the guest
 * writes IA32_TSC); false if the CPU cannot offset it. */
uint64_t hw_tsc_offset(struct hw_vcpu *hw);
bool hw_set_tsc_offset(struct hw_vcpu *hw, uint64_t off);
/* CR2 of the guest (it lives in the pCPU while the vCPU runs). */
uint64_t hw_cr2(struct hw_vcpu *hw);
void hw_set_cr2(struct hw_vcpu *hw, uint64_t val);

/* [APIC virtualization] The virtual-APIC page of a vCPU, and the state
 * the CPU delivers from at the next entry: the LAPIC's mode, the
 * guest-interrupt status (SVI << 8 | RVI) and which vectors' EOIs exit.
 * HW_APIC_OFF (globally disabled): nothing is virtualized, every access
 * to the LAPIC page and to CR8 exits. */
enum hw_apic_mode { HW_APIC_XAPIC, HW_APIC_X2APIC, HW_APIC_OFF };
uint32_t *hw_vcpu_vapic(struct hw_vcpu *hw);
void hw_vcpu_apicv_sync(struct hw_vcpu *hw, enum hw_apic_mode mode,
			uint16_t intr_status, const uint64_t eoi_exit[4]);

/* Print the vCPU's state for a report (a guest fault, a hypervisor bug). */
void hw_vcpu_dump(struct hw_vcpu *hw);

#endif
