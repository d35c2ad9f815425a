/* Per-CPU GDT and TSS, and the per-CPU area itself. */
#include "arch-x86/percpu.h"
#include "arch-x86/cpu.h"
#include "arch-x86/stack.h"
#include "lib/string.h"

struct percpu percpu_area[MAX_CPUS];

/* SDM vol. 3 §7.2.3: a 64-bit TSS descriptor takes two GDT slots. */
static void set_tss_desc(uint64_t *slot, const struct tss64 *tss)
{
	uint64_t base = (uint64_t)(uintptr_t)tss;
	uint64_t limit = sizeof(*tss) - 1;

	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		  (0x89ULL << 40) /* present, 64-bit available TSS */ |
		  (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

void gdt_init_cpu(struct percpu *pc)
{
	struct desc_ptr gdtr;

	pc->gdt[0] = 0;
	pc->gdt[1] = GDT_CODE64;
	pc->gdt[2] = GDT_DATA;
	set_tss_desc(&pc->gdt[3], &pc->tss);

	memset(&pc->tss, 0, sizeof(pc->tss));
	/* No I/O bitmap: the base points past the limit. */
	pc->tss.iomap_base = sizeof(pc->tss);
	pc->tss.rsp[0] = pc->stack_top;
	for (unsigned i = 0; i < IST_COUNT; i++)
		pc->tss.ist[i] = (uint64_t)(uintptr_t)(pc->ist_stack[i] +
						       IST_STACK_SIZE);

	gdtr.limit = sizeof(pc->gdt) - 1;
	gdtr.base = (uint64_t)(uintptr_t)pc->gdt;
	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %2, %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%ss\n\t"
		"ltr %w3\n\t"
		:
		: "m"(gdtr), "i"(SEL_CODE64), "i"(SEL_DATA), "r"((uint16_t)SEL_TSS)
		: "rax", "memory");
}

void percpu_init(unsigned cpu_id, uint64_t stack_bottom, uint64_t stack_top)
{
	struct percpu *pc = &percpu_area[cpu_id];

	pc->self = pc;
	pc->cpu_id = cpu_id;
	pc->stack_bottom = stack_bottom;
	pc->stack_top = stack_top;
	if (cpu_id == 0)
		for (unsigned i = 0; i < IST_COUNT; i++)
			pc->ist_stack[i] = stack_bsp_ist(i);
	gdt_init_cpu(pc);
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)pc);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	pc->online = true;
}
