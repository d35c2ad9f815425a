/* The runtime shared by the in-tree test guests: console, printf, an IDT
 * that records exceptions and can resume after an expected one, handlers
 * for virtual interrupts, running code at CPL 3, several vCPUs with a
 * spinlock-protected console, and PASS/FAIL bookkeeping.  64-bit guests
 * entered in the long64 start-of-day state (guest/include/hv_abi.h). */
#ifndef GUEST_RT_H
#define GUEST_RT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest/include/hv_guest.h"

#define GRT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define GRT_NORETURN __attribute__((noreturn))

/* ---- Entry (lib/entry.S) --------------------------------------------- */

/* Every long64 guest provides this; its return value is the exit code. */
int guest_main(const struct hv_start_info *si);

/* Machine state exactly as the hypervisor handed it over, captured by the
 * entry stub before any instruction changed it. */
struct dt_reg {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

struct entry_state { /* offsets in lib/layout.h */
	uint64_t rdi, rsp, rflags, cr0, cr3, cr4;
	uint16_t cs, ds, es, ss, fs, gs;
	struct dt_reg gdtr, idtr;
};
extern struct entry_state entry_state;
extern const struct hv_start_info *start_info;

/* ---- Spinlocks and interrupt flags ----------------------------------- */

#define RFLAGS_IF (1ull << 9)

static inline void cpu_relax(void)
{
	__asm__ __volatile__("pause" : : : "memory");
}

static inline void irq_enable(void)
{
	__asm__ __volatile__("sti" : : : "memory");
}

static inline void irq_disable(void)
{
	__asm__ __volatile__("cli" : : : "memory");
}

/* STI's one-instruction shadow keeps an interrupt from arriving between
 * the two: one that is already pending wakes the HLT instead of being
 * taken before it and lost for the wait. */
static inline void safe_halt(void)
{
	__asm__ __volatile__("sti; hlt" : : : "memory");
}

static inline uint64_t irq_save(void)
{
	uint64_t flags;

	__asm__ __volatile__("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

static inline void irq_restore(uint64_t flags)
{
	if (flags & RFLAGS_IF)
		irq_enable();
}

/* Halts (interrupts on) until 'cond' holds; returns with interrupts off.
 * Whatever makes cond true must also send this vCPU a vector
 * (HC_SEND_IPI), or the HLT sleeps on. */
#define HALT_UNTIL(cond)                 \
	do {                             \
		for (;;) {               \
			irq_disable();   \
			if (cond)        \
				break;   \
			safe_halt();     \
		}                        \
	} while (0)

/* A test-and-set lock shared by the vCPUs of one VM.  The holder may be
 * preempted by the hypervisor, so a waiter gives its pCPU away now and
 * then instead of spinning a whole time slice. */
struct spinlock {
	volatile uint32_t locked;
};
#define SPINLOCK_INIT { 0 }
#define SPIN_YIELD_AFTER 256u

static inline void spin_lock(struct spinlock *l)
{
	unsigned spins = 0;

	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED)) {
			cpu_relax();
			if (++spins % SPIN_YIELD_AFTER == 0)
				hv_yield();
		}
	}
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* ---- Console (lib/console.c) ----------------------------------------- */
/* Each console_write (so each printf) is atomic with respect to the other
 * vCPUs: a lock taken with interrupts off serializes them. */

enum console_sink {
	SINK_COM1,	/* port writes to COM1 THR: works with no hypercalls */
	SINK_HYPERCALL, /* HC_CONSOLE_WRITE, one call per printf */
};
void console_set_sink(enum console_sink sink);
void com1_write(const char *s, size_t n);
void com1_puts(const char *s);
void console_write(const char *s, size_t n);
int printf(const char *fmt, ...) GRT_PRINTF(1, 2);
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) GRT_PRINTF(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap); /* lib/format.c */

/* Stops the VM with 'code' through HC_SHUTDOWN (and, should that return,
 * by halting with interrupts off). */
GRT_NORETURN void guest_exit(uint32_t code);

/* ---- Checks (lib/check.c) -------------------------------------------- */

/* Each check prints "PASS: name" or "FAIL: name (details)". */
void check_true(bool ok, const char *name, const char *expr,
		const char *file, int line);
void check_eq(int64_t got, int64_t want, const char *name);
void check_hex(uint64_t got, uint64_t want, const char *name);
/* A check name with parameters: printf into one shared buffer, valid
 * until the next call (checks print their name at once). */
const char *nm(const char *fmt, ...) GRT_PRINTF(1, 2);
#define CHECK(cond, name) check_true(!!(cond), (name), #cond, __FILE__, __LINE__)
#define CHECK_EQ(got, want, name) check_eq((int64_t)(got), (int64_t)(want), (name))
#define CHECK_HEX(got, want, name) check_hex((uint64_t)(got), (uint64_t)(want), (name))
/* Prints "RESULT: <n> passed, <m> failed" and shuts down with code m. */
GRT_NORETURN void test_finish(void);
unsigned test_failures(void);
unsigned test_passes(void);

/* ---- Exceptions (lib/exc.c, lib/exc_entry.S) ------------------------ */

/* Loads the runtime's own GDT (the hypervisor's selectors plus a TSS),
 * the IDT and the TSS.  Call first thing in guest_main. */
void rt_init(void);

struct fault_record {
	uint64_t vector, error, rip, cr2;
	uint16_t cs;
};
/* The last exception taken through FAULT_TRY, and how many were taken
 * since fault_reset(). */
extern volatile struct fault_record fault_last;
extern volatile unsigned fault_count;
/* Written by FAULT_TRY: the address of the guarded instruction and where
 * an exception resumes (0: an exception now is unexpected and fatal). */
