/* The guest-visible ABI of the hypervisor, version 1: hypercall numbers,
 * error codes, CPUID leaves and the start-of-day state of a long-mode VM.
 * This header is shared by the hypervisor and by guests (it needs only
 * <stdint.h>).  docs/hypercalls.md is the prose version. */
#ifndef HV_ABI_H
#define HV_ABI_H

#include <stdint.h>

/* ---- Discovery through CPUID ------------------------------------------
 * CPUID.1:ECX bit 31 ("hypervisor present") is set.
 * CPUID 0x40000000: EAX = highest hypervisor leaf (HV_CPUID_MAX),
 *                   EBX, ECX, EDX = "uHV-research" (12 ASCII bytes).
 * CPUID 0x40000001: EAX = ABI version (major << 16 | minor),
 *                   EBX = feature bits (HV_FEAT_*),
 *                   ECX = highest hypercall number,
 *                   EDX = 0 (reserved). */
#define HV_CPUID_BASE 0x40000000u
#define HV_CPUID_FEATURES 0x40000001u
#define HV_CPUID_MAX HV_CPUID_FEATURES
#define HV_SIGNATURE_EBX 0x2d564875u /* "uHV-" */
#define HV_SIGNATURE_ECX 0x65736572u /* "rese" */
#define HV_SIGNATURE_EDX 0x68637261u /* "arch" */

#define HV_ABI_MAJOR 1
#define HV_ABI_MINOR 0
#define HV_ABI_VERSION ((HV_ABI_MAJOR << 16) | HV_ABI_MINOR)

#define HV_FEAT_CONSOLE (1u << 0)  /* HC_CONSOLE_WRITE */
#define HV_FEAT_TIME (1u << 1)     /* HC_TIME */
#define HV_FEAT_YIELD (1u << 2)    /* HC_YIELD */
#define HV_FEAT_IDENTITY (1u << 3) /* HC_IDENTITY */
#define HV_FEAT_IPI (1u << 4)      /* HC_SEND_IPI, virtual interrupts */
#define HV_FEAT_STATS (1u << 5)    /* HC_VCPU_STATS */

/* ---- Calling convention ------------------------------------------------
 * VMCALL with RAX = call number, arguments in RDI, RSI, RDX, R10, R8, R9
 * (in that order).  On return RAX holds a non-negative result or one of the
 * negative HV_E* codes; every other register is preserved.  Calls from CPL
 * 3 fail with HV_EPERM unless the call is marked "user" below.  RIP
 * advances past the VMCALL in every case except HC_SHUTDOWN. */
enum hv_call {
	HC_VERSION = 0,       /* () -> HV_ABI_VERSION                  user */
	HC_NOP = 1,           /* () -> 0   (round-trip measurement)     user */
	HC_CONSOLE_WRITE = 2, /* (gpa, len) -> bytes written; len <= HV_CONSOLE_MAX */
	HC_IDENTITY = 3,      /* (gpa or 0) -> vm_id << 16 | vcpu_id; fills
			       * struct hv_identity at gpa when gpa != 0 */
	HC_TIME = 4,          /* () -> TSC frequency in Hz             user */
	HC_YIELD = 5,         /* () -> 0; gives up the rest of the slice user */
	HC_SHUTDOWN = 6,      /* (exit code) -> does not return            */
	HC_SEND_IPI = 7,      /* (vcpu_id, vector) -> 0; vector 32..255 is
			       * raised in that vCPU of the same VM      user */
	HC_VCPU_STATS = 8,    /* (vcpu_id, gpa) -> 0; fills struct
			       * hv_vcpu_stats for a vCPU of the same VM */
	HC_NR_CALLS
};

#define HV_CONSOLE_MAX 4096

enum hv_error {
	HV_OK = 0,
	HV_ENOSYS = -1, /* no such call */
	HV_EINVAL = -2, /* invalid argument */
	HV_EFAULT = -3, /* guest buffer not entirely in the VM's RAM */
	HV_EPERM = -4,  /* not permitted (e.g. from CPL 3) */
};

