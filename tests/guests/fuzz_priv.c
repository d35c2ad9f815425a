/* fuzz_priv: random privileged instructions (docs/testing.md, "Fuzz
 * guests").  Each operation is one instruction with random operands, run
 * under FAULT_TRY: it either completes or raises #GP or #UD, which the
 * runtime's IDT catches; any other exception, a wrong outcome where the
 * SDM or docs/hypercalls.md fixes one, or a wrong value read back is a
 * failure.  The guest puts back what it changed (CR0, CR3, CR4, CR8,
 * EFER, PAT, XCR0, the MSRs it wrote) after every operation.
 *
 *   XSETBV     random ECX (mostly 0) and XCR0; outcome against the SDM's
 *              rules and CPUID.(0DH,0); XGETBV reads the value back
 *   MOV CR0    flips of PE MP EM TS ET NE WP AM NW CD PG, reserved bits;
 *              #GP exactly as the SDM says (64-bit mode: clearing PG
 *              faults, so paging is never lost); read back with the
 *              reserved bits 28:19,17,15:6 clear and ET set
 *   MOV CR3    the current PML4 or an identical copy, random bits 11:0,
 *              random bits from MAXPHYADDR up (#GP)
 *   MOV CR4    flips of every bit; reserved, VMXE, SMXE, LA57 and
 *              clearing PAE must #GP
 *   MOV CR8    random: bits 63:4 must #GP
 *   RDMSR      random numbers and a list of known MSRs: only the MSRs of
 *              docs/hypercalls.md section 7 (and, with platform = pc,
 *              TSC_DEADLINE) may be read, everything else must #GP
 *   WRMSR      the same numbers with random values; an unknown MSR must
 *              #GP, a write that works is undone
 *   RDPMC      random ECX: #GP (no PMU)
 *   VMX        VMXON VMXOFF VMCLEAR VMPTRLD VMPTRST VMREAD VMWRITE
 *              VMLAUNCH VMRESUME INVEPT INVVPID VMFUNC GETSEC: #UD
 *   VMCALL     junk numbers: HV_ENOSYS
 *   INVD, WBINVD: no fault.  MONITOR, MWAIT: #UD
 *   IN, OUT    random ports and sizes (on the minimal machine reads give
 *              all ones outside COM1)
 *   CPUID      random leaves and subleaves
 *   CPL 3      a privileged instruction from user mode: #GP or #UD
 *
 * Filtered (each would legitimately end or break this guest, not test
 * the hypervisor): CR4.SMEP and CR4.SMAP are never set (every page of the
 * start-of-day map is a user page, so the guest's own code would fault);
 * CR3 only ever points to a copy of the live PML4; OUT never goes to
 * COM1's data port (binary bytes in the log) nor, with platform = pc, to
 * the reset and power-off ports (0x60-0x64, 0x92, 0xcf9, 0x600-0x60f,
 * 0xf4); WRMSR never writes IA32_APIC_BASE nor, with platform = pc, the
 * x2APIC range and TSC_DEADLINE (fuzz_dev owns the LAPIC); no HLT (with
 * IF = 0 it stops the VM by design), no INS/OUTS (not emulated: stops
 * the VM by design), no LGDT/LIDT/LTR (not trapped, and would only break
 * the guest).
 *
 * Command line: seed=N count=N progress=N pc=1 (the VM has
 * platform = pc). */
#include "fuzz_lib.h"

#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_AM (1ull << 18)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)
#define CR0_RSVD_LO 0x1ffaffc0ull /* 28:19, 17, 15:6 */
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define CR4_VMXE (1ull << 13)
#define CR4_SMXE (1ull << 14)
#define CR4_PCIDE (1ull << 17)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
/* Must #GP whatever the CPU: reserved, or features the hypervisor hides
 * (VMX, SMX) or that cannot change in IA-32e mode (LA57). */
#define CR4_MUST_GP (~0x1ffffffull | (1ull << 15) | CR4_VMXE | CR4_SMXE | CR4_LA57)


enum op {
	OP_XSETBV, OP_CR0, OP_CR3, OP_CR4, OP_CR8, OP_RDMSR_RAND,
	OP_RDMSR_KNOWN, OP_WRMSR_RAND, OP_WRMSR_KNOWN, OP_RDPMC, OP_VMX,
	OP_VMCALL, OP_INVD, OP_MONITOR, OP_IN, OP_OUT, OP_CPUID, OP_USER,
	OP_COUNT
};
static const char *const op_names[OP_COUNT] = {
	"xsetbv", "cr0", "cr3", "cr4", "cr8", "rdmsr", "rdmsr-known", "wrmsr",
	"wrmsr-known", "rdpmc", "vmx", "vmcall", "invd", "monitor", "in", "out",
	"cpuid", "cpl3",
};

static struct prng rng;
static bool pc;
static uint64_t ops, fails, hypercalls, faults_taken, per_op[OP_COUNT];
static unsigned maxphy;
static uint64_t xcr0_supported, cr0_0, cr3_0, cr4_0, xcr0_0, efer_0, pat_0;
static bool has_xsave;
static uint64_t trace_from = ~0ull; /* trace=N: print each operation from op N on */
#define TRACE(...) do { if (ops >= trace_from) printf(__VA_ARGS__); } while (0)
static uint64_t pml4_copy[512] __attribute__((aligned(4096)));

