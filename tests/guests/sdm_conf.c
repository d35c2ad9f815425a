/* sdm_conf: runs the table of sdm_table.c (see sdm_conf.h and
 * docs/testing.md).  Each row: the state is saved, the row's starting
 * state prepared, the operand computed from the current register, the
 * instruction executed once under FAULT_TRY (at CPL 0 or, through
 * run_user, at CPL 3), the outcome and the register read back compared
 * with the row, and the saved state restored. */
#include "sdm_conf.h"

#define LAPIC_MMIO 0xfee00000ull
#define IOAPIC_MMIO 0xfec00000ull /* IOREGSEL */
#define MSR_APIC_BASE 0x1bu
#define MSR_EFER 0xc0000080u
#define MSR_PAT 0x277u
#define MSR_TSC_AUX 0xc0000103u
#define MSR_TSC_DEADLINE 0x6e0u
#define MSR_TSC 0x10u
#define MSR_TSC_ADJUST 0x3bu
#define MSR_MISC_ENABLE 0x1a0u
#define APIC_BASE_EXTD (1ull << 10)
#define REG_TPR 0x80u
#define REG_EOI 0xb0u
#define REG_IRR 0x200u
#define REG_LVT_TIMER 0x320u
#define LVT_MASKED (1u << 16)
#define LVT_DEADLINE (2u << 17)
#define VEC_DRAIN_FIRST 0x40u
#define VEC_DRAIN_LAST 0x4fu

#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR4_OSFXSR (1ull << 9)
#define CR4_TSD (1ull << 2)
#define CR4_PCE (1ull << 8)
#define CR4_PCIDE (1ull << 17)
#define CR4_OSXSAVE (1ull << 18)
#define CR3_PWT (1ull << 3)

static uint64_t xcr0_base;     /* XCR0 as found: restored after each row */
static uint64_t xcr0_supported; /* CPUID.(EAX=0DH,ECX=0):EDX:EAX */
static unsigned maxphyaddr;
static unsigned skipped, quirks;
static uint64_t tsc_moved; /* by rows writing IA32_TSC */
static bool legacy_done;
static volatile unsigned drained;
static volatile uint64_t drained_tsc; /* when the last one came */

/* ---- CPUID and registers ------------------------------------------------ */

struct regs4 {
	uint32_t a, b, c, d;
};

static struct regs4 cpuid(uint32_t leaf, uint32_t sub)
{
	struct regs4 r;

	__asm__ __volatile__("cpuid"
			     : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
			     : "a"(leaf), "c"(sub));
	return r;
}

static bool has(enum need n)
{
	switch (n) {
	case N_NONE: return true;
	case N_PCID: return cpuid(1, 0).c & (1u << 17);
	case N_ERMS: return cpuid(7, 0).b & (1u << 9);
	case N_XSAVE: return cpuid(1, 0).c & (1u << 26);
	case N_AVX: return cpuid(1, 0).c & (1u << 28);
	case N_FSGSBASE: return cpuid(7, 0).b & (1u << 0);
	case N_UMIP: return cpuid(7, 0).c & (1u << 2);
	case N_LA57: return cpuid(7, 0).c & (1u << 16);
	case N_NX: return cpuid(0x80000001, 0).d & (1u << 20);
	case N_RDTSCP: return cpuid(0x80000001, 0).d & (1u << 27);
	case N_XGETBV1: return has(N_XSAVE) && (cpuid(0xd, 1).a & (1u << 2));
	case N_XSAVES: return has(N_XSAVE) && (cpuid(0xd, 1).a & (1u << 3));
	case N_MTRR: return cpuid(1, 0).d & (1u << 12);
	case N_INVPCID: return cpuid(7, 0).b & (1u << 10);
	case N_XSAVEC: return has(N_XSAVE) && (cpuid(0xd, 1).a & (1u << 1));
	case N_RDPID: return cpuid(7, 0).c & (1u << 22);
	}
	return false;
}

static uint64_t rd_cr(unsigned n)
{
	uint64_t v = 0;

	switch (n) {
	case 0: __asm__ __volatile__("mov %%cr0, %0" : "=r"(v)); break;
	case 2: __asm__ __volatile__("mov %%cr2, %0" : "=r"(v)); break;
	case 3: __asm__ __volatile__("mov %%cr3, %0" : "=r"(v)); break;
	case 4: __asm__ __volatile__("mov %%cr4, %0" : "=r"(v)); break;
	case 8: __asm__ __volatile__("mov %%cr8, %0" : "=r"(v)); break;
	}
	return v;
}

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

static uint64_t rdmsr_or(uint32_t msr, uint64_t dflt)
{
	uint64_t v;

	return try_rdmsr(msr, &v) < 0 ? v : dflt;
}

static bool x2apic(void)
{
	return rdmsr_or(MSR_APIC_BASE, 0) & APIC_BASE_EXTD;
}