struct hv_identity {
	uint32_t vm_id;
	uint32_t vcpu_id;
	uint32_t nr_vcpus;
	uint32_t reserved;
	char name[32]; /* NUL-terminated VM name */
};

enum hv_vcpu_state {
	HV_VCPU_RUNNABLE = 0,
	HV_VCPU_RUNNING = 1,
	HV_VCPU_BLOCKED = 2, /* in HLT, waiting for a virtual interrupt */
	HV_VCPU_STOPPED = 3,
};

/* Scheduler statistics of one vCPU (HC_VCPU_STATS).  Times in TSC
 * ticks of the host (the guest's TSC runs at the same rate). */
struct hv_vcpu_stats {
	uint64_t run_tsc;    /* time spent running */
	uint64_t runs;       /* times it was dispatched */
	uint64_t migrations; /* dispatches on another pCPU than the last */
	uint64_t wakeups;    /* wake-ups from HLT */
	uint64_t exits;      /* VM exits */
	uint64_t pcpu_mask;  /* bit n: it ran on pCPU n at least once */
	uint32_t state;      /* enum hv_vcpu_state */
	uint32_t pcpu;       /* pCPU it last ran on */
};

/* ---- Virtual interrupts -------------------------------------------------
 * A vector raised by HC_SEND_IPI (or, later, a virtual device) is
 * delivered through the guest's IDT like an external interrupt once the
 * vCPU has RFLAGS.IF = 1 and no STI/MOV-SS shadow; pending vectors are
 * delivered highest first, each once.  No EOI is needed (there is no
 * virtual LAPIC yet).  HLT with IF = 1 blocks the vCPU until a vector is
 * pending; HLT with IF = 0 and nothing pending stops the vCPU for good
 * (reported). */

/* ---- Start-of-day state of a long64 VM ---------------------------------
 * 64-bit mode, CPL 0, paging on with an identity map of the first 4 GiB of
 * guest-physical space (2 MiB pages, U/S=1, R/W=1) built by the hypervisor
 * in guest RAM at HV_BOOT_PML4..; GDT at HV_BOOT_GDT with the selectors
 * below; interrupts disabled, no IDT (IDTR limit 0).  RDI = GPA of a
 * struct hv_start_info; RSI = the vCPU's number; RSP = load address -
 * vCPU number * HV_VCPU_STACK (each vCPU its own stack, growing down
 * towards HV_BOOT_STACK_LOW).  Every vCPU of a VM starts this way at the
 * same entry.  The guest image is loaded at its configured load
 * address (default 0x100000) and entered at its entry address (default:
 * the load address). */
#define HV_BOOT_PML4 0x1000u    /* PML4, then PDPT, then 4 PDs: 0x1000-0x6fff */
#define HV_BOOT_GDT 0x7000u
#define HV_BOOT_INFO 0x8000u    /* struct hv_start_info */
#define HV_BOOT_CMDLINE 0x8100u /* NUL-terminated, up to 256 bytes */
#define HV_BOOT_STACK_LOW 0x9000u
#define HV_VCPU_STACK 0x10000u  /* 64 KiB of stack per vCPU */

#define HV_SEL_CODE64 0x08
#define HV_SEL_DATA 0x10
#define HV_SEL_USER_DATA 0x1b /* DPL 3 */
#define HV_SEL_USER_CODE64 0x23 /* DPL 3 */

#define HV_START_MAGIC 0x31564875u /* "uHV1" */

struct hv_start_info {
	uint32_t magic;     /* HV_START_MAGIC */
	uint32_t version;   /* HV_ABI_VERSION */
	uint64_t mem_size;  /* bytes of RAM from GPA 0 */
	uint32_t vm_id;
	uint32_t vcpu_id;
	uint32_t nr_vcpus;
	uint32_t flags;
	uint64_t cmdline;   /* GPA of the command line, 0 if none */
};

/* ---- Start-of-day state of a real-mode VM ------------------------------
 * Like after RESET (CR0 = 0x60000010, EDX = CPUID.1:EAX) except that
 * CS = 0 (base 0) and IP = the entry address (below 64 KiB), DS = ES = SS
 * = 0, SP = the entry address.  Unrestricted guest runs it natively. */

#endif