#define fail(...) fuzz_fail(&fails, ops, __VA_ARGS__)

/* ---- Instructions under FAULT_TRY: -1 if it completed, else the vector */

#define TRIED(before) (fault_count != (before) ? (int)fault_last.vector : -1)

static int try_xsetbv(uint32_t ecx, uint64_t v)
{
	unsigned b = fault_count;

	__asm__ __volatile__(FAULT_TRY("xsetbv") : : "c"(ecx), "a"((uint32_t)v),
			     "d"((uint32_t)(v >> 32)) : "r11", "memory");
	return TRIED(b);
}

static int try_xgetbv(uint32_t ecx, uint64_t *v)
{
	unsigned b = fault_count;
	uint32_t lo = 0, hi = 0;

	__asm__ __volatile__(FAULT_TRY("xgetbv") : "+a"(lo), "+d"(hi) : "c"(ecx)
			     : "r11", "memory");
	*v = (uint64_t)hi << 32 | lo;
	return TRIED(b);
}

#define DEFINE_CR(n)                                                            \
	static int try_write_cr##n(uint64_t v)                                  \
	{                                                                       \
		unsigned b = fault_count;                                       \
		__asm__ __volatile__(FAULT_TRY("mov %0, %%cr" #n) : : "r"(v)    \
				     : "r11", "memory");                        \
		return TRIED(b);                                                \
	}                                                                       \
	static uint64_t get_cr##n(void)                                         \
	{                                                                       \
		uint64_t v;                                                     \
		__asm__ __volatile__("mov %%cr" #n ", %0" : "=r"(v));           \
		return v;                                                       \
	}
DEFINE_CR(0)
DEFINE_CR(3)
DEFINE_CR(4)
DEFINE_CR(8)

static int try_rdpmc(uint32_t ecx)
{
	unsigned b = fault_count;
	uint32_t lo = 0, hi = 0;

	__asm__ __volatile__(FAULT_TRY("rdpmc") : "+a"(lo), "+d"(hi) : "c"(ecx)
			     : "r11", "memory");
	return TRIED(b);
}

static int try_in(uint16_t port, unsigned size, uint32_t *val)
{
	unsigned b = fault_count;
	uint32_t v = 0x5a5a5a5a;

	if (size == 1)
		__asm__ __volatile__(FAULT_TRY("inb %%dx, %%al") : "+a"(v) : "d"(port) : "r11", "memory");
	else if (size == 2)
		__asm__ __volatile__(FAULT_TRY("inw %%dx, %%ax") : "+a"(v) : "d"(port) : "r11", "memory");
	else
		__asm__ __volatile__(FAULT_TRY("inl %%dx, %%eax") : "+a"(v) : "d"(port) : "r11", "memory");
	*val = size == 4 ? v : v & ((1u << (size * 8)) - 1);
	return TRIED(b);
}

static int try_out(uint16_t port, unsigned size, uint32_t v)
{
	unsigned b = fault_count;

	if (size == 1)
		__asm__ __volatile__(FAULT_TRY("outb %%al, %%dx") : : "a"(v), "d"(port) : "r11", "memory");
	else if (size == 2)
		__asm__ __volatile__(FAULT_TRY("outw %%ax, %%dx") : : "a"(v), "d"(port) : "r11", "memory");
	else
		__asm__ __volatile__(FAULT_TRY("outl %%eax, %%dx") : : "a"(v), "d"(port) : "r11", "memory");
	return TRIED(b);
}

/* The VMX instructions and friends, each with random register operands
 * and a memory operand in 'm'. */
static uint64_t vmx_mem[4] __attribute__((aligned(16)));

static int try_vmx(unsigned which, uint64_t a, uint64_t c)
{
	unsigned b = fault_count;

	switch (which) {
	case 0:
		__asm__ __volatile__(FAULT_TRY("vmxon %0") : : "m"(vmx_mem[0]) : "r11", "memory");
		break;
	case 1:
		__asm__ __volatile__(FAULT_TRY("vmxoff") : : : "r11", "memory", "cc");
		break;
	case 2:
		__asm__ __volatile__(FAULT_TRY("vmclear %0") : : "m"(vmx_mem[0]) : "r11", "memory");
		break;
	case 3:
		__asm__ __volatile__(FAULT_TRY("vmptrld %0") : : "m"(vmx_mem[0]) : "r11", "memory");
		break;
	case 4:
		__asm__ __volatile__(FAULT_TRY("vmptrst %0") : : "m"(vmx_mem[0]) : "r11", "memory");
		break;
	case 5:
		__asm__ __volatile__(FAULT_TRY("vmread %0, %1") : : "r"(a), "r"(c) : "r11", "memory", "cc");
		break;
	case 6:
		__asm__ __volatile__(FAULT_TRY("vmwrite %0, %1") : : "r"(a), "r"(c) : "r11", "memory", "cc");
		break;
	case 7:
		__asm__ __volatile__(FAULT_TRY("vmlaunch") : : : "r11", "memory", "cc");
		break;
	case 8:
		__asm__ __volatile__(FAULT_TRY("vmresume") : : : "r11", "memory", "cc");
		break;
	case 9:
		__asm__ __volatile__(FAULT_TRY("invept %0, %1") : : "m"(vmx_mem[0]), "r"(a) : "r11", "memory", "cc");
		break;
	case 10:
		__asm__ __volatile__(FAULT_TRY("invvpid %0, %1") : : "m"(vmx_mem[0]), "r"(a) : "r11", "memory", "cc");
		break;
	case 11:
		__asm__ __volatile__(FAULT_TRY(".byte 0x0f, 0x01, 0xd4") /* vmfunc */
				     : : "a"(a), "c"(c) : "r11", "memory");
		break;
	default:
		__asm__ __volatile__(FAULT_TRY(".byte 0x0f, 0x37") /* getsec */
				     : : "a"(a) : "r11", "rbx", "rcx", "memory");
		break;
	}
	return TRIED(b);
}
#define VMX_INSNS 13

/* ---- MSRs ------------------------------------------------------------- */

#define MSR_TSC 0x10
#define MSR_APIC_BASE 0x1b
#define MSR_FEATURE_CONTROL 0x3a
#define MSR_UCODE_REV 0x8b
#define MSR_MISC_ENABLE 0x1a0
#define MSR_TSC_ADJUST 0x3b
#define MSR_MCG_CAP 0x179
#define MSR_MCG_STATUS 0x17a
#define MSR_XSS 0xda0
/* IA32_MISC_ENABLE (docs/hypercalls.md section 7): what may change, what
 * reads as it is whatever is written, the power-on value. */
#define MISC_RW ((1ull << 0) | (1ull << 22) | (1ull << 23))
#define MISC_RO ((1ull << 3) | (1ull << 7) | (1ull << 11) | (1ull << 12) | \
		 (1ull << 16) | (1ull << 18) | (1ull << 34) | (1ull << 38))
#define MISC_RESET ((1ull << 0) | (1ull << 11) | (1ull << 12))
#define MSR_PAT 0x277
#define MSR_TSC_DEADLINE 0x6e0
#define MSR_EFER 0xc0000080u
#define MSR_GS_BASE 0xc0000101u

/* Read without a fault (docs/hypercalls.md section 7): emulated and
 * passed through. */
static const uint32_t readable[] = {
	MSR_TSC, MSR_APIC_BASE, MSR_FEATURE_CONTROL, MSR_UCODE_REV,
	MSR_MISC_ENABLE, MSR_PAT, MSR_EFER, MSR_TSC_ADJUST, MSR_MCG_CAP,
	MSR_MCG_STATUS,
	0x174, 0x175, 0x176, /* SYSENTER_CS/ESP/EIP */
	0xc0000081u, 0xc0000082u, 0xc0000083u, 0xc0000084u, /* STAR..SFMASK */
	0xc0000100u, MSR_GS_BASE, 0xc0000102u, 0xc0000103u, /* FS/GS/KGS base, TSC_AUX */
};

/* Known MSRs worth aiming at besides those: architectural ones the
 * hypervisor hides, other hypervisors' synthetic ranges, AMD's. */
static const uint32_t known[] = {
	0x0, 0x1, 0x6, 0x17, 0x2a, 0x3b, 0x48, 0x49, 0x79, 0x8c, 0x9b, 0x9e,
	0xc1, 0xc2, 0xce, 0xe2, 0xe7, 0xe8, 0xfe, 0x10a, 0x10b, 0x122, 0x140,
	0x179, 0x17a, 0x186, 0x187, 0x198, 0x199, 0x19a, 0x19b, 0x1a2, 0x1b0,
	0x1d9, 0x1f2, 0x1f3, 0x200, 0x201, 0x250, 0x258, 0x2ff, 0x309, 0x345,
	0x38d, 0x38f, 0x390, 0x3f1, 0x400, 0x401, 0x480, 0x481, 0x482, 0x485,
	0x48b, 0x48d, 0x491, 0x4c1, 0x560, 0x570, 0x600, 0x6a0, 0x6a2, 0x6a4,
	MSR_TSC_DEADLINE, 0x6e1, 0x802, 0x803, 0x808, 0x80b, 0x830, 0x838,
	0x83f, 0xd90, 0xda0, 0x1200, 0x1600, 0x1b01, 0x4b564d00u, 0x4b564d01u,
	0x4b564d02u, 0x4b564d03u, 0x40000000u, 0x40000001u, 0x40000070u,
	0xc0000104u, 0xc0010000u, 0xc0010004u, 0xc0010010u, 0xc0010015u,
	0xc0010114u, 0xc0010117u, 0xc0011020u, 0xffffffffu,
};

static bool has_xsaves;

static bool msr_readable(uint32_t msr)
{
	if (msr == MSR_XSS)
		return has_xsaves;
	for (unsigned i = 0; i < sizeof(readable) / sizeof(readable[0]); i++)
		if (readable[i] == msr)
			return true;
	return pc && msr == MSR_TSC_DEADLINE;
}

static uint32_t pick_msr(bool from_lists)
{
	uint64_t r = prng_next(&rng);

	if (from_lists) {
		if (r & 1)
			return readable[(r >> 1) % (sizeof(readable) / sizeof(readable[0]))];
		return known[(r >> 1) % (sizeof(known) / sizeof(known[0]))];
	}
	switch (r % 4) {
	case 0:
		return (uint32_t)(r >> 8) & 0x1fff;
	case 1:
		return 0xc0000000u | ((uint32_t)(r >> 8) & 0x1fff);
	case 2:
		return 0x40000000u | ((uint32_t)(r >> 8) & 0x1ff);
	default:
		return (uint32_t)(r >> 8);
	}
}

static bool msr_filtered(uint32_t msr)
{
	if (msr == MSR_APIC_BASE)
		return true;
	return pc && ((msr >= 0x800 && msr <= 0x8ff) || msr == MSR_TSC_DEADLINE);
}

static void check_vector(int vec, const char *what, uint64_t a, uint64_t b)
{
	if (vec >= 0 && vec != VEC_GP && vec != VEC_UD)
		fail("%s %#lx %#lx: %s (vector %d), not #GP/#UD", what, a, b,
		     vector_name((unsigned)vec), vec);
	if (vec >= 0)
		faults_taken++;
}

static void expect(int vec, int want, const char *what, uint64_t a, uint64_t b)
{
	check_vector(vec, what, a, b);
	if (vec != want)
		fail("%s %#lx %#lx: %s, expected %s", what, a, b,
		     vec < 0 ? "no fault" : vector_name((unsigned)vec),
		     want < 0 ? "no fault" : vector_name((unsigned)want));
}

/* ---- The operations -------------------------------------------------- */

static bool xcr0_valid(uint64_t v)
{
	uint64_t avx512 = 0xe0, mpx = 0x18, amx = 3ull << 17;

	if (!(v & 1) || (v & ~xcr0_supported))
		return false;
	if ((v & 4) && !(v & 2))
		return false;
	if ((v & avx512) && ((v & avx512) != avx512 || !(v & 4)))
		return false;
	if ((v & mpx) && (v & mpx) != mpx)
		return false;
	return !((v & amx) && (v & amx) != amx);
}

static void op_xsetbv(void)
{
	uint64_t r = prng_next(&rng), v, back = 0;
	uint32_t ecx = r % 4 == 0 ? (uint32_t)prng_value(&rng) : 0;
	int vec;

	if (!has_xsave)
		return;
	switch ((r >> 2) % 4) {
	case 0:
		v = prng_value(&rng);
		break;
	case 1:
		v = prng_next(&rng) & xcr0_supported;
		break;
	default:
		v = (prng_next(&rng) & 0x7ff) | (prng_next(&rng) & (3ull << 17));
	}
	vec = try_xsetbv(ecx, v);
	expect(vec, ecx == 0 && xcr0_valid(v) ? -1 : VEC_GP, "xsetbv", ecx, v);
	if (vec < 0 && (try_xgetbv(0, &back) >= 0 || back != v))
		fail("xsetbv %#lx: XGETBV reads %#lx", v, back);
	if (try_xsetbv(0, xcr0_0) >= 0)
		fail("xsetbv: putting back XCR0 %#lx faulted", xcr0_0);
}

static const uint64_t cr0_bits[] = { CR0_PE, CR0_MP, CR0_EM, CR0_TS, CR0_ET,
				     CR0_NE, CR0_WP, CR0_AM, CR0_NW, CR0_CD,
				     CR0_PG };

static void op_cr0(void)
{
	uint64_t r = prng_next(&rng), v = cr0_0, back;
	bool gp;
	int vec;

	for (unsigned i = 0; i <= r % 3; i++)
		v ^= cr0_bits[prng_below(&rng, sizeof(cr0_bits) / sizeof(cr0_bits[0]))];
	if ((r >> 4) % 8 == 0)
		v |= 1ull << prng_below(&rng, 64);
	gp = (v >> 32) || ((v & CR0_PG) && !(v & CR0_PE)) ||
	     ((v & CR0_NW) && !(v & CR0_CD)) || !(v & CR0_PG);
	vec = try_write_cr0(v);
	expect(vec, gp ? VEC_GP : -1, "mov cr0", v, cr0_0);
	back = get_cr0();
	if (vec < 0 && back != ((v & ~CR0_RSVD_LO) | CR0_ET))
		fail("mov cr0 %#lx: reads back %#lx", v, back);
	if (try_write_cr0(cr0_0) >= 0 || get_cr0() != cr0_0)
		fail("mov cr0: putting back %#lx failed", cr0_0);
}

static void op_cr3(void)
{
	uint64_t r = prng_next(&rng);
	uint64_t base = (r & 1) ? (uint64_t)(uintptr_t)pml4_copy : cr3_0;
	uint64_t v = base | ((r >> 1) & 0xfff & ~0x7ull) /* PWT, PCD, ignored */;
	bool gp = false;
	int vec;

	if ((r >> 16) % 4 == 0) {
		v |= 1ull << (63 - (r >> 20) % (64 - maxphy));
		gp = true;
	}
	vec = try_write_cr3(v);
	expect(vec, gp ? VEC_GP : -1, "mov cr3", v, cr3_0);
	if (vec < 0 && get_cr3() != v)
		fail("mov cr3 %#lx: reads back %#lx", v, get_cr3());
	if (try_write_cr3(cr3_0) >= 0)
		fail("mov cr3: putting back %#lx faulted", cr3_0);
}

static void op_cr4(void)
{
	uint64_t r = prng_next(&rng), v = cr4_0, back;
	bool must_gp;
	int vec;

	for (unsigned i = 0; i <= r % 2; i++)
		v ^= 1ull << prng_below(&rng, (r >> 4) % 8 == 0 ? 64 : 25);
	v &= ~(CR4_SMEP | CR4_SMAP); /* filtered: see the top of the file */
	must_gp = (v & CR4_MUST_GP) || !(v & CR4_PAE);
	vec = try_write_cr4(v);
	check_vector(vec, "mov cr4", v, cr4_0);
	if (must_gp && vec != VEC_GP)
		fail("mov cr4 %#lx: %s, expected #GP", v,
		     vec < 0 ? "no fault" : vector_name((unsigned)vec));
	back = get_cr4();
	if (vec < 0 && back != v)
		fail("mov cr4 %#lx: reads back %#lx", v, back);
	if (try_write_cr4(cr4_0) >= 0 || get_cr4() != cr4_0)
		fail("mov cr4: putting back %#lx failed", cr4_0);
	if (has_xsave && try_xsetbv(0, xcr0_0) >= 0)
		fail("mov cr4: putting back XCR0 faulted");
}

static void op_cr8(void)
{
	uint64_t v = prng_one_in(&rng, 2) ? prng_below(&rng, 16) : prng_value(&rng);
	int vec = try_write_cr8(v);

	expect(vec, v >> 4 ? VEC_GP : -1, "mov cr8", v, 0);
	if (vec < 0 && get_cr8() != v)
		fail("mov cr8 %#lx: reads back %#lx", v, get_cr8());
	if (try_write_cr8(0) >= 0)
		fail("mov cr8: putting back 0 faulted");
}

static void op_rdmsr(bool from_lists)
{
	uint32_t msr = pick_msr(from_lists);
	uint64_t v;
	int vec = try_rdmsr(msr, &v);

	expect(vec, msr_readable(msr) ? -1 : VEC_GP, "rdmsr", msr, 0);
	if (vec >= 0)
		return;
	if ((msr == MSR_FEATURE_CONTROL && v != 1) ||
	    (msr == MSR_MISC_ENABLE && v != MISC_RESET) || (msr == MSR_UCODE_REV && v != 0) ||
	    ((msr == MSR_MCG_CAP || msr == MSR_MCG_STATUS || msr == MSR_XSS) && v != 0) ||
	    (msr == MSR_EFER && v != efer_0))
		fail("rdmsr %#x: %#lx", msr, v);
}

static bool pat_valid(uint64_t v)
{
	for (unsigned i = 0; i < 8; i++) {
		unsigned t = (v >> (8 * i)) & 0xff;

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

static void op_wrmsr(bool from_lists)
{
	uint32_t msr = pick_msr(from_lists);
	uint64_t old = 0, v;
	int vec, want = -2; /* -2: either outcome */

	if (msr_filtered(msr))
		return;
	v = prng_value(&rng);
	TRACE("op %lu: wrmsr %#x %#lx\n", ops, msr, v);
	switch (msr) {
	case MSR_EFER:
		if (prng_one_in(&rng, 2))
			v = efer_0 ^ (1ull << prng_below(&rng, 12));
		want = (v & ~0xd01ull) || !(v & 0x100) ? VEC_GP : -1;
		break;
	case MSR_PAT:
		if (prng_one_in(&rng, 2))
			v = pat_0 ^ (1ull << prng_below(&rng, 64));
		want = pat_valid(v) ? -1 : VEC_GP;
		break;
	case MSR_MISC_ENABLE:
		if (prng_one_in(&rng, 2))
			v = MISC_RESET ^ (1ull << prng_below(&rng, 64));
		want = v & ~(MISC_RW | MISC_RO) ? VEC_GP : -1;
		break;
	case MSR_MCG_STATUS:
		if (prng_one_in(&rng, 2))
			v = 0;
		want = v ? VEC_GP : -1;
		break;
	case MSR_XSS:
		if (prng_one_in(&rng, 2))
			v = 0;
		want = v || !has_xsaves ? VEC_GP : -1;
		break;
	case MSR_TSC:
	case MSR_TSC_ADJUST:
		/* Writable; the old value goes back right after. */
		want = -1;
		break;
	case MSR_UCODE_REV:
		want = -1;
		break;
	case MSR_MCG_CAP:
	case MSR_FEATURE_CONTROL:
		want = VEC_GP;
		break;
	default:
		if (!msr_readable(msr))
			want = VEC_GP;
	}
	if (msr_readable(msr) && try_rdmsr(msr, &old) >= 0)
		fail("rdmsr %#x faulted", msr);
	vec = try_wrmsr(msr, v);
	check_vector(vec, "wrmsr", msr, v);
	if (want != -2 && vec != want)
		fail("wrmsr %#x %#lx: %s, expected %s", msr, v,
		     vec < 0 ? "no fault" : vector_name((unsigned)vec),
		     want < 0 ? "no fault" : vector_name((unsigned)want));
	if (vec < 0 && msr_readable(msr) && try_wrmsr(msr, old) >= 0)
		fail("wrmsr %#x: putting back %#lx faulted", msr, old);
}

static void op_vmcall(void)
{
	uint64_t nr = HC_NR_CALLS + prng_below(&rng, 1000), r = 0;

	if (prng_one_in(&rng, 2))
		nr = prng_value(&rng) | (1ull << 40);
	__asm__ __volatile__("vmcall" : "=a"(r) : "a"(nr), "D"(prng_next(&rng)),
			     "S"(prng_next(&rng)), "d"(prng_next(&rng)) : "memory");
	hypercalls++;
	if ((int64_t)r != HV_ENOSYS)
		fail("vmcall %#lx: %#lx, expected HV_ENOSYS", nr, r);
}

static bool port_filtered(uint16_t port, unsigned size)
{
	uint16_t last = (uint16_t)(port + size - 1);

#define HITS(lo, hi) (port <= (hi) && last >= (lo))
	if (HITS(0x3f8, 0x3f8))
		return true;
	return pc && (HITS(0x60, 0x64) || HITS(0x92, 0x92) || HITS(0xcf9, 0xcf9) ||
		      HITS(0x600, 0x60f) || HITS(0xf4, 0xf4) || HITS(0x3f8, 0x3ff));
#undef HITS
}

static uint16_t pick_port(void)
{
	uint64_t r = prng_next(&rng);
	static const uint16_t near[] = { 0x20, 0x40, 0x61, 0x70, 0x80, 0xa0,
					 0x3f8, 0x4d0, 0x600, 0xcf8, 0xcfc };

	if (r & 1)
		return (uint16_t)(near[(r >> 1) % (sizeof(near) / sizeof(near[0]))] +
				  ((r >> 8) & 7));
	return (uint16_t)(r >> 8);
}

static void op_io(bool out)
{
	uint16_t port = pick_port();
	unsigned size = 1u << prng_below(&rng, 3);
	uint32_t v = (uint32_t)prng_next(&rng);
	int vec;

	if (port_filtered(port, size) || (uint32_t)port + size > 0x10000)
		return;
	TRACE("op %lu: %s%u %#x %#x\n", ops, out ? "out" : "in", size, port, v);
	vec = out ? try_out(port, size, v) : try_in(port, size, &v);
	expect(vec, -1, out ? "out" : "in", port, size);
	/* The minimal machine: all ones outside COM1 (section 6). */
	if (!out && !pc && vec < 0 && (port + size <= 0x3f8 || port > 0x3ff) &&
	    v != (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1))
		fail("in%u %#x: %#x, expected all ones", size, port, v);
}

/* Before the random part, the ports whose bits end I/O bitmap A or B:
 * Bochs reads one byte past them (vmx/vmcs.c, IO_BITMAP_FRAMES), which
 * once turned these INs into APIC-access exits that stopped the VM. */
static void io_bitmap_edges(void)
{
	static const uint16_t ports[] = { 0x7ff8, 0x7ffc, 0x7ffe, 0x7fff,
					  0xfff8, 0xfffc, 0xfffe, 0xffff };

	for (unsigned i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		for (unsigned size = 1; size <= 4; size *= 2) {
			uint32_t v = 0;

			if ((uint32_t)ports[i] + size > 0x10000)
				continue;
			expect(try_in(ports[i], size, &v), -1, "in (bitmap edge)", ports[i], size);
			if (v != (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1))
				fail("in%u %#x (bitmap edge): %#x, expected all ones", size, ports[i], v);
			expect(try_out(ports[i], size, v), -1, "out (bitmap edge)", ports[i], size);
		}
	}
}

/* Single-stepping over instructions the hypervisor carries out: with
 * RFLAGS.TF set, the #DB trap must come right after the instruction, as
 * on hardware, not one instruction later.  (Bochs 2.7 keeps the
 * single-step trap pending across such a VM exit by itself; the
 * hypervisor's hw_vcpu_advance does not set it.)  Our own #DB gate
 * records where the trap hit and clears TF. */
extern char db_stub[];
static volatile uint64_t db_rip __attribute__((used)), db_count __attribute__((used));
__asm__(".text\n"
	"db_stub:\n\t"
	"pushq %rax\n\t"
	"movq 8(%rsp), %rax\n\t"
	"movq %rax, db_rip(%rip)\n\t"
	"lock incq db_count(%rip)\n\t"
	"andq $~0x100, 24(%rsp)\n\t" /* TF in the frame's RFLAGS */
	"popq %rax\n\t"
	"iretq\n");

#define STEP_OVER(insn, ...)                                                   \
	__asm__ __volatile__("pushfq\n\t"                                        \
			     "orq $0x100, (%%rsp)\n\t"                           \
			     "popfq\n\t" insn "\n"                                \
			     "1:\tnop\n\t"                                        \
			     "leaq 1b(%%rip), %0"                                  \
			     : "=r"(after) __VA_ARGS__)

static void single_step_checks(void)
{
	struct dt_reg idtr;
	uint8_t gate_save[16], *gate;
	uint64_t h = (uint64_t)(uintptr_t)db_stub, after;
	uint32_t hi32 = (uint32_t)(h >> 32);

	__asm__ __volatile__("sidt %0" : "=m"(idtr));
	gate = (uint8_t *)(uintptr_t)(idtr.base + VEC_DB * 16);
	memcpy(gate_save, gate, sizeof(gate_save));
	gate[0] = (uint8_t)h;
	gate[1] = (uint8_t)(h >> 8);
	gate[6] = (uint8_t)(h >> 16);
	gate[7] = (uint8_t)(h >> 24);
	memcpy(gate + 8, &hi32, 4);
	for (unsigned i = 0; i < 6; i++) {
		static const char *const names[] = { "cpuid", "vmcall", "rdmsr",
						     "in", "out", "wbinvd" };

		db_count = 0;
		db_rip = 0;
		switch (i) {
		case 0:
			STEP_OVER("cpuid", : "a"(0), "c"(0) : "rbx", "rdx", "memory");
			break;
		case 1:
			STEP_OVER("vmcall", : "a"((uint64_t)HC_NOP) : "memory");
			break;
		case 2:
			STEP_OVER("rdmsr", : "c"(MSR_PAT) : "rax", "rdx", "memory");
			break;
		case 3:
			STEP_OVER("inb $0x80, %%al", : : "rax", "memory");
			break;
		case 4:
			STEP_OVER("outb %%al, $0x80", : "a"(0) : "memory");
			break;
		default:
			STEP_OVER("wbinvd", : : "memory");
		}
		/* 'after' is the NOP that follows the instruction: the trap
		 * must hit there, not past it. */
		if (db_count != 1 || db_rip != after)
			fail("single step over %s: %lu #DB at %#lx, expected one at %#lx",
			     names[i], db_count, db_rip, after);
	}
	memcpy(gate, gate_save, sizeof(gate_save));
}

static void op_cpuid(void)
{
	uint64_t r = prng_next(&rng);
	uint32_t leaf = (uint32_t)prng_value(&rng), sub = (uint32_t)(r >> 32);
	uint32_t a, b, c, d;

	if (r % 4 == 0)
		leaf = 0x40000000u + (uint32_t)(r >> 8) % 4;
	else if (r % 4 == 1)
		leaf = (uint32_t)(r >> 8) % 0x20;
	__asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			     : "a"(leaf), "c"(sub));
	if (leaf == 0x40000000u && (b != HV_SIGNATURE_EBX || a != HV_CPUID_MAX))
		fail("cpuid %#x: %#x %#x", leaf, a, b);
	if (leaf >= 0x40000002u && leaf <= 0x4fffffffu && (a | b | c | d))
		fail("cpuid %#x: not all zeros", leaf);
}

/* CPL 3: one privileged instruction, which must #GP (or #UD). */
static uint64_t user_priv(uint64_t which)
{
	unsigned b = fault_count;
	uint64_t v = 0;

	switch (which % 12) {
	case 0:
		__asm__ __volatile__(FAULT_TRY("mov %%cr0, %0") : "=r"(v) : : "r11", "memory");
		break;
	case 1:
		__asm__ __volatile__(FAULT_TRY("mov %0, %%cr4") : : "r"(v) : "r11", "memory");
		break;
	case 2:
		__asm__ __volatile__(FAULT_TRY("wrmsr") : : "c"(MSR_EFER), "a"(0), "d"(0) : "r11", "memory");
		break;
	case 3:
		__asm__ __volatile__(FAULT_TRY("rdmsr") : : "c"(MSR_PAT) : "r11", "rax", "rdx", "memory");
		break;
	case 4:
		__asm__ __volatile__(FAULT_TRY("inb $0x70, %%al") : : : "r11", "rax", "memory");
		break;
	case 5:
		__asm__ __volatile__(FAULT_TRY("outb %%al, $0x80") : : "a"(0) : "r11", "memory");
		break;
	case 6:
		__asm__ __volatile__(FAULT_TRY("cli") : : : "r11", "memory");
		break;
	case 7:
		__asm__ __volatile__(FAULT_TRY("hlt") : : : "r11", "memory");
		break;
	case 8:
		__asm__ __volatile__(FAULT_TRY("wbinvd") : : : "r11", "memory");
		break;
	case 9:
		__asm__ __volatile__(FAULT_TRY("xsetbv") : : "c"(0), "a"(1), "d"(0) : "r11", "memory");
		break;
	case 10:
		__asm__ __volatile__(FAULT_TRY("rdpmc") : : "c"(0) : "r11", "rax", "rdx", "memory");
		break;
	default:
		__asm__ __volatile__(FAULT_TRY("vmxon %0") : : "m"(vmx_mem[0]) : "r11", "memory");
		break;
	}
	return (uint64_t)(int64_t)TRIED(b);
}

static void op_user(void)
{
	uint64_t which = prng_below(&rng, 12);
	int vec = (int)(int64_t)run_user(user_priv, which);

	check_vector(vec, "cpl3 insn", which, 0);
	if (vec < 0)
		fail("cpl3 insn %lu: no fault", which);
}

static void one_op(void)
{
	enum op op = (enum op)prng_below(&rng, OP_COUNT);
	uint64_t a = prng_value(&rng), c = prng_value(&rng);

	per_op[op]++;
	TRACE("op %lu: %s\n", ops, op_names[op]);
	switch (op) {
	case OP_XSETBV:
		op_xsetbv();
		break;
	case OP_CR0:
		op_cr0();
		break;
	case OP_CR3:
		op_cr3();
		break;
	case OP_CR4:
		op_cr4();
		break;
	case OP_CR8:
		op_cr8();
		break;
	case OP_RDMSR_RAND:
	case OP_RDMSR_KNOWN:
		op_rdmsr(op == OP_RDMSR_KNOWN);
		break;
	case OP_WRMSR_RAND:
	case OP_WRMSR_KNOWN:
		op_wrmsr(op == OP_WRMSR_KNOWN);
		break;
	case OP_RDPMC:
		expect(try_rdpmc((uint32_t)a), VEC_GP, "rdpmc", a, 0);
		break;
	case OP_VMX: {
		unsigned which = (unsigned)prng_below(&rng, VMX_INSNS);

		vmx_mem[0] = a;
		vmx_mem[1] = c;
		expect(try_vmx(which, a, c), VEC_UD, "vmx insn", which, a);
		break;
	}
	case OP_VMCALL:
		op_vmcall();
		break;
	case OP_INVD: {
		unsigned b = fault_count;

		if (a & 1)
			__asm__ __volatile__(FAULT_TRY("invd") : : : "r11", "memory");
		else
			__asm__ __volatile__(FAULT_TRY("wbinvd") : : : "r11", "memory");
		expect(TRIED(b), -1, a & 1 ? "invd" : "wbinvd", 0, 0);
		break;
	}
	case OP_MONITOR: {
		unsigned b = fault_count;

		if (a & 1)
			__asm__ __volatile__(FAULT_TRY("monitor") : : "a"(vmx_mem), "c"(0), "d"(0) : "r11", "memory");
		else
			__asm__ __volatile__(FAULT_TRY("mwait") : : "a"(c & 0xff), "c"(0) : "r11", "memory");
		expect(TRIED(b), VEC_UD, a & 1 ? "monitor" : "mwait", c, 0);
		break;
	}
	case OP_IN:
	case OP_OUT:
		op_io(op == OP_OUT);
		break;
	case OP_CPUID:
		op_cpuid();
		break;
	default:
		op_user();
		break;
	}
	/* Whatever happened, the machine state is the one we started with. */
	if (get_cr0() != cr0_0 || get_cr4() != cr4_0 || get_cr3() != cr3_0)
		fail("after %s: CR0 %#lx CR3 %#lx CR4 %#lx", op_names[op],
		     get_cr0(), get_cr3(), get_cr4());
	ops++;
}

int guest_main(const struct hv_start_info *si)
{
	uint64_t seed, count, progress;
	uint32_t a, b, c, d;

	(void)si;
	rt_init();
	fuzz_args("fuzz_priv", 20000, &seed, &count);
	progress = arg_u64_or("progress", 100000);
	pc = arg_u64_or("pc", 0) != 0;
	trace_from = arg_u64_or("trace", ~0ull);
	rng.s = seed ^ (pc ? 0x5043ull : 0);

	__asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	has_xsave = c & (1u << 26);
	if (has_xsave) {
		__asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0xd), "c"(1));
		has_xsaves = a & (1u << 3);
	}
	__asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000008u), "c"(0));
	maxphy = a & 0xff;
	if (has_xsave) {
		__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4_0));
		__asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4_0 | CR4_OSXSAVE));
		__asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0xd), "c"(0));
		xcr0_supported = (uint64_t)d << 32 | a;
		if (try_xgetbv(0, &xcr0_0) >= 0)
			fail("xgetbv faulted");
	}
	cr0_0 = get_cr0();
	cr3_0 = get_cr3();
	cr4_0 = get_cr4();
	memcpy(pml4_copy, (void *)(uintptr_t)(cr3_0 & ~0xfffull), sizeof(pml4_copy));
	if (try_rdmsr(MSR_EFER, &efer_0) >= 0 || try_rdmsr(MSR_PAT, &pat_0) >= 0)
		fail("rdmsr of EFER or PAT faulted");
	printf("fuzz_priv: CR0 %#lx CR3 %#lx CR4 %#lx EFER %#lx XCR0 %#lx (supported %#lx)%s\n",
	       cr0_0, cr3_0, cr4_0, efer_0, xcr0_0, xcr0_supported,
	       pc ? ", platform pc" : "");

	io_bitmap_edges();
	single_step_checks();
	while (ops < count && fails < FUZZ_MAX_FAILS) {
		one_op();
		if (ops % progress == 0)
			printf("fuzz_priv: progress: %lu ops, %lu faults taken, %lu failures\n",
			       ops, faults_taken, fails);
	}
	printf("fuzz_priv: by op:");
	for (unsigned i = 0; i < OP_COUNT; i++)
		printf(" %s %lu", op_names[i], per_op[i]);
	printf("\n");
	printf("RESULT: fuzz_priv seed=%#lx ops=%lu hypercalls=%lu faults=%lu failures=%lu\n",
	       seed, ops, hypercalls, faults_taken, fails);
	return fails ? 1 : 0;
}