static uint32_t apic_read(uint32_t off)
{
	if (x2apic())
		return (uint32_t)rdmsr_or(0x800 + (off >> 4), 0);
	return *(volatile uint32_t *)(uintptr_t)(LAPIC_MMIO + off);
}

static void apic_write(uint32_t off, uint32_t val)
{
	if (x2apic())
		try_wrmsr(0x800 + (off >> 4), val);
	else
		*(volatile uint32_t *)(uintptr_t)(LAPIC_MMIO + off) = val;
}

/* ---- Executing one instruction -------------------------------------------- */

#define RESULT(before) (fault_count != (before) ? (int)fault_last.vector : NONE)

static int wr_cr(unsigned n, uint64_t v)
{
	unsigned before = fault_count;

	switch (n) {
	case 0: __asm__ __volatile__(FAULT_TRY("mov %0, %%cr0") : : "r"(v) : "r11", "memory"); break;
	case 2: __asm__ __volatile__(FAULT_TRY("mov %0, %%cr2") : : "r"(v) : "r11", "memory"); break;
	case 3: __asm__ __volatile__(FAULT_TRY("mov %0, %%cr3") : : "r"(v) : "r11", "memory"); break;
	case 4: __asm__ __volatile__(FAULT_TRY("mov %0, %%cr4") : : "r"(v) : "r11", "memory"); break;
	case 8: __asm__ __volatile__(FAULT_TRY("mov %0, %%cr8") : : "r"(v) : "r11", "memory"); break;
	}
	return RESULT(before);
}

static int try_rd_cr(unsigned n, uint64_t *v)
{
	unsigned before = fault_count;
	uint64_t x = 0;

	switch (n) {
	case 0: __asm__ __volatile__(FAULT_TRY("mov %%cr0, %0") : "+r"(x) : : "r11", "memory"); break;
	case 3: __asm__ __volatile__(FAULT_TRY("mov %%cr3, %0") : "+r"(x) : : "r11", "memory"); break;
	case 4: __asm__ __volatile__(FAULT_TRY("mov %%cr4, %0") : "+r"(x) : : "r11", "memory"); break;
	case 8: __asm__ __volatile__(FAULT_TRY("mov %%cr8, %0") : "+r"(x) : : "r11", "memory"); break;
	}
	*v = x;
	return RESULT(before);
}

static uint64_t vmx_region[512] __attribute__((aligned(4096)));
static uint8_t xsave_area[4096] __attribute__((aligned(64)));

