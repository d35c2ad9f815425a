/* The runtime shared by the in-tree test guests: console, printf, an IDT
 * that records exceptions and can resume after an expected one, running
 * code at CPL 3, and PASS/FAIL bookkeeping.  64-bit guests entered in the
 * long64 start-of-day state (guest/include/hv_abi.h). */
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

/* ---- Console (lib/console.c) ----------------------------------------- */

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
#define CHECK(cond, name) check_true(!!(cond), (name), #cond, __FILE__, __LINE__)
#define CHECK_EQ(got, want, name) check_eq((int64_t)(got), (int64_t)(want), (name))
#define CHECK_HEX(got, want, name) check_hex((uint64_t)(got), (uint64_t)(want), (name))
/* Prints "RESULT: <n> passed, <m> failed" and shuts down with code m. */
GRT_NORETURN void test_finish(void);
unsigned test_failures(void);

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
