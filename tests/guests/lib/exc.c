/* The runtime's descriptor tables, exception and interrupt dispatch.
 *
 * The GDT keeps the hypervisor's start-of-day selectors (hv_abi.h) and adds
 * one TSS per vCPU: an interrupt from CPL 3 loads RSP0 from it, so
 * returning from run_user and taking faults in user code both need one,
 * and LTR marks a TSS busy, so no two vCPUs can share one.  The IDT is
 * shared by all vCPUs. */
#include <stddef.h>

#include "lib/guest_rt.h"
#include "lib/layout.h"

#define SEL_TSS 0x28 /* vCPU n: SEL_TSS + n * 16 (two slots each) */
#define GDT_SLOTS ((SEL_TSS >> 3) + 2 * GRT_MAX_VCPUS)
#define MSR_GS_BASE 0xc0000101u
#define RSP0_STACK_SIZE 16384

/* Access/flag bits of a code or data descriptor (SDM vol. 3 3.4.5). */
#define SEG_P (1ull << 47)
#define SEG_DPL3 (3ull << 45)
#define SEG_S (1ull << 44)
#define SEG_CODE (0xaull << 40) /* execute/read */
#define SEG_DATA (0x2ull << 40) /* read/write */
#define SEG_L (1ull << 53)
#define SEG_DB (1ull << 54)
#define SEG_G (1ull << 55)
#define SEG_LIMIT_MAX (0xffffull | (0xfull << 48))
#define SEG_TSS_AVAIL (0x9ull << 40)

#define GATE_INTR 0xe
#define GATE_P 0x80
#define GATE_DPL3 0x60

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS is 104 bytes");

struct idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate is 16 bytes");

struct exc_frame {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};
_Static_assert(offsetof(struct exc_frame, vector) == EF_VECTOR, "exc_entry.S push order");
_Static_assert(sizeof(struct exc_frame) == EF_SIZE, "exc_entry.S frame size");

struct user_ctx {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
};
_Static_assert(offsetof(struct user_ctx, rbx) == UC_RBX &&
		       offsetof(struct user_ctx, r12) == UC_R12 &&
		       offsetof(struct user_ctx, r15) == UC_R15 &&
		       offsetof(struct user_ctx, rsp) == UC_RSP &&
		       offsetof(struct user_ctx, rip) == UC_RIP,
	       "user.S context layout");

extern const uint64_t exc_stub_table[32];
extern const char exc_stub_128[];
extern const char irq_stubs[];

struct user_ctx user_ctx; /* written by user.S */
volatile struct fault_record fault_last;
volatile unsigned fault_count;
volatile uint64_t fault_site, fault_landing;

static struct tss64 tss[GRT_MAX_VCPUS];
static struct idt_gate idt[256] __attribute__((aligned(16)));
static uint64_t gdt[GDT_SLOTS] __attribute__((aligned(16)));
static uint8_t rsp0_stack[GRT_MAX_VCPUS][RSP0_STACK_SIZE] __attribute__((aligned(16)));
static irq_fn irq_handlers[256];

static const char *const vector_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
	"#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

const char *vector_name(unsigned vector)
{
	if (vector < 32)
		return vector_names[vector];
	return vector == VEC_USER_RETURN ? "int 0x80" : "interrupt";
}

static void set_gate(unsigned vec, uint64_t handler, uint8_t dpl_bits)
{
	struct idt_gate *g = &idt[vec];

	g->off_lo = (uint16_t)handler;
	g->sel = HV_SEL_CODE64;
	g->ist = 0;
	g->type = GATE_P | dpl_bits | GATE_INTR;
	g->off_mid = (uint16_t)(handler >> 16);
	g->off_hi = (uint32_t)(handler >> 32);
	g->reserved = 0;
}

static uint16_t tss_selector(unsigned vcpu)
{
	return (uint16_t)(SEL_TSS + vcpu * 16);
}

static void build_gdt(void)
{
	uint64_t flat = SEG_P | SEG_S | SEG_LIMIT_MAX | SEG_G;
	unsigned i;

	gdt[0] = 0;
	gdt[HV_SEL_CODE64 >> 3] = flat | SEG_CODE | SEG_L;
	gdt[HV_SEL_DATA >> 3] = flat | SEG_DATA | SEG_DB;
	gdt[HV_SEL_USER_DATA >> 3] = flat | SEG_DATA | SEG_DB | SEG_DPL3;
	gdt[HV_SEL_USER_CODE64 >> 3] = flat | SEG_CODE | SEG_L | SEG_DPL3;
	for (i = 0; i < GRT_MAX_VCPUS; i++) {
		uint64_t base = (uint64_t)(uintptr_t)&tss[i];
		uint64_t limit = sizeof(tss[i]) - 1;
		unsigned slot = tss_selector(i) >> 3;

		tss[i].rsp[0] = (uint64_t)(uintptr_t)(rsp0_stack[i] + RSP0_STACK_SIZE);
		tss[i].iomap_base = sizeof(tss[i]); /* no bitmap: CPL-3 port I/O faults */
		/* A system descriptor takes two slots in long mode. */
		gdt[slot] = (limit & 0xffff) | (base & 0xffffff) << 16 |
			    SEG_TSS_AVAIL | SEG_P | ((base >> 24) & 0xff) << 56;
		gdt[slot + 1] = base >> 32;
	}
}

static void set_gs_base(struct vcpu_local *v)
{
	uint64_t val = (uint64_t)(uintptr_t)v;

	__asm__ __volatile__("wrmsr"
			     :
			     : "c"(MSR_GS_BASE), "a"((uint32_t)val),
			       "d"((uint32_t)(val >> 32))
			     : "memory");
}

static void load_tables(uint16_t tr)
{
	struct dt_reg gdtr = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };
	struct dt_reg idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	__asm__ __volatile__("lgdt %0\n\t"
			     "pushq %1\n\t"
			     "leaq 1f(%%rip), %%rax\n\t"
			     "pushq %%rax\n\t"
			     "lretq\n"
			     "1:\tmovw %w2, %%ds\n\t"
			     "movw %w2, %%es\n\t"
			     "movw %w2, %%ss\n\t"
			     "ltr %w3\n\t"
			     "lidt %4"
			     :
			     : "m"(gdtr), "i"(HV_SEL_CODE64), "r"(HV_SEL_DATA),
			       "r"(tr), "m"(idtr)
			     : "rax", "memory");
}

static void vcpu_local_init(unsigned vcpu)
{
	struct vcpu_local *v = &vcpu_local[vcpu];

	v->self = v;
	v->id = vcpu;
	set_gs_base(v);
}

void rt_init(void)
{
	unsigned v;

	build_gdt();
	for (v = 0; v < 32; v++)
		set_gate(v, exc_stub_table[v], 0);
	for (v = 32; v < 256; v++)
		set_gate(v, (uint64_t)(uintptr_t)irq_stubs +
				    (v - 32) * IRQ_STUB_SIZE, 0);
	set_gate(VEC_USER_RETURN, (uint64_t)(uintptr_t)exc_stub_128, GATE_DPL3);
	load_tables(tss_selector(0));
	vcpu_local_init(0);
	rt_smp_boot[0].rsp = entry_state.rsp;
	rt_smp_boot[0].rdi = entry_state.rdi;
	rt_smp_boot[0].rflags = entry_state.rflags;
}

/* A secondary vCPU: the tables vCPU 0 built, its own TSS. */
void rt_init_secondary(unsigned vcpu);
void rt_init_secondary(unsigned vcpu)
{
	load_tables(tss_selector(vcpu));
	vcpu_local_init(vcpu);
}

void irq_set_handler(unsigned vector, irq_fn fn)
{
	if (vector >= 32 && vector < 256)
		__atomic_store_n(&irq_handlers[vector], fn, __ATOMIC_RELEASE);
}

void fault_reset(void)
{
	fault_count = 0;
	fault_last.vector = ~0ull;
	fault_last.error = 0;
	fault_last.rip = 0;
	fault_last.cr2 = 0;
	fault_last.cs = 0;
}

static uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
	return v;
}

/* Resumes run_user's caller as if run_user had returned f->rdi. */
static void user_return(struct exc_frame *f)
{
	f->rax = f->rdi;
	f->rbx = user_ctx.rbx;
	f->rbp = user_ctx.rbp;
	f->r12 = user_ctx.r12;
	f->r13 = user_ctx.r13;
	f->r14 = user_ctx.r14;
	f->r15 = user_ctx.r15;
	f->rip = user_ctx.rip;
	f->rsp = user_ctx.rsp;
	f->cs = HV_SEL_CODE64;
	f->ss = HV_SEL_DATA;
	f->rflags = 0x2;
}

static GRT_NORETURN void unexpected(const struct exc_frame *f)
{
	printf("FAIL: unexpected exception %s (vector %lu) error %#lx at %#lx:%#lx\n",
	       vector_name((unsigned)f->vector), f->vector, f->error, f->cs,
	       f->rip);
	printf("  rax=%#lx rbx=%#lx rcx=%#lx rdx=%#lx\n", f->rax, f->rbx,
	       f->rcx, f->rdx);
	printf("  rsi=%#lx rdi=%#lx rbp=%#lx rsp=%#lx\n", f->rsi, f->rdi,
	       f->rbp, f->rsp);
	printf("  rflags=%#lx cr2=%#lx\n", f->rflags, read_cr2());
	check_true(false, "no unexpected exception", "exception", __FILE__,
		   __LINE__);
	test_finish();
}

static void irq_dispatch(struct exc_frame *f)
{
	struct vcpu_local *v = this_vcpu_local();
	unsigned vec = (unsigned)f->vector;
	irq_fn fn = __atomic_load_n(&irq_handlers[vec], __ATOMIC_ACQUIRE);

	v->last_vector = vec;
	v->irqs++;
	if (fn)
		fn(vec);
	else if (vec != GRT_VEC_WAKE)
		unexpected(f);
}

void exc_dispatch(struct exc_frame *f);
void exc_dispatch(struct exc_frame *f)
{
	if (f->vector == VEC_USER_RETURN && (f->cs & 3) == 3) {
		user_return(f);
		return;
	}
	if (f->vector >= 32) {
		irq_dispatch(f);
		return;
	}
	if (!fault_landing)
		unexpected(f);
	fault_last.vector = f->vector;
	fault_last.error = f->error;
	fault_last.rip = f->rip;
	fault_last.cs = (uint16_t)f->cs;
	fault_last.cr2 = f->vector == VEC_PF ? read_cr2() : 0;
	fault_count++;
	f->rip = fault_landing;
	fault_landing = 0;
}

int try_rdmsr(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;
	unsigned before = fault_count;

	__asm__ __volatile__(FAULT_TRY("rdmsr")
			     : "+a"(lo), "+d"(hi)
			     : "c"(msr)
			     : "r11", "memory");
	*val = (uint64_t)hi << 32 | lo;
	return fault_count != before ? (int)fault_last.vector : -1;
}

int try_wrmsr(uint32_t msr, uint64_t val)
{
	unsigned before = fault_count;

	__asm__ __volatile__(FAULT_TRY("wrmsr")
			     :
			     : "c"(msr), "a"((uint32_t)val),
			       "d"((uint32_t)(val >> 32))
			     : "r11", "memory");
	return fault_count != before ? (int)fault_last.vector : -1;
}
