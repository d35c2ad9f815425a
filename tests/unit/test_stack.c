// UNIT-SOURCES: arch-x86/stack.c mm/paging.c mm/pt.c mm/frame.c mm/range.c
/* Hypervisor stacks with guard pages (issue 11): the page under every
 * stack from stack_alloc() is unmapped in the host tables, the stack itself
 * stays mapped and writable, and a fault address in a guard page is
 * traced back to its CPU and stack. */
#include "arch-x86/stack.h"
#include "arch-x86/percpu.h"
#include "lib/errno.h"
#include "mm/frame.h"
#include "mm/phys.h"
#include "tests/unit/fakes.h"

#define FAKE_BASE MiB(1)
#define FAKE_SIZE MiB(16)

/* What gdt.c gives the real build. */
struct percpu percpu_area[MAX_CPUS];
static char boot_stack_guard[PAGE_SIZE] __aligned(PAGE_SIZE);

static struct boot_info bi;
static struct paging pg;

static int setup(void **state)
{
	const struct phys_range image = { MiB(1), MiB(2) };
	const struct phys_range text = { MiB(1), MiB(1) + KiB(64) };
	struct paging_layout l = { .bi = &bi, .text = text,
				   .rodata = { text.end, text.end } };

	(void)state;
	fake_phys_init(FAKE_BASE, FAKE_SIZE);
	memset(&bi, 0, sizeof(bi));
	bi.mmap[0] = (struct mem_region){ FAKE_BASE, FAKE_SIZE, MEM_USABLE };
	bi.mmap_count = 1;
	assert_int_equal(frame_init(&bi, image, NULL, 0), 0);
	memset(&pg, 0, sizeof(pg));
	assert_int_equal(paging_build_direct(&pg, &l), 0);
	memset(percpu_area, 0, sizeof(percpu_area));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	paging_destroy(&pg);
	fake_phys_fini();
	return 0;
}

static bool mapped(uint64_t va, unsigned *flags)
{
	paddr_t pa;

	return paging_translate(paging_root(&pg), va, &pa, flags) == 0 && pa == va;
}

static void test_alloc_before_init_fails(void **state)
{
	(void)state;
	/* Until the tables are known there is nothing to unmap the guard
	 * from: no stack without its guard. */
	assert_null(stack_alloc(4));
}

static void test_guard_unmapped_stack_mapped(void **state)
{
	uint64_t free0, lo;
	unsigned tables0;
	uint8_t *s;
	unsigned flags;

	(void)state;
	assert_int_equal(stack_guards_init(&pg, boot_stack_guard), 0);
	free0 = frame_free_bytes();
	tables0 = paging_table_pages(&pg);
	s = stack_alloc(4);
	assert_non_null(s);
	/* Four stack pages and the guard, plus the table that splitting a
	 * large page of the direct map took. */
	assert_int_equal(free0 - frame_free_bytes(),
			 (5 + paging_table_pages(&pg) - tables0) * PAGE_SIZE);
	lo = virt_to_phys(s);
	assert_true(IS_ALIGNED(lo, PAGE_SIZE));
	assert_false(mapped(lo - PAGE_SIZE, &flags));
	assert_false(mapped(lo - 1, &flags));
	for (uint64_t a = lo; a < lo + 4 * PAGE_SIZE; a += PAGE_SIZE) {
		assert_true(mapped(a, &flags));
		assert_true(flags & PG_W);
		assert_false(flags & PG_X);
	}
	/* Zeroed, all of it usable. */
	for (unsigned i = 0; i < 4 * PAGE_SIZE; i++)
		assert_int_equal(s[i], 0);
	/* The page above the stack is not the business of this one. */
	assert_true(mapped(lo + 4 * PAGE_SIZE, &flags));
	assert_null(stack_alloc(0));
}

static void test_guard_hit_names_cpu_and_stack(void **state)
{
	unsigned cpu = 99;
	const char *what = NULL;
	uint8_t *s, *ist;

	(void)state;
	assert_int_equal(stack_guards_init(&pg, boot_stack_guard), 0);
	s = stack_alloc(4);
	ist = stack_alloc(2);
	assert_non_null(s);
	assert_non_null(ist);
	percpu_area[3].self = &percpu_area[3];
	percpu_area[3].stack_bottom = virt_to_phys(s);
	percpu_area[3].stack_top = virt_to_phys(s) + 4 * PAGE_SIZE;
	percpu_area[3].ist_stack[IST_NMI - 1] = (uint8_t *)(uintptr_t)virt_to_phys(ist);

	assert_true(stack_guard_hit(virt_to_phys(s) - 8, &cpu, &what));
	assert_int_equal(cpu, 3);
	assert_string_equal(what, "stack");
	assert_true(stack_guard_hit(virt_to_phys(s) - PAGE_SIZE, &cpu, &what));
	assert_true(stack_guard_hit(virt_to_phys(ist) - 1, &cpu, &what));
	assert_string_equal(what, "NMI IST stack");
	/* The stack's own first byte and the page under the guard are not. */
	assert_false(stack_guard_hit(virt_to_phys(s), &cpu, &what));
	assert_false(stack_guard_hit(virt_to_phys(s) - PAGE_SIZE - 1, &cpu, &what));
	/* An offline CPU's stale fields do not count. */
	percpu_area[3].self = NULL;
	assert_false(stack_guard_hit(virt_to_phys(s) - 8, &cpu, &what));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alloc_before_init_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guard_unmapped_stack_mapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guard_hit_names_cpu_and_stack, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