static int exec_insn(enum insn i, uint64_t *out)
{
	unsigned before = fault_count;
	uint64_t ptr = (uint64_t)(uintptr_t)vmx_region, zero = 0;
	struct { uint64_t a, b; } desc = { 0, 0 };
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) gdtr = { 0, 0 };
	uint32_t a = 0, c = 0, d = 0;

	switch (i) {
	case I_WBINVD: __asm__ __volatile__(FAULT_TRY("wbinvd") : : : "r11", "memory"); break;
	case I_INVD: __asm__ __volatile__(FAULT_TRY("invd") : : : "r11", "memory"); break;
	case I_HLT: __asm__ __volatile__(FAULT_TRY("hlt") : : : "r11", "memory"); break;
	case I_VMXON: __asm__ __volatile__(FAULT_TRY("vmxon %0") : : "m"(ptr) : "r11", "memory", "cc"); break;
	case I_VMXOFF: __asm__ __volatile__(FAULT_TRY("vmxoff") : : : "r11", "memory", "cc"); break;
	case I_VMCLEAR: __asm__ __volatile__(FAULT_TRY("vmclear %0") : : "m"(ptr) : "r11", "memory", "cc"); break;
	case I_VMPTRLD: __asm__ __volatile__(FAULT_TRY("vmptrld %0") : : "m"(ptr) : "r11", "memory", "cc"); break;
	case I_VMREAD: __asm__ __volatile__(FAULT_TRY("vmread %1, %0") : "+r"(zero) : "r"(0x681eull) : "r11", "memory", "cc"); break;
	case I_VMWRITE: __asm__ __volatile__(FAULT_TRY("vmwrite %0, %1") : : "r"(zero), "r"(0x681eull) : "r11", "memory", "cc"); break;
	case I_VMLAUNCH: __asm__ __volatile__(FAULT_TRY("vmlaunch") : : : "r11", "memory", "cc"); break;
	case I_INVEPT: __asm__ __volatile__(FAULT_TRY("invept %0, %1") : : "m"(desc), "r"(2ull) : "r11", "memory", "cc"); break;
	case I_INVVPID: __asm__ __volatile__(FAULT_TRY("invvpid %0, %1") : : "m"(desc), "r"(2ull) : "r11", "memory", "cc"); break;
	case I_MONITOR: __asm__ __volatile__(FAULT_TRY("monitor") : : "a"(ptr), "c"(0), "d"(0) : "r11", "memory"); break;
	case I_MWAIT: __asm__ __volatile__(FAULT_TRY("mwait") : : "a"(0), "c"(0) : "r11", "memory"); break;
	case I_GETSEC: __asm__ __volatile__(FAULT_TRY("getsec") : "+a"(a) : : "rbx", "rcx", "rdx", "r11", "memory"); break;
	case I_RDTSCP: __asm__ __volatile__(FAULT_TRY("rdtscp") : "+a"(a), "+c"(c), "+d"(d) : : "r11", "memory"); break;
	case I_RDTSC: __asm__ __volatile__(FAULT_TRY("rdtsc") : "+a"(a), "+d"(d) : : "r11", "memory"); break;
	case I_INVLPG: __asm__ __volatile__(FAULT_TRY("invlpg (%0)") : : "r"(ptr) : "r11", "memory"); break;
	case I_LGDT: __asm__ __volatile__(FAULT_TRY("lgdt %0") : : "m"(gdtr) : "r11", "memory"); break;
	case I_MOVDR7: __asm__ __volatile__(FAULT_TRY("mov %0, %%dr7") : : "r"(0x400ull) : "r11", "memory"); break;
	case I_INVPCID2: __asm__ __volatile__(FAULT_TRY("invpcid %0, %1") : : "m"(desc), "r"(2ull) : "r11", "memory"); break;
	case I_INVPCID4: __asm__ __volatile__(FAULT_TRY("invpcid %0, %1") : : "m"(desc), "r"(4ull) : "r11", "memory"); break;
	case I_XSAVES:
		__builtin_memset(xsave_area, 0, 1024);
		__asm__ __volatile__(FAULT_TRY("xsaves64 (%0)") : : "r"(xsave_area), "a"(1), "d"(0) : "r11", "memory");
		break;
	case I_XRSTORS_BAD:
		__builtin_memset(xsave_area, 0, 1024);
		__asm__ __volatile__(FAULT_TRY("xrstors64 (%0)") : : "r"(xsave_area), "a"(1), "d"(0) : "r11", "memory");
		break;
	case I_XSAVEC:
		__builtin_memset(xsave_area, 0, 1024);
		__asm__ __volatile__(FAULT_TRY("xsavec64 (%0)") : : "r"(xsave_area), "a"(1), "d"(0) : "r11", "memory");
		break;
	case I_RDPID: {
		uint64_t v = 0;

		__asm__ __volatile__(FAULT_TRY("rdpid %0") : "+r"(v) : : "r11", "memory");
		c = (uint32_t)v;
		break;
	}
	case I_SGDT: __asm__ __volatile__(FAULT_TRY("sgdt %0") : "=m"(gdtr) : : "r11", "memory"); break;
	case I_RDFSBASE: {
		uint64_t v = 0;

		__asm__ __volatile__(FAULT_TRY("rdfsbase %0") : "+r"(v) : : "r11", "memory");
		break;
	}
	case I_SSE: __asm__ __volatile__(FAULT_TRY("pxor %%xmm0, %%xmm0") : : : "r11", "memory"); break;
	case I_X87: __asm__ __volatile__(FAULT_TRY("fninit") : : : "r11", "memory"); break;
	case I_AVX: __asm__ __volatile__(FAULT_TRY("vzeroupper") : : : "r11", "memory"); break;
	}
	*out = (i == I_RDTSCP || i == I_RDPID) ? c : 0;
	return RESULT(before);
}

/* ---- One instruction on memory: the TPR or RAM ---------------------- */

#define FLAGS_LOGIC 0x8c5ull /* CF PF ZF SF OF (AF undefined) */
#define FLAGS_ARITH 0x8d5ull /* and AF */

static volatile uint32_t ram_word;

/* Runs 'm' on *p starting from 'init': *out = the value the instruction
 * left in its register or in memory (low 32 bits) and the flags it
 * defines (high 32 bits). */
