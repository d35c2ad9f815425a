/* Host exception reporting.  Any exception in the hypervisor is a bug:
 * print everything useful, then stop the machine (panic policy). */
#include "arch-x86/exception.h"
#include "arch-x86/cpu.h"
#include "arch-x86/percpu.h"
#include "arch-x86/smp.h"
#include "arch-x86/stack.h"
#include "lib/printk.h"

static irq_handler_fn irq_handlers[NR_VECTORS];

void irq_register(unsigned vector, irq_handler_fn fn)
{
	if (vector >= X86_NR_EXCEPTIONS && vector < NR_VECTORS)
		irq_handlers[vector] = fn;
}

static bool on_hv_stack(uint64_t addr)
{
	struct percpu *pc = this_cpu();

	if (!pc)
		return false;
	if (addr >= pc->stack_bottom && addr + 16 <= pc->stack_top)
		return true;
	for (unsigned i = 0; i < IST_COUNT; i++) {
		uint64_t lo = (uint64_t)(uintptr_t)pc->ist_stack[i];

		if (lo && addr >= lo && addr + 16 <= lo + IST_STACK_SIZE)
			return true;
	}
	return false;
}

/* Walk the frame-pointer chain while it stays on a known hypervisor stack
 * and moves upwards, so a corrupted chain cannot cause a second fault. */
void dump_backtrace(uint64_t rbp)
{
	pr_err("backtrace:\n");
	for (unsigned depth = 0; depth < 16; depth++) {
		const uint64_t *fp = (const uint64_t *)(uintptr_t)rbp;
		uint64_t next;

		if (!rbp || (rbp & 7) || !on_hv_stack(rbp))
			break;
		pr_err("  #%u %016lx\n", depth, fp[1]);
		next = fp[0];
		if (next <= rbp)
			break;
		rbp = next;
	}
}

static void dump_frame(const void *ctx)
{
	const struct exc_frame *f = ctx;

	pr_err("hypervisor fault: vector %lu (%s) error %#lx on CPU %u\n",
	       f->vector, x86_exc_name((unsigned)f->vector), f->error,
	       this_cpu() ? this_cpu()->cpu_id : 0);
	pr_err("  RIP %04lx:%016lx RFLAGS %016lx CR2 %016lx\n", f->cs, f->rip,
	       f->rflags, read_cr2());
	pr_err("  RSP %04lx:%016lx CR3 %016lx\n", f->ss, f->rsp, read_cr3());
	pr_err("  RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", f->rax,
	       f->rbx, f->rcx, f->rdx);
	pr_err("  RSI %016lx RDI %016lx RBP %016lx R8  %016lx\n", f->rsi,
	       f->rdi, f->rbp, f->r8);
	pr_err("  R9  %016lx R10 %016lx R11 %016lx R12 %016lx\n", f->r9,
	       f->r10, f->r11, f->r12);
	pr_err("  R13 %016lx R14 %016lx R15 %016lx\n", f->r13, f->r14, f->r15);
	pr_err("  fault at %016lx\n", f->rip);
	if (f->vector == X86_EXC_PF || f->vector == X86_EXC_DF) {
		unsigned cpu;
		const char *what;

		if (stack_guard_hit(read_cr2(), &cpu, &what))
			pr_err("  stack overflow: CR2 is in the guard page under CPU %u's %s\n",
			       cpu, what);
	}
	dump_backtrace(f->rbp);
}

void exception_dispatch(struct exc_frame *f)
{
	if (f->vector >= X86_NR_EXCEPTIONS && f->vector < NR_VECTORS &&
	    irq_handlers[f->vector]) {
		irq_handlers[f->vector](f);
		return;
	}
	/* Another CPU panics and stops this one. */
	if (f->vector == X86_EXC_NMI && smp_stop_requested())
		smp_park();
	panic_dump(dump_frame, f, "unhandled %s in the hypervisor",
		   x86_exc_name((unsigned)f->vector));
}
