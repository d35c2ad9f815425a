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
 *                   EBX = feature bits (HV_FEAT_*) of the calls this
 *                         VM may make (its allow-list),
 *                   ECX = highest hypercall number,
 *                   EDX = 0 (reserved). */
#define HV_CPUID_BASE 0x40000000u
#define HV_CPUID_FEATURES 0x40000001u
#define HV_CPUID_MAX HV_CPUID_FEATURES
#define HV_SIGNATURE_EBX 0x2d564875u /* "uHV-" */
#define HV_SIGNATURE_ECX 0x65736572u /* "rese" */
#define HV_SIGNATURE_EDX 0x68637261u /* "arch" */

#define HV_ABI_MAJOR 1
#define HV_ABI_MINOR 1
#define HV_ABI_VERSION ((HV_ABI_MAJOR << 16) | HV_ABI_MINOR)

#define HV_FEAT_CONSOLE (1u << 0)  /* HC_CONSOLE_WRITE */
#define HV_FEAT_TIME (1u << 1)     /* HC_TIME */
#define HV_FEAT_YIELD (1u << 2)    /* HC_YIELD */
#define HV_FEAT_IDENTITY (1u << 3) /* HC_IDENTITY */
#define HV_FEAT_IPI (1u << 4)      /* HC_SEND_IPI, virtual interrupts */
#define HV_FEAT_STATS (1u << 5)    /* HC_VCPU_STATS */
#define HV_FEAT_DISCOVER (1u << 6) /* HC_DISCOVER */
#define HV_FEAT_MEMCALL (1u << 7)  /* HC_MEMCALL */
#define HV_FEAT_BATCH (1u << 8)    /* HC_BATCH */
#define HV_FEAT_RING (1u << 9)     /* HC_RING_SETUP, HC_RING_KICK */
#define HV_FEAT_TRACE (1u << 10)   /* HC_TRACE_READ */

/* ---- The call table -----------------------------------------------------
 * One line per call, the only place a call is declared:
 *   X(nr, NAME, name, nargs, kinds, flags, group, feature)
 * nr: the number in RAX; NAME gives HC_NAME; name: the lower-case name
 * used by discovery and the VM description key `hypercalls`; nargs:
 * arguments taken (RDI, RSI, RDX, R10, R8, R9), the rest read as 0;
 * kinds: HV_ARG(kind, i) per argument (what the hypervisor checks it
 * against); flags: HV_CF_*; group: HV_GROUP_* (for allow-lists);
 * feature: the HV_FEAT_* bit of CPUID.0x40000001:EBX announcing it (0:
 * always there).  docs/hypercalls.md section 3 is checked against it
 * (tests/docs/check_hypercalls.py). */
#define HV_ARG_VAL 0u /* a plain value */
#define HV_ARG_GPA 1u /* a guest-physical address, checked against RAM */
#define HV_ARG_LEN 2u /* a length or count, checked against a limit */
#define HV_ARG_VCPU 3u /* a vCPU number of the same VM */
#define HV_ARG(kind, i) ((kind) << (2 * (i)))
#define HV_ARG_KIND(kinds, i) (((kinds) >> (2 * (i))) & 3u)

#define HV_CF_USER 0x1u   /* may be called from CPL 3 (cpl3_hypercalls = on) */
#define HV_CF_DIRECT 0x2u /* register convention only: not inside memcall,
			   * batch or ring records (HV_EINVAL there) */

enum hv_call_group {
	HV_GROUP_BASE = 0,     /* "base": version .. shutdown */
	HV_GROUP_IPI = 1,      /* "ipi": send_ipi */
	HV_GROUP_STATS = 2,    /* "stats": vcpu_stats */
	HV_GROUP_DISCOVER = 3, /* "discover": the call table */
	HV_GROUP_CONV = 4,     /* "conv": memcall, batch */
	HV_GROUP_RING = 5,     /* "ring": the exitless ring */
	HV_GROUP_ADMIN = 6,    /* "admin": privileged (trace of the pCPU) */
	HV_NR_GROUPS
};

#define HV_CALL_TABLE(X)                                                     \
	X(0, VERSION, version, 0, 0, HV_CF_USER, HV_GROUP_BASE, 0)            \
	X(1, NOP, nop, 0, 0, HV_CF_USER, HV_GROUP_BASE, 0)                    \
	X(2, CONSOLE_WRITE, console_write, 2,                                 \
	  HV_ARG(HV_ARG_GPA, 0) | HV_ARG(HV_ARG_LEN, 1), 0, HV_GROUP_BASE,    \
	  HV_FEAT_CONSOLE)                                                    \
	X(3, IDENTITY, identity, 1, HV_ARG(HV_ARG_GPA, 0), 0, HV_GROUP_BASE,  \
	  HV_FEAT_IDENTITY)                                                   \
	X(4, TIME, time, 0, 0, HV_CF_USER, HV_GROUP_BASE, HV_FEAT_TIME)       \
	X(5, YIELD, yield, 0, 0, HV_CF_USER, HV_GROUP_BASE, HV_FEAT_YIELD)    \
	X(6, SHUTDOWN, shutdown, 1, 0, 0, HV_GROUP_BASE, 0)                   \
	X(7, SEND_IPI, send_ipi, 2, HV_ARG(HV_ARG_VCPU, 0), HV_CF_USER,       \
	  HV_GROUP_IPI, HV_FEAT_IPI)                                          \
	X(8, VCPU_STATS, vcpu_stats, 2,                                       \
	  HV_ARG(HV_ARG_VCPU, 0) | HV_ARG(HV_ARG_GPA, 1), 0, HV_GROUP_STATS,  \
	  HV_FEAT_STATS)                                                      \
	X(9, DISCOVER, discover, 2,                                           \
	  HV_ARG(HV_ARG_GPA, 0) | HV_ARG(HV_ARG_LEN, 1), 0, HV_GROUP_DISCOVER,\
	  HV_FEAT_DISCOVER)                                                   \
	X(10, MEMCALL, memcall, 1, HV_ARG(HV_ARG_GPA, 0), HV_CF_DIRECT,       \
	  HV_GROUP_CONV, HV_FEAT_MEMCALL)                                     \
	X(11, BATCH, batch, 2, HV_ARG(HV_ARG_GPA, 0) | HV_ARG(HV_ARG_LEN, 1), \
	  HV_CF_DIRECT, HV_GROUP_CONV, HV_FEAT_BATCH)                         \
	X(12, RING_SETUP, ring_setup, 3,                                      \
	  HV_ARG(HV_ARG_GPA, 0) | HV_ARG(HV_ARG_LEN, 1), HV_CF_DIRECT,        \
	  HV_GROUP_RING, HV_FEAT_RING)                                        \
	X(13, RING_KICK, ring_kick, 0, 0, HV_CF_DIRECT, HV_GROUP_RING,        \
	  HV_FEAT_RING)                                                       \
	X(14, TRACE_READ, trace_read, 2,                                      \
	  HV_ARG(HV_ARG_GPA, 0) | HV_ARG(HV_ARG_LEN, 1), 0, HV_GROUP_ADMIN,   \
	  HV_FEAT_TRACE)

/* ---- Calling convention (register) --------------------------------------
 * VMCALL with RAX = call number, arguments in RDI, RSI, RDX, R10, R8, R9
 * (in that order).  On return RAX holds a non-negative result or one of the
 * negative HV_E* codes; every other register is preserved.  Calls from CPL
 * 3 fail with HV_EPERM unless the call has HV_CF_USER; calls outside the
 * VM's allow-list (its `hypercalls` key) fail with HV_EPERM.  RIP
 * advances past the VMCALL in every case except HC_SHUTDOWN.  The other
 * three conventions (memory, batch, exitless ring) are calls themselves,
 * below. */
enum hv_call {
#define HV_CALL_ENUM(nr, NAME, name, nargs, kinds, flags, group, feat) HC_##NAME = nr,
	HV_CALL_TABLE(HV_CALL_ENUM)
#undef HV_CALL_ENUM
	HC_NR_CALLS
};

/* The allow-list when a VM description has no `hypercalls` key: the
 * calls of ABI 1.0 (groups base, ipi, stats). */
#define HV_ALLOW_DEFAULT ((1ull << (HC_VCPU_STATS + 1)) - 1)

#define HV_CONSOLE_MAX 4096

/* ---- HC_DISCOVER(gpa, max): the calls this VM may make ----------------
 * Writes min(allowed, max) records, in call-number order, to gpa and
 * returns how many calls the VM may make (call again with a larger
 * buffer when the result exceeds max).  max <= HV_DISCOVER_MAX. */
#define HV_DISCOVER_MAX 64
#define HV_CALL_NAME_MAX 16
struct hv_call_info {
	uint16_t nr;      /* call number (RAX) */
	uint8_t nargs;    /* arguments taken */
	uint8_t group;    /* enum hv_call_group */
	uint16_t flags;   /* HV_CF_* */
	uint16_t kinds;   /* HV_ARG(kind, i) for each argument */
	uint32_t feature; /* HV_FEAT_* bit announcing it, 0 if none */
	uint32_t reserved;
	char name[HV_CALL_NAME_MAX]; /* NUL-terminated */
};

/* ---- Call records: the memory, batch and ring conventions --------------
 * One call in guest memory, 64 bytes, 8-byte aligned, never crossing a
 * 4 KiB page boundary when used alone (HC_MEMCALL).  'nr' and 'args' are
 * read once, before the call runs; 'result' is written once, after. */
struct hv_call_rec {
	uint64_t nr;      /* call number */
	uint64_t args[6]; /* arguments 1..6 */
	int64_t result;   /* HC_MEMCALL/HC_BATCH: written with the result;
			   * ring: the guest's tag, copied to the completion */
};

/* HC_MEMCALL(gpa): runs the record at gpa; result in RAX and in
 * rec.result.  HC_BATCH(gpa, count): runs records gpa[0..count) in
 * order, at most HV_BATCH_STEP per VMCALL; stops after the first
 * record whose result is negative; returns how many records ran (their
 * results written), k: k == count all ran; rec[k-1].result < 0 that one
 * failed and the rest did not run; otherwise the call was cut short to
 * bound its work: call again with gpa + 64 * k, count - k.
 * count <= HV_BATCH_MAX. */
#define HV_BATCH_MAX 4096
#define HV_BATCH_STEP 64

/* ---- The exitless ring (HC_RING_SETUP(gpa, entries, vector)) -----------
 * One per vCPU, in guest RAM at gpa (4 KiB aligned), entries a power of
 * two from 1 to HV_RING_MAX:
 *   gpa + 0                  struct hv_ring_hdr (64 bytes)
 *   gpa + 64                 submission queue: entries x hv_call_rec
 *   gpa + 64 + 64 * entries  completion queue: entries x hv_ring_cqe
 * Indices are free-running 32-bit counters; slot = index & (entries - 1).
 * The guest writes SQ records then sq_tail, and reads the CQ up to
 * cq_tail then advances cq_head; the hypervisor (the only writer of
 * sq_head and cq_tail, which it keeps privately and never reads back)
 * writes completions then cq_tail then sq_head.  vector 0: no
 * interrupt, else 32..255 is raised after a drain that completed
 * anything.  Drained at the vCPU's next VM exit and by HC_RING_KICK.
 * Ring full: the guest may not put more than 'entries' records past
 * sq_head; CQ full (cq_tail - cq_head == entries): records wait in the
 * SQ.  A tail past head + entries sets HV_RING_BROKEN in 'status' and
 * stops the ring until it is set up again. */
#define HV_RING_MAX 256
#define HV_RING_BROKEN 1u
struct hv_ring_hdr {
	uint32_t sq_head;  /* hypervisor: next SQ record it will read */
	uint32_t sq_tail;  /* guest: one past the last SQ record written */
	uint32_t cq_head;  /* guest: next completion it will read */
	uint32_t cq_tail;  /* hypervisor: one past the last completion */
	uint32_t entries;  /* as set up (informational) */
	uint32_t status;   /* HV_RING_BROKEN */
	uint64_t drained;  /* hypervisor: records run since setup */
	uint64_t reserved[4];
};
struct hv_ring_cqe {
	int64_t tag;    /* the record's 'result' field as submitted */
	int64_t result; /* the call's result */
};

/* ---- HC_TRACE_READ(gpa, max): the calling pCPU's trace ring ------------
 * Copies up to max (<= HV_TRACE_LEN) of the newest events, oldest first,
 * and returns how many.  Group admin: a VM needs `hypercalls = ... admin`. */
#define HV_TRACE_LEN 256
#define HV_TRACE_EXIT 0 /* code: the backend's exit reason */
#define HV_TRACE_CALL 1 /* code: call number, register convention */
#define HV_TRACE_REC 2  /* code: call number, from a memcall/batch/ring record */
struct hv_trace_event {
	uint64_t tsc;     /* at the exit */
	uint16_t vm;
	uint16_t vcpu;
	uint16_t kind;    /* HV_TRACE_* */
	uint16_t code;
	uint64_t args[2]; /* first two arguments (calls) */
	int64_t result;   /* call result; exits: 0 */
	uint64_t cost;    /* TSC ticks in the hypervisor */
};

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