static int mem_insn(enum mmio m, volatile uint32_t *p, uint32_t init, uint64_t *out)
{
	unsigned before = fault_count;
	uint64_t fl = 0, mask = FLAGS_LOGIC;
	uint32_t reg = 0x50, res;

	*p = init;
	switch (m) {
	case M_MOV_RD:
		__asm__ __volatile__(FAULT_TRY("movl (%1), %0") : "+r"(reg) : "r"(p) : "r11", "memory");
		break;
	case M_MOV_WR:
		__asm__ __volatile__(FAULT_TRY("movl %0, (%1)") : : "r"(reg), "r"(p) : "r11", "memory");
		break;
	case M_OR:
		__asm__ __volatile__(FAULT_TRY("orl $0x10, (%1); pushfq; popq %0") : "+r"(fl) : "r"(p) : "r11", "memory", "cc");
		break;
	case M_AND:
		__asm__ __volatile__(FAULT_TRY("andl $0x0f, (%1); pushfq; popq %0") : "+r"(fl) : "r"(p) : "r11", "memory", "cc");
		break;
	case M_XOR:
		__asm__ __volatile__(FAULT_TRY("xorl $0x30, (%1); pushfq; popq %0") : "+r"(fl) : "r"(p) : "r11", "memory", "cc");
		break;
	case M_CMP_EQ:
		mask = FLAGS_ARITH;
		__asm__ __volatile__(FAULT_TRY("cmpl $0x30, (%1); pushfq; popq %0") : "+r"(fl) : "r"(p) : "r11", "memory", "cc");
		break;
	case M_CMP_LT:
		mask = FLAGS_ARITH;
		__asm__ __volatile__(FAULT_TRY("cmpl $0x41, (%1); pushfq; popq %0") : "+r"(fl) : "r"(p) : "r11", "memory", "cc");
		break;
	case M_CMP_REG:
		mask = FLAGS_ARITH;
		__asm__ __volatile__(FAULT_TRY("cmpl %2, (%1); pushfq; popq %0") : "+r"(fl) : "r"(p), "r"(0x2fu) : "r11", "memory", "cc");
		break;
	case M_TEST:
		__asm__ __volatile__(FAULT_TRY("testl $0x20, (%1); pushfq; popq %0") : "+r"(fl) : "r"(p) : "r11", "memory", "cc");
		break;
	case M_OR_REG:
		__asm__ __volatile__(FAULT_TRY("orl %2, (%1); pushfq; popq %0") : "+r"(fl) : "r"(p), "r"(0x81u) : "r11", "memory", "cc");
		break;
	case M_AND_REG:
		__asm__ __volatile__(FAULT_TRY("andl %2, (%1); pushfq; popq %0") : "+r"(fl) : "r"(p), "r"(0xc0u) : "r11", "memory", "cc");
		break;
	case M_MOVZB:
		__asm__ __volatile__(FAULT_TRY("movzbl (%1), %0") : "+r"(reg) : "r"(p) : "r11", "memory");
		break;
	case M_MOVSB:
		__asm__ __volatile__(FAULT_TRY("movsbl (%1), %0") : "+r"(reg) : "r"(p) : "r11", "memory");
		break;
	case M_MOVZW:
		__asm__ __volatile__(FAULT_TRY("movzwl (%1), %0") : "+r"(reg) : "r"(p) : "r11", "memory");
		break;
	case M_XCHG:
		__asm__ __volatile__(FAULT_TRY("xchgl %0, (%1)") : "+r"(reg) : "r"(p) : "r11", "memory");
		break;
	case M_ORB:
		__asm__ __volatile__(FAULT_TRY("orb $0x81, (%1); pushfq; popq %0") : "+r"(fl) : "r"(p) : "r11", "memory", "cc");
		break;
	case M_ANDB:
		__asm__ __volatile__(FAULT_TRY("andb $0x80, (%1); pushfq; popq %0") : "+r"(fl) : "r"(p) : "r11", "memory", "cc");
		break;
	case M_XORB:
		__asm__ __volatile__(FAULT_TRY("xorb $0xff, (%1); pushfq; popq %0") : "+r"(fl) : "r"(p) : "r11", "memory", "cc");
		break;
	case M_CMPB:
		mask = FLAGS_ARITH;
		__asm__ __volatile__(FAULT_TRY("cmpb $0x7f, (%1); pushfq; popq %0") : "+r"(fl) : "r"(p) : "r11", "memory", "cc");
		break;
	case M_TESTB:
		__asm__ __volatile__(FAULT_TRY("testb $0x80, (%1); pushfq; popq %0") : "+r"(fl) : "r"(p) : "r11", "memory", "cc");
		break;
	case M_MOVB_WR:
		__asm__ __volatile__(FAULT_TRY("movb %b0, (%1)") : : "r"(0xa5u), "r"(p) : "r11", "memory");
		break;
	case M_MOVB_RD:
		__asm__ __volatile__(FAULT_TRY("movb (%1), %b0") : "+r"(reg) : "r"(p) : "r11", "memory");
		break;
	case M_XCHGB:
		__asm__ __volatile__(FAULT_TRY("xchgb %b0, (%1)") : "+r"(reg) : "r"(p) : "r11", "memory");
		break;
	case M_ORW:
		__asm__ __volatile__(FAULT_TRY("orw $0x0101, (%1); pushfq; popq %0") : "+r"(fl) : "r"(p) : "r11", "memory", "cc");
		break;
	case M_CMPW:
		mask = FLAGS_ARITH;
		__asm__ __volatile__(FAULT_TRY("cmpw $0x00ff, (%1); pushfq; popq %0") : "+r"(fl) : "r"(p) : "r11", "memory", "cc");
		break;
	case M_STOS: {
		void *d = (void *)(uintptr_t)p;
		uint64_t n = 1;

		__asm__ __volatile__(FAULT_TRY("rep stosl") : "+D"(d), "+c"(n) : "a"(0x60u) : "r11", "memory");
		break;
	}
	}
	res = (m == M_MOV_RD || m == M_MOVZB || m == M_MOVSB || m == M_MOVZW ||
	       m == M_MOVB_RD) ? reg : *p;
	if (m == M_XCHG || m == M_XCHGB)
		res ^= reg << 16; /* both: the old value and the new */
	*out = (fl & mask) << 32 | res;
	return RESULT(before);
}

/* Runs the row's instruction with 'operand'; *out is what it read. */
static int exec(const struct row *r, uint64_t operand, uint64_t *out)
{
	unsigned before = fault_count;
	uint32_t lo = 0x11111111, hi = 0x22222222, ecx = r->idx;

	*out = 0;
	switch (r->op) {
	case OP_WRCR:
		return wr_cr(r->idx, operand);
	case OP_RDCR:
		return try_rd_cr(r->idx, out);
	case OP_CLTS:
		__asm__ __volatile__(FAULT_TRY("clts") : : : "r11", "memory");
		return RESULT(before);
	case OP_LMSW:
		__asm__ __volatile__(FAULT_TRY("lmsw %w0") : : "r"((uint16_t)operand) : "r11", "memory");
		return RESULT(before);
	case OP_XSETBV:
		__asm__ __volatile__(FAULT_TRY("xsetbv")
				     : : "c"(ecx), "a"((uint32_t)operand), "d"((uint32_t)(operand >> 32))
				     : "r11", "memory");
		return RESULT(before);
	case OP_XGETBV:
		__asm__ __volatile__(FAULT_TRY("xgetbv") : "+a"(lo), "+d"(hi) : "c"(ecx) : "r11", "memory");
		break;
	case OP_WRMSR:
		__asm__ __volatile__(FAULT_TRY("wrmsr")
				     : : "c"(ecx), "a"((uint32_t)operand), "d"((uint32_t)(operand >> 32))
				     : "r11", "memory");
		return RESULT(before);
	case OP_RDMSR:
		__asm__ __volatile__(FAULT_TRY("rdmsr") : "+a"(lo), "+d"(hi) : "c"(ecx) : "r11", "memory");
		break;
	case OP_RDPMC:
		__asm__ __volatile__(FAULT_TRY("rdpmc") : "+a"(lo), "+d"(hi) : "c"(ecx) : "r11", "memory");
		break;
	case OP_INSN:
		return exec_insn((enum insn)r->idx, out);
	case OP_CR8_TPR:
		if (wr_cr(8, operand) != NONE)
			return fault_last.vector;
		*out = apic_read(REG_TPR);
		return NONE;
	case OP_TPR_CR8:
		apic_write(REG_TPR, (uint32_t)operand);
		*out = rd_cr(8);
		return NONE;
	case OP_MMIO:
		return mem_insn((enum mmio)r->idx,
				(volatile uint32_t *)(uintptr_t)(LAPIC_MMIO + REG_TPR),
				(uint32_t)operand, out);
	case OP_MMIO_IOAPIC:
		return mem_insn((enum mmio)r->idx, (volatile uint32_t *)(uintptr_t)IOAPIC_MMIO,
				(uint32_t)operand, out);
	case OP_IN: {
		uint16_t port = (uint16_t)r->idx;
		uint32_t v = 0x5a5a5a5a;

		if (operand == 1)
			__asm__ __volatile__(FAULT_TRY("inb %w1, %b0") : "+a"(v) : "d"(port) : "r11", "memory");
		else if (operand == 2)
			__asm__ __volatile__(FAULT_TRY("inw %w1, %w0") : "+a"(v) : "d"(port) : "r11", "memory");
		else
			__asm__ __volatile__(FAULT_TRY("inl %w1, %0") : "+a"(v) : "d"(port) : "r11", "memory");
		*out = v;
		return RESULT(before);
	}
	case OP_OUT:
		__asm__ __volatile__(FAULT_TRY("outb %b0, %w1")
				     : : "a"((uint8_t)operand), "d"((uint16_t)r->idx) : "r11", "memory");
		return RESULT(before);
	case OP_LEGACY:
		if (!legacy_done) {
			sdm_legacy_run();
			legacy_done = true;
		}
		*out = sdm_leg_val[r->idx];
		return sdm_leg_vec[r->idx] == 0xffffffffu ? NONE : (int)sdm_leg_vec[r->idx];
	case OP_TSCDL_FIRE: {
		unsigned d0 = drained;
		uint64_t deadline = rdtsc() + operand, end = deadline + (1ull << 26);

		apic_write(REG_LVT_TIMER, LVT_DEADLINE | VEC_DRAIN_LAST);
		try_wrmsr(MSR_TSC_DEADLINE, deadline);
		irq_enable();
		while (drained == d0 && rdtsc() < end)
			__asm__ __volatile__("pause");
		irq_disable();
		apic_write(REG_LVT_TIMER, LVT_MASKED);
		*out = drained == d0 ? 0 : drained_tsc >= deadline ? 1 : 2;
		return NONE;
	}
	case OP_XSAVE_SIZE:
		wr_cr(4, rd_cr(4) | CR4_OSXSAVE);
		__asm__ __volatile__(FAULT_TRY("xsetbv")
				     : : "c"(0), "a"((uint32_t)operand), "d"((uint32_t)(operand >> 32))
				     : "r11", "memory");
		if (fault_count != before)
			return (int)fault_last.vector;
		*out = cpuid(0xd, 0).b;
		return NONE;
	case OP_FASTSTR: {
		uint64_t misc = rdmsr_or(MSR_MISC_ENABLE, 1);

		if (try_wrmsr(MSR_MISC_ENABLE, operand ? misc | 1 : misc & ~1ull) >= 0)
			return fault_last.vector;
		*out = (cpuid(7, 0).b >> 9) & 1;
		try_wrmsr(MSR_MISC_ENABLE, misc);
		return NONE;
	}
	case OP_TSCADJ: {
		uint64_t adj = rdmsr_or(MSR_TSC_ADJUST, 0), t0, t1;

		t0 = rdtsc();
		if (try_wrmsr(MSR_TSC_ADJUST, adj + operand) >= 0)
			return fault_last.vector;
		t1 = rdtsc();
		try_wrmsr(MSR_TSC_ADJUST, adj);
		*out = t1 - t0 >= operand && t1 - t0 - operand < (1ull << 24);
		return NONE;
	}
	case OP_OSXSAVE: {
		uint64_t cr4 = rd_cr(4);

		if (wr_cr(4, operand ? cr4 | CR4_OSXSAVE : cr4 & ~CR4_OSXSAVE) != NONE)
			return fault_last.vector;
		*out = (cpuid(1, 0).c >> 27) & 1;
		return NONE;
	}
	}
	*out = (uint64_t)hi << 32 | lo;
	return RESULT(before);
}

/* CPL 3: run_user calls user_exec with the row and operand here. */
static struct {
	const struct row *r;
	uint64_t operand, out;
} user_req;

static uint64_t user_exec(uint64_t arg)
{
	(void)arg;
	return (uint64_t)(int64_t)exec(user_req.r, user_req.operand, &user_req.out);
}

/* ---- Reading back what a write changed --------------------------------- */

static bool is_write(enum op op)
{
	return op == OP_WRCR || op == OP_CLTS || op == OP_LMSW ||
	       op == OP_XSETBV || op == OP_WRMSR;
}

/* The register a write op changes, read at CPL 0; false if unreadable. */
static bool read_back(const struct row *r, uint64_t *v)
{
	switch (r->op) {
	case OP_WRCR:
		*v = rd_cr(r->idx);
		return true;
	case OP_CLTS:
	case OP_LMSW:
		*v = rd_cr(0);
		return true;
	case OP_XSETBV:
		if (!(rd_cr(4) & CR4_OSXSAVE))
			return false;
		*v = xgetbv0();
		return true;
	case OP_WRMSR:
		return try_rdmsr(r->idx, v) < 0;
	default:
		return false;
	}
}

/* ---- Saved state --------------------------------------------------------- */

struct saved {
	uint64_t cr0, cr3, cr4, cr8, efer, pat, msr;
	bool msr_ok;
};

static void save(const struct row *r, struct saved *s)
{
	s->cr0 = rd_cr(0);
	s->cr3 = rd_cr(3);
	s->cr4 = rd_cr(4);
	s->cr8 = rd_cr(8);
	s->efer = rdmsr_or(MSR_EFER, 0);
	s->pat = rdmsr_or(MSR_PAT, 0);
	s->msr_ok = r->op == OP_WRMSR && try_rdmsr(r->idx, &s->msr) < 0;
}

static void restore(const struct row *r, const struct saved *s)
{
	wr_cr(0, s->cr0);
	if (has(N_XSAVE)) {
		wr_cr(4, rd_cr(4) | CR4_OSXSAVE);
		if (xgetbv0() != xcr0_base)
			__asm__ __volatile__("xsetbv" : : "c"(0), "a"((uint32_t)xcr0_base),
					     "d"((uint32_t)(xcr0_base >> 32)));
	}
	wr_cr(4, s->cr4);
	wr_cr(3, s->cr3);
	wr_cr(8, s->cr8);
	try_wrmsr(MSR_EFER, s->efer);
	try_wrmsr(MSR_PAT, s->pat);
	if (s->msr_ok && !(r->flags & F_KEEP))
		try_wrmsr(r->idx, s->msr);
	if (r->prep == P_LVT_DEADLINE || r->prep == P_LVT_ONESHOT) {
		try_wrmsr(MSR_TSC_DEADLINE, 0);
		apic_write(REG_LVT_TIMER, LVT_MASKED);
	}
	fault_reset();
}

static void prep(enum prep p)
{
	switch (p) {
	case P_NONE: break;
	case P_OSXSAVE: wr_cr(4, rd_cr(4) | CR4_OSXSAVE); break;
	case P_NO_OSXSAVE: wr_cr(4, rd_cr(4) & ~CR4_OSXSAVE); break;
	case P_CR3_LOW: wr_cr(3, rd_cr(3) | CR3_PWT); break;
	case P_PCIDE: wr_cr(4, rd_cr(4) | CR4_PCIDE); break;
	case P_TS: wr_cr(0, rd_cr(0) | CR0_TS); break;
	case P_PCE: wr_cr(4, rd_cr(4) | CR4_PCE); break;
	case P_TSD: wr_cr(4, rd_cr(4) | CR4_TSD); break;
	case P_LVT_DEADLINE: apic_write(REG_LVT_TIMER, LVT_MASKED | LVT_DEADLINE | 0x40); break;
	case P_LVT_ONESHOT: apic_write(REG_LVT_TIMER, LVT_MASKED | 0x40); break;
	case P_TSC_AUX: try_wrmsr(MSR_TSC_AUX, 0x5a); break;
	case P_EM: wr_cr(0, rd_cr(0) | CR0_EM); break;
	case P_UMIP: wr_cr(4, rd_cr(4) | (1ull << 11)); break;
	case P_FSGSBASE: wr_cr(4, rd_cr(4) | (1ull << 16)); break;
	case P_OSFXSR: wr_cr(4, rd_cr(4) | CR4_OSFXSR); break;
	case P_TS_FX: wr_cr(4, rd_cr(4) | CR4_OSFXSR); wr_cr(0, rd_cr(0) | CR0_TS); break;
	case P_EM_FX: wr_cr(4, rd_cr(4) | CR4_OSFXSR); wr_cr(0, rd_cr(0) | CR0_EM); break;
	case P_XCR0_AVX:
	case P_XCR0_X87: {
		uint64_t x = p == P_XCR0_AVX ? 7 : 1;

		wr_cr(4, rd_cr(4) | CR4_OSXSAVE | CR4_OSFXSR);
		__asm__ __volatile__(FAULT_TRY("xsetbv")
				     : : "c"(0), "a"((uint32_t)x), "d"(0) : "r11", "memory");
		break;
	}
	}
	fault_reset();
}

/* ---- One row ------------------------------------------------------------- */

static const char *vec_str(int vec)
{
	return vec == NONE ? "no exception" : vector_name((unsigned)vec);
}

static void drain_irq(unsigned vec)
{
	drained_tsc = rdtsc();
	__atomic_fetch_add(&drained, 1, __ATOMIC_RELAXED);
	(void)vec;
	apic_write(REG_EOI, 0);
}

static bool irr_has(unsigned vec)
{
	return apic_read(REG_IRR + (vec / 32) * 16) & (1u << (vec % 32));
}