extern volatile uint64_t fault_site, fault_landing;
void fault_reset(void);

/* An inline-assembly fragment that runs 'insn' once with a landing address
 * right after it: if it raises an exception the handler records it in
 * fault_last and resumes after the instruction with every register as it
 * was at the fault.  Clobbers R11; use only in extended asm. */
#define FAULT_TRY(insn)                                  \
	"leaq 771f(%%rip), %%r11\n\t"                    \
	"movq %%r11, fault_site(%%rip)\n\t"              \
	"leaq 772f(%%rip), %%r11\n\t"                    \
	"movq %%r11, fault_landing(%%rip)\n"             \
	"771:\t" insn "\n"                               \
	"772:\n\t"                                       \
	"movq $0, fault_landing(%%rip)\n\t"

#define VEC_DE 0
#define VEC_DB 1
#define VEC_BP 3
#define VEC_UD 6
#define VEC_DF 8
#define VEC_GP 13
#define VEC_PF 14
/* The DPL-3 interrupt gate through which CPL-3 code returns to run_user's
 * caller. */
#define VEC_USER_RETURN 0x80
const char *vector_name(unsigned vector);

/* Runs fn(arg) at CPL 3 on a private user stack and returns its result.
 * fn must not use privileged instructions or port I/O (IOPL is 0); an
 * exception there is handled like any other. */
typedef uint64_t (*user_fn)(uint64_t arg);
uint64_t run_user(user_fn fn, uint64_t arg);

/* ---- Virtual interrupts (lib/exc.c) --------------------------------- */

/* rt_init() routes vectors 32..255 to irq handlers: one table for the
 * whole VM, called with interrupts off on the vCPU that took the vector.
 * A vector with no handler is fatal (FAIL and exit), except GRT_VEC_WAKE,
 * which the runtime uses only to wake a halted vCPU. */
typedef void (*irq_fn)(unsigned vector);
void irq_set_handler(unsigned vector, irq_fn fn);
#define GRT_VEC_WAKE 0x20

/* ---- SMP (lib/smp.c) -------------------------------------------------- */

/* Every vCPU enters at _start.  vCPU 0 runs guest_main; vCPU n > 0 waits
 * halted (blocked, using no CPU time) until vCPU 0 calls smp_start()
 * (after rt_init()), loads the runtime's tables with its own TSS, and
 * runs guest_vcpu_main(n).  When that
 * returns its exit code is kept, vCPU 0 is woken (GRT_VEC_WAKE) and the
 * vCPU halts for good with interrupts on.  The VM ends when some vCPU
 * calls guest_exit (usually vCPU 0 after smp_wait_done()).
 * The FAULT_TRY machinery and run_user use global state: one vCPU at a
 * time. */
#define GRT_MAX_VCPUS 8

/* Weak default: returns 0 at once. */
int guest_vcpu_main(unsigned vcpu);

/* State each vCPU's entry stub saw (vCPU 0: copied from entry_state). */
struct smp_boot {
	uint64_t rsp, rdi, rflags, tsc;
};
extern struct smp_boot rt_smp_boot[GRT_MAX_VCPUS];

/* Per-vCPU data, reached through GS base (set by rt_init and for each
 * secondary vCPU): valid only after those. */
struct vcpu_local {
	struct vcpu_local *self; /* %gs:0 */
	uint32_t id;
	volatile uint32_t last_vector; /* last vector 32..255 taken */
	volatile uint64_t irqs;        /* vectors 32..255 taken */
	volatile int32_t exit_code;    /* guest_vcpu_main's result */
	volatile uint32_t done;        /* guest_vcpu_main returned */
};
extern struct vcpu_local vcpu_local[GRT_MAX_VCPUS];

static inline struct vcpu_local *this_vcpu_local(void)
{
	struct vcpu_local *p;

	/* volatile + memory: must not be hoisted above the GS-base write of
	 * rt_init_secondary() (a secondary vCPU starts with GS base 0). */
	__asm__ volatile("movq %%gs:0, %0" : "=r"(p) : : "memory");
	return p;
}

static inline unsigned this_vcpu(void)
{
	return this_vcpu_local()->id;
}

/* The VM's vCPU count from the start info (capped at GRT_MAX_VCPUS). */
unsigned smp_nr_vcpus(void);
/* vCPU 0, after rt_init(): lets the other vCPUs run guest_vcpu_main
 * (and sends each GRT_VEC_WAKE to end its wait). */
void smp_start(void);
/* vCPU 0: spins (yielding) until every vCPU is in guest_vcpu_main. */
void smp_wait_online(void);
/* vCPU 0: halts until every other vCPU has returned from guest_vcpu_main;
 * returns how many returned non-zero. */
unsigned smp_wait_done(void);

/* ---- Command line (lib/args.c) ---------------------------------------- */

/* The value of "key=N" (decimal or 0x hex) on the VM's command line. */
bool arg_u64(const char *key, uint64_t *out);
uint64_t arg_u64_or(const char *key, uint64_t dflt);

/* ---- Small hardware helpers ------------------------------------------ */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdtsc_ordered(void)
{
	uint32_t lo, hi;

	/* LFENCE keeps RDTSC from being executed before earlier work ends. */
	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

/* RDTSC without the fence: for deadline loops, where order hardly
 * matters. */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint16_t read_cs(void)
{
	uint16_t v;

	__asm__ __volatile__("mov %%cs, %0" : "=r"(v));
	return v;
}

/* rdmsr/wrmsr through FAULT_TRY: return -1 on success or the vector. */
int try_rdmsr(uint32_t msr, uint64_t *val);
int try_wrmsr(uint32_t msr, uint64_t val);

/* ---- Strings (lib/string.c); gcc may also call these itself ---------- */

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif
