/* Hypervisor stacks with guard pages (see stack.h). */
#include "arch-x86/stack.h"
#include "arch-x86/percpu.h"
#include "mm/frame.h"
#include "mm/phys.h"

/* In .stacks, which the linker keeps out of .bss: nothing is cleared at
 * boot, a stack needs no zeroes.  Each: one guard page, then the stack.
 * (The boot stack is boot/entry.S's, laid out the same way.) */
static uint8_t bsp_ist[IST_COUNT][PAGE_SIZE + IST_STACK_SIZE]
	__attribute__((section(".stacks"), aligned(PAGE_SIZE)));

static struct paging *host_tables;

static const char *const ist_names[IST_COUNT] = {
	[IST_DF - 1] = "#DF IST stack",
	[IST_NMI - 1] = "NMI IST stack",
	[IST_MC - 1] = "#MC IST stack",
};

uint8_t *stack_bsp_ist(unsigned slot)
{
	return bsp_ist[slot] + PAGE_SIZE;
}

/* The direct map is an identity map: a page's address is its frame's. */
static int unmap_guard(uint64_t addr)
{
	return paging_unmap_range(host_tables, addr, PAGE_SIZE);
}

int stack_guards_init(struct paging *host, const void *boot_stack_guard)
{
	int r;

	host_tables = host;
	r = unmap_guard((uint64_t)(uintptr_t)boot_stack_guard);
	for (unsigned i = 0; i < IST_COUNT && r == 0; i++)
		r = unmap_guard((uint64_t)(uintptr_t)bsp_ist[i]);
	return r;
}

void *stack_alloc(size_t pages)
{
	paddr_t pa;
	uint8_t *va;

	if (!host_tables || pages == 0)
		return NULL;
	pa = frame_zalloc_contig(pages + 1, PAGE_SIZE);
	if (!pa)
		return NULL;
	va = phys_to_virt(pa);
	if (unmap_guard(pa) < 0) {
		frame_free_contig(pa, pages + 1);
		return NULL;
	}
	return va + PAGE_SIZE;
}

static bool in_guard(uint64_t addr, uint64_t stack_low)
{
	return stack_low >= PAGE_SIZE && addr >= stack_low - PAGE_SIZE &&
	       addr < stack_low;
}

bool stack_guard_hit(uint64_t addr, unsigned *cpu, const char **what)
{
	for (unsigned c = 0; c < MAX_CPUS; c++) {
		const struct percpu *pc = &percpu_area[c];

		if (!pc->self)
			continue;
		if (in_guard(addr, pc->stack_bottom)) {
			*cpu = c;
			*what = "stack";
			return true;
		}
		for (unsigned i = 0; i < IST_COUNT; i++) {
			if (pc->ist_stack[i] &&
			    in_guard(addr, (uint64_t)(uintptr_t)pc->ist_stack[i])) {
				*cpu = c;
				*what = ist_names[i];
				return true;
			}
		}
	}
	return false;
}