static void run_row(unsigned n, const struct row *r)
{
	struct saved s;
	uint64_t cur = 0, operand, before = 0, after = 0, out = 0, want_rb = 0;
	int want = r->exc ? r->exc - 1 : NONE, got;
	bool ok, have_before = false;
	char why[160] = "";

	if (!has(r->need)) {
		if (!(r->flags & F_ELSE_GP)) {
			printf("SKIP: %u %s: %s (feature absent)\n", n, r->area, r->what);
			skipped++;
			return;
		}
		want = VEC_GP;
	}
	save(r, &s);
	prep(r->prep);
	if (is_write(r->op))
		have_before = read_back(r, &before);
	cur = have_before ? before : 0;
	operand = (r->flags & F_ABS) ? r->set : ((cur & ~r->clr) | r->set);
	if (r->flags & F_ADD)
		operand = cur + r->set;
	if (r->flags & F_MAXPHY)
		operand |= 1ull << maxphyaddr;
	if (r->flags & F_XCR0)
		want = (operand & ~xcr0_supported) ? VEC_GP : want;

	fault_reset();
	if (r->flags & F_CPL3) {
		user_req.r = r;
		user_req.operand = operand;
		got = (int)(int64_t)run_user(user_exec, 0);
		out = user_req.out;
	} else {
		got = exec(r, operand, &out);
	}

	if (r->op == OP_WRMSR && r->idx == MSR_TSC && got == NONE)
		tsc_moved += operand - before;
	ok = got == want;
	if (!ok && (r->flags & F_QUIRK) && got == (r->quirk ? r->quirk - 1 : NONE)) {
		/* Bochs' emulation of an instruction the hypervisor does not
		 * see differs from the SDM: accepted, and said so. */
		printf("QUIRK: %u %s: %s: Bochs gives %s, the SDM %s (%s)\n", n, r->area,
		       r->what, vec_str(got), vec_str(want), r->note ? r->note : "");
		quirks++;
		restore(r, &s);
		check_true(true, nm("%u %s: %s -> %s (Bochs quirk)", n, r->area, r->what,
				    vec_str(got)), "", __FILE__, __LINE__);
		return;
	}
	if (!ok)
		snprintf(why, sizeof(why), "got %s, expected %s", vec_str(got), vec_str(want));
	else if (got == VEC_GP && fault_last.error != 0) {
		ok = false;
		snprintf(why, sizeof(why), "#GP error code %#lx, expected 0", fault_last.error);
	}
	if (ok && is_write(r->op) && !(r->flags & F_NORB) && have_before &&
	    read_back(r, &after)) {
		want_rb = got == NONE ? (operand & ~r->rb_clr) | r->rb_set : before;
		if (got == NONE && (r->flags & F_NEAR))
			ok = after >= want_rb && after - want_rb < (1ull << 24);
		else
			ok = after == want_rb;
		if (!ok)
			snprintf(why, sizeof(why), "reads back %#lx, expected %#lx (operand %#lx)",
				 after, want_rb, operand);
	}
	if (ok && (r->op == OP_MMIO || r->op == OP_MMIO_IOAPIC)) {
		uint64_t ram = 0;

		mem_insn((enum mmio)r->idx, &ram_word, (uint32_t)operand, &ram);
		if (r->flags & F_FLAGS) {
			out >>= 32;
			ram >>= 32;
		}
		ok = out == ram;
		if (!ok)
			snprintf(why, sizeof(why), "the device gives %#lx (flags:value), RAM %#lx", out, ram);
	} else if (ok && !is_write(r->op) && (got == NONE || r->op == OP_LEGACY) &&
	    !(r->flags & F_NORB)) {
		uint64_t mask = r->rbmask ? r->rbmask : ~0ull;

		ok = (out & mask) == r->rb_set;
		if (!ok)
			snprintf(why, sizeof(why), "read %#lx (masked %#lx), expected %#lx",
				 out, out & mask, r->rb_set);
	}
	if (ok && (r->flags & F_IRR) && got == NONE) {
		unsigned vec = (unsigned)(operand & 0xff), d0 = drained;

		ok = irr_has(vec);
		__asm__ __volatile__("sti; nop; nop; nop; cli" : : : "memory");
		if (ok && drained == d0) {
			ok = false;
			snprintf(why, sizeof(why), "vector %#x requested but not delivered", vec);
		} else if (!ok) {
			snprintf(why, sizeof(why), "vector %#x not requested in IRR", vec);
		}
	}
	restore(r, &s);

	check_true(ok, nm("%u %s: %s -> %s%s%s", n, r->area, r->what, vec_str(want),
			  r->note ? " ; " : "", r->note ? r->note : ""),
		   why, __FILE__, __LINE__);
}

int guest_main(const struct hv_start_info *si)
{
	struct regs4 r;
	unsigned i;
	uint64_t t0 = rdtsc();

	(void)si;
	rt_init();
	for (i = VEC_DRAIN_FIRST; i <= VEC_DRAIN_LAST; i++)
		irq_set_handler(i, drain_irq);
	r = cpuid(0x80000000, 0);
	maxphyaddr = r.a >= 0x80000008 ? cpuid(0x80000008, 0).a & 0xff : 36;
	if (has(N_XSAVE)) {
		r = cpuid(0xd, 0);
		xcr0_supported = (uint64_t)r.d << 32 | r.a;
		wr_cr(4, rd_cr(4) | CR4_OSXSAVE);
		xcr0_base = xgetbv0();
		wr_cr(4, rd_cr(4) & ~CR4_OSXSAVE);
	}
	r = cpuid(0xd, 1);
	printf("sdm_conf: starting, %u rows, MAXPHYADDR %u, XCR0 supported %#lx, CPUID.(0DH,1) EAX %#x ECX %#x EDX %#x\n",
	       sdm_nrows, maxphyaddr, xcr0_supported, r.a, r.c, r.d);
	printf("sdm_conf: CR0 %#lx, CR4 %#lx, EFER %#lx\n", rd_cr(0), rd_cr(4),
	       rdmsr_or(MSR_EFER, 0));
	for (i = 0; i < sdm_nrows; i++)
		run_row(i, &sdm_rows[i]);
	printf("sdm_conf: %u rows, %u skipped, %u Bochs quirks, %lu TSC ticks\n",
	       sdm_nrows, skipped, quirks, rdtsc() - t0 - tsc_moved);
	test_finish();
}
